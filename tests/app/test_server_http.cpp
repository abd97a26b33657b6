// Tests of HttpRequestParser: requests split at every byte, pipelining, keep-alive rules, and each
// refusal (head too large, body too large, chunked bodies, bad request lines, conflicting lengths).
// Not a socket test: bytes are fed directly.
#include <QTest>

#include "app/http_request_parser.h"

using sigma::app::HttpRequest;
using sigma::app::HttpRequestParser;
using State = HttpRequestParser::State;

class TestServerHttp : public QObject {
    Q_OBJECT
private slots:
    void splitAtEveryByte() {
        const QByteArray wire =
            "POST /v1/chat/completions?x=1 HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
            "Content-Length: 11\r\n\r\n{\"a\":\"bc\"}\n"
            "GET /v1/models HTTP/1.1\r\nConnection: close\r\n\r\n";
        for (qsizetype cut = 0; cut <= wire.size(); ++cut) {
            HttpRequestParser p;
            QList<HttpRequest> got;
            for (QByteArrayView part : {QByteArrayView(wire).first(cut), QByteArrayView(wire).sliced(cut)}) {
                p.append(part);
                while (p.parse() == State::Ready) got.append(p.take());
            }
            QCOMPARE(got.size(), 2);
            QCOMPARE(got[0].method, QByteArray("POST"));
            QCOMPARE(got[0].path, QByteArray("/v1/chat/completions"));
            QCOMPARE(got[0].query, QByteArray("x=1"));
            QCOMPARE(got[0].body, QByteArray("{\"a\":\"bc\"}\n"));
            QCOMPARE(got[0].header("content-type"), QByteArray("application/json"));
            QVERIFY(got[0].keep_alive());
            QCOMPARE(got[1].method, QByteArray("GET"));
            QVERIFY(!got[1].keep_alive());
            QCOMPARE(p.buffered_bytes(), 0);
        }
    }

    void keepAliveRules() {
        HttpRequestParser p;
        p.append("GET / HTTP/1.0\r\n\r\nGET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        QCOMPARE(p.parse(), State::Ready);
        QVERIFY(!p.take().keep_alive());
        QCOMPARE(p.parse(), State::Ready);
        QVERIFY(p.take().keep_alive());
    }

    void expectContinue() {
        HttpRequestParser p;
        p.append("POST /x HTTP/1.1\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
        QCOMPARE(p.parse(), State::NeedMore);
        QVERIFY(p.take_continue_request());
        QVERIFY(!p.take_continue_request());
        p.append("abc");
        QCOMPARE(p.parse(), State::Ready);
        QCOMPARE(p.take().body, QByteArray("abc"));
    }

    void refusals_data() {
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("message_part");
        QTest::newRow("body too large") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 2000\r\n\r\n") << 413
                                        << "over the limit of 1000";
        QTest::newRow("head too large") << QByteArray("GET / HTTP/1.1\r\nX: ") + QByteArray(600, 'a') << 431 << "512";
        QTest::newRow("chunked") << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") << 501
                                 << "Content-Length";
        QTest::newRow("two lengths") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")
                                     << 400 << "conflicting";
        QTest::newRow("negative length") << QByteArray("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n") << 400
                                         << "Content-Length";
        QTest::newRow("bad request line") << QByteArray("GET /\r\n\r\n") << 400 << "request line";
        QTest::newRow("http 2") << QByteArray("GET / HTTP/2.0\r\n\r\n") << 505 << "HTTP/2.0";
        QTest::newRow("relative target") << QByteArray("GET x HTTP/1.1\r\n\r\n") << 400 << "absolute path";
        QTest::newRow("folded header") << QByteArray("GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n") << 400 << "folded";
        QTest::newRow("bad header") << QByteArray("GET / HTTP/1.1\r\nno colon here\r\n\r\n") << 400 << "header line";
        QTest::newRow("bad header name") << QByteArray("GET / HTTP/1.1\r\nA b: c\r\n\r\n") << 400 << "header name";
    }
    void refusals() {
        QFETCH(QByteArray, wire);
        QFETCH(int, status);
        QFETCH(QString, message_part);
        HttpRequestParser p(512, 1000);
        p.append(wire);
        QCOMPARE(p.parse(), State::Error);
        QCOMPARE(p.error_status(), status);
        QVERIFY2(p.error_message().contains(message_part), qPrintable(p.error_message()));
        p.append("GET / HTTP/1.1\r\n\r\n");
        QCOMPARE(p.parse(), State::Error);  // stays refused
    }

    void randomBytesNeverCrash() {
        // Mutations of a valid request (fixed seed): every outcome is a request, more input or an
        // error with a 4xx/5xx status; nothing else.
        const QByteArray valid = "POST /v1/chat/completions HTTP/1.1\r\nContent-Length: 5\r\nA: b\r\n\r\nhello";
        quint64 state = 0x9E3779B97F4A7C15ull;
        auto next = [&] {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            return state;
        };
        for (int round = 0; round < 3000; ++round) {
            QByteArray bytes = valid;
            const int edits = 1 + int(next() % 6);
            for (int e = 0; e < edits; ++e) bytes[qsizetype(next() % quint64(bytes.size()))] = char(next() & 0xFF);
            HttpRequestParser p(256, 64);
            p.append(bytes);
            State st = p.parse();
            int guard = 0;
            while (st == State::Ready && guard++ < 10) {
                p.take();
                st = p.parse();
            }
            if (st == State::Error) QVERIFY(p.error_status() >= 400 && p.error_status() < 600);
        }
    }
};

QTEST_GUILESS_MAIN(TestServerHttp)
#include "test_server_http.moc"
