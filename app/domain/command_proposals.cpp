// Catalogue proposals: the request's content words are matched, greedily, against the parts of the
// --query-gpu field names ("power.draw.average" -> power, draw, average). Each round takes the field
// that consumes the most still-unclaimed request words, so "util and memory util" gives two fields
// and "power draw vs power cap" gives power.draw and power.limit. Scores are counts, readable by hand:
// +1 per consumed word, -0.15 per name part the request does not name, -0.5 when the field's family
// (its first segment) is named nowhere in the request, -1 per word taken from another phrase of a
// list ("memory clock, maximum PCIe generation": maximum belongs to the PCIe field).
#include "app/domain/command_proposals.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "app/domain/bm25.h"
#include "app/domain/nvsmi_setting_proposals.h"
#include "app/domain/nvsmi_view_proposals.h"
#include "app/domain/proposal_words.h"
#include "app/domain/request_intent.h"
#include "app/domain/shell_idiom_proposals.h"
#include "app/domain/request_literals.h"

namespace sigma::domain {

namespace {

// Words that never name a field: courtesy, question words, the GPU itself, output formats.
bool stop_word(const std::string& w) {
    static const std::set<std::string> kStop{
        "the",     "a",       "an",     "of",     "on",       "for",       "and",     "or",           "to",
        "in",      "is",      "are",    "be",     "my",       "me",        "i",       "we",           "our",
        "all",     "each",    "every",  "this",   "that",     "these",     "those",   "what",         "whats",
        "which",   "how",     "much",   "many",   "show",     "list",      "print",   "get",          "give",
        "report",  "check",   "tell",   "please", "pls",      "plz",       "rn",      "now",          "right",
        "any",     "do",      "does",   "did",    "gpu",      "gpus",      "card",    "cards",        "device",
        "devices", "node",    "nodes",  "box",    "server",   "machine",   "host",    "nvidia",       "smi",
        "as",      "csv",     "per",    "with",   "without",  "no",        "just",    "only",         "want",
        "need",    "see",     "vs",     "versus", "compared", "it",        "its",     "their",        "them",
        "there",   "here",    "so",     "can",    "up",       "out",       "by",      "at",           "from",
        "into",    "also",    "plus",   "number", "numbers",  "value",     "values",  "header",       "headers",
        "units",   "unit",    "bare",   "plain",  "query",    "quick",     "one",     "help",         "hey",
        "thanks",  "seconds", "second", "secs",   "sec",      "s",         "ms",      "milliseconds", "minute",
        "minutes", "refresh", "repeat", "loop",   "interval", "intervals", "monitor", "keep",         "printing",
        "poll",    "sample"};
    return kStop.count(w) > 0;
}

// Operators' shorthand for the catalogue's words.
std::string synonym(const std::string& w) {
    static const std::map<std::string, std::string> kSyn{{"temp", "temperature"},
                                                         {"temps", "temperature"},
                                                         {"hot", "temperature"},
                                                         {"util", "utilization"},
                                                         {"utilisation", "utilization"},
                                                         {"busy", "utilization"},
                                                         {"vram", "memory"},
                                                         {"mem", "memory"},
                                                         {"fb", "memory"},
                                                         {"hbm", "memory"},
                                                         {"cap", "limit"},
                                                         {"watts", "power"},
                                                         {"watt", "power"},
                                                         {"freq", "clocks"},
                                                         {"frequency", "clocks"},
                                                         {"mhz", "clocks"},
                                                         {"model", "name"},
                                                         {"bios", "vbios"},
                                                         {"firmware", "vbios"},
                                                         {"lane", "width"},
                                                         {"lanes", "width"},
                                                         {"generation", "gen"},
                                                         {"uncorrectable", "uncorrected"},
                                                         {"correctable", "corrected"},
                                                         {"sbe", "single"},
                                                         {"dbe", "double"},
                                                         {"avg", "average"},
                                                         {"mean", "average"},
                                                         {"lifetime", "aggregate"},
                                                         {"since", "volatile"},
                                                         {"enabled", "mode"},
                                                         {"performance", "pstate"},
                                                         {"perf", "pstate"},
                                                         {"throttle", "event"},
                                                         {"throttled", "event"},
                                                         {"throttling", "event"},
                                                         {"maximum", "max"},
                                                         {"ids", "id"},
                                                         {"minimum", "min"}};
    auto it = kSyn.find(w);
    return it == kSyn.end() ? w : it->second;
}

// Field-name parts spelled short in the catalogue.
std::string part_synonym(const std::string& p) {
    if (p == "gr") return "graphics";
    if (p == "mem") return "memory";
    if (p == "cap") return "capability";
    if (p == "pwr") return "power";
    return p;
}

// Equal, an abbreviation of the part (temp, util), or the part with an ending (timestamped, clocks);
// a short part is not a prefix of any longer word ("mig" is not "might").
bool word_matches_part(const std::string& w, const std::string& p) {
    if (w == p) return true;
    if (w.size() >= 3 && p.starts_with(w)) return true;
    return p.size() >= 3 && w.starts_with(p) && (p.size() >= 5 || w.size() - p.size() <= 2);
}

bool matches(const std::string& word, const std::string& part) {
    const std::string folded = Bm25Index::folded(word);
    for (const std::string& c : {word, synonym(word), folded, synonym(folded)})
        if (word_matches_part(c, part)) return true;
    return false;
}

struct Word {
    std::string text;
    int phrase = 0;  // which item of a list it belongs to
};

// Content words of the request, with the list item (split at , ; + & / and "and", "vs", "plus") of each.
std::vector<Word> content_words(std::string_view request) {
    std::vector<Word> out;
    int phrase = 0;
    std::string cur;
    bool has_digit = false;
    auto flush = [&] {
        if (cur.empty()) return;
        if (cur == "and" || cur == "vs" || cur == "versus" || cur == "plus" || cur == "compared") ++phrase;
        else if (!has_digit && !stop_word(cur)) out.push_back({cur, phrase});
        cur.clear();
        has_digit = false;
    };
    for (char c : request) {
        const unsigned char u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || c == '_') {
            if (cur.size() < 48) cur += static_cast<char>(std::tolower(u));
            has_digit = has_digit || std::isdigit(u);
        } else {
            flush();
            if (c == ',' || c == ';' || c == '+' || c == '&' || c == '/') ++phrase;
        }
    }
    flush();
    return out;
}

struct NamePart {
    std::string text;
    bool family = false;  // part of the name's first dotted segment
};

// "clocks_event_reasons.sw_power_cap" -> clocks, event, reasons (family), sw, power, cap;
// "encoder.stats.sessionCount" -> ..., session, count.
std::vector<NamePart> name_parts(std::string_view name) {
    std::vector<NamePart> out;
    bool family = true;
    std::string cur;
    auto flush = [&] {
        if (!cur.empty()) out.push_back({part_synonym(cur), family});
        cur.clear();
    };
    for (size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        if (c == '.') {
            flush();
            family = false;
        } else if (c == '_') {
            flush();
        } else {
            const unsigned char u = static_cast<unsigned char>(c);
            if (std::isupper(u) && i > 0 && std::islower(static_cast<unsigned char>(name[i - 1]))) flush();
            cur += static_cast<char>(std::tolower(u));
        }
    }
    flush();
    return out;
}

// Parts that a field's default reading carries without being asked for (memory.total, mode.current).
bool default_part(const std::string& p) { return p == "current" || p == "total" || p == "gpu" || p == "draw"; }

struct Scored {
    double score = 0.0;
    std::vector<size_t> consumed;  // indices into the unclaimed words
    std::string spelling;
};

// `claimed`: words earlier fields took. They may still name this field's other parts ("max clocks
// (sm, mem)": clocks and max belong to both fields) for a small bonus, never as a new word.
// Words of list item `first` are matched to the name's parts before the others, so "util and
// memory util" gives utilization.memory both words of its own item.
Scored score_name_from(std::string_view name, const std::vector<Word>& unclaimed, const std::vector<Word>& claimed,
                       const std::vector<Word>& all, int first) {
    const std::vector<NamePart> parts = name_parts(name);
    std::vector<bool> used(parts.size(), false);
    Scored s;
    s.spelling = std::string(name);
    std::map<int, int> per_phrase;
    const std::string whole = lower_text(name);
    std::vector<size_t> order;
    for (size_t wi = 0; wi < unclaimed.size(); ++wi)
        if (unclaimed[wi].phrase == first) order.push_back(wi);
    for (size_t wi = 0; wi < unclaimed.size(); ++wi)
        if (unclaimed[wi].phrase != first) order.push_back(wi);
    for (const size_t wi : order) {
        if (unclaimed[wi].text == whole) {  // the field's own name ("gpu_name", "pstate")
            std::fill(used.begin(), used.end(), true);
            s.consumed.push_back(wi);
            ++per_phrase[unclaimed[wi].phrase];
            continue;
        }
        for (size_t pi = 0; pi < parts.size(); ++pi) {
            if (used[pi] || !matches(unclaimed[wi].text, parts[pi].text)) continue;
            used[pi] = true;
            s.consumed.push_back(wi);
            ++per_phrase[unclaimed[wi].phrase];
            break;
        }
    }
    if (s.consumed.empty()) return s;
    s.score = static_cast<double>(s.consumed.size());
    // Context counts from the same list item, or for a one-word item ("(sm, mem, graphics)") from any.
    std::map<int, int> phrase_size;
    for (const Word& w : all) ++phrase_size[w.phrase];
    bool one_word_items = true;
    for (const auto& [phrase, n] : per_phrase) one_word_items = one_word_items && phrase_size[phrase] == 1;
    for (const Word& w : claimed) {
        if (!one_word_items && !per_phrase.count(w.phrase)) continue;
        for (size_t pi = 0; pi < parts.size(); ++pi) {
            if (used[pi] || !matches(w.text, parts[pi].text)) continue;
            used[pi] = true;
            s.score += 0.1;
            break;
        }
    }
    for (size_t pi = 0; pi < parts.size(); ++pi)
        if (!used[pi] && !default_part(parts[pi].text)) s.score -= 0.15;
    bool family_named = std::any_of(all.begin(), all.end(), [&](const Word& w) { return w.text == whole; });
    for (const NamePart& p : parts)
        for (const Word& w : all) family_named = family_named || (p.family && matches(w.text, p.text));
    if (!family_named) s.score -= 0.5;
    int main_phrase = 0;
    for (const auto& [phrase, n] : per_phrase) main_phrase = std::max(main_phrase, n);
    s.score -= 1.0 * static_cast<double>(static_cast<int>(s.consumed.size()) - main_phrase);
    return s;
}

Scored score_name(std::string_view name, const std::vector<Word>& unclaimed, const std::vector<Word>& claimed,
                  const std::vector<Word>& all) {
    Scored best;
    std::set<int> phrases;
    for (const Word& w : unclaimed) phrases.insert(w.phrase);
    for (const int first : phrases) {
        Scored s = score_name_from(name, unclaimed, claimed, all, first);
        if (!s.consumed.empty() && (best.consumed.empty() || s.score > best.score)) best = std::move(s);
    }
    return best;
}

}  // namespace

std::vector<FieldMatch> match_query_fields(std::string_view request, const NvsmiCatalog& catalog,
                                           std::string_view option) {
    const NvsmiQuery* query = nullptr;
    for (const NvsmiQuery& q : catalog.queries())
        if (q.option == option) query = &q;
    if (!query) return {};
    std::string text = lower_text(request);
    if (option == "--query-compute-apps") {
        // "GPU name" of a process is the field gpu_name, not the process's name.
        for (const std::string_view field : {"gpu name", "gpu uuid", "gpu bus id", "gpu bus", "gpu serial"}) {
            std::string joined(field);
            std::replace(joined.begin(), joined.end(), ' ', '_');
            if (joined == "gpu_bus") joined = "gpu_bus_id";
            for (size_t at = text.find(field); at != std::string::npos; at = text.find(field, at + joined.size()))
                text.replace(at, field.size(), joined);
        }
    }
    std::vector<Word> all = content_words(text);
    // "which processes are using the gpu": the family's own cue words name no field of it.
    if (option == "--query-compute-apps")
        std::erase_if(all, [](const Word& w) {
            return w.text == "processes" || w.text == "procs" || w.text == "apps" || w.text == "app" ||
                   w.text == "using" || w.text == "running";
        });
    std::vector<Word> unclaimed = all, claimed;
    std::vector<FieldMatch> chosen;
    std::set<std::string> taken;
    while (!unclaimed.empty() && chosen.size() < 6) {
        Scored best;
        std::string best_field;
        for (const NvsmiField& f : query->fields) {
            // "count" is the number of GPUs, asked as "how many", which a query line does not answer.
            if (taken.count(f.name) || f.name == "count") continue;
            Scored field_best = score_name(f.name, unclaimed, claimed, all);
            for (const std::string& alias : f.aliases) {
                Scored a = score_name(alias, unclaimed, claimed, all);
                if (a.score > field_best.score ||
                    (a.score == field_best.score && a.spelling.size() < field_best.spelling.size()))
                    field_best = a;
            }
            if (field_best.consumed.empty()) continue;
            if (best_field.empty() || field_best.score > best.score ||
                (field_best.score == best.score && field_best.spelling.size() < best.spelling.size())) {
                best = field_best;
                best_field = f.name;
            }
        }
        // The first field needs one clear word; each further one must be about as clear.
        if (best_field.empty() || best.score < (chosen.empty() ? 0.5 : 0.9)) break;
        chosen.push_back({best.spelling, best.score});
        taken.insert(best_field);
        std::vector<Word> rest;
        for (size_t i = 0; i < unclaimed.size(); ++i)
            (std::find(best.consumed.begin(), best.consumed.end(), i) == best.consumed.end() ? rest : claimed)
                .push_back(unclaimed[i]);
        unclaimed = std::move(rest);
    }
    return chosen;
}

namespace {

// The --query-* line for the request, or none.
std::vector<std::string> query_proposal(std::string_view request, const NvsmiCatalog& catalog) {
    // Only a request read as looking: a change, or a phrase that carries a word of change
    // ("persistence off on gpu 2"), gets no query.
    if (read_intent(request).intent != RequestIntent::Read) return {};
    const std::string text = lower_text(request);
    const std::vector<std::string> words = plain_words(text);
    // Output a --query-gpu line cannot give: other views, reports, orderings and per-process lines.
    if (has_word(words, {"dmon",     "pmon",      "topo",       "topology",  "matrix",   "xml",      "section",
                         "sections", "sort",      "sorted",     "hottest",   "coolest",  "biggest",  "top",
                         "highest",  "lowest",    "most",       "rank",      "nvlink",   "instance", "instances",
                         "slices",   "profiles",  "placements", "-q",        "sessions", "grep",     "file",
                         "address",  "addresses", "cause",      "accounted", "detailed", "details"}))
        return {};
    const bool processes = has_word(words, {"process", "processes", "procs", "pid", "pids", "apps", "app"});
    if (contains_any(text, {"nvidia-smi -", "--query", "--format", "how many"})) return {};
    const std::vector<Literal> literals = request_literals(request);
    for (const Literal& l : literals)
        if (l.kind == LiteralKind::Path) return {};  // written to or read from a file: not a plain query
    const std::string option = processes ? "--query-compute-apps" : "--query-gpu";
    std::vector<FieldMatch> fields = match_query_fields(request, catalog, option);
    if (processes) {
        // "which processes use gpu 1": who, what and how much, unless the request names more.
        if (fields.empty()) fields = {{"pid", 2.0}, {"process_name", 2.0}, {"used_memory", 2.0}};
    }
    if (fields.empty()) return {};
    // About a GPU: the request says so, or its first field is named word for word ("driver version").
    const bool gpu_words = has_word(words, {"gpu", "gpus", "card", "cards", "vram", "ecc", "vbios", "pstate", "pstates",
                                            "cuda", "nvidia-smi", "hbm", "sm"}) ||
                           !gpu_selection(request, literals).empty();
    if (!gpu_words && fields.front().score < 2.0) return {};
    std::string list;
    for (const FieldMatch& f : fields) list += (list.empty() ? "" : ",") + f.field;
    std::string format = "csv";
    const bool bare = contains_any(text, {"bare", "plain int", "plain number", "just the number", "raw number",
                                          "values only", "only the values", "just the values", "numbers only"});
    if (bare ||
        contains_any(text, {"no header", "noheader", "without header", "without a header", "without the header",
                            "skip the header", "drop the header", "headerless", "just the value", "only the value"}))
        format += ",noheader";
    if (bare || contains_any(text, {"no units", "nounits", "without units", "without the units", "no unit", "or units",
                                    "nor units"}))
        format += ",nounits";
    std::string command = "nvidia-smi";
    const std::string ids = gpu_selection(request, literals);
    if (!ids.empty()) command += " -i " + ids;
    command += " " + option + "=" + list + " --format=" + format;
    const std::string loop = loop_option(literals, text);
    if (!loop.empty()) command += " " + loop;
    return {command};
}

}  // namespace

std::vector<std::string> propose_commands(std::string_view request, const NvsmiCatalog& catalog) {
    std::vector<std::string> out = propose_shell_idioms(request);
    // A request about another tool's view of the GPUs (the scheduler's, a container's) is not
    // answered by nvidia-smi on this host.
    if (has_word(plain_words(lower_text(request)),
                 {"kubectl", "kubernetes", "k8s", "pod", "pods", "slurm", "sinfo", "squeue", "scontrol", "dcgmi",
                  "dcgm", "docker", "container", "containers", "helm"}))
        return out;
    for (std::string& c : query_proposal(request, catalog)) out.push_back(std::move(c));
    for (std::string& c : propose_nvsmi_views(request, catalog)) out.push_back(std::move(c));
    for (std::string& c : propose_nvsmi_settings(request)) out.push_back(std::move(c));
    return out;
}

}  // namespace sigma::domain
