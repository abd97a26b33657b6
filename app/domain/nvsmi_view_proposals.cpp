// nvidia-smi view proposals: each view has its cue words; metric letters and -d sections are read
// from the request's words through the catalogue's names, with the operators' shorthand for them.
#include "app/domain/nvsmi_view_proposals.h"

#include <algorithm>
#include <map>
#include <set>

#include "app/domain/proposal_words.h"
#include "app/domain/request_intent.h"

namespace sigma::domain {

namespace {

// Shorthand for a -q section: the section it names.
std::string section_synonym(const std::string& w) {
    static const std::map<std::string, std::string> kSyn{{"temp", "TEMPERATURE"},
                                                         {"temps", "TEMPERATURE"},
                                                         {"thermal", "TEMPERATURE"},
                                                         {"clocks", "CLOCK"},
                                                         {"clock", "CLOCK"},
                                                         {"freq", "CLOCK"},
                                                         {"util", "UTILIZATION"},
                                                         {"utilisation", "UTILIZATION"},
                                                         {"mem", "MEMORY"},
                                                         {"vram", "MEMORY"},
                                                         {"fb", "MEMORY"},
                                                         {"throttle", "PERFORMANCE"},
                                                         {"throttling", "PERFORMANCE"},
                                                         {"throttled", "PERFORMANCE"},
                                                         {"perf", "PERFORMANCE"},
                                                         {"pstate", "PERFORMANCE"},
                                                         {"processes", "PIDS"},
                                                         {"process", "PIDS"},
                                                         {"procs", "PIDS"},
                                                         {"pid", "PIDS"},
                                                         {"retired", "PAGE_RETIREMENT"},
                                                         {"retirement", "PAGE_RETIREMENT"},
                                                         {"remap", "ROW_REMAPPER"},
                                                         {"remapped", "ROW_REMAPPER"},
                                                         {"remapping", "ROW_REMAPPER"},
                                                         {"remapper", "ROW_REMAPPER"},
                                                         {"nvenc", "ENCODER_STATS"},
                                                         {"encoder", "ENCODER_STATS"},
                                                         {"fbc", "FBC_STATS"},
                                                         {"gsp", "GSP_FIRMWARE_VERSION"},
                                                         {"voltage", "VOLTAGE"},
                                                         {"volts", "VOLTAGE"},
                                                         {"watts", "POWER"}};
    auto it = kSyn.find(w);
    return it == kSyn.end() ? std::string() : it->second;
}

// The -d sections the request names, in the request's order; a word names one section only, and a
// section of two named parts ("supported clocks") wins over the one-part section (CLOCK).
std::vector<std::string> named_sections(const std::vector<std::string>& words, const NvsmiCatalog& catalog) {
    struct Hit {
        std::string section;
        size_t first = 0;
        int parts = 0;
        std::set<size_t> used;
    };
    std::vector<Hit> hits;
    for (const std::string& section : catalog.display_sections()) {
        std::vector<std::string> parts;
        std::string cur;
        for (char c : lower_text(section) + "_") {
            if (c == '_') {
                if (!cur.empty()) parts.push_back(cur);
                cur.clear();
            } else {
                cur += c;
            }
        }
        Hit h{section, words.size(), 0, {}};
        for (size_t pi = 0; pi < parts.size(); ++pi) {
            for (size_t wi = 0; wi < words.size(); ++wi) {
                const std::string& w = words[wi];
                const bool direct =
                    w == parts[pi] || (w.size() >= 4 && parts[pi].starts_with(w)) ||
                    (parts[pi].size() >= 4 && w.starts_with(parts[pi]) && w.size() - parts[pi].size() <= 2);
                const bool shorthand = pi == 0 && section_synonym(w) == section;
                if (!direct && !shorthand) continue;
                ++h.parts;
                h.used.insert(wi);
                h.first = std::min(h.first, wi);
                break;
            }
            // A section is named by its first part ("page retirement", "supported clocks"), or by
            // shorthand for it; a later part alone ("clocks") belongs to its own section.
            if (pi == 0 && h.parts == 0) break;
        }
        if (h.parts > 0) hits.push_back(std::move(h));
    }
    std::stable_sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.parts > b.parts; });
    std::set<size_t> taken;
    std::vector<Hit> chosen;
    for (Hit& h : hits) {
        if (std::any_of(h.used.begin(), h.used.end(), [&](size_t w) { return taken.count(w) > 0; })) continue;
        taken.insert(h.used.begin(), h.used.end());
        chosen.push_back(std::move(h));
    }
    std::stable_sort(chosen.begin(), chosen.end(), [](const Hit& a, const Hit& b) { return a.first < b.first; });
    std::vector<std::string> out;
    for (const Hit& h : chosen) out.push_back(h.section);
    return out;
}

// dmon / pmon metric letters for the request's words, in the catalogue's order of the letters.
std::string metric_letters(const std::vector<std::string>& words, const NvsmiSubcommand& monitor, bool pmon) {
    static const std::map<std::string, char> kDmon{
        {"power", 'p'},     {"watts", 'p'},       {"temp", 'p'},        {"temps", 'p'},      {"temperature", 'p'},
        {"util", 'u'},      {"utilization", 'u'}, {"utilisation", 'u'}, {"sm", 'u'},         {"busy", 'u'},
        {"clock", 'c'},     {"clocks", 'c'},      {"freq", 'c'},        {"frequency", 'c'},  {"mhz", 'c'},
        {"violation", 'v'}, {"violations", 'v'},  {"throttle", 'v'},    {"throttling", 'v'}, {"throttled", 'v'},
        {"mem", 'm'},       {"memory", 'm'},      {"fb", 'm'},          {"vram", 'm'},       {"bar1", 'm'},
        {"ecc", 'e'},       {"replay", 'e'},      {"replays", 'e'},     {"pcie", 't'},       {"rx", 't'},
        {"tx", 't'},        {"throughput", 't'},  {"bandwidth", 't'}};
    static const std::map<std::string, char> kPmon{
        {"util", 'u'},    {"utilization", 'u'}, {"utilisation", 'u'}, {"sm", 'u'},     {"enc", 'u'}, {"dec", 'u'},
        {"encoder", 'u'}, {"decoder", 'u'},     {"mem", 'm'},         {"memory", 'm'}, {"fb", 'm'},  {"vram", 'm'}};
    const auto& table = pmon ? kPmon : kDmon;
    std::set<char> wanted;
    for (const std::string& w : words) {
        auto it = table.find(w);
        if (it != table.end()) wanted.insert(it->second);
    }
    std::string out;
    const NvsmiOption* select = monitor.find_option("-s");
    if (!select) return out;
    for (const NvsmiValue& v : select->values)
        if (v.value.size() == 1 && wanted.count(v.value[0])) out += v.value;
    return out;
}

std::string monitor_view(const std::vector<std::string>& words, const std::string& text,
                         const std::vector<Literal>& literals, const std::string& ids, const NvsmiCatalog& catalog) {
    const bool pmon = has_word(words, {"pmon"}) || contains_any(text, {"process monitoring", "per-process"});
    const bool dmon = has_word(words, {"dmon"}) || contains_any(text, {"device monitoring", "scrolling"});
    if (!pmon && !dmon) return {};
    const NvsmiSubcommand* sub = catalog.find_subcommand(pmon ? "pmon" : "dmon");
    if (!sub) return {};
    std::string command = std::string("nvidia-smi ") + (pmon ? "pmon" : "dmon");
    if (!ids.empty()) command += " -i " + ids;
    const std::string letters = metric_letters(words, *sub, pmon);
    if (!letters.empty()) command += " -s " + letters;
    const std::string delay = interval_seconds(literals, text);
    if (!delay.empty()) command += " -d " + delay;
    std::string count = number_before(literals, text, {"samples", "sample", "rows", "readings", "times", "iterations"});
    if (!count.empty() && ("," + ids + ",").find("," + count + ",") == std::string::npos) command += " -c " + count;
    const bool date = has_word(words, {"date", "dates", "dated"});
    const bool time = has_word(words, {"time", "times", "timestamp", "timestamps", "timestamped", "clock-time"}) &&
                      !contains_any(text, {" times ", "over time"});
    if (date || time) command += std::string(" -o ") + (date ? "D" : "") + (time ? "T" : "");
    return command;
}

std::string report_view(const std::vector<std::string>& words, const std::string& text,
                        const std::vector<Literal>& literals, const std::string& ids, const NvsmiCatalog& catalog) {
    const bool cue = has_word(words, {"-q", "section", "sections", "sectoin", "detailed", "details", "xml"}) ||
                     contains_any(text, {"long report", "full report", "full output", "--query "});
    if (!cue) return {};
    const std::vector<std::string> sections = named_sections(words, catalog);
    std::string command = "nvidia-smi -q";
    if (has_word(words, {"xml"})) command += " -x";
    if (!sections.empty()) {
        std::string list;
        for (const std::string& s : sections) list += (list.empty() ? "" : ",") + s;
        command += " -d " + list;
    } else if (!contains_any(text, {"-q", "full", "everything", "all details", "xml", "whole"})) {
        return {};
    }
    if (!ids.empty()) command += " -i " + ids;
    const std::string loop = loop_option(literals, text);
    if (!loop.empty()) command += " " + loop;
    return command;
}

std::string topo_view(const std::vector<std::string>& words, const std::string& ids) {
    const bool cue = has_word(
        words, {"topo", "topology", "matrix", "interconnect", "hops", "p2p", "nvme", "gds", "numa", "affinity"});
    if (!cue) return {};
    std::string option;
    if (has_word(words, {"p2p"})) {
        if (has_word(words, {"read", "reads"})) option = "-p2p r";
        else if (has_word(words, {"write", "writes"})) option = "-p2p w";
        else if (has_word(words, {"atomic", "atomics"})) option = "-p2p a";
        else if (has_word(words, {"nvlink"})) option = "-p2p n";
        else if (has_word(words, {"pcie"})) option = "-p2p p";
        else return {};
    } else if (has_word(words, {"nvme", "gds"})) {
        option = "-nvme";
    } else if (has_word(words, {"numa"})) {
        if (ids.empty()) return {};
        if (has_word(words, {"memory", "mem"})) option = "-M";
        else if (has_word(words, {"cpu", "cpus", "core", "cores"})) option = "-C";
        else option = "-gnid";
        return "nvidia-smi topo " + option + " -i " + ids;
    } else if (has_word(words, {"topo", "topology", "matrix", "interconnect", "hops"})) {
        option = "-m";
    } else {
        return {};
    }
    return "nvidia-smi topo " + option;
}

std::string mig_view(const std::vector<std::string>& words, const std::string& text, const std::string& ids) {
    if (!has_word(words, {"mig"}) && !contains_any(text, {"gpu instance", "compute instance"})) return {};
    const bool compute = contains_any(text, {"compute instance"});
    std::string option;
    if (has_word(words, {"placement", "placements", "placed"})) option = compute ? "-lcipp" : "-lgipp";
    else if (has_word(words, {"profile", "profiles"})) option = compute ? "-lcip" : "-lgip";
    else if (has_word(words, {"instance", "instances", "slices", "slice"})) option = compute ? "-lci" : "-lgi";
    else return {};
    return "nvidia-smi mig " + option + (ids.empty() ? "" : " -i " + ids);
}

std::string nvlink_view(const std::vector<std::string>& words, const std::string& text,
                        const std::vector<Literal>& literals, const std::string& ids) {
    if (!has_word(words, {"nvlink", "nvlinks"}) || has_word(words, {"topo", "topology", "matrix", "p2p", "fabric"}))
        return {};
    std::string option;
    if (has_word(words, {"crc"})) option = "-ec";
    else if (has_word(words, {"error", "errors"})) option = "-e";
    else if (has_word(words, {"capability", "capabilities", "caps"})) option = "-c";
    else if (has_word(words, {"throughput", "traffic", "data", "bandwidth"})) option = "-gt d";
    else if (has_word(words, {"remote"})) option = "-R";
    else if (has_word(words, {"status", "state", "active", "up", "down", "links"})) option = "-s";
    else return {};
    std::string command = "nvidia-smi nvlink " + option;
    if (!ids.empty()) command += " -i " + ids;
    const std::string link = number_after(literals, text, {"link"});
    if (!link.empty()) command += " -l " + link;
    return command;
}

}  // namespace

bool speaks_of_gpus(std::string_view request) {
    const std::string text = lower_text(request);
    const std::vector<std::string> words = plain_words(text);
    if (has_word(words, {"gpu", "gpus", "card",  "cards", "nvidia", "nvidia-smi", "nvida-smi", "nvlink",
                         "mig", "cuda", "vram",  "nvenc", "dmon",   "pmon",       "topo",      "ecc",
                         "hbm", "a100", "a100s", "h100",  "h100s",  "h200",       "h200s",     "sm"}))
        return true;
    return !gpu_selection(request, request_literals(request)).empty();
}

std::vector<std::string> propose_nvsmi_views(std::string_view request, const NvsmiCatalog& catalog) {
    if (read_intent(request).intent == RequestIntent::Change) return {};
    const std::string text = lower_text(request);
    const std::vector<std::string> words = plain_words(text);
    const bool monitor_named = has_word(words, {"dmon", "pmon"}) || contains_any(text, {"device monitoring"});
    if (!monitor_named && !speaks_of_gpus(request)) return {};
    const std::vector<Literal> literals = request_literals(request);
    // Written to or read from a file: not a plain view ("rx/tx" is no file).
    for (const Literal& l : literals)
        if (l.kind == LiteralKind::Path &&
            (l.text.starts_with("/") || l.text.starts_with("~") || l.text.starts_with(".")))
            return {};
    const std::string ids = gpu_selection(request, literals);
    std::vector<std::string> out;
    for (std::string command :
         {monitor_view(words, text, literals, ids, catalog), report_view(words, text, literals, ids, catalog),
          topo_view(words, ids), mig_view(words, text, ids), nvlink_view(words, text, literals, ids)})
        if (!command.empty()) out.push_back(std::move(command));
    if (has_word(words, {"sessions"}) && has_word(words, {"nvenc", "encoder", "encode"}) && !has_word(words, {"count"}))
        out.push_back("nvidia-smi encodersessions");
    if (has_word(words, {"excluded", "blacklisted", "blocklisted", "blacklist"})) out.push_back("nvidia-smi -B");
    if (contains_any(text, {"list the gpus", "list all gpus", "list all the gpus", "list gpus", "list the cards"}))
        out.push_back("nvidia-smi -L");
    if (has_word(words, {"version"}) && has_word(words, {"nvidia-smi"}) &&
        !has_word(words, {"driver", "cuda", "vbios"}))
        out.push_back("nvidia-smi --version");
    if (contains_any(text, {"how many gpu", "how many cards", "number of gpus", "gpu count", "count the gpus"}))
        out.push_back("nvidia-smi -L | wc -l");
    return out;
}

}  // namespace sigma::domain
