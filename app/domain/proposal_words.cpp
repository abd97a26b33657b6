// Proposal words: plain word and number readings shared by the catalogue proposers.
#include "app/domain/proposal_words.h"

#include <algorithm>
#include <cctype>

namespace sigma::domain {

namespace {

// The unit word written after the number literal `l` ("5 s", "5s", "250 ms"), and where it ends.
std::string unit_after(const Literal& l, const std::string& text, size_t* end_out = nullptr) {
    size_t after = l.start + l.length;
    while (after < text.size() && text[after] == ' ') ++after;
    size_t end = after;
    while (end < text.size() && std::isalpha(static_cast<unsigned char>(text[end]))) ++end;
    if (end_out) *end_out = end;
    return text.substr(after, end - after);
}

// The request's numbers, plus each number written with its unit in one word ("every 5s", "250ms"),
// which the literal reader leaves out, as a number followed by its unit.
std::vector<Literal> with_unit_words(const std::vector<Literal>& literals, const std::string& text) {
    std::vector<Literal> out = literals;
    for (size_t i = 0; i < text.size(); ++i) {
        if (!std::isdigit(static_cast<unsigned char>(text[i])) ||
            (i > 0 && std::isalnum(static_cast<unsigned char>(text[i - 1]))))
            continue;
        size_t d = i;
        while (d < text.size() && std::isdigit(static_cast<unsigned char>(text[d]))) ++d;
        size_t e = d;
        while (e < text.size() && std::isalpha(static_cast<unsigned char>(text[e]))) ++e;
        const std::string unit = text.substr(d, e - d);
        const bool boundary = e == text.size() || !std::isalnum(static_cast<unsigned char>(text[e]));
        if (boundary && d - i <= 6 && (unit == "s" || unit == "sec" || unit == "secs" || unit == "ms"))
            out.push_back({LiteralKind::Number, text.substr(i, d - i), i, d - i});
        i = e;
    }
    return out;
}

bool seconds_unit(const std::string& u) {
    return u == "s" || u == "sec" || u == "secs" || u == "second" || u == "seconds";
}

bool milliseconds_unit(const std::string& u) {
    return u == "ms" || u == "msec" || u == "milliseconds" || u == "millisecond";
}

}  // namespace

std::string lower_text(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::vector<std::string> plain_words(const std::string& text) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : text) {
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '\'') {
            cur += c;
        } else if (!cur.empty()) {
            out.push_back(cur);
            cur.clear();
        }
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}

bool has_word(const std::vector<std::string>& words, std::initializer_list<std::string_view> wanted) {
    for (const std::string& w : words)
        for (std::string_view x : wanted)
            if (w == x) return true;
    return false;
}

bool contains_any(const std::string& text, std::initializer_list<std::string_view> needles) {
    for (std::string_view n : needles)
        if (text.find(n) != std::string::npos) return true;
    return false;
}

std::string loop_option(const std::vector<Literal>& request_literals, const std::string& text) {
    for (const Literal& l : with_unit_words(request_literals, text)) {
        if (l.kind != LiteralKind::Number || l.start + l.length > text.size()) continue;
        size_t end = 0;
        const std::string unit = unit_after(l, text, &end);
        const std::string before = text.substr(l.start >= 6 ? l.start - 6 : 0, l.start >= 6 ? 6 : l.start);
        const bool every = before.find("every") != std::string::npos || before.find("each") != std::string::npos;
        const bool interval = text.compare(end, 10, " interval") == 0 || text.compare(end, 11, " intervals") == 0;
        if (!every && !interval) continue;
        if (milliseconds_unit(unit)) return "-lms " + l.text;
        if (seconds_unit(unit)) return "-l " + l.text;
    }
    if (text.find("every second") != std::string::npos || text.find("every sec ") != std::string::npos) return "-l 1";
    if (text.find("every minute") != std::string::npos) return "-l 60";
    return {};
}

std::string interval_seconds(const std::vector<Literal>& request_literals, const std::string& text) {
    for (const Literal& l : with_unit_words(request_literals, text)) {
        if (l.kind != LiteralKind::Number || l.start + l.length > text.size()) continue;
        size_t end = 0;
        const std::string unit = unit_after(l, text, &end);
        if (!seconds_unit(unit)) continue;
        const std::string before = text.substr(l.start >= 12 ? l.start - 12 : 0, l.start >= 12 ? 12 : l.start);
        const bool every = before.find("every") != std::string::npos || before.find("each") != std::string::npos ||
                           before.find("interval") != std::string::npos || before.find("delay") != std::string::npos;
        const bool after = text.compare(end, 9, " interval") == 0 || text.compare(end, 6, " apart") == 0 ||
                           text.compare(end, 6, " delay") == 0;
        if (every || after) return l.text;
    }
    if (text.find("every second") != std::string::npos || text.find("every sec ") != std::string::npos) return "1";
    return {};
}

std::string number_before(const std::vector<Literal>& literals, const std::string& text,
                          std::initializer_list<std::string_view> units) {
    for (const Literal& l : literals) {
        if (l.kind != LiteralKind::Number || l.start + l.length > text.size()) continue;
        // The unit right after the number, or after two more words ("6 device monitoring samples").
        size_t at = l.start + l.length;
        for (int word = 0; word < 3; ++word) {
            if (at >= text.size() || (word > 0 && text[at] != ' ')) break;
            while (at < text.size() && text[at] == ' ') ++at;
            size_t end = at;
            while (end < text.size() && std::isalpha(static_cast<unsigned char>(text[end]))) ++end;
            if (end == at) break;
            const std::string w = text.substr(at, end - at);
            for (std::string_view u : units)
                if (w == u) return l.text;
            at = end;
        }
    }
    return {};
}

std::string number_after(const std::vector<Literal>& literals, const std::string& text,
                         std::initializer_list<std::string_view> words) {
    for (const Literal& l : literals) {
        if (l.kind != LiteralKind::Number || l.start > text.size()) continue;
        for (std::string_view w : words) {
            const std::string before = std::string(w) + " ";
            if (l.start >= before.size() && text.compare(l.start - before.size(), before.size(), before) == 0)
                return l.text;
        }
    }
    return {};
}

std::string gpu_selection(std::string_view request, const std::vector<Literal>& literals) {
    std::vector<std::string> ids;
    for (const Literal& l : literals) {
        if (l.kind == LiteralKind::Number && number_names_gpu(request, l.start)) {
            if (std::find(ids.begin(), ids.end(), l.text) == ids.end()) ids.push_back(l.text);
        } else if (l.kind == LiteralKind::Name &&
                   (l.text.starts_with("GPU-") || l.text.starts_with("MIG-") ||
                    (l.text.find(':') != std::string::npos && l.text.find('.') != std::string::npos))) {
            // Only the characters of a bus id or UUID reach the command line: never a shell word.
            const bool plain = std::all_of(l.text.begin(), l.text.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) || c == ':' || c == '.' || c == '-';
            });
            if (plain) return l.text;
        }
    }
    std::string out;
    for (const std::string& id : ids) out += (out.empty() ? "" : ",") + id;
    return out;
}

}  // namespace sigma::domain
