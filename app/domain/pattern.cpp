// Builds the Aho-Corasick automaton of LiteralMatcher as a dense transition table.
// Not tuned for huge dictionaries: the pack holds a few hundred literals, so 256 columns per state is fine.
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
    // Trie first (-1 = no edge), then breadth-first failure links folded into a full table.
    std::vector<int32_t> trie(256, -1);
    std::vector<std::vector<int32_t>> outputs(1);
    for (size_t id = 0; id < literals_.size(); ++id) {
        const std::string& t = literals_[id].text;
        if (t.empty()) continue;
        int32_t s = 0;
        for (unsigned char c : t) {
            const size_t slot = static_cast<size_t>(s) * 256 + fold(c);
            if (trie[slot] < 0) {
                trie[slot] = static_cast<int32_t>(outputs.size());
                outputs.emplace_back();
                trie.resize(trie.size() + 256, -1);
            }
            s = trie[slot];
        }
        outputs[s].push_back(static_cast<int32_t>(id));
    }
    const size_t n_states = outputs.size();
    std::vector<int32_t> fail(n_states, 0);
    std::vector<int32_t> dict(n_states, -1);  // nearest proper suffix state with outputs
    goto_.assign(n_states * 256, 0);
    std::deque<int32_t> queue;
    for (int c = 0; c < 256; ++c) {
        const int32_t t = trie[c];
        if (t >= 0) {
            goto_[c] = t;
            queue.push_back(t);
        }
    }
    std::vector<int32_t> order;
    while (!queue.empty()) {
        const int32_t s = queue.front();
        queue.pop_front();
        order.push_back(s);
        for (int c = 0; c < 256; ++c) {
            const int32_t t = trie[static_cast<size_t>(s) * 256 + c];
            if (t >= 0) {
                fail[t] = goto_[static_cast<size_t>(fail[s]) * 256 + c];
                dict[t] = outputs[fail[t]].empty() ? dict[fail[t]] : fail[t];
                goto_[static_cast<size_t>(s) * 256 + c] = t;
                queue.push_back(t);
            } else {
                goto_[static_cast<size_t>(s) * 256 + c] = goto_[static_cast<size_t>(fail[s]) * 256 + c];
            }
        }
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
