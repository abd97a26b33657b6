// ModelLoad: brings a local model in off the GUI thread with a percentage and a Cancel. The model
// file is first read through once in chunks on a worker thread (the percentage is bytes read: on a
// cold disk this read is where the time goes, and the engine's mmap then finds every page cached),
// then the engine's own load (header checks, weight binding, context) runs on the backend's thread.
// The previous backend stays in the AppContext until the new one is ready; a cancel or a failure
// keeps it. Not the loader itself: app::make_backend and LocalBackend load; this only stages it.
#pragma once

#include <QObject>
#include <QString>
#include <QThread>
#include <atomic>
#include <memory>

#include "app/backend.h"
#include "app/backend_factory.h"

namespace sigma::ui {

class AppContext;

class ModelLoad : public QObject {
    Q_OBJECT
public:
    enum class Stage { Idle, Reading, Preparing };

    explicit ModelLoad(AppContext* context, QObject* parent = nullptr);
    ~ModelLoad() override;  // stops reading and joins; a backend still loading is waited for

    // Starts loading the local model `choice` names (its remote_url must be empty), replacing a load
    // in progress. `note` is shown with the backend once installed (e.g. why a remote was not used).
    void start(const app::BackendChoice& choice, const QString& note = {});
    // Stops a load in progress: the previous backend stays, and the context's note says so.
    void cancel();
    // Drops a load in progress without a message (another backend is being installed).
    void abandon();

    Stage stage() const { return stage_; }
    bool active() const { return stage_ != Stage::Idle; }
    int percent() const { return percent_; }
    const QString& model_name() const { return model_name_; }  // the file being loaded
    // True while a worker thread or a discarded backend is still winding down.
    bool busy() const;

signals:
    void progress(int percent);  // 0..100: share of the model file read
    void stageChanged();
    void finished(bool ok, const QString& message);  // ok: the new backend is in the context
    void cancelled(const QString& message);

private:
    void on_read(quint64 generation, bool ok, const QString& error);
    void on_loaded(quint64 generation, bool ok, const QString& message);
    void fail(const QString& message);
    void discard_pending();
    void set_stage(Stage stage);
    void join_reader();

    AppContext* context_;
    app::BackendChoice choice_;
    QString note_;
    QString model_name_;
    Stage stage_ = Stage::Idle;
    int percent_ = 0;
    quint64 generation_ = 0;  // bumped by every start and cancel: late reports of older ones are ignored
    std::unique_ptr<QThread> reader_;
    std::shared_ptr<std::atomic<bool>> stop_;
    std::unique_ptr<app::Backend> pending_;  // the new backend while the engine loads it
    QString pending_kind_;
    QString pending_model_;
};

}  // namespace sigma::ui
