// HttpRequestParser: a small, strict, incremental HTTP/1.x request reader with bounded head and
// body sizes, for the OpenAI-compatible server. Keeps pipelined bytes for the next request.
// Not a general HTTP stack: no chunked request bodies, no obs-fold, no HTTP/2; it refuses them.
#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace sigma::app {

struct HttpRequest {
    QByteArray method;                             // "GET", "POST", ...
    QByteArray path;                               // the target without its query
    QByteArray query;                              // after '?', may be empty
    int version_minor = 1;                         // HTTP/1.0 or HTTP/1.1
    QList<QPair<QByteArray, QByteArray>> headers;  // names lower-cased, values trimmed
    QByteArray body;

    QByteArray header(QByteArrayView lower_name) const;  // first value, or empty
    bool keep_alive() const;                             // 1.1 unless "Connection: close"; 1.0 only with "keep-alive"
};

class HttpRequestParser {
public:
    enum class State { NeedMore, Ready, Error };

    HttpRequestParser(qsizetype max_head_bytes = 16 * 1024, qsizetype max_body_bytes = 1 << 20);

    void append(QByteArrayView bytes);
    // Reads at most one request from the buffered bytes. After Ready, take() it; after Error the
    // connection should answer error_status() and close.
    State parse();
    HttpRequest take();
    // True once per request whose head asked "Expect: 100-continue" and whose body is still due.
    bool take_continue_request();
    int error_status() const { return error_status_; }
    const QString& error_message() const { return error_message_; }
    qsizetype buffered_bytes() const { return buffer_.size(); }
    // True once the head of the request under way has been read whole (its body may still be due).
    bool head_complete() const { return head_done_; }

private:
    State fail(int status, const QString& message);
    State parse_head(qsizetype head_end, qsizetype sep_len);

    qsizetype max_head_bytes_;
    qsizetype max_body_bytes_;
    QByteArray buffer_;
    bool head_done_ = false;
    qsizetype head_bytes_ = 0;  // length of the head in buffer_, separator included
    qsizetype body_length_ = 0;
    bool continue_pending_ = false;
    HttpRequest current_;
    State state_ = State::NeedMore;
    int error_status_ = 0;
    QString error_message_;
};

}  // namespace sigma::app
