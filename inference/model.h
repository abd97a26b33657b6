// Model: an immutable, mmapped GGUF model with its checked config and per-layer weight views.
// Not run state: the KV cache and scratch buffers live in Context (context.h).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "inference/core/expected.h"
#include "inference/core/model_config.h"
#include "inference/core/tensor.h"

namespace sigma {

class GgufFile;

// Per-layer weights. Linear weights have ne = {in, out}. Optional tensors are null when absent.
struct LayerWeights {
    const TensorView* attn_norm = nullptr;  // [H]
    const TensorView* wq = nullptr;         // [H, n_q*d_k]
    const TensorView* wk = nullptr;         // [H, n_k*d_k_cache]
    const TensorView* wv = nullptr;         // [H, n_v*d_v]
    const TensorView* wo = nullptr;         // [n_q*d_v, H]
    const TensorView* bq = nullptr;         // [n_q*d_k]        qwen2 only
    const TensorView* bk = nullptr;         // [n_k*d_k_cache]  qwen2 only
    const TensorView* bv = nullptr;         // [n_v*d_v]        qwen2 only
    const TensorView* q_gate = nullptr;     // [n_q*d_k, d_aug] AugQ
    const TensorView* q_up = nullptr;       // [n_q*d_k, d_aug] AugQ
    const TensorView* q_down = nullptr;     // [d_aug, n_q*d_k] AugQ
    const TensorView* k_up = nullptr;       // [d_k_cache, d_k] half-K, shared by all K heads
    const TensorView* ffn_norm = nullptr;   // [H]
    const TensorView* ffn_gate = nullptr;   // [H, n_ff]
    const TensorView* ffn_up = nullptr;     // [H, n_ff]
    const TensorView* ffn_down = nullptr;   // [n_ff, H]
};

struct ModelWeights {
    const TensorView* token_embd = nullptr;   // [H, n_vocab]
    const TensorView* output_norm = nullptr;  // [H]
    const TensorView* output = nullptr;       // [H, n_vocab]; == token_embd when tied
    std::vector<LayerWeights> layers;
};

class Model {
public:
    // Opens, maps and checks a GGUF model file. Every problem comes back as an Error naming it.
    static Expected<std::shared_ptr<const Model>> load(const std::string& path);

    const ModelConfig& config() const { return config_; }
    const ModelWeights& weights() const { return weights_; }
    const GgufFile& gguf() const { return *gguf_; }
    const std::string& path() const { return path_; }
    size_t file_bytes() const;

    Model();
    ~Model();
    Model(const Model&) = delete;
    Model& operator=(const Model&) = delete;

private:
    friend class ModelLoader;
    std::string path_;
    std::unique_ptr<GgufFile> gguf_;
    ModelConfig config_;
    ModelWeights weights_;
};

}  // namespace sigma
