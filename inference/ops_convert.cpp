// The fp16 lookup table and row widening helpers.
// Not SIMD: F16C/AVX-512 conversions belong to the per-ISA kernels.
#include "inference/ops_convert.h"

#include <cstring>
#include <vector>

#include "inference/tensor_types.h"

namespace sigma {

const float* fp16_table() {
    static const std::vector<float> table = [] {
        std::vector<float> t(65536);
        for (uint32_t h = 0; h < 65536; ++h) t[h] = fp16_to_fp32(static_cast<uint16_t>(h));
        return t;
    }();
    return table.data();
}

void widen_f16_row(float* dst, const uint16_t* src, int64_t n, const float* table) {
    for (int64_t i = 0; i < n; ++i) dst[i] = table[src[i]];
}

void widen_bf16_row(float* dst, const uint16_t* src, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
        const uint32_t bits = static_cast<uint32_t>(src[i]) << 16;
        std::memcpy(dst + i, &bits, 4);
    }
}

}  // namespace sigma
