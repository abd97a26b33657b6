// CommandLine over CLI11 2.1. Options may come before or after the arguments; an option given twice
// keeps the last value. Leftovers are collected (allow_extras) rather than thrown, so that the
// message can name the first one and suggest a spelling instead of CLI11's "not expected" list.
#include "app/cli/command_line.h"

#include <algorithm>
#include <functional>
#include <iostream>
#include <vector>

#include "app/cli/usage_errors.h"

namespace sigma::cli {

namespace {

struct CommandLineForm {
    const char* name;
    const char* synopsis;  // after "sigma "
    const char* example;   // the three jobs only
};

// How `sigma --help` shows each command; the one-line description is the subcommand's own.
constexpr CommandLineForm kForms[] = {
    {"cmd", "cmd \"REQUEST\"", "sigma cmd \"show memory used on every GPU\""},
    {"kql", "kql \"QUESTION\"", "sigma kql \"failed sign-ins by user today\""},
    {"diagnose", "diagnose FILE", "journalctl -k -b | sigma diagnose -"},
    {"eval", "eval SUITE.jsonl", nullptr},
    {"history", "history ACTION", nullptr},
    {"export", "export --git DIR", nullptr},
    {"serve", "serve -m FILE", nullptr},
    {"run", "run -m FILE -p TEXT", nullptr},
    {"model", "model info FILE", nullptr},
    {"bench", "bench -m FILE", nullptr},
};
constexpr size_t kJobCount = 3;  // the first three forms are the product's jobs

std::vector<const CLI::App*> all_commands(const CLI::App& root) {
    return root.get_subcommands(std::function<bool(const CLI::App*)>());
}

}  // namespace

CommandLine::CommandLine()
    : root_("Sigma Ops: an offline assistant for operators of systems and GPU clusters.", "sigma") {
    root_.set_help_flag("-h,--help", "print this help and exit");
    // One command per line: without the limit CLI11 would start a second command at a word such as
    // "run" in `sigma history search run`.
    root_.require_subcommand(0, 1);
    root_.allow_extras();
    root_.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    root_.get_formatter()->column_width(30);
    add_cmd_command(root_, action_);
    add_kql_command(root_, action_);
    add_diagnose_command(root_, action_);
    add_eval_command(root_, action_);
    add_history_command(root_, action_);
    add_export_command(root_, action_);
    add_serve_command(root_, action_);
    add_run_command(root_, action_);
    add_model_command(root_, action_);
    add_bench_command(root_, action_);
}

int CommandLine::run(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << usage();
        return kExitUsage;
    }
    if (std::string(argv[1]) == "help") return help(argc > 2 ? argv[2] : "");
    try {
        root_.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        std::cout << (root_.get_subcommands().empty() ? usage() : root_.help());
        return kExitOk;
    } catch (const CLI::ParseError& e) {
        const auto parsed = root_.get_subcommands();
        return usage_error(parsed.empty() ? nullptr : parsed.front(), parse_error_text(e));
    }
    const CLI::App* where = nullptr;
    if (const std::string problem = leftover_problem(&where); !problem.empty()) return usage_error(where, problem);
    if (!action_) {
        std::cerr << usage();
        return kExitUsage;
    }
    return action_();
}

std::string CommandLine::usage() const {
    const auto description = [this](const char* name) {
        for (const CLI::App* sub : all_commands(root_))
            if (sub->get_name() == name) return sub->get_description();
        return std::string();
    };
    size_t width = 0;
    for (const CommandLineForm& f : kForms) width = std::max(width, std::string(f.synopsis).size());
    const auto line = [&](const CommandLineForm& f) {
        std::string s = "  sigma " + std::string(f.synopsis);
        s += std::string(width + 3 - std::string(f.synopsis).size(), ' ') + description(f.name) + "\n";
        if (f.example) s += std::string(width + 11, ' ') + "e.g. " + f.example + "\n";
        return s;
    };
    std::string out = root_.get_description() + "\n\n";
    out += "Usage: sigma COMMAND [ARGUMENTS] [OPTIONS]\n";
    out += "       sigma COMMAND --help   the command's arguments and options, one line each\n\n";
    out += "The three jobs:\n";
    for (size_t i = 0; i < kJobCount; ++i) out += line(kForms[i]);
    out += "\nOther commands:\n";
    for (size_t i = kJobCount; i < std::size(kForms); ++i) out += line(kForms[i]);
    // A command added without a form above is still listed.
    for (const CLI::App* sub : all_commands(root_)) {
        const bool listed = std::any_of(std::begin(kForms), std::end(kForms),
                                        [&](const CommandLineForm& f) { return sub->get_name() == f.name; });
        if (!listed) out += line({sub->get_name().c_str(), sub->get_name().c_str(), nullptr});
    }
    out += "\nThe model jobs (cmd, kql, diagnose, eval) run the embedded model unless given -m FILE or --remote URL.\n";
    out += "Exit codes: 0 success, 1 the job failed, 2 a usage error.\n";
    return out;
}

int CommandLine::help(const std::string& command) const {
    if (command.empty() || command == "help") {
        std::cout << usage();
        return kExitOk;
    }
    for (const CLI::App* sub : all_commands(root_)) {
        if (sub->get_name() == command) {
            std::cout << sub->help("sigma");
            return kExitOk;
        }
    }
    return usage_error(nullptr, unknown_command_text(root_, command));
}

int CommandLine::usage_error(const CLI::App* command, const std::string& message) const {
    const std::string name = command ? "sigma " + command->get_name() : std::string("sigma");
    std::cerr << name << ": " << message << "\n"
              << "Run '" << name << " --help' for " << (command ? "its arguments and options" : "the commands")
              << ".\n";
    return kExitUsage;
}

std::string CommandLine::leftover_problem(const CLI::App** where) const {
    const auto parsed = root_.get_subcommands();
    const CLI::App* command = parsed.empty() ? nullptr : parsed.front();
    // Before the command: a word that is no command, or an option that belongs after it.
    const std::vector<std::string> before = root_.remaining(false);
    if (!before.empty()) {
        const std::string& first = before.front();
        *where = nullptr;
        if (!looks_like_option(first)) return unknown_command_text(root_, first);
        const std::string name = first.substr(0, first.find('='));
        if (command) {
            const std::vector<std::string> names = option_names(*command);
            if (std::find(names.begin(), names.end(), name) != names.end()) {
                *where = command;
                return "option '" + name + "' goes after the command: sigma " + command->get_name() + " ... " + name;
            }
        }
        return leftover_text(root_, first);
    }
    if (command) {
        const std::vector<std::string> rest = command->remaining(false);
        if (!rest.empty()) {
            *where = command;
            return leftover_text(*command, rest.front());
        }
    }
    return {};
}

}  // namespace sigma::cli
