// GUI responsiveness benchmark: a 10 ms timer on the GUI thread records the largest gap between its
// ticks while a 50 MB log loads and is diagnosed, while its evidence at the very end is fetched and
// shown, and while a tiny model generates; the gaps are printed. Not a test: nothing here asserts a
// time (tests/ui/test_responsiveness.cpp checks that the work runs off the GUI thread).
// Run: build/tests/ui_bench_responsiveness
#include <QElapsedTimer>
#include <QFile>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTextBlock>
#include <QTest>
#include <QTimer>

#include "ui/command_panel.h"
#include "ui/diagnose_panel.h"
#include "ui/findings_model.h"
#include "ui_test_env.h"

namespace {

class GapProbe {
public:
    GapProbe() {
        timer_.setInterval(10);
        QObject::connect(&timer_, &QTimer::timeout, [this] {
            const qint64 now = clock_.elapsed();
            max_gap_ = std::max(max_gap_, now - last_);
            last_ = now;
        });
        clock_.start();
        timer_.start();
    }
    qint64 max_gap() const { return max_gap_; }

private:
    QTimer timer_;
    QElapsedTimer clock_;
    qint64 last_ = 0;
    qint64 max_gap_ = 0;
};

}  // namespace

class BenchResponsiveness : public QObject {
    Q_OBJECT
private slots:
    void largeLogLoad() {
        UiTestEnv env;
        const QString path = env.dir.filePath(QStringLiteral("50mb.log"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        const QByteArray line =
            "Mar 02 14:19:00 dgx-a07 kubelet[900]: I0302 reconcile pod default/train-0 ok status=Running\n";
        QByteArray block;
        while (block.size() < 1024 * 1024) block += line;
        for (int i = 0; i < 50; ++i) f.write(block);
        f.write("Mar 02 14:20:11 dgx-a07 kernel: NVRM: Xid (PCI:0000:b7:00): 79, pid=0, GPU has fallen off the bus.\n");
        f.close();
        sigma::ui::DiagnosePanel panel(env.context.get());
        panel.show();
        QSignalSpy analysed(&panel, &sigma::ui::DiagnosePanel::analysed);
        GapProbe probe;
        panel.openFile(path);
        QTRY_VERIFY_WITH_TIMEOUT(!analysed.isEmpty(), 300000);
        qInfo("max GUI gap while a 50 MB log loaded and was diagnosed: %lld ms", probe.max_gap());
        QCOMPARE(panel.result().category, QStringLiteral("gpu_fallen_off_bus"));

        // Its evidence is the last line of the 50 MB: showing it reads a window of the file.
        QSignalSpy shown(&panel, &sigma::ui::DiagnosePanel::evidenceShown);
        GapProbe window_probe;
        auto* table = panel.findChild<QTableView*>(QStringLiteral("diagnoseFindings"));
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {},
                          table->visualRect(panel.findings()->index(0, 1)).center());
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), 120000);
        qInfo("max GUI gap while the evidence at the end of a 50 MB log was fetched and shown: %lld ms",
              window_probe.max_gap());
        QVERIFY(panel.log_view()->textCursor().block().text().contains(QStringLiteral("fallen off the bus")));
    }

    void generation() {
        UiTestEnv env;
        QVERIFY(env.use_tiny_model());
        sigma::ui::CommandPanel panel(env.context.get());
        panel.show();
        panel.setRequest(QStringLiteral("show the gpus"));
        QSignalSpy shown(&panel, &sigma::ui::CommandPanel::resultShown);
        GapProbe probe;
        panel.send();
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), 120000);
        qInfo("max GUI gap while a tiny model generated %d tokens: %lld ms", panel.result().stats.completion_tokens,
              probe.max_gap());
    }
};

QTEST_MAIN(BenchResponsiveness)
#include "bench_responsiveness.moc"
