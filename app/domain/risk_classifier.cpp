// RiskClassifier: the risk names and the per-command rules: the pack's classes per tool, subcommand
// and option, then the danger rules that need context (paths, pipes, redirections, sudo, wrapped
// commands), documented in resources/knowledge/shell/FORMAT.md. Not configurable at run time.
#include "app/domain/risk_classifier.h"

#include <algorithm>

#include "app/domain/nvsmi_validator.h"
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

namespace {

constexpr int kMaxWrapDepth = 8;

struct Classifier {
    const ShellCatalog& shell;
    const NvsmiCatalog& nvsmi;
    RiskReport& out;

    void raise(Risk r, std::string reason) {
        out.risk = max_risk(out.risk, r);
        if (std::find(out.reasons.begin(), out.reasons.end(), reason) == out.reasons.end())
            out.reasons.push_back(std::move(reason));
    }

    static const char* generic(Risk r) {
        switch (r) {
            case Risk::ReadOnly: return "only reads information";
            case Risk::ChangesState: return "changes system state";
            case Risk::Destructive: return "can destroy data or stop running work";
        }
        return "";
    }

    static bool is_device(const std::string& path) {
        if (path.rfind("/dev/", 0) != 0) return false;
        static const char* kHarmless[] = {"/dev/null", "/dev/zero", "/dev/stdout", "/dev/stderr", "/dev/stdin",
                                          "/dev/tty", "/dev/random", "/dev/urandom", "/dev/full"};
        for (const char* h : kHarmless)
            if (path == h) return false;
        return path.rfind("/dev/fd/", 0) != 0 && path.rfind("/dev/pts/", 0) != 0 && path.rfind("/dev/shm/", 0) != 0;
    }

    static bool under_tmp(const std::string& p) {
        return p.rfind("/tmp/", 0) == 0 || p.rfind("/var/tmp/", 0) == 0 || p == "/tmp" || p == "/var/tmp";
    }

    // Top-level system trees and a few critical subtrees; /var/www or /srv/app are not system paths.
    static bool system_path(const std::string& p) {
        static const char* kSystem[] = {"/", "/etc", "/usr", "/bin", "/sbin", "/lib", "/lib64", "/var", "/boot",
                                        "/opt", "/home", "/root", "/sys", "/proc", "/dev", "/srv", "/run",
                                        "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/local", "/var/lib", "/etc/ssh"};
        std::string q = p;
        while (q.size() > 1 && q.back() == '/') q.pop_back();
        for (const char* s : kSystem)
            if (q == s) return true;
        return q == "/*" || q == "~" || q == "$HOME";
    }

    void redirections(const SimpleCommand& cmd) {
        for (const ShellRedirection& r : cmd.redirections) {
            if (!r.writes()) continue;
            if (is_device(r.target)) {
                raise(Risk::Destructive, "redirection '" + r.op + " " + r.target + "' writes straight to a device");
            } else if (r.target == "/dev/null" || r.target.rfind("/dev/", 0) == 0) {
                continue;
            } else if (r.op.find(">>") != std::string::npos) {
                raise(Risk::ChangesState, "redirection '" + r.op + " " + r.target + "' appends to a file");
            } else {
                raise(Risk::ChangesState, "redirection '" + r.op + " " + r.target + "' creates or truncates a file");
            }
        }
    }

    // Classifies a command line held in one word (bash -c "...", watch "...", ssh host "...").
    void nested_line(const std::string& text, const std::string& via, int depth) {
        const ShellParseResult p = parse_shell(text);
        if (!p.ok) {
            raise(Risk::ChangesState, via + " runs a command that cannot be parsed (" + p.error + ")");
            return;
        }
        for (size_t i = 0; i < p.commands.size(); ++i) command(p.commands, i, depth + 1, via);
    }

    void wrapped(const std::vector<ShellWord>& args, size_t start, const ShellSpec& spec, const std::string& via, int depth) {
        if (start >= args.size()) return;
        if (spec.wraps.join_string || args.size() - start == 1) {
            if (args.size() - start == 1 && args[start].text.find_first_of(" \t|;&><") != std::string::npos) {
                nested_line(args[start].text, via, depth);
                return;
            }
            if (spec.wraps.join_string) {
                std::string joined;
                for (size_t k = start; k < args.size(); ++k) joined += (k > start ? " " : "") + args[k].text;
                nested_line(joined, via, depth);
                return;
            }
        }
        SimpleCommand inner;
        inner.program = args[start];
        inner.args.assign(args.begin() + static_cast<long>(start) + 1, args.end());
        std::vector<SimpleCommand> list{inner};
        command(list, 0, depth + 1, via);
    }

    // One command; `all` gives the pipeline context at the top level.
    void command(const std::vector<SimpleCommand>& all, size_t index, int depth, const std::string& via) {
        const SimpleCommand& cmd = all[index];
        if (depth > kMaxWrapDepth) {
            raise(Risk::ChangesState, "commands wrapped too deeply to judge");
            return;
        }
        if (cmd.sudo)
            raise(Risk::ChangesState, cmd.sudo_user.empty() || cmd.sudo_user == "root"
                                          ? "sudo: runs with root privileges"
                                          : "sudo -u " + cmd.sudo_user + ": runs as another user");
        redirections(cmd);
        const std::string prefix = via.empty() ? "" : via + ": ";
        if (cmd.program.text.empty()) {
            if (!cmd.env.empty()) raise(Risk::ReadOnly, prefix + "sets shell variables only");
            return;
        }
        if (cmd.program.expands) {
            raise(Risk::ChangesState, prefix + "the program '" + cmd.program.text + "' is computed at run time");
            return;
        }
        const std::string name = program_basename(cmd.program.text);
        if (name == "nvidia-smi") {
            const NvsmiCheck c = check_nvsmi(nvsmi, cmd);
            for (const std::string& r : c.reasons) raise(c.risk, prefix + r);
            return;
        }
        const ShellSpec* tool = shell.find(cmd.program.text);
        if (!tool) {
            raise(Risk::ChangesState, prefix + "unknown program '" + cmd.program.text + "'");
            return;
        }
        tool_rules(all, index, *tool, depth, prefix);
    }

    void tool_rules(const std::vector<SimpleCommand>& all, size_t index, const ShellSpec& tool, int depth, const std::string& prefix) {
        const SimpleCommand& cmd = all[index];
        const std::vector<ShellWord>& args = cmd.args;
        const ToolArgs ta = shell.walk(tool, args);
        std::string label = program_basename(cmd.program.text);
        for (const std::string& s : ta.subcommand_path) label += " " + s;
        const ShellSpec& spec = ta.spec();
        auto spelled = [](const ToolArgs::Opt& o, const char* n) {
            return o.written == n ||
                   (o.option && std::find(o.option->spellings.begin(), o.option->spellings.end(), n) != o.option->spellings.end());
        };
        auto has = [&](std::initializer_list<const char*> names) {
            for (const ToolArgs::Opt& o : ta.options)
                for (const char* n : names)
                    if (spelled(o, n)) return true;
            return false;
        };
        auto value_of = [&](std::initializer_list<const char*> names) -> std::optional<std::string> {
            for (const ToolArgs::Opt& o : ta.options)
                for (const char* n : names)
                    if (o.has_value && spelled(o, n)) return o.value;
            return std::nullopt;
        };
        std::vector<std::string> positional;
        for (size_t p : ta.positionals) positional.push_back(args[p].text);

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
        if (auto why = read_only_override(cmd, ta, positional, has, value_of)) {
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
        if (spec.positional_risk && !positional.empty())
            raise(spec.positional_risk->risk, prefix + label + ": " + spec.positional_risk->reason);
        for (const std::string& p : positional) {
            if (spec.assignment_risk && p.find('=') != std::string::npos)
                raise(spec.assignment_risk->risk, prefix + label + " " + p + ": " + spec.assignment_risk->reason);
            auto it = spec.risky_words.find(p);
            if (it != spec.risky_words.end()) raise(it->second, prefix + label + " " + p + ": " + generic(it->second));
        }
        danger_rules(all, index, tool, ta, positional, prefix, label, has, value_of);

        // Commands that run other commands.
        if (spec.wraps.present) {
            if (ta.wrapped_start < args.size()) {
                wrapped(args, ta.wrapped_start, spec, prefix + label, depth);
            } else if (spec.wraps.none_risk) {
                raise(spec.wraps.none_risk->risk, prefix + label + ": " + spec.wraps.none_risk->reason);
            }
        }
        if (tool.shell) {
            if (auto c = value_of({"-c"})) {
                nested_line(*c, prefix + label + " -c", depth);
            } else if (cmd.stdin_from_pipe && (positional.empty() || positional[0] == "-" || has({"-s"}))) {
                pipe_to_interpreter(all, index, prefix + label);
            }
        }
        if (tool.script_runner && cmd.stdin_from_pipe && positional.empty() && !has({"-c", "-m"}))
            pipe_to_interpreter(all, index, prefix + label);
    }

    void pipe_to_interpreter(const std::vector<SimpleCommand>& all, size_t index, const std::string& label) {
        const size_t first = std::min(all[index].pipeline_first, index);
        for (size_t k = first; k < index; ++k) {
            const std::string up = program_basename(all[k].program.text);
            if (up == "curl" || up == "wget" || up == "fetch") {
                raise(Risk::Destructive, label + ": runs a script downloaded by " + up + " without showing it (pipe to a shell)");
                return;
            }
        }
        raise(Risk::ChangesState, label + ": runs text from the pipe as a script");
    }

    // Read-only cases of tools that usually write: dry runs and listings named in the pack, tar -t,
    // wget -O - (download to stdout), tee with no file but /dev/null.
    template <typename Has, typename ValueOf>
    std::optional<std::string> read_only_override(const SimpleCommand& cmd, const ToolArgs& ta, const std::vector<std::string>& positional,
                                                  Has&& has, ValueOf&& value_of) {
        if (cmd.args.empty()) return std::nullopt;
        for (const ShellSpec* s : ta.chain)
            for (const std::string& ro : s->read_only_options)
                if (has({ro.c_str()}) || std::find(positional.begin(), positional.end(), ro) != positional.end())
                    return ro + ": " + generic(Risk::ReadOnly);
        const std::string& n = ta.chain.front()->name;
        if (n == "tar" && has({"-t"}) && !has({"-c", "-x", "-r", "-u", "-A", "--delete"})) return std::string("-t: lists an archive");
        if (n == "wget") {
            auto o = value_of({"-O"});
            if (o && *o == "-") return std::string("-O -: prints the download to stdout");
        }
        if (n == "tee" && std::all_of(positional.begin(), positional.end(), [](const std::string& a) { return a == "/dev/null"; }))
            return std::string(": copies its input to stdout only");
        return std::nullopt;
    }

    template <typename Has, typename ValueOf>
    void danger_rules(const std::vector<SimpleCommand>& all, size_t index, const ShellSpec& tool, const ToolArgs& ta,
                      const std::vector<std::string>& positional, const std::string& prefix, const std::string& label,
                      Has&& has, ValueOf&& value_of) {
        const SimpleCommand& cmd = all[index];
        const std::string& n = tool.name;
        const std::string p = prefix + label;
        if (n == "rm") {
            const bool recursive = has({"-r"});
            const bool force = has({"-f"});
            if (has({"--no-preserve-root"})) raise(Risk::Destructive, p + " --no-preserve-root: allows deleting /");
            if (recursive && force && ta.positionals.empty())
                raise(Risk::Destructive, p + " -rf: recursive forced delete of paths supplied at run time");
            for (size_t k = 0; k < ta.positionals.size(); ++k) {
                const ShellWord& w = cmd.args[ta.positionals[k]];
                const std::string& t = w.text;
                if (t == "/" || t == "/*" || t == "~" || t == "~/" || t == "$HOME" || t == "*" || t == "." || t == "..")
                    raise(Risk::Destructive, p + " " + t + ": deletes a whole tree (/, ~, * or .)");
                else if (w.glob)
                    raise(Risk::Destructive, p + " " + t + ": deletes every file the glob matches");
                else if (recursive && force && !under_tmp(t))
                    raise(Risk::Destructive, p + " -rf " + t + ": recursive forced delete outside /tmp");
            }
        } else if (n == "find") {
            for (size_t k = 0; k < cmd.args.size(); ++k) {
                const std::string& t = cmd.args[k].text;
                if (t != "-exec" && t != "-execdir" && t != "-ok" && t != "-okdir") continue;
                size_t e = k + 1;
                while (e < cmd.args.size() && cmd.args[e].text != ";" && cmd.args[e].text != "+") ++e;
                if (e > k + 1) {
                    std::vector<ShellWord> inner(cmd.args.begin() + static_cast<long>(k) + 1, cmd.args.begin() + static_cast<long>(e));
                    SimpleCommand sc;
                    sc.program = inner[0];
                    sc.args.assign(inner.begin() + 1, inner.end());
                    std::vector<SimpleCommand> list{sc};
                    command(list, 0, 1, p + " " + t);
                    const std::string inner_name = program_basename(sc.program.text);
                    if (inner_name == "rm" || inner_name == "shred" || inner_name == "unlink")
                        raise(Risk::Destructive, p + " " + t + " " + inner_name + ": deletes every file find matches");
                }
                k = e;
            }
        } else if (n == "dd") {
            for (const std::string& a : positional)
                if (a.rfind("of=", 0) == 0 && is_device(a.substr(3)))
                    raise(Risk::Destructive, p + " " + a + ": writes raw blocks over a device");
        } else if (n == "chmod" || n == "chown" || n == "chgrp") {
            const bool recursive = has({"-R"});
            bool open_mode = false;
            for (const std::string& a : positional)
                open_mode = open_mode || a == "777" || a == "0777" || a == "a+rwx" || a == "ugo+rwx" || a == "o+w" || a == "a+w" || a == "666";
            if (recursive && open_mode && n == "chmod") raise(Risk::Destructive, p + " -R 777: opens a whole tree to every user");
            if (recursive)
                for (size_t k = 1; k < positional.size(); ++k)
                    if (system_path(positional[k])) raise(Risk::Destructive, p + " -R " + positional[k] + ": rewrites ownership or permissions of a system tree");
        } else if (n == "kill") {
            for (const std::string& a : positional) {
                if (a == "1") raise(Risk::Destructive, p + " 1: signals PID 1 (init); killing it brings the machine down");
                if (a == "-1") raise(Risk::Destructive, p + " -1: signals every process");
            }
            for (const ToolArgs::Opt& o : ta.options)
                if (o.written == "-NUM" && o.word > 0 && o.value == "1") raise(Risk::Destructive, p + " -1: signals every process");
        } else if (n == "kubectl" && !ta.subcommand_path.empty() && ta.subcommand_path[0] == "scale") {
            for (size_t k = 0; k < cmd.args.size(); ++k) {
                const std::string& t = cmd.args[k].text;
                if (t == "--replicas=0" || (t == "--replicas" && k + 1 < cmd.args.size() && cmd.args[k + 1].text == "0"))
                    raise(Risk::Destructive, p + " --replicas=0: stops every pod of the workload");
            }
        } else if (n == "curl") {
            if (auto x = value_of({"-X"})) {
                std::string m = *x;
                for (char& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                if (m == "POST" || m == "PUT" || m == "PATCH") raise(Risk::ChangesState, p + " -X " + m + ": sends a request that changes the server");
                if (m == "DELETE") raise(Risk::Destructive, p + " -X DELETE: deletes a resource on the server");
            }
        } else if (n == "tar") {
            if (has({"-c"}) || has({"-r"}) || has({"-u"}) || has({"-A"}) || has({"--delete"}))
                raise(Risk::ChangesState, p + ": writes an archive");
            else if (has({"-x"}))
                raise(Risk::ChangesState, p + " -x: extracts files, overwriting existing ones");
        } else if (n == "git" && !ta.subcommand_path.empty() && ta.subcommand_path[0] == "push") {
            for (const std::string& a : positional)
                if (!a.empty() && a[0] == '+') raise(Risk::Destructive, p + " " + a + ": force-pushes a refspec");
        } else if (n == "tee") {
            for (const std::string& a : positional)
                if (is_device(a)) raise(Risk::Destructive, p + " " + a + ": writes straight to a device");
        }
    }
};

}  // namespace

RiskReport classify_command(const ShellCatalog& shell, const NvsmiCatalog& nvsmi, const std::vector<SimpleCommand>& all, size_t index) {
    RiskReport r;
    if (index >= all.size()) return r;
    Classifier c{shell, nvsmi, r};
    c.command(all, index, 0, "");
    if (r.reasons.empty()) r.reasons.push_back(program_basename(all[index].program.text) + ": only reads information");
    return r;
}

RiskReport classify_line(const ShellCatalog& shell, const NvsmiCatalog& nvsmi, const ShellParseResult& parsed) {
    RiskReport total;
    if (!parsed.ok) {
        total.risk = Risk::ChangesState;
        total.reasons.push_back("the command could not be parsed (" + parsed.error + "), so it is not treated as read-only");
        return total;
    }
    for (size_t i = 0; i < parsed.commands.size(); ++i) {
        RiskReport r = classify_command(shell, nvsmi, parsed.commands, i);
        total.risk = max_risk(total.risk, r.risk);
        for (std::string& s : r.reasons)
            if (std::find(total.reasons.begin(), total.reasons.end(), s) == total.reasons.end()) total.reasons.push_back(std::move(s));
    }
    return total;
}

}  // namespace sigma::domain
