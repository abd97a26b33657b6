// CommandTask: a request in plain English becomes one checked command. Builds the prompt with
// retrieved examples, and turns the model's answer into a validated, risk-classified result.
// Not the generator: the caller runs the prompt on a Backend (blocking in the CLI, queued in the GUI).
#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include "app/backend.h"

namespace sigma::domain {
class ExampleCorpus;
}

namespace sigma::app {

struct CommandRequest {
    QString request;
    QString shell = QStringLiteral("bash");
    QString os = QStringLiteral("Linux");
    int example_count = 4;  // few-shot examples retrieved from the knowledge pack
    // N-best: answers generated per request (the greedy one plus sampled ones), then checked and
    // ranked. 1 = the greedy answer only. The default was chosen by measurement (README).
    int candidates = kDefaultCandidates;
    bool rerank = true;  // off: the first answer wins (still checked, repaired when `repair`)
    bool repair = true;  // copy the request's literals, replace unknown fields by the nearest valid name
    // Constrained decoding on the local engine: catalogued programs, options and fields, the
    // request's GPU ids, a valid line (read-only for a question) (app/domain/command_answer_constraint.h).
    bool constrain = true;
    // The catalogue slice in the prompt: the nvidia-smi fields, sections and options and the shell
    // tools' options whose descriptions best match the request. Off by default: measured (README).
    bool catalogue_slice = false;
    // Read-only nvidia-smi queries composed from the catalogue for the request's words join the
    // model's candidates (app/domain/command_proposals.h); the reranker chooses. Measured (README).
    bool proposals = true;
    static constexpr int kDefaultCandidates = 12;
};

struct ValidationMessage {
    QString severity;  // "error" | "warning" | "info"
    QString text;
    QStringList suggestions;
    int start = 0;
    int length = 0;
};

struct FlagDetail {
    QString item;     // one part of the value: "memory.used", "POWER", "1"
    QString meaning;  // "ENABLED", a field's description; may be empty
};

struct FlagExplanation {
    QString flag;     // the option as written, without its value: "-i", "--query-gpu"
    QString meaning;  // from the catalogue; empty when unknown
    QString value;    // "0", "memory.used,temperature.gpu"; empty when the option has none
    QList<FlagDetail> details;
    QString program;  // whose option it is in a pipeline: "ps", "nvidia-smi mig"
};

// Another candidate the pipeline generated and checked, in rank order after the chosen one.
struct CommandAlternative {
    QString command;
    QString risk;  // "read-only" | "changes-state" | "destructive"
    bool valid = false;
    double score = 0;  // the reranker's score; higher is better
};

struct CommandResult {
    QString request;
    QString command;
    QString explanation;
    QString risk = QStringLiteral("changes-state");  // "read-only" | "changes-state" | "destructive"
    QStringList reasons;
    bool valid = false;
    QList<ValidationMessage> messages;
    QList<FlagExplanation> flags;
    // What the checks covered, for a badge: "syntax, options and fields checked".
    QString checked;
    // Warnings a person must see next to the command, never silently: the command does more than the
    // request asked (intent–risk), or disagrees with the request's literals.
    QStringList warnings;
    QList<CommandAlternative> alternatives;
    QString raw_output;
    GenerationStats stats;

    // {"command", "explanation", "risk", "reasons", "valid", "messages", "flags", "checked",
    // "warnings", "alternatives"}; each flag is {"flag", "meaning", "program"} plus "value" and
    // "details" ([{"item", "meaning"}]) when present; each alternative {"command", "risk", "valid", "score"}.
    QJsonObject to_json() const;
};

class CommandTask {
public:
    explicit CommandTask(const domain::ExampleCorpus* corpus) : corpus_(corpus) {}

    GenerationRequest prepare(const CommandRequest& request) const;
    CommandResult finish(const CommandRequest& request, const QString& raw_output, const GenerationStats& stats) const;
    // N-best: every answer parsed, repaired, checked and ranked; the best becomes the result and the
    // rest its alternatives. The intent–risk guard and the literal check add warnings; the explanation
    // is rebuilt from the flags' meanings when the model's names something the command lacks.
    CommandResult finish_candidates(const CommandRequest& request, const QList<GeneratedAnswer>& answers,
                                    const GenerationStats& stats) const;

    // Validates and explains a command a person wrote (no model involved).
    static CommandResult check(const QString& command);

private:
    const domain::ExampleCorpus* corpus_;
};

}  // namespace sigma::app
