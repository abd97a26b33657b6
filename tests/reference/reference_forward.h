// The double-precision reference forward pass: plain loops, whole sequence from position 0, every
// weight widened with dequantize_row. The oracle the CPU path is compared against.
// Not fast and not shared with the engine: it must stay obviously right.
#pragma once

#include <cstdint>
#include <vector>

#include "inference/core/model_config.h"
#include "inference/model.h"

namespace sigma::ref {

struct ReferenceOptions {
    // > 0: selective V at every position (as decoding one token at a time with it on): each query
    // head keeps its selective_top_k best-scoring positions (ties: earlier) and renormalises over them.
    int selective_top_k = 0;
};

// Logits [tokens.size()][n_vocab] for tokens at positions 0, 1, ...
std::vector<double> reference_logits(const ModelConfig& config, const ModelWeights& weights,
                                     const std::vector<int32_t>& tokens, const ReferenceOptions& options = {});

// max |a - b| / max |b| over two equally long arrays (b is the reference).
double normalized_max_error(const float* a, const double* b, size_t n);

}  // namespace sigma::ref
