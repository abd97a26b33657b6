// sigma cmd --validate: checks one shell or nvidia-smi command (syntax, known programs, options,
// query fields) and prints its risk class with reasons. Not the generator: a request in plain English
// goes to run_command_job (job_cmd.cpp), which needs a model.
#include <algorithm>
#include <iostream>
#include <iterator>
#include <string>

#include "app/cli/commands.h"
#include "app/cli/jobs.h"
#include "app/domain/command_validator.h"

namespace sigma::cli {

namespace {

using sigma::domain::CheckMessage;
using sigma::domain::CommandCheck;

// The command with a caret run under the bytes a message points at (single-line commands only).
void print_message(const std::string& command, const CheckMessage& m) {
    std::cout << sigma::domain::severity_text(m.severity) << " at byte " << m.start << ": " << m.text << "\n";
    if (command.find('\n') == std::string::npos && m.start <= command.size()) {
        const size_t len = std::max<size_t>(1, std::min(m.length, command.size() - std::min(m.start, command.size())));
        std::cout << "  " << command << "\n  " << std::string(m.start, ' ') << std::string(len, '^') << "\n";
    }
    if (!m.suggestions.empty()) {
        std::cout << "  did you mean: ";
        for (size_t i = 0; i < m.suggestions.size(); ++i) std::cout << (i ? ", " : "") << m.suggestions[i];
        std::cout << "\n";
    }
}

}  // namespace

int cmd_cmd(CliArgs& args) {
    auto command = args.value({"--validate"});
    if (!command) {
        // A request in plain English goes to the model-backed job, which reads its own options.
        auto request = args.positional();
        if (!request) {
            if (!args.finish()) return fail("cmd", args.error(), kExitUsage);
            return fail("cmd", "usage: sigma cmd --validate \"COMMAND\" [--json]  (or: sigma cmd \"REQUEST\" -m FILE)", kExitUsage);
        }
        return run_command_job(args, *request);
    }
    const bool json = args.flag({"--json"});
    if (!args.finish()) return fail("cmd", args.error(), kExitUsage);
    if (*command == "-") command = std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    while (!command->empty() && (command->back() == '\n' || command->back() == '\r')) command->pop_back();

    const CommandCheck c = sigma::domain::check_command(*command);
    if (json) {
        std::cout << sigma::domain::command_check_json(c).dump() << "\n";
        return c.valid ? kExitOk : kExitFailure;
    }
    std::cout << (c.valid ? "VALID" : "INVALID") << "  risk: " << sigma::domain::risk_text(c.risk) << "\n";
    for (const std::string& r : c.reasons) std::cout << "  - " << r << "\n";
    for (const CheckMessage& m : c.messages) print_message(*command, m);
    return c.valid ? kExitOk : kExitFailure;
}

}  // namespace sigma::cli
