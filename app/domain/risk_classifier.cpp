// RiskClassifier: the risk names and the walk over a parsed line: every command, every wrapped
// command (sudo, env, ssh, bash -c, xargs, ...), redirections, and the pipe into an interpreter.
// The per-tool rules live in risk_danger_rules.cpp and risk_effect_rules.cpp; all are documented in
// resources/knowledge/shell/FORMAT.md. Not configurable at run time.
#include "app/domain/risk_classifier.h"

#include <algorithm>
#include <cctype>

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
    return o.written == n ||
           (o.option && std::find(o.option->spellings.begin(), o.option->spellings.end(), n) != o.option->spellings.end());
}

bool ArgView::has(std::initializer_list<const char*> names) const {
    for (const ToolArgs::Opt& o : ta.options)
        for (const char* n : names)
            if (spelled(o, n)) return true;
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
    if (std::find(out.reasons.begin(), out.reasons.end(), reason) == out.reasons.end()) out.reasons.push_back(std::move(reason));
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
            raise(Risk::Destructive, shown + (r.op.find(">>") != std::string::npos ? " appends to " : " overwrites ") + why);
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

void Classifier::wrapped(const std::vector<SimpleCommand>& all, size_t index, size_t start, const ShellSpec& spec, const Context& ctx) {
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
            if (eq != std::string::npos && eq > 0 && t[0] != '-') inner.env.emplace_back(t.substr(0, eq), t.substr(eq + 1));
        }
    inner.program = args[start];
    inner.args.assign(args.begin() + static_cast<long>(start) + 1, args.end());
    inner.stdin_from_pipe = cmd.stdin_from_pipe;
    for (const ShellRedirection& r : cmd.redirections)
        if (!r.writes()) inner.redirections.push_back(r);  // here-documents and input files feed the inner command
    inner.pipeline_first = 0;
    list.push_back(std::move(inner));
    command(list, list.size() - 1, ctx);
}

void Classifier::command(const std::vector<SimpleCommand>& all, size_t index, const Context& ctx) {
    const SimpleCommand& cmd = all[index];
    if (ctx.depth > kMaxWrapDepth) {
        // Never lower than what an unwrapped line could get: too deep to judge is treated as the worst.
        raise(Risk::Destructive, "commands wrapped too deeply to judge, so treated as destructive");
        return;
    }
    if (cmd.sudo)
        raise(Risk::ChangesState, cmd.sudo_user.empty() || cmd.sudo_user == "root" ? "sudo: runs with root privileges"
                                                                                  : "sudo -u " + cmd.sudo_user + ": runs as another user");
    redirections(cmd, ctx);
    env_assignments(cmd, ctx);
    const std::string prefix = ctx.prefix();
    if (cmd.program.text.empty()) {
        if (!cmd.env.empty()) raise(Risk::ReadOnly, prefix + "sets shell variables only");
        return;
    }
    if (cmd.program.expands) {
        if (computes_from_network(cmd.program.text))
            raise(Risk::Destructive, prefix + "the program '" + cmd.program.text + "' is downloaded or decoded at run time");
        else
            raise(Risk::ChangesState, prefix + "the program '" + cmd.program.text + "' is computed at run time");
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

std::optional<std::string> Classifier::read_only_override(const ArgView& av) const {
    if (av.cmd.args.empty()) return std::nullopt;
    for (const ShellSpec* s : av.ta.chain)
        for (const std::string& ro : s->read_only_options)
            if (av.has({ro.c_str()}) || std::find(av.positional.begin(), av.positional.end(), ro) != av.positional.end())
                return ro + ": " + generic(Risk::ReadOnly);
    const std::string& n = av.ta.chain.front()->name;
    if (n == "tar" && av.has({"-t"}) && !av.has({"-c", "-x", "-r", "-u", "-A", "--delete"})) return std::string("-t: lists an archive");
    if (n == "wget") {
        auto o = av.value_of({"-O"});
        if (o && *o == "-") return std::string("-O -: prints the download to stdout");
    }
    if (n == "tee" && std::all_of(av.positional.begin(), av.positional.end(), [](const std::string& a) { return a == "/dev/null"; }))
        return std::string(": copies its input to stdout only");
    return std::nullopt;
}

void Classifier::tool_rules(const std::vector<SimpleCommand>& all, size_t index, const ShellSpec& tool, const Context& ctx) {
    const SimpleCommand& cmd = all[index];
    const std::vector<ShellWord>& args = cmd.args;
    const ToolArgs ta = shell.walk(tool, args);
    ArgView av{cmd, ta, {}};
    for (size_t p : ta.positionals) av.positional.push_back(args[p].text);
    const std::string prefix = ctx.prefix();
    std::string label = program_basename(cmd.program.text);
    for (const std::string& s : ta.subcommand_path) label += " " + s;
    const ShellSpec& spec = ta.spec();

    // Base class: the deepest catalogued spec, or the parent's default for an unknown subcommand.
    RiskNote base = spec.risk;
    std::string base_reason;
    if (!ta.unknown_subcommand.empty()) {
        base.risk = spec.subcommand_default.value_or(spec.risk.risk);
        base_reason = label + ": subcommand '" + ta.unknown_subcommand + "' is not catalogued";
    } else if (!spec.subcommands.empty() && spec.no_subcommand) {
        base.risk = *spec.no_subcommand;
    }
    // Dry runs, listings and writes to stdout make the command read-only whatever else it names.
    if (auto why = read_only_override(av)) {
        raise(Risk::ReadOnly, prefix + label + " " + *why);
        return;
    }
    if (base_reason.empty()) base_reason = label + ": " + (base.reason.empty() ? generic(base.risk) : base.reason);
    raise(base.risk, prefix + base_reason);

    for (const ToolArgs::Opt& o : ta.options) {
        // Writing to /dev/null or to stdout ("-") changes nothing.
        if (o.has_value && (o.value == "/dev/null" || o.value == "-")) continue;
        const std::string key = o.option ? o.option->name() : o.written;
        for (const ShellSpec* s : ta.chain) {
            auto it = s->option_risk.find(key);
            if (it == s->option_risk.end() && !o.option) it = s->option_risk.find(o.written);
            if (it != s->option_risk.end())
                raise(it->second.risk, prefix + label + " " + o.written + ": " +
                                           (it->second.reason.empty() ? generic(it->second.risk) : it->second.reason));
        }
    }
    if (spec.positional_risk && !av.positional.empty()) raise(spec.positional_risk->risk, prefix + label + ": " + spec.positional_risk->reason);
    for (const std::string& p : av.positional) {
        if (spec.assignment_risk && p.find('=') != std::string::npos)
            raise(spec.assignment_risk->risk, prefix + label + " " + p + ": " + spec.assignment_risk->reason);
        auto it = spec.risky_words.find(p);
        if (it != spec.risky_words.end()) raise(it->second, prefix + label + " " + p + ": " + generic(it->second));
    }
    danger_rules(all, index, tool, av, label, ctx);
    const bool handled = effect_rules(all, index, tool, av, label, ctx);

    // Commands that run other commands.
    if (spec.wraps.present && !handled) {
        if (ta.wrapped_start < args.size()) {
            Context inner = ctx.inner(prefix + label);
            inner.runtime_args = tool.name == "xargs";
            wrapped(all, index, ta.wrapped_start, spec, inner);
        } else if (spec.wraps.none_risk) {
            raise(spec.wraps.none_risk->risk, prefix + label + ": " + spec.wraps.none_risk->reason);
        } else if (tool.name == "xargs") {
            // xargs with no command runs echo.
        }
    }
    // A here-document or here-string fed to a shell or to a wrapper without a command (ssh HOST,
    // su, docker exec -i C sh) is the script it runs.
    if (!tool.shell && spec.wraps.present && ta.wrapped_start >= args.size()) {
        for (const ShellRedirection& r : cmd.redirections)
            if (r.op == "<<<" || r.op == "<<" || r.op == "<<-") nested_line(r.target, ctx.inner(prefix + label + " " + r.op));
    }
    if (tool.shell) {
        if (auto c = av.value_of({"-c"})) {
            nested_line(*c, ctx.inner(prefix + label + " -c"));
        } else if (cmd.stdin_from_pipe && (av.positional.empty() || av.positional[0] == "-" || av.has({"-s"}))) {
            pipe_to_interpreter(all, index, prefix + label);
        }
        for (const ShellRedirection& r : cmd.redirections) {
            if (r.op == "<<<" || r.op == "<<" || r.op == "<<-") nested_line(r.target, ctx.inner(prefix + label + " " + r.op));
        }
    }
    if (tool.script_runner && cmd.stdin_from_pipe && (av.positional.empty() || av.positional[0] == "-") && !av.has({"-c", "-m"}))
        pipe_to_interpreter(all, index, prefix + label);
}

void Classifier::pipe_to_interpreter(const std::vector<SimpleCommand>& all, size_t index, const std::string& label) {
    const size_t first = std::min(all[index].pipeline_first, index);
    static const char* kDownloaders[] = {"curl", "wget", "fetch", "nc", "ncat", "netcat", "socat", "ssh", "scp", "aria2c"};
    static const char* kDecoders[] = {"base64", "base32", "xxd", "openssl", "gzip", "gunzip", "zcat", "bzcat", "xzcat",
                                      "zstdcat", "uudecode", "rev", "tr", "gpg", "unzip", "bunzip2", "unxz", "zstd", "xz", "bzip2"};
    bool literal_only = index > first;
    for (size_t k = first; k < index; ++k) {
        const std::string up = effective_program(shell, all[k]);
        for (const char* d : kDownloaders)
            if (up == d) {
                raise(Risk::Destructive, label + ": runs a script downloaded by " + up + " without showing it (pipe to a shell)");
                return;
            }
        for (const char* d : kDecoders)
            if (up == d) {
                raise(Risk::Destructive, label + ": runs code decoded by " + up + " without showing it (pipe to a shell)");
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
    if (text.find("$(") == std::string::npos && text.find('`') == std::string::npos && text.find("<(") == std::string::npos)
        return false;
    static const char* kSources[] = {"curl", "wget", "fetch", "nc ", "ncat", "base64", "xxd", "openssl", "socat", "ssh "};
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
            if (pattern[1] != '{' && end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) {
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
            raise(Risk::ReadOnly, ctx.prefix() + "'" + loop.keyword + "' loop never ends on its own" +
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
                for (ShellRedirection& r : copy.redirections) changed = substitute(r.target, loop.variable, value) || changed;
                if (changed) indexes.push_back(bound.size());
                copy.pipeline_first = 0;
                bound.push_back(std::move(copy));
            }
            for (size_t i : indexes) {
                RiskReport r;
                Classifier sub{shell, nvsmi, r};
                sub.command(bound, i, ctx);
                if (static_cast<int>(r.risk) <= static_cast<int>(out.risk)) continue;
                for (const std::string& reason : r.reasons) raise(r.risk, "with " + loop.variable + "=" + value + ": " + reason);
            }
        }
    }
}

}  // namespace risk_detail

std::string effective_program(const ShellCatalog& shell, const SimpleCommand& cmd) {
    static const char* kPlainWrappers[] = {"nice", "nohup", "time", "stdbuf", "command", "exec", "env", "sudo",
                                           "doas", "ionice", "setsid", "chrt", "taskset", "busybox", "timeout"};
    size_t k = 0;
    std::string name = program_basename(cmd.program.text);
    for (int hops = 0; hops < 8; ++hops) {
        bool is_wrapper = false;
        for (const char* w : kPlainWrappers)
            if (name == w) is_wrapper = true;
        if (!is_wrapper) return name;
        // Skip the wrapper's options, assignments and (for timeout) its duration.
        const bool takes_duration = name == "timeout" || name == "nice" || name == "chrt" || name == "taskset";
        bool skipped_duration = false;
        while (k < cmd.args.size()) {
            const std::string& t = cmd.args[k].text;
            if (!t.empty() && t[0] == '-') {
                ++k;
                continue;
            }
            if (t.find('=') != std::string::npos && name == "env") {
                ++k;
                continue;
            }
            if (takes_duration && !skipped_duration && !t.empty() && std::isdigit(static_cast<unsigned char>(t[0]))) {
                skipped_duration = true;
                ++k;
                continue;
            }
            break;
        }
        if (k >= cmd.args.size()) return name;
        name = program_basename(cmd.args[k].text);
        ++k;
    }
    (void)shell;
    return name;
}

RiskReport classify_command(const ShellCatalog& shell, const NvsmiCatalog& nvsmi, const std::vector<SimpleCommand>& all, size_t index) {
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
        if (std::find(total.reasons.begin(), total.reasons.end(), s) == total.reasons.end()) total.reasons.push_back(std::move(s));
    }
}

}  // namespace

RiskReport classify_line(const ShellCatalog& shell, const NvsmiCatalog& nvsmi, const ShellParseResult& parsed) {
    RiskReport total;
    if (!parsed.ok) {
        total.risk = Risk::ChangesState;
        total.reasons.push_back("the command could not be parsed (" + parsed.error + "), so it is not treated as read-only");
        return total;
    }
    for (size_t i = 0; i < parsed.commands.size(); ++i) merge(total, classify_command(shell, nvsmi, parsed.commands, i));

    RiskReport bound;
    risk_detail::Classifier c{shell, nvsmi, bound};
    c.bind_loops(parsed, risk_detail::Context{});
    merge(total, std::move(bound));
    return total;
}

}  // namespace sigma::domain
