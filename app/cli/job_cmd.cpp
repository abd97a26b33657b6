// sigma cmd "REQUEST": one checked command from plain English, optionally run after confirmation.
// Running follows the product's rule: nothing runs without the user's explicit say-so, and a
// destructive command needs the stronger --yes-destructive (plus the program name on a terminal).
#include <unistd.h>

#include <QCoreApplication>
#include <QHostInfo>
#include <QJsonDocument>
#include <algorithm>
#include <cstdio>
#include <iostream>

#include "app/answer_candidates.h"
#include "app/cli/commands.h"
#include "app/cli/job_options.h"
#include "app/cli/jobs.h"
#include "app/command_runner.h"
#include "app/command_task.h"
#include "app/domain/example_corpus.h"
#include "app/domain/redactor.h"
#include "app/domain/shell_parser.h"
#include "app/job_recorder.h"

namespace sigma::cli {

namespace {

constexpr const char* kName = "cmd";

void print_result(const app::CommandResult& r) {
    // No command offered (a question whose every candidate changes the system): nothing on stdout,
    // and no risk line for a command that does not exist; the message says why.
    if (!r.command.isEmpty()) {
        std::cout << r.command.toStdString() << "\n";
        std::cerr << "risk: " << r.risk.toStdString() << (r.valid ? "" : " (INVALID)") << "\n";
        for (const QString& reason : r.reasons) std::cerr << "  - " << reason.toStdString() << "\n";
    }
    for (const auto& m : r.messages) {
        std::cerr << m.severity.toStdString() << ": " << m.text.toStdString();
        if (!m.suggestions.isEmpty()) std::cerr << " (did you mean " << m.suggestions.join(", ").toStdString() << "?)";
        std::cerr << "\n";
    }
    for (const QString& w : r.warnings) std::cerr << "warning: " << w.toStdString() << "\n";
    if (!r.explanation.isEmpty()) std::cerr << "explanation: " << r.explanation.toStdString() << "\n";
    for (const auto& f : r.flags) {
        if (f.meaning.isEmpty() && f.details.isEmpty()) continue;
        std::cerr << "  " << f.flag.toStdString() << (f.value.isEmpty() ? "" : " " + f.value.toStdString()) << ": "
                  << f.meaning.toStdString() << "\n";
        for (const auto& d : f.details)
            if (!d.meaning.isEmpty())
                std::cerr << "      " << d.item.toStdString() << ": " << d.meaning.toStdString() << "\n";
    }
    for (const auto& a : r.alternatives)
        // Other candidates are the model's text as written: a secret it echoed is not repeated here.
        std::cerr << "  alternative (" << a.risk.toStdString() << (a.valid ? "" : ", invalid")
                  << "): " << domain::redact_secrets(a.command.toStdString()) << "\n";
}

// Asks on the terminal; false when stdin is not a terminal.
bool ask(const std::string& question, const std::string& expected) {
    if (!isatty(STDIN_FILENO)) return false;
    std::cerr << question << std::flush;
    std::string answer;
    if (!std::getline(std::cin, answer)) return false;
    return answer == expected;
}

}  // namespace

int run_command_job(const CommandJobArgs& args) {
    app::CommandRequest req;
    req.request = QString::fromStdString(args.request);
    if (args.shell) req.shell = QString::fromStdString(*args.shell);
    if (args.os) req.os = QString::fromStdString(*args.os);
    if (args.candidates) req.candidates = *args.candidates;
    const bool json = args.json;
    const bool run = args.run;
    const bool yes = args.yes;
    const bool yes_destructive = args.yes_destructive;
    const JobOptions& options = args.options;
    if (args.request.find_first_not_of(" \t\r\n") == std::string::npos)
        return fail(kName, "the request is empty", kExitUsage);

    auto qt = ensure_qt_app();
    QString kind, model;
    auto backend = open_backend(kName, options, &kind, &model);
    if (!backend) return kExitFailure;

    std::string corpus_error;
    const auto corpus = domain::ExampleCorpus::load_default(&corpus_error);
    if (!corpus) std::cerr << "sigma cmd: warning: no few-shot examples (" << corpus_error << ")\n";
    const app::CommandTask task(corpus ? &*corpus : nullptr);

    app::CandidateSet gen = app::generate_candidates(*backend, task.prepare(req), req.candidates, options.timeout_ms);
    if (!gen.ok && gen.error.kind == app::BackendError::Kind::ContextOverflow && req.example_count > 0) {
        // A small context cannot hold the few-shot examples: ask once more without them.
        req.example_count = 0;
        gen = app::generate_candidates(*backend, task.prepare(req), req.candidates, options.timeout_ms);
    }
    if (!gen.ok) return fail(kName, gen.error.message.toStdString());
    const app::CommandResult result = task.finish_candidates(req, gen.answers, gen.stats);

    const qint64 session =
        save_job(kName, options,
                 {app::Panel::Commands, req.request, result.raw_output, result.to_json(), result.stats, model, kind});

    if (json) {
        print_json_result(result.to_json(), session);
    } else {
        print_result(result);
    }
    std::cerr << "timings: prompt " << result.stats.prompt_tokens << " tokens in " << result.stats.prompt_ms
              << " ms, answer " << result.stats.completion_tokens << " tokens in " << result.stats.generate_ms
              << " ms\n";

    if (!run) return result.valid ? kExitOk : kExitFailure;

    // --run: the user's explicit request. The runner validates and classifies the line itself (the
    // higher class wins), and the reasons are shown before any question.
    if (result.command.isEmpty()) return fail(kName, "not running: no command was generated");
    const auto stated = domain::risk_from_text(result.risk.toStdString()).value_or(domain::Risk::Destructive);
    const app::RunAssessment assessed = app::CommandRunner::assess(result.command, stated);
    if (!result.valid || !assessed.valid)
        return fail(kName,
                    "not running: the command did not validate" +
                        (assessed.problem.isEmpty() ? std::string() : " (" + assessed.problem.toStdString() + ")"));
    const domain::Risk risk = assessed.risk;
    std::cerr << "about to run (" << domain::risk_text(risk) << "): " << result.command.toStdString() << "\n";
    for (const QString& reason : assessed.reasons) std::cerr << "  - " << reason.toStdString() << "\n";
    app::Confirmation confirmation;
    if (risk == domain::Risk::Destructive) {
        if (!yes_destructive)
            return fail(kName, "not running: the command is destructive; pass --yes-destructive to run it");
        if (assessed.confirm_words.isEmpty())
            return fail(kName, "not running: cannot tell which program is destructive");
        QString program = assessed.confirm_words.front();
        if (isatty(STDIN_FILENO)) {
            std::cerr << "Type the program name (" << assessed.confirm_words.join(" or ").toStdString()
                      << ") to run this destructive command: " << std::flush;
            std::string answer;
            if (!std::getline(std::cin, answer) ||
                !assessed.confirm_words.contains(QString::fromStdString(answer).trimmed()))
                return fail(kName, "not running: the program name was not confirmed");
            program = QString::fromStdString(answer).trimmed();
        }
        confirmation = app::Confirmation::destructive(program);
    } else if (risk == domain::Risk::ChangesState) {
        if (!yes && !ask("This command changes state. Run it? [y/N] ", "y"))
            return fail(kName, "not running: the command changes state; confirm on the terminal or pass --yes");
        confirmation = app::Confirmation::confirmed();
    } else {
        confirmation = app::Confirmation::confirmed();
    }
    app::CommandRunner runner;
    QObject::connect(&runner, &app::CommandRunner::outputReceived,
                     [](const QString& text) { std::cout << text.toStdString() << std::flush; });
    const app::ExecutionResult ran = runner.run(result.command, risk, confirmation, {}, {});
    if (!ran.started) return fail(kName, "not running: " + ran.error.toStdString());
    if (session > 0) {
        app::Execution e;
        e.session_id = session;
        e.command = result.command;
        e.exit_code = ran.exit_code;
        e.duration_ms = ran.duration_ms;
        e.output_excerpt = ran.output_excerpt;
        e.host = QHostInfo::localHostName();
        const app::RecordOutcome saved = app::record_execution(options.db_path, e);
        if (!saved.warning.isEmpty())
            std::cerr << "sigma cmd: warning: execution not saved: " << saved.warning.toStdString() << "\n";
    }
    std::cerr << "exit code " << ran.exit_code << (ran.timed_out ? " (timed out)" : "") << " after " << ran.duration_ms
              << " ms\n";
    return ran.exit_code == 0 ? kExitOk : kExitFailure;
}

}  // namespace sigma::cli
