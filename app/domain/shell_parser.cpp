// ShellParser: recursive descent over bytes (list -> pipeline -> command -> word) with a depth
// limit; this file holds lists, pipelines, simple commands, sudo, redirections and here-documents.
// Not a tokenizer-then-parser pair: substitutions are parsed in place so positions stay exact.
// Words, quotes and substitutions live in shell_parser_words.cpp, compound commands in
// shell_parser_compound.cpp.
#include "app/domain/shell_parser.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "app/domain/shell_parser_impl.h"

namespace sigma::domain {

bool ShellRedirection::writes() const { return !dup && op.find('>') != std::string::npos; }

const char* shell_op_text(ShellOp op) {
    switch (op) {
        case ShellOp::Pipe: return "|";
        case ShellOp::And: return "&&";
        case ShellOp::Or: return "||";
        case ShellOp::Seq: return ";";
        case ShellOp::Background: return "&";
        case ShellOp::None: break;
    }
    return "";
}

std::vector<std::string> SimpleCommand::argv() const {
    std::vector<std::string> out;
    if (!program.text.empty()) out.push_back(program.text);
    for (const ShellWord& w : args) out.push_back(w.text);
    return out;
}

size_t find_invalid_utf8(std::string_view t) {
    size_t i = 0;
    while (i < t.size()) {
        const auto c = static_cast<unsigned char>(t[i]);
        size_t n = 0;
        uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        }
        if ((c & 0xE0) == 0xC0) {
            n = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3;
            cp = c & 0x07;
        } else return i;
        for (size_t k = 1; k <= n; ++k) {
            if (i + k >= t.size()) return i;
            const auto cc = static_cast<unsigned char>(t[i + k]);
            if ((cc & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (cc & 0x3F);
        }
        // Overlong forms, surrogates and values past U+10FFFF are invalid too.
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += n + 1;
    }
    return std::string_view::npos;
}

namespace shell_detail {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
bool is_meta(char c) { return c == '|' || c == '&' || c == ';' || c == '(' || c == ')' || c == '<' || c == '>'; }
bool is_word_end(char c) { return is_blank(c) || c == '\n' || is_meta(c); }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

namespace {

bool is_keyword(const std::string& w) {
    static const std::array<const char*, 18> kKeywords = {"if",       "then",   "else", "elif", "fi",   "for",
                                                          "while",    "until",  "do",   "done", "case", "esac",
                                                          "function", "select", "{",    "}",    "[[",   "]]"};
    for (const char* k : kKeywords)
        if (w == k) return true;
    return false;
}

}  // namespace

bool Parser::is_closer(std::string_view w) {
    return w == "then" || w == "else" || w == "elif" || w == "fi" || w == "do" || w == "done" || w == "esac" ||
           w == "}";
}

bool Parser::fail(const std::string& msg, size_t p) {
    if (error_.empty()) {
        error_ = msg;
        error_pos_ = abs(std::min(p, s_.size()));
    }
    return false;
}

// Blanks, line continuations and comments; newlines too when `newlines` (each one starts the bodies
// of the here-documents written before it).
void Parser::skip_blanks(bool newlines) {
    while (!at_end()) {
        const char c = s_[pos_];
        if (is_blank(c)) ++pos_;
        else if (c == '\n' && newlines) newline();
        else if (c == '\\' && peek(1) == '\n') pos_ += 2;
        else if (c == '#') {
            while (!at_end() && s_[pos_] != '\n') ++pos_;
        } else break;
    }
}

void Parser::newline() {
    ++pos_;
    if (!pending_.empty()) read_heredocs();
}

// Reads the bodies of the pending here-documents, in the order their '<<' were written, from the
// line after the newline just consumed. An unterminated one is an error that ends the parse.
void Parser::read_heredocs() {
    std::vector<PendingHeredoc> pending;
    pending.swap(pending_);
    for (const PendingHeredoc& h : pending) {
        std::string body;
        const size_t body_begin = pos_;
        size_t body_end = pos_;
        bool closed = false;
        while (!at_end()) {
            const size_t eol = s_.find('\n', pos_);
            const size_t line_end = eol == std::string_view::npos ? s_.size() : eol;
            std::string_view line = s_.substr(pos_, line_end - pos_);
            if (h.strip_tabs)
                while (!line.empty() && line.front() == '\t') line.remove_prefix(1);
            const size_t line_begin = pos_;
            pos_ = eol == std::string_view::npos ? s_.size() : eol + 1;
            std::string_view bare = line;
            if (!bare.empty() && bare.back() == '\r') bare.remove_suffix(1);
            if (bare == h.delimiter) {
                body_end = line_begin;
                closed = true;
                break;
            }
            body.append(line);
            body += '\n';
        }
        if (!closed) {
            fail("here-document delimited by '" + h.delimiter + "' is not terminated", h.start - base_);
            pos_ = s_.size();
            return;
        }
        bodies_.emplace_back(h.start, std::move(body));
        if (h.expands && body_end > body_begin) {
            Parser sub(s_.substr(body_begin, body_end - body_begin), abs(body_begin), sink_);
            if (!sub.scan_expansions(h.depth)) {
                fail(sub.error(), sub.error_pos() - base_);
                pos_ = s_.size();
                return;
            }
        }
    }
}

bool Parser::finish() {
    if (failed()) return false;
    if (!pending_.empty())
        return fail("here-document delimited by '" + pending_.front().delimiter + "' is not terminated",
                    pending_.front().start - base_);
    if (bodies_.empty()) return true;
    // Bodies are read in the order of their '<<', so they are sorted by position.
    for (size_t i = first_; i < out_.size(); ++i) {
        for (ShellRedirection& r : out_[i].redirections) {
            if (!r.heredoc) continue;
            auto it =
                std::lower_bound(bodies_.begin(), bodies_.end(), r.start,
                                 [](const std::pair<size_t, std::string>& b, size_t key) { return b.first < key; });
            if (it != bodies_.end() && it->first == r.start) r.target = it->second;
        }
    }
    return true;
}

bool Parser::parse_top(int depth) {
    ListStop stop = ListStop::End;
    if (!parse_list(depth, false, top_count_, stop)) return false;
    if (!list_stopped_at_top(stop)) return false;
    return finish();
}

bool Parser::list_stopped_at_top(ListStop stop) {
    switch (stop) {
        case ListStop::End: return true;
        case ListStop::Paren: return fail("unexpected ')'", pos_);
        case ListStop::CaseEnd: return fail("';;' ends a case item; it is not valid outside 'case ... esac'", pos_);
        case ListStop::Keyword: return unexpected_closer(reserved_here(), pos_);
    }
    return false;
}

bool Parser::unexpected_closer(std::string_view kw, size_t p) {
    const std::string k(kw);
    if (kw == "then" || kw == "else" || kw == "elif" || kw == "fi")
        return fail("'" + k + "' without a matching 'if'", p);
    if (kw == "do" || kw == "done") return fail("'" + k + "' without a matching 'for', 'while' or 'until'", p);
    if (kw == "esac") return fail("'esac' without a matching 'case'", p);
    if (kw == "}") return fail("'}' without a matching '{'", p);
    if (kw == "]]") return fail("']]' without a matching '[['", p);
    return fail("unexpected '" + k + "'", p);
}

// The plain characters of the word at pos_ (up to the next blank or operator).
std::string_view Parser::word_here() const {
    size_t k = pos_;
    while (k < s_.size() && !is_word_end(s_[k])) ++k;
    return s_.substr(pos_, k - pos_);
}

// A reserved word at pos_ written plainly (no quotes) and ending there; empty otherwise.
std::string_view Parser::reserved_here() const {
    const std::string_view w = word_here();
    if (w.empty() || w.size() > 8) return {};
    return is_keyword(std::string(w)) ? w : std::string_view();
}

bool Parser::parse_list(int depth, bool in_case, size_t& count, ListStop& stop) {
    if (depth > kShellMaxDepth) return fail("nesting deeper than " + std::to_string(kShellMaxDepth) + " levels", pos_);
    count = 0;
    bool need_command = false;
    size_t op_pos = 0;
    std::string op_text;
    const auto stop_here = [&](ListStop s) {
        if (need_command) return fail("'" + op_text + "' is not followed by a command", op_pos);
        stop = s;
        return true;
    };
    while (true) {
        skip_blanks(true);
        if (failed()) return false;
        if (at_end()) return stop_here(ListStop::End);
        const char c = s_[pos_];
        if (c == ')') return stop_here(ListStop::Paren);
        if (c == ';' && (peek(1) == ';' || peek(1) == '&')) {
            if (in_case) return stop_here(ListStop::CaseEnd);
            if (peek(1) == ';') return fail("';;' ends a case item; it is not valid outside 'case ... esac'", pos_);
        }
        if (c == ';' || c == '|' || (c == '&' && peek(1) != '>'))
            return fail(std::string("expected a command before '") + c + "'", pos_);
        if (is_closer(reserved_here())) return stop_here(ListStop::Keyword);
        if (!parse_pipeline(depth)) return false;
        ++count;
        need_command = false;
        skip_blanks(false);
        if (at_end()) continue;
        const char d = s_[pos_];
        op_pos = pos_;
        ShellOp op = ShellOp::None;
        if (d == '&' && peek(1) == '&') {
            op = ShellOp::And;
            op_text = "&&";
            pos_ += 2;
            need_command = true;
        } else if (d == '|' && peek(1) == '|') {
            op = ShellOp::Or;
            op_text = "||";
            pos_ += 2;
            need_command = true;
        } else if (d == ';' && (peek(1) == ';' || peek(1) == '&') && in_case) continue;
        else if (d == ';' && peek(1) == ';')
            return fail("';;' ends a case item; it is not valid outside 'case ... esac'", pos_);
        else if (d == ';') {
            op = ShellOp::Seq;
            ++pos_;
        } else if (d == '&') {
            op = ShellOp::Background;
            ++pos_;
        } else if (d == '\n') {
            op = ShellOp::Seq;
            newline();
        } else if (d == ')') continue;
        else return fail(std::string("unexpected '") + d + "'", pos_);
        if (!out_.empty()) out_.back().next = op;
    }
}

bool Parser::in_substitution(size_t i) const {
    return i < sink_.in_substitution.size() && sink_.in_substitution[i] != 0;
}

void Parser::mark_substitution(size_t mark) {
    sink_.in_substitution.resize(out_.size(), 0);
    for (size_t i = mark; i < out_.size(); ++i) sink_.in_substitution[i] = 1;
}

bool Parser::parse_pipeline(int depth) {
    const size_t first = out_.size();
    bool from_pipe = false;
    while (true) {
        const size_t before = out_.size();
        bool compound = false;
        if (!parse_command(depth, compound)) return false;
        if (before < out_.size()) {
            // The first command appended at this level receives the pipe; nested ones keep their own.
            for (size_t i = before; i < out_.size(); ++i) {
                if (out_[i].depth == depth) {
                    out_[i].stdin_from_pipe = from_pipe;
                    out_[i].pipeline_first = first;
                    break;
                }
            }
            for (size_t i = before; i < out_.size(); ++i)
                if (out_[i].depth == depth) out_[i].pipeline_first = first;
            // Every command a compound command runs shares its stdin, so each one reads the pipe.
            if (compound && from_pipe) {
                for (size_t i = before; i < out_.size(); ++i) {
                    if (in_substitution(i)) continue;
                    out_[i].stdin_from_pipe = true;
                    out_[i].pipeline_first = first;
                }
            }
        }
        skip_blanks(false);
        if (!at_end() && s_[pos_] == '|' && peek(1) != '|') {
            const size_t bar = pos_;
            pos_ += (peek(1) == '&') ? 2 : 1;
            if (!out_.empty()) out_.back().next = ShellOp::Pipe;
            from_pipe = true;
            skip_blanks(true);
            if (failed()) return false;
            if (at_end() || s_[pos_] == '|' || s_[pos_] == ';' || s_[pos_] == ')' ||
                (s_[pos_] == '&' && peek(1) != '>'))
                return fail("'|' is not followed by a command", bar);
            continue;
        }
        return true;
    }
}

bool Parser::parse_command(int depth, bool& compound) {
    skip_blanks(false);
    if (compound_ahead()) {
        compound = true;
        return parse_compound(depth);
    }
    return parse_simple(depth);
}

bool Parser::parse_simple(int depth) {
    SimpleCommand cmd;
    cmd.depth = depth;
    cmd.start = abs(pos_);
    std::vector<ShellWord> words;
    size_t end = pos_;
    while (true) {
        skip_blanks(false);
        if (at_end()) break;
        const char c = s_[pos_];
        if (redirection_here()) {
            ShellRedirection r;
            if (!parse_redirection(depth, r)) return false;
            cmd.redirections.push_back(std::move(r));
            end = pos_;
            continue;
        }
        if (c == '(') {
            // name() compound-command: a function definition.
            if (words.size() == 1 && cmd.env.empty() && cmd.redirections.empty() && !words[0].quoted &&
                !words[0].expands && !is_keyword(words[0].text)) {
                const size_t open = pos_;
                ++pos_;
                skip_blanks(false);
                if (at_end() || s_[pos_] != ')') return fail("')' expected after '" + words[0].text + "('", open);
                ++pos_;
                skip_blanks(true);
                if (failed()) return false;
                return parse_function_body(depth, words[0].text, words[0].start - base_);
            }
            return fail("unexpected '(' inside a command", pos_);
        }
        const bool proc_subst = (c == '<' || c == '>') && peek(1) == '(';
        if (!proc_subst && (is_meta(c) || c == '\n')) break;
        ShellWord w;
        if (!parse_word(depth, w)) return false;
        const std::string raw(s_.substr(w.start - base_, w.length));
        if (words.empty() && is_assignment(raw)) {  // the raw text: NAME= is unquoted, the value may be quoted
            const size_t eq = w.text.find('=');
            cmd.env.emplace_back(w.text.substr(0, eq), w.text.substr(eq + 1));
        } else {
            words.push_back(std::move(w));
        }
        end = pos_;
    }
    cmd.length = abs(end) - cmd.start;
    if (words.empty() && cmd.env.empty() && cmd.redirections.empty()) return fail("expected a command", pos_);
    size_t i = 0;
    if (i < words.size() && words[i].text == "!" && !words[i].quoted) ++i;  // pipeline negation
    if (i < words.size() && !words[i].quoted && is_keyword(words[i].text)) {
        const std::string& k = words[i].text;
        const size_t at = words[i].start - base_;
        if (is_closer(k) || k == "]]") return unexpected_closer(k, at);
        return fail("'" + k + "' must start the command; it cannot follow assignments, redirections or '!'", at);
    }
    if (i < words.size() && words[i].text == "sudo") {
        const size_t sudo_index = i++;
        if (!parse_sudo(words, i, cmd)) return false;
        while (i < words.size() && is_assignment(std::string(s_.substr(words[i].start - base_, words[i].length)))) {
            const size_t eq = words[i].text.find('=');
            cmd.env.emplace_back(words[i].text.substr(0, eq), words[i].text.substr(eq + 1));
            ++i;
        }
        if (i >= words.size()) {
            // `sudo -i`, `sudo -s`: an interactive root shell; the program is sudo itself.
            cmd.program = words[sudo_index];
            cmd.args = cmd.sudo_args;
            cmd.sudo = true;
            out_.push_back(std::move(cmd));
            return true;
        }
        cmd.sudo = true;
    }
    if (i < words.size()) {
        cmd.program = words[i++];
        for (; i < words.size(); ++i) cmd.args.push_back(std::move(words[i]));
    }
    out_.push_back(std::move(cmd));
    return true;
}

bool Parser::is_assignment(const std::string& raw) {
    const size_t eq = raw.find('=');
    if (eq == std::string::npos || eq == 0) return false;
    if (std::isdigit(static_cast<unsigned char>(raw[0]))) return false;
    for (size_t k = 0; k < eq; ++k)
        if (!is_name_char(raw[k])) return false;
    return true;
}

// sudo's own options; leaves `i` at the first word of the command it runs.
bool Parser::parse_sudo(const std::vector<ShellWord>& words, size_t& i, SimpleCommand& cmd) {
    static const std::string kShortWithArg = "ugCDprtTUh";
    static const std::array<const char*, 10> kLongWithArg = {
        "--user", "--group", "--chdir", "--prompt",          "--close-from",
        "--host", "--role",  "--type",  "--command-timeout", "--other-user"};
    while (i < words.size()) {
        const std::string& t = words[i].text;
        if (t.size() < 2 || t[0] != '-') break;
        cmd.sudo_args.push_back(words[i]);
        if (t == "--") {
            ++i;
            break;
        }
        if (t.rfind("--", 0) == 0) {
            const size_t eq = t.find('=');
            const std::string name = t.substr(0, eq);
            if (name == "--user" && eq != std::string::npos) cmd.sudo_user = t.substr(eq + 1);
            bool takes = false;
            for (const char* l : kLongWithArg) takes = takes || name == l;
            ++i;
            if (takes && eq == std::string::npos) {
                if (i >= words.size())
                    return fail("sudo option " + name + " needs a value", words[i - 1].start - base_);
                if (name == "--user") cmd.sudo_user = words[i].text;
                cmd.sudo_args.push_back(words[i]);
                ++i;
            }
            continue;
        }
        ++i;
        for (size_t k = 1; k < t.size(); ++k) {
            const char o = t[k];
            // -h alone is help; -h HOST only when a value follows in the same word.
            if (kShortWithArg.find(o) == std::string::npos || (o == 'h' && k + 1 == t.size())) continue;
            std::string value;
            if (k + 1 < t.size()) {
                value = t.substr(k + 1);
            } else {
                if (i >= words.size())
                    return fail(std::string("sudo option -") + o + " needs a value", words[i - 1].start - base_);
                value = words[i].text;
                cmd.sudo_args.push_back(words[i]);
                ++i;
            }
            if (o == 'u') cmd.sudo_user = value;
            break;
        }
    }
    return true;
}

bool Parser::redirection_here() const {
    size_t k = pos_;
    while (k < s_.size() && std::isdigit(static_cast<unsigned char>(s_[k]))) ++k;
    if (k < s_.size() && (s_[k] == '>' || s_[k] == '<')) {
        // Process substitution <( ) / >( ) is a word, not a redirection.
        if (k == pos_ && k + 1 < s_.size() && s_[k + 1] == '(') return false;
        return true;
    }
    return k == pos_ && k < s_.size() && s_[k] == '&' && k + 1 < s_.size() && s_[k + 1] == '>';
}

bool Parser::parse_redirection(int depth, ShellRedirection& r) {
    const size_t start = pos_;
    bool strip_tabs = false;
    while (!at_end() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    if (s_[pos_] == '&') {
        pos_ += 2;  // &>
        if (!at_end() && s_[pos_] == '>') ++pos_;
    } else if (s_[pos_] == '>') {
        ++pos_;
        if (!at_end() && (s_[pos_] == '>' || s_[pos_] == '|')) ++pos_;
        else if (!at_end() && s_[pos_] == '&') {
            ++pos_;
            r.dup = true;
        }
    } else {  // '<'
        ++pos_;
        if (!at_end() && s_[pos_] == '<') {
            if (peek(1) == '<') {
                pos_ += 2;  // <<< here-string
            } else {
                ++pos_;
                r.heredoc = true;
                if (!at_end() && s_[pos_] == '-') {
                    ++pos_;
                    strip_tabs = true;
                }
            }
        } else if (!at_end() && s_[pos_] == '&') {
            ++pos_;
            r.dup = true;
        } else if (!at_end() && s_[pos_] == '>') ++pos_;
    }
    r.op = std::string(s_.substr(start, pos_ - start));
    r.start = abs(start);
    if (r.heredoc) {
        skip_blanks(false);
        if (at_end() || is_meta(s_[pos_]) || s_[pos_] == '\n')
            return fail("here-document '" + r.op + "' has no delimiter word", start);
        std::string delimiter;
        bool quoted = false;
        if (!read_delimiter(delimiter, quoted)) return false;
        r.length = abs(pos_) - r.start;
        pending_.push_back({std::move(delimiter), strip_tabs, !quoted, r.start, depth});
        return true;
    }
    if (r.dup) {
        size_t k = pos_;
        while (k < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[k])) || s_[k] == '-')) ++k;
        if (k > pos_ && (k == s_.size() || is_word_end(s_[k]))) {
            r.target = std::string(s_.substr(pos_, k - pos_));
            pos_ = k;
            r.length = abs(pos_) - r.start;
            return true;
        }
        r.dup = false;  // `>& file` writes stdout and stderr to a file
    }
    skip_blanks(false);
    const bool proc_subst = !at_end() && (s_[pos_] == '<' || s_[pos_] == '>') && peek(1) == '(';
    if (at_end() || (is_meta(s_[pos_]) && !proc_subst) || s_[pos_] == '\n')
        return fail("redirection '" + r.op + "' has no target", start);
    ShellWord w;
    if (!parse_word(depth, w)) return false;
    r.target = w.text;
    r.length = abs(pos_) - r.start;
    return true;
}

// A here-document delimiter after quote removal; any quoting turns off expansion in the body.
bool Parser::read_delimiter(std::string& text, bool& quoted) {
    while (!at_end() && !is_word_end(s_[pos_])) {
        const char c = s_[pos_];
        if (c == '\\') {
            if (pos_ + 1 >= s_.size()) return fail("backslash at the end of the line escapes nothing", pos_);
            text += s_[pos_ + 1];
            quoted = true;
            pos_ += 2;
        } else if (c == '\'' || c == '"') {
            const size_t close = s_.find(c, pos_ + 1);
            if (close == std::string_view::npos)
                return fail(c == '\'' ? "unterminated single quote" : "unterminated double quote", pos_);
            text += std::string(s_.substr(pos_ + 1, close - pos_ - 1));
            quoted = true;
            pos_ = close + 1;
        } else {
            text += c;
            ++pos_;
        }
    }
    return true;
}

}  // namespace shell_detail

ShellParseResult parse_shell(std::string_view line) {
    ShellParseResult r;
    if (line.size() > kShellMaxInputBytes) {
        r.error = "command is too long (" + std::to_string(line.size()) + " bytes; the limit is " +
                  std::to_string(kShellMaxInputBytes) + ")";
        r.error_pos = kShellMaxInputBytes;
        return r;
    }
    const size_t nul = line.find('\0');
    if (nul != std::string_view::npos) {
        r.error = "NUL byte in the command";
        r.error_pos = nul;
        return r;
    }
    const size_t bad = find_invalid_utf8(line);
    if (bad != std::string_view::npos) {
        r.error = "invalid UTF-8";
        r.error_pos = bad;
        return r;
    }
    shell_detail::Sink sink{r.commands, r.loops, {}, 0};
    shell_detail::Parser p(line, 0, sink);
    if (!p.parse_top(0)) {
        r.error = p.error();
        r.error_pos = p.error_pos();
        r.commands.clear();
        r.loops.clear();
        return r;
    }
    if (p.top_count() == 0) {
        r.error = "empty command";
        r.error_pos = 0;
        return r;
    }
    r.ok = true;
    return r;
}

}  // namespace sigma::domain
