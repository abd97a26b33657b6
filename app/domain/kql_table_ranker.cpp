// Table ranking with inverse table frequency: a word found in one table's vocabulary says more
// than a word that every table has (TimeGenerated, Computer).
#include "app/domain/kql_table_ranker.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

namespace sigma::domain {

std::string stem_word(std::string w) {
    if (w.size() > 3 && w.ends_with("ies")) return w.substr(0, w.size() - 3) + "y";
    if (w.size() > 3 && w.back() == 's' && !w.ends_with("ss")) w.pop_back();
    return w;
}

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::vector<std::string> words_of(std::string_view text) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : text) {
        if (std::isalnum(static_cast<unsigned char>(c))) {
            cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else if (!cur.empty()) {
            out.push_back(stem_word(cur));
            cur.clear();
        }
    }
    if (!cur.empty()) out.push_back(stem_word(cur));
    return out;
}

// Operators' synonyms for words in table names ("sign-ins" for SignInLogs, "pods" for Kube...).
std::vector<std::string> expand(const std::string& w) {
    static const std::map<std::string, std::vector<std::string>> kSynonyms{
        {"signin", {"sign", "login", "logon"}},
        {"kube", {"kubernete", "k8", "aks", "cluster"}},
        {"aad", {"entra", "azure", "ad"}},
        {"w3ciislog", {"iis"}},
        {"vm", {"virtual"}},
        {"app", {"application"}},
        {"dns", {"dns"}},
        {"insight", {"metric"}},
    };
    std::vector<std::string> out{w};
    auto it = kSynonyms.find(w);
    if (it != kSynonyms.end()) out.insert(out.end(), it->second.begin(), it->second.end());
    return out;
}

struct TableVocabulary {
    std::vector<std::string> name_words;
    std::set<std::string> hint_words;
    std::vector<std::string> hint_phrases;
    std::set<std::string> column_words;
};

}  // namespace

std::vector<KqlTableScore> rank_kql_tables(std::string_view question, const KqlSchema& schema,
                                           const KqlTableHints& hints) {
    const std::vector<std::string> qwords = words_of(question);
    const std::set<std::string> qset(qwords.begin(), qwords.end());
    const std::string qlower = lower(question);
    std::string qjoined;  // the question's words joined, for phrase matches of table names
    for (const std::string& w : qwords) qjoined += w + " ";

    std::vector<TableVocabulary> vocab(schema.tables.size());
    std::map<std::string, int> df;  // word -> tables whose name, hints or columns have it
    for (size_t t = 0; t < schema.tables.size(); ++t) {
        const KqlTable& table = schema.tables[t];
        TableVocabulary& v = vocab[t];
        v.name_words = identifier_words(table.name);
        for (const auto& [name, words] : hints.hints) {
            if (name != table.name) continue;
            for (const std::string& phrase : words) {
                if (phrase.find(' ') != std::string::npos) v.hint_phrases.push_back(phrase);
                for (const std::string& w : words_of(phrase)) v.hint_words.insert(w);
            }
        }
        for (const KqlColumn& c : table.columns)
            for (const std::string& w : identifier_words(c.name)) v.column_words.insert(w);
        std::set<std::string> all(v.name_words.begin(), v.name_words.end());
        all.insert(v.hint_words.begin(), v.hint_words.end());
        all.insert(v.column_words.begin(), v.column_words.end());
        for (const std::string& w : all) ++df[w];
    }
    const double n = static_cast<double>(std::max<size_t>(1, schema.tables.size()));
    auto idf = [&](const std::string& w) {
        auto it = df.find(w);
        const double d = it == df.end() ? 1.0 : it->second;
        return std::log(1.0 + n / d);
    };

    std::vector<KqlTableScore> out;
    for (size_t t = 0; t < schema.tables.size(); ++t) {
        const KqlTable& table = schema.tables[t];
        const TableVocabulary& v = vocab[t];
        double score = 0.0;
        if (qlower.find(lower(table.name)) != std::string::npos) score += 12.0;  // named outright
        // Name words, each through its synonyms; consecutive name words in the question add more.
        int matched = 0;
        for (const std::string& w : v.name_words) {
            if (w.size() < 2) continue;
            for (const std::string& s : expand(w)) {
                if (qset.count(s)) {
                    score += 2.0 * idf(w);
                    ++matched;
                    break;
                }
            }
        }
        if (!v.name_words.empty()) {
            score += 2.0 * matched / static_cast<double>(v.name_words.size());
            for (size_t i = 0; i + 1 < v.name_words.size(); ++i) {
                const std::string pair = v.name_words[i] + " " + v.name_words[i + 1] + " ";
                if (qjoined.find(pair) != std::string::npos) score += 3.0;
            }
        }
        for (const std::string& phrase : v.hint_phrases)
            if (qlower.find(phrase) != std::string::npos) score += 4.0;
        for (const std::string& w : v.hint_words)
            if (qset.count(w)) score += 1.2 * idf(w);
        for (const std::string& w : v.column_words)
            if (w.size() > 2 && qset.count(w)) score += 0.35 * idf(w);
        out.push_back({table.name, score});
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const KqlTableScore& a, const KqlTableScore& b) { return a.score > b.score; });
    return out;
}

std::vector<std::string> rank_kql_columns(std::string_view question, const KqlTable& table) {
    const std::vector<std::string> qwords = words_of(question);
    const std::set<std::string> qset(qwords.begin(), qwords.end());
    std::vector<std::pair<double, std::string>> scored;
    for (const KqlColumn& c : table.columns) {
        const std::vector<std::string> words = identifier_words(c.name);
        int hit = 0;
        for (const std::string& w : words)
            if (qset.count(w)) ++hit;
        double s = words.empty() ? 0.0 : hit + static_cast<double>(hit) / static_cast<double>(words.size());
        scored.emplace_back(s, c.name);
    }
    std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<std::string> out;
    for (const auto& [s, name] : scored) out.push_back(name);
    return out;
}

}  // namespace sigma::domain
