// Tiny random models built in memory (config + weights over owned buffers) for engine tests.
// Not a file format: tests that need a GGUF file use the model generator library instead.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "inference/core/model_config.h"
#include "inference/core/tensor.h"
#include "inference/model.h"

namespace sigma::ref {

struct TinySpec {
    Arch arch = Arch::Llama;
    int n_layer = 2;
    int n_embd = 64;
    int n_ff = 96;
    HeadCounts heads{4, 2, 2};  // n_q, n_k, n_v
    int head_dim = 16;          // d_k (and d_v unless d_v is set)
    int d_v = 0;                // 0 = head_dim
    int d_aug = 0;              // AugQ width; 0 = none
    bool half_k = false;        // cache K at d_v/2, map up with k_up (forces d_k = d_v)
    int n_vocab = 67;
    int n_ctx_train = 64;
    TensorType weight_type = TensorType::F32;  // matrices; norms and biases stay F32
    bool tied_output = false;
    bool qkv_bias = false;
    RopeStyle rope_style = RopeStyle::Normal;
    float rope_theta = 10000.0f;
    float rms_eps = 1e-5f;
    uint64_t seed = 1;
};

// Owns its buffers; config and weights point into them, so keep the object where it is (heap).
struct TinyModel {
    ModelConfig config;
    ModelWeights weights;
    std::vector<std::unique_ptr<TensorView>> views;
    std::vector<std::unique_ptr<std::vector<uint8_t>>> storage;
};

// Deterministic for a spec (own RNG, the same on every platform). Matrices whose row length is not a
// multiple of 32 fall back to F16 when weight_type is Q8_0 (as quantisers do for small tensors).
std::unique_ptr<TinyModel> make_tiny_model(const TinySpec& spec);

// Common shapes.
TinySpec llama_spec(TensorType type = TensorType::F32);
TinySpec qwen2_spec(TensorType type = TensorType::F32);  // biases, NeoX RoPE
TinySpec sigma_spec(TensorType type = TensorType::F32);  // n_k != n_v, AugQ

// A tiny deterministic generator (splitmix64) for tests that need random inputs.
class Rng {
public:
    explicit Rng(uint64_t seed) : state_(seed) {}
    uint64_t next();
    double uniform();  // [0, 1)
    float uniform(float lo, float hi);
    int below(int n);  // [0, n)

private:
    uint64_t state_;
};

std::vector<int32_t> random_tokens(int n, int n_vocab, uint64_t seed);

}  // namespace sigma::ref
