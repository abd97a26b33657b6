// RiskClassifier internals shared by its three source files: the walk over commands and wrappers
// (risk_classifier.cpp), the per-tool danger rules (risk_danger_rules.cpp) and the effect rules for
// code that runs other code or writes files (risk_effect_rules.cpp). Not a public header.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
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
    // Per entry of ta.options: a letter split out of a word like -batch or -showversion that is not
    // known to be a bundle of one-letter options (some letter is not catalogued). Such letters still
    // raise the class (an -r in it may be crontab's -r), but never make a command read-only.
    std::vector<bool> guessed;
    // A dry-run option is present (rsync -n, apt -s, git push -n): the tool's own catalogued effects
    // do not happen, though code it runs and files it writes through output options still count.
    bool dry_run = false;

    bool spelled(const ToolArgs::Opt& o, const char* name) const;
    // Any of the options, guessed letters included: for options that raise the class.
    bool has(std::initializer_list<const char*> names) const;
    // Any of the options as the user surely wrote it (no guessed letter): for options that lower it.
    bool surely_has(const std::string& name) const;
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
    // Judges the command a wrapper runs from args[start]. A first word that is no catalogued program
    // and no path may be a value of an uncatalogued option (srun --mpi pmix CMD, mpirun --mca btl tcp
    // CMD): the words after it are judged as the command too, up to three words on.
    void wrapped(const std::vector<SimpleCommand>& all, size_t index, size_t start, const ShellSpec& spec,
                 const Context& ctx, int hops = 0);
    void tool_rules(const std::vector<SimpleCommand>& all, size_t index, const ShellSpec& tool, const Context& ctx);
    void redirections(const SimpleCommand& cmd, const Context& ctx);
    void pipe_to_interpreter(const std::vector<SimpleCommand>& all, size_t index, const std::string& label);

    // One reading of a command's words (risk_classifier.cpp). A word that follows an uncatalogued
    // option may be that option's value (srun -N 1 CMD, mlxconfig -d DEV set): tool_rules judges
    // the plain reading and each reading where such a word is the value, and keeps the worst.
    void judge_reading(const std::vector<SimpleCommand>& all, size_t index, const ShellSpec& tool, const Context& ctx);

    // What makes a command read-only (risk_classifier.cpp):
    // - Info: help or version options (--help, -V, --version): only with no operands and no
    //   subcommand, since `gcc -v x.c` still compiles and `ruby -v x.rb` still runs x.rb.
    // - Mode: listing and query modes from the pack's read_only_options (fdisk -l, crontab -l,
    //   mdadm --detail): the tool's base class becomes read-only, but every other option that
    //   writes, deletes or runs code still counts (crontab -l -r deletes the crontab).
    // - Words: read-only command words (parted DEV print, go version): only when every operand is
    //   such a word, a number or a path (parted /dev/sda rm 1 print still deletes a partition).
    // - DryRun: dry runs (rsync -n, apt -s, git push -n): the tool's own effects do not happen.
    // None applies when an option the pack does not know, or a guessed letter, is on the line:
    // what cannot be judged is never read-only.
    struct ReadOnlyMode {
        enum Kind { Info, Mode, Words, DryRun } kind = Mode;
        std::string reason;
    };
    std::optional<ReadOnlyMode> read_only_override(const ArgView& av) const;

    // Danger rules per tool (risk_danger_rules.cpp).
    void danger_rules(const std::vector<SimpleCommand>& all, size_t index, const ShellSpec& tool, const ArgView& av,
                      const std::string& label, const Context& ctx);
    // ip and rdma: the command word after the object, read as iproute2 reads it (any prefix: `ip a d`
    // is `ip address delete`, `ip l s` is `ip link set`); `ip netns exec NS CMD` runs CMD.
    void netlink_words(const std::vector<SimpleCommand>& all, size_t index, const ArgView& av, const std::string& label,
                       const Context& ctx);
    // Judges words[start..] as the command a tool runs (gdb --args, ip netns exec, sbatch --wrap).
    void run_words(const std::vector<ShellWord>& words, size_t start, const Context& ctx);

    // Effects (risk_effect_rules.cpp): code run through options and inline programs, writes through
    // output options, and system paths touched. Returns true when it classified a wrapped command
    // itself (env -S, parallel, docker run), so the generic wrapper walk must not.
    bool effect_rules(const std::vector<SimpleCommand>& all, size_t index, const ShellSpec& tool, const ArgView& av,
                      const std::string& label, const Context& ctx);
    // The file tools' writes, moves, deletes and permission changes (risk_file_rules.cpp); true when
    // `tool` is one of them (its effects are then judged).
    bool file_rules(const SimpleCommand& cmd, const ShellSpec& tool, const ArgView& av, const std::string& p,
                    const Context& ctx);
    void env_assignments(const SimpleCommand& cmd, const Context& ctx);
    // Variables set for the rest of the shell (FOO=... alone, export FOO=...): PROMPT_COMMAND,
    // LD_PRELOAD, PAGER, ... arm what later commands run.
    void armed_variables(const std::vector<std::pair<std::string, std::string>>& vars, const Context& ctx,
                         const std::string& label);
    void nvidia_smi_writes(const SimpleCommand& cmd, const Context& ctx);
    void computed_code(const SimpleCommand& cmd, const std::string& name, const Context& ctx);
    // A file the command writes: changes-state, or destructive on a device or a protected path.
    void write_target(const std::string& path, const std::string& what, const std::string& label);
    // A path the command deletes, moves, truncates or changes permissions of.
    void touch_target(const std::string& path, const std::string& what, const std::string& label);
};

using domain::effective_program;

// Raw words, before the catalogue reads them: `--name=value`, `--name value`, `-xVALUE` or
// `-x value` (the first match), and whether any of the names is written.
std::optional<std::string> raw_value(const std::vector<ShellWord>& args, std::initializer_list<const char*> names);
bool raw_has(const std::vector<ShellWord>& args, std::initializer_list<const char*> names);

// True when a word's text runs a download or decoder at run time ($(curl ...), <(wget ...)).
bool computes_from_network(const std::string& text);

}  // namespace sigma::domain::risk_detail
