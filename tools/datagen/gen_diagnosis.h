// Log -> diagnosis training examples: synthesised logs (kernel, journald, kubectl, PyTorch, NCCL,
// nginx/envoy, sshd, systemd) for every category id, with noise, several problems in one log and
// logs with no known problem. Each log goes through the real DiagEngine and is kept only when the
// engine gives the intended category; the prompt is built exactly as the diagnose pipeline builds it.
// Not the engine's tests: it only uses the engine as the judge of its own data.
#pragma once

#include <cstdint>

#include "tools/datagen/corpus_writer.h"

namespace sigma::datagen {

struct DiagGenOptions {
    uint64_t seed = 1;
    size_t per_template = 30;  // logs per (category, main template)
    size_t unknown_logs = 200;
    double second_problem_rate = 0.25;  // add lines of a category that yields to the intended one
};

void generate_diagnosis(const DiagGenOptions& options, CorpusWriter& out, GenCounts& counts);

}  // namespace sigma::datagen
