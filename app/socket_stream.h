// SocketStream: one accepted TCP connection on a raw descriptor, non-blocking, driven by socket
// notifiers: bytes in, bytes out, and the peer's end of sending told apart from the connection's end.
// Not a QTcpSocket: it cannot connect, has no TLS and is POSIX only. It exists because QTcpSocket
// closes the whole socket when the peer merely stops sending, losing the answers still owed to it.
#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QObject>

class QSocketNotifier;

namespace sigma::app {

class SocketStream : public QObject {
    Q_OBJECT
public:
    // Takes ownership of the connected descriptor (closes it when destroyed).
    explicit SocketStream(qintptr descriptor, QObject* parent = nullptr);
    ~SocketStream() override;

    QHostAddress peer_address() const { return peer_; }
    bool is_open() const { return fd_ >= 0; }
    // The peer has shut its sending side (or closed): nothing more will arrive.
    bool peer_finished() const { return peer_finished_; }

    QByteArray read_all();
    // Queued and sent as fast as the peer takes it; ignored once sending is shut or closed.
    void write(QByteArrayView bytes);
    qsizetype bytes_to_write() const { return out_.size() - out_sent_; }
    // Shuts the sending side (the peer sees the end) once what is queued has gone out.
    void shut_down_sending();
    // Closes the descriptor now; unread input is drained first so the close is a FIN, not a reset.
    void abort();

signals:
    void readyRead();
    void peerFinished();
    void drained();  // the queued bytes, held back by a full socket, have all gone out
    void failed();   // reset or broken: the connection is gone

private:
    void on_readable();
    void on_writable();
    bool flush();  // false: the connection failed
    void fail();

    int fd_ = -1;
    QHostAddress peer_;
    QSocketNotifier* read_notifier_ = nullptr;
    QSocketNotifier* write_notifier_ = nullptr;
    QByteArray in_;
    QByteArray out_;
    qsizetype out_sent_ = 0;  // bytes of out_ already sent
    bool peer_finished_ = false;
    bool shut_requested_ = false;
    bool sending_shut_ = false;
};

}  // namespace sigma::app
