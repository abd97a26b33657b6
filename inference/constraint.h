// Constraint: a text-level checker that constrained generation consults before each token: is the
// answer so far, plus a candidate token's bytes, still the start of a valid answer, and may it end here.
// Not a grammar engine and not tied to tokens: checkers see bytes only; TokenTrie turns them into masks.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace sigma {

// A checker's position in the answer text: the state after the bytes fed so far (the answer text
// generated so far, starting empty). Constrained generation keeps one cursor per answer and, to mask a
// step, copies it and feeds candidate bytes, one trie edge at a time, so work is shared along common
// prefixes of the vocabulary.
//
// The text is bytes: the concatenation of the generated tokens' pieces exactly as StreamDecoder emits
// them (Tokenizer::token_to_piece, control tokens rendering as nothing). That means it:
//  - may end inside a UTF-8 character: a checker working on characters should call an unfinished
//    character at the end viable when some continuation of it could be (never reject it early);
//  - may start with a space (SentencePiece models put one in front of the first word).
//
// Contract, relied on by TokenTrie and checked by its tests against a brute-force twin:
//  - feeding is associative: feed("ab") answers as feed("a") then feed("b") (the later call's result);
//  - viability is prefix-closed: once feed returns false, every longer text is not viable either;
//  - no exceptions, no asserts, no globals: any bytes (NUL, invalid UTF-8, 0xFF) are just not viable
//    or viable, never a crash;
//  - a cursor is used by one thread at a time; different cursors of one Constraint may be used from
//    different threads.
// A set of byte values: bit (b % 64) of word b / 64 is byte b.
using ByteSet = std::array<uint64_t, 4>;

class ConstraintCursor {
public:
    virtual ~ConstraintCursor() = default;

    // Appends `bytes` to the text. Returns whether the whole text is still a viable prefix of some
    // valid answer. After it returns false the cursor is dead: its state is unspecified until the
    // next copy_from, and it must not be fed again (its answers would mean nothing).
    virtual bool feed(std::string_view bytes) = 0;
    // True when the text fed so far is itself a complete, valid answer: generation may end here
    // (end-of-generation tokens are allowed only then). A complete text may also be viable for more.
    virtual bool complete() const = 0;
    // A new cursor in the same state (used to size the trie walk's stack, once per depth).
    virtual std::unique_ptr<ConstraintCursor> clone() const = 0;
    // Becomes a copy of `other`, reusing this cursor's storage: the hot operation of the trie walk,
    // so it should not allocate once warm. `other` always has the same concrete type (callers check),
    // so implementations may static_cast it; copy all of it, including any pointer to its Constraint.
    virtual void copy_from(const ConstraintCursor& other) = 0;
    // Optional fast path for permissive states (inside a string, a comment, free text): fills `bytes`
    // with byte values such that EVERY string of at most max_length of them, fed from this state,
    // leaves the text viable, and returns true. The trie then allows whole subtrees spelled only with
    // those bytes without feeding them. The default claims nothing. A claim may be smaller than the
    // truth (mind length limits: max_length is the longest token piece), never larger.
    virtual bool free_bytes(size_t max_length, ByteSet& bytes) const {
        (void)max_length;
        (void)bytes;
        return false;
    }
};

// A family of valid answers (a shell command line, a KQL query, a JSON object...). Immutable once
// built and shared read-only by generations: state lives in the cursors it starts.
class Constraint {
public:
    virtual ~Constraint() = default;
    // A cursor at the empty text.
    virtual std::unique_ptr<ConstraintCursor> start() const = 0;
};

}  // namespace sigma
