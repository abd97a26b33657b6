// The slice takes the table ranker's order (kql_table_ranker.h) and writes the best tables with
// their typed columns, so the table the question is about is in the prompt and first.
#include "app/domain/kql_schema_slice.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "app/domain/json_parse.h"
#include "app/domain/kql_table_ranker.h"
#include "app/domain/resource_paths.h"

namespace sigma::domain {

using nlohmann::ordered_json;

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

std::vector<std::string> identifier_words(std::string_view identifier) {
    std::vector<std::string> out;
    std::string cur;
    auto flush = [&] {
        if (!cur.empty()) out.push_back(stem_word(lower(cur)));
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
        const bool next_lower =
            i + 1 < identifier.size() && std::islower(static_cast<unsigned char>(identifier[i + 1]));
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
    auto j = parse_json(ss.str());
    if (!j) return h;
    for (const auto& [table, words] : json_object(*j, "hints").items()) {
        std::vector<std::string> list;
        if (words.is_array())
            for (const ordered_json& w : words)
                if (w.is_string()) list.push_back(lower(json_text(w)));
        h.hints.emplace_back(table, std::move(list));
    }
    return h;
}

KqlSchemaSlice kql_schema_slice(std::string_view question, const KqlSchema& schema, const KqlTableHints& hints,
                                size_t max_tables) {
    const std::vector<KqlTableScore> ranked = rank_kql_tables(question, schema, hints);
    std::vector<std::pair<double, size_t>> scored;
    for (const KqlTableScore& r : ranked)
        for (size_t t = 0; t < schema.tables.size(); ++t)
            if (schema.tables[t].name == r.table) {
                scored.emplace_back(r.score, t);
                break;
            }

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
