// AVX-512 kernels of grouped attention: scores of up to four query heads per pass over the K rows,
// a vector exp for the softmax, and the V sum of up to four heads per pass over the V rows.
// Not selected here: ops_attention_group.cpp calls them only where cpu_features() has AVX-512 F.
#include "inference/ops_attention_group.h"

#include <cmath>

#include "inference/ops_attention.h"
#include "inference/simd_x86.h"

#if SIGMA_X86_SIMD

namespace sigma {

namespace {

constexpr int kHeadsPerPass = 4;  // query heads whose accumulators stay in registers together

template <bool F16>
SIGMA_TARGET_AVX512F inline __m512 load16(const void* base, int64_t offset) {
    if constexpr (F16)
        return _mm512_cvtph_ps(
            _mm256_loadu_si256(reinterpret_cast<const __m256i*>(static_cast<const uint16_t*>(base) + offset)));
    else return _mm512_loadu_ps(static_cast<const float*>(base) + offset);
}

template <int G, bool F16>
SIGMA_TARGET_AVX512F void scores_pass(const float* const* q, const KvRows& k, int d_k, int n_pos, float scale,
                                      float* const* s) {
    for (int p = 0; p < n_pos; ++p) {
        const int64_t row = p * k.row_stride;
        __m512 acc[G];
        for (int g = 0; g < G; ++g) acc[g] = _mm512_setzero_ps();
        for (int i = 0; i < d_k; i += 16) {
            const __m512 kv = load16<F16>(k.data, row + i);
            for (int g = 0; g < G; ++g) acc[g] = _mm512_fmadd_ps(_mm512_loadu_ps(q[g] + i), kv, acc[g]);
        }
        for (int g = 0; g < G; ++g) s[g][p] = _mm512_reduce_add_ps(acc[g]) * scale;
    }
}

// r[j] = sum of the 16 lanes of v[j], for 16 vectors at once: three rounds of pairwise shuffles and
// adds (45 operations instead of 16 separate reductions of about 8 each).
SIGMA_TARGET_AVX512F inline __m512 sum16(const __m512 v[16]) {
    __m512 t[8], u[4];
    for (int k = 0; k < 8; ++k)
        t[k] = _mm512_add_ps(_mm512_unpacklo_ps(v[2 * k], v[2 * k + 1]), _mm512_unpackhi_ps(v[2 * k], v[2 * k + 1]));
    for (int k = 0; k < 4; ++k)
        u[k] = _mm512_add_ps(_mm512_shuffle_ps(t[2 * k], t[2 * k + 1], _MM_SHUFFLE(1, 0, 1, 0)),
                             _mm512_shuffle_ps(t[2 * k], t[2 * k + 1], _MM_SHUFFLE(3, 2, 3, 2)));
    // u[k]'s 128-bit lane L holds lane-L partial sums of v[4k..4k+3]; add the four lanes across.
    const __m512 y01 = _mm512_add_ps(_mm512_shuffle_f32x4(u[0], u[1], 0x44), _mm512_shuffle_f32x4(u[0], u[1], 0xEE));
    const __m512 y23 = _mm512_add_ps(_mm512_shuffle_f32x4(u[2], u[3], 0x44), _mm512_shuffle_f32x4(u[2], u[3], 0xEE));
    return _mm512_add_ps(_mm512_shuffle_f32x4(y01, y23, 0x88), _mm512_shuffle_f32x4(y01, y23, 0xDD));
}

// Blocks of 16 positions: the block's K rows are widened once into kf, then each head's 16 dot
// products end in one sum16 instead of 16 reductions.
constexpr int kMaxBlockHead = 256;  // head sizes up to this take the block path

template <bool F16>
SIGMA_TARGET_AVX512F void scores_block16(const float* const* q, int n, const KvRows& k, int d_k, int p0, float scale,
                                         float* const* s) {
    alignas(64) float kf[16 * kMaxBlockHead];
    for (int j = 0; j < 16; ++j)
        for (int i = 0; i < d_k; i += 16)
            _mm512_store_ps(kf + j * d_k + i, load16<F16>(k.data, (p0 + j) * k.row_stride + i));
    const __m512 sc = _mm512_set1_ps(scale);
    for (int g = 0; g < n; ++g) {
        __m512 acc[16];
        for (int j = 0; j < 16; ++j) acc[j] = _mm512_setzero_ps();
        for (int i = 0; i < d_k; i += 16) {
            const __m512 qv = _mm512_loadu_ps(q[g] + i);
            for (int j = 0; j < 16; ++j) acc[j] = _mm512_fmadd_ps(qv, _mm512_load_ps(kf + j * d_k + i), acc[j]);
        }
        _mm512_storeu_ps(s[g] + p0, _mm512_mul_ps(sum16(acc), sc));
    }
}

template <bool F16>
SIGMA_TARGET_AVX512F void scores_any(const float* const* q, int n, const KvRows& k, int d_k, int n_pos, float scale,
                                     float* const* s) {
    int p0 = 0;
    if (d_k <= kMaxBlockHead)
        for (; p0 + 16 <= n_pos; p0 += 16) scores_block16<F16>(q, n, k, d_k, p0, scale, s);
    if (p0 == n_pos) return;
    // The last positions (fewer than 16), or every position of a very large head, one by one.
    const KvRows rest{static_cast<const uint8_t*>(k.data) + static_cast<size_t>(p0) * k.row_stride * (F16 ? 2 : 4),
                      k.type, k.row_stride};
    for (int g = 0; g < n; g += kHeadsPerPass) {
        float* out[kHeadsPerPass];
        for (int i = 0; i < kHeadsPerPass && g + i < n; ++i) out[i] = s[g + i] + p0;
        switch (n - g < kHeadsPerPass ? n - g : kHeadsPerPass) {
            case 1: scores_pass<1, F16>(q + g, rest, d_k, n_pos - p0, scale, out); break;
            case 2: scores_pass<2, F16>(q + g, rest, d_k, n_pos - p0, scale, out); break;
            case 3: scores_pass<3, F16>(q + g, rest, d_k, n_pos - p0, scale, out); break;
            default: scores_pass<4, F16>(q + g, rest, d_k, n_pos - p0, scale, out); break;
        }
    }
}

// e^x for x <= 0 (softmax inputs have the max subtracted): x = n ln2 + r with |r| <= ln2/2, e^r by
// its degree-7 Taylor polynomial (relative error < 2e-9 before rounding), times 2^n by scalef.
// Below -104 the result is 0, as expf's underflows to.
SIGMA_TARGET_AVX512F inline __m512 exp_nonpositive(__m512 x) {
    x = _mm512_max_ps(x, _mm512_set1_ps(-104.0f));
    const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                          _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693145751953125f), x);  // ln2 split: hi has 16 bits
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(1.4286068203094172e-06f), r);
    __m512 p = _mm512_set1_ps(1.0f / 5040);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 720));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    return _mm512_scalef_ps(p, n);
}

template <int G, int NJ, bool F16>
SIGMA_TARGET_AVX512F void wsum_pass(float* const* out, const float* const* a, const KvRows& v, int offset, int n_pos) {
    __m512 acc[G][NJ];
    for (int g = 0; g < G; ++g)
        for (int j = 0; j < NJ; ++j) acc[g][j] = _mm512_setzero_ps();
    for (int p = 0; p < n_pos; ++p) {
        const int64_t row = p * v.row_stride + offset;
        __m512 vv[NJ];
        for (int j = 0; j < NJ; ++j) vv[j] = load16<F16>(v.data, row + 16 * j);
        for (int g = 0; g < G; ++g) {
            const __m512 w = _mm512_set1_ps(a[g][p]);
            for (int j = 0; j < NJ; ++j) acc[g][j] = _mm512_fmadd_ps(w, vv[j], acc[g][j]);
        }
    }
    for (int g = 0; g < G; ++g)
        for (int j = 0; j < NJ; ++j) _mm512_storeu_ps(out[g] + offset + 16 * j, acc[g][j]);
}

template <int G, bool F16>
SIGMA_TARGET_AVX512F void wsum_heads(float* const* out, const float* const* a, const KvRows& v, int d_v, int n_pos) {
    // 64 output columns (four registers per head) per pass over the rows, then the remainder.
    int offset = 0;
    for (; offset + 64 <= d_v; offset += 64) wsum_pass<G, 4, F16>(out, a, v, offset, n_pos);
    switch ((d_v - offset) / 16) {
        case 1: wsum_pass<G, 1, F16>(out, a, v, offset, n_pos); break;
        case 2: wsum_pass<G, 2, F16>(out, a, v, offset, n_pos); break;
        case 3: wsum_pass<G, 3, F16>(out, a, v, offset, n_pos); break;
        default: break;
    }
}

template <bool F16>
SIGMA_TARGET_AVX512F void wsum_any(float* const* out, const float* const* a, int n, const KvRows& v, int d_v,
                                   int n_pos) {
    for (int g = 0; g < n; g += kHeadsPerPass) {
        switch (n - g < kHeadsPerPass ? n - g : kHeadsPerPass) {
            case 1: wsum_heads<1, F16>(out + g, a + g, v, d_v, n_pos); break;
            case 2: wsum_heads<2, F16>(out + g, a + g, v, d_v, n_pos); break;
            case 3: wsum_heads<3, F16>(out + g, a + g, v, d_v, n_pos); break;
            default: wsum_heads<4, F16>(out + g, a + g, v, d_v, n_pos); break;
        }
    }
}

}  // namespace

SIGMA_TARGET_AVX512F void kv_scores_avx512(const float* const* q, int n_q_heads, const KvRows& k, int d_k, int n_pos,
                                           float scale, float* const* s) {
    if (k.type == KvType::F16) scores_any<true>(q, n_q_heads, k, d_k, n_pos, scale, s);
    else scores_any<false>(q, n_q_heads, k, d_k, n_pos, scale, s);
}

SIGMA_TARGET_AVX512F void softmax_avx512(float* s, int n) {
    const int full = n - n % 16;
    const __mmask16 tail = static_cast<__mmask16>((1u << (n % 16)) - 1);
    __m512 m = _mm512_set1_ps(-INFINITY);
    for (int p = 0; p < full; p += 16) m = _mm512_max_ps(m, _mm512_loadu_ps(s + p));
    m = _mm512_mask_max_ps(m, tail, m, _mm512_maskz_loadu_ps(tail, s + full));
    const __m512 max = _mm512_set1_ps(_mm512_reduce_max_ps(m));
    __m512 sum = _mm512_setzero_ps();
    for (int p = 0; p < full; p += 16) {
        const __m512 e = exp_nonpositive(_mm512_sub_ps(_mm512_loadu_ps(s + p), max));
        _mm512_storeu_ps(s + p, e);
        sum = _mm512_add_ps(sum, e);
    }
    if (tail) {
        const __m512 e = exp_nonpositive(_mm512_sub_ps(_mm512_maskz_loadu_ps(tail, s + full), max));
        _mm512_mask_storeu_ps(s + full, tail, e);
        sum = _mm512_mask_add_ps(sum, tail, sum, e);
    }
    const __m512 inv = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(sum));
    for (int p = 0; p < full; p += 16) _mm512_storeu_ps(s + p, _mm512_mul_ps(_mm512_loadu_ps(s + p), inv));
    if (tail) _mm512_mask_storeu_ps(s + full, tail, _mm512_mul_ps(_mm512_maskz_loadu_ps(tail, s + full), inv));
}

SIGMA_TARGET_AVX512F void kv_weighted_sum_avx512(float* const* out, const float* const* a, int n_heads, const KvRows& v,
                                                 int d_v, int n_pos) {
    if (v.type == KvType::F16) wsum_any<true>(out, a, n_heads, v, d_v, n_pos);
    else wsum_any<false>(out, a, n_heads, v, d_v, n_pos);
}

}  // namespace sigma

#else

namespace sigma {
// Without x86 intrinsics the AVX-512 path is never available; these keep the link whole.
void kv_scores_avx512(const float* const* q, int n_q_heads, const KvRows& k, int d_k, int n_pos, float scale,
                      float* const* s) {
    for (int g = 0; g < n_q_heads; ++g)
        for (int p = 0; p < n_pos; ++p) s[g][p] = kv_dot(q[g], k, p, d_k) * scale;
}
void softmax_avx512(float* s, int n) {
    float m = -INFINITY, sum = 0;
    for (int p = 0; p < n; ++p) m = s[p] > m ? s[p] : m;
    for (int p = 0; p < n; ++p) sum += (s[p] = std::exp(s[p] - m));
    for (int p = 0; p < n; ++p) s[p] /= sum;
}
void kv_weighted_sum_avx512(float* const* out, const float* const* a, int n_heads, const KvRows& v, int d_v,
                            int n_pos) {
    for (int g = 0; g < n_heads; ++g) {
        for (int i = 0; i < d_v; ++i) out[g][i] = 0;
        for (int p = 0; p < n_pos; ++p) kv_axpy(out[g], a[g][p], v, p, d_v);
    }
}
}  // namespace sigma

#endif
