// Question -> KQL training examples over the built-in Azure Monitor schema: filters, time windows,
// aggregations, bins, top N, distinct, joins, extend/iff/case, parse_json and a share of repair
// dialogues that quote the validator's real messages. Not a KQL checker: validate_kql() judges
// every query, and a query that fails (or uses a table the prompt's schema slice lacks) is dropped.
#pragma once

#include <cstdint>

#include "app/domain/example_corpus.h"
#include "tools/datagen/corpus_writer.h"

namespace sigma::datagen {

struct KqlGenOptions {
    uint64_t seed = 1;
    size_t per_phrasing = 6;     // draws per (pattern, phrasing)
    double repair_share = 0.04;  // of kept examples that also get a repair dialogue
    double typo_rate = 0.02;
};

void generate_kql(const domain::ExampleCorpus& corpus, const KqlGenOptions& options, CorpusWriter& out,
                  GenCounts& counts);

}  // namespace sigma::datagen
