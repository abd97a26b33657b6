// matmul: y = W·x for a batch of tokens, over the weight types the engine computes with
// (F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K), rows split across the thread pool.
// Not a general GEMM: W is always a model weight (ne = {in, out}), x is always float activations.
#pragma once

#include <cstdint>
#include <memory>

#include "inference/core/tensor.h"
#include "inference/quant_k.h"
#include "inference/tensor_types.h"

namespace sigma {

class ThreadPool;

// Buffers matmul needs, allocated once (Context creation) so no token allocates.
class MatmulScratch {
public:
    // Per thread kRowTile row buffers of max_row_length floats (widened F16/BF16 rows), and room for
    // max_activation_elements activations quantised to Q8_0 blocks.
    void reserve(int n_threads, int64_t max_row_length, int64_t max_activation_elements);

    static constexpr int kRowTile = 4;  // rows a thread widens and multiplies together
    float* row_buffer(int thread_index) { return rows_.get() + thread_index * kRowTile * max_row_length_; }
    BlockQ8_0* q8_buffer() { return q8_.get(); }
    BlockQ8_K* q8k_buffer() { return q8k_.get(); }
    // The prefill GEMM's unpacked activations (all tokens) and rows (one block per thread), ops_gemm.h.
    uint8_t* gemm_tokens() { return gemm_tokens_.get(); }
    uint8_t* gemm_rows() { return gemm_rows_.get(); }
    int64_t max_row_length() const { return max_row_length_; }
    int64_t max_activation_elements() const { return max_activation_elements_; }
    int n_threads() const { return n_threads_; }

private:
    std::unique_ptr<float[]> rows_;           // [n_threads][kRowTile][max_row_length]
    std::unique_ptr<BlockQ8_0[]> q8_;         // [max_activation_elements / 32]
    std::unique_ptr<BlockQ8_K[]> q8k_;        // [max_activation_elements / 256]: activations for K-quant weights
    std::unique_ptr<uint8_t[]> gemm_tokens_;  // gemm_token_bytes(in) per token, for max_activation_elements
    std::unique_ptr<uint8_t[]> gemm_rows_;    // [n_threads] x gemm_rows_bytes(max_row_length)
    int64_t max_row_length_ = 0;
    int64_t max_activation_elements_ = 0;
    int n_threads_ = 0;
};

// Which kernels matmul uses. Scalar is the plain path every other path is tested against.
// Avx512 (F, BW, VL, VNNI) has its own kernels for the 8/6/5/4-bit types and uses AVX2's for the rest.
// Avx512Bf16 is Avx512 plus AVX512_BF16 for BF16 weights: their activations are rounded to bf16 (as
// the 8-bit types quantise theirs), and vdpbf16ps sums the products in float.
enum class MatmulPath { Scalar, Avx2, Avx512, Avx512Bf16 };
MatmulPath matmul_default_path();             // from cpu_features(): the best path this CPU runs
bool matmul_path_available(MatmulPath path);  // this CPU (within SIGMA_CPU_PATH) runs that path

// y[t][o] = sum_i W[o][i] * x[t][i] for t < n_tokens, o < out, i < in, where W.ne = {in, out},
// x is [n_tokens][in] and y is [n_tokens][out] (y must not alias x).
// Each weight row is read once per batch: the loop is "for each row, for each token". On the
// Avx512 path, batches of kGemmMinTokens or more of the 8/6/5/4-bit types go through the prefill
// GEMM (ops_gemm.h): the same integer products, summed in another float order, so a token's
// result there differs from its single-token result by float rounding only.
// For Q8_0 and Q4_0 weights x is first quantised to Q8_0 blocks, for Q4_K/Q5_K/Q6_K to Q8_K blocks,
// and the dot products are integer sums (ops_matmul_quant.h).
// Returns false (computing nothing) when the weight type is not one the engine computes with,
// in is not a multiple of the type's block, or the scratch is too small; Context checks all
// of this once at creation.
bool matmul(float* y, const TensorView& w, const float* x, int64_t n_tokens, ThreadPool& pool, MatmulScratch& scratch,
            MatmulPath path);
inline bool matmul(float* y, const TensorView& w, const float* x, int64_t n_tokens, ThreadPool& pool,
                   MatmulScratch& scratch) {
    return matmul(y, w, x, n_tokens, pool, scratch, matmul_default_path());
}

// Dot products used by matmul and attention. Scalar versions; the path-specific ones live in
// ops_matmul_avx2.cpp.
float dot_f32_scalar(const float* a, const float* b, int64_t n);
float dot_q8_0_scalar(const BlockQ8_0* w, const BlockQ8_0* x, int64_t n_blocks);
// AVX2/FMA/F16C versions: call only when matmul_default_path() is Avx2.
// dot_f32_avx2 sums 8-wide chunks in order into one accumulator; the 4-row x 3-token tile repeats
// exactly that arithmetic for each of its 12 pairs, so a result never depends on whether it came
// from a tile (prefill) or a single dot (decode): batching and threading leave logits bit-identical.
float dot_f32_avx2(const float* a, const float* b, int64_t n);
// F16/BF16 weight row times floats, bit-identical to widening the row then dot_f32_avx2 (decode).
float dot_f16_avx2(const uint16_t* w, const float* x, int64_t n);
float dot_bf16_avx2(const uint16_t* w, const float* x, int64_t n);
void dot_f32_tile4x3_avx2(const float* const rows[4], const float* const tokens[3], int64_t n, float out[12]);
float dot_q8_0_avx2(const BlockQ8_0* w, const BlockQ8_0* x, int64_t n_blocks);
// 4 weight rows x 2 tokens, each pair bit-identical to dot_q8_0_avx2.
void dot_q8_0_tile4x2_avx2(const BlockQ8_0* const rows[4], const BlockQ8_0* const tokens[2], int64_t n_blocks,
                           float out[8]);
// Activations to Q8_0 as quantize_row does (ties may round differently in the last step).
void quantize_row_q8_0_avx2(const float* x, BlockQ8_0* y, int64_t n);
void widen_f16_row_avx2(float* dst, const uint16_t* src, int64_t n);
// AVX-512 F16/BF16 row times floats (call only where the Avx512 path is available): four chains of
// products, so they equal widen + dot_f32 up to float rounding only.
float dot_f16_avx512(const uint16_t* w, const float* x, int64_t n);
float dot_bf16_avx512(const uint16_t* w, const float* x, int64_t n);
// AVX512_BF16 (call only where the Avx512Bf16 path is available): activations to bf16, rounded to
// nearest even (inputs below the smallest normal float read as zero), and a bf16 row dot product.
void round_row_bf16_avx512(const float* x, uint16_t* y, int64_t n);
float dot_bf16_bf16_avx512(const uint16_t* w, const uint16_t* x, int64_t n);

}  // namespace sigma
