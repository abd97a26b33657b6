// The screenshot scenario: a scripted walk through the panels with the loaded model and the real
// pipelines (generation, validation, rules, history), grabbing each panel at two window sizes.
// Not interactive and not staged: it types requests and presses buttons; every result shown is
// the one the pipeline produced. Each step waits for its condition on the event loop.
#include "ui/screenshot_scenario.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QTimer>
#include <cstdio>
#include <functional>
#include <memory>
#include <vector>

#include "ui/app_context.h"
#include "ui/command_panel.h"
#include "ui/diagnose_panel.h"
#include "ui/findings_model.h"
#include "ui/history_panel.h"
#include "ui/history_model.h"
#include "ui/kql_panel.h"
#include "ui/main_window.h"
#include "ui/settings_dialog.h"

namespace sigma::ui {

namespace {

// A kernel log of a GPU that fell off the bus, with an ECC error and an OOM kill later on.
const char* kLog =
    "Mar 02 14:19:58 dgx-a07 systemd[1]: Started Session 12 of user ops.\n"
    "Mar 02 14:20:02 dgx-a07 kubelet[900]: I0302 14:20:02 reconcile pod default/train-llm-0 Running\n"
    "Mar 02 14:20:11 dgx-a07 kernel: NVRM: Xid (PCI:0000:b7:00): 79, pid='<unknown>', name=<unknown>, GPU has fallen "
    "off the bus.\n"
    "Mar 02 14:20:11 dgx-a07 kernel: NVRM: GPU 0000:b7:00.0: GPU has fallen off the bus.\n"
    "Mar 02 14:20:12 dgx-a07 kernel: NVRM: GPU 0000:b7:00.0: RmInitAdapter failed! (0x23:0x65:1417)\n"
    "Mar 02 14:20:30 dgx-a07 nv-hostengine[1822]: Unable to get GPU health for GPU 5\n"
    "Mar 02 14:20:31 dgx-a07 sshd[2211]: Accepted publickey for ops from 10.20.3.14 port 51122\n"
    "Mar 02 14:20:40 dgx-a07 python[44120]: RuntimeError: CUDA error: unknown error\n";

const char* kCommandRequest = "show GPU memory use every 5 seconds";
const char* kKqlQuestion = "failed sign-ins per user in the last day";

struct Step {
    const char* what;
    std::function<bool()> ready;  // the step runs once this holds (or its wait runs out)
    std::function<void()> act;
    int wait_ms = 120000;
};

void say(const QString& text) { std::fprintf(stderr, "[scenario] %s\n", qPrintable(text)); }

void save(QWidget* widget, const QString& dir, const QString& name) {
    const QString path = QDir(dir).filePath(name);
    if (!widget->grab().save(path)) say(QStringLiteral("could not write %1").arg(path));
    else say(QStringLiteral("wrote %1 (%2x%3)").arg(path).arg(widget->width()).arg(widget->height()));
    if (qEnvironmentVariableIsSet("SIGMA_SCENARIO_DEBUG"))
        for (QWidget* w : widget->findChildren<QWidget*>())
            if (w->isVisible() && w->minimumSizeHint().width() > 700)
                say(QStringLiteral("  wide: %1 %2 %3")
                        .arg(QString::fromLatin1(w->metaObject()->className()), w->objectName())
                        .arg(w->minimumSizeHint().width()));
}

}  // namespace

void run_screenshot_scenario(MainWindow* window, AppContext* context, const QString& out_dir) {
    QDir().mkpath(out_dir);
    window->resize(1200, 760);
    CommandPanel* commands = window->commands();
    DiagnosePanel* diagnose = window->diagnose();
    KqlPanel* kql = window->kql();
    auto* kql_send = kql->findChild<QPushButton*>(QStringLiteral("kqlSend"));
    auto* command_send = commands->findChild<QPushButton*>(QStringLiteral("commandSend"));
    auto diagnosed = std::make_shared<bool>(false);
    QObject::connect(diagnose, &DiagnosePanel::analysed, diagnose, [diagnosed] { *diagnosed = true; });
    auto settings = std::make_shared<QPointer<SettingsDialog>>();

    // Grabs every panel (and Settings) at the window's current size, with `suffix` in the names.
    auto grab_all = [=](const QString& suffix) {
        std::vector<Step> steps;
        const struct {
            int panel;
            const char* name;
        } pages[] = {{0, "commands"}, {1, "diagnose"}, {2, "kql"}, {3, "history"}};
        for (const auto& p : pages) {
            steps.push_back({"show panel", [] { return true; }, [=] { window->set_current_panel(p.panel); }, 0});
            steps.push_back(
                {"grab panel", [] { return true; },
                 [=] { save(window, out_dir, QStringLiteral("%1%2.png").arg(QLatin1String(p.name), suffix)); }, 0});
        }
        steps.push_back({"open settings", [] { return true; }, [=] { *settings = window->openSettings(); }, 0});
        steps.push_back({"grab settings", [] { return true; },
                         [=] {
                             if (SettingsDialog* d = *settings) {
                                 save(d, out_dir, QStringLiteral("settings%1.png").arg(suffix));
                                 d->reject();
                             }
                         },
                         0});
        return steps;
    };

    auto steps = std::make_shared<std::vector<Step>>();
    steps->push_back({"wait for the model to load", [=] { return context->backend() && context->backend_ready(); },
                      [=] { say(QStringLiteral("model: %1").arg(context->backend_model())); }});
    steps->push_back({"generate a command", [] { return true; },
                      [=] {
                          window->set_current_panel(0);
                          commands->setRequest(QString::fromUtf8(kCommandRequest));
                          commands->send();
                      },
                      0});
    steps->push_back({"command answered", [=] { return command_send->isEnabled(); },
                      [=] {
                          say(QStringLiteral("command: %1 (%2)")
                                  .arg(commands->result().command, commands->result().valid
                                                                       ? QStringLiteral("valid")
                                                                       : QStringLiteral("not valid")));
                      }});
    steps->push_back({"diagnose a log", [] { return true; },
                      [=] {
                          diagnose->log_view()->setPlainText(QString::fromUtf8(kLog));
                          diagnose->analyse();
                      },
                      0});
    steps->push_back({"log diagnosed", [=] { return *diagnosed; },
                      [=] {
                          // The second finding, to show that details follow the selection.
                          if (diagnose->findings()->rowCount() > 1) diagnose->showFinding(1);
                      }});
    steps->push_back({"ask a KQL question", [] { return true; },
                      [=] {
                          kql->findChild<QPlainTextEdit*>(QStringLiteral("kqlQuestion"))
                              ->setPlainText(QString::fromUtf8(kKqlQuestion));
                          kql->send();
                      },
                      0});
    steps->push_back({"KQL answered (repairs included)", [=] { return kql_send->isEnabled(); },
                      [=] {
                          say(QStringLiteral("query: %1 (%2)")
                                  .arg(kql->result().query,
                                       kql->result().valid ? QStringLiteral("valid") : QStringLiteral("not valid")));
                          window->history()->refresh();
                      }});
    for (Step& s : grab_all(QString())) steps->push_back(std::move(s));
    steps->push_back({"small window", [] { return true; }, [=] { window->resize(800, 500); }, 0});
    for (Step& s : grab_all(QStringLiteral("-800x500"))) steps->push_back(std::move(s));

    // One step at a time; a short pause after each lets layouts and queued answers settle.
    auto index = std::make_shared<size_t>(0);
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    auto* timer = new QTimer(window);
    QObject::connect(timer, &QTimer::timeout, window, [=] {
        if (*index >= steps->size()) {
            timer->stop();
            QApplication::quit();
            return;
        }
        Step& step = (*steps)[*index];
        const bool ready = step.ready();
        if (!ready && clock->elapsed() < step.wait_ms) return;
        if (!ready) say(QStringLiteral("gave up waiting: %1").arg(QLatin1String(step.what)));
        step.act();
        ++*index;
        clock->restart();
    });
    timer->start(300);
}

}  // namespace sigma::ui
