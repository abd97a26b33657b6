// Prompt building and answer parsing for the three jobs. The parsers never trust the model: they
// look for the taught format first, then for the shapes instruct models commonly produce.
#include "app/domain/task_prompt.h"

#include <algorithm>
#include <cctype>

namespace sigma::domain {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back(line);
        start = end + 1;
    }
    return lines;
}

// "Key: value" with a case-insensitive key; returns the trimmed value when the line has that key.
bool keyed(std::string_view line, std::string_view key, std::string_view* value) {
    line = trim(line);
    // Tolerate markdown emphasis around the key: "**command:**".
    while (!line.empty() && (line.front() == '*' || line.front() == '-' || line.front() == '#'))
        line = trim(line.substr(1));
    if (line.size() < key.size() + 1) return false;
    for (size_t i = 0; i < key.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(line[i])) != key[i]) return false;
    std::string_view rest = line.substr(key.size());
    while (!rest.empty() && rest.front() == '*') rest.remove_prefix(1);
    if (rest.empty() || rest.front() != ':') return false;
    rest.remove_prefix(1);
    while (!rest.empty() && rest.front() == '*') rest.remove_prefix(1);
    *value = trim(rest);
    return true;
}

std::string strip_inline_code(std::string_view s) {
    s = trim(s);
    if (s.size() >= 2 && s.front() == '`' && s.back() == '`') {
        while (!s.empty() && s.front() == '`') s.remove_prefix(1);
        while (!s.empty() && s.back() == '`') s.remove_suffix(1);
    }
    if (s.starts_with("$ ")) s.remove_prefix(2);
    return std::string(trim(s));
}

// The body of the first fenced block (``` or ~~~), without the fence lines.
bool fenced_block(const std::vector<std::string_view>& lines, std::vector<std::string_view>* body) {
    for (size_t i = 0; i < lines.size(); ++i) {
        std::string_view t = trim(lines[i]);
        if (t.starts_with("```") || t.starts_with("~~~")) {
            const std::string_view fence = t.substr(0, 3);
            body->clear();
            for (size_t j = i + 1; j < lines.size(); ++j) {
                if (trim(lines[j]).starts_with(fence)) return true;
                body->push_back(lines[j]);
            }
            return true;  // unterminated: take the rest
        }
    }
    return false;
}

// Joins backslash-continued lines into one command line.
std::string join_continued(const std::vector<std::string_view>& lines, size_t first) {
    std::string out;
    for (size_t i = first; i < lines.size(); ++i) {
        std::string_view l = trim(lines[i]);
        if (l.starts_with("$ ")) l.remove_prefix(2);
        if (!l.empty() && l.back() == '\\') {
            out += std::string(trim(l.substr(0, l.size() - 1)));
            out += ' ';
            continue;
        }
        out += std::string(l);
        break;
    }
    return std::string(trim(out));
}

}  // namespace

// --- Commands -------------------------------------------------------------------------------

std::vector<ChatTurn> build_command_messages(std::string_view request, std::string_view shell, std::string_view os,
                                             const std::vector<CommandExample>& examples,
                                             std::string_view catalogue_slice) {
    std::string system =
        "You turn an operator's request into exactly one " + std::string(shell.empty() ? "bash" : shell) +
        " command for " + std::string(os.empty() ? "Linux" : os) +
        ". Use only real programs, options and nvidia-smi query fields. Prefer read-only commands unless "
        "the request asks for a change. Answer in two lines:\ncommand: <the command>\nexplanation: <one "
        "sentence>";
    if (!catalogue_slice.empty()) system += "\nCatalogue entries that may help:\n" + std::string(catalogue_slice);
    std::vector<ChatTurn> turns{{"system", std::move(system)}};
    for (const CommandExample& e : examples) {
        turns.push_back({"user", e.request});
        turns.push_back({"assistant", format_command_answer(e.command, e.explanation)});
    }
    turns.push_back({"user", std::string(request)});
    return turns;
}

std::string format_command_answer(std::string_view command, std::string_view explanation) {
    return "command: " + std::string(command) + "\nexplanation: " + std::string(explanation);
}

ParsedCommand parse_command_answer(std::string_view text) {
    ParsedCommand out;
    const auto lines = split_lines(text);
    std::string_view value;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (keyed(lines[i], "command", &value)) {
            if (value.empty()) {
                // "command:" followed by a fenced block or the command on the next line.
                std::vector<std::string_view> rest(lines.begin() + static_cast<long>(i) + 1, lines.end()), body;
                if (fenced_block(rest, &body) && !body.empty()) out.command = join_continued(body, 0);
                else if (i + 1 < lines.size()) out.command = strip_inline_code(lines[i + 1]);
            } else {
                out.command = strip_inline_code(value);
                if (!out.command.empty() && out.command.back() == '\\') {
                    out.command = join_continued(lines, i + 1);
                    out.command = strip_inline_code(value.substr(0, value.size() - 1)) + " " + out.command;
                }
            }
        } else if (keyed(lines[i], "explanation", &value)) {
            out.explanation = std::string(value);
        }
    }
    if (out.command.empty()) {
        std::vector<std::string_view> body;
        if (fenced_block(lines, &body)) {
            size_t first = 0;
            while (first < body.size() && trim(body[first]).empty()) ++first;
            if (first < body.size()) out.command = join_continued(body, first);
        }
    }
    if (out.command.empty()) {
        for (size_t i = 0; i < lines.size(); ++i) {
            if (!trim(lines[i]).empty()) {
                out.command = strip_inline_code(join_continued(lines, i));
                break;
            }
        }
    }
    out.found = !out.command.empty();
    if (!out.found) out.problem = "the model's answer contains no command";
    return out;
}

// --- KQL ------------------------------------------------------------------------------------

std::vector<ChatTurn> build_kql_messages(std::string_view question, std::string_view schema_slice,
                                         const std::vector<KqlExample>& examples) {
    std::string system =
        "You write exactly one Kusto (KQL) query that answers the question. Use only these tables and "
        "columns:\n" +
        std::string(schema_slice) + "\nAnswer with the query alone on one line.";
    std::vector<ChatTurn> turns{{"system", std::move(system)}};
    for (const KqlExample& e : examples) {
        turns.push_back({"user", e.question});
        turns.push_back({"assistant", format_kql_answer(e.query)});
    }
    turns.push_back({"user", std::string(question)});
    return turns;
}

ChatTurn build_kql_repair_turn(std::string_view previous_query, const std::vector<std::string>& diagnostics) {
    std::string text = "That query has errors:\n";
    for (const std::string& d : diagnostics) text += "- " + d + "\n";
    text += "Query: " + std::string(previous_query) + "\nWrite the corrected query alone on one line.";
    return {"user", std::move(text)};
}

std::string format_kql_answer(std::string_view query) { return std::string(query); }

ParsedKql parse_kql_answer(std::string_view text) {
    ParsedKql out;
    const auto lines = split_lines(text);
    std::vector<std::string_view> body;
    std::string query;
    if (fenced_block(lines, &body)) {
        for (std::string_view l : body) {
            l = trim(l);
            if (l.empty()) continue;
            if (!query.empty()) query += ' ';
            query += std::string(l);
        }
    } else {
        std::string_view value;
        for (std::string_view l : lines) {
            std::string_view t = trim(l);
            if (t.empty()) {
                if (!query.empty()) break;  // the query ends at the first blank line after it
                continue;
            }
            if (keyed(t, "query", &value)) t = value;
            if (t.empty()) continue;
            if (!query.empty()) query += ' ';
            query += strip_inline_code(t);
        }
    }
    out.query = std::string(trim(query));
    out.found = !out.query.empty();
    if (!out.found) out.problem = "the model's answer contains no query";
    return out;
}

// --- Diagnosis ------------------------------------------------------------------------------

std::vector<ChatTurn> build_diagnosis_messages(std::string_view findings, std::string_view excerpt) {
    std::string system =
        "You diagnose infrastructure problems from logs. The rules engine's findings and the log lines "
        "they cite are given. Confirm or correct the category, then state the root cause and next steps. "
        "Answer as:\ncategory: <id>\nroot cause: <one or two sentences>\nnext steps:\n- <step>";
    std::string user = "Findings:\n" + std::string(findings) + "\nLog excerpt:\n" + std::string(excerpt);
    return {{"system", std::move(system)}, {"user", std::move(user)}};
}

std::string format_diagnosis_answer(std::string_view category, std::string_view root_cause,
                                    const std::vector<std::string>& next_steps) {
    std::string out =
        "category: " + std::string(category) + "\nroot cause: " + std::string(root_cause) + "\nnext steps:";
    for (const std::string& s : next_steps) out += "\n- " + s;
    return out;
}

ParsedDiagnosis parse_diagnosis_answer(std::string_view text) {
    ParsedDiagnosis out;
    const auto lines = split_lines(text);
    std::string_view value;
    bool in_steps = false;
    for (std::string_view line : lines) {
        std::string_view t = trim(line);
        if (keyed(t, "category", &value)) {
            out.category = strip_inline_code(value);
            in_steps = false;
        } else if (keyed(t, "root cause", &value)) {
            out.root_cause = std::string(value);
            in_steps = false;
        } else if (keyed(t, "next steps", &value)) {
            in_steps = true;
            if (!value.empty()) out.next_steps.emplace_back(value);
        } else if (in_steps && (t.starts_with("- ") || t.starts_with("* ") ||
                                (t.size() > 2 && std::isdigit(static_cast<unsigned char>(t[0])) && t[1] == '.'))) {
            out.next_steps.emplace_back(trim(t.substr(2)));
        }
    }
    out.found = !out.root_cause.empty() || !out.category.empty();
    if (!out.found) out.problem = "the model's answer has neither a category nor a root cause";
    return out;
}

}  // namespace sigma::domain
