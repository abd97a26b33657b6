// Test of the server with the official `openai` npm package as the client (tests/app/openai_client),
// in front of LocalBackend on a tiny generated model: models, completions, streaming, usage, errors.
// Not run without Node and the package: it skips, naming what is missing (tools/test.sh installs it).
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "app/local_backend.h"
#include "app/openai_server.h"
#include "tiny_model.h"

using namespace sigma::app;

class TestServerOpenAiNpm : public QObject {
    Q_OBJECT
private slots:
    void officialClient() {
        const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
        if (node.isEmpty()) QSKIP("node is not installed");
        const QString modules = qEnvironmentVariable("SIGMA_OPENAI_NODE_MODULES");
        if (modules.isEmpty() || !QFile::exists(modules + QStringLiteral("/openai/package.json")))
            QSKIP(
                "the 'openai' npm package is not installed (run tools/test.sh, which sets SIGMA_OPENAI_NODE_MODULES)");

        QTemporaryDir dir;
        const QString model = dir.filePath(QStringLiteral("tiny.gguf"));
        QVERIFY(make_tiny_model(model).isEmpty());
        LocalBackendOptions lo;
        lo.model_path = model;
        lo.template_name = QStringLiteral("chatml");
        lo.n_threads = 1;
        LocalBackend backend(lo);
        OpenAiServerOptions so;
        so.api_key = QStringLiteral("npm-key");
        OpenAiServer server(backend, so);
        QVERIFY(server.listen());

        GenerationRequest same;
        same.messages = {{QStringLiteral("user"), QStringLiteral("show gpu memory")}};
        same.max_tokens = 12;
        same.temperature = 0;
        LocalBackend reference(lo);
        const BlockingResult expected = generate_blocking(reference, same, 120000);
        QVERIFY2(expected.ok, qPrintable(expected.error.message));

        QProcess client;
        client.start(node, {QStringLiteral(SIGMA_SOURCE_DIR "/tests/app/openai_client/client.js"),
                            server.base_url().toString() + QStringLiteral("/v1"), QStringLiteral("npm-key")});
        QSignalSpy done(&client, &QProcess::finished);
        QVERIFY(done.wait(180000));  // the server answers on this thread while we wait
        const QByteArray err = client.readAllStandardError();
        QVERIFY2(client.exitCode() == 0, err.constData());
        const QJsonObject out = QJsonDocument::fromJson(client.readAllStandardOutput()).object();
        QCOMPARE(out.value(QStringLiteral("models")).toArray().at(0).toString(), QStringLiteral("tiny.gguf"));
        QCOMPARE(out.value(QStringLiteral("text")).toString(), expected.text);
        QCOMPARE(out.value(QStringLiteral("stream_text")).toString(), expected.text);
        QVERIFY(out.value(QStringLiteral("stream_chunks")).toInt() >= 3);
        QCOMPARE(out.value(QStringLiteral("finish_reason")).toString(), expected.stats.finish_reason);
        QCOMPARE(out.value(QStringLiteral("usage")).toObject().value(QStringLiteral("completion_tokens")).toInt(),
                 expected.stats.completion_tokens);
        QCOMPARE(out.value(QStringLiteral("stream_usage")).toObject().value(QStringLiteral("prompt_tokens")).toInt(),
                 expected.stats.prompt_tokens);
        QCOMPARE(out.value(QStringLiteral("bad_request_status")).toInt(), 400);
        QVERIFY(out.value(QStringLiteral("bad_request_message")).toString().contains(QStringLiteral("messages")));
        QCOMPARE(out.value(QStringLiteral("wrong_key_status")).toInt(), 401);
    }
};

QTEST_GUILESS_MAIN(TestServerOpenAiNpm)
#include "test_server_openai_npm.moc"
