// Tokenizer: text <-> token ids for the vocabularies a GGUF file carries: SentencePiece BPE
// ("llama") and byte-level BPE ("gpt2") with the pre-tokenizers of pretokenizer.h.
// Not a trainer and not a chat formatter (chat_template.h): it reproduces existing vocabularies only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "inference/core/expected.h"
#include "inference/pretokenizer.h"

namespace sigma {

class GgufFile;

// A byte range [begin, end) of a text.
struct TextRange {
    size_t begin = 0;
    size_t end = 0;
};

// tokenizer.ggml.token_type values. Stored on disk: never renumber.
enum class TokenType : int32_t {
    Undefined = 0,
    Normal = 1,
    Unknown = 2,
    Control = 3,      // BOS/EOS, chat markers: rendered only when asked, matched only with parse_special
    UserDefined = 4,  // added words: always matched as a whole, always rendered
    Unused = 5,
    Byte = 6,  // <0xNN> byte fallback pieces
};

// Everything a tokenizer is built from; from_gguf fills it from the tokenizer.ggml.* keys, and
// tests or tools may fill it by hand. Optional fields take the model's defaults when unset.
struct VocabSpec {
    std::string model;                // "llama" (SentencePiece BPE) or "gpt2" (byte-level BPE)
    std::string pre;                  // tokenizer.ggml.pre; empty means "default"
    std::string name;                 // general.name, for the few per-model quirks
    std::vector<std::string> tokens;  // id -> text
    std::vector<float> scores;        // id -> merge score (SentencePiece); may be empty
    std::vector<TokenType> types;     // id -> type; empty means all Normal
    std::vector<std::string> merges;  // "left right", rank order (byte-level BPE)
    std::optional<int64_t> bos, eos, unk, eot, eom, pad;
    std::optional<bool> add_bos, add_eos, add_space_prefix;
};

class Tokenizer {
public:
    static Expected<std::unique_ptr<Tokenizer>> from_gguf(const GgufFile& file);
    static Expected<std::unique_ptr<Tokenizer>> from_vocab(VocabSpec spec);

    // add_special: BOS/EOS as the vocabulary asks (add_bos/add_eos). parse_special: control tokens
    // written in the text (e.g. "<|eot_id|>") become their ids; user-defined tokens always do.
    // Any bytes are accepted; malformed UTF-8 never fails (it falls back to byte tokens or U+FFFD).
    std::vector<int32_t> encode(std::string_view text, bool add_special, bool parse_special) const;
    // As encode(text, add_special, true), but control tokens are recognised only where they lie
    // wholly inside one of `special_ranges`: a chat template's own markers become control tokens,
    // while the same spelling typed inside a message stays plain text.
    std::vector<int32_t> encode_with_special_ranges(std::string_view text, bool add_special,
                                                    std::span<const TextRange> special_ranges) const;

    // The bytes a token stands for. Control and unknown tokens give their text only when `special`;
    // an id out of range gives "".
    std::string token_to_piece(int32_t id, bool special = false) const;
    // Concatenated pieces, as llama.cpp detokenizes: SentencePiece drops the space its encoder added
    // in front of the first token, and byte-level vocabularies that ask for it tidy " ," " ." " 's" etc.
    // Out-of-range ids are skipped. The result may end inside a UTF-8 character (see StreamDecoder).
    std::string decode(std::span<const int32_t> ids, bool special = false) const;

    int32_t bos() const { return bos_; }  // -1 when the vocabulary has none
    int32_t eos() const { return eos_; }
    int32_t unk() const { return unk_; }
    bool is_eog(int32_t id) const { return eog_.count(id) > 0; }  // end of generation (EOS, EOT, <|im_end|>, ...)
    int n_vocab() const { return static_cast<int>(tokens_.size()); }
    bool add_bos() const { return add_bos_; }
    bool add_eos() const { return add_eos_; }
    const std::string& model_name() const { return model_; }  // "llama", "gpt2"
    const std::string& pre_name() const { return pre_; }
    TokenType token_type(int32_t id) const;
    const std::string& token_text(int32_t id) const;  // the vocabulary's spelling; "" out of range
    std::optional<int32_t> find_token(std::string_view text) const;

private:
    Tokenizer() = default;

    enum class Kind { Spm, Bpe };
    struct TokenInfo {
        TokenType type = TokenType::Normal;
        float score = 0.0f;
        bool lstrip = false;  // special token swallows the spaces before it
        bool rstrip = false;  // ... and after it
    };

    // Text pieces and already-resolved special tokens, in order.
    struct Fragment {
        int32_t token = -1;  // >= 0: a special token; otherwise text [begin, end) of the input
        size_t begin = 0;
        size_t end = 0;
    };
    // parse_special: control tokens are recognised (within `allowed` when it is non-empty).
    std::vector<Fragment> partition_special(std::string_view text, bool parse_special,
                                            std::span<const TextRange> allowed) const;
    std::vector<int32_t> encode_fragments(std::string_view text, const std::vector<Fragment>& frags,
                                          bool add_special) const;

    void encode_spm(std::string_view text, std::vector<int32_t>& out) const;
    void encode_bpe(std::string_view word, std::vector<int32_t>& out) const;
    int32_t byte_token(uint8_t byte) const;
    int merge_rank(int32_t left, int32_t right) const;  // -1: no such merge
    int32_t lookup(std::string_view text) const;

    Kind kind_ = Kind::Spm;
    PreTokenizer pre_kind_ = PreTokenizer::Default;
    std::string model_;
    std::string pre_;
    std::vector<std::string> tokens_;
    std::vector<TokenInfo> info_;
    // Lookups by string_view without building a std::string.
    struct TextHash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string, int32_t, TextHash, std::equal_to<>> token_to_id_;
    std::unordered_map<uint64_t, int> merge_ranks_;  // (left id << 32 | right id) -> rank
    std::vector<int32_t> special_order_;             // control/user-defined/unknown ids, longest text first
    std::unordered_set<int32_t> eog_;
    int32_t bos_ = -1, eos_ = -1, unk_ = -1;
    bool add_bos_ = false, add_eos_ = false, add_space_prefix_ = false;
    bool ignore_merges_ = false;  // a word that is itself a token skips the merges (Llama 3)
    bool clean_spaces_ = false;   // decode tidies spaces before punctuation
};

}  // namespace sigma
