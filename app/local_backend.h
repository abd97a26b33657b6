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
};

struct CancelBoard;
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

signals:
    void loadFinished(bool ok, const QString& message);

private:
    LocalBackendOptions options_;
    QThread thread_;
    LocalWorker* worker_ = nullptr;  // lives on thread_; deleted there when it finishes
    std::shared_ptr<CancelBoard> cancels_;
};

}  // namespace sigma::app
