// KqlTask: a question becomes a Kusto query checked against the table schema. The prompt shows only
// the relevant slice of the schema and similar worked examples; a bounded repair loop feeds the
// validator's errors back to the model. Not the generator: the caller runs each prompt on a Backend.
#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

#include "app/backend.h"
#include "app/command_task.h"  // ValidationMessage

namespace sigma::domain {
class ExampleCorpus;
class KqlSchema;
struct KqlTableHints;
}  // namespace sigma::domain

namespace sigma::app {

struct KqlRequest {
    QString question;
    int example_count = 4;
    int max_repairs = 2;                  // extra generations allowed to fix validator errors
    int max_tables = 3;                   // tables in the schema slice
    int candidates = kDefaultCandidates;  // N-best answers per round (1 = the greedy one)
    bool rerank = true;                   // off: the first answer wins
    bool repair = true;        // deterministic repair: the ranker's table, nearest valid names, failing stages dropped
    int context_tokens = 512;  // the model's context: a repair prompt is cut to fit it
    // Constrained decoding on the local engine: names from the schema and the language
    // (app/domain/kql_answer_constraint.h). Off by default: measured (README).
    bool constrain = false;
    static constexpr int kDefaultCandidates = 4;
};

struct KqlResult {
    QString question;
    QString query;
    bool valid = false;
    QList<ValidationMessage> diagnostics;
    QStringList tables;        // schema tables the query uses
    QStringList columns;       // schema columns the query uses
    QStringList slice_tables;  // tables shown to the model
    int repairs = 0;           // repair rounds that ran
    QString checked;           // what the checks covered, for a badge: "syntax and schema checked"
    QStringList warnings;      // e.g. the query's tables do not match what the question is about
    QStringList alternatives;  // other checked candidates, in rank order
    QString raw_output;        // the last answer
    GenerationStats stats;     // summed over rounds

    // {"query", "valid", "diagnostics", "tables", "columns", "repairs", "checked", "warnings", "alternatives"}
    QJsonObject to_json() const;
};

class KqlTask {
public:
    KqlTask(const domain::KqlSchema& schema, const domain::KqlTableHints& hints, const domain::ExampleCorpus* corpus)
        : schema_(schema), hints_(hints), corpus_(corpus) {}

    GenerationRequest prepare(const KqlRequest& request) const;
    KqlResult finish(const KqlRequest& request, const QString& raw_output, const GenerationStats& stats) const;
    // N-best: every answer parsed, repaired deterministically, validated and ranked (valid first, then
    // agreement with the table ranker, then the question's words in its columns, then votes).
    KqlResult finish_candidates(const KqlRequest& request, const QList<GeneratedAnswer>& answers,
                                const GenerationStats& stats) const;
    // The next prompt when `result` is invalid and repairs remain; nullopt otherwise. The prompt is
    // short (the best table's slice, the query and the errors, no examples) and is cut to fit
    // request.context_tokens with room for the answer.
    std::optional<GenerationRequest> repair(const KqlRequest& request, const GenerationRequest& previous,
                                            const KqlResult& result) const;
    // Validates a query a person wrote.
    KqlResult check(const QString& query) const;

private:
    KqlResult analyse(const QString& query) const;
    const domain::KqlSchema& schema_;
    const domain::KqlTableHints& hints_;
    const domain::ExampleCorpus* corpus_;
};

}  // namespace sigma::app
