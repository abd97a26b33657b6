// OpenAiServer: routing, the bearer check, the bounded queue in front of the single backend and
// the mapping of backend signals to SSE chunks or one JSON answer.
// Not a scheduler: one generation at a time, first come first served.
#include "app/openai_server.h"

#include <QDateTime>
#include <algorithm>

#include "app/constant_time_compare.h"
#include "app/http_connection.h"

namespace sigma::app {

struct OpenAiServer::Job {
    QPointer<HttpConnection> connection;
    ChatCompletionCall call;
    QString completion_id;
    qint64 created = 0;
    QString model;
    quint64 backend_id = 0;
    QString text;
    bool abandoned = false;  // the client went away: cancelled, waiting for the backend to confirm
    bool head_sent = false;  // streaming: the 200 status line has gone out

    // The status line goes out with the first token (or the end), so that a request failing before
    // any text still gets a real HTTP error status.
    void ensure_stream_head() {
        if (head_sent || !connection) return;
        head_sent = true;
        connection->begin_stream(200, "text/event-stream");
        connection->write_chunk(chunk_event(completion_id, created, model, {}, true, {}));
    }
};

namespace {

int status_for(BackendError::Kind kind) {
    switch (kind) {
        case BackendError::Kind::ContextOverflow: return 400;
        case BackendError::Kind::Timeout: return 504;
        case BackendError::Kind::Connection:
        case BackendError::Kind::Http:
        case BackendError::Kind::MalformedStream: return 502;
        case BackendError::Kind::Cancelled: return 503;
        case BackendError::Kind::ModelLoad:
        case BackendError::Kind::Internal: return 500;
    }
    return 500;
}

}  // namespace

OpenAiServer::OpenAiServer(Backend& backend, OpenAiServerOptions options, QObject* parent)
    : QObject(parent),
      backend_(backend),
      options_(std::move(options)),
      limiter_(options_.max_connections, options_.max_connections_per_client) {
    // Room in the kernel's queue for a burst of clients, so they are answered (perhaps 503) rather
    // than left waiting for a SYN retry.
    server_.setListenBacklogSize(std::max(50, 2 * options_.max_connections));
    connect(&server_, &HttpListener::accepted, this, &OpenAiServer::on_new_connection);
    connect(&backend_, &Backend::tokenReceived, this, &OpenAiServer::on_token);
    connect(&backend_, &Backend::finished, this, &OpenAiServer::on_finished);
    connect(&backend_, &Backend::failed, this, &OpenAiServer::on_failed);
}

OpenAiServer::~OpenAiServer() {
    if (active_ && active_->backend_id) backend_.cancel(active_->backend_id);
}

bool OpenAiServer::listen(QString* error) {
    if (!options_.host.isLoopback() && options_.api_key.isEmpty() && !options_.allow_insecure_bind) {
        if (error)
            *error = QStringLiteral("refusing to listen on %1, which is not a loopback address, without an API key")
                         .arg(options_.host.toString());
        return false;
    }
    if (server_.listen(options_.host, options_.port)) return true;
    if (error)
        *error = QStringLiteral("cannot listen on %1:%2: %3")
                     .arg(options_.host.toString())
                     .arg(options_.port)
                     .arg(server_.errorString());
    return false;
}

quint16 OpenAiServer::port() const { return server_.serverPort(); }

QUrl OpenAiServer::base_url() const {
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(server_.serverAddress().toString());
    url.setPort(server_.serverPort());
    return url;
}

QString OpenAiServer::model_id() const {
    return options_.model_id.isEmpty() ? backend_.model_name() : options_.model_id;
}

HttpConnectionLimits OpenAiServer::connection_limits() const {
    HttpConnectionLimits l;
    l.max_body_bytes = options_.max_body_bytes;
    l.header_timeout_ms = options_.header_timeout_ms;
    l.body_timeout_ms = options_.body_timeout_ms;
    l.idle_timeout_ms = options_.idle_timeout_ms;
    return l;
}

void OpenAiServer::on_new_connection(qintptr descriptor) {
    auto* stream = new SocketStream(descriptor);
    // The address is kept from now: a closed socket no longer knows its peer.
    const QHostAddress peer = stream->peer_address();
    const ConnectionLimiter::Verdict verdict = limiter_.admit(peer);
    if (verdict != ConnectionLimiter::Verdict::Admitted) {
        refuse(stream, verdict);
        return;
    }
    auto* connection = new HttpConnection(stream, connection_limits(), this);
    connect(connection, &HttpConnection::requestReady, this,
            [this, connection](const HttpRequest& request) { on_request(connection, request); });
    // The slot is given back when the connection starts closing (after a 408, say), not when its
    // lingering close ends.
    auto released = std::make_shared<bool>(false);
    connect(connection, &HttpConnection::closing, this, [this, peer, released] {
        if (*released) return;
        *released = true;
        limiter_.release(peer);
        ++closing_count_;
    });
    connect(connection, &HttpConnection::closed, this, [this, connection, peer, released] {
        if (*released) --closing_count_;
        else limiter_.release(peer);
        on_connection_closed(connection);
    });
}

void OpenAiServer::refuse(SocketStream* stream, ConnectionLimiter::Verdict verdict) {
    // A full server answers 503 with Retry-After and closes, so that clients can tell "busy" from a
    // network fault. Connections on their way out are bounded too; past that bound a flood is
    // closed without an answer.
    if (closing_count_ >= 4 * std::max(1, options_.max_connections)) {
        delete stream;
        return;
    }
    const QHostAddress peer = stream->peer_address();
    ++closing_count_;
    auto* connection = new HttpConnection(stream, connection_limits(), this);
    connect(connection, &HttpConnection::closed, this, [this] { --closing_count_; });
    const QString message =
        verdict == ConnectionLimiter::Verdict::ClientFull
            ? QStringLiteral("too many connections from %1: %2 are open, the limit per client; retry later")
                  .arg(peer.toString())
                  .arg(options_.max_connections_per_client)
            : QStringLiteral("the server is full: %1 connections are open, its limit; retry later")
                  .arg(options_.max_connections);
    connection->respond(503, "application/json",
                        error_json(message, QStringLiteral("server_error"), {}, QStringLiteral("too_many_connections")),
                        true, "Retry-After: " + QByteArray::number(std::max(0, options_.retry_after_s)) + "\r\n");
}

void OpenAiServer::send_error(HttpConnection* connection, int status, const QString& message, const QString& type,
                              const QString& param, const QString& code, const QByteArray& extra_headers) {
    connection->respond(status, "application/json", error_json(message, type, param, code), false, extra_headers);
}

bool OpenAiServer::authorized(const HttpRequest& request) const {
    // "Bearer" is matched case-insensitively (RFC 9110: the scheme is a token); the key is compared
    // in constant time, so that response timing says nothing about how much of a guess was right.
    const QByteArray auth = request.header("authorization");
    const bool bearer = auth.left(7).toLower() == "bearer ";
    const QByteArrayView given = bearer ? QByteArrayView(auth).sliced(7) : QByteArrayView();
    const bool match = constant_time_equal(given, options_.api_key.toUtf8());
    return bearer && match;
}

void OpenAiServer::on_request(HttpConnection* connection, const HttpRequest& request) {
    const bool is_models = request.path == "/v1/models";
    const bool is_chat = request.path == "/v1/chat/completions";
    if (request.path == "/health" && request.method == "GET") {
        connection->respond(200, "application/json", R"({"status":"ok"})");
        return;
    }
    if (!is_models && !is_chat) {
        send_error(connection, 404,
                   QStringLiteral("no route for %1 %2")
                       .arg(QString::fromLatin1(request.method), QString::fromUtf8(request.path)),
                   QStringLiteral("invalid_request_error"));
        return;
    }
    if (!options_.api_key.isEmpty()) {
        if (!authorized(request)) {
            send_error(connection, 401,
                       request.header("authorization").isEmpty()
                           ? QStringLiteral("missing API key: send 'Authorization: Bearer KEY'")
                           : QStringLiteral("incorrect API key"),
                       QStringLiteral("invalid_request_error"), {}, QStringLiteral("invalid_api_key"));
            return;
        }
    }
    if (is_models) {
        if (request.method != "GET") {
            send_error(connection, 405, QStringLiteral("/v1/models takes GET"),
                       QStringLiteral("invalid_request_error"));
            return;
        }
        connection->respond(200, "application/json", models_json(model_id(), QDateTime::currentSecsSinceEpoch()));
        return;
    }
    if (request.method != "POST") {
        send_error(connection, 405, QStringLiteral("/v1/chat/completions takes POST"),
                   QStringLiteral("invalid_request_error"));
        return;
    }
    handle_chat(connection, request);
}

void OpenAiServer::handle_chat(HttpConnection* connection, const HttpRequest& request) {
    auto job = std::make_shared<Job>();
    QString error, param;
    if (!parse_chat_completion(request.body, options_.limits, job->call, error, param)) {
        send_error(connection, 400, error, QStringLiteral("invalid_request_error"), param);
        return;
    }
    if (active_ && queue_.size() >= options_.queue_limit) {
        send_error(connection, 429,
                   QStringLiteral("the server is busy: %1 requests are already waiting").arg(queue_.size()),
                   QStringLiteral("rate_limit_error"), {}, QStringLiteral("queue_full"),
                   "Retry-After: " + QByteArray::number(std::max(0, options_.retry_after_s)) + "\r\n");
        return;
    }
    job->connection = connection;
    job->completion_id = QStringLiteral("chatcmpl-sigma-%1").arg(++next_completion_);
    job->created = QDateTime::currentSecsSinceEpoch();
    job->model = job->call.model.isEmpty() ? model_id() : job->call.model;
    queue_.append(job);
    pump();
}

void OpenAiServer::pump() {
    while (!active_ && !queue_.isEmpty()) {
        std::shared_ptr<Job> next = queue_.takeFirst();
        if (!next->connection || !next->connection->is_open()) continue;  // the client left while waiting
        active_ = std::make_unique<Job>(*next);
        active_->backend_id = backend_.generate(active_->call.request);
    }
}

void OpenAiServer::on_token(quint64 id, const QString& text) {
    if (!active_ || active_->backend_id != id || active_->abandoned) return;
    if (active_->call.stream) {
        active_->ensure_stream_head();
        if (active_->connection)
            active_->connection->write_chunk(
                chunk_event(active_->completion_id, active_->created, active_->model, text, false, {}));
    } else {
        active_->text += text;
    }
}

void OpenAiServer::on_finished(quint64 id, const GenerationStats& stats) {
    if (!active_ || active_->backend_id != id) return;
    std::unique_ptr<Job> job = std::move(active_);
    HttpConnection* c = job->connection;
    if (c && !job->abandoned) {
        const QString reason = stats.finish_reason.isEmpty() ? QStringLiteral("stop") : stats.finish_reason;
        if (job->call.stream) {
            job->ensure_stream_head();
            c->write_chunk(chunk_event(job->completion_id, job->created, job->model, {}, false, reason));
            if (job->call.include_usage)
                c->write_chunk(usage_chunk_event(job->completion_id, job->created, job->model, stats));
            c->write_chunk("data: [DONE]\n\n");
            c->end_stream();
        } else {
            c->respond(200, "application/json",
                       completion_json(job->completion_id, job->created, job->model, job->text, stats));
        }
    }
    pump();
}

void OpenAiServer::on_failed(quint64 id, const BackendError& error) {
    if (!active_ || active_->backend_id != id) return;
    std::unique_ptr<Job> job = std::move(active_);
    HttpConnection* c = job->connection;
    if (c && !job->abandoned) {
        const int status = status_for(error.kind);
        const QString type = status == 400 ? QStringLiteral("invalid_request_error") : QStringLiteral("server_error");
        const QString code = QString::fromLatin1(backend_error_kind_name(error.kind));
        if (job->call.stream && job->head_sent) {
            // The status line has gone out already: the error travels as an event, then the stream ends.
            c->write_chunk("data: " + error_json(error.message, type, {}, code) + "\n\n");
            c->end_stream();
        } else {
            send_error(c, status, error.message, type, {}, code);
        }
    }
    pump();
}

void OpenAiServer::on_connection_closed(HttpConnection* connection) {
    if (active_ && active_->connection == connection && !active_->abandoned) {
        active_->abandoned = true;
        backend_.cancel(active_->backend_id);  // the backend confirms with failed(Cancelled); then pump()
    }
    queue_.removeIf([connection](const std::shared_ptr<Job>& j) { return j->connection == connection; });
}

}  // namespace sigma::app
