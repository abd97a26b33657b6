// ShellParser, words: plain, quoted ('…', "…", $'…'), escaped and brace-expanded text, parameter
// expansions, $( ) and backtick command substitutions and $(( )) arithmetic, parsed in place so the
// positions of what they contain stay exact. Not an expander: nothing is substituted or evaluated.
#include <algorithm>
#include <cctype>

#include "app/domain/shell_parser_impl.h"

namespace sigma::domain::shell_detail {

// Parses an inner list for $( ) or <( ); on success pos_ is past the ')'.
bool Parser::parse_substitution(int depth, size_t open) {
    const size_t mark = out_.size();
    size_t count = 0;
    ListStop stop = ListStop::End;
    if (!parse_list(depth + 1, false, count, stop)) return false;
    if (stop == ListStop::End) return fail("missing ')' to close the '(' here", open);
    if (stop != ListStop::Paren) return list_stopped_at_top(stop);
    ++pos_;
    // Inner commands run on their own: they do not inherit the outer pipe position.
    for (size_t i = mark; i < out_.size(); ++i)
        if (out_[i].pipeline_first < mark) out_[i].pipeline_first = mark;
    mark_substitution(mark);
    return true;
}

bool Parser::parse_backticks(int depth, std::string& text) {
    const size_t open = pos_;
    ++pos_;
    std::string inner;
    while (true) {
        if (at_end()) return fail("unterminated backquote", open);
        const char c = s_[pos_];
        if (c == '`') break;
        if (c == '\\' && (peek(1) == '`' || peek(1) == '\\' || peek(1) == '$')) {
            inner += peek(1);
            pos_ += 2;
            continue;
        }
        inner += c;
        ++pos_;
    }
    ++pos_;
    text += std::string(s_.substr(open, pos_ - open));
    if (depth + 1 > kShellMaxDepth)
        return fail("nesting deeper than " + std::to_string(kShellMaxDepth) + " levels", open);
    const size_t mark = out_.size();
    Parser sub(inner, abs(open + 1), sink_);
    if (!sub.parse_top(depth + 1)) return fail(sub.error(), sub.error_pos() - base_);
    mark_substitution(mark);
    return true;
}

// Whether the "((" just before `k` closes with "))" (arithmetic) rather than with ") )" (a subshell
// inside a subshell or a command substitution). Linear, no parsing: unclosed counts as arithmetic, so
// the error names the arithmetic.
bool Parser::arith_ahead(size_t k) const {
    int level = 0;
    while (k < s_.size()) {
        const char c = s_[k];
        if (c == '(') {
            ++level;
        } else if (c == ')') {
            if (level == 0) return k + 1 >= s_.size() || s_[k + 1] == ')';
            --level;
        } else if (c == '\'') {
            const size_t close = s_.find('\'', k + 1);
            if (close == std::string_view::npos) return true;
            k = close;
        } else if (c == '\\') {
            ++k;
        }
        ++k;
    }
    return true;
}

// The body of (( )) or $(( )), pos_ just past the opening "((" ; on success pos_ is past the "))".
// Command substitutions inside run, so they are parsed into the command list.
bool Parser::parse_arith(int depth, size_t open, bool dollar) {
    if (depth > kShellMaxDepth) return fail("nesting deeper than " + std::to_string(kShellMaxDepth) + " levels", open);
    int level = 0;
    while (true) {
        if (at_end())
            return fail(dollar ? "unterminated arithmetic expansion '$((': '))' expected"
                               : "unterminated arithmetic command '((': '))' expected",
                        open);
        const char c = s_[pos_];
        if (c == '(') {
            ++level;
            ++pos_;
        } else if (c == ')') {
            if (level == 0) {
                if (peek(1) != ')')
                    return fail(std::string("')' closes the arithmetic '") + (dollar ? "$((" : "((") +
                                    "' opened here; '))' expected",
                                open);
                pos_ += 2;
                return true;
            }
            --level;
            ++pos_;
        } else if (c == '$' && (peek(1) == '(' || peek(1) == '{')) {
            ShellWord w;
            if (!parse_dollar(depth, w)) return false;
        } else if (c == '`') {
            std::string t;
            if (!parse_backticks(depth, t)) return false;
        } else if (c == '"') {
            ShellWord w;
            if (!parse_double_quoted(depth, w)) return false;
        } else if (c == '\'') {
            const size_t close = s_.find('\'', pos_ + 1);
            if (close == std::string_view::npos) return fail("unterminated single quote", pos_);
            pos_ = close + 1;
        } else if (c == '\\') {
            pos_ = std::min(pos_ + 2, s_.size());
        } else {
            ++pos_;
        }
    }
}

// $..., with pos_ at the '$'.
bool Parser::parse_dollar(int depth, ShellWord& w) {
    const size_t start = pos_;
    w.expands = true;
    if (peek(1) == '(' && peek(2) == '(' && arith_ahead(pos_ + 3)) {
        pos_ += 3;
        if (!parse_arith(depth + 1, start, true)) return false;
    } else if (peek(1) == '(') {
        pos_ += 2;
        if (!parse_substitution(depth, start)) return false;
    } else if (peek(1) == '{') {
        const size_t close = s_.find('}', pos_ + 2);
        if (close == std::string_view::npos) return fail("unterminated '${'", start);
        pos_ = close + 1;
    } else {
        ++pos_;
        while (!at_end() && is_name_char(s_[pos_])) ++pos_;
        if (pos_ == start + 1 && !at_end() &&
            std::string_view("?#$!@*-0123456789").find(s_[pos_]) != std::string_view::npos)
            ++pos_;
    }
    w.text += std::string(s_.substr(start, pos_ - start));
    return true;
}

// An unquoted '{' at pos_ that starts a brace expansion: {a,b} or {1..4} before the word ends.
static bool brace_expansion_at(std::string_view s, size_t k) {
    bool list = false;
    for (size_t j = k + 1; j < s.size() && !is_word_end(s[j]); ++j) {
        const char c = s[j];
        if (c == '}') return list;
        if (c == '{' || c == '\'' || c == '"' || c == '$' || c == '\\') return false;
        if (c == ',' || (c == '.' && j + 1 < s.size() && s[j + 1] == '.')) list = true;
    }
    return false;
}

// One word. In `regex` mode (the right side of =~ inside [[ ]]) parentheses and '|' belong to the
// word, and blanks too inside parentheses.
bool Parser::parse_word(int depth, ShellWord& w, bool regex) {
    const size_t start = pos_;
    // Process substitution: the whole <( ... ) is one word.
    if (!at_end() && (s_[pos_] == '<' || s_[pos_] == '>') && peek(1) == '(') {
        pos_ += 2;
        if (!parse_substitution(depth, start)) return false;
        w.text = std::string(s_.substr(start, pos_ - start));
        w.expands = true;
    }
    if (!at_end() && s_[pos_] == '~' && pos_ == start) w.expands = true;
    int level = 0;
    while (!at_end()) {
        const char c = s_[pos_];
        if (regex) {
            const bool keep = c == '(' || c == '|' || (c == ')' && level > 0) || (level > 0 && is_blank(c));
            if (keep) {
                if (c == '(') ++level;
                if (c == ')') --level;
                w.text += c;
                ++pos_;
                continue;
            }
        }
        if (is_word_end(c)) break;
        if (c == '\\') {
            if (pos_ + 1 >= s_.size()) return fail("backslash at the end of the line escapes nothing", pos_);
            if (peek(1) == '\n') {
                pos_ += 2;
                continue;
            }
            w.text += s_[pos_ + 1];
            w.quoted = true;
            pos_ += 2;
        } else if (c == '\'') {
            const size_t close = s_.find('\'', pos_ + 1);
            if (close == std::string_view::npos) return fail("unterminated single quote", pos_);
            w.text += std::string(s_.substr(pos_ + 1, close - pos_ - 1));
            w.quoted = true;
            pos_ = close + 1;
        } else if (c == '"') {
            if (!parse_double_quoted(depth, w)) return false;
        } else if (c == '$' && peek(1) == '\'') {
            if (!parse_ansi_c(w)) return false;
        } else if (c == '$') {
            if (!parse_dollar(depth, w)) return false;
        } else if (c == '`') {
            w.expands = true;
            if (!parse_backticks(depth, w.text)) return false;
        } else {
            if (c == '*' || c == '?' || c == '[') w.glob = true;
            if (c == '{' && brace_expansion_at(s_, pos_)) w.brace = true;
            w.text += c;
            ++pos_;
        }
    }
    w.start = abs(start);
    w.length = pos_ - start;
    return true;
}

bool Parser::parse_double_quoted(int depth, ShellWord& w) {
    const size_t open = pos_;
    ++pos_;
    w.quoted = true;
    while (true) {
        if (at_end()) return fail("unterminated double quote", open);
        const char c = s_[pos_];
        if (c == '"') {
            ++pos_;
            return true;
        }
        if (c == '\\' && pos_ + 1 < s_.size() &&
            std::string_view("$`\"\\\n").find(s_[pos_ + 1]) != std::string_view::npos) {
            if (s_[pos_ + 1] != '\n') w.text += s_[pos_ + 1];
            pos_ += 2;
        } else if (c == '$' && (peek(1) == '(' || peek(1) == '{' || is_name_char(peek(1)))) {
            if (!parse_dollar(depth, w)) return false;
        } else if (c == '`') {
            w.expands = true;
            if (!parse_backticks(depth, w.text)) return false;
        } else {
            w.text += c;
            ++pos_;
        }
    }
}

bool Parser::parse_ansi_c(ShellWord& w) {
    const size_t open = pos_;
    pos_ += 2;
    w.quoted = true;
    while (true) {
        if (at_end()) return fail("unterminated $'...' quote", open);
        const char c = s_[pos_];
        if (c == '\'') {
            ++pos_;
            return true;
        }
        if (c == '\\' && pos_ + 1 < s_.size()) {
            const char e = s_[pos_ + 1];
            w.text += e == 'n' ? '\n' : e == 't' ? '\t' : e;
            pos_ += 2;
            continue;
        }
        w.text += c;
        ++pos_;
    }
}

bool Parser::scan_expansions(int depth) {
    while (!at_end()) {
        const char c = s_[pos_];
        if (c == '\\') {
            pos_ = std::min(pos_ + 2, s_.size());
        } else if (c == '$' && (peek(1) == '(' || peek(1) == '{')) {
            ShellWord w;
            if (!parse_dollar(depth, w)) return false;
        } else if (c == '`') {
            std::string t;
            if (!parse_backticks(depth, t)) return false;
        } else {
            ++pos_;
        }
    }
    return finish();
}

}  // namespace sigma::domain::shell_detail
