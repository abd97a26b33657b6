// Catalogue proposals: read-only nvidia-smi queries composed from the catalogue for a request that
// asks about GPU properties ("power draw vs power cap on gpus 0,1 every 5 s" ->
// nvidia-smi -i 0,1 --query-gpu=power.draw,power.limit --format=csv -l 5), or about the processes on
// them (--query-compute-apps=pid,process_name,used_memory unless it names other fields). The request's words are
// matched against the --query-gpu field names (ops shorthand such as temp, util, vram and cap read as
// the catalogue's words), GPU ids, loops and csv options come from the request. propose_commands also
// gathers the view proposals (nvsmi_view_proposals.h: -q sections, dmon/pmon, topo...) and, for a
// request that asks to change a GPU setting, the setting proposals (nvsmi_setting_proposals.h), and the
// shell idioms the request names (shell_idiom_proposals.h: sed -n, tail -n, grep -c, tar -t...).
// Not an answer: proposals join the model's candidates and the reranker chooses; nothing here runs a
// model, and only a request read as a change gets a proposal that changes the system.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "app/domain/nvsmi_catalog.h"

namespace sigma::domain {

struct FieldMatch {
    std::string field;  // the spelling chosen: the canonical name or a shorter alias (clocks.sm)
    double score = 0.0;
};

// The fields of one --query-* family (default --query-gpu) the request names, in the order they were
// chosen (at most six). Empty when no field name matches a word of the request well enough.
std::vector<FieldMatch> match_query_fields(std::string_view request, const NvsmiCatalog& catalog,
                                           std::string_view option = "--query-gpu");

// The proposals for a request: the --query-* line (none when the request asks to change something,
// asks for output a query cannot give, or names no field), the views and settings it names, and
// its shell idioms.
std::vector<std::string> propose_commands(std::string_view request, const NvsmiCatalog& catalog);

}  // namespace sigma::domain
