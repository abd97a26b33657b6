// matmul over the 4/5/6-bit weight types on every kernel path this CPU has, against double dot
// products of the dequantised weights, with odd row counts, several token counts and thread counts.
// Not the block layouts (test_quant.cpp): the weights here come from the reference quantiser.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "inference/ops_matmul.h"
#include "inference/tensor_types.h"
#include "inference/thread_pool.h"

namespace sigma {
namespace {

struct QuantWeight {
    TensorView view;
    std::vector<uint8_t> bytes;
    std::vector<float> values;  // dequantised: the exact operand
};

QuantWeight make_weight(TensorType type, int64_t in, int64_t out, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    QuantWeight w;
    std::vector<float> src(static_cast<size_t>(in * out));
    for (auto& v : src) v = u(rng);
    const size_t stride = row_bytes(type, in);
    w.bytes.resize(stride * static_cast<size_t>(out));
    w.values.resize(src.size());
    for (int64_t r = 0; r < out; ++r) {
        EXPECT_TRUE(quantize_row(type, src.data() + r * in, w.bytes.data() + r * stride, in));
        EXPECT_TRUE(dequantize_row(type, w.bytes.data() + r * stride, w.values.data() + r * in, in));
    }
    w.view.name = "w";
    w.view.type = type;
    w.view.n_dims = 2;
    w.view.ne = {in, out, 1, 1};
    w.view.data = w.bytes.data();
    w.view.nbytes = w.bytes.size();
    return w;
}

// Every path the machine runs, listed explicitly so each one is exercised whatever SIGMA_CPU_PATH says.
std::vector<MatmulPath> paths_here() {
    std::vector<MatmulPath> p{MatmulPath::Scalar};
    if (matmul_default_path() == MatmulPath::Avx2) p.push_back(MatmulPath::Avx2);
    return p;
}

class QuantMatmul : public ::testing::TestWithParam<TensorType> {};

TEST_P(QuantMatmul, EveryPathMatchesDoubleDotProducts) {
    const TensorType type = GetParam();
    const int64_t block = type_traits(type)->block_size;
    const int64_t in = 2 * 256 + (block == 32 ? 32 : 256);  // 768: not a power of two
    const int64_t out = 37;                                 // not a multiple of the 4-row tile or of threads
    const QuantWeight w = make_weight(type, in, out, 3);
    std::mt19937 rng(9);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    for (MatmulPath path : paths_here()) {
        for (int threads : {1, 2, 3}) {
            for (int64_t n_tokens : {1, 2, 5}) {
                std::vector<float> x(static_cast<size_t>(n_tokens * in));
                for (auto& v : x) v = u(rng);
                ThreadPool pool(threads);
                MatmulScratch scratch;
                scratch.reserve(threads, in, n_tokens * in);
                std::vector<float> y(static_cast<size_t>(n_tokens * out), NAN);
                ASSERT_TRUE(matmul(y.data(), w.view, x.data(), n_tokens, pool, scratch, path));
                for (int64_t t = 0; t < n_tokens; ++t)
                    for (int64_t o = 0; o < out; ++o) {
                        double want = 0, mag = 0;
                        for (int64_t i = 0; i < in; ++i) {
                            want += double(w.values[o * in + i]) * x[t * in + i];
                            mag += std::fabs(double(w.values[o * in + i]) * x[t * in + i]);
                        }
                        ASSERT_NEAR(y[t * out + o], want, 1e-5 * mag + 1e-6)
                            << type_name(type) << " path " << int(path) << " threads " << threads << " tokens " << n_tokens
                            << " row " << o;
                    }
            }
        }
    }
}

TEST_P(QuantMatmul, PathsAgreeWithTheScalarReference) {
    const TensorType type = GetParam();
    const int64_t in = 512, out = 13, n_tokens = 4;
    const QuantWeight w = make_weight(type, in, out, 21);
    std::vector<float> x(static_cast<size_t>(n_tokens * in));
    std::mt19937 rng(2);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (auto& v : x) v = normal(rng);
    ThreadPool pool(2);
    MatmulScratch scratch;
    scratch.reserve(2, in, n_tokens * in);
    std::vector<float> ref(static_cast<size_t>(n_tokens * out));
    ASSERT_TRUE(matmul(ref.data(), w.view, x.data(), n_tokens, pool, scratch, MatmulPath::Scalar));
    for (MatmulPath path : paths_here()) {
        std::vector<float> y(ref.size(), NAN);
        ASSERT_TRUE(matmul(y.data(), w.view, x.data(), n_tokens, pool, scratch, path));
        for (size_t i = 0; i < y.size(); ++i) EXPECT_NEAR(y[i], ref[i], 1e-4f * (1.0f + std::fabs(ref[i]))) << i;
    }
}

TEST_P(QuantMatmul, RowsThatAreNotWholeBlocksAreRejected) {
    const TensorType type = GetParam();
    const int64_t block = type_traits(type)->block_size;
    QuantWeight w = make_weight(type, 2 * block, 3, 1);
    w.view.ne[0] = 2 * block + block / 2;  // claims a partial block per row
    ThreadPool pool(1);
    MatmulScratch scratch;
    scratch.reserve(1, 4 * block, 4 * block);
    std::vector<float> x(static_cast<size_t>(4 * block), 1.0f), y(3, 5.0f);
    EXPECT_FALSE(matmul(y.data(), w.view, x.data(), 1, pool, scratch));
    for (float v : y) EXPECT_EQ(v, 5.0f);
}

INSTANTIATE_TEST_SUITE_P(Types, QuantMatmul,
                         ::testing::Values(TensorType::Q4_0, TensorType::Q4_K, TensorType::Q5_K, TensorType::Q6_K),
                         [](const ::testing::TestParamInfo<TensorType>& info) { return std::string(type_name(info.param)); });

}  // namespace
}  // namespace sigma
