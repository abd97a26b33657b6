// sigma kql: its options, and --validate, which checks a KQL query against a schema and shows each
// error under the query with a caret. A question goes to the model-backed job (job_kql.cpp).
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>

#include "app/cli/commands.h"
#include "app/cli/jobs.h"
#include "app/cli/option_checks.h"
#include "app/domain/json_parse.h"
#include "app/domain/kql_schema.h"
#include "app/domain/kql_validator.h"

namespace sigma::cli {

namespace {

using sigma::domain::KqlDiagnostic;
using sigma::domain::KqlSchema;

// The query line holding `d`, with a caret run under the bytes at fault.
void print_diagnostic(const std::string& query, const KqlDiagnostic& d) {
    size_t start = std::min(d.start, query.size());
    size_t line_start = query.rfind('\n', start == 0 ? 0 : start - 1);
    line_start = (line_start == std::string::npos || start == 0) ? 0 : line_start + 1;
    if (start < query.size() && query[start] == '\n' && start == line_start) line_start = start;
    size_t line_end = query.find('\n', start);
    if (line_end == std::string::npos) line_end = query.size();
    size_t line_no = 1;
    for (size_t i = 0; i < line_start; ++i) line_no += query[i] == '\n';
    std::string sev = d.severity == "Error" ? "error" : "warning";
    std::cout << sev << " at line " << line_no << ", column " << (start - line_start + 1) << " (offset " << d.start
              << "): " << d.message << "\n";
    std::string line = query.substr(line_start, line_end - line_start);
    for (char& c : line)
        if (c == '\t') c = ' ';
    std::cout << "  " << line << "\n  " << std::string(start - line_start, ' ')
              << std::string(std::max<size_t>(1, std::min(d.length, line_end - start)), '^') << "\n";
}

// Checks one query (--validate) against the schema; exit 1 when it does not validate.
int validate_query(std::string query, const std::optional<std::string>& schema_path, bool json) {
    if (query == "-") query = std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());

    std::string error;
    std::optional<KqlSchema> loaded;
    const KqlSchema* schema = nullptr;
    if (schema_path) {
        loaded = KqlSchema::load(*schema_path, &error);
        if (!loaded) return fail("kql", error);
        schema = &*loaded;
    } else {
        schema = &KqlSchema::builtin(&error);
        if (schema->tables.empty()) return fail("kql", "no built-in KQL schema: " + error + " (pass --schema FILE)");
    }

    const domain::KqlValidation v = domain::validate_kql(query, *schema);
    if (json) {
        std::cout << domain::dump_json(domain::kql_validation_json(v)) << "\n";
    } else if (v.valid) {
        std::cout << "valid KQL (" << schema->tables.size() << " tables in the schema)\n";
    } else {
        for (const KqlDiagnostic& d : v.diagnostics) print_diagnostic(query, d);
    }
    return v.valid ? kExitOk : kExitFailure;
}

struct KqlArgs {
    std::optional<std::string> validate;  // --validate QUERY
    KqlJobArgs job;                       // a question, and --schema and --json for both modes
};

int run_kql(const KqlArgs& a, const CLI::App& sub) {
    if (a.validate) {
        if (sub.count("QUESTION") > 0) return fail("kql", "give a QUESTION or --validate QUERY, not both", kExitUsage);
        for (const std::string& given :
             {first_given(sub, {"--repairs", "--candidates"}), first_given(sub, kJobOptionNames)})
            if (!given.empty()) return fail("kql", given + " applies to a QUESTION, not to --validate", kExitUsage);
        return validate_query(*a.validate, a.job.schema_path, a.job.json);
    }
    if (sub.count("QUESTION") == 0)
        return fail("kql", "give a QUESTION in plain English, or --validate QUERY (sigma kql --help)", kExitUsage);
    return run_kql_job(a.job);
}

}  // namespace

void add_kql_command(CLI::App& root, CommandAction& action) {
    auto a = std::make_shared<KqlArgs>();
    CLI::App* sub = root.add_subcommand("kql", "a KQL (Kusto) query from a question, checked against the table schema");
    sub->add_option("QUESTION", a->job.question, "what you want to know, in plain English")->type_name("");
    sub->add_option("--validate", a->validate, "check QUERY (- reads it from stdin) instead, with exact positions")
        ->type_name("QUERY");
    sub->add_option("--schema", a->job.schema_path, "the tables and columns, as JSON (default: the built-in schema)")
        ->type_name("FILE");
    sub->add_flag("--json", a->job.json, "print one JSON object on stdout");
    sub->add_option("--repairs", a->job.repairs, "rounds of repair on validator errors (0 to 5; default 2)")
        ->check(integer_in(0, 5))
        ->type_name("N");
    sub->add_option("--candidates", a->job.candidates, "answers to sample and rank per round (1 to 16; default 4)")
        ->check(integer_in(1, 16))
        ->type_name("K");
    add_job_options(*sub, a->job.options);
    sub->footer(
        "Examples:\n"
        "  sigma kql \"failed sign-ins by user today\"\n"
        "  sigma kql \"count error events per computer in the last day\" --schema tables.json --json\n"
        "  sigma kql --validate \"SigninLogs | where ResultType != 0 | count\"");
    on_parsed(*sub, action, [a, sub] { return run_kql(*a, *sub); });
}

}  // namespace sigma::cli
