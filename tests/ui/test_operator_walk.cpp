// What an operator meets on a first walk through every panel, one test per reported item: badges
// that say what was checked, Run for invalid commands, context limits, per-finding details,
// restored sessions, bad model paths, keyboard focus, silent no-ops, stale results, history search,
// checking your own command, and a small window. Each drives the real widgets offscreen.
// Not a pipeline test: results are constructed or come from a scripted or tiny model.
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTest>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTreeView>
#include <QTreeWidget>

#include "app/backend_factory.h"
#include "app/history_store.h"
#include "ui/app_settings.h"
#include "ui/backend_setup.h"
#include "ui/command_panel.h"
#include "ui/diagnose_panel.h"
#include "ui/findings_model.h"
#include "ui/history_model.h"
#include "ui/history_panel.h"
#include "ui/history_service.h"
#include "ui/kql_panel.h"
#include "ui/main_window.h"
#include "ui/model_load.h"
#include "ui/run_dialog.h"
#include "ui/settings_dialog.h"
#include "ui_test_env.h"

using sigma::app::BackendError;
using sigma::app::CommandResult;
using sigma::app::GenerationRequest;
using sigma::app::KqlResult;
using sigma::ui::CommandPanel;
using sigma::ui::DiagnosePanel;
using sigma::ui::HistoryPanel;
using sigma::ui::KqlPanel;
using sigma::ui::MainWindow;

namespace {

template <typename T>
T* child(QObject* root, const char* name) {
    T* w = root->findChild<T*>(QLatin1String(name));
    if (!w) qFatal("no child named %s", name);
    return w;
}

// A backend that answers with fixed text, except that a prompt longer than `limit` characters fails
// the way a model with a short context does (ContextOverflow). `hold` keeps requests running.
class TestBackend : public sigma::app::Backend {
public:
    QString answer = QStringLiteral("Hello world");
    qsizetype limit = -1;  // < 0: no limit
    bool hold = false;
    QList<GenerationRequest> requests;
    QList<bool> overflowed;

    static qsizetype size_of(const GenerationRequest& r) {
        qsizetype n = 0;
        for (const auto& m : r.messages) n += m.content.size();
        return n;
    }
    quint64 generate(const GenerationRequest& request) override {
        const quint64 id = next_request_id();
        requests << request;
        const bool over = limit >= 0 && size_of(request) > limit;
        overflowed << over;
        if (hold && !over) {
            held_ << id;
            return id;
        }
        QMetaObject::invokeMethod(
            this,
            [this, id, over] {
                if (over) {
                    emit failed(id, {BackendError::Kind::ContextOverflow,
                                     QStringLiteral("the prompt has 596 tokens but the context holds 512"), 0});
                    return;
                }
                emit tokenReceived(id, answer);
                sigma::app::GenerationStats stats;
                stats.completion_tokens = 3;
                stats.finish_reason = QStringLiteral("stop");
                emit finished(id, stats);
            },
            Qt::QueuedConnection);
        return id;
    }
    void cancel(quint64 id) override {
        if (!held_.removeOne(id)) return;
        QMetaObject::invokeMethod(
            this,
            [this, id] {
                emit failed(id, {BackendError::Kind::Cancelled, QStringLiteral("cancelled"), 0});
            },
            Qt::QueuedConnection);
    }
    QString model_name() const override { return QStringLiteral("test-model"); }

private:
    QList<quint64> held_;
};

TestBackend* use_test_backend(UiTestEnv& env) {
    auto backend = std::make_unique<TestBackend>();
    TestBackend* raw = backend.get();
    env.context->set_backend(std::move(backend), QStringLiteral("remote"), QStringLiteral("test-model"));
    return raw;
}

// A tiny random model with the given training context, loaded as the app's local backend.
bool use_tiny_model_with_context(UiTestEnv& env, int ctx) {
    const QString path = env.dir.filePath(QStringLiteral("tiny-%1.gguf").arg(ctx));
    sigma::mkmodel::Options o;
    o.output = path.toStdString();
    o.arch = "llama";
    o.layers = 1;
    o.hidden = 32;
    o.heads = 2;
    o.ctx = ctx;
    o.vocab = 300;
    o.seed = 3;
    if (!sigma::mkmodel::write_model(o)) return false;
    sigma::app::LocalBackendOptions lo;
    lo.model_path = path;
    lo.n_threads = 1;
    lo.template_name = QStringLiteral("chatml");
    auto backend = std::make_unique<sigma::app::LocalBackend>(lo);
    QSignalSpy loaded(backend.get(), &sigma::app::LocalBackend::loadFinished);
    env.context->set_backend(std::move(backend), QStringLiteral("local"), path);
    if (loaded.isEmpty() && !loaded.wait(60000)) return false;
    if (!loaded.first().at(0).toBool()) return false;
    env.context->set_backend_ready(true);
    return true;
}

QList<sigma::app::Session> stored_sessions(const UiTestEnv& env) {
    sigma::app::HistoryStore store;
    if (!store.open(env.db_path())) return {};
    auto list = store.list_sessions();
    return list ? QList<sigma::app::Session>(list->begin(), list->end()) : QList<sigma::app::Session>{};
}

sigma::app::Session stored_session(const UiTestEnv& env, qint64 id) {
    sigma::app::HistoryStore store;
    if (!store.open(env.db_path())) return {};
    auto s = store.get_session(id);
    return s ? *s : sigma::app::Session{};
}

CommandResult checked_result() {
    CommandResult r;
    r.request = QStringLiteral("show GPU status");
    r.command = QStringLiteral("nvidia-smi -r -i 0");
    r.risk = QStringLiteral("destructive");
    r.reasons = {QStringLiteral("nvidia-smi -r resets the GPU")};
    r.valid = true;
    r.checked = QStringLiteral("syntax, options and fields checked");
    r.warnings = {QStringLiteral("the request only reads, but the command resets GPU 0 (destructive)")};
    r.alternatives = {{QStringLiteral("nvidia-smi"), QStringLiteral("read-only"), true, 0.8},
                      {QStringLiteral("nvidia-smi -q"), QStringLiteral("read-only"), true, 0.5}};
    return r;
}

// Xid 79 first, then an ECC error and a host OOM kill: three findings of different categories.
const QString kThreeFindings = QStringLiteral(
    "Mar 02 14:20:10 dgx-a07 systemd[1]: Started Session 12 of user ops.\n"
    "Mar 02 14:20:11 dgx-a07 kernel: NVRM: Xid (PCI:0000:b7:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen "
    "off the bus.\n"
    "Mar 02 14:20:12 dgx-a07 kernel: NVRM: GPU 0000:b7:00.0: GPU has fallen off the bus.\n"
    "Mar 02 14:21:00 dgx-a07 sshd[2211]: Accepted publickey for ops from 10.1.2.3 port 51122\n"
    "Mar 02 14:22:40 dgx-a07 kernel: NVRM: Xid (PCI:0000:3b:00): 48, pid=4242, name=python, An uncorrectable double "
    "bit error (DBE) has been detected on GPU in the framebuffer.\n"
    "Mar 02 14:23:00 dgx-a07 kernel: Out of memory: Killed process 5151 (python) total-vm:92000000kB, "
    "anon-rss:80000000kB\n"
    "Mar 02 14:23:01 dgx-a07 kernel: oom-kill:constraint=CONSTRAINT_NONE,task=python,pid=5151,uid=1000\n");

bool analyse(DiagnosePanel& panel, const QString& log) {
    panel.log_view()->setPlainText(log);
    QSignalSpy analysed(&panel, &DiagnosePanel::analysed);
    panel.analyse();
    return analysed.wait(30000) || !analysed.isEmpty();
}

}  // namespace

class TestOperatorWalk : public QObject {
    Q_OBJECT
private slots:
    // 1. The validity badge says what was checked; intent-risk and table warnings and the
    // alternatives are shown; a small model says so where it is named.
    void item1_badgesSayWhatWasCheckedAndShowWarnings() {
        UiTestEnv env;
        CommandPanel panel(env.context.get());
        panel.showResult(checked_result());
        const QString badge = child<QLabel>(&panel, "commandChecked")->text();
        QVERIFY2(badge.contains(QStringLiteral("syntax, options and fields OK")), qPrintable(badge));
        auto* warnings = child<QLabel>(&panel, "commandWarnings");
        QVERIFY(!warnings->isHidden());
        QVERIFY(warnings->text().contains(QStringLiteral("resets GPU 0")));
        auto* alternatives = child<QTreeWidget>(&panel, "commandAlternatives");
        QVERIFY(!alternatives->isHidden());
        QCOMPARE(alternatives->topLevelItemCount(), 2);
        QCOMPARE(alternatives->topLevelItem(0)->text(0), QStringLiteral("nvidia-smi"));
        emit alternatives->itemActivated(alternatives->topLevelItem(0), 0);
        QCOMPARE(panel.result().command, QStringLiteral("nvidia-smi"));
        QCOMPARE(child<QLabel>(&panel, "riskBadge")->property("risk").toString(), QStringLiteral("read-only"));
        QCOMPARE(panel.result().alternatives.first().command, QStringLiteral("nvidia-smi -r -i 0"));  // kept on offer

        KqlPanel kql(env.context.get());
        KqlResult k = kql.result();
        k.question = QStringLiteral("failed sign-ins per user");
        k.query = QStringLiteral("AzureActivity | take 10");
        k.valid = true;
        k.checked = QStringLiteral("syntax and schema checked");
        k.warnings = {QStringLiteral("the query reads AzureActivity, but the question is about sign-ins (SigninLogs)")};
        k.alternatives = {QStringLiteral("SigninLogs | take 10")};
        kql.showResult(k);
        const QString validity = child<QLabel>(&kql, "kqlValidity")->text();
        QVERIFY2(validity.contains(QStringLiteral("syntax and schema OK")), qPrintable(validity));
        QVERIFY(!child<QLabel>(&kql, "kqlWarnings")->isHidden());
        QVERIFY(child<QLabel>(&kql, "kqlWarnings")->text().contains(QStringLiteral("SigninLogs")));
        QCOMPARE(child<QListWidget>(&kql, "kqlAlternatives")->count(), 1);

        QVERIFY(env.use_tiny_model());
        MainWindow window(env.context.get());
        QTRY_VERIFY(window.model_label()->text().contains(QStringLiteral("small")));
    }

    // 2. Run… is disabled for a command marked Not valid, and the dialog says so if opened.
    void item2_runIsRefusedForNotValid() {
        UiTestEnv env;
        CommandPanel panel(env.context.get());
        CommandResult r;
        r.command = QStringLiteral("ls -la /tmp");
        r.risk = QStringLiteral("read-only");
        r.valid = false;
        r.messages = {{QStringLiteral("error"), QStringLiteral("the request asked for /var, not /tmp"), {}, 0, 0}};
        panel.showResult(r);
        QVERIFY(child<QLabel>(&panel, "commandMessages")->text().contains(QStringLiteral("Not valid")));
        QVERIFY(!child<QPushButton>(&panel, "commandRun")->isEnabled());
        panel.openRunDialog();
        sigma::ui::RunDialog* dialog = panel.run_dialog();
        QVERIFY(dialog);
        auto* note = child<QLabel>(dialog, "runNotValid");
        QVERIFY(!note->isHidden());
        QVERIFY(note->text().contains(QStringLiteral("/var")));
        QVERIFY(!dialog->can_run());
        QVERIFY(!child<QPushButton>(dialog, "runConfirm")->isEnabled());
        dialog->reject();
    }

    // 3. A repair prompt too long for the model's context is retried smaller and succeeds; when
    // nothing fits, the error stays in the panel until the next action. Settings names the real limit.
    void item3_repairFitsTheContextAndErrorsStayInThePanel() {
        UiTestEnv env;
        TestBackend* backend = use_test_backend(env);
        backend->answer = QStringLiteral("NoSuchTable | take 10");
        KqlPanel panel(env.context.get());
        child<QPlainTextEdit>(&panel, "kqlQuestion")->setPlainText(QStringLiteral("failed sign-ins per user"));
        QSignalSpy shown(&panel, &KqlPanel::resultShown);
        panel.send();
        QVERIFY(shown.wait(10000));
        // The operator edits the query into one that does not validate and checks it.
        auto* query = child<QPlainTextEdit>(&panel, "kqlQuery");
        query->setPlainText(QStringLiteral("SigninLogs | where NoSuchColumn == 1 | take 10"));
        QTest::mouseClick(child<QPushButton>(&panel, "kqlCheck"), Qt::LeftButton);
        QVERIFY2(!panel.result().valid, qPrintable(panel.result().query));
        QVERIFY(child<QPushButton>(&panel, "kqlRepair")->isEnabled());
        // Repair works: its prompt fits a model whose context holds the first prompt's length.
        const int rounds = panel.result().repairs;
        backend->limit = TestBackend::size_of(backend->requests.first());
        QTest::mouseClick(child<QPushButton>(&panel, "kqlRepair"), Qt::LeftButton);
        QVERIFY(shown.wait(10000));
        QVERIFY(!backend->overflowed.last());
        QCOMPARE(panel.result().repairs, rounds + 1);
        QVERIFY(child<QLabel>(&panel, "kqlError")->isHidden());

        // Nothing fits: the error is in the panel, stays there, and goes with the next action.
        backend->limit = 10;
        query->setPlainText(QStringLiteral("SigninLogs | where NoSuchColumn == 1 | take 10"));
        QTest::mouseClick(child<QPushButton>(&panel, "kqlCheck"), Qt::LeftButton);
        QVERIFY(child<QPushButton>(&panel, "kqlRepair")->isEnabled());
        QTest::mouseClick(child<QPushButton>(&panel, "kqlRepair"), Qt::LeftButton);
        auto* error = child<QLabel>(&panel, "kqlError");
        QTRY_VERIFY_WITH_TIMEOUT(!error->isHidden(), 10000);
        QVERIFY2(error->text().contains(QStringLiteral("context")), qPrintable(error->text()));
        QTest::qWait(300);
        QVERIFY(!error->isHidden());
        QTest::mouseClick(child<QPushButton>(&panel, "kqlCheck"), Qt::LeftButton);
        QVERIFY(error->isHidden());

        UiTestEnv local;
        QVERIFY(use_tiny_model_with_context(local, 512));
        MainWindow window(local.context.get());
        QCOMPARE(window.loaded_context_length(), 512);
        sigma::ui::SettingsDialog* settings = window.openSettings();
        const QString own = child<QSpinBox>(settings, "settingsContext")->specialValueText();
        QVERIFY2(own.contains(QStringLiteral("512")) && !own.contains(QStringLiteral("4096")), qPrintable(own));
        settings->reject();
    }

    // 4. Details follow the selected finding; Lines lists line numbers; Show redacted keeps the
    // highlight on the evidence; a large file can be cancelled.
    void item4_detailsFollowTheSelectedFinding() {
        UiTestEnv env;
        DiagnosePanel panel(env.context.get());
        QAbstractItemModelTester tester(panel.findings(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(analyse(panel, kThreeFindings));
        QVERIFY2(panel.findings()->rowCount() >= 2, "expected several findings");
        auto* table = child<QTableView>(&panel, "diagnoseFindings");
        auto* details = child<QTextBrowser>(&panel, "diagnoseDetails");
        auto* commands = child<QListWidget>(&panel, "diagnoseCommands");
        const sigma::domain::Finding top = *panel.findings()->finding(0);
        int other = -1;
        for (int row = 1; row < panel.findings()->rowCount(); ++row)
            if (panel.findings()->finding(row)->category != top.category) other = row;
        QVERIFY(other > 0);
        const sigma::domain::Finding f = *panel.findings()->finding(other);
        table->selectRow(other);
        QCOMPARE(panel.current_finding(), other);
        const QString text = details->toPlainText();
        QVERIFY2(text.contains(QString::fromStdString(f.title)), qPrintable(text));
        QVERIFY(!text.contains(QString::fromStdString(top.explanation)));
        QStringList expected;
        for (const auto& c : f.commands) expected << QString::fromStdString(c);
        QStringList shown_commands;
        for (int i = 0; i < commands->count(); ++i) shown_commands << commands->item(i)->text();
        QCOMPARE(shown_commands, expected);
        // Lines: the evidence line numbers.
        const QString lines = panel.findings()->index(other, 2).data().toString();
        QVERIFY2(lines.contains(QString::number(f.evidence.front().line)), qPrintable(lines));
        QCOMPARE(lines, sigma::ui::FindingsModel::line_list(f));
        // Show redacted keeps the mark on the evidence line.
        child<QCheckBox>(&panel, "diagnoseRedacted")->setChecked(true);
        const auto marks = panel.log_view()->extraSelections();
        QVERIFY(!marks.isEmpty());
        QCOMPARE(qulonglong(marks.first().cursor.blockNumber() + 1), qulonglong(f.evidence.front().line));

        // A large file shows Cancel while it is read; Cancel stops it and records nothing.
        const QString big = env.dir.filePath(QStringLiteral("big.log"));
        {
            QFile file(big);
            QVERIFY(file.open(QIODevice::WriteOnly));
            const QByteArray line("Mar 02 14:20:10 dgx-a07 systemd[1]: Started Session 12 of user ops.\n");
            for (int i = 0; i < 40000; ++i) file.write(line);
        }
        QSignalSpy analysed(&panel, &DiagnosePanel::analysed);
        panel.openFile(big);
        auto* cancel = child<QPushButton>(&panel, "diagnoseCancel");
        QVERIFY(!cancel->isHidden());
        QVERIFY(panel.analysing());
        QTest::mouseClick(cancel, Qt::LeftButton);
        QVERIFY(!panel.analysing());
        QVERIFY(cancel->isHidden());
        QVERIFY(child<QProgressBar>(&panel, "diagnoseProgress")->isHidden());
        QTest::qWait(300);
        QCOMPARE(analysed.size(), 0);
        QVERIFY(child<QLabel>(&panel, "diagnoseInfo")->text().contains(QStringLiteral("cancelled")));
    }

    // 5. Restoring any session brings back what the user saw: findings and details for Diagnose,
    // warnings and alternatives for Commands and KQL.
    void item5_restoredSessionsShowWhatWasSeen() {
        UiTestEnv env;
        MainWindow window(env.context.get());
        DiagnosePanel* panel = window.diagnose();
        QSignalSpy recorded(env.context->history(), &sigma::ui::HistoryService::jobRecorded);
        QVERIFY(analyse(*panel, kThreeFindings));
        QVERIFY(recorded.wait(10000) || !recorded.isEmpty());
        QTRY_VERIFY(panel->session_id() > 0);
        const int findings = panel->findings()->rowCount();
        const sigma::app::Session diagnosis = stored_session(env, panel->session_id());
        QCOMPARE(diagnosis.panel, sigma::app::Panel::Diagnose);

        // Another file was open before the restore: nothing of it may remain.
        const QString other = env.dir.filePath(QStringLiteral("other.log"));
        {
            QFile file(other);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("Mar 02 14:20:10 host systemd[1]: nothing to see\n");
        }
        QSignalSpy analysed(panel, &DiagnosePanel::analysed);
        panel->openFile(other);
        QVERIFY(analysed.wait(30000));
        emit window.history()->openSession(diagnosis);
        QCOMPARE(panel->findings()->rowCount(), findings);
        QVERIFY(!child<QLabel>(panel, "diagnoseInfo")->text().contains(QStringLiteral("other.log")));
        const QString details = child<QTextBrowser>(panel, "diagnoseDetails")->toPlainText();
        QVERIFY2(!details.contains(QStringLiteral("No known failure signature")), qPrintable(details));
        QVERIFY(details.contains(QString::fromStdString(panel->findings()->finding(0)->title)));
        QVERIFY(panel->log_view()->toPlainText().contains(QStringLiteral("Out of memory")));
        QVERIFY(!panel->log_view()->extraSelections().isEmpty());

        // Commands: the warnings and alternatives come back with the command.
        sigma::app::Session s;
        s.id = 99;
        s.panel = sigma::app::Panel::Commands;
        sigma::app::Turn t;
        t.request = QStringLiteral("show GPU status");
        t.result_json = QString::fromUtf8(QJsonDocument(checked_result().to_json()).toJson());
        s.turns.push_back(t);
        emit window.history()->openSession(s);
        QVERIFY(child<QLabel>(window.commands(), "commandWarnings")->text().contains(QStringLiteral("resets GPU 0")));
        QCOMPARE(child<QTreeWidget>(window.commands(), "commandAlternatives")->topLevelItemCount(), 2);
        QVERIFY(child<QLabel>(window.commands(), "commandChecked")
                    ->text()
                    .contains(QStringLiteral("syntax, options and fields OK")));
    }

    // 6. A bad model path is refused in Settings with the whole reason; a bad saved path falls back
    // to the default model with a notice; a model arriving clears the "no model" error.
    void item6_badModelPathIsRefusedAndFallsBack() {
        UiTestEnv env;
        const QString bad = env.dir.filePath(QStringLiteral("notes.gguf"));
        {
            QFile file(bad);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("these are notes, not a model\n");
        }
        sigma::ui::AppSettings s;
        s.model_path = bad;
        sigma::ui::SettingsDialog dialog(s);
        QSignalSpy accepted(&dialog, &QDialog::accepted);
        dialog.show();
        QTest::mouseClick(dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
        QCOMPARE(accepted.size(), 0);
        QVERIFY(dialog.isVisible());
        QTRY_VERIFY(child<QLabel>(&dialog, "settingsModelInfo")->text().contains(QStringLiteral("Not usable")));
        QVERIFY(child<QLabel>(&dialog, "settingsModelInfo")->wordWrap());

        // A start with that path saved: the default model instead, and a notice saying why.
        if (sigma::app::default_model_path().isEmpty()) QSKIP("no default model in resources/models");
        QSignalSpy finished(env.context->loader(), &sigma::ui::ModelLoad::finished);
        sigma::ui::install_backend(env.context.get(), s);
        QTRY_VERIFY_WITH_TIMEOUT(env.context->backend() && env.context->backend_ready(), 60000);
        QCOMPARE(QFileInfo(env.context->backend_model()).fileName(),
                 QFileInfo(sigma::app::default_model_path()).fileName());
        QVERIFY2(env.context->backend_note().contains(QStringLiteral("could not load")),
                 qPrintable(env.context->backend_note()));

        // The red "no model" error in Commands goes once a model is there.
        UiTestEnv empty;
        CommandPanel panel(empty.context.get());
        panel.setRequest(QStringLiteral("show GPU memory"));
        panel.send();
        auto* messages = child<QLabel>(&panel, "commandMessages");
        QVERIFY(messages->text().contains(QStringLiteral("No model")));
        use_test_backend(empty);
        QVERIFY(messages->text().isEmpty());
    }

    // 7. Tab leaves the request and question boxes instead of typing a tab.
    void item7_tabMovesFocusOut_data() {
        QTest::addColumn<int>("panel");
        QTest::addColumn<QString>("box");
        QTest::newRow("commands") << 0 << QStringLiteral("commandRequest");
        QTest::newRow("kql") << 2 << QStringLiteral("kqlQuestion");
    }
    void item7_tabMovesFocusOut() {
        QFETCH(int, panel);
        QFETCH(QString, box);
        UiTestEnv env;
        MainWindow window(env.context.get());
        window.set_current_panel(panel);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* edit = window.findChild<QPlainTextEdit*>(box);
        QVERIFY(edit);
        edit->setFocus();
        QTest::keyClicks(edit, QStringLiteral("abc"));
        QTest::keyClick(edit, Qt::Key_Tab);
        QVERIFY(!edit->toPlainText().contains(QLatin1Char('\t')));
        QVERIFY(edit->tabChangesFocus());
        if (QApplication::focusWidget()) QVERIFY(QApplication::focusWidget() != edit);
    }

    // 8. No silent no-ops: the summary shows, Export with nothing selected says so, Regenerate
    // varies and replaces its history entry, Explain more explains beside the command.
    void item8_noSilentNoOps() {
        UiTestEnv env;
        TestBackend* backend = use_test_backend(env);
        backend->answer = QStringLiteral("The GPU dropped off the PCIe bus; reseat it.");
        DiagnosePanel diagnose(env.context.get());
        QVERIFY(analyse(diagnose, kThreeFindings));
        QSignalSpy summarised(&diagnose, &DiagnosePanel::summarised);
        QTest::mouseClick(child<QPushButton>(&diagnose, "diagnoseSummarise"), Qt::LeftButton);
        QVERIFY(summarised.wait(10000));
        QVERIFY(child<QTextBrowser>(&diagnose, "diagnoseDetails")->toPlainText().contains(QStringLiteral("reseat it")));

        HistoryPanel history(env.context.get());
        QVERIFY(history.selected_ids().isEmpty());
        history.chooseExport(QStringLiteral("git"));  // would block on a folder dialog if it opened one
        QVERIFY2(history.notice().contains(QStringLiteral("Select")), qPrintable(history.notice()));
        QVERIFY(history.export_start_dir() != QDir::currentPath() || QDir::currentPath() == QDir::homePath());

        env.context->set_temperature(0.0);
        CommandPanel panel(env.context.get());
        backend->answer = QStringLiteral("nvidia-smi --query-gpu=memory.used --format=csv");
        QSignalSpy recorded(env.context->history(), &sigma::ui::HistoryService::jobRecorded);
        panel.setRequest(QStringLiteral("show GPU memory"));
        QSignalSpy shown(&panel, &CommandPanel::resultShown);
        panel.send();
        QVERIFY(shown.wait(10000));
        QTRY_VERIFY(panel.session_id() > 0);
        const int sessions_before = static_cast<int>(stored_sessions(env).size());
        QTest::mouseClick(child<QPushButton>(&panel, "commandRegenerate"), Qt::LeftButton);
        const GenerationRequest first = panel.last_generation();
        QVERIFY(first.temperature > 0);  // sampled, not the same greedy answer again
        QVERIFY(shown.wait(10000));
        QTRY_VERIFY(panel.session_id() > 0);
        QTest::mouseClick(child<QPushButton>(&panel, "commandRegenerate"), Qt::LeftButton);
        QVERIFY(panel.last_generation().seed != first.seed);
        QVERIFY(shown.wait(10000));
        QTRY_VERIFY(panel.session_id() > 0);
        QTRY_COMPARE(static_cast<int>(stored_sessions(env).size()), sessions_before);

        const QString command = panel.result().command;
        backend->answer = QStringLiteral("It prints the memory in use on each GPU as CSV.");
        QTest::mouseClick(child<QPushButton>(&panel, "commandExplain"), Qt::LeftButton);
        auto* more = child<QPlainTextEdit>(&panel, "commandMore");
        QTRY_VERIFY(more->toPlainText().contains(QStringLiteral("memory in use")));
        QVERIFY(!more->isHidden());
        QCOMPARE(child<QLineEdit>(&panel, "commandText")->text(), command);
        QCOMPARE(panel.result().command, command);
    }

    // 9. No stale state: a new request clears the old result and its Run…; a deleted session
    // leaves the search results.
    void item9_noStaleResults() {
        UiTestEnv env;
        TestBackend* backend = use_test_backend(env);
        backend->hold = true;
        CommandPanel panel(env.context.get());
        CommandResult r = checked_result();
        r.command = QStringLiteral("nvidia-smi");
        r.risk = QStringLiteral("read-only");
        panel.showResult(r);
        QVERIFY(child<QPushButton>(&panel, "commandRun")->isEnabled());
        panel.setRequest(QStringLiteral("list the pods"));
        panel.send();
        QVERIFY(!child<QPushButton>(&panel, "commandRun")->isEnabled());
        QVERIFY(child<QLineEdit>(&panel, "commandText")->text().isEmpty());
        QSignalSpy failed(&panel, &CommandPanel::statusMessage);
        panel.stop();
        QTRY_VERIFY(child<QPushButton>(&panel, "commandSend")->isEnabled());
        QVERIFY(!child<QPushButton>(&panel, "commandRun")->isEnabled());
        QVERIFY(child<QLineEdit>(&panel, "commandText")->text().isEmpty());

        HistoryPanel history(env.context.get());
        sigma::app::JobRecord job;
        job.panel = sigma::app::Panel::Commands;
        job.request = QStringLiteral("show GPU memory use");
        QSignalSpy refreshed(&history, &HistoryPanel::refreshed);
        env.context->history()->recordJob(job);
        QTRY_COMPARE(history.model()->session_count(), 1);
        QSignalSpy searched(&history, &HistoryPanel::searchFinished);
        child<QLineEdit>(&history, "historySearch")->setText(QStringLiteral("memory"));
        history.runSearch();
        QVERIFY(searched.wait(5000));
        QVERIFY(searched.last().at(0).toInt() >= 1);
        auto* tree = history.tree();
        tree->selectionModel()->select(history.model()->index(0, 0, history.model()->index(0, 0)),
                                       QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QCOMPARE(history.selected_ids().size(), 1);
        history.askDelete();
        history.confirmDelete();
        QTRY_VERIFY_WITH_TIMEOUT(!searched.isEmpty() && searched.last().at(0).toInt() == 0, 5000);
        QVERIFY(child<QTextBrowser>(&history, "historyHits")->toPlainText().contains(QStringLiteral("No matches")));
    }

    // 10. History search runs as you type, filters the list and finds a finding's evidence deep in
    // a long log; Diagnose sessions are named after what was found.
    void item10_searchFiltersAndFindsFindings() {
        UiTestEnv env;
        MainWindow window(env.context.get());
        HistoryPanel* history = window.history();
        for (const char* request : {"show GPU memory use", "list the pods in namespace zebra-prod"}) {
            sigma::app::JobRecord job;
            job.panel = sigma::app::Panel::Commands;
            job.request = QString::fromUtf8(request);
            env.context->history()->recordJob(job);
        }
        QTRY_COMPARE(history->model()->session_count(), 2);
        // A log whose evidence comes after 6,000 characters of routine lines.
        QString log;
        for (int i = 0; i < 100; ++i)
            log += QStringLiteral("Mar 02 14:19:%1 dgx-a07 systemd[1]: Started Session %2 of user ops.\n")
                       .arg(i % 60, 2, 10, QLatin1Char('0'))
                       .arg(i);
        QVERIFY(log.size() > 6000);
        log += kThreeFindings;
        QVERIFY(analyse(*window.diagnose(), log));
        QTRY_COMPARE(history->model()->session_count(), 3);
        QTRY_VERIFY(window.diagnose()->session_id() > 0);
        const sigma::app::Session stored = stored_session(env, window.diagnose()->session_id());
        QVERIFY(stored.title.startsWith(QString::fromStdString(window.diagnose()->findings()->finding(0)->title)));
        QVERIFY(!stored.title.contains(QStringLiteral("Started Session")));
        QVERIFY(stored.turns.front().request.contains(QStringLiteral("Out of memory")));  // the whole log is kept

        QSignalSpy searched(history, &HistoryPanel::searchFinished);
        QTest::keyClicks(child<QLineEdit>(history, "historySearch"), QStringLiteral("zebra"));  // no Enter
        QVERIFY(searched.wait(3000));
        QVERIFY(searched.last().at(0).toInt() >= 1);
        QCOMPARE(history->model()->session_count(), 1);
        // Evidence far into the log is found (the whole log is stored).
        child<QLineEdit>(history, "historySearch")->setText(QStringLiteral("framebuffer"));
        QVERIFY(searched.wait(3000));
        QVERIFY(searched.last().at(0).toInt() >= 1);
        QCOMPARE(history->model()->session_count(), 1);
        // A word of a finding's explanation that the log itself does not contain finds the diagnosis.
        QString word;
        const QString explanation = QString::fromStdString(window.diagnose()->findings()->finding(0)->explanation);
        for (const QString& w : explanation.split(QRegularExpression(QStringLiteral("[^A-Za-z]+")), Qt::SkipEmptyParts))
            if (w.size() >= 6 && !log.contains(w, Qt::CaseInsensitive)) {
                word = w;
                break;
            }
        QVERIFY2(!word.isEmpty(), qPrintable(explanation));
        child<QLineEdit>(history, "historySearch")->setText(word);
        QVERIFY(searched.wait(3000));
        QVERIFY2(searched.last().at(0).toInt() >= 1, qPrintable(word));
        QCOMPARE(history->model()->session_count(), 1);
        child<QLineEdit>(history, "historySearch")->clear();
        QTRY_COMPARE(history->model()->session_count(), 3);
    }

    // 11. A command you wrote yourself can be checked without generating one.
    void item11_checkYourOwnCommand() {
        UiTestEnv env;
        CommandPanel panel(env.context.get());
        auto* edit = child<QPushButton>(&panel, "commandEdit");
        QVERIFY(edit->isEnabled());
        QTest::mouseClick(edit, Qt::LeftButton);
        auto* field = child<QLineEdit>(&panel, "commandText");
        QVERIFY(!field->isReadOnly());
        field->setText(QStringLiteral("nvidia-smi -L"));
        QTest::mouseClick(edit, Qt::LeftButton);
        QCOMPARE(panel.result().command, QStringLiteral("nvidia-smi -L"));
        QCOMPARE(child<QLabel>(&panel, "riskBadge")->property("risk").toString(), QStringLiteral("read-only"));
        QVERIFY(!child<QLabel>(&panel, "commandChecked")->text().isEmpty());
    }

    // 12. At 800x500 the findings stay readable, the command shows its start, Settings fits.
    void item12_smallWindow() {
        UiTestEnv env;
        MainWindow window(env.context.get());
        window.resize(800, 500);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.set_current_panel(1);
        QVERIFY(analyse(*window.diagnose(), kThreeFindings));
        QApplication::processEvents();
        auto* table = child<QTableView>(window.diagnose(), "diagnoseFindings");
        QVERIFY2(table->columnWidth(1) >= 120, qPrintable(QString::number(table->columnWidth(1))));

        window.set_current_panel(0);
        CommandResult r = checked_result();
        r.command = QStringLiteral(
            "nvidia-smi --query-gpu=index,name,memory.used,memory.total,temperature.gpu,utilization.gpu --format=csv "
            "-l 5");
        window.commands()->showResult(r);
        QCOMPARE(child<QLineEdit>(window.commands(), "commandText")->cursorPosition(), 0);

        sigma::ui::SettingsDialog* settings = window.openSettings();
        QApplication::processEvents();
        QVERIFY2(settings->height() <= window.height(), qPrintable(QString::number(settings->height())));
        settings->reject();
    }
};

QTEST_MAIN(TestOperatorWalk)
#include "test_operator_walk.moc"
