// Attention for one query head of one token: scores against cached K rows, causal softmax, weighted
// sum of V rows; dense, or "selective V" (only the top-k scoring positions' V rows are read).
// Not the head mapping: the forward pass picks K head k_head(i) and V head v_head(i) per query head.
#pragma once

#include <cstdint>

#include "inference/kv_cache.h"

namespace sigma {

// Dense: s_p = scale * q·K_p for p < n_pos; a = softmax(s) (max subtracted); out = sum_p a_p V_p.
// q: [d_k], out: [d_v], scores: scratch of n_pos floats.
void attention_dense(float* out, const float* q, const KvRows& k, int d_k, const KvRows& v, int d_v, int n_pos,
                     float scale, float* scores);
// attention_dense on named row kernels: _scalar on kv_dot/kv_axpy (the reference), _avx2 on their AVX2
// twins (call only where the CPU has AVX2, FMA and F16C). attention_dense runs the best the CPU has.
void attention_dense_scalar(float* out, const float* q, const KvRows& k, int d_k, const KvRows& v, int d_v, int n_pos,
                            float scale, float* scores);
void attention_dense_avx2(float* out, const float* q, const KvRows& k, int d_k, const KvRows& v, int d_v, int n_pos,
                          float scale, float* scores);

// Selective V (the paper's decode-time trick; its open details decided here):
// - selection is per QUERY head: each head keeps the top_k positions by its own score;
// - ties keep the earlier position;
// - the softmax is over the KEPT scores only (renormalised to sum 1), so the result is a proper
//   weighted average of the V rows read;
// - when top_k >= n_pos every position is kept and the result equals attention_dense exactly.
// - top_k <= 0 also means "keep all".
// scores: scratch of n_pos floats; index: scratch of n_pos ints.
void attention_selective(float* out, const float* q, const KvRows& k, int d_k, const KvRows& v, int d_v, int n_pos,
                         float scale, int top_k, float* scores, int32_t* index);

// dot(q, row p of rows) over n elements, widening F16 rows. Scalar; the _avx2 twins (used when the
// CPU has AVX2/FMA/F16C, or SIGMA_CPU_PATH allows) live in ops_attention_avx2.cpp.
float kv_dot(const float* q, const KvRows& rows, int64_t p, int n);
float kv_dot_avx2(const float* q, const KvRows& rows, int64_t p, int n);
// out[n] += w * row p of rows.
void kv_axpy(float* out, float w, const KvRows& rows, int64_t p, int n);
void kv_axpy_avx2(float* out, float w, const KvRows& rows, int64_t p, int n);

}  // namespace sigma
