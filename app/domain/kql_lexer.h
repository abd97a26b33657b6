// KqlLexer: splits a KQL (Kusto) query into tokens with byte offsets, for the parser, the checker and
// token similarity. Not a parser: it knows keywords only where they change tokenisation (hyphenated
// operator names such as project-away, negated string operators such as !has, timespan literals).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sigma::domain {

enum class KqlTok {
    End,
    Ident,     // names and keywords: Heartbeat, where, project-away, $left
    Number,    // 5, 2.5, 1e3, 0x1F
    Timespan,  // 5m, 1.5h, 100ms, 2d
    String,    // '..', "..", @'..', h"..", ```..```
    Op,        // punctuation and symbolic or word operators: | ( ) == !has =~ ..
    Error,     // a character or literal the language does not allow; text says why
};

struct KqlToken {
    KqlTok kind = KqlTok::End;
    std::string text;   // the token as written (for Error: the message)
    size_t start = 0;   // byte offset in the query
    size_t length = 0;  // bytes
    std::string value;  // String: decoded contents
};

// Tokens of the whole query, ending with one End token at the query's length. Never fails: bad
// characters and unterminated literals come back as Error tokens.
std::vector<KqlToken> kql_tokenize(std::string_view query);

// True when `word` (lower case) is a timespan unit accepted right after a number: d, h, m, s, ms...
bool kql_is_timespan_unit(std::string_view word);

}  // namespace sigma::domain
