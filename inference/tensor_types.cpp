// Reference conversions for the tensor types. Written for clarity; the fast kernels live elsewhere.
#include "inference/tensor_types.h"

#include <cmath>
#include <cstring>

#include "inference/quant_k.h"

namespace sigma {

std::optional<TypeTraits> type_traits(TensorType type) {
    switch (type) {
        case TensorType::F32: return TypeTraits{"f32", 1, 4};
        case TensorType::F16: return TypeTraits{"f16", 1, 2};
        case TensorType::BF16: return TypeTraits{"bf16", 1, 2};
        case TensorType::Q4_0: return TypeTraits{"q4_0", 32, 18};
        case TensorType::Q4_1: return TypeTraits{"q4_1", 32, 20};
        case TensorType::Q5_0: return TypeTraits{"q5_0", 32, 22};
        case TensorType::Q5_1: return TypeTraits{"q5_1", 32, 24};
        case TensorType::Q8_0: return TypeTraits{"q8_0", 32, 34};
        case TensorType::Q8_1: return TypeTraits{"q8_1", 32, 36};
        case TensorType::Q2_K: return TypeTraits{"q2_K", 256, 84};
        case TensorType::Q3_K: return TypeTraits{"q3_K", 256, 110};
        case TensorType::Q4_K: return TypeTraits{"q4_K", 256, 144};
        case TensorType::Q5_K: return TypeTraits{"q5_K", 256, 176};
        case TensorType::Q6_K: return TypeTraits{"q6_K", 256, 210};
        case TensorType::Q8_K: return TypeTraits{"q8_K", 256, 292};
    }
    return std::nullopt;
}

const char* type_name(TensorType type) {
    auto t = type_traits(type);
    return t ? t->name : "unknown";
}

size_t row_bytes(TensorType type, int64_t n) {
    auto t = type_traits(type);
    if (!t || n < 0) return 0;
    return static_cast<size_t>(n / t->block_size) * t->block_bytes;
}

bool type_is_supported_for_compute(TensorType type) {
    switch (type) {
        case TensorType::F32:
        case TensorType::F16:
        case TensorType::BF16:
        case TensorType::Q8_0:
        case TensorType::Q4_0:
        case TensorType::Q4_K:
        case TensorType::Q5_K:
        case TensorType::Q6_K: return true;
        default: return false;
    }
}

float fp16_to_fp32(uint16_t h) {
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    const uint32_t exp = (h >> 10) & 0x1fu;
    const uint32_t mant = h & 0x3ffu;
    uint32_t bits;
    if (exp == 0) {
        if (mant == 0) {
            bits = sign;
        } else {  // subnormal: value = mant * 2^-24
            float f = std::ldexp(static_cast<float>(mant), -24);
            return sign ? -f : f;
        }
    } else if (exp == 0x1f) {
        bits = sign | 0x7f800000u | (mant << 13);
    } else {
        bits = sign | ((exp + 112u) << 23) | (mant << 13);
    }
    float out;
    std::memcpy(&out, &bits, 4);
    return out;
}

uint16_t fp32_to_fp16(float f) {
    uint32_t x;
    std::memcpy(&x, &f, 4);
    const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
    const uint32_t abs = x & 0x7fffffffu;
    if (abs >= 0x7f800000u) {  // inf or nan
        return static_cast<uint16_t>(sign | 0x7c00u | (abs > 0x7f800000u ? 0x200u : 0u));
    }
    if (abs >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // rounds to >= 65520: inf
    if (abs < 0x38800000u) {  // below the smallest normal half: subnormal or zero
        float a;
        std::memcpy(&a, &abs, 4);
        // Round a * 2^24 to nearest even.
        float scaled = a * 16777216.0f;
        float r = std::nearbyint(scaled);
        return static_cast<uint16_t>(sign | static_cast<uint16_t>(r));
    }
    // Normal: rebias exponent, round mantissa to nearest even.
    uint32_t mant = abs & 0x7fffffu;
    uint32_t exp = (abs >> 23) - 112u;
    uint32_t half = (exp << 10) | (mant >> 13);
    const uint32_t rest = mant & 0x1fffu;
    if (rest > 0x1000u || (rest == 0x1000u && (half & 1u))) ++half;  // may carry into the exponent: fine
    return static_cast<uint16_t>(sign | half);
}

float bf16_to_fp32(uint16_t h) {
    uint32_t bits = static_cast<uint32_t>(h) << 16;
    float out;
    std::memcpy(&out, &bits, 4);
    return out;
}

uint16_t fp32_to_bf16(float f) {
    uint32_t x;
    std::memcpy(&x, &f, 4);
    if ((x & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((x >> 16) | 64u);  // quiet NaN
    return static_cast<uint16_t>((x + (0x7fffu + ((x >> 16) & 1u))) >> 16);
}

namespace {
// A row must be whole blocks: a partial block has no defined layout.
bool whole_blocks(TensorType type, int64_t n) {
    const auto t = type_traits(type);
    return t && n >= 0 && n % t->block_size == 0;
}
}  // namespace

bool dequantize_row(TensorType type, const void* src, float* dst, int64_t n) {
    if (!whole_blocks(type, n)) return false;
    switch (type) {
        case TensorType::F32: std::memcpy(dst, src, static_cast<size_t>(n) * 4); return true;
        case TensorType::F16: {
            const auto* h = static_cast<const uint16_t*>(src);
            for (int64_t i = 0; i < n; ++i) dst[i] = fp16_to_fp32(h[i]);
            return true;
        }
        case TensorType::BF16: {
            const auto* h = static_cast<const uint16_t*>(src);
            for (int64_t i = 0; i < n; ++i) dst[i] = bf16_to_fp32(h[i]);
            return true;
        }
        case TensorType::Q8_0: {
            const auto* b = static_cast<const BlockQ8_0*>(src);
            for (int64_t i = 0; i < n / kQ8_0BlockSize; ++i) {
                const float d = fp16_to_fp32(b[i].d);
                for (int j = 0; j < kQ8_0BlockSize; ++j) dst[i * kQ8_0BlockSize + j] = d * b[i].qs[j];
            }
            return true;
        }
        case TensorType::Q4_0: dequantize_row_q4_0(static_cast<const BlockQ4_0*>(src), dst, n); return true;
        case TensorType::Q4_K: dequantize_row_q4_k(static_cast<const BlockQ4_K*>(src), dst, n); return true;
        case TensorType::Q5_K: dequantize_row_q5_k(static_cast<const BlockQ5_K*>(src), dst, n); return true;
        case TensorType::Q6_K: dequantize_row_q6_k(static_cast<const BlockQ6_K*>(src), dst, n); return true;
        default: return false;
    }
}

bool quantize_row(TensorType type, const float* src, void* dst, int64_t n) {
    if (!whole_blocks(type, n)) return false;
    switch (type) {
        case TensorType::F32: std::memcpy(dst, src, static_cast<size_t>(n) * 4); return true;
        case TensorType::F16: {
            auto* h = static_cast<uint16_t*>(dst);
            for (int64_t i = 0; i < n; ++i) h[i] = fp32_to_fp16(src[i]);
            return true;
        }
        case TensorType::BF16: {
            auto* h = static_cast<uint16_t*>(dst);
            for (int64_t i = 0; i < n; ++i) h[i] = fp32_to_bf16(src[i]);
            return true;
        }
        case TensorType::Q8_0: {
            // As ggml: d = max|x| / 127, q = round(x / d).
            auto* b = static_cast<BlockQ8_0*>(dst);
            for (int64_t i = 0; i < n / kQ8_0BlockSize; ++i) {
                const float* x = src + i * kQ8_0BlockSize;
                float amax = 0.0f;
                for (int j = 0; j < kQ8_0BlockSize; ++j) amax = std::fmax(amax, std::fabs(x[j]));
                const float d = amax / 127.0f;
                const float id = d != 0.0f ? 1.0f / d : 0.0f;
                b[i].d = fp32_to_fp16(d);
                for (int j = 0; j < kQ8_0BlockSize; ++j) b[i].qs[j] = static_cast<int8_t>(std::lround(x[j] * id));
            }
            return true;
        }
        case TensorType::Q4_0: quantize_row_q4_0(src, static_cast<BlockQ4_0*>(dst), n); return true;
        case TensorType::Q4_K: quantize_row_q4_k(src, static_cast<BlockQ4_K*>(dst), n); return true;
        case TensorType::Q5_K: quantize_row_q5_k(src, static_cast<BlockQ5_K*>(dst), n); return true;
        case TensorType::Q6_K: quantize_row_q6_k(src, static_cast<BlockQ6_K*>(dst), n); return true;
        default: return false;
    }
}

}  // namespace sigma
