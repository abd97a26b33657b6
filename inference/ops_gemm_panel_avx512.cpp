// Weight panels for the prefill GEMM: each row decoded to unsigned bytes with its block scales, then
// 16 rows at a time transposed by 32-bit words so a register holds 4 weights of each of 16 rows.
// Not arithmetic: the values only move; the tile applies scales and offsets.
#include "inference/ops_gemm_panel_avx512.h"

#include <algorithm>
#include <cstring>

#include "inference/ops_convert.h"
#include "inference/ops_matmul_quant.h"
#include "inference/quant_k.h"
#include "inference/quant_unpack_x86.h"
#include "inference/simd_x86.h"
#include "inference/tensor_types.h"

namespace sigma {

PanelFormat panel_format(TensorType type) {
    switch (type) {
        case TensorType::Q8_0: return {32, 128, false};
        case TensorType::Q4_0: return {32, 8, false};
        case TensorType::Q6_K: return {16, 32, false};
        default: return {32, 0, true};  // Q4_K, Q5_K
    }
}

size_t panel_bytes(int64_t in) {
    const size_t n = static_cast<size_t>(in);
    // q (32 bytes per input), ws and wo (at most in / 16 blocks x 32 floats each), decode rows; and
    // at least 128 inputs x 32 rows in float, the chunk of the F16/BF16/F32 GEMM
    return std::max(32 * n + 2 * (n / 16) * 32 * sizeof(float) + 16 * n, std::min<size_t>(n, 128) * 32 * sizeof(float));
}

Panel panel_at(uint8_t* mem, int64_t in) {
    const size_t n = static_cast<size_t>(in);
    Panel p{};
    p.q = mem;
    p.ws = reinterpret_cast<float*>(mem + 32 * n);
    p.wo = p.ws + (n / 16) * 32;
    p.rows = mem + 32 * n + 2 * (n / 16) * 32 * sizeof(float);
    return p;
}

}  // namespace sigma

#if SIGMA_X86_SIMD

namespace sigma {

namespace {

// Row decoders: q gets `in` unsigned bytes; ws (and wo) one float per block at index b * stride.

SIGMA_TARGET_AVX512_VNNI void decode_q8_0(const uint8_t* src, int64_t in, uint8_t* q, float* ws, int64_t stride) {
    const auto* b = reinterpret_cast<const BlockQ8_0*>(src);
    const float* table = fp16_table();
    const __m256i flip = _mm256_set1_epi8(static_cast<char>(0x80));
    for (int64_t i = 0; i < in / 32; ++i) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[i].qs));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(q + 32 * i), _mm256_xor_si256(v, flip));
        ws[i * stride] = table[b[i].d];
    }
}

SIGMA_TARGET_AVX512_VNNI void decode_q4_0(const uint8_t* src, int64_t in, uint8_t* q, float* ws, int64_t stride) {
    const auto* b = reinterpret_cast<const BlockQ4_0*>(src);
    const float* table = fp16_table();
    const __m128i low = _mm_set1_epi8(0xF);
    for (int64_t i = 0; i < in / 32; ++i) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b[i].qs));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(q + 32 * i), _mm_and_si128(v, low));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(q + 32 * i + 16), _mm_and_si128(_mm_srli_epi16(v, 4), low));
        ws[i * stride] = table[b[i].d];
    }
}

// Q4_K and Q5_K: sub-block j (32 weights) has scale d * sc[j] and offset dmin * m[j].
template <bool Q5>
SIGMA_TARGET_AVX512_VNNI void decode_q45_k(const uint8_t* src, int64_t in, uint8_t* q, float* ws, float* wo,
                                           int64_t stride) {
    const float* table = fp16_table();
    const __m256i low = _mm256_set1_epi8(0xF), sixteen = _mm256_set1_epi8(16);
    for (int64_t bi = 0; bi < in / kQKBlockSize; ++bi) {
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
        uint8_t* dst = q + kQKBlockSize * bi;
        for (int g = 0; g < 4; ++g) {
            const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(qs + 32 * g));
            __m256i lo = _mm256_and_si256(v, low), hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), low);
            if constexpr (Q5) {
                const __m256i b_lo = _mm256_set1_epi8(static_cast<char>(1 << (2 * g)));
                const __m256i b_hi = _mm256_set1_epi8(static_cast<char>(2 << (2 * g)));
                lo =
                    _mm256_or_si256(lo, _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(qh, b_lo), b_lo), sixteen));
                hi =
                    _mm256_or_si256(hi, _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(qh, b_hi), b_hi), sixteen));
            }
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + 64 * g), lo);
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + 64 * g + 32), hi);
        }
        for (int j = 0; j < 8; ++j) {
            // d * sc and dmin * m are exact in float (11-bit by 6-bit)
            ws[(8 * bi + j) * stride] = d * static_cast<float>(sc[j]);
            wo[(8 * bi + j) * stride] = dmin * static_cast<float>(m[j]);
        }
    }
}

// Q6_K: q in 0..63 (value d * sc * (q - 32)), one scale per 16 weights.
SIGMA_TARGET_AVX512_VNNI void decode_q6_k(const uint8_t* src, int64_t in, uint8_t* q, float* ws, int64_t stride) {
    const float* table = fp16_table();
    for (int64_t bi = 0; bi < in / kQKBlockSize; ++bi) {
        const auto& blk = reinterpret_cast<const BlockQ6_K*>(src)[bi];
        const float d = table[blk.d];
        uint8_t* dst = q + kQKBlockSize * bi;
        for (int h = 0; h < 2; ++h) {
            __m256i parts[4];
            q6_k_unpack_half(blk.ql + 64 * h, blk.qh + 32 * h, parts);
            for (int k = 0; k < 4; ++k)
                _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + 128 * h + 32 * k), parts[k]);
        }
        for (int j = 0; j < 16; ++j) ws[(16 * bi + j) * stride] = d * static_cast<float>(blk.scales[j]);  // exact
    }
}

SIGMA_TARGET_AVX512_VNNI inline __m256i load_row32(const uint8_t* row) {
    return row ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row)) : _mm256_setzero_si256();
}

}  // namespace

// 16 rows x 32 bytes to 8 registers of 16 words: register k holds bytes 4k..4k+3 of every row,
// stored at dst + k * step. A null row reads as zeros.
SIGMA_TARGET_AVX512_VNNI void panel_transpose_16x32(const uint8_t* const rows[16], uint8_t* dst, int64_t step) {
    __m512i z[8];
    for (int i = 0; i < 8; ++i)
        z[i] = _mm512_inserti64x4(_mm512_castsi256_si512(load_row32(rows[i])), load_row32(rows[i + 8]), 1);
    // z[i] holds rows i and i + 8; an 8 x 8 word transpose in each 256-bit half follows.
    __m512i t[8], u[8];
    for (int i = 0; i < 4; ++i) {
        t[2 * i] = _mm512_unpacklo_epi32(z[2 * i], z[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_epi32(z[2 * i], z[2 * i + 1]);
    }
    for (int i = 0; i < 2; ++i) {
        u[4 * i + 0] = _mm512_unpacklo_epi64(t[4 * i], t[4 * i + 2]);
        u[4 * i + 1] = _mm512_unpackhi_epi64(t[4 * i], t[4 * i + 2]);
        u[4 * i + 2] = _mm512_unpacklo_epi64(t[4 * i + 1], t[4 * i + 3]);
        u[4 * i + 3] = _mm512_unpackhi_epi64(t[4 * i + 1], t[4 * i + 3]);
    }
    const __m512i lo = _mm512_setr_epi64(0, 1, 8, 9, 4, 5, 12, 13);
    const __m512i hi = _mm512_setr_epi64(2, 3, 10, 11, 6, 7, 14, 15);
    for (int k = 0; k < 4; ++k) {
        _mm512_storeu_si512(dst + k * step, _mm512_permutex2var_epi64(u[k], lo, u[k + 4]));
        _mm512_storeu_si512(dst + (k + 4) * step, _mm512_permutex2var_epi64(u[k], hi, u[k + 4]));
    }
}

SIGMA_TARGET_AVX512_VNNI void panel_fill_avx512(const Panel& p, const TensorView& w, int64_t r0, int n_rows) {
    const int64_t in = w.ne[0];
    const PanelFormat f = panel_format(w.type);
    const int64_t n_blocks = in / f.block;
    const size_t stride = row_bytes(w.type, in);
    const auto* base = static_cast<const uint8_t*>(w.data);
    for (int g = 0; g < 2; ++g) {
        for (int r = 0; r < kPanelGroup; ++r) {
            const int row = g * kPanelGroup + r;
            uint8_t* q = p.rows + static_cast<int64_t>(r) * in;
            float* ws = p.ws + g * kPanelGroup + r;
            float* wo = p.wo + g * kPanelGroup + r;
            if (row >= n_rows) {
                std::memset(q, 0, static_cast<size_t>(in));
                for (int64_t b = 0; b < n_blocks; ++b) ws[b * kPanelRows] = wo[b * kPanelRows] = 0.0f;
                continue;
            }
            const uint8_t* src = base + static_cast<size_t>(r0 + row) * stride;
            switch (w.type) {
                case TensorType::Q8_0: decode_q8_0(src, in, q, ws, kPanelRows); break;
                case TensorType::Q4_0: decode_q4_0(src, in, q, ws, kPanelRows); break;
                case TensorType::Q4_K: decode_q45_k<false>(src, in, q, ws, wo, kPanelRows); break;
                case TensorType::Q5_K: decode_q45_k<true>(src, in, q, ws, wo, kPanelRows); break;
                default: decode_q6_k(src, in, q, ws, kPanelRows); break;
            }
        }
        // quad k of group g at (2k + g) * 64: a 32-byte column (8 quads) advances 8 * 128 bytes
        for (int64_t c = 0; c < in / 32; ++c) {
            const uint8_t* rows[kPanelGroup];
            for (int r = 0; r < kPanelGroup; ++r) rows[r] = p.rows + static_cast<int64_t>(r) * in + 32 * c;
            panel_transpose_16x32(rows, p.q + (16 * c + g) * 64, 128);
        }
    }
}

}  // namespace sigma

#else

namespace sigma {
// Without x86 intrinsics the AVX-512 path is never available, so this is never called.
void panel_fill_avx512(const Panel&, const TensorView&, int64_t, int) {}
void panel_transpose_16x32(const uint8_t* const[16], uint8_t*, int64_t) {}
}  // namespace sigma

#endif
