// Request intent from word lists: the first cue after courtesy words decides, so "show pods that
// were deleted" reads and "delete the pods shown by ..." changes.
#include "app/domain/request_intent.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace sigma::domain {

namespace {

// Marks the end of a clause among the words.
constexpr std::string_view kClause = "|";

// A file, path, host or key=value token ("deploy.yaml", "/usr/local/bin/restart-all", "kill_old.py",
// "10.0.4.21") names something; the words inside it ask for nothing. Blanked, keeping the punctuation
// that ends it ("..., restart it" still ends a clause).
std::string blank_names(std::string_view text) {
    std::string out(text);
    size_t i = 0;
    while (i < out.size()) {
        while (i < out.size() && std::isspace(static_cast<unsigned char>(out[i]))) ++i;
        size_t end = i;
        while (end < out.size() && !std::isspace(static_cast<unsigned char>(out[end]))) ++end;
        size_t core = end;
        while (core > i && std::string_view(",;:!?.)\"'").find(out[core - 1]) != std::string_view::npos) --core;
        // "give./start.sh" (a blank left out): the word before "./" stays a word.
        const size_t glued = std::string_view(out.data() + i, core - i).find("./");
        if (glued != std::string_view::npos && glued > 0 &&
            std::isalpha(static_cast<unsigned char>(out[i + glued - 1])))
            i += glued;
        const std::string_view token(out.data() + i, core - i);
        bool name = token.starts_with("/") || token.starts_with("./") || token.starts_with("~/") ||
                    token.find('_') != std::string_view::npos || token.find('=') != std::string_view::npos;
        for (size_t k = 1; k + 1 < token.size() && !name; ++k)
            name = token[k] == '.' && std::isalnum(static_cast<unsigned char>(token[k + 1])) &&
                   std::isalnum(static_cast<unsigned char>(token[k - 1]));
        if (name)
            for (size_t k = i; k < core; ++k) out[k] = ' ';
        i = end;
    }
    return out;
}

std::vector<std::string> words_of(std::string_view raw) {
    const std::string blanked = blank_names(raw);
    const std::string_view text = blanked;
    std::vector<std::string> out;
    std::string cur;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (std::isalpha(static_cast<unsigned char>(c)) || c == '\'') {
            cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else {
            if (!cur.empty()) out.push_back(cur);
            cur.clear();
            if (c == '?') out.emplace_back("?");
            // A clause ends at , . ; : ! and a dash between blanks ("..., restart it", "... - set it").
            const bool dash = c == '-' && i > 0 && text[i - 1] == ' ' && i + 1 < text.size() && text[i + 1] == ' ';
            const bool end = c == ',' || c == ';' || c == '!' || dash ||
                             ((c == '.' || c == ':') && (i + 1 == text.size() || text[i + 1] == ' '));
            if (end && !out.empty() && out.back() != kClause) out.emplace_back(kClause);
        }
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}

template <size_t N>
bool in(const std::array<std::string_view, N>& list, std::string_view w) {
    return std::find(list.begin(), list.end(), w) != list.end();
}

constexpr std::array<std::string_view, 40> kCourtesy{
    "please", "pls",   "hey",  "hi",   "hello",  "need",  "help",    "quick",  "one",  "can",
    "could",  "would", "you",  "i",    "want",   "to",    "like",    "kindly", "on",   "this",
    "that",   "the",   "node", "box",  "server", "host",  "machine", "here",   "bash", "now",
    "just",   "ok",    "okay", "also", "so",     "let's", "lets",    "we",     "me",   "a"};

constexpr std::array<std::string_view, 94> kRead{
    "show",    "list",        "display",   "print",    "printing",  "get",       "report",   "check",   "count",
    "find",    "search",      "grep",      "view",     "see",       "tell",      "query",    "monitor", "watch",
    "tail",    "follow",      "describe",  "inspect",  "look",      "fetch",     "read",     "dump",    "output",
    "compare", "summarize",   "summarise", "measure",  "collect",   "sample",    "trace",    "track",   "stream",
    "keep",    "test",        "ping",      "verify",   "diff",      "what",      "which",    "who",     "where",
    "when",    "why",         "how",       "is",       "are",       "does",      "do",       "did",     "was",
    "were",    "has",         "top",       "lookup",   "resolve",   "determine", "identify", "confirm", "examine",
    "cat",     "peek",        "preview",   "estimate", "calculate", "total",     "sum",      "average", "status",
    "pmon",    "dmon",        "any",       "anything", "whats",     "what's",    "who's",    "how's",   "where's",
    "usage",   "info",        "details",   "version",  "versions",  "summary",   "health",   "stats",   "temps",
    "util",    "utilization", "uptime",    "avg"};

constexpr std::array<std::string_view, 37> kDestructive{
    "delete",    "remove",     "rm",           "drop",       "purge",    "wipe",     "erase",   "truncate",
    "kill",      "terminate",  "reset",        "reboot",     "shutdown", "poweroff", "halt",    "drain",
    "evict",     "format",     "mkfs",         "overwrite",  "destroy",  "force",    "empty",   "prune",
    "uninstall", "clear",      "shred",        "zap",        "nuke",     "flush",    "unmount", "umount",
    "detach",    "deregister", "decommission", "obliterate", "tear"};

constexpr std::array<std::string_view, 87> kChange{
    "set",       "enable", "disable",  "turn",     "switch", "restart", "stop",     "start",   "scale",  "cordon",
    "uncordon",  "apply",  "create",   "make",     "add",    "install", "update",   "upgrade", "change", "modify",
    "edit",      "rename", "move",     "mv",       "copy",   "cp",      "lock",     "unlock",  "limit",  "cap",
    "raise",     "lower",  "increase", "decrease", "give",   "grant",   "revoke",   "chmod",   "chown",  "mount",
    "load",      "unload", "reload",   "rollback", "roll",   "rollout", "restore",  "deploy",  "patch",  "label",
    "annotate",  "taint",  "untaint",  "tag",      "write",  "append",  "compress", "extract", "unpack", "archive",
    "backup",    "sync",   "download", "upload",   "fix",    "clean",   "cleanup",  "block",   "allow",  "deny",
    "configure", "pin",    "assign",   "resize",   "attach", "pause",   "put",      "flip",    "bounce", "remount",
    "untar",     "cancel", "forward",  "pull",     "record", "save",    "unzip"};

// Is the verb at words[index] no request to act here? As the first word of a noun phrase ("restart
// policy", "load avg", "write support"), as a participle ("it's set to", "was reset"), or as a noun
// after a noun or article ("power limit", "the cap", "default set").
bool not_a_verb_here(const std::vector<std::string>& words, size_t index) {
    static constexpr std::array<std::string_view, 13> kNounAfter{"policy",  "policies", "count",  "counts",  "avg",
                                                                 "average", "history",  "reason", "reasons", "support",
                                                                 "status",  "device",   "devices"};
    static constexpr std::array<std::string_view, 9> kParticipleBefore{"it's", "is",   "was",   "been", "be",
                                                                       "are",  "were", "being", "got"};
    static constexpr std::array<std::string_view, 8> kAlsoNouns{"limit", "cap", "lock",  "set",
                                                                "block", "tag", "label", "patch"};
    static constexpr std::array<std::string_view, 18> kNounBefore{
        "power", "memory",  "mem",     "clock", "rate", "file",     "the",  "a",    "its",
        "their", "current", "default", "max",   "min",  "enforced", "soft", "hard", "product"};
    const std::string& w = words[index];
    if (index + 1 < words.size() && in(kNounAfter, words[index + 1])) return true;
    if (index == 0) return false;
    const std::string& before = words[index - 1];
    return in(kParticipleBefore, before) || (in(kAlsoNouns, w) && in(kNounBefore, before));
}

// Is the verb at words[index] negated in its clause ("don't reset gpu 0", "never enable ...", "no
// need to restart")? A negated verb asks for nothing.
bool negated(const std::vector<std::string>& words, size_t index) {
    static constexpr std::array<std::string_view, 11> kNegators{
        "don't", "dont", "not", "never", "without", "no", "nor", "won't", "shouldn't", "mustn't", "avoid"};
    for (size_t back = 1; back <= 3 && back <= index; ++back) {
        const std::string& w = words[index - back];
        if (w == kClause) return false;
        if (in(kNegators, w)) return true;
    }
    return false;
}

}  // namespace

const char* request_intent_text(RequestIntent intent) {
    switch (intent) {
        case RequestIntent::Read: return "read";
        case RequestIntent::Change: return "change";
        case RequestIntent::Unknown: break;
    }
    return "unknown";
}

// A typed verb with one slip after its first letter (a letter swapped with its neighbour, dropped,
// doubled, or, in verbs of six letters or more, wrong: "restrat", "delte", "stauts", "restsrt") is
// read as the verb. The first letter must match and short verbs take no wrong letter, so nouns a
// letter away from a verb ("power"/"lower", "clock"/"block", "cause"/"pause") stay nouns.
bool one_slip(std::string_view typed, std::string_view verb) {
    if (verb.size() < 5 || typed == verb || typed.empty() || typed[0] != verb[0]) return false;
    // An inflection is another word, not a slip: "restarts" and "deleted" describe, they do not ask.
    if (typed.starts_with(verb) && (typed.substr(verb.size()) == "s" || typed.substr(verb.size()) == "d")) return false;
    const size_t a = typed.size(), b = verb.size();
    if (a == b) {
        std::vector<size_t> diff;
        for (size_t i = 0; i < a; ++i)
            if (typed[i] != verb[i]) diff.push_back(i);
        if (diff.size() == 1) return verb.size() >= 6;
        return diff.size() == 2 && diff[1] == diff[0] + 1 && typed[diff[0]] == verb[diff[1]] &&
               typed[diff[1]] == verb[diff[0]];
    }
    const std::string_view longer = a > b ? typed : verb, shorter = a > b ? verb : typed;
    if (longer.size() != shorter.size() + 1) return false;
    size_t i = 0;
    while (i < shorter.size() && shorter[i] == longer[i]) ++i;
    return shorter.substr(i) == longer.substr(i + 1);
}

template <size_t N>
std::string_view slipped(const std::array<std::string_view, N>& list, std::string_view w) {
    for (std::string_view verb : list)
        if (one_slip(w, verb)) return verb;
    return {};
}

IntentReading read_intent(std::string_view request) {
    std::vector<std::string> words = words_of(request);
    // Typos of cue words read as the cue, unless the word is itself a cue of another kind.
    for (std::string& w : words) {
        if (in(kRead, w) || in(kChange, w) || in(kDestructive, w) || in(kCourtesy, w)) continue;
        if (std::string_view v = slipped(kDestructive, w); !v.empty()) w = std::string(v);
        else if (std::string_view c = slipped(kChange, w); !c.empty()) w = std::string(c);
        else if (std::string_view r = slipped(kRead, w); !r.empty()) w = std::string(r);
    }
    IntentReading r;
    // clause_start: the word begins a clause, after courtesy words; "is", "are", "does" ... ask only
    // there ("is mig enabled?"), elsewhere they state ("gpu 5 is stuck, put it back").
    auto decide = [&](const std::string& w, size_t index, bool clause_start) -> bool {
        // "give me ..." and "make a list" read; "give x execute permission" changes.
        const bool followed_by_me = index + 1 < words.size() && (words[index + 1] == "me" || words[index + 1] == "us");
        const std::string& next = index + 1 < words.size() ? words[index + 1] : words[index];
        if ((in(kChange, w) || in(kDestructive, w)) && (not_a_verb_here(words, index) || negated(words, index)))
            return false;
        if (w == "get" && next == "rid") {
            r = {RequestIntent::Change, "get rid", Risk::Destructive};
            return true;
        }
        static constexpr std::array<std::string_view, 8> kStatements{"is",   "are", "was", "were",
                                                                     "does", "do",  "did", "has"};
        if (!clause_start && in(kStatements, w)) return false;
        if (in(kDestructive, w)) {
            r = {RequestIntent::Change, w, Risk::Destructive};
            return true;
        }
        if (in(kChange, w) && !followed_by_me) {
            r = {RequestIntent::Change, w, Risk::ChangesState};
            return true;
        }
        if (in(kRead, w) || (w == "give" && followed_by_me)) {
            r = {RequestIntent::Read, w, Risk::ReadOnly};
            return true;
        }
        return false;
    };
    size_t i = 0;
    while (i < words.size() && in(kCourtesy, words[i])) ++i;
    if (i < words.size() && decide(words[i], i, true)) return r;
    // No leading verb: a change verb that begins a later clause ("grafana is frozen, restart it"), else the
    // first cue anywhere ("pmon for gpu 6", "dmesg with human time"); a question mark reads.
    for (size_t j = i; j < words.size(); ++j) {
        if (words[j] != kClause) continue;
        size_t k = j + 1;
        while (k < words.size() && in(kCourtesy, words[k])) ++k;
        if (k < words.size() && (in(kChange, words[k]) || in(kDestructive, words[k])) && decide(words[k], k, true))
            return r;
    }
    bool clause_start = true;
    for (size_t j = i; j < words.size(); ++j) {
        if (words[j] == kClause) {
            clause_start = true;
            continue;
        }
        if (decide(words[j], j, clause_start)) return r;
        clause_start = clause_start && in(kCourtesy, words[j]);
    }
    if (std::find(words.begin(), words.end(), "?") != words.end()) return {RequestIntent::Read, "?", Risk::ReadOnly};
    // No cue at all: a noun phrase ("rss of process 7781", "fan % on all cards", "default power limit
    // vs whatever it's set to") asks to look, unless it carries a word of change that is no participle
    // ("persistence off on gpu 2", "needs 4 replicas"): then it stays unknown.
    static constexpr std::array<std::string_view, 8> kChangeWords{"off",  "back", "up",       "down",
                                                                  "onto", "into", "replicas", "replica"};
    for (size_t j = 0; j < words.size(); ++j) {
        const std::string& w = words[j];
        if (((in(kChange, w) || in(kDestructive, w)) && !not_a_verb_here(words, j) && !negated(words, j)) ||
            in(kChangeWords, w))
            return r;
    }
    return {RequestIntent::Read, "no change named", Risk::ReadOnly};
}

std::string intent_risk_warning(const IntentReading& intent, Risk risk) {
    if (static_cast<int>(risk) <= static_cast<int>(intent.allowed)) return {};
    if (intent.intent == RequestIntent::Read)
        return std::string("the request asks to look (\"") + intent.cue + "\") but this command is " + risk_text(risk) +
               ": it changes the system";
    if (intent.intent == RequestIntent::Change)
        return std::string("this command is ") + risk_text(risk) + ", more than the request's \"" + intent.cue +
               "\" asked for";
    return std::string("this command is ") + risk_text(risk) + " although the request did not ask for a change";
}

}  // namespace sigma::domain
