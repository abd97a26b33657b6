// Diagnose panel tests: pasted log -> findings with severity; clicking a finding highlights its
// evidence lines, also when they lie beyond the preview of a large file; evidence commands go to the
// Commands panel; a file loads in the background with progress; the redacted view; the findings model contract; the redaction chosen in Settings is what
// the view, the history and the model's prompt get, live.
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QMimeData>
#include <QUrl>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QTextBlock>

#include "ui/command_panel.h"
#include "ui/diagnose_panel.h"
#include "ui/findings_model.h"
#include "ui/main_window.h"
#include "ui/settings_dialog.h"
#include "../app/scripted_backend.h"
#include "ui_test_env.h"

using sigma::ui::DiagnosePanel;

namespace {
const QString kLog = QStringLiteral(
    "Mar 02 14:20:10 dgx-a07 systemd[1]: Started Session 12 of user ops.\n"
    "Mar 02 14:20:11 dgx-a07 kernel: NVRM: Xid (PCI:0000:b7:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen "
    "off the bus.\n"
    "Mar 02 14:20:11 dgx-a07 kernel: NVRM: GPU 0000:b7:00.0: GPU has fallen off the bus.\n"
    "Mar 02 14:20:12 dgx-a07 kernel: NVRM: GPU 0000:b7:00.0: RmInitAdapter failed! (0x23:0x65:1417)\n"
    "Mar 02 14:20:30 dgx-a07 sshd[2211]: Accepted publickey for ops from 10.1.2.3 port 51122\n");
// Clicks the IP checkbox in a freshly opened Settings dialog and accepts it with OK.
void toggle_ip_redaction_in_settings(sigma::ui::MainWindow& window) {
    sigma::ui::SettingsDialog* dialog = window.openSettings();
    auto* ip = dialog->findChild<QCheckBox*>(QStringLiteral("settingsRedactIp"));
    QVERIFY(ip);
    QTest::mouseClick(ip, Qt::LeftButton, {}, QPoint(4, ip->height() / 2));
    auto* ok = dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
    QTest::mouseClick(ok, Qt::LeftButton);
}

QString prompt_text(const sigma::app::GenerationRequest& request) {
    QString all;
    for (const auto& m : request.messages) all += m.content + QLatin1Char('\n');
    return all;
}
}  // namespace

class TestDiagnosePanel : public QObject {
    Q_OBJECT
private slots:
    void pastedLogGivesFindingsAndEvidence() {
        UiTestEnv env;
        sigma::ui::MainWindow window(env.context.get());
        DiagnosePanel* panel = window.diagnose();
        QVERIFY(panel->has_signatures());
        QAbstractItemModelTester tester(panel->findings(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        panel->log_view()->setPlainText(kLog);
        QSignalSpy analysed(panel, &DiagnosePanel::analysed);
        QTest::mouseClick(panel->findChild<QPushButton*>(QStringLiteral("diagnoseAnalyse")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!analysed.isEmpty(), 30000);
        QCOMPARE(panel->result().category, QStringLiteral("gpu_fallen_off_bus"));
        QVERIFY(panel->findings()->rowCount() >= 1);
        QVERIFY(!panel->findings()->index(0, 0).data().toString().isEmpty());  // severity

        // Clicking the finding highlights its evidence lines (2 and 3 are cited).
        auto* table = panel->findChild<QTableView*>(QStringLiteral("diagnoseFindings"));
        table->selectRow(0);
        const auto marks = panel->log_view()->extraSelections();
        QVERIFY(!marks.isEmpty());
        const auto lines =
            panel->findings()->index(0, 0).data(sigma::ui::FindingsModel::EvidenceLinesRole).value<QList<qulonglong>>();
        QCOMPARE(marks.size(), lines.size());
        QCOMPARE(qulonglong(marks.first().cursor.blockNumber() + 1), lines.first());
        QVERIFY(marks.first().cursor.block().text().contains(QStringLiteral("fallen off the bus")));

        // Evidence commands are read-only and go to the Commands panel.
        auto* commands = panel->findChild<QListWidget*>(QStringLiteral("diagnoseCommands"));
        QVERIFY(commands->count() >= 1);
        commands->setCurrentRow(0);
        QSignalSpy shown(window.commands(), &sigma::ui::CommandPanel::resultShown);
        QTest::mouseClick(panel->findChild<QPushButton*>(QStringLiteral("diagnoseSend")), Qt::LeftButton);
        QCOMPARE(shown.count(), 1);
        QCOMPARE(window.commands()->result().command, commands->item(0)->text());
        QCOMPARE(window.current_panel(), 0);
    }

    void redactedToggleHidesAddresses() {
        UiTestEnv env;
        DiagnosePanel panel(env.context.get());
        panel.log_view()->setPlainText(kLog);
        auto* toggle = panel.findChild<QCheckBox*>(QStringLiteral("diagnoseRedacted"));
        toggle->setChecked(true);
        QVERIFY(!panel.log_view()->toPlainText().contains(QStringLiteral("10.1.2.3")));
        QVERIFY(panel.log_view()->isReadOnly());
        toggle->setChecked(false);
        QVERIFY(panel.log_view()->toPlainText().contains(QStringLiteral("10.1.2.3")));
    }

    void redactionOptionsFromSettingsApplyLive() {
        UiTestEnv env;
        auto* scripted = new ScriptedBackend;
        scripted->pieces = {QStringLiteral("CATEGORY: gpu_fallen_off_bus\nROOT CAUSE: the GPU left the bus\n")};
        env.context->set_backend(std::unique_ptr<sigma::app::Backend>(scripted), QStringLiteral("remote"),
                                 QStringLiteral("scripted"));
        sigma::ui::MainWindow window(env.context.get());
        window.show();
        DiagnosePanel* panel = window.diagnose();
        const QString ip = QStringLiteral("10.20.30.40");
        QString log = kLog;
        log.replace(QStringLiteral("GPU has fallen off the bus.\n"),
                    QStringLiteral("GPU has fallen off the bus. peer ") + ip + QLatin1Char('\n'));
        auto* toggle = panel->findChild<QCheckBox*>(QStringLiteral("diagnoseRedacted"));
        auto* summarise = panel->findChild<QPushButton*>(QStringLiteral("diagnoseSummarise"));

        // IP redaction off in Settings: the redacted view and the model's prompt keep the address.
        toggle_ip_redaction_in_settings(window);
        QVERIFY(!env.context->redact_options().ipv4);
        QVERIFY(!sigma::ui::AppSettings::load(env.context->paths().config_dir()).redact.ipv4);
        panel->log_view()->setPlainText(log);
        QSignalSpy analysed(panel, &DiagnosePanel::analysed);
        QTest::mouseClick(panel->findChild<QPushButton*>(QStringLiteral("diagnoseAnalyse")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!analysed.isEmpty(), 30000);
        QCOMPARE(panel->result().category, QStringLiteral("gpu_fallen_off_bus"));
        QTest::mouseClick(toggle, Qt::LeftButton, {}, QPoint(4, toggle->height() / 2));
        QVERIFY(toggle->isChecked());
        QVERIFY(panel->log_view()->toPlainText().contains(ip));
        QVERIFY(!panel->log_view()->toPlainText().contains(QStringLiteral("dgx-a07")));  // host names still go
        QSignalSpy summarised(panel, &DiagnosePanel::summarised);
        QTRY_VERIFY(summarise->isEnabled());
        QTest::mouseClick(summarise, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!summarised.isEmpty(), 10000);
        QCOMPARE(scripted->requests.size(), 1);
        QVERIFY(prompt_text(scripted->requests.last()).contains(ip));

        // On again: the loaded log is analysed again at once; view and prompt lose the address.
        analysed.clear();
        toggle_ip_redaction_in_settings(window);
        QVERIFY(env.context->redact_options().ipv4);
        QTRY_VERIFY_WITH_TIMEOUT(!analysed.isEmpty(), 30000);
        QVERIFY(toggle->isChecked());
        QVERIFY(!panel->log_view()->toPlainText().contains(ip));
        QTRY_VERIFY(summarise->isEnabled());
        summarised.clear();
        QTest::mouseClick(summarise, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!summarised.isEmpty(), 10000);
        QCOMPARE(scripted->requests.size(), 2);
        const QString prompt = prompt_text(scripted->requests.last());
        QVERIFY(prompt.contains(QStringLiteral("fallen off the bus")));
        QVERIFY(!prompt.contains(ip));
    }

    void summaryBecomesAvailableWhenAModelArrivesAfterTheAnalysis() {
        UiTestEnv env;
        DiagnosePanel panel(env.context.get());
        panel.log_view()->setPlainText(kLog);
        QSignalSpy analysed(&panel, &DiagnosePanel::analysed);
        panel.analyse();
        QTRY_VERIFY_WITH_TIMEOUT(!analysed.isEmpty(), 30000);
        auto* summarise = panel.findChild<QPushButton*>(QStringLiteral("diagnoseSummarise"));
        QVERIFY(!summarise->isEnabled());  // no model yet
        env.context->set_backend(std::make_unique<ScriptedBackend>(), QStringLiteral("remote"),
                                 QStringLiteral("scripted"));
        QVERIFY(summarise->isEnabled());
        env.context->set_backend(nullptr, {}, {});
        QVERIFY(!summarise->isEnabled());
    }

    void fileLoadsInBackgroundWithProgress() {
        UiTestEnv env;
        const QString path = env.dir.filePath(QStringLiteral("big.log"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        const QByteArray filler = "Mar 02 14:19:00 dgx-a07 kubelet[900]: I0302 reconcile pod default/train-0 ok\n";
        for (int i = 0; i < 40000; ++i) f.write(filler);  // about 3 MB: longer than the preview
        f.write(kLog.toUtf8());
        f.close();
        DiagnosePanel panel(env.context.get());
        QSignalSpy analysed(&panel, &DiagnosePanel::analysed);
        panel.openFile(path);
        QTRY_VERIFY_WITH_TIMEOUT(!analysed.isEmpty(), 60000);
        QCOMPARE(panel.result().category, QStringLiteral("gpu_fallen_off_bus"));
        QVERIFY(panel.result().report.lines_read > 40000);
        QVERIFY(panel.log_view()->document()->blockCount() < 40000);  // only the preview is shown
        QVERIFY(panel.log_view()->toPlainText().startsWith(QStringLiteral("Mar 02 14:19:00")));
    }

    void evidenceBeyondThePreviewIsShownAndHighlighted() {
        UiTestEnv env;
        const QString path = env.dir.filePath(QStringLiteral("large.log"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        const QByteArray filler =
            "Mar 02 14:19:00 dgx-a07 kubelet[900]: I0302 reconcile pod default/train-0 ok status=Running\n";
        const int filler_lines = 60000;  // about 5.5 MB, ten times the preview
        for (int i = 0; i < filler_lines; ++i) f.write(filler);
        f.write(kLog.toUtf8());
        for (int i = 0; i < 20; ++i) f.write(filler);
        f.close();
        DiagnosePanel panel(env.context.get());
        panel.show();
        QSignalSpy analysed(&panel, &DiagnosePanel::analysed);
        // The top finding is selected when the analysis ends, so its evidence may be shown before the click.
        QSignalSpy shown(&panel, &DiagnosePanel::evidenceShown);
        panel.openFile(path);
        QTRY_VERIFY_WITH_TIMEOUT(!analysed.isEmpty(), 60000);
        QCOMPARE(panel.result().category, QStringLiteral("gpu_fallen_off_bus"));
        const auto lines =
            panel.findings()->index(0, 0).data(sigma::ui::FindingsModel::EvidenceLinesRole).value<QList<qulonglong>>();
        QVERIFY(!lines.isEmpty());
        QVERIFY(lines.first() > qulonglong(filler_lines));
        QVERIFY(panel.log_view()->document()->blockCount() < filler_lines);  // the preview does not reach it

        auto* table = panel.findChild<QTableView*>(QStringLiteral("diagnoseFindings"));
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {},
                          table->visualRect(panel.findings()->index(0, 1)).center());
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty(), 30000);
        QCOMPARE(shown.first().at(0).toInt(), 0);
        QVERIFY(panel.view_first_line() > 1);
        const auto marks = panel.log_view()->extraSelections();
        QCOMPARE(marks.size(), lines.size());
        for (int i = 0; i < marks.size(); ++i)
            QCOMPARE(qulonglong(panel.view_first_line() + marks.at(i).cursor.blockNumber()), lines.at(i));
        QVERIFY(marks.first().cursor.block().text().contains(QStringLiteral("fallen off the bus")));
        QCOMPARE(panel.log_view()->textCursor().blockNumber(), marks.first().cursor.blockNumber());
        // The window's lines are the file's: the line before the evidence is the one the file has there.
        const QStringList file_lines = kLog.split(QLatin1Char('\n'));
        QCOMPARE(panel.log_view()->document()->findBlockByNumber(marks.first().cursor.blockNumber() - 1).text(),
                 file_lines.at(0));
        // The redacted view of the window hides its host names too.
        panel.findChild<QCheckBox*>(QStringLiteral("diagnoseRedacted"))->setChecked(true);
        QVERIFY(!panel.log_view()->toPlainText().contains(QStringLiteral("dgx-a07")));
        QVERIFY(panel.log_view()->toPlainText().contains(QStringLiteral("fallen off the bus")));
    }

    void droppedFileIsLoaded() {
        UiTestEnv env;
        const QString path = env.dir.filePath(QStringLiteral("dropped.log"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(kLog.toUtf8());
        f.close();
        DiagnosePanel panel(env.context.get());
        QSignalSpy analysed(&panel, &DiagnosePanel::analysed);
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(path)});
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&panel, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&panel, &drop);
        QTRY_VERIFY_WITH_TIMEOUT(!analysed.isEmpty(), 30000);
        QCOMPARE(panel.result().category, QStringLiteral("gpu_fallen_off_bus"));
        QVERIFY(panel.log_view()->toPlainText().contains(QStringLiteral("fallen off the bus")));
    }

    void unreadableFileIsReported() {
        UiTestEnv env;
        DiagnosePanel panel(env.context.get());
        QSignalSpy status(&panel, &DiagnosePanel::statusMessage);
        panel.openFile(env.dir.filePath(QStringLiteral("absent.log")));
        QTRY_VERIFY_WITH_TIMEOUT(!status.isEmpty(), 10000);
        QVERIFY(status.first().at(0).toString().contains(QStringLiteral("absent.log")));
        QVERIFY(panel.findChild<QPushButton*>(QStringLiteral("diagnoseAnalyse"))->isEnabled());
    }
};

QTEST_MAIN(TestDiagnosePanel)
#include "test_diagnose_panel.moc"
