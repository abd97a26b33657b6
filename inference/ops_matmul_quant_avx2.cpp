// AVX2 dot products of 4/5/6-bit weight rows with 8-bit activations (maddubs on unsigned weights),
// compiled with target attributes so one binary runs everywhere.
// Not AVX-512 (ops_matmul_avx512.cpp) and not the scalar oracle (ops_matmul_quant.cpp).
#include <cstdint>

#include "inference/ops_convert.h"
#include "inference/ops_matmul_quant.h"
#include "inference/quant_unpack_x86.h"
#include "inference/simd_x86.h"

#if SIGMA_X86_SIMD

namespace sigma {

namespace {

SIGMA_TARGET_AVX2 inline __m256i load32(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }

// 32 unsigned weights (< 64) times 32 signed activations, as 8 int32 sums of 4 products each
// scaled by `scale16` (16 int16 lanes: the first 8 belong to bytes 0..15, the last 8 to 16..31).
SIGMA_TARGET_AVX2 inline __m256i scaled_dot(__m256i q, __m256i y, __m256i scale16) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(q, y), scale16);
}

// Sub-block scales and mins of a Q4_K/Q5_K block, and the mins' integer correction.
inline int32_t k_scales(const uint8_t* packed, const int16_t* bsums, int sc[8]) {
    uint8_t s8[8], m8[8];
    kquant_unpack_scales(packed, s8, m8);
    int32_t summ = 0;
    for (int j = 0; j < 8; ++j) {
        sc[j] = s8[j];
        summ += m8[j] * (bsums[2 * j] + bsums[2 * j + 1]);
    }
    return summ;
}

}  // namespace

SIGMA_TARGET_AVX2 float dot_q4_0_q8_0_avx2(const BlockQ4_0* w, const BlockQ8_0* x, int64_t n_blocks) {
    const float* table = fp16_table();
    const __m256i low = _mm256_set1_epi8(0xF), eight = _mm256_set1_epi8(8), ones = _mm256_set1_epi16(1);
    __m256 acc = _mm256_setzero_ps();
    for (int64_t b = 0; b < n_blocks; ++b) {
        const __m128i q = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w[b].qs));
        // bytes 0..15: low nibbles (weights 0..15), 16..31: high nibbles (16..31), then minus 8: signed
        const __m256i both = _mm256_set_m128i(_mm_srli_epi16(q, 4), q);
        const __m256i qs = _mm256_sub_epi8(_mm256_and_si256(both, low), eight);
        const __m256i y = load32(x[b].qs);
        const __m256i p =
            _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_sign_epi8(qs, qs), _mm256_sign_epi8(y, qs)), ones);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(table[w[b].d] * table[x[b].d]), _mm256_cvtepi32_ps(p), acc);
    }
    return hsum_ps(acc);
}

SIGMA_TARGET_AVX2 float dot_q4_k_q8_k_avx2(const BlockQ4_K* w, const BlockQ8_K* x, int64_t n_blocks) {
    const float* table = fp16_table();
    const __m256i low = _mm256_set1_epi8(0xF);
    float s = 0;
    for (int64_t b = 0; b < n_blocks; ++b) {
        int sc[8];
        const int32_t summ = k_scales(w[b].scales, x[b].bsums, sc);
        __m256i acc = _mm256_setzero_si256();
        for (int g = 0; g < 4; ++g) {
            const __m256i q = load32(w[b].qs + 32 * g);
            const __m256i lo = _mm256_and_si256(q, low);
            const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), low);
            acc = _mm256_add_epi32(
                acc, scaled_dot(lo, load32(x[b].qs + 64 * g), _mm256_set1_epi16(static_cast<int16_t>(sc[2 * g]))));
            acc = _mm256_add_epi32(acc, scaled_dot(hi, load32(x[b].qs + 64 * g + 32),
                                                   _mm256_set1_epi16(static_cast<int16_t>(sc[2 * g + 1]))));
        }
        s += x[b].d *
             (table[w[b].d] * static_cast<float>(hsum_epi32(acc)) - table[w[b].dmin] * static_cast<float>(summ));
    }
    return s;
}

SIGMA_TARGET_AVX2 float dot_q5_k_q8_k_avx2(const BlockQ5_K* w, const BlockQ8_K* x, int64_t n_blocks) {
    const float* table = fp16_table();
    const __m256i low = _mm256_set1_epi8(0xF), sixteen = _mm256_set1_epi8(16);
    float s = 0;
    for (int64_t b = 0; b < n_blocks; ++b) {
        int sc[8];
        const int32_t summ = k_scales(w[b].scales, x[b].bsums, sc);
        const __m256i qh = load32(w[b].qh);
        __m256i acc = _mm256_setzero_si256();
        for (int g = 0; g < 4; ++g) {
            const __m256i q = load32(w[b].qs + 32 * g);
            const __m256i bit_lo = _mm256_set1_epi8(static_cast<char>(1 << (2 * g)));
            const __m256i bit_hi = _mm256_set1_epi8(static_cast<char>(2 << (2 * g)));
            // fifth bit: 16 where qh has sub-block 2g's (2g+1's) bit set
            const __m256i add_lo = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(qh, bit_lo), bit_lo), sixteen);
            const __m256i add_hi = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(qh, bit_hi), bit_hi), sixteen);
            const __m256i lo = _mm256_or_si256(_mm256_and_si256(q, low), add_lo);
            const __m256i hi = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(q, 4), low), add_hi);
            acc = _mm256_add_epi32(
                acc, scaled_dot(lo, load32(x[b].qs + 64 * g), _mm256_set1_epi16(static_cast<int16_t>(sc[2 * g]))));
            acc = _mm256_add_epi32(acc, scaled_dot(hi, load32(x[b].qs + 64 * g + 32),
                                                   _mm256_set1_epi16(static_cast<int16_t>(sc[2 * g + 1]))));
        }
        s += x[b].d *
             (table[w[b].d] * static_cast<float>(hsum_epi32(acc)) - table[w[b].dmin] * static_cast<float>(summ));
    }
    return s;
}

SIGMA_TARGET_AVX2 float dot_q6_k_q8_k_avx2(const BlockQ6_K* w, const BlockQ8_K* x, int64_t n_blocks) {
    const float* table = fp16_table();
    float s = 0;
    for (int64_t b = 0; b < n_blocks; ++b) {
        // Weights are q - 32 with q in 0..63: sum (q - 32) y = sum q y - 32 sum y, per 16-value sub-block.
        int32_t offset = 0;
        for (int j = 0; j < 16; ++j) offset += w[b].scales[j] * x[b].bsums[j];
        __m256i acc = _mm256_setzero_si256();
        for (int h = 0; h < 2; ++h) {
            __m256i q[4];
            q6_k_unpack_half(w[b].ql + 64 * h, w[b].qh + 32 * h, q);
            for (int k = 0; k < 4; ++k) {
                const int j = 8 * h + 2 * k;  // sub-blocks j (bytes 0..15) and j + 1 (16..31)
                const __m256i scale =
                    _mm256_set_m128i(_mm_set1_epi16(w[b].scales[j + 1]), _mm_set1_epi16(w[b].scales[j]));
                acc = _mm256_add_epi32(acc, scaled_dot(q[k], load32(x[b].qs + 128 * h + 32 * k), scale));
            }
        }
        s += x[b].d * table[w[b].d] * static_cast<float>(hsum_epi32(acc) - 32 * offset);
    }
    return s;
}

}  // namespace sigma

#else
namespace sigma {
float dot_q4_0_q8_0_avx2(const BlockQ4_0* w, const BlockQ8_0* x, int64_t n) { return dot_q4_0_q8_0_scalar(w, x, n); }
float dot_q4_k_q8_k_avx2(const BlockQ4_K* w, const BlockQ8_K* x, int64_t n) { return dot_q4_k_q8_k_scalar(w, x, n); }
float dot_q5_k_q8_k_avx2(const BlockQ5_K* w, const BlockQ8_K* x, int64_t n) { return dot_q5_k_q8_k_scalar(w, x, n); }
float dot_q6_k_q8_k_avx2(const BlockQ6_K* w, const BlockQ8_K* x, int64_t n) { return dot_q6_k_q8_k_scalar(w, x, n); }
}  // namespace sigma
#endif
