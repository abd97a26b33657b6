// matmul dispatch and the scalar kernels: widen or quantise once per row/batch, then dot products.
// Not cache-blocked beyond register tiles of 4 rows x 3 tokens: the weights stream once per batch.
#include "inference/ops_matmul.h"

#include <algorithm>

#include "inference/cpu_features.h"
#include "inference/ops_convert.h"
#include "inference/ops_gemm.h"
#include "inference/ops_matmul_quant.h"
#include "inference/thread_pool.h"

namespace sigma {

void MatmulScratch::reserve(int n_threads, int64_t max_row_length, int64_t max_activation_elements) {
    n_threads_ = n_threads;
    max_row_length_ = max_row_length;
    max_activation_elements_ = max_activation_elements;
    rows_.reset(new float[static_cast<size_t>(n_threads) * kRowTile * static_cast<size_t>(max_row_length)]);
    q8_.reset(new BlockQ8_0[static_cast<size_t>(max_activation_elements / kQ8_0BlockSize + 1)]);
    q8k_.reset(new BlockQ8_K[static_cast<size_t>(max_activation_elements / kQKBlockSize + 1)]);
    // Sized for rows of max_row_length: every weight row the GEMM sees is at most that long.
    gemm_tokens_.reset(
        new uint8_t[gemm_token_bytes(max_row_length) *
                        static_cast<size_t>(max_activation_elements / std::max<int64_t>(max_row_length, 1) + 1) +
                    64]);
    gemm_rows_.reset(new uint8_t[static_cast<size_t>(n_threads) * gemm_rows_bytes(max_row_length) + 64]);
}

bool matmul_path_available(MatmulPath path) {
    const CpuFeatures& f = cpu_features();
    switch (path) {
        case MatmulPath::Scalar: return true;
        case MatmulPath::Avx2: return f.level_avx2();
        case MatmulPath::Avx512: return f.level_avx512_vnni();
        case MatmulPath::Avx512Bf16: return f.level_avx512_bf16();
    }
    return false;
}

MatmulPath matmul_default_path() {
    if (matmul_path_available(MatmulPath::Avx512Bf16)) return MatmulPath::Avx512Bf16;
    if (matmul_path_available(MatmulPath::Avx512)) return MatmulPath::Avx512;
    return matmul_path_available(MatmulPath::Avx2) ? MatmulPath::Avx2 : MatmulPath::Scalar;
}

float dot_f32_scalar(const float* a, const float* b, int64_t n) {
    // Eight independent partial sums: the compiler can vectorise them and the rounding does not
    // depend on how rows are split across threads.
    float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; ++j) acc[j] += a[i + j] * b[i + j];
    float s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
    for (; i < n; ++i) s += a[i] * b[i];
    return s;
}

float dot_q8_0_scalar(const BlockQ8_0* w, const BlockQ8_0* x, int64_t n_blocks) {
    const float* table = fp16_table();
    float s = 0.0f;
    for (int64_t b = 0; b < n_blocks; ++b) {
        // sum_j (dw * qw_j) * (dx * qx_j) = dw * dx * sum_j qw_j * qx_j, the inner sum exact in int32
        int32_t sumi = 0;
        for (int j = 0; j < kQ8_0BlockSize; ++j) sumi += static_cast<int32_t>(w[b].qs[j]) * x[b].qs[j];
        s += table[w[b].d] * table[x[b].d] * static_cast<float>(sumi);
    }
    return s;
}

namespace {

struct Kernels {
    float (*dot_f32)(const float*, const float*, int64_t);
    float (*dot_q8_0)(const BlockQ8_0*, const BlockQ8_0*, int64_t);
    // 4 rows x 3 tokens at once (null: the path has none); must equal dot_f32 on each pair.
    void (*tile_f32)(const float* const[4], const float* const[3], int64_t, float[12]);
    // 4 rows x 2 tokens (null: none); must equal dot_q8_0 on each pair.
    void (*tile_q8_0)(const BlockQ8_0* const[4], const BlockQ8_0* const[2], int64_t, float[8]);
    void (*quantize_q8_0)(const float*, BlockQ8_0*, int64_t);
    // Half-precision rows straight from memory (null: widen first); equal to widen + dot_f32 (on the
    // AVX-512 paths, which sum in four chains, up to float rounding).
    float (*dot_f16)(const uint16_t*, const float*, int64_t);
    float (*dot_bf16)(const uint16_t*, const float*, int64_t);
    bool avx2_widen;
    float (*dot_q4_0)(const BlockQ4_0*, const BlockQ8_0*, int64_t);
    float (*dot_q4_k)(const BlockQ4_K*, const BlockQ8_K*, int64_t);
    float (*dot_q5_k)(const BlockQ5_K*, const BlockQ8_K*, int64_t);
    float (*dot_q6_k)(const BlockQ6_K*, const BlockQ8_K*, int64_t);
    // One K-quant row with two tokens (null: none); must equal the single dot on each token.
    void (*dot2_q4_k)(const BlockQ4_K*, const BlockQ8_K*, const BlockQ8_K*, int64_t, float[2]);
    void (*dot2_q5_k)(const BlockQ5_K*, const BlockQ8_K*, const BlockQ8_K*, int64_t, float[2]);
    void (*dot2_q6_k)(const BlockQ6_K*, const BlockQ8_K*, const BlockQ8_K*, int64_t, float[2]);
    void (*quantize_q8_k)(const float*, BlockQ8_K*, int64_t);  // bit-identical on every path
};

void quantize_q8_0_reference(const float* x, BlockQ8_0* y, int64_t n) { quantize_row(TensorType::Q8_0, x, y, n); }

Kernels kernels_for(MatmulPath path) {
    // Q8_0 keeps AVX2's 4x2 tile on the AVX-512 path for two or three tokens (each weight block serves
    // both); a single token (decode) takes dot_q8_0_avx512, which prefetches the weights ahead.
    if (path == MatmulPath::Avx512 || path == MatmulPath::Avx512Bf16)
        return {dot_f32_avx2,
                dot_q8_0_avx512,
                dot_f32_tile4x3_avx2,
                dot_q8_0_tile4x2_avx2,
                quantize_row_q8_0_avx2,
                dot_f16_avx512,
                dot_bf16_avx512,
                true,
                dot_q4_0_q8_0_avx512,
                dot_q4_k_q8_k_avx512,
                dot_q5_k_q8_k_avx512,
                dot_q6_k_q8_k_avx512,
                dot_q4_k_q8_k_x2_avx512,
                dot_q5_k_q8_k_x2_avx512,
                dot_q6_k_q8_k_x2_avx512,
                quantize_row_q8_k_avx512};
    if (path == MatmulPath::Avx2)
        return {dot_f32_avx2,
                dot_q8_0_avx2,
                dot_f32_tile4x3_avx2,
                dot_q8_0_tile4x2_avx2,
                quantize_row_q8_0_avx2,
                dot_f16_avx2,
                dot_bf16_avx2,
                true,
                dot_q4_0_q8_0_avx2,
                dot_q4_k_q8_k_avx2,
                dot_q5_k_q8_k_avx2,
                dot_q6_k_q8_k_avx2,
                nullptr,
                nullptr,
                nullptr,
                quantize_row_q8_k};
    return {dot_f32_scalar,
            dot_q8_0_scalar,
            nullptr,
            nullptr,
            quantize_q8_0_reference,
            nullptr,
            nullptr,
            false,
            dot_q4_0_q8_0_scalar,
            dot_q4_k_q8_k_scalar,
            dot_q5_k_q8_k_scalar,
            dot_q6_k_q8_k_scalar,
            nullptr,
            nullptr,
            nullptr,
            quantize_row_q8_k};
}

// y[t][o] for a weight type whose rows are dotted with 8-bit activations xq (Q8_0 or Q8_K blocks,
// `x_blocks` per token): every (row, token) pair through the same dot, so batching and threading
// leave the results bit-identical.
template <typename W, typename X>
void quant_rows_times_tokens(float* y, const uint8_t* base, size_t stride, int64_t out, const X* xq, int64_t x_blocks,
                             int64_t w_blocks, int64_t n_tokens, float (*dot)(const W*, const X*, int64_t),
                             ThreadPool& pool,
                             void (*dot2)(const W*, const X*, const X*, int64_t, float[2]) = nullptr) {
    pool.parallel_for(out, [&](int64_t begin, int64_t end, int) {
        for (int64_t o = begin; o < end; ++o) {
            const W* row = reinterpret_cast<const W*>(base + static_cast<size_t>(o) * stride);
            int64_t t = 0;
            if (dot2) {
                float pair[2];
                for (; t + 2 <= n_tokens; t += 2) {
                    dot2(row, xq + t * x_blocks, xq + (t + 1) * x_blocks, w_blocks, pair);
                    y[t * out + o] = pair[0];
                    y[(t + 1) * out + o] = pair[1];
                }
            }
            for (; t < n_tokens; ++t) y[t * out + o] = dot(row, xq + t * x_blocks, w_blocks);
        }
    });
}

constexpr int kTile = MatmulScratch::kRowTile;

// y[t][r0 + r] for r < n_rows rows (already float) and every token: tiles of 4 rows x 3 tokens where
// the path has them, single dot products for the rest.
void rows_times_tokens(float* y, int64_t out, const float* const rows[kTile], int n_rows, const float* x, int64_t in,
                       int64_t n_tokens, int64_t r0, const Kernels& k) {
    int64_t t = 0;
    if (k.tile_f32 && n_rows == kTile) {
        float tile[12];
        for (; t + 3 <= n_tokens; t += 3) {
            const float* const tokens[3] = {x + t * in, x + (t + 1) * in, x + (t + 2) * in};
            k.tile_f32(rows, tokens, in, tile);
            for (int r = 0; r < kTile; ++r)
                for (int j = 0; j < 3; ++j) y[(t + j) * out + r0 + r] = tile[r * 3 + j];
        }
    }
    for (; t < n_tokens; ++t)
        for (int r = 0; r < n_rows; ++r) y[t * out + r0 + r] = k.dot_f32(rows[r], x + t * in, in);
}

}  // namespace

bool matmul(float* y, const TensorView& w, const float* x, int64_t n_tokens, ThreadPool& pool, MatmulScratch& scratch,
            MatmulPath path) {
    const int64_t in = w.ne[0];
    const int64_t out = w.rows();
    if (n_tokens <= 0 || out <= 0) return true;
    if (!type_is_supported_for_compute(w.type)) return false;
    const size_t stride = row_bytes(w.type, in);
    if (stride == 0 || in % type_traits(w.type)->block_size != 0) return false;
    if (scratch.n_threads() < pool.size()) return false;
    const Kernels k = kernels_for(path);
    const auto* base = static_cast<const uint8_t*>(w.data);

    const bool avx512 = path == MatmulPath::Avx512 || path == MatmulPath::Avx512Bf16;
    if (avx512 && n_tokens >= kGemmMinTokens && gemm_supports(w.type, in) && in <= scratch.max_row_length() &&
        n_tokens * in <= scratch.max_activation_elements()) {
        void* q8 = type_traits(w.type)->block_size == kQKBlockSize ? static_cast<void*>(scratch.q8k_buffer())
                                                                   : static_cast<void*>(scratch.q8_buffer());
        gemm_avx512(y, w, x, n_tokens, pool, scratch.gemm_tokens(), scratch.gemm_rows(), q8);
        return true;
    }

    if (path == MatmulPath::Avx512Bf16 && w.type == TensorType::BF16) {
        if (in > scratch.max_row_length() || n_tokens * in > scratch.max_activation_elements()) return false;
        auto* xb = reinterpret_cast<uint16_t*>(scratch.gemm_tokens());
        pool.parallel_for(n_tokens, [&](int64_t begin, int64_t end, int) {
            for (int64_t t = begin; t < end; ++t) round_row_bf16_avx512(x + t * in, xb + t * in, in);
        });
        if (n_tokens >= kGemmMinTokens && in % 32 == 0) {
            gemm_bf16_avx512(y, w, xb, n_tokens, pool, scratch.gemm_rows());
            return true;
        }
        pool.parallel_for(out, [&](int64_t begin, int64_t end, int) {
            for (int64_t o = begin; o < end; ++o) {
                const auto* row = reinterpret_cast<const uint16_t*>(base + static_cast<size_t>(o) * stride);
                for (int64_t t = 0; t < n_tokens; ++t) y[t * out + o] = dot_bf16_bf16_avx512(row, xb + t * in, in);
            }
        });
        return true;
    }

    const bool wide_type = w.type == TensorType::F32 || w.type == TensorType::F16 || w.type == TensorType::BF16;
    if (avx512 && wide_type && n_tokens >= kGemmMinTokens && in % 16 == 0 && in <= scratch.max_row_length()) {
        gemm_f16_avx512(y, w, x, n_tokens, pool, scratch.gemm_rows());
        return true;
    }

    switch (w.type) {
        case TensorType::F32:
        case TensorType::F16:
        case TensorType::BF16: {
            if (w.type != TensorType::F32 && in > scratch.max_row_length()) return false;
            const float* table = fp16_table();
            const int64_t n_row_blocks = (out + kTile - 1) / kTile;
            // Threads take whole blocks of kTile rows, so a row's neighbours (and so its arithmetic)
            // do not depend on the thread count.
            pool.parallel_for(n_row_blocks, [&](int64_t begin, int64_t end, int thread) {
                float* wide = scratch.row_buffer(thread);
                for (int64_t b = begin; b < end; ++b) {
                    const int64_t r0 = b * kTile;
                    const int n_rows = static_cast<int>(std::min<int64_t>(kTile, out - r0));
                    const auto half_dot = w.type == TensorType::F16    ? k.dot_f16
                                          : w.type == TensorType::BF16 ? k.dot_bf16
                                                                       : nullptr;
                    if (half_dot && n_tokens < 3) {
                        // Decode: too few tokens for a tile, so read the half-precision row directly.
                        for (int r = 0; r < n_rows; ++r) {
                            const auto* h = reinterpret_cast<const uint16_t*>(base + (r0 + r) * stride);
                            for (int64_t t = 0; t < n_tokens; ++t) y[t * out + r0 + r] = half_dot(h, x + t * in, in);
                        }
                        continue;
                    }
                    const float* rows[kTile] = {nullptr, nullptr, nullptr, nullptr};
                    for (int r = 0; r < n_rows; ++r) {
                        const uint8_t* src = base + (r0 + r) * stride;
                        if (w.type == TensorType::F32) {
                            rows[r] = reinterpret_cast<const float*>(src);
                            continue;
                        }
                        float* dst = wide + r * scratch.max_row_length();
                        const auto* h = reinterpret_cast<const uint16_t*>(src);
                        if (w.type == TensorType::BF16) widen_bf16_row(dst, h, in);
                        else if (k.avx2_widen) widen_f16_row_avx2(dst, h, in);
                        else widen_f16_row(dst, h, in, table);
                        rows[r] = dst;
                    }
                    rows_times_tokens(y, out, rows, n_rows, x, in, n_tokens, r0, k);
                }
            });
            return true;
        }
        case TensorType::Q8_0: {
            if (n_tokens * in > scratch.max_activation_elements()) return false;
            BlockQ8_0* xq = scratch.q8_buffer();
            const int64_t n_blocks = in / kQ8_0BlockSize;
            pool.parallel_for(n_tokens, [&](int64_t begin, int64_t end, int) {
                for (int64_t t = begin; t < end; ++t) k.quantize_q8_0(x + t * in, xq + t * n_blocks, in);
            });
            const int64_t n_row_blocks = (out + kTile - 1) / kTile;
            pool.parallel_for(n_row_blocks, [&](int64_t begin, int64_t end, int) {
                for (int64_t b = begin; b < end; ++b) {
                    const int64_t r0 = b * kTile;
                    const int n_rows = static_cast<int>(std::min<int64_t>(kTile, out - r0));
                    const BlockQ8_0* rows[kTile] = {nullptr, nullptr, nullptr, nullptr};
                    for (int r = 0; r < n_rows; ++r)
                        rows[r] = reinterpret_cast<const BlockQ8_0*>(base + (r0 + r) * stride);
                    int64_t t = 0;
                    if (k.tile_q8_0 && n_rows == kTile) {
                        float tile[8];
                        for (; t + 2 <= n_tokens; t += 2) {
                            const BlockQ8_0* const tokens[2] = {xq + t * n_blocks, xq + (t + 1) * n_blocks};
                            k.tile_q8_0(rows, tokens, n_blocks, tile);
                            for (int r = 0; r < kTile; ++r)
                                for (int j = 0; j < 2; ++j) y[(t + j) * out + r0 + r] = tile[r * 2 + j];
                        }
                    }
                    for (; t < n_tokens; ++t)
                        for (int r = 0; r < n_rows; ++r)
                            y[t * out + r0 + r] = k.dot_q8_0(rows[r], xq + t * n_blocks, n_blocks);
                }
            });
            return true;
        }
        case TensorType::Q4_0: {
            if (n_tokens * in > scratch.max_activation_elements()) return false;
            BlockQ8_0* xq = scratch.q8_buffer();
            const int64_t n_blocks = in / kQ8_0BlockSize;
            pool.parallel_for(n_tokens, [&](int64_t begin, int64_t end, int) {
                for (int64_t t = begin; t < end; ++t) k.quantize_q8_0(x + t * in, xq + t * n_blocks, in);
            });
            quant_rows_times_tokens(y, base, stride, out, xq, n_blocks, n_blocks, n_tokens, k.dot_q4_0, pool);
            return true;
        }
        case TensorType::Q4_K:
        case TensorType::Q5_K:
        case TensorType::Q6_K: {
            if (n_tokens * in > scratch.max_activation_elements()) return false;
            BlockQ8_K* xq = scratch.q8k_buffer();
            const int64_t n_blocks = in / kQKBlockSize;
            pool.parallel_for(n_tokens, [&](int64_t begin, int64_t end, int) {
                for (int64_t t = begin; t < end; ++t) k.quantize_q8_k(x + t * in, xq + t * n_blocks, in);
            });
            if (w.type == TensorType::Q4_K)
                quant_rows_times_tokens(y, base, stride, out, xq, n_blocks, n_blocks, n_tokens, k.dot_q4_k, pool,
                                        k.dot2_q4_k);
            else if (w.type == TensorType::Q5_K)
                quant_rows_times_tokens(y, base, stride, out, xq, n_blocks, n_blocks, n_tokens, k.dot_q5_k, pool,
                                        k.dot2_q5_k);
            else
                quant_rows_times_tokens(y, base, stride, out, xq, n_blocks, n_blocks, n_tokens, k.dot_q6_k, pool,
                                        k.dot2_q6_k);
            return true;
        }
        default: return false;
    }
}

}  // namespace sigma
