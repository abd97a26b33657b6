// The history database's SQL: every statement as a named raw-string constant, and the schema
// migrations (one step per version, recorded in PRAGMA user_version).
// Not the store: nothing here opens a connection or runs a query except apply_migrations().
#pragma once

#include <QSqlDatabase>
#include <QSqlError>
#include <QString>
#include <QStringList>

#include "inference/core/expected.h"

namespace sigma::app::history_sql {

// The schema version this build writes. Stored on disk (PRAGMA user_version): never renumber.
constexpr int kSchemaVersion = 4;

// Connection settings, run on every open. WAL keeps readers off the writer's back and, with
// synchronous=NORMAL, a killed process never corrupts the file nor loses a committed transaction
// (a power cut may lose the last few, never the file).
inline constexpr const char* kPragmaJournalWal = R"sql(PRAGMA journal_mode = WAL)sql";
inline constexpr const char* kPragmaSynchronous = R"sql(PRAGMA synchronous = NORMAL)sql";
inline constexpr const char* kPragmaForeignKeys = R"sql(PRAGMA foreign_keys = ON)sql";
inline constexpr const char* kPragmaBusyTimeout = R"sql(PRAGMA busy_timeout = 5000)sql";
inline constexpr const char* kPragmaUserVersion = R"sql(PRAGMA user_version)sql";
inline constexpr const char* kPragmaIntegrityCheck = R"sql(PRAGMA integrity_check)sql";

// Writes take the write lock up front: a deferred transaction that reads and then writes can fail
// at once with SQLITE_BUSY when another connection committed in between, without waiting.
inline constexpr const char* kBeginWrite = R"sql(BEGIN IMMEDIATE)sql";
inline constexpr const char* kCommit = R"sql(COMMIT)sql";
inline constexpr const char* kRollback = R"sql(ROLLBACK)sql";

// ---- Writes -------------------------------------------------------------------------------------
inline constexpr const char* kInsertSession = R"sql(
INSERT INTO sessions (panel, title, created_at, updated_at, model, backend)
VALUES (:panel, :title, :created_at, :updated_at, :model, :backend)
)sql";

inline constexpr const char* kInsertTurn = R"sql(
INSERT INTO turns (session_id, request, raw_output, result_json, result_text, prompt_tokens,
                   completion_tokens, prompt_ms, decode_ms, created_at)
VALUES (:session_id, :request, :raw_output, :result_json, :result_text, :prompt_tokens,
        :completion_tokens, :prompt_ms, :decode_ms, :created_at)
)sql";

inline constexpr const char* kInsertExecution = R"sql(
INSERT INTO executions (session_id, turn_id, command, exit_code, duration_ms, output_excerpt, host,
                        started_at)
VALUES (:session_id, :turn_id, :command, :exit_code, :duration_ms, :output_excerpt, :host,
        :started_at)
)sql";

// Only ever moves forward, so a late writer with an older clock cannot make a session look older.
inline constexpr const char* kTouchSession = R"sql(
UPDATE sessions SET updated_at = max(updated_at, :updated_at) WHERE id = :id
)sql";

inline constexpr const char* kRenameSession = R"sql(
UPDATE sessions SET title = :title, updated_at = max(updated_at, :updated_at) WHERE id = :id
)sql";

inline constexpr const char* kSetPinned = R"sql(UPDATE sessions SET pinned = :pinned WHERE id = :id)sql";
inline constexpr const char* kSetPinnedOnCreate = R"sql(UPDATE sessions SET pinned = 1 WHERE id = :id)sql";

// Children first: the FTS triggers on turns must see each deleted row.
inline constexpr const char* kDeleteSessionExecutions = R"sql(DELETE FROM executions WHERE session_id = :id)sql";
inline constexpr const char* kDeleteSessionTurns = R"sql(DELETE FROM turns WHERE session_id = :id)sql";
inline constexpr const char* kDeleteSession = R"sql(DELETE FROM sessions WHERE id = :id)sql";

// ---- Reads --------------------------------------------------------------------------------------
inline constexpr const char* kSessionColumns = R"sql(
s.id, s.panel, s.title, s.created_at, s.updated_at, s.model, s.backend, s.pinned,
(SELECT count(*) FROM turns t WHERE t.session_id = s.id) AS turn_count
)sql";

inline constexpr const char* kSelectSessionById = R"sql(
SELECT %1 FROM sessions s WHERE s.id = :id
)sql";

// Newest first; :panel NULL means every panel.
inline constexpr const char* kListSessions = R"sql(
SELECT %1 FROM sessions s
WHERE (:panel IS NULL OR s.panel = :panel2)
ORDER BY s.updated_at DESC, s.id DESC
LIMIT :limit OFFSET :offset
)sql";

inline constexpr const char* kSessionsSince = R"sql(
SELECT %1 FROM sessions s WHERE s.updated_at >= :since ORDER BY s.created_at, s.id
)sql";

inline constexpr const char* kSelectTurns = R"sql(
SELECT id, session_id, request, raw_output, result_json, prompt_tokens, completion_tokens,
       prompt_ms, decode_ms, created_at
FROM turns WHERE session_id = :session_id ORDER BY id
)sql";

inline constexpr const char* kSelectExecutions = R"sql(
SELECT id, session_id, turn_id, command, exit_code, duration_ms, output_excerpt, host, started_at
FROM executions WHERE session_id = :session_id ORDER BY id
)sql";

inline constexpr const char* kSessionExists = R"sql(SELECT 1 FROM sessions WHERE id = :id)sql";
inline constexpr const char* kTurnInSession = R"sql(
SELECT 1 FROM turns WHERE id = :turn_id AND session_id = :session_id
)sql";

// Full text: turns (request, output, the result's words such as findings and evidence) and session titles, best matches first. snippet() column -1
// lets FTS5 pick the column that matched.
inline constexpr const char* kSearch = R"sql(
SELECT hit.session_id, hit.turn_id, s.panel, s.title, hit.snippet FROM (
  SELECT t.session_id AS session_id, t.id AS turn_id,
         snippet(turns_fts, -1, '[', ']', '...', 12) AS snippet, bm25(turns_fts) AS rank
  FROM turns_fts JOIN turns t ON t.id = turns_fts.rowid
  WHERE turns_fts MATCH :query_turns
  UNION ALL
  SELECT sessions_fts.rowid, NULL, snippet(sessions_fts, 0, '[', ']', '...', 12),
         bm25(sessions_fts)
  FROM sessions_fts
  WHERE sessions_fts MATCH :query_titles
) AS hit JOIN sessions s ON s.id = hit.session_id
ORDER BY hit.rank, hit.session_id DESC, hit.turn_id
LIMIT :limit
)sql";

// ---- Migrations ---------------------------------------------------------------------------------
// v0 -> v1: the tables, and FTS5 indexes kept in sync by triggers in the writer's transaction.
inline constexpr const char* kMigrateV1[] = {
    R"sql(
CREATE TABLE sessions (
  id         INTEGER PRIMARY KEY,
  panel      TEXT NOT NULL CHECK (panel IN ('commands', 'diagnose', 'kql')),
  title      TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  model      TEXT NOT NULL DEFAULT '',
  backend    TEXT NOT NULL DEFAULT ''
))sql",
    R"sql(
CREATE TABLE turns (
  id                INTEGER PRIMARY KEY,
  session_id        INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  request           TEXT NOT NULL,
  raw_output        TEXT NOT NULL,
  result_json       TEXT NOT NULL DEFAULT '',
  prompt_tokens     INTEGER NOT NULL DEFAULT 0,
  completion_tokens INTEGER NOT NULL DEFAULT 0,
  prompt_ms         REAL NOT NULL DEFAULT 0,
  decode_ms         REAL NOT NULL DEFAULT 0,
  created_at        TEXT NOT NULL
))sql", R"sql(CREATE INDEX turns_by_session ON turns (session_id))sql",
    R"sql(
CREATE TABLE executions (
  id             INTEGER PRIMARY KEY,
  session_id     INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  turn_id        INTEGER REFERENCES turns (id) ON DELETE SET NULL,
  command        TEXT NOT NULL,
  exit_code      INTEGER NOT NULL DEFAULT 0,
  duration_ms    INTEGER NOT NULL DEFAULT 0,
  output_excerpt TEXT NOT NULL DEFAULT '',
  host           TEXT NOT NULL DEFAULT '',
  started_at     TEXT NOT NULL
))sql", R"sql(CREATE INDEX executions_by_session ON executions (session_id))sql",
    R"sql(
CREATE VIRTUAL TABLE turns_fts USING fts5(request, raw_output, content = 'turns', content_rowid = 'id'))sql",
    R"sql(
CREATE VIRTUAL TABLE sessions_fts USING fts5(title, content = 'sessions', content_rowid = 'id'))sql",
    R"sql(
CREATE TRIGGER turns_fts_insert AFTER INSERT ON turns BEGIN
  INSERT INTO turns_fts (rowid, request, raw_output) VALUES (new.id, new.request, new.raw_output);
END)sql",
    R"sql(
CREATE TRIGGER turns_fts_delete AFTER DELETE ON turns BEGIN
  INSERT INTO turns_fts (turns_fts, rowid, request, raw_output)
  VALUES ('delete', old.id, old.request, old.raw_output);
END)sql",
    R"sql(
CREATE TRIGGER turns_fts_update AFTER UPDATE OF request, raw_output ON turns BEGIN
  INSERT INTO turns_fts (turns_fts, rowid, request, raw_output)
  VALUES ('delete', old.id, old.request, old.raw_output);
  INSERT INTO turns_fts (rowid, request, raw_output) VALUES (new.id, new.request, new.raw_output);
END)sql",
    R"sql(
CREATE TRIGGER sessions_fts_insert AFTER INSERT ON sessions BEGIN
  INSERT INTO sessions_fts (rowid, title) VALUES (new.id, new.title);
END)sql",
    R"sql(
CREATE TRIGGER sessions_fts_delete AFTER DELETE ON sessions BEGIN
  INSERT INTO sessions_fts (sessions_fts, rowid, title) VALUES ('delete', old.id, old.title);
END)sql",
    R"sql(
CREATE TRIGGER sessions_fts_update AFTER UPDATE OF title ON sessions BEGIN
  INSERT INTO sessions_fts (sessions_fts, rowid, title) VALUES ('delete', old.id, old.title);
  INSERT INTO sessions_fts (rowid, title) VALUES (new.id, new.title);
END)sql",
};

// v1 -> v2: sessions can be pinned, and listing by recency no longer scans the table.
inline constexpr const char* kMigrateV2[] = {
    R"sql(ALTER TABLE sessions ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0)sql",
    R"sql(CREATE INDEX sessions_by_updated ON sessions (updated_at))sql",
};

// v2 -> v3: the result is searchable too (a Diagnose finding's title, evidence and explanation, a
// command's explanation): turns.result_text holds the string values of result_json, and turns_fts
// indexes it beside the request and output. Older rows are filled from their JSON here.
inline constexpr const char* kMigrateV3[] = {
    R"sql(ALTER TABLE turns ADD COLUMN result_text TEXT NOT NULL DEFAULT '')sql",
    R"sql(
UPDATE turns SET result_text = coalesce(
  (SELECT group_concat(value, char(10)) FROM json_tree(turns.result_json) WHERE type = 'text'), '')
WHERE json_valid(result_json))sql",
    R"sql(DROP TRIGGER IF EXISTS turns_fts_insert)sql",
    R"sql(DROP TRIGGER IF EXISTS turns_fts_delete)sql",
    R"sql(DROP TRIGGER IF EXISTS turns_fts_update)sql",
    R"sql(DROP TABLE turns_fts)sql",
    R"sql(
CREATE VIRTUAL TABLE turns_fts USING fts5(request, raw_output, result_text, content = 'turns',
                                          content_rowid = 'id'))sql",
    R"sql(
CREATE TRIGGER turns_fts_insert AFTER INSERT ON turns BEGIN
  INSERT INTO turns_fts (rowid, request, raw_output, result_text)
  VALUES (new.id, new.request, new.raw_output, new.result_text);
END)sql",
    R"sql(
CREATE TRIGGER turns_fts_delete AFTER DELETE ON turns BEGIN
  INSERT INTO turns_fts (turns_fts, rowid, request, raw_output, result_text)
  VALUES ('delete', old.id, old.request, old.raw_output, old.result_text);
END)sql",
    R"sql(
CREATE TRIGGER turns_fts_update AFTER UPDATE OF request, raw_output, result_text ON turns BEGIN
  INSERT INTO turns_fts (turns_fts, rowid, request, raw_output, result_text)
  VALUES ('delete', old.id, old.request, old.raw_output, old.result_text);
  INSERT INTO turns_fts (rowid, request, raw_output, result_text)
  VALUES (new.id, new.request, new.raw_output, new.result_text);
END)sql",
    R"sql(INSERT INTO turns_fts (turns_fts) VALUES ('rebuild'))sql",
};

// v3 -> v4: rows written by builds whose redaction missed some secrets are redacted again in C++
// (history_redaction_step.cpp) before these statements; then both FTS indexes are merged into one
// segment, so no old token survives in a superseded segment (secure_delete zeroes freed pages).
inline constexpr const char* kMigrateV4[] = {
    R"sql(INSERT INTO turns_fts (turns_fts) VALUES ('optimize'))sql",
    R"sql(INSERT INTO sessions_fts (sessions_fts) VALUES ('optimize'))sql",
};

// Reads user_version and applies each missing step in its own transaction (the step and the new
// user_version commit together, so a crash between steps leaves a consistent older version).
// Refuses a database written by a newer build. `what` names the file in error messages.
Status apply_migrations(QSqlDatabase& db, const QString& what);

// An error naming the file and what failed, in the user's terms: a full disk or a read-only file
// says so (SQLITE_FULL, SQLITE_READONLY), anything else carries the action and SQLite's text.
Error describe_sql_error(const QSqlError& error, const QString& action, const QString& path);

// The schema version recorded in the file, or an error.
Expected<int> read_user_version(QSqlDatabase& db);

}  // namespace sigma::app::history_sql
