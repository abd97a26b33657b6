// ShellCatalog: the shell-tools knowledge pack (resources/knowledge/shell/tools.json): per tool its
// options, subcommands and risk notes, plus the argument walk that applies them to one command.
// Not the danger rules that need context (paths, pipes, redirections): those live in RiskClassifier.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/domain/risk_classifier.h"
#include "app/domain/shell_parser.h"
#include "app/domain/suggest.h"

namespace sigma::domain {

struct RiskNote {
    Risk risk = Risk::ReadOnly;
    std::string reason;  // may be empty: a generic reason is written then
};

struct ShellOption {
    enum class Arg { None, Required, Optional };  // Optional: only as --opt=value / -oVALUE
    std::vector<std::string> spellings;           // "-n", "--lines"
    Arg arg = Arg::None;
    std::string summary;  // one line from the pack's "summaries"; may be empty
    const std::string& name() const { return spellings.front(); }
};

struct ShellWraps {
    bool present = false;
    int skip_positionals = 0;           // positionals (timeout's duration, ssh's host) before the command
    bool join_string = false;           // a single word holding a whole command line (watch "a | b")
    bool skip_assignments = false;      // env FOO=1 cmd
    bool after_double_dash = false;     // kubectl exec POD -- cmd
    std::string default_command;        // xargs with no command runs echo
    std::optional<RiskNote> none_risk;  // class when no command is given (ssh HOST: a login shell)
};

// A tool or one of its subcommands.
struct ShellSpec {
    std::string name;
    std::vector<std::string> aliases;
    RiskNote risk;
    std::string style = "gnu";  // gnu | single-dash | single-dash-long | operands | tar
    std::vector<ShellOption> options;
    bool options_complete = false;
    bool numeric_option = false;  // head -20, grep -3
    bool signal_option = false;   // kill -9, kill -KILL
    bool prefix_match = false;    // mkfs matches mkfs.ext4
    bool shell = false;           // bash/sh: -c "..." is parsed, piped stdin is a script
    bool script_runner = false;   // python: runs code
    bool awk_script = false;
    std::map<std::string, RiskNote> option_risk;  // keyed by the option's first spelling (or as written)
    std::vector<std::string> read_only_options;   // any of these present: read-only (dry runs, listings)
    std::optional<RiskNote> positional_risk;      // any positional argument raises to this
    std::optional<RiskNote> assignment_risk;      // a positional with '=' (sysctl a.b=1)
    std::map<std::string, Risk> risky_words;      // ip link set ...: positional keywords
    std::vector<ShellSpec> subcommands;
    std::optional<Risk> subcommand_default;  // an uncatalogued subcommand
    std::optional<Risk> no_subcommand;       // no subcommand given
    int subcommand_position = 1;             // which positional names the subcommand (service NAME start)
    ShellWraps wraps;

    const ShellOption* find_option(std::string_view spelling) const;
    const ShellSpec* find_subcommand(std::string_view name) const;
};

// One command's arguments walked against its spec chain.
struct ToolArgs {
    struct Opt {
        const ShellOption* option = nullptr;  // nullptr when unknown
        std::string written;                  // "-n", "--lines", "-f" from "-rf"
        std::string value;
        bool has_value = false;
        size_t word = 0;  // index into args
    };
    std::vector<const ShellSpec*> chain;  // tool, then subcommands
    std::vector<std::string> subcommand_path;
    std::string unknown_subcommand;
    std::vector<Opt> options;
    std::vector<size_t> positionals;     // indexes into args
    size_t wrapped_start = SIZE_MAX;     // index into args where a wrapped command starts
    std::vector<CheckMessage> messages;  // unknown options of fully catalogued tools, missing values
    const ShellSpec& spec() const { return *chain.back(); }
};

class ShellCatalog {
public:
    static std::optional<ShellCatalog> load(const std::string& path, std::string* error = nullptr);
    // The pack at knowledge_path("shell")/tools.json, loaded once; nullptr (and *error) on failure.
    static const ShellCatalog* builtin(std::string* error = nullptr);

    // By program name or path (/usr/bin/ls -> ls), alias, or prefix (mkfs.ext4 -> mkfs).
    const ShellSpec* find(std::string_view program) const;
    const std::vector<ShellSpec>& tools() const { return tools_; }
    std::vector<std::string> names() const;  // names and aliases, for suggestions

    // Walks `args` (the words after the program) against `tool`.
    ToolArgs walk(const ShellSpec& tool, const std::vector<ShellWord>& args) const;

private:
    std::vector<ShellSpec> tools_;
};

std::string program_basename(std::string_view program);

}  // namespace sigma::domain
