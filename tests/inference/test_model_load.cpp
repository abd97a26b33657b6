// Model::load over generated files: each architecture and variant yields the right config and
// weight bindings; damaged files (missing or misshapen tensors, unknown arch, unsupported type) give
// errors naming the problem. Not a forward-pass test: no weight values are used.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <unistd.h>

#include "inference/gguf.h"
#include "inference/gguf_writer.h"
#include "inference/model.h"
#include "inference/tensor_types.h"
#include "tools/mkmodel/mkmodel.h"

using namespace sigma;

namespace {

std::string temp_path(const std::string& name) {
    return (std::filesystem::temp_directory_path() / ("sigma_model_" + std::to_string(::getpid()) + "_" + name))
        .string();
}

// A small model: 2 layers, hidden 64, 4 heads, synthetic vocabulary of 300.
mkmodel::Options small(const std::string& arch) {
    mkmodel::Options o;
    o.arch = arch;
    o.layers = 2;
    o.hidden = 64;
    o.heads = 4;
    o.ffn = 96;
    o.ctx = 512;
    o.vocab = 300;
    o.seed = 7;
    return o;
}

std::shared_ptr<const Model> load_ok(mkmodel::Options o, const std::string& name) {
    o.output = temp_path(name);
    Status st = mkmodel::write_model(o);
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
    auto m = Model::load(o.output);
    std::filesystem::remove(o.output);
    EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
    return m.ok() ? m.value() : nullptr;
}

// Rewrites a generated model through `edit`, which may change metadata or replace tensors.
struct Edit {
    std::function<void(GgufWriter&)> metadata;
    // Returns false to drop the tensor; may add a replacement itself.
    std::function<bool(GgufWriter&, const TensorView&)> tensor;
};

Error load_error(const mkmodel::Options& base, const Edit& edit) {
    mkmodel::Options o = base;
    o.output = temp_path("src.gguf");
    EXPECT_TRUE(mkmodel::write_model(o).ok());
    auto src = GgufFile::open(o.output);
    EXPECT_TRUE(src.ok());
    GgufWriter w;
    for (const GgufKeyValue& kv : (*src)->metadata()) w.set(kv);
    if (edit.metadata) edit.metadata(w);
    for (const TensorView& t : (*src)->tensors()) {
        if (edit.tensor && !edit.tensor(w, t)) continue;
        std::vector<int64_t> shape(t.ne.begin(), t.ne.begin() + t.n_dims);
        EXPECT_TRUE(w.add_tensor(t.name, t.type, shape, t.data, t.nbytes).ok());
    }
    const std::string out = temp_path("edited.gguf");
    EXPECT_TRUE(w.write(out).ok());
    auto m = Model::load(out);
    std::filesystem::remove(o.output);
    std::filesystem::remove(out);
    EXPECT_FALSE(m.ok()) << "the edited model loaded";
    return m.ok() ? Error{} : m.error();
}

// Replaces tensor `name` with zero bytes of another type or shape.
Edit replace(const std::string& name, TensorType type, std::vector<int64_t> shape) {
    Edit e;
    e.tensor = [=](GgufWriter& w, const TensorView& t) {
        if (t.name != name) return true;
        int64_t rows = 1;
        for (size_t d = 1; d < shape.size(); ++d) rows *= shape[d];
        std::vector<uint8_t> zeros(row_bytes(type, shape[0]) * static_cast<size_t>(rows));
        EXPECT_TRUE(w.add_tensor(name, type, shape, zeros.data(), zeros.size()).ok());
        return false;
    };
    return e;
}

}  // namespace

TEST(ModelLoad, LlamaConfigAndWeights) {
    mkmodel::Options o = small("llama");
    o.heads_k = 2;
    o.rope_theta = 500000.0;
    auto m = load_ok(o, "llama.gguf");
    ASSERT_TRUE(m);
    const ModelConfig& c = m->config();
    EXPECT_EQ(c.arch, Arch::Llama);
    EXPECT_EQ(c.arch_name, "llama");
    EXPECT_EQ(c.n_layer, 2);
    EXPECT_EQ(c.n_embd, 64);
    EXPECT_EQ(c.n_ff, 96);
    EXPECT_EQ(c.heads.n_q, 4);
    EXPECT_EQ(c.heads.n_k, 2);
    EXPECT_EQ(c.heads.n_v, 2);
    EXPECT_EQ(c.d_k, 16);
    EXPECT_EQ(c.d_k_cache, 16);
    EXPECT_EQ(c.d_v, 16);
    EXPECT_EQ(c.d_aug, 0);
    EXPECT_FALSE(c.half_k);
    EXPECT_EQ(c.n_vocab, 300);
    EXPECT_EQ(c.n_ctx_train, 512);
    EXPECT_FLOAT_EQ(c.rms_eps, 1e-5f);
    EXPECT_FLOAT_EQ(c.rope_theta, 500000.0f);
    EXPECT_EQ(c.rope_style, RopeStyle::Normal);
    EXPECT_FALSE(c.qkv_bias);
    EXPECT_FALSE(c.tied_output);
    const ModelWeights& w = m->weights();
    ASSERT_EQ(w.layers.size(), 2u);
    ASSERT_NE(w.output, nullptr);
    EXPECT_NE(w.output, w.token_embd);
    EXPECT_EQ(w.output->name, "output.weight");
    EXPECT_EQ(w.layers[1].wk->name, "blk.1.attn_k.weight");
    EXPECT_EQ(w.layers[1].wk->ne[1], 32);
    EXPECT_EQ(w.layers[0].wo->ne[0], 64);
    EXPECT_EQ(w.layers[0].bq, nullptr);
    EXPECT_EQ(w.layers[0].q_gate, nullptr);
    EXPECT_EQ(w.layers[0].k_up, nullptr);
    EXPECT_NE(w.layers[0].ffn_down, nullptr);
    EXPECT_GT(m->file_bytes(), 0u);
}

TEST(ModelLoad, TiedOutputSharesTokenEmbedding) {
    mkmodel::Options o = small("llama");
    o.tied = true;
    auto m = load_ok(o, "tied.gguf");
    ASSERT_TRUE(m);
    EXPECT_TRUE(m->config().tied_output);
    EXPECT_EQ(m->weights().output, m->weights().token_embd);
}

TEST(ModelLoad, Qwen2HasBiasesAndNeoxRope) {
    auto m = load_ok(small("qwen2"), "qwen2.gguf");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->config().arch, Arch::Qwen2);
    EXPECT_EQ(m->config().rope_style, RopeStyle::NeoX);
    EXPECT_TRUE(m->config().qkv_bias);
    EXPECT_FLOAT_EQ(m->config().rms_eps, 1e-6f);
    ASSERT_NE(m->weights().layers[1].bk, nullptr);
    EXPECT_EQ(m->weights().layers[1].bk->ne[0], 64);
    EXPECT_EQ(m->weights().layers[1].bk->type, TensorType::F32);
}

TEST(ModelLoad, SigmaWithAugQ) {
    mkmodel::Options o = small("sigma");
    o.heads_k = 1;
    o.heads_v = 2;
    o.augq = 48;
    auto m = load_ok(o, "sigma_augq.gguf");
    ASSERT_TRUE(m);
    const ModelConfig& c = m->config();
    EXPECT_EQ(c.arch, Arch::Sigma);
    EXPECT_EQ(c.rope_style, RopeStyle::Normal);
    EXPECT_EQ(c.heads.n_k, 1);
    EXPECT_EQ(c.heads.n_v, 2);
    EXPECT_EQ(c.d_aug, 48);
    const LayerWeights& l = m->weights().layers[0];
    ASSERT_NE(l.q_gate, nullptr);
    EXPECT_EQ(l.q_gate->ne[0], 64);
    EXPECT_EQ(l.q_gate->ne[1], 48);
    EXPECT_EQ(l.q_down->ne[0], 48);
    EXPECT_EQ(l.q_down->ne[1], 64);
    EXPECT_EQ(l.wk->ne[1], 16);
    EXPECT_EQ(l.wv->ne[1], 32);
}

TEST(ModelLoad, SigmaWithoutAugQ) {
    mkmodel::Options o = small("sigma");
    o.heads_k = 2;
    o.heads_v = 4;
    auto m = load_ok(o, "sigma_plain.gguf");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->config().d_aug, 0);
    EXPECT_EQ(m->weights().layers[0].q_gate, nullptr);
    EXPECT_EQ(m->weights().layers[0].q_down, nullptr);
}

TEST(ModelLoad, SigmaHalfK) {
    mkmodel::Options o = small("sigma");
    o.heads_k = 1;
    o.heads_v = 4;
    o.half_k = true;
    auto m = load_ok(o, "sigma_halfk.gguf");
    ASSERT_TRUE(m);
    const ModelConfig& c = m->config();
    EXPECT_TRUE(c.half_k);
    EXPECT_EQ(c.d_v, 16);
    EXPECT_EQ(c.d_k, 16);
    EXPECT_EQ(c.d_k_cache, 8);
    const LayerWeights& l = m->weights().layers[1];
    ASSERT_NE(l.k_up, nullptr);
    EXPECT_EQ(l.k_up->ne[0], 8);
    EXPECT_EQ(l.k_up->ne[1], 16);
    EXPECT_EQ(l.wk->ne[1], 8);
    EXPECT_EQ(l.wq->ne[1], 64);
}

TEST(ModelLoad, SigmaOddHeadCounts) {
    mkmodel::Options o = small("sigma");
    o.hidden = 96;
    o.heads = 6;
    o.heads_k = 3;
    o.heads_v = 2;
    o.augq = 40;
    auto m = load_ok(o, "sigma_odd.gguf");
    ASSERT_TRUE(m);
    const ModelConfig& c = m->config();
    EXPECT_EQ(c.heads.n_q, 6);
    EXPECT_EQ(c.heads.n_k, 3);
    EXPECT_EQ(c.heads.n_v, 2);
    EXPECT_EQ(c.d_k, 16);
    EXPECT_EQ(c.heads.k_head(5), 2);
    EXPECT_EQ(c.heads.v_head(2), 0);
    EXPECT_EQ(c.heads.v_head(3), 1);
    EXPECT_EQ(m->weights().layers[0].wv->ne[1], 32);
}

TEST(ModelLoad, EveryComputeTypeLoads) {
    for (TensorType t : {TensorType::F16, TensorType::BF16, TensorType::Q8_0}) {
        SCOPED_TRACE(type_name(t));
        mkmodel::Options o = small("llama");
        o.type = t;
        o.ffn = 128;
        o.heads = 2;
        auto m = load_ok(o, std::string("t_") + type_name(t) + ".gguf");
        ASSERT_TRUE(m);
        EXPECT_EQ(m->weights().layers[0].wq->type, t);
        EXPECT_EQ(m->weights().token_embd->type, t);
        EXPECT_EQ(m->weights().layers[0].attn_norm->type, TensorType::F32);
    }
}

TEST(ModelLoadErrors, MissingTensor) {
    Edit e;
    e.tensor = [](GgufWriter&, const TensorView& t) { return t.name != "blk.1.ffn_up.weight"; };
    Error err = load_error(small("llama"), e);
    EXPECT_EQ(err.code, ErrorCode::Format);
    EXPECT_NE(err.message.find("tensor 'blk.1.ffn_up.weight' is missing (expected shape [64, 96])"), std::string::npos)
        << err.message;
}

TEST(ModelLoadErrors, MissingAugQTensor) {
    mkmodel::Options o = small("sigma");
    o.augq = 32;
    Edit e;
    e.tensor = [](GgufWriter&, const TensorView& t) { return t.name != "blk.0.attn_q_down.weight"; };
    Error err = load_error(o, e);
    EXPECT_NE(err.message.find("'blk.0.attn_q_down.weight' is missing"), std::string::npos) << err.message;
}

TEST(ModelLoadErrors, WrongShapeNamesBothShapes) {
    Error err = load_error(small("llama"), replace("blk.0.attn_k.weight", TensorType::F32, {64, 48}));
    EXPECT_EQ(err.code, ErrorCode::Format);
    EXPECT_NE(err.message.find("tensor 'blk.0.attn_k.weight' has shape [64, 48], expected [64, 64]"), std::string::npos)
        << err.message;
}

TEST(ModelLoadErrors, UnknownArchitecture) {
    Edit e;
    e.metadata = [](GgufWriter& w) { w.set_string("general.architecture", "mamba"); };
    Error err = load_error(small("llama"), e);
    EXPECT_EQ(err.code, ErrorCode::Unsupported);
    EXPECT_NE(err.message.find("architecture 'mamba' is not supported"), std::string::npos) << err.message;
}

TEST(ModelLoadErrors, UnsupportedWeightType) {
    Error err = load_error(small("llama"), replace("blk.1.attn_output.weight", TensorType::Q4_1, {64, 64}));
    EXPECT_EQ(err.code, ErrorCode::Unsupported);
    EXPECT_NE(err.message.find("'blk.1.attn_output.weight' has type q4_1"), std::string::npos) << err.message;
}

TEST(ModelLoadErrors, NormMustBeF32) {
    Error err = load_error(small("llama"), replace("output_norm.weight", TensorType::F16, {64}));
    EXPECT_EQ(err.code, ErrorCode::Unsupported);
    EXPECT_NE(err.message.find("'output_norm.weight' has type f16; norms and biases must be f32"), std::string::npos)
        << err.message;
}

TEST(ModelLoadErrors, MissingOrBadMetadata) {
    Edit missing;
    missing.metadata = [](GgufWriter& w) { w.remove("llama.block_count"); };
    EXPECT_NE(load_error(small("llama"), missing).message.find("metadata 'llama.block_count' is missing"),
              std::string::npos);
    Edit zero_heads;
    zero_heads.metadata = [](GgufWriter& w) { w.set_u32("llama.attention.head_count", 0); };
    EXPECT_NE(load_error(small("llama"), zero_heads).message.find("'llama.attention.head_count' = 0 is outside"),
              std::string::npos);
    Edit too_many_k;
    too_many_k.metadata = [](GgufWriter& w) { w.set_u32("sigma.attention.head_count_k", 5); };
    EXPECT_NE(load_error(small("sigma"), too_many_k).message.find("key heads (5)"), std::string::npos);
    Edit not_multiple;
    not_multiple.metadata = [](GgufWriter& w) { w.set_u32("llama.attention.head_count_kv", 3); };
    EXPECT_NE(load_error(small("llama"), not_multiple).message.find("not a multiple of head_count_kv 3"),
              std::string::npos);
    Edit wrong_type;
    wrong_type.metadata = [](GgufWriter& w) { w.set_string("llama.context_length", "long"); };
    EXPECT_NE(load_error(small("llama"), wrong_type).message.find("'llama.context_length' must be an integer"),
              std::string::npos);
}

TEST(ModelLoadErrors, VocabularyOnlyAndMissingFiles) {
    // A vocabulary-only file (as llama.cpp's ggml-vocab-*.gguf are): a model's metadata, no tensors.
    Edit no_tensors;
    no_tensors.tensor = [](GgufWriter&, const TensorView&) { return false; };
    const Error vocab_only = load_error(small("llama"), no_tensors);
    EXPECT_NE(vocab_only.message.find("token_embd.weight"), std::string::npos) << vocab_only.message;
    auto missing = Model::load("/nonexistent/model.gguf");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::Io);
}

TEST(ModelLoadErrors, SigmaVariantsMustBeConsistent) {
    mkmodel::Options half = small("sigma");
    half.half_k = true;
    Edit wide_keys;
    wide_keys.metadata = [](GgufWriter& w) { w.set_u32("sigma.attention.key_length", 16); };
    EXPECT_NE(load_error(half, wide_keys).message.find("half-K needs key_length = value_length / 2"),
              std::string::npos);

    mkmodel::Options augq = small("sigma");
    augq.augq = 32;
    Edit no_width;
    no_width.metadata = [](GgufWriter& w) { w.set_u32("sigma.attention.augq_length", 0); };
    EXPECT_NE(load_error(augq, no_width)
                  .message.find("'blk.0.attn_q_gate.weight' is present but sigma.attention.augq_length is 0"),
              std::string::npos);

    Edit odd_keys;
    odd_keys.metadata = [](GgufWriter& w) { w.set_u32("sigma.attention.key_length", 15); };
    EXPECT_NE(load_error(small("sigma"), odd_keys).message.find("must be even"), std::string::npos);
}
