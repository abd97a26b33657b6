// RiskClassifier: effect rules. A line is judged by what it can do: any way to run other code
// (inline awk/sed programs, pager and compressor options, git config, nc -e, env -S, parallel,
// docker run, eval, code-running variables) makes it at least changes-state and is classified by
// what it runs where that is visible; any write is at least changes-state; writes, moves, deletes,
// truncation and permission changes on system trees and protected roots are destructive.
// Not the per-tool danger rules (risk_danger_rules.cpp).
#include <algorithm>
#include <cctype>
#include <iterator>

#include "app/domain/risk_classifier_impl.h"
#include "app/domain/risk_inline_code.h"
#include "app/domain/risk_paths.h"
#include "app/domain/shell_parser.h"

namespace sigma::domain::risk_detail {

namespace {

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Variables whose value a program runs or loads.
bool code_running_variable(const std::string& name) {
    static const char* kNames[] = {"PAGER",
                                   "GIT_PAGER",
                                   "MANPAGER",
                                   "SYSTEMD_PAGER",
                                   "EDITOR",
                                   "VISUAL",
                                   "GIT_EDITOR",
                                   "GIT_SSH",
                                   "GIT_SSH_COMMAND",
                                   "GIT_EXTERNAL_DIFF",
                                   "GIT_ASKPASS",
                                   "SSH_ASKPASS",
                                   "LESSOPEN",
                                   "LESSCLOSE",
                                   "BASH_ENV",
                                   "ENV",
                                   "PROMPT_COMMAND",
                                   "LD_PRELOAD",
                                   "LD_LIBRARY_PATH",
                                   "LD_AUDIT",
                                   "PERL5OPT",
                                   "PERL5LIB",
                                   "PYTHONSTARTUP",
                                   "PYTHONPATH",
                                   "NODE_OPTIONS",
                                   "RUBYOPT",
                                   "GIT_CONFIG_GLOBAL",
                                   "GIT_DIR",
                                   "KUBECONFIG_EXEC",
                                   "SHELLOPTS",
                                   "BROWSER",
                                   "TAR_OPTIONS",
                                   "GZIP",
                                   "IFS",
                                   "PATH"};
    for (const char* n : kNames)
        if (name == n) return true;
    return false;
}

bool runs_value_as_command(const std::string& name) {
    return name == "PAGER" || name == "GIT_PAGER" || name == "MANPAGER" || name == "SYSTEMD_PAGER" ||
           name == "EDITOR" || name == "VISUAL" || name == "GIT_EDITOR" || name == "GIT_SSH_COMMAND" ||
           name == "PROMPT_COMMAND" || name == "LESSOPEN" || name == "LESSCLOSE" || name == "GIT_EXTERNAL_DIFF" ||
           name == "BROWSER";
}

// git configuration keys whose value is a program or script to run.
bool git_key_runs_code(const std::string& key_in, const std::string& value) {
    const std::string key = lower(key_in);
    if (key.rfind("alias.", 0) == 0) return !value.empty() && value[0] == '!';
    static const char* kParts[] = {"pager",    "editor",   "sshcommand", "fsmonitor",   "hookspath",  "askpass",
                                   "gitproxy", "external", "helper",     "program",     "textconv",   "command",
                                   "driver",   ".cmd",     "hook",       ".clean",      ".smudge",    ".process",
                                   "include",  "exec",     "proxy",      "receivepack", "uploadpack", "shell"};
    for (const char* p : kParts)
        if (key.find(p) != std::string::npos) return true;
    return false;
}

// Options of docker/podman run and create that take a value.
bool docker_value_option(const std::string& t) {
    static const char* kOpts[] = {"-v",
                                  "--volume",
                                  "-e",
                                  "--env",
                                  "--name",
                                  "-p",
                                  "--publish",
                                  "-w",
                                  "--workdir",
                                  "-u",
                                  "--user",
                                  "--entrypoint",
                                  "--network",
                                  "--net",
                                  "--mount",
                                  "--gpus",
                                  "--runtime",
                                  "--pid",
                                  "--ipc",
                                  "-h",
                                  "--hostname",
                                  "--shm-size",
                                  "--cpus",
                                  "-m",
                                  "--memory",
                                  "--env-file",
                                  "--label",
                                  "-l",
                                  "--cap-add",
                                  "--cap-drop",
                                  "--device",
                                  "--restart",
                                  "--platform",
                                  "--ulimit",
                                  "--security-opt",
                                  "--tmpfs",
                                  "--add-host",
                                  "--dns",
                                  "--log-driver",
                                  "--log-opt",
                                  "--cidfile",
                                  "--cgroupns",
                                  "--userns",
                                  "--uts",
                                  "--volumes-from",
                                  "--health-cmd",
                                  "--stop-signal",
                                  "--pull",
                                  "--memory-swap",
                                  "--cpuset-cpus",
                                  "-a",
                                  "--attach",
                                  "--group-add",
                                  "--ip",
                                  "--mac-address",
                                  "--init-path",
                                  "--expose",
                                  "--link",
                                  "--label-file",
                                  "--stop-timeout",
                                  "--pids-limit",
                                  "--oom-score-adj",
                                  "--blkio-weight",
                                  "--cpu-shares",
                                  "-c",
                                  "--storage-opt",
                                  "--sysctl",
                                  "--annotation"};
    for (const char* o : kOpts)
        if (t == o) return true;
    return false;
}

// An ssh -o setting that runs a local command: ProxyCommand, LocalCommand, KnownHostsCommand.
// Returns the command, from "-o Key=cmd", "-o 'Key cmd'" or "-oKey=cmd".
std::vector<std::string> ssh_local_commands(const std::vector<ShellWord>& args) {
    std::vector<std::string> out;
    for (size_t k = 0; k < args.size(); ++k) {
        std::string setting;
        const std::string& t = args[k].text;
        if (t == "-o" && k + 1 < args.size()) setting = args[++k].text;
        else if (t.size() > 2 && t.rfind("-o", 0) == 0 && t[2] != '-') setting = t.substr(2);
        else continue;
        const size_t sep = setting.find_first_of("= \t");
        if (sep == std::string::npos) continue;
        const std::string key = lower(setting.substr(0, sep));
        std::string value = setting.substr(sep + 1);
        const size_t b = value.find_first_not_of("= \t");
        value = b == std::string::npos ? "" : value.substr(b);
        if ((key == "proxycommand" || key == "localcommand" || key == "knownhostscommand") && !value.empty() &&
            lower(value) != "none")
            out.push_back(value);
    }
    return out;
}

}  // namespace

// `--name=value`, `--name value`, `-xVALUE` or `-x value` in the raw words; the first match.
std::optional<std::string> raw_value(const std::vector<ShellWord>& args, std::initializer_list<const char*> names) {
    for (size_t k = 0; k < args.size(); ++k) {
        const std::string& t = args[k].text;
        for (const char* n : names) {
            const std::string name = n;
            if (t == name && k + 1 < args.size()) return args[k + 1].text;
            if (name.rfind("--", 0) == 0 && t.rfind(name + "=", 0) == 0) return t.substr(name.size() + 1);
            if (name.size() == 2 && name[0] == '-' && name[1] != '-' && t.size() > 2 && t.rfind(name, 0) == 0 &&
                t[1] != '-')
                return t.substr(2);
        }
    }
    return std::nullopt;
}

bool raw_has(const std::vector<ShellWord>& args, std::initializer_list<const char*> names) {
    for (const ShellWord& w : args)
        for (const char* n : names)
            if (w.text == n || w.text.rfind(std::string(n) + "=", 0) == 0) return true;
    return false;
}

void Classifier::env_assignments(const SimpleCommand& cmd, const Context& ctx) {
    for (const auto& [name, value] : cmd.env) {
        if (!code_running_variable(name) || cmd.program.text.empty()) continue;
        raise(Risk::ChangesState,
              ctx.prefix() + name + "=" + value + ": the program runs or loads what this variable names");
        if (runs_value_as_command(name) && !value.empty()) nested_line(value, ctx.inner(ctx.prefix() + name));
    }
}

void Classifier::armed_variables(const std::vector<std::pair<std::string, std::string>>& vars, const Context& ctx,
                                 const std::string& label) {
    // A variable set for the rest of the shell: what later commands run or load.
    for (const auto& [name, value] : vars) {
        const bool loader =
            name == "LD_PRELOAD" || name == "LD_AUDIT" || name == "BASH_ENV" || name == "ENV" || name == "PERL5OPT" ||
            name == "NODE_OPTIONS" || name == "RUBYOPT" || name == "PYTHONSTARTUP" || name == "SHELLOPTS" ||
            name == "PROMPT_COMMAND" || name == "LESSOPEN" || name == "LESSCLOSE" || name == "GIT_SSH_COMMAND" ||
            name == "GIT_SSH" || name == "GIT_EXTERNAL_DIFF" || name == "GIT_ASKPASS" || name == "SSH_ASKPASS";
        if (loader)
            raise(Risk::ChangesState,
                  label + " " + name + "=" + value + ": later commands run or load what this variable names");
        if (!runs_value_as_command(name) || value.empty()) continue;
        // EDITOR=vim and PAGER=less name a plain pager or editor: nothing to judge.
        const ShellParseResult parsed = parse_shell(value);
        if (parsed.ok && parsed.commands.size() == 1 && parsed.commands[0].args.empty() && !loader) {
            static const char* kPlain[] = {"less", "more", "most",  "cat", "vi",   "vim",
                                           "nvim", "nano", "emacs", "ed",  "code", "view"};
            const std::string prog = program_basename(parsed.commands[0].program.text);
            if (std::any_of(std::begin(kPlain), std::end(kPlain), [&](const char* k) { return prog == k; })) continue;
        }
        nested_line(value, ctx.inner(label + " " + name));
    }
}

void Classifier::nvidia_smi_writes(const SimpleCommand& cmd, const Context& ctx) {
    if (auto f = raw_value(cmd.args, {"-f", "--filename"})) {
        // -f=FILE is read as -f FILE.
        const std::string file = !f->empty() && (*f)[0] == '=' ? f->substr(1) : *f;
        write_target(file, "writes the report to this file", ctx.prefix() + "nvidia-smi -f");
    }
}

void Classifier::computed_code(const SimpleCommand& cmd, const std::string& name, const Context& ctx) {
    const std::string label = ctx.prefix() + name;
    std::string joined;
    bool computed = false;
    for (const ShellWord& w : cmd.args) {
        joined += (joined.empty() ? "" : " ") + w.text;
        computed = computed || w.expands;
    }
    if (computed) {
        if (computes_from_network(joined))
            raise(Risk::Destructive, label + ": runs code downloaded or decoded at run time without showing it");
        else raise(Risk::ChangesState, label + ": runs text computed at run time, which cannot be judged");
        return;
    }
    raise(Risk::ChangesState, label + ": runs its arguments as a command line");
    nested_line(joined, ctx.inner(label));
}

bool Classifier::effect_rules(const std::vector<SimpleCommand>& all, size_t index, const ShellSpec& tool,
                              const ArgView& av, const std::string& label, const Context& ctx) {
    const SimpleCommand& cmd = all[index];
    const std::vector<ShellWord>& args = cmd.args;
    const std::string& n = tool.name;
    const std::string p = ctx.prefix() + label;
    const std::vector<std::string>& pos = av.positional;

    // Process substitutions and $(...) feeding an interpreter or source: the code is not visible.
    if (tool.shell || tool.script_runner || n == "source" || n == ".") {
        for (const ShellWord& w : args)
            if (computes_from_network(w.text))
                raise(Risk::Destructive, p + " " + w.text + ": runs code downloaded at run time without showing it");
    }

    if (tool.awk_script) {
        const bool from_file =
            av.has({"-f", "--file", "-E", "--exec"}) || raw_has(args, {"-f", "--file", "-E", "--exec"});
        if (from_file) raise(Risk::ChangesState, p + " -f: runs an awk program from a file, which cannot be judged");
        std::vector<std::string> programs = av.values_of({"-e", "--source"});
        size_t files_from = 0;
        if (programs.empty() && !from_file && !pos.empty()) {
            programs.push_back(pos[0]);
            files_from = 1;
        }
        // gawk -l/--load loads a shared-library extension: its code runs.
        if (auto lib = raw_value(args, {"-l", "--load"}))
            raise(Risk::ChangesState, p + " -l " + *lib + ": loads an extension library, which runs its code");
        const bool inplace = raw_value(args, {"-i", "--include"}).value_or("") == "inplace";
        if (inplace) {
            raise(Risk::ChangesState, p + " -i inplace: edits files in place");
            for (size_t k = files_from; k < pos.size(); ++k) touch_target(pos[k], "edits", p);
        }
        for (const std::string& prog : programs) {
            const InlineEffects fx = scan_awk_program(prog);
            for (const std::string& c : fx.commands) {
                raise(Risk::ChangesState, p + ": the program runs the command '" + c + "'");
                nested_line(c, ctx.inner(p + " system()"));
            }
            if (fx.runs_hidden)
                raise(Risk::ChangesState, p + ": the program runs a command built at run time, which cannot be judged");
            for (const std::string& w : fx.writes) write_target(w, "the program writes this file", p);
            if (fx.writes_hidden) raise(Risk::ChangesState, p + ": the program writes a file whose name is computed");
        }
        return false;
    }
    if (n == "sed") {
        const bool sandbox = av.has({"--sandbox"}) || raw_has(args, {"--sandbox"});
        const bool from_file = av.has({"-f", "--file"});
        if (from_file && !sandbox)
            raise(Risk::ChangesState, p + " -f: runs a sed script from a file, which cannot be judged");
        std::vector<std::string> scripts = av.values_of({"-e", "--expression"});
        size_t files_from = 0;
        if (scripts.empty() && !from_file && !pos.empty()) {
            scripts.push_back(pos[0]);
            files_from = 1;
        }
        if (av.has({"-i", "--in-place"}) || raw_has(args, {"--in-place"}))
            for (size_t k = files_from; k < pos.size(); ++k) touch_target(pos[k], "edits in place", p);
        if (!sandbox) {
            for (const std::string& script : scripts) {
                const InlineEffects fx = scan_sed_script(script);
                for (const std::string& c : fx.commands) {
                    raise(Risk::ChangesState, p + ": the script runs the command '" + c + "' (e)");
                    nested_line(c, ctx.inner(p + " e"));
                }
                if (fx.runs_hidden)
                    raise(Risk::ChangesState, p + ": the script runs text as a command (e), which cannot be judged");
                for (const std::string& w : fx.writes) write_target(w, "the script writes this file (w)", p);
            }
        }
        return false;
    }
    if (n == "sort") {
        if (auto prog = raw_value(args, {"--compress-program"})) {
            raise(Risk::ChangesState, p + " --compress-program=" + *prog + ": runs another program");
            nested_line(*prog, ctx.inner(p + " --compress-program"));
        }
        if (auto o = av.value_of({"-o", "--output"})) write_target(*o, "writes the sorted output", p);
        return false;
    }
    if (n == "git") {
        for (size_t k = 0; k < args.size(); ++k) {
            std::string kv;
            const std::string& t = args[k].text;
            if (t == "-c" && k + 1 < args.size()) kv = args[k + 1].text;
            else if (t.rfind("-c", 0) == 0 && t.size() > 2 && t[2] != '-') kv = t.substr(2);
            else if (t.rfind("--config-env=", 0) == 0) kv = t.substr(13);
            const size_t eq = kv.find('=');
            if (eq == std::string::npos) continue;
            const std::string key = kv.substr(0, eq);
            std::string value = kv.substr(eq + 1);
            if (!git_key_runs_code(key, value)) continue;
            raise(Risk::ChangesState, p + " -c " + key + ": runs '" + value + "' as a program");
            if (!value.empty() && value[0] == '!') value.erase(0, 1);
            if (!value.empty()) nested_line(value, ctx.inner(p + " -c " + key));
        }
        if (auto o = raw_value(args, {"--output"})) write_target(*o, "writes the output to this file", p);
        // The ext:: transport runs its URL as a command: words split at spaces, "% " is a space
        // inside a word and "%%" a percent sign.
        for (const ShellWord& w : args) {
            if (w.text.rfind("ext::", 0) != 0) continue;
            std::vector<ShellWord> words(1);
            for (size_t i = 5; i < w.text.size(); ++i) {
                const char c = w.text[i];
                if (c == '%' && i + 1 < w.text.size()) {
                    words.back().text += w.text[++i];
                } else if (c == ' ') {
                    if (!words.back().text.empty()) words.emplace_back();
                } else {
                    words.back().text += c;
                }
            }
            raise(Risk::ChangesState, p + " " + w.text + ": the ext:: transport runs a command");
            if (!words.front().text.empty()) run_words(words, 0, ctx.inner(p + " ext::"));
        }
        for (const char* opt : {"--upload-pack", "--receive-pack", "--exec"})
            if (auto prog = raw_value(args, {opt})) {
                raise(Risk::ChangesState, p + " " + opt + ": runs '" + *prog + "' as a program");
                nested_line(*prog, ctx.inner(p + " " + opt));
            }
        if (!av.ta.subcommand_path.empty()) {
            const std::string& sub = av.ta.subcommand_path[0];
            // Commands git runs for a subcommand: grep's pager, difftool's tool, bisect run,
            // submodule foreach.
            std::optional<std::string> runs;
            if (sub == "grep") runs = raw_value(args, {"-O", "--open-files-in-pager"});
            if (sub == "difftool" || sub == "mergetool") runs = raw_value(args, {"-x", "--extcmd", "--tool-cmd"});
            if (runs && !runs->empty()) {
                raise(Risk::ChangesState, p + ": runs '" + *runs + "' as a program");
                nested_line(*runs, ctx.inner(p));
            }
            for (size_t k = 0; k + 1 < args.size(); ++k) {
                const std::string& t = args[k].text;
                if ((sub == "bisect" && t == "run") || (sub == "submodule" && t == "foreach")) {
                    size_t start = k + 1;
                    while (start < args.size() && args[start].text.rfind("--", 0) == 0 && sub == "submodule") ++start;
                    std::string joined;
                    for (size_t c = start; c < args.size(); ++c) joined += (joined.empty() ? "" : " ") + args[c].text;
                    raise(Risk::ChangesState, p + " " + t + ": runs '" + joined + "'");
                    // submodule foreach hands its words to a shell; bisect run execs them.
                    if (sub == "submodule") nested_line(joined, ctx.inner(p + " " + t));
                    else run_words(args, start, ctx.inner(p + " " + t));
                    break;
                }
            }
            if (sub == "rebase")
                if (auto x = raw_value(args, {"--exec", "-x"})) {
                    raise(Risk::ChangesState, p + " --exec: runs a command after each commit");
                    nested_line(*x, ctx.inner(p + " --exec"));
                }
        }
        return false;
    }
    if (n == "less" || n == "more" || n == "most" || n == "man") {
        for (const ShellWord& w : args) {
            if (w.text.size() > 1 && w.text[0] == '+') {
                const size_t bang = w.text.find('!');
                if (bang != std::string::npos) {
                    raise(Risk::ChangesState, p + " " + w.text + ": the start-up command runs a shell command");
                    const std::string c = w.text.substr(bang + 1);
                    if (!c.empty()) nested_line(c, ctx.inner(p + " +!"));
                }
            }
        }
        if (auto f = raw_value(args, {"-o", "-O", "--log-file", "--LOG-FILE"}))
            write_target(*f, "copies its input to this file", p);
        if (auto pager = raw_value(args, {"-P", "--pager"}); pager && n == "man") {
            raise(Risk::ChangesState, p + " --pager: runs '" + *pager + "' as a program");
            nested_line(*pager, ctx.inner(p + " --pager"));
        }
        if (auto browser = raw_value(args, {"-H", "--html"}); browser && n == "man" && !browser->empty()) {
            raise(Risk::ChangesState, p + " --html: runs '" + *browser + "' as the browser");
            nested_line(*browser, ctx.inner(p + " --html"));
        }
        return false;
    }
    if (n == "nc" || n == "ncat" || n == "netcat" || n == "socat") {
        for (size_t k = 0; k < args.size(); ++k) {
            const std::string& t = args[k].text;
            const bool exec_opt =
                t == "-e" || t == "-c" || t == "--exec" || t == "--sh-exec" || t == "--lua-exec" ||
                t.rfind("--exec=", 0) == 0 || t.rfind("--sh-exec=", 0) == 0 || t.rfind("--lua-exec=", 0) == 0 ||
                (t.size() > 2 && (t.rfind("-e", 0) == 0 || t.rfind("-c", 0) == 0) && t[1] != '-' && n != "socat");
            const std::string up = lower(t);
            const bool socat_exec =
                n == "socat" && (up.find("exec:") != std::string::npos || up.find("system:") != std::string::npos);
            if ((exec_opt && n != "socat") || socat_exec)
                raise(Risk::Destructive, p + " " + t + ": connects a program to the network (a remote shell)");
        }
        return false;
    }
    if (n == "env") {
        // Only env's own words count: a -S after the wrapped program belongs to that program.
        const size_t own = std::min(av.ta.wrapped_start, args.size());
        const std::vector<ShellWord> env_words(args.begin(), args.begin() + static_cast<long>(own));
        if (auto s = raw_value(env_words, {"-S", "--split-string"})) {
            std::string text = *s;
            // The words after the -S string are appended to the split command.
            bool after = false;
            for (size_t k = 0; k < args.size(); ++k) {  // -S is among env's own words, before `own`
                if (after) text += " " + args[k].text;
                if (args[k].text == "-S" || args[k].text == "--split-string") {
                    ++k;
                    after = true;
                } else if (args[k].text.rfind("-S", 0) == 0 || args[k].text.rfind("--split-string=", 0) == 0) {
                    after = true;
                }
            }
            nested_line(text, ctx.inner(p + " -S"));
            return true;
        }
        return false;
    }
    if (n == "sudo") {
        // sudo as a wrapped word (env sudo CMD): its options, then the command, which runs as root.
        static const char* kValueOpts[] = {"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T", "-c"};
        size_t k = 0;
        while (k < args.size() && !args[k].text.empty() && args[k].text[0] == '-') {
            const std::string& t = args[k].text;
            ++k;
            if (t == "--") break;
            for (const char* v : kValueOpts)
                if (t == v) ++k;
        }
        if (k < args.size()) wrapped(all, index, k, tool, ctx.inner(p));
        return true;
    }
    if (n == "trap") {
        if (!pos.empty() && !pos[0].empty() && pos[0] != "-" && pos.size() >= 2) nested_line(pos[0], ctx.inner(p));
        return false;
    }
    if (n == "su" || n == "runuser" || n == "sg") {
        if (auto c = raw_value(args, {"-c", "--command"})) {
            nested_line(*c, ctx.inner(p + " -c"));
            return true;
        }
        return false;
    }
    if (n == "parallel") {
        std::string text;
        for (const ShellWord& w : args) {
            if (w.text == ":::" || w.text == "::::" || w.text == ":::+" || w.text == "::::+") break;
            if (text.empty() && !w.text.empty() && w.text[0] == '-') continue;
            text += (text.empty() ? "" : " ") + w.text;
        }
        if (text.empty()) {
            raise(Risk::ChangesState, p + ": runs command lines read from its input, which cannot be judged");
        } else {
            Context inner = ctx.inner(p);
            inner.runtime_args = true;
            nested_line(text, inner);
        }
        return true;
    }
    if (n == "uniq" || n == "xxd") {
        if (pos.size() >= 2) write_target(pos[1], "writes the output to this file", p);
        return false;
    }
    if (n == "tee") {
        for (const std::string& f : pos) write_target(f, "writes its input to this file", p);
        return false;
    }
    if (n == "ssh" || n == "scp" || n == "sftp" || n == "ssh-copy-id" || n == "rsync") {
        // Options that run a program on this machine, whatever the remote side does.
        const size_t own = std::min(av.ta.wrapped_start, args.size());
        const std::vector<ShellWord> words(args.begin(), args.begin() + static_cast<long>(own));
        for (const std::string& c : ssh_local_commands(words)) {
            raise(Risk::ChangesState, p + " -o: runs '" + c + "' on this machine");
            nested_line(c, ctx.inner(p + " -o"));
        }
        if (n == "scp" || n == "sftp")
            if (auto prog = raw_value(words, {"-S"}))
                raise(Risk::ChangesState, p + " -S " + *prog + ": runs this program instead of ssh");
        if (n == "rsync") {
            // -e/--rsh names the remote shell program; anything but ssh or rsh is code to judge.
            if (auto rsh = raw_value(words, {"-e", "--rsh"})) {
                const ShellParseResult parsed = parse_shell(*rsh);
                const std::string prog =
                    parsed.ok && !parsed.commands.empty() ? program_basename(parsed.commands[0].program.text) : "";
                if (prog != "ssh" && prog != "rsh") {
                    raise(Risk::ChangesState, p + " -e '" + *rsh + "': runs this program as the remote shell");
                    nested_line(*rsh, ctx.inner(p + " -e"));
                }
            }
            // --rsync-path is run by the remote shell on the other host.
            if (auto rp = raw_value(words, {"--rsync-path"})) {
                const ShellParseResult parsed = parse_shell(*rp);
                if (!(parsed.ok && parsed.commands.size() == 1 &&
                      program_basename(parsed.commands[0].program.text) == "rsync")) {
                    raise(Risk::ChangesState, p + " --rsync-path='" + *rp + "': runs this command on the remote host");
                    nested_line(*rp, ctx.inner(p + " --rsync-path"));
                }
            }
        }
        if (n == "ssh") return false;
    }
    if (n == "sbatch" || n == "srun" || n == "salloc") {
        // Only the job's own options: what follows is the command it runs.
        const std::vector<ShellWord> own(args.begin(),
                                         args.begin() + static_cast<long>(std::min(av.ta.wrapped_start, args.size())));
        // sbatch --wrap CMD runs CMD in the job's shell; the prologs and epilogs are programs it runs.
        if (auto w = raw_value(own, {"--wrap"})) nested_line(*w, ctx.inner(p + " --wrap"));
        for (const char* opt : {"--prolog", "--epilog", "--task-prolog", "--task-epilog"})
            if (auto prog = raw_value(own, {opt})) {
                raise(Risk::ChangesState, p + " " + opt + ": runs '" + *prog + "' as a program");
                nested_line(*prog, ctx.inner(p + " " + opt));
            }
        for (const char* opt : {"-o", "--output", "-e", "--error"})
            if (auto f = raw_value(own, {opt})) write_target(*f, "writes the job's output to this file", p);
        return false;
    }
    if (n == "flock" || n == "script") {
        // flock LOCK -c CMD and script -c CMD hand CMD to a shell.
        // flock LOCK -c CMD: the walk reads -c as the start of the wrapped command.
        size_t own = std::min(av.ta.wrapped_start, args.size());
        if (own < args.size() && (args[own].text == "-c" || args[own].text.rfind("--command", 0) == 0))
            own = args.size();
        const std::vector<ShellWord> words(args.begin(), args.begin() + static_cast<long>(own));
        if (auto c = raw_value(words, {"-c", "--command"})) {
            nested_line(*c, ctx.inner(p + " -c"));
            return true;
        }
        if (n == "script")
            if (auto f = std::find_if(pos.begin(), pos.end(), [](const std::string& a) { return !a.empty(); });
                f != pos.end())
                write_target(*f, "records the session into this file", p);
        return false;
    }
    if (n == "time") {
        if (auto o = raw_value(
                std::vector<ShellWord>(args.begin(),
                                       args.begin() + static_cast<long>(std::min(av.ta.wrapped_start, args.size()))),
                {"-o", "--output"}))
            write_target(*o, "writes the timing report to this file", p);
        return false;
    }
    if (n == "gcc" || n == "g++" || n == "clang" || n == "clang++" || n == "nvcc" || n == "ld" || n == "cc" ||
        n == "c++") {
        // -o FILE is where the compiler or linker writes its output.
        for (size_t k = 0; k < args.size(); ++k) {
            const std::string& t = args[k].text;
            if ((t == "-o" || t == "--output" || t == "-output-file" || t == "--output-file") && k + 1 < args.size())
                write_target(args[k + 1].text, "writes the compiler's output to this file", p);
            else if (t.size() > 2 && t.rfind("-o", 0) == 0 && t[2] != '-' && t.rfind("-output", 0) != 0)
                write_target(t.substr(2), "writes the compiler's output to this file", p);
            else if (t.rfind("--output=", 0) == 0 || t.rfind("--output-file=", 0) == 0)
                write_target(t.substr(t.find('=') + 1), "writes the compiler's output to this file", p);
        }
        return false;
    }
    if (n == "gdb" || n == "cuda-gdb") {
        // gdb --args PROG ARGS runs PROG once told to run (-ex run, -batch); `shell CMD` and `!CMD`
        // given with -ex run CMD in a shell.
        for (size_t k = 0; k < args.size(); ++k) {
            const std::string& t = args[k].text;
            if (t == "--args" || t == "-args") {
                raise(Risk::ChangesState, p + " --args: runs the program it debugs");
                run_words(args, k + 1, ctx.inner(p + " --args"));
                break;
            }
            if ((t == "-ex" || t == "--ex" || t == "-eval-command" || t == "--eval-command" || t == "-iex" ||
                 t == "--init-eval-command") &&
                k + 1 < args.size()) {
                std::string c = args[k + 1].text;
                const size_t b = c.find_first_not_of(" \t");
                c = b == std::string::npos ? "" : c.substr(b);
                if (c.rfind("shell ", 0) == 0 || c.rfind("!", 0) == 0 || c.rfind("pipe ", 0) == 0) {
                    const std::string run = c[0] == '!' ? c.substr(1) : c.substr(c.find(' ') + 1);
                    raise(Risk::ChangesState, p + " " + t + " '" + args[k + 1].text + "': runs a shell command");
                    nested_line(run, ctx.inner(p + " " + t));
                }
                ++k;
            }
        }
        return false;
    }
    if (n == "cmake") {
        // cmake -E TOOL ARGS: the portable command mode deletes, copies and runs like the tools it
        // stands for.
        for (size_t k = 0; k + 1 < args.size(); ++k) {
            if (args[k].text != "-E") continue;
            const std::string tool = args[k + 1].text;
            std::vector<ShellWord> words;
            const auto word = [](const std::string& t) {
                ShellWord w;
                w.text = t;
                return w;
            };
            std::vector<ShellWord> rest(args.begin() + static_cast<long>(k) + 2, args.end());
            if (tool == "rm" || tool == "remove") words = {word("rm")};
            else if (tool == "remove_directory") words = {word("rm"), word("-r")};
            else if (tool == "copy" || tool == "copy_directory" || tool == "copy_if_different" ||
                     tool == "copy_directory_if_different")
                words = {word("cp"), word("-r")};
            else if (tool == "rename") words = {word("mv")};
            else if (tool == "touch" || tool == "touch_nocreate") words = {word("touch")};
            else if (tool == "make_directory") words = {word("mkdir"), word("-p")};
            else if (tool == "create_symlink" || tool == "create_hardlink") words = {word("ln")};
            else if (tool == "tar") words = {word("tar")};
            else if (tool == "env") words = {word("env")};
            else if (tool == "time") words = {};
            else if (tool == "chdir" && !rest.empty()) rest.erase(rest.begin());
            else break;  // echo, cat, capabilities, sha256sum, ...: they read
            words.insert(words.end(), rest.begin(), rest.end());
            if (!words.empty()) run_words(words, 0, ctx.inner(p + " -E " + tool));
            break;
        }
        return false;
    }
    if (n == "tmux") {
        // tmux -c CMD, and the shell commands of new-session, split-window, run-shell, if-shell,
        // pipe-pane, respawn-*, display-popup; send-keys types its words into a pane.
        for (size_t k = 0; k < args.size() && args[k].text.size() > 1 && args[k].text[0] == '-'; ++k) {
            const std::string& t = args[k].text;
            if (t == "-c" && k + 1 < args.size()) nested_line(args[k + 1].text, ctx.inner(p + " -c"));
            if ((t == "-c" || t == "-L" || t == "-S" || t == "-f" || t == "-T") && k + 1 < args.size()) ++k;
        }
        if (!av.ta.subcommand_path.empty() && !av.ta.positionals.empty()) {
            const std::string& sub = av.ta.subcommand_path.back();
            // The words from the first operand on, as written (the command's own options included).
            std::vector<std::string> words;
            for (size_t k = av.ta.positionals.front(); k < args.size(); ++k) words.push_back(args[k].text);
            std::string text;
            if (sub == "send-keys" || sub == "send") {
                static const char* kKeys[] = {"Enter", "C-m", "KPEnter", "C-j",   "Escape", "Tab",  "BSpace", "C-c",
                                              "C-d",   "C-z", "C-l",     "Space", "Up",     "Down", "Left",   "Right"};
                for (const std::string& w : words)
                    if (std::none_of(std::begin(kKeys), std::end(kKeys), [&](const char* k) { return w == k; }))
                        text += (text.empty() ? "" : " ") + w;
            } else if (sub == "if-shell" || sub == "if") {
                text = words[0];
            } else {
                for (const std::string& w : words) text += (text.empty() ? "" : " ") + w;
            }
            if (!text.empty()) nested_line(text, ctx.inner(p));
        }
        return false;
    }
    if (n == "screen") {
        // screen [options] CMD ARGS runs CMD in the new session; screen -X stuff TEXT types TEXT.
        if (auto x = raw_value(args, {"-X"}); x && *x == "stuff" && !pos.empty()) {
            std::string text = pos[0];
            for (const char* nl : {"\\n", "\\r", "^M", "\n"})
                for (size_t q; (q = text.find(nl)) != std::string::npos;)
                    text.replace(q, std::string(nl).size(), " ; ");
            nested_line(text, ctx.inner(p + " -X stuff"));
        } else if (!av.ta.positionals.empty() && !raw_has(args, {"-X", "-r", "-R", "-x", "-ls", "-list", "-wipe"})) {
            run_words(args, av.ta.positionals.front(), ctx.inner(p));
        }
        return false;
    }
    if (n == "split") {
        if (auto f = raw_value(args, {"--filter"})) {
            raise(Risk::ChangesState, p + " --filter: runs '" + *f + "' for every piece");
            nested_line(*f, ctx.inner(p + " --filter"));
        }
        return false;
    }
    if (n == "nmap") {
        for (const char* opt : {"-oN", "-oX", "-oG", "-oS", "-oA", "-oM"})
            if (auto f = raw_value(args, {opt})) write_target(*f, "writes the scan report to this file", p);
        if (raw_has(args, {"--script"}) || raw_has(args, {"--interactive"}))
            raise(Risk::ChangesState, p + " --script: runs NSE scripts (Lua code that can do anything)");
        return false;
    }
    if (n == "tcpdump") {
        // -z CMD runs CMD on every capture file it closes.
        if (auto z = raw_value(args, {"-z"})) {
            raise(Risk::ChangesState, p + " -z: runs '" + *z + "' on each capture file");
            nested_line(*z, ctx.inner(p + " -z"));
        }
        return false;
    }
    if (n == "nvidia-debugdump") {
        if (auto f = raw_value(args, {"-f", "--file"})) write_target(*f, "writes the dump to this file", p);
        return false;
    }
    if (n == "date") {
        // date MMDDhhmm[[CC]YY][.ss] sets the clock; only +FORMAT is a format.
        for (const std::string& a : pos)
            if (!a.empty() && a[0] != '+') raise(Risk::ChangesState, p + " " + a + ": sets the system clock");
        return false;
    }
    if (n == "alias") {
        // alias NAME=VALUE: VALUE is what NAME runs from now on.
        for (const std::string& a : pos) {
            const size_t eq = a.find('=');
            if (eq == std::string::npos || eq == 0) continue;
            nested_line(a.substr(eq + 1), ctx.inner(p + " " + a.substr(0, eq)));
        }
        return false;
    }
    if (n == "export" || n == "declare" || n == "local" || n == "readonly") {
        std::vector<std::pair<std::string, std::string>> vars;
        for (const std::string& a : pos) {
            const size_t eq = a.find('=');
            if (eq != std::string::npos && eq > 0) vars.emplace_back(a.substr(0, eq), a.substr(eq + 1));
        }
        armed_variables(vars, ctx, p);
        return false;
    }
    // Files written, moved, deleted or re-permissioned by the file tools (risk_file_rules.cpp).
    if (file_rules(cmd, tool, av, p, ctx)) return false;
    if ((n == "docker" || n == "kubectl") && !av.ta.subcommand_path.empty() && av.ta.subcommand_path.back() == "cp" &&
        pos.size() >= 2) {
        // docker cp C:/x DEST and kubectl cp POD:/x DEST write DEST on this machine.
        const std::string& dest = pos.back();
        const size_t colon = dest.find(':');
        if (colon == std::string::npos || dest.find('/') < colon)
            write_target(dest, "copies from the container into this path", p);
        return false;
    }
    if (n == "vi" || n == "vim" || n == "nvim" || n == "ex" || n == "view") {
        // -c CMD, --cmd CMD and +CMD run editor commands; :!CMD runs a shell command.
        for (size_t k = 0; k < args.size(); ++k) {
            std::string c;
            const std::string& t = args[k].text;
            if ((t == "-c" || t == "--cmd") && k + 1 < args.size()) c = args[++k].text;
            else if (t.size() > 1 && t[0] == '+') c = t.substr(1);
            else continue;
            const size_t b = c.find_first_not_of(": \t");
            if (b == std::string::npos || c[b] != '!') continue;
            raise(Risk::ChangesState, p + " " + t + ": runs a shell command");
            nested_line(c.substr(b + 1), ctx.inner(p + " :!"));
        }
        return false;
    }
    if (n == "ansible") {
        // The command and shell modules (command is the default) run -a on every host.
        const std::string module = raw_value(args, {"-m", "--module-name"}).value_or("command");
        if (auto a = raw_value(args, {"-a", "--args"});
            a && (module == "command" || module == "shell" || module == "raw" || module == "ansible.builtin.command" ||
                  module == "ansible.builtin.shell" || module == "ansible.builtin.raw")) {
            raise(Risk::ChangesState, p + " -m " + module + ": runs '" + *a + "' on the hosts");
            nested_line(*a, ctx.inner(p + " -a"));
        }
        return false;
    }
    if (n == "wget") {
        if (auto f = av.value_of({"-O", "--output-document"})) write_target(*f, "writes the download to this file", p);
        if (auto f = av.value_of({"-o", "--output-file", "-a", "--append-output"}))
            write_target(*f, "writes its log to this file", p);
        if (auto d = av.value_of({"-P", "--directory-prefix"}))
            write_target(*d, "writes downloads into this folder", p);
        return false;
    }
    if (n == "docker" && !av.ta.subcommand_path.empty() &&
        (av.ta.subcommand_path.back() == "run" || av.ta.subcommand_path.back() == "create")) {
        size_t k = 0;
        while (k < args.size() && args[k].text != av.ta.subcommand_path.back()) ++k;
        ++k;
        std::vector<std::string> host_access;
        std::string entrypoint;
        for (; k < args.size(); ++k) {
            const std::string& t = args[k].text;
            if (t.empty() || t[0] != '-') break;
            std::string opt = t, value;
            const size_t eq = t.find('=');
            if (eq != std::string::npos && t.rfind("--", 0) == 0) {
                opt = t.substr(0, eq);
                value = t.substr(eq + 1);
            } else if (docker_value_option(t) && k + 1 < args.size()) {
                value = args[++k].text;
            }
            if (opt == "--privileged") host_access.push_back("--privileged");
            if ((opt == "-v" || opt == "--volume") &&
                (value.rfind("/:", 0) == 0 || value.rfind("/etc", 0) == 0 ||
                 value.rfind("/var/run/docker.sock", 0) == 0 || value.rfind("/dev", 0) == 0 ||
                 value.rfind("/boot", 0) == 0 || value.rfind("/root", 0) == 0))
                host_access.push_back(opt + " " + value);
            if (opt == "--mount" &&
                (value.find("source=/,") != std::string::npos || value.find("src=/,") != std::string::npos ||
                 (value.size() >= 9 && value.substr(value.size() - 9) == "source=/")))
                host_access.push_back("--mount " + value);
            if ((opt == "--pid" || opt == "--userns" || opt == "--ipc" || opt == "--uts") && value == "host")
                host_access.push_back(opt + "=host");
            if (opt == "--cap-add" && (lower(value) == "sys_admin" || lower(value) == "all"))
                host_access.push_back("--cap-add " + value);
            if (opt == "--entrypoint") entrypoint = value;
        }
        for (const std::string& h : host_access)
            raise(Risk::ChangesState, p + " " + h + ": gives the container access to the host");
        const size_t image = k;
        std::string inner_text = entrypoint;
        for (size_t c = image + 1; c < args.size(); ++c) inner_text += (inner_text.empty() ? "" : " ") + args[c].text;
        if (image >= args.size()) return true;
        if (inner_text.empty()) {
            if (!host_access.empty())
                raise(Risk::Destructive, p + ": runs the image's own command with access to the host");
            return true;
        }
        RiskReport inner_report;
        Classifier sub{shell, nvsmi, inner_report};
        {
            const ShellParseResult parsed = parse_shell(inner_text);
            if (parsed.ok) {
                for (size_t c = 0; c < parsed.commands.size(); ++c)
                    sub.command(parsed.commands, c, ctx.inner(p + " (in the container)"));
            } else {
                sub.raise(Risk::ChangesState, p + ": runs a command that cannot be parsed");
            }
        }
        for (const std::string& r : inner_report.reasons) raise(inner_report.risk, r);
        if (!host_access.empty() && inner_report.risk != Risk::ReadOnly)
            raise(Risk::Destructive, p + ": the container's command changes state with access to the host");
        return true;
    }
    return false;
}

}  // namespace sigma::domain::risk_detail
