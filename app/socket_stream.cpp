// SocketStream: recv/send on a non-blocking descriptor with level-triggered notifiers; a read of
// zero bytes is the peer's end of sending, reported once, and the socket stays open for our answers.
// Not buffered without bound on the way in: each notification reads at most kReadBurst bytes.
#include "app/socket_stream.h"

#include <QPointer>
#include <QSocketNotifier>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>

namespace sigma::app {

namespace {

constexpr qsizetype kReadChunk = 16 * 1024;
constexpr qsizetype kReadBurst = 256 * 1024;  // per notification, so one client cannot hog the loop

}  // namespace

SocketStream::SocketStream(qintptr descriptor, QObject* parent) : QObject(parent), fd_(static_cast<int>(descriptor)) {
    const int flags = ::fcntl(fd_, F_GETFL, 0);
    if (flags >= 0) ::fcntl(fd_, F_SETFL, flags | O_NONBLOCK);
    // Answers and stream chunks are small writes; Nagle's algorithm would hold each one back.
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0)
        peer_ = QHostAddress(reinterpret_cast<const sockaddr*>(&address));
    read_notifier_ = new QSocketNotifier(fd_, QSocketNotifier::Read, this);
    write_notifier_ = new QSocketNotifier(fd_, QSocketNotifier::Write, this);
    write_notifier_->setEnabled(false);
    connect(read_notifier_, &QSocketNotifier::activated, this, &SocketStream::on_readable);
    connect(write_notifier_, &QSocketNotifier::activated, this, &SocketStream::on_writable);
}

SocketStream::~SocketStream() { abort(); }

QByteArray SocketStream::read_all() { return std::exchange(in_, {}); }

void SocketStream::on_readable() {
    if (fd_ < 0) return;
    char chunk[kReadChunk];
    qsizetype got = 0;
    while (got < kReadBurst) {
        const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n > 0) {
            in_.append(chunk, n);
            got += n;
            if (n < kReadChunk) break;
            continue;
        }
        if (n == 0) {
            peer_finished_ = true;
            read_notifier_->setEnabled(false);
            break;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        fail();
        return;
    }
    const QPointer<SocketStream> alive(this);
    if (!in_.isEmpty()) emit readyRead();
    if (!alive || fd_ < 0) return;
    if (peer_finished_) emit peerFinished();  // once: the read notifier is off from now on
}

void SocketStream::write(QByteArrayView bytes) {
    if (fd_ < 0 || shut_requested_ || bytes.isEmpty()) return;
    out_.append(bytes);
    if (!write_notifier_->isEnabled()) flush();
}

bool SocketStream::flush() {
    while (out_sent_ < out_.size()) {
        const ssize_t n =
            ::send(fd_, out_.constData() + out_sent_, static_cast<size_t>(out_.size() - out_sent_), MSG_NOSIGNAL);
        if (n > 0) {
            out_sent_ += n;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            write_notifier_->setEnabled(true);
            return true;
        }
        fail();
        return false;
    }
    out_.clear();
    out_sent_ = 0;
    write_notifier_->setEnabled(false);
    if (shut_requested_ && !sending_shut_) {
        sending_shut_ = true;
        ::shutdown(fd_, SHUT_WR);
    }
    return true;
}

void SocketStream::on_writable() {
    if (fd_ < 0) return;
    if (flush() && bytes_to_write() == 0) emit drained();
}

void SocketStream::shut_down_sending() {
    if (fd_ < 0 || shut_requested_) return;
    shut_requested_ = true;
    if (!write_notifier_->isEnabled()) flush();
}

void SocketStream::fail() {
    // Told later, not from inside the write() or read that found it, so that no caller is
    // re-entered halfway through an answer.
    abort();
    QMetaObject::invokeMethod(this, &SocketStream::failed, Qt::QueuedConnection);
}

void SocketStream::abort() {
    if (fd_ < 0) return;
    // Notifiers go before the descriptor they watch; they may be mid-signal, so later.
    read_notifier_->setEnabled(false);
    write_notifier_->setEnabled(false);
    read_notifier_->deleteLater();
    write_notifier_->deleteLater();
    read_notifier_ = write_notifier_ = nullptr;
    char chunk[kReadChunk];
    for (int i = 0; i < 16 && ::recv(fd_, chunk, sizeof chunk, MSG_DONTWAIT) > 0; ++i) {}
    ::close(fd_);
    fd_ = -1;
}

}  // namespace sigma::app
