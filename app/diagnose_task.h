// DiagnoseTask: pasted logs become findings that cite their evidence lines, a root cause and next
// steps. The rules engine finds and cites; redaction scrubs every cited line before it is stored or
// sent; a model, when one is used, only writes the summary. Not a log viewer: it keeps no full copy.
#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <istream>

#include "app/backend.h"
#include "app/domain/diag_engine.h"
#include "app/domain/redactor.h"

namespace sigma::app {

struct DiagnoseResult {
    QString category = QStringLiteral("unknown");  // stored: a category id, never renamed
    domain::DiagnosisReport report;                // findings, with evidence lines already redacted
    QString root_cause;                            // the model's, or the top finding's explanation
    QStringList next_steps;
    QStringList commands;                              // read-only commands that collect more evidence
    QString summary_source = QStringLiteral("rules");  // "rules" or "model"
    QString raw_output;                                // the model's answer, when a model was used
    GenerationStats stats;

    // {"category", "root_cause", "next_steps", "commands", "findings": [...], "lines_read", "truncated", "summary_source"}
    QJsonObject to_json() const;
};

class DiagnoseTask {
public:
    explicit DiagnoseTask(const domain::SignaturePack& pack, domain::RedactOptions redact = {})
        : pack_(pack), redact_options_(redact) {}

    // Runs the rules engine over the stream (any size, bounded memory) and redacts what it cites.
    // With secrets redaction on, PEM block bodies are blanked out of the stream before the engine
    // reads it (a block is tracked across lines), so no key line can be cited.
    DiagnoseResult analyse(std::istream& log) const;
    DiagnoseResult analyse_text(const QString& log) const;

    // The model prompt: findings and the redacted evidence excerpt. Only for a report with findings.
    GenerationRequest prepare(const DiagnoseResult& rules) const;
    // Adds the model's root cause and next steps. The category stays the rules engine's unless it
    // found nothing and the model names a known category.
    DiagnoseResult finish(DiagnoseResult rules, const QString& raw_output, const GenerationStats& stats) const;

private:
    DiagnoseResult from_report(domain::DiagnosisReport report) const;
    const domain::SignaturePack& pack_;
    domain::RedactOptions redact_options_;
};

}  // namespace sigma::app
