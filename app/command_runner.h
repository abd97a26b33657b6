// CommandRunner: runs one command line the user has accepted through /bin/sh -c, in its own process
// group, with a timeout, a bounded output excerpt, live output and cancellation.
// Not a decision maker: it never runs anything without a Confirmation, the risk comes from the
// caller (the classifier), and recording the execution in the history is the caller's job.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QStringDecoder>
#include <QTimer>
#include <memory>

#include "app/domain/risk_classifier.h"

namespace sigma::app {

// The user's answer to "run this?". A destructive line needs the strong kind, carrying the program
// name the user typed, which must match the line's (destructive) program.
struct Confirmation {
    enum class Kind { None, Confirmed, Destructive };
    Kind kind = Kind::None;
    QString typed_program;

    static Confirmation none() { return {}; }
    static Confirmation confirmed() { return {Kind::Confirmed, {}}; }
    static Confirmation destructive(const QString& typed) { return {Kind::Destructive, typed}; }
};

struct RunOptions {
    int timeout_ms = 60000;               // 0 = none
    qsizetype excerpt_bytes = 64 * 1024;  // the last bytes of output kept in the result
    QString working_dir;                  // empty = the current directory
    QString shell = QStringLiteral("/bin/sh");
    int kill_grace_ms = 1000;  // SIGTERM to the group, then SIGKILL after this
};

struct ExecutionResult {
    bool started = false;
    QString error;       // why it was refused or could not start (empty when it ran)
    int exit_code = -1;  // -1 when killed by a signal or never started
    qint64 duration_ms = 0;
    QString output_excerpt;   // the last excerpt_bytes of stdout and stderr, interleaved
    qint64 output_bytes = 0;  // everything the command wrote
    bool output_truncated = false;
    bool timed_out = false;
    bool cancelled = false;
};

// What the runner itself finds in a line before running it, whatever the caller says: whether it
// validates, its class (never lower than the caller's), the reasons, and the words a destructive
// confirmation may name (the programs of the destructive commands, looked through wrappers).
struct RunAssessment {
    bool valid = false;
    QString problem;  // why it does not validate
    domain::Risk risk = domain::Risk::Destructive;
    QStringList reasons;
    QStringList confirm_words;
};

class CommandRunner : public QObject {
    Q_OBJECT
public:
    explicit CommandRunner(QObject* parent = nullptr);
    ~CommandRunner() override;  // kills a running command's process group

    // Validates and classifies `command` with the built-in packs; the class is the higher of the
    // caller's and the classifier's.
    static RunAssessment assess(const QString& command, domain::Risk caller_risk);

    // Empty when `command` may run with this confirmation, otherwise the reason it may not. A line
    // that does not validate is refused; the confirmation must match the assessed class.
    // For destructive lines the typed program must match `destructive_program` when given (the
    // program the classifier found destructive), else one of the line's programs.
    static QString check(const QString& command, domain::Risk risk, const Confirmation& confirmation,
                         const QString& destructive_program = {});

    // Starts the command; returns false (and finished() is not emitted) when check() refuses or
    // another command is still running, with the reason in last_error().
    bool start(const QString& command, domain::Risk risk, const Confirmation& confirmation,
               const RunOptions& options = {}, const QString& destructive_program = {});
    // Blocking form for the CLI: runs an event loop until the command ends.
    ExecutionResult run(const QString& command, domain::Risk risk, const Confirmation& confirmation,
                        const RunOptions& options = {}, const QString& destructive_program = {});
    void cancel();
    bool is_running() const { return process_ != nullptr; }
    const QString& last_error() const { return last_error_; }

signals:
    void outputReceived(const QString& text);
    void finished(const sigma::app::ExecutionResult& result);

private:
    void on_output();
    void on_finished(int exit_code, QProcess::ExitStatus status);
    void on_error(QProcess::ProcessError error);
    void kill_group(int signal);
    void complete(ExecutionResult result);

    std::unique_ptr<QProcess> process_;
    RunOptions options_;
    QTimer timeout_;
    QTimer kill_timer_;
    QElapsedTimer clock_;
    QByteArray tail_;  // the kept output, at most 2 * excerpt_bytes between trims
    qint64 output_bytes_ = 0;
    std::unique_ptr<QStringDecoder> decoder_;
    qint64 pid_ = 0;
    bool timed_out_ = false;
    bool cancelled_ = false;
    QString last_error_;
};

}  // namespace sigma::app

Q_DECLARE_METATYPE(sigma::app::ExecutionResult)
