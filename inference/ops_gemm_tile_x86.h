// What the AVX-512 GEMMs share: the walk over 32-row panels and over token tiles, and the 32-row x
// T-token float sums, loaded from y (or zero) before a chunk of inputs and stored back under the
// panel's row masks.
// Not a tile: each weight format multiplies its own way (ops_gemm_avx512.cpp, ops_matmul_*_avx512.cpp).
#pragma once

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "inference/ops_gemm.h"
#include "inference/ops_gemm_panel_avx512.h"
#include "inference/simd_x86.h"
#include "inference/thread_pool.h"

namespace sigma {

// fn(scratch, r0, n_rows, masks) for each 32-row panel of `out` rows, panels split over the pool;
// scratch is the calling thread's gemm_rows_bytes(in) of row_scratch.
template <typename Fn>
inline void for_each_panel(int64_t out, int64_t in, ThreadPool& pool, uint8_t* row_scratch, Fn fn) {
    const int64_t n_panels = (out + kPanelRows - 1) / kPanelRows;
    pool.parallel_for(n_panels, [&](int64_t p0, int64_t p1, int thread) {
        uint8_t* scratch = row_scratch + static_cast<size_t>(thread) * gemm_rows_bytes(in);
        for (int64_t pi = p0; pi < p1; ++pi) {
            const int64_t r0 = pi * kPanelRows;
            const int n_rows = static_cast<int>(std::min<int64_t>(kPanelRows, out - r0));
            fn(scratch, r0, n_rows, panel_masks(n_rows));
        }
    });
}

constexpr int kGemmTileTokens = 4;  // tokens of every GEMM's register tile (with a panel's 32 rows)

// run(std::integral_constant<int, T>, t0) for every token tile: whole tiles, then the rest.
template <typename Run>
inline void for_each_token_tile(int64_t n_tokens, Run run) {
    int64_t t0 = 0;
    for (; t0 + kGemmTileTokens <= n_tokens; t0 += kGemmTileTokens)
        run(std::integral_constant<int, kGemmTileTokens>{}, t0);
    switch (n_tokens - t0) {
        case 1: run(std::integral_constant<int, 1>{}, t0); break;
        case 2: run(std::integral_constant<int, 2>{}, t0); break;
        case 3: run(std::integral_constant<int, 3>{}, t0); break;
        default: break;
    }
}

}  // namespace sigma

#if SIGMA_X86_SIMD

namespace sigma {

// acc[g][t] = rows 16g..16g+15 of token t at y + t * out (y already at the tile's first token and
// the panel's first row), or zero where this is the first chunk.
template <int T>
SIGMA_TARGET_AVX512F inline void tile_sums_load(__m512 acc[2][T], const float* y, int64_t out, __mmask16 m0,
                                                __mmask16 m1, bool add) {
#pragma GCC unroll 4
    for (int t = 0; t < T; ++t) {
        acc[0][t] = add ? _mm512_maskz_loadu_ps(m0, y + t * out) : _mm512_setzero_ps();
        acc[1][t] = add ? _mm512_maskz_loadu_ps(m1, y + t * out + 16) : _mm512_setzero_ps();
    }
}

template <int T>
SIGMA_TARGET_AVX512F inline void tile_sums_store(const __m512 acc[2][T], float* y, int64_t out, __mmask16 m0,
                                                 __mmask16 m1) {
#pragma GCC unroll 4
    for (int t = 0; t < T; ++t) {
        _mm512_mask_storeu_ps(y + t * out, m0, acc[0][t]);
        _mm512_mask_storeu_ps(y + t * out + 16, m1, acc[1][t]);
    }
}

}  // namespace sigma

#endif
