// RunDialog: "run this command?" with the full command and its risk reasons, then the run itself with
// live output and Cancel. Cancel is the default button, so Enter never runs anything; a destructive
// command stays locked until the user types its program name. Not a shell: CommandRunner runs it.
#pragma once

#include <QDialog>
#include <QString>
#include <QStringList>

#include "app/command_runner.h"

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace sigma::ui {

class RunDialog : public QDialog {
    Q_OBJECT
public:
    RunDialog(const QString& command, const QString& risk, const QStringList& reasons, QWidget* parent = nullptr);

    // The confirmation the dialog would hand to CommandRunner now.
    app::Confirmation confirmation() const;
    bool can_run() const;
    app::CommandRunner* runner() { return &runner_; }
    // The caller's own checks found the command not valid (`problem` says why): the dialog says
    // so and refuses to run it, even where the runner's assessment alone would allow it.
    void set_not_valid(const QString& problem);

signals:
    void executed(const sigma::app::ExecutionResult& result);

private:
    void update_run_button();
    void start_run();
    void on_finished(const app::ExecutionResult& result);
    void on_cancel();

    QString command_;
    domain::Risk risk_ = domain::Risk::ChangesState;
    app::CommandRunner runner_;
    QLineEdit* typed_ = nullptr;  // destructive only
    QLabel* refusal_ = nullptr;
    QLabel* not_valid_ = nullptr;
    QString not_valid_problem_;
    QPlainTextEdit* output_ = nullptr;
    QLabel* status_ = nullptr;
    QPushButton* run_ = nullptr;
    QPushButton* cancel_ = nullptr;
};

}  // namespace sigma::ui
