// Redaction on every path text leaves by: secret-laden requests and logs go through the command,
// KQL and diagnose pipelines against a scripted remote server, are recorded and exported to git, and
// no secret may appear in what the server received, in any table, the full-text indexes or the
// database file, or in the repository's file names, files and commit messages. Also: the remote
// backend scrubs a prompt whose caller forgot to, and sends a secret-free prompt unchanged.
// Not a redactor test: tests/domain/test_redactor*.cpp cover the shapes of secrets.
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QtTest>

#include "app/backend.h"
#include "app/command_task.h"
#include "app/diagnose_task.h"
#include "app/domain/diag_signatures.h"
#include "app/domain/example_corpus.h"
#include "app/domain/kql_schema.h"
#include "app/domain/kql_schema_slice.h"
#include "app/domain/redactor.h"
#include "app/git_exporter.h"
#include "app/history_schema.h"
#include "app/history_store.h"
#include "app/job_recorder.h"
#include "app/kql_task.h"
#include "app/remote_backend.h"
#include "tests/app/scripted_http_server.h"
#include "tests/app/sigma_cli.h"

using namespace sigma::app;

namespace {

// The request from the report, and more: every secret in it must vanish everywhere.
const QString kCommandRequest = QStringLiteral(
    "show gpu memory, my creds AKIAIOSFODNN7EXAMPLE ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 password=Hunter2Secret "
    "Authorization: Bearer sk-live-9f8e7d6c5b4a39281706 -----BEGIN RSA PRIVATE KEY----- MIIEowIBAAKCAQEA7zQ -----END "
    "RSA "
    "PRIVATE KEY-----");
const QString kKqlQuestion = QStringLiteral(
    "sign-ins from postgres://ops:PgPa55word77@db.internal:5432/prod with key AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW "
    "and xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp in the last hour\n"
    "Server=tcp:sql1,1433;User Id=sa;Password=Adm1n two words;Encrypt=True;");
// A log whose private key body lines would match a signature if the rules engine saw them.
const QString kLog = QStringLiteral(
    "Jan 12 03:04:05 node7 kernel: NVRM: Xid (PCI:0000:3b:00): 79, pid=1234, GPU has fallen off the bus. "
    "token=tok9f8e7d6c5b4a\n"
    "Jan 12 03:04:06 node7 app[311]: loading -----BEGIN RSA PRIVATE KEY-----\n"
    "Jan 12 03:04:06 node7 app[311]: MIIEowIBAAKCAQEAxK3yB0dy GPU has fallen off the bus\n"
    "Jan 12 03:04:06 node7 app[311]: q83Jd9KeyBodyTwo NVRM: Xid 79 fallen off the bus\n"
    "Jan 12 03:04:06 node7 app[311]: -----END RSA PRIVATE KEY-----\n"
    "Jan 12 03:04:07 node7 kernel: NVRM: GPU 0000:3b:00.0: GPU has fallen off the bus. password=LogPa55Secret\n");
// What the scripted model answers: it echoes a secret, which must not be stored either.
const QString kEcho = QStringLiteral("glpat-xYz123AbC456dEf789gH");

const QStringList kSecrets = {
    QStringLiteral("AKIAIOSFODNN7EXAMPLE"),
    QStringLiteral("ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"),
    QStringLiteral("Hunter2Secret"),
    QStringLiteral("sk-live-9f8e7d6c5b4a39281706"),
    QStringLiteral("MIIEowIBAAKCAQEA7zQ"),
    QStringLiteral("PgPa55word77"),
    QStringLiteral("AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW"),
    QStringLiteral("xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp"),
    QStringLiteral("Adm1n two words"),
    QStringLiteral("tok9f8e7d6c5b4a"),
    QStringLiteral("MIIEowIBAAKCAQEAxK3yB0dy"),
    QStringLiteral("q83Jd9KeyBodyTwo"),
    QStringLiteral("LogPa55Secret"),
    kEcho,
};

// The secret, or the first secret, found in `text` (case-insensitively: the FTS index lower-cases).
QString find_secret(const QString& text) {
    for (const QString& s : kSecrets)
        if (text.contains(s, Qt::CaseInsensitive)) return s;
    // Each long word of a secret on its own too, as the index stores words.
    for (const QString& s : kSecrets)
        for (const QString& w : s.split(QRegularExpression(QStringLiteral("[^A-Za-z0-9]+")), Qt::SkipEmptyParts))
            if (w.size() >= 8 && text.contains(w, Qt::CaseInsensitive)) return w;
    return {};
}

#define VERIFY_CLEAN(text, where)                                                                           \
    do {                                                                                                    \
        const QString found_ = find_secret(text);                                                           \
        QVERIFY2(found_.isEmpty(),                                                                          \
                 qPrintable(QStringLiteral("'%1' in %2: %3").arg(found_, where, QString(text).left(600)))); \
    } while (0)

QByteArray answer(const QString& text) {
    QString escaped = text;
    escaped.replace(QLatin1Char('\n'), QStringLiteral("\\n"));
    return ScriptedHttpServer::stream_head() + ScriptedHttpServer::chunk(escaped) + "data: [DONE]\n\n";
}

RemoteBackendOptions remote(const ScriptedHttpServer& server) {
    RemoteBackendOptions o;
    o.base_url = QUrl(server.base_url());
    o.api_key = QStringLiteral("test-key");
    o.max_retries = 0;
    o.first_byte_timeout_ms = 10000;
    return o;
}

// Every text value of every row of `table`.
QStringList column_texts(QSqlDatabase& db, const QString& sql) {
    QStringList out;
    QSqlQuery q(db);
    if (!q.exec(sql)) {
        out << QStringLiteral("query failed: ") + q.lastError().text();
        return out;
    }
    while (q.next())
        for (int i = 0; i < q.record().count(); ++i) out << q.value(i).toString();
    return out;
}

QString git(const QString& dir, const QStringList& args) {
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(QStringLiteral("git"), args);
    if (!p.waitForFinished(60000) || p.exitCode() != 0)
        return QStringLiteral("git failed: ") + QString::fromUtf8(p.readAllStandardError());
    return QString::fromUtf8(p.readAllStandardOutput());
}

}  // namespace

class RedactionPaths : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    QString db_path() const { return dir_.filePath(QStringLiteral("history.sqlite")); }

    // Checks the database: every table's text, the FTS vocabularies, search, and the file's bytes.
    void check_database() { check_database_at(db_path()); }
    void check_database_at(const QString& path) {
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("redaction-check"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            for (const QString& t : column_texts(db, QStringLiteral("SELECT title, model, backend FROM sessions")))
                VERIFY_CLEAN(t, QStringLiteral("sessions"));
            const QStringList turns =
                column_texts(db, QStringLiteral("SELECT request, raw_output, result_json FROM turns"));
            QVERIFY(turns.size() >= 9);
            for (const QString& t : turns) VERIFY_CLEAN(t, QStringLiteral("turns"));
            for (const QString& t : column_texts(db, QStringLiteral("SELECT command, output_excerpt FROM executions")))
                VERIFY_CLEAN(t, QStringLiteral("executions"));
            // The indexes' own words, not the content tables they point at.
            QSqlQuery q(db);
            QVERIFY2(q.exec(QStringLiteral(
                         "CREATE VIRTUAL TABLE temp.turns_words USING fts5vocab(main, 'turns_fts', 'row')")),
                     qPrintable(q.lastError().text()));
            QVERIFY(q.exec(QStringLiteral(
                "CREATE VIRTUAL TABLE temp.session_words USING fts5vocab(main, 'sessions_fts', 'row')")));
            const QStringList words = column_texts(db, QStringLiteral("SELECT term FROM temp.turns_words")) +
                                      column_texts(db, QStringLiteral("SELECT term FROM temp.session_words"));
            QVERIFY(words.contains(QStringLiteral("gpu")));  // ordinary words are indexed
            VERIFY_CLEAN(words.join(QLatin1Char(' ')), QStringLiteral("the FTS indexes"));
            q = QSqlQuery();
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("redaction-check"));

        HistoryStore store;
        QVERIFY(store.open(path));
        for (const QString& s : kSecrets) {
            auto hits = store.search(s);
            QVERIFY(hits.ok());
            QVERIFY2(hits->empty(), qPrintable(QStringLiteral("search finds '%1'").arg(s)));
        }
        store.close();
        QByteArray bytes;
        for (const QString& f : {path, path + QStringLiteral("-wal")}) {
            QFile file(f);
            if (file.open(QIODevice::ReadOnly)) bytes += file.readAll();
        }
        for (const QString& s : kSecrets)
            QVERIFY2(!bytes.contains(s.toUtf8()), qPrintable(QStringLiteral("'%1' in the database file").arg(s)));
    }

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void every_job_redacts_what_it_sends_stores_and_exports() {
        ScriptedHttpServer server(
            {{answer(QStringLiteral("nvidia-smi --query-gpu=memory.used --format=csv\n# uses ") + kEcho)},
             {answer(QStringLiteral("SigninLogs | where TimeGenerated > ago(1h) // ") + kEcho)},
             {answer(QStringLiteral("category: gpu_fallen_off_bus\nroot cause: the GPU left the bus ") + kEcho +
                     QStringLiteral("\nnext steps:\n- drain the node"))}});
        QVERIFY(server.isListening());
        RemoteBackend backend(remote(server));
        std::string error;
        const auto corpus = sigma::domain::ExampleCorpus::load_default(&error);

        // Commands.
        const CommandTask commands(corpus ? &*corpus : nullptr);
        CommandRequest creq;
        creq.request = kCommandRequest;
        BlockingResult gen = generate_blocking(backend, commands.prepare(creq), 20000);
        QVERIFY2(gen.ok, qPrintable(gen.error.message));
        const CommandResult cres = commands.finish(creq, gen.text, gen.stats);
        RecordOutcome rec = record_job(db_path(), {Panel::Commands, creq.request, cres.raw_output, cres.to_json(),
                                                   cres.stats, backend.model_name(), QStringLiteral("remote")});
        QVERIFY2(rec.session_id > 0, qPrintable(rec.warning));
        Execution e;
        e.session_id = rec.session_id;
        e.command =
            QStringLiteral("curl -H 'Authorization: Bearer sk-live-9f8e7d6c5b4a39281706' https://api.example.com");
        e.output_excerpt = QStringLiteral("AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\npassword=Hunter2Secret\n");
        QVERIFY(record_execution(db_path(), e).warning.isEmpty());

        // KQL.
        const sigma::domain::KqlSchema& schema = sigma::domain::KqlSchema::builtin(&error);
        QVERIFY2(!schema.tables.empty(), error.c_str());
        const sigma::domain::KqlTableHints hints = sigma::domain::KqlTableHints::load_default();
        const KqlTask kql(schema, hints, corpus ? &*corpus : nullptr);
        KqlRequest kreq;
        kreq.question = kKqlQuestion;
        gen = generate_blocking(backend, kql.prepare(kreq), 20000);
        QVERIFY2(gen.ok, qPrintable(gen.error.message));
        const KqlResult kres = kql.finish(kreq, gen.text, gen.stats);
        rec = record_job(db_path(), {Panel::Kql, kreq.question, kres.raw_output, kres.to_json(), kres.stats,
                                     backend.model_name(), QStringLiteral("remote")});
        QVERIFY2(rec.session_id > 0, qPrintable(rec.warning));

        // Diagnose.
        const auto pack = sigma::domain::SignaturePack::load_default(&error);
        QVERIFY2(pack.has_value(), error.c_str());
        const DiagnoseTask diagnose(*pack);
        DiagnoseResult dres = diagnose.analyse_text(kLog);
        QCOMPARE(dres.category, QStringLiteral("gpu_fallen_off_bus"));
        for (const auto& f : dres.report.findings)
            for (const auto& ev : f.evidence)
                QVERIFY2(ev.line != 3 && ev.line != 4, "a private key body line was cited as evidence");
        gen = generate_blocking(backend, diagnose.prepare(dres), 20000);
        QVERIFY2(gen.ok, qPrintable(gen.error.message));
        dres = diagnose.finish(std::move(dres), gen.text, gen.stats);
        rec = record_job(db_path(), {Panel::Diagnose, kLog, dres.raw_output, dres.to_json(), dres.stats,
                                     backend.model_name(), QStringLiteral("remote")});
        QVERIFY2(rec.session_id > 0, qPrintable(rec.warning));

        // What reached the server: the raw request and its decoded JSON body, for all three jobs.
        QCOMPARE(server.requests.size(), 3);
        for (const QByteArray& r : server.requests) {
            VERIFY_CLEAN(QString::fromUtf8(r), QStringLiteral("a request to the remote backend"));
            const QJsonDocument body = QJsonDocument::fromJson(r.mid(r.indexOf("\r\n\r\n") + 4));
            QVERIFY(body.isObject());
            VERIFY_CLEAN(
                QString::fromUtf8(QJsonDocument(body.object().value(QStringLiteral("messages")).toArray()).toJson()),
                QStringLiteral("the remote prompt"));
        }
        QVERIFY(server.requests[0].contains("show gpu memory, my creds"));  // the request itself is still sent

        check_database();

        // The git export: file names, files and commit messages.
        HistoryStore store;
        QVERIFY(store.open(db_path()));
        auto sessions = store.sessions_since({});
        QVERIFY(sessions.ok());
        store.close();
        const QString repo = dir_.filePath(QStringLiteral("export"));
        auto exported = GitExporter::export_sessions(repo, *sessions);
        QVERIFY2(exported.ok(), exported.ok() ? "" : exported.error().message.c_str());
        QCOMPARE(exported->written.size(), 3);
        check_repository(repo);
    }

    void export_scrubs_sessions_stored_before_redaction() {
        // A database written by an older build holds a secret in the clear; the export must not copy it.
        const QString path = dir_.filePath(QStringLiteral("old.sqlite"));
        HistoryStore store;
        QVERIFY(store.open(path));
        store.close();
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("old-rows"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.prepare(QString::fromUtf8(history_sql::kInsertSession)));
            q.bindValue(QStringLiteral(":panel"), QStringLiteral("commands"));
            q.bindValue(QStringLiteral(":title"), kCommandRequest.left(200));
            q.bindValue(QStringLiteral(":created_at"), QStringLiteral("2026-01-02T03:04:05.000Z"));
            q.bindValue(QStringLiteral(":updated_at"), QStringLiteral("2026-01-02T03:04:05.000Z"));
            q.bindValue(QStringLiteral(":model"), QStringLiteral("https://user:RemotePa55@llm.example.com/v1"));
            q.bindValue(QStringLiteral(":backend"), QStringLiteral("remote"));
            QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
            const qint64 id = q.lastInsertId().toLongLong();
            QVERIFY(q.prepare(QString::fromUtf8(history_sql::kInsertTurn)));
            q.bindValue(QStringLiteral(":session_id"), id);
            q.bindValue(QStringLiteral(":request"), kCommandRequest + QStringLiteral("\n") + kLog);
            q.bindValue(QStringLiteral(":raw_output"), QStringLiteral("echo ") + kEcho);
            q.bindValue(
                QStringLiteral(":result_json"),
                QStringLiteral("{\"command\":\"mysql --password Hunter2Secret\",\"flags\":[{\"flag\":\"--password\","
                               "\"value\":\"Hunter2Secret\"}],\"api_key\":\"sk-live-9f8e7d6c5b4a39281706\"}"));
            q.bindValue(QStringLiteral(":result_text"), QStringLiteral(""));
            q.bindValue(QStringLiteral(":prompt_tokens"), 1);
            q.bindValue(QStringLiteral(":completion_tokens"), 1);
            q.bindValue(QStringLiteral(":prompt_ms"), 1.0);
            q.bindValue(QStringLiteral(":decode_ms"), 1.0);
            q.bindValue(QStringLiteral(":created_at"), QStringLiteral("2026-01-02T03:04:05.000Z"));
            QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
            q = QSqlQuery();
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("old-rows"));
        QVERIFY(store.open(path));
        auto sessions = store.sessions_since({});
        QVERIFY(sessions.ok());
        QCOMPARE(sessions->size(), size_t(1));
        QVERIFY(!find_secret(sessions->front().title).isEmpty());  // stored in the clear, as an old build did
        store.close();
        const QString repo = dir_.filePath(QStringLiteral("old-export"));
        auto exported = GitExporter::export_sessions(repo, *sessions);
        QVERIFY2(exported.ok(), exported.ok() ? "" : exported.error().message.c_str());
        QVERIFY(!git(repo, {QStringLiteral("log"), QStringLiteral("-p")}).contains(QStringLiteral("RemotePa55")));
        check_repository(repo);
    }

    void the_remote_backend_scrubs_a_prompt_the_caller_did_not() {
        ScriptedHttpServer server({{answer(QStringLiteral("ok"))}, {answer(QStringLiteral("ok"))}});
        RemoteBackend backend(remote(server));
        GenerationRequest g;
        g.messages = {{QStringLiteral("system"), QStringLiteral("You write commands.")},
                      {QStringLiteral("user"), kCommandRequest},
                      {QStringLiteral("assistant"),
                       QStringLiteral("export GITHUB_TOKEN=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789")},
                      {QStringLiteral("user"), kLog}};
        BlockingResult r = generate_blocking(backend, g, 20000);
        QVERIFY2(r.ok, qPrintable(r.error.message));
        QCOMPARE(server.requests.size(), 1);
        VERIFY_CLEAN(QString::fromUtf8(server.requests[0]), QStringLiteral("the raw prompt"));
        // One redactor for the whole conversation: the token repeated in two messages keeps one name.
        const QJsonArray messages =
            QJsonDocument::fromJson(server.requests[0].mid(server.requests[0].indexOf("\r\n\r\n") + 4))
                .object()
                .value("messages")
                .toArray();
        QCOMPARE(messages.size(), 4);
        const QString user = messages[1].toObject().value("content").toString();
        const QString assistant = messages[2].toObject().value("content").toString();
        QVERIFY2(user.contains(QStringLiteral("<SECRET_2>")) && assistant.contains(QStringLiteral("<SECRET_2>")),
                 qPrintable(user + QStringLiteral(" / ") + assistant));

        // A prompt without secrets, with the real few-shot examples, goes out exactly as built.
        std::string error;
        const auto corpus = sigma::domain::ExampleCorpus::load_default(&error);
        const CommandTask commands(corpus ? &*corpus : nullptr);
        CommandRequest creq;
        creq.request = QStringLiteral("show gpu memory usage and the processes using it");
        const GenerationRequest plain = commands.prepare(creq);
        r = generate_blocking(backend, plain, 20000);
        QVERIFY2(r.ok, qPrintable(r.error.message));
        const QJsonArray sent =
            QJsonDocument::fromJson(server.requests[1].mid(server.requests[1].indexOf("\r\n\r\n") + 4))
                .object()
                .value("messages")
                .toArray();
        QCOMPARE(sent.size(), plain.messages.size());
        for (int i = 0; i < sent.size(); ++i)
            QCOMPARE(sent[i].toObject().value("content").toString(), plain.messages[i].content);
    }

    void the_cli_jobs_and_export_leak_nothing() {
        // The reported case end to end: `sigma cmd|kql|diagnose --remote`, then `sigma export --git`.
        ScriptedHttpServer server(
            {{answer(QStringLiteral("nvidia-smi --query-gpu=memory.used --format=csv # ") + kEcho)}});
        const QString db = dir_.filePath(QStringLiteral("cli.sqlite"));
        const QString log = dir_.filePath(QStringLiteral("node7.log"));
        {
            QFile f(log);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(kLog.toUtf8());
        }
        const QStringList common = {QStringLiteral("--remote"),  server.base_url(),      QStringLiteral("--api-key"),
                                    QStringLiteral("test-key"),  QStringLiteral("--db"), db,
                                    QStringLiteral("--timeout"), QStringLiteral("30")};
        for (const QStringList& job :
             {QStringList{QStringLiteral("cmd"), kCommandRequest},
              QStringList{QStringLiteral("kql"), kKqlQuestion, QStringLiteral("--repairs"), QStringLiteral("0")},
              QStringList{QStringLiteral("diagnose"), log}}) {
            const sigma_test::Run r = run_sigma_async(job + common);
            QVERIFY2(r.code == 0 || r.code == 1,
                     qPrintable(job.first() + QStringLiteral(": ") + QString::number(r.code) + r.err));
            VERIFY_CLEAN(r.err, job.first() + QStringLiteral("'s messages"));
        }
        QVERIFY(server.requests.size() >= 3);
        for (const QByteArray& r : server.requests)
            VERIFY_CLEAN(QString::fromUtf8(r), QStringLiteral("a request from the CLI"));
        check_database_at(db);
        const QString repo = dir_.filePath(QStringLiteral("cli-export"));
        const sigma_test::Run exported =
            run_sigma_async({QStringLiteral("export"), QStringLiteral("--git"), repo, QStringLiteral("--db"), db});
        QVERIFY2(exported.code == 0, qPrintable(exported.err));
        check_repository(repo);
    }

    void a_remote_url_password_is_never_shown() {
        RemoteBackendOptions o;
        o.base_url = QUrl(QStringLiteral("http://user:RemotePa55@127.0.0.1:9/v1"));
        o.max_retries = 0;
        RemoteBackend backend(o);
        QVERIFY(!backend.model_name().contains(QStringLiteral("RemotePa55")));
        GenerationRequest g;
        g.messages = {{QStringLiteral("user"), QStringLiteral("hi")}};
        const BlockingResult r = generate_blocking(backend, g, 20000);
        QVERIFY(!r.ok);
        QVERIFY2(!r.error.message.contains(QStringLiteral("RemotePa55")), qPrintable(r.error.message));
    }

private:
    // Runs sigma while this thread's event loop keeps serving the scripted server.
    sigma_test::Run run_sigma_async(const QStringList& args) {
        QProcess p;
        p.start(sigma_test::sigma_path(), args);
        p.closeWriteChannel();
        QElapsedTimer clock;
        clock.start();
        while (p.state() != QProcess::NotRunning && clock.elapsed() < 120000) QTest::qWait(20);
        sigma_test::Run r;
        if (p.state() != QProcess::NotRunning) {
            p.kill();
            p.waitForFinished(5000);
            return r;
        }
        r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
        r.out = QString::fromUtf8(p.readAllStandardOutput());
        r.err = QString::fromUtf8(p.readAllStandardError());
        return r;
    }

    void check_repository(const QString& repo) {
        QDirIterator it(repo + QStringLiteral("/sessions"), QDir::Files, QDirIterator::Subdirectories);
        int files = 0;
        while (it.hasNext()) {
            const QString path = it.next();
            ++files;
            VERIFY_CLEAN(QFileInfo(path).fileName(), QStringLiteral("an exported file name"));
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            VERIFY_CLEAN(QString::fromUtf8(f.readAll()), QStringLiteral("exported file ") + path);
        }
        QVERIFY(files > 0);
        VERIFY_CLEAN(git(repo, {QStringLiteral("log"), QStringLiteral("--format=%B")}),
                     QStringLiteral("the commit messages"));
        VERIFY_CLEAN(git(repo, {QStringLiteral("ls-tree"), QStringLiteral("-r"), QStringLiteral("--name-only"),
                                QStringLiteral("HEAD")}),
                     QStringLiteral("the committed file names"));
        VERIFY_CLEAN(git(repo, {QStringLiteral("log"), QStringLiteral("-p")}), QStringLiteral("the committed files"));
    }
};

QTEST_GUILESS_MAIN(RedactionPaths)
#include "test_redaction_paths.moc"
