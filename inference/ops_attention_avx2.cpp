// AVX2/FMA/F16C versions of the attention inner loops (q·K row, out += a·V row), F32 and F16 rows.
// Not selected here: ops_attention.cpp picks them once when cpu_features() reports AVX2, FMA and F16C.
#include "inference/ops_attention.h"
#include "inference/ops_convert.h"
#include "inference/simd_x86.h"

#if SIGMA_X86_SIMD

namespace sigma {

SIGMA_TARGET_AVX2 float kv_dot_avx2(const float* q, const KvRows& rows, int64_t p, int n) {
    __m256 acc = _mm256_setzero_ps();
    int i = 0;
    float s;
    if (rows.type == KvType::F32) {
        const float* r = static_cast<const float*>(rows.data) + p * rows.row_stride;
        for (; i + 8 <= n; i += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), _mm256_loadu_ps(r + i), acc);
        s = hsum_ps(acc);
        for (; i < n; ++i) s += q[i] * r[i];
    } else {
        const uint16_t* r = static_cast<const uint16_t*>(rows.data) + p * rows.row_stride;
        for (; i + 8 <= n; i += 8) {
            const __m256 k = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(r + i)));
            acc = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), k, acc);
        }
        s = hsum_ps(acc);
        const float* table = fp16_table();
        for (; i < n; ++i) s += q[i] * table[r[i]];
    }
    return s;
}

SIGMA_TARGET_AVX2 void kv_axpy_avx2(float* out, float w, const KvRows& rows, int64_t p, int n) {
    const __m256 wv = _mm256_set1_ps(w);
    int i = 0;
    if (rows.type == KvType::F32) {
        const float* r = static_cast<const float*>(rows.data) + p * rows.row_stride;
        for (; i + 8 <= n; i += 8)
            _mm256_storeu_ps(out + i, _mm256_fmadd_ps(wv, _mm256_loadu_ps(r + i), _mm256_loadu_ps(out + i)));
        for (; i < n; ++i) out[i] += w * r[i];
    } else {
        const uint16_t* r = static_cast<const uint16_t*>(rows.data) + p * rows.row_stride;
        for (; i + 8 <= n; i += 8) {
            const __m256 v = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(r + i)));
            _mm256_storeu_ps(out + i, _mm256_fmadd_ps(wv, v, _mm256_loadu_ps(out + i)));
        }
        const float* table = fp16_table();
        for (; i < n; ++i) out[i] += w * table[r[i]];
    }
}

}  // namespace sigma

#else

namespace sigma {
float kv_dot_avx2(const float* q, const KvRows& rows, int64_t p, int n) { return kv_dot(q, rows, p, n); }
void kv_axpy_avx2(float* out, float w, const KvRows& rows, int64_t p, int n) { kv_axpy(out, w, rows, p, n); }
}  // namespace sigma

#endif
