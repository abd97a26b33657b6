// Whole models stored in the 4/5/6-bit types: files from the model generator, loaded and run through a
// Context, against the double-precision reference forward pass; and the generator's _M type mixes.
// Not the kernels (test_kernels_quant.cpp): this checks loading, dispatch and the mixes end to end.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <unistd.h>

#include "inference/context.h"
#include "inference/gguf.h"
#include "inference/model.h"
#include "tests/reference/reference_forward.h"
#include "tests/reference/tiny_model.h"
#include "tools/mkmodel/mkmodel.h"

namespace sigma {
namespace {

std::string temp_path(const std::string& name) {
    return (std::filesystem::temp_directory_path() / ("sigma_qfwd_" + std::to_string(::getpid()) + "_" + name))
        .string();
}

mkmodel::Options small_options(const std::string& arch, const std::string& type) {
    auto parsed = mkmodel::parse_args({"-o",        temp_path(arch + "_" + type + ".gguf"),
                                       "--arch",    arch,
                                       "--layers",  "2",
                                       "--hidden",  "256",
                                       "--heads",   "4",
                                       "--heads-k", "2",
                                       "--ffn",     "512",
                                       "--ctx",     "128",
                                       "--vocab",   "300",
                                       "--type",    type,
                                       "--seed",    "4"});
    EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
    return parsed.ok() ? parsed.value() : mkmodel::Options{};
}

struct QuantFileCase {
    std::string arch, type;
};

class QuantForward : public ::testing::TestWithParam<QuantFileCase> {};

TEST_P(QuantForward, LoadedModelMatchesReference) {
    const QuantFileCase c = GetParam();
    const mkmodel::Options o = small_options(c.arch, c.type);
    ASSERT_TRUE(mkmodel::write_model(o).ok());
    auto model = Model::load(o.output);
    std::filesystem::remove(o.output);
    ASSERT_TRUE(model.ok()) << model.error().message;
    const auto tokens = ref::random_tokens(17, (*model)->config().n_vocab, 6);
    const auto expected = ref::reference_logits((*model)->config(), (*model)->weights(), tokens);
    ContextParams p;
    p.kv_type = KvType::F32;
    p.n_threads = 2;
    p.n_ctx = 64;
    auto ctx = Context::create(*model, p);
    ASSERT_TRUE(ctx.ok()) << ctx.error().message;
    auto logits = (*ctx)->decode_all_logits(tokens);
    ASSERT_TRUE(logits.ok()) << logits.error().message;
    // The weights are the same; activations are quantised to 8 bits on the fly (as for Q8_0 weights).
    EXPECT_LT(ref::normalized_max_error(logits->data(), expected.data(), expected.size()), 5e-2)
        << c.arch << " " << c.type;
}

INSTANTIATE_TEST_SUITE_P(Generated, QuantForward,
                         ::testing::Values(QuantFileCase{"llama", "q4_0"}, QuantFileCase{"llama", "q4_k"},
                                           QuantFileCase{"llama", "q5_k"}, QuantFileCase{"llama", "q6_k"},
                                           QuantFileCase{"llama", "q4_k_m"}, QuantFileCase{"qwen2", "q5_k_m"},
                                           QuantFileCase{"sigma", "q4_k"}),
                         [](const ::testing::TestParamInfo<QuantFileCase>& info) {
                             return info.param.arch + "_" + info.param.type;
                         });

TEST(QuantMix, MoreBitsForAttnVAndFfnDownInTheOuterAndEveryThirdLayer) {
    mkmodel::Options o = small_options("llama", "q4_k_m");
    o.layers = 16;  // eighth = 2: layers 0,1 and 14,15, and 4, 7, 10, 13 between
    const std::vector<int> more{0, 1, 4, 7, 10, 13, 14, 15};
    for (int l = 0; l < 16; ++l) {
        const bool six = std::find(more.begin(), more.end(), l) != more.end();
        EXPECT_EQ(mkmodel::weight_type(o, "attn_v", l), six ? TensorType::Q6_K : TensorType::Q4_K) << l;
        EXPECT_EQ(mkmodel::weight_type(o, "ffn_down", l), six ? TensorType::Q6_K : TensorType::Q4_K) << l;
        EXPECT_EQ(mkmodel::weight_type(o, "attn_q", l), TensorType::Q4_K) << l;
        EXPECT_EQ(mkmodel::weight_type(o, "ffn_up", l), TensorType::Q4_K) << l;
    }
    EXPECT_EQ(mkmodel::weight_type(o, "output", -1), TensorType::Q6_K);
    EXPECT_EQ(mkmodel::weight_type(o, "token_embd", -1), TensorType::Q4_K);
    o.tied = true;  // the embedding doubles as the output projection, so it gets the output's type
    EXPECT_EQ(mkmodel::weight_type(o, "token_embd", -1), TensorType::Q6_K);
    mkmodel::Options plain = small_options("llama", "q4_k");
    EXPECT_EQ(mkmodel::weight_type(plain, "output", -1), TensorType::Q4_K);
    EXPECT_EQ(mkmodel::weight_type(plain, "attn_v", 0), TensorType::Q4_K);
}

TEST(QuantMix, FileRecordsTheMixAndItsTensorTypes) {
    const mkmodel::Options o = small_options("llama", "q5_k_m");
    ASSERT_TRUE(mkmodel::write_model(o).ok());
    auto f = GgufFile::open(o.output);
    std::filesystem::remove(o.output);
    ASSERT_TRUE(f.ok()) << f.error().message;
    EXPECT_EQ((*f)->get_int("general.file_type"), 17);  // MOSTLY_Q5_K_M
    EXPECT_EQ((*f)->find_tensor("output.weight")->type, TensorType::Q6_K);
    EXPECT_EQ((*f)->find_tensor("token_embd.weight")->type, TensorType::Q5_K);
    // 2 layers: an eighth is 0 layers, so only layer 1 (>= 7 * 2 / 8) gets more bits.
    EXPECT_EQ((*f)->find_tensor("blk.0.attn_v.weight")->type, TensorType::Q5_K);
    EXPECT_EQ((*f)->find_tensor("blk.1.attn_v.weight")->type, TensorType::Q6_K);
    EXPECT_EQ((*f)->find_tensor("blk.1.ffn_down.weight")->type, TensorType::Q6_K);
    EXPECT_EQ((*f)->find_tensor("blk.0.attn_q.weight")->type, TensorType::Q5_K);
}

TEST(QuantMix, RowLengthsThatAreNotWholeSuperBlocksAreRejected) {
    auto parsed =
        mkmodel::parse_args({"-o", temp_path("bad.gguf"), "--hidden", "64", "--vocab", "300", "--type", "q4_k"});
    ASSERT_TRUE(parsed.ok());
    Status st = mkmodel::validate(*parsed);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find("256"), std::string::npos) << st.error().message;
    EXPECT_FALSE(mkmodel::parse_args({"-o", "x", "--vocab", "300", "--type", "q3_k"}).ok());
}

}  // namespace
}  // namespace sigma
