// matmul over the 8/6/5/4-bit weight types on every kernel path this CPU has (scalar, AVX2, AVX-512
// VNNI), against double dot products of the quantised operands, with odd row, token and thread counts.
// Not the block layouts (test_quant.cpp): the weights here come from the reference quantiser.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "inference/ops_matmul.h"
#include "inference/ops_matmul_quant.h"
#include "inference/quant_k.h"
#include "inference/tensor_types.h"
#include "inference/thread_pool.h"
#include "tests/inference/matmul_test_weights.h"

namespace sigma {
namespace {

TestWeight make_weight(TensorType type, int64_t in, int64_t out, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    std::vector<float> src(static_cast<size_t>(in * out));
    for (auto& v : src) v = u(rng);
    return make_test_weight(type, in, out, src);
}

// The activations as the kernels see them: quantised to 8 bits (Q8_K for K-quant weights, else Q8_0)
// by the reference quantiser, then widened back.
std::vector<float> quantised_activations(TensorType weight_type, const std::vector<float>& x, int64_t in) {
    std::vector<float> out(x.size());
    const int64_t n_tokens = static_cast<int64_t>(x.size()) / in;
    for (int64_t t = 0; t < n_tokens; ++t) {
        if (type_traits(weight_type)->block_size == kQKBlockSize) {
            std::vector<BlockQ8_K> q(static_cast<size_t>(in / kQKBlockSize));
            quantize_row_q8_k(x.data() + t * in, q.data(), in);
            for (int64_t i = 0; i < in; ++i)
                out[static_cast<size_t>(t * in + i)] = q[static_cast<size_t>(i / kQKBlockSize)].d *
                                                       q[static_cast<size_t>(i / kQKBlockSize)].qs[i % kQKBlockSize];
        } else {
            std::vector<uint8_t> q(row_bytes(TensorType::Q8_0, in));
            quantize_row(TensorType::Q8_0, x.data() + t * in, q.data(), in);
            dequantize_row(TensorType::Q8_0, q.data(), out.data() + t * in, in);
        }
    }
    return out;
}

class QuantMatmul : public ::testing::TestWithParam<TensorType> {};

TEST_P(QuantMatmul, EveryPathMatchesDoubleDotProductsOfTheQuantisedOperands) {
    const TensorType type = GetParam();
    const int64_t block = type_traits(type)->block_size;
    const int64_t in = 2 * 256 + (block == 32 ? 64 : 256);  // 576 or 768: not a power of two, whole GEMM steps
    const int64_t out = 55;  // a full 32-row GEMM panel, then one of 23 rows (16 + 7); not a multiple of threads
    const TestWeight w = make_weight(type, in, out, 3);
    std::mt19937 rng(9);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    for (MatmulPath path : matmul_paths_here()) {
        for (int threads : {1, 2, 3}) {
            for (int64_t n_tokens : {1, 2, 5, 11}) {  // 5 and 11: the AVX-512 GEMM with a partial token tile
                std::vector<float> x(static_cast<size_t>(n_tokens * in));
                for (auto& v : x) v = u(rng);
                const std::vector<float> xq = quantised_activations(type, x, in);
                ThreadPool pool(threads);
                MatmulScratch scratch;
                scratch.reserve(threads, in, n_tokens * in);
                std::vector<float> y(static_cast<size_t>(n_tokens * out), NAN);
                ASSERT_TRUE(matmul(y.data(), w.view, x.data(), n_tokens, pool, scratch, path));
                for (int64_t t = 0; t < n_tokens; ++t)
                    for (int64_t o = 0; o < out; ++o) {
                        double want = 0, exact = 0, mag = 0;
                        for (int64_t i = 0; i < in; ++i) {
                            const double wv = w.values[static_cast<size_t>(o * in + i)];
                            want += wv * xq[static_cast<size_t>(t * in + i)];
                            exact += wv * x[static_cast<size_t>(t * in + i)];
                            mag += std::fabs(wv * x[static_cast<size_t>(t * in + i)]);
                        }
                        const float got = y[static_cast<size_t>(t * out + o)];
                        // Integer sums are exact: only float rounding (and, on SIMD paths, the rare
                        // activation rounding tie) separates the kernel from the quantised operands.
                        ASSERT_NEAR(got, want, 1e-4 * mag + 1e-6)
                            << type_name(type) << " " << matmul_path_name(path) << " threads " << threads << " tokens "
                            << n_tokens << " row " << o;
                        // and 8-bit activations stay close to the float product
                        ASSERT_NEAR(got, exact, 1e-2 * mag + 1e-6) << type_name(type) << " " << matmul_path_name(path);
                    }
            }
        }
    }
}

TEST_P(QuantMatmul, BatchedTokensAgreeWithOneAtATime) {
    // Scalar and AVX2 run every (row, token) pair through the same dot product: batches give the same
    // bits as single tokens. The AVX-512 GEMM sums the same integer products in another float order,
    // so there a batched result may differ from the single-token one by float rounding only.
    const TensorType type = GetParam();
    const int64_t in = 512, out = 13, n_tokens = 6;
    const TestWeight w = make_weight(type, in, out, 21);
    std::vector<float> x(static_cast<size_t>(n_tokens * in));
    std::mt19937 rng(2);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (auto& v : x) v = normal(rng);
    for (MatmulPath path : matmul_paths_here()) {
        ThreadPool pool(2);
        MatmulScratch scratch;
        scratch.reserve(2, in, n_tokens * in);
        std::vector<float> batched(static_cast<size_t>(n_tokens * out)), single(static_cast<size_t>(out));
        ASSERT_TRUE(matmul(batched.data(), w.view, x.data(), n_tokens, pool, scratch, path));
        for (int64_t t = 0; t < n_tokens; ++t) {
            ASSERT_TRUE(matmul(single.data(), w.view, x.data() + t * in, 1, pool, scratch, path));
            double mag = 0;
            for (float v : single) mag = std::max(mag, static_cast<double>(std::fabs(v)));
            for (int64_t o = 0; o < out; ++o) {
                const float a = single[static_cast<size_t>(o)], b = batched[static_cast<size_t>(t * out + o)];
                if (path == MatmulPath::Avx512 || path == MatmulPath::Avx512Bf16)
                    ASSERT_NEAR(a, b, 2e-6 * mag) << type_name(type) << " token " << t << " row " << o;
                else
                    ASSERT_EQ(a, b) << type_name(type) << " " << matmul_path_name(path) << " token " << t << " row "
                                    << o;
            }
        }
    }
}

TEST_P(QuantMatmul, SimdPathsAgreeWithTheScalarKernels) {
    const TensorType type = GetParam();
    const int64_t in = 1024, out = 9, n_tokens = 3;
    const TestWeight w = make_weight(type, in, out, 5);
    std::vector<float> x(static_cast<size_t>(n_tokens * in));
    std::mt19937 rng(8);
    std::normal_distribution<float> normal(0.0f, 3.0f);
    for (auto& v : x) v = normal(rng);
    ThreadPool pool(2);
    MatmulScratch scratch;
    scratch.reserve(2, in, n_tokens * in);
    std::vector<float> ref(static_cast<size_t>(n_tokens * out));
    ASSERT_TRUE(matmul(ref.data(), w.view, x.data(), n_tokens, pool, scratch, MatmulPath::Scalar));
    double scale = 0;
    for (float v : ref) scale = std::max(scale, double(std::fabs(v)));
    for (MatmulPath path : matmul_paths_here()) {
        std::vector<float> y(ref.size(), NAN);
        ASSERT_TRUE(matmul(y.data(), w.view, x.data(), n_tokens, pool, scratch, path));
        for (size_t i = 0; i < y.size(); ++i)
            EXPECT_NEAR(y[i], ref[i], 1e-3 * scale) << matmul_path_name(path) << " " << i;
    }
}

TEST_P(QuantMatmul, RowsThatAreNotWholeBlocksAreRejected) {
    const TensorType type = GetParam();
    const int64_t block = type_traits(type)->block_size;
    TestWeight w = make_weight(type, 2 * block, 3, 1);
    w.view.ne[0] = 2 * block + block / 2;  // claims a partial block per row
    ThreadPool pool(1);
    MatmulScratch scratch;
    scratch.reserve(1, 4 * block, 4 * block);
    std::vector<float> x(static_cast<size_t>(4 * block), 1.0f), y(3, 5.0f);
    EXPECT_FALSE(matmul(y.data(), w.view, x.data(), 1, pool, scratch));
    for (float v : y) EXPECT_EQ(v, 5.0f);
}

TEST(QuantKernels, WordWiseScaleUnpackingMatchesTheOneAtATimeReference) {
    std::mt19937 rng(12);
    std::uniform_int_distribution<int> byte(0, 255);
    for (int trial = 0; trial < 200; ++trial) {
        uint8_t packed[12];
        for (auto& b : packed) b = static_cast<uint8_t>(byte(rng));
        uint8_t sc[8], m[8];
        kquant_unpack_scales(packed, sc, m);
        for (int j = 0; j < 8; ++j) {
            int want_sc, want_m;
            kquant_scale_min(j, packed, want_sc, want_m);
            ASSERT_EQ(sc[j], want_sc) << j;
            ASSERT_EQ(m[j], want_m) << j;
        }
    }
}

TEST(QuantKernels, Avx512Q8_0DotMatchesScalarIntegerSums) {
    // matmul keeps AVX2's Q8_0 tile on the AVX-512 path, so the single dot product is checked directly.
    if (!matmul_path_available(MatmulPath::Avx512)) GTEST_SKIP() << "no AVX-512 VNNI on this CPU";
    std::mt19937 rng(4);
    std::uniform_int_distribution<int> q(-127, 127);
    std::uniform_real_distribution<float> d(0.001f, 0.1f);
    for (int n_blocks : {1, 3, 64}) {
        std::vector<BlockQ8_0> w(static_cast<size_t>(n_blocks)), x(static_cast<size_t>(n_blocks));
        for (auto* v : {&w, &x})
            for (BlockQ8_0& b : *v) {
                b.d = fp32_to_fp16(d(rng));
                for (auto& c : b.qs) c = static_cast<int8_t>(q(rng));
            }
        const float want = dot_q8_0_scalar(w.data(), x.data(), n_blocks);
        EXPECT_NEAR(dot_q8_0_avx512(w.data(), x.data(), n_blocks), want, 1e-5f * (1.0f + std::fabs(want))) << n_blocks;
    }
}

INSTANTIATE_TEST_SUITE_P(Types, QuantMatmul,
                         ::testing::Values(TensorType::Q8_0, TensorType::Q4_0, TensorType::Q4_K, TensorType::Q5_K,
                                           TensorType::Q6_K),
                         [](const ::testing::TestParamInfo<TensorType>& info) {
                             return std::string(type_name(info.param));
                         });

}  // namespace
}  // namespace sigma
