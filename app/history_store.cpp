// HistoryStore: QtSql over one SQLite file. Every write runs in a transaction that is rolled back
// on any failure; FTS5 indexes are kept in sync by triggers inside that same transaction.
// Not a cache: every call reads the file, so two stores (two threads) on one file agree.
#include "app/history_store.h"

#include <QAtomicInteger>
#include <algorithm>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QStringList>
#include <QThread>
#include <QVariant>

#include "app/domain/redactor.h"
#include "app/history_schema.h"

namespace sigma::app {

namespace hs = history_sql;

namespace {

QAtomicInteger<quint64> g_connection_serial;  // makes names unique when one thread opens several

QString to_db(const QDateTime& t) { return t.toUTC().toString(Qt::ISODateWithMs); }
QDateTime from_db(const QVariant& v) {
    QDateTime t = QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
    return t.isValid() ? t.toUTC() : t;
}
// A null QString binds as SQL NULL; the text columns are NOT NULL and take "" for nothing.
QString text(const QString& s) { return s.isNull() ? QString(QLatin1String("")) : s; }

// The string values of a result's JSON, one a line, for full-text search (the keys are left out, so
// a search for "category" finds only results that say it). Empty for text that is not JSON.
void collect_strings(const QJsonValue& v, QStringList& out) {
    if (v.isString()) out << v.toString();
    else if (v.isArray())
        for (const QJsonValue& e : v.toArray()) collect_strings(e, out);
    else if (v.isObject())
        for (const QJsonValue& e : v.toObject()) collect_strings(e, out);
}
QString result_text(const QString& json) {
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8());
    QStringList out;
    if (doc.isObject()) collect_strings(doc.object(), out);
    else if (doc.isArray()) collect_strings(doc.array(), out);
    return out.join(QLatin1Char('\n'));
}

QDateTime or_now(const QDateTime& t) { return t.isValid() ? t.toUTC() : QDateTime::currentDateTimeUtc(); }

Error not_found(qint64 id) {
    return make_error(ErrorCode::InvalidArgument, QStringLiteral("no session with id %1").arg(id).toStdString());
}

QJsonValue scrub_json(const QJsonValue& v, domain::Redactor& r, bool whole) {
    if (v.isString()) {
        const std::string s = v.toString().toStdString();
        return QString::fromStdString(whole ? r.redact_whole_secret(s) : r.redact(s));
    }
    if (v.isArray()) {
        QJsonArray out;
        for (const QJsonValue& e : v.toArray()) out.append(scrub_json(e, r, false));
        return out;
    }
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        // {"flag": "--token", "value": "..."}: the option names the secret, "value" holds it.
        bool option_names_secret = false;
        for (const char* k : {"flag", "option", "name", "key"}) {
            const QJsonValue n = o.value(QLatin1String(k));
            option_names_secret =
                option_names_secret || (n.isString() && domain::names_a_secret(n.toString().toStdString()));
        }
        QJsonObject out;
        for (auto it = o.begin(); it != o.end(); ++it) {
            const bool secret = domain::names_a_secret(it.key().toStdString()) ||
                                (option_names_secret && it.key() == QLatin1String("value"));
            out.insert(it.key(), scrub_json(it.value(), r, secret));
        }
        return out;
    }
    return v;
}

Session read_summary(const QSqlQuery& q) {
    Session s;
    s.id = q.value(0).toLongLong();
    s.panel = panel_from_name(q.value(1).toString()).value_or(Panel::Commands);
    s.title = q.value(2).toString();
    s.created_at = from_db(q.value(3));
    s.updated_at = from_db(q.value(4));
    s.model = q.value(5).toString();
    s.backend = q.value(6).toString();
    s.pinned = q.value(7).toInt() != 0;
    s.turn_count = q.value(8).toInt();
    return s;
}

QString with_session_columns(const char* sql) {
    return QString::fromUtf8(sql).arg(QString::fromUtf8(hs::kSessionColumns));
}

}  // namespace

QString redact_secrets(const QString& text) {
    if (text.isEmpty()) return text;
    return QString::fromStdString(domain::redact_secrets(text.toStdString()));
}

QString redact_secrets_in_json(const QString& json) {
    if (json.isEmpty()) return json;
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || doc.isNull()) return redact_secrets(json);
    domain::Redactor r(domain::RedactOptions::secrets_only());
    const QJsonValue root = doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array());
    const QJsonValue scrubbed = scrub_json(root, r, false);
    if (scrubbed == root) return json;  // nothing secret: the text stays byte for byte
    const QJsonDocument out =
        scrubbed.isObject() ? QJsonDocument(scrubbed.toObject()) : QJsonDocument(scrubbed.toArray());
    return QString::fromUtf8(out.toJson(QJsonDocument::Compact));
}

Session redact_session(Session session) {
    session.title = redact_secrets(session.title);
    session.model = redact_secrets(session.model);
    for (Turn& t : session.turns) {
        t.request = redact_secrets(t.request);
        t.raw_output = redact_secrets(t.raw_output);
        t.result_json = redact_secrets_in_json(t.result_json);
    }
    for (Execution& e : session.executions) {
        e.command = redact_secrets(e.command);
        e.output_excerpt = redact_secrets(e.output_excerpt);
    }
    return session;
}

HistoryStore::~HistoryStore() { close(); }

void HistoryStore::close() {
    if (connection_.isEmpty()) return;
    if (db_.isOpen()) db_.close();
    db_ = QSqlDatabase();  // drop our handle first, so removing the connection finds it unused
    QSqlDatabase::removeDatabase(connection_);
    connection_.clear();
    owner_ = nullptr;
}

Error HistoryStore::sql_error(const QSqlError& error, const QString& action) const {
    return hs::describe_sql_error(error, action, path_);
}

Status HistoryStore::check_usable(const char* action) const {
    if (!is_open())
        return make_error(
            ErrorCode::InvalidArgument,
            QStringLiteral("history store is not open (while %1)").arg(QString::fromUtf8(action)).toStdString());
    if (QThread::currentThread() != owner_)
        return make_error(ErrorCode::InvalidArgument,
                          QStringLiteral("history store for %1 used from a thread other than the one that opened it "
                                         "(while %2); open a store on each thread")
                              .arg(path_, QString::fromUtf8(action))
                              .toStdString());
    return {};
}

template <typename Body>
Status HistoryStore::write_transaction(const QString& action, Body&& body) {
    QSqlQuery control(db_);
    if (!control.exec(QString::fromUtf8(hs::kBeginWrite))) return sql_error(control.lastError(), action);
    Status s = body();
    if (!s) {
        control.exec(QString::fromUtf8(hs::kRollback));
        return s;
    }
    if (!control.exec(QString::fromUtf8(hs::kCommit))) {
        const Error e = sql_error(control.lastError(), action);
        control.exec(QString::fromUtf8(hs::kRollback));
        return e;
    }
    return {};
}

Status HistoryStore::open(const QString& path) {
    close();
    if (path.isEmpty()) return make_error(ErrorCode::InvalidArgument, "history database path is empty");
    const QFileInfo file(path);
    path_ = file.absoluteFilePath();
    if (file.exists() && !file.isFile())
        return make_error(ErrorCode::InvalidArgument,
                          QStringLiteral("history database path %1 is not a regular file").arg(path_).toStdString());
    const QString folder = file.absolutePath();
    if (!QDir().mkpath(folder))
        return make_error(
            ErrorCode::Io,
            QStringLiteral("cannot create the folder %1 for the history database").arg(folder).toStdString());
    // SQLite would quietly open a read-only file read-only and fail on the first write; say so now.
    // WAL also needs to create its -wal and -shm files beside the database.
    if (file.exists() && !file.isWritable())
        return make_error(ErrorCode::Io, QStringLiteral("history database %1 is read-only: check the permissions "
                                                        "of the file")
                                             .arg(path_)
                                             .toStdString());
    if (!QFileInfo(folder).isWritable())
        return make_error(ErrorCode::Io, QStringLiteral("history database %1 is in a read-only folder %2: the "
                                                        "database needs to write its journal there")
                                             .arg(path_, folder)
                                             .toStdString());

    connection_ = QStringLiteral("sigma-history-%1-%2")
                      .arg(reinterpret_cast<quintptr>(QThread::currentThreadId()))
                      .arg(g_connection_serial.fetchAndAddRelaxed(1));
    db_ = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection_);
    if (!db_.isValid()) {
        close();
        return make_error(ErrorCode::Unsupported, "the Qt SQLite driver (QSQLITE) is not available");
    }
    owner_ = QThread::currentThread();
    db_.setDatabaseName(path_);
    if (!db_.open()) {
        const Error e = sql_error(db_.lastError(), QStringLiteral("opening"));
        close();
        return e;
    }
    QSqlQuery q(db_);
    for (const char* pragma :
         {hs::kPragmaBusyTimeout, hs::kPragmaJournalWal, hs::kPragmaSynchronous, hs::kPragmaForeignKeys}) {
        if (!q.exec(QString::fromUtf8(pragma))) {
            const Error e = sql_error(q.lastError(), QStringLiteral("setting up the connection"));
            q = QSqlQuery();
            close();
            return e;
        }
    }
    q = QSqlQuery();
    if (Status s = hs::apply_migrations(db_, path_); !s) {
        close();
        return s;
    }
    return {};
}

Expected<qint64> HistoryStore::create_session(const Session& session) {
    if (Status s = check_usable("creating a session"); !s) return s.error();
    const QString action = QStringLiteral("creating a session");
    const QDateTime created = or_now(session.created_at);
    const QDateTime updated = session.updated_at.isValid() ? std::max(session.updated_at.toUTC(), created) : created;
    qint64 id = 0;
    Status s = write_transaction(action, [&]() -> Status {
        QSqlQuery q(db_);
        if (!q.prepare(QString::fromUtf8(hs::kInsertSession))) return sql_error(q.lastError(), action);
        q.bindValue(QStringLiteral(":panel"), panel_name(session.panel));
        q.bindValue(QStringLiteral(":title"), text(redact_secrets(session.title)));
        q.bindValue(QStringLiteral(":created_at"), to_db(created));
        q.bindValue(QStringLiteral(":updated_at"), to_db(updated));
        q.bindValue(QStringLiteral(":model"), text(redact_secrets(session.model)));
        q.bindValue(QStringLiteral(":backend"), text(session.backend));
        if (!q.exec()) return sql_error(q.lastError(), action);
        id = q.lastInsertId().toLongLong();
        if (session.pinned) {
            QSqlQuery p(db_);
            if (!p.prepare(QString::fromUtf8(hs::kSetPinnedOnCreate))) return sql_error(p.lastError(), action);
            p.bindValue(QStringLiteral(":id"), id);
            if (!p.exec()) return sql_error(p.lastError(), action);
        }
        return {};
    });
    if (!s) return s.error();
    return id;
}

Expected<qint64> HistoryStore::add_turn(const Turn& turn) {
    if (Status s = check_usable("adding a turn"); !s) return s.error();
    const QString action = QStringLiteral("adding a turn to session %1").arg(turn.session_id);
    const QString created = to_db(or_now(turn.created_at));
    qint64 id = 0;
    Status s = write_transaction(action, [&]() -> Status {
        QSqlQuery q(db_);
        if (!q.prepare(QString::fromUtf8(hs::kSessionExists))) return sql_error(q.lastError(), action);
        q.bindValue(QStringLiteral(":id"), turn.session_id);
        if (!q.exec()) return sql_error(q.lastError(), action);
        if (!q.next()) return not_found(turn.session_id);
        if (!q.prepare(QString::fromUtf8(hs::kInsertTurn))) return sql_error(q.lastError(), action);
        q.bindValue(QStringLiteral(":session_id"), turn.session_id);
        q.bindValue(QStringLiteral(":request"), text(redact_secrets(turn.request)));
        q.bindValue(QStringLiteral(":raw_output"), text(redact_secrets(turn.raw_output)));
        const QString result_json = redact_secrets_in_json(turn.result_json);
        q.bindValue(QStringLiteral(":result_json"), text(result_json));
        q.bindValue(QStringLiteral(":result_text"), text(result_text(result_json)));
        q.bindValue(QStringLiteral(":prompt_tokens"), turn.prompt_tokens);
        q.bindValue(QStringLiteral(":completion_tokens"), turn.completion_tokens);
        q.bindValue(QStringLiteral(":prompt_ms"), turn.prompt_ms);
        q.bindValue(QStringLiteral(":decode_ms"), turn.decode_ms);
        q.bindValue(QStringLiteral(":created_at"), created);
        if (!q.exec()) return sql_error(q.lastError(), action);
        id = q.lastInsertId().toLongLong();
        if (!q.prepare(QString::fromUtf8(hs::kTouchSession))) return sql_error(q.lastError(), action);
        q.bindValue(QStringLiteral(":updated_at"), created);
        q.bindValue(QStringLiteral(":id"), turn.session_id);
        if (!q.exec()) return sql_error(q.lastError(), action);
        return {};
    });
    if (!s) return s.error();
    return id;
}

Expected<qint64> HistoryStore::add_execution(const Execution& execution) {
    if (Status s = check_usable("adding an execution"); !s) return s.error();
    const QString action = QStringLiteral("adding an execution to session %1").arg(execution.session_id);
    const QString started = to_db(or_now(execution.started_at));
    qint64 id = 0;
    Status s = write_transaction(action, [&]() -> Status {
        QSqlQuery q(db_);
        if (!q.prepare(QString::fromUtf8(hs::kSessionExists))) return sql_error(q.lastError(), action);
        q.bindValue(QStringLiteral(":id"), execution.session_id);
        if (!q.exec()) return sql_error(q.lastError(), action);
        if (!q.next()) return not_found(execution.session_id);
        if (execution.turn_id) {
            if (!q.prepare(QString::fromUtf8(hs::kTurnInSession))) return sql_error(q.lastError(), action);
            q.bindValue(QStringLiteral(":turn_id"), *execution.turn_id);
            q.bindValue(QStringLiteral(":session_id"), execution.session_id);
            if (!q.exec()) return sql_error(q.lastError(), action);
            if (!q.next())
                return make_error(ErrorCode::InvalidArgument, QStringLiteral("session %1 has no turn with id %2")
                                                                  .arg(execution.session_id)
                                                                  .arg(*execution.turn_id)
                                                                  .toStdString());
        }
        if (!q.prepare(QString::fromUtf8(hs::kInsertExecution))) return sql_error(q.lastError(), action);
        q.bindValue(QStringLiteral(":session_id"), execution.session_id);
        q.bindValue(QStringLiteral(":turn_id"),
                    execution.turn_id ? QVariant(*execution.turn_id) : QVariant(QMetaType(QMetaType::LongLong)));
        q.bindValue(QStringLiteral(":command"), text(redact_secrets(execution.command)));
        q.bindValue(QStringLiteral(":exit_code"), execution.exit_code);
        q.bindValue(QStringLiteral(":duration_ms"), execution.duration_ms);
        q.bindValue(QStringLiteral(":output_excerpt"), text(redact_secrets(execution.output_excerpt)));
        q.bindValue(QStringLiteral(":host"), text(execution.host));
        q.bindValue(QStringLiteral(":started_at"), started);
        if (!q.exec()) return sql_error(q.lastError(), action);
        id = q.lastInsertId().toLongLong();
        if (!q.prepare(QString::fromUtf8(hs::kTouchSession))) return sql_error(q.lastError(), action);
        q.bindValue(QStringLiteral(":updated_at"), started);
        q.bindValue(QStringLiteral(":id"), execution.session_id);
        if (!q.exec()) return sql_error(q.lastError(), action);
        return {};
    });
    if (!s) return s.error();
    return id;
}

Status HistoryStore::rename_session(qint64 id, const QString& title) {
    if (Status s = check_usable("renaming a session"); !s) return s;
    const QString action = QStringLiteral("renaming session %1").arg(id);
    return write_transaction(action, [&]() -> Status {
        QSqlQuery q(db_);
        if (!q.prepare(QString::fromUtf8(hs::kRenameSession))) return sql_error(q.lastError(), action);
        q.bindValue(QStringLiteral(":title"), text(redact_secrets(title)));
        q.bindValue(QStringLiteral(":updated_at"), to_db(QDateTime::currentDateTimeUtc()));
        q.bindValue(QStringLiteral(":id"), id);
        if (!q.exec()) return sql_error(q.lastError(), action);
        if (q.numRowsAffected() != 1) return not_found(id);
        return {};
    });
}

Status HistoryStore::set_pinned(qint64 id, bool pinned) {
    if (Status s = check_usable("pinning a session"); !s) return s;
    const QString action = QStringLiteral("pinning session %1").arg(id);
    return write_transaction(action, [&]() -> Status {
        QSqlQuery q(db_);
        if (!q.prepare(QString::fromUtf8(hs::kSetPinned))) return sql_error(q.lastError(), action);
        q.bindValue(QStringLiteral(":pinned"), pinned ? 1 : 0);
        q.bindValue(QStringLiteral(":id"), id);
        if (!q.exec()) return sql_error(q.lastError(), action);
        if (q.numRowsAffected() != 1) return not_found(id);
        return {};
    });
}

Expected<std::vector<Session>> HistoryStore::delete_sessions(const std::vector<qint64>& ids) {
    if (Status s = check_usable("deleting sessions"); !s) return s.error();
    const QString action = QStringLiteral("deleting sessions");
    std::vector<Session> deleted;
    Status s = write_transaction(action, [&]() -> Status {
        for (qint64 id : ids) {
            auto summary = load_summary(id);
            if (!summary) return summary.error();
            QSqlQuery q(db_);
            for (const char* sql : {hs::kDeleteSessionExecutions, hs::kDeleteSessionTurns, hs::kDeleteSession}) {
                if (!q.prepare(QString::fromUtf8(sql))) return sql_error(q.lastError(), action);
                q.bindValue(QStringLiteral(":id"), id);
                if (!q.exec()) return sql_error(q.lastError(), action);
            }
            deleted.push_back(std::move(summary.value()));
        }
        return {};
    });
    if (!s) return s.error();
    return deleted;
}

Expected<Session> HistoryStore::load_summary(qint64 id) {
    const QString action = QStringLiteral("reading session %1").arg(id);
    QSqlQuery q(db_);
    if (!q.prepare(with_session_columns(hs::kSelectSessionById))) return sql_error(q.lastError(), action);
    q.bindValue(QStringLiteral(":id"), id);
    if (!q.exec()) return sql_error(q.lastError(), action);
    if (!q.next()) return not_found(id);
    return read_summary(q);
}

Status HistoryStore::load_children(Session& session) {
    const QString action = QStringLiteral("reading session %1").arg(session.id);
    QSqlQuery q(db_);
    q.setForwardOnly(true);
    if (!q.prepare(QString::fromUtf8(hs::kSelectTurns))) return sql_error(q.lastError(), action);
    q.bindValue(QStringLiteral(":session_id"), session.id);
    if (!q.exec()) return sql_error(q.lastError(), action);
    session.turns.clear();
    while (q.next()) {
        Turn t;
        t.id = q.value(0).toLongLong();
        t.session_id = q.value(1).toLongLong();
        t.request = q.value(2).toString();
        t.raw_output = q.value(3).toString();
        t.result_json = q.value(4).toString();
        t.prompt_tokens = q.value(5).toInt();
        t.completion_tokens = q.value(6).toInt();
        t.prompt_ms = q.value(7).toDouble();
        t.decode_ms = q.value(8).toDouble();
        t.created_at = from_db(q.value(9));
        session.turns.push_back(std::move(t));
    }
    if (q.lastError().isValid()) return sql_error(q.lastError(), action);
    session.turn_count = static_cast<int>(session.turns.size());
    if (!q.prepare(QString::fromUtf8(hs::kSelectExecutions))) return sql_error(q.lastError(), action);
    q.bindValue(QStringLiteral(":session_id"), session.id);
    if (!q.exec()) return sql_error(q.lastError(), action);
    session.executions.clear();
    while (q.next()) {
        Execution e;
        e.id = q.value(0).toLongLong();
        e.session_id = q.value(1).toLongLong();
        if (!q.value(2).isNull()) e.turn_id = q.value(2).toLongLong();
        e.command = q.value(3).toString();
        e.exit_code = q.value(4).toInt();
        e.duration_ms = q.value(5).toLongLong();
        e.output_excerpt = q.value(6).toString();
        e.host = q.value(7).toString();
        e.started_at = from_db(q.value(8));
        session.executions.push_back(std::move(e));
    }
    if (q.lastError().isValid()) return sql_error(q.lastError(), action);
    return {};
}

Expected<std::vector<Session>> HistoryStore::list_sessions(const SessionFilter& filter) {
    if (Status s = check_usable("listing sessions"); !s) return s.error();
    if (filter.limit < 1 || filter.limit > 10000 || filter.offset < 0)
        return make_error(ErrorCode::InvalidArgument,
                          QStringLiteral("listing sessions: limit must be 1..10000 and offset >= 0 (got %1, %2)")
                              .arg(filter.limit)
                              .arg(filter.offset)
                              .toStdString());
    const QString action = QStringLiteral("listing sessions");
    QSqlQuery q(db_);
    q.setForwardOnly(true);
    if (!q.prepare(with_session_columns(hs::kListSessions))) return sql_error(q.lastError(), action);
    const QVariant panel = filter.panel ? QVariant(panel_name(*filter.panel)) : QVariant(QMetaType(QMetaType::QString));
    q.bindValue(QStringLiteral(":panel"), panel);
    q.bindValue(QStringLiteral(":panel2"), panel);
    q.bindValue(QStringLiteral(":limit"), filter.limit);
    q.bindValue(QStringLiteral(":offset"), filter.offset);
    if (!q.exec()) return sql_error(q.lastError(), action);
    std::vector<Session> out;
    while (q.next()) out.push_back(read_summary(q));
    if (q.lastError().isValid()) return sql_error(q.lastError(), action);
    return out;
}

Expected<Session> HistoryStore::get_session(qint64 id) {
    if (Status s = check_usable("reading a session"); !s) return s.error();
    // One read transaction, so the session and its children are one consistent snapshot.
    if (!db_.transaction()) return sql_error(db_.lastError(), QStringLiteral("reading session %1").arg(id));
    auto session = load_summary(id);
    Status children = session ? load_children(session.value()) : Status(session.error());
    db_.rollback();
    if (!children) return children.error();
    return session;
}

Expected<std::vector<Session>> HistoryStore::sessions_since(const QDateTime& since) {
    if (Status s = check_usable("reading sessions for export"); !s) return s.error();
    const QString action = QStringLiteral("reading sessions for export");
    if (!db_.transaction()) return sql_error(db_.lastError(), action);
    std::vector<Session> out;
    Status status = [&]() -> Status {
        QSqlQuery q(db_);
        q.setForwardOnly(true);
        if (!q.prepare(with_session_columns(hs::kSessionsSince))) return sql_error(q.lastError(), action);
        // Every stored timestamp sorts after the empty string.
        q.bindValue(QStringLiteral(":since"), since.isValid() ? to_db(since) : QString(QLatin1String("")));
        if (!q.exec()) return sql_error(q.lastError(), action);
        while (q.next()) out.push_back(read_summary(q));
        if (q.lastError().isValid()) return sql_error(q.lastError(), action);
        for (Session& s : out)
            if (Status c = load_children(s); !c) return c;
        return {};
    }();
    db_.rollback();
    if (!status) return status.error();
    return out;
}

QString HistoryStore::fts_query(const QString& text) {
    static const QRegularExpression kSpace(QStringLiteral("\\s+"));
    QStringList phrases;
    for (const QString& word : text.split(kSpace, Qt::SkipEmptyParts)) {
        // A word with no letter or digit would be an empty phrase: nothing to match.
        if (std::none_of(word.begin(), word.end(), [](QChar c) { return c.isLetterOrNumber(); })) continue;
        QString quoted = word;
        quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        phrases << QLatin1Char('"') + quoted + QLatin1Char('"');
    }
    return phrases.join(QLatin1Char(' '));
}

Expected<std::vector<SearchHit>> HistoryStore::search(const QString& text, int limit) {
    if (Status s = check_usable("searching"); !s) return s.error();
    if (limit < 1) return make_error(ErrorCode::InvalidArgument, "search limit must be at least 1");
    const QString match = fts_query(text);
    std::vector<SearchHit> hits;
    if (match.isEmpty()) return hits;
    const QString action = QStringLiteral("searching for \"%1\"").arg(text);
    QSqlQuery q(db_);
    q.setForwardOnly(true);
    if (!q.prepare(QString::fromUtf8(hs::kSearch))) return sql_error(q.lastError(), action);
    q.bindValue(QStringLiteral(":query_turns"), match);
    q.bindValue(QStringLiteral(":query_titles"), match);
    q.bindValue(QStringLiteral(":limit"), limit);
    if (!q.exec()) return sql_error(q.lastError(), action);
    while (q.next()) {
        SearchHit h;
        h.session_id = q.value(0).toLongLong();
        if (!q.value(1).isNull()) h.turn_id = q.value(1).toLongLong();
        h.panel = panel_from_name(q.value(2).toString()).value_or(Panel::Commands);
        h.session_title = q.value(3).toString();
        h.snippet = q.value(4).toString();
        hits.push_back(std::move(h));
    }
    if (q.lastError().isValid()) return sql_error(q.lastError(), action);
    return hits;
}

Expected<QString> HistoryStore::integrity_check() {
    if (Status s = check_usable("checking integrity"); !s) return s.error();
    QSqlQuery q(db_);
    if (!q.exec(QString::fromUtf8(hs::kPragmaIntegrityCheck)))
        return sql_error(q.lastError(), QStringLiteral("checking integrity"));
    QStringList lines;
    while (q.next()) lines << q.value(0).toString();
    return lines.join(QLatin1Char('\n'));
}

Status HistoryStore::set_max_page_count(qint64 pages) {
    if (Status s = check_usable("setting the page limit"); !s) return s;
    if (pages < 1) return make_error(ErrorCode::InvalidArgument, "max page count must be at least 1");
    QSqlQuery q(db_);
    // PRAGMA takes no bound parameters; `pages` is an integer we format ourselves.
    if (!q.exec(QStringLiteral("PRAGMA max_page_count = %1").arg(pages)))
        return sql_error(q.lastError(), QStringLiteral("setting the page limit"));
    return {};
}

}  // namespace sigma::app
