// sigma cmd --validate: checks one shell or nvidia-smi command (syntax, known programs, options,
// query fields) and prints its risk class with reasons. Not a generator yet: turning a request into
// a command needs a model, which this command reports rather than guessing.
#include <algorithm>
#include <iostream>
#include <iterator>
#include <string>

#include "app/cli/commands.h"
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
    const bool json = args.flag({"--json"});
    // Generation options are read so that they are not reported as misspelt; generation itself needs a model.
    auto model = args.value({"-m", "--model"});
    auto remote = args.value({"--remote"});
    (void)args.value({"--shell"});
    (void)args.flag({"--run"});
    (void)args.flag({"--yes-destructive"});
    auto request = command ? std::nullopt : args.positional();
    if (!args.finish()) return fail("cmd", args.error(), kExitUsage);
    if (!command && !request)
        return fail("cmd", "usage: sigma cmd --validate \"COMMAND\" [--json]  (or: sigma cmd \"REQUEST\" -m FILE)", kExitUsage);
    if (!command) {
        return fail("cmd", std::string("generating a command from a request needs a model") +
                               (model || remote ? ", and this build cannot run one yet" : " (-m FILE or --remote URL)") +
                               "; to check a command you already have, use --validate \"COMMAND\"");
    }
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
