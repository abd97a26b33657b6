// PredicateConstraint: the cursor keeps the text and how much of it is whole UTF-8 characters, rejects
// invalid UTF-8 itself, and asks the predicates about the text after each feed.
// Not a UTF-8 repairer: invalid bytes make the text non-viable rather than being replaced.
#include "inference/predicate_constraint.h"

#include <cstdint>
#include <utility>

namespace sigma {

namespace {
// How a UTF-8 sequence starting at text[pos] stands: its length when whole and valid, 0 when the
// text ends before it is whole but the bytes present could still be completed, -1 when invalid.
int utf8_sequence(std::string_view text, size_t pos) {
    const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
    const uint8_t lead = byte(pos);
    int length = 0;
    uint8_t second_min = 0x80, second_max = 0xBF;  // the second byte's range (narrower after some leads)
    if (lead < 0x80) return 1;
    if (lead >= 0xC2 && lead <= 0xDF) length = 2;
    else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) second_min = 0xA0;  // no overlong forms
        if (lead == 0xED) second_max = 0x9F;  // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) second_min = 0x90;
        if (lead == 0xF4) second_max = 0x8F;  // nothing above U+10FFFF
    } else {
        return -1;
    }
    for (int k = 1; k < length; ++k) {
        if (pos + static_cast<size_t>(k) >= text.size()) return 0;
        const uint8_t b = byte(pos + static_cast<size_t>(k));
        const uint8_t lo = k == 1 ? second_min : 0x80;
        const uint8_t hi = k == 1 ? second_max : 0xBF;
        if (b < lo || b > hi) return -1;
    }
    return length;
}
}  // namespace

class PredicateConstraint::Cursor : public ConstraintCursor {
public:
    explicit Cursor(const PredicateConstraint* owner) : owner_(owner) {}

    bool feed(std::string_view bytes) override {
        text_.append(bytes.data(), bytes.size());
        while (whole_ < text_.size()) {
            const int n = utf8_sequence(text_, whole_);
            if (n < 0) return false;
            if (n == 0) break;  // an unfinished character, which later bytes may complete
            whole_ += static_cast<size_t>(n);
        }
        if (bytes.empty()) return true;  // nothing new: the previous answer stands
        return owner_->viable_ && owner_->viable_(text_);
    }
    bool complete() const override { return whole_ == text_.size() && owner_->complete_ && owner_->complete_(text_); }
    std::unique_ptr<ConstraintCursor> clone() const override { return std::make_unique<Cursor>(*this); }
    void copy_from(const ConstraintCursor& other) override {
        const auto& o = static_cast<const Cursor&>(other);
        owner_ = o.owner_;
        text_.assign(o.text_);  // reuses the capacity this cursor already has
        whole_ = o.whole_;
    }

private:
    const PredicateConstraint* owner_;
    std::string text_;
    size_t whole_ = 0;  // bytes of text_ that are whole, valid UTF-8 characters
};

PredicateConstraint::PredicateConstraint(std::function<bool(std::string_view)> viable,
                                         std::function<bool(std::string_view)> complete)
    : viable_(std::move(viable)), complete_(std::move(complete)) {}

std::unique_ptr<ConstraintCursor> PredicateConstraint::start() const { return std::make_unique<Cursor>(this); }

}  // namespace sigma
