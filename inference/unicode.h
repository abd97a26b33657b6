// Unicode helpers for the tokenizers: code point categories (from a generated range table),
// lenient UTF-8 decoding/encoding, and the GPT-2 byte <-> printable-character mapping.
// Not a general Unicode library: no normalisation, no case mapping beyond ASCII, no grapheme rules.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sigma {

// Category bits of a code point (exactly one of the first seven is set for a valid code point)
// plus the White_Space property. The first seven must match tools/unicode/gen_unicode_tables.py.
enum CodepointFlag : uint8_t {
    kCpNumber = 1,        // \p{N}
    kCpLetter = 2,        // \p{L}
    kCpSeparator = 4,     // \p{Z}
    kCpMark = 8,          // \p{M}
    kCpPunctuation = 16,  // \p{P}
    kCpSymbol = 32,       // \p{S}
    kCpOther = 64,        // \p{C}: controls, format, surrogates, private use, unassigned
    kCpWhitespace = 128,  // White_Space (what \s matches)
};

inline constexpr uint32_t kReplacementCharacter = 0xFFFD;
inline constexpr uint32_t kMaxCodepoint = 0x10FFFF;

// Flags of a code point; 0 for values above U+10FFFF.
uint8_t codepoint_flags(uint32_t cp);
inline bool cp_is_letter(uint32_t cp) { return codepoint_flags(cp) & kCpLetter; }
inline bool cp_is_number(uint32_t cp) { return codepoint_flags(cp) & kCpNumber; }
inline bool cp_is_punctuation(uint32_t cp) { return codepoint_flags(cp) & kCpPunctuation; }
inline bool cp_is_whitespace(uint32_t cp) { return codepoint_flags(cp) & kCpWhitespace; }

// Length of the UTF-8 sequence a lead byte announces, judged by its high bits only (1 for ASCII
// and for stray continuation bytes, 2/3/4 for lead bytes); never 0, so a scan always advances.
size_t utf8_sequence_length(uint8_t lead);

// Size of the character at `offset`: its well-formed UTF-8 sequence (1..4), or 1 for a malformed byte.
size_t utf8_char_size(std::string_view text, size_t offset);

// Decodes one code point at `offset`, advancing it. Malformed input (a stray continuation byte, a
// truncated sequence, a value above U+10FFFF) yields U+FFFD and advances by one byte.
uint32_t utf8_decode_one(std::string_view text, size_t& offset);

// All code points of `text`, malformed bytes replaced one by one by U+FFFD.
std::vector<uint32_t> utf8_to_codepoints(std::string_view text);

// Appends the UTF-8 encoding of `cp` (U+FFFD for values above U+10FFFF).
void utf8_append(std::string& out, uint32_t cp);
std::string codepoint_to_utf8(uint32_t cp);

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool utf8_is_valid(std::string_view text);

// Bytes at the end of `text` that begin a well-formed but unfinished UTF-8 sequence (0..3): what a
// streaming decoder must hold back until the next bytes arrive.
size_t utf8_incomplete_tail(std::string_view text);

// Replaces every malformed byte of `text` with U+FFFD; well-formed text comes back unchanged.
std::string utf8_sanitize(std::string_view text);

// GPT-2's byte-level alphabet: each byte maps to one printable code point (printable Latin-1 bytes
// map to themselves, the others to U+0100 + n), so that any byte string becomes visible text.
uint32_t byte_to_gpt2_codepoint(uint8_t byte);
// The byte a GPT-2 alphabet code point stands for, or -1 when it is not in the alphabet.
int gpt2_codepoint_to_byte(uint32_t cp);

}  // namespace sigma
