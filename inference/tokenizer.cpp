// Tokenizer facade: builds a vocabulary from GGUF metadata (with llama.cpp's defaults per model),
// splits text on special tokens, dispatches to the SentencePiece or byte-level BPE encoder, decodes.
// Not the merge algorithms themselves: those live in tokenizer_spm.cpp and tokenizer_bpe.cpp.
#include "inference/tokenizer.h"

#include <algorithm>
#include <cctype>

#include "inference/gguf.h"
#include "inference/unicode.h"

namespace sigma {

namespace {

const std::string kEmpty;
constexpr std::string_view kSpmSpace = "\xE2\x96\x81";  // U+2581, SentencePiece's visible space

// Tokens that end a generation wherever they appear in a vocabulary.
constexpr std::string_view kEndOfGenerationTexts[] = {
    "<|eot_id|>", "<|im_end|>",      "<|end|>",     "<end_of_turn>", "<|endoftext|>", "<|eom_id|>",
    "<EOT>",      "<|end_of_text|>", "<|fim_pad|>", "<|repo_name|>", "<|file_sep|>",
};

bool ascii_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

std::string to_lower_ascii(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
    if (from.empty()) return;
    std::string out;
    out.reserve(s.size());
    size_t pos = 0;
    for (;;) {
        const size_t hit = s.find(from, pos);
        if (hit == std::string::npos) break;
        out.append(s, pos, hit - pos);
        out.append(to);
        pos = hit + from.size();
    }
    out.append(s, pos, std::string::npos);
    s = std::move(out);
}

// The three passes of clean_up_tokenization_spaces, in llama.cpp's order: " ?" " !" " ." " ,"
// lose their space; a lone " ' " closes up; " 's" " 'm" " 're" " 've" lose their space.
std::string clean_up_spaces(const std::string& text) {
    if (text.empty()) return text;
    std::string a;
    a.reserve(text.size());
    a.push_back(text[0]);
    for (size_t i = 1; i < text.size(); ++i) {
        const char x = text[i];
        if (text[i - 1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',')) a.pop_back();
        a.push_back(x);
    }
    std::string b;
    b.reserve(a.size());
    b.push_back(a[0]);
    for (size_t i = 1; i < a.size(); ++i) {
        const char x = a[i];
        if (x == '\'' && i + 1 < a.size() && a[i - 1] == ' ' && a[i + 1] == ' ') {
            b.pop_back();
            a[++i] = '\0';  // the space after is dropped, and no longer counts as a space
        }
        b.push_back(x);
    }
    std::string c;
    c.reserve(b.size());
    c.push_back(b[0]);
    for (size_t i = 1; i < b.size(); ++i) {
        const char x = b[i];
        if (b[i - 1] == ' ' && x == '\'' && i + 1 < b.size()) {
            const char x1 = b[i + 1];
            if (x1 == 's' || x1 == 'm') {
                c.pop_back();
            } else if (i + 2 < b.size()) {
                const char x2 = b[i + 2];
                if ((x1 == 'r' && x2 == 'e') || (x1 == 'v' && x2 == 'e')) c.pop_back();
            }
        }
        c.push_back(x);
    }
    return c;
}

// "<0x0A>" -> 0x0A; -1 when the text is not a byte token.
int parse_byte_token(std::string_view text) {
    if (text.size() != 6 || text.substr(0, 3) != "<0x" || text[5] != '>') return -1;
    int value = 0;
    for (size_t i = 3; i < 5; ++i) {
        const char c = text[i];
        int digit = 0;
        if (c >= '0' && c <= '9') digit = c - '0';
        else if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
        else if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
        else return -1;
        value = value * 16 + digit;
    }
    return value;
}

}  // namespace

Expected<std::unique_ptr<Tokenizer>> Tokenizer::from_gguf(const GgufFile& file) {
    VocabSpec spec;
    const auto model = file.get_string("tokenizer.ggml.model");
    if (!model) return make_error(ErrorCode::Format, "tokenizer.ggml.model is missing or not a string");
    spec.model = *model;
    spec.pre = file.get_string("tokenizer.ggml.pre").value_or("");
    spec.name = file.get_string("general.name").value_or("");
    const auto* tokens = file.get_string_array("tokenizer.ggml.tokens");
    if (!tokens) return make_error(ErrorCode::Format, "tokenizer.ggml.tokens is missing or not a string array");
    spec.tokens = *tokens;
    if (file.find("tokenizer.ggml.scores")) {
        if (const auto* scores = file.get_float_array("tokenizer.ggml.scores")) {
            spec.scores.assign(scores->begin(), scores->end());
        } else if (const auto* iscores = file.get_int_array("tokenizer.ggml.scores")) {
            for (int64_t v : *iscores) spec.scores.push_back(static_cast<float>(v));  // some converters write integers
        } else {
            return make_error(ErrorCode::Format, "tokenizer.ggml.scores is not a number array");
        }
    }
    if (file.find("tokenizer.ggml.token_type")) {
        const auto* types = file.get_int_array("tokenizer.ggml.token_type");
        if (!types) return make_error(ErrorCode::Format, "tokenizer.ggml.token_type is not an integer array");
        spec.types.reserve(types->size());
        for (int64_t t : *types) {
            spec.types.push_back((t >= 0 && t <= 6) ? static_cast<TokenType>(t) : TokenType::Undefined);
        }
    }
    if (file.find("tokenizer.ggml.merges")) {
        const auto* merges = file.get_string_array("tokenizer.ggml.merges");
        if (!merges) return make_error(ErrorCode::Format, "tokenizer.ggml.merges is not a string array");
        spec.merges = *merges;
    }
    spec.bos = file.get_int("tokenizer.ggml.bos_token_id");
    spec.eos = file.get_int("tokenizer.ggml.eos_token_id");
    spec.unk = file.get_int("tokenizer.ggml.unknown_token_id");
    spec.eot = file.get_int("tokenizer.ggml.eot_token_id");
    spec.eom = file.get_int("tokenizer.ggml.eom_token_id");
    spec.pad = file.get_int("tokenizer.ggml.padding_token_id");
    spec.add_bos = file.get_bool("tokenizer.ggml.add_bos_token");
    spec.add_eos = file.get_bool("tokenizer.ggml.add_eos_token");
    spec.add_space_prefix = file.get_bool("tokenizer.ggml.add_space_prefix");
    return from_vocab(std::move(spec));
}

Expected<std::unique_ptr<Tokenizer>> Tokenizer::from_vocab(VocabSpec spec) {
    std::unique_ptr<Tokenizer> tok(new Tokenizer());
    Tokenizer& t = *tok;
    const size_t n = spec.tokens.size();
    if (n == 0) return make_error(ErrorCode::Format, "tokenizer.ggml.tokens is empty");
    if (n > static_cast<size_t>(INT32_MAX)) return make_error(ErrorCode::Format, "tokenizer.ggml.tokens is too large");
    if (!spec.scores.empty() && spec.scores.size() < n) {
        return make_error(ErrorCode::Format, "tokenizer.ggml.scores has " + std::to_string(spec.scores.size()) +
                                                 " entries for " + std::to_string(n) + " tokens");
    }
    if (!spec.types.empty() && spec.types.size() < n) {
        return make_error(ErrorCode::Format, "tokenizer.ggml.token_type has " + std::to_string(spec.types.size()) +
                                                 " entries for " + std::to_string(n) + " tokens");
    }

    t.model_ = spec.model;
    t.pre_ = spec.pre.empty() ? "default" : spec.pre;
    int64_t default_bos = -1, default_eos = -1, default_unk = -1;
    if (spec.model == "llama") {
        t.kind_ = Kind::Spm;
        default_bos = 1;
        default_eos = 2;
        default_unk = 0;
        t.add_bos_ = true;
        t.add_space_prefix_ = true;
    } else if (spec.model == "gpt2") {
        t.kind_ = Kind::Bpe;
        const auto pre = pretokenizer_from_name(spec.pre);
        if (!pre) return make_error(ErrorCode::Unsupported, "tokenizer.ggml.pre '" + spec.pre + "' is not supported");
        t.pre_kind_ = *pre;
        if (spec.merges.empty())
            return make_error(ErrorCode::Format, "tokenizer.ggml.merges is missing for a gpt2 vocabulary");
        default_bos = 11;  // llama.cpp's historical default for byte-level vocabularies
        default_eos = 11;
        t.add_bos_ = (*pre == PreTokenizer::Llama3);
        t.ignore_merges_ = (*pre == PreTokenizer::Llama3);
        t.clean_spaces_ = !(*pre == PreTokenizer::DeepseekCoder || *pre == PreTokenizer::Qwen2);
    } else {
        return make_error(ErrorCode::Unsupported, "tokenizer.ggml.model '" + spec.model + "' is not supported");
    }

    t.tokens_ = std::move(spec.tokens);
    t.info_.resize(n);
    t.token_to_id_.reserve(n * 2);
    for (size_t i = 0; i < n; ++i) {
        std::string& text = t.tokens_[i];
        if (text.empty()) text = "[EMPTY_" + std::to_string(i) + "]";
        if (!spec.scores.empty()) t.info_[i].score = spec.scores[i];
        if (!spec.types.empty()) t.info_[i].type = spec.types[i];
        const auto [it, inserted] = t.token_to_id_.emplace(text, static_cast<int32_t>(i));
        if (!inserted) {
            return make_error(ErrorCode::Format, "tokenizer.ggml.tokens: '" + text + "' appears as id " +
                                                     std::to_string(it->second) + " and " + std::to_string(i));
        }
    }

    // Merges are "left right", split at the first space after the first byte. Both sides are
    // vocabulary tokens, so a merge is keyed by the two ids; one naming unknown text can never apply.
    t.merge_ranks_.reserve(spec.merges.size() * 2);
    for (size_t rank = 0; rank < spec.merges.size(); ++rank) {
        const std::string_view m = spec.merges[rank];
        const size_t space = m.find(' ', 1);
        if (space == std::string_view::npos) continue;
        const int32_t left = t.lookup(m.substr(0, space));
        const int32_t right = t.lookup(m.substr(space + 1));
        if (left < 0 || right < 0) continue;
        t.merge_ranks_.emplace((static_cast<uint64_t>(left) << 32) | static_cast<uint32_t>(right),
                               static_cast<int>(rank));
    }

    const auto in_range = [n](int64_t id) { return id >= 0 && static_cast<size_t>(id) < n; };
    const auto pick = [&](const std::optional<int64_t>& given, int64_t fallback) -> int32_t {
        if (given && in_range(*given)) return static_cast<int32_t>(*given);
        return in_range(fallback) ? static_cast<int32_t>(fallback) : -1;
    };
    t.bos_ = pick(spec.bos, default_bos);
    t.eos_ = pick(spec.eos, default_eos);
    t.unk_ = pick(spec.unk, default_unk);
    if (spec.add_bos) t.add_bos_ = *spec.add_bos;
    if (spec.add_eos) t.add_eos_ = *spec.add_eos;
    if (spec.add_space_prefix) t.add_space_prefix_ = *spec.add_space_prefix;
    if (t.add_bos_ && t.bos_ < 0)
        return make_error(ErrorCode::Format, "tokenizer.ggml.add_bos_token is set but there is no BOS token");
    if (t.add_eos_ && t.eos_ < 0)
        return make_error(ErrorCode::Format, "tokenizer.ggml.add_eos_token is set but there is no EOS token");

    // End of generation: EOS, EOT/EOM when given, and the well-known end-of-turn spellings, which
    // are control tokens whatever the file says.
    const auto mark_eog = [&](int32_t id) {
        t.eog_.insert(id);
        TokenType& type = t.info_[static_cast<size_t>(id)].type;
        if (type != TokenType::Control) type = TokenType::Control;
    };
    for (std::string_view text : kEndOfGenerationTexts) {
        const int32_t id = t.lookup(text);
        if (id >= 0) mark_eog(id);
    }
    if (t.eos_ >= 0) t.eog_.insert(t.eos_);
    if (spec.eot && in_range(*spec.eot)) mark_eog(static_cast<int32_t>(*spec.eot));
    if (spec.eom && in_range(*spec.eom)) mark_eog(static_cast<int32_t>(*spec.eom));

    for (size_t i = 0; i < n; ++i) {
        const TokenType type = t.info_[i].type;
        if (type == TokenType::Control || type == TokenType::UserDefined || type == TokenType::Unknown) {
            t.special_order_.push_back(static_cast<int32_t>(i));
        }
    }
    std::stable_sort(t.special_order_.begin(), t.special_order_.end(), [&](int32_t a, int32_t b) {
        return t.tokens_[static_cast<size_t>(a)].size() > t.tokens_[static_cast<size_t>(b)].size();
    });

    // Phi-3's special tokens swallow the whitespace after them (its chat template relies on it).
    const std::string lname = to_lower_ascii(spec.name);
    if (lname.find("phi-3") != std::string::npos || lname.find("phi3") != std::string::npos) {
        for (int32_t id : t.special_order_) t.info_[static_cast<size_t>(id)].rstrip = true;
        if (const int32_t id = t.lookup("</s>"); id >= 0) t.info_[static_cast<size_t>(id)].rstrip = true;
        for (std::string_view text : {"<unk>", "<s>", "<|endoftext|>"}) {
            if (const int32_t id = t.lookup(text); id >= 0) t.info_[static_cast<size_t>(id)].rstrip = false;
        }
    }
    return tok;
}

int32_t Tokenizer::lookup(std::string_view text) const {
    const auto it = token_to_id_.find(text);
    return it == token_to_id_.end() ? -1 : it->second;
}

std::optional<int32_t> Tokenizer::find_token(std::string_view text) const {
    const int32_t id = lookup(text);
    if (id < 0) return std::nullopt;
    return id;
}

TokenType Tokenizer::token_type(int32_t id) const {
    if (id < 0 || id >= n_vocab()) return TokenType::Undefined;
    return info_[static_cast<size_t>(id)].type;
}

const std::string& Tokenizer::token_text(int32_t id) const {
    if (id < 0 || id >= n_vocab()) return kEmpty;
    return tokens_[static_cast<size_t>(id)];
}

int Tokenizer::merge_rank(int32_t left, int32_t right) const {
    if (left < 0 || right < 0) return -1;
    const auto it = merge_ranks_.find((static_cast<uint64_t>(left) << 32) | static_cast<uint32_t>(right));
    return it == merge_ranks_.end() ? -1 : it->second;
}

std::vector<Tokenizer::Fragment> Tokenizer::partition_special(std::string_view text, bool parse_special,
                                                              std::span<const TextRange> allowed) const {
    const auto inside_allowed = [&](size_t begin, size_t end) {
        if (allowed.empty()) return true;
        for (const TextRange& r : allowed) {
            if (begin >= r.begin && end <= r.end) return true;
        }
        return false;
    };
    std::vector<Fragment> frags;
    if (text.empty()) return frags;
    frags.push_back({-1, 0, text.size()});
    std::vector<Fragment> next;
    for (const int32_t id : special_order_) {
        const TokenInfo& info = info_[static_cast<size_t>(id)];
        // Control and unknown tokens are literal text unless the caller asks for them;
        // user-defined tokens are always whole.
        if (!parse_special && (info.type == TokenType::Control || info.type == TokenType::Unknown)) continue;
        const std::string& special = tokens_[static_cast<size_t>(id)];
        if (text.find(special) == std::string_view::npos) continue;
        next.clear();
        for (const Fragment& f : frags) {
            if (f.token >= 0) {
                next.push_back(f);
                continue;
            }
            const std::string_view window = text.substr(0, f.end);
            size_t pos = f.begin;
            size_t search = pos;
            for (;;) {
                const size_t hit = window.find(special, search);
                if (hit == std::string_view::npos) break;
                if (info.type != TokenType::UserDefined && !inside_allowed(hit, hit + special.size())) {
                    search = hit + 1;  // typed text, not markup: leave it to the encoder
                    continue;
                }
                size_t left_end = hit;
                if (info.lstrip) {
                    while (left_end > pos && ascii_space(text[left_end - 1])) --left_end;
                }
                if (left_end > pos) next.push_back({-1, pos, left_end});
                next.push_back({id, 0, 0});
                pos = hit + special.size();
                if (info.rstrip) {
                    while (pos < f.end && ascii_space(text[pos])) ++pos;
                }
                search = pos;
            }
            if (pos < f.end) next.push_back({-1, pos, f.end});
        }
        frags.swap(next);
    }
    return frags;
}

std::vector<int32_t> Tokenizer::encode(std::string_view text, bool add_special, bool parse_special) const {
    return encode_fragments(text, partition_special(text, parse_special, {}), add_special);
}

std::vector<int32_t> Tokenizer::encode_with_special_ranges(std::string_view text, bool add_special,
                                                           std::span<const TextRange> special_ranges) const {
    static const TextRange kNowhere{0, 0};  // an empty allow-list must still allow nothing
    const std::span<const TextRange> allowed =
        special_ranges.empty() ? std::span<const TextRange>(&kNowhere, 1) : special_ranges;
    return encode_fragments(text, partition_special(text, true, allowed), add_special);
}

std::vector<int32_t> Tokenizer::encode_fragments(std::string_view text, const std::vector<Fragment>& frags,
                                                 bool add_special) const {
    std::vector<int32_t> out;
    out.reserve(text.size() / 3 + 2);
    if (add_special && add_bos_) out.push_back(bos_);
    if (kind_ == Kind::Spm) {
        bool prev_special = true;  // the first text fragment gets the space prefix
        for (const Fragment& f : frags) {
            if (f.token >= 0) {
                out.push_back(f.token);
                prev_special = true;
                continue;
            }
            std::string piece;
            if (add_space_prefix_ && prev_special) piece.push_back(' ');
            piece.append(text.substr(f.begin, f.end - f.begin));
            replace_all(piece, " ", kSpmSpace);
            encode_spm(piece, out);
            prev_special = false;
        }
    } else {
        std::string encoded;
        for (const Fragment& f : frags) {
            if (f.token >= 0) {
                out.push_back(f.token);
                continue;
            }
            for (const std::string& word : pretokenize(pre_kind_, text.substr(f.begin, f.end - f.begin))) {
                encoded.clear();
                for (const char c : word) utf8_append(encoded, byte_to_gpt2_codepoint(static_cast<uint8_t>(c)));
                encode_bpe(encoded, out);
            }
        }
    }
    if (add_special && add_eos_) out.push_back(eos_);
    return out;
}

std::string Tokenizer::token_to_piece(int32_t id, bool special) const {
    if (id < 0 || id >= n_vocab()) return {};
    const TokenInfo& info = info_[static_cast<size_t>(id)];
    const std::string& text = tokens_[static_cast<size_t>(id)];
    switch (info.type) {
        case TokenType::Control:
        case TokenType::Unknown: return special ? text : std::string();
        case TokenType::UserDefined: return text;
        case TokenType::Byte: {
            const int b = parse_byte_token(text);
            return b < 0 ? std::string() : std::string(1, static_cast<char>(b));
        }
        case TokenType::Normal: {
            if (kind_ == Kind::Spm) {
                std::string piece = text;
                replace_all(piece, kSpmSpace, " ");
                return piece;
            }
            // Byte-level: each code point of the token stands for one byte. A code point outside
            // the alphabet (a hand-edited vocabulary) is kept as the text it is.
            std::string piece;
            size_t offset = 0;
            while (offset < text.size()) {
                const uint32_t cp = utf8_decode_one(text, offset);
                const int b = gpt2_codepoint_to_byte(cp);
                if (b >= 0) piece.push_back(static_cast<char>(b));
                else utf8_append(piece, cp);
            }
            return piece;
        }
        case TokenType::Undefined:
        case TokenType::Unused: return {};
    }
    return {};
}

std::string Tokenizer::decode(std::span<const int32_t> ids, bool special) const {
    std::string out;
    bool strip_first_space = add_space_prefix_;  // only the very first token's space was added
    for (const int32_t id : ids) {
        if (id < 0 || id >= n_vocab()) continue;
        std::string piece = token_to_piece(id, special);
        if (strip_first_space && !piece.empty() && piece[0] == ' ') piece.erase(0, 1);
        strip_first_space = false;
        out += piece;
    }
    return clean_spaces_ ? clean_up_spaces(out) : out;
}

}  // namespace sigma
