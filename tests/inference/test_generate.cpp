// generate(): greedy equals a hand-written argmax loop, stop conditions (n_predict, callback, end
// of generation, context full, cancel), prefix reuse between calls, and seeded determinism.
// Not text: token ids only; the CLI test covers tokenizer round trips.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <vector>

#include "inference/generate.h"
#include "tests/reference/tiny_model.h"

namespace sigma {
namespace {

struct Fixture {
    std::unique_ptr<ref::TinyModel> model = ref::make_tiny_model(ref::sigma_spec());
    std::vector<int32_t> prompt = ref::random_tokens(7, 67, 21);
    std::unique_ptr<Context> ctx(int n_ctx = 0) {
        ContextParams p;
        p.n_ctx = n_ctx;
        auto c = Context::create(model->config, model->weights, p);
        return c.ok() ? std::move(c.value()) : nullptr;
    }
};

GenerateParams greedy(int n) {
    GenerateParams g;
    g.n_predict = n;
    g.sampler.temperature = 0.0f;
    return g;
}

std::vector<int32_t> run(Context& ctx, const std::vector<int32_t>& prompt, const GenerateParams& g,
                         GenerateStats* stats = nullptr, std::function<bool(int32_t)> is_eog = nullptr) {
    std::vector<int32_t> out;
    auto r = generate(ctx, prompt, g, is_eog, [&](int32_t t) {
        out.push_back(t);
        return true;
    });
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    if (r.ok() && stats) *stats = *r;
    return out;
}

TEST(Generate, GreedyEqualsAnArgmaxLoop) {
    Fixture f;
    auto manual = f.ctx();
    ASSERT_TRUE(manual);
    std::vector<int32_t> expected;
    auto logits = manual->decode(f.prompt);
    ASSERT_TRUE(logits.ok());
    for (int i = 0; i < 10; ++i) {
        const float* l = *logits;
        const int32_t t = static_cast<int32_t>(std::max_element(l, l + manual->n_vocab()) - l);
        expected.push_back(t);
        logits = manual->decode(std::vector<int32_t>{t});
        ASSERT_TRUE(logits.ok());
    }
    auto ctx = f.ctx();
    GenerateStats stats;
    EXPECT_EQ(run(*ctx, f.prompt, greedy(10), &stats), expected);
    EXPECT_EQ(stats.prompt_tokens, 7);
    EXPECT_EQ(stats.generated_tokens, 10);
    EXPECT_FALSE(stats.stopped_by_eog || stats.stopped_by_callback || stats.stopped_by_context);
}

TEST(Generate, SecondCallReusesTheCachedPromptAndGivesTheSameTokens) {
    Fixture f;
    auto ctx = f.ctx();
    GenerateStats first, second;
    const auto a = run(*ctx, f.prompt, greedy(5), &first);
    const auto b = run(*ctx, f.prompt, greedy(5), &second);
    EXPECT_EQ(first.reused_tokens, 0);
    EXPECT_EQ(second.reused_tokens, 6);  // all but the last prompt token, which must give logits
    EXPECT_EQ(a, b);
    // A prompt that extends the first conversation reuses prompt + all but the last answer token.
    std::vector<int32_t> longer = f.prompt;
    longer.insert(longer.end(), a.begin(), a.end());
    longer.push_back(3);
    GenerateStats third;
    run(*ctx, longer, greedy(2), &third);
    EXPECT_EQ(third.reused_tokens, 7 + 4);
}

TEST(Generate, CallbackReturningFalseStops) {
    Fixture f;
    auto ctx = f.ctx();
    int calls = 0;
    auto r = generate(*ctx, f.prompt, greedy(20), nullptr, [&](int32_t) { return ++calls < 3; });
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(calls, 3);
    EXPECT_EQ(r->generated_tokens, 3);
    EXPECT_TRUE(r->stopped_by_callback);
}

TEST(Generate, EndOfGenerationTokenStopsWithoutBeingEmitted) {
    Fixture f;
    auto ctx = f.ctx();
    const auto free_run = run(*ctx, f.prompt, greedy(6));
    ASSERT_EQ(free_run.size(), 6u);
    const int32_t eog = free_run[3];
    auto ctx2 = f.ctx();
    GenerateStats stats;
    const auto stopped = run(*ctx2, f.prompt, greedy(6), &stats, [&](int32_t t) { return t == eog; });
    const auto first = std::find(free_run.begin(), free_run.end(), eog) - free_run.begin();
    EXPECT_EQ(stopped, std::vector<int32_t>(free_run.begin(), free_run.begin() + first));
    EXPECT_TRUE(stats.stopped_by_eog);
}

TEST(Generate, StopsWhenTheContextIsFull) {
    Fixture f;
    auto ctx = f.ctx(10);
    GenerateStats stats;
    const auto out = run(*ctx, f.prompt, greedy(50), &stats);
    EXPECT_TRUE(stats.stopped_by_context);
    EXPECT_EQ(out.size(), 4u);  // 7 prompt + 3 decoded generated tokens fill 10; the 4th is sampled from the last
    EXPECT_EQ(ctx->position(), 10);
}

TEST(Generate, CancelFlagGivesCancelled) {
    Fixture f;
    auto ctx = f.ctx();
    std::atomic<bool> cancel{false};
    int calls = 0;
    auto r = generate(
        *ctx, f.prompt, greedy(20), nullptr,
        [&](int32_t) {
            if (++calls == 2) cancel = true;
            return true;
        },
        &cancel);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::Cancelled);
    EXPECT_EQ(calls, 2);
}

TEST(Generate, BadPromptsAreErrors) {
    Fixture f;
    auto ctx = f.ctx(8);
    EXPECT_EQ(generate(*ctx, std::vector<int32_t>{}, greedy(3), nullptr, nullptr).error().code,
              ErrorCode::InvalidArgument);
    EXPECT_FALSE(generate(*ctx, ref::random_tokens(9, 67, 1), greedy(3), nullptr, nullptr).ok());
    EXPECT_FALSE(generate(*ctx, std::vector<int32_t>{1, 500}, greedy(3), nullptr, nullptr).ok());
}

TEST(Generate, SeededSamplingIsRepeatable) {
    Fixture f;
    GenerateParams g;
    g.n_predict = 12;
    g.sampler.temperature = 1.5f;
    g.sampler.top_k = 0;
    g.sampler.top_p = 1.0f;
    g.sampler.min_p = 0.0f;
    g.sampler.seed = 99;
    auto c1 = f.ctx();
    auto c2 = f.ctx();
    const auto a = run(*c1, f.prompt, g);
    const auto b = run(*c2, f.prompt, g);
    EXPECT_EQ(a, b);
    g.sampler.seed = 100;
    auto c3 = f.ctx();
    EXPECT_NE(run(*c3, f.prompt, g), a);
}

}  // namespace
}  // namespace sigma
