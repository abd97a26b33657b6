// AnswerConstraint: the pipeline's own prefix checks for a model's answer (a command answer, a KQL
// query), written as byte-fed cursors so that constrained decoding can ask them before every token.
// Not the engine's interface: app/constraint_adapter turns these into inference::Constraint, so this
// layer stays free of engine types (app/domain links no engine).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace sigma::domain {

// A set of byte values: bit (b % 64) of word b / 64 is byte b (the engine's ByteSet layout).
using AnswerByteSet = std::array<uint64_t, 4>;

inline void byte_set_add(AnswerByteSet& set, unsigned char b) { set[b / 64] |= uint64_t{1} << (b % 64); }
inline bool byte_set_has(const AnswerByteSet& set, unsigned char b) { return (set[b / 64] >> (b % 64)) & 1u; }

// A position in the answer text. Same contract as the engine's cursor: feed is associative and
// viability prefix-closed (once feed returns false every longer text is not viable); any bytes are
// safe to feed; a dead cursor is only ever overwritten by copy_from.
class AnswerCursor {
public:
    virtual ~AnswerCursor() = default;
    virtual bool feed(std::string_view bytes) = 0;
    virtual bool complete() const = 0;
    virtual std::unique_ptr<AnswerCursor> clone() const = 0;
    // `other` has the same concrete type (the adapter only copies between cursors of one constraint).
    virtual void copy_from(const AnswerCursor& other) = 0;
    // Free-text states (an explanation line, a quoted string): bytes of which every string of at most
    // max_length stays viable from here. False (the default) claims nothing.
    virtual bool free_bytes(size_t max_length, AnswerByteSet& bytes) const {
        (void)max_length;
        (void)bytes;
        return false;
    }
};

class AnswerConstraint {
public:
    virtual ~AnswerConstraint() = default;
    virtual std::unique_ptr<AnswerCursor> start() const = 0;
    // Whole-text helpers for tests and callers that hold a finished text.
    bool viable(std::string_view text) const {
        auto c = start();
        return c->feed(text);
    }
    bool complete(std::string_view text) const {
        auto c = start();
        return c->feed(text) && c->complete();
    }
};

}  // namespace sigma::domain
