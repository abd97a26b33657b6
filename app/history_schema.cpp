// Schema migrations for the history database, and the translation of SQLite failures into errors
// that say what went wrong in the user's terms (full, read-only, locked, not a database).
// Not the store's API: HistoryStore calls these while opening.
#include "app/history_schema.h"

#include "app/history_redaction_step.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <span>

namespace sigma::app::history_sql {

Error describe_sql_error(const QSqlError& error, const QString& action, const QString& path) {
    // The driver reports SQLite's (possibly extended) result code as text; the low byte is the
    // primary code.
    bool ok = false;
    const int code = error.nativeErrorCode().toInt(&ok) & 0xff;
    const QString detail = error.databaseText().isEmpty() ? error.text() : error.databaseText();
    QString msg;
    switch (ok ? code : -1) {
        case 13:  // SQLITE_FULL
            msg = QStringLiteral("history database %1 is full (%2): free disk space and retry").arg(path, detail);
            break;
        case 8:  // SQLITE_READONLY
            msg = QStringLiteral(
                      "history database %1 is read-only (%2): check the permissions of "
                      "the file and its folder")
                      .arg(path, detail);
            break;
        case 5:  // SQLITE_BUSY
        case 6:  // SQLITE_LOCKED
            msg =
                QStringLiteral("history database %1 is locked by another connection or process (%2)").arg(path, detail);
            break;
        case 26:  // SQLITE_NOTADB
        case 11:  // SQLITE_CORRUPT
            msg = QStringLiteral("%1 is not a valid history database (%2)").arg(path, detail);
            break;
        case 14:  // SQLITE_CANTOPEN
            msg = QStringLiteral("cannot open history database %1 (%2)").arg(path, detail);
            break;
        default: msg = QStringLiteral("history database %1: %2 failed: %3").arg(path, action, detail); break;
    }
    return make_error(ErrorCode::Io, msg.toStdString());
}

Expected<int> read_user_version(QSqlDatabase& db) {
    QSqlQuery q(db);
    if (!q.exec(QString::fromUtf8(kPragmaUserVersion)) || !q.next())
        return describe_sql_error(q.lastError(), QStringLiteral("reading the schema version"), db.databaseName());
    return q.value(0).toInt();
}

namespace {

Status run_step(QSqlDatabase& db, std::span<const char* const> statements, int to_version, const QString& what) {
    const QString action = QStringLiteral("migrating the schema to version %1").arg(to_version);
    if (!db.transaction()) return describe_sql_error(db.lastError(), action, what);
    QSqlQuery q(db);
    if (to_version == 4) {
        // Freed pages are zeroed, so the old text of a rewritten row does not stay in the file.
        q.exec(QStringLiteral("PRAGMA secure_delete = ON"));
        if (Status s = redact_stored_rows(db, what); !s) {
            db.rollback();
            return s;
        }
    }
    for (const char* sql : statements) {
        if (!q.exec(QString::fromUtf8(sql))) {
            const Error e = describe_sql_error(q.lastError(), action, what);
            db.rollback();
            return e;
        }
    }
    // PRAGMA takes no bound parameters; the version is our own constant.
    if (!q.exec(QStringLiteral("PRAGMA user_version = %1").arg(to_version))) {
        const Error e = describe_sql_error(q.lastError(), action, what);
        db.rollback();
        return e;
    }
    if (!db.commit()) {
        const Error e = describe_sql_error(db.lastError(), action, what);
        db.rollback();
        return e;
    }
    return {};
}

}  // namespace

Status apply_migrations(QSqlDatabase& db, const QString& what) {
    auto version = read_user_version(db);
    if (!version) return version.error();
    if (*version > kSchemaVersion)
        return make_error(ErrorCode::Unsupported,
                          QStringLiteral("history database %1 has schema version %2, newer than this "
                                         "build understands (%3): update Sigma Ops")
                              .arg(what)
                              .arg(*version)
                              .arg(kSchemaVersion)
                              .toStdString());
    if (*version < 0)
        return make_error(ErrorCode::Format, QStringLiteral("history database %1 has an invalid schema version %2")
                                                 .arg(what)
                                                 .arg(*version)
                                                 .toStdString());
    // One entry per step; step i takes the file from version i to i + 1.
    const std::span<const char* const> steps[] = {kMigrateV1, kMigrateV2, kMigrateV3, kMigrateV4};
    static_assert(sizeof(steps) / sizeof(steps[0]) == kSchemaVersion);
    const int from = *version;
    for (int v = from; v < kSchemaVersion; ++v) {
        if (Status s = run_step(db, steps[v], v + 1, what); !s) return s;
    }
    if (from > 0 && from < 4) {
        // Old text may still sit in the write-ahead log: fold it into the file and empty the log.
        QSqlQuery q(db);
        q.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
    }
    return {};
}

}  // namespace sigma::app::history_sql
