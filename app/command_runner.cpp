// CommandRunner: QProcess over `sh -c` in a new session (so the whole process group can be
// signalled), with a ring-trimmed output tail and a timeout. Not a sandbox: the shell runs as the user.
#include "app/command_runner.h"

#include <QEventLoop>
#include <QFileInfo>
#include <csignal>
#include <set>
#include <sys/types.h>
#include <unistd.h>

#include "app/domain/command_validator.h"
#include "app/domain/shell_parser.h"

namespace sigma::app {

namespace {

QString base_name(const std::string& program) { return QFileInfo(QString::fromStdString(program)).fileName(); }

// The kept bytes may start inside a UTF-8 sequence: skip its continuation bytes.
QString decode_tail(const QByteArray& bytes) {
    qsizetype start = 0;
    while (start < bytes.size() && start < 4 && (static_cast<unsigned char>(bytes[start]) & 0xC0) == 0x80) ++start;
    return QString::fromUtf8(bytes.constData() + start, bytes.size() - start);
}

}  // namespace

CommandRunner::CommandRunner(QObject* parent) : QObject(parent) {
    qRegisterMetaType<ExecutionResult>("sigma::app::ExecutionResult");
    timeout_.setSingleShot(true);
    kill_timer_.setSingleShot(true);
    connect(&timeout_, &QTimer::timeout, this, [this] {
        timed_out_ = true;
        kill_group(SIGTERM);
    });
    connect(&kill_timer_, &QTimer::timeout, this, [this] { kill_group(SIGKILL); });
}

CommandRunner::~CommandRunner() {
    if (process_) {
        process_->disconnect(this);
        kill_group(SIGKILL);
        process_->waitForFinished(2000);
    }
}

RunAssessment CommandRunner::assess(const QString& command, domain::Risk caller_risk) {
    RunAssessment a;
    const std::string line = command.toStdString();
    const domain::CommandCheck c = domain::check_command(line);
    a.valid = c.valid;
    for (const domain::CheckMessage& m : c.messages)
        if (m.severity == domain::CheckMessage::Severity::Error && a.problem.isEmpty())
            a.problem = QString::fromStdString(m.text);
    if (!a.valid && a.problem.isEmpty()) a.problem = QStringLiteral("it could not be checked");
    a.risk = domain::max_risk(caller_risk, c.risk);
    for (const std::string& r : c.reasons) a.reasons << QString::fromStdString(r);
    const domain::ShellParseResult parsed = domain::parse_shell(line);
    std::set<QString> destructive_words, all_programs;
    if (parsed.ok) {
        const domain::ShellCatalog* shell = domain::ShellCatalog::builtin();
        const domain::NvsmiCatalog* nvsmi = domain::NvsmiCatalog::builtin();
        for (size_t i = 0; i < parsed.commands.size(); ++i) {
            const domain::SimpleCommand& sc = parsed.commands[i];
            if (!sc.program.text.empty()) all_programs.insert(base_name(sc.program.text));
            if (!shell || !nvsmi) continue;
            if (domain::classify_command(*shell, *nvsmi, parsed.commands, i).risk != domain::Risk::Destructive)
                continue;
            if (!sc.program.text.empty()) {
                destructive_words.insert(base_name(sc.program.text));
                destructive_words.insert(QString::fromStdString(domain::effective_program(*shell, sc)));
            } else {
                for (const domain::ShellRedirection& r : sc.redirections)
                    if (r.writes()) destructive_words.insert(QString::fromStdString(r.target));
            }
        }
    }
    const std::set<QString>& words = destructive_words.empty() ? all_programs : destructive_words;
    a.confirm_words = QStringList(words.begin(), words.end());
    return a;
}

QString CommandRunner::check(const QString& command, domain::Risk risk, const Confirmation& confirmation,
                             const QString& destructive_program) {
    if (command.trimmed().isEmpty()) return QStringLiteral("refusing to run an empty command");
    if (confirmation.kind == Confirmation::Kind::None)
        return QStringLiteral("refusing to run '%1' without the user's confirmation").arg(command);
    const RunAssessment a = assess(command, risk);
    if (!a.valid) return QStringLiteral("refusing to run '%1': it does not validate (%2)").arg(command, a.problem);
    if (a.risk != domain::Risk::Destructive) return {};
    if (confirmation.kind != Confirmation::Kind::Destructive)
        return QStringLiteral("'%1' is destructive: confirm by typing the program name").arg(command);
    const QString typed = confirmation.typed_program.trimmed();
    if (typed.isEmpty()) return QStringLiteral("'%1' is destructive: the typed program name is empty").arg(command);
    if (!destructive_program.isEmpty()) {
        const QString expected = QFileInfo(destructive_program).fileName();
        if (typed != expected)
            return QStringLiteral("'%1' is destructive: typed '%2' but the program is '%3'")
                .arg(command, typed, expected);
        return {};
    }
    if (a.confirm_words.contains(typed)) return {};
    return QStringLiteral("'%1' is destructive: typed '%2' but its programs are %3")
        .arg(command, typed,
             a.confirm_words.isEmpty() ? QStringLiteral("(none)") : a.confirm_words.join(QStringLiteral(", ")));
}

bool CommandRunner::start(const QString& command, domain::Risk risk, const Confirmation& confirmation,
                          const RunOptions& options, const QString& destructive_program) {
    last_error_ = check(command, risk, confirmation, destructive_program);
    if (!last_error_.isEmpty()) return false;
    if (process_) {
        last_error_ = QStringLiteral("another command is still running");
        return false;
    }
    options_ = options;
    tail_.clear();
    output_bytes_ = 0;
    timed_out_ = false;
    cancelled_ = false;
    pid_ = 0;
    decoder_ = std::make_unique<QStringDecoder>(QStringDecoder::Utf8);
    process_ = std::make_unique<QProcess>();
    process_->setProcessChannelMode(QProcess::MergedChannels);
    if (!options.working_dir.isEmpty()) process_->setWorkingDirectory(options.working_dir);
    // A new session makes the shell the leader of its own process group, so that a timeout or a
    // cancel reaches every process the command line started, not just the shell.
    process_->setChildProcessModifier([] { ::setsid(); });
    connect(process_.get(), &QProcess::readyReadStandardOutput, this, &CommandRunner::on_output);
    connect(process_.get(), &QProcess::finished, this, &CommandRunner::on_finished);
    connect(process_.get(), &QProcess::errorOccurred, this, &CommandRunner::on_error);
    clock_.start();
    process_->start(options.shell, {QStringLiteral("-c"), command});
    if (!process_) return true;     // failed to start: finished() has already reported it
    process_->closeWriteChannel();  // the command reads end-of-file, never waits for a person
    pid_ = process_->processId();
    if (options.timeout_ms > 0) timeout_.start(options.timeout_ms);
    return true;
}

ExecutionResult CommandRunner::run(const QString& command, domain::Risk risk, const Confirmation& confirmation,
                                   const RunOptions& options, const QString& destructive_program) {
    ExecutionResult result;
    QEventLoop loop;
    bool done = false;
    // Connected before start(): a shell that cannot start is reported from inside start().
    auto c = connect(this, &CommandRunner::finished, &loop, [&](const ExecutionResult& r) {
        result = r;
        done = true;
        loop.quit();
    });
    if (!start(command, risk, confirmation, options, destructive_program)) {
        disconnect(c);
        result.error = last_error_;
        return result;
    }
    if (!done) loop.exec();
    disconnect(c);
    return result;
}

void CommandRunner::cancel() {
    if (!process_) return;
    cancelled_ = true;
    kill_group(SIGTERM);
}

void CommandRunner::kill_group(int signal) {
    if (!process_ || pid_ <= 0) return;
    ::kill(-static_cast<pid_t>(pid_), signal);
    if (signal == SIGTERM) kill_timer_.start(options_.kill_grace_ms);
}

void CommandRunner::on_output() {
    if (!process_) return;
    const QByteArray bytes = process_->readAllStandardOutput();
    if (bytes.isEmpty()) return;
    output_bytes_ += bytes.size();
    tail_.append(bytes);
    if (tail_.size() > 2 * options_.excerpt_bytes) tail_.remove(0, tail_.size() - options_.excerpt_bytes);
    const QString text = decoder_->decode(bytes);
    if (!text.isEmpty()) emit outputReceived(text);
}

void CommandRunner::on_finished(int exit_code, QProcess::ExitStatus status) {
    on_output();
    ExecutionResult r;
    r.started = true;
    r.exit_code = status == QProcess::NormalExit ? exit_code : -1;
    complete(r);
}

void CommandRunner::on_error(QProcess::ProcessError error) {
    if (error != QProcess::FailedToStart || !process_) return;
    ExecutionResult r;
    r.started = false;
    r.error = QStringLiteral("cannot start %1: %2").arg(options_.shell, process_->errorString());
    complete(r);
}

void CommandRunner::complete(ExecutionResult r) {
    if (!process_) return;
    // After a timeout or a cancel, children that ignored SIGTERM must not outlive the shell.
    if ((timed_out_ || cancelled_) && pid_ > 0) ::kill(-static_cast<pid_t>(pid_), SIGKILL);
    timeout_.stop();
    kill_timer_.stop();
    r.duration_ms = clock_.elapsed();
    r.output_bytes = output_bytes_;
    if (tail_.size() > options_.excerpt_bytes) tail_.remove(0, tail_.size() - options_.excerpt_bytes);
    r.output_truncated = output_bytes_ > tail_.size();
    r.output_excerpt = decode_tail(tail_);
    r.timed_out = timed_out_;
    r.cancelled = cancelled_ && !timed_out_;
    process_->disconnect(this);
    process_.release()->deleteLater();
    pid_ = 0;
    emit finished(r);
}

}  // namespace sigma::app
