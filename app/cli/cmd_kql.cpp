// sigma kql: checks a KQL query against a schema (--validate) and shows each error under the query
// with a caret. A question instead of --validate goes to the model-backed job (job_kql.cpp).
#include <iostream>
#include <iterator>
#include <string>

#include "app/cli/commands.h"
#include "app/cli/jobs.h"
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

}  // namespace

int cmd_kql(CliArgs& args) {
    auto query = args.value({"--validate"});
    if (!query) {
        const auto asked = args.positional();
        if (!asked) return fail("kql", "usage: sigma kql \"QUESTION\" | --validate \"QUERY\" [--schema FILE] [--json]", kExitUsage);
        return run_kql_job(args, *asked);
    }
    auto schema_path = args.value({"--schema"});
    const bool json = args.flag({"--json"});
    if (!args.finish()) return fail("kql", args.error(), kExitUsage);
    if (*query == "-") {
        query = std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    }

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

    const domain::KqlValidation v = domain::validate_kql(*query, *schema);
    if (json) {
        std::cout << domain::kql_validation_json(v).dump() << "\n";
    } else if (v.valid) {
        std::cout << "valid KQL (" << schema->tables.size() << " tables in the schema)\n";
    } else {
        for (const KqlDiagnostic& d : v.diagnostics) print_diagnostic(*query, d);
    }
    return v.valid ? kExitOk : kExitFailure;
}

}  // namespace sigma::cli
