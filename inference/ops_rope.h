// RoPE: rotates pairs of a head's values by position-dependent angles, in place.
// Not partial rotary: every dimension of the head is rotated (the paper rotates the full head dim).
#pragma once

#include <cstdint>

#include "inference/core/model_config.h"

namespace sigma {

// x: [n_heads][head_dim] of one token at position `pos`. Pair j (j < head_dim/2) turns by
// pos * theta^(-2j/head_dim). Normal pairs (2j, 2j+1); NeoX pairs (j, j + head_dim/2).
void rope(float* x, int n_heads, int head_dim, int pos, float theta, RopeStyle style);

}  // namespace sigma
