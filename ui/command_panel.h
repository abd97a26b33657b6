// CommandPanel: a request in English becomes one checked command: streaming output while the model
// writes, then the command with its risk badge, validator messages and flag-by-flag explanation,
// and the actions Copy, Explain more, Regenerate, Edit and Run…. Not a runner: RunDialog confirms.
#pragma once

#include <QWidget>

#include "app/command_task.h"
#include "app/history_types.h"
#include "ui/history_metatypes.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTreeWidget;

namespace sigma::ui {

class AppContext;
class GenerationJob;
class RunDialog;

class CommandPanel : public QWidget {
    Q_OBJECT
public:
    explicit CommandPanel(AppContext* context, QWidget* parent = nullptr);

    const app::CommandResult& result() const { return result_; }
    qint64 session_id() const { return session_id_; }
    RunDialog* run_dialog() const { return dialog_; }
    // The last request sent to the model (Regenerate samples with a new seed).
    const app::GenerationRequest& last_generation() const { return last_generation_; }

public slots:
    void send();
    void stop();
    void setRequest(const QString& text);
    // Shows a finished result (from the pipeline, from history, or a command the user edited).
    void showResult(const sigma::app::CommandResult& result);
    void copyCommand();
    void explainMore();
    void regenerate();
    void toggleEdit();
    void openRunDialog();
    void restore(const sigma::app::Session& session);
    // Shows the pipeline's alternative `index` (re-checked) as the result; the list stays.
    void showAlternative(int index);

signals:
    void statusMessage(const QString& text);
    void resultShown();
    void executionRecorded(qint64 sessionId);

private:
    void on_done(const QString& text, const app::GenerationStats& stats);
    void on_failed(const QString& message, bool cancelled);
    void set_busy(bool busy);
    app::CommandRequest current_request() const;
    void clear_result();
    void start_generation(bool regenerate);
    void show_error(const QString& text);

    AppContext* context_;
    GenerationJob* job_;
    GenerationJob* explain_job_;
    QPlainTextEdit* request_;
    QComboBox* shell_;
    QPushButton* send_;
    QPushButton* stop_;
    QPlainTextEdit* stream_;
    QLineEdit* command_;
    QLabel* badge_;
    QLabel* checked_;   // what the checks covered, and whether the command passed them
    QLabel* warnings_;  // the pipeline's warnings (intent-risk, request literals)
    QTreeWidget* alternatives_;
    QPlainTextEdit* more_;  // "Explain more" writes here; the command stays as it is
    QLabel* messages_;
    QLabel* explanation_;
    QTreeWidget* flags_;
    QPushButton* copy_;
    QPushButton* explain_;
    QPushButton* regenerate_;
    QPushButton* edit_;
    QPushButton* run_;
    RunDialog* dialog_ = nullptr;
    app::CommandResult result_;
    app::CommandRequest last_request_;
    app::GenerationRequest last_generation_;
    qint64 replaces_session_ = 0;  // Regenerate: the history entry the new answer replaces
    bool no_model_error_ = false;  // messages_ says no model is available
    qint64 session_id_ = 0;
    quint64 record_ticket_ = 0;
};

}  // namespace sigma::ui
