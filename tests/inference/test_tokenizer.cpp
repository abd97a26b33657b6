// Tokenizer unit tests: merge order on toy vocabularies, special tokens, pieces, decoding, bad
// vocabularies and hostile input (malformed UTF-8, 1 MB texts, ids out of range), streaming.
// Not the golden-id tests of the real vocabularies: see test_tokenizer_vocab.cpp.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <random>
#include <thread>

#include "inference/gguf.h"
#include "inference/stream_decoder.h"
#include "inference/tokenizer.h"
#include "inference/unicode.h"

namespace fs = std::filesystem;
using sigma::ErrorCode;
using sigma::StreamDecoder;
using sigma::Tokenizer;
using sigma::TokenType;
using sigma::VocabSpec;

namespace {

std::unique_ptr<Tokenizer> shared_vocab(const std::string& name) {
    const fs::path path = fs::path(SIGMA_SHARED_DIR) / "vocab" / ("ggml-vocab-" + name + ".gguf");
    if (!fs::exists(path)) return nullptr;
    auto file = sigma::GgufFile::open(path.string());
    if (!file.ok()) return nullptr;
    auto tok = Tokenizer::from_gguf(**file);
    if (!tok.ok()) return nullptr;
    return std::move(tok.value());
}

#define REQUIRE_VOCAB(var, name)                                                                                 \
    auto var = shared_vocab(name);                                                                               \
    if (!var)                                                                                                    \
        GTEST_SKIP() << "no ggml-vocab-" << name << ".gguf under " << SIGMA_SHARED_DIR                           \
                     << "/vocab (llama.cpp's test vocabularies, an outside oracle: set -DSIGMA_SHARED_DIR to a " \
                        "folder holding vocab/)";

// A SentencePiece vocabulary: <unk> <s> </s>, the 256 byte tokens, then `words` with their scores.
VocabSpec toy_spm(const std::vector<std::pair<std::string, float>>& words) {
    VocabSpec spec;
    spec.model = "llama";
    spec.tokens = {"<unk>", "<s>", "</s>"};
    spec.types = {TokenType::Unknown, TokenType::Control, TokenType::Control};
    spec.scores = {0, 0, 0};
    for (int b = 0; b < 256; ++b) {
        char name[8];
        std::snprintf(name, sizeof name, "<0x%02X>", b);
        spec.tokens.push_back(name);
        spec.types.push_back(TokenType::Byte);
        spec.scores.push_back(0);
    }
    for (const auto& [text, score] : words) {
        spec.tokens.push_back(text);
        spec.types.push_back(TokenType::Normal);
        spec.scores.push_back(score);
    }
    return spec;
}

std::unique_ptr<Tokenizer> build(VocabSpec spec) {
    auto tok = Tokenizer::from_vocab(std::move(spec));
    EXPECT_TRUE(tok.ok()) << (tok.ok() ? "" : tok.error().message);
    return tok.ok() ? std::move(tok.value()) : nullptr;
}

std::vector<std::string> pieces(const Tokenizer& tok, const std::vector<int32_t>& ids) {
    std::vector<std::string> out;
    for (int32_t id : ids) out.push_back(tok.token_text(id));
    return out;
}

// Minimal GGUF v3 bytes with string and string-array metadata only.
struct GgufBytes {
    std::vector<uint8_t> bytes;
    uint64_t count = 0;
    void u32(uint32_t v) {
        for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<uint8_t>(v >> (8 * i)));
    }
    void u64(uint64_t v) {
        for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<uint8_t>(v >> (8 * i)));
    }
    void str(const std::string& s) {
        u64(s.size());
        bytes.insert(bytes.end(), s.begin(), s.end());
    }
    void kv_string(const std::string& k, const std::string& v) {
        str(k);
        u32(8);
        str(v);
        ++count;
    }
    void kv_ints(const std::string& k, const std::vector<int32_t>& v) {
        str(k);
        u32(9);
        u32(5);
        u64(v.size());
        for (int32_t x : v) u32(static_cast<uint32_t>(x));
        ++count;
    }
    std::vector<uint8_t> finish() const {
        GgufBytes out;
        out.bytes = {'G', 'G', 'U', 'F'};
        out.u32(3);
        out.u64(0);
        out.u64(count);
        out.bytes.insert(out.bytes.end(), bytes.begin(), bytes.end());
        while (out.bytes.size() % 32) out.bytes.push_back(0);
        return out.bytes;
    }
};

}  // namespace

TEST(TokenizerSpm, MergesTheHighestScoringPairFirst) {
    // "abc": "ab" and "bc" are both tokens; "bc" scores higher, so "a" stays alone.
    auto tok = build(toy_spm({{"\xE2\x96\x81", -1}, {"a", -2}, {"b", -2}, {"c", -2}, {"ab", -5}, {"bc", -3}}));
    ASSERT_NE(tok, nullptr);
    EXPECT_EQ(pieces(*tok, tok->encode("abc", false, false)), (std::vector<std::string>{"\xE2\x96\x81", "a", "bc"}));
    // With "ab" scoring higher the split flips.
    auto tok2 = build(toy_spm({{"\xE2\x96\x81", -1}, {"a", -2}, {"b", -2}, {"c", -2}, {"ab", -1}, {"bc", -3}}));
    ASSERT_NE(tok2, nullptr);
    EXPECT_EQ(pieces(*tok2, tok2->encode("abc", false, false)), (std::vector<std::string>{"\xE2\x96\x81", "ab", "c"}));
}

TEST(TokenizerSpm, UnknownCharactersFallBackToBytes) {
    auto tok = build(toy_spm({{"\xE2\x96\x81", -1}, {"a", -2}}));
    ASSERT_NE(tok, nullptr);
    const auto ids = tok->encode("a\xC3\xA9", false, false);  // "aé", é not in the vocabulary
    EXPECT_EQ(pieces(*tok, ids), (std::vector<std::string>{"\xE2\x96\x81", "a", "<0xC3>", "<0xA9>"}));
    EXPECT_EQ(tok->decode(ids), "a\xC3\xA9");
}

TEST(TokenizerSpm, AddsBosAndSpacePrefixAsTheVocabularySays) {
    REQUIRE_VOCAB(tok, "llama-spm");
    EXPECT_EQ(tok->model_name(), "llama");
    EXPECT_EQ(tok->bos(), 1);
    EXPECT_EQ(tok->eos(), 2);
    EXPECT_TRUE(tok->add_bos());
    EXPECT_EQ(tok->n_vocab(), 32000);
    EXPECT_EQ(tok->encode("Hello world", true, false), (std::vector<int32_t>{1, 15043, 3186}));
    EXPECT_EQ(tok->encode("Hello world", false, false), (std::vector<int32_t>{15043, 3186}));
    EXPECT_TRUE(tok->encode("", false, false).empty());
    EXPECT_EQ(tok->encode("", true, false), (std::vector<int32_t>{1}));
    EXPECT_TRUE(tok->is_eog(2));
    EXPECT_FALSE(tok->is_eog(15043));
}

TEST(TokenizerSpm, SpecialTokensAreParsedOnlyWhenAsked) {
    REQUIRE_VOCAB(tok, "llama-spm");
    // "<s>" is a control token: literal text unless parse_special.
    const auto literal = tok->encode("<s>Hi", false, false);
    EXPECT_EQ(std::count(literal.begin(), literal.end(), 1), 0);
    const auto parsed = tok->encode("<s>Hi", false, true);
    ASSERT_FALSE(parsed.empty());
    EXPECT_EQ(parsed[0], 1);
    // After a special token the text gets the space prefix again: "Hi" -> "▁Hi".
    EXPECT_EQ(pieces(*tok, {parsed.begin() + 1, parsed.end()}), (std::vector<std::string>{"\xE2\x96\x81Hi"}));
}

TEST(TokenizerSpm, UserDefinedTokensAreAlwaysWholeAndPhi3StripsAfterThem) {
    REQUIRE_VOCAB(tok, "phi-3");
    // "</s>" is user-defined in Phi-3: matched even without parse_special; the space after it goes.
    const auto ids = tok->encode("a</s> b", false, false);
    EXPECT_EQ(pieces(*tok, ids), (std::vector<std::string>{"\xE2\x96\x81"
                                                           "a",
                                                           "</s>",
                                                           "\xE2\x96\x81"
                                                           "b"}));
    // <|user|> and <|end|> are control tokens; <|end|> ends a turn.
    const auto chat = tok->encode("<|user|>\nHi<|end|>", false, true);
    ASSERT_GE(chat.size(), 3u);
    EXPECT_EQ(chat.front(), 32010);
    EXPECT_EQ(chat.back(), 32007);
    EXPECT_TRUE(tok->is_eog(32007));
    EXPECT_TRUE(tok->is_eog(tok->eos()));
}

TEST(TokenizerSpm, PiecesOfEachTokenType) {
    REQUIRE_VOCAB(tok, "llama-spm");
    EXPECT_EQ(tok->token_to_piece(15043), " Hello");  // "▁Hello"
    EXPECT_EQ(tok->token_to_piece(13), "\n");         // <0x0A>
    EXPECT_EQ(tok->token_to_piece(1), "");            // <s> is control
    EXPECT_EQ(tok->token_to_piece(1, true), "<s>");
    EXPECT_EQ(tok->token_to_piece(-1), "");
    EXPECT_EQ(tok->token_to_piece(32000), "");
    EXPECT_EQ(tok->token_type(3), TokenType::Byte);
}

TEST(TokenizerBpe, MergesByRankOrder) {
    VocabSpec spec;
    spec.model = "gpt2";
    spec.pre = "gpt-2";
    spec.tokens = {"a", "b", "c", "ab", "bc", "abc"};
    spec.merges = {"b c", "a b", "a bc"};
    auto tok = build(spec);
    ASSERT_NE(tok, nullptr);
    // "b c" has the lower rank, so it merges first, then "a bc".
    EXPECT_EQ(pieces(*tok, tok->encode("abc", false, false)), (std::vector<std::string>{"abc"}));
    spec.merges = {"a b", "b c"};
    auto tok2 = build(spec);
    ASSERT_NE(tok2, nullptr);
    EXPECT_EQ(pieces(*tok2, tok2->encode("abc", false, false)), (std::vector<std::string>{"ab", "c"}));
}

TEST(TokenizerBpe, ByteLevelPiecesAndSpecials) {
    REQUIRE_VOCAB(tok, "gpt-2");
    EXPECT_EQ(tok->model_name(), "gpt2");
    EXPECT_EQ(tok->pre_name(), "gpt-2");
    EXPECT_FALSE(tok->add_bos());
    const auto ids = tok->encode("Hello world", true, false);  // no BOS for GPT-2
    EXPECT_EQ(ids, (std::vector<int32_t>{15496, 995}));
    EXPECT_EQ(tok->token_to_piece(995), " world");  // "Ġworld"
    EXPECT_EQ(tok->decode(ids), "Hello world");
    EXPECT_EQ(tok->encode("<|endoftext|>", false, true), (std::vector<int32_t>{50256}));
    EXPECT_NE(tok->encode("<|endoftext|>", false, false), (std::vector<int32_t>{50256}));
    EXPECT_TRUE(tok->is_eog(50256));
    EXPECT_EQ(tok->token_to_piece(50256), "");
    EXPECT_EQ(tok->token_to_piece(50256, true), "<|endoftext|>");
}

TEST(TokenizerDecode, SkipsIdsOutOfRange) {
    REQUIRE_VOCAB(tok, "gpt-2");
    const std::vector<int32_t> ids = {15496, -5, 995, 1 << 30, 50257};
    EXPECT_EQ(tok->decode(ids), "Hello world");
}

TEST(TokenizerErrors, BadVocabulariesAreRejectedWithAReason) {
    VocabSpec spec;
    spec.model = "wordpiece";
    spec.tokens = {"a"};
    auto r = Tokenizer::from_vocab(spec);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::Unsupported);
    EXPECT_NE(r.error().message.find("wordpiece"), std::string::npos);

    spec.model = "gpt2";
    spec.pre = "klingon";
    spec.merges = {"a a"};
    r = Tokenizer::from_vocab(spec);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("klingon"), std::string::npos);

    spec.pre = "gpt-2";
    spec.merges.clear();
    r = Tokenizer::from_vocab(spec);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("merges"), std::string::npos);

    VocabSpec dup;
    dup.model = "llama";
    dup.tokens = {"<unk>", "x", "x"};
    r = Tokenizer::from_vocab(dup);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("'x'"), std::string::npos);

    VocabSpec short_scores = toy_spm({{"a", 0}});
    short_scores.scores.resize(3);
    r = Tokenizer::from_vocab(short_scores);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("scores"), std::string::npos);

    VocabSpec empty;
    empty.model = "llama";
    r = Tokenizer::from_vocab(empty);
    ASSERT_FALSE(r.ok());

    VocabSpec no_bos;
    no_bos.model = "llama";
    no_bos.tokens = {"<unk>"};  // the default BOS id 1 does not exist
    no_bos.add_bos = true;
    r = Tokenizer::from_vocab(no_bos);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("BOS"), std::string::npos);
}

TEST(TokenizerErrors, GgufWithoutTokenizerKeysNamesTheKey) {
    GgufBytes g;
    g.kv_string("general.architecture", "llama");
    auto bytes = g.finish();
    auto file = sigma::GgufFile::parse(bytes.data(), bytes.size());
    ASSERT_TRUE(file.ok()) << file.error().message;
    auto tok = Tokenizer::from_gguf(**file);
    ASSERT_FALSE(tok.ok());
    EXPECT_NE(tok.error().message.find("tokenizer.ggml.model"), std::string::npos);

    GgufBytes g2;
    g2.kv_string("tokenizer.ggml.model", "llama");
    g2.kv_ints("tokenizer.ggml.tokens", {1, 2, 3});  // numbers where strings belong
    bytes = g2.finish();
    file = sigma::GgufFile::parse(bytes.data(), bytes.size());
    ASSERT_TRUE(file.ok()) << file.error().message;
    tok = Tokenizer::from_gguf(**file);
    ASSERT_FALSE(tok.ok());
    EXPECT_NE(tok.error().message.find("tokenizer.ggml.tokens"), std::string::npos);
}

TEST(TokenizerRobustness, MalformedUtf8NeverFails) {
    const std::string bad = "ok \xFF\xFE \xC3 \xE2\x82 \xF0\x9F\x98 end \xED\xA0\x80 \xC0\x80";
    for (const char* name : {"llama-spm", "gpt-2", "falcon", "deepseek-coder", "starcoder"}) {
        auto tok = shared_vocab(name);
        if (!tok) continue;
        SCOPED_TRACE(name);
        const auto ids = tok->encode(bad, true, true);
        EXPECT_FALSE(ids.empty());
        for (int32_t id : ids) EXPECT_TRUE(id >= 0 && id < tok->n_vocab());
        (void)tok->decode(ids);
    }
    // SentencePiece spells unknown bytes with byte tokens, so even malformed text comes back exact.
    REQUIRE_VOCAB(spm, "llama-spm");
    EXPECT_EQ(spm->decode(spm->encode(bad, false, false)), bad);
}

TEST(TokenizerRobustness, OneMegabyteInputs) {
    std::mt19937 rng(1234);
    std::string text;
    const char* samples[] = {"Hello, world! ", "нещо на Български ", "我想在apple工作 ",
                             "3333 ",          "\n\n\t  ",           "🦙.cpp "};
    while (text.size() < (1u << 20)) text += samples[rng() % 6];
    std::string noise(1u << 20, '\0');
    for (char& c : noise) c = static_cast<char>(rng() & 0xFF);
    for (const char* name : {"llama-spm", "gpt-2"}) {
        auto tok = shared_vocab(name);
        if (!tok) continue;
        SCOPED_TRACE(name);
        const auto ids = tok->encode(text, false, false);
        EXPECT_GT(ids.size(), text.size() / 16);
        if (std::string(name) == "llama-spm") {
            EXPECT_EQ(tok->decode(ids), text);
        }
        const auto noisy = tok->encode(noise, false, true);
        EXPECT_FALSE(noisy.empty());
    }
    // One 1 MB "word" without any split point.
    REQUIRE_VOCAB(gpt2, "gpt-2");
    const std::string word(1u << 20, 'a');
    const auto ids = gpt2->encode(word, false, false);
    EXPECT_EQ(gpt2->decode(ids), word);
}

TEST(TokenizerRobustness, ConcurrentEncodesAgree) {
    REQUIRE_VOCAB(tok, "falcon");
    const std::string text = "Hello, y'all! How are you 😁 ?我想在apple工作1314151天～ 3.3 3..3 ------======= ```````";
    const auto expected = tok->encode(text, true, false);
    std::vector<int> mismatches(4, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 50; ++i) {
                if (tok->encode(text, true, false) != expected) ++mismatches[static_cast<size_t>(t)];
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(mismatches, (std::vector<int>{0, 0, 0, 0}));
}

TEST(StreamDecoder, HoldsBackACharacterSplitOverByteTokens) {
    REQUIRE_VOCAB(tok, "llama-spm");
    // 🦙 is not in the vocabulary: it is spelled with four byte tokens.
    const std::vector<int32_t> llama_bytes = {243, 162, 169, 156};
    StreamDecoder stream(*tok);
    EXPECT_EQ(stream.push(15043), " Hello");
    EXPECT_EQ(stream.push(llama_bytes[0]), "");
    EXPECT_EQ(stream.push(llama_bytes[1]), "");
    EXPECT_EQ(stream.push(llama_bytes[2]), "");
    EXPECT_EQ(stream.pending(), 3u);
    EXPECT_EQ(stream.push(llama_bytes[3]), "\xF0\x9F\xA6\x99");
    EXPECT_EQ(stream.pending(), 0u);
    EXPECT_EQ(stream.push(29889), ".");  // "."
    // A stream that stops inside a character ends with U+FFFD, never with a partial byte sequence.
    EXPECT_EQ(stream.push(243), "");
    EXPECT_EQ(stream.flush(), "\xEF\xBF\xBD");
    EXPECT_EQ(stream.flush(), "");
    // A byte that can never start a character is replaced at once.
    EXPECT_EQ(stream.push(tok->find_token("<0xFF>").value_or(-1)), "\xEF\xBF\xBD");
    // Control tokens print nothing unless asked for; ids out of range print nothing.
    EXPECT_EQ(stream.push(2), "");
    EXPECT_EQ(stream.push(-7), "");
    StreamDecoder verbose(*tok, true);
    EXPECT_EQ(verbose.push(2), "</s>");
}

TEST(StreamDecoder, EveryChunkIsWellFormedUtf8) {
    REQUIRE_VOCAB(tok, "gpt-2");
    const std::string text = "Hello, y'all! How are you 😁 ?我想在apple工作1314151天～ កាន់តែពិសេស";
    const auto ids = tok->encode(text, false, false);
    StreamDecoder stream(*tok);
    std::string joined;
    for (int32_t id : ids) {
        const std::string chunk = stream.push(id);
        EXPECT_TRUE(sigma::utf8_is_valid(chunk)) << "token " << id;
        joined += chunk;
    }
    joined += stream.flush();
    EXPECT_EQ(joined, text);
}

TEST(Unicode, CategoriesAndUtf8Helpers) {
    EXPECT_TRUE(sigma::cp_is_letter('a'));
    EXPECT_TRUE(sigma::cp_is_letter(0x0416));  // Ж
    EXPECT_TRUE(sigma::cp_is_letter(0x6211));  // 我
    EXPECT_TRUE(sigma::cp_is_number('7'));
    EXPECT_TRUE(sigma::cp_is_number(0x0663));  // Arabic-Indic three
    EXPECT_TRUE(sigma::cp_is_punctuation(','));
    EXPECT_FALSE(sigma::cp_is_punctuation('$'));  // a symbol
    EXPECT_TRUE(sigma::cp_is_whitespace(0x3000));
    EXPECT_TRUE(sigma::cp_is_whitespace('\n'));
    EXPECT_FALSE(sigma::cp_is_whitespace(0x1C));  // not White_Space, though Python's isspace says so
    EXPECT_TRUE(sigma::codepoint_flags(0x1F999) & sigma::kCpSymbol);  // 🦙
    EXPECT_EQ(sigma::codepoint_flags(0x110000), 0);

    EXPECT_EQ(sigma::utf8_to_codepoints("a\xC3\xA9\xFF"), (std::vector<uint32_t>{'a', 0xE9, 0xFFFD}));
    EXPECT_TRUE(sigma::utf8_is_valid("h\xC3\xA9llo \xF0\x9F\xA6\x99"));
    EXPECT_FALSE(sigma::utf8_is_valid("\xC0\x80"));      // overlong
    EXPECT_FALSE(sigma::utf8_is_valid("\xED\xA0\x80"));  // surrogate
    EXPECT_FALSE(sigma::utf8_is_valid("\xF0\x9F\xA6"));  // truncated
    EXPECT_EQ(sigma::utf8_incomplete_tail("ab\xF0\x9F\xA6"), 3u);
    EXPECT_EQ(sigma::utf8_incomplete_tail("ab\xE2\x82"), 2u);
    EXPECT_EQ(sigma::utf8_incomplete_tail("ab\xC3\xA9"), 0u);
    EXPECT_EQ(sigma::utf8_incomplete_tail("ab\xFF"), 0u);  // malformed, not unfinished
    EXPECT_EQ(sigma::utf8_sanitize("a\xFF"
                                   "b"),
              "a\xEF\xBF\xBD"
              "b");

    // GPT-2 byte alphabet: printable bytes map to themselves, space to U+0120 ('Ġ'), and back.
    EXPECT_EQ(sigma::byte_to_gpt2_codepoint('A'), uint32_t{'A'});
    EXPECT_EQ(sigma::byte_to_gpt2_codepoint(' '), 0x120u);
    EXPECT_EQ(sigma::byte_to_gpt2_codepoint('\n'), 0x10Au);
    for (int b = 0; b < 256; ++b) {
        EXPECT_EQ(sigma::gpt2_codepoint_to_byte(sigma::byte_to_gpt2_codepoint(static_cast<uint8_t>(b))), b);
    }
    EXPECT_EQ(sigma::gpt2_codepoint_to_byte(0x4E00), -1);
}

TEST(PreTokenizer, SplitsLikeTheTrainingRegex) {
    using sigma::PreTokenizer;
    EXPECT_EQ(sigma::pretokenize(PreTokenizer::Gpt2, "Hello world's  end!!"),
              (std::vector<std::string>{"Hello", " world", "'s", " ", " end", "!!"}));
    EXPECT_EQ(sigma::pretokenize(PreTokenizer::Llama3, "12345 I'M\n\n ok"),
              (std::vector<std::string>{"123", "45", " I", "'M", "\n\n", " ok"}));
    EXPECT_EQ(sigma::pretokenize(PreTokenizer::Qwen2, "x123"), (std::vector<std::string>{"x", "1", "2", "3"}));
    EXPECT_EQ(sigma::pretokenize(PreTokenizer::Falcon, "a 12345+b"),
              (std::vector<std::string>{"a", " ", "123", "45", "+", "b"}));
    EXPECT_TRUE(sigma::pretokenize(PreTokenizer::Starcoder, "").empty());
    EXPECT_EQ(sigma::pretokenizer_from_name("qwen2"), PreTokenizer::Qwen2);
    EXPECT_FALSE(sigma::pretokenizer_from_name("nonsense").has_value());
}
