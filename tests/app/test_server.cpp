// Tests of OpenAiServer with curl as the client, over a scripted backend: models, completions with
// and without streaming, malformed and oversized requests, the API key, the queue limit, several
// clients at once, keep-alive, and cancellation when a client leaves.
// Not a test of the engine: test_server_local.cpp puts a real model behind the server.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTemporaryFile>
#include <QTest>

#include "app/openai_server.h"
#include "curl_client.h"
#include "scripted_backend.h"

using namespace sigma::app;

namespace {

const QByteArray kChat =
    R"({"model":"m","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"}]})";

QStringList post(const QUrl& base, const QByteArray& body, const QStringList& extra = {}) {
    return QStringList{QStringLiteral("-X"),
                       QStringLiteral("POST"),
                       QStringLiteral("-H"),
                       QStringLiteral("Content-Type: application/json"),
                       QStringLiteral("--data-binary"),
                       QString::fromUtf8(body)} +
           extra + QStringList{base.toString() + QStringLiteral("/v1/chat/completions")};
}

QJsonObject json(const QByteArray& bytes) { return QJsonDocument::fromJson(bytes).object(); }

// The data of every "data: " line of an SSE body.
QList<QByteArray> sse_data(const QByteArray& body) {
    QList<QByteArray> out;
    for (const QByteArray& line : body.split('\n')) {
        if (line.startsWith("data: ")) out.append(line.mid(6).trimmed());
    }
    return out;
}

}  // namespace

class TestServer : public QObject {
    Q_OBJECT
private slots:
    void init() {
        if (!have_curl()) QSKIP("curl is not installed (apt-get install curl)");
    }

    void models() {
        ScriptedBackend backend;
        OpenAiServer server(backend, {});
        QVERIFY(server.listen());
        QCOMPARE(server.base_url().host(), QStringLiteral("127.0.0.1"));
        const CurlResult r = CurlCall({server.base_url().toString() + QStringLiteral("/v1/models")}).wait();
        QCOMPARE(r.http_status, 200);
        const QJsonObject o = json(r.body);
        QCOMPARE(o.value(QStringLiteral("object")).toString(), QStringLiteral("list"));
        QCOMPARE(o.value(QStringLiteral("data")).toArray().at(0).toObject().value(QStringLiteral("id")).toString(),
                 QStringLiteral("scripted-model"));
    }

    void completionWithoutStreaming() {
        ScriptedBackend backend;
        OpenAiServer server(backend, {});
        QVERIFY(server.listen());
        const QByteArray body =
            R"({"messages":[{"role":"user","content":[{"type":"text","text":"list "},{"type":"text","text":"gpus"}]}],"max_tokens":17,"temperature":0,"seed":42,"stop":"\n"})";
        const CurlResult r = CurlCall(post(server.base_url(), body)).wait();
        QCOMPARE(r.http_status, 200);
        const QJsonObject o = json(r.body);
        QCOMPARE(o.value(QStringLiteral("object")).toString(), QStringLiteral("chat.completion"));
        const QJsonObject choice = o.value(QStringLiteral("choices")).toArray().at(0).toObject();
        QCOMPARE(choice.value(QStringLiteral("message")).toObject().value(QStringLiteral("content")).toString(),
                 QStringLiteral("Hello world"));
        QCOMPARE(choice.value(QStringLiteral("finish_reason")).toString(), QStringLiteral("stop"));
        const QJsonObject usage = o.value(QStringLiteral("usage")).toObject();
        QCOMPARE(usage.value(QStringLiteral("prompt_tokens")).toInt(), 7);
        QCOMPARE(usage.value(QStringLiteral("completion_tokens")).toInt(), 2);
        QCOMPARE(usage.value(QStringLiteral("total_tokens")).toInt(), 9);
        // The request reached the backend as parsed values.
        QCOMPARE(backend.requests.size(), 1);
        const GenerationRequest& g = backend.requests.first();
        QCOMPARE(g.messages.size(), 1);
        QCOMPARE(g.messages.first().content, QStringLiteral("list gpus"));
        QCOMPARE(g.max_tokens, 17);
        QCOMPARE(g.temperature, 0.0);
        QCOMPARE(g.seed, quint64(42));
        QCOMPARE(g.stop, QStringList{QStringLiteral("\n")});
    }

    void completionStreaming() {
        ScriptedBackend backend;
        OpenAiServer server(backend, {});
        QVERIFY(server.listen());
        QByteArray body = kChat;
        body.replace("\"model\":\"m\"", "\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true}");
        const CurlResult r =
            CurlCall(QStringList{QStringLiteral("-N"), QStringLiteral("-i")} + post(server.base_url(), body)).wait();
        QCOMPARE(r.http_status, 200);
        QVERIFY(r.body.contains("Content-Type: text/event-stream"));
        QVERIFY(r.body.contains("Transfer-Encoding: chunked"));
        const QList<QByteArray> events = sse_data(r.body);
        QVERIFY(events.size() >= 5);
        QCOMPARE(events.last(), QByteArray("[DONE]"));
        QString text;
        QString finish;
        int usage_total = -1;
        for (qsizetype i = 0; i + 1 < events.size(); ++i) {
            const QJsonObject c = json(events[i]);
            QCOMPARE(c.value(QStringLiteral("object")).toString(), QStringLiteral("chat.completion.chunk"));
            QCOMPARE(c.value(QStringLiteral("model")).toString(), QStringLiteral("m"));
            const QJsonArray choices = c.value(QStringLiteral("choices")).toArray();
            if (i == 0)
                QCOMPARE(choices.at(0)
                             .toObject()
                             .value(QStringLiteral("delta"))
                             .toObject()
                             .value(QStringLiteral("role"))
                             .toString(),
                         QStringLiteral("assistant"));
            if (c.contains(QStringLiteral("usage")))
                usage_total = c.value(QStringLiteral("usage")).toObject().value(QStringLiteral("total_tokens")).toInt();
            if (choices.isEmpty()) continue;
            text += choices.at(0)
                        .toObject()
                        .value(QStringLiteral("delta"))
                        .toObject()
                        .value(QStringLiteral("content"))
                        .toString();
            if (choices.at(0).toObject().value(QStringLiteral("finish_reason")).isString())
                finish = choices.at(0).toObject().value(QStringLiteral("finish_reason")).toString();
        }
        QCOMPARE(text, QStringLiteral("Hello world"));
        QCOMPARE(finish, QStringLiteral("stop"));
        QCOMPARE(usage_total, 9);
    }

    void backendFailureMidStream() {
        ScriptedBackend backend;
        backend.fail_after_first = true;
        OpenAiServer server(backend, {});
        QVERIFY(server.listen());
        QByteArray body = kChat;
        body.replace("\"model\":\"m\"", "\"stream\":true");
        const CurlResult r = CurlCall(QStringList{QStringLiteral("-N")} + post(server.base_url(), body)).wait();
        QCOMPARE(r.http_status, 200);
        const QList<QByteArray> events = sse_data(r.body);
        QVERIFY(!events.isEmpty());
        const QJsonObject last = json(events.last());
        QCOMPARE(last.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString(),
                 QStringLiteral("the engine broke down"));
        // And without streaming: a 500 with the message.
        const CurlResult plain = CurlCall(post(server.base_url(), kChat)).wait();
        QCOMPARE(plain.http_status, 500);
        QCOMPARE(json(plain.body).value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString(),
                 QStringLiteral("the engine broke down"));
    }

    void badRequests_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("param");
        QTest::addColumn<QString>("message_part");
        QTest::newRow("not json") << QByteArray("{\"messages\": [") << QString() << "not valid JSON";
        QTest::newRow("not an object") << QByteArray("[1,2]") << QString() << "JSON object";
        QTest::newRow("no messages") << QByteArray("{\"model\":\"x\"}") << "messages"
                                     << "'messages' is required";
        QTest::newRow("messages not array") << QByteArray("{\"messages\":\"hi\"}") << "messages"
                                            << "must be an array";
        QTest::newRow("empty messages") << QByteArray("{\"messages\":[]}") << "messages"
                                        << "must not be empty";
        QTest::newRow("bad role") << QByteArray(R"({"messages":[{"role":"wizard","content":"x"}]})")
                                  << "messages[0].role"
                                  << "must be one of";
        QTest::newRow("content number") << QByteArray(R"({"messages":[{"role":"user","content":5}]})")
                                        << "messages[0].content"
                                        << "must be a string";
        QTest::newRow("max_tokens string")
            << QByteArray(R"({"messages":[{"role":"user","content":"x"}],"max_tokens":"9"})") << "max_tokens"
            << "integer";
        QTest::newRow("max_tokens zero") << QByteArray(R"({"messages":[{"role":"user","content":"x"}],"max_tokens":0})")
                                         << "max_tokens"
                                         << "integer";
        QTest::newRow("temperature string")
            << QByteArray(R"({"messages":[{"role":"user","content":"x"}],"temperature":"hot"})") << "temperature"
            << "number";
        QTest::newRow("stream string") << QByteArray(R"({"messages":[{"role":"user","content":"x"}],"stream":"yes"})")
                                       << "stream"
                                       << "boolean";
        QTest::newRow("n two") << QByteArray(R"({"messages":[{"role":"user","content":"x"}],"n":2})") << "n"
                               << "must be 1";
        QTest::newRow("stop number") << QByteArray(R"({"messages":[{"role":"user","content":"x"}],"stop":3})") << "stop"
                                     << "string";
    }
    void badRequests() {
        QFETCH(QByteArray, body);
        QFETCH(QString, param);
        QFETCH(QString, message_part);
        ScriptedBackend backend;
        OpenAiServer server(backend, {});
        QVERIFY(server.listen());
        const CurlResult r = CurlCall(post(server.base_url(), body)).wait();
        QCOMPARE(r.http_status, 400);
        const QJsonObject e = json(r.body).value(QStringLiteral("error")).toObject();
        QVERIFY2(e.value(QStringLiteral("message")).toString().contains(message_part), r.body.constData());
        QCOMPARE(e.value(QStringLiteral("type")).toString(), QStringLiteral("invalid_request_error"));
        if (!param.isEmpty()) QCOMPARE(e.value(QStringLiteral("param")).toString(), param);
        QVERIFY(backend.requests.isEmpty());
    }

    void oversizedBody() {
        ScriptedBackend backend;
        OpenAiServer server(backend, {});
        QVERIFY(server.listen());
        QTemporaryFile big;
        QVERIFY(big.open());
        big.write("{\"messages\":[{\"role\":\"user\",\"content\":\"");
        big.write(QByteArray(2 << 20, 'a'));
        big.write("\"}]}");
        big.close();
        const CurlResult r = CurlCall({QStringLiteral("-X"), QStringLiteral("POST"), QStringLiteral("-H"),
                                       QStringLiteral("Content-Type: application/json"),
                                       QStringLiteral("--data-binary"), QLatin1Char('@') + big.fileName(),
                                       server.base_url().toString() + QStringLiteral("/v1/chat/completions")})
                                 .wait();
        QCOMPARE(r.http_status, 413);
        QVERIFY2(json(r.body)
                     .value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("message"))
                     .toString()
                     .contains(QStringLiteral("over the limit")),
                 r.body.constData());
        QVERIFY(backend.requests.isEmpty());
    }

    void apiKey() {
        ScriptedBackend backend;
        OpenAiServerOptions o;
        o.api_key = QStringLiteral("k-123");
        OpenAiServer server(backend, o);
        QVERIFY(server.listen());
        const CurlResult missing = CurlCall(post(server.base_url(), kChat)).wait();
        QCOMPARE(missing.http_status, 401);
        QCOMPARE(json(missing.body).value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
                 QStringLiteral("invalid_api_key"));
        const CurlResult wrong = CurlCall(post(server.base_url(), kChat,
                                               {QStringLiteral("-H"), QStringLiteral("Authorization: Bearer nope")}))
                                     .wait();
        QCOMPARE(wrong.http_status, 401);
        const CurlResult models = CurlCall({server.base_url().toString() + QStringLiteral("/v1/models")}).wait();
        QCOMPARE(models.http_status, 401);
        QVERIFY(backend.requests.isEmpty());
        const CurlResult right = CurlCall(post(server.base_url(), kChat,
                                               {QStringLiteral("-H"), QStringLiteral("Authorization: Bearer k-123")}))
                                     .wait();
        QCOMPARE(right.http_status, 200);
    }

    void unknownRouteAndMethod() {
        ScriptedBackend backend;
        OpenAiServer server(backend, {});
        QVERIFY(server.listen());
        const CurlResult nf = CurlCall({server.base_url().toString() + QStringLiteral("/v1/embeddings")}).wait();
        QCOMPARE(nf.http_status, 404);
        QVERIFY(json(nf.body).contains(QStringLiteral("error")));
        const CurlResult wrong =
            CurlCall({server.base_url().toString() + QStringLiteral("/v1/chat/completions")}).wait();
        QCOMPARE(wrong.http_status, 405);
    }

    void severalClientsAtOnce() {
        ScriptedBackend backend;
        OpenAiServer server(backend, {});
        QVERIFY(server.listen());
        QList<std::shared_ptr<CurlCall>> calls;
        for (int i = 0; i < 6; ++i) {
            QByteArray body = kChat;
            if (i % 2) body.replace("\"model\":\"m\"", "\"stream\":true");
            calls.append(std::make_shared<CurlCall>(post(server.base_url(), body)));
        }
        for (int i = 0; i < calls.size(); ++i) {
            const CurlResult r = calls[i]->wait();
            QCOMPARE(r.http_status, 200);
            QVERIFY2(r.body.contains("Hello") && r.body.contains("world"), r.body.constData());
        }
        QCOMPARE(backend.requests.size(), 6);
    }

    void queueLimitGives429() {
        ScriptedBackend backend;
        backend.hold = true;
        OpenAiServerOptions o;
        o.queue_limit = 2;
        OpenAiServer server(backend, o);
        QVERIFY(server.listen());
        CurlCall first(post(server.base_url(), kChat));
        QTRY_COMPARE_WITH_TIMEOUT(backend.running(), 1, 30000);
        CurlCall second(post(server.base_url(), kChat));
        CurlCall third(post(server.base_url(), kChat));
        QTRY_COMPARE_WITH_TIMEOUT(server.waiting_count(), 2, 30000);
        const CurlResult refused = CurlCall(post(server.base_url(), kChat)).wait();
        QCOMPARE(refused.http_status, 429);
        QCOMPARE(json(refused.body).value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
                 QStringLiteral("queue_full"));
        QVERIFY(!first.finished());
        backend.hold = false;
        backend.release();
        QCOMPARE(first.wait().http_status, 200);
        QCOMPARE(second.wait().http_status, 200);
        QCOMPARE(third.wait().http_status, 200);
        QCOMPARE(backend.requests.size(), 3);
    }

    void clientLeavingCancels() {
        ScriptedBackend backend;
        backend.hold = true;
        OpenAiServer server(backend, {});
        QVERIFY(server.listen());
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(socket.waitForConnected(10000));
        QByteArray body = kChat;
        body.replace("\"model\":\"m\"", "\"stream\":true");
        socket.write(
            "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
            QByteArray::number(body.size()) + "\r\n\r\n" + body);
        QTRY_COMPARE_WITH_TIMEOUT(backend.running(), 1, 30000);
        socket.abort();
        QTRY_COMPARE_WITH_TIMEOUT(backend.cancelled.size(), 1, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(!server.busy(), 30000);
        // The server serves the next client after the cancelled one.
        backend.hold = false;
        QCOMPARE(CurlCall(post(server.base_url(), kChat)).wait().http_status, 200);
    }

    void keepAliveAndPipelining() {
        ScriptedBackend backend;
        OpenAiServer server(backend, {});
        QVERIFY(server.listen());
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(socket.waitForConnected(10000));
        // Two requests in one write: both are answered, in order, on the same connection.
        socket.write("GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        QByteArray got;
        QTRY_VERIFY_WITH_TIMEOUT(
            (got += socket.readAll()).count("HTTP/1.1 200 OK") == 2 && got.endsWith("{\"status\":\"ok\"}"), 30000);
        QVERIFY(got.indexOf("\"object\":\"list\"") < got.indexOf("\"status\":\"ok\""));
        QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);
        // "Connection: close" is honoured.
        socket.write("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, 30000);
    }

    void malformedHttpIsRefused() {
        ScriptedBackend backend;
        OpenAiServer server(backend, {});
        QVERIFY(server.listen());
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(socket.waitForConnected(10000));
        socket.write("BLAH\r\n\r\n");
        QByteArray got;
        QTRY_VERIFY_WITH_TIMEOUT((got += socket.readAll()).contains("}"), 30000);
        QVERIFY2(got.startsWith("HTTP/1.1 400 Bad Request"), got.constData());
        QVERIFY(got.contains("\"error\""));
        QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, 30000);
    }
};

QTEST_GUILESS_MAIN(TestServer)
#include "test_server.moc"
