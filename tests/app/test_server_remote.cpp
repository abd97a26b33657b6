// End-to-end tests: RemoteBackend talking to the project's own OpenAiServer, backed by LocalBackend
// on a tiny generated model (in process), through a relay, and the `sigma serve` executable.
// Not a test of error paths against misbehaving servers (test_remote_backend.cpp does those).
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "app/local_backend.h"
#include "app/openai_server.h"
#include "app/remote_backend.h"
#include "curl_client.h"
#include "tiny_model.h"

using namespace sigma::app;

namespace {

GenerationRequest ask(const QString& text, int max_tokens = 12) {
    GenerationRequest r;
    r.messages = {{QStringLiteral("user"), text}};
    r.max_tokens = max_tokens;
    r.temperature = 0.0;
    return r;
}

LocalBackendOptions local_options(const QString& path) {
    LocalBackendOptions o;
    o.model_path = path;
    o.template_name = QStringLiteral("chatml");
    o.n_threads = 1;
    return o;
}

RemoteBackendOptions remote_options(const QUrl& server) {
    RemoteBackendOptions o;
    o.base_url = QUrl(server.toString() + QStringLiteral("/v1"));
    o.first_byte_timeout_ms = 60000;
    o.idle_timeout_ms = 60000;
    return o;
}

QString sigma_binary() {
    const QString dir = qEnvironmentVariable("SIGMA_BIN_DIR", QStringLiteral(SIGMA_BINARY_DIR "/bin"));
    return dir + QStringLiteral("/sigma");
}

}  // namespace

class TestServerRemote : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir_;
    QString model_;

private slots:
    void initTestCase() {
        model_ = dir_.filePath(QStringLiteral("tiny.gguf"));
        const QString err = make_tiny_model(model_);
        QVERIFY2(err.isEmpty(), qPrintable(err));
    }

    void remoteAgainstOwnServer() {
        LocalBackend reference(local_options(model_));
        const BlockingResult expected = generate_blocking(reference, ask(QStringLiteral("uptime please")), 120000);
        QVERIFY2(expected.ok, qPrintable(expected.error.message));

        LocalBackend local(local_options(model_));
        OpenAiServerOptions so;
        so.api_key = QStringLiteral("pw");
        OpenAiServer server(local, so);
        QVERIFY(server.listen());
        RemoteBackendOptions ro = remote_options(server.base_url());
        ro.api_key = QStringLiteral("pw");
        RemoteBackend remote(ro);
        QStringList pieces;
        const BlockingResult got = generate_blocking(remote, ask(QStringLiteral("uptime please")), 120000,
                                                     [&](const QString& p) { pieces << p; });
        QVERIFY2(got.ok, qPrintable(got.error.message));
        QCOMPARE(got.text, expected.text);
        QVERIFY(pieces.size() >= 1);
        QCOMPARE(got.stats.completion_tokens, expected.stats.completion_tokens);  // from the usage chunk
        QCOMPARE(got.stats.prompt_tokens, expected.stats.prompt_tokens);
        QCOMPARE(got.stats.finish_reason, expected.stats.finish_reason);

        // The wrong key: an Http error carrying the server's message.
        RemoteBackendOptions wrong = remote_options(server.base_url());
        wrong.api_key = QStringLiteral("nope");
        RemoteBackend refused(wrong);
        const BlockingResult denied = generate_blocking(refused, ask(QStringLiteral("x")), 120000);
        QVERIFY(!denied.ok);
        QCOMPARE(denied.error.kind, BackendError::Kind::Http);
        QCOMPARE(denied.error.http_status, 401);
        QVERIFY2(denied.error.message.contains(QStringLiteral("incorrect API key")), qPrintable(denied.error.message));
    }

    void relay() {
        // client -> server A (RemoteBackend) -> server B (LocalBackend)
        LocalBackend local(local_options(model_));
        OpenAiServer inner(local, {});
        QVERIFY(inner.listen());
        RemoteBackend relay_backend(remote_options(inner.base_url()));
        OpenAiServer outer(relay_backend, {});
        QVERIFY(outer.listen());
        RemoteBackend client(remote_options(outer.base_url()));
        const BlockingResult direct = generate_blocking(local, ask(QStringLiteral("df -h")), 120000);
        const BlockingResult relayed = generate_blocking(client, ask(QStringLiteral("df -h")), 120000);
        QVERIFY2(relayed.ok, qPrintable(relayed.error.message));
        QCOMPARE(relayed.text, direct.text);
    }

    void cancelReachesTheEngine() {
        // The client cancels mid-stream; the server sees the connection close and cancels the engine.
        const QString bigger = dir_.filePath(QStringLiteral("bigger.gguf"));
        const QString made = make_tiny_model(bigger, 2048, 128, 4);
        QVERIFY2(made.isEmpty(), qPrintable(made));
        LocalBackend local(local_options(bigger));
        QSignalSpy engine_failed(&local, &Backend::failed);
        QSignalSpy engine_finished(&local, &Backend::finished);
        OpenAiServer server(local, {});
        QVERIFY(server.listen());
        RemoteBackend remote(remote_options(server.base_url()));
        QSignalSpy client_failed(&remote, &Backend::failed);
        const quint64 id = remote.generate(ask(QStringLiteral("keep talking"), 1900));
        connect(&remote, &Backend::tokenReceived, this, [&](quint64 rid, const QString&) { remote.cancel(rid); });
        QVERIFY(client_failed.wait(120000));
        QCOMPARE(client_failed.first().at(0).toULongLong(), id);
        QCOMPARE(client_failed.first().at(1).value<BackendError>().kind, BackendError::Kind::Cancelled);
        QTRY_VERIFY_WITH_TIMEOUT(!engine_failed.isEmpty() || !engine_finished.isEmpty(), 120000);
        QVERIFY2(engine_finished.isEmpty(), "the engine ran to the end instead of being cancelled");
        QCOMPARE(engine_failed.first().at(1).value<BackendError>().kind, BackendError::Kind::Cancelled);
        QTRY_VERIFY_WITH_TIMEOUT(!server.busy(), 30000);
        RemoteBackend next(remote_options(server.base_url()));
        const BlockingResult after = generate_blocking(next, ask(QStringLiteral("short"), 2), 120000);
        QVERIFY2(after.ok, qPrintable(after.error.message));
    }

    void contextOverflowBecomes400() {
        LocalBackendOptions lo = local_options(model_);
        lo.n_ctx = 64;
        LocalBackend local(lo);
        OpenAiServer server(local, {});
        QVERIFY(server.listen());
        RemoteBackend remote(remote_options(server.base_url()));
        const BlockingResult r = generate_blocking(remote, ask(QString(300, QLatin1Char('y'))), 120000);
        QVERIFY(!r.ok);
        QCOMPARE(r.error.kind, BackendError::Kind::Http);
        QCOMPARE(r.error.http_status, 400);
        QVERIFY2(r.error.message.contains(QStringLiteral("context holds 64")), qPrintable(r.error.message));
    }

    void serveExecutable() {
        if (!QFile::exists(sigma_binary())) QSKIP("the sigma executable is not built (SIGMA_BIN_DIR)");
        QProcess serve;
        serve.start(sigma_binary(), {QStringLiteral("serve"), QStringLiteral("-m"), model_, QStringLiteral("--port"),
                                     QStringLiteral("0"), QStringLiteral("--template"), QStringLiteral("chatml"),
                                     QStringLiteral("--api-key"), QStringLiteral("k")});
        QVERIFY(serve.waitForStarted(30000));
        QTRY_VERIFY_WITH_TIMEOUT(serve.canReadLine() || serve.state() == QProcess::NotRunning, 60000);
        const QByteArray first = serve.readLine().trimmed();
        QVERIFY2(first.startsWith("listening on http://127.0.0.1:"), first.constData());
        const QUrl url(QString::fromUtf8(first.mid(13)));
        QVERIFY(url.port() > 0);
        RemoteBackendOptions ro = remote_options(url);
        ro.api_key = QStringLiteral("k");
        RemoteBackend remote(ro);
        const BlockingResult r = generate_blocking(remote, ask(QStringLiteral("hello")), 120000);
        QVERIFY2(r.ok, qPrintable(r.error.message));
        LocalBackend reference(local_options(model_));
        QCOMPARE(r.text, generate_blocking(reference, ask(QStringLiteral("hello")), 120000).text);
        serve.terminate();  // SIGTERM: a clean stop with exit code 0
        QVERIFY(serve.waitForFinished(60000));
        QCOMPARE(serve.exitStatus(), QProcess::NormalExit);
        QCOMPARE(serve.exitCode(), 0);
    }

    void serveRefusesBadModelAndArguments() {
        if (!QFile::exists(sigma_binary())) QSKIP("the sigma executable is not built (SIGMA_BIN_DIR)");
        const QString bad = dir_.filePath(QStringLiteral("bad.gguf"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a model");
        f.close();
        QProcess p;
        p.start(sigma_binary(),
                {QStringLiteral("serve"), QStringLiteral("-m"), bad, QStringLiteral("--port"), QStringLiteral("0")});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 1);
        QVERIFY(p.readAllStandardOutput().isEmpty());
        QVERIFY(p.readAllStandardError().contains(bad.toUtf8()));
        QProcess usage;
        usage.start(sigma_binary(), {QStringLiteral("serve"), QStringLiteral("--port"), QStringLiteral("0")});
        QVERIFY(usage.waitForFinished(60000));
        QCOMPARE(usage.exitCode(), 2);
        QVERIFY(usage.readAllStandardError().contains("-m FILE or --remote URL"));
    }
};

QTEST_GUILESS_MAIN(TestServerRemote)
#include "test_server_remote.moc"
