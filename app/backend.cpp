// Backend: request ids, the value types' registration and the blocking helper for the CLI.
// Not an implementation of generation: LocalBackend and RemoteBackend do that.
#include "app/backend.h"

#include <QEventLoop>
#include <QTimer>

namespace sigma::app {

const char* backend_error_kind_name(BackendError::Kind kind) {
    switch (kind) {
        case BackendError::Kind::Connection: return "connection";
        case BackendError::Kind::Timeout: return "timeout";
        case BackendError::Kind::Http: return "http";
        case BackendError::Kind::MalformedStream: return "malformed_stream";
        case BackendError::Kind::ModelLoad: return "model_load";
        case BackendError::Kind::ContextOverflow: return "context_overflow";
        case BackendError::Kind::Cancelled: return "cancelled";
        case BackendError::Kind::Internal: return "internal";
    }
    return "internal";
}

void register_backend_types() {
    qRegisterMetaType<GenerationStats>("sigma::app::GenerationStats");
    qRegisterMetaType<BackendError>("sigma::app::BackendError");
    qRegisterMetaType<GenerationRequest>("sigma::app::GenerationRequest");
}

Backend::Backend(QObject* parent) : QObject(parent) { register_backend_types(); }
Backend::~Backend() = default;

quint64 Backend::next_request_id() { return ++last_id_; }

BlockingResult generate_blocking(Backend& backend, const GenerationRequest& request, int timeout_ms,
                                 const std::function<void(const QString&)>& on_token) {
    BlockingResult result;
    QEventLoop loop;
    bool done = false;
    quint64 id = 0;
    // Connect before generate(): signals are queued, so none can be missed, but ids must be known
    // before filtering; hence id is read inside the slots, after generate() has returned.
    auto c1 = QObject::connect(&backend, &Backend::tokenReceived, &loop, [&](quint64 rid, const QString& text) {
        if (rid != id) return;
        result.text += text;
        if (on_token) on_token(text);
    });
    auto c2 = QObject::connect(&backend, &Backend::finished, &loop, [&](quint64 rid, const GenerationStats& stats) {
        if (rid != id) return;
        result.ok = true;
        result.stats = stats;
        done = true;
        loop.quit();
    });
    auto c3 = QObject::connect(&backend, &Backend::failed, &loop, [&](quint64 rid, const BackendError& error) {
        if (rid != id) return;
        result.ok = false;
        result.error = error;
        done = true;
        loop.quit();
    });
    QTimer timer;
    timer.setSingleShot(true);
    bool timed_out = false;
    QObject::connect(&timer, &QTimer::timeout, &loop, [&] {
        timed_out = true;
        loop.quit();
    });
    id = backend.generate(request);
    if (timeout_ms > 0) timer.start(timeout_ms);
    if (!done) loop.exec();
    QObject::disconnect(c1);
    QObject::disconnect(c2);
    QObject::disconnect(c3);
    if (timed_out && !done) {
        backend.cancel(id);
        result.ok = false;
        result.error = {BackendError::Kind::Timeout,
                        QStringLiteral("no answer within %1 ms from %2").arg(timeout_ms).arg(backend.model_name()), 0};
    }
    return result;
}

}  // namespace sigma::app
