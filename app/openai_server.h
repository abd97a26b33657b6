// OpenAiServer: an OpenAI-compatible HTTP server (GET /v1/models, POST /v1/chat/completions with
// and without streaming) in front of one Backend, serialising requests through a bounded queue.
// Not multi-model and not a TLS endpoint: one backend, plain HTTP, loopback unless told otherwise.
#pragma once

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QUrl>
#include <memory>

#include "app/backend.h"
#include "app/openai_protocol.h"

namespace sigma::app {

class HttpConnection;
struct HttpRequest;

struct OpenAiServerOptions {
    QHostAddress host = QHostAddress::LocalHost;
    quint16 port = 0;               // 0 = any free port; see port() after listen()
    QString api_key;                // non-empty: every /v1 request needs "Authorization: Bearer KEY"
    QString model_id;               // the id /v1/models lists; empty = the backend's model_name()
    int queue_limit = 8;            // requests waiting behind the running one; more get 429
    qsizetype max_body_bytes = 1 << 20;  // larger bodies get 413
    int idle_timeout_ms = 60000;    // a quiet keep-alive connection is closed after this
    int max_connections = 64;
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

private:
    struct Job;
    void on_new_connection();
    void on_request(HttpConnection* connection, const HttpRequest& request);
    void handle_chat(HttpConnection* connection, const HttpRequest& request);
    void send_error(HttpConnection* connection, int status, const QString& message, const QString& type,
                    const QString& param = {}, const QString& code = {});
    void pump();
    void on_token(quint64 id, const QString& text);
    void on_finished(quint64 id, const GenerationStats& stats);
    void on_failed(quint64 id, const BackendError& error);
    void on_connection_closed(HttpConnection* connection);

    Backend& backend_;
    OpenAiServerOptions options_;
    QTcpServer server_;
    int connection_count_ = 0;
    quint64 next_completion_ = 0;
    std::unique_ptr<Job> active_;
    QList<std::shared_ptr<Job>> queue_;
};

}  // namespace sigma::app
