// sigma cmd: its options, and --validate, which checks one shell or nvidia-smi command (syntax, known
// programs, options, query fields) and prints its risk class with reasons. Not the generator: a
// request in plain English goes to run_command_job (job_cmd.cpp), which needs a model.
#include <algorithm>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>

#include "app/cli/commands.h"
#include "app/cli/jobs.h"
#include "app/cli/option_checks.h"
#include "app/command_task.h"
#include "app/domain/command_validator.h"
#include "app/domain/flag_explainer.h"
#include "app/domain/json_parse.h"

namespace sigma::cli {

namespace {

constexpr const char* kName = "cmd";

using nlohmann::ordered_json;
using sigma::domain::CheckMessage;
using sigma::domain::CommandCheck;
using sigma::domain::FlagExplanation;

// The same keys as the model-backed job's "flags": flag, meaning, and value/details when present.
ordered_json flags_json(const std::vector<FlagExplanation>& flags) {
    ordered_json out = ordered_json::array();
    for (const FlagExplanation& f : flags) {
        ordered_json o = ordered_json::object();
        o["program"] = f.program;
        o["flag"] = f.flag;
        o["meaning"] = f.meaning;
        if (f.has_value) o["value"] = f.value;
        if (!f.details.empty()) {
            ordered_json details = ordered_json::array();
            for (const auto& d : f.details) {
                ordered_json item = ordered_json::object();
                item["item"] = d.item;
                item["meaning"] = d.meaning;
                details.push_back(std::move(item));
            }
            o["details"] = std::move(details);
        }
        out.push_back(std::move(o));
    }
    return out;
}

void print_flags(const std::vector<FlagExplanation>& flags) {
    if (flags.empty()) return;
    std::cout << "flags:\n";
    for (const FlagExplanation& f : flags) {
        std::cout << "  " << f.flag << (f.has_value ? " " + f.value : std::string()) << "  "
                  << (f.meaning.empty() ? std::string("(no description in the knowledge pack)") : f.meaning) << "\n";
        for (const auto& d : f.details)
            std::cout << "      " << d.item << (d.meaning.empty() ? "" : ": " + d.meaning) << "\n";
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

// Checks one command (--validate) and prints the verdict; exit 1 when it does not validate.
int validate_command(std::string command, bool json) {
    if (command == "-")
        command = std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    while (!command.empty() && (command.back() == '\n' || command.back() == '\r')) command.pop_back();

    const CommandCheck c = sigma::domain::check_command(command);
    const std::vector<FlagExplanation> flags = sigma::domain::explain_flags(command);
    if (json) {
        ordered_json out = sigma::domain::command_check_json(c);
        out["flags"] = flags_json(flags);
        std::cout << sigma::domain::dump_json(out) << "\n";
        return c.valid ? kExitOk : kExitFailure;
    }
    std::cout << (c.valid ? "VALID" : "INVALID") << "  risk: " << sigma::domain::risk_text(c.risk) << "\n";
    for (const std::string& r : c.reasons) std::cout << "  - " << r << "\n";
    for (const CheckMessage& m : c.messages) print_message(command, m);
    print_flags(flags);
    return c.valid ? kExitOk : kExitFailure;
}

struct CmdArgs {
    std::optional<std::string> validate;  // --validate COMMAND
    CommandJobArgs job;                   // a request, and --json for both modes
};

int run_cmd(const CmdArgs& a, const CLI::App& sub) {
    if (a.validate) {
        if (sub.count("REQUEST") > 0) return fail(kName, "give a REQUEST or --validate COMMAND, not both", kExitUsage);
        const std::string job_only =
            first_given(sub, {"--shell", "--os", "--candidates", "--run", "--yes", "--yes-destructive"});
        for (const std::string& given : {job_only, first_given(sub, kJobOptionNames)})
            if (!given.empty()) return fail(kName, given + " applies to a REQUEST, not to --validate", kExitUsage);
        return validate_command(*a.validate, a.job.json);
    }
    if (sub.count("REQUEST") == 0)
        return fail(kName, "give a REQUEST in plain English, or --validate COMMAND (sigma cmd --help)", kExitUsage);
    return run_command_job(a.job);
}

}  // namespace

void add_cmd_command(CLI::App& root, CommandAction& action) {
    auto a = std::make_shared<CmdArgs>();
    CLI::App* sub =
        root.add_subcommand("cmd", "one checked shell or nvidia-smi command from a request in plain English");
    sub->add_option("REQUEST", a->job.request, "what you want done, in plain English")->type_name("");
    sub->add_option("--validate", a->validate, "check COMMAND (- reads it from stdin) instead: options, fields, risk")
        ->type_name("COMMAND");
    sub->add_flag("--json", a->job.json, "print one JSON object on stdout");
    sub->add_option("--shell", a->job.shell, "the shell the command is for (default bash)")->type_name("S");
    sub->add_option("--os", a->job.os, "the operating system it is for (default Linux)")->type_name("OS");
    sub->add_option("--candidates", a->job.candidates,
                    "answers to sample and rank (1 to 16; default " +
                        std::to_string(app::CommandRequest::kDefaultCandidates) + ")")
        ->check(integer_in(1, 16))
        ->type_name("K");
    sub->add_flag("--run", a->job.run, "run the command after its checks (asks first unless read-only)");
    sub->add_flag("-y,--yes", a->job.yes, "with --run: a state-changing command runs without asking");
    sub->add_flag("--yes-destructive", a->job.yes_destructive, "with --run: so may a destructive one");
    add_job_options(*sub, a->job.options);
    sub->footer(
        "Examples:\n"
        "  sigma cmd \"show memory used on every GPU\"\n"
        "  sigma cmd \"restart the docker service\" --run --yes\n"
        "  sigma cmd --validate \"nvidia-smi -i 0 -pm 1\" --json");
    on_parsed(*sub, action, [a, sub] { return run_cmd(*a, *sub); });
}

}  // namespace sigma::cli
