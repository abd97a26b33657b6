// Plain C++ reference dequantisers for ggml's K-quants (Q4_K, Q5_K, Q6_K: 256-weight super-blocks,
// byte layouts of block_q4_K / block_q5_K / block_q6_K), and random well-formed blocks for tests.
// Not the engine's conversions: inference/tensor_types.cpp has none for these types yet; this is the
// oracle the CUDA K-quant kernels are held to.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "inference/tensor.h"
#include "inference/tensor_types.h"

namespace sigma::cuda_test {

constexpr int kQK = 256;

inline size_t kquant_block_bytes(TensorType t) { return t == TensorType::Q4_K ? 144 : t == TensorType::Q5_K ? 176 : 210; }

inline float half_at(const uint8_t* p) { return fp16_to_fp32(static_cast<uint16_t>(p[0] | (p[1] << 8))); }

// 6-bit scale and min of sub-block j from the 12 packed bytes (q4_K, q5_K).
inline void scale_min(int j, const uint8_t* q, int& sc, int& m) {
    if (j < 4) {
        sc = q[j] & 63;
        m = q[j + 4] & 63;
    } else {
        sc = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
        m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

// Dequantises n weights (n a multiple of 256) of type t from src into dst.
inline void dequantize_kquant(TensorType t, const uint8_t* src, float* dst, int64_t n) {
    for (int64_t b = 0; b < n / kQK; ++b) {
        const uint8_t* x = src + static_cast<size_t>(b) * kquant_block_bytes(t);
        float* y = dst + b * kQK;
        if (t == TensorType::Q4_K || t == TensorType::Q5_K) {
            const float d = half_at(x), dmin = half_at(x + 2);
            const uint8_t* scales = x + 4;
            const uint8_t* qh = x + 16;  // q5_K only
            const uint8_t* q = x + (t == TensorType::Q4_K ? 16 : 48);
            for (int j = 0; j < 4; ++j) {  // 64 weights: low nibbles then high nibbles of 32 bytes
                int sc, m;
                scale_min(2 * j, scales, sc, m);
                const float d1 = d * static_cast<float>(sc), m1 = dmin * static_cast<float>(m);
                scale_min(2 * j + 1, scales, sc, m);
                const float d2 = d * static_cast<float>(sc), m2 = dmin * static_cast<float>(m);
                for (int l = 0; l < 32; ++l) {
                    int lo = q[32 * j + l] & 0xF, hi = q[32 * j + l] >> 4;
                    if (t == TensorType::Q5_K) {
                        lo += (qh[l] & (1 << (2 * j))) ? 16 : 0;
                        hi += (qh[l] & (2 << (2 * j))) ? 16 : 0;
                    }
                    y[64 * j + l] = d1 * static_cast<float>(lo) - m1;
                    y[64 * j + 32 + l] = d2 * static_cast<float>(hi) - m2;
                }
            }
        } else {
            const float d = half_at(x + 208);
            for (int h = 0; h < 2; ++h) {  // 128 weights per half
                const uint8_t* ql = x + 64 * h;
                const uint8_t* qh = x + 128 + 32 * h;
                const int8_t* sc = reinterpret_cast<const int8_t*>(x + 192) + 8 * h;
                for (int l = 0; l < 32; ++l) {
                    const int is = l / 16;
                    const int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                    const int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                    const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                    const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                    y[128 * h + l] = d * static_cast<float>(sc[is]) * static_cast<float>(q1);
                    y[128 * h + l + 32] = d * static_cast<float>(sc[is + 2]) * static_cast<float>(q2);
                    y[128 * h + l + 64] = d * static_cast<float>(sc[is + 4]) * static_cast<float>(q3);
                    y[128 * h + l + 96] = d * static_cast<float>(sc[is + 6]) * static_cast<float>(q4);
                }
            }
        }
    }
}

// Random blocks: every quant and scale byte random, the f16 super-block scales small and positive.
inline std::vector<uint8_t> random_kquant(std::mt19937& rng, TensorType t, int64_t n) {
    std::vector<uint8_t> bytes(static_cast<size_t>(n / kQK) * kquant_block_bytes(t));
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_real_distribution<float> scale(0.0005f, 0.004f);
    for (auto& b : bytes) b = static_cast<uint8_t>(byte(rng));
    for (size_t b = 0; b < bytes.size() / kquant_block_bytes(t); ++b) {
        uint8_t* x = bytes.data() + b * kquant_block_bytes(t);
        for (size_t off : t == TensorType::Q6_K ? std::vector<size_t>{208} : std::vector<size_t>{0, 2}) {
            const uint16_t h = fp32_to_fp16(scale(rng));
            x[off] = static_cast<uint8_t>(h & 0xff);
            x[off + 1] = static_cast<uint8_t>(h >> 8);
        }
    }
    return bytes;
}

}  // namespace sigma::cuda_test
