// JobRecorder: one short-lived HistoryStore per job, so the CLI holds no database open while the
// model generates and a read-only or full database only costs the record, not the answer.
#include "app/job_recorder.h"

#include <QJsonDocument>

#include "app/history_store.h"

namespace sigma::app {

QString session_title(const QString& request) {
    QString title = request.section(QLatin1Char('\n'), 0, 0).simplified();
    if (title.size() > 80) title = title.left(77) + QStringLiteral("...");
    return title.isEmpty() ? QStringLiteral("(empty request)") : title;
}

RecordOutcome record_job(const QString& db_path, const JobRecord& job, const QString& title) {
    RecordOutcome out;
    HistoryStore store;
    if (Status s = store.open(db_path); !s) {
        out.warning = QString::fromStdString(s.error().message);
        return out;
    }
    Session session;
    session.panel = job.panel;
    const QString request = redact_secrets(job.request);
    session.title = title.trimmed().isEmpty() ? session_title(request) : session_title(redact_secrets(title));
    session.model = job.model;
    session.backend = job.backend;
    auto sid = store.create_session(session);
    if (!sid) {
        out.warning = QString::fromStdString(sid.error().message);
        return out;
    }
    Turn turn;
    turn.session_id = *sid;
    turn.request = request;
    turn.raw_output = redact_secrets(job.raw_output);
    turn.result_json =
        redact_secrets_in_json(QString::fromUtf8(QJsonDocument(job.result).toJson(QJsonDocument::Compact)));
    turn.prompt_tokens = job.stats.prompt_tokens;
    turn.completion_tokens = job.stats.completion_tokens;
    turn.prompt_ms = static_cast<double>(job.stats.prompt_ms);
    turn.decode_ms = static_cast<double>(job.stats.generate_ms);
    auto tid = store.add_turn(turn);
    if (!tid) {
        // The session row without its turn is useless: remove it so history shows no empty session.
        (void)store.delete_sessions({*sid});
        out.warning = QString::fromStdString(tid.error().message);
        return out;
    }
    out.session_id = *sid;
    return out;
}

RecordOutcome record_execution(const QString& db_path, const Execution& execution) {
    RecordOutcome out;
    HistoryStore store;
    if (Status s = store.open(db_path); !s) {
        out.warning = QString::fromStdString(s.error().message);
        return out;
    }
    Execution redacted = execution;
    redacted.command = redact_secrets(execution.command);
    redacted.output_excerpt = redact_secrets(execution.output_excerpt);
    auto id = store.add_execution(redacted);
    if (!id) {
        out.warning = QString::fromStdString(id.error().message);
        return out;
    }
    out.session_id = execution.session_id;
    return out;
}

}  // namespace sigma::app
