// The attention block: DiffQKV attention with AugQ (and the half-K ablation), one flat call per step
// with its formula beside it. Shapes: forward.h's legend.
// Not the kernels (ops_attention*.cpp, ops_rope.cpp) and not who computes which head on which
// thread (attention_schedule.cpp).
#include "inference/attention_block.h"

#include "inference/attention_schedule.h"
#include "inference/ops_rope.h"
#include "inference/ops_swiglu.h"

namespace sigma {

namespace {

// y[n][d] += bias[d] (a no-op without a bias)
void add_bias(float* y, const std::vector<float>& biases, int layer, int n, size_t d) {
    if (biases.empty()) return;
    const float* bias = biases.data() + static_cast<size_t>(layer) * d;
    for (int t = 0; t < n; ++t)
        for (size_t i = 0; i < d; ++i) y[t * d + i] += bias[i];
}

// q0 = h·W_Q (+ b_Q);  AugQ: q = W_qdown( silu(W_qgate·q0) * (W_qup·q0) ), else q = q0.  [n][n_q*d_k]
Status project_query(ForwardState& s, int l, int n) {
    const ModelConfig& c = *s.config;
    const LayerWeights& lw = s.weights->layers[static_cast<size_t>(l)];
    ForwardBuffers& b = *s.buffers;
    float* q0 = c.d_aug > 0 ? b.q0.data() : b.q.data();
    SIGMA_TRY(forward_matmul(q0, *lw.wq, b.xn.data(), n, s));
    add_bias(q0, b.bq, l, n, static_cast<size_t>(c.heads.n_q) * c.d_k);
    if (c.d_aug == 0) return {};
    SIGMA_TRY(forward_matmul(b.aug_gate.data(), *lw.q_gate, q0, n, s));
    SIGMA_TRY(forward_matmul(b.aug_up.data(), *lw.q_up, q0, n, s));
    swiglu(b.aug_gate.data(), b.aug_gate.data(), b.aug_up.data(), int64_t{n} * c.d_aug);
    return forward_matmul(b.q.data(), *lw.q_down, b.aug_gate.data(), n, s);
}

// k = h·W_K (+ b_K) -> [n][n_k*d_kc];  v = h·W_V (+ b_V) -> [n][n_v*d_v]
Status project_key_value(ForwardState& s, int l, int n) {
    const ModelConfig& c = *s.config;
    const LayerWeights& lw = s.weights->layers[static_cast<size_t>(l)];
    ForwardBuffers& b = *s.buffers;
    SIGMA_TRY(forward_matmul(b.k.data(), *lw.wk, b.xn.data(), n, s));
    add_bias(b.k.data(), b.bk, l, n, static_cast<size_t>(c.heads.n_k) * c.d_k_cache);
    SIGMA_TRY(forward_matmul(b.v.data(), *lw.wv, b.xn.data(), n, s));
    add_bias(b.v.data(), b.bv, l, n, static_cast<size_t>(c.heads.n_v) * c.d_v);
    return {};
}

// RoPE on q (after AugQ) and on k (before caching) at each token's position; none on v. Then K into
// the cache as [T][n_k][d_kc] and V as [T][n_v][d_v], kept apart (K is never widened to n_v heads).
// Half-K caches k unrotated: map_up_half_k rotates it after k_up maps it to d_k.
void rotate_and_cache(ForwardState& s, int l, int n, int pos0) {
    const ModelConfig& c = *s.config;
    ForwardBuffers& b = *s.buffers;
    const size_t qd = static_cast<size_t>(c.heads.n_q) * c.d_k, kd = static_cast<size_t>(c.heads.n_k) * c.d_k_cache;
    const size_t vd = static_cast<size_t>(c.heads.n_v) * c.d_v;
    for (int t = 0; t < n; ++t) {
        rope(b.q.data() + t * qd, c.heads.n_q, c.d_k, pos0 + t, c.rope_theta, c.rope_style);
        if (!c.half_k) rope(b.k.data() + t * kd, c.heads.n_k, c.d_k, pos0 + t, c.rope_theta, c.rope_style);
        s.cache->store_k(l, pos0 + t, b.k.data() + t * kd);
        s.cache->store_v(l, pos0 + t, b.v.data() + t * vd);
    }
}

// Half-K: every cached key head (d_kc wide) of positions 0..n_pos-1 is mapped up by the shared k_up
// to d_k, then rotated at its own position: K_p = RoPE_p(k_up · k_cached_p) -> k_full [T][n_k][d_k].
// Recomputed per call: the cache stays half size, the price is compute (an ablation, not a default).
Status map_up_half_k(ForwardState& s, int l, int n_pos) {
    const ModelConfig& c = *s.config;
    ForwardBuffers& b = *s.buffers;
    const KvCache& cache = *s.cache;
    const int n_k = c.heads.n_k;
    s.pool->parallel_for(n_pos, [&](int64_t p0, int64_t p1, int) {
        for (int64_t p = p0; p < p1; ++p)
            for (int h = 0; h < n_k; ++h)
                cache.load_k(b.k_cached.data() + (p * n_k + h) * c.d_k_cache, l, static_cast<int>(p), h);
    });
    SIGMA_TRY(forward_matmul(b.k_full.data(), *s.weights->layers[static_cast<size_t>(l)].k_up, b.k_cached.data(),
                             int64_t{n_pos} * n_k, s));
    s.pool->parallel_for(n_pos, [&](int64_t p0, int64_t p1, int) {
        for (int64_t p = p0; p < p1; ++p)
            rope(b.k_full.data() + p * n_k * c.d_k, n_k, c.d_k, static_cast<int>(p), c.rope_theta, c.rope_style);
    });
    return {};
}

// The layer's cached heads as row views: k_view [n_k] (half-K: the mapped-up keys), v_view [n_v].
void view_cached_heads(ForwardState& s, int l) {
    const ModelConfig& c = *s.config;
    ForwardBuffers& b = *s.buffers;
    for (int h = 0; h < c.heads.n_k; ++h)
        b.k_view[static_cast<size_t>(h)] =
            c.half_k ? KvRows{b.k_full.data() + h * c.d_k, KvType::F32, int64_t{c.heads.n_k} * c.d_k}
                     : s.cache->k_rows(l, h);
    for (int h = 0; h < c.heads.n_v; ++h) b.v_view[static_cast<size_t>(h)] = s.cache->v_rows(l, h);
}

}  // namespace

Status attention_block(ForwardState& s, int layer, int n, int pos0) {
    SIGMA_TRY(project_query(s, layer, n));
    SIGMA_TRY(project_key_value(s, layer, n));
    rotate_and_cache(s, layer, n, pos0);
    if (s.config->half_k) SIGMA_TRY(map_up_half_k(s, layer, pos0 + n));
    view_cached_heads(s, layer);

    // Per query head i of token t: a = softmax(q_i · K[k_head(i)]^T / sqrt(d_k)) over positions
    // 0..pos0+t (causal); o_i = a · V[v_head(i)]; o = [o_1 .. o_nq] -> attn [n][n_q*d_v].
    // Decode may keep only the top-k scores per head (selective V, ops_attention.h).
    if (s.options.selective_v && n == 1) attend_selective(s, pos0);
    else attend_causal(s, n, pos0);

    // delta = W_O · o
    ForwardBuffers& b = *s.buffers;
    return forward_matmul(b.delta.data(), *s.weights->layers[static_cast<size_t>(layer)].wo, b.attn.data(), n, s);
}

}  // namespace sigma
