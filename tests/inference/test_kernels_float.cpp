// matmul over F32, F16 and BF16 weights on every kernel path this CPU has, against double dot products
// of the operands as each path takes them: float activations, or for BF16 weights on the AVX512_BF16
// path bf16-rounded ones. Not the quantised types (test_kernels_quant.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "inference/ops_matmul.h"
#include "inference/tensor_types.h"
#include "inference/thread_pool.h"
#include "tests/inference/matmul_test_weights.h"

namespace sigma {
namespace {

TestWeight make_weight(TensorType type, int64_t in, int64_t out, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> src(static_cast<size_t>(in * out));
    for (auto& v : src) v = normal(rng);
    return make_test_weight(type, in, out, src);
}

// The activation as the path multiplies it.
double operand(TensorType type, MatmulPath path, float x) {
    const bool bf16 = type == TensorType::BF16 && path == MatmulPath::Avx512Bf16;
    return bf16 ? static_cast<double>(bf16_to_fp32(fp32_to_bf16(x))) : static_cast<double>(x);
}

class FloatMatmul : public ::testing::TestWithParam<TensorType> {};

TEST_P(FloatMatmul, EveryPathMatchesDoubleDotProductsOfItsOperands) {
    const TensorType type = GetParam();
    std::mt19937 rng(4);
    std::normal_distribution<float> normal(0.0f, 2.0f);
    // 576: the GEMMs' whole steps across their 128- and 256-input chunk boundaries; 75: odd, row dots only
    for (int64_t in : {576, 75}) {
        const int64_t out = 55;  // a full 32-row panel, then 16 + 7 rows
        const TestWeight w = make_weight(type, in, out, static_cast<uint32_t>(in));
        for (MatmulPath path : matmul_paths_here()) {
            for (int threads : {1, 2, 3}) {
                for (int64_t n_tokens : {1, 2, 5, 11}) {
                    std::vector<float> x(static_cast<size_t>(n_tokens * in));
                    for (auto& v : x) v = normal(rng);
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
                                const float xv = x[static_cast<size_t>(t * in + i)];
                                want += wv * operand(type, path, xv);
                                exact += wv * xv;
                                mag += std::fabs(wv * xv);
                            }
                            const float got = y[static_cast<size_t>(t * out + o)];
                            ASSERT_NEAR(got, want, 1e-5 * mag + 1e-6)
                                << type_name(type) << " in " << in << " path " << matmul_path_name(path) << " threads "
                                << threads << " tokens " << n_tokens << " row " << o;
                            // bf16 activations are within 2^-9 of the float ones
                            ASSERT_NEAR(got, exact, 4e-3 * mag + 1e-6)
                                << "in " << in << " path " << matmul_path_name(path);
                        }
                }
            }
        }
    }
}

TEST_P(FloatMatmul, BatchedTokensAgreeWithOneAtATime) {
    // The GEMMs and the row dots take the same activations; only the float order of the sums differs.
    const TensorType type = GetParam();
    const int64_t in = 1024, out = 40, n_tokens = 7;
    const TestWeight w = make_weight(type, in, out, 12);
    std::mt19937 rng(5);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> x(static_cast<size_t>(n_tokens * in));
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
            for (int64_t o = 0; o < out; ++o)
                ASSERT_NEAR(single[static_cast<size_t>(o)], batched[static_cast<size_t>(t * out + o)], 1e-5 * mag)
                    << type_name(type) << " path " << matmul_path_name(path) << " token " << t << " row " << o;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Types, FloatMatmul, ::testing::Values(TensorType::F32, TensorType::F16, TensorType::BF16),
                         [](const ::testing::TestParamInfo<TensorType>& info) {
                             return std::string(type_name(info.param));
                         });

TEST(Bf16Activations, RoundingIsNearestEven) {
    if (!matmul_path_available(MatmulPath::Avx512Bf16)) GTEST_SKIP() << "no AVX512_BF16 on this CPU";
    std::vector<float> x = {1.0f, -1.0f, 0.0f, -0.0f, 3.14159f, 65504.0f, 1e-30f, -2.5e12f};
    // exact ties between two bf16 values: 1 + 2^-8 rounds down to 1 (even), 1 + 3 * 2^-8 up to 1 + 2^-6
    x.push_back(1.0f + 1.0f / 256.0f);
    x.push_back(1.0f + 3.0f / 256.0f);
    std::mt19937 rng(6);
    std::normal_distribution<float> normal(0.0f, 100.0f);
    while (x.size() < 61) x.push_back(normal(rng));  // 61: three 16-wide steps and a tail
    std::vector<uint16_t> got(x.size());
    round_row_bf16_avx512(x.data(), got.data(), static_cast<int64_t>(x.size()));
    for (size_t i = 0; i < x.size(); ++i) EXPECT_EQ(got[i], fp32_to_bf16(x[i])) << "value " << i << " = " << x[i];
    EXPECT_EQ(bf16_to_fp32(got[8]), 1.0f);
    EXPECT_EQ(bf16_to_fp32(got[9]), 1.0f + 4.0f / 256.0f);
}

}  // namespace
}  // namespace sigma
