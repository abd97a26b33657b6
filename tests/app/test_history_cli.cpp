// Tests for `sigma history` and `sigma export`: the built CLI run as a process against a database
// filled through HistoryStore, checking output, --json, exit codes and the error messages.
// Not the store's or the exporter's own tests: those cover their logic; this covers the wiring.
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "app/history_store.h"
#include "app/session_markdown.h"
#include "require_ok.h"
#include "sigma_cli.h"

using namespace sigma::app;

namespace {

using sigma_test::Run;
using sigma_test::sigma_path;

Run run(const QStringList& args, const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment(),
        const QString& cwd = {}) {
    return sigma_test::run_sigma(args, {}, env, cwd, 120000);
}

const QDateTime kT0 = QDateTime(QDate(2026, 5, 4), QTime(10, 0, 0), Qt::UTC);

}  // namespace

class TestHistoryCli : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    QString db_;
    qint64 gpu_ = 0, disk_ = 0, kql_ = 0;

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        QVERIFY2(QFileInfo::exists(sigma_path()),
                 qPrintable(QStringLiteral("the sigma CLI is not built at ") + sigma_path()));
        db_ = dir_.filePath(QStringLiteral("history.sqlite"));
        HistoryStore store;
        REQUIRE_OK(store.open(db_));
        auto add = [&](Panel panel, const QString& title, const QString& request, const QString& output,
                       int minutes) -> qint64 {
            Session s;
            s.panel = panel;
            s.title = title;
            s.created_at = kT0.addSecs(minutes * 60);
            auto id = store.create_session(s);
            if (!id) return 0;
            Turn t;
            t.session_id = *id;
            t.request = request;
            t.raw_output = output;
            t.created_at = s.created_at.addSecs(5);
            return store.add_turn(t).ok() ? *id : 0;
        };
        gpu_ = add(Panel::Commands, QStringLiteral("GPU clocks"), QStringLiteral("show gpu clocks"),
                   QStringLiteral("nvidia-smi -q -d CLOCK"), 0);
        disk_ = add(Panel::Diagnose, QStringLiteral("Disk full"), QStringLiteral("why is /var full"),
                    QStringLiteral("journald logs fill /var/log"), 1);
        kql_ = add(Panel::Kql, QStringLiteral("Failed sign-ins"), QStringLiteral("failed sign-ins today"),
                   QStringLiteral("SigninLogs | where ResultType != 0"), 2);
        QVERIFY(gpu_ && disk_ && kql_);
    }

    void list_prints_sessions_newest_first() {
        const Run r = run({QStringLiteral("history"), QStringLiteral("list"), QStringLiteral("--db"), db_});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.indexOf(QStringLiteral("Failed sign-ins")) < r.out.indexOf(QStringLiteral("GPU clocks")),
                 qPrintable(r.out));
        QVERIFY(r.out.contains(QStringLiteral("diagnose")));
        QCOMPARE(r.err, QString());
    }

    void list_json_filters_by_panel() {
        const Run r = run({QStringLiteral("history"), QStringLiteral("list"), QStringLiteral("--panel"),
                           QStringLiteral("diagnose"), QStringLiteral("--json"), QStringLiteral("--db"), db_});
        QCOMPARE(r.code, 0);
        const QJsonArray a = QJsonDocument::fromJson(r.out.toUtf8()).array();
        QCOMPARE(a.size(), 1);
        QCOMPARE(a[0].toObject()[QStringLiteral("id")].toInteger(), disk_);
        QCOMPARE(a[0].toObject()[QStringLiteral("panel")].toString(), QStringLiteral("diagnose"));
        QCOMPARE(a[0].toObject()[QStringLiteral("turn_count")].toInt(), 1);
        const Run limited = run({QStringLiteral("history"), QStringLiteral("list"), QStringLiteral("--limit"),
                                 QStringLiteral("2"), QStringLiteral("--json"), QStringLiteral("--db"), db_});
        QCOMPARE(QJsonDocument::fromJson(limited.out.toUtf8()).array().size(), 2);
    }

    void data_dir_comes_from_the_environment() {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SIGMA_DATA_DIR"), dir_.path());  // holds history.sqlite
        const Run r = run({QStringLiteral("history"), QStringLiteral("list"), QStringLiteral("--json")}, env);
        QCOMPARE(r.code, 0);
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).array().size(), 3);
        // An empty data folder: nothing listed, and nothing created by looking.
        QTemporaryDir empty;
        env.insert(QStringLiteral("SIGMA_DATA_DIR"), empty.path());
        const Run none = run({QStringLiteral("history"), QStringLiteral("list")}, env);
        QCOMPARE(none.code, 0);
        QCOMPARE(none.out, QStringLiteral("No sessions.\n"));
        QVERIFY(!QFileInfo::exists(QDir(empty.path()).filePath(QStringLiteral("history.sqlite"))));
    }

    void search_prints_snippets() {
        const Run r = run({QStringLiteral("history"), QStringLiteral("search"), QStringLiteral("nvidia-smi"),
                           QStringLiteral("--json"), QStringLiteral("--db"), db_});
        QCOMPARE(r.code, 0);
        const QJsonArray a = QJsonDocument::fromJson(r.out.toUtf8()).array();
        QCOMPARE(a.size(), 1);
        QCOMPARE(a[0].toObject()[QStringLiteral("session_id")].toInteger(), gpu_);
        QVERIFY(a[0].toObject()[QStringLiteral("snippet")].toString().contains(QStringLiteral("[nvidia-smi]")));
        // Query syntax in the text is matched as words, never an error.
        const Run hostile = run({QStringLiteral("history"), QStringLiteral("search"), QStringLiteral("\"NEAR(*"),
                                 QStringLiteral("-x"), QStringLiteral("--db"), db_});
        QCOMPARE(hostile.code, 2);  // -x is an unknown option, reported as such
        const Run quoted = run({QStringLiteral("history"), QStringLiteral("search"), QStringLiteral("\"/var (full*"),
                                QStringLiteral("--db"), db_});
        QCOMPARE(quoted.code, 0);
        QVERIFY2(quoted.out.contains(QStringLiteral("session %1").arg(disk_)), qPrintable(quoted.out + quoted.err));
    }

    void show_prints_markdown_or_json() {
        const Run r = run(
            {QStringLiteral("history"), QStringLiteral("show"), QString::number(kql_), QStringLiteral("--db"), db_});
        QCOMPARE(r.code, 0);
        HistoryStore store;
        REQUIRE_OK(store.open(db_));
        auto s = store.get_session(kql_);
        REQUIRE_OK(s);
        QCOMPARE(r.out, render_session_markdown(*s));
        const Run j = run({QStringLiteral("history"), QStringLiteral("show"), QString::number(kql_),
                           QStringLiteral("--json"), QStringLiteral("--db"), db_});
        const QJsonObject o = QJsonDocument::fromJson(j.out.toUtf8()).object();
        QCOMPARE(o[QStringLiteral("title")].toString(), QStringLiteral("Failed sign-ins"));
        QCOMPARE(o[QStringLiteral("turns")].toArray()[0].toObject()[QStringLiteral("raw_output")].toString(),
                 QStringLiteral("SigninLogs | where ResultType != 0"));
        const Run missing = run(
            {QStringLiteral("history"), QStringLiteral("show"), QStringLiteral("9999"), QStringLiteral("--db"), db_});
        QCOMPARE(missing.code, 1);
        QVERIFY2(missing.err.contains(QStringLiteral("no session with id 9999")), qPrintable(missing.err));
    }

    void usage_errors_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no subcommand") << QStringList{"history"} << "expected list";
        QTest::newRow("unknown subcommand") << QStringList{"history", "frob"} << "unknown subcommand 'frob'";
        QTest::newRow("unknown panel") << QStringList{"history", "list", "--panel", "chat"} << "unknown panel 'chat'";
        QTest::newRow("bad limit") << QStringList{"history", "list", "--limit", "lots"} << "expects an integer";
        QTest::newRow("show without id") << QStringList{"history", "show"} << "exactly one session ID";
        QTest::newRow("show word id") << QStringList{"history", "show", "latest"} << "'latest' is not a session ID";
        QTest::newRow("search without text") << QStringList{"history", "search"} << "needs the TEXT";
        QTest::newRow("delete without id") << QStringList{"history", "delete"} << "at least one session ID";
        QTest::newRow("panel on search") << QStringList{"history", "search", "x", "--panel", "kql"}
                                         << "apply to 'history list' only";
        QTest::newRow("export without git") << QStringList{"export"} << "--git DIR is required";
        QTest::newRow("export bad since")
            << QStringList{"export", "--git", "x", "--since", "yesterday"} << "--since expects a date";
        QTest::newRow("export bad author")
            << QStringList{"export", "--git", "x", "--author", "bob"} << "--author expects";
        QTest::newRow("export stray") << QStringList{"export", "--git", "x", "extra"} << "unexpected argument 'extra'";
    }
    void usage_errors() {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        const Run r = run(args + QStringList{QStringLiteral("--db"), db_});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
        QCOMPARE(r.out, QString());
    }

    void export_commits_then_reports_nothing_new() {
        QTemporaryDir tmp;
        const QString repo = tmp.filePath(QStringLiteral("journal"));
        const QStringList base{QStringLiteral("export"),
                               QStringLiteral("--git"),
                               repo,
                               QStringLiteral("--db"),
                               db_,
                               QStringLiteral("--author"),
                               QStringLiteral("Grace Oncall <grace@example.org>")};
        const Run first = run(base);
        QCOMPARE(first.code, 0);
        QVERIFY2(first.out.startsWith(QStringLiteral("Committed ")), qPrintable(first.out + first.err));
        QVERIFY2(first.out.contains(QStringLiteral("Export 3 sessions (3 new)")), qPrintable(first.out));
        QVERIFY(first.out.contains(QStringLiteral("wrote   sessions/2026-05-04-%1-gpu-clocks.md").arg(gpu_)));

        QProcess git;
        git.setWorkingDirectory(repo);
        git.start(QStringLiteral("git"), {QStringLiteral("log"), QStringLiteral("--format=%an <%ae> %s")});
        QVERIFY(git.waitForFinished(60000));
        QCOMPARE(QString::fromUtf8(git.readAllStandardOutput()),
                 QStringLiteral("Grace Oncall <grace@example.org> Export 3 sessions (3 new)\n"));

        const Run again = run(base);
        QCOMPARE(again.code, 0);
        QCOMPARE(again.out, QStringLiteral("Nothing new to export: 3 sessions unchanged; no commit made.\n"));

        const Run later =
            run(base + QStringList{QStringLiteral("--since"), QStringLiteral("2030-01-01"), QStringLiteral("--json")});
        QCOMPARE(later.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(later.out.toUtf8()).object();
        QCOMPARE(o[QStringLiteral("committed")].toBool(), false);

        // A folder that is not a repository: refused, exit 1, named.
        const QString foreign = tmp.filePath(QStringLiteral("photos"));
        QVERIFY(QDir().mkpath(foreign));
        QFile f(QDir(foreign).filePath(QStringLiteral("cat.jpg")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        const Run refused =
            run({QStringLiteral("export"), QStringLiteral("--git"), foreign, QStringLiteral("--db"), db_});
        QCOMPARE(refused.code, 1);
        QVERIFY2(refused.err.contains(QStringLiteral("is not a git repository")), qPrintable(refused.err));
    }

    // Last: it changes the shared database.
    void delete_removes_and_names_unknown_ids() {
        const Run unknown = run({QStringLiteral("history"), QStringLiteral("delete"), QString::number(gpu_),
                                 QStringLiteral("4242"), QStringLiteral("--db"), db_});
        QCOMPARE(unknown.code, 1);
        QVERIFY2(unknown.err.contains(QStringLiteral("no session with id 4242")), qPrintable(unknown.err));
        const Run r = run({QStringLiteral("history"), QStringLiteral("delete"), QString::number(gpu_),
                           QString::number(disk_), QStringLiteral("--db"), db_});
        QCOMPARE(r.code, 0);
        QCOMPARE(
            r.out,
            QStringLiteral(
                "Deleted session %1 [commands] GPU clocks (1 turn)\nDeleted session %2 [diagnose] Disk full (1 turn)\n")
                .arg(gpu_)
                .arg(disk_));
        const Run left = run(
            {QStringLiteral("history"), QStringLiteral("list"), QStringLiteral("--json"), QStringLiteral("--db"), db_});
        const QJsonArray a = QJsonDocument::fromJson(left.out.toUtf8()).array();
        QCOMPARE(a.size(), 1);
        QCOMPARE(a[0].toObject()[QStringLiteral("id")].toInteger(), kql_);
    }
};

QTEST_GUILESS_MAIN(TestHistoryCli)
#include "test_history_cli.moc"
