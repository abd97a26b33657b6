// The screenshot scenario: a scripted walk through the panels, grabbing each.
// Not interactive: every step is queued on the event loop so that async results are in place.
#include "ui/screenshot_scenario.h"

#include <QApplication>
#include <QDir>
#include <QJsonDocument>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTimer>

#include "app/command_task.h"
#include "ui/app_context.h"
#include "ui/command_panel.h"
#include "ui/diagnose_panel.h"
#include "ui/history_panel.h"
#include "ui/history_service.h"
#include "ui/kql_panel.h"
#include "ui/main_window.h"
#include "ui/settings_dialog.h"

namespace sigma::ui {

namespace {

const char* kLog =
    "Mar 02 14:19:58 dgx-a07 systemd[1]: Started Session 12 of user ops.\n"
    "Mar 02 14:20:02 dgx-a07 kubelet[900]: I0302 14:20:02 reconcile pod default/train-llm-0 Running\n"
    "Mar 02 14:20:11 dgx-a07 kernel: NVRM: Xid (PCI:0000:b7:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen off the bus.\n"
    "Mar 02 14:20:11 dgx-a07 kernel: NVRM: GPU 0000:b7:00.0: GPU has fallen off the bus.\n"
    "Mar 02 14:20:12 dgx-a07 kernel: NVRM: GPU 0000:b7:00.0: RmInitAdapter failed! (0x23:0x65:1417)\n"
    "Mar 02 14:20:30 dgx-a07 nv-hostengine[1822]: Unable to get GPU health for GPU 5\n"
    "Mar 02 14:20:31 dgx-a07 sshd[2211]: Accepted publickey for ops from 10.20.3.14 port 51122\n"
    "Mar 02 14:20:40 dgx-a07 python[44120]: RuntimeError: CUDA error: unknown error\n";

void save(QWidget* widget, const QString& dir, const QString& name) {
    widget->grab().save(QDir(dir).filePath(name));
}

}  // namespace

void run_screenshot_scenario(MainWindow* window, AppContext* context, const QString& out_dir) {
    QDir().mkpath(out_dir);
    window->resize(1200, 760);

    // History content first, so that the list is filled when its turn comes.
    const struct { app::Panel panel; const char* request; const char* command; } jobs[] = {
        {app::Panel::Commands, "show GPU memory use every 5 seconds",
         "nvidia-smi --query-gpu=index,name,memory.used,memory.total --format=csv -l 5"},
        {app::Panel::Commands, "which processes use GPU 0", "nvidia-smi --query-compute-apps=pid,process_name,used_memory --format=csv -i 0"},
        {app::Panel::Kql, "failed sign-ins per user in the last day", ""},
        {app::Panel::Diagnose, "Xid 79 on dgx-a07", ""},
    };
    for (const auto& j : jobs) {
        app::JobRecord rec;
        rec.panel = j.panel;
        rec.request = QString::fromUtf8(j.request);
        if (*j.command) rec.result = app::CommandTask::check(QString::fromUtf8(j.command)).to_json();
        rec.model = QStringLiteral("sigma-1.5b-q8_0.gguf");
        rec.backend = QStringLiteral("local");
        context->history()->recordJob(rec);
    }

    CommandPanel* commands = window->commands();
    commands->setRequest(QStringLiteral("show GPU memory use every 5 seconds"));
    app::CommandResult r = app::CommandTask::check(
        QStringLiteral("nvidia-smi --query-gpu=index,name,memory.used,memory.total --format=csv -l 5"));
    r.explanation = QStringLiteral("Prints each GPU's index, name and memory in use, as CSV, every 5 seconds.");
    commands->showResult(r);

    DiagnosePanel* diagnose = window->diagnose();
    diagnose->log_view()->setPlainText(QString::fromUtf8(kLog));
    QObject::connect(diagnose, &DiagnosePanel::analysed, diagnose, [diagnose] { diagnose->showFinding(0); });
    diagnose->analyse();

    KqlPanel* kql = window->kql();
    kql->findChild<QPlainTextEdit*>(QStringLiteral("kqlQuestion"))->setPlainText(QStringLiteral("failed sign-ins per user in the last day"));
    kql->findChild<QPlainTextEdit*>(QStringLiteral("kqlQuery"))->setPlainText(QStringLiteral(
        "SigninLogs\n| where TimeGenerated > ago(1d)\n| where ResultType != \"0\"   // failures only\n"
        "| summarize Failures = count() by UserPrincipalNme\n| top 10 by Failures desc"));
    kql->checkQuery();

    // Each step waits a moment for the queued work (history, rules) to land, then grabs.
    auto* steps = new QTimer(window);
    auto step = std::make_shared<int>(0);
    QObject::connect(steps, &QTimer::timeout, window, [=] {
        switch ((*step)++) {
            case 0: window->history()->refresh(); break;
            case 1: window->set_current_panel(0); break;
            case 2: save(window, out_dir, QStringLiteral("commands.png")); window->set_current_panel(1); break;
            case 3: save(window, out_dir, QStringLiteral("diagnose.png")); window->set_current_panel(2); break;
            case 4: save(window, out_dir, QStringLiteral("kql.png")); window->set_current_panel(3); break;
            case 5: save(window, out_dir, QStringLiteral("history.png")); window->openSettings(); break;
            case 6:
                if (auto* dialog = window->findChild<SettingsDialog*>()) {
                    save(dialog, out_dir, QStringLiteral("settings.png"));
                    dialog->reject();
                }
                break;
            default:
                steps->stop();
                QApplication::quit();
        }
    });
    steps->start(400);
}

}  // namespace sigma::ui
