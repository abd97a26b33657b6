// Converter tests: tools/vocab/hf_tokenizer_to_gguf.py on small hand-written tokenizer.json files,
// read back through GgufFile and Tokenizer (token types, holes, merges in both spellings, ids).
// Not the large real vocabularies: test_tokenizer_vocab.cpp checks Llama 3 and Qwen2 built with it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "inference/chat_template.h"
#include "inference/gguf.h"
#include "inference/tokenizer.h"

namespace fs = std::filesystem;
using sigma::Tokenizer;

namespace {

bool have_python() { return std::system("python3 --version > /dev/null 2>&1") == 0; }

class Converter : public ::testing::Test {
protected:
    void SetUp() override {
        if (!have_python()) GTEST_SKIP() << "python3 is not installed (tools/lib/vocab_deps.sh installs it)";
        dir_ = fs::temp_directory_path() /
               ("sigma-vocab-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
    }
    void TearDown() override {
        std::error_code ec;
        if (!dir_.empty()) fs::remove_all(dir_, ec);
    }
    void write(const std::string& name, const std::string& text) {
        std::ofstream(dir_ / name, std::ios::binary) << text;
    }
    // Runs the converter; returns its exit status and leaves its stderr in err_.
    int convert(const std::string& extra = "") {
        const fs::path script = fs::path(SIGMA_SOURCE_DIR) / "tools" / "vocab" / "hf_tokenizer_to_gguf.py";
        const std::string cmd = "python3 '" + script.string() + "' '" + (dir_ / "tokenizer.json").string() + "' '" +
                                (dir_ / "out.gguf").string() + "' " + extra + " > /dev/null 2> '" +
                                (dir_ / "err.txt").string() + "'";
        const int status = std::system(cmd.c_str());
        std::ifstream in(dir_ / "err.txt");
        std::stringstream ss;
        ss << in.rdbuf();
        err_ = ss.str();
        return status;
    }
    fs::path dir_;
    std::string err_;
};

// A byte-level BPE vocabulary that spells "hello" in four merges, with added tokens around a hole
// (id 14 is named by nothing).
std::string tokenizer_json(bool merges_as_lists) {
    const std::string merges =
        merges_as_lists ? R"([["h","e"],["l","l"],["he","ll"],["hell","o"]])" : R"(["h e","l l","he ll","hell o"])";
    return R"({"version":"1.0","added_tokens":[
        {"id":12,"content":"<|im_start|>","special":true},
        {"id":13,"content":"<think>","special":false},
        {"id":15,"content":"<|im_end|>","special":true}],
      "normalizer":null,
      "pre_tokenizer":{"type":"Sequence","pretokenizers":[
        {"type":"Split","pattern":{"Regex":"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"},"behavior":"Isolated","invert":false},
        {"type":"ByteLevel","add_prefix_space":false,"trim_offsets":false,"use_regex":false}]},
      "model":{"type":"BPE","vocab":{"h":0,"e":1,"l":2,"o":3,"\u0120":4,"he":5,"ll":6,"hell":7,"hello":8,"x":9,"y":10,"z":11},
               "merges":)" +
           merges + "}}";
}

const char* kConfig = R"({"bos_token":null,"eos_token":"<|im_end|>","add_bos_token":false,
  "chat_template":"{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>\n'}}{% endfor %}"})";

}  // namespace

TEST_F(Converter, WritesTypesMergesIdsAndTemplate) {
    for (bool lists : {false, true}) {
        SCOPED_TRACE(lists ? "merges as lists" : "merges as strings");
        write("tokenizer.json", tokenizer_json(lists));
        write("tokenizer_config.json", kConfig);
        ASSERT_EQ(convert("--name tiny"), 0) << err_;
        auto file = sigma::GgufFile::open((dir_ / "out.gguf").string());
        ASSERT_TRUE(file.ok()) << file.error().message;
        const sigma::GgufFile& g = **file;
        EXPECT_EQ(g.get_string("tokenizer.ggml.model").value_or(""), "gpt2");
        EXPECT_EQ(g.get_string("tokenizer.ggml.pre").value_or(""), "qwen2");  // recognised from the regex
        EXPECT_EQ(g.get_string("general.name").value_or(""), "tiny");
        const auto* tokens = g.get_string_array("tokenizer.ggml.tokens");
        const auto* types = g.get_int_array("tokenizer.ggml.token_type");
        ASSERT_NE(tokens, nullptr);
        ASSERT_NE(types, nullptr);
        ASSERT_EQ(tokens->size(), 16u);
        EXPECT_EQ((*tokens)[14], "[PAD14]");
        EXPECT_EQ((*types)[0], 1);   // normal
        EXPECT_EQ((*types)[12], 3);  // special added token: control
        EXPECT_EQ((*types)[13], 4);  // other added token: user-defined
        EXPECT_EQ((*types)[14], 5);  // hole: unused
        EXPECT_EQ(g.get_int("tokenizer.ggml.eos_token_id").value_or(-1), 15);
        EXPECT_FALSE(g.get_int("tokenizer.ggml.bos_token_id").has_value());
        EXPECT_EQ(g.get_bool("tokenizer.ggml.add_bos_token"), std::optional<bool>(false));
        const auto* merges = g.get_string_array("tokenizer.ggml.merges");
        ASSERT_NE(merges, nullptr);
        EXPECT_EQ(*merges, (std::vector<std::string>{"h e", "l l", "he ll", "hell o"}));
        EXPECT_EQ(sigma::detect_chat_template(g.get_string("tokenizer.chat_template").value_or("")),
                  sigma::ChatTemplate::ChatML);

        auto tok = Tokenizer::from_gguf(g);
        ASSERT_TRUE(tok.ok()) << tok.error().message;
        EXPECT_EQ((*tok)->encode("hello hello", true, false), (std::vector<int32_t>{8, 4, 8}));
        EXPECT_EQ((*tok)->encode("hello<think>hello", false, false), (std::vector<int32_t>{8, 13, 8}));
        EXPECT_EQ((*tok)->encode("<|im_start|>", false, true), (std::vector<int32_t>{12}));
        EXPECT_TRUE((*tok)->is_eog(15));
        EXPECT_EQ((*tok)->decode(std::vector<int32_t>{8, 4, 8}), "hello hello");
    }
}

TEST_F(Converter, RejectsWhatItCannotConvert) {
    write("tokenizer.json", R"({"model":{"type":"Unigram","vocab":[["a",0.0]]}})");
    EXPECT_NE(convert(), 0);
    EXPECT_NE(err_.find("Unigram"), std::string::npos) << err_;
    EXPECT_FALSE(fs::exists(dir_ / "out.gguf"));

    write("tokenizer.json", "{not json");
    EXPECT_NE(convert(), 0);
    EXPECT_FALSE(err_.empty());

    // A pre-tokenizer it does not know needs --pre.
    std::string odd = tokenizer_json(false);
    odd.replace(odd.find("(?i:"), 4, "(?x:");
    write("tokenizer.json", odd);
    EXPECT_NE(convert(), 0);
    EXPECT_NE(err_.find("--pre"), std::string::npos) << err_;
    EXPECT_EQ(convert("--pre gpt-2"), 0) << err_;

    // An EOS that the vocabulary lacks is an error, not a silent default.
    write("tokenizer.json", tokenizer_json(false));
    EXPECT_NE(convert("--eos '<nope>'"), 0);
    EXPECT_NE(err_.find("<nope>"), std::string::npos) << err_;
}
