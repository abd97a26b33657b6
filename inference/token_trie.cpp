// TokenTrie: built by sorting the pieces, laying out a byte-per-node trie in preorder, then merging
// single-child chains into one edge; the mask walk copies the parent's cursor and feeds one edge.
// Not incremental across steps: each mask starts from the cursor it is given.
#include "inference/token_trie.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <typeinfo>

#include "inference/tokenizer.h"

namespace sigma {

namespace {
const std::string kNoPiece;
}

Expected<TokenTrie> TokenTrie::build(std::vector<std::string> pieces, std::span<const int32_t> end_of_generation) {
    constexpr size_t kLimit = static_cast<size_t>(std::numeric_limits<int32_t>::max());
    if (pieces.size() > kLimit) return make_error(ErrorCode::InvalidArgument, "token trie: more than 2^31 tokens");
    TokenTrie trie;
    trie.is_eog_.assign(pieces.size(), 0);
    for (const int32_t id : end_of_generation) {
        if (id < 0 || static_cast<size_t>(id) >= pieces.size()) {
            return make_error(ErrorCode::InvalidArgument, "token trie: end-of-generation id " + std::to_string(id) +
                                                              " is outside the vocabulary of " +
                                                              std::to_string(pieces.size()));
        }
        if (!trie.is_eog_[static_cast<size_t>(id)]) trie.eog_.push_back(id);
        trie.is_eog_[static_cast<size_t>(id)] = 1;
    }
    std::sort(trie.eog_.begin(), trie.eog_.end());

    // Ids with a piece (end-of-generation ids are judged by complete(), never by their bytes), in
    // byte order of their pieces: a prefix sorts before its extensions, equal pieces stay together.
    std::vector<int32_t> order;
    size_t total_bytes = 0;
    for (size_t id = 0; id < pieces.size(); ++id) {
        if (pieces[id].empty() || trie.is_eog_[id]) continue;
        order.push_back(static_cast<int32_t>(id));
        total_bytes += pieces[id].size();
    }
    if (total_bytes > kLimit) return make_error(ErrorCode::InvalidArgument, "token trie: more than 2^31 piece bytes");
    std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
        const int c = pieces[static_cast<size_t>(a)].compare(pieces[static_cast<size_t>(b)]);
        return c < 0 || (c == 0 && a < b);
    });

    // 1. One node per byte, in preorder. Each piece adds nodes for its bytes past the common prefix
    //    with the previous piece; its id attaches to its last byte's node, which is always the newest
    //    node, so ids come out in node order.
    std::vector<uint8_t> byte_of;     // [n_byte_node]
    std::vector<uint32_t> depth_of;   // [n_byte_node]
    std::vector<uint32_t> tokens_of;  // [n_byte_node] how many ids end at the node
    std::vector<uint32_t> path;       // path[d]: the node at depth d + 1 on the current piece's path
    const std::string* previous = nullptr;
    for (const int32_t id : order) {
        const std::string& p = pieces[static_cast<size_t>(id)];
        size_t common = 0;
        if (previous) {
            const size_t limit = std::min(previous->size(), p.size());
            while (common < limit && (*previous)[common] == p[common]) ++common;
        }
        path.resize(common);
        for (size_t d = common; d < p.size(); ++d) {
            path.push_back(static_cast<uint32_t>(byte_of.size()));
            byte_of.push_back(static_cast<uint8_t>(p[d]));
            depth_of.push_back(static_cast<uint32_t>(d + 1));
            tokens_of.push_back(0);
        }
        ++tokens_of[path.back()];
        previous = &p;
    }
    const size_t n_byte = byte_of.size();
    // Subtree ends: a node's subtree stops at the next node no deeper than it.
    std::vector<uint32_t> end_of(n_byte, static_cast<uint32_t>(n_byte));
    {
        std::vector<uint32_t> open;
        for (size_t j = 0; j < n_byte; ++j) {
            while (!open.empty() && depth_of[open.back()] >= depth_of[j]) {
                end_of[open.back()] = static_cast<uint32_t>(j);
                open.pop_back();
            }
            open.push_back(static_cast<uint32_t>(j));
        }
    }

    // 2. Radix form: a node with no id and exactly one child merges into that child (which follows it
    //    in preorder), so a chain of bytes becomes one edge fed in one call.
    struct Open {
        uint32_t byte_end;  // subtree end in the byte-per-node numbering
        uint32_t node;      // index in the radix numbering
    };
    std::vector<Open> open;
    std::vector<int64_t> parent_of;  // [n_node] -1 under the root
    size_t token_cursor = 0;
    bool chain_open = false;
    size_t label_begin = 0;
    for (size_t j = 0; j < n_byte; ++j) {
        if (!chain_open) {
            while (!open.empty() && open.back().byte_end <= j) {
                trie.node_end_[open.back().node] = static_cast<uint32_t>(trie.node_depth_.size());
                open.pop_back();
            }
            label_begin = trie.labels_.size();
            chain_open = true;
        }
        trie.labels_.push_back(static_cast<char>(byte_of[j]));
        const bool one_child = j + 1 < end_of[j] && end_of[j + 1] == end_of[j];
        if (tokens_of[j] == 0 && one_child) continue;
        const auto node = static_cast<uint32_t>(trie.node_depth_.size());
        trie.node_depth_.push_back(static_cast<uint32_t>(open.size() + 1));
        trie.node_end_.push_back(0);
        trie.node_label_begin_.push_back(static_cast<uint32_t>(label_begin));
        trie.node_token_begin_.push_back(static_cast<uint32_t>(trie.token_ids_.size()));
        for (uint32_t k = 0; k < tokens_of[j]; ++k) trie.token_ids_.push_back(order[token_cursor++]);
        trie.max_depth_ = std::max(trie.max_depth_, static_cast<int>(open.size() + 1));
        parent_of.push_back(open.empty() ? -1 : static_cast<int64_t>(open.back().node));
        open.push_back(Open{end_of[j], node});
        chain_open = false;
    }
    for (const Open& o : open) trie.node_end_[o.node] = static_cast<uint32_t>(trie.node_depth_.size());
    trie.node_label_begin_.push_back(static_cast<uint32_t>(trie.labels_.size()));
    trie.node_token_begin_.push_back(static_cast<uint32_t>(trie.token_ids_.size()));
    // Subtree byte sets, children before parents (reverse preorder).
    trie.node_subtree_bytes_.assign(trie.node_depth_.size(), ByteSet{});
    for (size_t i = trie.node_depth_.size(); i-- > 0;) {
        ByteSet& set = trie.node_subtree_bytes_[i];
        for (uint32_t k = trie.node_label_begin_[i]; k < trie.node_label_begin_[i + 1]; ++k) {
            const auto b = static_cast<uint8_t>(trie.labels_[k]);
            set[b >> 6] |= uint64_t{1} << (b & 63);
        }
        if (parent_of[i] >= 0) {
            ByteSet& up = trie.node_subtree_bytes_[static_cast<size_t>(parent_of[i])];
            for (size_t w = 0; w < 4; ++w) up[w] |= set[w];
        }
    }
    for (const int32_t id : order)
        trie.max_piece_length_ = std::max(trie.max_piece_length_, pieces[static_cast<size_t>(id)].size());
    trie.pieces_ = std::move(pieces);
    return trie;
}

Expected<TokenTrie> TokenTrie::from_tokenizer(const Tokenizer& tokenizer) {
    std::vector<std::string> pieces(static_cast<size_t>(tokenizer.n_vocab()));
    std::vector<int32_t> eog;
    for (int32_t id = 0; id < tokenizer.n_vocab(); ++id) {
        pieces[static_cast<size_t>(id)] = tokenizer.token_to_piece(id, /*special=*/false);
        if (tokenizer.is_eog(id)) eog.push_back(id);
    }
    return build(std::move(pieces), eog);
}

const std::string& TokenTrie::piece(int32_t id) const {
    return id >= 0 && id < n_vocab() ? pieces_[static_cast<size_t>(id)] : kNoPiece;
}

bool TokenTrie::is_end_of_generation(int32_t id) const {
    return id >= 0 && id < n_vocab() && is_eog_[static_cast<size_t>(id)] != 0;
}

Expected<int> TokenTrie::mask(const ConstraintCursor& at, std::span<uint8_t> mask, CursorStack& stack) const {
    if (mask.size() < pieces_.size()) {
        return make_error(ErrorCode::InvalidArgument, "token trie: a mask of " + std::to_string(mask.size()) +
                                                          " bytes for a vocabulary of " + std::to_string(n_vocab()));
    }
    std::memset(mask.data(), 0, pieces_.size());
    // stack[d] holds the cursor after the edges of the current node's ancestors at depth d; copy_from
    // needs one concrete type, so a stack left by another kind of cursor starts over.
    if (!stack.empty() && typeid(*stack.front()) != typeid(at)) stack.clear();
    while (stack.size() < static_cast<size_t>(max_depth_) + 1) stack.push_back(at.clone());
    stack[0]->copy_from(at);

    // Free bytes: free_path[d] says the path down to depth d is spelled only with them, so a subtree
    // below it whose bytes are all free is allowed whole (its pieces are free strings no longer than
    // max_piece_length_).
    ByteSet free{};
    const bool have_free = at.free_bytes(max_piece_length_, free);
    const auto all_free = [&free](const ByteSet& set) {
        return ((set[0] & ~free[0]) | (set[1] & ~free[1]) | (set[2] & ~free[2]) | (set[3] & ~free[3])) == 0;
    };
    std::vector<uint8_t> free_path(static_cast<size_t>(max_depth_) + 1, 0);  // [max_depth + 1]
    free_path[0] = have_free ? 1 : 0;

    int allowed = 0;
    const size_t n = node_depth_.size();
    size_t i = 0;
    while (i < n) {
        const uint32_t d = node_depth_[i];
        if (free_path[d - 1] && all_free(node_subtree_bytes_[i])) {
            const uint32_t end = node_end_[i];
            const uint32_t last = end < n ? node_token_begin_[end] : node_token_begin_[n];
            for (uint32_t k = node_token_begin_[i]; k < last; ++k) mask[static_cast<size_t>(token_ids_[k])] = 1;
            allowed += static_cast<int>(last - node_token_begin_[i]);
            i = end;
            continue;
        }
        ConstraintCursor& cursor = *stack[d];
        cursor.copy_from(*stack[d - 1]);
        const uint32_t lb = node_label_begin_[i];
        const std::string_view label(labels_.data() + lb, node_label_begin_[i + 1] - lb);
        if (!cursor.feed(label)) {
            i = node_end_[i];  // nothing below a rejected prefix can be viable
            continue;
        }
        if (free_path[d - 1]) {
            bool label_free = true;
            for (const char c : label) {
                const auto b = static_cast<uint8_t>(c);
                label_free = label_free && ((free[b >> 6] >> (b & 63)) & 1u);
            }
            free_path[d] = label_free ? 1 : 0;
        } else {
            free_path[d] = 0;
        }
        for (uint32_t k = node_token_begin_[i]; k < node_token_begin_[i + 1]; ++k) {
            mask[static_cast<size_t>(token_ids_[k])] = 1;
            ++allowed;
        }
        ++i;
    }
    if (at.complete()) {
        for (const int32_t id : eog_) mask[static_cast<size_t>(id)] = 1;
        allowed += static_cast<int>(eog_.size());
    }
    return allowed;
}

Expected<int> TokenTrie::mask_brute_force(const ConstraintCursor& at, std::span<uint8_t> mask) const {
    if (mask.size() < pieces_.size()) {
        return make_error(ErrorCode::InvalidArgument, "token trie: a mask of " + std::to_string(mask.size()) +
                                                          " bytes for a vocabulary of " + std::to_string(n_vocab()));
    }
    const bool complete = at.complete();
    std::unique_ptr<ConstraintCursor> cursor = at.clone();
    int allowed = 0;
    for (size_t id = 0; id < pieces_.size(); ++id) {
        bool ok = false;
        if (is_eog_[id]) {
            ok = complete;
        } else if (!pieces_[id].empty()) {
            cursor->copy_from(at);
            ok = cursor->feed(pieces_[id]);
        }
        mask[id] = ok ? 1 : 0;
        allowed += ok ? 1 : 0;
    }
    return allowed;
}

}  // namespace sigma
