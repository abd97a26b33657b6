// Byte-level BPE encoding of one pre-tokenized word (already in the GPT-2 byte alphabet): merge the
// adjacent pair with the lowest merge rank until none applies, then look the pieces up.
// Not the pre-tokenizer (pretokenizer.cpp) and not the special-token split (tokenizer.cpp).
#include <algorithm>
#include <optional>

#include "inference/tokenizer.h"
#include "inference/tokenizer_merge.h"
#include "inference/unicode.h"

namespace sigma {

void Tokenizer::encode_bpe(std::string_view word, std::vector<int32_t>& out) const {
    if (word.empty()) return;
    if (ignore_merges_) {
        if (const int32_t id = lookup(word); id >= 0) {
            out.push_back(id);
            return;
        }
    }
    std::vector<BpeSymbol> symbols;
    symbols.reserve(word.size());
    for (size_t offset = 0; offset < word.size();) {
        const size_t len = std::min(utf8_sequence_length(static_cast<uint8_t>(word[offset])), word.size() - offset);
        const int index = static_cast<int>(symbols.size());
        symbols.push_back(
            {offset, len, index - 1, offset + len == word.size() ? -1 : index + 1, lookup(word.substr(offset, len))});
        offset += len;
    }

    // A pair merges when the vocabulary lists the merge: the lower its rank, the earlier; between equal
    // ranks, the leftmost pair.
    const auto rank = [&](const BpeSymbol& l, const BpeSymbol& r) -> std::optional<int> {
        const int k = merge_rank(l.id, r.id);
        if (k < 0) return std::nullopt;
        return k;
    };
    bpe_merge(symbols, word, rank, [&](std::string_view piece) { return lookup(piece); });

    for (int i = 0; i != -1; i = symbols[static_cast<size_t>(i)].next) {
        const BpeSymbol& s = symbols[static_cast<size_t>(i)];
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
