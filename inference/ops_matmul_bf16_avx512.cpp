// BF16 weights on AVX512_BF16: activations rounded to bf16 once per token, then vdpbf16ps sums two
// bf16 products per float lane: a row dot for decode, and for prefill 32-row panels transposed
// chunk by chunk (pairs of inputs of 16 rows per register) under a 32-row x 4-token tile.
// Not F16: this CPU family has no half-precision dot product, so F16 stays on the AVX2 kernels.
#include <algorithm>
#include <cstdint>
#include <cstring>

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

constexpr int64_t kChunkInputs = 256;  // inputs per pass: 32 rows of them are 16 KB, which stay in L1

SIGMA_TARGET_AVX512_BF16 inline __m512bh as_bh(__m512i v) { return reinterpret_cast<__m512bh&>(v); }

// y[t][0..31] (+)= the panel chunk's 32 rows . token t0 + t over pairs [0, n_pairs) of the chunk
// starting at input i0; chunk holds pair k of group g at (2k + g) * 64 bytes.
template <int T>
SIGMA_TARGET_AVX512_BF16 void tile(const uint8_t* chunk, int64_t n_pairs, const uint16_t* xb, int64_t in, int64_t t0,
                                   int64_t i0, float* y, int64_t out, __mmask16 m0, __mmask16 m1, bool add) {
    __m512 acc[2][T];
    tile_sums_load<T>(acc, y + t0 * out, out, m0, m1, add);
    for (int64_t k = 0; k < n_pairs; ++k) {
        const __m512bh w0 = as_bh(_mm512_loadu_si512(chunk + k * 128));
        const __m512bh w1 = as_bh(_mm512_loadu_si512(chunk + k * 128 + 64));
#pragma GCC unroll 4
        for (int t = 0; t < T; ++t) {
            int32_t pair;
            std::memcpy(&pair, xb + (t0 + t) * in + i0 + 2 * k, 4);
            const __m512bh xv = as_bh(_mm512_set1_epi32(pair));
            acc[0][t] = _mm512_dpbf16_ps(acc[0][t], w0, xv);
            acc[1][t] = _mm512_dpbf16_ps(acc[1][t], w1, xv);
        }
    }
    tile_sums_store<T>(acc, y + t0 * out, out, m0, m1);
}

}  // namespace

SIGMA_TARGET_AVX512_BF16 void round_row_bf16_avx512(const float* x, uint16_t* y, int64_t n) {
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m256bh h = _mm512_cvtneps_pbh(_mm512_loadu_ps(x + i));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(y + i), reinterpret_cast<const __m256i&>(h));
    }
    for (; i < n; ++i) y[i] = fp32_to_bf16(x[i]);
}

SIGMA_TARGET_AVX512_BF16 float dot_bf16_bf16_avx512(const uint16_t* w, const uint16_t* x, int64_t n) {
    __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
    int64_t i = 0;
    for (; i + 64 <= n; i += 64) {
        acc0 = _mm512_dpbf16_ps(acc0, as_bh(_mm512_loadu_si512(w + i)), as_bh(_mm512_loadu_si512(x + i)));
        acc1 = _mm512_dpbf16_ps(acc1, as_bh(_mm512_loadu_si512(w + i + 32)), as_bh(_mm512_loadu_si512(x + i + 32)));
    }
    for (; i + 32 <= n; i += 32)
        acc0 = _mm512_dpbf16_ps(acc0, as_bh(_mm512_loadu_si512(w + i)), as_bh(_mm512_loadu_si512(x + i)));
    float s = _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
    for (; i < n; ++i) s += bf16_to_fp32(w[i]) * bf16_to_fp32(x[i]);
    return s;
}

SIGMA_TARGET_AVX512_BF16 void gemm_bf16_avx512(float* y, const TensorView& w, const uint16_t* xb, int64_t n_tokens,
                                               ThreadPool& pool, uint8_t* row_scratch) {
    const int64_t in = w.ne[0], out = w.rows();
    const size_t stride = row_bytes(w.type, in);
    const auto* base = static_cast<const uint8_t*>(w.data);
    for_each_panel(out, in, pool, row_scratch, [&](uint8_t* chunk, int64_t r0, int n_rows, PanelMasks masks) {
        for (int64_t c0 = 0; c0 < in; c0 += kChunkInputs) {
            const int64_t c1 = std::min<int64_t>(in, c0 + kChunkInputs);
            // the chunk's 32 rows, transposed: 16 inputs (32 bytes) of 16 rows at a time
            for (int g = 0; g < 2; ++g)
                for (int64_t c = 0; c < (c1 - c0) / 16; ++c) {
                    const uint8_t* rows[kPanelGroup];
                    panel_group_rows(base, stride, r0, n_rows, g, static_cast<size_t>(2 * (c0 + 16 * c)), rows);
                    panel_transpose_16x32(rows, chunk + (16 * c + g) * 64, 128);
                }
            const bool add = c0 > 0;
            for_each_token_tile(n_tokens, [&](auto tile_tokens, int64_t t0) {
                tile<decltype(tile_tokens)::value>(chunk, (c1 - c0) / 2, xb, in, t0, c0, y + r0, out, masks.group0,
                                                   masks.group1, add);
            });
        }
    });
}

}  // namespace sigma

#else

namespace sigma {
// Without x86 intrinsics the AVX512_BF16 path is never available, so these are never called.
void round_row_bf16_avx512(const float*, uint16_t*, int64_t) {}
float dot_bf16_bf16_avx512(const uint16_t*, const uint16_t*, int64_t) { return 0.0f; }
void gemm_bf16_avx512(float*, const TensorView&, const uint16_t*, int64_t, ThreadPool&, uint8_t*) {}
}  // namespace sigma

#endif
