// RemoteBackend: a Backend over any OpenAI-compatible HTTP endpoint (POST {base}/chat/completions
// with stream=true, read as Server-Sent Events), with timeouts and bounded retries. Every message's
// content passes through the secrets redactor before it is sent (defence in depth: the pipelines
// redact too), and URLs in messages and names never show a password.
// Not a general HTTP client and not thread-hopping: it does non-blocking I/O on the thread it lives on.
#pragma once

#include <QHash>
#include <QNetworkAccessManager>
#include <QPointer>
#include <QUrl>
#include <memory>

#include "app/backend.h"

class QNetworkReply;
class QTimer;

namespace sigma::app {

struct RemoteBackendOptions {
    QUrl base_url;                       // e.g. http://127.0.0.1:8080/v1
    QString api_key;                     // empty: SIGMA_REMOTE_API_KEY, then OPENAI_API_KEY, then none
    QString model;                       // the "model" field when the request names none
    int first_byte_timeout_ms = 120000;  // from sending (connecting included) to the first byte
    int idle_timeout_ms = 60000;         // between two reads once the answer has started
    int max_retries = 2;                 // extra attempts, only before any token arrived
    int retry_backoff_ms = 500;          // doubled after each attempt
    qsizetype max_error_body_bytes = 64 * 1024;
};

class RemoteBackend : public Backend {
    Q_OBJECT
public:
    explicit RemoteBackend(RemoteBackendOptions options, QObject* parent = nullptr);
    ~RemoteBackend() override;

    quint64 generate(const GenerationRequest& request) override;
    void cancel(quint64 request_id) override;
    QString model_name() const override;

    // The key the next request will send (options, then the environment); empty when none.
    QString effective_api_key() const;
    // "{base}/chat/completions", tolerating a base with or without a trailing slash.
    QUrl completions_url() const;
    // completions_url() as shown in errors: without a password in it.
    QString display_url() const;

private:
    struct Call;
    void start_attempt(quint64 id);
    void on_ready_read(quint64 id);
    void on_finished(quint64 id);
    void on_idle_timeout(quint64 id);
    void handle_event_data(Call& call, const QByteArray& data);
    void fail(quint64 id, BackendError error);
    void succeed(quint64 id);
    bool retry_if_allowed(quint64 id, const QString& why, int retry_after_ms = -1);
    void drop(quint64 id);

    RemoteBackendOptions options_;
    QNetworkAccessManager manager_;
    QHash<quint64, std::shared_ptr<Call>> calls_;
};

}  // namespace sigma::app
