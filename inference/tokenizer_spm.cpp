// SentencePiece BPE encoding: start from single UTF-8 characters and repeatedly merge the adjacent
// pair whose concatenation is the vocabulary token with the highest score; bytes fall back to <0xNN>.
// Not the unigram (Viterbi) SentencePiece model, and no text normalisation beyond the caller's.
#include <queue>

#include "inference/tokenizer.h"
#include "inference/unicode.h"

namespace sigma {

namespace {

struct Symbol {
    size_t start;  // byte offset in the text
    size_t size;   // bytes; 0 once merged into its left neighbour
    int prev;
    int next;
};

struct Bigram {
    int left;
    int right;
    float score;
    size_t size;  // bytes of the merged text, to recognise pairs that changed since
};

// Highest score first; between equal scores, the leftmost pair.
struct BigramOrder {
    bool operator()(const Bigram& a, const Bigram& b) const {
        return a.score < b.score || (a.score == b.score && a.left > b.left);
    }
};

}  // namespace

int32_t Tokenizer::byte_token(uint8_t byte) const {
    static constexpr char kHex[] = "0123456789ABCDEF";
    const char name[6] = {'<', '0', 'x', kHex[byte >> 4], kHex[byte & 15], '>'};
    int32_t id = lookup(std::string_view(name, 6));
    if (id < 0) id = lookup(std::string_view(reinterpret_cast<const char*>(&byte), 1));
    return id >= 0 ? id : unk_;
}

void Tokenizer::encode_spm(std::string_view text, std::vector<int32_t>& out) const {
    std::vector<Symbol> symbols;
    symbols.reserve(text.size());
    for (size_t offset = 0; offset < text.size();) {
        // One character per symbol; a malformed byte is a symbol of its own, so that it falls back to
        // its byte token without swallowing the (escaped) space after it.
        const size_t len = utf8_char_size(text, offset);
        const int index = static_cast<int>(symbols.size());
        symbols.push_back({offset, len, index - 1, offset + len == text.size() ? -1 : index + 1});
        offset += len;
    }
    if (symbols.empty()) return;

    std::priority_queue<Bigram, std::vector<Bigram>, BigramOrder> queue;
    const auto try_add = [&](int left, int right) {
        if (left < 0 || right < 0) return;
        const Symbol& l = symbols[static_cast<size_t>(left)];
        const Symbol& r = symbols[static_cast<size_t>(right)];
        const int32_t id = lookup(text.substr(l.start, l.size + r.size));
        if (id < 0) return;
        queue.push({left, right, info_[static_cast<size_t>(id)].score, l.size + r.size});
    };
    for (int i = 1; i < static_cast<int>(symbols.size()); ++i) try_add(i - 1, i);

    while (!queue.empty()) {
        const Bigram bigram = queue.top();
        queue.pop();
        Symbol& left = symbols[static_cast<size_t>(bigram.left)];
        Symbol& right = symbols[static_cast<size_t>(bigram.right)];
        if (left.size == 0 || right.size == 0 || left.size + right.size != bigram.size) continue;  // stale
        left.size += right.size;
        right.size = 0;
        left.next = right.next;
        if (right.next >= 0) symbols[static_cast<size_t>(right.next)].prev = bigram.left;
        try_add(left.prev, bigram.left);
        try_add(bigram.left, left.next);
    }

    for (int i = 0; i != -1; i = symbols[static_cast<size_t>(i)].next) {
        const Symbol& s = symbols[static_cast<size_t>(i)];
        const std::string_view piece = text.substr(s.start, s.size);
        const int32_t id = lookup(piece);
        if (id >= 0) {
            out.push_back(id);
            continue;
        }
        // Not a token: spell it out byte by byte.
        for (const char c : piece) {
            const int32_t b = byte_token(static_cast<uint8_t>(c));
            if (b >= 0) out.push_back(b);
        }
    }
}

}  // namespace sigma
