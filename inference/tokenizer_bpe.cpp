// Byte-level BPE encoding of one pre-tokenized word (already in the GPT-2 byte alphabet): merge the
// adjacent pair with the lowest merge rank until none applies, then look the pieces up.
// Not the pre-tokenizer (pretokenizer.cpp) and not the special-token split (tokenizer.cpp).
#include <queue>

#include "inference/tokenizer.h"
#include "inference/unicode.h"

namespace sigma {

namespace {

struct Symbol {
    size_t start;
    size_t size;  // 0 once merged into its left neighbour
    int prev;
    int next;
    int32_t id;   // the vocabulary token spelled by [start, start + size), or -1
};

struct Bigram {
    int left;
    int right;
    int rank;
    size_t left_size;   // sizes when queued: a pair whose sides changed since is stale
    size_t right_size;
};

// Lowest rank first; between equal ranks, the leftmost pair.
struct BigramOrder {
    bool operator()(const Bigram& a, const Bigram& b) const {
        return a.rank > b.rank || (a.rank == b.rank && a.left > b.left);
    }
};

}  // namespace

void Tokenizer::encode_bpe(std::string_view word, std::vector<int32_t>& out) const {
    if (word.empty()) return;
    if (ignore_merges_) {
        if (const int32_t id = lookup(word); id >= 0) {
            out.push_back(id);
            return;
        }
    }
    std::vector<Symbol> symbols;
    symbols.reserve(word.size());
    for (size_t offset = 0; offset < word.size();) {
        const size_t len = std::min(utf8_sequence_length(static_cast<uint8_t>(word[offset])), word.size() - offset);
        const int index = static_cast<int>(symbols.size());
        symbols.push_back({offset, len, index - 1, offset + len == word.size() ? -1 : index + 1,
                           lookup(word.substr(offset, len))});
        offset += len;
    }

    std::priority_queue<Bigram, std::vector<Bigram>, BigramOrder> queue;
    const auto try_add = [&](int left, int right) {
        if (left < 0 || right < 0) return;
        const Symbol& l = symbols[static_cast<size_t>(left)];
        const Symbol& r = symbols[static_cast<size_t>(right)];
        const int rank = merge_rank(l.id, r.id);
        if (rank < 0) return;
        queue.push({left, right, rank, l.size, r.size});
    };
    for (int i = 1; i < static_cast<int>(symbols.size()); ++i) try_add(i - 1, i);

    while (!queue.empty()) {
        const Bigram bigram = queue.top();
        queue.pop();
        Symbol& left = symbols[static_cast<size_t>(bigram.left)];
        Symbol& right = symbols[static_cast<size_t>(bigram.right)];
        if (left.size != bigram.left_size || right.size != bigram.right_size || left.size == 0 || right.size == 0) {
            continue;
        }
        left.size += right.size;
        left.id = lookup(word.substr(left.start, left.size));
        right.size = 0;
        left.next = right.next;
        if (right.next >= 0) symbols[static_cast<size_t>(right.next)].prev = bigram.left;
        try_add(left.prev, bigram.left);
        try_add(bigram.left, left.next);
    }

    for (int i = 0; i != -1; i = symbols[static_cast<size_t>(i)].next) {
        const Symbol& s = symbols[static_cast<size_t>(i)];
        const std::string_view piece = word.substr(s.start, s.size);
        if (s.id >= 0) {
            out.push_back(s.id);
            continue;
        }
        // A piece the vocabulary lacks: fall back to its single-byte spellings where they exist.
        for (const char c : piece) {
            const int32_t b = lookup(std::string_view(&c, 1));
            if (b >= 0) out.push_back(b);
        }
    }
}

}  // namespace sigma
