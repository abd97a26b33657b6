// HttpListener: the server's listening socket; hands each accepted connection on as a bare
// descriptor, for SocketStream to own.
// Not a queue of pending sockets: nextPendingConnection() stays empty; accepted() is the only way out.
#pragma once

#include <QTcpServer>

namespace sigma::app {

class HttpListener : public QTcpServer {
    Q_OBJECT
public:
    using QTcpServer::QTcpServer;

signals:
    // The receiver owns the descriptor from now on.
    void accepted(qintptr descriptor);

protected:
    void incomingConnection(qintptr descriptor) override;
};

}  // namespace sigma::app
