// The CPU forward pass of llama / qwen2 / sigma (DiffQKV + AugQ + half-K) over a batch of tokens,
// and the check that a set of weights fits a config before anything runs.
// Not run-state management: Context owns the buffers below, the KV cache and the thread pool.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "inference/core/expected.h"
#include "inference/core/model_config.h"
#include "inference/kv_cache.h"
#include "inference/model.h"
#include "inference/ops_attention_group.h"
#include "inference/ops_matmul.h"
#include "inference/thread_pool.h"

namespace sigma {

// Checks every tensor the forward pass reads: present, shape as the config says, a type the engine
// computes with (norms and biases: any type with a reference conversion). Errors name the tensor.
Status check_weights(const ModelConfig& config, const ModelWeights& weights);

// Dimension legend: B = n_batch (tokens per forward call), H = n_embd, T = n_ctx,
// n_q/n_k/n_v = head counts, d_k = score head size, d_kc = cached key head size, d_v = value head size,
// A = d_aug, F = n_ff, V = n_vocab, P = thread count.
struct ForwardBuffers {
    std::vector<float> x;                // [B][H] residual stream
    std::vector<float> xn;               // [B][H] normalised input of the current block
    std::vector<float> delta;            // [B][H] output of W_O or W_down before the residual add
    std::vector<float> q0;               // [B][n_q*d_k] W_Q·h (AugQ input)
    std::vector<float> q;                // [B][n_q*d_k] query after AugQ and RoPE
    std::vector<float> aug_gate;         // [B][A] AugQ gate, then silu(gate)*up
    std::vector<float> aug_up;           // [B][A]
    std::vector<float> k;                // [B][n_k*d_kc] new keys
    std::vector<float> v;                // [B][n_v*d_v] new values
    std::vector<float> attn;             // [B][n_q*d_v] concatenated head outputs
    std::vector<float> ff_gate;          // [B][F] then silu(gate)*up
    std::vector<float> ff_up;            // [B][F]
    std::vector<float> logits;           // [V] logits of the last token of a call
    std::vector<float> k_cached;         // half-K only: [T][n_k][d_kc] cached keys widened to float
    std::vector<float> k_full;           // half-K only: [T][n_k][d_k] keys mapped up by k_up, then RoPE'd
    std::vector<float> scores;           // [P][G][T] per-thread attention scores, G = largest head group
    std::vector<int32_t> index;          // [P][T] per-thread selective-V positions
    std::vector<int> head_groups;        // joint_head_groups(): boundaries of independent query-head runs
    int max_group_heads = 1;             // G: the most query heads in one run
    std::vector<KvRows> k_view, v_view;  // [n_k], [n_v]: the current layer's cached heads
    // Norm weights and biases widened to float once (they may be stored as F16 in a file).
    std::vector<float> attn_norm, ffn_norm;  // [L][H]
    std::vector<float> output_norm;          // [H]
    std::vector<float> bq, bk, bv;           // [L][n_q*d_k], [L][n_k*d_kc], [L][n_v*d_v] (qwen2)
    MatmulScratch matmul;
};

struct ForwardOptions {
    bool selective_v = false;  // only for single-token calls (decode), see ops_attention.h
    int selective_v_top_k = 100;
};

// Everything one forward call reads and writes. Pointers are borrowed from Context.
struct ForwardState {
    const ModelConfig* config = nullptr;
    const ModelWeights* weights = nullptr;
    KvCache* cache = nullptr;
    ThreadPool* pool = nullptr;
    ForwardBuffers* buffers = nullptr;
    ForwardOptions options;
    int n_batch = 0;
};

// Allocates every buffer for (config, n_batch, n_ctx, n_threads) and widens norms/biases.
Status allocate_forward_buffers(ForwardBuffers& buffers, const ModelConfig& config, const ModelWeights& weights,
                                int n_batch, int n_ctx, int n_threads);

// y[n][out] = x[n][in] · W^T on the state's thread pool and matmul scratch (W: `out` rows of `in`).
// The one matmul call of the forward pass's blocks; the error names a tensor matmul cannot run.
Status forward_matmul(float* y, const TensorView& w, const float* x, int64_t n, ForwardState& state);

// Runs tokens[0..n) (n <= n_batch, ids already checked) at positions pos0..pos0+n-1, writing their K/V
// into the cache. Logits: if all_logits is non-null it receives [n][V]; otherwise the last token's
// logits land in buffers->logits.
Status forward_batch(ForwardState& state, const int32_t* tokens, int n, int pos0, float* all_logits);

}  // namespace sigma
