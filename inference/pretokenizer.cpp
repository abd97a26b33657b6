// Hand-written pre-tokenizer scanners: each reproduces, over code points and Unicode categories,
// the splitting regex of one vocabulary family (a match becomes a word, so does the text between).
// Not general: patterns are fixed here; an unknown tokenizer.ggml.pre is rejected by the caller.
#include "inference/pretokenizer.h"

#include <cstdint>

#include "inference/unicode.h"

namespace sigma {

namespace {

// A word under construction: code point indices [begin, end).
struct Span {
    size_t begin;
    size_t end;
};

using Codepoints = std::vector<uint32_t>;
using Spans = std::vector<Span>;

// Category of the code point at `pos`, or 0 outside the span being scanned (patterns never look
// across a word that an earlier pass has already cut).
struct Cursor {
    const Codepoints& cps;
    size_t end;
    uint32_t cp(size_t pos) const { return pos < end ? cps[pos] : 0xFFFFFFFFu; }
    uint8_t flags(size_t pos) const { return pos < end ? codepoint_flags(cps[pos]) : 0; }
};

bool is_letter_flags(uint8_t f) { return f & kCpLetter; }
bool is_number_flags(uint8_t f) { return f & kCpNumber; }
bool is_space_flags(uint8_t f) { return f & kCpWhitespace; }
// [^\s\p{L}\p{N}]: any real code point that is neither space, letter nor number.
bool is_other_flags(uint8_t f) { return f != 0 && !(f & (kCpWhitespace | kCpLetter | kCpNumber)); }

uint32_t ascii_lower(uint32_t c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

// Length of an English contraction ('s 't 're 've 'm 'll 'd) at `pos`, or 0.
size_t contraction_length(const Cursor& cur, size_t pos, bool any_case) {
    if (cur.cp(pos) != '\'' || pos + 1 >= cur.end) return 0;
    const auto lower = [&](uint32_t c) { return any_case ? ascii_lower(c) : c; };
    const uint32_t a = lower(cur.cp(pos + 1));
    if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
    if (pos + 2 >= cur.end) return 0;
    const uint32_t b = lower(cur.cp(pos + 2));
    if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return 3;
    return 0;
}

// GPT-2: 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
size_t match_gpt2(const Cursor& cur, size_t pos) {
    if (const size_t n = contraction_length(cur, pos, false)) return n;
    const uint32_t c = cur.cp(pos);
    const size_t body = pos + (c == ' ' ? 1 : 0);  // the optional leading space
    const uint8_t f = cur.flags(body);
    size_t p = body;
    if (is_letter_flags(f)) {
        while (is_letter_flags(cur.flags(p))) ++p;
        return p - pos;
    }
    if (is_number_flags(f)) {
        while (is_number_flags(cur.flags(p))) ++p;
        return p - pos;
    }
    if (is_other_flags(f)) {
        while (is_other_flags(cur.flags(p))) ++p;
        return p - pos;
    }
    size_t spaces = 0;
    while (is_space_flags(cur.flags(pos + spaces))) ++spaces;
    // \s+(?!\S): a run followed by a non-space leaves its last space to start the next word.
    if (spaces > 1 && pos + spaces < cur.end) return spaces - 1;
    if (spaces > 0) return spaces;
    return 1;  // nothing matches: the code point stands alone
}

// Llama 3 (digit_group 3) and Qwen2 (digit_group 1):
// (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,G}| ?[^\s\p{L}\p{N}]+[\r\n]*|
// \s*[\r\n]+|\s+(?!\S)|\s+
size_t match_llama3(const Cursor& cur, size_t pos, size_t digit_group) {
    if (const size_t n = contraction_length(cur, pos, true)) return n;
    const uint32_t c = cur.cp(pos);
    const uint8_t f = cur.flags(pos);
    if (c != '\r' && c != '\n' && !is_number_flags(f)) {
        if (is_letter_flags(f) || is_letter_flags(cur.flags(pos + 1))) {
            size_t p = pos + 1;  // a letter, or the one allowed non-letter prefix
            while (is_letter_flags(cur.flags(p))) ++p;
            return p - pos;
        }
    }
    if (is_number_flags(f)) {
        size_t p = pos;
        while (p - pos < digit_group && is_number_flags(cur.flags(p))) ++p;
        return p - pos;
    }
    const size_t body = pos + (c == ' ' ? 1 : 0);
    if (is_other_flags(cur.flags(body))) {
        size_t p = body;
        while (is_other_flags(cur.flags(p))) ++p;
        while (cur.cp(p) == '\r' || cur.cp(p) == '\n') ++p;
        return p - pos;
    }
    size_t spaces = 0;
    size_t after_last_newline = 0;
    while (is_space_flags(cur.flags(pos + spaces))) {
        const uint32_t s = cur.cp(pos + spaces);
        ++spaces;
        if (s == '\r' || s == '\n') after_last_newline = spaces;
    }
    if (after_last_newline > 0) return after_last_newline;  // \s*[\r\n]+
    if (spaces > 1 && pos + spaces < cur.end) return spaces - 1;
    if (spaces > 0) return spaces;
    return 1;
}

// Applies a pattern to every span: each match is a word, and so is each gap between matches.
// `match` returns the length of the leftmost match starting exactly at `pos`, or 0.
template <typename Match>
Spans isolate(const Codepoints& cps, const Spans& in, Match match) {
    Spans out;
    out.reserve(in.size() * 2);
    for (const Span& span : in) {
        const Cursor cur{cps, span.end};
        size_t gap = span.begin;
        size_t pos = span.begin;
        while (pos < span.end) {
            const size_t n = match(cur, pos);
            if (n == 0) {
                ++pos;
                continue;
            }
            if (gap < pos) out.push_back({gap, pos});
            out.push_back({pos, pos + n});
            pos += n;
            gap = pos;
        }
        if (gap < span.end) out.push_back({gap, span.end});
    }
    return out;
}

// A run of code points that satisfy `pred`, optionally preceded by one space (\s?X+), or 0.
template <typename Pred>
size_t run_with_optional_space(const Cursor& cur, size_t pos, Pred pred) {
    size_t p = pos;
    if (is_space_flags(cur.flags(p)) && pred(cur.cp(p + 1), cur.flags(p + 1))) ++p;
    const size_t start = p;
    while (p < cur.end && pred(cur.cp(p), cur.flags(p))) ++p;
    return p == start ? 0 : p - pos;
}

template <typename Pred>
size_t run_of(const Cursor& cur, size_t pos, Pred pred) {
    size_t p = pos;
    while (p < cur.end && pred(cur.cp(p), cur.flags(p))) ++p;
    return p - pos;
}

bool is_ascii_digit(uint32_t c) { return c >= '0' && c <= '9'; }

// [\p{P}$+<=>^~|] (and the backtick where asked): ASCII punctuation and symbols, and any other
// punctuation; the symbols outside ASCII are not part of it.
bool is_punct_or_ascii_symbol(uint32_t c, uint8_t f, bool backtick) {
    if ((f & kCpPunctuation) && !(f & kCpWhitespace)) return true;
    switch (c) {
        case '$':
        case '+':
        case '<':
        case '=':
        case '>':
        case '^':
        case '~':
        case '|': return true;
        case '`': return backtick;
        default: return false;
    }
}

// [0-9][0-9][0-9]
size_t match_three_digits(const Cursor& cur, size_t pos) {
    return (is_ascii_digit(cur.cp(pos)) && is_ascii_digit(cur.cp(pos + 1)) && is_ascii_digit(cur.cp(pos + 2))) ? 3 : 0;
}

// DeepSeek Coder's CJK pattern [一-龥ࠀ-一가-퟿]: U+0800..U+9FA5 and U+AC00..U+D7FF, except the
// White_Space code points in that range (which the pattern's engine sees as ASCII space).
bool is_deepseek_cjk(uint32_t c, uint8_t f) {
    if (f & kCpWhitespace) return false;
    return (c >= 0x0800 && c <= 0x9FA5) || (c >= 0xAC00 && c <= 0xD7FF);
}

std::vector<std::string> to_words(const Codepoints& cps, const Spans& spans) {
    std::vector<std::string> words;
    words.reserve(spans.size());
    for (const Span& s : spans) {
        std::string w;
        for (size_t i = s.begin; i < s.end; ++i) utf8_append(w, cps[i]);
        words.push_back(std::move(w));
    }
    return words;
}

}  // namespace

std::optional<PreTokenizer> pretokenizer_from_name(std::string_view name) {
    if (name.empty() || name == "default") return PreTokenizer::Default;
    if (name == "gpt-2" || name == "gpt2" || name == "phi-2" || name == "mpt" || name == "olmo") {
        return PreTokenizer::Gpt2;
    }
    if (name == "llama-bpe" || name == "llama3" || name == "llama-v3" || name == "dbrx" || name == "smaug-bpe") {
        return PreTokenizer::Llama3;
    }
    if (name == "qwen2" || name == "stablelm2" || name == "deepseek-r1-qwen") return PreTokenizer::Qwen2;
    if (name == "deepseek-coder") return PreTokenizer::DeepseekCoder;
    if (name == "starcoder" || name == "refact" || name == "smollm") return PreTokenizer::Starcoder;
    if (name == "falcon") return PreTokenizer::Falcon;
    return std::nullopt;
}

const char* pretokenizer_name(PreTokenizer kind) {
    switch (kind) {
        case PreTokenizer::Default: return "default";
        case PreTokenizer::Gpt2: return "gpt-2";
        case PreTokenizer::Llama3: return "llama-bpe";
        case PreTokenizer::Qwen2: return "qwen2";
        case PreTokenizer::DeepseekCoder: return "deepseek-coder";
        case PreTokenizer::Starcoder: return "starcoder";
        case PreTokenizer::Falcon: return "falcon";
    }
    return "unknown";
}

std::vector<std::string> pretokenize(PreTokenizer kind, std::string_view text) {
    const Codepoints cps = utf8_to_codepoints(text);
    if (cps.empty()) return {};
    Spans spans{{0, cps.size()}};

    const auto gpt2 = [](const Cursor& cur, size_t pos) { return match_gpt2(cur, pos); };
    const auto one_number = [](const Cursor& cur, size_t pos) -> size_t {
        return is_number_flags(cur.flags(pos)) ? 1 : 0;
    };

    switch (kind) {
        case PreTokenizer::Gpt2: spans = isolate(cps, spans, gpt2); break;
        case PreTokenizer::Llama3:
            spans = isolate(cps, spans, [](const Cursor& cur, size_t pos) { return match_llama3(cur, pos, 3); });
            break;
        case PreTokenizer::Qwen2:
            spans = isolate(cps, spans, [](const Cursor& cur, size_t pos) { return match_llama3(cur, pos, 1); });
            break;
        case PreTokenizer::Starcoder:
            spans = isolate(cps, spans, one_number);
            spans = isolate(cps, spans, gpt2);
            break;
        case PreTokenizer::Falcon:
            spans = isolate(cps, spans, [](const Cursor& cur, size_t pos) {
                return run_of(cur, pos, [](uint32_t c, uint8_t f) { return is_punct_or_ascii_symbol(c, f, true); });
            });
            spans = isolate(cps, spans, gpt2);
            spans = isolate(cps, spans, match_three_digits);
            break;
        case PreTokenizer::DeepseekCoder:
            spans = isolate(cps, spans, [](const Cursor& cur, size_t pos) -> size_t {
                return (cur.cp(pos) == '\r' || cur.cp(pos) == '\n') ? 1 : 0;
            });
            spans = isolate(cps, spans, [](const Cursor& cur, size_t pos) {
                return run_with_optional_space(cur, pos, [](uint32_t, uint8_t f) { return is_letter_flags(f); });
            });
            spans = isolate(cps, spans, [](const Cursor& cur, size_t pos) {
                return run_with_optional_space(
                    cur, pos, [](uint32_t, uint8_t f) { return (f & kCpPunctuation) && !(f & kCpWhitespace); });
            });
            spans =
                isolate(cps, spans, [](const Cursor& cur, size_t pos) { return run_of(cur, pos, is_deepseek_cjk); });
            spans = isolate(cps, spans, one_number);
            break;
        case PreTokenizer::Default:
            spans = isolate(cps, spans, [](const Cursor& cur, size_t pos) {
                return run_of(cur, pos, [](uint32_t c, uint8_t f) { return is_punct_or_ascii_symbol(c, f, false); });
            });
            spans = isolate(cps, spans, gpt2);
            spans = isolate(cps, spans, [](const Cursor& cur, size_t pos) {
                return run_of(cur, pos, [](uint32_t, uint8_t f) { return is_number_flags(f); });
            });
            spans = isolate(cps, spans, match_three_digits);
            break;
    }
    return to_words(cps, spans);
}

}  // namespace sigma
