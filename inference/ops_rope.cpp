// RoPE for one token. Angles are formed in double (pos * freq loses digits in float at long
// positions), then each pair is rotated in float.
// Not cached: the sin/cos per pair cost is small next to the projections of the same token.
#include "inference/ops_rope.h"

#include <cmath>

namespace sigma {

void rope(float* x, int n_heads, int head_dim, int pos, float theta, RopeStyle style) {
    const int half = head_dim / 2;
    for (int j = 0; j < half; ++j) {
        // freq_j = theta^(-2j/d); angle = pos * freq_j
        const double freq = std::pow(static_cast<double>(theta), -2.0 * j / head_dim);
        const double angle = static_cast<double>(pos) * freq;
        const float c = static_cast<float>(std::cos(angle));
        const float s = static_cast<float>(std::sin(angle));
        const int i0 = style == RopeStyle::Normal ? 2 * j : j;
        const int i1 = style == RopeStyle::Normal ? 2 * j + 1 : j + half;
        for (int h = 0; h < n_heads; ++h) {
            float* head = x + static_cast<int64_t>(h) * head_dim;
            const float a = head[i0];
            const float b = head[i1];
            // [a', b'] = [a cos - b sin, a sin + b cos]
            head[i0] = a * c - b * s;
            head[i1] = a * s + b * c;
        }
    }
}

}  // namespace sigma
