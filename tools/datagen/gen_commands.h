// Request -> command training examples: intent templates (nvidia-smi and shell tools) with several
// phrasings and random slot values, each command checked by the product's validator and risk
// classifier before it is kept. Not the intent data itself: cmd_intents*.cpp hold the tables.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/domain/example_corpus.h"
#include "tools/datagen/corpus_writer.h"

namespace sigma::datagen {

// One request -> command template. Phrasings and the command use {slot} names filled per example
// (see gen_commands.cpp: make_slots). `risk` is the class the validator must agree with.
struct CmdIntent {
    std::string id;
    std::string kind;  // "nvidia-smi" | "shell"
    std::string risk;  // "read-only" | "changes-state" | "destructive"
    std::vector<std::string> phrasings;
    std::string command;
    std::string explanation;
};

const std::vector<CmdIntent>& nvsmi_intents();
const std::vector<CmdIntent>& shell_intents();

struct CmdGenOptions {
    uint64_t seed = 1;
    size_t per_phrasing = 8;    // slot draws per (intent, phrasing)
    double typo_rate = 0.12;    // requests with one typo (request_style.h)
    double slice_share = 0.85;  // prompts that carry the catalogue slice, as the pipeline's do
};

// Generates into `out`; counts what was kept and why anything was dropped.
void generate_commands(const domain::ExampleCorpus& corpus, const CmdGenOptions& options, CorpusWriter& out,
                       GenCounts& counts);

}  // namespace sigma::datagen
