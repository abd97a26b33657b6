// HistoryStore: the history of sessions, turns and executions in one SQLite file (QtSql, QSQLITE),
// with full-text search over requests, outputs and titles. Values in, values out; every failure is
// an Error whose message names the file and the problem (full, read-only, missing id, ...).
// Not thread-safe and not shared: a HistoryStore is used only on the thread that opened it (each
// store has its own connection, named after that thread); another thread opens its own store on
// the same file. Calls from another thread are refused with an error, never a crash.
#pragma once

#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlError>
#include <QString>

#include <optional>
#include <vector>

#include "app/history_types.h"
#include "inference/core/expected.h"

class QThread;

namespace sigma::app {

struct SessionFilter {
    std::optional<Panel> panel;  // unset: every panel
    int limit = 50;              // at most this many, newest first (1..10000)
    int offset = 0;
};

// The one scrub for what the history keeps and the export writes: secrets only (tokens, keys,
// passwords, PEM blocks; see domain::redact_secrets), so a stored request still reads as asked.
// Idempotent: scrubbed text scrubbed again is unchanged.
QString redact_secrets(const QString& text);
// JSON text scrubbed value by value, so it stays JSON: every string, plus the whole value of a member
// that names a secret ("password", "client_secret") or of a "value" next to a secret option
// ({"flag": "--token", "value": ...}). Text that is not JSON is scrubbed as text.
QString redact_secrets_in_json(const QString& json);
// Title, model, every turn's request, output and result, every execution's command and output.
Session redact_session(Session session);

// Every write below stores its text through redact_secrets / redact_secrets_in_json, whoever calls
// it, so the tables and their full-text indexes never hold a secret in the clear.
class HistoryStore {
public:
    HistoryStore() = default;
    ~HistoryStore();
    HistoryStore(const HistoryStore&) = delete;
    HistoryStore& operator=(const HistoryStore&) = delete;

    // Opens (creating the file and its folder if absent) and migrates to the current schema.
    // A read-only file or folder, a file that is not a database, or one written by a newer build
    // is refused with an error saying so.
    Status open(const QString& path);
    void close();
    bool is_open() const { return db_.isValid() && db_.isOpen(); }
    const QString& path() const { return path_; }

    // Each write is one transaction: it happens entirely or not at all.
    // Invalid timestamps are replaced by the current time. Returns the new row id.
    Expected<qint64> create_session(const Session& session);
    Expected<qint64> add_turn(const Turn& turn);
    Expected<qint64> add_execution(const Execution& execution);
    Status rename_session(qint64 id, const QString& title);
    Status set_pinned(qint64 id, bool pinned);
    // Deletes every listed session with its turns and executions, or none of them if any id is
    // unknown (the error names it). Returns what was deleted (summaries, without turns).
    Expected<std::vector<Session>> delete_sessions(const std::vector<qint64>& ids);

    // Summaries (no turns or executions; turn_count filled), most recently updated first.
    Expected<std::vector<Session>> list_sessions(const SessionFilter& filter = {});
    // One session with its turns and executions, oldest first.
    Expected<Session> get_session(qint64 id);
    // Full sessions updated at or after `since` (every session when `since` is invalid), oldest
    // first: what an export needs.
    Expected<std::vector<Session>> sessions_since(const QDateTime& since);
    // Turns and titles matching every word of `text`, best first. Any text is accepted: quotes,
    // '*', '-', NEAR and the like are matched as plain words, never parsed as query syntax.
    Expected<std::vector<SearchHit>> search(const QString& text, int limit = 50);

    // "ok" for a sound file; otherwise SQLite's report.
    Expected<QString> integrity_check();
    // Caps the file at `pages` pages of the current page size (a quota; writes past it fail with
    // the "full" error). Lasts for this connection only.
    Status set_max_page_count(qint64 pages);

    // The FTS5 MATCH expression for user text: each word as a quoted phrase, all required.
    // Empty when the text has no word characters at all.
    static QString fts_query(const QString& text);

private:
    Status check_usable(const char* action) const;
    Error sql_error(const QSqlError& error, const QString& action) const;
    template <typename Body>
    Status write_transaction(const QString& action, Body&& body);
    Expected<Session> load_summary(qint64 id);
    Status load_children(Session& session);

    QSqlDatabase db_;
    QString connection_;
    QString path_;
    QThread* owner_ = nullptr;
};

}  // namespace sigma::app
