// Block layouts and reference row conversions for the 4/5/6-bit types: Q4_0 and the K-quants
// Q4_K, Q5_K, Q6_K (256-weight super-blocks), byte for byte as GGUF files store them.
// Not the fast kernels and not ggml's search-based quantiser: a plain, readable oracle and a decent quantiser.
#pragma once

#include <cstdint>

#include "inference/tensor_types.h"

namespace sigma {

// Q4_0: 32 weights, one fp16 scale; weight = d * (q - 8) with q a 4-bit nibble.
// Nibble j of byte i: low nibbles hold weights 0..15, high nibbles weights 16..31.
constexpr int kQ4_0BlockSize = 32;
struct BlockQ4_0 {
    uint16_t d;      // fp16 scale
    uint8_t qs[16];  // 32 nibbles
};
static_assert(sizeof(BlockQ4_0) == 18, "block_q4_0 must be 18 bytes");

// K-quants: a super-block of 256 weights in sub-blocks with 6- or 8-bit scales.
constexpr int kQKBlockSize = 256;
constexpr int kKScaleBytes = 12;  // 8 six-bit scales + 8 six-bit mins, packed

// Q4_K: 8 sub-blocks of 32; weight = d * sc[j] * q - dmin * m[j], q in 0..15.
// qs: 4 groups of 32 bytes; group g holds sub-block 2g in low nibbles, 2g+1 in high nibbles.
struct BlockQ4_K {
    uint16_t d;                    // fp16 super-scale of the sub-block scales
    uint16_t dmin;                 // fp16 super-scale of the sub-block mins
    uint8_t scales[kKScaleBytes];  // packed 6-bit (sc, m) x 8, see kquant_scale_min
    uint8_t qs[kQKBlockSize / 2];
};
static_assert(sizeof(BlockQ4_K) == 144, "block_q4_K must be 144 bytes");

// Q5_K: as Q4_K plus a fifth bit per weight: bit 2g of qh[l] is weight l of sub-block 2g, bit 2g+1
// weight l of sub-block 2g+1; q in 0..31.
struct BlockQ5_K {
    uint16_t d;
    uint16_t dmin;
    uint8_t scales[kKScaleBytes];
    uint8_t qh[kQKBlockSize / 8];
    uint8_t qs[kQKBlockSize / 2];
};
static_assert(sizeof(BlockQ5_K) == 176, "block_q5_K must be 176 bytes");

// Q6_K: 16 sub-blocks of 16 with signed 8-bit scales; weight = d * sc[j] * (q - 32), q in 0..63.
// Two halves of 128 weights; in half h, ql[64h + l] holds the low nibbles of weights l (low) and
// l+64 (high), ql[64h + 32 + l] those of l+32 and l+96; qh[32h + l] holds the top two bits of
// weights l, l+32, l+64, l+96 at bits 0, 2, 4, 6.
struct BlockQ6_K {
    uint8_t ql[kQKBlockSize / 2];
    uint8_t qh[kQKBlockSize / 4];
    int8_t scales[kQKBlockSize / 16];
    uint16_t d;
};
static_assert(sizeof(BlockQ6_K) == 210, "block_q6_K must be 210 bytes");

// Q8_K: activations quantised on the fly for the K-quant dot products (never stored in files):
// 256 int8 values with a float scale, and the sums of each 16 values (for the K-quants' mins/offsets).
struct BlockQ8_K {
    float d;
    int8_t qs[kQKBlockSize];
    int16_t bsums[kQKBlockSize / 16];
};
static_assert(sizeof(BlockQ8_K) == 292, "block_q8_K must be 292 bytes");
// d = max|x| / 127, q = round(x / d) in [-127, 127].
void quantize_row_q8_k(const float* src, BlockQ8_K* dst, int64_t n);
// The same bits with AVX-512 (F, BW); call only where the Avx512 matmul path is available.
void quantize_row_q8_k_avx512(const float* src, BlockQ8_K* dst, int64_t n);

// Sub-block j's 6-bit scale and min from the 12 packed bytes of Q4_K/Q5_K: j < 4 in the low 6 bits of
// bytes j and j+4; j >= 4 split as a nibble in byte j+4 and two high bits borrowed from bytes j-4 / j.
void kquant_scale_min(int j, const uint8_t* scales, int& sc, int& m);

// Reference conversions of n weights (n a multiple of the block size; callers check).
void dequantize_row_q4_0(const BlockQ4_0* src, float* dst, int64_t n);
void dequantize_row_q4_k(const BlockQ4_K* src, float* dst, int64_t n);
void dequantize_row_q5_k(const BlockQ5_K* src, float* dst, int64_t n);
void dequantize_row_q6_k(const BlockQ6_K* src, float* dst, int64_t n);
void quantize_row_q4_0(const float* src, BlockQ4_0* dst, int64_t n);
void quantize_row_q4_k(const float* src, BlockQ4_K* dst, int64_t n);
void quantize_row_q5_k(const float* src, BlockQ5_K* dst, int64_t n);
void quantize_row_q6_k(const float* src, BlockQ6_K* dst, int64_t n);

}  // namespace sigma
