// Builds the Aho-Corasick automaton of LiteralMatcher as a dense transition table over byte classes
// (one column per byte that occurs in a literal, one for all others). Not tuned for huge dictionaries.
#include "app/domain/pattern.h"

#include <cctype>
#include <deque>

namespace sigma::domain {

int LiteralMatcher::add(std::string_view literal, bool case_sensitive, bool word) {
    literals_.push_back(Literal{std::string(literal), case_sensitive, word});
    built_ = false;
    return static_cast<int>(literals_.size() - 1);
}

static bool is_word_char(unsigned char c) { return std::isalnum(c) || c == '_'; }

bool LiteralMatcher::verify(const Literal& lit, std::string_view text, size_t start) {
    if (lit.case_sensitive && text.compare(start, lit.text.size(), lit.text) != 0) return false;
    if (lit.word) {
        if (start > 0 && is_word_char(static_cast<unsigned char>(text[start - 1]))) return false;
        const size_t end = start + lit.text.size();
        if (end < text.size() && is_word_char(static_cast<unsigned char>(text[end]))) return false;
    }
    return true;
}

void LiteralMatcher::build() {
    // Byte classes: every (folded) byte that occurs in a literal gets its own column, all other bytes
    // share column 0, so the table stays small enough for the cache.
    class_of_.fill(0);
    int32_t n_classes = 1;
    for (const Literal& lit : literals_)
        for (unsigned char c : lit.text)
            if (class_of_[fold(c)] == 0) class_of_[fold(c)] = static_cast<uint16_t>(n_classes++);
    for (int c = 'A'; c <= 'Z'; ++c) class_of_[c] = class_of_[c + 32];
    n_classes_ = n_classes;
    const size_t w = static_cast<size_t>(n_classes);

    // Trie first (-1 = no edge), then breadth-first failure links folded into a full table.
    std::vector<int32_t> trie(w, -1);
    std::vector<std::vector<int32_t>> outputs(1);
    for (size_t id = 0; id < literals_.size(); ++id) {
        const std::string& t = literals_[id].text;
        if (t.empty()) continue;
        int32_t s = 0;
        for (unsigned char c : t) {
            const size_t slot = static_cast<size_t>(s) * w + class_of_[c];
            if (trie[slot] < 0) {
                trie[slot] = static_cast<int32_t>(outputs.size());
                outputs.emplace_back();
                trie.resize(trie.size() + w, -1);
            }
            s = trie[slot];
        }
        outputs[s].push_back(static_cast<int32_t>(id));
    }
    const size_t n_states = outputs.size();
    std::vector<int32_t> fail(n_states, 0);
    std::vector<int32_t> dict(n_states, -1);  // nearest proper suffix state with outputs
    std::vector<int32_t> next(n_states * w, 0);
    std::deque<int32_t> queue;
    for (size_t c = 1; c < w; ++c) {
        const int32_t t = trie[c];
        if (t >= 0) {
            next[c] = t;
            queue.push_back(t);
        }
    }
    while (!queue.empty()) {
        const int32_t s = queue.front();
        queue.pop_front();
        for (size_t c = 0; c < w; ++c) {
            const int32_t t = c == 0 ? -1 : trie[static_cast<size_t>(s) * w + c];
            if (t >= 0) {
                fail[t] = next[static_cast<size_t>(fail[s]) * w + c];
                dict[t] = outputs[fail[t]].empty() ? dict[fail[t]] : fail[t];
                next[static_cast<size_t>(s) * w + c] = t;
                queue.push_back(t);
            } else {
                next[static_cast<size_t>(s) * w + c] = next[static_cast<size_t>(fail[s]) * w + c];
            }
        }
    }
    // Rows instead of state numbers in the table, and the output flag in its top bit.
    goto_.assign(next.size(), 0);
    for (size_t i = 0; i < next.size(); ++i) {
        const auto t = static_cast<size_t>(next[i]);
        const bool has_output = !outputs[t].empty() || dict[t] > 0;
        goto_[i] = static_cast<uint32_t>(t * w) | (has_output ? kHasOutput : 0u);
    }
    // Output lists: a state's own literals, then those of its dictionary-suffix chain.
    out_head_.assign(n_states, -1);
    out_next_.clear();
    out_id_.clear();
    for (size_t s = 0; s < n_states; ++s) {
        std::vector<int32_t> ids;
        for (int32_t d = static_cast<int32_t>(s); d > 0; d = dict[d]) {
            for (int32_t id : outputs[d]) ids.push_back(id);
        }
        for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
            out_id_.push_back(*it);
            out_next_.push_back(out_head_[s]);
            out_head_[s] = static_cast<int32_t>(out_id_.size() - 1);
        }
    }
    built_ = true;
}

}  // namespace sigma::domain
