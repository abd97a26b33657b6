// The 4/5/6-bit tensor types: hand-built blocks dequantise to exact floats (pinning ggml's byte
// layouts), random rows round-trip within per-type error bounds, partial blocks are refused.
// Not the matmul kernels (test_kernels_quant.cpp) and not whole models (test_quant_forward.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <cstring>
#include <random>
#include <vector>

#include "inference/ops_matmul.h"
#include "inference/quant_k.h"
#include "inference/tensor_types.h"

namespace sigma {
namespace {

void put_half(uint8_t* p, float v) {
    const uint16_t h = fp32_to_fp16(v);
    p[0] = static_cast<uint8_t>(h & 0xff);
    p[1] = static_cast<uint8_t>(h >> 8);
}

std::vector<float> dequant(TensorType t, const std::vector<uint8_t>& bytes, int64_t n) {
    std::vector<float> out(static_cast<size_t>(n), NAN);
    EXPECT_TRUE(dequantize_row(t, bytes.data(), out.data(), n));
    return out;
}

TEST(QuantLayout, TraitsMatchTheBlockStructs) {
    EXPECT_EQ(type_traits(TensorType::Q4_0)->block_bytes, sizeof(BlockQ4_0));
    EXPECT_EQ(type_traits(TensorType::Q4_K)->block_bytes, sizeof(BlockQ4_K));
    EXPECT_EQ(type_traits(TensorType::Q5_K)->block_bytes, sizeof(BlockQ5_K));
    EXPECT_EQ(type_traits(TensorType::Q6_K)->block_bytes, sizeof(BlockQ6_K));
    for (TensorType t : {TensorType::Q4_0, TensorType::Q4_K, TensorType::Q5_K, TensorType::Q6_K})
        EXPECT_TRUE(type_is_supported_for_compute(t)) << type_name(t);
}

TEST(QuantLayout, Q4_0HandBuiltBlock) {
    std::vector<uint8_t> b(18, 0x88);  // every nibble 8: weight 0
    put_half(b.data(), 0.5f);          // d at byte 0
    b[2] = 0x1F;                       // qs[0]: weight 0 low nibble 15, weight 16 high nibble 1
    b[2 + 3] = 0x80;                   // qs[3]: weight 3 = 0 - 8, weight 19 = 8 - 8
    const auto y = dequant(TensorType::Q4_0, b, 32);
    EXPECT_EQ(y[0], 3.5f);
    EXPECT_EQ(y[16], -3.5f);
    EXPECT_EQ(y[3], -4.0f);
    EXPECT_EQ(y[19], 0.0f);
    EXPECT_EQ(y[1], 0.0f);
}

// Scales for Q4_K/Q5_K (bytes 4..15): sub-block 0 (sc 2, m 4), 1 (sc 1, m 0), 5 (sc 35, m 49: a high
// pair of bits each, borrowed from bytes 1 and 5), every other sub-block 0.
void put_k_scales(uint8_t* s) {
    std::memset(s, 0, 12);
    s[0] = 2;
    s[4] = 4;
    s[1] = 1 | (2 << 6);  // sc1 = 1; top bits of sc5 (35 >> 4 = 2)
    s[5] = 0 | (3 << 6);  // m1 = 0; top bits of m5 (49 >> 4 = 3)
    s[9] = 3 | (1 << 4);  // low nibbles of sc5 (35 & 15) and m5 (49 & 15)
}

TEST(QuantLayout, KScaleUnpacking) {
    uint8_t s[12];
    put_k_scales(s);
    int sc, m;
    kquant_scale_min(0, s, sc, m);
    EXPECT_EQ(sc, 2);
    EXPECT_EQ(m, 4);
    kquant_scale_min(1, s, sc, m);
    EXPECT_EQ(sc, 1);
    EXPECT_EQ(m, 0);
    kquant_scale_min(5, s, sc, m);
    EXPECT_EQ(sc, 35);
    EXPECT_EQ(m, 49);
}

TEST(QuantLayout, Q4_KHandBuiltBlock) {
    std::vector<uint8_t> b(144, 0);
    put_half(b.data(), 1.0f);      // d
    put_half(b.data() + 2, 0.5f);  // dmin
    put_k_scales(b.data() + 4);
    b[16 + 0] = 0x97;   // qs[0]: weight 0 (sub-block 0) = 7, weight 32 (sub-block 1) = 9
    b[16 + 64] = 0xA0;  // qs[64]: weight 128 (sub-block 4) = 0, weight 160 (sub-block 5) = 10
    const auto y = dequant(TensorType::Q4_K, b, 256);
    EXPECT_EQ(y[0], 2.0f * 7 - 0.5f * 4);
    EXPECT_EQ(y[1], -2.0f);  // q 0 in sub-block 0: just the min
    EXPECT_EQ(y[32], 9.0f);
    EXPECT_EQ(y[128], 0.0f);
    EXPECT_EQ(y[160], 35.0f * 10 - 0.5f * 49);
}

TEST(QuantLayout, Q5_KHandBuiltBlock) {
    std::vector<uint8_t> b(176, 0);
    put_half(b.data(), 1.0f);
    put_half(b.data() + 2, 0.5f);
    put_k_scales(b.data() + 4);
    b[16 + 0] = 1 << 5;  // qh[0] bit 5: fifth bit of weight 160 (sub-block 5, position 0)
    b[16 + 1] = 1;       // qh[1] bit 0: fifth bit of weight 1 (sub-block 0)
    b[48 + 0] = 0x97;    // qs at byte 48
    b[48 + 64] = 0xA0;
    const auto y = dequant(TensorType::Q5_K, b, 256);
    EXPECT_EQ(y[0], 2.0f * 7 - 0.5f * 4);
    EXPECT_EQ(y[1], 2.0f * 16 - 0.5f * 4);
    EXPECT_EQ(y[32], 9.0f);
    EXPECT_EQ(y[160], 35.0f * 26 - 0.5f * 49);
}

TEST(QuantLayout, Q6_KHandBuiltBlock) {
    std::vector<uint8_t> b(210, 0);
    auto* sc = reinterpret_cast<int8_t*>(b.data() + 192);
    sc[0] = 3;   // weights 0..15
    sc[2] = -2;  // 32..47
    sc[4] = 5;   // 64..79
    sc[6] = 1;   // 96..111
    sc[9] = 4;   // 144..159
    put_half(b.data() + 208, 0.5f);
    b[0] = 0x5A;              // ql[0]: weight 0 low nibble 10, weight 64 low nibble 5
    b[32] = 0x3F;             // ql[32]: weight 32 low 15, weight 96 low 3
    b[128 + 0] = 0xD9;        // qh[0]: top bits 01 (w0), 10 (w32), 01 (w64), 11 (w96)
    b[64 + 20] = 0x0C;        // second half, ql[64 + 20]: weight 148 low nibble 12
    b[128 + 32 + 20] = 0x02;  // qh[32 + 20]: weight 148 top bits 10
    const auto y = dequant(TensorType::Q6_K, b, 256);
    EXPECT_EQ(y[0], 0.5f * 3 * (26 - 32));
    EXPECT_EQ(y[32], 0.5f * -2 * (47 - 32));
    EXPECT_EQ(y[64], 0.5f * 5 * (21 - 32));
    EXPECT_EQ(y[96], 0.5f * 1 * (51 - 32));
    EXPECT_EQ(y[148], 0.5f * 4 * (44 - 32));
    EXPECT_EQ(y[1], 0.5f * 3 * -32);  // all-zero bits: level -32
    EXPECT_EQ(y[16], 0.0f);           // scale 0
}

struct RoundTrip {
    TensorType type;
    double max_relative_rmse;  // rmse / rms of the data
};

class QuantRoundTrip : public ::testing::TestWithParam<RoundTrip> {};

TEST_P(QuantRoundTrip, ErrorStaysWithinTheTypesBound) {
    const RoundTrip rt = GetParam();
    std::mt19937 rng(11);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    const int64_t n = 8 * 256;
    for (float scale : {1e-3f, 1.0f, 40.0f}) {
        std::vector<float> x(n);
        for (auto& v : x) v = scale * normal(rng);
        std::vector<uint8_t> q(row_bytes(rt.type, n));
        ASSERT_TRUE(quantize_row(rt.type, x.data(), q.data(), n));
        const auto y = dequant(rt.type, q, n);
        double err2 = 0, sig2 = 0;
        for (int64_t i = 0; i < n; ++i) {
            err2 += (double(y[i]) - x[i]) * (double(y[i]) - x[i]);
            sig2 += double(x[i]) * x[i];
        }
        EXPECT_LT(std::sqrt(err2 / sig2), rt.max_relative_rmse) << type_name(rt.type) << " scale " << scale;
    }
    // An all-zero row stays exactly zero; a constant row keeps its sign.
    std::vector<float> zeros(n, 0.0f), ones(n, 1.0f);
    std::vector<uint8_t> q(row_bytes(rt.type, n));
    ASSERT_TRUE(quantize_row(rt.type, zeros.data(), q.data(), n));
    for (float v : dequant(rt.type, q, n)) ASSERT_EQ(v, 0.0f);
    ASSERT_TRUE(quantize_row(rt.type, ones.data(), q.data(), n));
    for (float v : dequant(rt.type, q, n)) ASSERT_NEAR(v, 1.0f, 0.02f);
}

INSTANTIATE_TEST_SUITE_P(Types, QuantRoundTrip,
                         ::testing::Values(RoundTrip{TensorType::Q4_0, 0.12}, RoundTrip{TensorType::Q4_K, 0.10},
                                           RoundTrip{TensorType::Q5_K, 0.05}, RoundTrip{TensorType::Q6_K, 0.025}),
                         [](const ::testing::TestParamInfo<RoundTrip>& info) {
                             return std::string(type_name(info.param.type));
                         });

TEST(QuantRoundTrip, MoreBitsGiveSmallerErrors) {
    std::mt19937 rng(5);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    const int64_t n = 16 * 256;
    std::vector<float> x(n);
    for (auto& v : x) v = normal(rng);
    double prev = 1e9;
    for (TensorType t : {TensorType::Q4_K, TensorType::Q5_K, TensorType::Q6_K, TensorType::Q8_0}) {
        std::vector<uint8_t> q(row_bytes(t, n));
        ASSERT_TRUE(quantize_row(t, x.data(), q.data(), n));
        const auto y = dequant(t, q, n);
        double err2 = 0;
        for (int64_t i = 0; i < n; ++i) err2 += (double(y[i]) - x[i]) * (double(y[i]) - x[i]);
        EXPECT_LT(err2, prev) << type_name(t);
        prev = err2;
    }
}

TEST(QuantRoundTrip, PartialBlocksAreRefused) {
    std::vector<float> x(300, 1.0f), y(300, 7.0f);
    std::vector<uint8_t> q(1024, 0xAB);
    for (TensorType t : {TensorType::Q4_0, TensorType::Q4_K, TensorType::Q5_K, TensorType::Q6_K, TensorType::Q8_0}) {
        const int64_t n = t == TensorType::Q4_0 || t == TensorType::Q8_0 ? 33 : 300;
        EXPECT_FALSE(quantize_row(t, x.data(), q.data(), n)) << type_name(t);
        EXPECT_FALSE(dequantize_row(t, q.data(), y.data(), n)) << type_name(t);
    }
    for (uint8_t v : q) ASSERT_EQ(v, 0xAB);  // nothing written
    for (float v : y) ASSERT_EQ(v, 7.0f);
}

TEST(QuantQ8K, Avx512QuantiserGivesTheReferenceBits) {
    if (!matmul_path_available(MatmulPath::Avx512)) GTEST_SKIP() << "no AVX-512 path on this CPU";
    const int64_t n = 8 * kQKBlockSize;
    std::mt19937 rng(31);
    std::normal_distribution<float> normal(0.0f, 2.0f);
    std::vector<float> x(static_cast<size_t>(n));
    for (auto& v : x) v = normal(rng);
    std::fill(x.begin() + 256, x.begin() + 512, 0.0f);  // an all-zero block: scale 0, all q 0
    // exact halves after scaling: block 2 holds 0.5-step multiples of max/127, which round away from zero
    for (int i = 0; i < 256; ++i) x[static_cast<size_t>(512 + i)] = static_cast<float>((i % 21) - 10) * 0.5f;
    x[512] = 127.0f;  // its max, so the scale is exactly 1
    x[900] = -0.0f;
    x[1100] = std::nanf("");                           // a NaN is skipped by the max, and clamps to -127
    x[1400] = std::numeric_limits<float>::infinity();  // scale infinite, every q 0 but this one
    std::vector<BlockQ8_K> want(static_cast<size_t>(n / kQKBlockSize)), got(want.size());
    quantize_row_q8_k(x.data(), want.data(), n);
    quantize_row_q8_k_avx512(x.data(), got.data(), n);
    for (size_t b = 0; b < want.size(); ++b) {
        EXPECT_EQ(std::memcmp(&want[b].d, &got[b].d, sizeof(float)), 0)
            << "block " << b << ": " << want[b].d << " vs " << got[b].d;
        for (int i = 0; i < kQKBlockSize; ++i)
            ASSERT_EQ(want[b].qs[i], got[b].qs[i]) << "block " << b << " value " << i;
        for (int j = 0; j < kQKBlockSize / 16; ++j)
            ASSERT_EQ(want[b].bsums[j], got[b].bsums[j]) << "block " << b << " sum " << j;
    }
    EXPECT_EQ(want[2].d, 1.0f);
    EXPECT_EQ(want[2].qs[1], -5);  // -4.5 rounds away from zero
    EXPECT_EQ(want[2].qs[3], -4);  // -3.5 too
}

}  // namespace
}  // namespace sigma
