// rmsnorm: out = x / sqrt(mean(x^2) + eps) * w, over one row of n values.
// Not a layer norm: no mean subtraction and no bias, as in llama, qwen2 and sigma.
#pragma once

#include <cstdint>

namespace sigma {

// out[n] = x[n] / sqrt(mean(x^2) + eps) * w[n]. out may equal x.
void rmsnorm(float* out, const float* x, const float* w, int64_t n, float eps);

}  // namespace sigma
