// Surface styles of typed requests; see request_style.h for what is changed and what never is.
#include "tools/datagen/request_style.h"

#include <array>
#include <cctype>
#include <vector>

namespace sigma::datagen {

namespace {

std::vector<std::string> split_spaces(std::string_view s) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && s[i] == ' ') ++i;
        size_t j = i;
        while (j < s.size() && s[j] != ' ') ++j;
        if (j > i) out.emplace_back(s.substr(i, j - i));
        i = j;
    }
    return out;
}

std::string join_spaces(const std::vector<std::string>& words) {
    std::string out;
    for (const std::string& w : words) {
        if (w.empty()) continue;
        if (!out.empty()) out += ' ';
        out += w;
    }
    return out;
}

bool all_digits(std::string_view s) {
    if (s.empty() || s.size() > 3) return false;
    for (char c : s)
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Standalone numbers ("last 10 lines", "GPU 3") become words; a number inside a list, range, path,
// option or size ("3,4", "160-246", "+7", "10G") is a literal the command copies and stays.
std::string numbers_to_words(const std::vector<std::string>& in, Rng& rng, double p) {
    std::vector<std::string> words = in;
    for (size_t i = 0; i < words.size(); ++i) {
        std::string w = words[i];
        std::string tail;
        while (!w.empty() && (w.back() == '?' || w.back() == '.' || w.back() == '!')) {
            tail.insert(tail.begin(), w.back());
            w.pop_back();
        }
        if (!all_digits(w)) continue;
        if (i > 0 && (words[i - 1].ends_with(",") || words[i - 1] == "and")) continue;  // part of a list
        if (i + 1 < words.size() && (words[i + 1] == "and" || words[i + 1].starts_with(","))) continue;
        const std::string_view word = number_word(std::stoi(w));
        if (word.empty() || !rng.chance(p)) continue;
        words[i] = std::string(word) + tail;
    }
    return join_spaces(words);
}

bool is_number_word(std::string_view w) {
    for (int n = 0; n <= 100; ++n)
        if (!number_word(n).empty() && number_word(n) == w) return true;
    return w == "thousand" || w == "dozen" || w == "single";
}

std::string add_one_typo(std::string s, Rng& rng) {
    std::vector<std::pair<size_t, size_t>> spans;  // letters-only words longer than 4
    size_t i = 0;
    while (i < s.size()) {
        size_t j = i;
        while (j < s.size() && std::isalpha(static_cast<unsigned char>(s[j]))) ++j;
        const bool whole = (i == 0 || s[i - 1] == ' ') && (j == s.size() || s[j] == ' ' || s[j] == '?' || s[j] == ',');
        // A number word is a literal the command copies as digits: a typo there would change it.
        if (j - i > 4 && whole && !is_number_word(lower(s.substr(i, j - i)))) spans.emplace_back(i, j);
        i = j == i ? i + 1 : j;
    }
    if (spans.empty()) return s;
    const auto [b, e] = rng.pick(spans);
    const size_t p = b + 1 + rng.below(e - b - 2);  // inside the word, never its first letter
    switch (rng.below(3)) {
        case 0: std::swap(s[p], s[p + 1]); break;
        case 1: s.erase(p, 1); break;
        default: s.insert(p, 1, s[p]); break;
    }
    return s;
}

}  // namespace

std::string_view number_word(int n) {
    static constexpr std::array<std::string_view, 13> small{"zero",  "one",   "two",  "three", "four",   "five",  "six",
                                                            "seven", "eight", "nine", "ten",   "eleven", "twelve"};
    if (n >= 0 && n <= 12) return small[static_cast<size_t>(n)];
    switch (n) {
        case 15: return "fifteen";
        case 20: return "twenty";
        case 30: return "thirty";
        case 40: return "forty";
        case 50: return "fifty";
        case 60: return "sixty";
        case 100: return "hundred";
        default: return {};
    }
}

std::string humanise_request(std::string_view request, Rng& rng, const RequestStyle& style) {
    std::vector<std::string> words = split_spaces(request);
    if (words.empty()) return std::string(request);
    std::string out = numbers_to_words(words, rng, style.number_words);
    words = split_spaces(out);
    if (rng.chance(style.fragment) && words.size() > 2) {
        static const std::array<std::string_view, 6> verbs{"show", "list", "display", "print", "get", "check"};
        const std::string first = lower(words[0]);
        for (std::string_view v : verbs) {
            if (first != v) continue;
            words.erase(words.begin());
            if (words.size() > 2 && lower(words[0]) == "me") words.erase(words.begin());
            break;
        }
    }
    if (rng.chance(style.drop_articles))
        for (std::string& w : words)
            if (w == "the" || w == "The") w.clear();
    if (rng.chance(style.lower_gpu))
        for (std::string& w : words)
            if (w.starts_with("GPU")) w = "gpu" + w.substr(3);
    out = join_spaces(words);
    if (rng.chance(style.typo)) out = add_one_typo(out, rng);
    if (rng.chance(style.context)) {
        static const std::vector<std::string> before = {"on the box with the new A100s, ",
                                                        "before I drain this node, ",
                                                        "training job is slow - ",
                                                        "for the incident ticket: ",
                                                        "on the H100 node, ",
                                                        "logged into the login node, ",
                                                        "quick sanity check: ",
                                                        "oncall here, ",
                                                        "after the driver update, ",
                                                        "jobs keep failing - ",
                                                        "on this dgx, ",
                                                        "for the capacity review, "};
        static const std::vector<std::string> after = {" - need it for a postmortem",
                                                       " (ubuntu 22.04)",
                                                       " asap",
                                                       " before the maintenance window",
                                                       " on the dgx",
                                                       " pls",
                                                       " for the handover",
                                                       " right now",
                                                       " on this worker",
                                                       " - the users are complaining",
                                                       " real quick",
                                                       " from a root shell"};
        if (rng.chance(0.5)) out = rng.pick(before) + out;
        else out += rng.pick(after);
    }
    return out;
}

}  // namespace sigma::datagen
