// Constrained decoding pieces: the token trie's mask equals its brute-force twin on random prefixes for
// several constraints and vocabularies (the shipped model's included), PredicateConstraint's UTF-8
// handling, and Sampler::sample_masked against sample() over logits with the other ids at -infinity.
// Not generation: test_constraint_generate.cpp runs constrained generate()/generate_n_best.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "inference/gguf.h"
#include "inference/sampler.h"
#include "inference/token_trie.h"
#include "inference/tokenizer.h"
#include "tests/inference/constraint_fixtures.h"
#include "tests/reference/tiny_model.h"

namespace sigma {
namespace {

using test::AnythingConstraint;
using test::DigitListConstraint;
using test::JsonNameConstraint;

// Pieces glued from fragments that matter to the test constraints, split UTF-8 characters, NUL and
// 0xFF, with empty pieces and duplicates mixed in. Ids 0..35 are the single letters and digits.
std::vector<std::string> random_pieces(int n, uint64_t seed) {
    const std::vector<std::string> fragments = {"{",
                                                "\"",
                                                "name",
                                                ":",
                                                "\":\"",
                                                "\"}",
                                                "}",
                                                ",",
                                                " ",
                                                "_",
                                                "-",
                                                "nvidia",
                                                "-smi",
                                                " -",
                                                "q",
                                                "L",
                                                "ls",
                                                "la",
                                                "/var",
                                                "/log",
                                                "df",
                                                "h",
                                                "=",
                                                ".",
                                                "\xC3",
                                                "\xA9",
                                                "\xC3\xA9",
                                                "\xE2",
                                                "\x82\xAC",
                                                "\xE2\x82\xAC",
                                                "\xF0\x9F",
                                                "\x98\x80",
                                                "\xF0\x9F\x98\x80",
                                                "\xFF",
                                                std::string(1, '\0'),
                                                "query-gpu",
                                                "--format=csv"};
    std::vector<std::string> pieces;
    for (char c = 'a'; c <= 'z'; ++c) pieces.emplace_back(1, c);
    for (char c = '0'; c <= '9'; ++c) pieces.emplace_back(1, c);
    ref::Rng rng(seed);
    while (static_cast<int>(pieces.size()) < n) {
        const int kind = rng.below(10);
        if (kind == 0) {
            pieces.emplace_back();
        } else if (kind == 1) {
            pieces.push_back(pieces[static_cast<size_t>(rng.below(static_cast<int>(pieces.size())))]);
        } else {
            std::string p;
            const int parts = 1 + rng.below(4);
            for (int k = 0; k < parts; ++k) {
                const int r = rng.below(static_cast<int>(fragments.size()) + 36);
                p += r < static_cast<int>(fragments.size())
                         ? fragments[static_cast<size_t>(r)]
                         : pieces[static_cast<size_t>(r - static_cast<int>(fragments.size()))];
            }
            pieces.push_back(p);
        }
    }
    return pieces;
}

// Walks random viable texts (a random allowed token at each step) and compares both masks at every
// step; returns how many masks were compared.
int compare_on_random_prefixes(const TokenTrie& trie, const Constraint& constraint, uint64_t seed, int walks,
                               int steps) {
    ref::Rng rng(seed);
    std::vector<uint8_t> fast(static_cast<size_t>(trie.n_vocab())), slow(fast.size());
    TokenTrie::CursorStack stack;
    int compared = 0;
    for (int w = 0; w < walks; ++w) {
        auto cursor = constraint.start();
        std::string text;
        for (int s = 0; s < steps; ++s) {
            auto a = trie.mask(*cursor, fast, stack);
            auto b = trie.mask_brute_force(*cursor, slow);
            EXPECT_TRUE(a.ok() && b.ok());
            if (!a.ok() || !b.ok()) return compared;
            EXPECT_EQ(*a, *b) << "after \"" << text << "\"";
            for (size_t id = 0; id < fast.size(); ++id) {
                if (fast[id] != slow[id]) {
                    ADD_FAILURE() << "token " << id << " \"" << trie.piece(static_cast<int32_t>(id)) << "\" after \""
                                  << text << "\": trie " << int(fast[id]) << ", brute force " << int(slow[id]);
                    return compared;
                }
            }
            ++compared;
            std::vector<int32_t> choices;
            for (size_t id = 0; id < slow.size(); ++id) {
                if (slow[id] && !trie.is_end_of_generation(static_cast<int32_t>(id)))
                    choices.push_back(static_cast<int32_t>(id));
            }
            if (choices.empty()) break;
            const int32_t pick = choices[static_cast<size_t>(rng.below(static_cast<int>(choices.size())))];
            EXPECT_TRUE(cursor->feed(trie.piece(pick)));
            text += trie.piece(pick);
        }
    }
    return compared;
}

TEST(TokenTrie, MaskEqualsBruteForceOnRandomPrefixes) {
    const std::vector<int32_t> eog = {40, 41};
    for (uint64_t seed : {1u, 2u, 3u}) {
        auto trie = TokenTrie::build(random_pieces(3000, seed), eog);
        ASSERT_TRUE(trie.ok()) << trie.error().message;
        EXPECT_LT(trie->n_node(), 3000 * 8);
        const JsonNameConstraint json;
        const DigitListConstraint digits;
        const AnythingConstraint anything;
        const auto shell = test::make_shell_constraint();
        const auto utf8 = test::make_utf8_constraint();
        EXPECT_GT(compare_on_random_prefixes(*trie, json, seed, 20, 14), 40);
        EXPECT_GT(compare_on_random_prefixes(*trie, digits, seed, 20, 14), 40);
        EXPECT_GT(compare_on_random_prefixes(*trie, anything, seed, 5, 8), 20);
        EXPECT_GT(compare_on_random_prefixes(*trie, *shell, seed, 20, 14), 40);
        EXPECT_GT(compare_on_random_prefixes(*trie, *utf8, seed, 20, 10), 40);
    }
}

TEST(TokenTrie, FreeBytesAllowWholeSubtreesExactlyAsFeedingDoes) {
    // Short pieces, so the quoted body has room for many steps on the free-bytes path.
    std::vector<std::string> pieces = random_pieces(4000, 4);
    for (auto& p : pieces) {
        if (p.size() > 6) p.resize(6);
    }
    auto trie = TokenTrie::build(pieces, std::vector<int32_t>{40});
    ASSERT_TRUE(trie.ok());
    const test::QuotedTextConstraint quoted;
    EXPECT_GT(compare_on_random_prefixes(*trie, quoted, 4, 30, 16), 200);
    // The free path really ran: inside the quotes, most of the vocabulary is allowed.
    auto cursor = quoted.start();
    ASSERT_TRUE(cursor->feed("\"ab"));
    ByteSet free{};
    ASSERT_TRUE(cursor->free_bytes(6, free));
    std::vector<uint8_t> mask(pieces.size());
    TokenTrie::CursorStack stack;
    EXPECT_GT(trie->mask(*cursor, mask, stack).value(), 3000);
}

TEST(TokenTrie, MaskEqualsBruteForceOnTheShippedModelsVocabulary) {
    auto file = GgufFile::open(std::string(SIGMA_SOURCE_DIR) + "/resources/models/sigma-ops.gguf");
    ASSERT_TRUE(file.ok()) << file.error().message;
    auto tokenizer = Tokenizer::from_gguf(**file);
    ASSERT_TRUE(tokenizer.ok()) << tokenizer.error().message;
    auto trie = TokenTrie::from_tokenizer(**tokenizer);
    ASSERT_TRUE(trie.ok()) << trie.error().message;
    EXPECT_EQ(trie->n_vocab(), (*tokenizer)->n_vocab());
    ASSERT_FALSE(trie->end_of_generation().empty());
    const JsonNameConstraint json;
    const auto shell = test::make_shell_constraint();
    const auto utf8 = test::make_utf8_constraint();
    EXPECT_GT(compare_on_random_prefixes(*trie, json, 7, 6, 10), 10);
    EXPECT_GT(compare_on_random_prefixes(*trie, *shell, 7, 6, 10), 10);
    EXPECT_GT(compare_on_random_prefixes(*trie, *utf8, 7, 6, 6), 10);
}

TEST(TokenTrie, EndOfGenerationOnlyAtCompleteTextsAndEmptyPiecesNever) {
    // 0: end of generation (with a piece of its own, which must not matter), 1: a control token.
    auto trie = TokenTrie::build({"</s>", "", "1", "2", ",", "12", "1,"}, std::vector<int32_t>{0});
    ASSERT_TRUE(trie.ok());
    const DigitListConstraint digits;
    std::vector<uint8_t> mask(7);
    TokenTrie::CursorStack stack;
    auto cursor = digits.start();
    ASSERT_EQ(trie->mask(*cursor, mask, stack).value(), 4);  // "1" "2" "12" "1,": not complete, no end
    EXPECT_EQ(mask, (std::vector<uint8_t>{0, 0, 1, 1, 0, 1, 1}));
    ASSERT_TRUE(cursor->feed("12"));  // complete; "1212" would be a group of four digits
    ASSERT_EQ(trie->mask(*cursor, mask, stack).value(), 5);
    EXPECT_EQ(mask, (std::vector<uint8_t>{1, 0, 1, 1, 1, 0, 1}));
    ASSERT_TRUE(cursor->feed("2,"));  // "122,": a comma ends no answer
    ASSERT_EQ(trie->mask(*cursor, mask, stack).value(), 4);
    EXPECT_EQ(mask[0], 0);
}

TEST(TokenTrie, RejectsBadInputWithErrors) {
    EXPECT_FALSE(TokenTrie::build({"a", "b"}, std::vector<int32_t>{2}).ok());
    EXPECT_FALSE(TokenTrie::build({"a", "b"}, std::vector<int32_t>{-1}).ok());
    auto trie = TokenTrie::build({"a", "b"}, {});
    ASSERT_TRUE(trie.ok());
    const AnythingConstraint anything;
    auto cursor = anything.start();
    std::vector<uint8_t> short_mask(1);
    TokenTrie::CursorStack stack;
    EXPECT_EQ(trie->mask(*cursor, short_mask, stack).error().code, ErrorCode::InvalidArgument);
    EXPECT_EQ(trie->mask_brute_force(*cursor, short_mask).error().code, ErrorCode::InvalidArgument);
    EXPECT_EQ(trie->piece(-1), "");
    EXPECT_EQ(trie->piece(2), "");
    // An empty vocabulary is a trie with nothing to allow.
    auto empty = TokenTrie::build({}, {});
    ASSERT_TRUE(empty.ok());
    std::vector<uint8_t> none;
    EXPECT_EQ(empty->mask(*cursor, none, stack).value(), 0);
}

TEST(TokenTrie, AStackLeftByAnotherKindOfCursorIsRebuilt) {
    auto trie = TokenTrie::build(random_pieces(500, 9), {});
    ASSERT_TRUE(trie.ok());
    std::vector<uint8_t> fast(500), slow(500);
    TokenTrie::CursorStack stack;
    const JsonNameConstraint json;
    const DigitListConstraint digits;
    ASSERT_TRUE(trie->mask(*json.start(), fast, stack).ok());
    ASSERT_TRUE(trie->mask(*digits.start(), fast, stack).ok());
    ASSERT_TRUE(trie->mask_brute_force(*digits.start(), slow).ok());
    EXPECT_EQ(fast, slow);
}

TEST(PredicateConstraint, HoldsBackUnfinishedCharactersAndRejectsInvalidUtf8) {
    const auto utf8 = test::make_utf8_constraint();
    auto c = utf8->start();
    EXPECT_TRUE(c->feed("\xE2"));  // the start of a euro sign
    EXPECT_FALSE(c->complete());
    EXPECT_TRUE(c->feed("\x82"));
    EXPECT_TRUE(c->feed("\xAC"));
    EXPECT_TRUE(c->complete());
    auto d = c->clone();
    EXPECT_FALSE(d->feed("\xE2\x28"));  // not a continuation byte
    auto e = c->clone();
    EXPECT_FALSE(e->feed("\xC0\x80"));  // an overlong NUL
    auto f = c->clone();
    EXPECT_FALSE(f->feed("\xED\xA0\x80"));  // a surrogate
    auto g = c->clone();
    EXPECT_FALSE(g->feed("\xE2\x82\xAD"));  // a whole character outside the alphabet
    f->copy_from(*c);
    EXPECT_TRUE(f->feed("\xF0\x9F\x98"));
    EXPECT_TRUE(f->feed("\x80"));
    EXPECT_TRUE(f->complete());
}

TEST(Sampler, MaskedDrawEqualsADrawOverLogitsWithTheOthersAtMinusInfinity) {
    const int n_vocab = 300;
    ref::Rng rng(5);
    for (int trial = 0; trial < 200; ++trial) {
        SamplerParams p;
        p.temperature = trial % 5 == 0 ? 0.0f : rng.uniform(0.3f, 1.5f);
        p.top_k = trial % 3 == 0 ? 0 : 1 + rng.below(60);
        p.top_p = trial % 4 == 0 ? 1.0f : rng.uniform(0.5f, 0.99f);
        p.min_p = trial % 2 == 0 ? 0.0f : rng.uniform(0.0f, 0.2f);
        p.repetition_penalty = trial % 7 == 0 ? 1.3f : 1.0f;
        p.seed = static_cast<uint64_t>(trial);
        std::vector<float> logits(n_vocab);
        for (float& l : logits) l = rng.uniform(-4.0f, 4.0f);
        std::vector<uint8_t> allowed(n_vocab);
        const int density = 1 + rng.below(4);  // 1 in density ids allowed
        for (auto& a : allowed) a = rng.below(density) == 0 ? 1 : 0;
        allowed[static_cast<size_t>(rng.below(n_vocab))] = 1;
        std::vector<float> hidden = logits;
        for (int i = 0; i < n_vocab; ++i) {
            if (!allowed[static_cast<size_t>(i)]) hidden[static_cast<size_t>(i)] = -INFINITY;
        }
        Sampler masked(n_vocab, p), plain(n_vocab, p);
        for (int32_t t : ref::random_tokens(20, n_vocab, static_cast<uint64_t>(trial))) {
            masked.accept(t);
            plain.accept(t);
        }
        for (int draw = 0; draw < 5; ++draw) {
            const int32_t a = masked.sample_masked(logits.data(), allowed);
            const int32_t b = plain.sample(hidden.data());
            ASSERT_EQ(a, b) << "trial " << trial << " draw " << draw;
            ASSERT_TRUE(allowed[static_cast<size_t>(a)]);
        }
    }
}

TEST(Sampler, MaskedDrawWithNothingAllowedIsMinusOne) {
    Sampler s(4, SamplerParams{});
    const float logits[4] = {1, 2, 3, 4};
    std::vector<uint8_t> none(4, 0), too_short(3, 1);
    EXPECT_EQ(s.sample_masked(logits, none), -1);
    EXPECT_EQ(s.sample_masked(logits, too_short), -1);
}

}  // namespace
}  // namespace sigma
