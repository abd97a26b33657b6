// HttpRequestParser: request line, header fields and a Content-Length body, each checked against
// its bound before it is buffered. Not lenient: anything ambiguous (two lengths, chunked) is refused.
#include "app/http_request_parser.h"

namespace sigma::app {

namespace {

bool is_token_char(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

}  // namespace

QByteArray HttpRequest::header(QByteArrayView lower_name) const {
    for (const auto& [name, value] : headers) {
        if (name == lower_name) return value;
    }
    return {};
}

bool HttpRequest::keep_alive() const {
    const QByteArray c = header("connection").toLower();
    if (version_minor >= 1) return !c.contains("close");
    return c.contains("keep-alive");
}

HttpRequestParser::HttpRequestParser(qsizetype max_head_bytes, qsizetype max_body_bytes)
    : max_head_bytes_(max_head_bytes), max_body_bytes_(max_body_bytes) {}

void HttpRequestParser::append(QByteArrayView bytes) {
    if (state_ == State::Error) return;
    buffer_.append(bytes);
}

HttpRequestParser::State HttpRequestParser::fail(int status, const QString& message) {
    state_ = State::Error;
    error_status_ = status;
    error_message_ = message;
    buffer_.clear();
    return state_;
}

HttpRequestParser::State HttpRequestParser::parse() {
    if (state_ != State::NeedMore) return state_;
    if (!head_done_) {
        // Blank lines before a request are allowed (and ignored) by HTTP/1.1.
        while (buffer_.startsWith("\r\n") || buffer_.startsWith("\n"))
            buffer_.remove(0, buffer_.startsWith("\r\n") ? 2 : 1);
        qsizetype end = buffer_.indexOf("\r\n\r\n");
        qsizetype sep = 4;
        const qsizetype lf = buffer_.indexOf("\n\n");
        if (lf >= 0 && (end < 0 || lf < end)) {
            end = lf;
            sep = 2;
        }
        if (end < 0) {
            if (buffer_.size() > max_head_bytes_)
                return fail(431, QStringLiteral("request head larger than %1 bytes").arg(max_head_bytes_));
            return State::NeedMore;
        }
        if (end + sep > max_head_bytes_)
            return fail(431, QStringLiteral("request head larger than %1 bytes").arg(max_head_bytes_));
        if (parse_head(end, sep) == State::Error) return state_;
    }
    if (buffer_.size() - head_bytes_ < body_length_) return State::NeedMore;
    current_.body = buffer_.mid(head_bytes_, body_length_);
    buffer_.remove(0, head_bytes_ + body_length_);
    continue_pending_ = false;
    state_ = State::Ready;
    return state_;
}

HttpRequestParser::State HttpRequestParser::parse_head(qsizetype head_end, qsizetype sep_len) {
    current_ = HttpRequest{};
    const QList<QByteArray> lines = buffer_.left(head_end).split('\n');
    QByteArray request_line = lines.first();
    if (request_line.endsWith('\r')) request_line.chop(1);
    const QList<QByteArray> parts = request_line.split(' ');
    if (parts.size() != 3 || parts[0].isEmpty() || parts[1].isEmpty())
        return fail(400, QStringLiteral("malformed request line"));
    for (char c : parts[0]) {
        if (!is_token_char(c)) return fail(400, QStringLiteral("malformed request method"));
    }
    if (parts[2] == "HTTP/1.1") current_.version_minor = 1;
    else if (parts[2] == "HTTP/1.0") current_.version_minor = 0;
    else
        return fail(505,
                    QStringLiteral("HTTP version '%1' is not supported").arg(QString::fromLatin1(parts[2].left(16))));
    current_.method = parts[0];
    if (!parts[1].startsWith('/')) return fail(400, QStringLiteral("request target must be an absolute path"));
    const qsizetype q = parts[1].indexOf('?');
    current_.path = q < 0 ? parts[1] : parts[1].left(q);
    current_.query = q < 0 ? QByteArray() : parts[1].mid(q + 1);

    bool have_length = false;
    qsizetype length = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        QByteArray line = lines[i];
        if (line.endsWith('\r')) line.chop(1);
        if (line.isEmpty()) continue;
        if (line.front() == ' ' || line.front() == '\t')
            return fail(400, QStringLiteral("folded header lines are not accepted"));
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) return fail(400, QStringLiteral("malformed header line %1").arg(i + 1));
        const QByteArray name = line.left(colon).toLower();
        for (char c : name) {
            if (!is_token_char(c)) return fail(400, QStringLiteral("malformed header name on line %1").arg(i + 1));
        }
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-length") {
            bool ok = false;
            const qlonglong n = value.toLongLong(&ok);
            if (!ok || n < 0 || value.startsWith('+')) return fail(400, QStringLiteral("malformed Content-Length"));
            if (have_length && n != length) return fail(400, QStringLiteral("conflicting Content-Length headers"));
            if (n > max_body_bytes_)
                return fail(413, QStringLiteral("request body of %1 bytes is over the limit of %2 bytes")
                                     .arg(n)
                                     .arg(max_body_bytes_));
            have_length = true;
            length = static_cast<qsizetype>(n);
        } else if (name == "transfer-encoding") {
            return fail(501, QStringLiteral("Transfer-Encoding request bodies are not supported; send Content-Length"));
        }
        current_.headers.append({name, value});
    }
    head_done_ = true;
    head_bytes_ = head_end + sep_len;
    body_length_ = length;
    continue_pending_ =
        length > 0 && current_.header("expect").toLower() == "100-continue" && buffer_.size() - head_bytes_ < length;
    return State::NeedMore;
}

HttpRequest HttpRequestParser::take() {
    HttpRequest r = std::move(current_);
    current_ = HttpRequest{};
    head_done_ = false;
    head_bytes_ = 0;
    body_length_ = 0;
    if (state_ == State::Ready) state_ = State::NeedMore;
    return r;
}

bool HttpRequestParser::take_continue_request() {
    const bool c = continue_pending_;
    continue_pending_ = false;
    return c;
}

}  // namespace sigma::app
