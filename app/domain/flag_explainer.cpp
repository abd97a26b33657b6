// FlagExplainer: walks each parsed command with the nvidia-smi catalogue or the shell catalogue and
// turns the packs' summaries, field descriptions and value names into per-flag explanations.
// Not a second parser: words come from parse_shell and options from the catalogues' own walks.
#include "app/domain/flag_explainer.h"

#include <cctype>
#include <string_view>

#include "app/domain/nvsmi_catalog.h"
#include "app/domain/shell_catalog.h"
#include "app/domain/shell_parser.h"

namespace sigma::domain {

namespace {

constexpr int kMaxDepth = 8;         // wrapped commands inside wrapped commands (watch "timeout 5 ...")
constexpr size_t kMaxMeaning = 240;  // longer field descriptions are cut at a sentence end

bool iequal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

bool is_integer(std::string_view s) { return all_digits(s.size() > 1 && s[0] == '-' ? s.substr(1) : s); }

std::string trim(std::string_view s) {
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return std::string(s.substr(b, e - b));
}

std::vector<std::string> split_list(std::string_view s) {
    std::vector<std::string> out;
    size_t b = 0;
    while (b <= s.size()) {
        size_t e = s.find(',', b);
        if (e == std::string_view::npos) e = s.size();
        std::string part = trim(s.substr(b, e - b));
        if (!part.empty()) out.push_back(std::move(part));
        b = e + 1;
    }
    return out;
}

// Whole sentences up to kMaxMeaning characters (at least the first), so a long help paragraph stays a
// readable line without ending mid-word.
std::string short_text(const std::string& text) {
    if (text.size() <= kMaxMeaning) return text;
    size_t cut = std::string::npos;
    for (size_t p = text.find(". "); p != std::string::npos; p = text.find(". ", p + 1)) {
        if (p + 1 > kMaxMeaning && cut != std::string::npos) break;
        cut = p + 1;
    }
    return cut == std::string::npos ? text : text.substr(0, cut);
}

// ---- nvidia-smi ----

std::string value_list_text(const NvsmiOption& o) {
    std::string s;
    for (const NvsmiValue& v : o.values) {
        if (!s.empty()) s += ", ";
        s += v.value;
        if (!v.name.empty() && v.name.find(' ') == std::string::npos) s += "/" + v.name;
    }
    return s;
}

const NvsmiValue* find_value(const NvsmiOption& o, std::string_view v) {
    for (const NvsmiValue& x : o.values)
        if (iequal(x.value, v) || (!x.name.empty() && iequal(x.name, v))) return &x;
    return nullptr;
}

FlagDetail enum_detail(const NvsmiOption& o, const std::string& v) {
    if (const NvsmiValue* x = find_value(o, v)) {
        if (x->name.empty()) return {v, ""};
        return {v, iequal(x->value, v) ? x->name : "value " + x->value + " (" + x->name + ")"};
    }
    return {v, "not a value " + o.long_name + " accepts (" + value_list_text(o) + ")"};
}

std::string id_meaning(const std::string& id) {
    if (all_digits(id)) return "GPU index " + id + " (as listed by nvidia-smi -L)";
    if (id.rfind("GPU-", 0) == 0) return "GPU by UUID";
    if (id.rfind("MIG-", 0) == 0) return "MIG device by UUID";
    if (id.find(':') != std::string::npos) return "GPU by PCI bus id (domain:bus:device.function)";
    return "";
}

void nvsmi_details(const NvsmiCatalog& cat, const NvsmiOption& o, FlagExplanation& e) {
    const std::string& v = e.value;
    switch (o.arg) {
        case NvsmiArg::FieldList: {
            const NvsmiQuery* q = cat.find_query(o.long_name);
            for (const std::string& f : split_list(v)) {
                if (!q || !q->fields_known) {
                    e.details.push_back({f, ""});
                    continue;
                }
                const NvsmiField* field = q->find(f);
                if (!field) {
                    e.details.push_back({f, "not a field of " + o.long_name});
                    continue;
                }
                std::string m = short_text(field->description);
                if (field->name != f) m = "same as " + field->name + (m.empty() ? "" : ": " + m);
                e.details.push_back({f, m});
            }
            break;
        }
        case NvsmiArg::DisplayList:
            for (const std::string& s : split_list(v)) {
                std::string m = cat.display_section_meaning(s);
                e.details.push_back({s, m.empty() ? "not a -d section" : m});
            }
            break;
        case NvsmiArg::FormatList:
            for (const std::string& s : split_list(v)) {
                const NvsmiValue* x = o.values.empty() ? nullptr : find_value(o, s);
                std::string m = x ? x->name : cat.format_value_meaning(s);
                e.details.push_back({s, m.empty() ? "not a --format value" : m});
            }
            break;
        case NvsmiArg::Enum:
        case NvsmiArg::Optional:
            if (!o.values.empty()) e.details.push_back(enum_detail(o, v));
            break;
        case NvsmiArg::Letters:
            for (char c : v) {
                const std::string letter(1, c);
                const NvsmiValue* x = find_value(o, letter);
                e.details.push_back({letter, x ? x->name : "not a letter " + o.long_name + " accepts"});
            }
            break;
        case NvsmiArg::IdList:
            for (const std::string& id : split_list(v)) e.details.push_back({id, id_meaning(id)});
            break;
        case NvsmiArg::ClockPair: {
            // --applications-clocks takes memory,graphics; the lock options take min,max.
            const std::vector<std::string> parts = split_list(v);
            const bool app = o.long_name == "--applications-clocks";
            if (parts.size() == 2) {
                e.details.push_back({parts[0], app ? "memory clock, MHz" : "minimum clock, MHz"});
                e.details.push_back({parts[1], app ? "graphics clock, MHz" : "maximum clock, MHz"});
            } else if (parts.size() == 1) {
                e.details.push_back({parts[0], "clock locked at this value, MHz"});
            }
            break;
        }
        default: break;
    }
}

void explain_nvsmi(const NvsmiCatalog& cat, const std::vector<ShellWord>& args, std::vector<FlagExplanation>& out) {
    const NvsmiSubcommand* sub = nullptr;
    std::string program = "nvidia-smi";
    bool seen_option = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& t = args[i].text;
        if (t.size() < 2 || t[0] != '-') {
            // The subcommand comes first (nvidia-smi mig -lgip); later bare words are stray values.
            if (!sub && !seen_option)
                if (const NvsmiSubcommand* s = cat.find_subcommand(t)) {
                    sub = s;
                    program += " " + s->name;
                }
            continue;
        }
        seen_option = true;
        const size_t eq = t.find('=');
        FlagExplanation e;
        e.program = program;
        e.flag = t.substr(0, eq);
        if (eq != std::string::npos) {
            e.value = t.substr(eq + 1);
            e.has_value = true;
        }
        const NvsmiOption* o = sub ? sub->find_option(e.flag) : cat.find_option(e.flag);
        if (!o) {
            out.push_back(std::move(e));
            continue;
        }
        e.meaning = o->summary;
        if (!e.has_value && o->arg != NvsmiArg::None && i + 1 < args.size()) {
            const std::string& next = args[i + 1].text;
            bool take = true;
            if (o->arg == NvsmiArg::Optional) take = !next.empty() && next[0] != '-';
            if (o->value_optional) take = all_digits(next);
            if (take) {
                e.value = next;
                e.has_value = true;
                ++i;
            }
        }
        if (e.has_value) nvsmi_details(cat, *o, e);
        out.push_back(std::move(e));
    }
}

// ---- shell tools ----

struct Named {
    const char* key;
    const char* meaning;
};

// Signals an operator sends by number or name (kill -9, timeout -s TERM).
constexpr Named kSignals[] = {
    {"1", "SIGHUP: hang up; many daemons reload their configuration"},
    {"2", "SIGINT: interrupt, as Ctrl+C"},
    {"3", "SIGQUIT: quit with a core dump"},
    {"9", "SIGKILL: kill at once; cannot be caught, no clean-up"},
    {"10", "SIGUSR1: user-defined signal 1"},
    {"12", "SIGUSR2: user-defined signal 2"},
    {"15", "SIGTERM: ask the process to terminate cleanly (the default)"},
    {"18", "SIGCONT: continue a stopped process"},
    {"19", "SIGSTOP: stop (pause) the process; cannot be caught"},
};
constexpr Named kSignalNames[] = {{"HUP", "1"},   {"INT", "2"},   {"QUIT", "3"},  {"KILL", "9"}, {"USR1", "10"},
                                  {"USR2", "12"}, {"TERM", "15"}, {"CONT", "18"}, {"STOP", "19"}};

std::string signal_meaning(std::string_view s) {
    if (s.rfind("SIG", 0) == 0 || s.rfind("sig", 0) == 0) s.remove_prefix(3);
    std::string number(s);
    for (const Named& n : kSignalNames)
        if (iequal(n.key, s)) number = n.meaning;
    for (const Named& n : kSignals)
        if (number == n.key) return n.meaning;
    return "";
}

// ps output / sort keys (ps -o, ps --sort).
constexpr Named kPsKeys[] = {
    {"pid", "process ID"},
    {"ppid", "parent process ID"},
    {"user", "effective user name"},
    {"uid", "effective user ID"},
    {"%cpu", "CPU use, % of one CPU over the process lifetime"},
    {"pcpu", "CPU use, % of one CPU over the process lifetime"},
    {"%mem", "resident memory as % of physical RAM"},
    {"pmem", "resident memory as % of physical RAM"},
    {"rss", "resident set size, KiB of RAM in use"},
    {"vsz", "virtual memory size, KiB"},
    {"etime", "elapsed time since start, [[DD-]hh:]mm:ss"},
    {"etimes", "elapsed time since start, seconds"},
    {"start", "start time"},
    {"lstart", "full start date and time"},
    {"time", "cumulative CPU time"},
    {"cmd", "command with all its arguments"},
    {"args", "command with all its arguments"},
    {"command", "command with all its arguments"},
    {"comm", "command name only"},
    {"stat", "process state (R running, S sleeping, D uninterruptible, Z zombie, T stopped)"},
    {"nlwp", "number of threads"},
    {"psr", "CPU the process last ran on"},
    {"ni", "nice value"},
    {"pri", "priority"},
    {"tty", "controlling terminal"},
};

void ps_key_details(const std::string& value, bool sort, FlagExplanation& e) {
    for (const std::string& raw : split_list(value)) {
        std::string key = raw;
        std::string order;
        if (sort && !key.empty() && (key[0] == '-' || key[0] == '+')) {
            order = key[0] == '-' ? ", descending" : ", ascending";
            key.erase(0, 1);
        }
        std::string m;
        for (const Named& n : kPsKeys)
            if (iequal(n.key, key)) m = n.meaning;
        e.details.push_back({raw, m.empty() ? "" : m + order});
    }
}

// -NUM and -NAME spellings: a signal for kill-like tools, a count for head/tail/grep.
std::string numeric_meaning(const ShellSpec& tool, const std::string& v) {
    if (tool.signal_option) {
        const std::string m = signal_meaning(v);
        return m.empty() ? "" : "Send signal " + m + ".";
    }
    if (tool.name == "head") return "Same as -n " + v + ": the first " + v + " lines.";
    if (tool.name == "tail") return "Same as -n " + v + ": the last " + v + " lines.";
    if (tool.name == "grep") return "Same as -C " + v + ": " + v + " lines of context around each match.";
    return "";
}

constexpr Named kFindTypes[] = {{"f", "regular file"},    {"d", "directory"},         {"l", "symbolic link"},
                                {"s", "socket"},          {"p", "named pipe (FIFO)"}, {"b", "block device"},
                                {"c", "character device"}};

// Syslog priorities as journalctl -p takes them (name or number).
constexpr Named kPriorities[] = {{"0", "emerg"},   {"1", "alert"},  {"2", "crit"}, {"3", "err"},
                                 {"4", "warning"}, {"5", "notice"}, {"6", "info"}, {"7", "debug"}};

std::string priority_text(std::string_view p) {
    for (const Named& n : kPriorities)
        if (p == n.key || iequal(p, n.meaning)) return std::string(n.meaning) + " (" + n.key + ")";
    return "";
}

// find's numeric tests: +N more than, -N less than, N exactly.
std::string find_amount(const std::string& flag, const std::string& v) {
    if (v.empty()) return "";
    const char sign = v[0] == '+' || v[0] == '-' ? v[0] : 0;
    std::string n = sign ? v.substr(1) : v;
    std::string unit;
    if (flag == "-size") {
        const char u = n.empty() ? 0 : n.back();
        const char* name = u == 'c'   ? "bytes"
                           : u == 'k' ? "KiB"
                           : u == 'M' ? "MiB"
                           : u == 'G' ? "GiB"
                           : u == 'w' ? "two-byte words"
                           : u == 'b' ? "512-byte blocks"
                                      : nullptr;
        if (name) n.pop_back();
        unit = name ? name : "512-byte blocks";
        if (!all_digits(n)) return "";
        const char* rel = sign == '+' ? "larger than " : sign == '-' ? "smaller than " : "exactly ";
        return std::string(rel) + n + " " + unit + " (rounded up to whole units)";
    }
    if (!all_digits(n)) return "";
    const bool minutes = flag.size() > 3 && flag.compare(flag.size() - 3, 3, "min") == 0;
    const char* what = flag[1] == 'm' ? "modified " : flag[1] == 'a' ? "accessed " : "status changed ";
    unit = minutes ? " minutes ago" : " days ago (24-hour periods)";
    const char* rel = sign == '+' ? "more than " : sign == '-' ? "less than " : "exactly ";
    return std::string(what) + rel + n + unit;
}

void shell_details(const ShellSpec& tool, FlagExplanation& e) {
    if (tool.name == "ps" && (e.flag == "--sort" || e.flag == "-o" || e.flag == "--format"))
        ps_key_details(e.value, e.flag == "--sort", e);
    else if (tool.name == "find" && e.flag == "-type")
        for (const std::string& t : split_list(e.value)) {
            std::string m;
            for (const Named& n : kFindTypes)
                if (t == n.key) m = n.meaning;
            e.details.push_back({t, m});
        }
    else if (tool.name == "find" && (e.flag == "-size" || e.flag == "-mtime" || e.flag == "-atime" ||
                                     e.flag == "-ctime" || e.flag == "-mmin" || e.flag == "-amin" || e.flag == "-cmin"))
        e.details.push_back({e.value, find_amount(e.flag, e.value)});
    else if (tool.name == "journalctl" && (e.flag == "-p" || e.flag == "--priority")) {
        // One priority shows it and everything more severe; FROM..TO shows a range.
        const size_t dots = e.value.find("..");
        if (dots == std::string::npos) {
            const std::string p = priority_text(e.value);
            e.details.push_back({e.value, p.empty() ? "" : p + " and more severe"});
        } else {
            const std::string a = priority_text(e.value.substr(0, dots)), b = priority_text(e.value.substr(dots + 2));
            e.details.push_back({e.value, a.empty() || b.empty() ? "" : "from " + a + " to " + b});
        }
    } else if ((tool.name == "kill" || tool.name == "timeout") && (e.flag == "-s" || e.flag == "--signal"))
        e.details.push_back({e.value, signal_meaning(e.value)});
}

void explain_line(const std::string& line, int depth, std::vector<FlagExplanation>& out);

void explain_words(const std::string& program, const std::vector<ShellWord>& args, int depth,
                   std::vector<FlagExplanation>& out);

void explain_wrapped(const ShellSpec& spec, const std::vector<ShellWord>& args, size_t start, int depth,
                     std::vector<FlagExplanation>& out) {
    if (start >= args.size()) return;
    if (args.size() - start == 1 && args[start].text.find_first_of(" \t|;&><") != std::string::npos) {
        explain_line(args[start].text, depth + 1, out);
        return;
    }
    if (spec.wraps.join_string) {
        std::string joined;
        for (size_t k = start; k < args.size(); ++k) joined += (k > start ? " " : "") + args[k].text;
        explain_line(joined, depth + 1, out);
        return;
    }
    const std::vector<ShellWord> rest(args.begin() + static_cast<long>(start) + 1, args.end());
    explain_words(args[start].text, rest, depth + 1, out);
}

void explain_tool(const ShellCatalog& cat, const ShellSpec& tool, const std::vector<ShellWord>& args, int depth,
                  std::vector<FlagExplanation>& out) {
    const ToolArgs ta = cat.walk(tool, args);
    std::string program = tool.name;
    for (const std::string& s : ta.subcommand_path) program += " " + s;
    std::vector<bool> consumed(args.size(), false);
    for (size_t k = 0; k < ta.options.size(); ++k) {
        const ToolArgs::Opt& o = ta.options[k];
        if (o.word < consumed.size() && consumed[o.word]) continue;
        FlagExplanation e;
        e.program = program;
        e.flag = o.written;
        e.value = o.value;
        e.has_value = o.has_value;
        if (o.option) {
            e.meaning = o.option->summary;
            // An optional value written as the next word (journalctl -n 50, -b -1): the tools that
            // take one this way accept a number there, so a lone number is read as the value.
            const size_t next = o.word + 1;
            if (!e.has_value && o.option->arg == ShellOption::Arg::Optional && next < args.size() &&
                next < ta.wrapped_start && is_integer(args[next].text)) {
                e.value = args[next].text;
                e.has_value = true;
                consumed[next] = true;
            }
        } else if (o.written == "-NUM" || o.written == "-SIGNAL") {
            // The walk's names for `kill -9` / `kill -KILL` / `head -20`: show the word as written.
            e.flag = o.word < args.size() ? args[o.word].text : "-" + o.value;
            e.value.clear();
            e.has_value = false;
            e.meaning = numeric_meaning(tool, o.value);
        }
        if (e.has_value) shell_details(tool, e);
        out.push_back(std::move(e));
    }
    if (ta.wrapped_start < args.size()) explain_wrapped(ta.spec(), args, ta.wrapped_start, depth, out);
}

// Options of a catalogue-less program: every word that looks like one, the value after '='.
void explain_unknown(const std::string& program, const std::vector<ShellWord>& args,
                     std::vector<FlagExplanation>& out) {
    for (const ShellWord& w : args) {
        if (w.text.size() < 2 || w.text[0] != '-') continue;
        if (w.text == "--") break;
        const size_t eq = w.text.find('=');
        FlagExplanation e;
        e.program = program;
        e.flag = w.text.substr(0, eq);
        if (eq != std::string::npos) {
            e.value = w.text.substr(eq + 1);
            e.has_value = true;
        }
        out.push_back(std::move(e));
    }
}

void explain_words(const std::string& program_word, const std::vector<ShellWord>& args, int depth,
                   std::vector<FlagExplanation>& out) {
    if (depth > kMaxDepth || program_word.empty()) return;
    const std::string program = program_basename(program_word);
    if (program == "nvidia-smi") {
        if (const NvsmiCatalog* cat = NvsmiCatalog::builtin()) {
            explain_nvsmi(*cat, args, out);
            return;
        }
    } else if (const ShellCatalog* cat = ShellCatalog::builtin()) {
        if (const ShellSpec* tool = cat->find(program)) {
            explain_tool(*cat, *tool, args, depth, out);
            return;
        }
    }
    explain_unknown(program.empty() ? program_word : program, args, out);
}

void explain_line(const std::string& line, int depth, std::vector<FlagExplanation>& out) {
    if (depth > kMaxDepth) return;
    const ShellParseResult parsed = parse_shell(line);
    if (!parsed.ok) return;
    for (const SimpleCommand& c : parsed.commands) explain_words(c.program.text, c.args, depth, out);
}

}  // namespace

std::vector<FlagExplanation> explain_flags(const std::string& command) {
    std::vector<FlagExplanation> out;
    explain_line(command, 0, out);
    return out;
}

}  // namespace sigma::domain
