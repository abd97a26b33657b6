// The attend step of a forward call spread over the thread pool: which thread computes which query
// heads of which token, in what order, and with which slice of the per-thread scratch.
// Not the attention math (ops_attention.h, ops_attention_group.h) nor the block around it
// (attention_block.h).
#pragma once

#include "inference/forward.h"

namespace sigma {

// buffers.attn[t] ([n_q*d_v]) = dense causal attention of every query head of token t < n, which
// sees positions 0..pos0+t, from buffers.q over the cached heads buffers.k_view / v_view.
void attend_causal(ForwardState& state, int n, int pos0);

// The same for one token at position pos (decode) with selective V: each query head reads only the
// V rows of its options.selective_v_top_k best-scoring positions.
void attend_selective(ForwardState& state, int pos);

}  // namespace sigma
