// Shell idiom proposals: each idiom is a cue phrase plus the values it needs, read from the request's
// tokens; a value that is missing or not made of safe characters drops the idiom.
#include "app/domain/shell_idiom_proposals.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

#include "app/domain/nvsmi_view_proposals.h"
#include "app/domain/proposal_words.h"
#include "app/domain/request_intent.h"

namespace sigma::domain {

namespace {

struct Token {
    std::string text;   // as written, trailing punctuation removed
    std::string lower;  // lowered
};

std::vector<Token> tokens_of(std::string_view request) {
    std::vector<Token> out;
    std::string cur;
    auto flush = [&] {
        while (!cur.empty() && std::string_view(",;:?!)(\"'").find(cur.back()) != std::string_view::npos)
            cur.pop_back();
        while (!cur.empty() && std::string_view("(\"'").find(cur.front()) != std::string_view::npos) cur.erase(0, 1);
        if (!cur.empty()) out.push_back({cur, lower_text(cur)});
        cur.clear();
    };
    for (char c : request) {
        if (c == ' ' || c == '\t' || c == '\n') flush();
        else cur += c;
    }
    flush();
    return out;
}

// Characters a copied path, host or name may have: nothing a shell reads specially.
bool safe_value(std::string_view v) {
    if (v.empty() || v.size() > 200 || v.front() == '-') return false;
    return std::all_of(v.begin(), v.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) ||
               std::string_view("._/~+-:@=,%").find(c) != std::string_view::npos;
    });
}

// "give./start.sh" (a missing blank) is "./start.sh".
std::string unglued(const std::string& t) {
    const size_t at = t.find("./");
    return at != std::string::npos && at > 0 && std::isalpha(static_cast<unsigned char>(t[at - 1])) ? t.substr(at) : t;
}

// A file or directory: has a '/', or a name with an extension ("app.log", "logs.tgz").
bool path_like(const std::string& t) {
    if (!safe_value(t) || t.find("://") != std::string::npos) return false;
    if (t.find('/') != std::string::npos) return true;
    const size_t dot = t.rfind('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 >= t.size() || t.size() - dot > 6) return false;
    return std::all_of(t.begin() + static_cast<long>(dot) + 1, t.end(),
                       [](char c) {
                           return std::isalpha(static_cast<unsigned char>(c)) ||
                                  std::isdigit(static_cast<unsigned char>(c));
                       }) &&
           std::isalpha(static_cast<unsigned char>(t[dot + 1]));
}

std::optional<std::string> first_path(const std::vector<Token>& tokens, size_t from = 0) {
    for (size_t i = from; i < tokens.size(); ++i) {
        const std::string t = unglued(tokens[i].text);
        if (path_like(t)) return t;
    }
    return std::nullopt;
}

bool is_number(const std::string& t) {
    return !t.empty() && t.size() <= 9 &&
           std::all_of(t.begin(), t.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// Index of the first token equal to one of `words`, or npos.
size_t find_token(const std::vector<Token>& tokens, std::initializer_list<std::string_view> words, size_t from = 0) {
    for (size_t i = from; i < tokens.size(); ++i)
        for (std::string_view w : words)
            if (tokens[i].lower == w) return i;
    return std::string::npos;
}

// The number a request gives for a count: digits or a number word ("ten"), via the literal reader.
std::string count_before(std::string_view request, std::initializer_list<std::string_view> units) {
    const std::string text = lower_text(request);
    return number_before(request_literals(request), text, units);
}

std::string archive_flag(const std::string& path) {
    const std::string p = lower_text(path);
    if (p.ends_with(".tar.gz") || p.ends_with(".tgz")) return "z";
    if (p.ends_with(".tar.bz2") || p.ends_with(".tbz2")) return "j";
    if (p.ends_with(".tar.xz") || p.ends_with(".txz")) return "J";
    if (p.ends_with(".tar")) return "";
    return "?";
}

// "lines 415-485 of FILE", "lines 100 to 140 of FILE".
std::optional<std::string> line_range(const std::vector<Token>& tokens) {
    const size_t at = find_token(tokens, {"lines", "line"});
    if (at == std::string::npos || at + 1 >= tokens.size()) return std::nullopt;
    std::string a, b;
    const std::string& next = tokens[at + 1].text;
    const size_t dash = next.find('-');
    if (dash != std::string::npos && is_number(next.substr(0, dash)) && is_number(next.substr(dash + 1))) {
        a = next.substr(0, dash);
        b = next.substr(dash + 1);
    } else if (at + 3 < tokens.size() && is_number(next) &&
               (tokens[at + 2].lower == "to" || tokens[at + 2].lower == "through" || tokens[at + 2].lower == "thru" ||
                tokens[at + 2].lower == "-") &&
               is_number(tokens[at + 3].text)) {
        a = next;
        b = tokens[at + 3].text;
    } else {
        return std::nullopt;
    }
    const auto file = first_path(tokens, at + 1);
    if (!file) return std::nullopt;
    return "sed -n '" + a + "," + b + "p' " + *file;
}

// A grep pattern the idioms may copy: letters, digits, _ . : - (and blanks when `phrase`), nothing a
// shell or grep reads specially inside single quotes.
bool pattern_text(std::string_view p, bool phrase) {
    return !p.empty() && std::all_of(p.begin(), p.end(), [phrase](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == ':' || c == '-' ||
               (phrase && c == ' ');
    });
}

// The pattern after "contain(s)/containing/mentioning/with": one word or a quoted phrase of safe characters.
std::optional<std::string> pattern_after(std::string_view request, const std::vector<Token>& tokens) {
    const std::string text(request);
    for (const char q : {'\'', '"'}) {
        const size_t a = text.find(q);
        const size_t b = a == std::string::npos ? a : text.find(q, a + 1);
        if (b != std::string::npos && b > a + 1) {
            const std::string p = text.substr(a + 1, b - a - 1);
            if (pattern_text(p, true)) return p;
        }
    }
    const size_t at =
        find_token(tokens, {"contain", "contains", "containing", "mention", "mentions", "mentioning", "matching"});
    if (at == std::string::npos || at + 1 >= tokens.size()) return std::nullopt;
    const std::string& p = tokens[at + 1].text;
    if (!pattern_text(p, false)) return std::nullopt;
    return p;
}

// The namespace: "in NS", "from NS", "ns NS", "namespace NS" after the pod.
std::string namespace_after(const std::vector<Token>& tokens, size_t from) {
    for (size_t i = from; i + 1 < tokens.size(); ++i) {
        const std::string& w = tokens[i].lower;
        if (w == "in" || w == "from" || w == "ns" || w == "namespace" || w == "of") {
            size_t j = i + 1;
            if (tokens[j].lower == "namespace" || tokens[j].lower == "ns") ++j;
            if (j < tokens.size() && safe_value(tokens[j].text) && tokens[j].lower != "the" &&
                tokens[j].lower != "this" && tokens[j].lower.find('.') == std::string::npos)
                return tokens[j].text;
        }
    }
    return {};
}

// "the last hour" -> "1 hour ago", "last 5 minutes" / "5 min" -> "5 minutes ago"; empty when no window.
std::string time_window(std::string_view request, const std::string& text) {
    if (contains_any(text, {"last hour", "past hour", "last 1 hour"})) return "1 hour ago";
    if (contains_any(text, {"last day", "past day", "24 hours"})) return "1 day ago";
    const std::vector<Literal> literals = request_literals(request);
    if (!contains_any(text, {"last ", "past ", "since ", "ago", "within "})) return {};
    std::string n = number_before(literals, text, {"minutes", "minute", "min", "mins"});
    if (!n.empty()) return n + (n == "1" ? " minute ago" : " minutes ago");
    n = number_before(literals, text, {"hours", "hour", "hrs"});
    if (!n.empty()) return n + (n == "1" ? " hour ago" : " hours ago");
    n = number_before(literals, text, {"days", "day"});
    if (!n.empty()) return n + (n == "1" ? " day ago" : " days ago");
    return {};
}

// journalctl for "nginx service logs from the last hour", "follow the logs of sshd", "kubelet logs,
// last 5 minutes", "errors in the journal since boot".
std::optional<std::string> journal_idiom(std::string_view request, const std::vector<Token>& tokens,
                                         const std::vector<std::string>& words, const std::string& text) {
    if (!has_word(words, {"logs", "log", "journal"}) || has_word(words, {"lines", "line"}) ||
        has_word(words, {"container", "pod", "kubectl", "kernel", "dmesg", "file", "nginx's"}) ||
        (has_word(words, {"docker"}) && !has_word(words, {"service", "daemon", "dockerd"})) ||
        first_path(tokens))  // a log file is read with tail or grep, not the journal
        return std::nullopt;
    static const std::set<std::string> kNotUnits{"the",    "a",     "all",    "my",   "system", "service", "services",
                                                 "recent", "error", "errors", "boot", "last",   "show",    "follow",
                                                 "tail",   "whole", "full",   "its",  "their",  "this",    "of",
                                                 "for",    "in",    "from",   "and"};
    std::string unit;
    for (size_t i = 0; i < tokens.size() && unit.empty(); ++i) {
        const std::string& w = tokens[i].lower;
        std::string cand;
        if ((w == "logs" || w == "journal" || w == "log") && i + 2 < tokens.size() &&
            (tokens[i + 1].lower == "of" || tokens[i + 1].lower == "for"))
            cand = tokens[i + 2].lower == "the" && i + 3 < tokens.size() ? tokens[i + 3].lower : tokens[i + 2].lower;
        else if ((w == "logs" || w == "service" || w == "unit") && i > 0) cand = tokens[i - 1].lower;
        if (cand.ends_with(".service")) cand.resize(cand.size() - 8);
        if (!cand.empty() && !kNotUnits.count(cand) && safe_value(cand) && !path_like(cand) &&
            std::isalpha(static_cast<unsigned char>(cand[0])))
            unit = cand;
    }
    std::string command = "journalctl";
    if (!unit.empty()) command += " -u " + unit;
    const bool errors = has_word(words, {"errors", "error", "err"});
    if (errors) command += " -p err";
    if (has_word(words, {"follow", "following", "live", "stream"})) command += " -f";
    const std::string since = time_window(request, text);
    if (!since.empty()) command += " --since \"" + since + "\"";
    else if (contains_any(text, {"since boot", "this boot", "current boot"})) command += " -b";
    else if (has_word(words, {"today"})) command += " --since today";
    else if (has_word(words, {"yesterday"})) command += " --since yesterday";
    if (contains_any(text, {"don't page", "no pager", "without paging", "not paged", "don't use a pager"}))
        command += " --no-pager";
    if (command == "journalctl" || (unit.empty() && !errors)) return std::nullopt;
    return command;
}

// find for "files older than 30 days under /var/log", "checkpoint files over 50G in /mnt/ckpt", "what
// changed under /etc in the last 15 min"; -delete only for a request that asks to delete.
std::optional<std::string> find_idiom(std::string_view request, const std::vector<Token>& tokens,
                                      const std::vector<std::string>& words, const std::string& text, bool remove) {
    if (!has_word(words, {"files", "file", "changed", "modified"})) return std::nullopt;
    std::string dir;
    for (size_t i = 0; i + 1 < tokens.size() && dir.empty(); ++i)
        if ((tokens[i].lower == "under" || tokens[i].lower == "in" || tokens[i].lower == "below" ||
             tokens[i].lower == "from" || tokens[i].lower == "anywhere") &&
            tokens[i + 1].text.starts_with("/") && safe_value(tokens[i + 1].text))
            dir = tokens[i + 1].text;
    if (dir.empty()) return std::nullopt;
    std::string tests;
    const std::vector<Literal> literals = request_literals(request);
    std::string name;
    for (const Token& t : tokens)
        if (t.text.starts_with("*.") && t.text.size() <= 12 && safe_value(t.text.substr(1))) name = t.text;
    if (name.empty() && has_word(words, {"compressed", "gzipped"})) name = "*.gz";
    if (name.empty() && contains_any(text, {"log files", ".log files"})) name = "*.log";
    if (!name.empty()) tests += " -name \"" + name + "\"";
    const std::string older = number_before(literals, text, {"days", "day"});
    if (!older.empty() && contains_any(text, {"older than", "more than"})) tests += " -mtime +" + older;
    else if (!older.empty() && contains_any(text, {"last ", "past ", "within "})) tests += " -mtime -" + older;
    const std::string minutes = number_before(literals, text, {"minutes", "minute", "min", "mins"});
    if (!minutes.empty() && contains_any(text, {"last ", "past ", "within "})) tests += " -mmin -" + minutes;
    // Sizes: "over 50G", "bigger than 1G", "larger than 500M".
    for (size_t i = 0; i + 1 < tokens.size(); ++i) {
        const std::string& w = tokens[i].lower;
        if (w != "over" && w != "than" && w != "above" && w != "exceeding") continue;
        std::string v = tokens[i + 1].text;
        if (v.size() >= 2 && std::string_view("kKmMgGtT").find(v.back()) != std::string_view::npos &&
            is_number(v.substr(0, v.size() - 1))) {
            char u = v.back();
            if (u == 'K') u = 'k';
            if (u == 'm' || u == 'g' || u == 't') u = static_cast<char>(std::toupper(static_cast<unsigned char>(u)));
            tests += " -size +" + v.substr(0, v.size() - 1) + u;
            break;
        }
    }
    if (tests.empty()) return std::nullopt;
    std::string command = "find " + dir + " -type f" + tests;
    if (remove) command += " -delete";
    return command;
}

// A host name or address written after `at` ("ping 10.20.0.15", "resolve mlflow.corp.example.com"):
// letters, digits, dots and dashes, with a dot or a digit so that no plain word passes.
std::string host_after(const std::vector<Token>& tokens, size_t at) {
    for (size_t i = at; i < tokens.size() && i <= at + 4; ++i) {
        const std::string& h = tokens[i].text;
        const bool chars = !h.empty() && std::all_of(h.begin(), h.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
        });
        if (chars && h.front() != '-' &&
            (h.find('.') != std::string::npos || std::isdigit(static_cast<unsigned char>(h.back()))) && !is_number(h))
            return h;
    }
    return {};
}

// Disk space, memory, reachability and name lookups: df, free, ping, dig.
void system_idioms(std::string_view request, const std::vector<Token>& tokens, const std::vector<std::string>& words,
                   const std::string& text, std::vector<std::string>& out) {
    std::string mount;
    for (const Token& t : tokens)
        if (t.text.starts_with("/") && safe_value(t.text) && mount.empty()) mount = t.text;
    if (speaks_of_gpus(request)) {
        // GPU memory and reports are nvidia-smi's ("full" of the -q report is no full disk).
    } else if (has_word(words, {"inodes", "inode"})) {
        out.push_back("df -i" + (mount.empty() ? std::string() : " " + mount));
    } else if (contains_any(text, {"disk space", "disk usage", "disk free", "free space", "space left", "full?",
                                   " full ", "filesystem usage", "filesystems usage"}) &&
               !contains_any(text, {"eating", "biggest", "largest", "what's using", "whats using", "under "})) {
        out.push_back("df -h" + (mount.empty() ? std::string() : " " + mount));
    }
    if (has_word(words, {"ram", "memory", "mem"}) &&
        (has_word(words, {"free", "available", "used"}) ||
         contains_any(text, {"in gigs", "in gb", "in gib", "gigabytes", "in mb", "in mib", "megabytes"})) &&
        !has_word(words, {"process", "pid", "container", "pod"}) && !speaks_of_gpus(request) && mount.empty()) {
        if (contains_any(text, {"in gigs", "in gb", "in gib", "gigabytes"})) out.push_back("free -g");
        else if (contains_any(text, {"in mb", "in mib", "megabytes"})) out.push_back("free -m");
        else out.push_back("free -h");
    }
    const size_t ping = find_token(tokens, {"ping"});
    if (ping != std::string::npos) {
        const std::string host = host_after(tokens, ping + 1);
        const std::string n = number_before(request_literals(request), text, {"times", "pings", "packets"});
        if (!host.empty()) out.push_back("ping -c " + (n.empty() ? std::string("4") : n) + " " + host);
    }
    size_t resolve = find_token(tokens, {"resolve", "resolves", "lookup", "dns"});
    if (resolve == std::string::npos && contains_any(text, {"look up", "a record", "ip of "}))
        resolve = find_token(tokens, {"up", "record", "of"});
    if (resolve != std::string::npos) {
        const std::string host = host_after(tokens, resolve + 1);
        if (host.find('.') != std::string::npos && !has_word(words, {"reverse", "reverse-resolve"}))
            out.push_back("dig +short " + host);
    }
    if (has_word(words, {"reverse", "reverse-resolve", "ptr"})) {
        for (const Token& t : tokens)
            if (std::count(t.text.begin(), t.text.end(), '.') == 3 && host_after({t}, 0) == t.text) {
                out.push_back("dig -x " + t.text + " +short");
                break;
            }
    }
    if (contains_any(text, {"cpu info", "cpu details", "cpu model", "cpu architecture"})) out.push_back("lscpu");
    if (has_word(words, {"listening", "listen"}) && has_word(words, {"port", "ports", "sockets"})) {
        const bool tcp = has_word(words, {"tcp"}), udp = has_word(words, {"udp"});
        out.push_back(tcp && !udp ? "ss -tlnp" : udp && !tcp ? "ss -ulnp" : "ss -tulnp");
    }
    if (contains_any(text, {"mounted filesystems", "mounted file systems", "list the mounts", "list mounts"}))
        out.push_back("findmnt");
    else if (has_word(words, {"mounted"}) && !mount.empty()) out.push_back("findmnt " + mount);
    if (has_word(words, {"ip", "address", "addr"})) {
        // Interface names: eth0, ens5, enp3s0, ib0, bond0, wlan0.
        for (const Token& t : tokens) {
            const std::string& w = t.lower;
            const bool iface =
                w.size() <= 15 && safe_value(w) && std::isdigit(static_cast<unsigned char>(w.back())) &&
                (w.starts_with("eth") || w.starts_with("ens") || w.starts_with("enp") || w.starts_with("ib") ||
                 w.starts_with("bond") || w.starts_with("wlan") || w.starts_with("eno"));
            if (iface) {
                out.push_back("ip addr show " + t.text);
                break;
            }
        }
    }
    const size_t port = find_token(tokens, {"port"});
    if (port != std::string::npos && port + 1 < tokens.size() && is_number(tokens[port + 1].text) &&
        has_word(words, {"open", "reachable", "listening", "accepting"})) {
        const size_t on = find_token(tokens, {"on", "at", "of"}, port + 2);
        const std::string host = on == std::string::npos ? std::string() : host_after(tokens, on + 1);
        if (!host.empty()) out.push_back("nc -zv " + host + " " + tokens[port + 1].text);
    }
    const size_t mx = find_token(tokens, {"mx"});
    if (mx != std::string::npos) {
        const std::string domain = host_after(tokens, mx + 1);
        if (!domain.empty()) out.push_back("dig " + domain + " MX");
    }
}

}  // namespace

// The node a request names: "node gpu-a07" (a name with a digit); empty when none.
std::string named_node(const std::vector<Token>& tokens) {
    const size_t node = find_token(tokens, {"node"});
    if (node == std::string::npos || node + 1 >= tokens.size()) return {};
    const std::string& n = tokens[node + 1].text;
    const bool digit =
        std::any_of(n.begin(), n.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    return digit && safe_value(n) ? n : std::string();
}

// kubectl for "pods in the kube-system namespace", "logs of pod web-5d8f in prod", "all pods in every
// namespace"; slurm for "my jobs", "slurm node states".
void cluster_idioms(const std::vector<Token>& tokens, const std::vector<std::string>& words, const std::string& text,
                    std::vector<std::string>& out) {
    const size_t pods = find_token(tokens, {"pods"});
    if (pods != std::string::npos && !has_word(words, {"logs", "log", "describe", "events"})) {
        if (contains_any(text, {"every namespace", "all namespaces", "all the namespaces", "cluster-wide"})) {
            out.push_back("kubectl get pods -A");
        } else {
            std::string ns = namespace_after(tokens, pods + 1);
            // "in the kube-system namespace"
            for (size_t i = pods + 1; i + 2 < tokens.size() && ns.empty(); ++i)
                if (tokens[i].lower == "the" && (tokens[i + 2].lower == "namespace" || tokens[i + 2].lower == "ns") &&
                    safe_value(tokens[i + 1].text))
                    ns = tokens[i + 1].text;
            if (ns == "the") ns.clear();
            if (!ns.empty()) out.push_back("kubectl get pods -n " + ns);
        }
    }
    const size_t pod = find_token(tokens, {"pod"});
    if (pod != std::string::npos && pod + 1 < tokens.size() && has_word(words, {"logs", "log"}) &&
        safe_value(tokens[pod + 1].text) && tokens[pod + 1].lower != "the") {
        const std::string ns = namespace_after(tokens, pod + 2);
        out.push_back("kubectl logs " + tokens[pod + 1].text + (ns.empty() ? "" : " -n " + ns));
    }
    if (has_word(words, {"slurm", "squeue", "sinfo"}) || contains_any(text, {"my jobs", "my slurm jobs"})) {
        if (contains_any(text, {"my jobs", "my slurm jobs", "my queued jobs"})) out.push_back("squeue --me");
        else if (!named_node(tokens).empty()) out.push_back("scontrol show node " + named_node(tokens));
        else if (has_word(words, {"node", "nodes", "partition", "partitions"}) &&
                 !has_word(words, {"drained", "down", "why"}))
            out.push_back("sinfo");
    }
}

// sudo systemctl for "restart nginx", "stop the docker service", "reload sshd": the service named right
// after the verb (past "the"), where no word names a container, pod or other cluster object.
std::optional<std::string> service_idiom(const IntentReading& intent, const std::vector<Token>& tokens,
                                         const std::vector<std::string>& words) {
    static const std::vector<std::string_view> kActions = {"restart", "start", "stop", "reload", "enable", "disable"};
    if (std::find(kActions.begin(), kActions.end(), intent.cue) == kActions.end()) return std::nullopt;
    if (has_word(words, {"pod",     "pods",        "deployment", "deployments", "deploy",   "container", "containers",
                         "kubectl", "k8s",         "kubernetes", "compose",     "job",      "jobs",      "node",
                         "nodes",   "statefulset", "daemonset",  "vm",          "instance", "gpu",       "gpus",
                         "mig",     "server",      "machine",    "host",        "box"}))
        return std::nullopt;
    size_t at = find_token(tokens, {intent.cue});
    if (at == std::string::npos) return std::nullopt;
    if (at + 1 < tokens.size() && tokens[at + 1].text == "the") ++at;
    if (at + 1 >= tokens.size()) return std::nullopt;
    const std::string& name = tokens[at + 1].text;
    const bool name_like =
        !name.empty() && std::isalpha(static_cast<unsigned char>(name[0])) &&
        std::all_of(name.begin(), name.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '@';
        });
    if (!name_like || !safe_value(name) ||
        has_word({name}, {"service", "services", "daemon", "it", "all", "everything"}))
        return std::nullopt;
    // The name is the whole name: "stop the fabric manager" names no unit called fabric.
    static const std::vector<std::string_view> kAfterName = {"service", "daemon", "unit", "now", "again", "please",
                                                             "on",      "for",    "so",   "and", "then",  "gracefully"};
    if (at + 2 < tokens.size() &&
        std::find(kAfterName.begin(), kAfterName.end(), lower_text(tokens[at + 2].text)) == kAfterName.end())
        return std::nullopt;
    return "sudo systemctl " + intent.cue + " " + name;  // a unit's state is root's to change
}

std::vector<std::string> propose_shell_idioms(std::string_view request) {
    const IntentReading intent = read_intent(request);
    const bool change = intent.intent == RequestIntent::Change;
    const std::vector<Token> tokens = tokens_of(request);
    const std::string text = lower_text(request);
    const std::vector<std::string> words = plain_words(text);
    std::vector<std::string> out;
    if (!change) {
        if (auto c = line_range(tokens)) out.push_back(*c);
        const auto file = first_path(tokens);
        const bool lines = has_word(words, {"lines", "line"});
        if (file && lines && contains_any(text, {"last "})) {
            const std::string n = count_before(request, {"lines", "line"});
            if (!n.empty()) out.push_back("tail -n " + n + " " + *file);
        }
        if (file && lines && contains_any(text, {"first "})) {
            const std::string n = count_before(request, {"lines", "line"});
            if (!n.empty()) out.push_back("head -n " + n + " " + *file);
        }
        if (file && contains_any(text, {"how many lines", "count the lines", "count lines", "number of lines"})) {
            if (auto p = pattern_after(request, tokens)) out.push_back("grep -c '" + *p + "' " + *file);
        } else if (file &&
                   (has_word(words, {"search", "grep"}) || contains_any(text, {"lines with ", "lines containing "}))) {
            // "search /var/log/syslog for oom-killer", "grep timeout in app.log", "lines with X in FILE".
            std::optional<std::string> p = pattern_after(request, tokens);
            const size_t at = find_token(tokens, {"for", "grep", "with"});
            if (!p && at != std::string::npos && at + 1 < tokens.size()) {
                const std::string& w = tokens[at + 1].text;
                if (w != *file && pattern_text(w, false)) p = w;
            }
            if (p && *p != *file) {
                std::string flags;
                if (contains_any(text,
                                 {"case-insensitive", "case insensitive", "ignore case", "ignoring case", "any case"}))
                    flags += " -i";
                if (contains_any(text, {"line number", "line numbers", "line no"})) flags += " -n";
                out.push_back("grep" + flags + " '" + *p + "' " + *file);
            }
        } else if (file && contains_any(text, {"how many times does ", "how often does "})) {
            // "how many times does NCCL WARN show up in job.out": the words before the verb.
            const size_t at = text.find("does ") + 5;
            size_t end = std::string::npos;
            for (std::string_view verb : {" show up", " appear", " occur", " turn up", " come up"})
                end = std::min(end, text.find(verb, at));
            if (end != std::string::npos && end > at) {
                const std::string p(request.substr(at, end - at));
                if (pattern_text(p, true)) out.push_back("grep -c '" + p + "' " + *file);
            }
        }
        if (file && contains_any(text, {"contents of", "what's in", "whats in", "files in"}) &&
            archive_flag(*file) != "?")
            out.push_back("tar -t" + archive_flag(*file) + "f " + *file);
        if (contains_any(text, {"block device", "block devices", "bolck devices", "disks and partitions"}))
            out.push_back(contains_any(text, {"fs type", "filesystem", "file system"}) ? "lsblk -f" : "lsblk");
        if (contains_any(text, {"socket statistics", "socket summary", "socket stats", "sockets summary"}))
            out.push_back("ss -s");
        if (contains_any(text, {"dcgm health", "dcgmi health"}) && !has_word(words, {"diag", "diagnostic"}))
            out.push_back("dcgmi health -c");
        if (auto c = journal_idiom(request, tokens, words, text)) out.push_back(*c);
        system_idioms(request, tokens, words, text, out);
        cluster_idioms(tokens, words, text, out);
        if (auto c = find_idiom(request, tokens, words, text, false)) out.push_back(*c);
    } else {
        if (intent.allowed == Risk::Destructive &&
            (intent.cue == "delete" || intent.cue == "remove" || intent.cue == "clear" || intent.cue == "clean" ||
             intent.cue == "purge" || intent.cue == "wipe"))
            if (auto c = find_idiom(request, tokens, words, text, true)) out.push_back(*c);
        const auto file = first_path(tokens);
        if (file && contains_any(text, {"execute permission", "executable", "exec permission", "execute bit", "+x"}))
            out.push_back("chmod +x " + *file);
        if (file && has_word(words, {"extract", "untar", "unpack", "unzip"}) && archive_flag(*file) != "?") {
            std::string c = "tar -x" + archive_flag(*file) + "f " + *file;
            const size_t into = find_token(tokens, {"into", "to"});
            if (into != std::string::npos && into + 1 < tokens.size() && tokens[into + 1].text.starts_with("/") &&
                safe_value(tokens[into + 1].text))
                c += " -C " + tokens[into + 1].text;
            out.push_back(c);
        }
        const size_t deployment = find_token(tokens, {"deployment", "deploy"});
        const std::string replicas = number_before(request_literals(request), text, {"replicas", "replica"});
        if (intent.cue == "scale" && deployment != std::string::npos && deployment + 1 < tokens.size() &&
            !replicas.empty() && safe_value(tokens[deployment + 1].text)) {
            const std::string ns = namespace_after(tokens, deployment + 2);
            out.push_back("kubectl scale deployment " + tokens[deployment + 1].text + (ns.empty() ? "" : " -n " + ns) +
                          " --replicas=" + replicas);
        }
        if (auto c = service_idiom(intent, tokens, words)) out.push_back(*c);
        const size_t pod = find_token(tokens, {"pod"});
        if (pod != std::string::npos && pod + 1 < tokens.size() &&
            (intent.cue == "delete" || intent.cue == "remove" || intent.cue == "kill" || intent.cue == "evict") &&
            safe_value(tokens[pod + 1].text) && tokens[pod + 1].text.find('/') == std::string::npos) {
            const std::string ns = namespace_after(tokens, pod + 2);
            out.push_back("kubectl delete pod " + tokens[pod + 1].text + (ns.empty() ? "" : " -n " + ns));
        }
    }
    return out;
}

}  // namespace sigma::domain
