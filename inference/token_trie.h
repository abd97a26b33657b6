// TokenTrie: the vocabulary's token pieces (their bytes) in a radix trie, so that a constraint mask is
// one walk that feeds each shared prefix once and skips every subtree the constraint rejects.
// Not a tokenizer: it never splits text into tokens, and it only reads Tokenizer::token_to_piece.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "inference/constraint.h"
#include "inference/core/expected.h"

namespace sigma {

class Tokenizer;

// Legend: n_vocab = token ids; n_node = radix trie nodes (the root excluded), in depth-first preorder.
class TokenTrie {
public:
    // The cursors a mask walk keeps, one per trie depth; owned by the caller and reused across calls
    // so that a warm walk clones nothing. Empty at first; mask() fills it.
    using CursorStack = std::vector<std::unique_ptr<ConstraintCursor>>;

    // pieces[id]: the bytes token `id` adds to the answer. An empty piece (control, unused tokens)
    // is never allowed under a constraint unless the id is in end_of_generation: those are allowed
    // exactly when the text is complete. Errors: an end-of-generation id out of range, or more than
    // 2^31 tokens or trie nodes.
    static Expected<TokenTrie> build(std::vector<std::string> pieces, std::span<const int32_t> end_of_generation);
    // The tokenizer's pieces (token_to_piece without control text) and its end-of-generation ids.
    static Expected<TokenTrie> from_tokenizer(const Tokenizer& tokenizer);

    // Sets mask[id] to 1 for every token whose piece the cursor `at` accepts (feed returns true), and
    // for the end-of-generation ids when at.complete(); 0 for the rest. Returns how many are allowed.
    // Subtrees spelled only with bytes the cursor calls free (ConstraintCursor::free_bytes) are
    // allowed whole, without feeding.
    // mask must hold n_vocab() bytes (a shorter one is an InvalidArgument error). `at` is not changed.
    Expected<int> mask(const ConstraintCursor& at, std::span<uint8_t> mask, CursorStack& stack) const;
    // The reference twin: the same answer by feeding every token's whole piece to its own copy of
    // `at`, one token at a time. Slow (n_vocab clones); tests compare mask() with it.
    Expected<int> mask_brute_force(const ConstraintCursor& at, std::span<uint8_t> mask) const;

    int n_vocab() const { return static_cast<int>(pieces_.size()); }
    int n_node() const { return static_cast<int>(node_depth_.size()); }
    int max_depth() const { return max_depth_; }
    const std::string& piece(int32_t id) const;  // "" out of range
    bool is_end_of_generation(int32_t id) const;
    std::span<const int32_t> end_of_generation() const { return eog_; }

private:
    std::vector<std::string> pieces_;         // [n_vocab]
    std::vector<int32_t> eog_;                // end-of-generation ids, sorted, distinct
    std::vector<uint8_t> is_eog_;             // [n_vocab] 1 for end-of-generation ids
    std::vector<uint32_t> node_depth_;        // [n_node] 1 for the root's children
    std::vector<uint32_t> node_end_;          // [n_node] preorder index just past the node's subtree
    std::vector<uint32_t> node_label_begin_;  // [n_node + 1] the node's edge bytes: labels_[begin[i], begin[i+1])
    std::vector<uint32_t> node_token_begin_;  // [n_node + 1] the ids ending here: token_ids_[begin[i], begin[i+1])
    std::string labels_;                      // edge bytes of every node, in preorder
    std::vector<int32_t> token_ids_;          // ids of non-empty pieces, in preorder of their nodes
    std::vector<ByteSet>
        node_subtree_bytes_;  // [n_node] every byte on the edges of the node's subtree, its own included
    size_t max_piece_length_ = 0;
    int max_depth_ = 0;
};

}  // namespace sigma
