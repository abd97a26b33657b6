// HttpConnection: request/response sequencing on one socket (pipelined requests wait their turn),
// chunked transfer for streams, and an idle timeout for quiet keep-alive connections.
// Not thread-safe: it lives and is used on the server's thread.
#include "app/http_connection.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace sigma::app {

const char* http_reason_phrase(int status) {
    switch (status) {
        case 100: return "Continue";
        case 200: return "OK";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 408: return "Request Timeout";
        case 413: return "Payload Too Large";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 501: return "Not Implemented";
        case 502: return "Bad Gateway";
        case 503: return "Service Unavailable";
        case 504: return "Gateway Timeout";
        case 505: return "HTTP Version Not Supported";
        default: return "Unknown";
    }
}

HttpConnection::HttpConnection(QTcpSocket* socket, qsizetype max_body_bytes, int idle_timeout_ms, QObject* parent)
    : QObject(parent), socket_(socket), parser_(16 * 1024, max_body_bytes), idle_timeout_ms_(idle_timeout_ms) {
    socket_->setParent(this);
    idle_.setSingleShot(true);
    connect(&idle_, &QTimer::timeout, this, [this] {
        if (!busy_) close_now();
    });
    connect(socket_, &QTcpSocket::readyRead, this, &HttpConnection::on_ready_read);
    connect(socket_, &QTcpSocket::disconnected, this, &HttpConnection::close_now);
    connect(socket_, &QTcpSocket::errorOccurred, this, &HttpConnection::close_now);
    if (idle_timeout_ms_ > 0) idle_.start(idle_timeout_ms_);
}

HttpConnection::~HttpConnection() = default;

bool HttpConnection::is_open() const { return !closing_ && socket_->state() == QAbstractSocket::ConnectedState; }

void HttpConnection::on_ready_read() {
    if (closing_) return;
    parser_.append(socket_->readAll());
    if (busy_) {
        // Pipelined bytes wait for the current answer, within a bound.
        if (parser_.buffered_bytes() > 2 * (16 * 1024 + (1 << 20))) close_now();
        return;
    }
    process_buffer();
}

void HttpConnection::process_buffer() {
    if (closing_ || busy_) return;
    const HttpRequestParser::State state = parser_.parse();
    if (state == HttpRequestParser::State::NeedMore) {
        if (parser_.take_continue_request()) socket_->write("HTTP/1.1 100 Continue\r\n\r\n");
        return;
    }
    busy_ = true;
    idle_.stop();
    if (state == HttpRequestParser::State::Error) {
        keep_alive_ = false;
        const QJsonObject err{{QStringLiteral("error"),
                               QJsonObject{{QStringLiteral("message"), parser_.error_message()},
                                           {QStringLiteral("type"), QStringLiteral("invalid_request_error")}}}};
        respond(parser_.error_status(), "application/json", QJsonDocument(err).toJson(QJsonDocument::Compact), true);
        return;
    }
    const HttpRequest request = parser_.take();
    keep_alive_ = request.keep_alive();
    emit requestReady(request);
}

void HttpConnection::write_head(int status, const QByteArray& content_type, const QByteArray& extra_headers) {
    QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + ' ' + http_reason_phrase(status) + "\r\n";
    head += "Content-Type: " + content_type + "\r\n";
    head += extra_headers;
    head += keep_alive_ ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    head += "\r\n";
    socket_->write(head);
}

void HttpConnection::respond(int status, const QByteArray& content_type, const QByteArray& body, bool close) {
    if (closing_ || streaming_) return;
    if (close) keep_alive_ = false;
    write_head(status, content_type, "Content-Length: " + QByteArray::number(body.size()) + "\r\n");
    socket_->write(body);
    finish_response();
}

void HttpConnection::begin_stream(int status, const QByteArray& content_type) {
    if (closing_ || streaming_) return;
    streaming_ = true;
    write_head(status, content_type, "Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n");
    socket_->flush();
}

void HttpConnection::write_chunk(const QByteArray& bytes) {
    if (closing_ || !streaming_ || bytes.isEmpty()) return;
    socket_->write(QByteArray::number(bytes.size(), 16) + "\r\n" + bytes + "\r\n");
    socket_->flush();
}

void HttpConnection::end_stream() {
    if (closing_ || !streaming_) return;
    socket_->write("0\r\n\r\n");
    streaming_ = false;
    finish_response();
}

void HttpConnection::finish_response() {
    busy_ = false;
    if (!keep_alive_) {
        closing_ = true;
        socket_->disconnectFromHost();  // after the written bytes have gone out
        if (socket_->state() == QAbstractSocket::UnconnectedState) close_now();
        return;
    }
    if (idle_timeout_ms_ > 0) idle_.start(idle_timeout_ms_);
    // The next pipelined request, if any, once the current call stack has unwound.
    QMetaObject::invokeMethod(this, &HttpConnection::process_buffer, Qt::QueuedConnection);
}

void HttpConnection::close_now() {
    if (socket_->state() != QAbstractSocket::UnconnectedState && !closing_) socket_->abort();
    closing_ = true;
    idle_.stop();
    if (!closed_emitted_) {
        closed_emitted_ = true;
        emit closed();
        deleteLater();
    }
}

}  // namespace sigma::app
