// BM25 scoring with the usual k1/b and the non-negative idf variant ln(1 + (N - n + 0.5)/(n + 0.5)),
// so that very common terms add little instead of subtracting. Not tuned per corpus.
#include "app/domain/bm25.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace sigma::domain {

namespace {
bool is_stopword(const std::string& t) {
    static const char* const kStop[] = {"the", "a",    "an",    "of",  "to",   "in", "on", "for",    "is",   "are",
                                        "and", "or",   "with",  "by",  "from", "at", "it", "this",   "that", "be",
                                        "as",  "each", "every", "all", "me",   "my", "i",  "please", "do",   "does"};
    for (const char* w : kStop)
        if (t == w) return true;
    return false;
}

// A light plural folding so that "temperatures" finds "temperature.gpu": -ies -> -y, -sses/-xes ->
// drop "es", other -s -> drop "s"; words of 3 letters or fewer and -ss/-us/-is endings stay.
void fold_plural(std::string& t) {
    const size_t n = t.size();
    if (n <= 3 || t.back() != 's') return;
    auto ends = [&](std::string_view suf) {
        return t.size() >= suf.size() && t.compare(n - suf.size(), suf.size(), suf) == 0;
    };
    if (ends("ss") || (ends("us") && n > 4) || ends("is")) return;  // "gpus" folds, "status" stays
    if (ends("ies") && n > 4) t.replace(n - 3, 3, "y");
    else if (ends("sses") || ends("xes")) t.resize(n - 2);
    else t.resize(n - 1);
}
}  // namespace

std::string Bm25Index::folded(std::string_view word) {
    std::string w(word);
    fold_plural(w);
    return w;
}

std::vector<std::string> Bm25Index::tokenize(std::string_view text) {
    std::vector<std::string> out;
    std::string cur;
    auto flush = [&] {
        if (!cur.empty() && !is_stopword(cur)) {
            fold_plural(cur);
            out.push_back(std::move(cur));
        }
        cur.clear();
    };
    for (char c : text) {
        const bool lower = c >= 'a' && c <= 'z', upper = c >= 'A' && c <= 'Z', digit = c >= '0' && c <= '9';
        if (lower || upper || digit) {
            if (cur.size() < 64) cur += upper ? static_cast<char>(c + 32) : c;
        } else {
            flush();
        }
    }
    flush();
    return out;
}

void Bm25Index::add(std::string id, std::string_view text) {
    const size_t doc = ids_.size();
    ids_.push_back(std::move(id));
    const auto tokens = tokenize(text);
    lengths_.push_back(tokens.size());
    total_length_ += tokens.size();
    std::map<std::string, unsigned> tf;
    for (const auto& t : tokens) ++tf[t];
    for (auto& [term, n] : tf) postings_[term].push_back({doc, n});
}

std::vector<Bm25Hit> Bm25Index::search(std::string_view query, size_t k) const {
    if (ids_.empty() || k == 0) return {};
    auto terms = tokenize(query);
    std::sort(terms.begin(), terms.end());
    terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
    const double n_docs = static_cast<double>(ids_.size());
    const double avg_len = std::max(1.0, static_cast<double>(total_length_) / n_docs);
    std::unordered_map<size_t, double> scores;
    for (const auto& term : terms) {
        auto it = postings_.find(term);
        if (it == postings_.end()) continue;
        const double df = static_cast<double>(it->second.size());
        const double idf = std::log(1.0 + (n_docs - df + 0.5) / (df + 0.5));
        for (const Posting& p : it->second) {
            const double tf = p.tf;
            const double norm = k1_ * (1.0 - b_ + b_ * static_cast<double>(lengths_[p.doc]) / avg_len);
            scores[p.doc] += idf * tf * (k1_ + 1.0) / (tf + norm);
        }
    }
    std::vector<std::pair<size_t, double>> ranked(scores.begin(), scores.end());
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    if (ranked.size() > k) ranked.resize(k);
    std::vector<Bm25Hit> out;
    out.reserve(ranked.size());
    for (const auto& [doc, score] : ranked) out.push_back({ids_[doc], score});
    return out;
}

}  // namespace sigma::domain
