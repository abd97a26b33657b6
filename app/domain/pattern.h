// LiteralMatcher: finds many literal strings in one pass over a line (an Aho-Corasick automaton over
// ASCII-lower-cased bytes). Not a regular-expression engine: no wildcards, no backtracking, no stack.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sigma::domain {

class LiteralMatcher {
public:
    // Adds a literal and returns its id (0, 1, ...). Matching is ASCII case-insensitive unless
    // case_sensitive; `word` requires non-alphanumeric characters (or the line's ends) around it.
    // An empty literal is accepted but never matches.
    int add(std::string_view literal, bool case_sensitive = false, bool word = false);

    // Builds the automaton; call after the last add() and before scan().
    void build();

    size_t literal_count() const { return literals_.size(); }
    size_t literal_length(int id) const { return literals_[static_cast<size_t>(id)].text.size(); }

    // Calls on_match(id, start_offset) for every occurrence in `text`. Return false from the
    // callback to stop early.
    template <class F>
    void scan(std::string_view text, F&& on_match) const {
        if (!built_ || goto_.empty()) return;
        // goto_ holds the next state's row offset, with kHasOutput set when that state ends a literal,
        // so the loop makes one dependent load per byte.
        uint32_t row = 0;
        const size_t width = static_cast<size_t>(n_classes_);
        for (size_t i = 0; i < text.size(); ++i) {
            const uint32_t next = goto_[row + class_of_[static_cast<unsigned char>(text[i])]];
            row = next & ~kHasOutput;
            if (!(next & kHasOutput)) continue;
            for (int32_t o = out_head_[row / width]; o >= 0; o = out_next_[o]) {
                const int id = out_id_[o];
                const Literal& lit = literals_[id];
                const size_t start = i + 1 - lit.text.size();
                if (verify(lit, text, start) && !on_match(id, start)) return;
            }
        }
    }

private:
    struct Literal {
        std::string text;  // as given (for case-sensitive checks)
        bool case_sensitive = false;
        bool word = false;
    };
    static unsigned char fold(unsigned char c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }
    static bool verify(const Literal& lit, std::string_view text, size_t start);

    std::vector<Literal> literals_;
    std::array<uint16_t, 256> class_of_{};  // byte -> column (case folded; 0 = a byte no literal holds)
    int32_t n_classes_ = 1;
    static constexpr uint32_t kHasOutput = 0x80000000u;
    std::vector<uint32_t> goto_;     // [n_states * n_classes_] next state's row offset | kHasOutput
    std::vector<int32_t> out_head_;  // [n_states] first output entry, -1 if none
    std::vector<int32_t> out_next_;  // [n_outputs] next output entry of the same state
    std::vector<int32_t> out_id_;    // [n_outputs] literal id
    bool built_ = false;
};

}  // namespace sigma::domain
