// CudaForward: a model's forward pass on one CUDA device. Weights are uploaded once, the KV cache
// lives on the device, and a decode step moves only the token id in and the logits (or one sampled
// token id) out; the single-token step is captured once as a CUDA graph and replayed.
// Not the CPU Context: same decisions (head mapping, RoPE, AugQ, selective V), separate state. Not the
// upload or the VRAM estimate either (cuda_weights.h). Built only with SIGMA_HAVE_CUDA; the half-K
// ablation is not supported here.
#pragma once

#ifdef SIGMA_HAVE_CUDA

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "inference/core/expected.h"
#include "inference/core/model_config.h"
#include "inference/model.h"

namespace sigma {

struct CudaForwardParams {
    int n_ctx = 0;            // cache positions; 0 = the model's n_ctx_train
    int n_batch = 256;        // tokens per forward call during prefill
    bool bf16_cache = false;  // K/V cache element type: f16 (default) or bf16
    int device = 0;
    bool use_graph = true;     // replay the captured single-token step
    bool selective_v = false;  // decode only; see ops_attention.h for the rules
    int selective_v_top_k = 100;
};

// Whether the CUDA path runs this model at all, without touching a device. Unsupported errors name
// the feature (e.g. "unsupported feature: half-K ...").
Status cuda_check_model(const ModelConfig& config);

class CudaWeights;

class CudaForward {
public:
    // Uploads the weights (CudaWeights::upload) to device params.device. The caller keeps config alive
    // while this object exists (a Model does).
    static Expected<std::unique_ptr<CudaForward>> create(const ModelConfig& config, const ModelWeights& weights,
                                                         CudaForwardParams params);
    // Over weights already on device params.device (benchmarks: CudaWeights::random).
    static Expected<std::unique_ptr<CudaForward>> create(const ModelConfig& config,
                                                         std::unique_ptr<CudaWeights> weights,
                                                         CudaForwardParams params);
    ~CudaForward();
    CudaForward(const CudaForward&) = delete;
    CudaForward& operator=(const CudaForward&) = delete;

    // Appends tokens at position() and returns the last token's logits (n_vocab floats on the host,
    // valid until the next call). Errors change nothing: empty input, an id out of range, no room.
    Expected<const float*> decode(std::span<const int32_t> tokens);
    // As decode, returning [tokens.size()][n_vocab] logits (tests and evaluation).
    Expected<std::vector<float>> decode_all_logits(std::span<const int32_t> tokens);
    // One token in, one sampled token out (temperature <= 0: greedy); the logits stay on the device.
    Expected<int32_t> decode_sample(int32_t token, float temperature, uint64_t seed);

    int position() const;
    int n_ctx() const;
    void truncate(int n_keep);  // forgets positions from n_keep on
    void set_selective_v(bool on, int top_k);
    // For benchmarks: fills the first n cache positions of every layer with random K/V and moves the
    // position to n, as if a prompt of n tokens had run.
    Status fill_cache_random(int n, uint64_t seed);
    const std::string& device_name() const;
    const CudaWeights& weights() const;

private:
    struct Impl;
    explicit CudaForward(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace sigma

#endif  // SIGMA_HAVE_CUDA
