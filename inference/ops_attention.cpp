// Attention for one query head. Scores and softmax in float with the max subtracted; the V sum
// accumulates in float.
// Not a flash/split-KV kernel: on the CPU one head's scores fit in cache, so two passes are simplest.
#include "inference/ops_attention.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "inference/cpu_features.h"
#include "inference/ops_convert.h"

namespace sigma {

float kv_dot(const float* q, const KvRows& rows, int64_t p, int n) {
    float s = 0.0f;
    if (rows.type == KvType::F32) {
        const float* r = static_cast<const float*>(rows.data) + p * rows.row_stride;
        for (int i = 0; i < n; ++i) s += q[i] * r[i];
    } else {
        const float* table = fp16_table();
        const uint16_t* r = static_cast<const uint16_t*>(rows.data) + p * rows.row_stride;
        for (int i = 0; i < n; ++i) s += q[i] * table[r[i]];
    }
    return s;
}

void kv_axpy(float* out, float w, const KvRows& rows, int64_t p, int n) {
    if (rows.type == KvType::F32) {
        const float* r = static_cast<const float*>(rows.data) + p * rows.row_stride;
        for (int i = 0; i < n; ++i) out[i] += w * r[i];
    } else {
        const float* table = fp16_table();
        const uint16_t* r = static_cast<const uint16_t*>(rows.data) + p * rows.row_stride;
        for (int i = 0; i < n; ++i) out[i] += w * table[r[i]];
    }
}

namespace {

struct KvKernels {
    float (*dot)(const float*, const KvRows&, int64_t, int);
    void (*axpy)(float*, float, const KvRows&, int64_t, int);
};

const KvKernels& kv_kernels() {
    static const KvKernels k = [] {
        return cpu_features().level_avx2() ? KvKernels{kv_dot_avx2, kv_axpy_avx2} : KvKernels{kv_dot, kv_axpy};
    }();
    return k;
}

void dense_with(const KvKernels& kk, float* out, const float* q, const KvRows& k, int d_k, const KvRows& v, int d_v,
                int n_pos, float scale, float* scores) {
    // s_p = q·K_p / sqrt(d_k)
    float max_score = -INFINITY;
    for (int p = 0; p < n_pos; ++p) {
        scores[p] = kk.dot(q, k, p, d_k) * scale;
        max_score = std::max(max_score, scores[p]);
    }
    // a_p = exp(s_p - max) / sum
    float sum = 0.0f;
    for (int p = 0; p < n_pos; ++p) {
        scores[p] = std::exp(scores[p] - max_score);
        sum += scores[p];
    }
    const float inv = 1.0f / sum;
    // out = sum_p a_p V_p
    std::memset(out, 0, static_cast<size_t>(d_v) * sizeof(float));
    for (int p = 0; p < n_pos; ++p) kk.axpy(out, scores[p] * inv, v, p, d_v);
}

}  // namespace

void attention_dense(float* out, const float* q, const KvRows& k, int d_k, const KvRows& v, int d_v, int n_pos,
                     float scale, float* scores) {
    dense_with(kv_kernels(), out, q, k, d_k, v, d_v, n_pos, scale, scores);
}

void attention_dense_scalar(float* out, const float* q, const KvRows& k, int d_k, const KvRows& v, int d_v, int n_pos,
                            float scale, float* scores) {
    dense_with(KvKernels{kv_dot, kv_axpy}, out, q, k, d_k, v, d_v, n_pos, scale, scores);
}

void attention_dense_avx2(float* out, const float* q, const KvRows& k, int d_k, const KvRows& v, int d_v, int n_pos,
                          float scale, float* scores) {
    dense_with(KvKernels{kv_dot_avx2, kv_axpy_avx2}, out, q, k, d_k, v, d_v, n_pos, scale, scores);
}

void attention_selective(float* out, const float* q, const KvRows& k, int d_k, const KvRows& v, int d_v, int n_pos,
                         float scale, int top_k, float* scores, int32_t* index) {
    if (top_k >= n_pos || top_k <= 0) {
        attention_dense(out, q, k, d_k, v, d_v, n_pos, scale, scores);
        return;
    }
    const KvKernels& kk = kv_kernels();
    for (int p = 0; p < n_pos; ++p) {
        scores[p] = kk.dot(q, k, p, d_k) * scale;
        index[p] = p;
    }
    // Top-k positions by score (ties: earlier position first), then back in position order so the
    // V rows are read front to back.
    std::partial_sort(index, index + top_k, index + n_pos, [scores](int32_t a, int32_t b) {
        return scores[a] > scores[b] || (scores[a] == scores[b] && a < b);
    });
    std::sort(index, index + top_k);
    float max_score = -INFINITY;
    for (int j = 0; j < top_k; ++j) max_score = std::max(max_score, scores[index[j]]);
    // softmax over the kept scores only
    float sum = 0.0f;
    for (int j = 0; j < top_k; ++j) sum += std::exp(scores[index[j]] - max_score);
    const float inv = 1.0f / sum;
    std::memset(out, 0, static_cast<size_t>(d_v) * sizeof(float));
    for (int j = 0; j < top_k; ++j) {
        const int p = index[j];
        kk.axpy(out, std::exp(scores[p] - max_score) * inv, v, p, d_v);
    }
}

}  // namespace sigma
