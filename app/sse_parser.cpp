// SseParser: line splitting (\n, \r\n or \r), field parsing and event dispatch on a blank line,
// as the event-stream format defines them. Not a retry/reconnect handler: "retry:" is ignored.
#include "app/sse_parser.h"

namespace sigma::app {

SseParser::SseParser(qsizetype max_line_bytes) : max_line_bytes_(max_line_bytes) {}

bool SseParser::has_partial_event() const { return !line_.isEmpty() || pending_any_field_; }

QList<SseEvent> SseParser::feed(QByteArrayView bytes) {
    QList<SseEvent> out;
    if (has_error()) return out;
    qsizetype start = 0;
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const char c = bytes[i];
        if (c != '\n' && c != '\r') {
            after_cr_ = false;
            continue;
        }
        if (c == '\n' && after_cr_ && i == start && line_.isEmpty()) {
            // The '\n' of a "\r\n" split across feeds (or right after it): already ended the line.
            after_cr_ = false;
            start = i + 1;
            continue;
        }
        line_.append(bytes.sliced(start, i - start));
        if (line_.size() > max_line_bytes_) {
            error_ = QStringLiteral("event-stream line longer than %1 bytes").arg(max_line_bytes_);
            return out;
        }
        take_line(line_, out);
        line_.clear();
        if (has_error()) return out;
        after_cr_ = (c == '\r');
        start = i + 1;
        if (after_cr_ && i + 1 < bytes.size() && bytes[i + 1] == '\n') {
            ++i;
            start = i + 1;
            after_cr_ = false;
        }
    }
    line_.append(bytes.sliced(start));
    if (line_.size() > max_line_bytes_)
        error_ = QStringLiteral("event-stream line longer than %1 bytes").arg(max_line_bytes_);
    return out;
}

void SseParser::take_line(QByteArrayView line, QList<SseEvent>& out) {
    if (line.isEmpty()) {
        // A blank line dispatches the event; an event without data is dropped, as the format says.
        if (pending_has_data_) out.append(pending_);
        pending_ = SseEvent{};
        pending_has_data_ = false;
        pending_any_field_ = false;
        return;
    }
    if (line.front() == ':') return;  // comment (keep-alive)
    const qsizetype colon = line.indexOf(':');
    QByteArrayView field = colon < 0 ? line : line.first(colon);
    QByteArrayView value = colon < 0 ? QByteArrayView() : line.sliced(colon + 1);
    if (!value.isEmpty() && value.front() == ' ') value = value.sliced(1);
    if (field == "data") {
        if (pending_has_data_) pending_.data.append('\n');
        pending_.data.append(value);
        pending_has_data_ = true;
        if (pending_.data.size() > max_line_bytes_)
            error_ = QStringLiteral("event-stream event data longer than %1 bytes").arg(max_line_bytes_);
    } else if (field == "event") {
        pending_.event = value.toByteArray();
    } else if (field == "id") {
        pending_.id = value.toByteArray();
    } else if (field == "retry") {
        // Reconnection delay: this client never reconnects a stream.
    } else {
        ++unknown_lines_;
        return;
    }
    pending_any_field_ = true;
}

}  // namespace sigma::app
