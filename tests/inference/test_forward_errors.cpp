// Every way a caller or a bad model can make Context fail: each gives an Error naming the problem,
// and a failed decode leaves the context as it was.
// Not file parsing errors: the GGUF reader and Model::load have their own tests.
#include <gtest/gtest.h>

#include <vector>

#include "inference/context.h"
#include "tests/reference/tiny_model.h"

namespace sigma {
namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

TEST(ContextErrors, ContextLongerThanTrainingNamesBothNumbers) {
    auto m = ref::make_tiny_model(ref::llama_spec());
    ContextParams p;
    p.n_ctx = 65;
    auto ctx = Context::create(m->config, m->weights, p);
    ASSERT_FALSE(ctx.ok());
    EXPECT_EQ(ctx.error().code, ErrorCode::InvalidArgument);
    EXPECT_TRUE(contains(ctx.error().message, "65")) << ctx.error().message;
    EXPECT_TRUE(contains(ctx.error().message, "64")) << ctx.error().message;
}

TEST(ContextErrors, ZeroContextMeansTheModels) {
    auto m = ref::make_tiny_model(ref::llama_spec());
    auto ctx = Context::create(m->config, m->weights, {});
    ASSERT_TRUE(ctx.ok());
    EXPECT_EQ((*ctx)->n_ctx(), 64);
}

TEST(ContextErrors, BadParametersAreRejected) {
    auto m = ref::make_tiny_model(ref::llama_spec());
    ContextParams p;
    p.n_batch = 0;
    EXPECT_FALSE(Context::create(m->config, m->weights, p).ok());
    p = {};
    p.n_ctx = -1;
    EXPECT_FALSE(Context::create(m->config, m->weights, p).ok());
    p = {};
    p.selective_v = true;
    p.selective_v_top_k = 0;
    EXPECT_FALSE(Context::create(m->config, m->weights, p).ok());
}

TEST(ContextErrors, TokenOutOfRangeIsAnErrorAndChangesNothing) {
    auto m = ref::make_tiny_model(ref::llama_spec());
    auto ctx = Context::create(m->config, m->weights, {});
    ASSERT_TRUE(ctx.ok());
    ASSERT_TRUE((*ctx)->decode(std::vector<int32_t>{1, 2}).ok());
    for (int32_t bad : {-1, 67, 1 << 30}) {
        auto r = (*ctx)->decode(std::vector<int32_t>{3, bad});
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, ErrorCode::InvalidArgument);
        EXPECT_TRUE(contains(r.error().message, std::to_string(bad))) << r.error().message;
        EXPECT_EQ((*ctx)->position(), 2);
    }
    EXPECT_FALSE((*ctx)->decode(std::vector<int32_t>{}).ok());
}

TEST(ContextErrors, ExceedingTheContextIsAnError) {
    auto m = ref::make_tiny_model(ref::llama_spec());
    ContextParams p;
    p.n_ctx = 8;
    auto ctx = Context::create(m->config, m->weights, p);
    ASSERT_TRUE(ctx.ok());
    ASSERT_TRUE((*ctx)->decode(ref::random_tokens(6, 67, 1)).ok());
    auto r = (*ctx)->decode(ref::random_tokens(3, 67, 2));
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(contains(r.error().message, "context length 8")) << r.error().message;
    EXPECT_EQ((*ctx)->position(), 6);
    EXPECT_TRUE((*ctx)->decode(ref::random_tokens(2, 67, 3)).ok());
    EXPECT_EQ((*ctx)->position(), 8);
    EXPECT_FALSE((*ctx)->decode(std::vector<int32_t>{1}).ok());
}

TEST(ContextErrors, MissingOrMisshapenWeightsAreNamed) {
    auto m = ref::make_tiny_model(ref::sigma_spec());
    {
        ModelWeights w = m->weights;
        w.layers[1].q_gate = nullptr;
        auto ctx = Context::create(m->config, w, {});
        ASSERT_FALSE(ctx.ok());
        EXPECT_TRUE(contains(ctx.error().message, "blk.1.attn_q_gate")) << ctx.error().message;
    }
    {
        ModelConfig c = m->config;
        c.heads.n_v = 2;  // V weights hold 4 heads
        auto ctx = Context::create(c, m->weights, {});
        ASSERT_FALSE(ctx.ok());
        EXPECT_TRUE(contains(ctx.error().message, "attn_v")) << ctx.error().message;
    }
    {
        ModelWeights w = m->weights;
        TensorView odd = *w.layers[0].ffn_up;
        odd.type = TensorType::Q4_1;
        w.layers[0].ffn_up = &odd;
        auto ctx = Context::create(m->config, w, {});
        ASSERT_FALSE(ctx.ok());
        EXPECT_EQ(ctx.error().code, ErrorCode::Unsupported);
        EXPECT_TRUE(contains(ctx.error().message, "q4_1")) << ctx.error().message;
    }
    {
        ModelWeights w = m->weights;
        w.layers.pop_back();
        EXPECT_FALSE(Context::create(m->config, w, {}).ok());
    }
}

}  // namespace
}  // namespace sigma
