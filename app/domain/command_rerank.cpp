// Command reranking: a weighted sum of explainable terms, each one an observable property of the
// candidate (validator verdict, risk vs intent, literals, catalogue meanings), so a ranking can be
// read and argued with.
#include "app/domain/command_rerank.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "app/domain/bm25.h"
#include "app/domain/flag_explainer.h"
#include "app/domain/nvsmi_catalog.h"

namespace sigma::domain {

namespace {

// Words too common in requests to say which flag is meant.
bool generic_word(const std::string& w) {
    static const std::set<std::string> kGeneric{
        "show",   "list",   "display", "print",   "get",   "report", "check",   "please", "node",
        "server", "box",    "host",    "machine", "need",  "help",   "quick",   "one",    "hey",
        "thank",  "thanks", "bash",    "what",    "which", "how",    "me",      "all",    "every",
        "each",   "this",   "that",    "with",    "gpu",   "device", "current", "use",    "using",
        "only",   "now",    "can",     "you",     "i",     "want",   "find",    "tell",   "give"};
    return kGeneric.count(w) > 0;
}

std::string normalise(std::string_view s) {
    std::string out;
    bool space = false;
    for (char c : s) {
        if (c == ' ' || c == '\t') {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

struct Relevance {
    double recall = 0.0;     // request words the candidate covers
    double precision = 1.0;  // the candidate's fields/sections that share a word with the request
};

Relevance relevance_of(std::string_view request, std::string_view command) {
    std::set<std::string> req;
    for (const std::string& w : Bm25Index::tokenize(request))
        if (!generic_word(w) && !(w.size() == 1 && !std::isdigit(static_cast<unsigned char>(w[0])))) req.insert(w);
    Relevance r;
    std::set<std::string> have;
    for (const std::string& w : Bm25Index::tokenize(command)) have.insert(w);
    int items = 0, matching = 0;
    for (const FlagExplanation& f : explain_flags(std::string(command))) {
        for (const std::string& w : Bm25Index::tokenize(f.meaning)) have.insert(w);
        for (const FlagDetail& d : f.details) {
            std::set<std::string> item_words;
            for (const std::string& w : Bm25Index::tokenize(d.item)) item_words.insert(w);
            for (const std::string& w : Bm25Index::tokenize(d.meaning)) item_words.insert(w);
            have.insert(item_words.begin(), item_words.end());
            // Row labels (index, timestamp) answer no word of a request: they count for no field.
            const bool label = d.item == "index" || d.item == "timestamp";
            if ((f.flag.starts_with("--query") || f.flag == "-d" || f.flag == "--display") && !label) {
                ++items;
                if (std::any_of(item_words.begin(), item_words.end(),
                                [&](const std::string& w) { return req.count(w) > 0; }))
                    ++matching;
            }
        }
    }
    if (!req.empty()) {
        int found = 0;
        for (const std::string& w : req) found += have.count(w) ? 1 : 0;
        r.recall = static_cast<double>(found) / static_cast<double>(req.size());
    }
    if (items > 0) r.precision = static_cast<double>(matching) / static_cast<double>(items);
    return r;
}

// Replaces each error span that has a suggestion with the suggestion; false when none applies.
bool apply_suggestions(std::string& command, const CommandCheck& check) {
    struct Edit {
        size_t start, length;
        std::string text;
    };
    std::vector<Edit> edits;
    for (const CheckMessage& m : check.messages) {
        if (m.severity != CheckMessage::Severity::Error || m.suggestions.empty() || m.length == 0) continue;
        if (m.start + m.length > command.size()) continue;
        edits.push_back({m.start, m.length, m.suggestions.front()});
    }
    if (edits.empty()) return false;
    std::sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) { return a.start > b.start; });
    size_t floor = std::string::npos;
    for (const Edit& e : edits) {
        if (floor != std::string::npos && e.start + e.length > floor) continue;  // overlapping spans
        command.replace(e.start, e.length, e.text);
        floor = e.start;
    }
    return true;
}

// The canonical fields of a command's --query-* list, each as "option field", without index and
// timestamp (which label rows); empty when it has no --query-* list.
std::set<std::string> query_fields(std::string_view command) {
    std::set<std::string> out;
    const size_t at = command.find("--query-");
    const size_t eq = command.find('=', at == std::string_view::npos ? command.size() : at);
    if (at == std::string_view::npos || eq == std::string_view::npos || command.find(' ', at) < eq) return out;
    const std::string option(command.substr(at, eq - at));
    size_t b = eq + 1;
    const size_t e = std::min(command.find(' ', b), command.size());
    const NvsmiCatalog* nvsmi = NvsmiCatalog::builtin();
    const NvsmiQuery* query = nullptr;
    if (nvsmi)
        for (const NvsmiQuery& q : nvsmi->queries())
            if (q.option == option) query = &q;
    while (b < e) {
        size_t c = std::min(command.find(',', b), e);
        std::string name(command.substr(b, c - b));
        if (query)
            if (const NvsmiField* f = query->find(name)) name = f->name;
        if (!name.empty() && name != "index" && name != "timestamp") out.insert(option + " " + name);
        b = c + 1;
    }
    return out;
}

// What a command without a --query-* list asks for, as terms of its first pipeline stage: for
// nvidia-smi its subcommand and each option with its value in the short spelling ("dmon", "-s=pu",
// "-c=15"; the GPU selection -i is the literals' concern and no term), for other programs each word
// ("tail", "-n", "5", "/var/log/syslog").
std::set<std::string> command_terms(std::string_view command) {
    std::set<std::string> out;
    std::vector<std::string> words;
    std::string cur;
    for (const char c : command) {
        if (c == '|' || c == ';' || c == '&' || c == '>') break;
        if (c == ' ') {
            if (!cur.empty()) words.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty()) words.push_back(cur);
    if (words.empty()) return out;
    if (words.front() != "nvidia-smi") {
        out.insert(words.begin(), words.end());
        return out;
    }
    const NvsmiCatalog* nvsmi = NvsmiCatalog::builtin();
    const NvsmiSubcommand* sub = nullptr;
    size_t i = 1;
    if (i < words.size() && !words[i].starts_with("-")) {
        if (nvsmi) sub = nvsmi->find_subcommand(words[i]);
        out.insert(words[i++]);
    }
    for (; i < words.size(); ++i) {
        std::string option = words[i], value;
        if (!option.starts_with("-")) continue;
        const size_t eq = option.find('=');
        if (eq != std::string::npos) {
            value = option.substr(eq + 1);
            option.resize(eq);
        }
        const NvsmiOption* o = nullptr;
        if (nvsmi) o = sub ? sub->find_option(option) : nvsmi->find_option(option);
        if (o && !o->short_name.empty()) option = o->short_name;
        const bool takes_value = o && o->arg != NvsmiArg::None && !o->value_optional;
        if (takes_value && value.empty() && i + 1 < words.size()) value = words[++i];
        if (option == "-i") continue;
        out.insert(value.empty() ? option : option + "=" + value);
    }
    return out;
}

// The terms agreement is measured on: the --query-* fields of a query, else the command's terms.
std::set<std::string> proposal_terms(std::string_view command) {
    std::set<std::string> fields = query_fields(command);
    return fields.empty() && command.find("--query-") == std::string_view::npos ? command_terms(command) : fields;
}

// Share of the proposals' fields a candidate's fields agree with (Jaccard of the sets), best over the
// proposals; 0 without proposals or a --query-* list.
double catalogue_agreement(const std::set<std::string>& fields, const std::vector<std::set<std::string>>& proposals) {
    double best = 0.0;
    if (fields.empty()) return best;
    for (const std::set<std::string>& p : proposals) {
        size_t both = 0;
        for (const std::string& f : fields) both += p.count(f);
        const size_t either = fields.size() + p.size() - both;
        if (either > 0) best = std::max(best, static_cast<double>(both) / static_cast<double>(either));
    }
    return best;
}

}  // namespace

double command_relevance(std::string_view request, std::string_view command) {
    return relevance_of(request, command).recall;
}

std::string repair_command(std::string_view request, std::string_view command, bool copy_literals) {
    std::string out = copy_literals ? copy_request_literals(request, command) : std::string(command);
    for (int round = 0; round < 3; ++round) {
        const CommandCheck check = check_command(out);
        if (check.valid) break;
        std::string next = out;
        if (!apply_suggestions(next, check) || next == out) break;
        out = next;
    }
    return out;
}

std::vector<RankedCommand> rerank_commands(std::string_view request, const std::vector<CommandCandidate>& candidates,
                                           const RerankOptions& options) {
    const IntentReading intent = read_intent(request);
    std::vector<RankedCommand> ranked;
    std::map<std::string, size_t> index;  // normalised command -> position in `ranked`
    for (const CommandCandidate& c : candidates) {
        const std::string key = normalise(c.command);
        if (key.empty()) continue;
        auto it = index.find(key);
        if (it != index.end()) {
            RankedCommand& r = ranked[it->second];
            ++r.votes;
            if (c.logprob > r.candidate.logprob && c.logprob != 0.0) r.candidate.logprob = c.logprob;
            if (r.candidate.explanation.empty()) r.candidate.explanation = c.explanation;
            continue;
        }
        RankedCommand r;
        r.candidate = c;
        r.candidate.command = key;
        r.check = check_command(key);
        index.emplace(key, ranked.size());
        ranked.push_back(std::move(r));
    }
    // A proposal has no log-probability: it is scored as the model's best answer, so the terms the
    // model cannot judge (the request's values, the catalogue's reading) decide between them.
    double best_logprob = 0.0;
    bool have_logprob = false;
    std::vector<std::set<std::string>> proposal_fields;
    for (const CommandCandidate& c : candidates) {
        if (c.proposed) {
            proposal_fields.push_back(proposal_terms(c.command));
        } else if (c.logprob != 0.0) {
            best_logprob = have_logprob ? std::max(best_logprob, c.logprob) : c.logprob;
            have_logprob = true;
        }
    }
    for (RankedCommand& r : ranked) {
        double s = 0.0;
        if (!r.check.valid) s -= 100.0;
        if (!r.check.unknown_programs.empty()) s -= 10.0;
        const int risk = static_cast<int>(r.check.risk);
        if (options.intent) {
            if (intent.intent == RequestIntent::Read) {
                s -= 12.0 * risk;
            } else if (intent.intent == RequestIntent::Change) {
                if (risk == 0) s -= 6.0;
                if (risk > static_cast<int>(intent.allowed)) s -= 3.0;
            } else {
                s -= 2.0 * risk;
            }
        }
        r.literals = literal_coverage(request, r.candidate.command);
        if (options.literals) {
            s += 2.5 * r.literals.covered - 2.5 * (r.literals.request_total - r.literals.covered);
            s -= 1.5 * r.literals.ungrounded;
            // "pmon for gpu 6" is not "pmon -c 6", and "15 samples" is not "-i 15".
            s -= 3.0 * misplaced_gpu_numbers(request, r.candidate.command);
        }
        const Relevance rel = relevance_of(request, r.candidate.command);
        r.relevance = rel.recall;
        if (options.relevance) s += 4.0 * rel.recall + 2.0 * rel.precision;
        if (options.votes) s += 0.7 * (r.votes - 1);
        // Agreement with the fields the catalogue found for the request's words.
        if (options.relevance) s += 4.0 * catalogue_agreement(proposal_terms(r.candidate.command), proposal_fields);
        if (r.candidate.proposed && r.candidate.logprob == 0.0) s += options.logprob_weight * best_logprob;
        else if (r.candidate.logprob != 0.0) s += options.logprob_weight * r.candidate.logprob;
        else s -= 0.25 * r.candidate.order;  // no log-probabilities: the greedy answer first
        if (!r.candidate.repaired_from.empty()) s -= 0.1;
        r.score = s;
    }
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const RankedCommand& a, const RankedCommand& b) { return a.score > b.score; });
    return ranked;
}

}  // namespace sigma::domain
