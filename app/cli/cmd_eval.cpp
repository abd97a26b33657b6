// sigma eval SUITE.jsonl: scores a task suite. With a model (-m, --remote or the embedded default)
// every case runs through the product's own pipeline; with --no-model the deterministic layer
// (validators, risk classifier, rules engine) is scored on the suite's own references.
#include <unistd.h>

#include <QCoreApplication>
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>

#include "app/answer_candidates.h"
#include "app/cli/commands.h"
#include "app/cli/job_options.h"
#include "app/cli/option_checks.h"
#include "app/command_task.h"
#include "app/diagnose_task.h"
#include "app/domain/diag_engine.h"
#include "app/domain/diag_signatures.h"
#include "app/domain/eval_scorers.h"
#include "app/domain/eval_suite.h"
#include "app/domain/example_corpus.h"
#include "app/domain/json_parse.h"
#include "app/domain/kql_schema.h"
#include "app/domain/kql_schema_slice.h"
#include "app/kql_task.h"

namespace sigma::cli {

namespace {

constexpr const char* kName = "eval";

// Progress on stderr: a live counter on a terminal, one line per tenth of the suite otherwise.
void progress(size_t done, size_t total, const std::string& id) {
    if (isatty(STDERR_FILENO)) {
        std::fprintf(stderr, "\r[%zu/%zu] %-40s", done, total, id.c_str());
        if (done == total) std::fprintf(stderr, "\n");
    } else if (done == total || done % std::max<size_t>(1, total / 10) == 0) {
        std::fprintf(stderr, "[%zu/%zu] %s\n", done, total, id.c_str());
    }
    std::fflush(stderr);
}

struct Shared {
    std::optional<domain::ExampleCorpus> corpus;
    // Ablation switches (--candidates K, --no-rerank, --no-repair, --no-examples, --no-proposals).
    std::optional<int> candidates;  // --candidates K; else each task's own default
    bool rerank = true;
    bool repair = true;
    bool examples = true;
    bool proposals = true;
    // --constraints / --no-constraints, --slice / --no-slice: override the tasks' defaults.
    std::optional<bool> constrain;
    std::optional<bool> slice;
    app::Backend* backend = nullptr;  // null: --no-model
    int timeout_ms = 300000;
};

// Generates one answer; on a backend failure the output is empty and the error is kept.
QString generate(const Shared& s, const app::GenerationRequest& g, app::GenerationStats* stats, QString* error) {
    const app::BlockingResult r = app::generate_blocking(*s.backend, g, s.timeout_ms);
    if (!r.ok) {
        *error = r.error.message;
        return {};
    }
    *stats = r.stats;
    return r.text;
}

domain::CaseScore eval_cmdgen(const Shared& s, const nlohmann::ordered_json& c) {
    if (!s.backend)
        return domain::score_cmdgen_case(c, domain::json_string(c, "reference"), domain::EvalMode::Deterministic);
    const app::CommandTask task(s.corpus ? &*s.corpus : nullptr);
    app::CommandRequest req;
    req.request = QString::fromStdString(domain::json_string(c, "prompt"));
    req.candidates = s.candidates.value_or(req.candidates);
    req.rerank = s.rerank;
    req.repair = s.repair;
    req.constrain = s.constrain.value_or(req.constrain);
    req.catalogue_slice = s.slice.value_or(req.catalogue_slice);
    req.proposals = s.proposals;
    if (!s.examples) req.example_count = 0;
    QString error;
    const app::CandidateSet set = app::generate_candidates(*s.backend, task.prepare(req), req.candidates, s.timeout_ms);
    if (!set.ok) error = set.error.message;
    const QString raw = set.answers.isEmpty() ? QString() : set.answers.front().text;
    const app::CommandResult result = task.finish_candidates(req, set.answers, set.stats);
    domain::CaseScore score = domain::score_cmdgen_case(c, result.command.toStdString(), domain::EvalMode::Generated);
    score.details["raw_output"] = raw.toStdString();
    score.details["prompt_tokens"] = set.stats.prompt_tokens;
    if (!error.isEmpty()) score.details["error"] = error.toStdString();
    return score;
}

domain::CaseScore eval_kql(const Shared& s, const nlohmann::ordered_json& c, const domain::KqlSchema& schema,
                           const domain::KqlTableHints& hints) {
    if (!s.backend)
        return domain::score_kql_case(c, domain::json_string(c, "reference"), schema, domain::EvalMode::Deterministic);
    const app::KqlTask task(schema, hints, s.corpus ? &*s.corpus : nullptr);
    app::KqlRequest req;
    req.question = QString::fromStdString(domain::json_string(c, "prompt"));
    req.candidates = s.candidates.value_or(req.candidates);
    req.rerank = s.rerank;
    req.repair = s.repair;
    req.constrain = s.constrain.value_or(req.constrain);
    if (!s.examples) req.example_count = 0;
    app::GenerationRequest g = task.prepare(req);
    app::KqlResult result;
    QString error, raw;
    for (int round = 0;; ++round) {
        const app::CandidateSet set = app::generate_candidates(*s.backend, g, req.candidates, s.timeout_ms);
        if (!set.ok) error = set.error.message;
        if (round == 0 && !set.answers.isEmpty()) raw = set.answers.front().text;
        result = task.finish_candidates(req, set.answers, set.stats);
        result.repairs = round;
        if (!error.isEmpty()) break;
        auto next = task.repair(req, g, result);
        if (!next) break;
        g = *next;
    }
    domain::CaseScore score =
        domain::score_kql_case(c, result.query.toStdString(), schema, domain::EvalMode::Generated);
    score.details["repairs"] = result.repairs;
    score.details["raw_output"] = raw.toStdString();
    if (!error.isEmpty()) score.details["error"] = error.toStdString();
    return score;
}

domain::CaseScore eval_diagnosis(const Shared& s, const nlohmann::ordered_json& c, const app::DiagnoseTask& task) {
    app::DiagnoseResult result = task.analyse_text(QString::fromStdString(domain::json_string(c, "log")));
    QString error;
    if (s.backend && !result.report.findings.empty()) {
        app::GenerationStats stats;
        const QString raw = generate(s, task.prepare(result), &stats, &error);
        if (error.isEmpty()) result = task.finish(std::move(result), raw, stats);
    }
    // The category is the pipeline's (rules, or the model's when the rules found nothing).
    result.report.category = result.category.toStdString();
    domain::CaseScore score = domain::score_diagnosis_case(c, result.report);
    if (!error.isEmpty()) score.details["error"] = error.toStdString();
    return score;
}

struct EvalArgs {
    std::string suite_path;
    std::optional<std::string> schema_path;  // --schema FILE
    std::optional<int> candidates;           // --candidates K
    bool json = false;
    bool no_model = false;
    bool no_rerank = false;
    bool no_repair = false;
    bool no_examples = false;
    bool no_proposals = false;
    bool constraints = false;
    bool no_constraints = false;
    bool slice = false;
    bool no_slice = false;
    JobOptions options;
};

int run_eval(const EvalArgs& args) {
    const bool json = args.json;
    const bool no_model = args.no_model;
    const auto& schema_path = args.schema_path;
    const JobOptions& options = args.options;
    if (args.suite_path.empty()) return fail(kName, "give the SUITE.jsonl to score (sigma eval --help)", kExitUsage);

    std::string error;
    auto suite = domain::load_suite(args.suite_path, &error);
    if (!suite) return fail(kName, error);

    auto qt = ensure_qt_app();
    Shared shared;
    shared.timeout_ms = options.timeout_ms;
    shared.candidates = args.candidates;
    shared.rerank = !args.no_rerank;
    shared.repair = !args.no_repair;
    shared.examples = !args.no_examples;
    shared.proposals = !args.no_proposals;
    if (args.constraints || args.no_constraints) shared.constrain = args.constraints;
    if (args.slice || args.no_slice) shared.slice = args.slice;
    std::unique_ptr<app::Backend> backend;
    if (!no_model) {
        QString kind, model;
        backend = open_backend(kName, options, &kind, &model);
        if (!backend) return kExitFailure;
        shared.backend = backend.get();
        shared.corpus = domain::ExampleCorpus::load_default(&error);
        std::cerr << "sigma eval: " << suite->cases.size() << " cases on " << kind.toStdString() << " model "
                  << model.toStdString() << "\n";
    }

    domain::SuiteReport report;
    report.suite = suite->name;
    report.kind = suite->kind;
    const size_t total = suite->cases.size();

    std::optional<domain::KqlSchema> loaded_schema;
    const domain::KqlSchema* schema = nullptr;
    domain::KqlTableHints hints;
    std::optional<domain::SignaturePack> pack;
    std::optional<app::DiagnoseTask> diagnose;
    if (suite->kind == domain::SuiteKind::Kql) {
        if (schema_path) {
            loaded_schema = domain::KqlSchema::load(*schema_path, &error);
            if (!loaded_schema) return fail(kName, error);
            schema = &*loaded_schema;
        } else {
            schema = &domain::KqlSchema::builtin(&error);
            if (schema->tables.empty()) return fail(kName, "the built-in schema pack is missing: " + error);
        }
        hints = domain::KqlTableHints::load_default();
    } else if (suite->kind == domain::SuiteKind::Diagnosis) {
        pack = domain::SignaturePack::load_default(&error);
        if (!pack) return fail(kName, error);
        diagnose.emplace(*pack);
    }

    for (size_t i = 0; i < total; ++i) {
        const nlohmann::ordered_json& c = suite->cases[i];
        switch (suite->kind) {
            case domain::SuiteKind::CmdGen: report.cases.push_back(eval_cmdgen(shared, c)); break;
            case domain::SuiteKind::Kql: report.cases.push_back(eval_kql(shared, c, *schema, hints)); break;
            case domain::SuiteKind::Diagnosis: report.cases.push_back(eval_diagnosis(shared, c, *diagnose)); break;
        }
        progress(i + 1, total, domain::json_string(c, "id"));
    }
    domain::aggregate(report);
    if (json) {
        std::cout << domain::dump_json(domain::report_to_json(report)) << "\n";
    } else {
        std::cout << domain::report_to_table(report);
    }
    return kExitOk;
}

}  // namespace

void add_eval_command(CLI::App& root, CommandAction& action) {
    auto a = std::make_shared<EvalArgs>();
    CLI::App* sub =
        root.add_subcommand("eval", "score a cmdgen, kql or diagnosis suite (JSON lines) on a model or the rules");
    sub->add_option("SUITE", a->suite_path, "the suite: one JSON case per line")->type_name("");
    sub->add_flag("--no-model", a->no_model, "score the deterministic layer on the suite's own references");
    sub->add_option("--schema", a->schema_path, "the KQL tables (default: the built-in schema)")->type_name("FILE");
    sub->add_flag("--json", a->json, "print the report as one JSON object on stdout");
    sub->add_option("--candidates", a->candidates, "answers to sample and rank (1 to 16; default: each task's own)")
        ->check(integer_in(1, 16))
        ->type_name("K");
    sub->add_flag("--no-rerank", a->no_rerank, "take the first answer instead of the best ranked");
    sub->add_flag("--no-repair", a->no_repair, "no repair round on validator errors");
    sub->add_flag("--no-examples", a->no_examples, "no few-shot examples in the prompt");
    sub->add_flag("--no-proposals", a->no_proposals,
                  "no nvidia-smi queries composed from the catalogue among the candidates");
    sub->add_flag("--constraints", a->constraints, "constrained decoding on (default: on for commands, off for KQL)");
    sub->add_flag("--no-constraints", a->no_constraints, "constrained decoding off");
    sub->add_flag("--slice", a->slice, "the nvidia-smi catalogue slice in command prompts (default off)");
    sub->add_flag("--no-slice", a->no_slice, "no catalogue slice");
    add_job_options(*sub, a->options);
    sub->footer(
        "Examples:\n"
        "  sigma eval tests/data/eval/cmdgen.dev.jsonl --no-model\n"
        "  sigma eval tests/data/eval/kql.dev.jsonl -m model.gguf --json");
    on_parsed(*sub, action, [a] { return run_eval(*a); });
}

}  // namespace sigma::cli
