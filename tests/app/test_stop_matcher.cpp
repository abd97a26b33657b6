// Tests of StopMatcher: a stop string split across pieces in every way is never emitted, text before
// it always is, and text that only looks like the start of a stop string is released in the end.
// Not a backend test: pieces are fed directly.
#include <QTest>

#include "app/stop_matcher.h"

using sigma::app::StopMatcher;

class TestStopMatcher : public QObject {
    Q_OBJECT
private slots:
    void everySplit_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("stops");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<bool>("stopped");
        QTest::newRow("no stops") << "nvidia-smi -L" << QStringList{} << "nvidia-smi -L" << false;
        QTest::newRow("stop in the middle") << "ls -la\n```\nmore" << QStringList{"```"} << "ls -la\n" << true;
        QTest::newRow("earliest of two") << "a END b STOP c" << QStringList{"STOP", "END"} << "a " << true;
        QTest::newRow("prefix only, released") << "ends with EN" << QStringList{"END"} << "ends with EN" << false;
        QTest::newRow("overlapping prefix") << "xxEEND!" << QStringList{"END"} << "xxE" << true;
        QTest::newRow("stop at start") << "\n\nrest" << QStringList{"\n\n"} << "" << true;
    }
    void everySplit() {
        QFETCH(QString, text);
        QFETCH(QStringList, stops);
        QFETCH(QString, expected);
        QFETCH(bool, stopped);
        // Every way of cutting the text into three pieces.
        for (qsizetype i = 0; i <= text.size(); ++i) {
            for (qsizetype j = i; j <= text.size(); ++j) {
                StopMatcher m(stops);
                QString out;
                for (const QString& piece : {text.left(i), text.mid(i, j - i), text.mid(j)}) {
                    const QString emitted = m.push(piece);
                    out += emitted;
                    for (const QString& s : stops) QVERIFY(!out.contains(s));
                }
                out += m.flush();
                QCOMPARE(out, expected);
                QCOMPARE(m.stopped(), stopped);
            }
        }
    }

    void nothingAfterStop() {
        StopMatcher m({QStringLiteral("X")});
        QCOMPARE(m.push(QStringLiteral("abXcd")), QStringLiteral("ab"));
        QCOMPARE(m.push(QStringLiteral("more")), QString());
        QCOMPARE(m.flush(), QString());
    }
};

QTEST_GUILESS_MAIN(TestStopMatcher)
#include "test_stop_matcher.moc"
