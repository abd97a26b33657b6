// MainWindow: the sidebar of panels (Commands, Diagnose, KQL, History), the status bar (model,
// backend with any fallback reason, a model load's percentage with Cancel, live tok/s) and the persisted geometry and last panel.
// Not a pipeline: each panel drives its own task; the window only switches and reports.
#pragma once

#include <QMainWindow>

#include "app/model_info.h"

class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QStackedWidget;

namespace sigma::ui {

class AppContext;
class CommandPanel;
class DiagnosePanel;
class KqlPanel;
class SettingsDialog;
class HistoryPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(AppContext* context, QWidget* parent = nullptr);

    CommandPanel* commands() const { return commands_; }
    HistoryPanel* history() const { return history_; }
    DiagnosePanel* diagnose() const { return diagnose_; }
    KqlPanel* kql() const { return kql_; }
    int current_panel() const;
    void set_current_panel(int index);
    QLabel* rate_label() const { return rate_; }
    // Opens the settings dialog (non-modal to the event loop); accepting saves and applies.
    SettingsDialog* openSettings();
    QLabel* backend_label() const { return backend_; }
    QLabel* model_label() const { return model_; }
    // The loaded local model's context length in tokens (0: none loaded, or a remote model).
    int loaded_context_length() const;

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void update_backend_status();
    void save_state() const;
    void restore_state();

    AppContext* context_;
    QListWidget* sidebar_;
    QStackedWidget* stack_;
    CommandPanel* commands_;
    DiagnosePanel* diagnose_;
    KqlPanel* kql_;
    HistoryPanel* history_;
    QLabel* model_;
    QLabel* backend_;
    QLabel* rate_;
    QProgressBar* load_progress_;  // the model load's percentage, while one runs
    QPushButton* cancel_load_;
    app::ModelInfo model_info_;  // facts of the loaded local model, read once per model file
};

}  // namespace sigma::ui
