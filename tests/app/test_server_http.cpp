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
};

QTEST_GUILESS_MAIN(TestServerHttp)
#include "test_server_http.moc"
