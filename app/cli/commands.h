// The `sigma` subcommands, one function per file cmd_<name>.cpp.
// Exit codes: 0 success, 1 the job failed (message on stderr), 2 a usage error (message on stderr).
#pragma once

#include "app/cli/cli_args.h"

namespace sigma::cli {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

int cmd_run(CliArgs& args);       // sigma run -m FILE -p TEXT ...
int cmd_model(CliArgs& args);     // sigma model info FILE
int cmd_cmd(CliArgs& args);       // sigma cmd "REQUEST" | --validate "COMMAND"
int cmd_kql(CliArgs& args);       // sigma kql "QUESTION" | --validate "QUERY"
int cmd_diagnose(CliArgs& args);  // sigma diagnose [FILE|-]
int cmd_eval(CliArgs& args);      // sigma eval SUITE.jsonl
int cmd_serve(CliArgs& args);     // sigma serve [--host H] [--port P] [--api-key K] -m FILE | --remote URL
int cmd_history(CliArgs& args);   // sigma history list|search TEXT|show ID|delete ID...
int cmd_bench(CliArgs& args);    // sigma bench -m FILE [-p N] [-n N] [-d N] [-t N] [-r REPS] [--json]
int cmd_export(CliArgs& args);    // sigma export --git DIR [--since DATE] [--author "Name <email>"]

// Prints "sigma <command>: <message>" to stderr and returns `code`.
int fail(const char* command, const std::string& message, int code = kExitFailure);

}  // namespace sigma::cli
