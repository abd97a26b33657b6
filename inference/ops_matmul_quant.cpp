// Scalar dot products of 4/5/6-bit weight rows with 8-bit activations: the oracle of the SIMD paths.
// Not fast: plain loops, one integer sum per sub-block, exactly the decoded formula of each block.
#include "inference/ops_matmul_quant.h"

#include "inference/ops_convert.h"

namespace sigma {

float dot_q4_0_q8_0_scalar(const BlockQ4_0* w, const BlockQ8_0* x, int64_t n_blocks) {
    const float* table = fp16_table();
    float s = 0;
    for (int64_t b = 0; b < n_blocks; ++b) {
        int32_t sumi = 0;
        for (int i = 0; i < 16; ++i) {
            sumi += ((w[b].qs[i] & 0xF) - 8) * x[b].qs[i];
            sumi += ((w[b].qs[i] >> 4) - 8) * x[b].qs[i + 16];
        }
        s += table[w[b].d] * table[x[b].d] * static_cast<float>(sumi);
    }
    return s;
}

float dot_q4_k_q8_k_scalar(const BlockQ4_K* w, const BlockQ8_K* x, int64_t n_blocks) {
    const float* table = fp16_table();
    float s = 0;
    for (int64_t b = 0; b < n_blocks; ++b) {
        // sum_j (d sc_j q - dmin m_j) y = d * sum_j sc_j (q . y)_j - dmin * sum_j m_j (sum y)_j
        int32_t sumi = 0, summ = 0;
        for (int j = 0; j < 8; ++j) {
            int sc, m;
            kquant_scale_min(j, w[b].scales, sc, m);
            const uint8_t* q = w[b].qs + 32 * (j / 2);
            const int shift = 4 * (j % 2);
            int32_t sub = 0;
            for (int l = 0; l < 32; ++l) sub += ((q[l] >> shift) & 0xF) * x[b].qs[32 * j + l];
            sumi += sc * sub;
            summ += m * (x[b].bsums[2 * j] + x[b].bsums[2 * j + 1]);
        }
        s += x[b].d * (table[w[b].d] * static_cast<float>(sumi) - table[w[b].dmin] * static_cast<float>(summ));
    }
    return s;
}

float dot_q5_k_q8_k_scalar(const BlockQ5_K* w, const BlockQ8_K* x, int64_t n_blocks) {
    const float* table = fp16_table();
    float s = 0;
    for (int64_t b = 0; b < n_blocks; ++b) {
        int32_t sumi = 0, summ = 0;
        for (int j = 0; j < 8; ++j) {
            int sc, m;
            kquant_scale_min(j, w[b].scales, sc, m);
            const uint8_t* q = w[b].qs + 32 * (j / 2);
            const int shift = 4 * (j % 2);
            int32_t sub = 0;
            for (int l = 0; l < 32; ++l) {
                const int v = ((q[l] >> shift) & 0xF) | (((w[b].qh[l] >> j) & 1) << 4);
                sub += v * x[b].qs[32 * j + l];
            }
            sumi += sc * sub;
            summ += m * (x[b].bsums[2 * j] + x[b].bsums[2 * j + 1]);
        }
        s += x[b].d * (table[w[b].d] * static_cast<float>(sumi) - table[w[b].dmin] * static_cast<float>(summ));
    }
    return s;
}

float dot_q6_k_q8_k_scalar(const BlockQ6_K* w, const BlockQ8_K* x, int64_t n_blocks) {
    const float* table = fp16_table();
    float s = 0;
    for (int64_t b = 0; b < n_blocks; ++b) {
        int32_t sumi = 0;
        for (int h = 0; h < 2; ++h) {
            const uint8_t* ql = w[b].ql + 64 * h;
            const uint8_t* qh = w[b].qh + 32 * h;
            const int8_t* y = x[b].qs + 128 * h;
            int32_t sub[8] = {};  // sub-blocks 8h .. 8h+7 of 16 weights
            for (int l = 0; l < 32; ++l) {
                const int s16 = l / 16;
                sub[s16 + 0] += (((ql[l] & 0xF) | ((qh[l] & 3) << 4)) - 32) * y[l];
                sub[s16 + 2] += (((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32) * y[l + 32];
                sub[s16 + 4] += (((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32) * y[l + 64];
                sub[s16 + 6] += (((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32) * y[l + 96];
            }
            for (int j = 0; j < 8; ++j) sumi += w[b].scales[8 * h + j] * sub[j];
        }
        s += x[b].d * table[w[b].d] * static_cast<float>(sumi);
    }
    return s;
}

}  // namespace sigma
