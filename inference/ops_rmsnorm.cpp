// rmsnorm over one row; the sum of squares is kept in double so long rows do not lose precision.
// Not vectorised by hand: it is a tiny share of the work next to the matmuls.
#include "inference/ops_rmsnorm.h"

#include <cmath>

namespace sigma {

void rmsnorm(float* out, const float* x, const float* w, int64_t n, float eps) {
    double sum_sq = 0.0;
    for (int64_t i = 0; i < n; ++i) sum_sq += static_cast<double>(x[i]) * x[i];
    const float scale = static_cast<float>(1.0 / std::sqrt(sum_sq / static_cast<double>(n) + eps));
    for (int64_t i = 0; i < n; ++i) out[i] = x[i] * scale * w[i];
}

}  // namespace sigma
