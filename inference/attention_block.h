// The attention block of one layer, step by step as SIGMA.md writes it: project q (then AugQ), k and
// v; RoPE on q and k; cache K at n_k heads and V at n_v heads; attend; project back with W_O.
// Not the thread schedule of the attend step (attention_schedule.h) nor the rest of the layer
// (forward.cpp: norms, residual adds, the feed-forward block).
#pragma once

#include "inference/core/expected.h"
#include "inference/forward.h"

namespace sigma {

// For the n tokens of a call at positions pos0..pos0+n-1, with h = buffers.xn ([n][H], already
// normalised): buffers.delta = W_O · attention(h) ([n][H]); the tokens' K and V go into layer
// `layer` of the cache.
Status attention_block(ForwardState& state, int layer, int n, int pos0);

}  // namespace sigma
