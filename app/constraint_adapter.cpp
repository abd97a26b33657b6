// Adapter cursors: each holds one domain cursor and forwards to it.
#include "app/constraint_adapter.h"

#include <typeinfo>

namespace sigma::app {

namespace {

class Cursor final : public ConstraintCursor {
public:
    explicit Cursor(std::unique_ptr<domain::AnswerCursor> inner) : inner_(std::move(inner)) {}
    bool feed(std::string_view bytes) override { return inner_->feed(bytes); }
    bool complete() const override { return inner_->complete(); }
    std::unique_ptr<ConstraintCursor> clone() const override { return std::make_unique<Cursor>(inner_->clone()); }
    // Adapter cursors of different providers share this type, so a caller's type check cannot tell
    // them apart: a different provider's cursor is cloned rather than copied into.
    void copy_from(const ConstraintCursor& other) override {
        const domain::AnswerCursor& from = *static_cast<const Cursor&>(other).inner_;
        if (typeid(*inner_) == typeid(from)) inner_->copy_from(from);
        else inner_ = from.clone();
    }
    bool free_bytes(size_t max_length, ByteSet& bytes) const override {
        domain::AnswerByteSet b{};
        if (!inner_->free_bytes(max_length, b)) return false;
        for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = b[i];
        return true;
    }

private:
    std::unique_ptr<domain::AnswerCursor> inner_;
};

}  // namespace

std::unique_ptr<ConstraintCursor> DomainConstraint::start() const { return std::make_unique<Cursor>(answer_->start()); }

}  // namespace sigma::app
