// The model-backed jobs behind `sigma cmd`, `sigma kql` and `sigma diagnose`: each builds the
// backend, runs its task pipeline, records the session and prints. The commands' files parse their
// own modes (--validate, --no-model) and call these for the rest.
#pragma once

#include <string>

#include "app/cli/cli_args.h"

namespace sigma::cli {

// sigma cmd "REQUEST" [--shell S] [--os OS] [--json] [--run [--yes] [--yes-destructive]] + job options
int run_command_job(CliArgs& args, const std::string& request);

// sigma kql "QUESTION" [--schema FILE] [--json] [--repairs N] + job options
int run_kql_job(CliArgs& args, const std::string& question);

// sigma diagnose [FILE|-] [--json] + job options: the rules engine, then the model's summary.
int run_diagnose_job(CliArgs& args, const std::string& input);

}  // namespace sigma::cli
