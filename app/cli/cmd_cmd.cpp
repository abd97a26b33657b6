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
#include "app/domain/flag_explainer.h"

namespace sigma::cli {

namespace {

using sigma::domain::CheckMessage;
using sigma::domain::CommandCheck;
using sigma::domain::FlagExplanation;
using sigma::domain::Json;

// The same keys as the model-backed job's "flags": flag, meaning, and value/details when present.
Json flags_json(const std::vector<FlagExplanation>& flags) {
    Json out = Json::array();
    for (const FlagExplanation& f : flags) {
        Json o = Json::object();
        o.set("program", Json(f.program));
        o.set("flag", Json(f.flag));
        o.set("meaning", Json(f.meaning));
        if (f.has_value) o.set("value", Json(f.value));
        if (!f.details.empty()) {
            Json details = Json::array();
            for (const auto& d : f.details) {
                Json item = Json::object();
                item.set("item", Json(d.item));
                item.set("meaning", Json(d.meaning));
                details.push(std::move(item));
            }
            o.set("details", std::move(details));
        }
        out.push(std::move(o));
    }
    return out;
}

void print_flags(const std::vector<FlagExplanation>& flags) {
    if (flags.empty()) return;
    std::cout << "flags:\n";
    for (const FlagExplanation& f : flags) {
        std::cout << "  " << f.flag << (f.has_value ? " " + f.value : std::string()) << "  "
                  << (f.meaning.empty() ? std::string("(no description in the knowledge pack)") : f.meaning) << "\n";
        for (const auto& d : f.details) std::cout << "      " << d.item << (d.meaning.empty() ? "" : ": " + d.meaning) << "\n";
    }
}

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
    const std::vector<FlagExplanation> flags = sigma::domain::explain_flags(*command);
    if (json) {
        sigma::domain::Json out = sigma::domain::command_check_json(c);
        out.set("flags", flags_json(flags));
        std::cout << out.dump() << "\n";
        return c.valid ? kExitOk : kExitFailure;
    }
    std::cout << (c.valid ? "VALID" : "INVALID") << "  risk: " << sigma::domain::risk_text(c.risk) << "\n";
    for (const std::string& r : c.reasons) std::cout << "  - " << r << "\n";
    for (const CheckMessage& m : c.messages) print_message(*command, m);
    print_flags(flags);
    return c.valid ? kExitOk : kExitFailure;
}

}  // namespace sigma::cli
