// KQL tokenizer: one pass over the bytes, no allocation beyond the token list, no recursion.
// Not locale-aware: identifiers are ASCII letters, digits and '_' (bytes >= 0x80 inside names are
// accepted so that non-ASCII names do not split, but they are never case-folded).
#include "app/domain/kql_lexer.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace sigma::domain {

namespace {

bool ident_start(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
bool ident_char(char c) { return ident_start(c) || std::isdigit(static_cast<unsigned char>(c)); }
bool digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Operator names written with a hyphen; the lexer joins them so the parser sees one word.
constexpr std::array<std::string_view, 14> kHyphenated = {
    "project-away", "project-keep", "project-rename", "project-reorder", "project-smart",   "mv-expand",   "mv-apply",
    "make-series",  "make-graph",   "top-nested",     "top-hitters",     "sample-distinct", "parse-where", "parse-kv"};

// Word operators that take a leading '!' (negation) as one token.
constexpr std::array<std::string_view, 16> kNegatable = {
    "has",       "has_cs",       "contains",  "contains_cs",  "startswith", "startswith_cs", "endswith", "endswith_cs",
    "hasprefix", "hasprefix_cs", "hassuffix", "hassuffix_cs", "in",         "between",       "has_all",  "has_any"};

template <size_t N>
bool contains(const std::array<std::string_view, N>& set, std::string_view w) {
    for (std::string_view s : set)
        if (s == w) return true;
    return false;
}

class Lexer {
public:
    explicit Lexer(std::string_view q) : q_(q) {}

    std::vector<KqlToken> run() {
        while (true) {
            skip_space_and_comments();
            if (i_ >= q_.size()) break;
            next();
        }
        out_.push_back({KqlTok::End, "", q_.size(), 0, {}});
        return std::move(out_);
    }

private:
    char at(size_t k) const { return k < q_.size() ? q_[k] : '\0'; }

    void skip_space_and_comments() {
        while (i_ < q_.size()) {
            char c = q_[i_];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
                ++i_;
            } else if (c == '/' && at(i_ + 1) == '/') {
                while (i_ < q_.size() && q_[i_] != '\n') ++i_;
            } else {
                break;
            }
        }
    }

    void emit(KqlTok kind, size_t start, size_t end, std::string value = {}) {
        out_.push_back({kind, std::string(q_.substr(start, end - start)), start, end - start, std::move(value)});
    }
    void error(size_t start, size_t end, std::string message) {
        out_.push_back({KqlTok::Error, std::move(message), start, end - start, {}});
    }

    void next() {
        const size_t s = i_;
        const char c = q_[i_];
        if ((c == '@' || c == 'h' || c == 'H') && (at(i_ + 1) == '\'' || at(i_ + 1) == '"'))
            return string_lit(s, c == '@');
        if ((c == 'h' || c == 'H') && at(i_ + 1) == '@' && (at(i_ + 2) == '\'' || at(i_ + 2) == '"')) {
            ++i_;
            return string_lit(s, true);
        }
        if (c == '`' && at(i_ + 1) == '`' && at(i_ + 2) == '`') return multiline(s);
        if (c == '\'' || c == '"') return string_lit(s, false);
        if (digit(c)) return number(s);
        if (ident_start(c) || (c == '$' && ident_start(at(i_ + 1)))) return ident(s);
        return punct(s);
    }

    void string_lit(size_t s, bool verbatim) {
        if (q_[i_] != '\'' && q_[i_] != '"') ++i_;  // the @ or h prefix
        const char quote = q_[i_++];
        std::string value;
        while (i_ < q_.size()) {
            char c = q_[i_];
            if (c == '\n' || c == '\r') break;  // a single-line literal cannot span lines
            if (c == quote) {
                if (verbatim && at(i_ + 1) == quote) {
                    value += quote;
                    i_ += 2;
                    continue;
                }
                ++i_;
                emit(KqlTok::String, s, i_, std::move(value));
                return;
            }
            if (c == '\\' && !verbatim) {
                char e = at(i_ + 1);
                static constexpr std::string_view kEscapes = "\\'\"ntr0abfv/";
                if (e == 'u' || e == 'x' || e == 'U') {
                    value += c;
                    ++i_;
                    continue;
                }
                if (kEscapes.find(e) == std::string_view::npos || e == '\0') {
                    error(i_, std::min(i_ + 2, q_.size()), "invalid escape sequence in string literal");
                    skip_to_quote(quote);
                    return;
                }
                value += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
                i_ += 2;
                continue;
            }
            value += c;
            ++i_;
        }
        error(s, i_, "unterminated string literal");
    }

    void skip_to_quote(char quote) {
        i_ += 2;
        while (i_ < q_.size() && q_[i_] != quote && q_[i_] != '\n') i_ += (q_[i_] == '\\') ? 2 : 1;
        if (i_ < q_.size() && q_[i_] == quote) ++i_;
        if (i_ > q_.size()) i_ = q_.size();
    }

    void multiline(size_t s) {
        size_t end = q_.find("```", i_ + 3);
        if (end == std::string_view::npos) {
            i_ = q_.size();
            error(s, i_, "unterminated ``` string literal");
            return;
        }
        i_ = end + 3;
        emit(KqlTok::String, s, i_, std::string(q_.substr(s + 3, end - s - 3)));
    }

    void number(size_t s) {
        if (q_[i_] == '0' && (at(i_ + 1) == 'x' || at(i_ + 1) == 'X') &&
            std::isxdigit(static_cast<unsigned char>(at(i_ + 2)))) {
            i_ += 2;
            while (std::isxdigit(static_cast<unsigned char>(at(i_)))) ++i_;
        } else {
            while (digit(at(i_))) ++i_;
            if (at(i_) == '.' && at(i_ + 1) != '.') {
                ++i_;
                while (digit(at(i_))) ++i_;
            }
            if ((at(i_) == 'e' || at(i_) == 'E') &&
                (digit(at(i_ + 1)) || ((at(i_ + 1) == '+' || at(i_ + 1) == '-') && digit(at(i_ + 2))))) {
                i_ += 2;
                while (digit(at(i_))) ++i_;
            }
        }
        if (!ident_char(at(i_))) {
            emit(KqlTok::Number, s, i_);
            return;
        }
        size_t u = i_;
        while (ident_char(at(u))) ++u;
        if (kql_is_timespan_unit(lower(q_.substr(i_, u - i_)))) {
            i_ = u;
            emit(KqlTok::Timespan, s, i_);
            return;
        }
        i_ = u;
        error(s, i_, "malformed number or timespan literal '" + std::string(q_.substr(s, i_ - s)) + "'");
    }

    void ident(size_t s) {
        ++i_;
        while (ident_char(at(i_))) ++i_;
        // project-away, mv-expand ...: join the hyphenated operator names.
        if (at(i_) == '-' && ident_start(at(i_ + 1))) {
            size_t u = i_ + 1;
            while (ident_char(at(u))) ++u;
            if (contains(kHyphenated, lower(q_.substr(s, u - s)))) i_ = u;
        }
        // in~ is one operator.
        if (at(i_) == '~' && lower(q_.substr(s, i_ - s)) == "in") ++i_;
        emit(KqlTok::Ident, s, i_);
        // datetime(2024-01-01T10:00Z), time(1.02:03:04), guid(74be...): the contents are not KQL
        // tokens, so they come back as one String token between the parentheses.
        std::string word = lower(q_.substr(s, i_ - s));
        if (word == "datetime" || word == "date" || word == "time" || word == "timespan" || word == "guid")
            raw_parens();
    }

    void raw_parens() {
        size_t k = i_;
        while (at(k) == ' ' || at(k) == '\t') ++k;
        if (at(k) != '(') return;
        size_t close = q_.find(')', k + 1);
        if (close == std::string_view::npos) return;  // the parser reports the missing )
        std::string_view inner = q_.substr(k + 1, close - k - 1);
        if (inner.find_first_of("'\"(\n") != std::string_view::npos) return;  // quoted or nested: ordinary tokens
        emit(KqlTok::Op, k, k + 1);
        size_t a = k + 1, b = close;
        while (a < b && q_[a] == ' ') ++a;
        while (b > a && q_[b - 1] == ' ') --b;
        if (b > a) emit(KqlTok::String, a, b, std::string(q_.substr(a, b - a)));
        emit(KqlTok::Op, close, close + 1);
        i_ = close + 1;
    }

    void punct(size_t s) {
        const char c = q_[i_];
        const char d = at(i_ + 1);
        if (c == '!' && ident_start(d)) {
            size_t u = i_ + 1;
            while (ident_char(at(u))) ++u;
            std::string w = lower(q_.substr(i_ + 1, u - i_ - 1));
            if (contains(kNegatable, w)) {
                i_ = u;
                if (w == "in" && at(i_) == '~') ++i_;
                emit(KqlTok::Op, s, i_);
                return;
            }
        }
        static constexpr std::array<std::string_view, 14> kTwo = {"==", "!=", "<>", "<=", ">=", "=~", "!~",
                                                                  "..", "=>", "<|", "->", "--", "::", "&&"};
        std::string_view two = q_.substr(i_, 2);
        if (two.size() == 2 && contains(kTwo, two) && two != "--" && two != "&&" && two != "<|" && two != "::") {
            i_ += 2;
            emit(KqlTok::Op, s, i_);
            return;
        }
        static constexpr std::string_view kSingle = "|()[]{},;=<>+-*/%.:~!?";
        if (kSingle.find(c) != std::string_view::npos) {
            ++i_;
            emit(KqlTok::Op, s, i_);
            return;
        }
        // Unknown byte: report it (printable or as hex) and skip it.
        ++i_;
        std::string shown;
        if (std::isprint(static_cast<unsigned char>(c))) {
            shown = std::string("'") + c + "'";
        } else {
            static const char* hex = "0123456789ABCDEF";
            shown = std::string("byte 0x") + hex[(static_cast<unsigned char>(c) >> 4) & 15] +
                    hex[static_cast<unsigned char>(c) & 15];
        }
        error(s, i_, "unexpected character " + shown);
    }

    std::string_view q_;
    size_t i_ = 0;
    std::vector<KqlToken> out_;
};

}  // namespace

bool kql_is_timespan_unit(std::string_view w) {
    static constexpr std::array<std::string_view, 30> kUnits = {"d",           "day",          "days",
                                                                "h",           "hr",           "hrs",
                                                                "hour",        "hours",        "m",
                                                                "min",         "minute",       "minutes",
                                                                "s",           "sec",          "second",
                                                                "seconds",     "ms",           "milli",
                                                                "millis",      "millisecond",  "milliseconds",
                                                                "microsecond", "microseconds", "tick",
                                                                "ticks",       "nanosecond",   "nanoseconds",
                                                                "microsec",    "millisec",     "microseconds"};
    return contains(kUnits, w);
}

std::vector<KqlToken> kql_tokenize(std::string_view query) { return Lexer(query).run(); }

}  // namespace sigma::domain
