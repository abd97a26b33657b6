// HttpConnection: one client socket of the server: reads requests one at a time through
// HttpRequestParser and writes whole responses or a chunked stream, honouring keep-alive.
// Not a router: it hands each request to its owner through requestReady() and waits for the answer.
#pragma once

#include <QObject>
#include <QTimer>

#include "app/http_request_parser.h"
#include "app/socket_stream.h"

namespace sigma::app {

// How long a connection may take over each part of a request, and how large the parts may be.
struct HttpConnectionLimits {
    qsizetype max_head_bytes = 16 * 1024;  // larger heads get 431
    qsizetype max_body_bytes = 1 << 20;    // larger bodies get 413
    int header_timeout_ms = 10000;         // a request head must be whole this long after the connection opens
                                           // (or its first byte arrives on a kept-alive one); else 408
    int body_timeout_ms = 60000;           // a body must be whole this long after its head; else 408
    int idle_timeout_ms = 60000;           // a kept-alive connection with no request under way closes after this
    int linger_ms = 2000;                  // after a closing answer, input is drained this long at most, so that
                                           // the close does not reset the connection under the client's reading
};

class HttpConnection : public QObject {
    Q_OBJECT
public:
    // Takes ownership of the stream. The header timeout starts now.
    HttpConnection(SocketStream* stream, const HttpConnectionLimits& limits, QObject* parent = nullptr);
    ~HttpConnection() override;

    // A complete answer. Closes afterwards when the request asked to or close is true.
    // extra_headers: whole header lines, each ending in "\r\n" (e.g. "Retry-After: 2\r\n").
    void respond(int status, const QByteArray& content_type, const QByteArray& body, bool close = false,
                 const QByteArray& extra_headers = {});
    // A streamed answer: headers now, then chunks, then end_stream().
    void begin_stream(int status, const QByteArray& content_type);
    void write_chunk(const QByteArray& bytes);
    void end_stream();

    bool is_open() const;
    bool is_streaming() const { return streaming_; }

signals:
    void requestReady(const sigma::app::HttpRequest& request);
    // The last answer is out (or going out): no request will be read any more, and closed() follows
    // within the linger time.
    void closing();
    // The peer went away or the connection was closed; the object deletes itself later.
    void closed();

private:
    // What the connection's one timer is counting down to.
    enum class Wait { None, Idle, Head, Body, Linger };

    void on_ready_read();
    void on_peer_finished();
    void on_drained();
    void on_timeout();
    void process_buffer();
    void respond_error(int status, const QString& message);
    void finish_response();
    void begin_close();
    void close_now();
    void arm(Wait wait);
    void write_head(int status, const QByteArray& content_type, const QByteArray& extra_headers);

    SocketStream* stream_;
    HttpConnectionLimits limits_;
    HttpRequestParser parser_;
    QTimer timer_;
    Wait wait_ = Wait::None;
    int requests_taken_ = 0;
    bool busy_ = false;  // a request is being answered
    bool streaming_ = false;
    bool keep_alive_ = true;
    bool closing_ = false;    // the last answer is out or going out; input is only drained now
    bool peer_done_ = false;  // the client has stopped sending: answer what is whole, then close
    bool closed_emitted_ = false;
};

const char* http_reason_phrase(int status);

}  // namespace sigma::app
