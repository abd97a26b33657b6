// Tests for HistoryStore: round trips of sessions, turns and executions, listing, renaming,
// cascading deletes, full-text search (including hostile query text), and schema migration.
// Not the crash and disk-error tests: those live in test_history_durability.cpp.
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include "app/data_paths.h"
#include "app/history_schema.h"
#include "app/history_store.h"
#include "app/job_recorder.h"
#include "raw_db.h"
#include "require_ok.h"

using namespace sigma::app;

namespace {

Session make_session(Panel panel, const QString& title, const QDateTime& at = {}) {
    Session s;
    s.panel = panel;
    s.title = title;
    s.created_at = at;
    s.updated_at = at;
    s.model = QStringLiteral("sigma-1.5b-q8_0.gguf");
    s.backend = QStringLiteral("local");
    return s;
}

Turn make_turn(qint64 session, const QString& request, const QString& output, const QDateTime& at = {}) {
    Turn t;
    t.session_id = session;
    t.request = request;
    t.raw_output = output;
    t.result_json = QStringLiteral("{\"command\":\"%1\"}").arg(output);
    t.prompt_tokens = 42;
    t.completion_tokens = 17;
    t.prompt_ms = 12.5;
    t.decode_ms = 80.25;
    t.created_at = at;
    return t;
}

const QDateTime kT0 = QDateTime(QDate(2026, 3, 1), QTime(9, 30, 0, 125), Qt::UTC);

}  // namespace

class TestHistoryStore : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    QString db_path(const char* name) const { return dir_.filePath(QString::fromUtf8(name)); }

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void open_creates_folder_and_schema() {
        HistoryStore store;
        const QString path = dir_.filePath(QStringLiteral("nested/deeper/history.sqlite"));
        auto s = store.open(path);
        REQUIRE_OK(s);
        QVERIFY(QFileInfo::exists(path));
        store.close();
        RawDb raw(path);
        QVERIFY(raw.ok());
        QCOMPARE(raw.scalar(QStringLiteral("PRAGMA user_version")).toInt(), history_sql::kSchemaVersion);
        QCOMPARE(raw.scalar(QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
    }

    void round_trip_session_turns_executions() {
        HistoryStore store;
        REQUIRE_OK(store.open(db_path("round.sqlite")));
        auto id = store.create_session(make_session(Panel::Diagnose, QStringLiteral("Xid 79 on node a3"), kT0));
        REQUIRE_OK(id);
        auto t1 = store.add_turn(make_turn(*id, QStringLiteral("why did the job die"),
                                           QStringLiteral("GPU fell off the bus"), kT0.addSecs(5)));
        REQUIRE_OK(t1);
        auto t2 =
            store.add_turn(make_turn(*id, QStringLiteral("and now?"), QStringLiteral("reset it"), kT0.addSecs(9)));
        REQUIRE_OK(t2);
        Execution e;
        e.session_id = *id;
        e.turn_id = *t2;
        e.command = QStringLiteral("nvidia-smi -r -i 0");
        e.exit_code = 3;
        e.duration_ms = 1234;
        e.output_excerpt = QStringLiteral("GPU reset failed");
        e.host = QStringLiteral("a3");
        e.started_at = kT0.addSecs(20);
        auto e1 = store.add_execution(e);
        REQUIRE_OK(e1);
        Execution loose = e;
        loose.turn_id.reset();
        loose.command = QStringLiteral("dmesg | tail");
        loose.started_at = kT0.addSecs(30);
        REQUIRE_OK(store.add_execution(loose));

        auto got = store.get_session(*id);
        REQUIRE_OK(got);
        QCOMPARE(got->id, *id);
        QCOMPARE(got->panel, Panel::Diagnose);
        QCOMPARE(got->title, QStringLiteral("Xid 79 on node a3"));
        QCOMPARE(got->created_at, kT0);
        QCOMPARE(got->updated_at, kT0.addSecs(30));  // follows the latest turn or execution
        QCOMPARE(got->model, QStringLiteral("sigma-1.5b-q8_0.gguf"));
        QCOMPARE(got->backend, QStringLiteral("local"));
        QCOMPARE(got->turn_count, 2);
        QCOMPARE(got->turns.size(), size_t(2));
        const Turn& t = got->turns[0];
        QCOMPARE(t.id, *t1);
        QCOMPARE(t.request, QStringLiteral("why did the job die"));
        QCOMPARE(t.raw_output, QStringLiteral("GPU fell off the bus"));
        QCOMPARE(t.result_json, QStringLiteral("{\"command\":\"GPU fell off the bus\"}"));
        QCOMPARE(t.prompt_tokens, 42);
        QCOMPARE(t.completion_tokens, 17);
        QCOMPARE(t.prompt_ms, 12.5);
        QCOMPARE(t.decode_ms, 80.25);
        QCOMPARE(t.created_at, kT0.addSecs(5));
        QCOMPARE(got->executions.size(), size_t(2));
        QCOMPARE(got->executions[0].id, *e1);
        QCOMPARE(got->executions[0].turn_id, std::optional<qint64>(*t2));
        QCOMPARE(got->executions[0].command, QStringLiteral("nvidia-smi -r -i 0"));
        QCOMPARE(got->executions[0].exit_code, 3);
        QCOMPARE(got->executions[0].duration_ms, qint64(1234));
        QCOMPARE(got->executions[0].output_excerpt, QStringLiteral("GPU reset failed"));
        QCOMPARE(got->executions[0].host, QStringLiteral("a3"));
        QCOMPARE(got->executions[0].started_at, kT0.addSecs(20));
        QVERIFY(!got->executions[1].turn_id.has_value());
    }

    void recorders_store_secrets_redacted_for_every_caller() {
        // The CLI jobs and the GUI panels both record through record_job / record_execution.
        const QString path = db_path("recorded.sqlite");
        JobRecord job{Panel::Kql,
                      QStringLiteral("sign-ins for db_password=hunter2 user=bob"),
                      QStringLiteral("curl -H 'Authorization: Bearer abcdef0123456789xyz' https://10.0.0.7/"),
                      QJsonObject{{"query", "SigninLogs"}},
                      {},
                      QStringLiteral("m.gguf"),
                      QStringLiteral("local")};
        const RecordOutcome rec = record_job(path, job);
        QVERIFY2(rec.session_id > 0, qPrintable(rec.warning));
        Execution e;
        e.session_id = rec.session_id;
        e.command = QStringLiteral("env");
        e.output_excerpt = QStringLiteral("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG\nHOME=/root");
        e.started_at = kT0;
        QVERIFY(record_execution(path, e).warning.isEmpty());

        HistoryStore store;
        REQUIRE_OK(store.open(path));
        auto got = store.get_session(rec.session_id);
        REQUIRE_OK(got);
        QCOMPARE(got->turns.size(), size_t(1));
        const Turn& t = got->turns[0];
        QVERIFY2(!t.request.contains("hunter2") && t.request.contains("user=bob"), qPrintable(t.request));
        QVERIFY2(!got->title.contains("hunter2"), qPrintable(got->title));
        // Only secrets: the address stays, the bearer token goes.
        QVERIFY2(!t.raw_output.contains("abcdef0123456789xyz") && t.raw_output.contains("10.0.0.7"),
                 qPrintable(t.raw_output));
        QCOMPARE(got->executions.size(), size_t(1));
        QVERIFY2(!got->executions[0].output_excerpt.contains("wJalrXUtnFEMI") &&
                     got->executions[0].output_excerpt.contains("HOME=/root"),
                 qPrintable(got->executions[0].output_excerpt));
    }

    void writes_to_missing_rows_name_them() {
        HistoryStore store;
        REQUIRE_OK(store.open(db_path("missing.sqlite")));
        auto turn = store.add_turn(make_turn(777, QStringLiteral("q"), QStringLiteral("a")));
        QVERIFY(!turn.ok());
        QVERIFY2(QString::fromStdString(turn.error().message).contains(QStringLiteral("no session with id 777")),
                 turn.error().message.c_str());
        auto other = store.create_session(make_session(Panel::Commands, QStringLiteral("other")));
        auto mine = store.create_session(make_session(Panel::Commands, QStringLiteral("mine")));
        auto foreign_turn = store.add_turn(make_turn(*other, QStringLiteral("q"), QStringLiteral("a")));
        Execution e;
        e.session_id = *mine;
        e.turn_id = *foreign_turn;
        e.command = QStringLiteral("true");
        auto exec = store.add_execution(e);
        QVERIFY(!exec.ok());
        QVERIFY2(QString::fromStdString(exec.error().message).contains(QStringLiteral("has no turn with id")),
                 exec.error().message.c_str());
        QCOMPARE(store.get_session(*mine)->executions.size(), size_t(0));  // rolled back
        auto rename = store.rename_session(4242, QStringLiteral("x"));
        QVERIFY(!rename.ok());
        QVERIFY(QString::fromStdString(rename.error().message).contains(QStringLiteral("4242")));
        auto get = store.get_session(4242);
        QVERIFY(!get.ok());
        QVERIFY(QString::fromStdString(get.error().message).contains(QStringLiteral("no session with id 4242")));
    }

    void list_filters_orders_and_pages() {
        HistoryStore store;
        REQUIRE_OK(store.open(db_path("list.sqlite")));
        std::vector<qint64> ids;
        const Panel panels[] = {Panel::Commands, Panel::Diagnose, Panel::Kql, Panel::Commands, Panel::Commands};
        for (int i = 0; i < 5; ++i) {
            auto id =
                store.create_session(make_session(panels[i], QStringLiteral("session %1").arg(i), kT0.addSecs(i * 60)));
            REQUIRE_OK(id);
            ids.push_back(*id);
        }
        // A turn on the oldest session makes it the most recent.
        REQUIRE_OK(store.add_turn(make_turn(ids[0], QStringLiteral("q"), QStringLiteral("a"), kT0.addSecs(3600))));

        auto all = store.list_sessions();
        REQUIRE_OK(all);
        QCOMPARE(all->size(), size_t(5));
        QCOMPARE(all->at(0).id, ids[0]);
        QCOMPARE(all->at(0).turn_count, 1);
        QVERIFY(all->at(0).turns.empty());  // summaries only
        QCOMPARE(all->at(1).id, ids[4]);
        QCOMPARE(all->at(4).id, ids[1]);

        SessionFilter commands;
        commands.panel = Panel::Commands;
        auto cmd = store.list_sessions(commands);
        REQUIRE_OK(cmd);
        QCOMPARE(cmd->size(), size_t(3));
        for (const Session& s : *cmd) QCOMPARE(s.panel, Panel::Commands);

        SessionFilter page;
        page.limit = 2;
        page.offset = 1;
        auto p = store.list_sessions(page);
        REQUIRE_OK(p);
        QCOMPARE(p->size(), size_t(2));
        QCOMPARE(p->at(0).id, ids[4]);
        QCOMPARE(p->at(1).id, ids[3]);

        SessionFilter bad;
        bad.limit = 0;
        QVERIFY(!store.list_sessions(bad).ok());
    }

    void rename_updates_title_and_search() {
        HistoryStore store;
        REQUIRE_OK(store.open(db_path("rename.sqlite")));
        auto id = store.create_session(make_session(Panel::Kql, QStringLiteral("failed logins"), kT0));
        REQUIRE_OK(store.rename_session(*id, QStringLiteral("throttled storage accounts")));
        auto got = store.get_session(*id);
        QCOMPARE(got->title, QStringLiteral("throttled storage accounts"));
        QVERIFY(got->updated_at > kT0);
        QCOMPARE(store.search(QStringLiteral("logins"))->size(), size_t(0));
        auto hits = store.search(QStringLiteral("throttled"));
        QCOMPARE(hits->size(), size_t(1));
        QCOMPARE(hits->at(0).session_id, *id);
        QVERIFY(!hits->at(0).turn_id.has_value());
        QCOMPARE(hits->at(0).snippet, QStringLiteral("[throttled] storage accounts"));
    }

    void pinned_round_trips() {
        HistoryStore store;
        REQUIRE_OK(store.open(db_path("pin.sqlite")));
        Session s = make_session(Panel::Commands, QStringLiteral("pinned"));
        s.pinned = true;
        auto a = store.create_session(s);
        auto b = store.create_session(make_session(Panel::Commands, QStringLiteral("plain")));
        QVERIFY(store.get_session(*a)->pinned);
        QVERIFY(!store.get_session(*b)->pinned);
        REQUIRE_OK(store.set_pinned(*b, true));
        QVERIFY(store.get_session(*b)->pinned);
        QVERIFY(!store.set_pinned(999, true).ok());
    }

    void delete_cascades_and_is_all_or_nothing() {
        const QString path = db_path("delete.sqlite");
        HistoryStore store;
        REQUIRE_OK(store.open(path));
        auto keep = store.create_session(make_session(Panel::Commands, QStringLiteral("keep me")));
        auto gone = store.create_session(make_session(Panel::Commands, QStringLiteral("remove me")));
        auto turn = store.add_turn(
            make_turn(*gone, QStringLiteral("restart kubelet"), QStringLiteral("systemctl restart kubelet")));
        REQUIRE_OK(store.add_turn(make_turn(*keep, QStringLiteral("list pods"), QStringLiteral("kubectl get pods"))));
        Execution e;
        e.session_id = *gone;
        e.turn_id = *turn;
        e.command = QStringLiteral("systemctl restart kubelet");
        REQUIRE_OK(store.add_execution(e));

        // One unknown id: nothing is deleted and the error names the id.
        auto refused = store.delete_sessions({*gone, 31337});
        QVERIFY(!refused.ok());
        QVERIFY(QString::fromStdString(refused.error().message).contains(QStringLiteral("31337")));
        REQUIRE_OK(store.get_session(*gone));

        auto deleted = store.delete_sessions({*gone});
        REQUIRE_OK(deleted);
        QCOMPARE(deleted->size(), size_t(1));
        QCOMPARE(deleted->at(0).title, QStringLiteral("remove me"));
        QCOMPARE(deleted->at(0).turn_count, 1);
        QVERIFY(!store.get_session(*gone).ok());
        QCOMPARE(store.search(QStringLiteral("kubelet"))->size(), size_t(0));
        QCOMPARE(store.search(QStringLiteral("remove"))->size(), size_t(0));
        QCOMPARE(store.search(QStringLiteral("pods"))->size(), size_t(1));
        store.close();

        RawDb raw(path);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM turns")).toInt(), 1);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM executions")).toInt(), 0);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM sessions")).toInt(), 1);
        // The external-content index agrees with its table.
        QVERIFY(raw.exec(QStringLiteral("INSERT INTO turns_fts(turns_fts, rank) VALUES ('integrity-check', 1)")));
        QVERIFY(raw.exec(QStringLiteral("INSERT INTO sessions_fts(sessions_fts, rank) VALUES ('integrity-check', 1)")));
    }

    void search_finds_requests_outputs_and_titles() {
        HistoryStore store;
        REQUIRE_OK(store.open(db_path("search.sqlite")));
        auto a = store.create_session(make_session(Panel::Commands, QStringLiteral("GPU memory")));
        auto b = store.create_session(make_session(Panel::Diagnose, QStringLiteral("OOM killer")));
        auto ta = store.add_turn(make_turn(*a, QStringLiteral("show memory use per GPU"),
                                           QStringLiteral("nvidia-smi --query-gpu=memory.used --format=csv")));
        QVERIFY(store
                    .add_turn(make_turn(*b, QStringLiteral("why was postgres killed"),
                                        QStringLiteral("the kernel OOM killer chose postgres")))
                    .ok());

        auto hits = store.search(QStringLiteral("nvidia-smi"));
        REQUIRE_OK(hits);
        QCOMPARE(hits->size(), size_t(1));
        QCOMPARE(hits->at(0).session_id, *a);
        QCOMPARE(hits->at(0).turn_id, std::optional<qint64>(*ta));
        QCOMPARE(hits->at(0).panel, Panel::Commands);
        QCOMPARE(hits->at(0).session_title, QStringLiteral("GPU memory"));
        QVERIFY2(hits->at(0).snippet.contains(QStringLiteral("[nvidia-smi] --query")), qPrintable(hits->at(0).snippet));

        hits = store.search(QStringLiteral("postgres killer"));  // every word, any order, any column
        REQUIRE_OK(hits);
        QCOMPARE(hits->size(), size_t(1));
        QCOMPARE(hits->at(0).session_id, *b);

        hits = store.search(QStringLiteral("memory"));  // a title and a turn of session a
        QCOMPARE(hits->size(), size_t(2));
        for (const SearchHit& h : *hits) QCOMPARE(h.session_id, *a);

        QCOMPARE(store.search(QStringLiteral("kubernetes"))->size(), size_t(0));
        QCOMPARE(store.search(QStringLiteral("memory"), 1)->size(), size_t(1));
    }

    void search_treats_query_syntax_as_text_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("expected_hits");
        QTest::newRow("unbalanced quote") << QStringLiteral("\"rm -rf") << 1;
        QTest::newRow("lone star") << QStringLiteral("*") << 0;
        QTest::newRow("prefix star") << QStringLiteral("rm*") << 1;
        QTest::newRow("leading minus") << QStringLiteral("-rf") << 1;
        QTest::newRow("NEAR group") << QStringLiteral("NEAR(rm tmp, 2)") << 0;
        QTest::newRow("boolean words") << QStringLiteral("rm OR AND NOT tmp") << 0;
        // As a filter on the request column it would match; as text, "request rm" is not there.
        QTest::newRow("column filter") << QStringLiteral("request:rm") << 0;
        QTest::newRow("caret") << QStringLiteral("^rm") << 1;
        QTest::newRow("parens and plus") << QStringLiteral("(rm + tmp)") << 1;
        QTest::newRow("single quotes") << QStringLiteral("'tmp'") << 1;
        QTest::newRow("doubled quotes") << QStringLiteral("\"\"\"tmp\"\"\"") << 1;
        QTest::newRow("only punctuation") << QStringLiteral("\" * - ( ) :") << 0;
        QTest::newRow("empty") << QString() << 0;
        QTest::newRow("unicode") << QStringLiteral("café") << 1;
    }
    void search_treats_query_syntax_as_text() {
        QFETCH(QString, text);
        QFETCH(int, expected_hits);
        HistoryStore store;
        REQUIRE_OK(store.open(db_path("hostile.sqlite")));
        if (store.list_sessions()->empty()) {
            auto id = store.create_session(make_session(Panel::Commands, QStringLiteral("cleanup")));
            QVERIFY(store
                        .add_turn(make_turn(*id, QStringLiteral("delete the tmp folder at the café"),
                                            QStringLiteral("rm -rf /var/tmp/build")))
                        .ok());
        }
        auto hits = store.search(text);
        REQUIRE_OK(hits);
        QCOMPARE(int(hits->size()), expected_hits);
    }

    void migrates_a_version_1_file() {
        const QString path = db_path("v1.sqlite");
        {
            // Version 1 as it was shipped, written by hand: no pinned column, no updated index.
            RawDb raw(path);
            QVERIFY(raw.ok());
            const char* v1[] = {
                "CREATE TABLE sessions (id INTEGER PRIMARY KEY, panel TEXT NOT NULL CHECK (panel IN "
                "('commands', 'diagnose', 'kql')), title TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, "
                "updated_at TEXT NOT NULL, model TEXT NOT NULL DEFAULT '', backend TEXT NOT NULL DEFAULT '')",
                "CREATE TABLE turns (id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL REFERENCES sessions (id) "
                "ON DELETE CASCADE, request TEXT NOT NULL, raw_output TEXT NOT NULL, result_json TEXT NOT NULL "
                "DEFAULT '', prompt_tokens INTEGER NOT NULL DEFAULT 0, completion_tokens INTEGER NOT NULL DEFAULT 0, "
                "prompt_ms REAL NOT NULL DEFAULT 0, decode_ms REAL NOT NULL DEFAULT 0, created_at TEXT NOT NULL)",
                "CREATE INDEX turns_by_session ON turns (session_id)",
                "CREATE TABLE executions (id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL REFERENCES sessions "
                "(id) ON DELETE CASCADE, turn_id INTEGER REFERENCES turns (id) ON DELETE SET NULL, command TEXT NOT "
                "NULL, exit_code INTEGER NOT NULL DEFAULT 0, duration_ms INTEGER NOT NULL DEFAULT 0, output_excerpt "
                "TEXT NOT NULL DEFAULT '', host TEXT NOT NULL DEFAULT '', started_at TEXT NOT NULL)",
                "CREATE INDEX executions_by_session ON executions (session_id)",
                "CREATE VIRTUAL TABLE turns_fts USING fts5(request, raw_output, content = 'turns', content_rowid = "
                "'id')",
                "CREATE VIRTUAL TABLE sessions_fts USING fts5(title, content = 'sessions', content_rowid = 'id')",
                "CREATE TRIGGER turns_fts_insert AFTER INSERT ON turns BEGIN INSERT INTO turns_fts (rowid, request, "
                "raw_output) VALUES (new.id, new.request, new.raw_output); END",
                "CREATE TRIGGER turns_fts_delete AFTER DELETE ON turns BEGIN INSERT INTO turns_fts (turns_fts, rowid, "
                "request, raw_output) VALUES ('delete', old.id, old.request, old.raw_output); END",
                "CREATE TRIGGER sessions_fts_insert AFTER INSERT ON sessions BEGIN INSERT INTO sessions_fts (rowid, "
                "title) VALUES (new.id, new.title); END",
                "CREATE TRIGGER sessions_fts_delete AFTER DELETE ON sessions BEGIN INSERT INTO sessions_fts "
                "(sessions_fts, rowid, title) VALUES ('delete', old.id, old.title); END",
                "INSERT INTO sessions (id, panel, title, created_at, updated_at) VALUES (7, 'kql', 'old session', "
                "'2025-12-31T23:00:00.000Z', '2025-12-31T23:30:00.000Z')",
                "INSERT INTO turns (session_id, request, raw_output, created_at) VALUES (7, 'failed sign-ins', "
                "'SigninLogs | where ResultType != 0', '2025-12-31T23:30:00.000Z')",
                "PRAGMA user_version = 1",
            };
            for (const char* sql : v1) QVERIFY(raw.exec(QString::fromUtf8(sql)));
        }
        HistoryStore store;
        auto s = store.open(path);
        REQUIRE_OK(s);
        auto old = store.get_session(7);
        REQUIRE_OK(old);
        QCOMPARE(old->title, QStringLiteral("old session"));
        QCOMPARE(old->panel, Panel::Kql);
        QVERIFY(!old->pinned);
        QCOMPARE(old->turns.size(), size_t(1));
        QCOMPARE(store.search(QStringLiteral("SigninLogs"))->size(), size_t(1));
        REQUIRE_OK(store.set_pinned(7, true));
        store.close();
        RawDb raw(path);
        QCOMPARE(raw.scalar(QStringLiteral("PRAGMA user_version")).toInt(), history_sql::kSchemaVersion);
        QCOMPARE(
            raw.scalar(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = 'sessions_by_updated'")).toInt(),
            1);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT pinned FROM sessions WHERE id = 7")).toInt(), 1);
    }

    void refuses_newer_schema_and_foreign_files_data() {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<int>("user_version");
        QTest::addColumn<QString>("expected");
        QTest::newRow("newer schema") << QByteArray() << 99 << QStringLiteral("newer than this build");
        QTest::newRow("text file") << QByteArray("this is not a database, just some notes\n").repeated(200) << 0
                                   << QStringLiteral("not a valid history database");
    }
    void refuses_newer_schema_and_foreign_files() {
        QFETCH(QByteArray, content);
        QFETCH(int, user_version);
        QFETCH(QString, expected);
        const QString path = dir_.filePath(QStringLiteral("foreign-%1.sqlite").arg(QTest::currentDataTag()));
        if (user_version) {
            RawDb raw(path);
            QVERIFY(raw.exec(QStringLiteral("PRAGMA user_version = %1").arg(user_version)));
        } else {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(content);
        }
        HistoryStore store;
        auto s = store.open(path);
        QVERIFY(!s.ok());
        QVERIFY2(QString::fromStdString(s.error().message).contains(expected), s.error().message.c_str());
        QVERIFY(!store.is_open());
        QVERIFY(!store.list_sessions().ok());  // refused with an error, not a crash
    }

    void two_stores_on_one_thread_and_one_per_thread() {
        const QString path = db_path("threads.sqlite");
        HistoryStore a;
        HistoryStore b;
        REQUIRE_OK(a.open(path));
        REQUIRE_OK(b.open(path));
        auto id = a.create_session(make_session(Panel::Commands, QStringLiteral("shared")));
        REQUIRE_OK(id);
        QCOMPARE(b.get_session(*id)->title, QStringLiteral("shared"));  // no cache: both see the file

        // Another thread may not borrow this store, but may open its own on the same file.
        QString borrowed_error;
        QString own_title;
        QThread* worker = QThread::create([&] {
            auto r = a.get_session(*id);
            borrowed_error = r.ok() ? QString() : QString::fromStdString(r.error().message);
            HistoryStore own;
            if (own.open(path).ok()) {
                auto mine = own.get_session(*id);
                if (mine.ok()) own_title = mine->title;
            }
        });
        worker->start();
        QVERIFY(worker->wait(60000));
        delete worker;
        QVERIFY2(borrowed_error.contains(QStringLiteral("thread")), qPrintable(borrowed_error));
        QCOMPARE(own_title, QStringLiteral("shared"));
    }

    void data_paths_follow_overrides_then_xdg_data() {
        QTest::addColumn<QString>("sigma_data");
        QTest::addColumn<QString>("xdg_data");
        QTest::addColumn<QString>("setter");
        QTest::addColumn<QString>("expected");
        QTest::newRow("home fallback") << ""
                                       << ""
                                       << ""
                                       << "/home/op/.local/share/sigma-ops/history.sqlite";
        QTest::newRow("xdg") << ""
                             << "/xdg/data"
                             << ""
                             << "/xdg/data/sigma-ops/history.sqlite";
        QTest::newRow("relative xdg ignored") << ""
                                              << "rel/data"
                                              << ""
                                              << "/home/op/.local/share/sigma-ops/history.sqlite";
        QTest::newRow("sigma env wins") << "/srv/sigma/"
                                        << "/xdg/data"
                                        << ""
                                        << "/srv/sigma/history.sqlite";
        QTest::newRow("setter wins") << "/srv/sigma"
                                     << "/xdg/data"
                                     << "/mnt/usb/ops"
                                     << "/mnt/usb/ops/history.sqlite";
    }
    void data_paths_follow_overrides_then_xdg() {
        QFETCH(QString, sigma_data);
        QFETCH(QString, xdg_data);
        QFETCH(QString, setter);
        QFETCH(QString, expected);
        QProcessEnvironment env;
        env.insert(QStringLiteral("HOME"), QStringLiteral("/home/op"));
        if (!sigma_data.isEmpty()) env.insert(QStringLiteral("SIGMA_DATA_DIR"), sigma_data);
        if (!xdg_data.isEmpty()) env.insert(QStringLiteral("XDG_DATA_HOME"), xdg_data);
        DataPaths paths(env);
        if (!setter.isEmpty()) paths.set_data_dir(setter);
        QCOMPARE(paths.history_db_path(), expected);
    }

    void config_dir_follows_xdg_config() {
        QProcessEnvironment env;
        env.insert(QStringLiteral("HOME"), QStringLiteral("/home/op"));
        QCOMPARE(DataPaths(env).config_dir(), QStringLiteral("/home/op/.config/sigma-ops"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), QStringLiteral("/etc/xdg-op"));
        DataPaths paths(env);
        QCOMPARE(paths.config_dir(), QStringLiteral("/etc/xdg-op/sigma-ops"));
        paths.set_config_dir(QStringLiteral("/tmp/conf"));
        QCOMPARE(paths.config_dir(), QStringLiteral("/tmp/conf"));
        paths.set_config_dir(QString());
        QCOMPARE(paths.config_dir(), QStringLiteral("/etc/xdg-op/sigma-ops"));
    }

    void fts_query_quotes_every_word() {
        QCOMPARE(HistoryStore::fts_query(QStringLiteral("rm -rf")), QStringLiteral("\"rm\" \"-rf\""));
        QCOMPARE(HistoryStore::fts_query(QStringLiteral("say \"hi\"")), QStringLiteral("\"say\" \"\"\"hi\"\"\""));
        QCOMPARE(HistoryStore::fts_query(QStringLiteral("  * -  ")), QString());
    }
};

QTEST_GUILESS_MAIN(TestHistoryStore)
#include "test_history_store.moc"
