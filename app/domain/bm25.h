// Bm25Index: an in-memory Okapi BM25 index over short documents (lower-cased ASCII word tokens), used
// to pick few-shot examples. Not a full-text engine: no stemming, phrases or persistence.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sigma::domain {

struct Bm25Hit {
    std::string id;
    double score = 0.0;
};

class Bm25Index {
public:
    explicit Bm25Index(double k1 = 1.2, double b = 0.75) : k1_(k1), b_(b) {}

    // Adds a document. Ids need not be unique (each add is its own document).
    void add(std::string id, std::string_view text);

    // The k best documents for `query`, best first; documents sharing no term are left out. Ties
    // keep insertion order.
    std::vector<Bm25Hit> search(std::string_view query, size_t k) const;

    size_t size() const { return ids_.size(); }

    // Lower-cased runs of ASCII letters and digits; other bytes separate tokens. A few English
    // function words are dropped and plurals folded ("gpus" -> "gpu"). Tokens longer than 64 bytes
    // are cut so that a pasted blob cannot make huge terms.
    static std::vector<std::string> tokenize(std::string_view text);
    // One word with its plural folded as tokenize folds it ("gpus" -> "gpu", "status" stays).
    static std::string folded(std::string_view word);

private:
    struct Posting {
        size_t doc;
        unsigned tf;
    };
    double k1_, b_;
    std::vector<std::string> ids_;
    std::vector<size_t> lengths_;  // [n_docs] tokens per document
    size_t total_length_ = 0;
    std::unordered_map<std::string, std::vector<Posting>> postings_;  // term -> documents, ascending
};

}  // namespace sigma::domain
