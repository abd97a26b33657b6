// Attention for a GROUP of query heads of one token that share their K and V heads: each cached K
// row is read once for all the query heads mapped to it, each V row once for its query heads.
// Not the per-head math (ops_attention.h defines it, and the scalar path here is exactly it).
#pragma once

#include <cstdint>
#include <vector>

#include "inference/core/model_config.h"
#include "inference/kv_cache.h"

namespace sigma {

// Boundaries b_0 = 0 < b_1 < ... < b_m = n_q of the smallest runs of consecutive query heads that
// share no K or V head with a head outside the run: a new run starts at head i only where both
// its K head and its V head differ from head i-1's. With n_k | n_v (or n_v | n_k) the runs are the
// coarser grouping; each run is one independent unit of attention work.
std::vector<int> joint_head_groups(const HeadCounts& heads);

// Kernels, named for what they run. Scalar: head by head, attention_dense_scalar (the reference).
// Avx2: head by head, attention_dense_avx2. Avx512: each K/V row read once per group of heads; needs
// head sizes that are multiples of 16 (other sizes run as Avx2 does).
enum class AttentionPath { Scalar, Avx2, Avx512 };
AttentionPath attention_default_path();  // from cpu_features() (and SIGMA_CPU_PATH)
bool attention_path_available(AttentionPath path);

// Dense causal attention of query heads [h0, h1) of one token over positions 0..n_pos-1:
// for each head i, out_i = softmax(scale * q_i · K[k_head(i)]^T) · V[v_head(i)].
// q: the token's [n_q][d_k] queries; out: the token's [n_q][d_v] outputs (only heads h0..h1-1 are
// written); k_rows[n_k] / v_rows[n_v]: the layer's cached heads; scores: scratch of
// (h1 - h0) * n_pos floats.
void attention_dense_heads(float* out, const float* q, int h0, int h1, const HeadCounts& heads, const KvRows* k_rows,
                           int d_k, const KvRows* v_rows, int d_v, int n_pos, float scale, float* scores,
                           AttentionPath path);

// The AVX-512 kernels, exposed for the tests (call only where attention_path_available(Avx512)).
// s[g][p] = scale * q_g · K_p for g < n_q_heads (any count), p < n_pos; d_k % 16 == 0.
void kv_scores_avx512(const float* const* q, int n_q_heads, const KvRows& k, int d_k, int n_pos, float scale,
                      float* const* s);
// s[p] <- exp(s[p] - max) / sum over p < n (in place).
void softmax_avx512(float* s, int n);
// out[g] = sum_p a[g][p] * V_p for g < n_heads; d_v % 16 == 0.
void kv_weighted_sum_avx512(float* const* out, const float* const* a, int n_heads, const KvRows& v, int d_v, int n_pos);

}  // namespace sigma
