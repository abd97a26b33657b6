// Sampler: greedy, seeds, each filter (top-k, top-p, min-p), the repetition penalty and its window,
// and that draws follow the softmax.
// Not generation: test_generate.cpp drives the sampler through a model.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <vector>

#include "inference/sampler.h"

namespace sigma {
namespace {

SamplerParams plain(float temperature, uint64_t seed = 1) {
    SamplerParams p;
    p.temperature = temperature;
    p.top_k = 0;
    p.top_p = 1.0f;
    p.min_p = 0.0f;
    p.seed = seed;
    return p;
}

std::vector<int> histogram(Sampler& s, const std::vector<float>& logits, int draws) {
    std::vector<int> h(logits.size(), 0);
    for (int i = 0; i < draws; ++i) ++h[static_cast<size_t>(s.sample(logits.data()))];
    return h;
}

TEST(Sampler, GreedyTakesTheArgmaxAndTheLowerIdOnTies) {
    Sampler s(5, plain(0.0f));
    const std::vector<float> a = {0.1f, 2.0f, -1.0f, 1.9f, 0.0f};
    EXPECT_EQ(s.sample(a.data()), 1);
    const std::vector<float> tie = {0.0f, 3.0f, 1.0f, 3.0f, 0.0f};
    EXPECT_EQ(s.sample(tie.data()), 1);
}

TEST(Sampler, SameSeedSameTokensDifferentSeedDifferentTokens) {
    const std::vector<float> flat(50, 0.0f);
    Sampler a(50, plain(1.0f, 42)), b(50, plain(1.0f, 42)), c(50, plain(1.0f, 43));
    std::vector<int32_t> ta, tb, tc;
    for (int i = 0; i < 40; ++i) {
        ta.push_back(a.sample(flat.data()));
        tb.push_back(b.sample(flat.data()));
        tc.push_back(c.sample(flat.data()));
    }
    EXPECT_EQ(ta, tb);
    EXPECT_NE(ta, tc);
    a.reset();
    EXPECT_EQ(a.sample(flat.data()), ta[0]);
}

TEST(Sampler, DrawsFollowTheSoftmaxAtTheTemperature) {
    const std::vector<float> logits = {1.0f, 0.0f, 2.0f, -1.0f};
    const float temperature = 0.7f;
    Sampler s(4, plain(temperature, 7));
    const int draws = 40000;
    const auto h = histogram(s, logits, draws);
    double z = 0;
    for (float l : logits) z += std::exp(l / temperature);
    for (size_t i = 0; i < logits.size(); ++i) {
        const double p = std::exp(logits[i] / temperature) / z;
        EXPECT_NEAR(h[i] / double(draws), p, 0.01) << i;  // ~5 standard errors at this count
    }
}

TEST(Sampler, TopKKeepsOnlyTheKBest) {
    SamplerParams p = plain(5.0f);
    p.top_k = 2;
    Sampler s(5, p);
    const auto h = histogram(s, {0.0f, 1.0f, 0.5f, 0.9f, 0.2f}, 2000);
    EXPECT_GT(h[1], 0);
    EXPECT_GT(h[3], 0);
    EXPECT_EQ(h[0] + h[2] + h[4], 0);
}

TEST(Sampler, TopPKeepsTheShortestPrefixReachingP) {
    // probabilities 0.5, 0.3, 0.2 at temperature 1: top_p 0.7 keeps {0, 1}; 0.5 keeps {0}.
    const std::vector<float> logits = {std::log(0.5f), std::log(0.3f), std::log(0.2f)};
    SamplerParams p = plain(1.0f);
    p.top_p = 0.7f;
    Sampler s(3, p);
    auto h = histogram(s, logits, 4000);
    EXPECT_EQ(h[2], 0);
    EXPECT_NEAR(h[0] / 4000.0, 0.5 / 0.8, 0.03);
    p.top_p = 0.5f;
    Sampler s2(3, p);
    h = histogram(s2, logits, 500);
    EXPECT_EQ(h[0], 500);
}

TEST(Sampler, MinPDropsTokensBelowAFractionOfTheBest) {
    // probabilities 0.5, 0.3, 0.2: min_p 0.5 keeps p >= 0.25, so {0, 1}.
    const std::vector<float> logits = {std::log(0.5f), std::log(0.3f), std::log(0.2f)};
    SamplerParams p = plain(1.0f);
    p.min_p = 0.5f;
    Sampler s(3, p);
    const auto h = histogram(s, logits, 4000);
    EXPECT_EQ(h[2], 0);
    EXPECT_GT(h[1], 0);
}

TEST(Sampler, RepetitionPenaltyDividesPositiveAndMultipliesNegativeLogits) {
    SamplerParams p = plain(0.0f);
    p.repetition_penalty = 1.5f;
    {
        Sampler s(3, p);
        const std::vector<float> pos = {2.0f, 1.9f, 0.0f};
        EXPECT_EQ(s.sample(pos.data()), 0);
        s.accept(0);  // 2.0 / 1.5 = 1.33 < 1.9
        EXPECT_EQ(s.sample(pos.data()), 1);
    }
    {
        Sampler s(3, p);
        const std::vector<float> neg = {-1.0f, -1.1f, -5.0f};
        s.accept(0);  // -1.0 * 1.5 = -1.5 < -1.1
        s.accept(0);  // a repeated token is penalised once, not twice
        EXPECT_EQ(s.sample(neg.data()), 1);
        const std::vector<float> close = {-1.0f, -1.6f, -5.0f};
        EXPECT_EQ(s.sample(close.data()), 0);  // -1.5 > -1.6: penalised once only
    }
}

TEST(Sampler, RepetitionPenaltyOnlySeesTheLastNTokens) {
    SamplerParams p = plain(0.0f);
    p.repetition_penalty = 2.0f;
    p.repetition_last_n = 1;
    Sampler s(3, p);
    const std::vector<float> logits = {2.0f, 1.5f, 0.0f};
    s.accept(0);
    s.accept(2);  // pushes 0 out of the one-token window
    EXPECT_EQ(s.sample(logits.data()), 0);
}

TEST(Sampler, NanAndInfiniteLogitsDoNotBreakIt) {
    Sampler s(4, plain(1.0f));
    const std::vector<float> bad = {NAN, -INFINITY, 1.0f, NAN};
    for (int i = 0; i < 20; ++i) EXPECT_EQ(s.sample(bad.data()), 2);
    const std::vector<float> none = {-INFINITY, -INFINITY, -INFINITY, -INFINITY};
    const int32_t t = s.sample(none.data());
    EXPECT_GE(t, 0);
    EXPECT_LT(t, 4);
}

}  // namespace
}  // namespace sigma
