// AVX-512 (F, BW, VL, VNNI) dot products for the quantised weight types: vpdpbusd sums four
// unsigned-by-signed byte products into each int32 lane in one instruction. Compiled with per-function
// target attributes; matmul picks this path only where cpu_features() reports all four extensions.
// Not F32/F16/BF16 (those stay on the AVX2 kernels, which already stream at memory speed).
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "inference/ops_convert.h"
#include "inference/ops_matmul.h"
#include "inference/ops_matmul_quant.h"
#include "inference/quant_unpack_x86.h"
#include "inference/simd_x86.h"

#if SIGMA_X86_SIMD

namespace sigma {

namespace {

SIGMA_TARGET_AVX512_VNNI inline __m256i load32(const void* p) {
    return _mm256_loadu_si256(static_cast<const __m256i*>(p));
}
SIGMA_TARGET_AVX512_VNNI inline __m512i load64(const void* p) { return _mm512_loadu_si512(p); }
SIGMA_TARGET_AVX512_VNNI inline __m512i join(__m256i lo, __m256i hi) {
    return _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
}

// Signed 32-byte blocks: |w| (unsigned) times x with w's sign, four products per int32 lane.
SIGMA_TARGET_AVX512_VNNI inline __m256i signed_dot(__m256i w, __m256i x) {
    return _mm256_dpbusd_epi32(_mm256_setzero_si256(), _mm256_sign_epi8(w, w), _mm256_sign_epi8(x, w));
}

// How far ahead of the block being read the single-token Q4_K kernel prefetches weights (measured:
// about 5% more decode speed on the 1.1B Q4_K_M shape; the same for Q6_K gained nothing).
constexpr int kPrefetchBytes = 1536;

// Lanes 0..7 scaled by a, 8..15 by b.
SIGMA_TARGET_AVX512_VNNI inline __m512i two_scales(int a, int b) {
    return _mm512_inserti64x4(_mm512_set1_epi32(a), _mm256_set1_epi32(b), 1);
}

}  // namespace

SIGMA_TARGET_AVX512_VNNI float dot_q8_0_avx512(const BlockQ8_0* w, const BlockQ8_0* x, int64_t n_blocks) {
    const float* table = fp16_table();
    __m256 acc = _mm256_setzero_ps();
    for (int64_t b = 0; b < n_blocks; ++b) {
        if ((b & 1) == 0) _mm_prefetch(reinterpret_cast<const char*>(w + b) + kPrefetchBytes, _MM_HINT_T0);
        const __m256i p = signed_dot(load32(w[b].qs), load32(x[b].qs));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(table[w[b].d] * table[x[b].d]), _mm256_cvtepi32_ps(p), acc);
    }
    return _mm512_reduce_add_ps(_mm512_zextps256_ps512(acc));
}

SIGMA_TARGET_AVX512_VNNI float dot_q4_0_q8_0_avx512(const BlockQ4_0* w, const BlockQ8_0* x, int64_t n_blocks) {
    const float* table = fp16_table();
    const __m256i low = _mm256_set1_epi8(0xF), eight = _mm256_set1_epi8(8);
    __m512 acc = _mm512_setzero_ps();
    for (int64_t b = 0; b < n_blocks; ++b) {
        const __m128i q = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w[b].qs));
        const __m256i qs = _mm256_sub_epi8(_mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(q, 4), q), low), eight);
        const __m256i p = signed_dot(qs, load32(x[b].qs));
        acc = _mm512_fmadd_ps(_mm512_set1_ps(table[w[b].d] * table[x[b].d]),
                              _mm512_zextps256_ps512(_mm256_cvtepi32_ps(p)), acc);
    }
    return _mm512_reduce_add_ps(acc);
}

// The K-quant kernels below take N tokens per pass over a weight row: a block's nibbles and scales
// are unpacked once for all N, and each token's arithmetic is the same sequence whatever N is. Q4_K
// and Q6_K have leaner single-token entries further down (decode), which sum in another order.

// Q4_K and Q5_K share the block layout but for Q5_K's fifth bit per weight (qh).
template <int N, typename Block>
SIGMA_TARGET_AVX512_VNNI inline void q45_k_rows(const Block* w, const BlockQ8_K* const* x, int64_t n_blocks,
                                                float* out) {
    constexpr bool kQ5 = std::is_same_v<Block, BlockQ5_K>;
    const float* table = fp16_table();
    const __m256i low = _mm256_set1_epi8(0xF);
    const __m512i sixteen = _mm512_set1_epi8(16);
    __m512 acc[N];
    float mins[N];
    for (int t = 0; t < N; ++t) {
        acc[t] = _mm512_setzero_ps();
        mins[t] = 0;
    }
    for (int64_t b = 0; b < n_blocks; ++b) {
        uint8_t s8[8], m8[8];
        kquant_unpack_scales(w[b].scales, s8, m8);
        __m512i qh = _mm512_setzero_si512();
        if constexpr (kQ5) qh = _mm512_broadcast_i64x4(load32(w[b].qh));
        __m512i sumi[N];
        for (int t = 0; t < N; ++t) sumi[t] = _mm512_setzero_si512();
        for (int g = 0; g < 4; ++g) {
            const __m256i q = load32(w[b].qs + 32 * g);
            // bytes 0..31: sub-block 2g (low nibbles), 32..63: sub-block 2g+1 (high), as the activations lie
            __m512i qq = join(_mm256_and_si256(q, low), _mm256_and_si256(_mm256_srli_epi16(q, 4), low));
            if constexpr (kQ5) {
                // fifth bits: bit 2g of qh for the low half, bit 2g+1 for the high half
                const __m512i bits = join(_mm256_set1_epi8(static_cast<char>(1 << (2 * g))),
                                          _mm256_set1_epi8(static_cast<char>(2 << (2 * g))));
                qq = _mm512_or_si512(qq, _mm512_maskz_mov_epi8(_mm512_test_epi8_mask(qh, bits), sixteen));
            }
            const __m512i scale = two_scales(s8[2 * g], s8[2 * g + 1]);
            for (int t = 0; t < N; ++t) {
                const __m512i p = _mm512_dpbusd_epi32(_mm512_setzero_si512(), qq, load64(x[t][b].qs + 64 * g));
                sumi[t] = _mm512_add_epi32(sumi[t], _mm512_mullo_epi32(p, scale));
            }
        }
        for (int t = 0; t < N; ++t) {
            int32_t summ = 0;
            for (int j = 0; j < 8; ++j) summ += m8[j] * (x[t][b].bsums[2 * j] + x[t][b].bsums[2 * j + 1]);
            acc[t] = _mm512_fmadd_ps(_mm512_set1_ps(x[t][b].d * table[w[b].d]), _mm512_cvtepi32_ps(sumi[t]), acc[t]);
            mins[t] += x[t][b].d * table[w[b].dmin] * static_cast<float>(summ);
        }
    }
    for (int t = 0; t < N; ++t) out[t] = _mm512_reduce_add_ps(acc[t]) - mins[t];
}

template <int N>
SIGMA_TARGET_AVX512_VNNI inline void q6_k_rows(const BlockQ6_K* w, const BlockQ8_K* const* x, int64_t n_blocks,
                                               float* out) {
    const float* table = fp16_table();
    const __m128i repeat4 = _mm_setr_epi8(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
    __m512 acc[N];
    float offsets[N];
    for (int t = 0; t < N; ++t) {
        acc[t] = _mm512_setzero_ps();
        offsets[t] = 0;
    }
    for (int64_t b = 0; b < n_blocks; ++b) {
        const __m128i scales = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w[b].scales));
        __m512i sumi[N];
        for (int t = 0; t < N; ++t) sumi[t] = _mm512_setzero_si512();
        for (int h = 0; h < 2; ++h) {
            __m256i q[4];
            q6_k_unpack_half(w[b].ql + 64 * h, w[b].qh + 32 * h, q);
            const __m512i halves[2] = {join(q[0], q[1]), join(q[2], q[3])};  // weights 128h + 0..63, 64..127
            for (int k = 0; k < 2; ++k) {
                // lane i sums bytes 4i..4i+3, all in sub-block 8h + 4k + i / 4
                const __m128i idx = _mm_add_epi8(repeat4, _mm_set1_epi8(static_cast<char>(8 * h + 4 * k)));
                const __m512i scale = _mm512_cvtepi8_epi32(_mm_shuffle_epi8(scales, idx));
                for (int t = 0; t < N; ++t) {
                    const __m512i p =
                        _mm512_dpbusd_epi32(_mm512_setzero_si512(), halves[k], load64(x[t][b].qs + 128 * h + 64 * k));
                    sumi[t] = _mm512_add_epi32(sumi[t], _mm512_mullo_epi32(p, scale));
                }
            }
        }
        for (int t = 0; t < N; ++t) {
            int32_t offset = 0;  // sum (q - 32) y = sum q y - 32 sum y, per 16-value sub-block
            for (int j = 0; j < 16; ++j) offset += w[b].scales[j] * x[t][b].bsums[j];
            const float d = x[t][b].d * table[w[b].d];
            acc[t] = _mm512_fmadd_ps(_mm512_set1_ps(d), _mm512_cvtepi32_ps(sumi[t]), acc[t]);
            offsets[t] += d * static_cast<float>(32 * offset);
        }
    }
    for (int t = 0; t < N; ++t) out[t] = _mm512_reduce_add_ps(acc[t]) - offsets[t];
}

// Decode (one token) reads each Q4_K block once, so its cost is the unpacking: the sub-block scales
// go to floats once per block (d * dx * sc_j, exact before the dx factor) and each 64-weight group
// takes its pair of them by one permute, so a group is 4 unpacking ops, a dpbusd, a convert and an
// fma; the mins are one int16 multiply-add per block. Sums in float, in another order than the
// two-token kernel, so the two agree within float rounding.
SIGMA_TARGET_AVX512_VNNI float dot_q4_k_q8_k_avx512(const BlockQ4_K* w, const BlockQ8_K* x, int64_t n_blocks) {
    const float* table = fp16_table();
    const __m256i low = _mm256_set1_epi8(0xF);
    const __m128i dup = _mm_setr_epi8(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
    __m512i pick[4];
    for (int g = 0; g < 4; ++g) pick[g] = two_scales(2 * g, 2 * g + 1);
    __m512 acc = _mm512_setzero_ps();
    __m256 mins = _mm256_setzero_ps();
    for (int64_t b = 0; b < n_blocks; ++b) {
        // Rows lie back to back: fetch well ahead of this block, past the row's end into the next row.
        _mm_prefetch(reinterpret_cast<const char*>(w + b) + kPrefetchBytes, _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(w + b) + kPrefetchBytes + 64, _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(w + b) + kPrefetchBytes + 128, _MM_HINT_T0);
        uint8_t s8[8], m8[8];
        kquant_unpack_scales(w[b].scales, s8, m8);
        const float d = table[w[b].d] * x[b].d;
        int64_t sc_bits, m_bits;
        std::memcpy(&sc_bits, s8, 8);
        std::memcpy(&m_bits, m8, 8);
        const __m512 scales = _mm512_zextps256_ps512(
            _mm256_mul_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_cvtsi64_si128(sc_bits)))));
        // sum_j m_j * (bsums[2j] + bsums[2j+1]): each m_j twice, as int16, against the 16 sums
        const __m256i m16 = _mm256_cvtepu8_epi16(_mm_shuffle_epi8(_mm_cvtsi64_si128(m_bits), dup));
        const __m256i bsums = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[b].bsums));
        mins = _mm256_fmadd_ps(_mm256_set1_ps(table[w[b].dmin] * x[b].d),
                               _mm256_cvtepi32_ps(_mm256_madd_epi16(m16, bsums)), mins);
        for (int g = 0; g < 4; ++g) {
            const __m256i q = load32(w[b].qs + 32 * g);
            const __m512i qq = join(_mm256_and_si256(q, low), _mm256_and_si256(_mm256_srli_epi16(q, 4), low));
            const __m512i p = _mm512_dpbusd_epi32(_mm512_setzero_si512(), qq, load64(x[b].qs + 64 * g));
            acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(p), _mm512_permutexvar_ps(pick[g], scales), acc);
        }
    }
    return _mm512_reduce_add_ps(acc) - _mm512_reduce_add_ps(_mm512_zextps256_ps512(mins));
}

SIGMA_TARGET_AVX512_VNNI void dot_q4_k_q8_k_x2_avx512(const BlockQ4_K* w, const BlockQ8_K* x0, const BlockQ8_K* x1,
                                                      int64_t n_blocks, float out[2]) {
    const BlockQ8_K* x[2] = {x0, x1};
    q45_k_rows<2>(w, x, n_blocks, out);
}

SIGMA_TARGET_AVX512_VNNI float dot_q5_k_q8_k_avx512(const BlockQ5_K* w, const BlockQ8_K* x, int64_t n_blocks) {
    float out;
    q45_k_rows<1>(w, &x, n_blocks, &out);
    return out;
}

SIGMA_TARGET_AVX512_VNNI void dot_q5_k_q8_k_x2_avx512(const BlockQ5_K* w, const BlockQ8_K* x0, const BlockQ8_K* x1,
                                                      int64_t n_blocks, float out[2]) {
    const BlockQ8_K* x[2] = {x0, x1};
    q45_k_rows<2>(w, x, n_blocks, out);
}

// Decode for Q6_K, as for Q4_K: the 16 signed sub-block scales become floats (d * dx * sc_j) once per
// block, each 64-weight group picks its four by a permute, and the -32 offsets are one int16
// multiply-add of the scales with the block sums.
SIGMA_TARGET_AVX512_VNNI float dot_q6_k_q8_k_avx512(const BlockQ6_K* w, const BlockQ8_K* x, int64_t n_blocks) {
    const float* table = fp16_table();
    __m512i pick[4];
    for (int k = 0; k < 4; ++k)
        pick[k] = _mm512_setr_epi32(4 * k, 4 * k, 4 * k, 4 * k, 4 * k + 1, 4 * k + 1, 4 * k + 1, 4 * k + 1, 4 * k + 2,
                                    4 * k + 2, 4 * k + 2, 4 * k + 2, 4 * k + 3, 4 * k + 3, 4 * k + 3, 4 * k + 3);
    __m512 acc = _mm512_setzero_ps();
    __m256 offsets = _mm256_setzero_ps();
    for (int64_t b = 0; b < n_blocks; ++b) {
        const float d = table[w[b].d] * x[b].d;
        const __m128i sc8 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w[b].scales));
        const __m512 scales = _mm512_mul_ps(_mm512_set1_ps(d), _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(sc8)));
        const __m256i bsums = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[b].bsums));
        offsets = _mm256_fmadd_ps(_mm256_set1_ps(32.0f * d),
                                  _mm256_cvtepi32_ps(_mm256_madd_epi16(_mm256_cvtepi8_epi16(sc8), bsums)), offsets);
        for (int h = 0; h < 2; ++h) {
            __m256i q[4];
            q6_k_unpack_half(w[b].ql + 64 * h, w[b].qh + 32 * h, q);
            const __m512i halves[2] = {join(q[0], q[1]), join(q[2], q[3])};
            for (int k = 0; k < 2; ++k) {
                const __m512i p =
                    _mm512_dpbusd_epi32(_mm512_setzero_si512(), halves[k], load64(x[b].qs + 128 * h + 64 * k));
                acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(p), _mm512_permutexvar_ps(pick[2 * h + k], scales), acc);
            }
        }
    }
    return _mm512_reduce_add_ps(acc) - _mm512_reduce_add_ps(_mm512_zextps256_ps512(offsets));
}

SIGMA_TARGET_AVX512_VNNI void dot_q6_k_q8_k_x2_avx512(const BlockQ6_K* w, const BlockQ8_K* x0, const BlockQ8_K* x1,
                                                      int64_t n_blocks, float out[2]) {
    const BlockQ8_K* x[2] = {x0, x1};
    q6_k_rows<2>(w, x, n_blocks, out);
}

}  // namespace sigma

#else
namespace sigma {
float dot_q8_0_avx512(const BlockQ8_0* w, const BlockQ8_0* x, int64_t n) { return dot_q8_0_scalar(w, x, n); }
float dot_q4_0_q8_0_avx512(const BlockQ4_0* w, const BlockQ8_0* x, int64_t n) { return dot_q4_0_q8_0_scalar(w, x, n); }
float dot_q4_k_q8_k_avx512(const BlockQ4_K* w, const BlockQ8_K* x, int64_t n) { return dot_q4_k_q8_k_scalar(w, x, n); }
float dot_q5_k_q8_k_avx512(const BlockQ5_K* w, const BlockQ8_K* x, int64_t n) { return dot_q5_k_q8_k_scalar(w, x, n); }
void dot_q4_k_q8_k_x2_avx512(const BlockQ4_K* w, const BlockQ8_K* x0, const BlockQ8_K* x1, int64_t n, float out[2]) {
    out[0] = dot_q4_k_q8_k_scalar(w, x0, n);
    out[1] = dot_q4_k_q8_k_scalar(w, x1, n);
}
void dot_q5_k_q8_k_x2_avx512(const BlockQ5_K* w, const BlockQ8_K* x0, const BlockQ8_K* x1, int64_t n, float out[2]) {
    out[0] = dot_q5_k_q8_k_scalar(w, x0, n);
    out[1] = dot_q5_k_q8_k_scalar(w, x1, n);
}
void dot_q6_k_q8_k_x2_avx512(const BlockQ6_K* w, const BlockQ8_K* x0, const BlockQ8_K* x1, int64_t n, float out[2]) {
    out[0] = dot_q6_k_q8_k_scalar(w, x0, n);
    out[1] = dot_q6_k_q8_k_scalar(w, x1, n);
}
float dot_q6_k_q8_k_avx512(const BlockQ6_K* w, const BlockQ8_K* x, int64_t n) { return dot_q6_k_q8_k_scalar(w, x, n); }
}  // namespace sigma
#endif
