// RiskInlineCode: token-level scans of awk programs and sed scripts. Errs towards seeing an effect:
// a '>' in a print statement is taken as a redirection, an 'e' flag on s/// as a command.
#include "app/domain/risk_inline_code.h"

#include <cctype>

namespace sigma::domain {

namespace {

bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Reads an awk string literal starting at s[i] == '"'; returns its text and moves i past it.
std::string awk_string(std::string_view s, size_t& i) {
    std::string out;
    ++i;
    while (i < s.size() && s[i] != '"') {
        if (s[i] == '\\' && i + 1 < s.size()) {
            const char n = s[i + 1];
            out += n == 'n' ? '\n' : n == 't' ? '\t' : n;
            i += 2;
            continue;
        }
        out += s[i++];
    }
    if (i < s.size()) ++i;
    return out;
}

void skip_blanks(std::string_view s, size_t& i) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
}

// After a redirection or pipe operator in awk: a lone string literal is visible, anything else
// (a variable, a concatenation) is computed.
bool awk_literal_operand(std::string_view s, size_t i, std::string* text) {
    skip_blanks(s, i);
    if (i >= s.size() || s[i] != '"') return false;
    size_t j = i;
    *text = awk_string(s, j);
    skip_blanks(s, j);
    // A concatenation ("a" x) or an expression means the name is built at run time.
    return j >= s.size() || s[j] == ';' || s[j] == '}' || s[j] == '\n' || s[j] == ')';
}

bool starts_word(std::string_view s, size_t i, std::string_view word) {
    if (s.substr(i, word.size()) != word) return false;
    if (i > 0 && ident_char(s[i - 1])) return false;
    return i + word.size() >= s.size() || !ident_char(s[i + word.size()]);
}

}  // namespace

InlineEffects scan_awk_program(std::string_view s) {
    InlineEffects fx;
    bool in_print = false;  // inside a print/printf statement's arguments
    int paren = 0;          // parentheses opened inside the current print statement
    std::string last_string;
    bool last_was_string = false;
    for (size_t i = 0; i < s.size();) {
        const char c = s[i];
        if (c == '"') {
            last_string = awk_string(s, i);
            last_was_string = true;
            continue;
        }
        if (c == '#') {  // comment to end of line
            while (i < s.size() && s[i] != '\n') ++i;
            continue;
        }
        if (c == '/' && !in_print) {  // a regex literal; skip it so its '|' and '>' are not operators
            size_t j = i + 1;
            while (j < s.size() && s[j] != '/' && s[j] != '\n') j += (s[j] == '\\') ? 2 : 1;
            if (j < s.size() && s[j] == '/') {
                i = j + 1;
                last_was_string = false;
                continue;
            }
        }
        if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
            size_t j = i;
            while (j < s.size() && ident_char(s[j])) ++j;
            const std::string_view word = s.substr(i, j - i);
            if (word == "print" || word == "printf") {
                in_print = true;
                paren = 0;
            } else if (word == "system") {
                size_t k = j;
                skip_blanks(s, k);
                std::string text;
                if (k < s.size() && s[k] == '(' && awk_literal_operand(s, k + 1, &text)) fx.commands.push_back(text);
                else fx.runs_hidden = true;
            } else if (word == "getline" && last_was_string) {
                // handled at the '|' below; a bare getline reads input
            }
            i = j;
            last_was_string = false;
            continue;
        }
        if (c == ';' || c == '\n' || c == '}' || c == '{') {
            in_print = false;
            last_was_string = false;
            ++i;
            continue;
        }
        if (c == '(') ++paren;
        if (c == ')' && paren > 0) --paren;
        if (c == '|') {
            const bool coprocess = i + 1 < s.size() && s[i + 1] == '&';
            if (i + 1 < s.size() && s[i + 1] == '|') {  // logical or
                i += 2;
                last_was_string = false;
                continue;
            }
            size_t k = i + (coprocess ? 2 : 1);
            skip_blanks(s, k);
            if (starts_word(s, k, "getline")) {
                // "cmd" | getline: the string before the pipe is the command.
                if (last_was_string) fx.commands.push_back(last_string);
                else fx.runs_hidden = true;
            } else if (in_print && paren == 0) {
                std::string text;
                if (awk_literal_operand(s, k, &text)) fx.commands.push_back(text);
                else fx.runs_hidden = true;
            }
            i = k;
            last_was_string = false;
            continue;
        }
        if (c == '>' && in_print && paren == 0) {
            size_t k = i + 1;
            if (k < s.size() && s[k] == '>') ++k;
            std::string text;
            if (awk_literal_operand(s, k, &text)) {
                if (text != "/dev/stdout" && text != "/dev/stderr" && text != "/dev/null" && text != "-")
                    fx.writes.push_back(text);
            } else {
                fx.writes_hidden = true;
            }
            i = k;
            last_was_string = false;
            continue;
        }
        if (!std::isspace(static_cast<unsigned char>(c))) last_was_string = false;
        ++i;
    }
    return fx;
}

namespace {

// Reads a sed address (number, $, /re/, \cREc, first~step) and an optional ",addr" and "!".
void skip_sed_address(std::string_view s, size_t& i) {
    for (int part = 0; part < 2; ++part) {
        skip_blanks(s, i);
        if (i < s.size() &&
            (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '$' || s[i] == '+' || s[i] == '~')) {
            while (i < s.size() &&
                   (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '$' || s[i] == '~' || s[i] == '+'))
                ++i;
        } else if (i < s.size() && (s[i] == '/' || s[i] == '\\')) {
            char delim = '/';
            if (s[i] == '\\' && i + 1 < s.size()) {
                delim = s[i + 1];
                ++i;
            }
            ++i;
            while (i < s.size() && s[i] != delim) i += (s[i] == '\\') ? 2 : 1;
            if (i < s.size()) ++i;
            while (i < s.size() && (s[i] == 'I' || s[i] == 'M')) ++i;
        }
        skip_blanks(s, i);
        if (part == 0 && i < s.size() && s[i] == ',') {
            ++i;
            continue;
        }
        break;
    }
    skip_blanks(s, i);
    while (i < s.size() && s[i] == '!') {
        ++i;
        skip_blanks(s, i);
    }
}

// The rest of the line after a command letter (w FILE, e CMD, a TEXT): up to a newline.
std::string rest_of_line(std::string_view s, size_t& i) {
    skip_blanks(s, i);
    const size_t start = i;
    while (i < s.size() && s[i] != '\n') ++i;
    return std::string(s.substr(start, i - start));
}

// Skips one delimited part of s/// or y///, honouring backslash escapes.
void skip_delimited(std::string_view s, size_t& i, char delim) {
    while (i < s.size() && s[i] != delim) {
        if (s[i] == '\\') ++i;
        if (i < s.size()) ++i;
    }
    if (i < s.size()) ++i;
}

}  // namespace

InlineEffects scan_sed_script(std::string_view s) {
    InlineEffects fx;
    size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() &&
               (std::isspace(static_cast<unsigned char>(s[i])) || s[i] == ';' || s[i] == '{' || s[i] == '}'))
            ++i;
        if (i >= s.size()) break;
        if (s[i] == '#') {
            while (i < s.size() && s[i] != '\n') ++i;
            continue;
        }
        skip_sed_address(s, i);
        if (i >= s.size()) break;
        const char cmd = s[i++];
        switch (cmd) {
            case 's': {
                if (i >= s.size()) return fx;
                const char delim = s[i++];
                skip_delimited(s, i, delim);  // regex
                skip_delimited(s, i, delim);  // replacement
                while (i < s.size() && s[i] != ';' && s[i] != '\n' && s[i] != '}') {
                    const char f = s[i];
                    if (f == 'e') {
                        fx.runs_hidden = true;  // runs the pattern space as a command
                        ++i;
                    } else if (f == 'w') {
                        ++i;
                        const std::string file = rest_of_line(s, i);
                        if (file != "/dev/stdout" && file != "/dev/stderr") fx.writes.push_back(file);
                        break;
                    } else {
                        ++i;
                    }
                }
                break;
            }
            case 'y': {
                if (i >= s.size()) return fx;
                const char delim = s[i++];
                skip_delimited(s, i, delim);
                skip_delimited(s, i, delim);
                break;
            }
            case 'e': {
                const std::string command = rest_of_line(s, i);
                if (command.empty()) fx.runs_hidden = true;  // runs the pattern space
                else fx.commands.push_back(command);
                break;
            }
            case 'w':
            case 'W': {
                const std::string file = rest_of_line(s, i);
                if (file != "/dev/stdout" && file != "/dev/stderr") fx.writes.push_back(file);
                break;
            }
            case 'a':
            case 'i':
            case 'c':
            case 'r':
            case 'R':
            case 'b':
            case 't':
            case 'T':
            case ':':
            case 'v':
            case 'F':
            case 'l':
            case 'L':
            case 'q':
            case 'Q':
                // Text, file to read, label or exit code up to the end of the line (or ';' for labels).
                while (i < s.size() && s[i] != '\n' &&
                       !((cmd == 'b' || cmd == 't' || cmd == 'T' || cmd == 'q' || cmd == 'Q' || cmd == 'l' ||
                          cmd == 'L') &&
                         s[i] == ';'))
                    ++i;
                break;
            default: break;  // one-letter commands: d D p P n N g G h H x z = and unknown letters
        }
    }
    return fx;
}

}  // namespace sigma::domain
