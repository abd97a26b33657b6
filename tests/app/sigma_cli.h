// Runs the built `sigma` binary for the CLI tests: its path (SIGMA_BIN_DIR or the build's bin/) and
// one run with optional stdin, environment and working directory, collecting exit code and output.
// Not an assertion helper: each test states its own expectations about the Run it gets back.
#pragma once

#include <QByteArray>
#include <QDir>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace sigma_test {

struct Run {
    int code = -1;  // -1: did not finish in time, -2: crashed
    QString out;
    QString err;
};

inline QString sigma_path() {
    QString bin = qEnvironmentVariable("SIGMA_BIN_DIR");
    if (bin.isEmpty()) bin = QStringLiteral(SIGMA_BINARY_DIR "/bin");
    return QDir(bin).filePath(QStringLiteral("sigma"));
}

inline Run run_sigma(const QStringList& args, const QByteArray& input = {},
                     const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment(), const QString& cwd = {},
                     int timeout_ms = 180000) {
    QProcess p;
    p.setProcessEnvironment(env);
    if (!cwd.isEmpty()) p.setWorkingDirectory(cwd);
    p.start(sigma_path(), args);
    if (!input.isEmpty()) p.write(input);
    p.closeWriteChannel();
    Run r;
    if (!p.waitForFinished(timeout_ms)) return r;
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

}  // namespace sigma_test
