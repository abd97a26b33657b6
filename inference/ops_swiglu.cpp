// swiglu, elementwise in float.
// Not an approximation: exp is the library's, so the reference and this path agree closely.
#include "inference/ops_swiglu.h"

#include <cmath>

namespace sigma {

void swiglu(float* out, const float* gate, const float* up, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
        const float g = gate[i];
        out[i] = g / (1.0f + std::exp(-g)) * up[i];
    }
}

}  // namespace sigma
