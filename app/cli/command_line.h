// CommandLine: the whole `sigma` command line as one CLI11 application: the subcommands (each added
// by its cmd_<name>.cpp), the top-level usage that lists every job, --help for each command, and
// usage errors that name what was wrong with the nearest spelling (exit 2).
// Not where any command's work happens: the parsed command's action does that.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "app/cli/commands.h"

namespace sigma::cli {

class CommandLine {
public:
    CommandLine();
    CommandLine(const CommandLine&) = delete;  // the subcommands' callbacks hold &action_
    CommandLine& operator=(const CommandLine&) = delete;

    // Parses the arguments and runs the chosen command; returns the process's exit code.
    int run(int argc, char** argv);

    // `sigma --help`: the three jobs with examples first, then every other command, one line each.
    std::string usage() const;

private:
    // `sigma help [COMMAND]`.
    int help(const std::string& command) const;
    // Prints "sigma[ COMMAND]: message" and a pointer to --help on stderr; returns kExitUsage.
    int usage_error(const CLI::App* command, const std::string& message) const;
    // An argument no option or positional took, worded with the nearest spelling; empty when none.
    std::string leftover_problem(const CLI::App** where) const;

    CLI::App root_;
    CommandAction action_;
};

}  // namespace sigma::cli
