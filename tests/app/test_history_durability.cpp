// Tests that the history survives what users' machines do to it: a process killed mid-write, a
// read-only file or folder, a full disk. Each must leave the file sound and give a clear error.
// Not the functional tests of the store's API: those live in test_history_store.cpp.
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <unistd.h>

#include "app/history_store.h"
#include "helpers/history_crash_turns.h"
#include "require_ok.h"

using namespace sigma::app;

namespace {

QString child_path() {
    return QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("history_crash_child"));
}

// Makes `path` unwritable for this process. chmod is enough for a normal user; root ignores mode
// bits, so there the immutable attribute is used. Undone by the destructor.
class ReadOnly {
public:
    explicit ReadOnly(QString path, bool folder) : path_(std::move(path)), folder_(folder) {
        original_ = QFile::permissions(path_);
        QFile::setPermissions(path_, folder_ ? (QFile::ReadOwner | QFile::ExeOwner | QFile::ReadGroup |
                                                QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther)
                                             : (QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther));
        if (::access(QFile::encodeName(path_).constData(), W_OK) == 0)
            immutable_ = QProcess::execute(QStringLiteral("chattr"), {QStringLiteral("+i"), path_}) == 0;
    }
    ~ReadOnly() {
        if (immutable_) QProcess::execute(QStringLiteral("chattr"), {QStringLiteral("-i"), path_});
        QFile::setPermissions(path_, original_);
    }
    bool effective() const { return ::access(QFile::encodeName(path_).constData(), W_OK) != 0; }

private:
    QString path_;
    bool folder_;
    bool immutable_ = false;
    QFile::Permissions original_;
};

QString raw_integrity_check(const QString& path) {
    QString result;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw-check"));
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(QStringLiteral("PRAGMA integrity_check")) && q.next()) result = q.value(0).toString();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("raw-check"));
    return result;
}

}  // namespace

class TestHistoryDurability : public QObject {
    Q_OBJECT

private slots:
    void killed_writer_loses_at_most_one_turn_data() {
        QTest::addColumn<int>("kill_after");
        QTest::newRow("first commit") << 1;
        QTest::newRow("a few") << 17;
        QTest::newRow("many") << 250;
    }
    void killed_writer_loses_at_most_one_turn() {
        QFETCH(int, kill_after);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString db = dir.filePath(QStringLiteral("history.sqlite"));
        QVERIFY2(QFileInfo::exists(child_path()), qPrintable(child_path()));

        QProcess child;
        child.setProcessChannelMode(QProcess::SeparateChannels);
        child.start(child_path(), {db, QStringLiteral("100000")});
        QVERIFY2(child.waitForStarted(30000), qPrintable(child.errorString()));
        qint64 session_id = 0;
        int last_committed = -1;
        QByteArray pending;
        while (last_committed + 1 < kill_after) {
            if (!child.canReadLine()) QVERIFY2(child.waitForReadyRead(60000), child.readAllStandardError().constData());
            while (child.canReadLine()) {
                const QByteArray line = child.readLine().trimmed();
                if (line.startsWith("session ")) session_id = line.mid(8).toLongLong();
                if (line.startsWith("committed ")) last_committed = line.mid(10).toInt();
            }
        }
        child.kill();  // SIGKILL: no destructor, no rollback, no flush
        QVERIFY(child.waitForFinished(30000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);
        // Lines already written before the kill are commits too.
        while (child.canReadLine()) {
            const QByteArray line = child.readLine().trimmed();
            if (line.startsWith("committed ")) last_committed = line.mid(10).toInt();
        }
        QVERIFY(session_id > 0);

        QCOMPARE(raw_integrity_check(db), QStringLiteral("ok"));
        HistoryStore store;
        REQUIRE_OK(store.open(db));
        auto check = store.integrity_check();
        REQUIRE_OK(check);
        QCOMPARE(*check, QStringLiteral("ok"));
        auto session = store.get_session(session_id);
        REQUIRE_OK(session);
        // Every reported commit is there; at most the one in flight beyond it.
        const int stored = static_cast<int>(session->turns.size());
        QVERIFY2(stored == last_committed + 1 || stored == last_committed + 2,
                 qPrintable(QStringLiteral("stored %1 turns, last commit seen %2").arg(stored).arg(last_committed)));
        for (int i = 0; i < stored; ++i) {
            const Turn& t = session->turns[size_t(i)];
            QCOMPARE(t.request, sigma::test::crash_turn_request(i));
            QCOMPARE(t.raw_output, sigma::test::crash_turn_output(i));
            QCOMPARE(t.result_json, sigma::test::crash_turn_json(i));
            QCOMPARE(t.prompt_tokens, i);
            QCOMPARE(t.completion_tokens, 2 * i);
        }
        // The index matches the table after recovery.
        auto hits = store.search(sigma::test::crash_turn_request(stored - 1));
        REQUIRE_OK(hits);
        QVERIFY(!hits->empty());
        // And the file takes new writes.
        Turn more;
        more.session_id = session_id;
        more.request = QStringLiteral("after the crash");
        more.raw_output = QStringLiteral("still writable");
        REQUIRE_OK(store.add_turn(more));
    }

    void stores_on_two_threads_write_one_file() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString db = dir.filePath(QStringLiteral("history.sqlite"));
        {
            HistoryStore first;  // creates the schema before the race starts
            REQUIRE_OK(first.open(db));
        }
        constexpr int kTurns = 60;
        QString errors[2];
        qint64 ids[2] = {0, 0};
        auto writer = [&](int w) {
            HistoryStore store;
            if (auto s = store.open(db); !s) {
                errors[w] = QString::fromStdString(s.error().message);
                return;
            }
            Session session;
            session.title = QStringLiteral("writer %1").arg(w);
            auto id = store.create_session(session);
            if (!id) {
                errors[w] = QString::fromStdString(id.error().message);
                return;
            }
            ids[w] = *id;
            for (int i = 0; i < kTurns; ++i) {
                Turn t;
                t.session_id = *id;
                t.request = sigma::test::crash_turn_request(i);
                t.raw_output = sigma::test::crash_turn_output(i);
                if (auto r = store.add_turn(t); !r) {
                    errors[w] = QString::fromStdString(r.error().message);
                    return;
                }
            }
        };
        QThread* a = QThread::create(writer, 0);
        QThread* b = QThread::create(writer, 1);
        a->start();
        b->start();
        QVERIFY(a->wait(120000));
        QVERIFY(b->wait(120000));
        delete a;
        delete b;
        QVERIFY2(errors[0].isEmpty(), qPrintable(errors[0]));
        QVERIFY2(errors[1].isEmpty(), qPrintable(errors[1]));
        HistoryStore store;
        REQUIRE_OK(store.open(db));
        for (qint64 id : ids) {
            auto s = store.get_session(id);
            REQUIRE_OK(s);
            QCOMPARE(int(s->turns.size()), kTurns);
        }
    }

    void read_only_database_is_refused_clearly_data() {
        QTest::addColumn<bool>("folder");
        QTest::newRow("read-only file") << false;
        QTest::newRow("read-only folder") << true;
    }
    void read_only_database_is_refused_clearly() {
        QFETCH(bool, folder);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString sub = dir.filePath(QStringLiteral("data"));
        const QString db = QDir(sub).filePath(QStringLiteral("history.sqlite"));
        qint64 id = 0;
        {
            HistoryStore store;
            REQUIRE_OK(store.open(db));
            Session s;
            s.title = QStringLiteral("written before");
            auto created = store.create_session(s);
            REQUIRE_OK(created);
            id = *created;
        }
        // Closing the last connection checkpoints and removes the -wal and -shm files.
        QVERIFY(!QFileInfo::exists(db + QStringLiteral("-wal")));
        {
            ReadOnly guard(folder ? sub : db, folder);
            if (!guard.effective()) QSKIP("cannot make a file read-only for this user on this file system");
            HistoryStore store;
            auto opened = store.open(db);
            QVERIFY(!opened.ok());
            const QString message = QString::fromStdString(opened.error().message);
            QVERIFY2(message.contains(QStringLiteral("read-only")), qPrintable(message));
            QVERIFY2(message.contains(folder ? sub : db), qPrintable(message));
            // Refused, not crashed: the store says it is not open.
            auto write = store.create_session(Session{});
            QVERIFY(!write.ok());
            QVERIFY(QString::fromStdString(write.error().message).contains(QStringLiteral("not open")));
        }
        // Writable again: the data is intact and the store works.
        HistoryStore store;
        REQUIRE_OK(store.open(db));
        auto session = store.get_session(id);
        REQUIRE_OK(session);
        QCOMPARE(session->title, QStringLiteral("written before"));
    }

    void full_database_fails_the_write_and_keeps_running() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        HistoryStore store;
        REQUIRE_OK(store.open(dir.filePath(QStringLiteral("history.sqlite"))));
        Session s;
        s.title = QStringLiteral("filling up");
        auto id = store.create_session(s);
        REQUIRE_OK(id);
        // SQLite reports SQLITE_FULL when the file would pass max_page_count, as on a full disk.
        REQUIRE_OK(store.set_max_page_count(64));
        int written = 0;
        QString message;
        for (int i = 0; i < 1000 && message.isEmpty(); ++i) {
            Turn t;
            t.session_id = *id;
            t.request = sigma::test::crash_turn_request(i);
            t.raw_output = sigma::test::crash_turn_output(i);
            auto r = store.add_turn(t);
            if (r.ok()) ++written;
            else message = QString::fromStdString(r.error().message);
        }
        QVERIFY2(!message.isEmpty(), "the page limit never stopped a write");
        QVERIFY2(message.contains(QStringLiteral("is full")), qPrintable(message));
        QVERIFY2(message.contains(store.path()), qPrintable(message));

        // The failed turn left nothing behind; the rest are whole; the file is sound.
        auto session = store.get_session(*id);
        REQUIRE_OK(session);
        QCOMPARE(int(session->turns.size()), written);
        for (int i = 0; i < written; ++i)
            QCOMPARE(session->turns[size_t(i)].raw_output, sigma::test::crash_turn_output(i));
        auto check = store.integrity_check();
        REQUIRE_OK(check);
        QCOMPARE(*check, QStringLiteral("ok"));

        // Space comes back: writing works again on the same store.
        REQUIRE_OK(store.set_max_page_count(1000000));
        Turn t;
        t.session_id = *id;
        t.request = QStringLiteral("after freeing space");
        t.raw_output = QStringLiteral("ok");
        REQUIRE_OK(store.add_turn(t));
    }
};

QTEST_GUILESS_MAIN(TestHistoryDurability)
#include "test_history_durability.moc"
