// Cascade ranking for the diagnosis engine: a few passes over at most max_findings findings. Not a
// causal model: the pack names which categories follow which; the log's order picks the first cause.
#include "app/domain/diag_cascade.h"

#include <algorithm>
#include <cmath>

namespace sigma::domain {

namespace {
double round2(double v) { return std::round(v * 100.0) / 100.0; }
}  // namespace

void rank_causes_first(std::vector<Finding>& findings, const std::vector<CascadeFact>& facts, const SignaturePack& pack,
                       double strong, double penalty) {
    const size_t n = findings.size();
    std::vector<bool> penalised(n, false);
    // below[i] = j: finding i must rank below finding j.
    std::vector<std::vector<size_t>> below(n);
    auto is_strong = [&](size_t i) { return facts[i].max_weight >= strong && facts[i].first_strong_line > 0; };
    auto first = [&](size_t a, size_t b) {  // a shows no later than b
        return facts[a].first_strong_line <= facts[b].first_strong_line;
    };

    for (size_t i = 0; i < n; ++i) {
        const SignatureCategory* sc = pack.find(findings[i].category);
        if (!sc) continue;
        for (size_t j = 0; j < n; ++j) {
            if (j == i || !is_strong(j)) continue;
            if (std::find(sc->yields_to.begin(), sc->yields_to.end(), findings[j].category) == sc->yields_to.end())
                continue;
            penalised[i] = true;
            if (!is_strong(i) || first(j, i)) below[i].push_back(j);
        }
    }
    // Cascade groups: the first strong member is the cause of the members that follow it.
    for (size_t i = 0; i < n; ++i) {
        const SignatureCategory* si = pack.find(findings[i].category);
        if (!si || si->cascade.empty() || !is_strong(i)) continue;
        for (size_t j = 0; j < n; ++j) {
            if (j == i || !is_strong(j)) continue;
            const SignatureCategory* sj = pack.find(findings[j].category);
            if (!sj || sj->cascade != si->cascade) continue;
            const bool j_first = facts[j].first_strong_line < facts[i].first_strong_line ||
                                 (facts[j].first_strong_line == facts[i].first_strong_line && j < i);
            if (!j_first) continue;
            penalised[i] = true;
            below[i].push_back(j);
        }
    }
    for (size_t i = 0; i < n; ++i)
        if (penalised[i]) findings[i].score = round2(findings[i].score - penalty);
    // Place every consequence below its causes; the relation is acyclic for cascades (strict order) and
    // settles in a few passes otherwise.
    for (size_t pass = 0; pass < n + 1; ++pass) {
        bool changed = false;
        for (size_t i = 0; i < n; ++i)
            for (size_t j : below[i]) {
                if (below[j].end() != std::find(below[j].begin(), below[j].end(), i))
                    continue;  // mutual: leave to scores
                if (findings[i].score >= findings[j].score) {
                    findings[i].score = round2(findings[j].score - 0.01);
                    changed = true;
                }
            }
        if (!changed) break;
    }
}

}  // namespace sigma::domain
