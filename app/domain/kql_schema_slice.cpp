// Table relevance by word overlap: cheap, explainable, and good enough to keep a small model's
// prompt short without hiding the table the question is about.
#include "app/domain/kql_schema_slice.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "app/domain/json.h"
#include "app/domain/resource_paths.h"

namespace sigma::domain {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Singular form for matching ("pods" -> "pod", "requests" -> "request"); short words stay.
std::string stem(std::string w) {
    if (w.size() > 3 && w.ends_with("ies")) return w.substr(0, w.size() - 3) + "y";
    if (w.size() > 3 && w.back() == 's' && !w.ends_with("ss")) w.pop_back();
    return w;
}

std::vector<std::string> words_of(std::string_view text) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : text) {
        if (std::isalnum(static_cast<unsigned char>(c))) {
            cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else if (!cur.empty()) {
            out.push_back(stem(cur));
            cur.clear();
        }
    }
    if (!cur.empty()) out.push_back(stem(cur));
    return out;
}

}  // namespace

std::vector<std::string> identifier_words(std::string_view identifier) {
    std::vector<std::string> out;
    std::string cur;
    auto flush = [&] {
        if (!cur.empty()) out.push_back(stem(lower(cur)));
        cur.clear();
    };
    for (size_t i = 0; i < identifier.size(); ++i) {
        const char c = identifier[i];
        if (!std::isalnum(static_cast<unsigned char>(c))) {
            flush();
            continue;
        }
        const bool upper = std::isupper(static_cast<unsigned char>(c));
        const bool prev_lower = i > 0 && (std::islower(static_cast<unsigned char>(identifier[i - 1])) ||
                                          std::isdigit(static_cast<unsigned char>(identifier[i - 1])));
        const bool next_lower = i + 1 < identifier.size() && std::islower(static_cast<unsigned char>(identifier[i + 1]));
        const bool prev_upper = i > 0 && std::isupper(static_cast<unsigned char>(identifier[i - 1]));
        // Word starts: "podRestart" at 'R'; "AADNon" at 'N' (an upper run followed by lower).
        if (upper && (prev_lower || (prev_upper && next_lower))) flush();
        cur += c;
    }
    flush();
    return out;
}

KqlTableHints KqlTableHints::load_default() {
    KqlTableHints h;
    const std::string path = knowledge_path("kql/table-hints.json");
    if (path.empty()) return h;
    std::ifstream in(path, std::ios::binary);
    if (!in) return h;
    std::stringstream ss;
    ss << in.rdbuf();
    auto j = Json::parse(ss.str());
    if (!j) return h;
    for (const auto& [table, words] : (*j)["hints"].as_object()) {
        std::vector<std::string> list;
        for (const Json& w : words.as_array())
            if (w.is_string()) list.push_back(lower(w.as_string()));
        h.hints.emplace_back(table, std::move(list));
    }
    return h;
}

KqlSchemaSlice kql_schema_slice(std::string_view question, const KqlSchema& schema, const KqlTableHints& hints,
                                size_t max_tables) {
    const std::vector<std::string> qwords = words_of(question);
    const std::set<std::string> qset(qwords.begin(), qwords.end());
    const std::string qlower = lower(question);

    std::vector<std::pair<double, size_t>> scored;
    for (size_t t = 0; t < schema.tables.size(); ++t) {
        const KqlTable& table = schema.tables[t];
        double score = 0.0;
        if (qlower.find(lower(table.name)) != std::string::npos) score += 10.0;  // named outright
        for (const std::string& w : identifier_words(table.name))
            if (w.size() > 1 && qset.count(w)) score += 3.0;
        std::set<std::string> column_words;
        for (const KqlColumn& c : table.columns)
            for (const std::string& w : identifier_words(c.name)) column_words.insert(w);
        for (const std::string& w : column_words)
            if (w.size() > 2 && qset.count(w)) score += 1.0;
        for (const auto& [name, words] : hints.hints) {
            if (name != table.name) continue;
            for (const std::string& phrase : words) {
                if (phrase.find(' ') != std::string::npos) {
                    if (qlower.find(phrase) != std::string::npos) score += 4.0;
                } else if (qset.count(stem(phrase))) {
                    score += 2.5;
                }
            }
        }
        scored.emplace_back(score, t);
    }
    std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first > b.first; });

    KqlSchemaSlice slice;
    for (const auto& [score, t] : scored) {
        if (slice.tables.size() >= max_tables) break;
        if (score <= 0.0 && !slice.tables.empty()) break;
        const KqlTable& table = schema.tables[t];
        slice.tables.push_back(table.name);
        slice.text += table.name + "(";
        for (size_t i = 0; i < table.columns.size(); ++i) {
            if (i) slice.text += ", ";
            slice.text += table.columns[i].name + ":" + std::string(kql_type_name(table.columns[i].type));
        }
        slice.text += ")\n";
    }
    return slice;
}

}  // namespace sigma::domain
