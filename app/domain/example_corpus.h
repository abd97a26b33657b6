// ExampleCorpus: the hand-written few-shot examples (resources/knowledge/examples/*.jsonl) with a
// BM25 index per kind, so a request can be paired with its most similar worked examples.
// Not a validator of the examples: tests check them against the catalogues and the schema.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/domain/bm25.h"

namespace sigma::domain {

struct CommandExample {
    std::string request;
    std::string command;
    std::string explanation;
    std::string risk;  // "read-only" | "changes-state" | "destructive"
};

struct KqlExample {
    std::string question;
    std::string query;
    std::vector<std::string> tables;
};

struct DiagnosisExample {
    std::string log;
    std::string category;  // a diagnosis category id
    std::string summary;
};

class ExampleCorpus {
public:
    // Loads <dir>/cmd.jsonl, kql.jsonl and diagnosis.jsonl. A malformed line is an error naming the
    // file and line; blank lines are skipped.
    static std::optional<ExampleCorpus> load(const std::string& dir, std::string* error);
    static std::optional<ExampleCorpus> load_default(std::string* error);  // knowledge_path("examples")

    const std::vector<CommandExample>& commands() const { return commands_; }
    const std::vector<KqlExample>& kql() const { return kql_; }
    const std::vector<DiagnosisExample>& diagnoses() const { return diagnoses_; }

    // The k most similar examples, best first (indices stay valid while the corpus lives).
    std::vector<const CommandExample*> similar_commands(std::string_view request, size_t k) const;
    std::vector<const KqlExample*> similar_kql(std::string_view question, size_t k) const;
    std::vector<const DiagnosisExample*> similar_diagnoses(std::string_view log, size_t k) const;

private:
    std::vector<CommandExample> commands_;
    std::vector<KqlExample> kql_;
    std::vector<DiagnosisExample> diagnoses_;
    Bm25Index command_index_, kql_index_, diagnosis_index_;  // doc id = decimal index
};

}  // namespace sigma::domain
