// Code point categories, UTF-8 decoding/encoding and the GPT-2 byte alphabet.
// Not a normaliser or a segmenter: callers get categories and bytes, nothing more.
#include "inference/unicode.h"

#include <algorithm>
#include <array>

namespace sigma {

namespace unicode_data {
extern const uint32_t kCategoryRuns[];
extern const size_t kCategoryRunCount;
extern const uint32_t kWhiteSpaceRanges[][2];
extern const size_t kWhiteSpaceRangeCount;
}  // namespace unicode_data

namespace {

uint8_t lookup_flags(uint32_t cp) {
    using namespace unicode_data;
    // Last run whose start is <= cp: runs are sorted by start, encoded as (start << 8) | flags.
    const uint32_t key = (cp << 8) | 0xFF;
    const uint32_t* end = kCategoryRuns + kCategoryRunCount;
    const uint32_t* it = std::upper_bound(kCategoryRuns, end, key);
    uint8_t flags = (it == kCategoryRuns) ? uint8_t{kCpOther} : static_cast<uint8_t>(*(it - 1) & 0xFF);
    for (size_t i = 0; i < kWhiteSpaceRangeCount; ++i) {
        if (cp >= kWhiteSpaceRanges[i][0] && cp <= kWhiteSpaceRanges[i][1]) {
            flags |= kCpWhitespace;
            break;
        }
    }
    return flags;
}

// The Basic Multilingual Plane is where almost all text lives: a 64 KiB table built once makes its
// lookups a single load; the rare supplementary code points fall back to the binary search.
struct BmpTable {
    std::array<uint8_t, 0x10000> flags{};
    BmpTable() {
        for (uint32_t cp = 0; cp < 0x10000; ++cp) flags[cp] = lookup_flags(cp);
    }
};

const BmpTable& bmp_table() {
    static const BmpTable table;
    return table;
}

struct Gpt2Alphabet {
    std::array<uint32_t, 256> byte_to_cp{};
    std::array<int16_t, 0x200> cp_to_byte{};  // every alphabet code point is below U+0200
    Gpt2Alphabet() {
        cp_to_byte.fill(-1);
        uint32_t next_extra = 0x100;
        for (uint32_t b = 0; b < 256; ++b) {
            const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
            byte_to_cp[b] = printable ? b : next_extra++;
            cp_to_byte[byte_to_cp[b]] = static_cast<int16_t>(b);
        }
    }
};

const Gpt2Alphabet& gpt2_alphabet() {
    static const Gpt2Alphabet alphabet;
    return alphabet;
}

}  // namespace

uint8_t codepoint_flags(uint32_t cp) {
    if (cp < 0x10000) return bmp_table().flags[cp];
    if (cp > kMaxCodepoint) return 0;
    return lookup_flags(cp);
}

size_t utf8_sequence_length(uint8_t lead) {
    static constexpr uint8_t kLengths[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
    return kLengths[lead >> 4];
}

uint32_t utf8_decode_one(std::string_view text, size_t& offset) {
    const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
    const uint8_t lead = byte(offset);
    if (lead < 0x80) {
        offset += 1;
        return lead;
    }
    size_t len = 0;
    uint32_t cp = 0;
    if ((lead & 0xE0) == 0xC0) {
        len = 2;
        cp = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
        len = 3;
        cp = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
        len = 4;
        cp = lead & 0x07;
    } else {
        offset += 1;  // stray continuation byte or 0xF8..0xFF
        return kReplacementCharacter;
    }
    if (offset + len > text.size()) {
        offset += 1;
        return kReplacementCharacter;
    }
    for (size_t i = 1; i < len; ++i) {
        const uint8_t c = byte(offset + i);
        if ((c & 0xC0) != 0x80) {
            offset += 1;
            return kReplacementCharacter;
        }
        cp = (cp << 6) | (c & 0x3F);
    }
    if (cp > kMaxCodepoint) {
        offset += 1;
        return kReplacementCharacter;
    }
    offset += len;
    return cp;
}

std::vector<uint32_t> utf8_to_codepoints(std::string_view text) {
    std::vector<uint32_t> cps;
    cps.reserve(text.size());
    size_t offset = 0;
    while (offset < text.size()) cps.push_back(utf8_decode_one(text, offset));
    return cps;
}

void utf8_append(std::string& out, uint32_t cp) {
    if (cp > kMaxCodepoint) cp = kReplacementCharacter;
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

std::string codepoint_to_utf8(uint32_t cp) {
    std::string s;
    utf8_append(s, cp);
    return s;
}

namespace {

// Length of the well-formed sequence at `i` (1..4), 0 when malformed, or -(bytes seen) when the
// text ends inside a sequence that is well-formed so far.
int strict_sequence(std::string_view text, size_t i) {
    const auto b = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
    const uint8_t lead = b(i);
    if (lead < 0x80) return 1;
    int len = 0;
    uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte (rules out overlongs, surrogates)
    if (lead >= 0xC2 && lead <= 0xDF) {
        len = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        len = 3;
        if (lead == 0xE0) lo = 0xA0;
        if (lead == 0xED) hi = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        len = 4;
        if (lead == 0xF0) lo = 0x90;
        if (lead == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    for (int k = 1; k < len; ++k) {
        if (i + k >= text.size()) return -k;
        const uint8_t c = b(i + k);
        if (k == 1 ? (c < lo || c > hi) : ((c & 0xC0) != 0x80)) return 0;
    }
    return len;
}

}  // namespace

size_t utf8_char_size(std::string_view text, size_t offset) {
    const int n = strict_sequence(text, offset);
    return n > 0 ? static_cast<size_t>(n) : 1;
}

bool utf8_is_valid(std::string_view text) {
    size_t i = 0;
    while (i < text.size()) {
        const int n = strict_sequence(text, i);
        if (n <= 0) return false;
        i += static_cast<size_t>(n);
    }
    return true;
}

size_t utf8_incomplete_tail(std::string_view text) {
    // An unfinished sequence starts at the last lead byte, at most 3 bytes before the end.
    size_t i = text.size();
    while (i > 0 && text.size() - i < 3) {
        --i;
        const uint8_t c = static_cast<uint8_t>(text[i]);
        if ((c & 0xC0) == 0x80) continue;  // continuation: keep looking for its lead
        const int n = strict_sequence(text, i);
        return n < 0 ? text.size() - i : 0;
    }
    return 0;
}

std::string utf8_sanitize(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    size_t i = 0;
    while (i < text.size()) {
        const int n = strict_sequence(text, i);
        if (n > 0) {
            out.append(text.substr(i, static_cast<size_t>(n)));
            i += static_cast<size_t>(n);
        } else {
            utf8_append(out, kReplacementCharacter);
            i += 1;
        }
    }
    return out;
}

uint32_t byte_to_gpt2_codepoint(uint8_t byte) { return gpt2_alphabet().byte_to_cp[byte]; }

int gpt2_codepoint_to_byte(uint32_t cp) {
    if (cp >= 0x200) return -1;
    return gpt2_alphabet().cp_to_byte[cp];
}

}  // namespace sigma
