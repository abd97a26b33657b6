// SentencePiece BPE encoding: start from single UTF-8 characters and repeatedly merge the adjacent
// pair whose concatenation is the vocabulary token with the highest score; bytes fall back to <0xNN>.
// Not the unigram (Viterbi) SentencePiece model, and no text normalisation beyond the caller's.
#include <optional>

#include "inference/tokenizer.h"
#include "inference/tokenizer_merge.h"
#include "inference/unicode.h"

namespace sigma {

int32_t Tokenizer::byte_token(uint8_t byte) const {
    static constexpr char kHex[] = "0123456789ABCDEF";
    const char name[6] = {'<', '0', 'x', kHex[byte >> 4], kHex[byte & 15], '>'};
    int32_t id = lookup(std::string_view(name, 6));
    if (id < 0) id = lookup(std::string_view(reinterpret_cast<const char*>(&byte), 1));
    return id >= 0 ? id : unk_;
}

void Tokenizer::encode_spm(std::string_view text, std::vector<int32_t>& out) const {
    std::vector<BpeSymbol> symbols;
    symbols.reserve(text.size());
    for (size_t offset = 0; offset < text.size();) {
        // One character per symbol; a malformed byte is a symbol of its own, so that it falls back to
        // its byte token without swallowing the (escaped) space after it.
        const size_t len = utf8_char_size(text, offset);
        const int index = static_cast<int>(symbols.size());
        symbols.push_back(
            {offset, len, index - 1, offset + len == text.size() ? -1 : index + 1, lookup(text.substr(offset, len))});
        offset += len;
    }
    if (symbols.empty()) return;

    // A pair merges when its concatenation is a token: the higher that token's score, the earlier
    // (rank = -score); between equal scores, the leftmost pair.
    const auto rank = [&](const BpeSymbol& l, const BpeSymbol& r) -> std::optional<float> {
        const int32_t id = lookup(text.substr(l.start, l.size + r.size));
        if (id < 0) return std::nullopt;
        return -info_[static_cast<size_t>(id)].score;
    };
    bpe_merge(symbols, text, rank, [&](std::string_view piece) { return lookup(piece); });

    for (int i = 0; i != -1; i = symbols[static_cast<size_t>(i)].next) {
        const BpeSymbol& s = symbols[static_cast<size_t>(i)];
        if (s.id >= 0) {
            out.push_back(s.id);
            continue;
        }
        const std::string_view piece = text.substr(s.start, s.size);
        // Not a token: spell it out byte by byte.
        for (const char c : piece) {
            const int32_t b = byte_token(static_cast<uint8_t>(c));
            if (b >= 0) out.push_back(b);
        }
    }
}

}  // namespace sigma
