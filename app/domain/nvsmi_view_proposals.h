// nvidia-smi view proposals: read-only commands for requests a --query-* line cannot answer, composed
// from the catalogue: the -q report and its -d sections ("ecc bit of the -q report, gpu 5"), dmon and
// pmon with their metric letters, interval and sample count ("pcie rx/tx via dmon, thirty samples"),
// topo views (matrix, p2p capability, NVMe, NUMA), MIG and NVLink listings, encoder sessions and the
// GPU list. Values (ids, intervals, counts, link numbers) come only from the request's literals.
// Not an answer: like command_proposals.h, these join the model's candidates and the reranker chooses.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "app/domain/nvsmi_catalog.h"

namespace sigma::domain {

// Read-only view commands for a request read as looking (or with no cue); none for a request that
// asks to change something or that names no GPU view.
std::vector<std::string> propose_nvsmi_views(std::string_view request, const NvsmiCatalog& catalog);

// Does the request speak of GPUs at all (gpu, cards, nvidia-smi, nvlink, mig, a GPU id...)?
bool speaks_of_gpus(std::string_view request);

}  // namespace sigma::domain
