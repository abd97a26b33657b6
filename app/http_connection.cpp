// HttpConnection: request/response sequencing on one socket (pipelined requests wait their turn and
// are answered in order), chunked transfer for streams, deadlines for each part of a request, and a
// lingering close. Not thread-safe: it lives and is used on the server's thread.
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

HttpConnection::HttpConnection(SocketStream* stream, const HttpConnectionLimits& limits, QObject* parent)
    : QObject(parent), stream_(stream), limits_(limits), parser_(limits.max_head_bytes, limits.max_body_bytes) {
    stream_->setParent(this);
    timer_.setSingleShot(true);
    connect(&timer_, &QTimer::timeout, this, &HttpConnection::on_timeout);
    connect(stream_, &SocketStream::readyRead, this, &HttpConnection::on_ready_read);
    connect(stream_, &SocketStream::peerFinished, this, &HttpConnection::on_peer_finished);
    connect(stream_, &SocketStream::drained, this, &HttpConnection::on_drained);
    connect(stream_, &SocketStream::failed, this, &HttpConnection::close_now);
    // A new connection owes its first request head within the header timeout: a client that
    // connects and sends nothing holds its slot for that long, not for the idle timeout.
    arm(Wait::Head);
}

HttpConnection::~HttpConnection() = default;

bool HttpConnection::is_open() const { return !closing_ && stream_->is_open(); }

void HttpConnection::arm(Wait wait) {
    // A deadline runs from when its wait began, not from the last byte: a client trickling one
    // byte at a time does not push it back.
    if (wait == wait_) return;
    wait_ = wait;
    int ms = 0;
    switch (wait) {
        case Wait::None: break;
        case Wait::Idle: ms = limits_.idle_timeout_ms; break;
        case Wait::Head: ms = limits_.header_timeout_ms; break;
        case Wait::Body: ms = limits_.body_timeout_ms; break;
        case Wait::Linger: ms = limits_.linger_ms; break;
    }
    if (ms > 0) timer_.start(ms);
    else timer_.stop();
}

void HttpConnection::on_timeout() {
    switch (wait_) {
        case Wait::None: return;
        case Wait::Idle: close_now(); return;  // between requests: nothing is owed to the client
        case Wait::Head:
            respond_error(408, QStringLiteral("no complete request head within %1 ms").arg(limits_.header_timeout_ms));
            return;
        case Wait::Body:
            respond_error(408, QStringLiteral("request body not received within %1 ms").arg(limits_.body_timeout_ms));
            return;
        case Wait::Linger: close_now(); return;
    }
}

void HttpConnection::on_ready_read() {
    if (closing_) {
        stream_->read_all();  // drained and dropped: the answer that closes the connection is out
        return;
    }
    parser_.append(stream_->read_all());
    if (busy_) {
        // Pipelined bytes wait for the current answer, within a bound.
        if (parser_.buffered_bytes() > 2 * (limits_.max_head_bytes + limits_.max_body_bytes)) close_now();
        return;
    }
    process_buffer();
}

void HttpConnection::on_peer_finished() {
    // The client will send nothing more. A client that pipelined requests and then shut its
    // sending side is still owed their answers, in order. One whose only request is under way has
    // left (closing a socket and shutting its sending side look the same from here): what it
    // asked for is cancelled, as when it resets the connection.
    peer_done_ = true;
    if (closing_) {
        if (stream_->bytes_to_write() == 0) close_now();
        return;
    }
    if (busy_) {
        // parse() only reads ahead here: the request it finds waits for take() in process_buffer().
        if (parser_.parse() == HttpRequestParser::State::NeedMore) close_now();
        return;
    }
    process_buffer();
}

void HttpConnection::on_drained() {
    if (closing_ && peer_done_) close_now();
}

void HttpConnection::process_buffer() {
    if (closing_ || busy_) return;
    const HttpRequestParser::State state = parser_.parse();
    if (state == HttpRequestParser::State::NeedMore) {
        if (peer_done_) {
            begin_close();  // every whole request is answered; a partial one can never be finished
            return;
        }
        if (parser_.take_continue_request()) stream_->write("HTTP/1.1 100 Continue\r\n\r\n");
        if (parser_.head_complete()) arm(Wait::Body);
        else if (parser_.buffered_bytes() > 0 || requests_taken_ == 0) arm(Wait::Head);
        else arm(Wait::Idle);
        return;
    }
    busy_ = true;
    arm(Wait::None);
    if (state == HttpRequestParser::State::Error) {
        respond_error(parser_.error_status(), parser_.error_message());
        return;
    }
    const HttpRequest request = parser_.take();
    ++requests_taken_;
    keep_alive_ = request.keep_alive();
    emit requestReady(request);
}

void HttpConnection::respond_error(int status, const QString& message) {
    if (closing_ || streaming_) return;
    busy_ = true;
    arm(Wait::None);
    const QJsonObject err{
        {QStringLiteral("error"), QJsonObject{{QStringLiteral("message"), message},
                                              {QStringLiteral("type"), QStringLiteral("invalid_request_error")}}}};
    respond(status, "application/json", QJsonDocument(err).toJson(QJsonDocument::Compact), true);
}

void HttpConnection::write_head(int status, const QByteArray& content_type, const QByteArray& extra_headers) {
    QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + ' ' + http_reason_phrase(status) + "\r\n";
    head += "Content-Type: " + content_type + "\r\n";
    head += extra_headers;
    head += keep_alive_ ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    head += "\r\n";
    stream_->write(head);
}

void HttpConnection::respond(int status, const QByteArray& content_type, const QByteArray& body, bool close,
                             const QByteArray& extra_headers) {
    if (closing_ || streaming_) return;
    if (close) keep_alive_ = false;
    write_head(status, content_type, extra_headers + "Content-Length: " + QByteArray::number(body.size()) + "\r\n");
    stream_->write(body);
    finish_response();
}

void HttpConnection::begin_stream(int status, const QByteArray& content_type) {
    if (closing_ || streaming_) return;
    streaming_ = true;
    write_head(status, content_type, "Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n");
}

void HttpConnection::write_chunk(const QByteArray& bytes) {
    if (closing_ || !streaming_ || bytes.isEmpty()) return;
    stream_->write(QByteArray::number(bytes.size(), 16) + "\r\n" + bytes + "\r\n");
}

void HttpConnection::end_stream() {
    if (closing_ || !streaming_) return;
    stream_->write("0\r\n\r\n");
    streaming_ = false;
    finish_response();
}

void HttpConnection::finish_response() {
    busy_ = false;
    if (!keep_alive_) {
        begin_close();
        return;
    }
    arm(Wait::Idle);
    // The next pipelined request, if any, once the current call stack has unwound.
    QMetaObject::invokeMethod(this, &HttpConnection::process_buffer, Qt::QueuedConnection);
}

void HttpConnection::begin_close() {
    // A lingering close: the answer goes out, then our sending side is shut so the client sees the
    // end, and whatever it still sends is drained until it closes or the linger time runs out.
    // Closing at once with unread input would make the kernel reset the connection, and a reset can
    // throw away the answer before the client has read it.
    closing_ = true;
    emit closing();
    arm(Wait::Linger);
    stream_->read_all();
    stream_->shut_down_sending();
    if (peer_done_ && stream_->bytes_to_write() == 0) {
        // Both sides are done; closed once the current call stack has unwound.
        QMetaObject::invokeMethod(this, &HttpConnection::close_now, Qt::QueuedConnection);
    }
}

void HttpConnection::close_now() {
    stream_->abort();
    closing_ = true;
    arm(Wait::None);
    if (!closed_emitted_) {
        closed_emitted_ = true;
        emit closed();
        deleteLater();
    }
}

}  // namespace sigma::app
