// Attention work items over the thread pool. Dense: (token, head group) items, a group being the
// query heads that share their K and V heads (joint_head_groups), so a group's cached rows are read
// once for all its heads. Tokens go zig-zag so every thread's share mixes short and long prefixes.
// Not the math: each item is one call of attention_dense_heads / attention_selective.
#include "inference/attention_schedule.h"

#include <cmath>

#include "inference/ops_attention.h"
#include "inference/ops_attention_group.h"

namespace sigma {

namespace {

float score_scale(const ModelConfig& c) { return 1.0f / std::sqrt(static_cast<float>(c.d_k)); }

// Thread `thread`'s slice of the score scratch: [G][T], G = the most query heads in one group.
float* thread_scores(ForwardBuffers& b, int thread, int n_ctx) {
    return b.scores.data() + static_cast<size_t>(thread) * b.max_group_heads * n_ctx;
}

}  // namespace

void attend_causal(ForwardState& s, int n, int pos0) {
    const ModelConfig& c = *s.config;
    ForwardBuffers& b = *s.buffers;
    const size_t qd = static_cast<size_t>(c.heads.n_q) * c.d_k, od = static_cast<size_t>(c.heads.n_q) * c.d_v;
    const float scale = score_scale(c);
    const int n_ctx = s.cache->n_ctx();
    const int n_groups = static_cast<int>(b.head_groups.size()) - 1;
    const AttentionPath path = attention_default_path();
    // Item i = (token j-th in zig-zag order 0, n-1, 1, n-2, ..., group g): the contiguous ranges the
    // pool hands out mix short and long causal prefixes, so the threads finish together.
    s.pool->parallel_for(int64_t{n} * n_groups, [&](int64_t i0, int64_t i1, int thread) {
        float* scores = thread_scores(b, thread, n_ctx);
        for (int64_t i = i0; i < i1; ++i) {
            const int64_t j = i / n_groups;
            const int t = static_cast<int>(j % 2 == 0 ? j / 2 : n - 1 - j / 2);
            const size_t g = static_cast<size_t>(i % n_groups);
            attention_dense_heads(b.attn.data() + t * od, b.q.data() + t * qd, b.head_groups[g], b.head_groups[g + 1],
                                  c.heads, b.k_view.data(), c.d_k, b.v_view.data(), c.d_v, pos0 + t + 1, scale, scores,
                                  path);
        }
    });
}

void attend_selective(ForwardState& s, int pos) {
    const ModelConfig& c = *s.config;
    ForwardBuffers& b = *s.buffers;
    const float scale = score_scale(c);
    const int n_ctx = s.cache->n_ctx();
    // Item = one query head (selection is per head, so heads share no work).
    s.pool->parallel_for(c.heads.n_q, [&](int64_t h0, int64_t h1, int thread) {
        float* scores = thread_scores(b, thread, n_ctx);
        int32_t* index = b.index.data() + static_cast<size_t>(thread) * n_ctx;
        for (int64_t h = h0; h < h1; ++h) {
            const int i = static_cast<int>(h);
            attention_selective(b.attn.data() + h * c.d_v, b.q.data() + h * c.d_k,
                                b.k_view[static_cast<size_t>(c.heads.k_head(i))], c.d_k,
                                b.v_view[static_cast<size_t>(c.heads.v_head(i))], c.d_v, pos + 1, scale,
                                s.options.selective_v_top_k, scores, index);
        }
    });
}

}  // namespace sigma
