// swiglu: out = silu(gate) * up, elementwise; silu(x) = x / (1 + e^-x).
// Not the projections around it: the forward pass calls matmul for W_gate, W_up and W_down.
#pragma once

#include <cstdint>

namespace sigma {

// out[n] = silu(gate[n]) * up[n]. out may equal gate or up.
void swiglu(float* out, const float* gate, const float* up, int64_t n);

}  // namespace sigma
