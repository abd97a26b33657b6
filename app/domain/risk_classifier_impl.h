// RiskClassifier internals shared by its three source files: the walk over commands and wrappers
// (risk_classifier.cpp), the per-tool danger rules (risk_danger_rules.cpp) and the effect rules for
// code that runs other code or writes files (risk_effect_rules.cpp). Not a public header.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "app/domain/risk_classifier.h"
#include "app/domain/shell_catalog.h"
#include "app/domain/shell_parser.h"

namespace sigma::domain::risk_detail {

// Where a command sits: how deep in wrappers, what wraps it, and whether its arguments arrive at
// run time (xargs, parallel, find -exec {}).
struct Context {
    int depth = 0;
    std::string via;  // "sudo", "bash -c", "xargs": prefix of every reason
    bool runtime_args = false;
    std::string prefix() const { return via.empty() ? "" : via + ": "; }
    Context inner(const std::string& wrapper) const {
        Context c = *this;
        c.depth = depth + 1;
        c.via = wrapper;
        c.runtime_args = false;
        return c;
    }
};

// One command's words as the pack reads them.
struct ArgView {
    const SimpleCommand& cmd;
    const ToolArgs& ta;
    std::vector<std::string> positional;  // texts of ta.positionals

    bool spelled(const ToolArgs::Opt& o, const char* name) const;
    bool has(std::initializer_list<const char*> names) const;
    std::optional<std::string> value_of(std::initializer_list<const char*> names) const;
    std::vector<std::string> values_of(std::initializer_list<const char*> names) const;
};

struct Classifier {
    const ShellCatalog& shell;
    const NvsmiCatalog& nvsmi;
    RiskReport& out;

    void raise(Risk r, std::string reason);
    static const char* generic(Risk r);

    // Walk (risk_classifier.cpp).
    void command(const std::vector<SimpleCommand>& all, size_t index, const Context& ctx);
    void nested_line(const std::string& text, const Context& ctx);
    // Judges each for loop's commands with every word its variable takes, and names loops that
    // never end on their own.
    void bind_loops(const ShellParseResult& parsed, const Context& ctx);
    void wrapped(const std::vector<SimpleCommand>& all, size_t index, size_t start, const ShellSpec& spec, const Context& ctx);
    void tool_rules(const std::vector<SimpleCommand>& all, size_t index, const ShellSpec& tool, const Context& ctx);
    void redirections(const SimpleCommand& cmd, const Context& ctx);
    void pipe_to_interpreter(const std::vector<SimpleCommand>& all, size_t index, const std::string& label);
    std::optional<std::string> read_only_override(const ArgView& av) const;

    // Danger rules per tool (risk_danger_rules.cpp).
    void danger_rules(const std::vector<SimpleCommand>& all, size_t index, const ShellSpec& tool, const ArgView& av,
                      const std::string& label, const Context& ctx);

    // Effects (risk_effect_rules.cpp): code run through options and inline programs, writes through
    // output options, and system paths touched. Returns true when it classified a wrapped command
    // itself (env -S, parallel, docker run), so the generic wrapper walk must not.
    bool effect_rules(const std::vector<SimpleCommand>& all, size_t index, const ShellSpec& tool, const ArgView& av,
                      const std::string& label, const Context& ctx);
    void env_assignments(const SimpleCommand& cmd, const Context& ctx);
    void nvidia_smi_writes(const SimpleCommand& cmd, const Context& ctx);
    void computed_code(const SimpleCommand& cmd, const std::string& name, const Context& ctx);
    // A file the command writes: changes-state, or destructive on a device or a protected path.
    void write_target(const std::string& path, const std::string& what, const std::string& label);
    // A path the command deletes, moves, truncates or changes permissions of.
    void touch_target(const std::string& path, const std::string& what, const std::string& label);
};

using domain::effective_program;

// True when a word's text runs a download or decoder at run time ($(curl ...), <(wget ...)).
bool computes_from_network(const std::string& text);

}  // namespace sigma::domain::risk_detail
