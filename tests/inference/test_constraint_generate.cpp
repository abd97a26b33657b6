// Constrained generation on random-weight tiny models: 1,000 generations under JSON, digit-list and
// shell constraints with greedy and sampled decoding all give viable texts that end (by an end token
// or by the constraint) only when complete; N-best candidates honour the constraint and carry their
// summed log-probabilities; a constraint that allows no token gives ConstraintDeadEnd; a run that
// never becomes complete stops at its incomplete limit, and one the mask keeps overriding at its
// override limit (counted as a replay of the model's own choices says).
// Not the mask itself (test_constraint.cpp compares the trie with its brute-force twin).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "inference/generate.h"
#include "tests/inference/constraint_fixtures.h"
#include "tests/reference/tiny_model.h"

namespace sigma {
namespace {

constexpr int32_t kEnd = 0;      // end of generation (empty piece)
constexpr int32_t kControl = 1;  // a control token: an empty piece that ends nothing

// The tiny models' vocabulary: every byte the test constraints need as a token of its own, plus
// longer pieces so answers come in several shapes.
std::vector<std::string> model_pieces() {
    std::vector<std::string> p = {"",  "",  "{", "{\"", "\"", "name", "\":\"", ":", "\"}",
                                  "}", "_", "-", ",",   " ",  "/",    "=",     "."};
    for (char c = 'a'; c <= 'z'; ++c) p.emplace_back(1, c);
    for (char c = '0'; c <= '9'; ++c) p.emplace_back(1, c);
    for (const char* s :
         {"nvidia-smi", " -q",    " -L",   "ls",        " -la",        " /var/log", "df",           " -h", " /var",
          "smi",        "nvidia", " --",   "query-gpu", "name,memory", ".used",     "--format=csv", "12",  "345",
          "ab",         "xyz",    "\"}\"", "~"}) {
        p.emplace_back(s);
    }
    return p;
}

struct Model {
    std::unique_ptr<ref::TinyModel> tiny;
    std::unique_ptr<Context> ctx;
};

Model make_model(int n_vocab, uint64_t seed) {
    ref::TinySpec spec = ref::llama_spec();
    spec.n_vocab = n_vocab;
    spec.n_ctx_train = 96;
    spec.seed = seed;
    Model m;
    m.tiny = ref::make_tiny_model(spec);
    ContextParams cp;
    cp.n_threads = 1;  // a tiny model: threads would only add hand-offs
    auto ctx = Context::create(m.tiny->config, m.tiny->weights, cp);
    if (ctx.ok()) m.ctx = std::move(ctx.value());
    return m;
}

std::string text_of(const TokenTrie& trie, const std::vector<int32_t>& tokens) {
    std::string text;
    for (int32_t t : tokens) text += trie.piece(t);
    return text;
}

bool viable(const Constraint& c, const std::string& text) { return c.start()->feed(text); }
bool complete(const Constraint& c, const std::string& text) {
    auto cursor = c.start();
    return cursor->feed(text) && cursor->complete();
}

const std::function<bool(int32_t)> is_end = [](int32_t t) { return t == kEnd; };

class ConstrainedGenerate : public ::testing::Test {
protected:
    void SetUp() override {
        auto trie = TokenTrie::build(model_pieces(), std::vector<int32_t>{kEnd});
        ASSERT_TRUE(trie.ok()) << trie.error().message;
        trie_ = std::make_unique<TokenTrie>(std::move(trie.value()));
        for (uint64_t seed : {11u, 12u, 13u}) {
            models_.push_back(make_model(trie_->n_vocab(), seed));
            ASSERT_TRUE(models_.back().ctx);
        }
    }
    GenerateParams params(const Constraint& c, int setting, uint64_t seed, int n_predict) const {
        GenerateParams g;
        g.n_predict = n_predict;
        g.constraint = &c;
        g.token_trie = trie_.get();
        g.sampler.seed = seed;
        if (setting == 0) {
            g.sampler.temperature = 0.0f;  // greedy
        } else if (setting == 1) {
            g.sampler.temperature = 1.5f;  // wide sampling: every allowed token has a chance
            g.sampler.top_k = 0;
            g.sampler.top_p = 1.0f;
            g.sampler.min_p = 0.0f;
        } else {
            g.sampler.temperature = 0.8f;  // the defaults with a repetition penalty
            g.sampler.repetition_penalty = 1.2f;
        }
        return g;
    }
    std::unique_ptr<TokenTrie> trie_;
    std::vector<Model> models_;
};

TEST_F(ConstrainedGenerate, AThousandGenerationsAllHonourTheirConstraint) {
    const test::JsonNameConstraint json;
    const test::DigitListConstraint digits;
    const auto shell = test::make_shell_constraint();
    const std::vector<const Constraint*> constraints = {&json, &digits, shell.get()};
    ref::Rng rng(2024);
    int ended_complete = 0, ended_by_length = 0, ended_by_constraint = 0;
    for (int run = 0; run < 1000; ++run) {
        const Constraint& c = *constraints[static_cast<size_t>(run % 3)];
        Model& m = models_[static_cast<size_t>((run / 3) % 3)];
        const int setting = (run / 9) % 3;
        const auto prompt = ref::random_tokens(1 + rng.below(6), trie_->n_vocab(), static_cast<uint64_t>(run));
        const GenerateParams g = params(c, setting, static_cast<uint64_t>(run), 1 + rng.below(40));
        std::vector<int32_t> out;
        auto stats = generate(*m.ctx, prompt, g, is_end, [&](int32_t t) {
            out.push_back(t);
            return true;
        });
        ASSERT_TRUE(stats.ok()) << "run " << run << ": " << stats.error().message;
        const std::string text = text_of(*trie_, out);
        for (int32_t t : out) ASSERT_TRUE(t != kEnd && t != kControl) << "run " << run;
        ASSERT_TRUE(viable(c, text)) << "run " << run << ": \"" << text << "\"";
        EXPECT_EQ(stats->constraint_complete, complete(c, text)) << "run " << run;
        const bool ended = stats->stopped_by_eog || stats->stopped_by_constraint;
        if (ended) {
            ASSERT_TRUE(complete(c, text)) << "run " << run << " ended at \"" << text << "\"";
        }
        EXPECT_EQ(stats->masked_tokens, stats->generated_tokens + (ended ? 1 : 0)) << "run " << run;
        EXPECT_GE(stats->mask_ms, 0.0);
        ended_complete += stats->stopped_by_eog ? 1 : 0;
        ended_by_constraint += stats->stopped_by_constraint ? 1 : 0;
        ended_by_length += ended ? 0 : 1;
    }
    // Both kinds of end happen, so the checks above saw both.
    EXPECT_GT(ended_complete, 50);
    EXPECT_GT(ended_by_length, 50);
    EXPECT_GE(ended_by_constraint, 0);
}

TEST_F(ConstrainedGenerate, EndTokensKeptInTheStreamAppearOnlyAtCompleteTexts) {
    const test::DigitListConstraint digits;
    int ends_seen = 0;
    for (int run = 0; run < 60; ++run) {
        GenerateParams g = params(digits, 1, static_cast<uint64_t>(run), 30);
        g.stop_on_eog = false;
        std::vector<int32_t> out;
        auto stats = generate(*models_[static_cast<size_t>(run % 3)].ctx, ref::random_tokens(3, trie_->n_vocab(), 99),
                              g, is_end, [&](int32_t t) {
                                  out.push_back(t);
                                  return true;
                              });
        ASSERT_TRUE(stats.ok()) << stats.error().message;
        std::string text;
        for (int32_t t : out) {
            if (t == kEnd) {
                ++ends_seen;
                ASSERT_TRUE(complete(digits, text)) << "an end token after \"" << text << "\"";
            } else {
                text += trie_->piece(t);
                ASSERT_TRUE(viable(digits, text));
            }
        }
    }
    EXPECT_GT(ends_seen, 0);
}

TEST_F(ConstrainedGenerate, TheConstraintEndsAnAnswerThatCannotGrowWithoutAnEndToken) {
    auto no_end = TokenTrie::build(model_pieces(), {});  // a vocabulary without an end token
    ASSERT_TRUE(no_end.ok());
    const PredicateConstraint df([](std::string_view t) { return std::string_view("df -h").substr(0, t.size()) == t; },
                                 [](std::string_view t) { return t == "df -h"; });
    for (int setting = 0; setting < 3; ++setting) {
        GenerateParams g = params(df, setting, 3, 40);
        g.token_trie = &no_end.value();
        std::vector<int32_t> out;
        auto stats = generate(*models_[0].ctx, std::vector<int32_t>{5, 6, 7}, g, nullptr, [&](int32_t t) {
            out.push_back(t);
            return true;
        });
        ASSERT_TRUE(stats.ok()) << stats.error().message;
        EXPECT_EQ(text_of(*no_end, out), "df -h");
        EXPECT_TRUE(stats->stopped_by_constraint);
        EXPECT_TRUE(stats->constraint_complete);
    }
}

TEST_F(ConstrainedGenerate, NoAllowedTokenIsADeadEndError) {
    // "ab\x01" needs a byte no token has.
    const PredicateConstraint needs_missing_byte(
        [](std::string_view t) { return std::string_view("ab\x01").substr(0, t.size()) == t; },
        [](std::string_view t) { return t == "ab\x01"; });
    for (int setting = 0; setting < 3; ++setting) {
        std::vector<int32_t> out;
        auto stats = generate(*models_[1].ctx, std::vector<int32_t>{3, 4}, params(needs_missing_byte, setting, 1, 20),
                              is_end, [&](int32_t t) {
                                  out.push_back(t);
                                  return true;
                              });
        ASSERT_FALSE(stats.ok());
        EXPECT_EQ(stats.error().code, ErrorCode::ConstraintDeadEnd);
        EXPECT_NE(stats.error().message.find("\"ab\""), std::string::npos) << stats.error().message;
        EXPECT_EQ(text_of(*trie_, out), "ab");  // delivered before the dead end
    }
    const PredicateConstraint nothing([](std::string_view t) { return t.empty(); },
                                      [](std::string_view) { return false; });
    auto stats = generate(*models_[1].ctx, std::vector<int32_t>{3, 4}, params(nothing, 1, 1, 20), is_end, nullptr);
    ASSERT_FALSE(stats.ok());
    EXPECT_EQ(stats.error().code, ErrorCode::ConstraintDeadEnd);
    GenerateParams g = params(nothing, 1, 1, 20);
    g.n_best = 3;
    auto best = generate_n_best(*models_[1].ctx, std::vector<int32_t>{3, 4}, g, is_end);
    ASSERT_FALSE(best.ok());
    EXPECT_EQ(best.error().code, ErrorCode::ConstraintDeadEnd);
}

TEST_F(ConstrainedGenerate, BadOptionsAreErrors) {
    const test::DigitListConstraint digits;
    const std::vector<int32_t> prompt = {3, 4};
    GenerateParams g = params(digits, 1, 1, 5);
    g.token_trie = nullptr;
    EXPECT_EQ(generate(*models_[0].ctx, prompt, g, is_end, nullptr).error().code, ErrorCode::InvalidArgument);
    auto small = TokenTrie::build({"1", "2"}, {});
    ASSERT_TRUE(small.ok());
    g.token_trie = &small.value();
    EXPECT_EQ(generate(*models_[0].ctx, prompt, g, is_end, nullptr).error().code, ErrorCode::InvalidArgument);
    g = params(digits, 1, 1, 5);
    g.n_best = 2;
    EXPECT_EQ(generate(*models_[0].ctx, prompt, g, is_end, nullptr).error().code, ErrorCode::InvalidArgument);
    g.n_best = 0;
    EXPECT_EQ(generate_n_best(*models_[0].ctx, prompt, g, is_end).error().code, ErrorCode::InvalidArgument);
}

// log softmax of the model's own logits, summed over the answer (and its end token), by replaying
// prompt + answer through a fresh context.
double replayed_logprob(const ref::TinyModel& tiny, const std::vector<int32_t>& prompt,
                        const std::vector<int32_t>& answer, bool ended_by_end_token) {
    auto ctx = Context::create(tiny.config, tiny.weights, ContextParams{});
    std::vector<int32_t> all = prompt;
    all.insert(all.end(), answer.begin(), answer.end());
    auto logits = ctx.value()->decode_all_logits(all);
    const size_t n_vocab = static_cast<size_t>(tiny.config.n_vocab);
    double sum = 0.0;
    std::vector<int32_t> targets = answer;
    if (ended_by_end_token) targets.push_back(kEnd);
    for (size_t i = 0; i < targets.size(); ++i) {
        const float* row = logits.value().data() + (prompt.size() - 1 + i) * n_vocab;
        double max = row[0], z = 0.0;
        for (size_t j = 0; j < n_vocab; ++j) max = std::max(max, static_cast<double>(row[j]));
        for (size_t j = 0; j < n_vocab; ++j) z += std::exp(row[j] - max);
        sum += row[static_cast<size_t>(targets[i])] - max - std::log(z);
    }
    return sum;
}

TEST_F(ConstrainedGenerate, NBestCandidatesHonourTheConstraintAndCarryTheirLogProbabilities) {
    const test::JsonNameConstraint json;
    const auto shell = test::make_shell_constraint();
    const std::vector<int32_t> prompt = {7, 8, 9, 10};
    const std::vector<const Constraint*> constraints = {&json, shell.get()};
    for (const Constraint* c : constraints) {
        for (int setting = 1; setting < 3; ++setting) {
            GenerateParams g = params(*c, setting, 40, 32);
            g.n_best = 6;
            Model& m = models_[static_cast<size_t>(setting)];
            auto best = generate_n_best(*m.ctx, prompt, g, is_end);
            ASSERT_TRUE(best.ok()) << best.error().message;
            EXPECT_EQ(best->attempts, 6);
            EXPECT_EQ(static_cast<int>(best->candidates.size()) + best->duplicates + best->dead_ends, 6);
            ASSERT_FALSE(best->candidates.empty());
            EXPECT_GT(best->masked_tokens, 0);
            for (size_t i = 0; i < best->candidates.size(); ++i) {
                const GeneratedCandidate& cand = best->candidates[i];
                const std::string text = text_of(*trie_, cand.tokens);
                EXPECT_TRUE(viable(*c, text)) << text;
                if (cand.stats.stopped_by_eog) {
                    EXPECT_TRUE(complete(*c, text)) << text;
                }
                if (i > 0) {
                    EXPECT_GE(best->candidates[i - 1].logprob, cand.logprob);
                }
                for (size_t j = 0; j < i; ++j) EXPECT_NE(best->candidates[j].tokens, cand.tokens);
                EXPECT_LT(cand.logprob, 0.0);
                EXPECT_NEAR(cand.logprob, replayed_logprob(*m.tiny, prompt, cand.tokens, cand.stats.stopped_by_eog),
                            1e-3 * (1.0 + std::fabs(cand.logprob)));
                // Each candidate is what generate() answers with its seed.
                GenerateParams one = g;
                one.n_best = 1;
                one.sampler.seed = cand.seed;
                std::vector<int32_t> out;
                ASSERT_TRUE(generate(*m.ctx, prompt, one, is_end, [&](int32_t t) {
                                out.push_back(t);
                                return true;
                            }).ok());
                EXPECT_EQ(out, cand.tokens);
            }
        }
    }
}

// Lower-case letters, never a complete text: a model it holds runs until something else stops it.
PredicateConstraint never_complete() {
    return PredicateConstraint(
        [](std::string_view t) { return std::all_of(t.begin(), t.end(), [](char c) { return c >= 'a' && c <= 'z'; }); },
        [](std::string_view) { return false; });
}

TEST_F(ConstrainedGenerate, TheIncompleteLimitStopsAnAnswerThatNeverBecameComplete) {
    const PredicateConstraint letters = never_complete();
    for (int setting = 0; setting < 3; ++setting) {
        GenerateParams g = params(letters, setting, 5, 30);
        auto unlimited = generate(*models_[0].ctx, std::vector<int32_t>{3, 4}, g, is_end, nullptr);
        ASSERT_TRUE(unlimited.ok()) << unlimited.error().message;
        EXPECT_EQ(unlimited->generated_tokens, 30);
        EXPECT_FALSE(unlimited->stopped_by_incomplete_limit);
        g.incomplete_limit = 7;
        std::vector<int32_t> out;
        auto limited = generate(*models_[0].ctx, std::vector<int32_t>{3, 4}, g, is_end, [&](int32_t t) {
            out.push_back(t);
            return true;
        });
        ASSERT_TRUE(limited.ok()) << limited.error().message;
        EXPECT_EQ(limited->generated_tokens, 7);
        EXPECT_EQ(out.size(), 7u);
        EXPECT_TRUE(limited->stopped_by_incomplete_limit);
        EXPECT_FALSE(limited->constraint_complete);
        EXPECT_TRUE(viable(letters, text_of(*trie_, out)));
    }
}

TEST_F(ConstrainedGenerate, TheIncompleteLimitSparesAnAnswerThatWasCompleteOnce) {
    // A digit list is complete after its first digit; a comma makes it incomplete again, which the
    // limit no longer judges: it is about reaching a complete text at all.
    const test::DigitListConstraint digits;
    int past_the_limit = 0;
    for (int run = 0; run < 30; ++run) {
        GenerateParams g = params(digits, 1, static_cast<uint64_t>(run), 12);
        g.incomplete_limit = 1;
        auto stats =
            generate(*models_[static_cast<size_t>(run % 3)].ctx, std::vector<int32_t>{3, 4, 5}, g, is_end, nullptr);
        ASSERT_TRUE(stats.ok()) << stats.error().message;
        EXPECT_FALSE(stats->stopped_by_incomplete_limit) << "run " << run;
        past_the_limit += stats->generated_tokens > 1 ? 1 : 0;
    }
    EXPECT_GT(past_the_limit, 0);
}

TEST_F(ConstrainedGenerate, TheOverrideLimitStopsAModelFightingItsConstraint) {
    const PredicateConstraint letters = never_complete();
    const std::vector<int32_t> prompt = {4, 5, 6};
    int stopped = 0;
    for (size_t m = 0; m < models_.size(); ++m) {
        for (int setting = 0; setting < 3; ++setting) {
            GenerateParams g = params(letters, setting, 21, 40);
            g.override_limit = 3;
            std::vector<int32_t> out;
            auto stats = generate(*models_[m].ctx, prompt, g, is_end, [&](int32_t t) {
                out.push_back(t);
                return true;
            });
            ASSERT_TRUE(stats.ok()) << stats.error().message;
            // Replayed: at how many steps was the model's most likely token one the mask refuses (not a
            // non-empty run of letters)?
            auto replay = Context::create(models_[m].tiny->config, models_[m].tiny->weights, ContextParams{});
            std::vector<int32_t> all = prompt;
            all.insert(all.end(), out.begin(), out.end());
            auto logits = replay.value()->decode_all_logits(all);
            ASSERT_TRUE(logits.ok());
            const size_t n_vocab = static_cast<size_t>(trie_->n_vocab());
            int refused = 0;
            for (size_t i = 0; i < out.size(); ++i) {
                const float* row = logits.value().data() + (prompt.size() - 1 + i) * n_vocab;
                const auto best = static_cast<int32_t>(std::max_element(row, row + n_vocab) - row);
                const std::string& piece = trie_->piece(best);
                const bool allowed =
                    best != kEnd && !piece.empty() &&
                    std::all_of(piece.begin(), piece.end(), [](char c) { return c >= 'a' && c <= 'z'; });
                refused += allowed ? 0 : 1;
            }
            EXPECT_EQ(stats->overridden_tokens, refused) << "model " << m << ", setting " << setting;
            if (stats->stopped_by_override_limit) {
                ++stopped;
                EXPECT_EQ(stats->overridden_tokens, 3);
                EXPECT_LE(stats->generated_tokens, 40);
            } else {
                EXPECT_LT(stats->overridden_tokens, 3);
                EXPECT_EQ(stats->generated_tokens, 40);
            }
        }
    }
    EXPECT_GT(stopped, 0);
}

TEST_F(ConstrainedGenerate, GreedyNBestGivesOneCandidate) {
    const test::DigitListConstraint digits;
    GenerateParams g = params(digits, 0, 1, 12);
    g.n_best = 4;
    auto best = generate_n_best(*models_[0].ctx, std::vector<int32_t>{3, 4, 5}, g, is_end);
    ASSERT_TRUE(best.ok()) << best.error().message;
    EXPECT_EQ(best->candidates.size(), 1u);
    EXPECT_EQ(best->duplicates, 3);
}

}  // namespace
}  // namespace sigma
