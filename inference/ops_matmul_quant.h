// Dot products of one 4/5/6-bit weight row with one activation row quantised to 8 bits (Q4_0 with
// Q8_0 activations, the K-quants with Q8_K), per kernel path. matmul (ops_matmul.cpp) dispatches here.
// Not matmul itself: these take one row and one token; threading and scratch live in matmul.
#pragma once

#include <cstdint>
#include <cstring>

#include "inference/quant_k.h"
#include "inference/tensor_types.h"

namespace sigma {

// All 8 six-bit scales and mins of a Q4_K/Q5_K block at once, as kquant_scale_min gives them one at a
// time: three 32-bit words, masks and shifts (byte j of a word is scales[j]: little-endian, as the
// SIMD paths that call this are).
inline void kquant_unpack_scales(const uint8_t* packed, uint8_t sc[8], uint8_t m[8]) {
    uint32_t a, b, c;
    std::memcpy(&a, packed, 4);
    std::memcpy(&b, packed + 4, 4);
    std::memcpy(&c, packed + 8, 4);
    const uint32_t v[4] = {a & 0x3f3f3f3fu, (c & 0x0f0f0f0fu) | ((a >> 2) & 0x30303030u), b & 0x3f3f3f3fu,
                           ((c >> 4) & 0x0f0f0f0fu) | ((b >> 2) & 0x30303030u)};
    std::memcpy(sc, v, 8);
    std::memcpy(m, v + 2, 8);
}

// Integer sums per block, scaled once per block (or sub-block scale) into a float accumulator.
// n_blocks counts the weight type's blocks (32 for Q4_0, 256 for the K-quants).
float dot_q4_0_q8_0_scalar(const BlockQ4_0* w, const BlockQ8_0* x, int64_t n_blocks);
float dot_q4_k_q8_k_scalar(const BlockQ4_K* w, const BlockQ8_K* x, int64_t n_blocks);
float dot_q5_k_q8_k_scalar(const BlockQ5_K* w, const BlockQ8_K* x, int64_t n_blocks);
float dot_q6_k_q8_k_scalar(const BlockQ6_K* w, const BlockQ8_K* x, int64_t n_blocks);

// AVX2 versions (call only where cpu_features() reports AVX2/FMA): the same integer sums, so they
// differ from scalar only in float summation order.
float dot_q4_0_q8_0_avx2(const BlockQ4_0* w, const BlockQ8_0* x, int64_t n_blocks);
float dot_q4_k_q8_k_avx2(const BlockQ4_K* w, const BlockQ8_K* x, int64_t n_blocks);
float dot_q5_k_q8_k_avx2(const BlockQ5_K* w, const BlockQ8_K* x, int64_t n_blocks);
float dot_q6_k_q8_k_avx2(const BlockQ6_K* w, const BlockQ8_K* x, int64_t n_blocks);

// AVX-512 (F, BW, VL, VNNI) versions: 64 weights per dpbusd.
float dot_q8_0_avx512(const BlockQ8_0* w, const BlockQ8_0* x, int64_t n_blocks);
float dot_q4_0_q8_0_avx512(const BlockQ4_0* w, const BlockQ8_0* x, int64_t n_blocks);
float dot_q4_k_q8_k_avx512(const BlockQ4_K* w, const BlockQ8_K* x, int64_t n_blocks);
float dot_q5_k_q8_k_avx512(const BlockQ5_K* w, const BlockQ8_K* x, int64_t n_blocks);
float dot_q6_k_q8_k_avx512(const BlockQ6_K* w, const BlockQ8_K* x, int64_t n_blocks);
// One K-quant row with two tokens (small batches): out[t] equals the single-token dot with x_t up to
// float summation order (bit-identical for Q5_K, whose single-token entry shares the kernel).
void dot_q4_k_q8_k_x2_avx512(const BlockQ4_K* w, const BlockQ8_K* x0, const BlockQ8_K* x1, int64_t n_blocks,
                             float out[2]);
void dot_q5_k_q8_k_x2_avx512(const BlockQ5_K* w, const BlockQ8_K* x0, const BlockQ8_K* x1, int64_t n_blocks,
                             float out[2]);
void dot_q6_k_q8_k_x2_avx512(const BlockQ6_K* w, const BlockQ8_K* x0, const BlockQ8_K* x1, int64_t n_blocks,
                             float out[2]);

}  // namespace sigma
