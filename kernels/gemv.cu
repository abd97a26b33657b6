// Decode GEMV: y[t][o] = W[o]·x[t] for a handful of tokens, reading each weight row once in its
// storage type (F32, F16, BF16, Q8_0, and ggml's Q4_K, Q5_K, Q6_K). One warp per output row, 16-byte loads where rows allow.
// Not the prefill path: from kGemvMaxTokens+1 tokens on, matmul.cu hands the work to cuBLAS.
#include "kernels/common.cuh"
#include "kernels/cuda_backend.h"
#include "kernels/kquants.cuh"

namespace sigma::cuda {

namespace {

constexpr int kWarps = 8;  // rows per block

__device__ __forceinline__ void fma8(float (&acc)[kGemvMaxTokens], int nt, const float (&w)[8], const float* x,
                                     int64_t in, int64_t i) {
#pragma unroll
    for (int t = 0; t < kGemvMaxTokens; ++t) {
        if (t < nt) {
            const float4 a = __ldg(reinterpret_cast<const float4*>(x + t * in + i));
            const float4 b = __ldg(reinterpret_cast<const float4*>(x + t * in + i + 4));
            acc[t] +=
                w[0] * a.x + w[1] * a.y + w[2] * a.z + w[3] * a.w + w[4] * b.x + w[5] * b.y + w[6] * b.z + w[7] * b.w;
        }
    }
}

// kType: 0 f32, 1 f16, 2 bf16, 3 q8_0, 4 q4_K, 5 q5_K, 6 q6_K.
template <int kType>
__global__ void gemv_kernel(float* y, const uint8_t* w, int64_t in, int64_t out, size_t row_bytes, const float* x,
                            int nt) {
    const int lane = threadIdx.x % 32;
    const int64_t row = static_cast<int64_t>(blockIdx.x) * kWarps + threadIdx.x / 32;
    if (row >= out) return;
    const uint8_t* wr = w + row * row_bytes;
    float acc[kGemvMaxTokens] = {};
    if constexpr (kType >= 4) {
        // One 32-weight sub-block per lane per step: consecutive lanes walk one super-block.
        const int64_t n_sub = in / 32;
        for (int64_t idx = lane; idx < n_sub; idx += 32) {
            float wv[32];
            detail::kquant_sub32<kType>(wr + (idx / 8) * detail::kquant_bytes(kType), static_cast<int>(idx % 8), wv);
#pragma unroll
            for (int k = 0; k < 4; ++k) {
                const float(&w8)[8] = *reinterpret_cast<const float(*)[8]>(wv + 8 * k);
                fma8(acc, nt, w8, x, in, idx * 32 + k * 8);
            }
        }
    } else if constexpr (kType == 3) {
        // One Q8_0 block (32 weights) per lane per step; the block is only 2-byte aligned.
        const int64_t nb = in / detail::kQ8Block;
        for (int64_t b = lane; b < nb; b += 32) {
            const uint16_t* blk = reinterpret_cast<const uint16_t*>(wr + b * detail::kQ8Bytes);
            const float d = detail::f16_bits_to_f32(blk[0]);
#pragma unroll
            for (int k = 0; k < 4; ++k) {
                float wv[8];
#pragma unroll
                for (int j = 0; j < 4; ++j) {
                    const uint16_t two = blk[1 + k * 4 + j];
                    wv[2 * j] = d * static_cast<float>(static_cast<int8_t>(two & 0xff));
                    wv[2 * j + 1] = d * static_cast<float>(static_cast<int8_t>(two >> 8));
                }
                fma8(acc, nt, wv, x, in, b * detail::kQ8Block + k * 8);
            }
        }
    } else if (in % 8 == 0) {
#pragma unroll 4  // several 16-byte loads in flight per lane
        for (int64_t i = lane * 8; i < in; i += 32 * 8) {
            float wv[8];
            if constexpr (kType == 0) {
                const float4 a = __ldg(reinterpret_cast<const float4*>(wr) + i / 4);
                const float4 b = __ldg(reinterpret_cast<const float4*>(wr) + i / 4 + 1);
                wv[0] = a.x;
                wv[1] = a.y;
                wv[2] = a.z;
                wv[3] = a.w;
                wv[4] = b.x;
                wv[5] = b.y;
                wv[6] = b.z;
                wv[7] = b.w;
            } else {
                const uint4 raw = __ldg(reinterpret_cast<const uint4*>(wr) + i / 8);
                const uint32_t words[4] = {raw.x, raw.y, raw.z, raw.w};
#pragma unroll
                for (int j = 0; j < 4; ++j) {
                    const uint16_t lo = static_cast<uint16_t>(words[j] & 0xffff),
                                   hi = static_cast<uint16_t>(words[j] >> 16);
                    wv[2 * j] = kType == 1 ? detail::f16_bits_to_f32(lo) : detail::bf16_bits_to_f32(lo);
                    wv[2 * j + 1] = kType == 1 ? detail::f16_bits_to_f32(hi) : detail::bf16_bits_to_f32(hi);
                }
            }
            fma8(acc, nt, wv, x, in, i);
        }
    } else {
        for (int64_t i = lane; i < in; i += 32) {
            float wv;
            if constexpr (kType == 0) wv = reinterpret_cast<const float*>(wr)[i];
            else if constexpr (kType == 1) wv = detail::f16_bits_to_f32(reinterpret_cast<const uint16_t*>(wr)[i]);
            else wv = detail::bf16_bits_to_f32(reinterpret_cast<const uint16_t*>(wr)[i]);
#pragma unroll
            for (int t = 0; t < kGemvMaxTokens; ++t)
                if (t < nt) acc[t] += wv * x[t * in + i];
        }
    }
#pragma unroll
    for (int t = 0; t < kGemvMaxTokens; ++t) {
        if (t < nt) {
            const float v = detail::warp_sum(acc[t]);
            if (lane == 0) y[t * out + row] = v;
        }
    }
}

size_t weight_row_bytes(TensorType type, int64_t in) {
    switch (type) {
        case TensorType::F32: return static_cast<size_t>(in) * 4;
        case TensorType::F16:
        case TensorType::BF16: return static_cast<size_t>(in) * 2;
        case TensorType::Q8_0: return static_cast<size_t>(in / detail::kQ8Block) * detail::kQ8Bytes;
        case TensorType::Q4_K: return static_cast<size_t>(in / detail::kQK) * detail::kquant_bytes(detail::kQ4K);
        case TensorType::Q5_K: return static_cast<size_t>(in / detail::kQK) * detail::kquant_bytes(detail::kQ5K);
        case TensorType::Q6_K: return static_cast<size_t>(in / detail::kQK) * detail::kquant_bytes(detail::kQ6K);
        default: return 0;
    }
}

void launch_gemv(float* y, const void* w, TensorType type, int64_t in, int64_t out, const float* x, int nt, Stream s) {
    const int blocks = detail::ceil_div(out, kWarps);
    const auto* wb = static_cast<const uint8_t*>(w);
    const size_t rb = weight_row_bytes(type, in);
    switch (type) {
        case TensorType::F32: gemv_kernel<0><<<blocks, kWarps * 32, 0, s>>>(y, wb, in, out, rb, x, nt); break;
        case TensorType::F16: gemv_kernel<1><<<blocks, kWarps * 32, 0, s>>>(y, wb, in, out, rb, x, nt); break;
        case TensorType::BF16: gemv_kernel<2><<<blocks, kWarps * 32, 0, s>>>(y, wb, in, out, rb, x, nt); break;
        case TensorType::Q4_K: gemv_kernel<4><<<blocks, kWarps * 32, 0, s>>>(y, wb, in, out, rb, x, nt); break;
        case TensorType::Q5_K: gemv_kernel<5><<<blocks, kWarps * 32, 0, s>>>(y, wb, in, out, rb, x, nt); break;
        case TensorType::Q6_K: gemv_kernel<6><<<blocks, kWarps * 32, 0, s>>>(y, wb, in, out, rb, x, nt); break;
        default: gemv_kernel<3><<<blocks, kWarps * 32, 0, s>>>(y, wb, in, out, rb, x, nt); break;
    }
}

}  // namespace

bool matmul_supports(TensorType type) {
    return type == TensorType::F32 || type == TensorType::F16 || type == TensorType::BF16 || type == TensorType::Q8_0 ||
           is_k_quant(type);
}

bool is_k_quant(TensorType type) {
    return type == TensorType::Q4_K || type == TensorType::Q5_K || type == TensorType::Q6_K;
}

Status gemv(float* y, const void* w, TensorType type, int64_t in, int64_t out, const float* x, int n_tokens, Stream s) {
    SIGMA_CUDA_REQUIRE(matmul_supports(type), "gemv", "weight type must be F32, F16, BF16, Q8_0, Q4_K, Q5_K or Q6_K");
    SIGMA_CUDA_REQUIRE(!is_k_quant(type) || in % detail::kQK == 0, "gemv",
                       "K-quant row length must be a multiple of 256");
    SIGMA_CUDA_REQUIRE(in > 0 && out > 0 && n_tokens > 0, "gemv", "sizes must be positive");
    SIGMA_CUDA_REQUIRE(y && w && x, "gemv", "null buffer");
    SIGMA_CUDA_REQUIRE(type != TensorType::Q8_0 || in % detail::kQ8Block == 0, "gemv",
                       "Q8_0 row length must be a multiple of 32");
    SIGMA_CUDA_REQUIRE(out / kWarps < 2147483647, "gemv", "too many rows");
    // The vector paths read x with 16-byte loads: every token row must stay 16-byte aligned.
    SIGMA_CUDA_REQUIRE(in % 8 != 0 || reinterpret_cast<uintptr_t>(x) % 16 == 0, "gemv", "x must be 16-byte aligned");
    for (int t0 = 0; t0 < n_tokens; t0 += kGemvMaxTokens) {
        const int nt = std::min(kGemvMaxTokens, n_tokens - t0);
        launch_gemv(y + static_cast<int64_t>(t0) * out, w, type, in, out, x + static_cast<int64_t>(t0) * in, nt, s);
        cudaCheckLaunch("gemv");
    }
    return {};
}

}  // namespace sigma::cuda
