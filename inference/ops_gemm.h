// Prefill GEMM for the 8/6/5/4-bit weight types on AVX-512 VNNI: rows are unpacked once per batch
// into unsigned bytes with one float scale per four weights and one offset per sixteen, then every
// weight byte meets four tokens per vpdpbusd.
// Not decode: a single token reads each weight once, where the row dot products (ops_matmul_quant.h)
// stream at memory speed without the unpacking.
#pragma once

#include <cstddef>
#include <cstdint>

#include "inference/tensor.h"

namespace sigma {

class ThreadPool;

// The layout both operands are brought to, for in weights (in % 64 == 0), per 64-weight step s:
// - weights: 64 unsigned bytes u and 16 float lane scales ws (lane l covers weights 64s+4l..+3),
//   plus one float offset wo per 16 weights;
// - activations (8-bit, quantised exactly as the decode path quantises them): 64 signed bytes q and
//   16 lane scales xs, plus xsum = scale * sum(q) per 16;
// so that row . token = sum_s sum_l ws_l xs_l (u . q)_l - sum_g wo_g xsum_g, exactly the block
// formula of each type (Q8_0 bytes are offset by 128 to be unsigned, 128 d is their offset).
constexpr int kGemmRowBlock = 16;  // rows one thread unpacks together (4 tiles of 4 rows)
constexpr int kGemmMinTokens = 4;  // fewer tokens: the row dot products are faster

// True for Q8_0, Q4_0, Q4_K, Q5_K and Q6_K rows of `in` weights with in % 64 == 0.
bool gemm_supports(TensorType type, int64_t in);

// Scratch: per token (activations) and per thread (one block of unpacked rows), in bytes.
size_t gemm_token_bytes(int64_t in);
size_t gemm_rows_bytes(int64_t in);

// y[t][o] = row o of w . token t of x for t < n_tokens. Call only where matmul_path_available
// (MatmulPath::Avx512) and gemm_supports(w.type, in). token_scratch holds n_tokens *
// gemm_token_bytes(in) bytes, row_scratch pool.size() * gemm_rows_bytes(in); q8 holds the 8-bit
// activations (in / 32 Q8_0 blocks or in / 256 Q8_K blocks per token).
void gemm_avx512(float* y, const TensorView& w, const float* x, int64_t n_tokens, ThreadPool& pool,
                 uint8_t* token_scratch, uint8_t* row_scratch, void* q8);

}  // namespace sigma
