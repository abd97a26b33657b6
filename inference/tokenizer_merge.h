// The merge loop both BPE encoders share: adjacent symbols merge, the best pair first, until no
// adjacent pair merges.
// Not a tokenizer: the caller splits the text into symbols, says which pairs merge and in what order
// (SentencePiece: by the merged token's score; byte-level BPE: by merge rank) and reads the pieces.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <queue>
#include <string_view>
#include <type_traits>
#include <vector>

namespace sigma {

// A run of the text's bytes in a doubly linked list of symbols (indices into the vector; -1 ends it).
struct BpeSymbol {
    size_t start;  // byte offset in the text
    size_t size;   // bytes; 0 once merged into its left neighbour
    int prev;
    int next;
    int32_t id;  // the vocabulary token spelled by the bytes, or -1
};

// Merges the symbols of `text` until no adjacent pair merges. rank(left, right) gives a pair's rank
// (lower merges first; between equal ranks the leftmost pair), or nullopt where the pair does not
// merge. A merged symbol spans both bytes runs and takes the id lookup(its bytes) gives.
template <typename Rank, typename Lookup>
void bpe_merge(std::vector<BpeSymbol>& symbols, std::string_view text, Rank rank, Lookup lookup) {
    using R = typename std::invoke_result_t<Rank, const BpeSymbol&, const BpeSymbol&>::value_type;
    struct Pair {
        int left;
        int right;
        R rank;
        size_t left_size;  // sizes when queued: a pair whose sides changed since is stale
        size_t right_size;
    };
    struct Later {  // a merges after b
        bool operator()(const Pair& a, const Pair& b) const {
            return a.rank > b.rank || (a.rank == b.rank && a.left > b.left);
        }
    };
    std::priority_queue<Pair, std::vector<Pair>, Later> queue;
    const auto try_add = [&](int left, int right) {
        if (left < 0 || right < 0) return;
        const BpeSymbol& l = symbols[static_cast<size_t>(left)];
        const BpeSymbol& r = symbols[static_cast<size_t>(right)];
        if (const std::optional<R> k = rank(l, r)) queue.push({left, right, *k, l.size, r.size});
    };
    for (int i = 1; i < static_cast<int>(symbols.size()); ++i) try_add(i - 1, i);

    while (!queue.empty()) {
        const Pair pair = queue.top();
        queue.pop();
        BpeSymbol& left = symbols[static_cast<size_t>(pair.left)];
        BpeSymbol& right = symbols[static_cast<size_t>(pair.right)];
        if (left.size == 0 || right.size == 0 || left.size != pair.left_size || right.size != pair.right_size) continue;
        left.size += right.size;
        left.id = lookup(text.substr(left.start, left.size));
        right.size = 0;
        left.next = right.next;
        if (right.next >= 0) symbols[static_cast<size_t>(right.next)].prev = pair.left;
        try_add(left.prev, pair.left);
        try_add(pair.left, left.next);
    }
}

}  // namespace sigma
