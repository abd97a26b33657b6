// RiskClassifier: danger rules of single tools that need context the pack cannot hold: the paths rm
// deletes, what find -exec runs, dd's output device, chmod modes, kill targets, kubectl replicas,
// curl methods, tar modes and force-pushed refspecs. Not the effect rules (risk_effect_rules.cpp).
#include <algorithm>
#include <cctype>

#include "app/domain/risk_classifier_impl.h"
#include "app/domain/risk_paths.h"
#include "app/domain/shell_parser.h"

namespace sigma::domain::risk_detail {

void Classifier::danger_rules(const std::vector<SimpleCommand>& all, size_t index, const ShellSpec& tool,
                              const ArgView& av, const std::string& label, const Context& ctx) {
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
            else if (w.glob) raise(Risk::Destructive, p + " " + t + ": deletes every file the glob matches");
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
            open_mode = open_mode || a == "777" || a == "0777" || a == "a+rwx" || a == "ugo+rwx" || a == "o+w" ||
                        a == "a+w" || a == "666";
        if (recursive && open_mode && n == "chmod")
            raise(Risk::Destructive, p + " -R 777: opens a whole tree to every user");
        if (recursive)
            for (size_t k = 1; k < av.positional.size(); ++k)
                if (!protected_path_reason(av.positional[k]).empty() || av.positional[k] == "/")
                    raise(Risk::Destructive,
                          p + " -R " + av.positional[k] + ": rewrites ownership or permissions of a system tree");
    } else if (n == "kill") {
        // kill -l 1 names signal 1; with -l or -L before the operands kill signals nothing
        // (kill -s KILL 1 -l signals PID 1: options end at the first operand).
        const size_t first_operand = ta.positionals.empty() ? cmd.args.size() : ta.positionals.front();
        for (const ToolArgs::Opt& o : ta.options)
            if ((av.spelled(o, "-l") || av.spelled(o, "-L")) && o.word < first_operand) return;
        for (const std::string& a : av.positional) {
            if (a == "1") raise(Risk::Destructive, p + " 1: signals PID 1 (init); killing it brings the machine down");
            if (a == "-1") raise(Risk::Destructive, p + " -1: signals every process");
        }
        for (const ToolArgs::Opt& o : ta.options)
            if (o.written == "-NUM" && o.word > 0 && o.value == "1")
                raise(Risk::Destructive, p + " -1: signals every process");
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
            if (m == "POST" || m == "PUT" || m == "PATCH")
                raise(Risk::ChangesState, p + " -X " + m + ": sends a request that changes the server");
            if (m == "DELETE") raise(Risk::Destructive, p + " -X DELETE: deletes a resource on the server");
        }
    } else if (n == "tar") {
        if (av.has({"-c"}) || av.has({"-r"}) || av.has({"-u"}) || av.has({"-A"}) || av.has({"--delete"}))
            raise(Risk::ChangesState, p + ": writes an archive");
        else if (av.has({"-x"})) raise(Risk::ChangesState, p + " -x: extracts files, overwriting existing ones");
    } else if (n == "git" && !ta.subcommand_path.empty() && ta.subcommand_path[0] == "push") {
        for (const std::string& a : av.positional)
            if (!a.empty() && a[0] == '+') raise(Risk::Destructive, p + " " + a + ": force-pushes a refspec");
    } else if (n == "ip" || n == "rdma") {
        netlink_words(all, index, av, label, ctx);
    } else if (n == "ifconfig") {
        // ifconfig IFACE alone shows it; any word after the interface sets something (an address,
        // hw ether, promisc, txqueuelen, ...).
        if (av.positional.size() >= 2)
            raise(Risk::ChangesState,
                  p + " " + av.positional[0] + " " + av.positional[1] + ": configures the interface");
    } else if (n == "pkill" || n == "killall") {
        // A pattern that matches every process, or every process of root, is as bad as kill -1.
        static const char* kEverything[] = {".", ".*", "^", "^.*", ".+", "*", "", "$"};
        const bool regex = n == "pkill" || av.has({"-r"});
        for (const std::string& a : av.positional)
            for (const char* e : kEverything)
                if (regex && a == e) raise(Risk::Destructive, p + " '" + a + "': the pattern matches every process");
        for (const std::string& u : av.values_of({"-u", "-U", "--euid", "--uid", "--user"}))
            if ((u == "root" || u == "0") && (av.positional.empty() || n == "killall"))
                raise(Risk::Destructive,
                      p + " -u " + u + ": signals every process of root, the system's services included");
    } else if (n == "firewall-cmd") {
        for (const ShellWord& w : cmd.args) {
            const std::string t = w.text.substr(0, w.text.find('='));
            static const char* kChanging[] = {"--add-",
                                              "--remove-",
                                              "--set-",
                                              "--new-",
                                              "--delete-",
                                              "--change-",
                                              "--load-",
                                              "--reset-",
                                              "--runtime-to-permanent",
                                              "--complete-reload",
                                              "--lockdown-",
                                              "--direct",
                                              "--policy-"};
            for (const char* c : kChanging)
                if (t.rfind(c, 0) == 0) {
                    raise(Risk::ChangesState, p + " " + t + ": changes the firewall");
                    break;
                }
        }
    }
}

void Classifier::run_words(const std::vector<ShellWord>& words, size_t start, const Context& ctx) {
    if (start >= words.size()) return;
    SimpleCommand sc;
    sc.program = words[start];
    sc.args.assign(words.begin() + static_cast<long>(start) + 1, words.end());
    std::vector<SimpleCommand> list{sc};
    command(list, 0, ctx);
}

namespace {

enum class Verb { ReadOnly, ChangesState, Destructive, Exec };

struct VerbSpec {
    const char* word;
    Verb verb;
};

// iproute2 command words per object, as `ip OBJECT help` lists them. Any prefix of a word is that
// word (iproute2's matches()); a prefix of several is judged as the worst of them.
constexpr Verb R = Verb::ReadOnly, C = Verb::ChangesState, D = Verb::Destructive, X = Verb::Exec;
const VerbSpec kAddressVerbs[] = {{"add", C},      {"change", C},  {"chg", C}, {"replace", C}, {"delete", C},
                                  {"list", R},     {"show", R},    {"lst", R}, {"flush", D},   {"save", R},
                                  {"showdump", R}, {"restore", C}, {"help", R}};
const VerbSpec kRouteVerbs[] = {{"add", C},      {"change", C}, {"chg", C},    {"replace", C}, {"prepend", C},
                                {"append", C},   {"test", C},   {"delete", C}, {"list", R},    {"show", R},
                                {"lst", R},      {"get", R},    {"flush", D},  {"save", R},    {"restore", C},
                                {"showdump", R}, {"help", R}};
const VerbSpec kNeighVerbs[] = {{"add", C},  {"change", C}, {"chg", C},   {"replace", C}, {"delete", C}, {"list", R},
                                {"show", R}, {"lst", R},    {"flush", D}, {"get", R},     {"help", R}};
const VerbSpec kLinkVerbs[] = {{"add", C},      {"set", C},     {"change", C}, {"replace", C}, {"delete", C},
                               {"show", R},     {"lst", R},     {"list", R},   {"xstats", R},  {"afstats", R},
                               {"property", C}, {"altname", C}, {"help", R}};
const VerbSpec kRuleVerbs[] = {{"list", R},  {"lst", R},  {"show", R},    {"add", C}, {"delete", C},
                               {"flush", D}, {"save", R}, {"restore", C}, {"help", R}};
const VerbSpec kNetnsVerbs[] = {{"list", R}, {"lst", R},     {"add", C},      {"attach", C},
                                {"set", C},  {"delete", C},  {"identify", R}, {"pids", R},
                                {"exec", X}, {"monitor", R}, {"list-id", R},  {"help", R}};
const VerbSpec kVrfVerbs[] = {{"show", R}, {"list", R}, {"exec", X}, {"identify", R}, {"pids", R}, {"help", R}};
// Objects without their own list, and rdma: every command word iproute2 and rdma use.
const VerbSpec kAnyVerbs[] = {
    {"show", R},      {"list", R},     {"lst", R},      {"get", R},     {"help", R},   {"save", R},     {"showdump", R},
    {"xstats", R},    {"afstats", R},  {"identify", R}, {"pids", R},    {"count", R},  {"monitor", R},  {"add", C},
    {"change", C},    {"chg", C},      {"replace", C},  {"prepend", C}, {"append", C}, {"test", C},     {"delete", C},
    {"del", C},       {"set", C},      {"restore", C},  {"attach", C},  {"detach", C}, {"property", C}, {"altname", C},
    {"update", C},    {"allocate", C}, {"expire", C},   {"bind", C},    {"unbind", C}, {"prl", C},      {"flush", D},
    {"deleteall", D}, {"exec", X}};

// ip's objects in the order it matches them (ip.c): the first one the word is a prefix of.
const char* const kIpObjects[] = {"address", "addrlabel", "maddress", "route", "rule",  "neighbor",   "neighbour",
                                  "ntable",  "ntbl",      "link",     "l2tp",  "fou",   "ila",        "macsec",
                                  "tunnel",  "tunl",      "tuntap",   "tap",   "token", "tcpmetrics", "tcp_metrics",
                                  "monitor", "xfrm",      "mroute",   "mrule", "netns", "netconf",    "vrf",
                                  "sr",      "nexthop",   "mptcp",    "ioam",  "stats", "help"};

bool prefix_of(const std::string& word, const char* full) {
    const std::string f = full;
    return !word.empty() && word.size() <= f.size() && f.compare(0, word.size(), word) == 0;
}

template <size_t N>
const VerbSpec* resolve_verb(const std::string& word, const VerbSpec (&verbs)[N], bool prefixes) {
    const VerbSpec* worst = nullptr;
    for (const VerbSpec& v : verbs)
        if (word == v.word || (prefixes && prefix_of(word, v.word)))
            if (!worst || static_cast<int>(v.verb) > static_cast<int>(worst->verb)) worst = &v;
    return worst;
}

}  // namespace

void Classifier::netlink_words(const std::vector<SimpleCommand>& all, size_t index, const ArgView& av,
                               const std::string& label, const Context& ctx) {
    (void)all;
    (void)index;
    const std::vector<ShellWord>& args = av.cmd.args;
    const std::string& n = av.ta.chain.front()->name;
    const std::string p = ctx.prefix() + label;
    // The words that are not options or option values. ip reads -l as -loops, -b as -batch and -n
    // as -netns, each with a value (ip.c matches option prefixes in order).
    std::vector<size_t> words;
    for (size_t k = 0; k < args.size(); ++k) {
        std::string t = args[k].text;
        if (t.size() > 1 && t[0] == '-') {
            if (t.rfind("--", 0) == 0) t.erase(0, 1);
            const bool batch = prefix_of(t, "-batch");
            const bool value = batch || prefix_of(t, "-netns") ||
                               (n == "ip" && (prefix_of(t, "-loops") || prefix_of(t, "-family") ||
                                              (t.size() >= 3 && prefix_of(t, "-rcvbuf"))));
            if (batch)
                raise(Risk::ChangesState,
                      p + " " + args[k].text + ": runs commands read from a file, which cannot be judged");
            if (value) ++k;
            continue;
        }
        words.push_back(k);
    }
    if (words.empty()) return;
    const std::string object_word = args[words[0]].text;
    std::string object;
    if (n == "ip") {
        for (const char* o : kIpObjects)
            if (prefix_of(object_word, o)) {
                object = o;
                break;
            }
        if (object.empty()) {
            raise(Risk::ChangesState,
                  p + " " + object_word + ": not an object this catalogue knows, so not judged read-only");
            return;
        }
        if (object == "monitor" || object == "help") return;
    } else {
        object = object_word;
    }
    // The command word: after the object (after xfrm's state/policy), any prefix for ip.
    size_t at = 1;
    if (object == "xfrm") at = 2;
    const auto judge = [&](size_t w, const VerbSpec* spec) {
        std::string shown = p;
        for (size_t k = 0; k <= w; ++k) shown += " " + args[words[k]].text;
        const std::string& t = args[words[w]].text;
        if (!spec) {
            raise(Risk::ChangesState,
                  shown + ": not a command word this catalogue knows for " + object + ", so not judged read-only");
            return;
        }
        if (t != spec->word) shown += " (" + object + " " + spec->word + ")";
        const Verb* v = &spec->verb;
        if (*v == Verb::Exec) {
            // ip netns exec NAME CMD, ip vrf exec NAME CMD; ip -all netns exec CMD has no NAME.
            const bool all_ns = av.has({"-all", "--all", "-a"});
            const size_t cmd_word = w + (all_ns ? 1 : 2);
            raise(Risk::ChangesState,
                  shown + ": runs a command in " + (object == "vrf" ? "a VRF" : "a network namespace"));
            if (cmd_word < words.size()) run_words(args, words[cmd_word], ctx.inner(p + " exec"));
            return;
        }
        const Risk r = *v == Verb::Destructive    ? Risk::Destructive
                       : *v == Verb::ChangesState ? Risk::ChangesState
                                                  : Risk::ReadOnly;
        if (r != Risk::ReadOnly)
            raise(r, shown + ": " + (r == Risk::Destructive ? "removes every entry it matches" : generic(r)));
    };
    if (at >= words.size()) return;
    if (n == "rdma") {
        // rdma OBJECT [SUBOBJECT] COMMAND ...: judge every word that is a command word.
        for (size_t w = 1; w < words.size(); ++w) {
            if (const VerbSpec* v = resolve_verb(args[words[w]].text, kAnyVerbs, w == 1)) judge(w, v);
        }
        return;
    }
    const std::string& verb = args[words[at]].text;
    const VerbSpec* v = nullptr;
    if (object == "address") v = resolve_verb(verb, kAddressVerbs, true);
    else if (object == "route") v = resolve_verb(verb, kRouteVerbs, true);
    else if (object == "neighbor" || object == "neighbour") v = resolve_verb(verb, kNeighVerbs, true);
    else if (object == "link") v = resolve_verb(verb, kLinkVerbs, true);
    else if (object == "rule") v = resolve_verb(verb, kRuleVerbs, true);
    else if (object == "netns") v = resolve_verb(verb, kNetnsVerbs, true);
    else if (object == "vrf") v = resolve_verb(verb, kVrfVerbs, true);
    else v = resolve_verb(verb, kAnyVerbs, true);
    judge(at, v);
}

}  // namespace sigma::domain::risk_detail
