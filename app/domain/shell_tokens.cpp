// ShellTokens: a single forward scan with quote state; operators are grouped greedily (&&, ||, >>,
// 2>&1). Not shared with the parser on purpose: metrics must tokenise text the parser rejects.
#include "app/domain/shell_tokens.h"

#include <cctype>

#include "app/domain/shell_parser.h"

namespace sigma::domain {

namespace {
bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
}  // namespace

std::vector<std::string> shell_tokens(std::string_view line) {
    if (line.size() > kShellMaxInputBytes) line = line.substr(0, kShellMaxInputBytes);
    std::vector<std::string> out;
    std::string cur;
    bool in_word = false;
    auto flush = [&] {
        if (in_word) out.push_back(cur);
        cur.clear();
        in_word = false;
    };
    size_t i = 0;
    while (i < line.size()) {
        const char c = line[i];
        if (is_blank(c) || c == '\n') {
            flush();
            ++i;
            continue;
        }
        if (c == '\'' || c == '"') {
            in_word = true;
            size_t j = i + 1;
            while (j < line.size() && line[j] != c) {
                if (c == '"' && line[j] == '\\' && j + 1 < line.size()) ++j;
                cur += line[j];
                ++j;
            }
            i = j < line.size() ? j + 1 : j;
            continue;
        }
        if (c == '\\' && i + 1 < line.size()) {
            in_word = true;
            cur += line[i + 1];
            i += 2;
            continue;
        }
        if (c == '|' || c == '&' || c == ';' || c == '(' || c == ')' || c == '<' || c == '>') {
            // Redirections keep their fd: "2>" and "2>&1" are single tokens.
            std::string op;
            if ((c == '>' || c == '<') && in_word && !cur.empty() &&
                cur.find_first_not_of("0123456789") == std::string::npos) {
                op = cur;
                cur.clear();
                in_word = false;
            }
            flush();
            op += c;
            size_t j = i + 1;
            while (j < line.size() && (line[j] == c || (c != ';' && (line[j] == '&' || line[j] == '>')))) {
                op += line[j];
                ++j;
                if (op.size() >= 3) break;
            }
            while (!op.empty() && op.back() == '&' && j < line.size() &&
                   std::isdigit(static_cast<unsigned char>(line[j]))) {
                op += line[j];
                ++j;
                break;
            }
            out.push_back(op);
            i = j;
            continue;
        }
        in_word = true;
        cur += c;
        ++i;
    }
    flush();
    return out;
}

std::string normalize_whitespace(std::string_view line) {
    std::string out;
    char quote = 0;
    bool pending_space = false;
    for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (!quote && (is_blank(c) || c == '\n')) {
            pending_space = !out.empty();
            continue;
        }
        if (pending_space) {
            out += ' ';
            pending_space = false;
        }
        out += c;
        if (quote) {
            if (c == '\\' && quote == '"' && i + 1 < line.size()) out += line[++i];
            else if (c == quote) quote = 0;
        } else if (c == '\\' && i + 1 < line.size()) {
            out += line[++i];
        } else if (c == '\'' || c == '"') {
            quote = c;
        }
    }
    return out;
}

}  // namespace sigma::domain
