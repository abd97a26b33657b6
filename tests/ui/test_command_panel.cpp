// Commands panel tests: the structured result display, copy, edit and re-check, the run
// confirmation (allowed, refused destructive, Enter never runs) and the model pipeline end to end.
// Not a validator test: what a command's risk is comes from CommandTask::check, asserted only as shown.
#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTreeWidget>

#include "app/history_store.h"
#include "ui/command_panel.h"
#include "ui/history_service.h"
#include "ui/main_window.h"
#include "ui/run_dialog.h"
#include "ui_test_env.h"

using sigma::app::CommandResult;
using sigma::ui::CommandPanel;
using sigma::ui::RunDialog;

namespace {

CommandResult fixed_result() {
    CommandResult r;
    r.request = QStringLiteral("show GPU memory");
    r.command = QStringLiteral("nvidia-smi --query-gpu=memory.used --format=csv");
    r.explanation = QStringLiteral("Prints the memory in use on each GPU.");
    r.risk = QStringLiteral("read-only");
    r.reasons = {QStringLiteral("nvidia-smi queries only read state")};
    r.valid = true;
    r.messages = {
        {QStringLiteral("warning"), QStringLiteral("unknown field memroy"), {QStringLiteral("memory.used")}, 0, 0}};
    r.flags = {{QStringLiteral("--query-gpu"),
                QStringLiteral("the fields to print"),
                QStringLiteral("memory.used"),
                {{QStringLiteral("memory.used"), QStringLiteral("memory allocated by active contexts")}},
                QStringLiteral("nvidia-smi")},
               {QStringLiteral("--format"),
                QStringLiteral("comma-separated output"),
                QStringLiteral("csv"),
                {},
                QStringLiteral("nvidia-smi")}};
    return r;
}

template <typename T>
T* child(QObject* root, const char* name) {
    T* w = root->findChild<T*>(QLatin1String(name));
    if (!w) qFatal("no child named %s", name);
    return w;
}

}  // namespace

class TestCommandPanel : public QObject {
    Q_OBJECT
private slots:
    void showsStructuredResult() {
        UiTestEnv env;
        CommandPanel panel(env.context.get());
        panel.showResult(fixed_result());
        QCOMPARE(child<QLineEdit>(&panel, "commandText")->text(), fixed_result().command);
        QCOMPARE(child<QLabel>(&panel, "riskBadge")->property("risk").toString(), QStringLiteral("read-only"));
        QTreeWidget* flags = child<QTreeWidget>(&panel, "commandFlags");
        QCOMPARE(flags->topLevelItemCount(), 2);
        QCOMPARE(flags->columnCount(), 3);
        QCOMPARE(flags->topLevelItem(0)->text(0), QStringLiteral("--query-gpu"));
        QCOMPARE(flags->topLevelItem(0)->text(1), QStringLiteral("memory.used"));
        QCOMPARE(flags->topLevelItem(0)->childCount(), 1);
        QCOMPARE(flags->topLevelItem(0)->child(0)->text(1), QStringLiteral("memory.used"));
        QCOMPARE(flags->topLevelItem(0)->child(0)->text(2), QStringLiteral("memory allocated by active contexts"));
        QCOMPARE(flags->topLevelItem(1)->childCount(), 0);
        QVERIFY(flags->topLevelItem(0)->toolTip(0).contains(QStringLiteral("nvidia-smi")));
        QVERIFY(child<QLabel>(&panel, "commandMessages")->text().contains(QStringLiteral("memory.used")));
        QVERIFY(child<QPushButton>(&panel, "commandRun")->isEnabled());
    }

    void copyPutsCommandOnClipboard() {
        UiTestEnv env;
        CommandPanel panel(env.context.get());
        panel.showResult(fixed_result());
        QApplication::clipboard()->clear();
        QTest::mouseClick(child<QPushButton>(&panel, "commandCopy"), Qt::LeftButton);
        QCOMPARE(QApplication::clipboard()->text(), fixed_result().command);
    }

    void editRechecksTheCommand() {
        UiTestEnv env;
        CommandPanel panel(env.context.get());
        panel.showResult(fixed_result());
        auto* text = child<QLineEdit>(&panel, "commandText");
        QTest::mouseClick(child<QPushButton>(&panel, "commandEdit"), Qt::LeftButton);
        QVERIFY(!text->isReadOnly());
        text->clear();
        QTest::keyClicks(text, QStringLiteral("rm -rf /var/lib/sigma-test"));
        QSignalSpy shown(&panel, &CommandPanel::resultShown);
        QTest::keyClick(text, Qt::Key_Return);
        QCOMPARE(shown.count(), 1);
        QVERIFY(text->isReadOnly());
        QCOMPARE(panel.result().command, QStringLiteral("rm -rf /var/lib/sigma-test"));
        QCOMPARE(panel.result().risk,
                 sigma::app::CommandTask::check(QStringLiteral("rm -rf /var/lib/sigma-test")).risk);
        QCOMPARE(panel.result().risk, QStringLiteral("destructive"));
        QCOMPARE(child<QLabel>(&panel, "riskBadge")->property("risk").toString(), QStringLiteral("destructive"));
    }

    void runsConfirmedCommandAndRecordsExit() {
        UiTestEnv env;
        // A stored session whose result is the command, opened the way History opens it.
        sigma::app::HistoryStore store;
        QVERIFY(store.open(env.db_path()));
        sigma::app::Session s;
        s.title = QStringLiteral("say hello");
        auto sid = store.create_session(s);
        QVERIFY(sid);
        sigma::app::Turn t;
        t.session_id = *sid;
        t.request = QStringLiteral("say hello");
        const CommandResult checked = sigma::app::CommandTask::check(QStringLiteral("echo sigma-ok"));
        QCOMPARE(checked.risk, QStringLiteral("read-only"));
        t.result_json = QString::fromUtf8(QJsonDocument(checked.to_json()).toJson());
        QVERIFY(store.add_turn(t));
        auto full = store.get_session(*sid);
        QVERIFY(full);

        CommandPanel panel(env.context.get());
        panel.restore(*full);
        QCOMPARE(panel.session_id(), *sid);
        QTest::mouseClick(child<QPushButton>(&panel, "commandRun"), Qt::LeftButton);
        RunDialog* dialog = panel.run_dialog();
        QVERIFY(dialog && dialog->isVisible());
        QVERIFY(child<QPlainTextEdit>(dialog, "runCommand")->toPlainText() == QStringLiteral("echo sigma-ok"));
        QVERIFY(child<QPushButton>(dialog, "runCancel")->isDefault());
        QSignalSpy executed(dialog, &RunDialog::executed);
        QSignalSpy recorded(env.context->history(), &sigma::ui::HistoryService::executionRecorded);
        QTest::mouseClick(child<QPushButton>(dialog, "runConfirm"), Qt::LeftButton);
        QVERIFY(executed.wait(30000));
        const auto result = executed.first().at(0).value<sigma::app::ExecutionResult>();
        QCOMPARE(result.exit_code, 0);
        QVERIFY(child<QPlainTextEdit>(dialog, "runOutput")->toPlainText().contains(QStringLiteral("sigma-ok")));
        QTRY_COMPARE_WITH_TIMEOUT(recorded.count(), 1, 10000);
        QCOMPARE(recorded.first().at(1).toString(), QString());
        auto after = store.get_session(*sid);
        QVERIFY(after);
        QCOMPARE(after->executions.size(), size_t(1));
        QCOMPARE(after->executions[0].exit_code, 0);
        QCOMPARE(after->executions[0].command, QStringLiteral("echo sigma-ok"));
    }

    void destructiveRunNeedsTheProgramName() {
        UiTestEnv env;
        // A path that does not exist: should the guard ever fail, running it harms nothing.
        const QString command = QStringLiteral("rm -rf /var/lib/sigma-ui-test-absent");
        const CommandResult checked = sigma::app::CommandTask::check(command);
        QCOMPARE(checked.risk, QStringLiteral("destructive"));
        CommandPanel panel(env.context.get());
        panel.showResult(checked);
        QTest::mouseClick(child<QPushButton>(&panel, "commandRun"), Qt::LeftButton);
        RunDialog* dialog = panel.run_dialog();
        QVERIFY(dialog);
        auto* confirm = child<QPushButton>(dialog, "runConfirm");
        auto* typed = child<QLineEdit>(dialog, "confirmProgram");
        QSignalSpy executed(dialog, &RunDialog::executed);
        QVERIFY(!confirm->isEnabled());
        QTest::keyClicks(typed, QStringLiteral("r"));
        QVERIFY(!confirm->isEnabled());
        QTest::keyClicks(typed, QStringLiteral("mdir"));  // "rmdir" is not the program on the line
        QVERIFY(!confirm->isEnabled());
        // Enter presses the default button, Cancel: the dialog closes and nothing runs.
        QTest::keyClick(typed, Qt::Key_Return);
        QVERIFY(!dialog->isVisible());
        QCOMPARE(dialog->result(), int(QDialog::Rejected));
        QTest::qWait(200);
        QCOMPARE(executed.count(), 0);

        // Typing the program unlocks the button, and Enter still does not run.
        QTest::mouseClick(child<QPushButton>(&panel, "commandRun"), Qt::LeftButton);
        dialog = panel.run_dialog();
        typed = child<QLineEdit>(dialog, "confirmProgram");
        confirm = child<QPushButton>(dialog, "runConfirm");
        QTest::keyClicks(typed, QStringLiteral("rm"));
        QVERIFY(confirm->isEnabled());
        QSignalSpy executed2(dialog, &RunDialog::executed);
        QTest::keyClick(typed, Qt::Key_Return);
        QTest::qWait(200);
        QCOMPARE(executed2.count(), 0);
    }

    void modelPipelineStreamsAndShowsRate() {
        UiTestEnv env;
        QVERIFY(env.use_tiny_model());
        sigma::ui::MainWindow window(env.context.get());
        CommandPanel* panel = window.commands();
        window.set_current_panel(0);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* request = child<QPlainTextEdit>(panel, "commandRequest");
        request->setFocus();
        QTest::keyClicks(request, QStringLiteral("show gpu memory"));
        QSignalSpy shown(panel, &CommandPanel::resultShown);
        QSignalSpy recorded(env.context->history(), &sigma::ui::HistoryService::jobRecorded);
        QTest::keyClick(request, Qt::Key_Return, Qt::ControlModifier);
        QVERIFY(child<QPushButton>(panel, "commandStop")->isEnabled());
        QSignalSpy status(panel, &CommandPanel::statusMessage);
        QTRY_VERIFY_WITH_TIMEOUT(!shown.isEmpty() || child<QPushButton>(panel, "commandSend")->isEnabled(), 120000);
        QVERIFY2(!shown.isEmpty(), qPrintable(status.isEmpty() ? QString() : status.last().at(0).toString()));
        // Random weights write garbage: the pipeline must still stream it and judge it.
        const CommandResult& r = panel->result();
        QCOMPARE(child<QPlainTextEdit>(panel, "commandStream")->toPlainText(), r.raw_output);
        QVERIFY(!r.raw_output.isEmpty());
        if (!r.valid) QVERIFY(!r.messages.isEmpty());
        QVERIFY(window.rate_label()->text().contains(QStringLiteral("tok/s")));
        QVERIFY(window.backend_label()->text().contains(QStringLiteral("Local CPU")) ||
                window.backend_label()->text().contains(
                    QStringLiteral("Local CUDA")));  // auto uses a GPU when there is one
        QTRY_COMPARE_WITH_TIMEOUT(recorded.count(), 1, 10000);
        QVERIFY(recorded.first().at(1).toLongLong() > 0);
        QVERIFY(child<QPushButton>(panel, "commandSend")->isEnabled());
    }

    void escapeStopsGeneration() {
        UiTestEnv env;
        QVERIFY(env.use_tiny_model());
        CommandPanel panel(env.context.get());
        panel.show();
        auto* request = child<QPlainTextEdit>(&panel, "commandRequest");
        request->setFocus();
        QTest::keyClicks(request, QStringLiteral("list files"));
        QTest::keyClick(request, Qt::Key_Return, Qt::ControlModifier);
        QTest::keyClick(request, Qt::Key_Escape);
        // Either the stop arrived first or the tiny model finished; both leave the panel idle.
        QTRY_VERIFY_WITH_TIMEOUT(child<QPushButton>(&panel, "commandSend")->isEnabled(), 60000);
        QVERIFY(!child<QPushButton>(&panel, "commandStop")->isEnabled());
    }
};

QTEST_MAIN(TestCommandPanel)
#include "test_command_panel.moc"
