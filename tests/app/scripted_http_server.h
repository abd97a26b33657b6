// ScriptedHttpServer: a tiny misbehaving HTTP server for tests: each accepted connection reads one
// request, then plays the next scripted answer (raw bytes, then close, stay silent or abort).
// Not a real HTTP server: it exists to reach the client's error paths.
#pragma once

#include <QList>
#include <QTcpServer>
#include <QTcpSocket>

struct ScriptedAnswer {
    enum class After { Close, StayOpen, Abort };
    QByteArray bytes;  // written as-is once the request is read (empty: write nothing)
    After after = After::Close;
};

class ScriptedHttpServer : public QTcpServer {
public:
    explicit ScriptedHttpServer(QList<ScriptedAnswer> script) : script_(std::move(script)) {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = nextPendingConnection()) {
                s->setParent(this);
                connect(s, &QTcpSocket::readyRead, this, [this, s] { on_read(s); });
            }
        });
        listen(QHostAddress::LocalHost, 0);
    }
    QString base_url() const { return QStringLiteral("http://127.0.0.1:%1/v1").arg(serverPort()); }
    int connections() const { return answered_; }
    QList<QByteArray> requests;  // head and body of each request

    static QByteArray stream_head() {
        return "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n";
    }
    static QByteArray chunk(const QString& text) {
        return "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text.toUtf8() +
               "\"},\"finish_reason\":null}]}\n\n";
    }

private:
    void on_read(QTcpSocket* s) {
        QByteArray& buf = buffers_[s];
        buf += s->readAll();
        const qsizetype head_end = buf.indexOf("\r\n\r\n");
        if (head_end < 0) return;
        qsizetype length = 0;
        for (const QByteArray& line : buf.left(head_end).split('\n')) {
            if (line.toLower().startsWith("content-length:")) length = line.mid(15).trimmed().toLongLong();
        }
        if (buf.size() < head_end + 4 + length) return;
        requests.append(buf.left(head_end + 4 + length));
        buffers_.remove(s);
        disconnect(s, &QTcpSocket::readyRead, this, nullptr);
        const ScriptedAnswer a = answered_ < script_.size() ? script_[answered_] : script_.last();
        ++answered_;
        if (!a.bytes.isEmpty()) s->write(a.bytes);
        if (a.after == ScriptedAnswer::After::Close) s->disconnectFromHost();
        else if (a.after == ScriptedAnswer::After::Abort) {
            s->flush();
            s->abort();
        }
    }
    QList<ScriptedAnswer> script_;
    QHash<QTcpSocket*, QByteArray> buffers_;
    int answered_ = 0;
};
