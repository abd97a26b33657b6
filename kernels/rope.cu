// RoPE on the GPU, in place, positions read from device memory (so a captured graph replays at any
// position). Angles are formed in double, as the CPU op does, so both rotate by the same floats.
// Not partial rotary: every dimension of the head turns.
#include "kernels/common.cuh"
#include "kernels/cuda_backend.h"

namespace sigma::cuda {

namespace {

// One thread per (token, pair j): cos/sin once, then every head's pair.
__global__ void rope_kernel(float* x, const int32_t* pos, int n_heads, int head_dim, float theta, int neox) {
    const int half = head_dim / 2;
    const int j = blockIdx.x * blockDim.x + threadIdx.x;
    const int t = blockIdx.y;
    if (j >= half) return;
    // freq_j = theta^(-2j/d); angle = pos * freq_j
    const double freq = pow(static_cast<double>(theta), -2.0 * j / head_dim);
    const double angle = static_cast<double>(pos[t]) * freq;
    const float c = static_cast<float>(cos(angle));
    const float s = static_cast<float>(sin(angle));
    const int i0 = neox ? j : 2 * j;
    const int i1 = neox ? j + half : 2 * j + 1;
    float* row = x + static_cast<int64_t>(t) * n_heads * head_dim;
    for (int h = 0; h < n_heads; ++h) {
        float* head = row + static_cast<int64_t>(h) * head_dim;
        const float a = head[i0], b = head[i1];
        head[i0] = a * c - b * s;
        head[i1] = a * s + b * c;
    }
}

}  // namespace

Status rope(float* x, const int32_t* pos, int n_tokens, int n_heads, int head_dim, float theta, RopeStyle style,
            Stream s) {
    SIGMA_CUDA_REQUIRE(n_tokens > 0 && n_heads > 0 && head_dim > 0, "rope", "sizes must be positive");
    SIGMA_CUDA_REQUIRE(head_dim % 2 == 0, "rope", "head_dim must be even, got " + std::to_string(head_dim));
    SIGMA_CUDA_REQUIRE(n_tokens <= 65535, "rope", "at most 65535 tokens per call");
    const int half = head_dim / 2;
    const dim3 grid(static_cast<unsigned>(detail::ceil_div(half, 64)), static_cast<unsigned>(n_tokens));
    rope_kernel<<<grid, 64, 0, s>>>(x, pos, n_heads, head_dim, theta, style == RopeStyle::NeoX ? 1 : 0);
    cudaCheckLaunch("rope");
    return {};
}

}  // namespace sigma::cuda
