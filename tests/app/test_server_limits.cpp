// Tests of the server's protective limits over loopback sockets: connection slots per client and in
// all (503 with Retry-After, not a reset), the header and body timeouts (408, slot freed), pipelined
// requests answered in order, the constant-time key comparison, and `sigma serve`'s binding and key rules.
// Not a load test: counts are small, loops are bounded, and no assertion is about speed.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <memory>
#include <sys/socket.h>

#include "app/connection_limiter.h"
#include "app/constant_time_compare.h"
#include "app/openai_server.h"
#include "scripted_backend.h"

using namespace sigma::app;

namespace {

const QByteArray kChat = R"({"messages":[{"role":"user","content":"hi"}]})";

QByteArray chat_request(const QByteArray& body = kChat) {
    return "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
           QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

struct Response {
    int status = 0;
    QByteArray head;
    QByteArray body;  // de-chunked
    QByteArray header(const QByteArray& name) const {
        for (const QByteArray& line : head.split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().toLower() == name.toLower())
                return line.mid(colon + 1).trimmed();
        }
        return {};
    }
};

// Takes every whole response off the front of bytes (Content-Length or chunked bodies); a partial
// one stays for later.
QList<Response> take_responses(QByteArray& bytes) {
    QList<Response> out;
    for (;;) {
        const qsizetype head_end = bytes.indexOf("\r\n\r\n");
        if (head_end < 0) return out;
        Response r;
        r.head = bytes.left(head_end);
        r.status = r.head.mid(9, 3).toInt();
        qsizetype at = head_end + 4;
        if (r.header("transfer-encoding") == "chunked") {
            for (;;) {
                const qsizetype line_end = bytes.indexOf("\r\n", at);
                if (line_end < 0) return out;
                bool ok = false;
                const qsizetype size = bytes.mid(at, line_end - at).toLongLong(&ok, 16);
                if (!ok || bytes.size() < line_end + 2 + size + 2) return out;
                r.body += bytes.mid(line_end + 2, size);
                at = line_end + 2 + size + 2;
                if (size == 0) break;
            }
        } else {
            const qsizetype length = r.header("content-length").toLongLong();
            if (bytes.size() < at + length) return out;
            r.body = bytes.mid(at, length);
            at += length;
        }
        bytes.remove(0, at);
        out.append(r);
    }
}

// A raw client socket of the in-process server; what it receives is collected as it arrives, so
// the server (on this same thread) runs while a QTRY_ macro waits.
class RawClient {
public:
    explicit RawClient(quint16 port, const QHostAddress& from = {}) : socket_(std::make_unique<QTcpSocket>()) {
        QObject::connect(socket_.get(), &QTcpSocket::readyRead, [this] { received_ += socket_->readAll(); });
        if (!from.isNull()) bound_ = socket_->bind(from);
        socket_->connectToHost(QHostAddress::LocalHost, port);
    }
    bool bound() const { return bound_; }
    bool connected() const { return socket_->state() == QAbstractSocket::ConnectedState; }
    bool closed() const { return socket_->state() == QAbstractSocket::UnconnectedState; }
    void write(const QByteArray& bytes) { socket_->write(bytes); }
    // Shuts the sending side only (as `nc -N` or a script's shutdown(SHUT_WR) does), once the
    // written bytes are out.
    bool finish_sending() {
        if (!socket_->waitForBytesWritten(10000) && socket_->bytesToWrite() > 0) return false;
        return ::shutdown(static_cast<int>(socket_->socketDescriptor()), SHUT_WR) == 0;
    }
    QList<Response> responses() {
        received_ += socket_->readAll();
        QByteArray copy = received_;
        return take_responses(copy);
    }
    const QByteArray& received() const { return received_; }

private:
    std::unique_ptr<QTcpSocket> socket_;
    QByteArray received_;
    bool bound_ = true;
};

QJsonObject error_of(const Response& r) {
    return QJsonDocument::fromJson(r.body).object().value(QStringLiteral("error")).toObject();
}

// --- the built `sigma serve` executable --------------------------------------------------------

QString sigma_binary() {
    return qEnvironmentVariable("SIGMA_BIN_DIR", QStringLiteral(SIGMA_BINARY_DIR "/bin")) + QStringLiteral("/sigma");
}

// Arguments for a server that needs no model: it relays to a port where nothing listens, which
// matters only for completions; /health and /v1/models answer without it.
QStringList serve_args(const QStringList& extra) {
    return QStringList{QStringLiteral("serve"), QStringLiteral("--remote"), QStringLiteral("http://127.0.0.1:9/v1"),
                       QStringLiteral("--port"), QStringLiteral("0")} +
           extra;
}

QProcessEnvironment env_without_key() {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("SIGMA_API_KEY"));
    return env;
}

// A started `sigma serve`: its port on loopback once it printed "listening on", or 0.
struct Served {
    std::unique_ptr<QProcess> process = std::make_unique<QProcess>();
    quint16 port = 0;
    QByteArray first_line;
    QByteArray stderr_text;

    ~Served() {
        if (process->state() != QProcess::NotRunning) {
            process->terminate();
            if (!process->waitForFinished(30000)) process->kill();
            process->waitForFinished(30000);
        }
    }
};

std::unique_ptr<Served> start_serve(const QStringList& extra, const QProcessEnvironment& env) {
    auto s = std::make_unique<Served>();
    s->process->setProcessEnvironment(env);
    s->process->start(sigma_binary(), serve_args(extra));
    if (!s->process->waitForStarted(30000)) return s;
    for (int i = 0; i < 120 && !s->process->canReadLine() && s->process->state() != QProcess::NotRunning; ++i)
        s->process->waitForReadyRead(500);
    s->first_line = s->process->readLine().trimmed();
    const qsizetype colon = s->first_line.lastIndexOf(':');
    if (s->first_line.startsWith("listening on http://") && colon > 0)
        s->port = static_cast<quint16>(s->first_line.mid(colon + 1).toUInt());
    // The line after listening goes to stderr; what came before it (warnings) is read with it.
    for (int i = 0; i < 50 && s->port > 0 && !s->stderr_text.contains("OpenAI-compatible API at"); ++i) {
        s->process->waitForReadyRead(100);
        s->stderr_text += s->process->readAllStandardError();
    }
    return s;
}

// One blocking GET to 127.0.0.1:port (the server is another process); the status, or 0.
int blocking_get(quint16 port, const QByteArray& path, const QByteArray& key = {}) {
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(10000)) return 0;
    QByteArray request = "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n";
    if (!key.isEmpty()) request += "Authorization: Bearer " + key + "\r\n";
    socket.write(request + "\r\n");
    QByteArray got;
    QList<Response> r;
    for (int i = 0; i < 60 && r.isEmpty(); ++i) {
        socket.waitForReadyRead(500);
        got += socket.readAll();
        QByteArray copy = got;
        r = take_responses(copy);
    }
    return r.isEmpty() ? 0 : r.first().status;
}

}  // namespace

class TestServerLimits : public QObject {
    Q_OBJECT
private slots:
    void constantTimeEqualIsCorrect() {
        QVERIFY(constant_time_equal("", ""));
        QVERIFY(constant_time_equal("k-123", "k-123"));
        QVERIFY(constant_time_equal(QByteArrayView("a\0b", 3), QByteArrayView("a\0b", 3)));
        QVERIFY(!constant_time_equal("k-124", "k-123"));       // last byte
        QVERIFY(!constant_time_equal("j-123", "k-123"));       // first byte
        QVERIFY(!constant_time_equal("k-12", "k-123"));        // a prefix of the key
        QVERIFY(!constant_time_equal("k-1234", "k-123"));      // the key and more
        QVERIFY(!constant_time_equal("k-123k-123", "k-123"));  // the key twice (wraps around in the loop)
        QVERIFY(!constant_time_equal("", "k-123"));
        QVERIFY(!constant_time_equal("k-123", ""));
        QVERIFY(!constant_time_equal(QByteArrayView("a\0c", 3), QByteArrayView("a\0b", 3)));
        QVERIFY(!constant_time_equal(QByteArrayView("\0", 1), ""));
        // Every single-bit change of a longer key is seen, wherever it is.
        const QByteArray key = "sk-0123456789abcdefghijklmnopqrstuvwxyz";
        for (qsizetype i = 0; i < key.size(); ++i) {
            for (int bit = 0; bit < 8; ++bit) {
                QByteArray other = key;
                other[i] = static_cast<char>(other[i] ^ (1 << bit));
                QVERIFY(!constant_time_equal(other, key));
            }
        }
    }

    void limiterCountsPerClientAndInAll() {
        ConnectionLimiter l(3, 2);
        const QHostAddress a(QStringLiteral("10.0.0.1")), b(QStringLiteral("10.0.0.2")), c(QStringLiteral("10.0.0.3"));
        QCOMPARE(l.admit(a), ConnectionLimiter::Verdict::Admitted);
        QCOMPARE(l.admit(QHostAddress(QStringLiteral("::ffff:10.0.0.1"))), ConnectionLimiter::Verdict::Admitted);
        QCOMPARE(l.admit(a), ConnectionLimiter::Verdict::ClientFull);  // the mapped form counted as a
        QCOMPARE(l.admit(b), ConnectionLimiter::Verdict::Admitted);
        QCOMPARE(l.admit(c), ConnectionLimiter::Verdict::ServerFull);
        QCOMPARE(l.count(c), 0);
        QCOMPARE(l.total(), 3);
        l.release(a);
        QCOMPARE(l.count(a), 1);
        QCOMPARE(l.admit(c), ConnectionLimiter::Verdict::Admitted);
        l.release(QHostAddress(QStringLiteral("10.9.9.9")));  // never admitted: no effect
        QCOMPARE(l.total(), 3);
    }

    void halfOpenConnectionsFillTheClientsSlotsThen503() {
        ScriptedBackend backend;
        OpenAiServerOptions o;
        o.max_connections_per_client = 4;
        o.max_connections = 100;
        o.header_timeout_ms = 120000;  // the silent ones must still be there when the next one knocks
        OpenAiServer server(backend, o);
        QVERIFY(server.listen());
        std::vector<std::unique_ptr<RawClient>> silent;
        for (int i = 0; i < 4; ++i) silent.push_back(std::make_unique<RawClient>(server.port()));
        QTRY_COMPARE_WITH_TIMEOUT(server.connection_count(), 4, 30000);
        // The fifth sends a request straight away: it is answered 503, not reset, and closed.
        RawClient fifth(server.port());
        fifth.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_VERIFY_WITH_TIMEOUT(!fifth.responses().isEmpty(), 30000);
        const Response r = fifth.responses().first();
        QVERIFY2(r.head.startsWith("HTTP/1.1 503 Service Unavailable"), r.head.constData());
        QCOMPARE(r.header("retry-after"), QByteArray("2"));
        QCOMPARE(r.header("connection"), QByteArray("close"));
        QCOMPARE(error_of(r).value(QStringLiteral("code")).toString(), QStringLiteral("too_many_connections"));
        QVERIFY2(error_of(r).value(QStringLiteral("message")).toString().contains(QStringLiteral("per client")),
                 r.body.constData());
        QTRY_VERIFY_WITH_TIMEOUT(fifth.closed(), 30000);
        // The silent ones still hold their slots; one leaving frees one.
        QCOMPARE(server.connection_count(), 4);
        silent.pop_back();
        QTRY_COMPARE_WITH_TIMEOUT(server.connection_count(), 3, 30000);
        RawClient next(server.port());
        next.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_VERIFY_WITH_TIMEOUT(!next.responses().isEmpty(), 30000);
        QCOMPARE(next.responses().first().status, 200);
    }

    void burstBeyondTheTotalGetsAnswersNotResets() {
        ScriptedBackend backend;
        OpenAiServerOptions o;
        o.max_connections = 8;
        o.max_connections_per_client = 100;  // every client here is 127.0.0.1: the total is what binds
        OpenAiServer server(backend, o);
        QVERIFY(server.listen());
        std::vector<std::unique_ptr<RawClient>> clients;
        for (int i = 0; i < 40; ++i) {
            clients.push_back(std::make_unique<RawClient>(server.port()));
            clients.back()->write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");  // keep-alive: admitted ones stay
        }
        const auto all_answered = [&] {
            for (auto& c : clients)
                if (c->responses().isEmpty()) return false;
            return true;
        };
        QTRY_VERIFY_WITH_TIMEOUT(all_answered(), 60000);
        int ok = 0, full = 0;
        for (auto& c : clients) {
            const Response r = c->responses().first();
            if (r.status == 200) ++ok;
            if (r.status == 503) {
                ++full;
                QCOMPARE(r.header("retry-after"), QByteArray("2"));
                QVERIFY(
                    error_of(r).value(QStringLiteral("message")).toString().contains(QStringLiteral("server is full")));
            }
        }
        QCOMPARE(ok, 8);
        QCOMPARE(full, 32);
    }

    void otherClientsGetInWhenOneIsFull() {
        ScriptedBackend backend;
        OpenAiServerOptions o;
        o.max_connections_per_client = 2;
        o.max_connections = 10;
        o.header_timeout_ms = 120000;
        OpenAiServer server(backend, o);
        QVERIFY(server.listen());
        RawClient a(server.port()), b(server.port());
        QTRY_COMPARE_WITH_TIMEOUT(server.connection_count(), 2, 30000);
        RawClient third(server.port());
        QTRY_VERIFY_WITH_TIMEOUT(!third.responses().isEmpty(), 30000);
        QCOMPARE(third.responses().first().status, 503);
        // Another loopback address is another client.
        RawClient other(server.port(), QHostAddress(QStringLiteral("127.0.0.2")));
        if (!other.bound()) QSKIP("cannot bind a client socket to 127.0.0.2 here");
        other.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_VERIFY_WITH_TIMEOUT(!other.responses().isEmpty(), 30000);
        QCOMPARE(other.responses().first().status, 200);
    }

    void headerTimeoutAnswers408AndFreesTheSlot() {
        ScriptedBackend backend;
        OpenAiServerOptions o;
        o.max_connections_per_client = 3;
        o.header_timeout_ms = 300;
        OpenAiServer server(backend, o);
        QVERIFY(server.listen());
        RawClient silent(server.port());
        RawClient partial(server.port());
        partial.write("GET /health HTTP/1.1\r\nHost: x\r\n");  // the blank line never comes
        RawClient trickle(server.port());
        QTRY_COMPARE_WITH_TIMEOUT(server.connection_count(), 3, 30000);
        // One byte every 50 ms does not push the deadline back (bounded: at most 30 s of bytes).
        const QByteArray slow = "GET /health HTTP/1.1\r\nX-Pad: " + QByteArray(600, 'a');
        for (qsizetype i = 0; i < slow.size() && trickle.responses().isEmpty(); ++i) {
            trickle.write(slow.mid(i, 1));
            QTest::qWait(50);
        }
        for (RawClient* c : {&silent, &partial, &trickle}) {
            QTRY_VERIFY_WITH_TIMEOUT(!c->responses().isEmpty(), 30000);
            const Response r = c->responses().first();
            QVERIFY2(r.head.startsWith("HTTP/1.1 408 Request Timeout"), r.head.constData());
            QVERIFY(error_of(r).value(QStringLiteral("message")).toString().contains(QStringLiteral("request head")));
            QTRY_VERIFY_WITH_TIMEOUT(c->closed(), 30000);
        }
        QTRY_COMPARE_WITH_TIMEOUT(server.connection_count(), 0, 30000);
        // A prompt client is served as usual.
        RawClient prompt(server.port());
        prompt.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_VERIFY_WITH_TIMEOUT(!prompt.responses().isEmpty(), 30000);
        QCOMPARE(prompt.responses().first().status, 200);
    }

    void bodyTimeoutAnswers408() {
        ScriptedBackend backend;
        OpenAiServerOptions o;
        o.body_timeout_ms = 300;
        OpenAiServer server(backend, o);
        QVERIFY(server.listen());
        RawClient c(server.port());
        c.write("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"mess");
        QTRY_VERIFY_WITH_TIMEOUT(!c.responses().isEmpty(), 30000);
        QCOMPARE(c.responses().first().status, 408);
        QVERIFY(error_of(c.responses().first())
                    .value(QStringLiteral("message"))
                    .toString()
                    .contains(QStringLiteral("body")));
        QTRY_COMPARE_WITH_TIMEOUT(server.connection_count(), 0, 30000);
        QVERIFY(backend.requests.isEmpty());
    }

    void keptAliveConnectionIsNotCutByTheHeaderTimeout() {
        // Between requests the idle timeout applies, not the header timeout.
        ScriptedBackend backend;
        OpenAiServerOptions o;
        o.header_timeout_ms = 200;
        OpenAiServer server(backend, o);
        QVERIFY(server.listen());
        RawClient c(server.port());
        c.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_COMPARE_WITH_TIMEOUT(c.responses().size(), 1, 30000);
        QTest::qWait(1000);
        QVERIFY(c.connected());
        c.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_COMPARE_WITH_TIMEOUT(c.responses().size(), 2, 30000);
        QCOMPARE(c.responses().at(1).status, 200);
    }

    void pipelinedRequestsAreAnsweredInOrder() {
        ScriptedBackend backend;
        OpenAiServer server(backend, {});
        QVERIFY(server.listen());
        RawClient c(server.port());
        QByteArray streamed = kChat;
        streamed.replace("{\"messages\"", "{\"stream\":true,\"messages\"");
        // Five requests in one write, answered asynchronously (completions) and at once (the rest).
        c.write(chat_request() + "GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n" + chat_request(streamed) +
                "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n" + "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_COMPARE_WITH_TIMEOUT(c.responses().size(), 5, 30000);
        const QList<Response> r = c.responses();
        QCOMPARE(r[0].status, 200);
        QCOMPARE(QJsonDocument::fromJson(r[0].body).object().value(QStringLiteral("id")).toString(),
                 QStringLiteral("chatcmpl-sigma-1"));
        QCOMPARE(r[1].status, 200);
        QVERIFY2(r[1].body.contains("\"object\":\"list\""), r[1].body.constData());
        QCOMPARE(r[2].status, 200);
        QVERIFY2(r[2].body.contains("chatcmpl-sigma-2") && r[2].body.contains("[DONE]"), r[2].body.constData());
        QCOMPARE(r[3].status, 404);
        QCOMPARE(r[4].body, QByteArray(R"({"status":"ok"})"));
        QVERIFY(c.connected());
        QCOMPARE(backend.requests.size(), 2);
    }

    void pipelinedRequestsThenHalfCloseAreAllAnswered() {
        // The client sends its requests and shuts its sending side: every answer still arrives, in
        // order, and then the server closes.
        ScriptedBackend backend;
        backend.hold = true;
        OpenAiServer server(backend, {});
        QVERIFY(server.listen());
        RawClient c(server.port());
        c.write(chat_request() + chat_request() + "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        QTRY_COMPARE_WITH_TIMEOUT(backend.running(), 1, 30000);
        QVERIFY(c.finish_sending());
        QTest::qWait(200);  // the end of sending reaches the server while the first is still held
        backend.hold = false;
        backend.release();
        QTRY_COMPARE_WITH_TIMEOUT(c.responses().size(), 3, 30000);
        const QList<Response> r = c.responses();
        QCOMPARE(QJsonDocument::fromJson(r[0].body).object().value(QStringLiteral("id")).toString(),
                 QStringLiteral("chatcmpl-sigma-1"));
        QCOMPARE(QJsonDocument::fromJson(r[1].body).object().value(QStringLiteral("id")).toString(),
                 QStringLiteral("chatcmpl-sigma-2"));
        QCOMPARE(r[2].body, QByteArray(R"({"status":"ok"})"));
        QTRY_COMPARE_WITH_TIMEOUT(server.connection_count(), 0, 30000);
        QVERIFY(backend.cancelled.isEmpty());
    }

    void clientLeavingItsOnlyRequestCancelsIt() {
        // Closing the socket (a FIN, not a reset) while the one request runs: it is cancelled.
        ScriptedBackend backend;
        backend.hold = true;
        OpenAiServer server(backend, {});
        QVERIFY(server.listen());
        auto c = std::make_unique<RawClient>(server.port());
        c->write(chat_request());
        QTRY_COMPARE_WITH_TIMEOUT(backend.running(), 1, 30000);
        QVERIFY(c->finish_sending());
        QTRY_COMPARE_WITH_TIMEOUT(backend.cancelled.size(), 1, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(server.connection_count(), 0, 30000);
    }

    void requestsArrivingDuringAnAnswerWaitTheirTurn() {
        // The second and third arrive, in separate writes, while the first is still being generated.
        ScriptedBackend backend;
        backend.hold = true;
        OpenAiServer server(backend, {});
        QVERIFY(server.listen());
        RawClient c(server.port());
        c.write(chat_request());
        QTRY_COMPARE_WITH_TIMEOUT(backend.running(), 1, 30000);
        c.write(chat_request());
        QTest::qWait(100);
        c.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        QTest::qWait(100);
        QVERIFY(c.responses().isEmpty());
        backend.hold = false;
        backend.release();
        QTRY_COMPARE_WITH_TIMEOUT(c.responses().size(), 3, 30000);
        const QList<Response> r = c.responses();
        QCOMPARE(QJsonDocument::fromJson(r[0].body).object().value(QStringLiteral("id")).toString(),
                 QStringLiteral("chatcmpl-sigma-1"));
        QCOMPARE(QJsonDocument::fromJson(r[1].body).object().value(QStringLiteral("id")).toString(),
                 QStringLiteral("chatcmpl-sigma-2"));
        QCOMPARE(r[2].body, QByteArray(R"({"status":"ok"})"));
    }

    void errorAnswerIsReadableBeforeTheClose() {
        // A refused request whose body the server never reads: the 413 still arrives whole (a
        // lingering close), rather than being lost to a reset.
        ScriptedBackend backend;
        OpenAiServerOptions o;
        o.max_body_bytes = 1000;
        OpenAiServer server(backend, o);
        QVERIFY(server.listen());
        RawClient c(server.port());
        c.write("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 200000\r\n\r\n" +
                QByteArray(200000, 'a'));
        QTRY_VERIFY_WITH_TIMEOUT(!c.responses().isEmpty(), 30000);
        QCOMPARE(c.responses().first().status, 413);
        QTRY_VERIFY_WITH_TIMEOUT(c.closed(), 30000);
    }

    void queueFull429CarriesRetryAfter() {
        ScriptedBackend backend;
        backend.hold = true;
        OpenAiServerOptions o;
        o.queue_limit = 0;
        o.retry_after_s = 7;
        OpenAiServer server(backend, o);
        QVERIFY(server.listen());
        RawClient first(server.port());
        first.write(chat_request());
        QTRY_COMPARE_WITH_TIMEOUT(backend.running(), 1, 30000);
        RawClient second(server.port());
        second.write(chat_request());
        QTRY_VERIFY_WITH_TIMEOUT(!second.responses().isEmpty(), 30000);
        QCOMPARE(second.responses().first().status, 429);
        QCOMPARE(second.responses().first().header("retry-after"), QByteArray("7"));
        backend.hold = false;
        backend.release();
        QTRY_VERIFY_WITH_TIMEOUT(!first.responses().isEmpty(), 30000);
    }

    void nonLoopbackNeedsAKeyInTheLibraryToo() {
        ScriptedBackend backend;
        OpenAiServerOptions o;
        o.host = QHostAddress(QStringLiteral("0.0.0.0"));
        OpenAiServer server(backend, o);
        QString error;
        QVERIFY(!server.listen(&error));  // refused before anything is bound
        QVERIFY2(error.contains(QStringLiteral("without an API key")), qPrintable(error));
    }

    void bearerSchemeAndKey() {
        ScriptedBackend backend;
        OpenAiServerOptions o;
        o.api_key = QStringLiteral("k-123");
        OpenAiServer server(backend, o);
        QVERIFY(server.listen());
        const auto status_with = [&](const QByteArray& auth) {
            RawClient c(server.port());
            c.write("GET /v1/models HTTP/1.1\r\nHost: x\r\n" +
                    (auth.isEmpty() ? QByteArray() : "Authorization: " + auth + "\r\n") + "\r\n");
            for (int i = 0; i < 300 && c.responses().isEmpty(); ++i) QTest::qWait(100);
            return c.responses().isEmpty() ? 0 : c.responses().first().status;
        };
        QCOMPARE(status_with("Bearer k-123"), 200);
        QCOMPARE(status_with("bearer k-123"), 200);
        QCOMPARE(status_with("Bearer k-12"), 401);
        QCOMPARE(status_with("Bearer k-1234"), 401);
        QCOMPARE(status_with("Basic k-123"), 401);
        QCOMPARE(status_with("k-123"), 401);
        QCOMPARE(status_with(""), 401);
    }

    // --- `sigma serve` --------------------------------------------------------------------------

    void serveRefusesNonLoopbackWithoutKey() {
        if (!QFile::exists(sigma_binary())) QSKIP("the sigma executable is not built (SIGMA_BIN_DIR)");
        QProcess p;
        p.setProcessEnvironment(env_without_key());
        p.start(sigma_binary(), serve_args({QStringLiteral("--host"), QStringLiteral("0.0.0.0")}));
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(p.readAllStandardOutput().isEmpty());  // it never listened
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(err.contains("refusing to listen on 0.0.0.0 without an API key"), err.constData());
        QVERIFY2(
            err.contains("--allow-insecure-bind") && err.contains("SIGMA_API_KEY") && err.contains("--api-key-file"),
            err.constData());
    }

    void serveAllowsNonLoopbackWithTheFlagAndWarns() {
        if (!QFile::exists(sigma_binary())) QSKIP("the sigma executable is not built (SIGMA_BIN_DIR)");
        auto s =
            start_serve({QStringLiteral("--host"), QStringLiteral("0.0.0.0"), QStringLiteral("--allow-insecure-bind")},
                        env_without_key());
        QVERIFY2(s->port > 0, s->first_line.constData());
        QVERIFY2(s->first_line.startsWith("listening on http://0.0.0.0:"), s->first_line.constData());
        QVERIFY2(s->stderr_text.contains("warning: listening on 0.0.0.0 without an API key"),
                 s->stderr_text.constData());
        QCOMPARE(blocking_get(s->port, "/v1/models"), 200);  // no key is asked for, as warned
    }

    void serveTakesTheKeyFromTheEnvironment() {
        if (!QFile::exists(sigma_binary())) QSKIP("the sigma executable is not built (SIGMA_BIN_DIR)");
        QProcessEnvironment env = env_without_key();
        env.insert(QStringLiteral("SIGMA_API_KEY"), QStringLiteral("env-key-42"));
        auto s = start_serve({}, env);
        QVERIFY2(s->port > 0, s->first_line.constData());
        QVERIFY2(s->first_line.startsWith("listening on http://127.0.0.1:"),
                 s->first_line.constData());  // the default host
        QCOMPARE(blocking_get(s->port, "/v1/models"), 401);
        QCOMPARE(blocking_get(s->port, "/v1/models", "env-key-4"), 401);
        QCOMPARE(blocking_get(s->port, "/v1/models", "env-key-42"), 200);
        QCOMPARE(blocking_get(s->port, "/health"), 200);
    }

    void serveTakesTheKeyFromAFile() {
        if (!QFile::exists(sigma_binary())) QSKIP("the sigma executable is not built (SIGMA_BIN_DIR)");
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("key"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("file-key-7\n");
        f.close();
        QVERIFY(f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        QProcessEnvironment env = env_without_key();
        env.insert(QStringLiteral("SIGMA_API_KEY"), QStringLiteral("env-key-loses"));  // the file wins
        // A key makes a non-loopback host acceptable, with no warning.
        auto s = start_serve(
            {QStringLiteral("--host"), QStringLiteral("0.0.0.0"), QStringLiteral("--api-key-file"), path}, env);
        QVERIFY2(s->port > 0, s->first_line.constData());
        QVERIFY2(!s->stderr_text.contains("warning"), s->stderr_text.constData());
        QCOMPARE(blocking_get(s->port, "/v1/models", "file-key-7"), 200);
        QCOMPARE(blocking_get(s->port, "/v1/models", "env-key-loses"), 401);
        QCOMPARE(blocking_get(s->port, "/v1/models"), 401);
    }

    void serveRefusesBadKeySources() {
        if (!QFile::exists(sigma_binary())) QSKIP("the sigma executable is not built (SIGMA_BIN_DIR)");
        QTemporaryDir dir;
        const QString empty = dir.filePath(QStringLiteral("empty"));
        QFile f(empty);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("\n");
        f.close();
        struct Case {
            QStringList args;
            int code;
            QByteArray message;
        };
        const QList<Case> cases = {
            {{QStringLiteral("--api-key"), QStringLiteral("a"), QStringLiteral("--api-key-file"), empty},
             2,
             "not both"},
            {{QStringLiteral("--api-key-file"), dir.filePath(QStringLiteral("missing"))},
             1,
             "cannot read --api-key-file"},
            {{QStringLiteral("--api-key-file"), empty}, 1, "is empty"},
        };
        for (const Case& c : cases) {
            QProcess p;
            p.setProcessEnvironment(env_without_key());
            p.start(sigma_binary(), serve_args(c.args));
            QVERIFY(p.waitForFinished(60000));
            const QByteArray err = p.readAllStandardError();
            QCOMPARE(p.exitCode(), c.code);
            QVERIFY2(err.contains(c.message), err.constData());
        }
    }
};

QTEST_GUILESS_MAIN(TestServerLimits)
#include "test_server_limits.moc"
