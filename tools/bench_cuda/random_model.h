// The benchmark's models: a config's shapes (tensor views without data) with random weights made on
// the device, the CUDA forward pass over them, and what a step reads and computes.
// Not an engine feature: only sigma-bench-cuda measures models that never existed as files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "inference/core/expected.h"
#include "inference/core/model_config.h"
#include "inference/core/tensor.h"
#include "inference/cuda_forward.h"
#include "inference/model.h"

namespace sigma::bench {

// Owns the config and the views CudaForward was made from: keep it where it is (heap).
struct RandomModel {
    ModelConfig config;
    std::vector<std::unique_ptr<TensorView>> views;
    ModelWeights shapes;  // points into views; every matrix of `type`, norms F32, no biases
    std::unique_ptr<CudaForward> forward;
};

// Matrices of `type` (one CUDA matmul computes with and fill_random_weights makes: F32, F16, BF16,
// Q8_0), unit norms, no biases; seeded, made on device params.device.
Expected<std::unique_ptr<RandomModel>> make_random_model(const ModelConfig& config, TensorType type,
                                                         const CudaForwardParams& params, uint64_t seed);

// Bytes one decode step reads at the forward pass's position: every matrix a token multiplies, one
// embedding row and the K/V rows (2 bytes each) of every layer up to and including the new token.
size_t decode_step_bytes(const RandomModel& model);

// 2 x multiply-adds of one forward call of n tokens from the current position: every matrix once per
// token, and per layer and query head the scores (d_k) and values (d_v) of each token's prefix.
double forward_flops(const RandomModel& model, int n);

}  // namespace sigma::bench
