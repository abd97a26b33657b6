// sigma kql "QUESTION": a Kusto query drafted by the model over the schema slice, validated against
// the whole schema, with a bounded repair loop on the validator's messages.
#include <QCoreApplication>
#include <QJsonDocument>
#include <iostream>
#include <optional>

#include "app/answer_candidates.h"
#include "app/cli/commands.h"
#include "app/cli/job_options.h"
#include "app/cli/jobs.h"
#include "app/domain/example_corpus.h"
#include "app/domain/kql_schema.h"
#include "app/domain/kql_schema_slice.h"
#include "app/job_recorder.h"
#include "app/kql_task.h"

namespace sigma::cli {

namespace {
constexpr const char* kName = "kql";
}

int run_kql_job(const KqlJobArgs& args) {
    app::KqlRequest req;
    req.question = QString::fromStdString(args.question);
    const bool json = args.json;
    const auto& schema_path = args.schema_path;
    if (args.repairs) req.max_repairs = *args.repairs;
    if (args.candidates) req.candidates = *args.candidates;
    const JobOptions& options = args.options;
    if (args.question.find_first_not_of(" \t\r\n") == std::string::npos)
        return fail(kName, "the question is empty", kExitUsage);

    std::string error;
    std::optional<domain::KqlSchema> loaded;
    const domain::KqlSchema* schema = nullptr;
    if (schema_path) {
        loaded = domain::KqlSchema::load(*schema_path, &error);
        if (!loaded) return fail(kName, error);
        schema = &*loaded;
    } else {
        schema = &domain::KqlSchema::builtin(&error);
        if (schema->tables.empty()) return fail(kName, "the built-in schema pack is missing: " + error);
    }
    const domain::KqlTableHints hints = domain::KqlTableHints::load_default();
    const auto corpus = domain::ExampleCorpus::load_default(&error);

    auto qt = ensure_qt_app();
    QString kind, model;
    auto backend = open_backend(kName, options, &kind, &model);
    if (!backend) return kExitFailure;

    const app::KqlTask task(*schema, hints, corpus ? &*corpus : nullptr);
    app::GenerationRequest g = task.prepare(req);
    app::KqlResult result;
    app::GenerationStats total;
    for (int round = 0;; ++round) {
        const app::CandidateSet gen = app::generate_candidates(*backend, g, req.candidates, options.timeout_ms);
        if (!gen.ok) return fail(kName, gen.error.message.toStdString());
        total.prompt_tokens += gen.stats.prompt_tokens;
        total.completion_tokens += gen.stats.completion_tokens;
        total.prompt_ms += gen.stats.prompt_ms;
        total.generate_ms += gen.stats.generate_ms;
        result = task.finish_candidates(req, gen.answers, total);
        result.repairs = round;
        auto next = task.repair(req, g, result);
        if (!next) break;
        std::cerr << "sigma kql: repairing (" << result.diagnostics.size() << " diagnostics)\n";
        g = *next;
    }

    const qint64 session =
        save_job(kName, options,
                 {app::Panel::Kql, req.question, result.raw_output, result.to_json(), result.stats, model, kind});
    if (json) {
        print_json_result(result.to_json(), session);
    } else {
        std::cout << result.query.toStdString() << "\n";
        std::cerr << (result.valid ? "valid" : "INVALID") << "; tables: " << result.tables.join(", ").toStdString()
                  << "\n";
        for (const auto& d : result.diagnostics)
            std::cerr << d.severity.toStdString() << " at " << d.start << ": " << d.text.toStdString() << "\n";
        for (const QString& w : result.warnings) std::cerr << "warning: " << w.toStdString() << "\n";
        for (const QString& a : result.alternatives) std::cerr << "  alternative: " << a.toStdString() << "\n";
    }
    return result.valid ? kExitOk : kExitFailure;
}

}  // namespace sigma::cli
