// The `sigma` subcommands, one file cmd_<name>.cpp each. Each add_*_command adds its subcommand to
// the root: its arguments and options (one line of help each, values checked as they are read) and
// examples; when it is the one parsed, `action` is set to run it with the values read.
// Exit codes: 0 success, 1 the job failed (message on stderr), 2 a usage error (message on stderr).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace sigma::cli {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// The parsed command, ready to run; returns the exit code.
using CommandAction = std::function<int()>;

// The three jobs first, in the order `sigma --help` lists them.
void add_cmd_command(CLI::App& root, CommandAction& action);       // sigma cmd "REQUEST" | --validate "COMMAND"
void add_kql_command(CLI::App& root, CommandAction& action);       // sigma kql "QUESTION" | --validate "QUERY"
void add_diagnose_command(CLI::App& root, CommandAction& action);  // sigma diagnose [FILE|-]
void add_eval_command(CLI::App& root, CommandAction& action);      // sigma eval SUITE.jsonl
void add_history_command(CLI::App& root, CommandAction& action);  // sigma history list|search TEXT|show ID|delete ID...
void add_export_command(CLI::App& root, CommandAction& action);   // sigma export --git DIR
void add_serve_command(CLI::App& root, CommandAction& action);    // sigma serve -m FILE | --remote URL
void add_run_command(CLI::App& root, CommandAction& action);      // sigma run -m FILE -p TEXT
void add_model_command(CLI::App& root, CommandAction& action);    // sigma model info FILE
void add_bench_command(CLI::App& root, CommandAction& action);    // sigma bench -m FILE

// Makes `run` the action once `sub` is parsed (CLI11 calls back after the whole line is read).
inline void on_parsed(CLI::App& sub, CommandAction& action, CommandAction run) {
    sub.callback([&action, run = std::move(run)] { action = run; });
}

// Prints "sigma <command>: <message>" to stderr and returns `code`.
int fail(const char* command, const std::string& message, int code = kExitFailure);

}  // namespace sigma::cli
