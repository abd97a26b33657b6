// ShellParser: recursive descent over bytes (list -> pipeline -> command -> word) with a depth
// limit. Not a tokenizer-then-parser pair: substitutions are parsed in place so positions stay exact.
#include "app/domain/shell_parser.h"

#include <array>
#include <cctype>

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
        if (c < 0x80) { ++i; continue; }
        if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; }
        else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; }
        else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; }
        else return i;
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

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
bool is_meta(char c) { return c == '|' || c == '&' || c == ';' || c == '(' || c == ')' || c == '<' || c == '>'; }
bool is_word_end(char c) { return is_blank(c) || c == '\n' || is_meta(c); }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

bool is_keyword(const std::string& w) {
    static const std::array<const char*, 18> kKeywords = {"if",   "then", "else", "elif",   "fi", "for",
                                                          "while", "until", "do",  "done",  "case", "esac",
                                                          "function", "select", "{", "}", "[[", "]]"};
    for (const char* k : kKeywords)
        if (w == k) return true;
    return false;
}

class Parser {
public:
    Parser(std::string_view text, size_t base, std::vector<SimpleCommand>& out) : s_(text), base_(base), out_(out) {}

    // Parses a list up to end of input (closer 0) or an unmatched ')' (closer ')').
    bool parse_list(int depth, char closer, size_t open_pos) {
        if (depth > kShellMaxDepth) return fail("nesting deeper than " + std::to_string(kShellMaxDepth) + " levels", pos_);
        bool need_command = false;
        size_t op_pos = 0;
        std::string op_text;
        while (true) {
            skip_blanks(true);
            if (at_end()) {
                if (closer) return fail("missing ')' to close the '(' here", open_pos);
                if (need_command) return fail("'" + op_text + "' is not followed by a command", op_pos);
                return true;
            }
            const char c = s_[pos_];
            if (c == ')') {
                if (!closer) return fail("unexpected ')'", pos_);
                if (need_command) return fail("'" + op_text + "' is not followed by a command", op_pos);
                return true;
            }
            if (c == ';' || c == '|' || (c == '&' && peek(1) != '>'))
                return fail(std::string("expected a command before '") + c + "'", pos_);
            if (!parse_pipeline(depth)) return false;
            need_command = false;
            skip_blanks(false);
            if (at_end()) continue;
            const char d = s_[pos_];
            op_pos = pos_;
            ShellOp op = ShellOp::None;
            if (d == '&' && peek(1) == '&') { op = ShellOp::And; op_text = "&&"; pos_ += 2; need_command = true; }
            else if (d == '|' && peek(1) == '|') { op = ShellOp::Or; op_text = "||"; pos_ += 2; need_command = true; }
            else if (d == ';' && peek(1) == ';') return fail("';;' is only valid inside case, which is not supported", pos_);
            else if (d == ';') { op = ShellOp::Seq; ++pos_; }
            else if (d == '&') { op = ShellOp::Background; ++pos_; }
            else if (d == '\n') { op = ShellOp::Seq; ++pos_; }
            else if (d == ')') continue;
            else return fail(std::string("unexpected '") + d + "'", pos_);
            if (!out_.empty()) out_.back().next = op;
        }
    }

    bool failed() const { return !error_.empty(); }
    const std::string& error() const { return error_; }
    size_t error_pos() const { return error_pos_; }
    size_t pos() const { return pos_; }

private:
    bool at_end() const { return pos_ >= s_.size(); }
    char peek(size_t k) const { return pos_ + k < s_.size() ? s_[pos_ + k] : '\0'; }
    size_t abs(size_t p) const { return base_ + p; }

    bool fail(const std::string& msg, size_t p) {
        if (error_.empty()) {
            error_ = msg;
            error_pos_ = abs(p);
        }
        return false;
    }

    // Blanks, line continuations and comments; newlines too when `newlines`.
    void skip_blanks(bool newlines) {
        while (!at_end()) {
            const char c = s_[pos_];
            if (is_blank(c) || (newlines && c == '\n')) ++pos_;
            else if (c == '\\' && peek(1) == '\n') pos_ += 2;
            else if (c == '#') {
                while (!at_end() && s_[pos_] != '\n') ++pos_;
            } else break;
        }
    }

    bool parse_pipeline(int depth) {
        const size_t first = out_.size();
        bool from_pipe = false;
        while (true) {
            const size_t before = out_.size();
            if (!parse_command(depth)) return false;
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
            }
            skip_blanks(false);
            if (!at_end() && s_[pos_] == '|' && peek(1) != '|') {
                const size_t bar = pos_;
                pos_ += (peek(1) == '&') ? 2 : 1;
                if (!out_.empty()) out_.back().next = ShellOp::Pipe;
                from_pipe = true;
                skip_blanks(true);
                if (at_end() || s_[pos_] == '|' || s_[pos_] == ';' || s_[pos_] == ')' ||
                    (s_[pos_] == '&' && peek(1) != '>'))
                    return fail("'|' is not followed by a command", bar);
                continue;
            }
            return true;
        }
    }

    bool parse_command(int depth) {
        skip_blanks(false);
        if (!at_end() && s_[pos_] == '(') {
            if (peek(1) == '(') return fail("arithmetic commands '((' are not supported", pos_);
            const size_t open = pos_;
            ++pos_;
            const size_t mark = out_.size();
            if (!parse_list(depth + 1, ')', open)) return false;
            ++pos_;  // the ')'
            if (out_.size() == mark) return fail("empty subshell '( )'", open);
            // Redirections after a subshell apply to the whole group; recorded on its last command.
            while (true) {
                skip_blanks(false);
                if (at_end() || !redirection_here()) break;
                ShellRedirection r;
                if (!parse_redirection(depth, r)) return false;
                out_.back().redirections.push_back(std::move(r));
            }
            skip_blanks(false);
            if (!at_end() && !is_meta(s_[pos_]) && s_[pos_] != '\n')
                return fail("unexpected word after ')'", pos_);
            return true;
        }
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
            if (c == '(') return fail("unexpected '(' inside a command", pos_);
            const bool proc_subst = (c == '<' || c == '>') && peek(1) == '(';
            if (!proc_subst && (is_meta(c) || c == '\n')) break;
            ShellWord w;
            if (!parse_word(depth, w)) return false;
            const std::string raw(s_.substr(w.start - base_, w.length));
            if (words.empty() && !w.quoted && is_assignment(raw)) {
                const size_t eq = w.text.find('=');
                cmd.env.emplace_back(w.text.substr(0, eq), w.text.substr(eq + 1));
            } else {
                words.push_back(std::move(w));
            }
            end = pos_;
        }
        cmd.length = abs(end) - cmd.start;
        if (words.empty() && cmd.env.empty() && cmd.redirections.empty())
            return fail("expected a command", pos_);
        size_t i = 0;
        if (i < words.size() && words[i].text == "!" && !words[i].quoted) ++i;  // pipeline negation
        if (i < words.size() && !words[i].quoted && is_keyword(words[i].text))
            return fail("shell keyword '" + words[i].text + "' is not supported; give one command or a pipeline",
                        words[i].start - base_);
        if (i < words.size() && words[i].text == "sudo") {
            const size_t sudo_index = i++;
            if (!parse_sudo(words, i, cmd)) return false;
            while (i < words.size() && !words[i].quoted &&
                   is_assignment(std::string(s_.substr(words[i].start - base_, words[i].length)))) {
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

    static bool is_assignment(const std::string& raw) {
        const size_t eq = raw.find('=');
        if (eq == std::string::npos || eq == 0) return false;
        if (std::isdigit(static_cast<unsigned char>(raw[0]))) return false;
        for (size_t k = 0; k < eq; ++k)
            if (!is_name_char(raw[k])) return false;
        return true;
    }

    // sudo's own options; leaves `i` at the first word of the command it runs.
    bool parse_sudo(const std::vector<ShellWord>& words, size_t& i, SimpleCommand& cmd) {
        static const std::string kShortWithArg = "ugCDprtTUh";
        static const std::array<const char*, 10> kLongWithArg = {"--user", "--group", "--chdir", "--prompt",
                                                                 "--close-from", "--host", "--role", "--type",
                                                                 "--command-timeout", "--other-user"};
        while (i < words.size()) {
            const std::string& t = words[i].text;
            if (t.size() < 2 || t[0] != '-') break;
            cmd.sudo_args.push_back(words[i]);
            if (t == "--") { ++i; break; }
            if (t.rfind("--", 0) == 0) {
                const size_t eq = t.find('=');
                const std::string name = t.substr(0, eq);
                if (name == "--user" && eq != std::string::npos) cmd.sudo_user = t.substr(eq + 1);
                bool takes = false;
                for (const char* l : kLongWithArg) takes = takes || name == l;
                ++i;
                if (takes && eq == std::string::npos) {
                    if (i >= words.size()) return fail("sudo option " + name + " needs a value", words[i - 1].start - base_);
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
                    if (i >= words.size()) return fail(std::string("sudo option -") + o + " needs a value", words[i - 1].start - base_);
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

    bool redirection_here() const {
        size_t k = pos_;
        while (k < s_.size() && std::isdigit(static_cast<unsigned char>(s_[k]))) ++k;
        if (k < s_.size() && (s_[k] == '>' || s_[k] == '<')) {
            // Process substitution <( ) / >( ) is a word, not a redirection.
            if (k == pos_ && k + 1 < s_.size() && s_[k + 1] == '(') return false;
            return true;
        }
        return k == pos_ && s_[k] == '&' && k + 1 < s_.size() && s_[k + 1] == '>';
    }

    bool parse_redirection(int depth, ShellRedirection& r) {
        const size_t start = pos_;
        while (!at_end() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
        if (s_[pos_] == '&') {
            pos_ += 2;  // &>
            if (!at_end() && s_[pos_] == '>') ++pos_;
        } else if (s_[pos_] == '>') {
            ++pos_;
            if (!at_end() && (s_[pos_] == '>' || s_[pos_] == '|')) ++pos_;
            else if (!at_end() && s_[pos_] == '&') { ++pos_; r.dup = true; }
        } else {  // '<'
            ++pos_;
            if (!at_end() && s_[pos_] == '<') {
                if (peek(1) == '<') pos_ += 2;  // <<< here-string
                else return fail("here-documents ('<<') are not supported", start);
            } else if (!at_end() && s_[pos_] == '&') { ++pos_; r.dup = true; }
            else if (!at_end() && s_[pos_] == '>') ++pos_;
        }
        r.op = std::string(s_.substr(start, pos_ - start));
        r.start = abs(start);
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
        if (at_end() || is_meta(s_[pos_]) || s_[pos_] == '\n')
            return fail("redirection '" + r.op + "' has no target", start);
        ShellWord w;
        if (!parse_word(depth, w)) return false;
        r.target = w.text;
        r.length = abs(pos_) - r.start;
        return true;
    }

    // Parses an inner list for $( ) or <( ); on success pos_ is past the ')'.
    bool parse_substitution(int depth, size_t open) {
        const size_t mark = out_.size();
        if (!parse_list(depth + 1, ')', open)) return false;
        ++pos_;
        // Inner commands run on their own: they do not inherit the outer pipe position.
        for (size_t i = mark; i < out_.size(); ++i)
            if (out_[i].pipeline_first < mark) out_[i].pipeline_first = mark;
        return true;
    }

    bool parse_backticks(int depth, std::string& text) {
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
        if (depth + 1 > kShellMaxDepth) return fail("nesting deeper than " + std::to_string(kShellMaxDepth) + " levels", open);
        Parser sub(inner, abs(open + 1), out_);
        if (!sub.parse_list(depth + 1, 0, 0)) return fail(sub.error(), sub.error_pos() - base_);
        return true;
    }

    // $..., with pos_ at the '$'.
    bool parse_dollar(int depth, ShellWord& w) {
        const size_t start = pos_;
        w.expands = true;
        if (peek(1) == '(' && peek(2) == '(') {
            int level = 0;
            while (!at_end()) {
                if (s_[pos_] == '(') ++level;
                else if (s_[pos_] == ')' && --level == 0) { ++pos_; break; }
                ++pos_;
            }
            if (level != 0) return fail("unterminated arithmetic expansion '$(('", start);
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
            if (pos_ == start + 1 && !at_end() && std::string_view("?#$!@*-0123456789").find(s_[pos_]) != std::string_view::npos)
                ++pos_;
        }
        w.text += std::string(s_.substr(start, pos_ - start));
        return true;
    }

    bool parse_word(int depth, ShellWord& w) {
        const size_t start = pos_;
        // Process substitution: the whole <( ... ) is one word.
        if ((s_[pos_] == '<' || s_[pos_] == '>') && peek(1) == '(') {
            pos_ += 2;
            if (!parse_substitution(depth, start)) return false;
            w.text = std::string(s_.substr(start, pos_ - start));
            w.expands = true;
        }
        if (!at_end() && s_[pos_] == '~' && pos_ == start) w.expands = true;
        while (!at_end() && !is_word_end(s_[pos_])) {
            const char c = s_[pos_];
            if (c == '\\') {
                if (pos_ + 1 >= s_.size()) return fail("backslash at the end of the line escapes nothing", pos_);
                if (peek(1) == '\n') { pos_ += 2; continue; }
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
                w.text += c;
                ++pos_;
            }
        }
        w.start = abs(start);
        w.length = pos_ - start;
        return true;
    }

    bool parse_double_quoted(int depth, ShellWord& w) {
        const size_t open = pos_;
        ++pos_;
        w.quoted = true;
        while (true) {
            if (at_end()) return fail("unterminated double quote", open);
            const char c = s_[pos_];
            if (c == '"') { ++pos_; return true; }
            if (c == '\\' && pos_ + 1 < s_.size() && std::string_view("$`\"\\\n").find(s_[pos_ + 1]) != std::string_view::npos) {
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

    bool parse_ansi_c(ShellWord& w) {
        const size_t open = pos_;
        pos_ += 2;
        w.quoted = true;
        while (true) {
            if (at_end()) return fail("unterminated $'...' quote", open);
            const char c = s_[pos_];
            if (c == '\'') { ++pos_; return true; }
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

    std::string_view s_;
    size_t base_ = 0;
    std::vector<SimpleCommand>& out_;
    size_t pos_ = 0;
    std::string error_;
    size_t error_pos_ = 0;
};

}  // namespace

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
    Parser p(line, 0, r.commands);
    if (!p.parse_list(0, 0, 0)) {
        r.error = p.error();
        r.error_pos = p.error_pos();
        r.commands.clear();
        return r;
    }
    if (r.commands.empty()) {
        r.error = "empty command";
        r.error_pos = 0;
        return r;
    }
    r.ok = true;
    return r;
}

}  // namespace sigma::domain
