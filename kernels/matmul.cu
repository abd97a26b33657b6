// matmul: the GEMV kernels for decode, cuBLAS for prefill. cuBLAS multiplies f32, f16 or bf16
// operands, so quantised weights (Q8_0, K-quants) are dequantised to f16 a tile of rows at a time into scratch, and the
// activations are rounded to the weight's 16-bit type; accumulation is always f32.
// Not a quantised tensor-core kernel: prefill is compute-bound and cuBLAS is the honest baseline.
#include "kernels/common.cuh"
#include "kernels/cublas_library.h"
#include "kernels/cuda_backend.h"
#include "kernels/kquants.cuh"

namespace sigma::cuda {

namespace {

// `blas` is the CublasLibrary the call went through (for the status's name).
#define cublasCheck(blas, expr)                                                                                      \
    do {                                                                                                             \
        const cublasStatus_t cublas_check_e_ = (expr);                                                               \
        if (cublas_check_e_ != CUBLAS_STATUS_SUCCESS)                                                                \
            return make_error(ErrorCode::Internal, std::string("cuBLAS error ") +                                    \
                                                       (blas)->status_string(cublas_check_e_) +                      \
                                                       " in " #expr " at " __FILE__ ":" + std::to_string(__LINE__)); \
    } while (0)

constexpr int64_t kTileElements = int64_t{16} << 20;  // dequantised weight tile: 32 MiB of f16

int64_t tile_elements(int64_t max_in, int64_t max_out) {
    return std::max<int64_t>(std::min<int64_t>(kTileElements, max_in * max_out), max_in);
}

__global__ void to_f16_kernel(__half* dst, const float* src, int64_t n) {
    for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<int64_t>(gridDim.x) * blockDim.x)
        dst[i] = __float2half_rn(src[i]);
}

__global__ void to_bf16_kernel(__nv_bfloat16* dst, const float* src, int64_t n) {
    for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<int64_t>(gridDim.x) * blockDim.x)
        dst[i] = __float2bfloat16_rn(src[i]);
}

// Q8_0 rows -> f16 rows: one thread per weight.
__global__ void dequant_q8_0_f16_kernel(__half* dst, const uint8_t* src, int64_t n) {
    for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
        const uint8_t* blk = src + (i / detail::kQ8Block) * detail::kQ8Bytes;
        const float d = detail::f16_bits_to_f32(static_cast<uint16_t>(blk[0] | (blk[1] << 8)));
        dst[i] = __float2half_rn(d * static_cast<float>(static_cast<int8_t>(blk[2 + i % detail::kQ8Block])));
    }
}

// K-quant rows -> f16 rows: one thread per weight.
template <int kType>
__global__ void dequant_kquant_f16_kernel(__half* dst, const uint8_t* src, int64_t in, int64_t n) {
    const size_t row_bytes = static_cast<size_t>(in / detail::kQK) * detail::kquant_bytes(kType);
    for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<int64_t>(gridDim.x) * blockDim.x)
        dst[i] = __float2half_rn(detail::kquant_value<kType>(src + static_cast<size_t>(i / in) * row_bytes, i % in));
}

int grid_for(int64_t n) { return static_cast<int>(std::min<int64_t>((n + 255) / 256, 16384)); }

}  // namespace

struct MatmulContext {
    const CublasLibrary* blas = nullptr;
    cublasHandle_t handle = nullptr;
    Stream stream = nullptr;
    void* scratch = nullptr;
    size_t scratch_bytes = 0;
};

size_t matmul_scratch_bytes(int64_t max_in, int64_t max_out, int max_tokens) {
    return static_cast<size_t>(max_tokens) * static_cast<size_t>(max_in) * 2 +
           static_cast<size_t>(tile_elements(max_in, max_out)) * 2 + 256;
}

Expected<MatmulContext*> matmul_context_create(Stream s, size_t scratch_bytes) {
    auto* m = new MatmulContext;
    m->stream = s;
    std::string why;
    m->blas = cublas_library(&why);
    if (!m->blas) {
        delete m;
        return make_error(ErrorCode::Unsupported, why);
    }
    if (m->blas->create(&m->handle) != CUBLAS_STATUS_SUCCESS) {
        delete m;
        return make_error(ErrorCode::Internal, "cublasCreate failed (no device, or out of memory)");
    }
    if (m->blas->set_stream(m->handle, s) != CUBLAS_STATUS_SUCCESS) {
        matmul_context_destroy(m);
        return make_error(ErrorCode::Internal, "cublasSetStream failed");
    }
    if (scratch_bytes > 0) {
        auto p = device_alloc(scratch_bytes);
        if (!p) {
            matmul_context_destroy(m);
            return p.error();
        }
        m->scratch = *p;
        m->scratch_bytes = scratch_bytes;
    }
    return m;
}

void matmul_context_destroy(MatmulContext* m) {
    if (!m) return;
    if (m->handle) (void)m->blas->destroy(m->handle);
    device_free(m->scratch);
    delete m;
}

Status matmul(MatmulContext* m, float* y, const void* w, TensorType type, int64_t in, int64_t out, const float* x,
              int n_tokens) {
    SIGMA_CUDA_REQUIRE(m != nullptr, "matmul", "no matmul context");
    if (n_tokens <= kGemvMaxTokens) return gemv(y, w, type, in, out, x, n_tokens, m->stream);
    SIGMA_CUDA_REQUIRE(matmul_supports(type), "matmul", "weight type must be F32, F16, BF16, Q8_0, Q4_K, Q5_K or Q6_K");
    SIGMA_CUDA_REQUIRE(!is_k_quant(type) || in % detail::kQK == 0, "matmul",
                       "K-quant row length must be a multiple of 256");
    SIGMA_CUDA_REQUIRE(in > 0 && out > 0 && in < (int64_t{1} << 31) && out < (int64_t{1} << 31), "matmul",
                       "sizes out of range");
    SIGMA_CUDA_REQUIRE(type != TensorType::Q8_0 || in % detail::kQ8Block == 0, "matmul",
                       "Q8_0 row length must be a multiple of 32");
    const Stream s = m->stream;
    const float alpha = 1.0f, beta = 0.0f;
    const int64_t x_elems = static_cast<int64_t>(n_tokens) * in;
    // y (column-major out x n) = W^T (W stored row-major [out][in] = column-major in x out) * x.
    if (type == TensorType::F32) {
        cublasCheck(m->blas, m->blas->gemm_ex(m->handle, CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(out), n_tokens,
                                              static_cast<int>(in), &alpha, w, CUDA_R_32F, static_cast<int>(in), x,
                                              CUDA_R_32F, static_cast<int>(in), &beta, y, CUDA_R_32F,
                                              static_cast<int>(out), CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
        return {};
    }
    const bool quantised = type == TensorType::Q8_0 || is_k_quant(type);
    const size_t need = static_cast<size_t>(x_elems) * 2 + (quantised ? size_t(in) * 2 : 0) + 256;
    SIGMA_CUDA_REQUIRE(m->scratch_bytes >= need, "matmul",
                       "scratch of " + std::to_string(m->scratch_bytes) + " bytes is too small for " +
                           std::to_string(n_tokens) + " tokens of " + std::to_string(in));
    void* x16 = m->scratch;
    const bool bf16 = type == TensorType::BF16;
    if (bf16) to_bf16_kernel<<<grid_for(x_elems), 256, 0, s>>>(static_cast<__nv_bfloat16*>(x16), x, x_elems);
    else to_f16_kernel<<<grid_for(x_elems), 256, 0, s>>>(static_cast<__half*>(x16), x, x_elems);
    cudaCheckLaunch("matmul convert");
    const cudaDataType_t ab = bf16 ? CUDA_R_16BF : CUDA_R_16F;
    if (!quantised) {
        cublasCheck(m->blas, m->blas->gemm_ex(m->handle, CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(out), n_tokens,
                                              static_cast<int>(in), &alpha, w, ab, static_cast<int>(in), x16, ab,
                                              static_cast<int>(in), &beta, y, CUDA_R_32F, static_cast<int>(out),
                                              CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
        return {};
    }
    // Quantised: dequantise as many rows as the tile holds, multiply them, move on.
    const size_t x_bytes = (static_cast<size_t>(x_elems) * 2 + 255) / 256 * 256;
    auto* tile = reinterpret_cast<__half*>(static_cast<uint8_t*>(m->scratch) + x_bytes);
    const int64_t tile_rows = std::max<int64_t>(1, static_cast<int64_t>((m->scratch_bytes - x_bytes) / 2) / in);
    size_t src_row = static_cast<size_t>(in / detail::kQ8Block) * detail::kQ8Bytes;
    if (type == TensorType::Q4_K) src_row = static_cast<size_t>(in / detail::kQK) * detail::kquant_bytes(detail::kQ4K);
    if (type == TensorType::Q5_K) src_row = static_cast<size_t>(in / detail::kQK) * detail::kquant_bytes(detail::kQ5K);
    if (type == TensorType::Q6_K) src_row = static_cast<size_t>(in / detail::kQK) * detail::kquant_bytes(detail::kQ6K);
    for (int64_t r0 = 0; r0 < out; r0 += tile_rows) {
        const int64_t rows = std::min(tile_rows, out - r0);
        const uint8_t* src = static_cast<const uint8_t*>(w) + static_cast<size_t>(r0) * src_row;
        const int g = grid_for(rows * in);
        if (type == TensorType::Q4_K)
            dequant_kquant_f16_kernel<detail::kQ4K><<<g, 256, 0, s>>>(tile, src, in, rows * in);
        else if (type == TensorType::Q5_K)
            dequant_kquant_f16_kernel<detail::kQ5K><<<g, 256, 0, s>>>(tile, src, in, rows * in);
        else if (type == TensorType::Q6_K)
            dequant_kquant_f16_kernel<detail::kQ6K><<<g, 256, 0, s>>>(tile, src, in, rows * in);
        else dequant_q8_0_f16_kernel<<<g, 256, 0, s>>>(tile, src, rows * in);
        cudaCheckLaunch("matmul dequantise");
        cublasCheck(m->blas, m->blas->gemm_ex(m->handle, CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(rows), n_tokens,
                                              static_cast<int>(in), &alpha, tile, CUDA_R_16F, static_cast<int>(in), x16,
                                              CUDA_R_16F, static_cast<int>(in), &beta, y + r0, CUDA_R_32F,
                                              static_cast<int>(out), CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
    }
    return {};
}

}  // namespace sigma::cuda
