// Grouped attention (each cached K/V row read once per head group) against a double-precision
// computation of the per-head formula, on every path, over DiffQKV head mappings, head sizes, cache
// types and prefix lengths; plus the head mapping, the head-group boundaries and the vector softmax.
// Not the forward pass: test_forward.cpp runs whole models through it.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "inference/kv_cache.h"
#include "inference/ops_attention_group.h"
#include "inference/tensor_types.h"
#include "tests/reference/tiny_model.h"

namespace sigma {
namespace {

// SIGMA.md's own example, Sigma-1.5B (32/4/16): query heads 8g..8g+7 read K head g, heads 2j and
// 2j+1 read V head j; and a shape where neither count divides n_q (floor(i*n/n_q)).
TEST(HeadCounts, MapsConsecutiveGroupsAsThePaperWritesThem) {
    constexpr HeadCounts sigma{32, 4, 16};
    static_assert(sigma.k_head(31) == 3 && sigma.v_head(31) == 15, "usable in constant expressions (CUDA too)");
    for (int i = 0; i < 32; ++i) {
        EXPECT_EQ(sigma.k_head(i), i / 8) << i;
        EXPECT_EQ(sigma.v_head(i), i / 2) << i;
    }
    const HeadCounts odd{6, 4, 3};
    const int k_want[] = {0, 0, 1, 2, 2, 3}, v_want[] = {0, 0, 1, 1, 2, 2};
    for (int i = 0; i < 6; ++i) {
        EXPECT_EQ(odd.k_head(i), k_want[i]) << i;
        EXPECT_EQ(odd.v_head(i), v_want[i]) << i;
    }
}

TEST(JointHeadGroups, RunsShareNoCachedHeadWithTheirNeighbours) {
    const HeadCounts shapes[] = {{32, 8, 8}, {32, 4, 16}, {32, 16, 4}, {6, 2, 3}, {5, 1, 5}, {8, 8, 8}, {7, 7, 1}};
    for (const HeadCounts& h : shapes) {
        const std::vector<int> b = joint_head_groups(h);
        ASSERT_GE(b.size(), 2u);
        EXPECT_EQ(b.front(), 0);
        EXPECT_EQ(b.back(), h.n_q);
        for (size_t g = 1; g + 1 < b.size(); ++g) {
            const int i = b[g];  // first head of a run: its K and V heads are not the previous head's
            EXPECT_NE(h.k_head(i), h.k_head(i - 1));
            EXPECT_NE(h.v_head(i), h.v_head(i - 1));
        }
        for (size_t g = 0; g + 1 < b.size(); ++g)
            for (int i = b[g] + 1; i < b[g + 1]; ++i)  // inside a run: it shares a K or a V head
                EXPECT_TRUE(h.k_head(i) == h.k_head(i - 1) || h.v_head(i) == h.v_head(i - 1));
    }
    EXPECT_EQ(joint_head_groups({32, 8, 8}).size(), 9u);   // GQA: one run per KV head
    EXPECT_EQ(joint_head_groups({32, 4, 16}).size(), 5u);  // Sigma: the coarser K grouping
    EXPECT_EQ(joint_head_groups({6, 2, 3}).size(), 2u);    // neither divides: one run
}

struct Case {
    HeadCounts heads;
    int d_k, d_v, n_pos;
    KvType type;
};

// A cache of n_pos random positions, and its values as stored (F16 rounding included).
struct Cache {
    std::unique_ptr<KvCache> cache;
    std::vector<float> k, v;  // [n_pos][n_k][d_k], [n_pos][n_v][d_v] as read back
};

Cache make_cache(const Case& c, uint64_t seed) {
    ref::Rng rng(seed);
    Cache out;
    auto made = KvCache::create(1, c.n_pos, c.heads.n_k, c.d_k, c.heads.n_v, c.d_v, c.type);
    EXPECT_TRUE(made.ok());
    out.cache = std::move(*made);
    std::vector<float> k(static_cast<size_t>(c.heads.n_k) * c.d_k), v(static_cast<size_t>(c.heads.n_v) * c.d_v);
    for (int p = 0; p < c.n_pos; ++p) {
        for (auto& x : k) x = rng.uniform(-2.0f, 2.0f);
        for (auto& x : v) x = rng.uniform(-1.0f, 1.0f);
        out.cache->store_k(0, p, k.data());
        out.cache->store_v(0, p, v.data());
        for (int h = 0; h < c.heads.n_k; ++h) {
            std::vector<float> row(static_cast<size_t>(c.d_k));
            out.cache->load_k(row.data(), 0, p, h);
            out.k.insert(out.k.end(), row.begin(), row.end());
        }
        for (int h = 0; h < c.heads.n_v; ++h) {  // V as stored: through the same conversion as K
            for (int i = 0; i < c.d_v; ++i) {
                const float x = v[static_cast<size_t>(h) * c.d_v + i];
                out.v.push_back(c.type == KvType::F16 ? fp16_to_fp32(fp32_to_fp16(x)) : x);
            }
        }
    }
    return out;
}

// out_i = softmax(scale q_i . K_p) . V_p in double, for every query head.
std::vector<double> reference(const Case& c, const Cache& cache, const std::vector<float>& q, float scale) {
    std::vector<double> out(static_cast<size_t>(c.heads.n_q) * c.d_v, 0.0);
    for (int i = 0; i < c.heads.n_q; ++i) {
        const int kh = c.heads.k_head(i), vh = c.heads.v_head(i);
        std::vector<double> s(static_cast<size_t>(c.n_pos));
        double max = -INFINITY, sum = 0;
        for (int p = 0; p < c.n_pos; ++p) {
            double d = 0;
            for (int j = 0; j < c.d_k; ++j)
                d += static_cast<double>(q[static_cast<size_t>(i) * c.d_k + j]) *
                     cache.k[(static_cast<size_t>(p) * c.heads.n_k + kh) * c.d_k + j];
            s[static_cast<size_t>(p)] = d * scale;
            max = std::max(max, s[static_cast<size_t>(p)]);
        }
        for (auto& x : s) sum += (x = std::exp(x - max));
        for (int p = 0; p < c.n_pos; ++p)
            for (int j = 0; j < c.d_v; ++j)
                out[static_cast<size_t>(i) * c.d_v + j] +=
                    s[static_cast<size_t>(p)] / sum * cache.v[(static_cast<size_t>(p) * c.heads.n_v + vh) * c.d_v + j];
    }
    return out;
}

class AttentionGroupTest : public ::testing::TestWithParam<std::tuple<Case, AttentionPath>> {};

TEST_P(AttentionGroupTest, MatchesThePerHeadFormula) {
    const auto& [c, path] = GetParam();
    if (!attention_path_available(path)) GTEST_SKIP() << "this CPU lacks the path's instructions";
    const Cache cache = make_cache(c, 7 + static_cast<uint64_t>(c.n_pos));
    ref::Rng rng(99);
    std::vector<float> q(static_cast<size_t>(c.heads.n_q) * c.d_k);
    for (auto& x : q) x = rng.uniform(-1.0f, 1.0f);
    const float scale = 1.0f / std::sqrt(static_cast<float>(c.d_k));
    std::vector<KvRows> k_rows, v_rows;
    for (int h = 0; h < c.heads.n_k; ++h) k_rows.push_back(cache.cache->k_rows(0, h));
    for (int h = 0; h < c.heads.n_v; ++h) v_rows.push_back(cache.cache->v_rows(0, h));
    // Poisoned output: every head of every group must be written.
    std::vector<float> out(static_cast<size_t>(c.heads.n_q) * c.d_v, NAN);
    std::vector<float> scores(static_cast<size_t>(c.heads.n_q) * c.n_pos);
    const std::vector<int> groups = joint_head_groups(c.heads);
    for (size_t g = 0; g + 1 < groups.size(); ++g)
        attention_dense_heads(out.data(), q.data(), groups[g], groups[g + 1], c.heads, k_rows.data(), c.d_k,
                              v_rows.data(), c.d_v, c.n_pos, scale, scores.data(), path);
    const std::vector<double> want = reference(c, cache, q, scale);
    double max_err = 0, max_ref = 0;
    for (size_t i = 0; i < want.size(); ++i) {
        ASSERT_TRUE(std::isfinite(out[i])) << "output " << i << " not written";
        max_err = std::max(max_err, std::fabs(out[i] - want[i]));
        max_ref = std::max(max_ref, std::fabs(want[i]));
    }
    EXPECT_LE(max_err, 2e-6 * std::max(max_ref, 1e-3)) << "max |err| " << max_err << " of " << max_ref;
}

const Case kCases[] = {
    {{32, 8, 8}, 64, 64, 1, KvType::F16},    {{32, 8, 8}, 64, 64, 37, KvType::F16},
    {{32, 8, 8}, 64, 64, 1000, KvType::F16}, {{32, 4, 16}, 64, 64, 513, KvType::F16},
    {{32, 4, 16}, 64, 64, 16, KvType::F32},  {{6, 2, 3}, 16, 48, 33, KvType::F16},
    {{5, 1, 5}, 32, 80, 17, KvType::F32},    {{8, 8, 8}, 128, 128, 200, KvType::F16},
    {{16, 1, 16}, 48, 16, 65, KvType::F16},  {{4, 4, 2}, 24, 40, 9, KvType::F32},  // sizes not /16: fallback
};

INSTANTIATE_TEST_SUITE_P(Shapes, AttentionGroupTest,
                         ::testing::Combine(::testing::ValuesIn(kCases),
                                            ::testing::Values(AttentionPath::Scalar, AttentionPath::Avx2,
                                                              AttentionPath::Avx512)));

TEST(SoftmaxAvx512, MatchesDoubleSoftmaxIncludingUnderflowAndTails) {
    if (!attention_path_available(AttentionPath::Avx512)) GTEST_SKIP() << "this CPU has no AVX-512";
    ref::Rng rng(5);
    for (int n : {1, 15, 16, 17, 100, 4097}) {
        std::vector<float> s(static_cast<size_t>(n) + 1, 123.0f);  // one guard element after the row
        for (int p = 0; p < n; ++p) s[static_cast<size_t>(p)] = rng.uniform(-30.0f, 30.0f);
        if (n > 2) s[1] = -1e30f;  // underflows to exactly 0
        std::vector<double> want(static_cast<size_t>(n));
        double max = -INFINITY, sum = 0;
        for (int p = 0; p < n; ++p) max = std::max(max, static_cast<double>(s[static_cast<size_t>(p)]));
        for (int p = 0; p < n; ++p) sum += (want[static_cast<size_t>(p)] = std::exp(s[static_cast<size_t>(p)] - max));
        softmax_avx512(s.data(), n);
        for (int p = 0; p < n; ++p)
            EXPECT_NEAR(s[static_cast<size_t>(p)], want[static_cast<size_t>(p)] / sum,
                        1e-6 * want[static_cast<size_t>(p)] / sum + 1e-12)
                << "n " << n << " p " << p;
        EXPECT_EQ(s[static_cast<size_t>(n)], 123.0f) << "wrote past the row";
        if (n > 2) {
            EXPECT_EQ(s[1], 0.0f);
        }
    }
}

}  // namespace
}  // namespace sigma
