// KQL repair by names: the validator's own diagnostics locate each unknown name; candidates come from
// the schema only, so a repair can never invent a table or a column.
#include "app/domain/kql_repair.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "app/domain/kql_table_ranker.h"
#include "app/domain/kql_validator.h"
#include "app/domain/suggest.h"

namespace sigma::domain {

namespace {

bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Replaces every identifier token `from` (outside string literals) with `to`.
std::string replace_identifier(std::string_view query, std::string_view from, std::string_view to) {
    std::string out;
    size_t i = 0;
    while (i < query.size()) {
        const char c = query[i];
        if (c == '"' || c == '\'') {
            size_t j = i + 1;
            while (j < query.size() && query[j] != c) j += query[j] == '\\' ? 2 : 1;
            j = std::min(query.size(), j + 1);
            out += query.substr(i, j - i);
            i = j;
            continue;
        }
        if (ident_start(c) && (i == 0 || !ident_char(query[i - 1]))) {
            size_t j = i;
            while (j < query.size() && ident_char(query[j])) ++j;
            const std::string_view word = query.substr(i, j - i);
            out += word == from ? std::string(to) : std::string(word);
            i = j;
            continue;
        }
        out += c;
        ++i;
    }
    return out;
}

// Top-level pipe positions (outside strings, parentheses and brackets).
std::vector<size_t> pipe_positions(std::string_view query) {
    std::vector<size_t> out;
    int depth = 0;
    for (size_t i = 0; i < query.size(); ++i) {
        const char c = query[i];
        if (c == '"' || c == '\'') {
            size_t j = i + 1;
            while (j < query.size() && query[j] != c) j += query[j] == '\\' ? 2 : 1;
            i = std::min(query.size(), j);
            continue;
        }
        if (c == '(' || c == '[' || c == '{') ++depth;
        if ((c == ')' || c == ']' || c == '}') && depth > 0) --depth;
        if (c == '|' && depth == 0) out.push_back(i);
    }
    return out;
}

std::set<std::string> word_set(std::string_view text) {
    std::set<std::string> out;
    for (const std::string& w : identifier_words(text)) out.insert(w);
    return out;
}

std::string nearest_column(std::string_view name, std::string_view question, const KqlTable& table) {
    const std::set<std::string> name_words = word_set(name);
    std::set<std::string> qwords;
    for (const std::string& w : identifier_words(std::string(question))) qwords.insert(w);
    std::string best;
    double best_score = -1e9;
    for (const KqlColumn& c : table.columns) {
        const std::set<std::string> cw = word_set(c.name);
        double s = 0.0;
        for (const std::string& w : cw) {
            if (name_words.count(w)) s += 3.0;
            if (qwords.count(w)) s += 1.5;
        }
        const double len = static_cast<double>(std::max(name.size(), c.name.size()));
        s -= 2.0 * static_cast<double>(edit_distance(name, c.name, 32)) / std::max(1.0, len);
        if (s > best_score) {
            best_score = s;
            best = c.name;
        }
    }
    return best;
}

double score_of(const std::vector<KqlTableScore>& ranked, std::string_view table) {
    for (const KqlTableScore& r : ranked)
        if (r.table == table) return r.score;
    return 0.0;
}

// The ranker clearly prefers another table than `first` for this question.
bool clearly_other(const std::vector<KqlTableScore>& ranked, std::string_view first) {
    if (ranked.empty() || ranked.front().table == first) return false;
    const double top = ranked.front().score, mine = score_of(ranked, first);
    return top >= 4.0 && top >= 1.6 * mine + 1.0;
}

}  // namespace

KqlRepair repair_kql(std::string_view question, std::string_view query, const KqlSchema& schema,
                     const KqlTableHints& hints, const KqlRepairOptions& options) {
    KqlRepair r;
    r.query = std::string(query);
    const std::vector<KqlTableScore> ranked = rank_kql_tables(question, schema, hints);
    if (options.retable && !ranked.empty()) {
        const auto tables = kql_referenced_tables(r.query, schema);
        if (tables.size() == 1 && clearly_other(ranked, tables.front())) {
            r.query = replace_identifier(r.query, tables.front(), ranked.front().table);
            r.changes.push_back("table " + tables.front() + " -> " + ranked.front().table);
        }
    }
    KqlValidation v = validate_kql(r.query, schema);
    for (int round = 0; options.rename && !v.valid && round < 8; ++round) {
        const KqlDiagnostic* d = nullptr;
        for (const KqlDiagnostic& x : v.diagnostics)
            if (x.severity == "Error") {
                d = &x;
                break;
            }
        if (!d || d->length == 0 || d->start + d->length > r.query.size()) break;
        const std::string name = r.query.substr(d->start, d->length);
        if (!ident_start(name.front()) || !std::all_of(name.begin(), name.end(), [](char c) { return ident_char(c); }))
            break;
        std::string replacement;
        if (d->message.find("known table") != std::string::npos && !ranked.empty()) {
            replacement = ranked.front().table;
        } else if (d->message.find("column") != std::string::npos) {
            const auto tables = kql_referenced_tables(r.query, schema);
            const KqlTable* table =
                schema.find_table(tables.empty() ? (ranked.empty() ? "" : ranked.front().table) : tables.front());
            if (table) replacement = nearest_column(name, question, *table);
        }
        if (replacement.empty() || replacement == name) break;
        r.query.replace(d->start, d->length, replacement);
        r.changes.push_back("name " + name + " -> " + replacement);
        v = validate_kql(r.query, schema);
    }
    if (options.drop_stages) {
        while (!v.valid) {
            const std::vector<size_t> pipes = pipe_positions(r.query);
            if (pipes.empty()) break;
            r.changes.push_back("dropped:" + r.query.substr(pipes.back()));
            r.query.erase(pipes.back());
            while (!r.query.empty() && r.query.back() == ' ') r.query.pop_back();
            v = validate_kql(r.query, schema);
        }
        if (!v.valid && !ranked.empty()) {
            r.changes.push_back("replaced by the table " + ranked.front().table);
            r.query = ranked.front().table + " | take 10";
            v = validate_kql(r.query, schema);
        }
    }
    r.valid = v.valid;
    return r;
}

std::string kql_table_warning(std::string_view question, std::string_view query, const KqlSchema& schema,
                              const KqlTableHints& hints) {
    const auto tables = kql_referenced_tables(query, schema);
    if (tables.empty()) return {};
    const std::vector<KqlTableScore> ranked = rank_kql_tables(question, schema, hints);
    if (!clearly_other(ranked, tables.front())) return {};
    return "the question looks like it is about " + ranked.front().table + ", but the query reads " + tables.front();
}

}  // namespace sigma::domain
