// History migration v3 -> v4: a database written by an older build, with secrets stored verbatim in
// titles, requests, outputs, results, executions and the full-text index, comes out redacted when
// the store opens it; search no longer finds the secrets and the file's bytes no longer hold them.
// Not the redactor's own tests (tests/domain/test_redactor*.cpp).
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "app/history_schema.h"
#include "app/history_store.h"
#include "raw_db.h"

using namespace sigma::app;

namespace {

const QString kAws = QStringLiteral("AKIAIOSFODNN7EXAMPLE");
const QString kGithub = QStringLiteral("ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789");
const QString kPassword = QStringLiteral("Hunter2Secret");
const QString kPemBody = QStringLiteral("MIIEowIBAAKCAQEA7zQxYq9Lr3kPq8wQvN2aB7");

}  // namespace

class TestHistoryRedactionMigration : public QObject {
    Q_OBJECT
private slots:
    void olderRowsAreRedactedOnOpen() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("old.sqlite"));
        qint64 session = 0;
        {
            HistoryStore store;
            QVERIFY(store.open(path).ok());
            Session s;
            s.panel = Panel::Commands;
            s.title = QStringLiteral("gpu memory");
            auto id = store.create_session(s);
            QVERIFY(id.ok());
            session = *id;
            Turn t;
            t.session_id = session;
            t.request = QStringLiteral("show gpu memory");
            t.raw_output = QStringLiteral("command: nvidia-smi");
            t.result_json = QStringLiteral("{\"command\":\"nvidia-smi\"}");
            QVERIFY(store.add_turn(t).ok());
        }
        const QString mix =
            QStringLiteral(
                "my creds %1 %2 password=%3 -----BEGIN RSA PRIVATE KEY-----\n%4\n-----END RSA PRIVATE KEY-----")
                .arg(kAws, kGithub, kPassword, kPemBody);
        {
            // What an older build left behind: the secrets verbatim (the FTS triggers index them) at v3.
            RawDb raw(path);
            QVERIFY(raw.ok());
            const QString quoted = QString(mix).replace(QLatin1Char('\''), QStringLiteral("''"));
            QVERIFY(raw.exec(QStringLiteral("UPDATE sessions SET title = '%1'").arg(quoted)));
            QVERIFY(raw.exec(QStringLiteral("UPDATE turns SET request = '%1', raw_output = '%1', result_text = '%1', "
                                            "result_json = json_object('command', '%1')")
                                 .arg(quoted)));
            QVERIFY(raw.exec(QStringLiteral("INSERT INTO executions (session_id, command, output_excerpt, started_at) "
                                            "VALUES (%1, 'curl -u admin:%2 https://x', '%3', '2026-01-01')")
                                 .arg(session)
                                 .arg(kPassword, quoted)));
            QVERIFY(raw.exec(QStringLiteral("PRAGMA user_version = 3")));
            QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM turns_fts WHERE turns_fts MATCH '%1'").arg(kAws))
                         .toInt(),
                     1);
        }
        {
            HistoryStore store;
            QVERIFY(store.open(path).ok());
            for (const QString& secret : {kAws, kPassword}) {
                auto hits = store.search(secret);
                QVERIFY(hits.ok());
                QVERIFY2(hits->empty(), qPrintable(secret));
            }
        }
        RawDb raw(path);
        QCOMPARE(raw.scalar(QStringLiteral("PRAGMA user_version")).toInt(), history_sql::kSchemaVersion);
        const QString dump =
            raw.scalar(QStringLiteral("SELECT group_concat(title || model, ' ') FROM sessions")).toString() +
            raw.scalar(QStringLiteral("SELECT group_concat(request || raw_output || result_json || result_text, ' ') "
                                      "FROM turns"))
                .toString() +
            raw.scalar(QStringLiteral("SELECT group_concat(command || output_excerpt, ' ') FROM executions"))
                .toString();
        QVERIFY(!dump.isEmpty());
        QVERIFY2(dump.contains(QStringLiteral("my creds")), qPrintable(dump));  // ordinary words stay
        for (const QString& secret : {kAws, kGithub, kPassword, kPemBody})
            QVERIFY2(!dump.contains(secret), qPrintable(dump));
        QCOMPARE(
            raw.scalar(QStringLiteral("SELECT count(*) FROM turns_fts WHERE turns_fts MATCH '%1'").arg(kAws)).toInt(),
            0);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT count(*) FROM sessions_fts WHERE sessions_fts MATCH '%1'").arg(kAws))
                     .toInt(),
                 0);
        // The file itself: freed pages are zeroed and the index merged, so the bytes are gone too.
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        for (const QString& secret : {kAws, kGithub, kPassword})
            QVERIFY2(!bytes.contains(secret.toUtf8()), qPrintable(secret));
    }
};

QTEST_GUILESS_MAIN(TestHistoryRedactionMigration)
#include "test_history_redaction_migration.moc"
