// Model hyper-parameters shared by every architecture's forward pass.
// Not a GGUF reader: model.cpp fills this from metadata and checks it; the forward pass only reads it.
#pragma once

#include <cstdint>
#include <string>

namespace sigma {

// Stored in history and benchmark output by name: never rename.
enum class Arch { Llama, Qwen2, Sigma };

enum class RopeStyle {
    Normal,  // pairs (2i, 2i+1): llama
    NeoX,    // pairs (i, i + d/2): qwen2
};

// DiffQKV head counts and the head mapping (SIGMA.md): query head i reads K head floor(i * n_k / n_q)
// and V head floor(i * n_v / n_q), consecutive groups; GQA when n_k = n_v, MHA when all are equal.
// The only place the mapping is written: the CPU ops, the CUDA kernels (constexpr, so device code
// calls it too) and the tests' references all call these.
struct HeadCounts {
    int n_q = 0;  // query heads
    int n_k = 0;  // key heads (llama/qwen2: head_count_kv)
    int n_v = 0;  // value heads (llama/qwen2: head_count_kv)

    constexpr int k_head(int q_head) const { return q_head * n_k / n_q; }
    constexpr int v_head(int q_head) const { return q_head * n_v / n_q; }
};

struct ModelConfig {
    Arch arch = Arch::Llama;
    std::string arch_name;  // "llama", "qwen2", "sigma"
    int n_layer = 0;
    int n_embd = 0;       // hidden size H
    int n_ff = 0;         // SwiGLU inner width
    HeadCounts heads;     // n_q, n_k, n_v and the head mapping
    int d_k = 0;          // query/key head size used for scores (after half-K up-projection: d_v)
    int d_k_cache = 0;    // key head size stored in the KV cache (half-K: d_v / 2, else d_k)
    int d_v = 0;          // value head size
    int d_aug = 0;        // AugQ inner width; 0 = no AugQ
    bool half_k = false;  // attn_k_up present: cached K is d_k_cache wide, mapped up at attention time
    int n_vocab = 0;
    int n_ctx_train = 0;  // the longest context the model allows
    float rms_eps = 1e-5f;
    float rope_theta = 10000.0f;
    RopeStyle rope_style = RopeStyle::Normal;
    bool qkv_bias = false;     // qwen2
    bool tied_output = false;  // output projection shares token_embd
};

}  // namespace sigma
