// Prefill GEMM for the 8/6/5/4-bit weight types on AVX-512 VNNI: 32 weight rows at a time are
// decoded to unsigned bytes and transposed so one register holds 4 weights of 16 rows, and each
// vpdpbusd multiplies them by 4 bytes of one token; a block's scales are applied once per 16 rows.
// Not decode: a single token reads each weight once, where the row dot products (ops_matmul_quant.h)
// stream at memory speed without the unpacking.
#pragma once

#include <cstddef>
#include <cstdint>

#include "inference/core/tensor.h"

namespace sigma {

class ThreadPool;

// What the tile computes, per weight block b (32 inputs; 16 for Q6_K) of row r and token t:
//   y += ws[r][b] * sx[t][b] * (sum_k u[r][k] q[t][k] - offset_x * sum_k q[t][k]) - wo[r][b] * ox[t][b]
// with u the weights as unsigned bytes, q the activations as signed bytes quantised exactly as the
// decode path quantises them (Q8_0 blocks, or Q8_K for the K-quants), ws/sx their scales, offset_x
// the constant the unsigned bytes carry (128 for Q8_0, 8 for Q4_0, 32 for Q6_K), and wo/ox the
// min offsets of Q4_K and Q5_K. The integer part is exact; only float rounding differs from decode.
constexpr int kGemmMinTokens = 4;  // fewer tokens: the row dot products are faster

// True for Q8_0 and Q4_0 rows of `in` weights with in % 32 == 0, and Q4_K, Q5_K, Q6_K rows.
bool gemm_supports(TensorType type, int64_t in);

// Scratch: per token (activations, at least 2 * in bytes) and per thread (one 32-row weight panel).
size_t gemm_token_bytes(int64_t in);
size_t gemm_rows_bytes(int64_t in);

// y[t][o] = row o of w . token t of x for t < n_tokens. Call only where matmul_path_available
// (MatmulPath::Avx512) and gemm_supports(w.type, in). token_scratch holds n_tokens *
// gemm_token_bytes(in) bytes, row_scratch pool.size() * gemm_rows_bytes(in); q8 holds the 8-bit
// activations (in / 32 Q8_0 blocks or in / 256 Q8_K blocks per token).
void gemm_avx512(float* y, const TensorView& w, const float* x, int64_t n_tokens, ThreadPool& pool,
                 uint8_t* token_scratch, uint8_t* row_scratch, void* q8);

// y[t][o] = row o of w (F16, BF16 or F32) . token t of x (float) with float multiply-adds. Call only
// where the Avx512 path is available and in % 16 == 0; row_scratch as above.
void gemm_f16_avx512(float* y, const TensorView& w, const float* x, int64_t n_tokens, ThreadPool& pool,
                     uint8_t* row_scratch);

// y[t][o] = row o of w (BF16) . token t of xb (activations already in bf16, [n_tokens][in]) with
// vdpbf16ps. Call only where the Avx512Bf16 path is available and in % 32 == 0; row_scratch as above.
void gemm_bf16_avx512(float* y, const TensorView& w, const uint16_t* xb, int64_t n_tokens, ThreadPool& pool,
                      uint8_t* row_scratch);

}  // namespace sigma
