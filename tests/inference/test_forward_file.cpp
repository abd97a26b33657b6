// The forward pass over model FILES: models written by the generator library, loaded with
// Model::load, run through a Context and compared with the double-precision reference.
// Not a loader test (test_model_load.cpp): this checks that loaded weights compute the right logits.
#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

#include "inference/context.h"
#include "inference/generate.h"
#include "inference/model.h"
#include "inference/ops_matmul.h"
#include "tests/reference/reference_forward.h"
#include "tests/reference/tiny_model.h"
#include "tools/mkmodel/mkmodel.h"

namespace sigma {
namespace {

struct FileCase {
    std::string name;
    std::string arch;
    TensorType type = TensorType::F32;
    int heads = 4, heads_k = 0, heads_v = 0, augq = 0, head_dim = 0;
    bool half_k = false, tied = false;
    double tolerance = 1e-5;  // as test_forward.cpp: F32 cache; Q8_0 (and BF16 with AVX512_BF16) round activations too
};

std::string temp_path(const std::string& name) {
    return (std::filesystem::temp_directory_path() / ("sigma_fwdfile_" + std::to_string(::getpid()) + "_" + name))
        .string();
}

std::shared_ptr<const Model> write_and_load(const FileCase& c) {
    mkmodel::Options o;
    o.arch = c.arch;
    o.layers = 2;
    o.hidden = 64;
    o.heads = c.heads;
    o.heads_k = c.heads_k;
    o.heads_v = c.heads_v;
    o.augq = c.augq;
    o.head_dim = c.head_dim;
    o.half_k = c.half_k;
    o.tied = c.tied;
    o.ffn = 128;
    o.ctx = 128;
    o.vocab = 300;
    o.type = c.type;
    o.seed = 3;
    o.output = temp_path(c.name + ".gguf");
    Status st = mkmodel::write_model(o);
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
    auto m = Model::load(o.output);
    std::filesystem::remove(o.output);  // the mapping stays valid after unlink
    EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
    return m.ok() ? m.value() : nullptr;
}

class ForwardFile : public ::testing::TestWithParam<FileCase> {};

TEST_P(ForwardFile, LoadedModelMatchesReference) {
    const FileCase& c = GetParam();
    auto model = write_and_load(c);
    ASSERT_TRUE(model);
    EXPECT_EQ(model->config().d_aug, c.augq);
    EXPECT_EQ(model->config().half_k, c.half_k);
    EXPECT_EQ(model->config().heads.n_q, c.heads);
    EXPECT_EQ(model->weights().output == model->weights().token_embd, c.tied);
    const auto tokens = ref::random_tokens(11, model->config().n_vocab, 5);
    const auto expected = ref::reference_logits(model->config(), model->weights(), tokens);
    ContextParams p;
    p.kv_type = KvType::F32;
    p.n_threads = 2;
    p.n_ctx = 64;
    auto ctx = Context::create(model, p);
    ASSERT_TRUE(ctx.ok()) << ctx.error().message;
    auto logits = (*ctx)->decode_all_logits(tokens);
    ASSERT_TRUE(logits.ok()) << logits.error().message;
    EXPECT_LT(ref::normalized_max_error(logits->data(), expected.data(), expected.size()), c.tolerance) << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    Generated, ForwardFile,
    ::testing::Values(FileCase{"llama_f32", "llama"}, FileCase{"llama_f16", "llama", TensorType::F16},
                      FileCase{"llama_q8_0", "llama", TensorType::Q8_0, 4, 2, 0, 0, 0, false, false, 5e-2},
                      FileCase{"llama_tied", "llama", TensorType::F32, 4, 2, 0, 0, 0, false, true},
                      FileCase{"qwen2_f32", "qwen2", TensorType::F32, 4, 2},
                      FileCase{"qwen2_bf16", "qwen2", TensorType::BF16, 4, 1, 0, 0, 0, false, false,
                               matmul_default_path() == MatmulPath::Avx512Bf16 ? 2e-2 : 1e-5},
                      FileCase{"sigma_augq", "sigma", TensorType::F32, 8, 1, 4, 64, 8},
                      FileCase{"sigma_q8_0", "sigma", TensorType::Q8_0, 8, 2, 4, 64, 8, false, false, 5e-2},
                      FileCase{"sigma_half_k", "sigma", TensorType::F32, 4, 1, 2, 0, 16, true},
                      FileCase{"sigma_6_3_2", "sigma", TensorType::F32, 6, 3, 2, 32, 8}),
    [](const ::testing::TestParamInfo<FileCase>& info) { return info.param.name; });

TEST(ForwardFile, ContextLongerThanTheModelsIsRejected) {
    auto model = write_and_load(FileCase{"ctx", "llama"});
    ASSERT_TRUE(model);
    ContextParams p;
    p.n_ctx = 129;
    auto ctx = Context::create(model, p);
    ASSERT_FALSE(ctx.ok());
    EXPECT_NE(ctx.error().message.find("129"), std::string::npos);
    EXPECT_NE(ctx.error().message.find("128"), std::string::npos);
}

TEST(ForwardFile, ContextKeepsTheModelAlive) {
    std::unique_ptr<Context> ctx;
    {
        auto model = write_and_load(FileCase{"alive", "sigma", TensorType::F16, 8, 1, 4, 64, 8});
        ASSERT_TRUE(model);
        ContextParams p;
        p.n_ctx = 32;
        auto c = Context::create(model, p);
        ASSERT_TRUE(c.ok());
        ctx = std::move(c.value());
    }
    GenerateParams g;
    g.n_predict = 5;
    g.sampler.temperature = 0.0f;
    int n = 0;
    auto r = generate(*ctx, std::vector<int32_t>{1, 50, 60}, g, nullptr, [&](int32_t) { return ++n > 0; });
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(n, 5);
}

}  // namespace
}  // namespace sigma
