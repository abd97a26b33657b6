// CurlClient: runs the real curl as a test client of the in-process server, without blocking the
// event loop (the server answers on the same thread). Not a curl wrapper for the product.
#pragma once

#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryFile>
#include <memory>

struct CurlResult {
    bool ran = false;
    int exit_code = -1;
    int http_status = 0;
    QByteArray body;
    QByteArray stderr_text;
};

class CurlCall {
public:
    // args: extra curl arguments (method, headers, data, URL). -s -S and the status suffix are added.
    explicit CurlCall(const QStringList& args) {
        process_ = std::make_unique<QProcess>();
        process_->start(QStringLiteral("curl"),
                        QStringList{QStringLiteral("-s"), QStringLiteral("-S"), QStringLiteral("--max-time"),
                                    QStringLiteral("60"), QStringLiteral("-w"), QStringLiteral("\n%{http_code}")} +
                            args);
    }
    bool finished() const { return process_->state() == QProcess::NotRunning; }
    CurlResult wait() {
        CurlResult r;
        if (process_->state() != QProcess::NotRunning) {
            QSignalSpy spy(process_.get(), &QProcess::finished);
            if (!spy.wait(90000)) return r;
        }
        r.ran = process_->exitStatus() == QProcess::NormalExit;
        r.exit_code = process_->exitCode();
        QByteArray out = process_->readAllStandardOutput();
        const qsizetype nl = out.lastIndexOf('\n');
        r.http_status = out.mid(nl + 1).toInt();
        r.body = out.left(nl);
        r.stderr_text = process_->readAllStandardError();
        return r;
    }

private:
    std::unique_ptr<QProcess> process_;
};

inline bool have_curl() { return !QStandardPaths::findExecutable(QStringLiteral("curl")).isEmpty(); }
