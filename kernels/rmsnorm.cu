// RMSNorm on the GPU: one block per row, sum of squares reduced across the block.
// Not fused with the matmul that follows: the row is tiny next to the weights that read it.
#include "kernels/common.cuh"
#include "kernels/cuda_backend.h"

namespace sigma::cuda {

namespace {

constexpr int kThreads = 256;

// out[r][i] = x[r][i] * rsqrt(mean(x[r]^2) + eps) * w[i]
__global__ void rmsnorm_kernel(float* out, const float* x, const float* w, int n, float eps) {
    const float* xr = x + static_cast<int64_t>(blockIdx.x) * n;
    float* yr = out + static_cast<int64_t>(blockIdx.x) * n;
    float ss = 0.0f;
    for (int i = threadIdx.x; i < n; i += kThreads) ss += xr[i] * xr[i];
    __shared__ float partial[kThreads / 32];
    ss = detail::warp_sum(ss);
    if (threadIdx.x % 32 == 0) partial[threadIdx.x / 32] = ss;
    __syncthreads();
    if (threadIdx.x < 32) {
        float v = threadIdx.x < kThreads / 32 ? partial[threadIdx.x] : 0.0f;
        v = detail::warp_sum(v);
        if (threadIdx.x == 0) partial[0] = v;
    }
    __syncthreads();
    const float scale = rsqrtf(partial[0] / static_cast<float>(n) + eps);
    for (int i = threadIdx.x; i < n; i += kThreads) yr[i] = xr[i] * scale * w[i];
}

void launch_rmsnorm(float* out, const float* x, const float* w, int rows, int n, float eps, Stream s) {
    rmsnorm_kernel<<<rows, kThreads, 0, s>>>(out, x, w, n, eps);
}

}  // namespace

Status rmsnorm(float* out, const float* x, const float* w, int rows, int n, float eps, Stream s) {
    SIGMA_CUDA_REQUIRE(rows > 0 && n > 0, "rmsnorm", "rows and n must be positive");
    SIGMA_CUDA_REQUIRE(out && x && w, "rmsnorm", "null buffer");
    launch_rmsnorm(out, x, w, rows, n, eps, s);
    cudaCheckLaunch("rmsnorm");
    return {};
}

}  // namespace sigma::cuda
