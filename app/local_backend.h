// LocalBackend: the embedded engine as a Backend: a worker QObject on its own QThread loads the
// model once, then renders each request through the chat template and streams the generated text.
// Not concurrent: requests run one after another on the one context (its KV prefix is reused).
#pragma once

#include <QString>
#include <QThread>
#include <memory>

#include "app/backend.h"

namespace sigma::app {

struct LocalBackendOptions {
    QString model_path;
    QString template_name;  // "llama3", "chatml", "llama2", "sigma"; empty = the model's own
    int n_ctx = 0;          // 0 = the model's training context, at most 4096
    int n_threads = 0;      // 0 = all hardware threads
    // "auto": CUDA when built, a device is there and the model fits, else the CPU (with a reason);
    // "cpu"; "cuda" (a load error naming why when it cannot run there).
    QString compute_backend = QStringLiteral("auto");
};

struct CancelBoard;
struct LoadedBackend;
class LocalWorker;

class LocalBackend : public Backend {
    Q_OBJECT
public:
    // Starts loading at once on the worker thread; loadFinished() reports the outcome. Requests
    // made before then wait; after a failed load each fails with ModelLoad and the message.
    explicit LocalBackend(LocalBackendOptions options, QObject* parent = nullptr);
    ~LocalBackend() override;  // cancels what runs and joins the thread

    quint64 generate(const GenerationRequest& request) override;
    void cancel(quint64 request_id) override;
    QString model_name() const override;

    // After a successful load: where the model runs ("cpu" or "cuda"; empty before then) and the
    // note that goes with it (auto on the CPU: why not CUDA; on CUDA: the device's name).
    QString compute_backend() const;
    QString backend_note() const;
    // After a successful load: the context length in tokens that prompts must fit (0 before then).
    int context_length() const;

signals:
    void loadFinished(bool ok, const QString& message);

private:
    LocalBackendOptions options_;
    QThread thread_;
    LocalWorker* worker_ = nullptr;  // lives on thread_; deleted there when it finishes
    std::shared_ptr<CancelBoard> cancels_;
    std::shared_ptr<LoadedBackend> loaded_backend_;
};

}  // namespace sigma::app
