// Elementwise ops of the forward pass: SwiGLU / AugQ gating, residual add, bias add.
// Not fused into neighbours: each is one pass over a row of activations, small next to a matmul.
#include "kernels/common.cuh"
#include "kernels/cuda_backend.h"

namespace sigma::cuda {

namespace {

constexpr int kThreads = 256;

int grid_for(int64_t n) { return static_cast<int>(std::min<int64_t>((n + kThreads - 1) / kThreads, 65535)); }

// out = silu(g) * u, silu(g) = g / (1 + e^-g)
__global__ void swiglu_kernel(float* out, const float* gate, const float* up, int64_t n) {
    for (int64_t i = blockIdx.x * static_cast<int64_t>(kThreads) + threadIdx.x; i < n;
         i += static_cast<int64_t>(gridDim.x) * kThreads) {
        const float g = gate[i];
        out[i] = g / (1.0f + expf(-g)) * up[i];
    }
}

__global__ void add_kernel(float* x, const float* d, int64_t n) {
    for (int64_t i = blockIdx.x * static_cast<int64_t>(kThreads) + threadIdx.x; i < n;
         i += static_cast<int64_t>(gridDim.x) * kThreads)
        x[i] += d[i];
}

__global__ void add_bias_kernel(float* y, const float* bias, int64_t n_total, int n) {
    for (int64_t i = blockIdx.x * static_cast<int64_t>(kThreads) + threadIdx.x; i < n_total;
         i += static_cast<int64_t>(gridDim.x) * kThreads)
        y[i] += bias[i % n];
}

}  // namespace

Status swiglu(float* out, const float* gate, const float* up, int64_t n, Stream s) {
    SIGMA_CUDA_REQUIRE(n > 0 && out && gate && up, "swiglu", "empty or null input");
    swiglu_kernel<<<grid_for(n), kThreads, 0, s>>>(out, gate, up, n);
    cudaCheckLaunch("swiglu");
    return {};
}

Status add(float* x, const float* d, int64_t n, Stream s) {
    SIGMA_CUDA_REQUIRE(n > 0 && x && d, "add", "empty or null input");
    add_kernel<<<grid_for(n), kThreads, 0, s>>>(x, d, n);
    cudaCheckLaunch("add");
    return {};
}

Status add_bias(float* y, const float* bias, int rows, int n, Stream s) {
    SIGMA_CUDA_REQUIRE(rows > 0 && n > 0 && y && bias, "add_bias", "empty or null input");
    const int64_t total = static_cast<int64_t>(rows) * n;
    add_bias_kernel<<<grid_for(total), kThreads, 0, s>>>(y, bias, total, n);
    cudaCheckLaunch("add_bias");
    return {};
}

}  // namespace sigma::cuda
