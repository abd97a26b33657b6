// A model's weights on one CUDA device (uploaded once, freed with the object), and what the whole
// model would take there (weights, KV cache, scratch) against what the device has free.
// Not the forward pass (cuda_forward.h): nothing here runs a kernel beyond copies and fills. Built
// only with SIGMA_HAVE_CUDA.
#pragma once

#ifdef SIGMA_HAVE_CUDA

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "inference/core/expected.h"
#include "inference/core/model_config.h"
#include "inference/core/tensor.h"
#include "inference/model.h"
#include "kernels/cuda_backend.h"

namespace sigma {

// What the model would take on the device, and whether it fits what is free now.
struct CudaVramReport {
    size_t weights = 0, kv_cache = 0, scratch = 0, total = 0;
    size_t device_free = 0, device_total = 0;
    std::string device_name;
    bool fits = false;
    std::string reason;  // why it does not fit (empty when it does)
};
// For n_ctx cache positions (0 = the model's n_ctx_train) and prefill chunks of n_batch tokens.
// Errors: no CUDA device (the message says so), or weights the forward pass cannot run.
Expected<CudaVramReport> cuda_vram_check(const ModelConfig& config, const ModelWeights& weights, int device, int n_ctx,
                                         int n_batch);
// Bytes of every tensor the forward pass uploads.
size_t cuda_weight_bytes(const ModelWeights& weights);
// The estimate's inputs (kernels/cuda_backend.h: estimate_vram).
cuda::VramInputs cuda_vram_inputs(const ModelConfig& config, const ModelWeights& weights, int n_ctx, int n_batch);
// The widest weight row a matmul reads (sizes the prefill dequantisation tile).
int cuda_widest_weight_row(const ModelConfig& config);

// Dimension legend: H = n_embd. A matrix stays in its storage type, `out` rows of `in` elements.
struct DeviceWeight {
    const void* data = nullptr;
    TensorType type = TensorType::F32;
    int64_t in = 0, out = 0;
};

struct DeviceLayerWeights {
    DeviceWeight wq, wk, wv, wo, q_gate, q_up, q_down, ffn_gate, ffn_up, ffn_down;  // q_*: AugQ only
    float* attn_norm = nullptr;                                                     // [H]
    float* ffn_norm = nullptr;                                                      // [H]
    float* bq = nullptr;                                                            // [n_q*d_k] or null
    float* bk = nullptr;                                                            // [n_k*d_k] or null
    float* bv = nullptr;                                                            // [n_v*d_v] or null
};

// Every weight the forward pass reads, on the current device (set_device first). Norms and biases
// are widened to f32 on the host once; matrices keep their type. A tensor shared by two roles (a
// tied output) is uploaded once.
class CudaWeights {
public:
    // Copies the model's tensors.
    static Expected<std::unique_ptr<CudaWeights>> upload(const ModelConfig& config, const ModelWeights& weights);
    // For benchmarks: random values made on the device from `seed` (variance ~1/in, unit norms), so
    // `shapes` need names, types and shapes but no data. No host copy of a weight ever exists.
    static Expected<std::unique_ptr<CudaWeights>> random(const ModelConfig& config, const ModelWeights& shapes,
                                                         uint64_t seed);
    ~CudaWeights();
    CudaWeights(const CudaWeights&) = delete;
    CudaWeights& operator=(const CudaWeights&) = delete;

    DeviceWeight token_embd, output;  // output is token_embd's copy when tied
    float* output_norm = nullptr;     // [H]
    std::vector<DeviceLayerWeights> layers;
    size_t matmul_bytes = 0;     // every matrix a token multiplies (one embedding row aside)
    double matmul_params = 0.0;  // their element count

private:
    CudaWeights() = default;
    Status load(const ModelConfig& config, const ModelWeights& weights);
    Expected<const void*> put(const TensorView* t);
    Status matrix(DeviceWeight& dst, const TensorView* t);
    Status widened(float*& dst, const TensorView* t);

    uint64_t random_seed_ = 0;  // nonzero: fill instead of copy
    std::vector<void*> allocations_;
    std::unordered_map<const TensorView*, const void*> placed_;
};

}  // namespace sigma

#endif  // SIGMA_HAVE_CUDA
