// OpenAiServer: an OpenAI-compatible HTTP server (GET /v1/models, POST /v1/chat/completions with
// and without streaming) in front of one Backend, serialising requests through a bounded queue.
// Not multi-model and not a TLS endpoint: one backend, plain HTTP, loopback unless told otherwise.
#pragma once

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QUrl>
#include <memory>

#include "app/backend.h"
#include "app/connection_limiter.h"
#include "app/http_connection.h"
#include "app/http_listener.h"
#include "app/openai_protocol.h"

namespace sigma::app {

struct HttpRequest;

struct OpenAiServerOptions {
    QHostAddress host = QHostAddress::LocalHost;
    quint16 port = 0;  // 0 = any free port; see port() after listen()
    QString api_key;   // non-empty: every /v1 request needs "Authorization: Bearer KEY"
    // listen() refuses a host other than loopback while api_key is empty, unless this is set.
    bool allow_insecure_bind = false;
    QString model_id;                     // the id /v1/models lists; empty = the backend's model_name()
    int queue_limit = 8;                  // requests waiting behind the running one; more get 429
    qsizetype max_body_bytes = 1 << 20;   // larger bodies get 413
    int idle_timeout_ms = 60000;          // a quiet keep-alive connection is closed after this
    int header_timeout_ms = 10000;        // a connection without a whole request head by then gets 408
    int body_timeout_ms = 60000;          // a body not whole this long after its head gets 408
    int max_connections = 64;             // open connections in all; more are answered 503 and closed
    int max_connections_per_client = 16;  // open connections from one peer address; more get 503
    int retry_after_s = 2;                // the Retry-After of a 503 (too many connections) or 429 (queue full)
    ProtocolLimits limits;
};

class OpenAiServer : public QObject {
    Q_OBJECT
public:
    // The backend must outlive the server.
    OpenAiServer(Backend& backend, OpenAiServerOptions options, QObject* parent = nullptr);
    ~OpenAiServer() override;

    // Starts listening; false with a message naming the address on failure.
    bool listen(QString* error = nullptr);
    quint16 port() const;
    QUrl base_url() const;  // http://HOST:PORT
    int waiting_count() const { return static_cast<int>(queue_.size()); }
    bool busy() const { return active_ != nullptr; }
    QString model_id() const;
    int connection_count() const { return limiter_.total(); }  // those holding a slot

private:
    struct Job;
    void on_new_connection(qintptr descriptor);
    void refuse(SocketStream* stream, ConnectionLimiter::Verdict verdict);
    HttpConnectionLimits connection_limits() const;
    bool authorized(const HttpRequest& request) const;
    void on_request(HttpConnection* connection, const HttpRequest& request);
    void handle_chat(HttpConnection* connection, const HttpRequest& request);
    void send_error(HttpConnection* connection, int status, const QString& message, const QString& type,
                    const QString& param = {}, const QString& code = {}, const QByteArray& extra_headers = {});
    void pump();
    void on_token(quint64 id, const QString& text);
    void on_finished(quint64 id, const GenerationStats& stats);
    void on_failed(quint64 id, const BackendError& error);
    void on_connection_closed(HttpConnection* connection);

    Backend& backend_;
    OpenAiServerOptions options_;
    HttpListener server_;
    ConnectionLimiter limiter_;
    // Connections on their way out: answered 503, or past their last answer and lingering. They
    // hold no slot, and are bounded on their own; past the bound new ones are closed unanswered.
    int closing_count_ = 0;
    quint64 next_completion_ = 0;
    std::unique_ptr<Job> active_;
    QList<std::shared_ptr<Job>> queue_;
};

}  // namespace sigma::app
