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
    enum class BackendMode { Auto, Cpu, Remote };

    QString model_path;        // empty: the embedded default model
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

// The chat templates Settings offers: the stored name and the name shown, Auto ("") first.
struct ChatTemplateChoice {
    QString name;
    QString label;
};
QList<ChatTemplateChoice> chat_template_choices();

}  // namespace sigma::ui
