// Sampling on the GPU, so a decode step returns one token id instead of the logits: greedy argmax,
// and temperature sampling by the Gumbel-max trick with a counter-based hash (no RNG state to keep).
// Not top-k/top-p: those filters stay with the CPU sampler (inference/sampler.h).
#include "kernels/common.cuh"
#include "kernels/cuda_backend.h"

namespace sigma::cuda {

namespace {

constexpr int kThreads = 1024;

__device__ __forceinline__ bool better(float v, int i, float bv, int bi) { return v > bv || (v == bv && i < bi); }

// u in (0, 1) from (seed, step, row, v): splitmix64 of a mixed key.
__device__ __forceinline__ float hash_open_unit(uint64_t seed, uint64_t step, uint64_t row, uint64_t v) {
    uint64_t z = seed ^ (step * 0xd1b54a32d192ed03ull) ^ (row * 0x8cb92ba72f3d8dd7ull) ^ (v * 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return (static_cast<float>(z >> 40) + 0.5f) * (1.0f / 16777216.0f);
}

// out[r] = argmax_v (logits[r][v] * inv_t + gumbel), gumbel = 0 for greedy. Ties: lowest id.
__global__ void argmax_kernel(int32_t* out, const float* logits, int n_vocab, int gumbel, float inv_t, uint64_t seed,
                              const int32_t* counter) {
    const int r = blockIdx.x;
    const float* row = logits + static_cast<int64_t>(r) * n_vocab;
    const uint64_t step = gumbel ? static_cast<uint64_t>(counter[0]) : 0;
    float bv = -INFINITY;
    int bi = n_vocab;
    for (int v = threadIdx.x; v < n_vocab; v += kThreads) {
        float x = row[v];
        if (gumbel) x = x * inv_t - __logf(-__logf(hash_open_unit(seed, step, static_cast<uint64_t>(r), v)));
        if (x != x) continue;  // NaN never wins
        if (better(x, v, bv, bi)) {
            bv = x;
            bi = v;
        }
    }
    for (int o = 16; o > 0; o >>= 1) {
        const float ov = __shfl_xor_sync(0xffffffffu, bv, o);
        const int oi = __shfl_xor_sync(0xffffffffu, bi, o);
        if (better(ov, oi, bv, bi)) {
            bv = ov;
            bi = oi;
        }
    }
    __shared__ float sv[kThreads / 32];
    __shared__ int si[kThreads / 32];
    if (threadIdx.x % 32 == 0) {
        sv[threadIdx.x / 32] = bv;
        si[threadIdx.x / 32] = bi;
    }
    __syncthreads();
    if (threadIdx.x == 0) {
        for (int w = 1; w < kThreads / 32; ++w)
            if (better(sv[w], si[w], bv, bi)) {
                bv = sv[w];
                bi = si[w];
            }
        out[r] = bi < n_vocab ? bi : 0;  // all NaN: token 0 rather than an id out of range
    }
}

}  // namespace

Status sample_greedy(int32_t* out_token, const float* logits, int rows, int n_vocab, Stream s) {
    SIGMA_CUDA_REQUIRE(out_token && logits && rows > 0 && n_vocab > 0, "sample_greedy", "empty or null input");
    argmax_kernel<<<rows, kThreads, 0, s>>>(out_token, logits, n_vocab, 0, 1.0f, 0, nullptr);
    cudaCheckLaunch("sample_greedy");
    return {};
}

Status sample_temperature(int32_t* out_token, const float* logits, int rows, int n_vocab, float temperature,
                          uint64_t seed, const int32_t* counter, Stream s) {
    SIGMA_CUDA_REQUIRE(out_token && logits && counter && rows > 0 && n_vocab > 0, "sample_temperature",
                       "empty or null input");
    if (!(temperature > 0.0f)) return sample_greedy(out_token, logits, rows, n_vocab, s);
    argmax_kernel<<<rows, kThreads, 0, s>>>(out_token, logits, n_vocab, 1, 1.0f / temperature, seed, counter);
    cudaCheckLaunch("sample_temperature");
    return {};
}

}  // namespace sigma::cuda
