// Request literals: one small scanner for both sides (request and command), so that a value is the
// same word on both; copying is pairwise by kind, never across kinds.
#include "app/domain/request_literals.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>

#include "app/domain/nvsmi_catalog.h"

namespace sigma::domain {

namespace {

bool is_word_char(char c) {
    const auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) || c == '.' || c == '_' || c == '/' || c == '-' || c == '~' || c == '+' || c == '@';
}

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

bool has_alpha(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

constexpr std::array<std::pair<std::string_view, std::string_view>, 24> kNumberWords{{
    {"zero", "0"},    {"one", "1"},       {"two", "2"},         {"three", "3"},   {"four", "4"},   {"five", "5"},
    {"six", "6"},     {"seven", "7"},     {"eight", "8"},       {"nine", "9"},    {"ten", "10"},   {"eleven", "11"},
    {"twelve", "12"}, {"fifteen", "15"},  {"twenty", "20"},     {"thirty", "30"}, {"forty", "40"}, {"fifty", "50"},
    {"sixty", "60"},  {"hundred", "100"}, {"thousand", "1000"}, {"dozen", "12"},  {"single", "1"}, {"once", "1"},
}};

// Hyphenated English words are not names of things ("read-only", "sign-ins").
bool english_hyphenated(std::string_view w) {
    static constexpr std::array<std::string_view, 16> kTails{
        "only", "in",   "ins",  "time",    "readable", "based",       "level", "wide",
        "side", "date", "like", "running", "memory",   "interactive", "style", "free"};
    const std::string l = lower(w);
    const size_t dash = l.rfind('-');
    if (dash == std::string::npos) return false;
    const std::string_view tail = std::string_view(l).substr(dash + 1);
    if (std::find(kTails.begin(), kTails.end(), tail) != kTails.end()) return true;
    return l.starts_with("non-") || l.starts_with("e-") || l.starts_with("re-") || l.starts_with("x-");
}

bool has_file_extension(std::string_view w) {
    static constexpr std::array<std::string_view, 26> kExt{
        "log", "txt", "sh",  "py",  "conf", "cfg", "json", "yaml", "yml",     "gz",  "tar", "tgz", "zip",
        "csv", "out", "err", "ini", "xml",  "pem", "crt",  "key",  "service", "bz2", "xz",  "so",  "toml"};
    const size_t dot = w.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 >= w.size()) return false;
    const std::string ext = lower(w.substr(dot + 1));
    return std::find(kExt.begin(), kExt.end(), ext) != kExt.end();
}

// Strips sentence punctuation from the end of a word ("train.log?" is found as "train.log").
std::string_view trim_word(std::string_view w) {
    while (!w.empty() && (w.back() == '.' || w.back() == '-' || w.back() == '/') && w.size() > 1 &&
           !(w.back() == '/' && w.find('/') != w.size() - 1))
        w.remove_suffix(1);
    return w;
}

// Length of a PCI bus id at the start of `s` ("0000:3b:00.0" or "3b:00.0"), or 0.
size_t pci_bus_id_length(std::string_view s) {
    auto hex_run = [&](size_t at, size_t n) {
        if (at + n > s.size()) return false;
        for (size_t k = at; k < at + n; ++k)
            if (!std::isxdigit(static_cast<unsigned char>(s[k]))) return false;
        return true;
    };
    for (size_t domain : {size_t{8}, size_t{4}, size_t{0}}) {
        size_t p = 0;
        if (domain > 0) {
            if (!hex_run(0, domain) || p + domain >= s.size() || s[domain] != ':') continue;
            p = domain + 1;
        }
        if (!hex_run(p, 2) || p + 2 >= s.size() || s[p + 2] != ':' || !hex_run(p + 3, 2) || p + 5 >= s.size() ||
            s[p + 5] != '.' || p + 6 >= s.size() || s[p + 6] < '0' || s[p + 6] > '7')
            continue;
        const size_t n = p + 7;
        if (n < s.size() && (std::isalnum(static_cast<unsigned char>(s[n])) || s[n] == ':')) continue;
        return n;
    }
    return 0;
}

bool classify(std::string_view w, LiteralKind* kind) {
    if (w.empty() || w.front() == '-') return false;                                       // an option, or a stray dash
    if (all_digits(w) || (w.size() > 1 && w.front() == '+' && all_digits(w.substr(1)))) {  // find -mtime +3
        *kind = LiteralKind::Number;
        return true;
    }
    if (w.find('/') != std::string_view::npos || w.front() == '~' || has_file_extension(w)) {
        if (w == "/" || w.find("//") != std::string_view::npos) return false;
        *kind = LiteralKind::Path;
        return true;
    }
    const size_t dash = w.find('-');
    if (dash != std::string_view::npos && dash > 0 && has_alpha(w) && !english_hyphenated(w)) {
        *kind = LiteralKind::Name;
        return true;
    }
    return false;
}

// Walks `text`; `command` mode skips program names and option names and notes quoted spans.
std::vector<Literal> scan(std::string_view text, bool command) {
    std::vector<Literal> out;
    const NvsmiCatalog* nvsmi = command ? NvsmiCatalog::builtin() : nullptr;
    bool segment_start = true;  // the next word names a program
    std::string program;
    std::string subcommand;  // nvidia-smi's first word after the program that names a subcommand
    std::string previous_word;
    size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        // An apostrophe inside an English word ("who's", "don't") opens no quote in a request.
        if (!command && c == '\'' && i > 0 && i + 1 < text.size() &&
            std::isalpha(static_cast<unsigned char>(text[i - 1])) &&
            std::isalpha(static_cast<unsigned char>(text[i + 1]))) {
            while (i < text.size() && (text[i] == '\'' || std::isalpha(static_cast<unsigned char>(text[i])))) ++i;
            continue;
        }
        // A PCI bus id ("0000:3b:00.0", "3b:00.0") is one name, not the numbers between its colons.
        if (const size_t n = pci_bus_id_length(text.substr(i)); n > 0 && (i == 0 || !is_word_char(text[i - 1]))) {
            out.push_back({LiteralKind::Name, std::string(text.substr(i, n)), i, n});
            i += n;
            continue;
        }
        if (c == '\'' || c == '"' || c == '`') {
            const size_t end = text.find(c, i + 1);
            const size_t stop = end == std::string_view::npos ? text.size() : end;
            std::string_view body = text.substr(i + 1, stop - i - 1);
            const bool program_text =
                body.find('{') != std::string_view::npos || body.find('$') != std::string_view::npos;
            if (!body.empty() && !program_text && c != '`' && body.size() <= 80) {
                out.push_back({LiteralKind::Quoted, std::string(body), i + 1, body.size()});
                // A count inside a quoted value ("--since '5 minutes ago'") is the request's number too.
                if (command) {
                    for (size_t k = 0; k < body.size();) {
                        size_t e = k;
                        while (e < body.size() && std::isdigit(static_cast<unsigned char>(body[e]))) ++e;
                        const bool alone =
                            e > k && (k == 0 || body[k - 1] == ' ') && (e == body.size() || body[e] == ' ');
                        if (alone)
                            out.push_back({LiteralKind::Number, std::string(body.substr(k, e - k)), i + 1 + k, e - k});
                        k = e > k ? e : k + 1;
                    }
                }
            }
            i = stop == text.size() ? stop : stop + 1;
            segment_start = false;
            continue;
        }
        if (command && (c == '|' || c == ';' || c == '&' || c == '(' || c == ')')) {
            segment_start = true;
            ++i;
            continue;
        }
        if (!is_word_char(c)) {
            ++i;
            continue;
        }
        size_t j = i;
        while (j < text.size() && is_word_char(text[j])) ++j;
        const bool after_dollar = i > 0 && text[i - 1] == '$';
        std::string_view word = text.substr(i, j - i);
        const size_t start = i;
        i = j;
        if (command && segment_start) {
            static constexpr std::array<std::string_view, 8> kWrappers{"sudo", "watch", "timeout", "nice",
                                                                       "env",  "time",  "xargs",   "nohup"};
            const bool wrapper = std::find(kWrappers.begin(), kWrappers.end(), word) != kWrappers.end();
            if (!wrapper) {
                segment_start = false;
                program = std::string(word);
                subcommand.clear();
            }
            previous_word = std::string(word);
            continue;
        }
        word = trim_word(word);
        LiteralKind kind;
        if (!after_dollar && classify(word, &kind)) {
            bool keep = true;
            if (command && kind == LiteralKind::Number && nvsmi && program == "nvidia-smi") {
                // An option of the subcommand when there is one: dmon's -c is a count, the top level's
                // -c a compute mode.
                const NvsmiSubcommand* sub = subcommand.empty() ? nullptr : nvsmi->find_subcommand(subcommand);
                const NvsmiOption* opt = sub ? sub->find_option(previous_word) : nullptr;
                if (!opt) opt = nvsmi->find_option(previous_word);
                if (opt && opt->arg != NvsmiArg::Int && opt->arg != NvsmiArg::IdList && opt->arg != NvsmiArg::IntList &&
                    opt->arg != NvsmiArg::Number && opt->arg != NvsmiArg::Optional)
                    keep = false;  // an enum value such as -pm 0
            }
            size_t at = start;
            if (kind == LiteralKind::Number && word.front() == '+') {
                word.remove_prefix(1);  // the sign stays in the command: "+3" covers the request's 3
                ++at;
            }
            if (keep) out.push_back({kind, std::string(word), at, word.size()});
        } else if (!command) {
            const std::string l = lower(word);
            // "the one at ...", "quick one:", "which one" use "one" as a pronoun, not a count.
            static constexpr std::array<std::string_view, 16> kPronounBefore{
                "the",   "which", "this",    "that", "each",  "every", "any",   "no",
                "quick", "a",     "another", "last", "first", "new",   "other", "only"};
            const bool pronoun = l == "one" && std::find(kPronounBefore.begin(), kPronounBefore.end(),
                                                         lower(previous_word)) != kPronounBefore.end();
            for (const auto& [name, digits] : kNumberWords)
                if (l == name && !pronoun)
                    out.push_back({LiteralKind::Number, std::string(digits), start, word.size()});
        }
        if (command && nvsmi && program == "nvidia-smi" && subcommand.empty() && nvsmi->find_subcommand(word))
            subcommand = std::string(word);
        // An option with its value attached (--replicas=7) is scanned as two words ('=' splits).
        previous_word = std::string(word);
    }
    return out;
}

bool same_literal(const Literal& a, const Literal& b) {
    if (a.kind != b.kind) return false;
    if (a.kind == LiteralKind::Path) {
        // "train.log" in the request is named by "/srv/train.log" or "./train.log" in the command.
        const std::string la = lower(a.text), lb = lower(b.text);
        auto tail = [](const std::string& s) { return s.starts_with("./") ? s.substr(2) : s; };
        const std::string ta = tail(la), tb = tail(lb);
        return ta == tb || (tb.size() > ta.size() && tb.ends_with("/" + ta)) ||
               (ta.size() > tb.size() && ta.ends_with("/" + tb));
    }
    if (a.kind == LiteralKind::Number) return a.text == b.text;
    return lower(a.text) == lower(b.text);
}

bool contains(const std::vector<Literal>& list, const Literal& l) {
    return std::any_of(list.begin(), list.end(), [&](const Literal& x) { return same_literal(x, l); });
}

}  // namespace

std::vector<Literal> request_literals(std::string_view request) { return scan(request, false); }

std::vector<Literal> command_literals(std::string_view command) { return scan(command, true); }

LiteralCoverage literal_coverage(std::string_view request, std::string_view command) {
    const auto req = request_literals(request);
    const auto cmd = command_literals(command);
    LiteralCoverage c;
    c.request_total = static_cast<int>(req.size());
    for (const Literal& l : req)
        if (contains(cmd, l)) ++c.covered;
    for (const Literal& l : cmd)
        if (l.kind != LiteralKind::Quoted && !contains(req, l)) ++c.ungrounded;
    return c;
}

std::string copy_request_literals(std::string_view request, std::string_view command) {
    const auto req = request_literals(request);
    const auto cmd = command_literals(command);
    struct Edit {
        size_t start, length;
        std::string text;
    };
    std::vector<Edit> edits;
    for (LiteralKind kind : {LiteralKind::Number, LiteralKind::Name, LiteralKind::Path, LiteralKind::Quoted}) {
        std::vector<const Literal*> missing;  // request values the command lacks, in request order
        for (const Literal& l : req)
            if (l.kind == kind && !contains(cmd, l) &&
                std::none_of(missing.begin(), missing.end(), [&](const Literal* m) { return same_literal(*m, l); }))
                missing.push_back(&l);
        if (missing.empty()) continue;
        size_t next = 0;
        for (const Literal& l : cmd) {
            if (next >= missing.size()) break;
            if (l.kind != kind || contains(req, l)) continue;
            // A quoted pattern is replaced only by a quoted request value; a number only where the
            // command's number is not glued into a larger word.
            edits.push_back({l.start, l.length, missing[next]->text});
            ++next;
        }
    }
    if (edits.empty()) return std::string(command);
    std::sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) { return a.start > b.start; });
    std::string out(command);
    for (const Edit& e : edits) out.replace(e.start, e.length, e.text);
    return out;
}

bool number_names_gpu(std::string_view request, size_t start) {
    size_t i = std::min(start, request.size());
    auto lower_word_before = [&](size_t end, size_t* begin) {
        size_t b = end;
        while (b > 0 && (std::isalnum(static_cast<unsigned char>(request[b - 1])) || request[b - 1] == '-')) --b;
        *begin = b;
        std::string w(request.substr(b, end - b));
        for (char& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return w;
    };
    for (int steps = 0; steps < 12 && i > 0; ++steps) {
        while (i > 0 &&
               (request[i - 1] == ' ' || request[i - 1] == ',' || request[i - 1] == '#' || request[i - 1] == '&'))
            --i;
        size_t b = 0;
        const std::string w = lower_word_before(i, &b);
        if (w.empty()) return false;
        std::string sorted_w = w;
        std::sort(sorted_w.begin(), sorted_w.end());
        for (std::string g :
             {"gpu", "gpus", "device", "devices", "card", "cards", "index", "indices", "indexes", "id", "ids"}) {
            if (w == g) return true;
            // Swapped letters in a longer word ("deivces"): a request's typo still names the GPUs.
            std::sort(g.begin(), g.end());
            if (w.size() >= 5 && sorted_w == g) return true;
        }
        const bool number =
            std::all_of(w.begin(), w.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
        if (!number && w != "and" && w != "or") return false;
        i = b;
    }
    return false;
}

namespace {

bool digits_only(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

std::vector<std::string> split_list(std::string_view v) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i <= v.size()) {
        size_t j = v.find(',', i);
        if (j == std::string_view::npos) j = v.size();
        out.emplace_back(v.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

}  // namespace

int misplaced_gpu_numbers(std::string_view request, std::string_view command) {
    std::map<std::string, int> roles;  // number -> bit 1: given as a GPU, bit 2: given for something else
    for (const Literal& l : request_literals(request))
        if (l.kind == LiteralKind::Number) roles[l.text] |= number_names_gpu(request, l.start) ? 1 : 2;
    if (roles.empty()) return 0;
    std::vector<std::string_view> words;
    size_t i = 0;
    while (i < command.size()) {
        while (i < command.size() && command[i] == ' ') ++i;
        size_t j = i;
        while (j < command.size() && command[j] != ' ') ++j;
        if (j > i) words.push_back(command.substr(i, j - i));
        i = j;
    }
    auto misplaced = [&](std::string_view values, bool as_id) {
        int n = 0;
        for (const std::string& v : split_list(values)) {
            auto it = roles.find(v);
            if (it == roles.end() || !digits_only(v)) continue;
            if (as_id && it->second == 2) ++n;
            if (!as_id && it->second == 1) ++n;
        }
        return n;
    };
    int count = 0;
    bool nvsmi = false;
    for (size_t w = 0; w < words.size(); ++w) {
        const std::string_view word = words[w];
        if (word == "|" || word == ";" || word == "&&" || word == "||") nvsmi = false;
        if (word == "nvidia-smi" || word.ends_with("/nvidia-smi")) {
            nvsmi = true;
            continue;
        }
        if (!nvsmi || !word.starts_with("-")) continue;
        const size_t eq = word.find('=');
        const std::string_view name = word.substr(0, eq);
        const bool id = name == "-i" || name == "--id";
        if (eq != std::string_view::npos) count += misplaced(word.substr(eq + 1), id);
        else if (w + 1 < words.size() && !words[w + 1].starts_with("-")) count += misplaced(words[w + 1], id);
    }
    return count;
}

}  // namespace sigma::domain
