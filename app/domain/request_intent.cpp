// Request intent from word lists: the first cue after courtesy words decides, so "show pods that
// were deleted" reads and "delete the pods shown by ..." changes.
#include "app/domain/request_intent.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace sigma::domain {

namespace {

std::vector<std::string> words_of(std::string_view text) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : text) {
        if (std::isalpha(static_cast<unsigned char>(c)) || c == '\'') {
            cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else {
            if (!cur.empty()) out.push_back(cur);
            cur.clear();
            if (c == '?') out.emplace_back("?");
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

constexpr std::array<std::string_view, 36> kDestructive{
    "delete",    "remove",    "rm",      "drop",     "purge",    "wipe",   "erase",      "truncate",     "kill",
    "terminate", "reset",     "reboot",  "shutdown", "poweroff", "halt",   "drain",      "evict",        "format",
    "mkfs",      "overwrite", "destroy", "force",    "empty",    "prune",  "uninstall",  "clear",        "shred",
    "zap",       "nuke",      "flush",   "unmount",  "umount",   "detach", "deregister", "decommission", "obliterate"};

constexpr std::array<std::string_view, 76> kChange{
    "set",       "enable", "disable",  "turn",     "switch", "restart", "stop",     "start",   "scale",  "cordon",
    "uncordon",  "apply",  "create",   "make",     "add",    "install", "update",   "upgrade", "change", "modify",
    "edit",      "rename", "move",     "mv",       "copy",   "cp",      "lock",     "unlock",  "limit",  "cap",
    "raise",     "lower",  "increase", "decrease", "give",   "grant",   "revoke",   "chmod",   "chown",  "mount",
    "load",      "unload", "reload",   "rollback", "roll",   "rollout", "restore",  "deploy",  "patch",  "label",
    "annotate",  "taint",  "untaint",  "tag",      "write",  "append",  "compress", "extract", "unpack", "archive",
    "backup",    "sync",   "download", "upload",   "fix",    "clean",   "cleanup",  "block",   "allow",  "deny",
    "configure", "pin",    "assign",   "resize",   "attach", "pause"};

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
    auto decide = [&](const std::string& w, size_t index) -> bool {
        // "give me ..." and "make a list" read; "give x execute permission" changes.
        const bool followed_by_me = index + 1 < words.size() && (words[index + 1] == "me" || words[index + 1] == "us");
        if (in(kDestructive, w)) {
            r = {RequestIntent::Change, w, Risk::Destructive};
            return true;
        }
        // "power limit", "the cap", "default set" name a thing: those words change only as verbs.
        static constexpr std::array<std::string_view, 8> kAlsoNouns{"limit", "cap", "lock",  "set",
                                                                    "block", "tag", "label", "patch"};
        static constexpr std::array<std::string_view, 17> kNounBefore{
            "power", "memory",  "mem",     "clock", "rate", "file",     "the",  "a",   "its",
            "their", "current", "default", "max",   "min",  "enforced", "soft", "hard"};
        if (in(kAlsoNouns, w) && index > 0 && in(kNounBefore, words[index - 1])) return false;
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
    if (i < words.size() && decide(words[i], i)) return r;
    // No leading verb ("pmon for gpu 6", "dmesg with human time"): the first cue anywhere decides,
    // and a question mark reads.
    for (size_t j = i; j < words.size(); ++j)
        if (decide(words[j], j)) return r;
    if (std::find(words.begin(), words.end(), "?") != words.end()) return {RequestIntent::Read, "?", Risk::ReadOnly};
    return r;
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
