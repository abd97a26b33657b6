// The weight side of the prefill GEMM: 32 rows of a quantised tensor decoded to one unsigned byte per
// weight and transposed so that each 512-bit register holds four consecutive weights of 16 rows.
// Not the tile (ops_gemm_avx512.cpp): this only lays out bytes and per-block scales.
#pragma once

#include <cstddef>
#include <cstdint>

#include "inference/core/tensor.h"

namespace sigma {

constexpr int kPanelRows = 32;   // two 16-lane groups
constexpr int kPanelGroup = 16;  // rows per register

// How a type's blocks meet the tile: weights of `block` consecutive inputs share one scale ws per
// row; offset_x is the constant the unsigned bytes carry (their value is ws * (u - offset_x)), folded
// into the integer sums from the activations' block sums; min_offsets marks Q4_K/Q5_K, whose offset
// is a separate float wo per row and block (value = ws * u - wo).
struct PanelFormat {
    int block = 32;
    int offset_x = 0;
    bool min_offsets = false;
};

// The format of a type the GEMM takes (Q8_0, Q4_0, Q4_K, Q5_K, Q6_K).
PanelFormat panel_format(TensorType type);

// One panel in scratch memory, for rows of `in` weights:
// - q: [in / 4 quads][2 groups][16 rows][4 bytes], so quad k of group g is 64 bytes at (2k + g) * 64;
// - ws, wo: [in / block][2 groups][16 rows] floats.
// Rows past the end of the tensor are zero bytes with zero scales.
struct Panel {
    uint8_t* q;
    float* ws;
    float* wo;
    uint8_t* rows;  // decode space: 16 rows of `in` bytes
};

// Store masks of a panel's two 16-row groups when only n_rows (<= 32) of its rows exist.
struct PanelMasks {
    uint16_t group0, group1;
};
inline PanelMasks panel_masks(int n_rows) {
    const auto bits = [](int n) { return static_cast<uint16_t>(n >= 16 ? 0xFFFF : n <= 0 ? 0 : (1u << n) - 1); };
    return {bits(n_rows), bits(n_rows - 16)};
}

// Bytes of one panel plus its decode space (also the chunk space of the 16-bit/F32 GEMMs).
size_t panel_bytes(int64_t in);
Panel panel_at(uint8_t* mem, int64_t in);

// Decodes rows [r0, r0 + n_rows) of w (n_rows <= 32) into the panel.
void panel_fill_avx512(const Panel& p, const TensorView& w, int64_t r0, int n_rows);

// Row group g's 16 row pointers, `offset` bytes into rows r0 + 16g + r of a tensor (row stride
// `stride`), null past n_rows: the input of panel_transpose_16x32 and its float twin.
inline void panel_group_rows(const uint8_t* base, size_t stride, int64_t r0, int n_rows, int g, size_t offset,
                             const uint8_t* rows[16]) {
    for (int r = 0; r < kPanelGroup; ++r) {
        const int row = g * kPanelGroup + r;
        rows[r] = row < n_rows ? base + static_cast<size_t>(r0 + row) * stride + offset : nullptr;
    }
}

// 32 bytes of each of 16 rows (a null row reads as zeros) as 8 registers of 16 32-bit words:
// register k, stored at dst + k * step, holds bytes 4k..4k+3 of every row.
void panel_transpose_16x32(const uint8_t* const rows[16], uint8_t* dst, int64_t step);

}  // namespace sigma
