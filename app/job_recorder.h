// JobRecorder: saves one job (a session with its turn) to the history database. Failing to save
// never fails the job: the answer is still shown, with a warning naming why it was not kept.
// Not a history browser: listing, search and export live in HistoryStore and GitExporter.
#pragma once

#include <QJsonObject>
#include <QString>

#include "app/backend.h"
#include "app/history_store.h"  // redact_secrets: what the recorders store goes through it
#include "app/history_types.h"

namespace sigma::app {

struct JobRecord {
    Panel panel = Panel::Commands;
    QString request;     // what the user asked (secrets are redacted when recorded)
    QString raw_output;  // the model's answer (secrets are redacted when recorded)
    QJsonObject result;  // the validated result
    GenerationStats stats;
    QString model;
    QString backend;
};

struct RecordOutcome {
    qint64 session_id = 0;  // 0 when not saved
    QString warning;        // why it was not saved
};

// Opens the database at `db_path` (created if absent), writes the session and its turn in one
// go (request and raw output with secrets redacted), and closes it.
// `title` names the session; empty: the request's first line (session_title). Diagnose names its
// sessions after the top finding and the source, since logs often start alike.
RecordOutcome record_job(const QString& db_path, const JobRecord& job, const QString& title = {});

// Appends an execution of a session's command (its output excerpt with secrets redacted).
RecordOutcome record_execution(const QString& db_path, const Execution& execution);

// The session title: the request's first line, at most 80 characters. Give it the redacted request:
// cutting first could leave a secret too short to be recognised.
QString session_title(const QString& request);

}  // namespace sigma::app
