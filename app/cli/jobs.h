// The model-backed jobs behind `sigma cmd`, `sigma kql` and `sigma diagnose`: each builds the
// backend, runs its task pipeline, records the session and prints. The commands' files declare the
// options and handle their model-free modes (--validate, --no-model); these run the rest.
#pragma once

#include <optional>
#include <string>

#include "app/cli/job_options.h"

namespace sigma::cli {

// sigma cmd "REQUEST" [--shell S] [--os OS] [--candidates K] [--json] [--run [--yes] [--yes-destructive]]
struct CommandJobArgs {
    std::string request;
    std::optional<std::string> shell;  // --shell S
    std::optional<std::string> os;     // --os OS
    std::optional<int> candidates;     // --candidates K (1..16); else the task's default
    bool json = false;
    bool run = false;              // --run: run the command after its checks
    bool yes = false;              // -y, --yes: a state-changing command may run
    bool yes_destructive = false;  // --yes-destructive: so may a destructive one
    JobOptions options;
};
int run_command_job(const CommandJobArgs& args);

// sigma kql "QUESTION" [--schema FILE] [--repairs N] [--candidates K] [--json]
struct KqlJobArgs {
    std::string question;
    std::optional<std::string> schema_path;  // --schema FILE; else the built-in schema
    std::optional<int> repairs;              // --repairs N (0..5)
    std::optional<int> candidates;           // --candidates K (1..16)
    bool json = false;
    JobOptions options;
};
int run_kql_job(const KqlJobArgs& args);

// sigma diagnose [FILE|-] [--json]: the rules engine, then the model's summary.
struct DiagnoseJobArgs {
    std::string input = "-";  // a file, or - for standard input
    bool json = false;
    JobOptions options;
};
int run_diagnose_job(const DiagnoseJobArgs& args);

}  // namespace sigma::cli
