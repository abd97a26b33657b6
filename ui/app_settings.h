// AppSettings: the user's choices (model, chat template, backend, threads, temperature, context, data
// directory, redaction) as a value, loaded from and saved to sigma-ops.ini in the config directory (QSettings).
// Not live state: the main window applies a saved value by rebuilding the backend.
#pragma once

#include <QList>
#include <QString>

#include "app/backend_factory.h"
#include "app/domain/redactor.h"

namespace sigma::ui {

struct AppSettings {
    // Stored on disk as text: never rename.
    // Auto: the remote endpoint when one is set, else the local model on CUDA when this build and
    // the machine allow it, else on the CPU. Cuda asks for the GPU and falls back to the CPU with
    // the reason shown. Cpu and Cuda never go remote.
    enum class BackendMode { Auto, Cpu, Remote, Cuda };

    QString model_path;  // empty: the embedded default model
    // Stored on disk as the engine's template name: "" (the model file's own), "sigma", "llama3",
    // "chatml", "llama2". Never rename.
    QString chat_template;
    BackendMode backend = BackendMode::Auto;
    QString remote_url;
    QString api_key;
    int threads = 0;           // 0 = all cores
    double temperature = 0.0;  // 0 = greedy
    int context_length = 0;    // 0 = the model's own, at most 4096
    QString data_dir;          // empty: the default data directory
    domain::RedactOptions redact;

    static AppSettings load(const QString& config_dir);
    bool save(const QString& config_dir) const;  // false when the file cannot be written
    // What make_backend should build for these settings.
    app::BackendChoice backend_choice() const;
};

QString settings_file(const QString& config_dir);
QString backend_mode_name(AppSettings::BackendMode mode);  // as stored: "auto", "cpu", "cuda", "remote"

// The chat templates Settings offers: the stored name and the name shown, Auto ("") first.
struct ChatTemplateChoice {
    QString name;
    QString label;
};
QList<ChatTemplateChoice> chat_template_choices();

}  // namespace sigma::ui
