// sigma diagnose [FILE|-] with a model: the rules engine cites the evidence, the model writes the
// root cause and next steps from the redacted findings. Without findings the model is not asked.
#include <QCoreApplication>
#include <QJsonDocument>
#include <fstream>
#include <iostream>

#include "app/cli/commands.h"
#include "app/cli/job_options.h"
#include "app/cli/jobs.h"
#include "app/diagnose_task.h"
#include "app/domain/diag_signatures.h"
#include "app/job_recorder.h"

namespace sigma::cli {

namespace {
constexpr const char* kName = "diagnose";
}

int run_diagnose_job(const DiagnoseJobArgs& args) {
    const std::string& input = args.input;
    const bool json = args.json;
    const JobOptions& options = args.options;

    std::string error;
    const auto pack = domain::SignaturePack::load_default(&error);
    if (!pack) return fail(kName, error);
    const app::DiagnoseTask task(*pack);

    app::DiagnoseResult result;
    if (input.empty() || input == "-") {
        result = task.analyse(std::cin);
    } else {
        std::ifstream in(input, std::ios::binary);
        if (!in) return fail(kName, "cannot open log file '" + input + "'");
        result = task.analyse(in);
    }

    auto qt = ensure_qt_app();
    QString kind, model;
    if (!result.report.findings.empty()) {
        auto backend = open_backend(kName, options, &kind, &model);
        if (!backend) return kExitFailure;
        const app::BlockingResult gen = app::generate_blocking(*backend, task.prepare(result), options.timeout_ms);
        if (gen.ok) result = task.finish(std::move(result), gen.text, gen.stats);
        else
            std::cerr << "sigma diagnose: warning: the model's summary failed (" << gen.error.message.toStdString()
                      << "); showing the rules engine's\n";
    }

    const QString request =
        input.empty() || input == "-" ? QStringLiteral("(log from standard input)") : QString::fromStdString(input);
    const qint64 session =
        save_job(kName, options,
                 {app::Panel::Diagnose, request, result.raw_output, result.to_json(), result.stats, model, kind});
    if (json) {
        print_json_result(result.to_json(), session);
        return kExitOk;
    }
    std::cout << "category: " << result.category.toStdString() << "\n";
    for (const auto& f : result.report.findings) {
        std::cout << "finding: " << f.category << " (" << domain::severity_name(f.severity) << ")\n";
        for (const auto& e : f.evidence) {
            std::cout << "  L" << e.line;
            if (e.end_line() > e.line) std::cout << "-" << e.end_line();
            std::cout << ": " << e.text << "\n";
            if (!e.reason.empty()) std::cout << "    why: " << e.reason << "\n";
        }
    }
    for (const auto& f : result.report.nearest) {
        std::cout << "nearest: " << f.category << " (not matched, closeness " << f.score << ")\n";
        for (const auto& e : f.evidence)
            std::cout << "  L" << e.line << ": " << e.text << (e.reason.empty() ? "" : "  [" + e.reason + "]") << "\n";
    }
    if (!result.root_cause.isEmpty())
        std::cout << "root cause (" << result.summary_source.toStdString() << "): " << result.root_cause.toStdString()
                  << "\n";
    for (const QString& s : result.next_steps) std::cout << "next: " << s.toStdString() << "\n";
    for (const QString& c : result.commands) std::cout << "evidence command: " << c.toStdString() << "\n";
    return kExitOk;
}

}  // namespace sigma::cli
