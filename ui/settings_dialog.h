// SettingsDialog: model file (with its GGUF facts shown before loading) and chat template, backend
// (auto, CPU, CUDA or a remote endpoint with API key), threads, temperature, context length, data
// directory and redaction.
// Not the applier: the caller saves the value and rebuilds the backend.
#pragma once

#include <QDialog>

#include "app/model_info.h"
#include "ui/app_settings.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QThread;

namespace sigma::ui {

class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    SettingsDialog(const AppSettings& settings, QWidget* parent = nullptr);
    ~SettingsDialog() override;

    AppSettings settings() const;
    const app::ModelInfo& model_info() const { return info_; }
    // The model now loaded and the context it runs with (tokens; 0 when unknown, e.g. remote): the
    // context field's "model's own" then names that real limit.
    void set_loaded_model(const QString& name, int context_length);

    // Refuses a model file that is not a usable model: the dialog stays open with the reason.
    void accept() override;
public slots:
    void inspectModel();  // reads the chosen file's facts on a worker thread

signals:
    void modelInspected(const QString& summary, bool ok);

private:
    void show_info(const app::ModelInfo& info);

    QLineEdit* model_;
    QLabel* model_info_;
    QComboBox* template_;
    QComboBox* backend_;
    QLineEdit* url_;
    QLineEdit* key_;
    QSpinBox* threads_;
    QDoubleSpinBox* temperature_;
    QSpinBox* context_;
    QLineEdit* data_dir_;
    QCheckBox* redact_ip_;
    QCheckBox* redact_hosts_;
    QCheckBox* redact_emails_;
    QCheckBox* redact_secrets_;
    QCheckBox* redact_ids_;
    QThread* inspector_ = nullptr;
    app::ModelInfo info_;
};

}  // namespace sigma::ui
