// Tests of SseParser: events split at every byte, CRLF/CR line ends, comments, [DONE], garbage
// and the line-length bound. Not a network test: bytes are fed directly.
#include <QTest>

#include "app/sse_parser.h"

using sigma::app::SseEvent;
using sigma::app::SseParser;

namespace {
QList<QByteArray> data_of(const QList<SseEvent>& events) {
    QList<QByteArray> out;
    for (const SseEvent& e : events) out.append(e.data);
    return out;
}
}  // namespace

class TestSseParser : public QObject {
    Q_OBJECT
private slots:
    void splitAtEveryByte_data() {
        QTest::addColumn<QByteArray>("stream");
        QTest::addColumn<QList<QByteArray>>("expected");
        const QByteArray openai =
            "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n"
            ": keep-alive comment\n\n"
            "data: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}\n\n"
            "data: [DONE]\n\n";
        QTest::newRow("lf") << openai
                            << QList<QByteArray>{"{\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}",
                                                 "{\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}", "[DONE]"};
        QByteArray crlf = openai;
        crlf.replace("\n", "\r\n");
        QTest::newRow("crlf") << crlf
                              << QList<QByteArray>{"{\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}",
                                                   "{\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}", "[DONE]"};
        QTest::newRow("cr only") << QByteArray("data: a\r\rdata: b\r\r") << QList<QByteArray>{"a", "b"};
        QTest::newRow("multi-line data") << QByteArray("data: one\ndata: two\nid: 7\n\n")
                                         << QList<QByteArray>{"one\ntwo"};
        QTest::newRow("no space after colon") << QByteArray("data:x\n\n") << QList<QByteArray>{"x"};
        QTest::newRow("event without data is dropped")
            << QByteArray("event: ping\n\ndata: y\n\n") << QList<QByteArray>{"y"};
        QTest::newRow("garbage lines ignored")
            << QByteArray("hello world\n{not sse}\ndata: z\n\n") << QList<QByteArray>{"z"};
        QTest::newRow("unterminated last event") << QByteArray("data: a\n\ndata: b\n") << QList<QByteArray>{"a"};
    }
    void splitAtEveryByte() {
        QFETCH(QByteArray, stream);
        QFETCH(QList<QByteArray>, expected);
        {
            SseParser whole;
            QCOMPARE(data_of(whole.feed(stream)), expected);
        }
        for (qsizetype cut = 0; cut <= stream.size(); ++cut) {
            SseParser p;
            QList<SseEvent> events = p.feed(QByteArrayView(stream).first(cut));
            events += p.feed(QByteArrayView(stream).sliced(cut));
            QVERIFY2(data_of(events) == expected, qPrintable(QStringLiteral("split at byte %1").arg(cut)));
            QVERIFY(!p.has_error());
        }
        // One byte at a time.
        SseParser bytewise;
        QList<SseEvent> events;
        for (char c : stream) events += bytewise.feed(QByteArrayView(&c, 1));
        QCOMPARE(data_of(events), expected);
    }

    void partialEventIsReported() {
        SseParser p;
        QVERIFY(!p.has_partial_event());
        p.feed("data: {\"trunc");
        QVERIFY(p.has_partial_event());
        p.feed("ated\"}\n");
        QVERIFY(p.has_partial_event());
        QCOMPARE(p.feed("\n").size(), 1);
        QVERIFY(!p.has_partial_event());
    }

    void garbageIsCounted() {
        SseParser p;
        QVERIFY(p.feed("<html>\n<body>oops</body>\n").isEmpty());
        QCOMPARE(p.unknown_line_count(), 2);
    }

    void endlessLineIsAnError() {
        SseParser p(64);
        QVERIFY(p.feed(QByteArray(40, 'a')).isEmpty());
        QVERIFY(!p.has_error());
        QVERIFY(p.feed(QByteArray(40, 'a')).isEmpty());
        QVERIFY(p.has_error());
        QVERIFY(p.error().contains(QStringLiteral("64")));
        QVERIFY(p.feed("\n\ndata: x\n\n").isEmpty());  // nothing after an error
    }

    void oversizedDataAcrossLinesIsAnError() {
        SseParser p(16);
        p.feed("data: 0123456789\ndata: 0123456789\n");
        QVERIFY(p.has_error());
    }
};

QTEST_GUILESS_MAIN(TestSseParser)
#include "test_sse_parser.moc"
