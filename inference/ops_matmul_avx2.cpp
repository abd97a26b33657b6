// AVX2/FMA/F16C dot products for matmul, compiled with target attributes so one binary still runs
// on CPUs without them (matmul_default_path picks this only when cpu_features() reports them).
// Not AVX-512: that path would be its own file beside this one.
#include <cstdint>

#include "inference/ops_convert.h"
#include "inference/ops_matmul.h"
#include "inference/simd_x86.h"
#include "inference/tensor_types.h"

#if SIGMA_X86_SIMD

namespace sigma {

SIGMA_TARGET_AVX2 float dot_f32_avx2(const float* a, const float* b, int64_t n) {
    // One accumulator over 8-wide chunks in order: the tile below repeats this exactly per pair.
    __m256 acc = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc);
    float s = hsum_ps(acc);
    for (; i < n; ++i) s += a[i] * b[i];
    return s;
}

// F16 / BF16 rows times float activations without widening the row first. The widening is exact, so
// these give the same bits as widening and then dot_f32_avx2 (what the prefill tiles do).
SIGMA_TARGET_AVX2 float dot_f16_avx2(const uint16_t* w, const float* x, int64_t n) {
    __m256 acc = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 wf = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + i)));
        acc = _mm256_fmadd_ps(wf, _mm256_loadu_ps(x + i), acc);
    }
    float s = hsum_ps(acc);
    const float* table = fp16_table();
    for (; i < n; ++i) s += table[w[i]] * x[i];
    return s;
}

SIGMA_TARGET_AVX2 float dot_bf16_avx2(const uint16_t* w, const float* x, int64_t n) {
    __m256 acc = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + i)));
        const __m256 wf = _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16));
        acc = _mm256_fmadd_ps(wf, _mm256_loadu_ps(x + i), acc);
    }
    float s = hsum_ps(acc);
    for (; i < n; ++i) s += bf16_to_fp32(w[i]) * x[i];
    return s;
}

SIGMA_TARGET_AVX2 void dot_f32_tile4x3_avx2(const float* const rows[4], const float* const tokens[3], int64_t n,
                                            float out[12]) {
    // 12 independent accumulators (4 rows x 3 tokens): each row chunk is loaded once for 3 tokens,
    // each token chunk once for 4 rows.
    __m256 acc[12];
    for (auto& a : acc) a = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 x0 = _mm256_loadu_ps(tokens[0] + i);
        const __m256 x1 = _mm256_loadu_ps(tokens[1] + i);
        const __m256 x2 = _mm256_loadu_ps(tokens[2] + i);
        for (int r = 0; r < 4; ++r) {
            const __m256 w = _mm256_loadu_ps(rows[r] + i);
            acc[r * 3 + 0] = _mm256_fmadd_ps(w, x0, acc[r * 3 + 0]);
            acc[r * 3 + 1] = _mm256_fmadd_ps(w, x1, acc[r * 3 + 1]);
            acc[r * 3 + 2] = _mm256_fmadd_ps(w, x2, acc[r * 3 + 2]);
        }
    }
    for (int r = 0; r < 4; ++r) {
        for (int t = 0; t < 3; ++t) {
            float s = hsum_ps(acc[r * 3 + t]);
            for (int64_t j = i; j < n; ++j) s += rows[r][j] * tokens[t][j];
            out[r * 3 + t] = s;
        }
    }
}

namespace {
// Integer dot product of two 32-value Q8 blocks as 8 int32 partial sums, widened to float.
// maddubs needs an unsigned left operand: |w| with x carrying w's sign gives the same products;
// pairs of products fit int16 for q in [-127, 127], as the quantisers write (-128 saturates, no crash).
SIGMA_TARGET_AVX2 inline __m256 block_dot(__m256i w_abs, __m256i w, __m256i x) {
    const __m256i p16 = _mm256_maddubs_epi16(w_abs, _mm256_sign_epi8(x, w));
    return _mm256_cvtepi32_ps(_mm256_madd_epi16(p16, _mm256_set1_epi16(1)));
}
SIGMA_TARGET_AVX2 inline __m256i load_qs(const BlockQ8_0& b) {
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b.qs));
}
}  // namespace

SIGMA_TARGET_AVX2 float dot_q8_0_avx2(const BlockQ8_0* w, const BlockQ8_0* x, int64_t n_blocks) {
    const float* table = fp16_table();
    __m256 acc = _mm256_setzero_ps();
    for (int64_t b = 0; b < n_blocks; ++b) {
        const __m256i qw = load_qs(w[b]);
        const __m256 d = _mm256_set1_ps(table[w[b].d] * table[x[b].d]);
        acc = _mm256_fmadd_ps(d, block_dot(_mm256_sign_epi8(qw, qw), qw, load_qs(x[b])), acc);
    }
    return hsum_ps(acc);
}

SIGMA_TARGET_AVX2 void dot_q8_0_tile4x2_avx2(const BlockQ8_0* const rows[4], const BlockQ8_0* const tokens[2],
                                             int64_t n_blocks, float out[8]) {
    // Per pair exactly dot_q8_0_avx2's arithmetic; each weight block is loaded (and its |w| formed)
    // once for both tokens, each token block once for all four rows.
    const float* table = fp16_table();
    __m256 acc[8];
    for (auto& a : acc) a = _mm256_setzero_ps();
    for (int64_t b = 0; b < n_blocks; ++b) {
        const __m256i x0 = load_qs(tokens[0][b]);
        const __m256i x1 = load_qs(tokens[1][b]);
        const float dx0 = table[tokens[0][b].d], dx1 = table[tokens[1][b].d];
        for (int r = 0; r < 4; ++r) {
            const __m256i qw = load_qs(rows[r][b]);
            const __m256i aw = _mm256_sign_epi8(qw, qw);
            const float dw = table[rows[r][b].d];
            acc[r * 2 + 0] = _mm256_fmadd_ps(_mm256_set1_ps(dw * dx0), block_dot(aw, qw, x0), acc[r * 2 + 0]);
            acc[r * 2 + 1] = _mm256_fmadd_ps(_mm256_set1_ps(dw * dx1), block_dot(aw, qw, x1), acc[r * 2 + 1]);
        }
    }
    for (int i = 0; i < 8; ++i) out[i] = hsum_ps(acc[i]);
}

SIGMA_TARGET_AVX2 void quantize_row_q8_0_avx2(const float* x, BlockQ8_0* y, int64_t n) {
    // As quantize_row: d = max|x| / 127, q = round(x / d) (ties to even here; the reference rounds
    // them away from zero: a last-bit difference in rare ties, within every tolerance).
    const __m256 sign_mask = _mm256_set1_ps(-0.0f);
    for (int64_t i = 0; i < n / kQ8_0BlockSize; ++i) {
        const float* p = x + i * kQ8_0BlockSize;
        __m256 v[4];
        __m256 amax = _mm256_setzero_ps();
        for (int j = 0; j < 4; ++j) {
            v[j] = _mm256_loadu_ps(p + 8 * j);
            amax = _mm256_max_ps(amax, _mm256_andnot_ps(sign_mask, v[j]));
        }
        __m128 m = _mm_max_ps(_mm256_castps256_ps128(amax), _mm256_extractf128_ps(amax, 1));
        m = _mm_max_ps(m, _mm_movehl_ps(m, m));
        m = _mm_max_ss(m, _mm_movehdup_ps(m));
        const float d = _mm_cvtss_f32(m) / 127.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        y[i].d = fp32_to_fp16(d);
        const __m256 scale = _mm256_set1_ps(id);
        __m256i q[4];
        for (int j = 0; j < 4; ++j) q[j] = _mm256_cvtps_epi32(_mm256_mul_ps(v[j], scale));
        // int32 -> int16 -> int8 packs interleave 128-bit lanes; the permute restores element order.
        const __m256i q01 = _mm256_packs_epi32(q[0], q[1]);
        const __m256i q23 = _mm256_packs_epi32(q[2], q[3]);
        const __m256i q8 = _mm256_packs_epi16(q01, q23);
        const __m256i ordered = _mm256_permutevar8x32_epi32(q8, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(y[i].qs), ordered);
    }
}

SIGMA_TARGET_AVX2 void widen_f16_row_avx2(float* dst, const uint16_t* src, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i))));
    const float* table = fp16_table();
    for (; i < n; ++i) dst[i] = table[src[i]];
}

}  // namespace sigma

#else

namespace sigma {
// Not an x86 build: the AVX2 names fall back to the scalar kernels (never selected anyway).
float dot_f32_avx2(const float* a, const float* b, int64_t n) { return dot_f32_scalar(a, b, n); }
void dot_f32_tile4x3_avx2(const float* const rows[4], const float* const tokens[3], int64_t n, float out[12]) {
    for (int r = 0; r < 4; ++r)
        for (int t = 0; t < 3; ++t) out[r * 3 + t] = dot_f32_scalar(rows[r], tokens[t], n);
}
float dot_q8_0_avx2(const BlockQ8_0* w, const BlockQ8_0* x, int64_t n_blocks) {
    return dot_q8_0_scalar(w, x, n_blocks);
}
void dot_q8_0_tile4x2_avx2(const BlockQ8_0* const rows[4], const BlockQ8_0* const tokens[2], int64_t n_blocks,
                           float out[8]) {
    for (int r = 0; r < 4; ++r)
        for (int t = 0; t < 2; ++t) out[r * 2 + t] = dot_q8_0_scalar(rows[r], tokens[t], n_blocks);
}
void quantize_row_q8_0_avx2(const float* x, BlockQ8_0* y, int64_t n) { quantize_row(TensorType::Q8_0, x, y, n); }
float dot_f16_avx2(const uint16_t* w, const float* x, int64_t n) {
    float s = 0.0f;
    for (int64_t i = 0; i < n; ++i) s += fp16_to_fp32(w[i]) * x[i];
    return s;
}
float dot_bf16_avx2(const uint16_t* w, const float* x, int64_t n) {
    float s = 0.0f;
    for (int64_t i = 0; i < n; ++i) s += bf16_to_fp32(w[i]) * x[i];
    return s;
}
void widen_f16_row_avx2(float* dst, const uint16_t* src, int64_t n) { widen_f16_row(dst, src, n, fp16_table()); }
}  // namespace sigma

#endif
