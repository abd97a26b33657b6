// Each op of the CPU forward pass against a plain double computation: matmul over every weight
// type and kernel path, rmsnorm, RoPE (both pair styles), swiglu, dense and selective attention.
// Not the whole forward pass: test_forward.cpp compares that with the reference model.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "inference/cpu_features.h"
#include "inference/kv_cache.h"
#include "inference/ops_attention.h"
#include "inference/ops_matmul.h"
#include "inference/ops_rmsnorm.h"
#include "inference/ops_rope.h"
#include "inference/ops_swiglu.h"
#include "tests/inference/matmul_test_weights.h"
#include "inference/tensor_types.h"
#include "inference/thread_pool.h"
#include "tests/reference/tiny_model.h"

namespace sigma {
namespace {

TestWeight make_weight(TensorType type, int64_t in, int64_t out, uint64_t seed) {
    ref::Rng rng(seed);
    std::vector<float> src(static_cast<size_t>(in * out));
    for (auto& v : src) v = rng.uniform(-1.0f, 1.0f);
    return make_test_weight(type, in, out, src);
}

struct MatmulCase {
    TensorType type;
    MatmulPath path;
    int threads;
};

class MatmulTest : public ::testing::TestWithParam<MatmulCase> {};

TEST_P(MatmulTest, MatchesDoubleDotProducts) {
    const MatmulCase mc = GetParam();
    if (mc.path == MatmulPath::Avx2 && !matmul_path_available(MatmulPath::Avx2)) GTEST_SKIP() << "no AVX2 on this CPU";
    const int64_t in = 96, out = 37, n_tokens = 5;
    TestWeight w = make_weight(mc.type, in, out, 3);
    ref::Rng rng(5);
    std::vector<float> x(static_cast<size_t>(n_tokens * in));
    for (auto& v : x) v = rng.uniform(-2.0f, 2.0f);
    ThreadPool pool(mc.threads);
    MatmulScratch scratch;
    scratch.reserve(pool.size(), in, n_tokens * in);
    std::vector<float> y(static_cast<size_t>(n_tokens * out), -1.0f);
    ASSERT_TRUE(matmul(y.data(), w.view, x.data(), n_tokens, pool, scratch, mc.path));
    // Q8_0 also rounds the activations to 8 bits (relative step ~1/127 per block).
    const double tol = mc.type == TensorType::Q8_0 ? 2e-2 : 1e-5;
    double max_ref = 0.0, max_diff = 0.0;
    for (int64_t t = 0; t < n_tokens; ++t) {
        for (int64_t o = 0; o < out; ++o) {
            double s = 0.0;
            for (int64_t i = 0; i < in; ++i)
                s +=
                    static_cast<double>(w.values[static_cast<size_t>(o * in + i)]) * x[static_cast<size_t>(t * in + i)];
            max_ref = std::max(max_ref, std::fabs(s));
            max_diff = std::max(max_diff, std::fabs(s - y[static_cast<size_t>(t * out + o)]));
        }
    }
    EXPECT_LT(max_diff / max_ref, tol) << type_name(mc.type);
}

INSTANTIATE_TEST_SUITE_P(TypesPathsThreads, MatmulTest,
                         ::testing::Values(MatmulCase{TensorType::F32, MatmulPath::Scalar, 1},
                                           MatmulCase{TensorType::F16, MatmulPath::Scalar, 2},
                                           MatmulCase{TensorType::BF16, MatmulPath::Scalar, 3},
                                           MatmulCase{TensorType::Q8_0, MatmulPath::Scalar, 2},
                                           MatmulCase{TensorType::F32, MatmulPath::Avx2, 2},
                                           MatmulCase{TensorType::F16, MatmulPath::Avx2, 1},
                                           MatmulCase{TensorType::BF16, MatmulPath::Avx2, 2},
                                           MatmulCase{TensorType::Q8_0, MatmulPath::Avx2, 3}));

TEST(Matmul, Avx2AndScalarQ8AgreeExactlyOnIntegerSums) {
    if (!matmul_path_available(MatmulPath::Avx2)) GTEST_SKIP() << "no AVX2 on this CPU";
    TestWeight w = make_weight(TensorType::Q8_0, 64, 1, 9);
    std::vector<float> x(64);
    ref::Rng rng(2);
    for (auto& v : x) v = rng.uniform(-1.0f, 1.0f);
    std::vector<BlockQ8_0> xq(2);
    quantize_row(TensorType::Q8_0, x.data(), xq.data(), 64);
    const auto* wq = static_cast<const BlockQ8_0*>(w.view.data);
    // Both sum each block exactly in integers; only the float accumulation order may differ.
    EXPECT_NEAR(dot_q8_0_scalar(wq, xq.data(), 2), dot_q8_0_avx2(wq, xq.data(), 2), 1e-4);
}

TEST(Matmul, BatchedTokensGiveTheSameBitsAsOneAtATime) {
    // Prefill (tiles of rows x tokens) and decode (single dot products) must agree, or a reused
    // prefix would not reproduce the logits of a fresh run.
    for (MatmulPath path : {MatmulPath::Scalar, matmul_default_path()}) {
        for (TensorType type : {TensorType::F32, TensorType::F16, TensorType::BF16, TensorType::Q8_0}) {
            const int64_t in = 72 + (type == TensorType::Q8_0 ? 24 : 3), out = 23, n_tokens = 8;
            TestWeight w = make_weight(type, in, out, 4);
            ref::Rng rng(6);
            std::vector<float> x(static_cast<size_t>(n_tokens * in));
            for (auto& v : x) v = rng.uniform(-1.0f, 1.0f);
            ThreadPool pool(2);
            MatmulScratch scratch;
            scratch.reserve(pool.size(), in, n_tokens * in);
            std::vector<float> batched(static_cast<size_t>(n_tokens * out)), single(static_cast<size_t>(out));
            ASSERT_TRUE(matmul(batched.data(), w.view, x.data(), n_tokens, pool, scratch, path));
            // The AVX-512 paths (GEMMs, and half-precision dots in four chains) sum the same products
            // of the same activations in another float order: there, and only there, rounding may
            // separate the two.
            const bool gemm = path == MatmulPath::Avx512 || path == MatmulPath::Avx512Bf16;
            for (int64_t t = 0; t < n_tokens; ++t) {
                ASSERT_TRUE(matmul(single.data(), w.view, x.data() + t * in, 1, pool, scratch, path));
                for (int64_t o = 0; o < out; ++o) {
                    const float a = single[static_cast<size_t>(o)], b = batched[static_cast<size_t>(t * out + o)];
                    if (gemm) EXPECT_NEAR(a, b, 2e-6f * std::max(1.0f, std::fabs(a))) << "token " << t << " row " << o;
                    else EXPECT_EQ(a, b) << type_name(type) << " token " << t << " row " << o;
                }
            }
        }
    }
}

TEST(Matmul, Avx2ActivationQuantiserMatchesTheReference) {
    if (!matmul_path_available(MatmulPath::Avx2)) GTEST_SKIP() << "no AVX2 on this CPU";
    const int64_t n = 128;
    ref::Rng rng(14);
    std::vector<float> x(static_cast<size_t>(n));
    for (auto& v : x) v = rng.uniform(-3.0f, 3.0f);
    x[5] = 0.0f;
    std::fill(x.begin() + 64, x.begin() + 96, 0.0f);  // an all-zero block: scale 0, values 0
    std::vector<BlockQ8_0> a(static_cast<size_t>(n / 32)), b(a.size());
    quantize_row(TensorType::Q8_0, x.data(), a.data(), n);
    quantize_row_q8_0_avx2(x.data(), b.data(), n);
    for (size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].d, b[i].d) << "block " << i;
        for (int j = 0; j < 32; ++j) EXPECT_LE(std::abs(a[i].qs[j] - b[i].qs[j]), 1) << "block " << i << " value " << j;
    }
}

TEST(Matmul, RejectsTypesItCannotCompute) {
    TestWeight w = make_weight(TensorType::F32, 32, 2, 1);
    w.view.type = TensorType::Q4_K;
    ThreadPool pool(1);
    MatmulScratch scratch;
    scratch.reserve(1, 32, 32);
    std::vector<float> x(32, 1.0f), y(2);
    EXPECT_FALSE(matmul(y.data(), w.view, x.data(), 1, pool, scratch));
}

TEST(Rmsnorm, DividesByRootMeanSquare) {
    const std::vector<float> x = {1.0f, -2.0f, 3.0f, -4.0f};
    const std::vector<float> w = {1.0f, 0.5f, 2.0f, 1.0f};
    std::vector<float> y(4);
    rmsnorm(y.data(), x.data(), w.data(), 4, 1e-5f);
    const double rms = std::sqrt((1.0 + 4.0 + 9.0 + 16.0) / 4.0 + 1e-5);
    for (int i = 0; i < 4; ++i)
        EXPECT_NEAR(y[static_cast<size_t>(i)], x[static_cast<size_t>(i)] / rms * w[static_cast<size_t>(i)], 1e-6);
}

TEST(Rope, PositionZeroIsIdentityAndNormsArePreserved) {
    std::vector<float> x = {1, 2, 3, 4, 5, 6, 7, 8};
    std::vector<float> y = x;
    rope(y.data(), 2, 4, 0, 10000.0f, RopeStyle::Normal);
    EXPECT_EQ(x, y);
    rope(y.data(), 2, 4, 17, 10000.0f, RopeStyle::NeoX);
    for (int h = 0; h < 2; ++h) {
        double before = 0, after = 0;
        for (int i = 0; i < 4; ++i) {
            before += x[static_cast<size_t>(h * 4 + i)] * x[static_cast<size_t>(h * 4 + i)];
            after += y[static_cast<size_t>(h * 4 + i)] * y[static_cast<size_t>(h * 4 + i)];
        }
        EXPECT_NEAR(before, after, 1e-4);
    }
}

TEST(Rope, PairsAndAnglesFollowTheStyle) {
    // head_dim 4, theta 100: pair 0 turns by pos rad, pair 1 by pos/10 rad.
    const int pos = 3;
    const double a0 = pos, a1 = pos * std::pow(100.0, -0.5);
    std::vector<float> n = {1, 0, 1, 0};  // Normal pairs (0,1), (2,3)
    rope(n.data(), 1, 4, pos, 100.0f, RopeStyle::Normal);
    EXPECT_NEAR(n[0], std::cos(a0), 1e-6);
    EXPECT_NEAR(n[1], std::sin(a0), 1e-6);
    EXPECT_NEAR(n[2], std::cos(a1), 1e-6);
    EXPECT_NEAR(n[3], std::sin(a1), 1e-6);
    std::vector<float> x = {1, 1, 0, 0};  // NeoX pairs (0,2), (1,3)
    rope(x.data(), 1, 4, pos, 100.0f, RopeStyle::NeoX);
    EXPECT_NEAR(x[0], std::cos(a0), 1e-6);
    EXPECT_NEAR(x[2], std::sin(a0), 1e-6);
    EXPECT_NEAR(x[1], std::cos(a1), 1e-6);
    EXPECT_NEAR(x[3], std::sin(a1), 1e-6);
}

TEST(Swiglu, IsSiluOfGateTimesUp) {
    const std::vector<float> g = {-2.0f, 0.0f, 1.5f}, u = {3.0f, 5.0f, -1.0f};
    std::vector<float> y(3);
    swiglu(y.data(), g.data(), u.data(), 3);
    for (size_t i = 0; i < 3; ++i) EXPECT_NEAR(y[i], g[i] / (1.0 + std::exp(-g[i])) * u[i], 1e-6);
}

// One head, 4 positions, d = 2, F32 rows: small enough to check by hand.
struct TinyAttention {
    std::vector<float> k = {1, 0, 0, 1, -1, 0, 2, 0};  // K_p rows
    std::vector<float> v = {1, 2, 3, 4, 5, 6, 7, 8};   // V_p rows
    std::vector<float> q = {1.0f, 0.5f};
    KvRows krows() const { return KvRows{k.data(), KvType::F32, 2}; }
    KvRows vrows() const { return KvRows{v.data(), KvType::F32, 2}; }
};

TEST(Attention, DenseIsSoftmaxWeightedSumOfV) {
    TinyAttention a;
    std::vector<float> out(2), scores(4);
    attention_dense(out.data(), a.q.data(), a.krows(), 2, a.vrows(), 2, 4, 1.0f, scores.data());
    // scores q·K_p = 1, 0.5, -1, 2
    const double s[4] = {1, 0.5, -1, 2};
    double z = 0, o0 = 0, o1 = 0;
    for (int p = 0; p < 4; ++p) z += std::exp(s[p]);
    for (int p = 0; p < 4; ++p) {
        o0 += std::exp(s[p]) / z * a.v[static_cast<size_t>(2 * p)];
        o1 += std::exp(s[p]) / z * a.v[static_cast<size_t>(2 * p + 1)];
    }
    EXPECT_NEAR(out[0], o0, 1e-6);
    EXPECT_NEAR(out[1], o1, 1e-6);
}

TEST(Attention, SelectiveKeepsTopKAndRenormalises) {
    TinyAttention a;
    std::vector<float> out(2), scores(4);
    std::vector<int32_t> index(4);
    // top 2 scores: position 3 (2.0) and position 0 (1.0); weights e^2, e^1 over their sum only.
    attention_selective(out.data(), a.q.data(), a.krows(), 2, a.vrows(), 2, 4, 1.0f, 2, scores.data(), index.data());
    const double w3 = std::exp(2.0) / (std::exp(2.0) + std::exp(1.0)), w0 = 1.0 - w3;
    EXPECT_NEAR(out[0], w0 * 1 + w3 * 7, 1e-6);
    EXPECT_NEAR(out[1], w0 * 2 + w3 * 8, 1e-6);
    // top 1: exactly V_3.
    attention_selective(out.data(), a.q.data(), a.krows(), 2, a.vrows(), 2, 4, 1.0f, 1, scores.data(), index.data());
    EXPECT_FLOAT_EQ(out[0], 7.0f);
    EXPECT_FLOAT_EQ(out[1], 8.0f);
}

TEST(Attention, SelectiveWithTopKAtLeastPositionsEqualsDense) {
    TinyAttention a;
    std::vector<float> dense(2), sel(2), scores(4);
    std::vector<int32_t> index(4);
    attention_dense(dense.data(), a.q.data(), a.krows(), 2, a.vrows(), 2, 4, 0.7f, scores.data());
    for (int k : {4, 5, 100}) {
        attention_selective(sel.data(), a.q.data(), a.krows(), 2, a.vrows(), 2, 4, 0.7f, k, scores.data(),
                            index.data());
        EXPECT_EQ(dense, sel) << "top_k " << k;
    }
}

TEST(Attention, F16RowsReadBackAsTheirRoundedValues) {
    auto cache = KvCache::create(1, 4, 1, 2, 1, 2, KvType::F16);
    ASSERT_TRUE(cache.ok());
    TinyAttention a;
    for (int p = 0; p < 4; ++p) {
        (*cache)->store_k(0, p, a.k.data() + 2 * p);
        (*cache)->store_v(0, p, a.v.data() + 2 * p);
    }
    std::vector<float> f16(2), f32(2), scores(4);
    attention_dense(f16.data(), a.q.data(), (*cache)->k_rows(0, 0), 2, (*cache)->v_rows(0, 0), 2, 4, 1.0f,
                    scores.data());
    attention_dense(f32.data(), a.q.data(), a.krows(), 2, a.vrows(), 2, 4, 1.0f, scores.data());
    // These small integers are exact in fp16.
    EXPECT_FLOAT_EQ(f16[0], f32[0]);
    EXPECT_FLOAT_EQ(f16[1], f32[1]);
}

TEST(Attention, Avx2RowKernelsMatchScalar) {
    if (!matmul_path_available(MatmulPath::Avx2)) GTEST_SKIP() << "no AVX2 on this CPU";
    const int d = 37;  // a 32-wide body and a scalar tail
    ref::Rng rng(12);
    std::vector<float> q(d), rows(3 * d);
    for (auto& v : q) v = rng.uniform(-1.0f, 1.0f);
    for (auto& v : rows) v = rng.uniform(-1.0f, 1.0f);
    std::vector<uint16_t> rows16(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) rows16[i] = fp32_to_fp16(rows[i]);
    for (const KvRows& kv : {KvRows{rows.data(), KvType::F32, d}, KvRows{rows16.data(), KvType::F16, d}}) {
        for (int64_t p = 0; p < 3; ++p) {
            EXPECT_NEAR(kv_dot(q.data(), kv, p, d), kv_dot_avx2(q.data(), kv, p, d), 1e-5);
            std::vector<float> a(d, 0.5f), b(d, 0.5f);
            kv_axpy(a.data(), 0.3f, kv, p, d);
            kv_axpy_avx2(b.data(), 0.3f, kv, p, d);
            for (int i = 0; i < d; ++i) EXPECT_NEAR(a[static_cast<size_t>(i)], b[static_cast<size_t>(i)], 1e-6);
        }
    }
}

}  // namespace
}  // namespace sigma
