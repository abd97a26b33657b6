// Vocabularies for generated models: a synthetic SentencePiece vocabulary, or the tokenizer.* keys
// of an existing vocabulary GGUF. Not a tokenizer: nothing here splits text.
#include <cstdio>
#include <string>
#include <vector>

#include "inference/gguf.h"
#include "tools/mkmodel/mkmodel.h"

namespace sigma::mkmodel {

namespace {

const std::string kSpace = "\xe2\x96\x81";  // U+2581, SentencePiece's word-boundary mark

// Token types as llama.cpp stores them. Stored on disk: never renumber.
enum TokenType : int64_t { kNormal = 1, kUnknown = 2, kControl = 3, kByte = 6 };

// Deterministic pieces in a fixed order: the word mark, printable ASCII, then word-initial and
// inner letter groups of growing length. Every piece is distinct by construction.
class PieceSource {
public:
    std::string next() {
        for (;;) {
            if (stage_ == 0) {
                ++stage_;
                return kSpace;
            }
            if (stage_ == 1) {
                if (c_ <= 0x7e) return std::string(1, static_cast<char>(c_++));
                ++stage_;
                continue;
            }
            // stage 2 + 2k: word-initial groups of k+1 letters; stage 3 + 2k: inner groups.
            const int length = (stage_ - 2) / 2 + 1;
            const bool initial = (stage_ - 2) % 2 == 0;
            if (!initial && length == 1) {  // single letters already came with printable ASCII
                ++stage_;
                continue;
            }
            if (counter_ < limit(length)) {
                std::string s = letters(counter_++, length);
                return initial ? kSpace + s : s;
            }
            counter_ = 0;
            ++stage_;
        }
    }

private:
    int stage_ = 0;
    int c_ = 0x21;
    uint64_t counter_ = 0;
    // Groups of one letter use both cases; longer ones only lower case (as frequent pieces do).
    static uint64_t limit(int length) {
        uint64_t n = length == 1 ? 52 : 1;
        if (length > 1)
            for (int i = 0; i < length; ++i) n *= 26;
        return n;
    }
    static std::string letters(uint64_t i, int length) {
        if (length == 1) return std::string(1, static_cast<char>(i < 26 ? 'a' + i : 'A' + (i - 26)));
        std::string s(static_cast<size_t>(length), 'a');
        for (int p = length - 1; p >= 0; --p, i /= 26) s[static_cast<size_t>(p)] = static_cast<char>('a' + i % 26);
        return s;
    }
};

}  // namespace

Status add_synthetic_vocab(GgufWriter& w, int n) {
    if (n < kMinVocab) {
        return make_error(ErrorCode::InvalidArgument,
                          "--vocab " + std::to_string(n) + " is too small: a synthetic vocabulary needs at least " +
                              std::to_string(kMinVocab) + " tokens (3 special + 256 byte tokens + pieces)");
    }
    std::vector<std::string> tokens;
    std::vector<double> scores;
    std::vector<int64_t> types;
    tokens.reserve(static_cast<size_t>(n));
    auto add = [&](std::string t, double score, TokenType type) {
        tokens.push_back(std::move(t));
        scores.push_back(score);
        types.push_back(type);
    };
    add("<unk>", 0.0, kUnknown);
    add("<s>", 0.0, kControl);
    add("</s>", 0.0, kControl);
    for (int b = 0; b < 256; ++b) {
        char name[8];
        std::snprintf(name, sizeof name, "<0x%02X>", b);
        add(name, 0.0, kByte);
    }
    PieceSource pieces;
    for (int i = 0; static_cast<int>(tokens.size()) < n; ++i) add(pieces.next(), -static_cast<double>(i), kNormal);
    w.set_string("tokenizer.ggml.model", "llama");
    w.set_string("tokenizer.ggml.pre", "default");
    w.set_string_array("tokenizer.ggml.tokens", std::move(tokens));
    w.set_float_array("tokenizer.ggml.scores", GgufType::FLOAT32, std::move(scores));
    w.set_int_array("tokenizer.ggml.token_type", GgufType::INT32, std::move(types));
    w.set_u32("tokenizer.ggml.bos_token_id", 1);
    w.set_u32("tokenizer.ggml.eos_token_id", 2);
    w.set_u32("tokenizer.ggml.unknown_token_id", 0);
    w.set_bool("tokenizer.ggml.add_bos_token", true);
    w.set_bool("tokenizer.ggml.add_eos_token", false);
    return Status{};
}

Expected<int> add_vocab_from(GgufWriter& w, const std::string& path) {
    auto file = GgufFile::open(path);
    if (!file) return make_error(file.error().code, "--vocab-from: " + file.error().message);
    const auto* tokens = (*file)->get_string_array("tokenizer.ggml.tokens");
    if (!tokens || tokens->empty()) {
        return make_error(ErrorCode::Format, "--vocab-from " + path + ": no tokenizer.ggml.tokens array");
    }
    for (const GgufKeyValue& kv : (*file)->metadata()) {
        if (kv.key.rfind("tokenizer.", 0) == 0) w.set(kv);
    }
    return static_cast<int>(tokens->size());
}

}  // namespace sigma::mkmodel
