// AVX2/FMA/F16C dot products for matmul, compiled with target attributes so one binary still runs
// on CPUs without them (matmul_default_path picks this only when cpu_features() reports them).
// Not AVX-512: that path would be its own file beside this one.
#include <cstdint>

#include "inference/ops_convert.h"
#include "inference/ops_matmul.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define SIGMA_AVX2 __attribute__((target("avx2,fma,f16c")))

namespace sigma {

namespace {
SIGMA_AVX2 inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}
}  // namespace

SIGMA_AVX2 float dot_f32_avx2(const float* a, const float* b, int64_t n) {
    // One accumulator over 8-wide chunks in order: the tile below repeats this exactly per pair.
    __m256 acc = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc);
    float s = hsum(acc);
    for (; i < n; ++i) s += a[i] * b[i];
    return s;
}

SIGMA_AVX2 void dot_f32_tile4x3_avx2(const float* const rows[4], const float* const tokens[3], int64_t n,
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
            float s = hsum(acc[r * 3 + t]);
            for (int64_t j = i; j < n; ++j) s += rows[r][j] * tokens[t][j];
            out[r * 3 + t] = s;
        }
    }
}

SIGMA_AVX2 float dot_q8_0_avx2(const BlockQ8_0* w, const BlockQ8_0* x, int64_t n_blocks) {
    const float* table = fp16_table();
    __m256 acc = _mm256_setzero_ps();
    const __m256i ones = _mm256_set1_epi16(1);
    for (int64_t b = 0; b < n_blocks; ++b) {
        const __m256i qw = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w[b].qs));
        const __m256i qx = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[b].qs));
        // maddubs needs an unsigned left operand: |qw| and qx carrying qw's sign give the same products.
        const __m256i aw = _mm256_sign_epi8(qw, qw);
        const __m256i sx = _mm256_sign_epi8(qx, qw);
        const __m256i p16 = _mm256_maddubs_epi16(aw, sx);  // pairs of products fit int16 for q in [-127, 127], as quantize_row writes (-128 saturates, no crash)
        const __m256i p32 = _mm256_madd_epi16(p16, ones);
        const __m256 d = _mm256_set1_ps(table[w[b].d] * table[x[b].d]);
        acc = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(p32), acc);
    }
    return hsum(acc);
}

SIGMA_AVX2 void widen_f16_row_avx2(float* dst, const uint16_t* src, int64_t n) {
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
float dot_q8_0_avx2(const BlockQ8_0* w, const BlockQ8_0* x, int64_t n_blocks) { return dot_q8_0_scalar(w, x, n_blocks); }
void widen_f16_row_avx2(float* dst, const uint16_t* src, int64_t n) { widen_f16_row(dst, src, n, fp16_table()); }
}  // namespace sigma

#endif
