// Cause-before-consequence ranking of diagnosis findings: yields_to relations and cascade groups
// (chains of GPU failures), ordered by which failure the log shows first. Not a scorer: it only moves consequences down.
#pragma once

#include <cstddef>
#include <vector>

#include "app/domain/diag_engine.h"
#include "app/domain/diag_signatures.h"

namespace sigma::domain {

struct CascadeFact {
    double max_weight = 0;         // strongest pattern of the finding
    size_t first_strong_line = 0;  // first line matched with weight >= strong (0 = none)
};

// Adjusts findings[i].score (facts[i] describes findings[i]) so that each consequence ranks below its
// cause: a finding whose yields_to names a strong finding loses `penalty`, and ranks below that cause
// when the cause shows first; inside a cascade group the first strong finding ranks above the others.
// Does not sort.
void rank_causes_first(std::vector<Finding>& findings, const std::vector<CascadeFact>& facts, const SignaturePack& pack,
                       double strong, double penalty);

}  // namespace sigma::domain
