// Embedding lookup on the GPU: one token's row of the table widened to f32, for every weight type the
// kernels read (F32, F16, BF16, Q8_0, Q4_K, Q5_K, Q6_K).
// Not a gather of many tables: one table, ids from device memory (a graph replays with a new id).
#include "kernels/common.cuh"
#include "kernels/cuda_backend.h"
#include "kernels/kquants.cuh"

namespace sigma::cuda {

namespace {

template <int kType>  // 0 f32, 1 f16, 2 bf16, 3 q8_0, 4 q4_K, 5 q5_K, 6 q6_K
__global__ void embedding_kernel(float* out, const uint8_t* table, int n_embd, int n_vocab, const int32_t* tokens,
                                 size_t row_bytes) {
    const int t = blockIdx.y;
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n_embd) return;
    const int id = min(max(tokens[t], 0), n_vocab - 1);
    const uint8_t* row = table + static_cast<size_t>(id) * row_bytes;
    float v;
    if constexpr (kType == 0) {
        v = reinterpret_cast<const float*>(row)[i];
    } else if constexpr (kType == 1) {
        v = detail::f16_bits_to_f32(reinterpret_cast<const uint16_t*>(row)[i]);
    } else if constexpr (kType == 2) {
        v = detail::bf16_bits_to_f32(reinterpret_cast<const uint16_t*>(row)[i]);
    } else if constexpr (kType >= 4) {
        v = detail::kquant_value<kType>(row, i);
    } else {
        const uint8_t* blk = row + static_cast<size_t>(i / detail::kQ8Block) * detail::kQ8Bytes;
        const float d = detail::f16_bits_to_f32(static_cast<uint16_t>(blk[0] | (blk[1] << 8)));
        v = d * static_cast<float>(static_cast<int8_t>(blk[2 + i % detail::kQ8Block]));
    }
    out[static_cast<int64_t>(t) * n_embd + i] = v;
}

}  // namespace

Status embedding(float* out, const void* table, TensorType type, int n_embd, int n_vocab, const int32_t* tokens,
                 int n_tokens, Stream s) {
    SIGMA_CUDA_REQUIRE(n_embd > 0 && n_vocab > 0 && n_tokens > 0 && n_tokens <= 65535, "embedding",
                       "sizes out of range");
    SIGMA_CUDA_REQUIRE(out && table && tokens, "embedding", "null buffer");
    const dim3 grid(static_cast<unsigned>(detail::ceil_div(n_embd, 256)), static_cast<unsigned>(n_tokens));
    const auto* t = static_cast<const uint8_t*>(table);
    switch (type) {
        case TensorType::F32:
            embedding_kernel<0><<<grid, 256, 0, s>>>(out, t, n_embd, n_vocab, tokens, size_t{4} * n_embd);
            break;
        case TensorType::F16:
            embedding_kernel<1><<<grid, 256, 0, s>>>(out, t, n_embd, n_vocab, tokens, size_t{2} * n_embd);
            break;
        case TensorType::BF16:
            embedding_kernel<2><<<grid, 256, 0, s>>>(out, t, n_embd, n_vocab, tokens, size_t{2} * n_embd);
            break;
        case TensorType::Q8_0:
            SIGMA_CUDA_REQUIRE(n_embd % detail::kQ8Block == 0, "embedding", "Q8_0 rows need a multiple of 32");
            embedding_kernel<3><<<grid, 256, 0, s>>>(out, t, n_embd, n_vocab, tokens,
                                                     size_t{detail::kQ8Bytes} * (n_embd / detail::kQ8Block));
            break;
        case TensorType::Q4_K:
        case TensorType::Q5_K:
        case TensorType::Q6_K: {
            SIGMA_CUDA_REQUIRE(n_embd % detail::kQK == 0, "embedding", "K-quant rows need a multiple of 256");
            const int kt = type == TensorType::Q4_K   ? detail::kQ4K
                           : type == TensorType::Q5_K ? detail::kQ5K
                                                      : detail::kQ6K;
            const size_t rb = static_cast<size_t>(n_embd / detail::kQK) * detail::kquant_bytes(kt);
            if (kt == detail::kQ4K) embedding_kernel<4><<<grid, 256, 0, s>>>(out, t, n_embd, n_vocab, tokens, rb);
            else if (kt == detail::kQ5K) embedding_kernel<5><<<grid, 256, 0, s>>>(out, t, n_embd, n_vocab, tokens, rb);
            else embedding_kernel<6><<<grid, 256, 0, s>>>(out, t, n_embd, n_vocab, tokens, rb);
            break;
        }
        default:
            return make_error(ErrorCode::Unsupported, "embedding: table type is not F32, F16, BF16, Q8_0 or a K-quant");
    }
    cudaCheckLaunch("embedding");
    return {};
}

}  // namespace sigma::cuda
