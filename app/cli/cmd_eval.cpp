// sigma eval SUITE.jsonl: scores a task suite. With --no-model it scores the deterministic layer
// (validators, risk classifier, rules engine) on the suite's own references.
#include <unistd.h>

#include <algorithm>

#include <cstdio>
#include <iostream>

#include "app/cli/commands.h"
#include "app/domain/diag_engine.h"
#include "app/domain/diag_signatures.h"
#include "app/domain/eval_scorers.h"
#include "app/domain/eval_suite.h"
#include "app/domain/kql_schema.h"

namespace sigma::cli {

namespace {

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

}  // namespace

int cmd_eval(CliArgs& args) {
    const bool json = args.flag({"--json"});
    const bool no_model = args.flag({"--no-model"});
    const auto schema_path = args.value({"--schema"});
    const auto model_path = args.value({"-m", "--model"});
    const auto remote = args.value({"--remote"});
    const auto suite_path = args.positional();
    if (!args.finish()) return fail("eval", args.error(), kExitUsage);
    if (!suite_path) return fail("eval", "usage: sigma eval SUITE.jsonl [--schema FILE] [--no-model] [--json]", kExitUsage);
    if (!no_model)
        return fail("eval",
                    "model-backed evaluation is not available in this build; use --no-model to score the "
                    "validators and the rules engine",
                    kExitFailure);
    (void)model_path;
    (void)remote;

    std::string error;
    auto suite = domain::load_suite(*suite_path, &error);
    if (!suite) return fail("eval", error);

    domain::SuiteReport report;
    report.suite = suite->name;
    report.kind = suite->kind;
    const size_t total = suite->cases.size();

    switch (suite->kind) {
        case domain::SuiteKind::CmdGen: {
            for (size_t i = 0; i < total; ++i) {
                const auto& c = suite->cases[i];
                report.cases.push_back(
                    domain::score_cmdgen_case(c, c.get_string("reference"), domain::EvalMode::Deterministic));
                progress(i + 1, total, c.get_string("id"));
            }
            break;
        }
        case domain::SuiteKind::Kql: {
            std::optional<domain::KqlSchema> loaded;
            const domain::KqlSchema* schema = nullptr;
            if (schema_path) {
                loaded = domain::KqlSchema::load(*schema_path, &error);
                if (!loaded) return fail("eval", error);
                schema = &*loaded;
            } else {
                schema = &domain::KqlSchema::builtin(&error);
                if (!error.empty()) return fail("eval", error);
            }
            for (size_t i = 0; i < total; ++i) {
                const auto& c = suite->cases[i];
                report.cases.push_back(
                    domain::score_kql_case(c, c.get_string("reference"), *schema, domain::EvalMode::Deterministic));
                progress(i + 1, total, c.get_string("id"));
            }
            break;
        }
        case domain::SuiteKind::Diagnosis: {
            auto pack = domain::SignaturePack::load_default(&error);
            if (!pack) return fail("eval", error);
            const domain::DiagEngine engine(*pack);
            for (size_t i = 0; i < total; ++i) {
                const auto& c = suite->cases[i];
                report.cases.push_back(domain::score_diagnosis_case(c, engine.run_text(c.get_string("log"))));
                progress(i + 1, total, c.get_string("id"));
            }
            break;
        }
    }
    domain::aggregate(report);
    if (json) {
        std::cout << domain::report_to_json(report).dump() << "\n";
    } else {
        std::cout << domain::report_to_table(report);
    }
    return kExitOk;
}

}  // namespace sigma::cli
