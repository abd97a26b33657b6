// sigma_mkmodel_lib: determinism, the synthetic vocabulary, copied vocabularies, llama.cpp metadata,
// weight ranges, and option errors. Not the loader's checks: test_model_load.cpp covers those.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <unistd.h>

#include "inference/gguf.h"
#include "inference/tensor_types.h"
#include "tools/mkmodel/mkmodel.h"

using namespace sigma;

namespace {

mkmodel::Options tiny(uint64_t seed) {
    mkmodel::Options o;
    o.arch = "sigma";
    o.layers = 2;
    o.hidden = 64;
    o.heads = 2;
    o.heads_k = 1;
    o.heads_v = 2;
    o.ffn = 64;
    o.augq = 32;
    o.vocab = 320;
    o.type = TensorType::Q8_0;
    o.seed = seed;
    return o;
}

std::vector<uint8_t> bytes(const mkmodel::Options& o) {
    auto w = mkmodel::build(o);
    EXPECT_TRUE(w.ok()) << (w.ok() ? "" : w.error().message);
    if (!w.ok()) return {};
    auto b = w->to_bytes();
    EXPECT_TRUE(b.ok());
    return b.ok() ? b.value() : std::vector<uint8_t>{};
}

std::unique_ptr<GgufFile> parse(const std::vector<uint8_t>& b) {
    auto f = GgufFile::parse(b.data(), b.size());
    EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.error().message);
    return f.ok() ? std::move(f).value() : nullptr;
}

Error option_error(std::vector<std::string> args) {
    auto o = mkmodel::parse_args(args);
    if (!o) return o.error();
    Status st = mkmodel::validate(*o);
    EXPECT_FALSE(st.ok()) << "accepted";
    return st.ok() ? Error{} : st.error();
}

}  // namespace

TEST(MkModel, SameSeedSameBytesOtherSeedOtherBytes) {
    const auto a = bytes(tiny(42));
    const auto b = bytes(tiny(42));
    const auto c = bytes(tiny(43));
    ASSERT_FALSE(a.empty());
    EXPECT_EQ(a, b);
    ASSERT_EQ(a.size(), c.size());
    EXPECT_NE(a, c);
    // The file on disk is the same bytes.
    mkmodel::Options o = tiny(42);
    o.output = (std::filesystem::temp_directory_path() / ("sigma_mk_" + std::to_string(::getpid()) + ".gguf")).string();
    ASSERT_TRUE(mkmodel::write_model(o).ok());
    std::ifstream in(o.output, std::ios::binary);
    const std::vector<uint8_t> disk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(disk, a);
    std::filesystem::remove(o.output);
}

TEST(MkModel, LlamaCppMetadata) {
    mkmodel::Options o = tiny(1);
    o.arch = "llama";
    o.heads_v = 0;
    o.augq = 0;
    const auto file_bytes = bytes(o);  // parse() views these bytes: keep them alive
    auto f = parse(file_bytes);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->get_string("general.architecture"), "llama");
    EXPECT_TRUE(f->get_string("general.name").has_value());
    EXPECT_EQ(f->get_int("general.file_type"), 7);  // MOSTLY_Q8_0
    EXPECT_EQ(f->get_int("general.alignment"), 32);
    EXPECT_EQ(f->find("llama.block_count")->type, GgufType::UINT32);
    EXPECT_EQ(f->get_int("llama.attention.head_count_kv"), 1);
    EXPECT_EQ(f->get_int("llama.rope.dimension_count"), 32);
    EXPECT_EQ(f->get_int("llama.vocab_size"), 320);
    EXPECT_EQ(f->find("llama.attention.layer_norm_rms_epsilon")->type, GgufType::FLOAT32);
    EXPECT_EQ(f->find("llama.rope.freq_base")->type, GgufType::FLOAT32);
    EXPECT_EQ(f->find("tokenizer.ggml.bos_token_id")->type, GgufType::UINT32);
    EXPECT_EQ(f->find("tokenizer.ggml.token_type")->array_type, GgufType::INT32);
    EXPECT_EQ(f->find("tokenizer.ggml.scores")->array_type, GgufType::FLOAT32);
    EXPECT_EQ(f->find_tensor("llama.attention.head_count_k"), nullptr);
    EXPECT_EQ(f->find("llama.attention.head_count_k"), nullptr);
    EXPECT_EQ(f->find_tensor("token_embd.weight")->type, TensorType::Q8_0);
    EXPECT_EQ(f->find_tensor("blk.0.ffn_norm.weight")->type, TensorType::F32);
}

TEST(MkModel, SyntheticVocabulary) {
    const auto file_bytes = bytes(tiny(1));  // parse() views these bytes: keep them alive
    auto f = parse(file_bytes);
    ASSERT_TRUE(f);
    const auto* tokens = f->get_string_array("tokenizer.ggml.tokens");
    const auto* types = f->get_int_array("tokenizer.ggml.token_type");
    const auto* scores = f->get_float_array("tokenizer.ggml.scores");
    ASSERT_TRUE(tokens && types && scores);
    ASSERT_EQ(tokens->size(), 320u);
    ASSERT_EQ(types->size(), 320u);
    ASSERT_EQ(scores->size(), 320u);
    EXPECT_EQ((*tokens)[0], "<unk>");
    EXPECT_EQ((*types)[0], 2);
    EXPECT_EQ((*tokens)[1], "<s>");
    EXPECT_EQ((*types)[1], 3);
    EXPECT_EQ((*tokens)[2], "</s>");
    EXPECT_EQ((*tokens)[3], "<0x00>");
    EXPECT_EQ((*tokens)[3 + 0x41], "<0x41>");
    EXPECT_EQ((*tokens)[258], "<0xFF>");
    EXPECT_EQ((*types)[258], 6);
    EXPECT_EQ((*tokens)[259], "\xe2\x96\x81");
    EXPECT_EQ((*types)[259], 1);
    EXPECT_EQ((*tokens)[260], "!");
    for (size_t i = 260; i < 320; ++i) EXPECT_LT((*scores)[i], (*scores)[i - 1]) << i;
    EXPECT_EQ(std::set<std::string>(tokens->begin(), tokens->end()).size(), tokens->size());
    EXPECT_EQ(f->get_string("tokenizer.ggml.model"), "llama");
    EXPECT_EQ(f->get_int("tokenizer.ggml.bos_token_id"), 1);
    EXPECT_EQ(f->get_int("tokenizer.ggml.eos_token_id"), 2);
    EXPECT_EQ(f->get_int("tokenizer.ggml.unknown_token_id"), 0);
    EXPECT_EQ(f->get_bool("tokenizer.ggml.add_bos_token"), true);
}

TEST(MkModel, LargeSyntheticVocabularyIsUnique) {
    GgufWriter w;
    ASSERT_TRUE(mkmodel::add_synthetic_vocab(w, 32000).ok());
    const GgufKeyValue* tokens = nullptr;
    for (const GgufKeyValue& kv : w.metadata()) {
        if (kv.key == "tokenizer.ggml.tokens") tokens = &kv;
    }
    ASSERT_NE(tokens, nullptr);
    ASSERT_EQ(tokens->string_array.size(), 32000u);
    EXPECT_EQ(std::set<std::string>(tokens->string_array.begin(), tokens->string_array.end()).size(), 32000u);
}

TEST(MkModel, VocabularyFromAGeneratedFile) {
    // The source: a model of this generator with a 320-token synthetic vocabulary.
    mkmodel::Options src_options = tiny(2);
    src_options.output =
        (std::filesystem::temp_directory_path() / ("sigma_mk_vocab_" + std::to_string(::getpid()) + ".gguf")).string();
    ASSERT_TRUE(mkmodel::write_model(src_options).ok());
    mkmodel::Options o = tiny(1);
    o.vocab = 0;
    o.vocab_from = src_options.output;
    o.layers = 1;
    const auto file_bytes = bytes(o);  // parse() views these bytes: keep them alive
    auto f = parse(file_bytes);
    ASSERT_TRUE(f);
    auto src = GgufFile::open(src_options.output);
    ASSERT_TRUE(src.ok());
    int copied = 0;
    for (const GgufKeyValue& kv : (*src)->metadata()) {
        if (kv.key.rfind("tokenizer.", 0) != 0) continue;
        ++copied;
        const GgufKeyValue* got = f->find(kv.key);
        ASSERT_NE(got, nullptr) << kv.key;
        EXPECT_EQ(got->type, kv.type) << kv.key;
        EXPECT_EQ(got->array_size(), kv.array_size()) << kv.key;
    }
    std::filesystem::remove(src_options.output);
    EXPECT_GT(copied, 5);
    EXPECT_EQ(f->find_tensor("token_embd.weight")->ne[1], 320);
    EXPECT_EQ(f->get_int("sigma.vocab_size"), 320);
}

// The same from a real-world vocabulary file: llama.cpp's Llama 2 SentencePiece vocabulary.
TEST(MkModel, VocabularyFromFile) {
    const std::string vocab = std::string(SIGMA_SHARED_DIR) + "/vocab/ggml-vocab-llama-spm.gguf";
    if (!std::filesystem::exists(vocab))
        GTEST_SKIP()
            << "no " << vocab
            << " (llama.cpp's test vocabularies, an outside oracle: set -DSIGMA_SHARED_DIR to a folder holding vocab/)";
    mkmodel::Options o = tiny(1);
    o.vocab = 0;
    o.vocab_from = vocab;
    o.layers = 1;
    const auto file_bytes = bytes(o);  // parse() views these bytes: keep them alive
    auto f = parse(file_bytes);
    ASSERT_TRUE(f);
    auto src = GgufFile::open(vocab);
    ASSERT_TRUE(src.ok());
    int copied = 0;
    for (const GgufKeyValue& kv : (*src)->metadata()) {
        if (kv.key.rfind("tokenizer.", 0) != 0) continue;
        ++copied;
        const GgufKeyValue* got = f->find(kv.key);
        ASSERT_NE(got, nullptr) << kv.key;
        EXPECT_EQ(got->type, kv.type) << kv.key;
        EXPECT_EQ(got->array_size(), kv.array_size()) << kv.key;
    }
    EXPECT_GT(copied, 5);
    EXPECT_EQ(f->find_tensor("token_embd.weight")->ne[1], 32000);
    EXPECT_EQ(f->get_int("sigma.vocab_size"), 32000);
}

TEST(MkModel, WeightsStayInTheirRanges) {
    mkmodel::Options o = tiny(5);
    o.type = TensorType::F32;
    const auto file_bytes = bytes(o);  // parse() views these bytes: keep them alive
    auto f = parse(file_bytes);
    ASSERT_TRUE(f);
    const TensorView* wq = f->find_tensor("blk.0.attn_q.weight");
    ASSERT_NE(wq, nullptr);
    const float* q = static_cast<const float*>(wq->data);
    const float bound = std::sqrt(3.0f / 64.0f);
    double sum_sq = 0;
    for (int64_t i = 0; i < wq->elements(); ++i) {
        ASSERT_LE(std::fabs(q[i]), bound);
        sum_sq += double{q[i]} * q[i];
    }
    // Uniform in +-sqrt(3/in) has variance 1/in.
    EXPECT_NEAR(sum_sq / static_cast<double>(wq->elements()), 1.0 / 64.0, 0.2 / 64.0);
    const float* norm = static_cast<const float*>(f->find_tensor("blk.1.attn_norm.weight")->data);
    for (int i = 0; i < 64; ++i) EXPECT_NEAR(norm[i], 1.0f, 0.1001f);
}

TEST(MkModel, ParseArguments) {
    auto o =
        mkmodel::parse_args({"-o",  "m.gguf",    "--arch", "qwen2",  "--layers", "3",      "--hidden=128", "--heads",
                             "8",   "--heads-k", "2",      "--ffn",  "256",      "--ctx",  "4096",         "--vocab",
                             "512", "--type",    "bf16",   "--seed", "99",       "--tied", "--rope-theta", "1e6"});
    ASSERT_TRUE(o.ok()) << o.error().message;
    EXPECT_EQ(o->output, "m.gguf");
    EXPECT_EQ(o->arch, "qwen2");
    EXPECT_EQ(o->layers, 3);
    EXPECT_EQ(o->hidden, 128);
    EXPECT_EQ(o->heads_k, 2);
    EXPECT_EQ(o->ctx, 4096);
    EXPECT_EQ(o->type, TensorType::BF16);
    EXPECT_EQ(o->seed, 99u);
    EXPECT_TRUE(o->tied);
    EXPECT_DOUBLE_EQ(o->rope_theta, 1e6);
    EXPECT_TRUE(mkmodel::validate(*o).ok());
}

TEST(MkModel, OptionErrorsNameTheOption) {
    EXPECT_NE(option_error({"--vocab", "300"}).message.find("-o FILE is required"), std::string::npos);
    EXPECT_NE(option_error({"-o", "x", "--vocab", "299"}).message.find("at least 300"), std::string::npos);
    EXPECT_NE(option_error({"-o", "x"}).message.find("--vocab N or --vocab-from"), std::string::npos);
    EXPECT_NE(option_error({"-o", "x", "--vocab", "300", "--type", "q4_1"}).message.find("--type: 'q4_1'"),
              std::string::npos);
    EXPECT_NE(option_error({"-o", "x", "--vocab", "300", "--layers", "two"}).message.find("--layers: 'two'"),
              std::string::npos);
    EXPECT_NE(
        option_error({"-o", "x", "--vocab", "300", "--frobnicate", "1"}).message.find("unknown option '--frobnicate'"),
        std::string::npos);
    EXPECT_NE(option_error({"-o", "x", "--vocab", "300", "--arch", "gpt2"}).message.find("--arch 'gpt2'"),
              std::string::npos);
    EXPECT_NE(option_error({"-o", "x", "--vocab", "300", "--heads-k", "2", "--heads-v", "4"})
                  .message.find("--heads-v must equal --heads-k"),
              std::string::npos);
    EXPECT_NE(option_error({"-o", "x", "--vocab", "300", "--half-k"}).message.find("--half-k is only for --arch sigma"),
              std::string::npos);
    EXPECT_NE(option_error({"-o", "x", "--vocab", "300", "--arch", "sigma", "--heads-k", "8"})
                  .message.find("must not exceed --heads"),
              std::string::npos);
    EXPECT_NE(option_error({"-o", "x", "--vocab", "300", "--ffn", "100", "--type", "q8_0"}).message.find("--ffn = 100"),
              std::string::npos);
    EXPECT_NE(option_error({"-o", "x", "--vocab", "300", "--hidden", "60", "--heads", "8"})
                  .message.find("not a multiple of --heads"),
              std::string::npos);
    EXPECT_NE(option_error({"-o", "x", "--vocab"}).message.find("--vocab: missing value"), std::string::npos);
}

TEST(MkModel, MissingVocabularyFileIsAnError) {
    mkmodel::Options o = tiny(1);
    o.vocab = 0;
    o.vocab_from = "/nonexistent/vocab.gguf";
    auto w = mkmodel::build(o);
    ASSERT_FALSE(w.ok());
    EXPECT_NE(w.error().message.find("--vocab-from"), std::string::npos);
    EXPECT_NE(w.error().message.find("/nonexistent/vocab.gguf"), std::string::npos);
}
