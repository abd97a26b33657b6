// SseParser: an incremental reader of a text/event-stream body (the Server-Sent Events format),
// fed bytes as they arrive, split anywhere, returning whole events.
// Not JSON-aware and not a network client: RemoteBackend interprets the events' data.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace sigma::app {

struct SseEvent {
    QByteArray event;  // the "event:" field; empty means "message"
    QByteArray data;   // "data:" lines joined with '\n'
    QByteArray id;
};

class SseParser {
public:
    // A line longer than this (or an event's data beyond it) is an error, so that a server sending
    // an endless line cannot exhaust memory.
    explicit SseParser(qsizetype max_line_bytes = 1 << 20);

    // Appends bytes and returns the events they complete. After an error it returns nothing more.
    QList<SseEvent> feed(QByteArrayView bytes);
    bool has_error() const { return !error_.isEmpty(); }
    const QString& error() const { return error_; }
    // True when bytes of an unfinished line or event are pending (the stream stopped mid-event).
    bool has_partial_event() const;
    // Lines seen that were neither a known field, a comment nor blank (a hint of a non-SSE body).
    int unknown_line_count() const { return unknown_lines_; }

private:
    void take_line(QByteArrayView line, QList<SseEvent>& out);

    qsizetype max_line_bytes_;
    QByteArray line_;        // the unfinished line
    bool after_cr_ = false;  // the last byte was '\r': a following '\n' belongs to the same break
    SseEvent pending_;
    bool pending_has_data_ = false;
    bool pending_any_field_ = false;
    int unknown_lines_ = 0;
    QString error_;
};

}  // namespace sigma::app
