// The AVX-512 VNNI prefill GEMM: activations packed per token, weights in 32-row panels
// (ops_gemm_panel_avx512.h), and a 32-row x 4-token register tile over them.
// Not chosen here: matmul (ops_matmul.cpp) calls it for batches of kGemmMinTokens or more.
#include "inference/ops_gemm.h"

#include <algorithm>
#include <cstring>

#include "inference/ops_convert.h"
#include "inference/ops_gemm_panel_avx512.h"
#include "inference/ops_gemm_tile_x86.h"
#include "inference/ops_matmul.h"
#include "inference/quant_k.h"
#include "inference/simd_x86.h"
#include "inference/tensor_types.h"
#include "inference/thread_pool.h"

namespace sigma {

bool gemm_supports(TensorType type, int64_t in) {
    if (in <= 0 || in % 32 != 0) return false;
    switch (type) {
        case TensorType::Q8_0:
        case TensorType::Q4_0: return true;
        case TensorType::Q4_K:
        case TensorType::Q5_K:
        case TensorType::Q6_K: return in % kQKBlockSize == 0;
        default: return false;
    }
}

// q, then per block (at most in / 16): the integer start, the scale and the offset sum.
size_t gemm_token_bytes(int64_t in) {
    const size_t n = static_cast<size_t>(in);
    return std::max(2 * n, (n + (n / 16) * 12 + 63) / 64 * 64);  // or the bf16 activations
}
size_t gemm_rows_bytes(int64_t in) { return panel_bytes(in); }

}  // namespace sigma

#if SIGMA_X86_SIMD

namespace sigma {

namespace {

constexpr int64_t kChunkInputs = 512;  // inputs per pass: the panel's 16 KB of them stay in L1

// One token's activations for the tile: q (in signed bytes), then per weight block b: start[b], the
// integer the block's sum begins at (-offset_x * sum of its q), sx[b], the activation scale, and
// ox[b], the sum of its q as a float (for the min offsets of Q4_K/Q5_K).
struct Tokens {
    const uint8_t* base;
    size_t stride;
    int64_t in, n_blocks;
    const int8_t* q(int64_t t) const { return reinterpret_cast<const int8_t*>(base + t * stride); }
    const int32_t* start(int64_t t) const { return reinterpret_cast<const int32_t*>(base + t * stride + in); }
    const float* sx(int64_t t) const { return reinterpret_cast<const float*>(start(t) + n_blocks); }
    const float* ox(int64_t t) const { return sx(t) + n_blocks; }
};

SIGMA_TARGET_AVX512_VNNI void pack_token_q8_0(const BlockQ8_0* b, const PanelFormat& f, const Tokens& x, int64_t t) {
    const float* table = fp16_table();
    auto* q = const_cast<int8_t*>(x.q(t));
    auto* start = const_cast<int32_t*>(x.start(t));
    auto* sx = const_cast<float*>(x.sx(t));
    for (int64_t i = 0; i < x.n_blocks; ++i) {
        std::memcpy(q + 32 * i, b[i].qs, 32);
        int sum = 0;
        for (int j = 0; j < 32; ++j) sum += b[i].qs[j];
        start[i] = -f.offset_x * sum;
        sx[i] = table[b[i].d];
    }
}

SIGMA_TARGET_AVX512_VNNI void pack_token_q8_k(const BlockQ8_K* b, const PanelFormat& f, const Tokens& x, int64_t t) {
    auto* q = const_cast<int8_t*>(x.q(t));
    auto* start = const_cast<int32_t*>(x.start(t));
    auto* sx = const_cast<float*>(x.sx(t));
    auto* ox = const_cast<float*>(x.ox(t));
    const int per = kQKBlockSize / f.block;  // weight blocks per super-block: 8 or 16
    for (int64_t i = 0; i < x.in / kQKBlockSize; ++i) {
        std::memcpy(q + kQKBlockSize * i, b[i].qs, kQKBlockSize);
        for (int j = 0; j < per; ++j) {
            const int64_t k = per * i + j;
            const int sum = f.block == 16 ? b[i].bsums[j] : b[i].bsums[2 * j] + b[i].bsums[2 * j + 1];
            start[k] = -f.offset_x * sum;
            sx[k] = b[i].d;
            ox[k] = static_cast<float>(sum);  // unscaled: tile_k applies sx once per super-block
        }
    }
}

// sum[g][t] = the integer sums of weight block b (B inputs) for row group g and token t0 + t: the
// token's start value plus B / 4 vpdpbusd, each 4 weights of 16 rows times 4 broadcast bytes.
template <int T, int B>
SIGMA_TARGET_AVX512_VNNI inline void block_sums(const Panel& p, const Tokens& x, int64_t t0, int64_t b,
                                                __m512i sum[2][T]) {
#pragma GCC unroll 4
    for (int t = 0; t < T; ++t) sum[0][t] = sum[1][t] = _mm512_set1_epi32(x.start(t0 + t)[b]);
    const uint8_t* wq = p.q + b * B * 32;
#pragma GCC unroll 8
    for (int k = 0; k < B / 4; ++k) {
        const __m512i w0 = _mm512_loadu_si512(wq + k * 128);
        const __m512i w1 = _mm512_loadu_si512(wq + k * 128 + 64);
#pragma GCC unroll 4
        for (int t = 0; t < T; ++t) {
            int32_t word;
            std::memcpy(&word, x.q(t0 + t) + b * B + 4 * k, 4);
            const __m512i xv = _mm512_set1_epi32(word);
            sum[0][t] = _mm512_dpbusd_epi32(sum[0][t], w0, xv);
            sum[1][t] = _mm512_dpbusd_epi32(sum[1][t], w1, xv);
        }
    }
}

// y[t][r0 + r] (+)= row r of the panel . token t0 + t, for T tokens, 32 rows and inputs [i0, i1)
// (whole blocks), Q8_0 activations (a scale per 32). Each block's integer sums start at the token's
// start value and take 8 vpdpbusd per row group and token; then one convert and one multiply-add by
// ws * sx move them to the float sums, which are 16 rows wide and so are stored without any
// horizontal reduction.
template <int T>
SIGMA_TARGET_AVX512_VNNI void tile(const Panel& p, const Tokens& x, int64_t t0, int64_t i0, int64_t i1, float* y,
                                   int64_t out, __mmask16 m0, __mmask16 m1, bool add) {
    constexpr int B = 32;
    __m512 acc[2][T];
    tile_sums_load<T>(acc, y + t0 * out, out, m0, m1, add);
    for (int64_t b = i0 / B; b < i1 / B; ++b) {
        __m512i sum[2][T];
        block_sums<T, B>(p, x, t0, b, sum);
        const __m512 ws0 = _mm512_loadu_ps(p.ws + b * 32), ws1 = _mm512_loadu_ps(p.ws + b * 32 + 16);
#pragma GCC unroll 4
        for (int t = 0; t < T; ++t) {
            const __m512 sx = _mm512_set1_ps(x.sx(t0 + t)[b]);
            acc[0][t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sum[0][t]), _mm512_mul_ps(ws0, sx), acc[0][t]);
            acc[1][t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sum[1][t]), _mm512_mul_ps(ws1, sx), acc[1][t]);
        }
    }
    tile_sums_store<T>(acc, y + t0 * out, out, m0, m1);
}

// The same for K-quant weights (Q8_K activations, one scale per 256 inputs): within a super-block the
// blocks' float sums need only the weight scale ws (one multiply-add; Q4_K/Q5_K subtract wo times the
// block's activation sum), and the activation scale multiplies each super-block's sum once, into y.
template <int T, int B, bool kMins>
SIGMA_TARGET_AVX512_VNNI void tile_k(const Panel& p, const Tokens& x, int64_t t0, int64_t i0, int64_t i1, float* y,
                                     int64_t out, __mmask16 m0, __mmask16 m1, bool add) {
    constexpr int S = kQKBlockSize / B;  // blocks per super-block
    for (int64_t sb = i0 / kQKBlockSize; sb < i1 / kQKBlockSize; ++sb) {
        __m512 part[2][T];
#pragma GCC unroll 4
        for (int t = 0; t < T; ++t) part[0][t] = part[1][t] = _mm512_setzero_ps();
        for (int64_t b = sb * S; b < (sb + 1) * S; ++b) {
            __m512i sum[2][T];
            block_sums<T, B>(p, x, t0, b, sum);
            const __m512 ws0 = _mm512_loadu_ps(p.ws + b * 32), ws1 = _mm512_loadu_ps(p.ws + b * 32 + 16);
#pragma GCC unroll 4
            for (int t = 0; t < T; ++t) {
                part[0][t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sum[0][t]), ws0, part[0][t]);
                part[1][t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sum[1][t]), ws1, part[1][t]);
            }
            if constexpr (kMins) {
                const __m512 wo0 = _mm512_loadu_ps(p.wo + b * 32), wo1 = _mm512_loadu_ps(p.wo + b * 32 + 16);
#pragma GCC unroll 4
                for (int t = 0; t < T; ++t) {
                    const __m512 ox = _mm512_set1_ps(x.ox(t0 + t)[b]);
                    part[0][t] = _mm512_fnmadd_ps(wo0, ox, part[0][t]);
                    part[1][t] = _mm512_fnmadd_ps(wo1, ox, part[1][t]);
                }
            }
        }
        // y holds the earlier super-blocks (and chunks); the first of all starts from zero
        __m512 acc[2][T];
        tile_sums_load<T>(acc, y + t0 * out, out, m0, m1, add || sb > i0 / kQKBlockSize);
#pragma GCC unroll 4
        for (int t = 0; t < T; ++t) {
            const __m512 sx = _mm512_set1_ps(x.sx(t0 + t)[sb * S]);
            acc[0][t] = _mm512_fmadd_ps(part[0][t], sx, acc[0][t]);
            acc[1][t] = _mm512_fmadd_ps(part[1][t], sx, acc[1][t]);
        }
        tile_sums_store<T>(acc, y + t0 * out, out, m0, m1);
    }
}

}  // namespace

SIGMA_TARGET_AVX512_VNNI void gemm_avx512(float* y, const TensorView& w, const float* x, int64_t n_tokens,
                                          ThreadPool& pool, uint8_t* token_scratch, uint8_t* row_scratch, void* q8) {
    const int64_t in = w.ne[0], out = w.rows();
    const bool k_blocks = type_traits(w.type)->block_size == kQKBlockSize;
    const PanelFormat f = panel_format(w.type);
    const Tokens tokens{token_scratch, gemm_token_bytes(in), in, in / f.block};

    // Activations: quantised as decode quantises them, then laid out for the tile.
    pool.parallel_for(n_tokens, [&](int64_t t0, int64_t t1, int) {
        for (int64_t t = t0; t < t1; ++t) {
            if (k_blocks) {
                BlockQ8_K* b = static_cast<BlockQ8_K*>(q8) + t * (in / kQKBlockSize);
                quantize_row_q8_k_avx512(x + t * in, b, in);
                pack_token_q8_k(b, f, tokens, t);
            } else {
                BlockQ8_0* b = static_cast<BlockQ8_0*>(q8) + t * (in / kQ8_0BlockSize);
                quantize_row_q8_0_avx2(x + t * in, b, in);
                pack_token_q8_0(b, f, tokens, t);
            }
        }
    });

    for_each_panel(out, in, pool, row_scratch, [&](uint8_t* scratch, int64_t r0, int n_rows, PanelMasks masks) {
        const Panel panel = panel_at(scratch, in);
        panel_fill_avx512(panel, w, r0, n_rows);
        const __mmask16 m0 = masks.group0, m1 = masks.group1;
        // Inputs in chunks whose panel bytes stay in L1 while every token tile passes over them;
        // later chunks add to y.
        for (int64_t c0 = 0; c0 < in; c0 += kChunkInputs) {
            const int64_t c1 = std::min<int64_t>(in, c0 + kChunkInputs);
            float* yp = y + r0;
            const bool add = c0 > 0;
            for_each_token_tile(n_tokens, [&](auto tile_tokens, int64_t t0) {
                constexpr int T = decltype(tile_tokens)::value;
                if (!k_blocks) tile<T>(panel, tokens, t0, c0, c1, yp, out, m0, m1, add);
                else if (f.min_offsets) tile_k<T, 32, true>(panel, tokens, t0, c0, c1, yp, out, m0, m1, add);
                else tile_k<T, 16, false>(panel, tokens, t0, c0, c1, yp, out, m0, m1, add);
            });
        }
    });
}

}  // namespace sigma

#else

namespace sigma {
// Without x86 intrinsics the AVX-512 path is never available, so this is never called.
void gemm_avx512(float*, const TensorView&, const float*, int64_t, ThreadPool&, uint8_t*, uint8_t*, void*) {}
}  // namespace sigma

#endif
