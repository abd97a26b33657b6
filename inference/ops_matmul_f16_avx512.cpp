// F16, BF16 and F32 weights on AVX-512 with float activations: row dots for decode with four
// independent accumulators (the AVX2 dot's single chain waits on every multiply-add), and for prefill
// 32-row panels widened to float and transposed chunk by chunk (one input of 16 rows per register)
// under a 32-row x 4-token tile of multiply-adds with broadcast activations.
// Not BF16 with AVX512_BF16 (ops_matmul_bf16_avx512.cpp), whose dot product instruction wins there.
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "inference/ops_convert.h"
#include "inference/ops_gemm.h"
#include "inference/ops_gemm_panel_avx512.h"
#include "inference/ops_gemm_tile_x86.h"
#include "inference/ops_matmul.h"
#include "inference/simd_x86.h"
#include "inference/tensor_types.h"
#include "inference/thread_pool.h"

#if SIGMA_X86_SIMD

namespace sigma {

namespace {

constexpr int64_t kChunkInputs = 128;  // inputs per pass: 32 rows of them in float are 16 KB, in L1

// 16 inputs of 16 rows (row r at rows[r], null = zeros) as 16 registers of 16 rows: register i holds
// input i of every row, stored at dst + i * step bytes.
template <TensorType W>
SIGMA_TARGET_AVX512_VNNI inline __m512 widen16(const uint8_t* row) {
    if constexpr (W == TensorType::F16)
        return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(row)));
    if constexpr (W == TensorType::BF16)
        return _mm512_castsi512_ps(
            _mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(row))), 16));
    return _mm512_loadu_ps(reinterpret_cast<const float*>(row));
}

template <TensorType W>
SIGMA_TARGET_AVX512_VNNI void widen_transpose_16x16(const uint8_t* const rows[16], uint8_t* dst, int64_t step) {
    __m512 r[16];
    for (int i = 0; i < 16; ++i) r[i] = rows[i] ? widen16<W>(rows[i]) : _mm512_setzero_ps();
    // 4 x 4 blocks of 4 x 4: transpose inside each 128-bit lane, then move the lanes.
    __m512 t[16];
    for (int i = 0; i < 16; i += 4) {
        const __m512 a = _mm512_unpacklo_ps(r[i], r[i + 1]), b = _mm512_unpackhi_ps(r[i], r[i + 1]);
        const __m512 c = _mm512_unpacklo_ps(r[i + 2], r[i + 3]), d = _mm512_unpackhi_ps(r[i + 2], r[i + 3]);
        t[i] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(a), _mm512_castps_pd(c)));
        t[i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(a), _mm512_castps_pd(c)));
        t[i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(b), _mm512_castps_pd(d)));
        t[i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(b), _mm512_castps_pd(d)));
    }
    // t[4q + j] lane l holds input 4l + j of rows 4q..4q+3; gather lane l of the four q for input 4l + j.
    for (int j = 0; j < 4; ++j) {
        const __m512 lo01 = _mm512_shuffle_f32x4(t[j], t[4 + j], 0x44);       // lanes 0,1 of q0 | of q1
        const __m512 hi01 = _mm512_shuffle_f32x4(t[j], t[4 + j], 0xEE);       // lanes 2,3 of q0 | of q1
        const __m512 lo23 = _mm512_shuffle_f32x4(t[8 + j], t[12 + j], 0x44);  // lanes 0,1 of q2 | of q3
        const __m512 hi23 = _mm512_shuffle_f32x4(t[8 + j], t[12 + j], 0xEE);
        _mm512_storeu_ps(reinterpret_cast<float*>(dst + (j + 0) * step), _mm512_shuffle_f32x4(lo01, lo23, 0x88));
        _mm512_storeu_ps(reinterpret_cast<float*>(dst + (j + 4) * step), _mm512_shuffle_f32x4(lo01, lo23, 0xDD));
        _mm512_storeu_ps(reinterpret_cast<float*>(dst + (j + 8) * step), _mm512_shuffle_f32x4(hi01, hi23, 0x88));
        _mm512_storeu_ps(reinterpret_cast<float*>(dst + (j + 12) * step), _mm512_shuffle_f32x4(hi01, hi23, 0xDD));
    }
}

// y[t][0..31] (+)= the chunk's 32 rows . token t0 + t over its n inputs starting at i0; the chunk holds
// input k of group g at (2k + g) * 64 bytes.
template <int T>
SIGMA_TARGET_AVX512_VNNI void tile(const uint8_t* chunk, int64_t n, const float* x, int64_t in, int64_t t0, int64_t i0,
                                   float* y, int64_t out, __mmask16 m0, __mmask16 m1, bool add) {
    __m512 acc[2][T];
    tile_sums_load<T>(acc, y + t0 * out, out, m0, m1, add);
    const float* xt = x + t0 * in + i0;
#pragma GCC unroll 4
    for (int64_t k = 0; k < n; ++k) {
        const __m512 w0 = _mm512_loadu_ps(reinterpret_cast<const float*>(chunk + k * 128));
        const __m512 w1 = _mm512_loadu_ps(reinterpret_cast<const float*>(chunk + k * 128 + 64));
#pragma GCC unroll 4
        for (int t = 0; t < T; ++t) {
            const __m512 xv = _mm512_set1_ps(xt[t * in + k]);
            acc[0][t] = _mm512_fmadd_ps(w0, xv, acc[0][t]);
            acc[1][t] = _mm512_fmadd_ps(w1, xv, acc[1][t]);
        }
    }
    tile_sums_store<T>(acc, y + t0 * out, out, m0, m1);
}

// Four chains of 16 products, then the tail in order.
template <TensorType W>
SIGMA_TARGET_AVX512_VNNI float dot_half(const uint16_t* w, const float* x, int64_t n) {
    __m512 acc[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
    const auto* bytes = reinterpret_cast<const uint8_t*>(w);
    int64_t i = 0;
    for (; i + 64 <= n; i += 64)
        for (int j = 0; j < 4; ++j)
            acc[j] = _mm512_fmadd_ps(widen16<W>(bytes + 2 * (i + 16 * j)), _mm512_loadu_ps(x + i + 16 * j), acc[j]);
    for (; i + 16 <= n; i += 16) acc[0] = _mm512_fmadd_ps(widen16<W>(bytes + 2 * i), _mm512_loadu_ps(x + i), acc[0]);
    float s = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(acc[0], acc[1]), _mm512_add_ps(acc[2], acc[3])));
    for (; i < n; ++i) s += (W == TensorType::F16 ? fp16_to_fp32(w[i]) : bf16_to_fp32(w[i])) * x[i];
    return s;
}

}  // namespace

SIGMA_TARGET_AVX512_VNNI float dot_f16_avx512(const uint16_t* w, const float* x, int64_t n) {
    return dot_half<TensorType::F16>(w, x, n);
}
SIGMA_TARGET_AVX512_VNNI float dot_bf16_avx512(const uint16_t* w, const float* x, int64_t n) {
    return dot_half<TensorType::BF16>(w, x, n);
}

SIGMA_TARGET_AVX512_VNNI void gemm_f16_avx512(float* y, const TensorView& w, const float* x, int64_t n_tokens,
                                              ThreadPool& pool, uint8_t* row_scratch) {
    const int64_t in = w.ne[0], out = w.rows();
    const size_t stride = row_bytes(w.type, in), elem = w.type == TensorType::F32 ? 4 : 2;
    const auto* base = static_cast<const uint8_t*>(w.data);
    for_each_panel(out, in, pool, row_scratch, [&](uint8_t* chunk, int64_t r0, int n_rows, PanelMasks masks) {
        for (int64_t c0 = 0; c0 < in; c0 += kChunkInputs) {
            const int64_t c1 = std::min<int64_t>(in, c0 + kChunkInputs);
            for (int g = 0; g < 2; ++g)
                for (int64_t c = c0; c < c1; c += 16) {
                    const uint8_t* rows[kPanelGroup];
                    panel_group_rows(base, stride, r0, n_rows, g, static_cast<size_t>(c) * elem, rows);
                    uint8_t* dst = chunk + (2 * (c - c0) + g) * 64;
                    if (w.type == TensorType::F16) widen_transpose_16x16<TensorType::F16>(rows, dst, 128);
                    else if (w.type == TensorType::BF16) widen_transpose_16x16<TensorType::BF16>(rows, dst, 128);
                    else widen_transpose_16x16<TensorType::F32>(rows, dst, 128);
                }
            const bool add = c0 > 0;
            for_each_token_tile(n_tokens, [&](auto tile_tokens, int64_t t0) {
                tile<decltype(tile_tokens)::value>(chunk, c1 - c0, x, in, t0, c0, y + r0, out, masks.group0,
                                                   masks.group1, add);
            });
        }
    });
}

}  // namespace sigma

#else

namespace sigma {
// Without x86 intrinsics the AVX-512 path is never available, so these are never called.
float dot_f16_avx512(const uint16_t*, const float*, int64_t) { return 0.0f; }
float dot_bf16_avx512(const uint16_t*, const float*, int64_t) { return 0.0f; }
void gemm_f16_avx512(float*, const TensorView&, const float*, int64_t, ThreadPool&, uint8_t*) {}
}  // namespace sigma

#endif
