// Grouped attention: the head-group bookkeeping and the dispatch between the per-head paths (scalar
// reference, AVX2 row kernels) and the AVX-512 kernels that read each cached row once per group.
// Not the kernels themselves (ops_attention_avx512.cpp) nor the per-head math (ops_attention.cpp).
#include "inference/ops_attention_group.h"

#include "inference/cpu_features.h"
#include "inference/ops_attention.h"

namespace sigma {

std::vector<int> joint_head_groups(const HeadCounts& heads) {
    std::vector<int> bounds{0};
    for (int i = 1; i < heads.n_q; ++i)
        if (heads.k_head(i) != heads.k_head(i - 1) && heads.v_head(i) != heads.v_head(i - 1)) bounds.push_back(i);
    bounds.push_back(heads.n_q);
    return bounds;
}

bool attention_path_available(AttentionPath path) {
    const CpuFeatures& f = cpu_features();
    switch (path) {
        case AttentionPath::Scalar: return true;
        case AttentionPath::Avx2: return f.level_avx2();
        case AttentionPath::Avx512: return f.level_avx512f();
    }
    return false;
}

AttentionPath attention_default_path() {
    if (attention_path_available(AttentionPath::Avx512)) return AttentionPath::Avx512;
    return attention_path_available(AttentionPath::Avx2) ? AttentionPath::Avx2 : AttentionPath::Scalar;
}

namespace {

// Largest number of query heads in one call to the AVX-512 kernels' pointer tables.
constexpr int kMaxPointers = 64;

// Runs of consecutive query heads in [h0, h1) mapped to the same cached head by `head_of`.
template <typename HeadOf, typename Fn>
void for_each_run(int h0, int h1, HeadOf head_of, Fn fn) {
    for (int a = h0; a < h1;) {
        int b = a + 1;
        while (b < h1 && b - a < kMaxPointers && head_of(b) == head_of(a)) ++b;
        fn(head_of(a), a, b);
        a = b;
    }
}

}  // namespace

void attention_dense_heads(float* out, const float* q, int h0, int h1, const HeadCounts& heads, const KvRows* k_rows,
                           int d_k, const KvRows* v_rows, int d_v, int n_pos, float scale, float* scores,
                           AttentionPath path) {
    if (h1 <= h0 || n_pos <= 0) return;
    if (path != AttentionPath::Avx512 || d_k % 16 != 0 || d_v % 16 != 0) {
        const auto per_head = path == AttentionPath::Scalar ? attention_dense_scalar : attention_dense_avx2;
        for (int i = h0; i < h1; ++i)
            per_head(out + static_cast<size_t>(i) * d_v, q + static_cast<size_t>(i) * d_k, k_rows[heads.k_head(i)], d_k,
                     v_rows[heads.v_head(i)], d_v, n_pos, scale, scores);
        return;
    }
    auto row = [&](int i) { return scores + static_cast<size_t>(i - h0) * n_pos; };
    // Scores: each K head's rows once for all its query heads.
    for_each_run(
        h0, h1, [&](int i) { return heads.k_head(i); },
        [&](int kh, int a, int b) {
            const float* qs[kMaxPointers];
            float* ss[kMaxPointers];
            for (int i = a; i < b; ++i) {
                qs[i - a] = q + static_cast<size_t>(i) * d_k;
                ss[i - a] = row(i);
            }
            kv_scores_avx512(qs, b - a, k_rows[kh], d_k, n_pos, scale, ss);
        });
    for (int i = h0; i < h1; ++i) softmax_avx512(row(i), n_pos);
    // Values: each V head's rows once for all its query heads.
    for_each_run(
        h0, h1, [&](int i) { return heads.v_head(i); },
        [&](int vh, int a, int b) {
            const float* as[kMaxPointers];
            float* os[kMaxPointers];
            for (int i = a; i < b; ++i) {
                as[i - a] = row(i);
                os[i - a] = out + static_cast<size_t>(i) * d_v;
            }
            kv_weighted_sum_avx512(os, as, b - a, v_rows[vh], d_v, n_pos);
        });
}

}  // namespace sigma
