// GenerationJob: one streamed request on a Backend.
// Not a retry policy: a failure is reported once, with the backend's message.
#include "ui/generation_job.h"

namespace sigma::ui {

GenerationJob::GenerationJob(QObject* parent) : QObject(parent) {}

bool GenerationJob::start(app::Backend* backend, const app::GenerationRequest& request) {
    if (!backend) return false;
    cancel();
    backend_ = backend;
    text_.clear();
    pieces_ = 0;
    connect(backend, &app::Backend::tokenReceived, this, &GenerationJob::on_token);
    connect(backend, &app::Backend::finished, this, &GenerationJob::on_finished);
    connect(backend, &app::Backend::failed, this, &GenerationJob::on_failed);
    clock_.start();
    id_ = backend->generate(request);
    return true;
}

void GenerationJob::cancel() {
    if (id_ != 0 && backend_) backend_->cancel(id_);
}

double GenerationJob::rate() const {
    const qint64 ms = clock_.isValid() ? clock_.elapsed() : 0;
    return ms > 0 ? pieces_ * 1000.0 / static_cast<double>(ms) : 0.0;
}

void GenerationJob::detach() {
    if (backend_) disconnect(backend_, nullptr, this, nullptr);
    id_ = 0;
}

void GenerationJob::on_token(quint64 id, const QString& piece) {
    if (id != id_) return;
    text_ += piece;
    ++pieces_;
    emit token(piece);
    emit rateChanged(rate());
}

void GenerationJob::on_finished(quint64 id, const app::GenerationStats& stats) {
    if (id != id_) return;
    detach();
    if (stats.generate_ms > 0 && stats.completion_tokens > 0)
        emit rateChanged(stats.completion_tokens * 1000.0 / static_cast<double>(stats.generate_ms));
    emit done(text_, stats);
}

void GenerationJob::on_failed(quint64 id, const app::BackendError& error) {
    if (id != id_) return;
    detach();
    last_error_kind_ = error.kind;
    emit failed(error.message, error.kind == app::BackendError::Kind::Cancelled);
}

}  // namespace sigma::ui
