// AppContext: what every panel shares: the data paths, the example corpus, and the current Backend
// with a description of it (kind, model, why it fell back). Owned by the main window or a test.
// Not a settings store (AppSettings is) and not a global: panels receive it as a pointer.
#pragma once

#include <QObject>
#include <QString>
#include <memory>
#include <optional>

#include "app/backend.h"
#include "app/data_paths.h"
#include "app/domain/example_corpus.h"
#include "app/domain/redactor.h"

namespace sigma::ui {

class HistoryService;
class ModelLoad;

class AppContext : public QObject {
    Q_OBJECT
public:
    explicit AppContext(const app::DataPaths& paths, QObject* parent = nullptr);
    ~AppContext() override;

    const app::DataPaths& paths() const { return paths_; }
    const domain::ExampleCorpus* corpus() const { return corpus_ ? &*corpus_ : nullptr; }
    HistoryService* history() const { return history_; }
    // Loads local models with progress and cancel; the backend below changes only once one is ready.
    ModelLoad* loader() const { return loader_; }

    // Null when no backend could be built; backend_note() then says why.
    app::Backend* backend() const { return backend_.get(); }
    const QString& backend_kind() const { return backend_kind_; }  // "local" | "remote" | ""
    const QString& backend_model() const { return backend_model_; }
    const QString& backend_note() const { return backend_note_; }
    bool backend_ready() const { return backend_ready_; }

    void set_backend(std::unique_ptr<app::Backend> backend, const QString& kind, const QString& model,
                     const QString& note = {});
    // Marks a local backend as loaded (or failed, with the message) once it reports.
    void set_backend_ready(bool ready, const QString& note = {});
    void set_backend_note(const QString& note);

    double temperature() const { return temperature_; }
    void set_temperature(double t) { temperature_ = t; }

    // What is scrubbed before a log is stored, shown redacted or sent to a model (Settings).
    const domain::RedactOptions& redact_options() const { return redact_; }
    void set_redact_options(const domain::RedactOptions& options);

    // Replaces the data paths (settings changed the data directory): the history reopens there.
    void set_data_dir(const QString& dir);

signals:
    void backendChanged();                        // also when a model load starts, advances a stage or ends
    void generationRate(double tokensPerSecond);  // live, from whichever panel is generating
    void redactOptionsChanged();

private:
    app::DataPaths paths_;
    std::optional<domain::ExampleCorpus> corpus_;
    HistoryService* history_ = nullptr;
    ModelLoad* loader_ = nullptr;
    std::unique_ptr<app::Backend> backend_;
    QString backend_kind_;
    QString backend_model_;
    QString backend_note_;
    bool backend_ready_ = false;
    double temperature_ = 0.0;
    domain::RedactOptions redact_;
};

}  // namespace sigma::ui
