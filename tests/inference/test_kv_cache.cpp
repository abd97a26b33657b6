// The KV cache and what Context builds on it: separate K/V shapes, prefix reuse after truncate,
// thread-count independence, selective V, and sigma reducing to llama when n_k = n_v without AugQ.
// Not the per-op math: test_ops.cpp covers that.
#include <gtest/gtest.h>

#include <vector>

#include "inference/context.h"
#include "tests/reference/reference_forward.h"
#include "tests/reference/tiny_model.h"

namespace sigma {
namespace {

std::unique_ptr<Context> make_context(const ref::TinyModel& m, ContextParams p = {}) {
    auto ctx = Context::create(m.config, m.weights, p);
    EXPECT_TRUE(ctx.ok()) << (ctx.ok() ? "" : ctx.error().message);
    return ctx.ok() ? std::move(ctx.value()) : nullptr;
}

std::vector<float> last_logits(Context& ctx, const std::vector<int32_t>& tokens) {
    auto r = ctx.decode(tokens);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    if (!r.ok()) return {};
    return std::vector<float>(*r, *r + ctx.n_vocab());
}

TEST(KvCache, KeepsKAndVInSeparateBuffersOfTheirOwnShape) {
    // n_k = 1 head of 8, n_v = 4 heads of 8: K must be a quarter of V, not widened to V's heads.
    auto m = ref::make_tiny_model(ref::sigma_spec());
    ContextParams p;
    p.n_ctx = 32;
    auto ctx = make_context(*m, p);
    ASSERT_TRUE(ctx);
    const auto& c = m->config;
    EXPECT_EQ(ctx->kv_cache().k_bytes(), size_t(c.n_layer) * 32 * c.heads.n_k * c.d_k_cache * 2);
    EXPECT_EQ(ctx->kv_cache().v_bytes(), size_t(c.n_layer) * 32 * c.heads.n_v * c.d_v * 2);
    EXPECT_EQ(ctx->kv_cache().v_bytes(), 4 * ctx->kv_cache().k_bytes());
}

TEST(KvCache, HalfKCachesHalfWidthKeys) {
    ref::TinySpec s = ref::sigma_spec();
    s.half_k = true;
    auto m = ref::make_tiny_model(s);
    ContextParams p;
    p.n_ctx = 16;
    p.kv_type = KvType::F32;
    auto ctx = make_context(*m, p);
    ASSERT_TRUE(ctx);
    EXPECT_EQ(m->config.d_k_cache * 2, m->config.d_v);
    EXPECT_EQ(ctx->kv_cache().k_bytes(),
              size_t(m->config.n_layer) * 16 * m->config.heads.n_k * m->config.d_k_cache * 4);
}

TEST(KvCache, StoresAndLoadsRowsAtTheirPositions) {
    auto cache = KvCache::create(2, 4, 2, 3, 1, 2, KvType::F32);
    ASSERT_TRUE(cache.ok());
    const float k[6] = {1, 2, 3, 4, 5, 6};
    (*cache)->store_k(1, 2, k);
    float out[3];
    (*cache)->load_k(out, 1, 2, 1);
    EXPECT_EQ(out[0], 4);
    EXPECT_EQ(out[2], 6);
    const KvRows rows = (*cache)->k_rows(1, 0);
    EXPECT_EQ(static_cast<const float*>(rows.data)[2 * rows.row_stride + 1], 2);
}

TEST(KvCache, RejectsNonPositiveDimensions) {
    auto cache = KvCache::create(1, 0, 1, 1, 1, 1, KvType::F16);
    ASSERT_FALSE(cache.ok());
    EXPECT_EQ(cache.error().code, ErrorCode::InvalidArgument);
}

TEST(Context, PrefixReuseAfterTruncateGivesTheSameLogits) {
    for (const ref::TinySpec& spec : {ref::llama_spec(), ref::sigma_spec(), ref::qwen2_spec(TensorType::Q8_0)}) {
        auto m = ref::make_tiny_model(spec);
        const auto a = ref::random_tokens(9, m->config.n_vocab, 1);
        const auto b = ref::random_tokens(5, m->config.n_vocab, 2);
        const auto c = ref::random_tokens(6, m->config.n_vocab, 3);
        auto reused = make_context(*m);
        auto fresh = make_context(*m);
        ASSERT_TRUE(reused && fresh);
        std::vector<int32_t> ab = a, ac = a;
        ab.insert(ab.end(), b.begin(), b.end());
        ac.insert(ac.end(), c.begin(), c.end());
        last_logits(*reused, ab);
        EXPECT_EQ(reused->common_prefix(ac), 9);
        reused->truncate(reused->common_prefix(ac));
        EXPECT_EQ(reused->position(), 9);
        const auto got = last_logits(*reused, c);
        const auto want = last_logits(*fresh, ac);
        // Each token's arithmetic does not depend on how tokens are batched: identical bits.
        EXPECT_EQ(got, want) << spec.heads.n_q;
        EXPECT_EQ(reused->position(), 15);
    }
}

TEST(Context, TruncateClampsAndCommonPrefixStopsAtFirstDifference) {
    auto m = ref::make_tiny_model(ref::llama_spec());
    auto ctx = make_context(*m);
    ASSERT_TRUE(ctx);
    last_logits(*ctx, {1, 2, 3, 4});
    const std::vector<int32_t> other = {1, 2, 9, 4};
    EXPECT_EQ(ctx->common_prefix(other), 2);
    EXPECT_EQ(ctx->common_prefix(std::vector<int32_t>{1, 2, 3, 4, 5, 6}), 4);
    ctx->truncate(10);
    EXPECT_EQ(ctx->position(), 4);
    ctx->truncate(-3);
    EXPECT_EQ(ctx->position(), 0);
}

TEST(Context, ThreadCountDoesNotChangeLogits) {
    for (TensorType type : {TensorType::F32, TensorType::F16, TensorType::Q8_0}) {
        auto m = ref::make_tiny_model(ref::sigma_spec(type));
        const auto tokens = ref::random_tokens(13, m->config.n_vocab, 4);
        std::vector<std::vector<float>> results;
        for (int threads : {1, 2, 3}) {
            ContextParams p;
            p.n_threads = threads;
            p.n_batch = 5;
            auto ctx = make_context(*m, p);
            ASSERT_TRUE(ctx);
            EXPECT_EQ(ctx->n_threads(), threads);
            auto all = ctx->decode_all_logits(tokens);
            ASSERT_TRUE(all.ok());
            results.push_back(*all);
        }
        EXPECT_EQ(results[0], results[1]) << type_name(type);
        EXPECT_EQ(results[0], results[2]) << type_name(type);
    }
}

TEST(Context, SigmaWithEqualKvHeadsAndNoAugQIsLlama) {
    ref::TinySpec s = ref::sigma_spec();
    s.heads.n_k = 2;
    s.heads.n_v = 2;
    s.d_aug = 0;
    auto m = ref::make_tiny_model(s);
    ModelConfig as_llama = m->config;
    as_llama.arch = Arch::Llama;
    as_llama.arch_name = "llama";
    const auto tokens = ref::random_tokens(10, m->config.n_vocab, 5);
    auto sigma_ctx = Context::create(m->config, m->weights, {});
    auto llama_ctx = Context::create(as_llama, m->weights, {});
    ASSERT_TRUE(sigma_ctx.ok() && llama_ctx.ok());
    auto a = (*sigma_ctx)->decode_all_logits(tokens);
    auto b = (*llama_ctx)->decode_all_logits(tokens);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(*a, *b);
}

TEST(Context, SelectiveVMatchesTheReferenceSemantics) {
    auto m = ref::make_tiny_model(ref::sigma_spec());
    const auto tokens = ref::random_tokens(14, m->config.n_vocab, 6);
    ref::ReferenceOptions ro;
    ro.selective_top_k = 3;
    const auto expected = ref::reference_logits(m->config, m->weights, tokens, ro);
    const auto dense = ref::reference_logits(m->config, m->weights, tokens);
    ContextParams p;
    p.kv_type = KvType::F32;
    p.selective_v = true;
    p.selective_v_top_k = 3;
    auto ctx = make_context(*m, p);
    ASSERT_TRUE(ctx);
    const size_t V = static_cast<size_t>(m->config.n_vocab);
    double max_err = 0.0, max_gap = 0.0;
    for (size_t t = 0; t < tokens.size(); ++t) {
        // One token per call: selective V applies to decode steps only.
        auto r = ctx->decode(std::span<const int32_t>(&tokens[t], 1));
        ASSERT_TRUE(r.ok());
        max_err = std::max(max_err, ref::normalized_max_error(*r, expected.data() + t * V, V));
        max_gap = std::max(max_gap, ref::normalized_max_error(*r, dense.data() + t * V, V));
    }
    EXPECT_LT(max_err, 1e-5);
    EXPECT_GT(max_gap, 1e-3);  // keeping 3 of up to 14 positions really changes the result
}

TEST(Context, SelectiveVWithTopKAtLeastTheContextIsDense) {
    auto m = ref::make_tiny_model(ref::sigma_spec());
    const auto tokens = ref::random_tokens(10, m->config.n_vocab, 8);
    ContextParams dense_p, sel_p;
    sel_p.selective_v = true;
    sel_p.selective_v_top_k = 10;
    auto dense = make_context(*m, dense_p);
    auto sel = make_context(*m, sel_p);
    ASSERT_TRUE(dense && sel);
    for (size_t t = 0; t < tokens.size(); ++t) {
        const std::vector<int32_t> one = {tokens[t]};
        EXPECT_EQ(last_logits(*dense, one), last_logits(*sel, one)) << t;
    }
}

}  // namespace
}  // namespace sigma
