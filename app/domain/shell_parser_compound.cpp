// ShellParser, compound commands: ( ), { }, if, for (both forms), select, while, until, case, [[ ]],
// (( )) and function definitions, with the loops they form. Not an evaluator: a loop is judged
// unbounded only from a condition that is constant as written (while true, until false, for ((;;))).
#include <algorithm>
#include <cctype>

#include "app/domain/shell_parser_impl.h"

namespace sigma::domain::shell_detail {

namespace {

bool starts_compound(std::string_view w) {
    return w == "{" || w == "[[" || w == "if" || w == "for" || w == "select" || w == "while" || w == "until" ||
           w == "case" || w == "function";
}

std::string_view trim(std::string_view t) {
    while (!t.empty() && (is_blank(t.front()) || t.front() == '\n')) t.remove_prefix(1);
    while (!t.empty() && (is_blank(t.back()) || t.back() == '\n')) t.remove_suffix(1);
    return t;
}

// +1 for a nonzero integer constant, -1 for zero, 0 for anything else.
int constant_value(std::string_view t) {
    t = trim(t);
    if (t.empty()) return 0;
    bool nonzero = false;
    for (char c : t) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return 0;
        nonzero = nonzero || c != '0';
    }
    return nonzero ? 1 : -1;
}

}  // namespace

bool Parser::compound_ahead() const {
    size_t k = pos_;
    const auto word_at = [&](size_t j) {
        size_t e = j;
        while (e < s_.size() && !is_word_end(s_[e])) ++e;
        return s_.substr(j, e - j);
    };
    // `! compound`: the negation is skipped here and in parse_compound.
    if (k < s_.size() && s_[k] == '!' && k + 1 < s_.size() && is_blank(s_[k + 1])) {
        ++k;
        while (k < s_.size() && is_blank(s_[k])) ++k;
    }
    if (k >= s_.size()) return false;
    if (s_[k] == '(') return true;
    return starts_compound(word_at(k));
}

bool Parser::consume_reserved(std::string_view kw) {
    if (word_here() != kw) return false;
    pos_ += kw.size();
    return true;
}

bool Parser::parse_body(int depth, bool in_case, size_t& count, ListStop& stop) {
    return parse_list(depth + 1, in_case, count, stop);
}

// The list stopped somewhere other than `kw`: names what was found instead.
bool Parser::expect(std::string_view kw, const std::string& what, size_t open, ListStop stop) {
    const std::string k(kw);
    switch (stop) {
        case ListStop::End: return fail("unterminated " + what + ": '" + k + "' expected", open);
        case ListStop::Paren: return fail("unexpected ')' inside " + what + ": '" + k + "' expected", pos_);
        case ListStop::CaseEnd: return fail("';;' outside a case item: '" + k + "' expected", pos_);
        case ListStop::Keyword: break;
    }
    return fail("'" + std::string(reserved_here()) + "' where '" + k + "' was expected for " + what, pos_);
}

bool Parser::parse_compound(int depth) {
    const size_t mark = out_.size();
    if (s_[pos_] == '!') {
        ++pos_;
        skip_blanks(false);
    }
    std::string closing;
    bool ok = false;
    if (s_[pos_] == '(') {
        if (peek(1) == '(' && arith_ahead(pos_ + 2)) {
            ok = parse_arith_command(depth);
            closing = "))";
        } else {
            ok = parse_subshell(depth);
            closing = ")";
        }
    } else {
        const std::string_view kw = word_here();
        if (kw == "{") {
            ok = parse_group(depth);
            closing = "}";
        } else if (kw == "[[") {
            ok = parse_test(depth);
            closing = "]]";
        } else if (kw == "if") {
            ok = parse_if(depth);
            closing = "fi";
        } else if (kw == "for" || kw == "select") {
            ok = parse_for(depth);
            closing = "done";
        } else if (kw == "while" || kw == "until") {
            ok = parse_while(depth);
            closing = "done";
        } else if (kw == "case") {
            ok = parse_case(depth);
            closing = "esac";
        } else if (kw == "function") return parse_function(depth);
        else return fail("expected a command", pos_);
    }
    if (!ok) return false;
    return compound_tail(depth, mark, closing);
}

// Redirections after a compound command apply to every command it runs: they are copied onto each
// (not onto substitutions, whose output goes into a word). Then only an operator may follow.
bool Parser::compound_tail(int depth, size_t mark, const std::string& closing) {
    const size_t end = out_.size();
    std::vector<ShellRedirection> redirections;
    while (true) {
        skip_blanks(false);
        if (at_end() || !redirection_here()) break;
        ShellRedirection r;
        if (!parse_redirection(depth, r)) return false;
        r.inherited = true;
        redirections.push_back(std::move(r));
    }
    skip_blanks(false);
    if (!at_end() && !is_meta(s_[pos_]) && s_[pos_] != '\n')
        return fail("unexpected word '" + std::string(word_here()) + "' after '" + closing + "'", pos_);
    if (redirections.empty()) return true;
    for (size_t i = mark; i < end; ++i) {
        if (in_substitution(i)) continue;
        sink_.copied_redirections += redirections.size();
        if (sink_.copied_redirections > kShellMaxCopiedRedirections)
            return fail("too many redirections on nested compound commands to track",
                        redirections.front().start - base_);
        for (const ShellRedirection& r : redirections) out_[i].redirections.push_back(r);
    }
    return true;
}

bool Parser::parse_subshell(int depth) {
    const size_t open = pos_;
    ++pos_;
    size_t count = 0;
    ListStop stop = ListStop::End;
    if (!parse_body(depth, false, count, stop)) return false;
    if (stop == ListStop::End) return fail("missing ')' to close the '(' here", open);
    if (stop != ListStop::Paren) return expect(")", "the '(' subshell", open, stop);
    ++pos_;
    if (count == 0) return fail("empty subshell '( )'", open);
    return true;
}

bool Parser::parse_group(int depth) {
    const size_t open = pos_;
    ++pos_;
    size_t count = 0;
    ListStop stop = ListStop::End;
    if (!parse_body(depth, false, count, stop)) return false;
    if (stop != ListStop::Keyword || reserved_here() != "}") return expect("}", "'{'", open, stop);
    if (count == 0) return fail("empty group '{ }'", open);
    ++pos_;
    return true;
}

bool Parser::parse_if(int depth) {
    const size_t open = pos_;
    pos_ += 2;
    size_t count = 0;
    ListStop stop = ListStop::End;
    std::string branch = "if";
    while (true) {
        // Condition, then its branch.
        if (!parse_body(depth, false, count, stop)) return false;
        if (stop != ListStop::Keyword || reserved_here() != "then")
            return expect("then", "'" + branch + "'", open, stop);
        if (count == 0) return fail("'" + branch + "' needs a condition before 'then'", pos_);
        pos_ += 4;
        if (!parse_body(depth, false, count, stop)) return false;
        if (stop != ListStop::Keyword) return expect("fi", "'if'", open, stop);
        if (count == 0) return fail("empty 'then' branch", pos_);
        const std::string_view kw = reserved_here();
        if (kw == "elif") {
            pos_ += 4;
            branch = "elif";
            continue;
        }
        if (kw == "else") {
            pos_ += 4;
            if (!parse_body(depth, false, count, stop)) return false;
            if (stop != ListStop::Keyword || reserved_here() != "fi") return expect("fi", "'if'", open, stop);
            if (count == 0) return fail("empty 'else' branch", pos_);
        }
        if (reserved_here() != "fi") return expect("fi", "'if'", open, stop);
        pos_ += 2;
        return true;
    }
}

bool Parser::parse_for(int depth) {
    const size_t open = pos_;
    const std::string kw(word_here());
    pos_ += kw.size();
    const size_t loop = sink_.loops.size();
    sink_.loops.push_back(ShellLoop{kw, false, false, abs(open), 0, {}, {}});
    skip_blanks(false);
    std::string after;
    if (kw == "for" && !at_end() && s_[pos_] == '(' && peek(1) == '(') {
        // for ((init; condition; step)): no condition means forever.
        const size_t arith = pos_;
        pos_ += 2;
        if (!parse_arith(depth + 1, arith, false)) return false;
        const std::string_view expr = s_.substr(arith + 2, pos_ - 2 - arith - 2);
        std::vector<std::string_view> parts;
        int level = 0;
        size_t from = 0;
        for (size_t k = 0; k < expr.size(); ++k) {
            if (expr[k] == '(') ++level;
            else if (expr[k] == ')') --level;
            else if (expr[k] == ';' && level == 0) {
                parts.push_back(expr.substr(from, k - from));
                from = k + 1;
            }
        }
        parts.push_back(expr.substr(from));
        if (parts.size() != 3)
            return fail("'for ((' needs three expressions separated by ';': for ((init; condition; step))", arith);
        sink_.loops[loop].unbounded = trim(parts[1]).empty() || constant_value(parts[1]) > 0;
        after = "after 'for ((...))'";
        skip_blanks(false);
        if (!at_end() && s_[pos_] == ';') ++pos_;
    } else {
        const std::string_view name = word_here();
        bool valid = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
        for (char c : name) valid = valid && is_name_char(c);
        if (!valid) {
            if (at_end()) return fail("unterminated '" + kw + "': a variable name expected", open);
            return fail("'" + kw + "' needs a variable name, not '" + std::string(name) + "'", pos_);
        }
        pos_ += name.size();
        sink_.loops[loop].variable = std::string(name);
        after = "after '" + kw + " NAME in ...'";
        skip_blanks(false);
        if (!at_end() && s_[pos_] == ';') {
            ++pos_;
        } else {
            skip_blanks(true);
            if (failed()) return false;
            if (word_here() == "in") {
                pos_ += 2;
                // The words to loop over; reserved words here are ordinary words.
                while (true) {
                    skip_blanks(false);
                    if (at_end()) return fail("unterminated '" + kw + "': 'do' expected " + after, open);
                    const char c = s_[pos_];
                    if (c == ';') {
                        ++pos_;
                        break;
                    }
                    if (c == '\n') break;
                    const bool proc_subst = (c == '<' || c == '>') && peek(1) == '(';
                    if (is_meta(c) && !proc_subst) return fail("'do' expected " + after + ", found '" + c + "'", pos_);
                    ShellWord w;
                    if (!parse_word(depth, w)) return false;
                    sink_.loops[loop].words.push_back(std::move(w));
                }
            }
        }
    }
    skip_blanks(true);
    if (failed()) return false;
    return parse_do_group(depth, loop, after);
}

bool Parser::parse_while(int depth) {
    const size_t open = pos_;
    const std::string kw(word_here());
    pos_ += kw.size();
    const size_t loop = sink_.loops.size();
    sink_.loops.push_back(ShellLoop{kw, false, false, abs(open), 0, {}, {}});
    const size_t mark = out_.size();
    size_t count = 0;
    ListStop stop = ListStop::End;
    if (!parse_body(depth, false, count, stop)) return false;
    if (stop != ListStop::Keyword || reserved_here() != "do") return expect("do", "'" + kw + "'", open, stop);
    if (count == 0) return fail("'" + kw + "' needs a condition before 'do'", pos_);
    // A condition made only of commands that always succeed (while) or always fail (until).
    const int wanted = kw == "while" ? 1 : -1;
    bool constant = true;
    for (size_t i = mark; i < out_.size() && constant; ++i)
        if (!in_substitution(i)) constant = condition_value(i) == wanted;
    sink_.loops[loop].unbounded = constant;
    return parse_do_group(depth, loop, "after '" + kw + " LIST'");
}

// do LIST done (or { LIST } after for/select); records the loop's extent and exits.
bool Parser::parse_do_group(int depth, size_t loop, const std::string& after) {
    const std::string kw = sink_.loops[loop].keyword;
    const size_t open = sink_.loops[loop].start - base_;
    const size_t mark = out_.size();
    if (at_end()) return fail("unterminated '" + kw + "': 'do' expected " + after, open);
    if (consume_reserved("do")) {
        size_t count = 0;
        ListStop stop = ListStop::End;
        if (!parse_body(depth, false, count, stop)) return false;
        if (stop != ListStop::Keyword || reserved_here() != "done") return expect("done", "'" + kw + "'", open, stop);
        if (count == 0) return fail("empty loop body between 'do' and 'done'", pos_);
        pos_ += 4;
    } else if ((kw == "for" || kw == "select") && reserved_here() == "{") {
        if (!parse_group(depth)) return false;
    } else {
        return fail("'do' expected " + after, pos_);
    }
    sink_.loops[loop].length = abs(pos_) - sink_.loops[loop].start;
    note_loop_exits(loop, mark);
    return true;
}

void Parser::note_loop_exits(size_t loop, size_t mark) {
    for (size_t i = mark; i < out_.size(); ++i) {
        const std::string& p = out_[i].program.text;
        if (p == "break" || p == "exit" || p == "return") sink_.loops[loop].break_seen = true;
    }
}

// +1: the command always succeeds as written; -1: it always fails; 0: it depends.
int Parser::condition_value(size_t index) const {
    const SimpleCommand& c = out_[index];
    const size_t at = c.start - base_;
    const bool negated = at < s_.size() && s_[at] == '!';
    const std::string& p = c.program.text;
    int v = 0;
    if (p == "true" || p == ":" || p == "/bin/true" || p == "/usr/bin/true") v = 1;
    else if (p == "false" || p == "/bin/false" || p == "/usr/bin/false") v = -1;
    else if (p == "sleep" && !c.args.empty()) v = 1;  // only a signal ends it early
    else if (p == "((" && c.args.size() == 1) v = constant_value(c.args[0].text);
    else if (p == "[" || p == "test" || p == "[[") {
        // One literal operand: true when non-empty ([ 1 ], [ true ], [[ x ]]).
        size_t n = c.args.size();
        if (p != "test" && n > 0 && (c.args[n - 1].text == "]" || c.args[n - 1].text == "]]")) --n;
        if (p == "[[") n = c.args.size();
        if (n == 1 && !c.args[0].expands) v = c.args[0].text.empty() ? -1 : 1;
    }
    return negated ? -v : v;
}

bool Parser::parse_case(int depth) {
    const size_t open = pos_;
    pos_ += 4;
    skip_blanks(false);
    if (at_end() || is_meta(s_[pos_]) || s_[pos_] == '\n') return fail("'case' needs a word to match", pos_);
    ShellWord subject;
    if (!parse_word(depth, subject)) return false;
    skip_blanks(true);
    if (failed()) return false;
    if (!consume_reserved("in")) {
        if (at_end()) return fail("unterminated 'case': 'in' expected after 'case WORD'", open);
        return fail("'in' expected after 'case WORD'", pos_);
    }
    while (true) {
        skip_blanks(true);
        if (failed()) return false;
        if (at_end()) return fail("unterminated 'case': 'esac' expected", open);
        if (consume_reserved("esac")) return true;
        if (s_[pos_] == '(') ++pos_;
        // pattern | pattern )
        while (true) {
            skip_blanks(false);
            if (at_end()) return fail("unterminated 'case': 'esac' expected", open);
            const char c = s_[pos_];
            if (is_meta(c) || c == '\n')
                return fail(std::string("case pattern expected before '") +
                                (c == '\n' ? std::string("newline") : std::string(1, c)) + "'",
                            pos_);
            ShellWord pattern;
            if (!parse_word(depth, pattern)) return false;
            skip_blanks(false);
            if (at_end()) return fail("unterminated 'case': ')' expected after the pattern", open);
            if (s_[pos_] == '|') {
                ++pos_;
                continue;
            }
            if (s_[pos_] == ')') {
                ++pos_;
                break;
            }
            return fail("')' expected after the case pattern", pos_);
        }
        size_t count = 0;
        ListStop stop = ListStop::End;
        if (!parse_body(depth, true, count, stop)) return false;
        if (stop == ListStop::CaseEnd) {
            pos_ += (peek(1) == ';' && peek(2) == '&') ? 3 : 2;  // ;;& or ;; or ;&
            continue;
        }
        if (stop == ListStop::Keyword && reserved_here() == "esac") {
            pos_ += 4;
            return true;
        }
        return expect("esac", "'case'", open, stop);
    }
}

// [[ EXPR ]]: one command, program "[[", the words up to "]]" as args. Inside, && || ( ) < > are
// operators of the test (words here), not of the shell; < and > do not redirect.
bool Parser::parse_test(int depth) {
    const size_t open = pos_;
    SimpleCommand cmd;
    cmd.depth = depth;
    cmd.start = abs(open);
    cmd.program.text = "[[";
    cmd.program.start = abs(open);
    cmd.program.length = 2;
    pos_ += 2;
    bool regex_next = false;
    while (true) {
        skip_blanks(true);
        if (failed()) return false;
        if (at_end()) return fail("unterminated '[[': ']]' expected", open);
        const char c = s_[pos_];
        if (c == ']' && peek(1) == ']' && (pos_ + 2 >= s_.size() || is_word_end(s_[pos_ + 2]))) {
            pos_ += 2;
            break;
        }
        ShellWord w;
        w.start = abs(pos_);
        if ((c == '&' && peek(1) == '&') || (c == '|' && peek(1) == '|')) {
            w.text = std::string(s_.substr(pos_, 2));
            w.length = 2;
            pos_ += 2;
        } else if (c == '(' || c == ')' || c == '<' || c == '>') {
            w.text = std::string(1, c);
            w.length = 1;
            ++pos_;
        } else if (c == ';' || c == '|' || c == '&') {
            return fail(std::string("'") + c + "' is not valid inside '[[ ]]'", pos_);
        } else if (!parse_word(depth, w, regex_next)) {
            return false;
        }
        regex_next = w.text == "=~" && !w.quoted;
        cmd.args.push_back(std::move(w));
    }
    if (cmd.args.empty()) return fail("empty test '[[ ]]'", open);
    cmd.length = abs(pos_) - cmd.start;
    out_.push_back(std::move(cmd));
    return true;
}

// (( EXPR )): one command, program "((", the expression (trimmed) as its one arg.
bool Parser::parse_arith_command(int depth) {
    const size_t open = pos_;
    pos_ += 2;
    if (!parse_arith(depth + 1, open, false)) return false;
    const size_t inner_begin = open + 2;
    const size_t inner_end = pos_ - 2;
    size_t b = inner_begin;
    size_t e = inner_end;
    while (b < e && (is_blank(s_[b]) || s_[b] == '\n')) ++b;
    while (e > b && (is_blank(s_[e - 1]) || s_[e - 1] == '\n')) --e;
    SimpleCommand cmd;
    cmd.depth = depth;
    cmd.start = abs(open);
    cmd.length = pos_ - open;
    cmd.program.text = "((";
    cmd.program.start = abs(open);
    cmd.program.length = 2;
    ShellWord expr;
    expr.text = std::string(s_.substr(b, e - b));
    expr.start = abs(b);
    expr.length = e - b;
    expr.expands = expr.text.find_first_of("$`") != std::string::npos;
    cmd.args.push_back(std::move(expr));
    out_.push_back(std::move(cmd));
    return true;
}

// function NAME [()] compound-command
bool Parser::parse_function(int depth) {
    const size_t start = pos_;
    pos_ += 8;
    skip_blanks(false);
    const std::string name(word_here());
    if (name.empty() || is_closer(name) || name == "{" || name == "(")
        return fail("'function' needs a name", at_end() ? start : pos_);
    if (name.find_first_of("'\"`$\\") != std::string::npos) return fail("invalid function name '" + name + "'", pos_);
    pos_ += name.size();
    skip_blanks(false);
    if (!at_end() && s_[pos_] == '(') {
        const size_t open = pos_;
        ++pos_;
        skip_blanks(false);
        if (at_end() || s_[pos_] != ')') return fail("')' expected after 'function " + name + " ('", open);
        ++pos_;
    }
    skip_blanks(true);
    if (failed()) return false;
    return parse_function_body(depth, name, start);
}

// The body runs only when the function is called; its commands are listed all the same, so a
// definition is judged by what it would do.
bool Parser::parse_function_body(int depth, const std::string& name, size_t start) {
    if (at_end()) return fail("unterminated function '" + name + "': a body such as '{ ...; }' expected", start);
    if (!compound_ahead() || s_[pos_] == '!')
        return fail("function '" + name + "' needs a compound command as its body, such as '{ ...; }'", pos_);
    return parse_compound(depth);
}

}  // namespace sigma::domain::shell_detail
