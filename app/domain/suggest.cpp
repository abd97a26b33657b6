// Suggest: OSA distance over three rolling rows with an early cut-off, so a long hostile word costs
// little. Not Unicode-aware: bytes are compared after ASCII lower-casing, which suffices for flags.
#include "app/domain/suggest.h"

#include <algorithm>
#include <cctype>

namespace sigma::domain {

const char* severity_text(CheckMessage::Severity s) {
    switch (s) {
        case CheckMessage::Severity::Error: return "error";
        case CheckMessage::Severity::Warning: return "warning";
        case CheckMessage::Severity::Info: return "info";
    }
    return "error";
}

namespace {
char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }
}  // namespace

size_t edit_distance(std::string_view a, std::string_view b, size_t cap) {
    const size_t n = a.size(), m = b.size();
    if ((n > m ? n - m : m - n) > cap) return cap + 1;
    std::vector<size_t> prev2(m + 1), prev(m + 1), cur(m + 1);
    for (size_t j = 0; j <= m; ++j) prev[j] = j;
    for (size_t i = 1; i <= n; ++i) {
        cur[0] = i;
        size_t row_min = cur[0];
        for (size_t j = 1; j <= m; ++j) {
            const size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            size_t v = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
                v = std::min(v, prev2[j - 2] + 1);
            cur[j] = v;
            row_min = std::min(row_min, v);
        }
        if (row_min > cap) return cap + 1;
        std::swap(prev2, prev);
        std::swap(prev, cur);
    }
    return prev[m];
}

std::vector<std::string> suggest(std::string_view word, const std::vector<std::string>& candidates,
                                 size_t max_results) {
    std::vector<std::pair<size_t, size_t>> scored;  // (distance, index)
    if (word.empty() || word.size() > 256) return {};
    const size_t limit = std::min<size_t>(3, std::max<size_t>(1, word.size() / 3));
    for (size_t i = 0; i < candidates.size(); ++i) {
        const std::string& c = candidates[i];
        size_t d = edit_distance(word, c, limit);
        // A misspelt abbreviation (--humna for --human-readable): compare with the candidate's head.
        if (d > limit && word.size() >= 4 && c.size() > word.size()) {
            const size_t head = edit_distance(word, std::string_view(c).substr(0, word.size()), limit);
            if (head <= limit) d = std::min(limit, head + 1);
        }
        if (d <= limit && c != word) scored.emplace_back(d, i);
    }
    std::stable_sort(scored.begin(), scored.end(), [](auto& x, auto& y) { return x.first < y.first; });
    std::vector<std::string> out;
    for (auto& [d, i] : scored) {
        if (out.size() >= max_results) break;
        if (std::find(out.begin(), out.end(), candidates[i]) == out.end()) out.push_back(candidates[i]);
    }
    return out;
}

}  // namespace sigma::domain
