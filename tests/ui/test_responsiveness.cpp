// The GUI thread never does the heavy work itself: loading and diagnosing a large log (on
// LogAnalysis's worker), fetching its evidence at the very end of the file and generating with a
// model all return at once; their results come later, through the event loop.
// Not a timing test: no duration is asserted; tests/ui/bench_responsiveness.cpp prints the GUI's gaps.
#include <QFile>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTextBlock>
#include <QThread>
#include <atomic>
#include <QTest>

#include "ui/command_panel.h"
#include "ui/diagnose_panel.h"
#include "ui/findings_model.h"
#include "ui/log_analysis.h"
#include "ui_test_env.h"

class TestResponsiveness : public QObject {
    Q_OBJECT
private slots:
    void largeLogIsReadAndDiagnosedOffTheGuiThread() {
        UiTestEnv env;
        const QString path = env.dir.filePath(QStringLiteral("8mb.log"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        const QByteArray line =
            "Mar 02 14:19:00 dgx-a07 kubelet[900]: I0302 reconcile pod default/train-0 ok status=Running\n";
        QByteArray block;
        while (block.size() < 1024 * 1024) block += line;
        for (int i = 0; i < 8; ++i) f.write(block);
        f.write("Mar 02 14:20:11 dgx-a07 kernel: NVRM: Xid (PCI:0000:b7:00): 79, pid=0, GPU has fallen off the bus.\n");
        f.close();
        sigma::ui::DiagnosePanel panel(env.context.get());
        panel.show();
        QSignalSpy analysed(&panel, &sigma::ui::DiagnosePanel::analysed);
        // The first finding is selected when the analysis ends, and its evidence (the file's last line,
        // beyond the preview) is read by a worker: count what was shown at the moment the analysis
        // reported, which must be nothing yet, then wait for it.
        QSignalSpy shown(&panel, &sigma::ui::DiagnosePanel::evidenceShown);
        int shown_when_analysed = -1;
        QObject::connect(
            &panel, &sigma::ui::DiagnosePanel::analysed, &panel,
            [&] { shown_when_analysed = static_cast<int>(shown.count()); }, Qt::DirectConnection);
        // Where the diagnosis is computed: the thread that emits LogAnalysis::finished (direct call).
        auto* analysis = panel.findChild<sigma::ui::LogAnalysis*>();
        QVERIFY(analysis);
        QThread* gui = QThread::currentThread();
        std::atomic<bool> finished_on_gui{false}, finished{false};
        QObject::connect(
            analysis, &sigma::ui::LogAnalysis::finished, analysis,
            [&] {
                finished_on_gui = QThread::currentThread() == gui;
                finished = true;
            },
            Qt::DirectConnection);
        panel.openFile(path);
        QVERIFY2(analysed.isEmpty(), "openFile read and diagnosed the log before returning");
        QTRY_VERIFY_WITH_TIMEOUT(!analysed.isEmpty(), 120000);  // inside the 300 s function watchdog
        QVERIFY(finished);
        QVERIFY2(!finished_on_gui, "the log was diagnosed on the GUI thread");
        QCOMPARE(panel.result().category, QStringLiteral("gpu_fallen_off_bus"));

        // Its evidence is the last line of the file, beyond what the view holds: a worker reads it.
        QCOMPARE(shown_when_analysed, 0);
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), 120000);
        QCOMPARE(shown.first().first().toInt(), 0);
        QVERIFY(panel.log_view()->textCursor().block().text().contains(QStringLiteral("fallen off the bus")));
    }

    void generationRunsOffTheGuiThread() {
        UiTestEnv env;
        QVERIFY(env.use_tiny_model());
        sigma::ui::CommandPanel panel(env.context.get());
        panel.show();
        panel.setRequest(QStringLiteral("show the gpus"));
        QSignalSpy shown(&panel, &sigma::ui::CommandPanel::resultShown);
        panel.send();
        QVERIFY2(shown.isEmpty(), "send generated before returning");
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), 120000);
        QVERIFY(panel.result().stats.completion_tokens > 0);
    }
};

QTEST_MAIN(TestResponsiveness)
#include "test_responsiveness.moc"
