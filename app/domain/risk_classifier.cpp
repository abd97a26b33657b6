// RiskClassifier: the risk names and the walk over a parsed line: every command, every wrapped
// command (sudo, env, ssh, bash -c, xargs, ...), redirections, and the pipe into an interpreter.
// The per-tool rules live in risk_danger_rules.cpp and risk_effect_rules.cpp; all are documented in
// resources/knowledge/shell/FORMAT.md. Not configurable at run time.
#include "app/domain/risk_classifier.h"

#include <algorithm>
#include <cctype>
#include <iterator>

#include "app/domain/nvsmi_validator.h"
#include "app/domain/risk_classifier_impl.h"
#include "app/domain/risk_paths.h"
#include "app/domain/shell_catalog.h"
#include "app/domain/shell_parser.h"

namespace sigma::domain {

const char* risk_text(Risk r) {
    switch (r) {
        case Risk::ReadOnly: return "read-only";
        case Risk::ChangesState: return "changes-state";
        case Risk::Destructive: return "destructive";
    }
    return "destructive";
}

std::optional<Risk> risk_from_text(std::string_view s) {
    if (s == "read-only") return Risk::ReadOnly;
    if (s == "changes-state") return Risk::ChangesState;
    if (s == "destructive") return Risk::Destructive;
    return std::nullopt;
}

namespace risk_detail {

namespace {
constexpr int kMaxWrapDepth = 8;
}

bool ArgView::spelled(const ToolArgs::Opt& o, const char* n) const {
    return o.written == n || (o.option && std::find(o.option->spellings.begin(), o.option->spellings.end(), n) !=
                                              o.option->spellings.end());
}

bool ArgView::has(std::initializer_list<const char*> names) const {
    for (const ToolArgs::Opt& o : ta.options)
        for (const char* n : names)
            if (spelled(o, n)) return true;
    return false;
}

bool ArgView::surely_has(const std::string& name) const {
    for (size_t k = 0; k < ta.options.size(); ++k)
        if (!(k < guessed.size() && guessed[k]) && spelled(ta.options[k], name.c_str())) return true;
    return false;
}

std::optional<std::string> ArgView::value_of(std::initializer_list<const char*> names) const {
    for (const ToolArgs::Opt& o : ta.options)
        for (const char* n : names)
            if (o.has_value && spelled(o, n)) return o.value;
    return std::nullopt;
}

std::vector<std::string> ArgView::values_of(std::initializer_list<const char*> names) const {
    std::vector<std::string> v;
    for (const ToolArgs::Opt& o : ta.options)
        for (const char* n : names)
            if (o.has_value && spelled(o, n)) {
                v.push_back(o.value);
                break;
            }
    return v;
}

void Classifier::raise(Risk r, std::string reason) {
    out.risk = max_risk(out.risk, r);
    if (std::find(out.reasons.begin(), out.reasons.end(), reason) == out.reasons.end())
        out.reasons.push_back(std::move(reason));
}

const char* Classifier::generic(Risk r) {
    switch (r) {
        case Risk::ReadOnly: return "only reads information";
        case Risk::ChangesState: return "changes system state";
        case Risk::Destructive: return "can destroy data or stop running work";
    }
    return "";
}

void Classifier::redirections(const SimpleCommand& cmd, const Context& ctx) {
    const std::string prefix = ctx.prefix();
    for (const ShellRedirection& r : cmd.redirections) {
        if (!r.writes()) continue;
        const std::string shown = prefix + "redirection '" + r.op + " " + r.target + "'";
        if (is_device_path(r.target)) {
            raise(Risk::Destructive, shown + " writes straight to a device");
        } else if (r.target.rfind("/dev/", 0) == 0) {
            continue;  // null, tty, std streams
        } else if (const std::string why = protected_path_reason(r.target); !why.empty()) {
            raise(Risk::Destructive,
                  shown + (r.op.find(">>") != std::string::npos ? " appends to " : " overwrites ") + why);
        } else if (r.op.find(">>") != std::string::npos) {
            raise(Risk::ChangesState, shown + " appends to a file");
        } else {
            raise(Risk::ChangesState, shown + " creates or truncates a file");
        }
    }
}

void Classifier::nested_line(const std::string& text, const Context& ctx) {
    const ShellParseResult p = parse_shell(text);
    if (!p.ok) {
        raise(Risk::ChangesState, ctx.via + " runs a command that cannot be parsed (" + p.error + ")");
        return;
    }
    if (p.commands.empty()) raise(Risk::ChangesState, ctx.via + " runs a command line with no command in it");
    for (size_t i = 0; i < p.commands.size(); ++i) command(p.commands, i, ctx);
    bind_loops(p, ctx);
}

void Classifier::wrapped(const std::vector<SimpleCommand>& all, size_t index, size_t start, const ShellSpec& spec,
                         const Context& ctx, int hops) {
    const std::vector<ShellWord>& args = all[index].args;
    if (start >= args.size()) return;
    // Wrappers that hand a shell their words (ssh HOST, watch, su -c) run them as a command line;
    // the others exec their first word as the program.
    if (spec.wraps.join_string) {
        std::string joined;
        for (size_t k = start; k < args.size(); ++k) joined += (k > start ? " " : "") + args[k].text;
        nested_line(joined, ctx);
        return;
    }
    // The wrapped command keeps its place in the pipeline, so "curl URL | nice sh" is still a
    // download piped into a shell.
    const SimpleCommand& cmd = all[index];
    const size_t first = std::min(cmd.pipeline_first, index);
    std::vector<SimpleCommand> list(all.begin() + static_cast<long>(first), all.begin() + static_cast<long>(index));
    SimpleCommand inner;
    // env A=1 CMD: the assignments belong to the command env runs (PAGER=..., LD_PRELOAD=...).
    if (spec.wraps.skip_assignments)
        for (size_t k = 0; k < start; ++k) {
            const std::string& t = args[k].text;
            const size_t eq = t.find('=');
            if (eq != std::string::npos && eq > 0 && t[0] != '-')
                inner.env.emplace_back(t.substr(0, eq), t.substr(eq + 1));
        }
    inner.program = args[start];
    inner.args.assign(args.begin() + static_cast<long>(start) + 1, args.end());
    inner.stdin_from_pipe = cmd.stdin_from_pipe;
    for (const ShellRedirection& r : cmd.redirections)
        if (!r.writes()) inner.redirections.push_back(r);  // here-documents and input files feed the inner command
    inner.pipeline_first = 0;
    list.push_back(std::move(inner));
    command(list, list.size() - 1, ctx);
    const ShellWord& first_word = args[start];
    const std::string name = program_basename(first_word.text);
    const bool known = shell.find(first_word.text) || name == "nvidia-smi" || name == "eval";
    if (!known && !first_word.expands && first_word.text.find('/') == std::string::npos && hops < 3 &&
        start + 1 < args.size()) {
        raise(Risk::ReadOnly, ctx.via + ": '" + first_word.text +
                                  "' is no catalogued program and may be an option's value, so '" +
                                  args[start + 1].text + "' is judged as the command too");
        wrapped(all, index, start + 1, spec, ctx, hops + 1);
    }
}

void Classifier::command(const std::vector<SimpleCommand>& all, size_t index, const Context& ctx) {
    const SimpleCommand& cmd = all[index];
    if (ctx.depth > kMaxWrapDepth) {
        // Never lower than what an unwrapped line could get: too deep to judge is treated as the worst.
        raise(Risk::Destructive, "commands wrapped too deeply to judge, so treated as destructive");
        return;
    }
    if (cmd.sudo)
        raise(Risk::ChangesState, cmd.sudo_user.empty() || cmd.sudo_user == "root"
                                      ? "sudo: runs with root privileges"
                                      : "sudo -u " + cmd.sudo_user + ": runs as another user");
    redirections(cmd, ctx);
    env_assignments(cmd, ctx);
    const std::string prefix = ctx.prefix();
    if (cmd.program.text.empty()) {
        if (!cmd.env.empty()) raise(Risk::ReadOnly, prefix + "sets shell variables only");
        armed_variables(cmd.env, ctx, prefix + "assignment");
        return;
    }
    if (cmd.program.expands) {
        if (computes_from_network(cmd.program.text))
            raise(Risk::Destructive,
                  prefix + "the program '" + cmd.program.text + "' is downloaded or decoded at run time");
        else raise(Risk::ChangesState, prefix + "the program '" + cmd.program.text + "' is computed at run time");
        return;
    }
    // A program word with '=' or blanks in it is no catalogued tool, whatever its last path part says.
    if (cmd.program.text.find_first_of("= \t\n") != std::string::npos) {
        raise(Risk::ChangesState, prefix + "unknown program '" + cmd.program.text + "'");
        return;
    }
    const std::string name = program_basename(cmd.program.text);
    if (name == "nvidia-smi") {
        const NvsmiCheck c = check_nvsmi(nvsmi, cmd);
        for (const std::string& r : c.reasons) raise(c.risk, prefix + r);
        nvidia_smi_writes(cmd, ctx);
        return;
    }
    if (name == "eval") {
        computed_code(cmd, name, ctx);
        return;
    }
    const ShellSpec* tool = shell.find(cmd.program.text);
    if (!tool) {
        raise(Risk::ChangesState, prefix + "unknown program '" + cmd.program.text + "'");
        return;
    }
    tool_rules(all, index, *tool, ctx);
}

namespace {

// Dry-run options, by tool and subcommand path: the tool only reports what it would do.
struct DryRunOptions {
    const char* path;
    std::initializer_list<const char*> spellings;
};
const DryRunOptions kDryRuns[] = {
    {"rsync", {"-n", "--dry-run"}},
    {"apt", {"-s", "--simulate", "--dry-run", "--just-print", "--no-act", "--recon"}},
    {"modprobe", {"-n", "--dry-run"}},
    {"fsck", {"-N", "-n"}},
    {"e2fsck", {"-n"}},
    {"xfs_repair", {"-n"}},
    {"logrotate", {"-d", "--debug"}},
    {"git push", {"-n", "--dry-run"}},
    {"git clean", {"-n", "--dry-run"}},
    {"nft", {"-c", "--check"}},
};

bool is_number(const std::string& t) {
    if (t.empty()) return false;
    for (char c : t)
        if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.') return false;
    return true;
}

// Help and version options: they print and exit, but only when nothing else is asked for.
bool info_spelling(const std::string& s) {
    return s == "--help" || s == "-help" || s == "--usage" || s == "-?" || s == "--version" || s == "-version" ||
           s == "-V" || s == "-VV" || s == "-v" || s == "-h";
}

// An option is help or version when one of its spellings says so; a lone short spelling (-v, -V, -h)
// counts only where the pack gives it no other long name (sgdisk -v is --verify).
bool info_option(const ToolArgs::Opt& o) {
    if (o.option) {
        bool named = false;
        for (const std::string& sp : o.option->spellings) {
            if (sp == "--help" || sp == "--version" || sp == "-help" || sp == "-version" || sp == "--usage")
                return true;
            named = named || sp.size() > 2;
        }
        if (named) return false;
    }
    return info_spelling(o.written);
}

// The word after the last option of a token that an uncatalogued option may take as its value, when
// the walk read that word as the subcommand or as the start of the wrapped command.
std::optional<size_t> ambiguous_value_word(const ToolArgs& ta, const std::vector<ShellWord>& args) {
    for (size_t k = 0; k < ta.options.size(); ++k) {
        const ToolArgs::Opt& o = ta.options[k];
        if (o.option || o.has_value || o.written == "-NUM" || o.written == "-SIGNAL") continue;
        if (k + 1 < ta.options.size() && ta.options[k + 1].word == o.word) continue;  // not the token's last letter
        const size_t w = o.word + 1;
        if (w >= args.size() || o.word >= args.size()) continue;
        const std::string& tok = args[o.word].text;
        if (tok.find('=') != std::string::npos || args[w].text.empty() || args[w].text[0] == '-') continue;
        if (w == ta.wrapped_start) return w;
        const std::string& t = args[w].text;
        const auto pos = std::find(ta.positionals.begin(), ta.positionals.end(), w);
        if (pos != ta.positionals.end()) {
            // The walk keeps an uncatalogued subcommand among the positionals too.
            if (!ta.unknown_subcommand.empty() && t == ta.unknown_subcommand &&
                std::none_of(ta.positionals.begin(), pos, [&](size_t q) { return args[q].text == t; }))
                return w;
            continue;
        }
        if (std::find(ta.subcommand_path.begin(), ta.subcommand_path.end(), t) != ta.subcommand_path.end()) return w;
    }
    return std::nullopt;
}

}  // namespace

std::optional<Classifier::ReadOnlyMode> Classifier::read_only_override(const ArgView& av) const {
    if (av.cmd.args.empty()) return std::nullopt;
    const ToolArgs& ta = av.ta;
    std::vector<std::string> options, words;  // the read-only spellings and words of the whole chain
    for (const ShellSpec* s : ta.chain)
        for (const std::string& ro : s->read_only_options)
            (ro.size() > 1 && ro[0] == '-' ? options : words).push_back(ro);
    std::string path = ta.chain.front()->name;
    for (const std::string& sub : ta.subcommand_path) path += " " + sub;
    const DryRunOptions* dry = nullptr;
    for (const DryRunOptions& d : kDryRuns)
        if (path == d.path || path.rfind(std::string(d.path) + " ", 0) == 0) dry = &d;

    // Shells, interpreters and kill stop reading options at the first operand: `bash x.sh -n` runs
    // x.sh with the argument -n, `kill -s KILL 4242 -l` signals 4242.
    const ShellSpec& tool = *ta.chain.front();
    static const char* kStopAtOperand[] = {"kill", "perl", "ruby", "node", "php", "lua", "Rscript", "java"};
    const bool stops = tool.shell || tool.script_runner ||
                       std::any_of(std::begin(kStopAtOperand), std::end(kStopAtOperand),
                                   [&](const char* t) { return tool.name == t; });
    const size_t first_operand = stops && !ta.positionals.empty() ? ta.positionals.front() : av.cmd.args.size();
    const auto own = [&](size_t k) { return ta.options[k].word < first_operand; };

    // An option the pack does not know, or a letter of a word that may not be a bundle, may do
    // anything: the command is then judged by its base class.
    for (size_t k = 0; k < ta.options.size(); ++k) {
        const ToolArgs::Opt& o = ta.options[k];
        if (!own(k)) continue;
        if (k < av.guessed.size() && av.guessed[k]) return std::nullopt;
        if (!o.option && std::find(options.begin(), options.end(), o.written) == options.end()) return std::nullopt;
    }
    if (dry) {
        // apt -s -o APT::Get::Simulate=false purge X is no dry run: a configuration option can undo it.
        const bool undone = std::string(dry->path) == "apt" && av.has({"-o", "--option", "-c", "--config-file"});
        for (const char* d : dry->spellings) {
            if (!undone && av.surely_has(d) && !stops)
                return ReadOnlyMode{ReadOnlyMode::DryRun,
                                    std::string(d) + ": a dry run, it only reports what it would do"};
            options.erase(std::remove(options.begin(), options.end(), std::string(d)), options.end());
        }
    }
    std::string mode, info;
    bool only_info = true;  // nothing but help and version options on the line
    for (size_t k = 0; k < ta.options.size(); ++k) {
        if (!own(k)) continue;
        only_info = only_info && info_option(ta.options[k]);
        for (const std::string& ro : options)
            if (!av.guessed[k] && av.spelled(ta.options[k], ro.c_str())) {
                std::string& hit = info_option(ta.options[k]) ? info : mode;
                if (hit.empty()) hit = ta.options[k].written;
            }
    }
    if (!mode.empty()) return ReadOnlyMode{ReadOnlyMode::Mode, mode + ": " + generic(Risk::ReadOnly)};
    if (!words.empty() && !av.positional.empty()) {
        bool named = false, only = true;
        for (const std::string& p : av.positional) {
            const bool word = std::find(words.begin(), words.end(), p) != words.end();
            named = named || word;
            only = only && (word || is_number(p) || p.find('/') != std::string::npos);
        }
        if (named && only) {
            std::string shown;
            for (const std::string& p : av.positional)
                if (std::find(words.begin(), words.end(), p) != words.end()) shown += (shown.empty() ? "" : " ") + p;
            return ReadOnlyMode{ReadOnlyMode::Words, shown + ": " + generic(Risk::ReadOnly)};
        }
    }
    if (!info.empty() && only_info && ta.positionals.empty() && ta.subcommand_path.empty() &&
        ta.unknown_subcommand.empty() && ta.wrapped_start >= av.cmd.args.size())
        return ReadOnlyMode{ReadOnlyMode::Info, info + ": prints information and exits"};

    const std::string& n = ta.chain.front()->name;
    if (n == "tar" && av.surely_has("-t") && !av.has({"-c", "-x", "-r", "-u", "-A", "--delete"}))
        return ReadOnlyMode{ReadOnlyMode::Mode, "-t: lists an archive"};
    if (n == "wget") {
        auto o = av.value_of({"-O"});
        if (o && *o == "-") return ReadOnlyMode{ReadOnlyMode::Mode, "-O -: prints the download to stdout"};
    }
    if (n == "tee" &&
        std::all_of(av.positional.begin(), av.positional.end(), [](const std::string& a) { return a == "/dev/null"; }))
        return ReadOnlyMode{ReadOnlyMode::Mode, ": copies its input to stdout only"};
    return std::nullopt;
}

void Classifier::tool_rules(const std::vector<SimpleCommand>& all, size_t index, const ShellSpec& tool,
                            const Context& ctx) {
    std::vector<SimpleCommand> list(all);
    // Options that take two values (mpirun --mca KEY VALUE): the pack gives one, so the two are
    // joined into one word before the walk.
    if (tool.name == "mpirun") {
        std::vector<ShellWord>& a = list[index].args;
        for (size_t k = 0; k + 2 < a.size(); ++k) {
            const std::string& t = a[k].text;
            if (t == "--mca" || t == "-mca" || t == "--gmca" || t == "-gmca" || t == "-genv" || t == "--genv" ||
                t == "-env") {
                a[k + 1].text += " " + a[k + 2].text;
                a.erase(a.begin() + static_cast<long>(k) + 2);
                ++k;
            } else if (t == "--") {
                break;
            }
        }
    }
    judge_reading(list, index, tool, ctx);
    // An uncatalogued option may take the next word as its value: srun -N 1 CMD runs CMD, not
    // "1"; mlxconfig -d DEV set ... runs set. Judge those readings too and keep the worst.
    for (int reading = 0; reading < 4; ++reading) {
        SimpleCommand& cmd = list[index];
        const ToolArgs ta = shell.walk(tool, cmd.args);
        const std::optional<size_t> w = ambiguous_value_word(ta, cmd.args);
        if (!w) break;
        raise(Risk::ReadOnly, ctx.prefix() + program_basename(cmd.program.text) + " " + cmd.args[*w - 1].text +
                                  ": not catalogued, so the line is also judged with '" + cmd.args[*w].text +
                                  "' as its value");
        cmd.args.erase(cmd.args.begin() + static_cast<long>(*w));
        judge_reading(list, index, tool, ctx);
    }
}

void Classifier::judge_reading(const std::vector<SimpleCommand>& all, size_t index, const ShellSpec& tool,
                               const Context& ctx) {
    const SimpleCommand& cmd = all[index];
    const std::vector<ShellWord>& args = cmd.args;
    const ToolArgs ta = shell.walk(tool, args);
    ArgView av{cmd, ta, {}, {}, false};
    for (size_t p : ta.positionals) av.positional.push_back(args[p].text);
    // Letters split out of one word where some letter is not catalogued: -batch, -showversion.
    av.guessed.assign(ta.options.size(), false);
    for (size_t k = 0; k < ta.options.size();) {
        size_t e = k;
        bool unknown = false;
        while (e < ta.options.size() && ta.options[e].word == ta.options[k].word) {
            unknown = unknown || !ta.options[e].option;
            ++e;
        }
        const std::string& tok = ta.options[k].word < args.size() ? args[ta.options[k].word].text : std::string();
        const bool split = tok.size() > 2 && tok[0] == '-' && tok[1] != '-' && ta.options[k].written.size() == 2 &&
                           ta.options[k].written != tok.substr(0, tok.find('='));
        if (split && unknown)
            for (size_t j = k; j < e; ++j) av.guessed[j] = true;
        k = e;
    }
    const std::string prefix = ctx.prefix();
    std::string label = program_basename(cmd.program.text);
    for (const std::string& s : ta.subcommand_path) label += " " + s;
    const ShellSpec& spec = ta.spec();

    // Base class: the deepest catalogued spec, or the parent's default for an unknown subcommand.
    RiskNote base = spec.risk;
    std::string base_reason;
    if (!ta.unknown_subcommand.empty()) {
        // What cannot be judged is never read-only.
        base.risk = max_risk(spec.subcommand_default.value_or(spec.risk.risk), Risk::ChangesState);
        base_reason =
            label + ": subcommand '" + ta.unknown_subcommand + "' is not catalogued, so it is not judged read-only";
    } else if (!spec.subcommands.empty() && spec.no_subcommand) {
        base.risk = *spec.no_subcommand;
    }
    if (base_reason.empty()) base_reason = label + ": " + (base.reason.empty() ? generic(base.risk) : base.reason);
    const Risk own = base.risk;
    const std::optional<ReadOnlyMode> ro = read_only_override(av);
    if (ro) {
        base.risk = Risk::ReadOnly;
        base_reason = label + " " + ro->reason;
        av.dry_run = ro->kind == ReadOnlyMode::DryRun;
    }
    raise(base.risk, prefix + base_reason);

    // Words of a command that find -exec/-ok runs belong to that command (judged by the danger rules).
    const auto inside_exec = [&](size_t word) {
        const auto& args = av.cmd.args;
        for (size_t k = 0; k < word && k < args.size(); ++k) {
            const std::string& t = args[k].text;
            if (t != "-exec" && t != "-execdir" && t != "-ok" && t != "-okdir") continue;
            size_t e = k + 1;
            while (e < args.size() && args[e].text != ";" && args[e].text != "+") ++e;
            if (word > k && word < e) return true;
            k = e;
        }
        return false;
    };
    // A dry run does none of what the tool's options and words would do.
    if (!av.dry_run) {
        for (size_t k = 0; k < ta.options.size(); ++k) {
            const ToolArgs::Opt& o = ta.options[k];
            // Writing to /dev/null or to stdout ("-") changes nothing.
            if (o.has_value && (o.value == "/dev/null" || o.value == "-")) continue;
            const std::string key = o.option ? o.option->name() : o.written;
            for (const ShellSpec* s : ta.chain) {
                auto it = s->option_risk.find(key);
                if (it == s->option_risk.end() && !o.option) it = s->option_risk.find(o.written);
                if (it != s->option_risk.end())
                    raise(it->second.risk,
                          prefix + label + " " + o.written + ": " +
                              (it->second.reason.empty() ? generic(it->second.risk) : it->second.reason));
            }
            // An option the catalogue does not know, on a tool that has options which change the
            // system, cannot be judged: never read-only. One that begins with a risky option's name
            // ("-delete-emptydir-data") is read as that option.
            if (!o.option && o.written.size() > 1 && o.word < ta.wrapped_start && !inside_exec(o.word)) {
                bool judged = false;
                for (const ShellSpec* s : ta.chain)
                    for (const auto& [name, note] : s->option_risk)
                        if (name.size() >= 3 && name != o.written && o.written.starts_with(name) &&
                            !std::isalnum(static_cast<unsigned char>(o.written[name.size()]))) {
                            raise(note.risk, prefix + label + " " + o.written + ": read as " + name + ": " +
                                                 (note.reason.empty() ? generic(note.risk) : note.reason));
                            judged = true;
                        }
                const bool risky_tool = std::any_of(ta.chain.begin(), ta.chain.end(),
                                                    [](const ShellSpec* s) { return !s->option_risk.empty(); });
                if (!judged && risky_tool)
                    raise(Risk::ChangesState, prefix + label + " " + o.written +
                                                  ": not a catalogued option of a tool whose options can change "
                                                  "the system, so it is not judged read-only");
            }
        }
        // The operands of a listing are what it lists.
        if (spec.positional_risk && !av.positional.empty() && !ro)
            raise(spec.positional_risk->risk, prefix + label + ": " + spec.positional_risk->reason);
        for (const std::string& p : av.positional) {
            if (spec.assignment_risk && p.find('=') != std::string::npos)
                raise(spec.assignment_risk->risk, prefix + label + " " + p + ": " + spec.assignment_risk->reason);
            auto it = spec.risky_words.find(p);
            if (it != spec.risky_words.end()) raise(it->second, prefix + label + " " + p + ": " + generic(it->second));
        }
        // A listing option does not make the tool's other command words harmless (parted -l rm 1).
        if (ro && ro->kind == ReadOnlyMode::Mode) {
            std::vector<std::string> words;
            for (const ShellSpec* s : ta.chain)
                for (const std::string& w : s->read_only_options)
                    if (w.empty() || w[0] != '-') words.push_back(w);
            if (!words.empty())
                for (const std::string& p : av.positional)
                    if (std::find(words.begin(), words.end(), p) == words.end() && !is_number(p) &&
                        p.find('/') == std::string::npos)
                        raise(own, prefix + label + " " + p + ": " +
                                       (spec.risk.reason.empty() ? generic(own) : spec.risk.reason));
        }
        danger_rules(all, index, tool, av, label, ctx);
    }
    const bool handled = effect_rules(all, index, tool, av, label, ctx);

    // Commands that run other commands.
    if (spec.wraps.present && !handled) {
        if (ta.wrapped_start < args.size()) {
            Context inner = ctx.inner(prefix + label);
            inner.runtime_args = tool.name == "xargs";
            wrapped(all, index, ta.wrapped_start, spec, inner);
        } else if (spec.wraps.none_risk && !(ro && ro->kind == ReadOnlyMode::Info)) {
            raise(spec.wraps.none_risk->risk, prefix + label + ": " + spec.wraps.none_risk->reason);
        } else if (tool.name == "xargs") {
            // xargs with no command runs echo.
        }
    }
    // A here-document or here-string fed to a shell or to a wrapper without a command (ssh HOST,
    // su, docker exec -i C sh) is the script it runs.
    if (!tool.shell && spec.wraps.present && ta.wrapped_start >= args.size()) {
        for (const ShellRedirection& r : cmd.redirections)
            if (r.op == "<<<" || r.op == "<<" || r.op == "<<-")
                nested_line(r.target, ctx.inner(prefix + label + " " + r.op));
    }
    if (tool.shell) {
        if (auto c = av.value_of({"-c"})) {
            nested_line(*c, ctx.inner(prefix + label + " -c"));
        } else if (cmd.stdin_from_pipe && (av.positional.empty() || av.positional[0] == "-" || av.has({"-s"}))) {
            pipe_to_interpreter(all, index, prefix + label);
        }
        for (const ShellRedirection& r : cmd.redirections) {
            if (r.op == "<<<" || r.op == "<<" || r.op == "<<-")
                nested_line(r.target, ctx.inner(prefix + label + " " + r.op));
        }
    }
    if (tool.script_runner && cmd.stdin_from_pipe && (av.positional.empty() || av.positional[0] == "-") &&
        !av.has({"-c", "-m"}))
        pipe_to_interpreter(all, index, prefix + label);
    // at and batch run the commands they read, later.
    if ((tool.name == "at" || tool.name == "batch") && !av.has({"-f", "-l", "-d", "-r", "-c"})) {
        if (cmd.stdin_from_pipe) pipe_to_interpreter(all, index, prefix + label);
        for (const ShellRedirection& r : cmd.redirections)
            if (r.op == "<<<" || r.op == "<<" || r.op == "<<-")
                nested_line(r.target, ctx.inner(prefix + label + " " + r.op));
    }
    // crontab - (or no file) installs the lines it reads: judge each job's command.
    if (tool.name == "crontab" && (av.positional.empty() || av.positional[0] == "-") && !av.has({"-l", "-r", "-e"})) {
        std::string table;
        for (const ShellRedirection& r : cmd.redirections)
            if (r.op == "<<<" || r.op == "<<" || r.op == "<<-") table += r.target + "\n";
        const size_t first = std::min(cmd.pipeline_first, index);
        if (cmd.stdin_from_pipe && index == first + 1) {
            const std::string up = effective_program(shell, all[first]);
            if (up == "echo" || up == "printf")
                for (const ShellWord& w : all[first].args)
                    if (!w.text.empty() && w.text[0] != '-') table += w.text + "\n";
        }
        size_t b = 0;
        while (b < table.size()) {
            size_t e = table.find('\n', b);
            if (e == std::string::npos) e = table.size();
            std::string line = table.substr(b, e - b);
            b = e + 1;
            // The schedule: five fields, or one @word.
            std::vector<std::string> fields;
            size_t q = 0;
            for (int f = 0; f < 5 && q < line.size(); ++f) {
                q = line.find_first_not_of(" \t", q);
                if (q == std::string::npos) break;
                const size_t end = line.find_first_of(" \t", q);
                fields.push_back(line.substr(q, end == std::string::npos ? std::string::npos : end - q));
                q = end == std::string::npos ? line.size() : end;
                if (f == 0 && !fields[0].empty() && (fields[0][0] == '@' || fields[0][0] == '#')) break;
            }
            if (fields.empty() || fields[0][0] == '#' || line.find('=') < line.find_first_of(" \t")) continue;
            const std::string job = q < line.size() ? line.substr(q) : "";
            if (!job.empty()) nested_line(job, ctx.inner(prefix + label + " (a job it installs)"));
        }
    }
}

void Classifier::pipe_to_interpreter(const std::vector<SimpleCommand>& all, size_t index, const std::string& label) {
    const size_t first = std::min(all[index].pipeline_first, index);
    static const char* kDownloaders[] = {"curl",   "wget",  "fetch", "nc",  "ncat",
                                         "netcat", "socat", "ssh",   "scp", "aria2c"};
    static const char* kDecoders[] = {"base64", "base32",  "xxd",     "openssl",  "gzip", "gunzip", "zcat",
                                      "bzcat",  "xzcat",   "zstdcat", "uudecode", "rev",  "tr",     "gpg",
                                      "unzip",  "bunzip2", "unxz",    "zstd",     "xz",   "bzip2"};
    bool literal_only = index > first;
    for (size_t k = first; k < index; ++k) {
        const std::string up = effective_program(shell, all[k]);
        for (const char* d : kDownloaders)
            if (up == d) {
                raise(Risk::Destructive,
                      label + ": runs a script downloaded by " + up + " without showing it (pipe to a shell)");
                return;
            }
        for (const char* d : kDecoders)
            if (up == d) {
                raise(Risk::Destructive,
                      label + ": runs code decoded by " + up + " without showing it (pipe to a shell)");
                return;
            }
        if (all[k].program.expands) {
            raise(Risk::Destructive, label + ": runs the output of a program computed at run time");
            return;
        }
        if (up != "echo" && up != "printf") literal_only = false;
        for (const ShellWord& w : all[k].args)
            if (w.expands) literal_only = false;
    }
    if (literal_only && index == first + 1) {
        // echo 'text' | sh: the text is the script, and it is visible.
        std::string text;
        for (const ShellWord& w : all[first].args)
            if (w.text.empty() || w.text[0] != '-') text += (text.empty() ? "" : " ") + w.text;
        raise(Risk::ChangesState, label + ": runs text from the pipe as a script");
        Context c;
        c.depth = 1;
        c.via = label + " (piped)";
        nested_line(text, c);
        return;
    }
    raise(Risk::ChangesState, label + ": runs text from the pipe as a script");
}

bool computes_from_network(const std::string& text) {
    if (text.find("$(") == std::string::npos && text.find('`') == std::string::npos &&
        text.find("<(") == std::string::npos)
        return false;
    static const char* kSources[] = {"curl",   "wget", "fetch",   "nc ",   "ncat",
                                     "base64", "xxd",  "openssl", "socat", "ssh "};
    for (const char* s : kSources)
        if (text.find(s) != std::string::npos) return true;
    return false;
}

namespace {

// Replaces $NAME and ${NAME} in `text` with `value`; false when neither occurs.
bool substitute(std::string& text, const std::string& name, const std::string& value) {
    bool any = false;
    for (const std::string& pattern : {"${" + name + "}", "$" + name}) {
        for (size_t p = text.find(pattern); p != std::string::npos; p = text.find(pattern, p + value.size())) {
            const size_t end = p + pattern.size();
            // $NAME must not run on into a longer name ($NAMES).
            if (pattern[1] != '{' && end < text.size() &&
                (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) {
                p += 1;
                continue;
            }
            text.replace(p, pattern.size(), value);
            any = true;
        }
    }
    return any;
}

}  // namespace

void Classifier::bind_loops(const ShellParseResult& parsed, const Context& ctx) {
    // A for loop's words are the values its variable takes: judge the loop's commands with each one
    // ("for f in /etc/*.conf; do > $f; done" truncates files under /etc).
    constexpr size_t kMaxLoopWords = 16;
    for (const ShellLoop& loop : parsed.loops) {
        if (loop.unbounded)
            raise(Risk::ReadOnly,
                  ctx.prefix() + "'" + loop.keyword + "' loop never ends on its own" +
                      (loop.break_seen ? " unless its break is reached" : ": it runs until interrupted"));
        if (loop.variable.empty() || loop.words.empty()) continue;
        for (size_t w = 0; w < loop.words.size() && w < kMaxLoopWords; ++w) {
            const std::string& value = loop.words[w].text;
            std::vector<SimpleCommand> bound;
            std::vector<size_t> indexes;
            for (const SimpleCommand& c : parsed.commands) {
                if (c.start < loop.start || c.start >= loop.start + loop.length) continue;
                SimpleCommand copy = c;
                bool changed = false;
                for (ShellWord& a : copy.args)
                    if (substitute(a.text, loop.variable, value)) {
                        changed = true;
                        a.glob = a.glob || loop.words[w].glob;
                    }
                for (ShellRedirection& r : copy.redirections)
                    changed = substitute(r.target, loop.variable, value) || changed;
                if (changed) indexes.push_back(bound.size());
                copy.pipeline_first = 0;
                bound.push_back(std::move(copy));
            }
            for (size_t i : indexes) {
                RiskReport r;
                Classifier sub{shell, nvsmi, r};
                sub.command(bound, i, ctx);
                if (static_cast<int>(r.risk) <= static_cast<int>(out.risk)) continue;
                for (const std::string& reason : r.reasons)
                    raise(r.risk, "with " + loop.variable + "=" + value + ": " + reason);
            }
        }
    }
}

}  // namespace risk_detail

namespace {
// `own`: the class of the deepest spec of the chain (its base class before read-only modes).
Risk chain_floor(const std::vector<const ShellSpec*>& chain, const std::string& path, Risk own) {
    for (const ShellSpec* s : chain)
        if (!s->read_only_options.empty() || s->wraps.present || s->shell || s->script_runner || s->style == "tar")
            return Risk::ReadOnly;
    for (const risk_detail::DryRunOptions& d : risk_detail::kDryRuns) {
        const std::string_view dry = d.path;
        // A tool's dry run covers its subcommands (nft -c), a subcommand's its own (git push -n).
        if (dry == path || dry.starts_with(path + " ") || std::string_view(path).starts_with(std::string(dry) + " "))
            return Risk::ReadOnly;
    }
    // read_only_override's own modes beyond the catalogue's read-only options.
    const std::string& n = chain.front()->name;
    if (n == "tar" || n == "wget" || n == "tee") return Risk::ReadOnly;
    return own;
}
}  // namespace

Risk risk_floor(const ShellSpec& tool) {
    return tool.subcommands.empty() ? chain_floor({&tool}, tool.name, tool.risk.risk) : Risk::ReadOnly;
}

Risk risk_floor(const ShellSpec& tool, const ShellSpec& subcommand) {
    return subcommand.subcommands.empty()
               ? chain_floor({&tool, &subcommand}, tool.name + " " + subcommand.name, subcommand.risk.risk)
               : Risk::ReadOnly;
}

Risk unknown_subcommand_floor(const ShellSpec& tool) {
    return chain_floor({&tool}, tool.name,
                       max_risk(tool.subcommand_default.value_or(tool.risk.risk), Risk::ChangesState));
}

std::string effective_program(const ShellCatalog& shell, const SimpleCommand& cmd) {
    // Look through every catalogued wrapper that execs its command (nice, timeout, srun, env A=1,
    // numactl, ...): the pack's walk finds where the wrapped command starts.
    std::string name = program_basename(cmd.program.text);
    std::vector<ShellWord> args = cmd.args;
    for (int hops = 0; hops < 8; ++hops) {
        const ShellSpec* tool = shell.find(name);
        if (!tool) return name;
        const ToolArgs ta = shell.walk(*tool, args);
        const ShellSpec& spec = ta.spec();
        if (!spec.wraps.present || spec.wraps.join_string || ta.wrapped_start >= args.size()) return name;
        name = program_basename(args[ta.wrapped_start].text);
        args.erase(args.begin(), args.begin() + static_cast<long>(ta.wrapped_start) + 1);
    }
    return name;
}

RiskReport classify_command(const ShellCatalog& shell, const NvsmiCatalog& nvsmi, const std::vector<SimpleCommand>& all,
                            size_t index) {
    RiskReport r;
    if (index >= all.size()) return r;
    risk_detail::Classifier c{shell, nvsmi, r};
    c.command(all, index, risk_detail::Context{});
    if (r.reasons.empty()) r.reasons.push_back(program_basename(all[index].program.text) + ": only reads information");
    return r;
}

namespace {

void merge(RiskReport& total, RiskReport&& r, const std::string& note = {}) {
    total.risk = max_risk(total.risk, r.risk);
    for (std::string& s : r.reasons) {
        if (!note.empty()) s = note + s;
        if (std::find(total.reasons.begin(), total.reasons.end(), s) == total.reasons.end())
            total.reasons.push_back(std::move(s));
    }
}

}  // namespace

RiskReport classify_line(const ShellCatalog& shell, const NvsmiCatalog& nvsmi, const ShellParseResult& parsed) {
    RiskReport total;
    if (!parsed.ok) {
        total.risk = Risk::ChangesState;
        total.reasons.push_back("the command could not be parsed (" + parsed.error +
                                "), so it is not treated as read-only");
        return total;
    }
    for (size_t i = 0; i < parsed.commands.size(); ++i)
        merge(total, classify_command(shell, nvsmi, parsed.commands, i));

    RiskReport bound;
    risk_detail::Classifier c{shell, nvsmi, bound};
    c.bind_loops(parsed, risk_detail::Context{});
    merge(total, std::move(bound));
    return total;
}

}  // namespace sigma::domain
