// The whole corpus in one call: every generator in a fixed order into one CorpusWriter, with the
// eval suites' prompts excluded. Not the file output: main.cpp writes what this returns.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "app/domain/example_corpus.h"
#include "tools/datagen/corpus_writer.h"

namespace sigma::datagen {

struct DatagenOptions {
    uint64_t seed = 20261126;
    double scale = 1.0;           // multiplies the draws per template
    double heldout_share = 0.05;  // of template families
    std::string eval_dir;         // *.jsonl eval suites whose prompts must not appear; empty: none
    bool commands = true, kql = true, diagnosis = true, explain = true;
};

struct DatagenResult {
    std::unique_ptr<CorpusWriter> writer;
    std::map<std::string, GenCounts> counts;  // per generator
};

bool generate_all(const domain::ExampleCorpus& corpus, const DatagenOptions& options, DatagenResult* result,
                  std::string* error);

}  // namespace sigma::datagen
