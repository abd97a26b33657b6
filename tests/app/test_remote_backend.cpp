// Tests of RemoteBackend against scripted servers: a good stream, a dead port, a silent server,
// HTTP errors with JSON bodies, retries, malformed streams, dropped connections and cancellation.
// Not a test of the project's own server (test_server_remote.cpp does that).
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

#include "app/remote_backend.h"
#include "scripted_http_server.h"

using namespace sigma::app;
using After = ScriptedAnswer::After;

namespace {

RemoteBackendOptions fast_options(const QString& url) {
    RemoteBackendOptions o;
    o.base_url = QUrl(url);
    // Generous: only the timeout tests lower these, so a loaded machine cannot fake a timeout.
    o.first_byte_timeout_ms = 30000;
    o.idle_timeout_ms = 30000;
    o.max_retries = 2;
    o.retry_backoff_ms = 10;
    return o;
}

GenerationRequest hello() {
    GenerationRequest r;
    r.messages = {{QStringLiteral("user"), QStringLiteral("hello")}};
    r.max_tokens = 8;
    return r;
}

// Runs one request to its end (finished or failed, bounded by the spy's wait).
struct Outcome {
    bool finished = false;
    bool failed = false;
    QString text;
    GenerationStats stats;
    BackendError error;
};
Outcome run(RemoteBackend& backend, const GenerationRequest& request = hello()) {
    QSignalSpy tokens(&backend, &Backend::tokenReceived);
    QSignalSpy done(&backend, &Backend::finished);
    QSignalSpy bad(&backend, &Backend::failed);
    const quint64 id = backend.generate(request);
    Outcome o;
    if (done.isEmpty() && bad.isEmpty()) {
        // Either signal ends the wait; the guard is far beyond every timeout configured here.
        QEventLoop loop;
        QObject::connect(&backend, &Backend::finished, &loop, &QEventLoop::quit);
        QObject::connect(&backend, &Backend::failed, &loop, &QEventLoop::quit);
        QTimer::singleShot(120000, &loop, &QEventLoop::quit);
        loop.exec();
    }
    for (const auto& args : tokens) {
        if (args.at(0).toULongLong() == id) o.text += args.at(1).toString();
    }
    if (!done.isEmpty()) {
        o.finished = true;
        o.stats = done.first().at(1).value<GenerationStats>();
    }
    if (!bad.isEmpty()) {
        o.failed = true;
        o.error = bad.first().at(1).value<BackendError>();
    }
    return o;
}

}  // namespace

class TestRemoteBackend : public QObject {
    Q_OBJECT
private slots:
    void goodStream() {
        ScriptedHttpServer server(
            {{ScriptedHttpServer::stream_head() + ScriptedHttpServer::chunk("Hel") + ": ping\n\n" +
                  ScriptedHttpServer::chunk("lo") +
                  "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}\n\n"
                  "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2}}\n\n"
                  "data: [DONE]\n\n",
              After::StayOpen}});
        RemoteBackendOptions o = fast_options(server.base_url());
        o.api_key = QStringLiteral("sekret");
        RemoteBackend backend(o);
        const Outcome out = run(backend);
        QVERIFY2(out.finished, qPrintable(out.error.message));
        QCOMPARE(out.text, QStringLiteral("Hello"));
        QCOMPARE(out.stats.finish_reason, QStringLiteral("length"));
        QCOMPARE(out.stats.prompt_tokens, 5);
        QCOMPARE(out.stats.completion_tokens, 2);
        QCOMPARE(server.requests.size(), 1);
        const QByteArray req = server.requests.first();
        QVERIFY(req.startsWith("POST /v1/chat/completions HTTP/1.1"));
        QVERIFY(req.contains("Authorization: Bearer sekret"));
        QVERIFY(req.contains("\"stream\":true"));
        QVERIFY(req.contains("\"content\":\"hello\""));
    }

    void apiKeyFromEnvironment() {
        ScriptedHttpServer server({{ScriptedHttpServer::stream_head() + "data: [DONE]\n\n", After::Close}});
        qputenv("SIGMA_REMOTE_API_KEY", "from-env");
        // The key guarding this machine's own server is never sent upstream.
        qputenv("SIGMA_API_KEY", "local-server-key");
        RemoteBackend backend(fast_options(server.base_url()));
        QCOMPARE(backend.effective_api_key(), QStringLiteral("from-env"));
        const Outcome out = run(backend);
        qunsetenv("SIGMA_REMOTE_API_KEY");
        QVERIFY(out.finished);
        QVERIFY(server.requests.first().contains("Authorization: Bearer from-env"));
        QVERIFY(!server.requests.first().contains("local-server-key"));
        RemoteBackend unkeyed(fast_options(server.base_url()));
        const bool openai_set = qEnvironmentVariableIsSet("OPENAI_API_KEY");
        if (!openai_set) QCOMPARE(unkeyed.effective_api_key(), QString());
        qunsetenv("SIGMA_API_KEY");
    }

    void deadServerIsAConnectionError() {
        quint16 port = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
            port = probe.serverPort();
        }  // closed: nothing listens there now
        RemoteBackend backend(fast_options(QStringLiteral("http://127.0.0.1:%1/v1").arg(port)));
        const Outcome out = run(backend);
        QVERIFY(out.failed);
        QCOMPARE(out.error.kind, BackendError::Kind::Connection);
        QVERIFY2(out.error.message.contains(QString::number(port)), qPrintable(out.error.message));
    }

    void silentServerTimesOut() {
        ScriptedHttpServer server({{QByteArray(), After::StayOpen}});
        RemoteBackendOptions o = fast_options(server.base_url());
        o.first_byte_timeout_ms = 300;
        RemoteBackend backend(o);
        const Outcome out = run(backend);
        QVERIFY(out.failed);
        QCOMPARE(out.error.kind, BackendError::Kind::Timeout);
        QVERIFY2(out.error.message.contains(QStringLiteral("300 ms")), qPrintable(out.error.message));
        QCOMPARE(server.connections(), 1);  // timeouts are not retried
    }

    void stallMidStreamTimesOut() {
        ScriptedHttpServer server(
            {{ScriptedHttpServer::stream_head() + ScriptedHttpServer::chunk("partial"), After::StayOpen}});
        RemoteBackendOptions o = fast_options(server.base_url());
        o.idle_timeout_ms = 300;
        RemoteBackend backend(o);
        const Outcome out = run(backend);
        QVERIFY(out.failed);
        QCOMPARE(out.error.kind, BackendError::Kind::Timeout);
        QCOMPARE(out.text, QStringLiteral("partial"));
        QVERIFY2(out.error.message.contains(QStringLiteral("mid-answer")), qPrintable(out.error.message));
    }

    void httpErrorWithJsonBody() {
        const QByteArray body = R"({"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}})";
        ScriptedHttpServer server({{"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: " +
                                        QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body,
                                    After::Close}});
        RemoteBackend backend(fast_options(server.base_url()));
        const Outcome out = run(backend);
        QVERIFY(out.failed);
        QCOMPARE(out.error.kind, BackendError::Kind::Http);
        QCOMPARE(out.error.http_status, 401);
        QVERIFY2(out.error.message.contains(QStringLiteral("Incorrect API key provided")),
                 qPrintable(out.error.message));
        QVERIFY(out.error.message.contains(QStringLiteral("401")));
        QCOMPARE(server.connections(), 1);  // 4xx other than 429 is not retried
    }

    void serverErrorsAreRetriedThenSucceed() {
        const QByteArray busy = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        const QByteArray limited =
            "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 0\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        ScriptedHttpServer server(
            {{busy, After::Close},
             {limited, After::Close},
             {ScriptedHttpServer::stream_head() + ScriptedHttpServer::chunk("ok") + "data: [DONE]\n\n", After::Close}});
        RemoteBackend backend(fast_options(server.base_url()));
        const Outcome out = run(backend);
        QVERIFY2(out.finished, qPrintable(out.error.message));
        QCOMPARE(out.text, QStringLiteral("ok"));
        QCOMPARE(server.connections(), 3);
    }

    void retriesAreBounded() {
        const QByteArray busy =
            "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: 31\r\n"
            "Connection: close\r\n\r\n{\"error\":{\"message\":\"boom!!\"}}";
        ScriptedHttpServer server({{busy, After::Close}});
        RemoteBackend backend(fast_options(server.base_url()));
        const Outcome out = run(backend);
        QVERIFY(out.failed);
        QCOMPARE(out.error.kind, BackendError::Kind::Http);
        QCOMPARE(out.error.http_status, 500);
        QCOMPARE(server.connections(), 3);  // one try plus max_retries = 2
    }

    void malformedStreams_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("after");
        QTest::addColumn<QString>("expected_text");
        const QByteArray head = ScriptedHttpServer::stream_head();
        QTest::newRow("garbage lines") << head + "hello there\nthis is not sse\n" << int(After::Close) << QString();
        QTest::newRow("truncated json") << head + "data: {\"choices\":[{\"delta\":{\"cont\n\n"
                                        << int(After::Close) << QString();
        QTest::newRow("not json") << head + "data: <html>\n\n" << int(After::Close) << QString();
        QTest::newRow("closed mid-stream") << head + ScriptedHttpServer::chunk("a") + ScriptedHttpServer::chunk("b")
                                           << int(After::Close) << QStringLiteral("ab");
        QTest::newRow("cut inside an event")
            << head + ScriptedHttpServer::chunk("a") + "data: {\"choi" << int(After::Close) << QStringLiteral("a");
        QTest::newRow("connection reset")
            << head + ScriptedHttpServer::chunk("a") << int(After::Abort) << QStringLiteral("a");
        QTest::newRow("endless line") << head + "data: " + QByteArray(3 << 20, 'x') << int(After::StayOpen)
                                      << QString();
        QTest::newRow("chunked body cut") << QByteArray(
                                                 "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                                                 "Transfer-Encoding: chunked\r\n\r\n10\r\ndata: [DO")
                                          << int(After::Close) << QString();
    }
    void malformedStreams() {
        QFETCH(QByteArray, bytes);
        QFETCH(int, after);
        QFETCH(QString, expected_text);
        ScriptedHttpServer server({{bytes, After(after)}});
        RemoteBackend backend(fast_options(server.base_url()));
        const Outcome out = run(backend);
        QVERIFY(out.failed);
        QVERIFY2(out.error.kind == BackendError::Kind::MalformedStream, qPrintable(out.error.message));
        QVERIFY(out.error.message.contains(server.base_url()));
        QCOMPARE(out.text, expected_text);
        QCOMPARE(server.connections(), 1);  // never retried once the answer has started
    }

    void jsonAnswerToAStreamRequest() {
        const QByteArray body =
            R"({"choices":[{"index":0,"message":{"role":"assistant","content":"whole"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1}})";
        ScriptedHttpServer server({{"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                                        QByteArray::number(body.size()) + "\r\n\r\n" + body,
                                    After::StayOpen}});
        RemoteBackend backend(fast_options(server.base_url()));
        const Outcome out = run(backend);
        QVERIFY2(out.finished, qPrintable(out.error.message));
        QCOMPARE(out.text, QStringLiteral("whole"));
        QCOMPARE(out.stats.prompt_tokens, 3);
    }

    void cancelEndsTheRequest() {
        ScriptedHttpServer server({{QByteArray(), After::StayOpen}});
        RemoteBackend backend(fast_options(server.base_url()));
        QSignalSpy bad(&backend, &Backend::failed);
        const quint64 id = backend.generate(hello());
        QTRY_COMPARE(server.requests.size(), 1);
        backend.cancel(id);
        QVERIFY(bad.isEmpty());  // never emitted from inside cancel()
        QVERIFY(bad.wait(5000));
        QCOMPARE(bad.first().at(0).toULongLong(), id);
        QCOMPARE(bad.first().at(1).value<BackendError>().kind, BackendError::Kind::Cancelled);
        backend.cancel(id);  // a second cancel is harmless
        QVERIFY(!bad.wait(100));
    }

    void blockingHelper() {
        ScriptedHttpServer server({{ScriptedHttpServer::stream_head() + ScriptedHttpServer::chunk("x") +
                                        ScriptedHttpServer::chunk("y") + "data: [DONE]\n\n",
                                    After::Close}});
        RemoteBackend backend(fast_options(server.base_url()));
        QStringList pieces;
        const BlockingResult r = generate_blocking(backend, hello(), 10000, [&](const QString& t) { pieces << t; });
        QVERIFY2(r.ok, qPrintable(r.error.message));
        QCOMPARE(r.text, QStringLiteral("xy"));
        QCOMPARE(pieces, (QStringList{"x", "y"}));
    }

    void blockingHelperTimesOut() {
        ScriptedHttpServer server({{QByteArray(), After::StayOpen}});
        RemoteBackend backend(fast_options(server.base_url()));
        const BlockingResult r = generate_blocking(backend, hello(), 200);
        QVERIFY(!r.ok);
        QCOMPARE(r.error.kind, BackendError::Kind::Timeout);
    }

    void badUrl() {
        RemoteBackendOptions o;
        o.base_url = QUrl(QStringLiteral("ftp://example/v1"));
        RemoteBackend backend(o);
        const Outcome out = run(backend);
        QVERIFY(out.failed);
        QCOMPARE(out.error.kind, BackendError::Kind::Connection);
        QVERIFY(out.error.message.contains(QStringLiteral("ftp://example/v1")));
    }
};

QTEST_GUILESS_MAIN(TestRemoteBackend)
#include "test_remote_backend.moc"
