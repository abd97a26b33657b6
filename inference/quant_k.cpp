// Reference dequantisers and quantisers for Q4_0, Q4_K, Q5_K and Q6_K.
// Not tuned for speed: model generation and tests call these; matmul kernels read the blocks directly.
#include "inference/quant_k.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace sigma {

namespace {

// Round half away from zero, as lround, without a library call in the quantisers' inner loops.
inline int round_int(float x) { return static_cast<int>(x + (x >= 0.0f ? 0.5f : -0.5f)); }

// Fits weight ~ scale * L - min_out for L in 0..nmax over n values with per-value importance w,
// trying a few step sizes around (max - min) / nmax and refitting scale and offset by weighted least
// squares for each (the error follows from the same sums); min_out >= 0 (the offset is never positive).
// Returns the scale.
float fit_asymmetric(const float* x, const float* w, int n, int nmax, float& min_out, uint8_t* L) {
    float lo = x[0], hi = x[0];
    for (int i = 1; i < n; ++i) {
        lo = std::min(lo, x[i]);
        hi = std::max(hi, x[i]);
    }
    lo = std::min(lo, 0.0f);
    if (hi <= lo) {
        for (int i = 0; i < n; ++i) L[i] = 0;
        min_out = -lo;
        return 0.0f;
    }
    float sw = 0, sx = 0, sx2 = 0;
    for (int i = 0; i < n; ++i) {
        sw += w[i];
        sx += w[i] * x[i];
        sx2 += w[i] * x[i] * x[i];
    }
    float best_scale = (hi - lo) / static_cast<float>(nmax), best_offset = lo, best_err = INFINITY;
    uint8_t trial[32];
    for (int step = -2; step <= 5; ++step) {
        const float iscale = (static_cast<float>(nmax) + 0.25f * static_cast<float>(step)) / (hi - lo);
        float sl = 0, sl2 = 0, slx = 0;
        for (int i = 0; i < n; ++i) {
            const int l = std::clamp(round_int(iscale * (x[i] - lo)), 0, nmax);
            trial[i] = static_cast<uint8_t>(l);
            const float wl = w[i] * static_cast<float>(l);
            sl += wl;
            sl2 += wl * static_cast<float>(l);
            slx += wl * x[i];
        }
        const float det = sw * sl2 - sl * sl;
        if (det <= 0) continue;
        float scale = (sw * slx - sx * sl) / det;
        float offset = (sl2 * sx - sl * slx) / det;
        if (offset > 0) {  // stored mins subtract, so the offset may not be positive
            offset = 0;
            scale = sl2 > 0 ? slx / sl2 : 0;
        }
        // sum w (scale l + offset - x)^2 expanded over the sums above
        const float err = scale * scale * sl2 + 2 * scale * offset * sl + offset * offset * sw - 2 * scale * slx -
                          2 * offset * sx + sx2;
        if (err < best_err) {
            best_err = err;
            best_scale = scale;
            best_offset = offset;
            std::memcpy(L, trial, static_cast<size_t>(n));
        }
    }
    min_out = -best_offset;
    return best_scale;
}

// Fits weight ~ scale * L for L in -32..31 (Q6_K's range) with importance w. Returns the signed scale.
float fit_symmetric(const float* x, const float* w, int n) {
    float amax = 0, vmax = 0;
    for (int i = 0; i < n; ++i)
        if (std::fabs(x[i]) > amax) {
            amax = std::fabs(x[i]);
            vmax = x[i];
        }
    if (amax == 0) return 0.0f;
    // The value of largest magnitude maps to -32 (the end of the range with one more level).
    float best_scale = vmax / -32.0f, best_gain = -INFINITY;
    for (int step = -3; step <= 3; ++step) {
        const float iscale = -(32.0f + 0.25f * static_cast<float>(step)) / vmax;
        float slx = 0, sl2 = 0;
        for (int i = 0; i < n; ++i) {
            const float l = static_cast<float>(std::clamp(round_int(iscale * x[i]), -32, 31));
            slx += w[i] * l * x[i];
            sl2 += w[i] * l * l;
        }
        if (sl2 <= 0) continue;
        // The best scale for these levels is slx / sl2, and it lowers the error by slx^2 / sl2.
        const float gain = slx * slx / sl2;
        if (gain > best_gain) {
            best_gain = gain;
            best_scale = slx / sl2;
        }
    }
    return best_scale;
}

// Importance of each of n values: large magnitudes matter more, none matters nothing.
void importance(const float* x, int n, float* w) {
    float sum2 = 0;
    for (int i = 0; i < n; ++i) sum2 += x[i] * x[i];
    const float rms = std::sqrt(sum2 / static_cast<float>(n));
    for (int i = 0; i < n; ++i) w[i] = rms + std::fabs(x[i]);
}

// Shared by Q4_K and Q5_K: the 8 sub-block fits of one super-block, packed scales and final levels.
void quantize_k_superblock(const float* x, int nmax, uint16_t& d_out, uint16_t& dmin_out, uint8_t* scales,
                           uint8_t L[kQKBlockSize]) {
    float sub_scale[8], sub_min[8], w[32];
    float max_scale = 0, max_min = 0;
    for (int j = 0; j < 8; ++j) {
        importance(x + 32 * j, 32, w);
        sub_scale[j] = fit_asymmetric(x + 32 * j, w, 32, nmax, sub_min[j], L + 32 * j);
        max_scale = std::max(max_scale, sub_scale[j]);
        max_min = std::max(max_min, sub_min[j]);
    }
    const float inv_scale = max_scale > 0 ? 63.0f / max_scale : 0.0f;
    const float inv_min = max_min > 0 ? 63.0f / max_min : 0.0f;
    std::memset(scales, 0, kKScaleBytes);
    for (int j = 0; j < 8; ++j) {
        const int ls = std::clamp(round_int(inv_scale * sub_scale[j]), 0, 63);
        const int lm = std::clamp(round_int(inv_min * sub_min[j]), 0, 63);
        if (j < 4) {
            scales[j] = static_cast<uint8_t>(ls);
            scales[j + 4] = static_cast<uint8_t>(lm);
        } else {
            scales[j + 4] = static_cast<uint8_t>((ls & 0xF) | ((lm & 0xF) << 4));
            scales[j - 4] = static_cast<uint8_t>(scales[j - 4] | ((ls >> 4) << 6));
            scales[j] = static_cast<uint8_t>(scales[j] | ((lm >> 4) << 6));
        }
    }
    d_out = fp32_to_fp16(max_scale / 63.0f);
    dmin_out = fp32_to_fp16(max_min / 63.0f);
    // Levels again against the scales as stored (rounded to 6 bits and fp16), so the error is the final one.
    const float d = fp16_to_fp32(d_out), dmin = fp16_to_fp32(dmin_out);
    for (int j = 0; j < 8; ++j) {
        int sc, m;
        kquant_scale_min(j, scales, sc, m);
        const float step = d * static_cast<float>(sc);
        if (step == 0) continue;
        const float offset = dmin * static_cast<float>(m), inv = 1.0f / step;
        for (int i = 0; i < 32; ++i)
            L[32 * j + i] = static_cast<uint8_t>(std::clamp(round_int((x[32 * j + i] + offset) * inv), 0, nmax));
    }
}

}  // namespace

void kquant_scale_min(int j, const uint8_t* q, int& sc, int& m) {
    if (j < 4) {
        sc = q[j] & 63;
        m = q[j + 4] & 63;
    } else {
        sc = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
        m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

void dequantize_row_q4_0(const BlockQ4_0* src, float* dst, int64_t n) {
    for (int64_t b = 0; b < n / kQ4_0BlockSize; ++b) {
        const float d = fp16_to_fp32(src[b].d);
        float* y = dst + b * kQ4_0BlockSize;
        for (int i = 0; i < 16; ++i) {
            y[i] = d * static_cast<float>((src[b].qs[i] & 0xF) - 8);
            y[i + 16] = d * static_cast<float>((src[b].qs[i] >> 4) - 8);
        }
    }
}

void quantize_row_q4_0(const float* src, BlockQ4_0* dst, int64_t n) {
    for (int64_t b = 0; b < n / kQ4_0BlockSize; ++b) {
        const float* x = src + b * kQ4_0BlockSize;
        // The value of largest magnitude maps to level 0 (= -8), using the range's extra negative level.
        float amax = 0, vmax = 0;
        for (int i = 0; i < kQ4_0BlockSize; ++i)
            if (std::fabs(x[i]) > amax) {
                amax = std::fabs(x[i]);
                vmax = x[i];
            }
        const float d = vmax / -8.0f;
        const float id = d != 0 ? 1.0f / d : 0.0f;
        dst[b].d = fp32_to_fp16(d);
        for (int i = 0; i < 16; ++i) {
            const int lo = std::clamp(static_cast<int>(std::floor(x[i] * id + 8.5f)), 0, 15);
            const int hi = std::clamp(static_cast<int>(std::floor(x[i + 16] * id + 8.5f)), 0, 15);
            dst[b].qs[i] = static_cast<uint8_t>(lo | (hi << 4));
        }
    }
}

void dequantize_row_q4_k(const BlockQ4_K* src, float* dst, int64_t n) {
    for (int64_t b = 0; b < n / kQKBlockSize; ++b) {
        const BlockQ4_K& blk = src[b];
        const float d = fp16_to_fp32(blk.d), dmin = fp16_to_fp32(blk.dmin);
        float* y = dst + b * kQKBlockSize;
        for (int g = 0; g < 4; ++g) {  // 64 weights: sub-block 2g in low nibbles, 2g+1 in high
            int sc0, m0, sc1, m1;
            kquant_scale_min(2 * g, blk.scales, sc0, m0);
            kquant_scale_min(2 * g + 1, blk.scales, sc1, m1);
            const uint8_t* q = blk.qs + 32 * g;
            for (int l = 0; l < 32; ++l) {
                y[64 * g + l] =
                    d * static_cast<float>(sc0) * static_cast<float>(q[l] & 0xF) - dmin * static_cast<float>(m0);
                y[64 * g + 32 + l] =
                    d * static_cast<float>(sc1) * static_cast<float>(q[l] >> 4) - dmin * static_cast<float>(m1);
            }
        }
    }
}

void quantize_row_q4_k(const float* src, BlockQ4_K* dst, int64_t n) {
    uint8_t L[kQKBlockSize];
    for (int64_t b = 0; b < n / kQKBlockSize; ++b) {
        BlockQ4_K& blk = dst[b];
        quantize_k_superblock(src + b * kQKBlockSize, 15, blk.d, blk.dmin, blk.scales, L);
        for (int g = 0; g < 4; ++g)
            for (int l = 0; l < 32; ++l)
                blk.qs[32 * g + l] = static_cast<uint8_t>(L[64 * g + l] | (L[64 * g + 32 + l] << 4));
    }
}

void dequantize_row_q5_k(const BlockQ5_K* src, float* dst, int64_t n) {
    for (int64_t b = 0; b < n / kQKBlockSize; ++b) {
        const BlockQ5_K& blk = src[b];
        const float d = fp16_to_fp32(blk.d), dmin = fp16_to_fp32(blk.dmin);
        float* y = dst + b * kQKBlockSize;
        for (int g = 0; g < 4; ++g) {
            int sc0, m0, sc1, m1;
            kquant_scale_min(2 * g, blk.scales, sc0, m0);
            kquant_scale_min(2 * g + 1, blk.scales, sc1, m1);
            const uint8_t* q = blk.qs + 32 * g;
            for (int l = 0; l < 32; ++l) {
                const int lo = (q[l] & 0xF) | (((blk.qh[l] >> (2 * g)) & 1) << 4);
                const int hi = (q[l] >> 4) | (((blk.qh[l] >> (2 * g + 1)) & 1) << 4);
                y[64 * g + l] = d * static_cast<float>(sc0) * static_cast<float>(lo) - dmin * static_cast<float>(m0);
                y[64 * g + 32 + l] =
                    d * static_cast<float>(sc1) * static_cast<float>(hi) - dmin * static_cast<float>(m1);
            }
        }
    }
}

void quantize_row_q5_k(const float* src, BlockQ5_K* dst, int64_t n) {
    uint8_t L[kQKBlockSize];
    for (int64_t b = 0; b < n / kQKBlockSize; ++b) {
        BlockQ5_K& blk = dst[b];
        quantize_k_superblock(src + b * kQKBlockSize, 31, blk.d, blk.dmin, blk.scales, L);
        std::memset(blk.qh, 0, sizeof(blk.qh));
        for (int g = 0; g < 4; ++g)
            for (int l = 0; l < 32; ++l) {
                const int lo = L[64 * g + l], hi = L[64 * g + 32 + l];
                blk.qs[32 * g + l] = static_cast<uint8_t>((lo & 0xF) | ((hi & 0xF) << 4));
                blk.qh[l] = static_cast<uint8_t>(blk.qh[l] | ((lo >> 4) << (2 * g)) | ((hi >> 4) << (2 * g + 1)));
            }
    }
}

void dequantize_row_q6_k(const BlockQ6_K* src, float* dst, int64_t n) {
    for (int64_t b = 0; b < n / kQKBlockSize; ++b) {
        const BlockQ6_K& blk = src[b];
        const float d = fp16_to_fp32(blk.d);
        float* y = dst + b * kQKBlockSize;
        for (int h = 0; h < 2; ++h) {
            const uint8_t* ql = blk.ql + 64 * h;
            const uint8_t* qh = blk.qh + 32 * h;
            const int8_t* sc = blk.scales + 8 * h;
            for (int l = 0; l < 32; ++l) {
                const int s = l / 16;
                const int q0 = ((ql[l] & 0xF) | ((qh[l] & 3) << 4)) - 32;
                const int q1 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                const int q2 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                const int q3 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                y[128 * h + l] = d * static_cast<float>(sc[s]) * static_cast<float>(q0);
                y[128 * h + l + 32] = d * static_cast<float>(sc[s + 2]) * static_cast<float>(q1);
                y[128 * h + l + 64] = d * static_cast<float>(sc[s + 4]) * static_cast<float>(q2);
                y[128 * h + l + 96] = d * static_cast<float>(sc[s + 6]) * static_cast<float>(q3);
            }
        }
    }
}

void quantize_row_q8_k(const float* src, BlockQ8_K* dst, int64_t n) {
    for (int64_t b = 0; b < n / kQKBlockSize; ++b) {
        const float* x = src + b * kQKBlockSize;
        float amax = 0;
        for (int i = 0; i < kQKBlockSize; ++i) amax = std::max(amax, std::fabs(x[i]));
        const float id = amax > 0 ? 127.0f / amax : 0.0f;
        dst[b].d = amax / 127.0f;
        for (int i = 0; i < kQKBlockSize; ++i)
            dst[b].qs[i] = static_cast<int8_t>(std::clamp(round_int(x[i] * id), -127, 127));
        for (int j = 0; j < kQKBlockSize / 16; ++j) {
            int sum = 0;
            for (int i = 0; i < 16; ++i) sum += dst[b].qs[16 * j + i];
            dst[b].bsums[j] = static_cast<int16_t>(sum);
        }
    }
}

void quantize_row_q6_k(const float* src, BlockQ6_K* dst, int64_t n) {
    for (int64_t b = 0; b < n / kQKBlockSize; ++b) {
        const float* x = src + b * kQKBlockSize;
        BlockQ6_K& blk = dst[b];
        float sub_scale[16], w[16], max_scale = 0, max_abs = 0;
        for (int j = 0; j < 16; ++j) {
            importance(x + 16 * j, 16, w);
            sub_scale[j] = fit_symmetric(x + 16 * j, w, 16);
            if (std::fabs(sub_scale[j]) > max_abs) {
                max_abs = std::fabs(sub_scale[j]);
                max_scale = sub_scale[j];
            }
        }
        int L[kQKBlockSize] = {};
        if (max_abs == 0) {
            std::memset(&blk, 0, sizeof(blk));
            for (int& l : L) l = 32;
        } else {
            const float iscale = -128.0f / max_scale;
            blk.d = fp32_to_fp16(1.0f / iscale);
            for (int j = 0; j < 16; ++j)
                blk.scales[j] = static_cast<int8_t>(std::clamp(round_int(iscale * sub_scale[j]), -128, 127));
            const float d = fp16_to_fp32(blk.d);
            for (int j = 0; j < 16; ++j) {
                const float step = d * static_cast<float>(blk.scales[j]);
                const float inv = step != 0 ? 1.0f / step : 0.0f;
                for (int i = 0; i < 16; ++i)
                    L[16 * j + i] = step == 0 ? 32 : std::clamp(round_int(x[16 * j + i] * inv), -32, 31) + 32;
            }
        }
        for (int h = 0; h < 2; ++h) {
            const int* l = L + 128 * h;
            for (int i = 0; i < 32; ++i) {
                blk.ql[64 * h + i] = static_cast<uint8_t>((l[i] & 0xF) | ((l[i + 64] & 0xF) << 4));
                blk.ql[64 * h + 32 + i] = static_cast<uint8_t>((l[i + 32] & 0xF) | ((l[i + 96] & 0xF) << 4));
                blk.qh[32 * h + i] = static_cast<uint8_t>((l[i] >> 4) | ((l[i + 32] >> 4) << 2) |
                                                          ((l[i + 64] >> 4) << 4) | ((l[i + 96] >> 4) << 6));
            }
        }
    }
}

}  // namespace sigma
