// Explanation examples: "what does `nvidia-smi -q -d ECC` do?" -> the command and a short
// explanation, in the command job's own answer format, from the nvidia-smi catalogue (option and
// subcommand summaries, -d sections, query fields) and from already generated command examples.
// Not a new answer format: the product's command prompt and format_command_answer are reused, so
// an explanation request through the command job gets the same shape.
#pragma once

#include <cstdint>

#include "tools/datagen/corpus_writer.h"

namespace sigma::datagen {

struct ExplainGenOptions {
    uint64_t seed = 1;
    double from_commands = 0.3;  // share of the corpus's command examples that get an explanation twin
    size_t per_entry = 2;        // phrasings drawn per catalogue entry
};

void generate_explanations(const ExplainGenOptions& options, CorpusWriter& out, GenCounts& counts);

}  // namespace sigma::datagen
