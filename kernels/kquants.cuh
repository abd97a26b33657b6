// Device readers for ggml's K-quant super-blocks (256 weights each): Q4_K (144 bytes), Q5_K (176),
// Q6_K (210), with the exact byte layouts of ggml's block_q4_K / block_q5_K / block_q6_K:
//   q4_K: f16 d, f16 dmin, 12 bytes of 6-bit scales/mins, 128 bytes of 4-bit quants
//   q5_K: f16 d, f16 dmin, 12 bytes of scales/mins, 32 bytes of high bits, 128 bytes of 4-bit quants
//   q6_K: 128 bytes of low 4 bits, 64 bytes of high 2 bits, 16 int8 scales, f16 d
// Not a quantiser: the engine only reads these types.
#pragma once

#include "kernels/common.cuh"

namespace sigma::cuda::detail {

constexpr int kQK = 256;
enum KQuant { kQ4K = 4, kQ5K = 5, kQ6K = 6 };

__host__ __device__ constexpr int kquant_bytes(int t) { return t == kQ4K ? 144 : t == kQ5K ? 176 : 210; }

__device__ __forceinline__ uint16_t load_u16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }

// 6-bit scale and min of sub-block j (0..7) from the 12 packed bytes.
__device__ __forceinline__ void scale_min_k4(int j, const uint8_t* q, int& sc, int& m) {
    if (j < 4) {
        sc = q[j] & 63;
        m = q[j + 4] & 63;
    } else {
        sc = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
        m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

// The 32 weights of sub-block `sub` (0..7, weights 32*sub .. 32*sub+31) of super-block `blk`.
template <int kType>
__device__ __forceinline__ void kquant_sub32(const uint8_t* blk, int sub, float (&w)[32]) {
    if constexpr (kType == kQ4K || kType == kQ5K) {
        const float d = f16_bits_to_f32(load_u16(blk)), dmin = f16_bits_to_f32(load_u16(blk + 2));
        int sc, m;
        scale_min_k4(sub, blk + 4, sc, m);
        const float d1 = d * static_cast<float>(sc), m1 = dmin * static_cast<float>(m);
        const uint8_t* qs = blk + (kType == kQ4K ? 16 : 48) + 32 * (sub / 2);
        const int shift = 4 * (sub % 2);
#pragma unroll
        for (int l = 0; l < 32; ++l) {
            int q = (qs[l] >> shift) & 0xF;
            if constexpr (kType == kQ5K) q += ((blk[16 + l] >> sub) & 1) << 4;  // qh bit `sub`
            w[l] = d1 * static_cast<float>(q) - m1;
        }
    } else {
        // q6_K: half n = sub/4 covers 128 weights; quarter qq picks low/high nibble of ql[l] or ql[l+32]
        const float d = f16_bits_to_f32(load_u16(blk + 208));
        const int n = sub / 4, qq = sub % 4;
        const uint8_t* ql = blk + 64 * n + (qq % 2) * 32;
        const uint8_t* qh = blk + 128 + 32 * n;
        const int8_t* sc = reinterpret_cast<const int8_t*>(blk + 192) + 8 * n + 2 * qq;
        const int nib = 4 * (qq / 2), hshift = 2 * qq;
#pragma unroll
        for (int l = 0; l < 32; ++l) {
            const int q = (((ql[l] >> nib) & 0xF) | (((qh[l] >> hshift) & 3) << 4)) - 32;
            w[l] = d * static_cast<float>(sc[l / 16]) * static_cast<float>(q);
        }
    }
}

// One weight: element i of a row of super-blocks.
template <int kType>
__device__ __forceinline__ float kquant_value(const uint8_t* row, int64_t i) {
    const uint8_t* blk = row + (i / kQK) * kquant_bytes(kType);
    const int within = static_cast<int>(i % kQK), sub = within / 32, l = within % 32;
    if constexpr (kType == kQ4K || kType == kQ5K) {
        const float d = f16_bits_to_f32(load_u16(blk)), dmin = f16_bits_to_f32(load_u16(blk + 2));
        int sc, m;
        scale_min_k4(sub, blk + 4, sc, m);
        const uint8_t* qs = blk + (kType == kQ4K ? 16 : 48) + 32 * (sub / 2);
        int q = (qs[l] >> (4 * (sub % 2))) & 0xF;
        if constexpr (kType == kQ5K) q += ((blk[16 + l] >> sub) & 1) << 4;
        return d * static_cast<float>(sc) * static_cast<float>(q) - dmin * static_cast<float>(m);
    } else {
        const float d = f16_bits_to_f32(load_u16(blk + 208));
        const int n = sub / 4, qq = sub % 4;
        const int q = (((blk[64 * n + (qq % 2) * 32 + l] >> (4 * (qq / 2))) & 0xF) |
                       (((blk[128 + 32 * n + l] >> (2 * qq)) & 3) << 4)) -
                      32;
        const int8_t sc = static_cast<int8_t>(blk[192 + 8 * n + 2 * qq + l / 16]);
        return d * static_cast<float>(sc) * static_cast<float>(q);
    }
}

}  // namespace sigma::cuda::detail
