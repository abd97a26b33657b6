// The forward pass, block by block as the paper writes it; each block is a flat call with the math
// beside it (the attention block's own steps: attention_block.cpp). Batched: every matmul sees all
// tokens of the call, so each weight row is read once.
// Not a graph executor: the order of operations is this file.
#include "inference/forward.h"

#include <algorithm>
#include <new>
#include <string>

#include "inference/attention_block.h"
#include "inference/ops_rmsnorm.h"
#include "inference/ops_swiglu.h"
#include "inference/tensor_types.h"

namespace sigma {

namespace {

std::string shape_string(const TensorView& t) {
    std::string s = "[";
    for (int i = 0; i < 4; ++i) {
        if (i > 0) s += ", ";
        s += std::to_string(t.ne[static_cast<size_t>(i)]);
    }
    s += "]";
    return s;
}

// A tensor the pass reads: present, shape {in, out}, a known type whose bytes are all there.
// `compute`: used by matmul (else only widened with dequantize_row, as norms and biases are).
Status check_tensor(const TensorView* t, const std::string& what, int64_t in, int64_t out, bool compute) {
    if (!t) return make_error(ErrorCode::Format, "missing tensor " + what);
    if (!t->data) return make_error(ErrorCode::Format, "tensor " + t->name + " (" + what + ") has no data");
    if (t->ne[0] != in || t->rows() != out) {
        return make_error(ErrorCode::Format, "tensor " + t->name + " (" + what + ") has shape " + shape_string(*t) +
                                                 ", expected [" + std::to_string(in) + ", " + std::to_string(out) +
                                                 "]");
    }
    const auto traits = type_traits(t->type);
    const bool convertible = t->type == TensorType::F32 || t->type == TensorType::F16 || t->type == TensorType::BF16 ||
                             t->type == TensorType::Q8_0 || t->type == TensorType::Q4_0 ||
                             t->type == TensorType::Q4_K || t->type == TensorType::Q5_K || t->type == TensorType::Q6_K;
    if (!traits || !convertible || (compute && !type_is_supported_for_compute(t->type))) {
        return make_error(ErrorCode::Unsupported,
                          "tensor " + t->name + " (" + what + ") has type " + type_name(t->type) + ", not supported");
    }
    if (in % traits->block_size != 0) {
        return make_error(ErrorCode::Format, "tensor " + t->name + " (" + what + ") row length " + std::to_string(in) +
                                                 " is not a multiple of its block size " +
                                                 std::to_string(traits->block_size));
    }
    if (t->nbytes != 0 && t->nbytes < row_bytes(t->type, in) * static_cast<size_t>(out)) {
        return make_error(ErrorCode::Format, "tensor " + t->name + " (" + what + ") holds " +
                                                 std::to_string(t->nbytes) + " bytes, fewer than its shape needs");
    }
    return {};
}

}  // namespace

Status check_weights(const ModelConfig& c, const ModelWeights& w) {
    if (c.n_layer <= 0 || c.n_embd <= 0 || c.n_ff <= 0 || c.heads.n_q <= 0 || c.heads.n_k <= 0 || c.heads.n_v <= 0 ||
        c.d_k <= 0 || c.d_k_cache <= 0 || c.d_v <= 0 || c.n_vocab <= 0 || c.d_aug < 0) {
        return make_error(ErrorCode::InvalidArgument, "model config has a non-positive dimension");
    }
    if (c.d_k % 2 != 0)
        return make_error(ErrorCode::Unsupported, "RoPE needs an even key head size, got " + std::to_string(c.d_k));
    if (!c.half_k && c.d_k_cache != c.d_k) {
        return make_error(ErrorCode::InvalidArgument, "d_k_cache " + std::to_string(c.d_k_cache) +
                                                          " differs from d_k " + std::to_string(c.d_k) +
                                                          " without half-K");
    }
    if (static_cast<int>(w.layers.size()) != c.n_layer) {
        return make_error(ErrorCode::Format, "model has " + std::to_string(w.layers.size()) +
                                                 " layers of weights, config says " + std::to_string(c.n_layer));
    }
    const int64_t H = c.n_embd, qd = int64_t{c.heads.n_q} * c.d_k, kd = int64_t{c.heads.n_k} * c.d_k_cache;
    const int64_t vd = int64_t{c.heads.n_v} * c.d_v, od = int64_t{c.heads.n_q} * c.d_v;
    SIGMA_TRY(check_tensor(w.token_embd, "token_embd", H, c.n_vocab, w.output == nullptr || w.output == w.token_embd));
    SIGMA_TRY(check_tensor(w.output_norm, "output_norm", H, 1, false));
    if (w.output) SIGMA_TRY(check_tensor(w.output, "output", H, c.n_vocab, true));
    for (int l = 0; l < c.n_layer; ++l) {
        const LayerWeights& lw = w.layers[static_cast<size_t>(l)];
        const std::string p = "blk." + std::to_string(l) + ".";
        SIGMA_TRY(check_tensor(lw.attn_norm, p + "attn_norm", H, 1, false));
        SIGMA_TRY(check_tensor(lw.wq, p + "attn_q", H, qd, true));
        SIGMA_TRY(check_tensor(lw.wk, p + "attn_k", H, kd, true));
        SIGMA_TRY(check_tensor(lw.wv, p + "attn_v", H, vd, true));
        SIGMA_TRY(check_tensor(lw.wo, p + "attn_output", od, H, true));
        if (lw.bq) SIGMA_TRY(check_tensor(lw.bq, p + "attn_q.bias", qd, 1, false));
        if (lw.bk) SIGMA_TRY(check_tensor(lw.bk, p + "attn_k.bias", kd, 1, false));
        if (lw.bv) SIGMA_TRY(check_tensor(lw.bv, p + "attn_v.bias", vd, 1, false));
        if (c.d_aug > 0) {
            SIGMA_TRY(check_tensor(lw.q_gate, p + "attn_q_gate", qd, c.d_aug, true));
            SIGMA_TRY(check_tensor(lw.q_up, p + "attn_q_up", qd, c.d_aug, true));
            SIGMA_TRY(check_tensor(lw.q_down, p + "attn_q_down", c.d_aug, qd, true));
        }
        if (c.half_k) SIGMA_TRY(check_tensor(lw.k_up, p + "attn_k_up", c.d_k_cache, c.d_k, true));
        SIGMA_TRY(check_tensor(lw.ffn_norm, p + "ffn_norm", H, 1, false));
        SIGMA_TRY(check_tensor(lw.ffn_gate, p + "ffn_gate", H, c.n_ff, true));
        SIGMA_TRY(check_tensor(lw.ffn_up, p + "ffn_up", H, c.n_ff, true));
        SIGMA_TRY(check_tensor(lw.ffn_down, p + "ffn_down", c.n_ff, H, true));
    }
    return {};
}

Status allocate_forward_buffers(ForwardBuffers& b, const ModelConfig& c, const ModelWeights& w, int n_batch, int n_ctx,
                                int n_threads) {
    const size_t B = static_cast<size_t>(n_batch), H = static_cast<size_t>(c.n_embd);
    const size_t qd = static_cast<size_t>(c.heads.n_q) * c.d_k, kd = static_cast<size_t>(c.heads.n_k) * c.d_k_cache;
    const size_t vd = static_cast<size_t>(c.heads.n_v) * c.d_v, od = static_cast<size_t>(c.heads.n_q) * c.d_v;
    const size_t T = static_cast<size_t>(n_ctx), L = static_cast<size_t>(c.n_layer);
    try {
        b.x.assign(B * H, 0.0f);
        b.xn.assign(B * H, 0.0f);
        b.delta.assign(B * H, 0.0f);
        b.q0.assign(B * qd, 0.0f);
        b.q.assign(B * qd, 0.0f);
        b.aug_gate.assign(B * static_cast<size_t>(c.d_aug), 0.0f);
        b.aug_up.assign(B * static_cast<size_t>(c.d_aug), 0.0f);
        b.k.assign(B * kd, 0.0f);
        b.v.assign(B * vd, 0.0f);
        b.attn.assign(B * od, 0.0f);
        b.ff_gate.assign(B * static_cast<size_t>(c.n_ff), 0.0f);
        b.ff_up.assign(B * static_cast<size_t>(c.n_ff), 0.0f);
        b.logits.assign(static_cast<size_t>(c.n_vocab), 0.0f);
        if (c.half_k) {
            b.k_cached.assign(T * kd, 0.0f);
            b.k_full.assign(T * static_cast<size_t>(c.heads.n_k) * c.d_k, 0.0f);
        }
        b.head_groups = joint_head_groups(c.heads);
        b.max_group_heads = 1;
        for (size_t g = 1; g < b.head_groups.size(); ++g)
            b.max_group_heads = std::max(b.max_group_heads, b.head_groups[g] - b.head_groups[g - 1]);
        b.k_view.assign(static_cast<size_t>(c.heads.n_k), KvRows{});
        b.v_view.assign(static_cast<size_t>(c.heads.n_v), KvRows{});
        b.scores.assign(static_cast<size_t>(n_threads) * static_cast<size_t>(b.max_group_heads) * T, 0.0f);
        b.index.assign(static_cast<size_t>(n_threads) * T, 0);
        b.attn_norm.assign(L * H, 0.0f);
        b.ffn_norm.assign(L * H, 0.0f);
        b.output_norm.assign(H, 0.0f);
        const bool bias = !w.layers.empty() && w.layers[0].bq;
        b.bq.assign(bias ? L * qd : 0, 0.0f);
        b.bk.assign(bias ? L * kd : 0, 0.0f);
        b.bv.assign(bias ? L * vd : 0, 0.0f);
        int64_t max_in = std::max<int64_t>(
            {c.n_embd, static_cast<int64_t>(qd), c.d_aug, static_cast<int64_t>(od), c.n_ff, c.d_k_cache});
        int64_t max_act = static_cast<int64_t>(B) * max_in;
        if (c.half_k) max_act = std::max<int64_t>(max_act, static_cast<int64_t>(T * kd));
        b.matmul.reserve(n_threads, max_in, max_act);
    } catch (const std::bad_alloc&) {
        return make_error(ErrorCode::OutOfMemory, "cannot allocate the forward-pass buffers for n_batch " +
                                                      std::to_string(n_batch) + " and n_ctx " + std::to_string(n_ctx));
    }
    // Norms and biases are read every token: widen them to float once.
    for (size_t l = 0; l < L; ++l) {
        const LayerWeights& lw = w.layers[l];
        dequantize_row(lw.attn_norm->type, lw.attn_norm->data, b.attn_norm.data() + l * H, static_cast<int64_t>(H));
        dequantize_row(lw.ffn_norm->type, lw.ffn_norm->data, b.ffn_norm.data() + l * H, static_cast<int64_t>(H));
        if (!b.bq.empty()) {
            if (!lw.bq || !lw.bk || !lw.bv)
                return make_error(ErrorCode::Format,
                                  "layer " + std::to_string(l) + " lacks a q/k/v bias that layer 0 has");
            dequantize_row(lw.bq->type, lw.bq->data, b.bq.data() + l * qd, static_cast<int64_t>(qd));
            dequantize_row(lw.bk->type, lw.bk->data, b.bk.data() + l * kd, static_cast<int64_t>(kd));
            dequantize_row(lw.bv->type, lw.bv->data, b.bv.data() + l * vd, static_cast<int64_t>(vd));
        }
    }
    dequantize_row(w.output_norm->type, w.output_norm->data, b.output_norm.data(), static_cast<int64_t>(H));
    return {};
}

Status forward_matmul(float* y, const TensorView& w, const float* x, int64_t n, ForwardState& s) {
    if (!matmul(y, w, x, n, *s.pool, s.buffers->matmul))
        return make_error(ErrorCode::Internal, "matmul cannot run tensor " + w.name + " of type " + type_name(w.type));
    return {};
}

namespace {

// out[t] = rmsnorm(x[t]) * weight for the n tokens of a call, one token per work item.
void rmsnorm_tokens(float* out, const float* x, const float* weight, int n, ForwardState& s) {
    const ModelConfig& c = *s.config;
    const size_t H = static_cast<size_t>(c.n_embd);
    s.pool->parallel_for(n, [&](int64_t t0, int64_t t1, int) {
        for (int64_t t = t0; t < t1; ++t) rmsnorm(out + t * H, x + t * H, weight, c.n_embd, c.rms_eps);
    });
}

void add_into(float* x, const float* delta, size_t n) {
    for (size_t i = 0; i < n; ++i) x[i] += delta[i];
}

// The feed-forward block: delta = W_down( silu(W_gate·h) * (W_up·h) ), h = buffers.xn.
Status feed_forward_block(ForwardState& s, int l, int n) {
    const LayerWeights& lw = s.weights->layers[static_cast<size_t>(l)];
    ForwardBuffers& b = *s.buffers;
    const size_t F = static_cast<size_t>(s.config->n_ff);
    SIGMA_TRY(forward_matmul(b.ff_gate.data(), *lw.ffn_gate, b.xn.data(), n, s));
    SIGMA_TRY(forward_matmul(b.ff_up.data(), *lw.ffn_up, b.xn.data(), n, s));
    s.pool->parallel_for(n, [&](int64_t t0, int64_t t1, int) {
        swiglu(b.ff_gate.data() + t0 * F, b.ff_gate.data() + t0 * F, b.ff_up.data() + t0 * F,
               static_cast<int64_t>((t1 - t0) * F));
    });
    return forward_matmul(b.delta.data(), *lw.ffn_down, b.ff_gate.data(), n, s);
}

}  // namespace

Status forward_batch(ForwardState& s, const int32_t* tokens, int n, int pos0, float* all_logits) {
    const ModelConfig& c = *s.config;
    const ModelWeights& w = *s.weights;
    ForwardBuffers& b = *s.buffers;
    const size_t H = static_cast<size_t>(c.n_embd);

    // x = token_embd[token]
    const size_t embd_row = row_bytes(w.token_embd->type, c.n_embd);
    for (int t = 0; t < n; ++t) {
        const auto* row = static_cast<const uint8_t*>(w.token_embd->data) + static_cast<size_t>(tokens[t]) * embd_row;
        dequantize_row(w.token_embd->type, row, b.x.data() + t * H, c.n_embd);
    }

    for (int l = 0; l < c.n_layer; ++l) {
        // h = rmsnorm(x) * attn_norm;  x += W_O · DiffQKV-attention(h)  (AugQ, RoPE, K/V cached: attention_block.cpp)
        rmsnorm_tokens(b.xn.data(), b.x.data(), b.attn_norm.data() + l * H, n, s);
        SIGMA_TRY(attention_block(s, l, n, pos0));
        add_into(b.x.data(), b.delta.data(), n * H);

        // h = rmsnorm(x) * ffn_norm;  x += W_down( silu(W_gate·h) * (W_up·h) )
        rmsnorm_tokens(b.xn.data(), b.x.data(), b.ffn_norm.data() + l * H, n, s);
        SIGMA_TRY(feed_forward_block(s, l, n));
        add_into(b.x.data(), b.delta.data(), n * H);
    }

    // logits = output · (rmsnorm(x) * output_norm); output is token_embd when tied
    const TensorView& out_w = w.output ? *w.output : *w.token_embd;
    if (all_logits) {
        for (int t = 0; t < n; ++t)
            rmsnorm(b.xn.data() + t * H, b.x.data() + t * H, b.output_norm.data(), c.n_embd, c.rms_eps);
        return forward_matmul(all_logits, out_w, b.xn.data(), n, s);
    }
    rmsnorm(b.xn.data(), b.x.data() + static_cast<size_t>(n - 1) * H, b.output_norm.data(), c.n_embd, c.rms_eps);
    return forward_matmul(b.logits.data(), out_w, b.xn.data(), 1, s);
}

}  // namespace sigma
