// Reads every vocabulary GGUF in shared/vocab: the real-world files the tokenizers are built from.
// Not a tokenizer test: it checks only that the reader accepts them and finds the tokenizer keys.
#include <gtest/gtest.h>

#include <filesystem>

#include "inference/gguf.h"

namespace fs = std::filesystem;

TEST(GgufVocab, EverySharedVocabularyParses) {
    const fs::path dir = fs::path(SIGMA_SHARED_DIR) / "vocab";
    if (!fs::exists(dir))
        GTEST_SKIP()
            << "no " << dir
            << " (llama.cpp's test vocabularies, an outside oracle: set -DSIGMA_SHARED_DIR to a folder holding vocab/)";
    int files = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() != ".gguf") continue;
        ++files;
        SCOPED_TRACE(entry.path().string());
        auto file = sigma::GgufFile::open(entry.path().string());
        ASSERT_TRUE(file.ok()) << file.error().message;
        const sigma::GgufFile& g = **file;
        EXPECT_TRUE(g.version() == 2 || g.version() == 3);
        EXPECT_TRUE(g.tensors().empty());
        const auto* tokens = g.get_string_array("tokenizer.ggml.tokens");
        ASSERT_NE(tokens, nullptr);
        EXPECT_GT(tokens->size(), 1000u);
        const auto model = g.get_string("tokenizer.ggml.model");
        ASSERT_TRUE(model.has_value());
        EXPECT_FALSE(model->empty());
        EXPECT_TRUE(g.get_string("general.architecture").has_value());
    }
    EXPECT_GT(files, 0);
}

TEST(GgufVocab, LlamaSpmHas32000TokensWithScoresAndTypes) {
    const fs::path path = fs::path(SIGMA_SHARED_DIR) / "vocab" / "ggml-vocab-llama-spm.gguf";
    if (!fs::exists(path))
        GTEST_SKIP()
            << "no " << path
            << " (llama.cpp's test vocabularies, an outside oracle: set -DSIGMA_SHARED_DIR to a folder holding vocab/)";
    auto file = sigma::GgufFile::open(path.string());
    ASSERT_TRUE(file.ok()) << file.error().message;
    const sigma::GgufFile& g = **file;
    ASSERT_NE(g.get_string_array("tokenizer.ggml.tokens"), nullptr);
    EXPECT_EQ(g.get_string_array("tokenizer.ggml.tokens")->size(), 32000u);
    ASSERT_NE(g.get_float_array("tokenizer.ggml.scores"), nullptr);
    EXPECT_EQ(g.get_float_array("tokenizer.ggml.scores")->size(), 32000u);
    ASSERT_NE(g.get_int_array("tokenizer.ggml.token_type"), nullptr);
    EXPECT_EQ(g.get_int_array("tokenizer.ggml.token_type")->size(), 32000u);
    EXPECT_EQ(g.get_string("tokenizer.ggml.model").value_or(""), "llama");
    EXPECT_EQ(g.get_int("tokenizer.ggml.bos_token_id").value_or(-1), 1);
    EXPECT_EQ(g.get_int("tokenizer.ggml.eos_token_id").value_or(-1), 2);
    EXPECT_EQ(g.get_string_array("tokenizer.ggml.tokens")->at(1), "<s>");
}

TEST(GgufVocab, MissingFileIsAnIoErrorNamingThePath) {
    auto file = sigma::GgufFile::open("/nonexistent/dir/model.gguf");
    ASSERT_FALSE(file.ok());
    EXPECT_EQ(file.error().code, sigma::ErrorCode::Io);
    EXPECT_NE(file.error().message.find("/nonexistent/dir/model.gguf"), std::string::npos);
}

TEST(GgufVocab, DirectoryIsRejected) {
    auto file = sigma::GgufFile::open(SIGMA_SOURCE_DIR);
    ASSERT_FALSE(file.ok());
    EXPECT_NE(file.error().message.find("not a regular file"), std::string::npos);
}
