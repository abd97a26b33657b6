// The AVX-512 VNNI prefill GEMM: per-type unpacking of weight rows and activations into the common
// layout of ops_gemm.h, and a 4-row x 4-token register tile over it.
// Not chosen here: matmul (ops_matmul.cpp) calls it for batches of kGemmMinTokens or more.
#include "inference/ops_gemm.h"

#include <algorithm>
#include <cstring>

#include "inference/ops_convert.h"
#include "inference/ops_matmul.h"
#include "inference/ops_matmul_quant.h"
#include "inference/quant_k.h"
#include "inference/quant_unpack_x86.h"
#include "inference/tensor_types.h"
#include "inference/thread_pool.h"

namespace sigma {

bool gemm_supports(TensorType type, int64_t in) {
    if (in <= 0 || in % 64 != 0) return false;
    switch (type) {
        case TensorType::Q8_0:
        case TensorType::Q4_0: return true;
        case TensorType::Q4_K:
        case TensorType::Q5_K:
        case TensorType::Q6_K: return in % kQKBlockSize == 0;
        default: return false;
    }
}

size_t gemm_token_bytes(int64_t in) { return static_cast<size_t>(in) * 2 + static_cast<size_t>(in) / 4; }
size_t gemm_rows_bytes(int64_t in) { return static_cast<size_t>(in) * 36; }

}  // namespace sigma

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define SIGMA_VNNI __attribute__((target("avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512vnni")))

namespace sigma {

namespace {

constexpr int kTile = 4;           // rows and tokens of the register tile
constexpr int64_t kChunkSteps = 32;  // 2048 weights per pass (a multiple of 4 steps)

// Where one unpacked row block lives: for tile m (4 rows), step s, row r of the tile,
// q at ((m * S + s) * 4 + r) * 64 bytes, lane scales at the same index * 16 floats; offsets per row.
struct RowBlock {
    uint8_t* q;
    float* ws;
    float* wo;  // [kGemmRowBlock][in / 16]
    int64_t steps;
    uint8_t* q_at(int row, int64_t s) const { return q + (((row / kTile) * steps + s) * kTile + row % kTile) * 64; }
    float* ws_at(int row, int64_t s) const { return ws + (((row / kTile) * steps + s) * kTile + row % kTile) * 16; }
};

SIGMA_VNNI inline void store_lanes2(float* dst, float a, float b) {
    _mm256_storeu_ps(dst, _mm256_set1_ps(a));
    _mm256_storeu_ps(dst + 8, _mm256_set1_ps(b));
}

SIGMA_VNNI void unpack_q8_0(const uint8_t* src, int64_t in, const RowBlock& rb, int row) {
    const auto* b = reinterpret_cast<const BlockQ8_0*>(src);
    const float* table = fp16_table();
    float* wo = rb.wo + static_cast<int64_t>(row) * (in / 16);
    const __m256i flip = _mm256_set1_epi8(static_cast<char>(0x80));
    for (int64_t s = 0; s < rb.steps; ++s) {
        uint8_t* q = rb.q_at(row, s);
        const BlockQ8_0& b0 = b[2 * s];
        const BlockQ8_0& b1 = b[2 * s + 1];
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(q), _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(b0.qs)), flip));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(q + 32), _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(b1.qs)), flip));
        const float d0 = table[b0.d], d1 = table[b1.d];
        store_lanes2(rb.ws_at(row, s), d0, d1);
        wo[4 * s] = wo[4 * s + 1] = 128.0f * d0;
        wo[4 * s + 2] = wo[4 * s + 3] = 128.0f * d1;
    }
}

SIGMA_VNNI void unpack_q4_0(const uint8_t* src, int64_t in, const RowBlock& rb, int row) {
    const auto* b = reinterpret_cast<const BlockQ4_0*>(src);
    const float* table = fp16_table();
    float* wo = rb.wo + static_cast<int64_t>(row) * (in / 16);
    const __m128i low = _mm_set1_epi8(0xF);
    for (int64_t s = 0; s < rb.steps; ++s) {
        uint8_t* q = rb.q_at(row, s);
        float d[2];
        for (int h = 0; h < 2; ++h) {
            const BlockQ4_0& blk = b[2 * s + h];
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(blk.qs));
            _mm_storeu_si128(reinterpret_cast<__m128i*>(q + 32 * h), _mm_and_si128(v, low));
            _mm_storeu_si128(reinterpret_cast<__m128i*>(q + 32 * h + 16), _mm_and_si128(_mm_srli_epi16(v, 4), low));
            d[h] = table[blk.d];
        }
        store_lanes2(rb.ws_at(row, s), d[0], d[1]);
        wo[4 * s] = wo[4 * s + 1] = 8.0f * d[0];
        wo[4 * s + 2] = wo[4 * s + 3] = 8.0f * d[1];
    }
}

// Q4_K and Q5_K: step 4b + g is group g of super-block b (sub-blocks 2g and 2g+1).
template <bool Q5>
SIGMA_VNNI void unpack_q45_k(const uint8_t* src, int64_t in, const RowBlock& rb, int row) {
    const float* table = fp16_table();
    float* wo = rb.wo + static_cast<int64_t>(row) * (in / 16);
    const __m256i low = _mm256_set1_epi8(0xF);
    const int64_t n_blocks = in / kQKBlockSize;
    for (int64_t bi = 0; bi < n_blocks; ++bi) {
        const uint8_t* qs;
        const uint8_t* scales;
        uint16_t dh, dminh;
        __m256i qh = _mm256_setzero_si256();
        if constexpr (Q5) {
            const auto& blk = reinterpret_cast<const BlockQ5_K*>(src)[bi];
            qs = blk.qs;
            scales = blk.scales;
            dh = blk.d;
            dminh = blk.dmin;
            qh = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk.qh));
        } else {
            const auto& blk = reinterpret_cast<const BlockQ4_K*>(src)[bi];
            qs = blk.qs;
            scales = blk.scales;
            dh = blk.d;
            dminh = blk.dmin;
        }
        uint8_t sc[8], m[8];
        kquant_unpack_scales(scales, sc, m);
        const float d = table[dh], dmin = table[dminh];
        for (int g = 0; g < 4; ++g) {
            const int64_t s = 4 * bi + g;
            uint8_t* q = rb.q_at(row, s);
            const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(qs + 32 * g));
            __m256i lo = _mm256_and_si256(v, low), hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), low);
            if constexpr (Q5) {
                const __m256i b_lo = _mm256_set1_epi8(static_cast<char>(1 << (2 * g)));
                const __m256i b_hi = _mm256_set1_epi8(static_cast<char>(2 << (2 * g)));
                const __m256i sixteen = _mm256_set1_epi8(16);
                lo = _mm256_or_si256(lo, _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(qh, b_lo), b_lo), sixteen));
                hi = _mm256_or_si256(hi, _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(qh, b_hi), b_hi), sixteen));
            }
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(q), lo);
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(q + 32), hi);
            // d * sc is exact in float (11-bit by 6-bit); so is dmin * m.
            store_lanes2(rb.ws_at(row, s), d * sc[2 * g], d * sc[2 * g + 1]);
            wo[4 * s] = wo[4 * s + 1] = dmin * m[2 * g];
            wo[4 * s + 2] = wo[4 * s + 3] = dmin * m[2 * g + 1];
        }
    }
}

// Q6_K: step 4b + 2h + k holds weights 128h + 64k .. +63 of super-block b.
SIGMA_VNNI void unpack_q6_k(const uint8_t* src, int64_t in, const RowBlock& rb, int row) {
    const float* table = fp16_table();
    float* wo = rb.wo + static_cast<int64_t>(row) * (in / 16);
    const int64_t n_blocks = in / kQKBlockSize;
    for (int64_t bi = 0; bi < n_blocks; ++bi) {
        const auto& blk = reinterpret_cast<const BlockQ6_K*>(src)[bi];
        const float d = table[blk.d];
        for (int h = 0; h < 2; ++h) {
            __m256i parts[4];
            q6_k_unpack_half(blk.ql + 64 * h, blk.qh + 32 * h, parts);
            for (int k = 0; k < 2; ++k) {
                const int64_t s = 4 * bi + 2 * h + k;
                uint8_t* q = rb.q_at(row, s);
                _mm256_storeu_si256(reinterpret_cast<__m256i*>(q), parts[2 * k]);
                _mm256_storeu_si256(reinterpret_cast<__m256i*>(q + 32), parts[2 * k + 1]);
                float* ws = rb.ws_at(row, s);
                for (int i = 0; i < 4; ++i) {
                    const float scale = d * static_cast<float>(blk.scales[8 * h + 4 * k + i]);  // exact
                    _mm_storeu_ps(ws + 4 * i, _mm_set1_ps(scale));
                    wo[4 * s + i] = 32.0f * scale;
                }
            }
        }
    }
}

// Rows past the end of the tensor: zero bytes and scales, so the tile computes zeros.
void clear_row(int64_t in, const RowBlock& rb, int row) {
    for (int64_t s = 0; s < rb.steps; ++s) {
        std::memset(rb.q_at(row, s), 0, 64);
        std::memset(rb.ws_at(row, s), 0, 16 * sizeof(float));
    }
    std::memset(rb.wo + static_cast<int64_t>(row) * (in / 16), 0, static_cast<size_t>(in / 16) * sizeof(float));
}

struct Tokens {
    const int8_t* q;    // [t][in]
    const float* xs;    // [t][in / 4]
    const float* xsum;  // [t][in / 16]
    size_t stride;      // bytes between tokens
    const int8_t* q_of(int64_t t) const { return reinterpret_cast<const int8_t*>(reinterpret_cast<const uint8_t*>(q) + t * stride); }
    const float* xs_of(int64_t t) const { return reinterpret_cast<const float*>(reinterpret_cast<const uint8_t*>(xs) + t * stride); }
    const float* xsum_of(int64_t t) const { return reinterpret_cast<const float*>(reinterpret_cast<const uint8_t*>(xsum) + t * stride); }
};

// One token's Q8_0 blocks (Q8_0 / Q4_0 weights) or Q8_K blocks (K-quant weights) in the common layout.
SIGMA_VNNI void pack_token(bool k_blocks, const void* blocks, int64_t in, int8_t* q, float* xs, float* xsum) {
    if (!k_blocks) {
        const auto* b = static_cast<const BlockQ8_0*>(blocks);
        const float* table = fp16_table();
        for (int64_t i = 0; i < in / 32; ++i) {
            std::memcpy(q + 32 * i, b[i].qs, 32);
            const float d = table[b[i].d];
            _mm256_storeu_ps(xs + 8 * i, _mm256_set1_ps(d));
            int s0 = 0, s1 = 0;
            for (int j = 0; j < 16; ++j) {
                s0 += b[i].qs[j];
                s1 += b[i].qs[16 + j];
            }
            xsum[2 * i] = d * static_cast<float>(s0);
            xsum[2 * i + 1] = d * static_cast<float>(s1);
        }
        return;
    }
    // Q8_K: one scale per super-block (4 steps), so the K tile applies it once per super-block;
    // xs holds the scales [in / 256] and xsum the plain block sums (unscaled) per 16.
    const auto* b = static_cast<const BlockQ8_K*>(blocks);
    for (int64_t i = 0; i < in / kQKBlockSize; ++i) {
        std::memcpy(q + kQKBlockSize * i, b[i].qs, kQKBlockSize);
        xs[i] = b[i].d;
        for (int j = 0; j < 16; ++j) xsum[16 * i + j] = static_cast<float>(b[i].bsums[j]);
    }
}

// out[r][t] = the part of row r . token t in steps [s_begin, s_end) (s_begin a multiple of 4), for
// 4 rows and T tokens: the lane products, minus the offsets, which are folded into the same
// accumulators 16 at a time (every fourth step). Every address derives from two bases and fixed
// strides, so the 4 x T accumulators, weights and scales all stay in registers.
template <int T>
SIGMA_VNNI void tile(const RowBlock& rb, int tile_index, int64_t in, int64_t s_begin, int64_t s_end, const Tokens& x,
                     int64_t t0, float out[kTile][kTile]) {
    __m512 acc[kTile][T];
#pragma GCC unroll 4
    for (int r = 0; r < kTile; ++r)
#pragma GCC unroll 4
        for (int t = 0; t < T; ++t) acc[r][t] = _mm512_setzero_ps();
    // Token t's bytes at tok + t * ts: q at +0, lane scales at +in (both 64 bytes per step), sums at +2 in.
    const uint8_t* tok = reinterpret_cast<const uint8_t*>(x.q) + t0 * static_cast<int64_t>(x.stride);
    const int64_t ts = static_cast<int64_t>(x.stride);
    const uint8_t* wq = rb.q + (tile_index * rb.steps) * kTile * 64;
    const uint8_t* ws = reinterpret_cast<const uint8_t*>(rb.ws + (tile_index * rb.steps) * kTile * 16);
    const uint8_t* wo = reinterpret_cast<const uint8_t*>(rb.wo + tile_index * kTile * (in / 16));
    const int64_t wo_row = (in / 16) * 4;  // bytes between rows' offsets
    const int64_t n_groups = in / 16;
    for (int64_t s = s_begin; s < s_end; ++s) {
        __m512i w[kTile];
        __m512 sc[kTile];
#pragma GCC unroll 4
        for (int r = 0; r < kTile; ++r) {
            w[r] = _mm512_loadu_si512(wq + s * 256 + r * 64);
            sc[r] = _mm512_loadu_ps(reinterpret_cast<const float*>(ws + s * 256 + r * 64));
        }
#pragma GCC unroll 4
        for (int t = 0; t < T; ++t) {
            const __m512i xv = _mm512_loadu_si512(tok + t * ts + s * 64);
            const __m512 xsv = _mm512_loadu_ps(reinterpret_cast<const float*>(tok + t * ts + in + s * 64));
#pragma GCC unroll 4
            for (int r = 0; r < kTile; ++r) {
                const __m512i p = _mm512_dpbusd_epi32(_mm512_setzero_si512(), w[r], xv);
                acc[r][t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(p), _mm512_mul_ps(sc[r], xsv), acc[r][t]);
            }
        }
        if ((s & 3) == 3 || s + 1 == s_end) {
            const int64_t g0 = (s >> 2) * 16;
            const __mmask16 m = g0 + 16 <= n_groups ? static_cast<__mmask16>(0xFFFF)
                                                    : static_cast<__mmask16>((1u << (n_groups - g0)) - 1);
#pragma GCC unroll 4
            for (int t = 0; t < T; ++t) {
                const __m512 xv = _mm512_maskz_loadu_ps(m, tok + t * ts + 2 * in + g0 * 4);
#pragma GCC unroll 4
                for (int r = 0; r < kTile; ++r)
                    acc[r][t] = _mm512_fnmadd_ps(_mm512_maskz_loadu_ps(m, wo + r * wo_row + g0 * 4), xv, acc[r][t]);
            }
        }
    }
#pragma GCC unroll 4
    for (int r = 0; r < kTile; ++r)
#pragma GCC unroll 4
        for (int t = 0; t < T; ++t) out[r][t] = _mm512_reduce_add_ps(acc[r][t]);
}

// The tile for K-quant weights (Q8_K activations, one scale per 256): within a super-block the
// lane products need only the weight's lane scale, so they sum into registers with one fma each and
// the activation scale multiplies the super-block's sum once. Same layout, steps [s_begin, s_end)
// in whole super-blocks.
template <int T>
SIGMA_VNNI void tile_k(const RowBlock& rb, int tile_index, int64_t in, int64_t s_begin, int64_t s_end, const Tokens& x,
                       int64_t t0, float out[kTile][kTile]) {
    __m512 acc[kTile][T];
#pragma GCC unroll 4
    for (int r = 0; r < kTile; ++r)
#pragma GCC unroll 4
        for (int t = 0; t < T; ++t) acc[r][t] = _mm512_setzero_ps();
    const uint8_t* tok = reinterpret_cast<const uint8_t*>(x.q) + t0 * static_cast<int64_t>(x.stride);
    const int64_t ts = static_cast<int64_t>(x.stride);
    const uint8_t* wq = rb.q + (tile_index * rb.steps) * kTile * 64;
    const uint8_t* ws = reinterpret_cast<const uint8_t*>(rb.ws + (tile_index * rb.steps) * kTile * 16);
    const uint8_t* wo = reinterpret_cast<const uint8_t*>(rb.wo + tile_index * kTile * (in / 16));
    const int64_t wo_row = (in / 16) * 4;
    for (int64_t s0 = s_begin; s0 < s_end; s0 += 4) {
        __m512 part[kTile][T];
#pragma GCC unroll 4
        for (int r = 0; r < kTile; ++r)
#pragma GCC unroll 4
            for (int t = 0; t < T; ++t) part[r][t] = _mm512_setzero_ps();
        for (int64_t s = s0; s < s0 + 4; ++s) {
            __m512i w[kTile];
#pragma GCC unroll 4
            for (int r = 0; r < kTile; ++r) w[r] = _mm512_loadu_si512(wq + s * 256 + r * 64);
#pragma GCC unroll 4
            for (int t = 0; t < T; ++t) {
                const __m512i xv = _mm512_loadu_si512(tok + t * ts + s * 64);
#pragma GCC unroll 4
                for (int r = 0; r < kTile; ++r) {
                    const __m512i p = _mm512_dpbusd_epi32(_mm512_setzero_si512(), w[r], xv);
                    part[r][t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(p),
                                                 _mm512_loadu_ps(reinterpret_cast<const float*>(ws + s * 256 + r * 64)), part[r][t]);
                }
            }
        }
        // the super-block's 16 offsets against its 16 plain sums, then its activation scale
        const int64_t g0 = (s0 >> 2) * 16;
#pragma GCC unroll 4
        for (int t = 0; t < T; ++t) {
            const __m512 sums = _mm512_loadu_ps(reinterpret_cast<const float*>(tok + t * ts + 2 * in + g0 * 4));
            const __m512 d = _mm512_set1_ps(reinterpret_cast<const float*>(tok + t * ts + in)[s0 >> 2]);
#pragma GCC unroll 4
            for (int r = 0; r < kTile; ++r) {
                const __m512 o = _mm512_loadu_ps(reinterpret_cast<const float*>(wo + r * wo_row + g0 * 4));
                acc[r][t] = _mm512_fmadd_ps(_mm512_fnmadd_ps(o, sums, part[r][t]), d, acc[r][t]);
            }
        }
    }
#pragma GCC unroll 4
    for (int r = 0; r < kTile; ++r)
#pragma GCC unroll 4
        for (int t = 0; t < T; ++t) out[r][t] = _mm512_reduce_add_ps(acc[r][t]);
}

}  // namespace

SIGMA_VNNI void gemm_avx512(float* y, const TensorView& w, const float* x, int64_t n_tokens, ThreadPool& pool,
                            uint8_t* token_scratch, uint8_t* row_scratch, void* q8) {
    const int64_t in = w.ne[0], out = w.rows();
    const bool k_blocks = type_traits(w.type)->block_size == kQKBlockSize;
    const size_t stride = row_bytes(w.type, in);
    const auto* base = static_cast<const uint8_t*>(w.data);
    const size_t token_bytes = gemm_token_bytes(in);
    const Tokens tokens{reinterpret_cast<const int8_t*>(token_scratch), reinterpret_cast<const float*>(token_scratch + in),
                        reinterpret_cast<const float*>(token_scratch + 2 * in), token_bytes};

    // Activations: quantised as decode quantises them, then laid out for the tile.
    pool.parallel_for(n_tokens, [&](int64_t t0, int64_t t1, int) {
        for (int64_t t = t0; t < t1; ++t) {
            const void* blocks;
            if (k_blocks) {
                BlockQ8_K* b = static_cast<BlockQ8_K*>(q8) + t * (in / kQKBlockSize);
                quantize_row_q8_k(x + t * in, b, in);
                blocks = b;
            } else {
                BlockQ8_0* b = static_cast<BlockQ8_0*>(q8) + t * (in / kQ8_0BlockSize);
                quantize_row_q8_0_avx2(x + t * in, b, in);
                blocks = b;
            }
            uint8_t* dst = token_scratch + t * token_bytes;
            pack_token(k_blocks, blocks, in, reinterpret_cast<int8_t*>(dst), reinterpret_cast<float*>(dst + in),
                       reinterpret_cast<float*>(dst + 2 * in));
        }
    });

    const int64_t n_row_blocks = (out + kGemmRowBlock - 1) / kGemmRowBlock;
    pool.parallel_for(n_row_blocks, [&](int64_t b0, int64_t b1, int thread) {
        uint8_t* mem = row_scratch + static_cast<size_t>(thread) * gemm_rows_bytes(in);
        const RowBlock rb{mem, reinterpret_cast<float*>(mem + 16 * in), reinterpret_cast<float*>(mem + 32 * in), in / 64};
        for (int64_t blk = b0; blk < b1; ++blk) {
            const int64_t r0 = blk * kGemmRowBlock;
            const int n_rows = static_cast<int>(std::min<int64_t>(kGemmRowBlock, out - r0));
            for (int r = 0; r < kGemmRowBlock; ++r) {
                if (r >= n_rows) {
                    clear_row(in, rb, r);
                    continue;
                }
                const uint8_t* src = base + static_cast<size_t>(r0 + r) * stride;
                switch (w.type) {
                    case TensorType::Q8_0: unpack_q8_0(src, in, rb, r); break;
                    case TensorType::Q4_0: unpack_q4_0(src, in, rb, r); break;
                    case TensorType::Q4_K: unpack_q45_k<false>(src, in, rb, r); break;
                    case TensorType::Q5_K: unpack_q45_k<true>(src, in, rb, r); break;
                    default: unpack_q6_k(src, in, rb, r); break;
                }
            }
            // Steps in chunks whose 4-row weight tile (kChunkSteps * 512 bytes) stays in L1 while
            // every token tile passes over it; the partial sums of later chunks add up in y.
            const int n_tiles = (n_rows + kTile - 1) / kTile;
            for (int64_t c0 = 0; c0 < rb.steps; c0 += kChunkSteps) {
                const int64_t c1 = std::min<int64_t>(rb.steps, c0 + kChunkSteps);
                for (int m = 0; m < n_tiles; ++m) {
                    for (int64_t t0 = 0; t0 < n_tokens; t0 += kTile) {
                        const int n_t = static_cast<int>(std::min<int64_t>(kTile, n_tokens - t0));
                        float part[kTile][kTile];
                        if (k_blocks) {
                            switch (n_t) {
                                case 1: tile_k<1>(rb, m, in, c0, c1, tokens, t0, part); break;
                                case 2: tile_k<2>(rb, m, in, c0, c1, tokens, t0, part); break;
                                case 3: tile_k<3>(rb, m, in, c0, c1, tokens, t0, part); break;
                                default: tile_k<4>(rb, m, in, c0, c1, tokens, t0, part); break;
                            }
                        } else {
                            switch (n_t) {
                                case 1: tile<1>(rb, m, in, c0, c1, tokens, t0, part); break;
                                case 2: tile<2>(rb, m, in, c0, c1, tokens, t0, part); break;
                                case 3: tile<3>(rb, m, in, c0, c1, tokens, t0, part); break;
                                default: tile<4>(rb, m, in, c0, c1, tokens, t0, part); break;
                            }
                        }
                        for (int r = 0; r < kTile && m * kTile + r < n_rows; ++r) {
                            float* dst = y + t0 * out + r0 + m * kTile + r;
                            for (int t = 0; t < n_t; ++t) dst[t * out] = c0 == 0 ? part[r][t] : dst[t * out] + part[r][t];
                        }
                    }
                }
            }
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
