// HttpConnection: one client socket of the server: reads requests one at a time through
// HttpRequestParser and writes whole responses or a chunked stream, honouring keep-alive.
// Not a router: it hands each request to its owner through requestReady() and waits for the answer.
#pragma once

#include <QObject>
#include <QTcpSocket>
#include <QTimer>

#include "app/http_request_parser.h"

namespace sigma::app {

class HttpConnection : public QObject {
    Q_OBJECT
public:
    // Takes ownership of the socket.
    HttpConnection(QTcpSocket* socket, qsizetype max_body_bytes, int idle_timeout_ms, QObject* parent = nullptr);
    ~HttpConnection() override;

    // A complete answer. Closes afterwards when the request asked to or close is true.
    void respond(int status, const QByteArray& content_type, const QByteArray& body, bool close = false);
    // A streamed answer: headers now, then chunks, then end_stream().
    void begin_stream(int status, const QByteArray& content_type);
    void write_chunk(const QByteArray& bytes);
    void end_stream();

    bool is_open() const;
    bool is_streaming() const { return streaming_; }

signals:
    void requestReady(const sigma::app::HttpRequest& request);
    // The peer went away or the connection was closed; the object deletes itself later.
    void closed();

private:
    void on_ready_read();
    void process_buffer();
    void finish_response();
    void close_now();
    void write_head(int status, const QByteArray& content_type, const QByteArray& extra_headers);

    QTcpSocket* socket_;
    HttpRequestParser parser_;
    QTimer idle_;
    int idle_timeout_ms_;
    bool busy_ = false;        // a request is being answered
    bool streaming_ = false;
    bool keep_alive_ = true;
    bool closing_ = false;
    bool closed_emitted_ = false;
};

const char* http_reason_phrase(int status);

}  // namespace sigma::app
