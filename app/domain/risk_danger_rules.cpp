// RiskClassifier: danger rules of single tools that need context the pack cannot hold: the paths rm
// deletes, what find -exec runs, dd's output device, chmod modes, kill targets, kubectl replicas,
// curl methods, tar modes and force-pushed refspecs. Not the effect rules (risk_effect_rules.cpp).
#include <algorithm>
#include <cctype>

#include "app/domain/risk_classifier_impl.h"
#include "app/domain/risk_paths.h"

namespace sigma::domain::risk_detail {

void Classifier::danger_rules(const std::vector<SimpleCommand>& all, size_t index, const ShellSpec& tool, const ArgView& av,
                              const std::string& label, const Context& ctx) {
    const SimpleCommand& cmd = all[index];
    const ToolArgs& ta = av.ta;
    const std::string& n = tool.name;
    const std::string p = ctx.prefix() + label;
    if (n == "rm") {
        const bool recursive = av.has({"-r"});
        const bool force = av.has({"-f"});
        if (av.has({"--no-preserve-root"})) raise(Risk::Destructive, p + " --no-preserve-root: allows deleting /");
        if (ta.positionals.empty() && (recursive || ctx.runtime_args))
            raise(Risk::Destructive, p + (recursive ? " -r" : "") + ": deletes paths supplied at run time");
        for (size_t k = 0; k < ta.positionals.size(); ++k) {
            const ShellWord& w = cmd.args[ta.positionals[k]];
            const std::string& t = w.text;
            if (t == "/" || t == "/*" || t == "~" || t == "~/" || t == "$HOME" || t == "*" || t == "." || t == "..")
                raise(Risk::Destructive, p + " " + t + ": deletes a whole tree (/, ~, * or .)");
            else if (w.glob)
                raise(Risk::Destructive, p + " " + t + ": deletes every file the glob matches");
            else if (recursive)
                raise(Risk::Destructive, p + (force ? " -rf " : " -r ") + t + ": deletes a whole directory tree");
            else if (t == "{}" || w.expands)
                raise(Risk::Destructive, p + " " + t + ": deletes paths known only at run time");
        }
    } else if (n == "find") {
        for (size_t k = 0; k < cmd.args.size(); ++k) {
            const std::string& t = cmd.args[k].text;
            if (t != "-exec" && t != "-execdir" && t != "-ok" && t != "-okdir") continue;
            size_t e = k + 1;
            while (e < cmd.args.size() && cmd.args[e].text != ";" && cmd.args[e].text != "+") ++e;
            if (e > k + 1) {
                SimpleCommand sc;
                sc.program = cmd.args[k + 1];
                sc.args.assign(cmd.args.begin() + static_cast<long>(k) + 2, cmd.args.begin() + static_cast<long>(e));
                std::vector<SimpleCommand> list{sc};
                Context inner = ctx.inner(p + " " + t);
                inner.runtime_args = true;
                command(list, 0, inner);
                const std::string inner_name = program_basename(sc.program.text);
                if (inner_name == "rm" || inner_name == "shred" || inner_name == "unlink")
                    raise(Risk::Destructive, p + " " + t + " " + inner_name + ": deletes every file find matches");
            }
            k = e;
        }
    } else if (n == "dd") {
        for (const std::string& a : av.positional)
            if (a.rfind("of=", 0) == 0 && is_device_path(a.substr(3)))
                raise(Risk::Destructive, p + " " + a + ": writes raw blocks over a device");
    } else if (n == "chmod" || n == "chown" || n == "chgrp") {
        const bool recursive = av.has({"-R"});
        bool open_mode = false;
        for (const std::string& a : av.positional)
            open_mode = open_mode || a == "777" || a == "0777" || a == "a+rwx" || a == "ugo+rwx" || a == "o+w" || a == "a+w" || a == "666";
        if (recursive && open_mode && n == "chmod") raise(Risk::Destructive, p + " -R 777: opens a whole tree to every user");
        if (recursive)
            for (size_t k = 1; k < av.positional.size(); ++k)
                if (!protected_path_reason(av.positional[k]).empty() || av.positional[k] == "/" )
                    raise(Risk::Destructive, p + " -R " + av.positional[k] + ": rewrites ownership or permissions of a system tree");
    } else if (n == "kill") {
        for (const std::string& a : av.positional) {
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
        if (auto x = av.value_of({"-X"})) {
            std::string m = *x;
            for (char& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            if (m == "POST" || m == "PUT" || m == "PATCH") raise(Risk::ChangesState, p + " -X " + m + ": sends a request that changes the server");
            if (m == "DELETE") raise(Risk::Destructive, p + " -X DELETE: deletes a resource on the server");
        }
    } else if (n == "tar") {
        if (av.has({"-c"}) || av.has({"-r"}) || av.has({"-u"}) || av.has({"-A"}) || av.has({"--delete"}))
            raise(Risk::ChangesState, p + ": writes an archive");
        else if (av.has({"-x"}))
            raise(Risk::ChangesState, p + " -x: extracts files, overwriting existing ones");
    } else if (n == "git" && !ta.subcommand_path.empty() && ta.subcommand_path[0] == "push") {
        for (const std::string& a : av.positional)
            if (!a.empty() && a[0] == '+') raise(Risk::Destructive, p + " " + a + ": force-pushes a refspec");
    }
}

}  // namespace sigma::domain::risk_detail
