// The synthetic cache fill behind `sigma bench --fill synthetic`: Context::fill_synthetic's effect on
// the cache and position, its errors, and the bench option and output that name the fill.
// Not speeds (never asserted) and not prefill's own correctness (test_kv_cache.cpp, test_forward.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <unistd.h>
#include <vector>

#include "inference/bench.h"
#include "inference/context.h"
#include "inference/model.h"
#include "tests/reference/tiny_model.h"
#include "tools/mkmodel/mkmodel.h"

namespace sigma {
namespace {

std::unique_ptr<Context> make_context(const ref::TinyModel& m, int n_ctx, int threads, KvType kv = KvType::F16) {
    ContextParams p;
    p.n_ctx = n_ctx;
    p.n_threads = threads;
    p.kv_type = kv;
    auto ctx = Context::create(m.config, m.weights, p);
    EXPECT_TRUE(ctx.ok()) << (ctx.ok() ? "" : ctx.error().message);
    return ctx.ok() ? std::move(ctx.value()) : nullptr;
}

std::vector<float> cached_k(const Context& ctx, int n_pos) {
    const ModelConfig& c = ctx.config();
    std::vector<float> out;
    std::vector<float> row(static_cast<size_t>(c.d_k_cache));
    for (int l = 0; l < c.n_layer; ++l)
        for (int p = 0; p < n_pos; ++p)
            for (int h = 0; h < c.heads.n_k; ++h) {
                ctx.kv_cache().load_k(row.data(), l, p, h);
                out.insert(out.end(), row.begin(), row.end());
            }
    return out;
}

TEST(FillSynthetic, DecodeAfterFillGivesFiniteLogitsAtTheNextPosition) {
    auto m = ref::make_tiny_model(ref::sigma_spec());  // n_k != n_v, AugQ
    for (KvType kv : {KvType::F16, KvType::F32}) {
        auto ctx = make_context(*m, 64, 2, kv);
        ASSERT_TRUE(ctx);
        ASSERT_TRUE(ctx->fill_synthetic(40, 7).ok());
        EXPECT_EQ(ctx->position(), 40);
        const std::vector<int32_t> one{3};
        auto logits = ctx->decode(one);
        ASSERT_TRUE(logits.ok()) << logits.error().message;
        EXPECT_EQ(ctx->position(), 41);
        int finite = 0;
        float lo = 0, hi = 0;
        for (int i = 0; i < ctx->n_vocab(); ++i) {
            const float v = (*logits)[i];
            if (std::isfinite(v)) ++finite;
            lo = i == 0 ? v : std::min(lo, v);
            hi = i == 0 ? v : std::max(hi, v);
        }
        EXPECT_EQ(finite, ctx->n_vocab());
        EXPECT_LT(lo, hi);  // not a constant vector
    }
}

TEST(FillSynthetic, RowsAreBoundedVariedAndTheSameForAnyThreadCount) {
    auto m = ref::make_tiny_model(ref::sigma_spec());
    auto one = make_context(*m, 32, 1, KvType::F32);
    auto two = make_context(*m, 32, 2, KvType::F32);
    ASSERT_TRUE(one && two);
    ASSERT_TRUE(one->fill_synthetic(20, 99).ok());
    ASSERT_TRUE(two->fill_synthetic(20, 99).ok());
    const std::vector<float> a = cached_k(*one, 20), b = cached_k(*two, 20);
    ASSERT_FALSE(a.empty());
    EXPECT_EQ(a, b);
    double sum = 0;
    for (float v : a) {
        EXPECT_GE(v, -1.0f);
        EXPECT_LT(v, 1.0f);
        sum += v;
    }
    EXPECT_LT(std::abs(sum / static_cast<double>(a.size())), 0.2);  // centred, not all one value
    EXPECT_NE(a.front(), a.back());
    // A different seed gives different rows.
    ASSERT_TRUE(two->fill_synthetic(20, 100).ok());
    EXPECT_NE(cached_k(*two, 20), a);
}

TEST(FillSynthetic, PositionsHoldNoTokenSoNoPrefixIsReused) {
    auto m = ref::make_tiny_model(ref::llama_spec());
    auto ctx = make_context(*m, 32, 2);
    ASSERT_TRUE(ctx);
    ASSERT_TRUE(ctx->fill_synthetic(8, 1).ok());
    ASSERT_EQ(ctx->tokens().size(), 8u);
    for (int32_t t : ctx->tokens()) EXPECT_EQ(t, Context::kSyntheticToken);
    const std::vector<int32_t> prompt(8, 0);
    EXPECT_EQ(ctx->common_prefix(prompt), 0);
    // Refilling replaces what was there: a shorter fill leaves a shorter context.
    ASSERT_TRUE(ctx->fill_synthetic(3, 1).ok());
    EXPECT_EQ(ctx->position(), 3);
}

TEST(FillSynthetic, TooManyPositionsIsAnErrorThatChangesNothing) {
    auto m = ref::make_tiny_model(ref::sigma_spec());
    auto ctx = make_context(*m, 16, 2);
    ASSERT_TRUE(ctx);
    ASSERT_TRUE(ctx->fill_synthetic(16, 5).ok());  // exactly full is allowed
    EXPECT_EQ(ctx->position(), 16);
    ctx->truncate(4);
    auto st = ctx->fill_synthetic(17, 5);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, ErrorCode::InvalidArgument);
    EXPECT_NE(st.error().message.find("17"), std::string::npos) << st.error().message;
    EXPECT_NE(st.error().message.find("16"), std::string::npos) << st.error().message;
    EXPECT_FALSE(ctx->fill_synthetic(-1, 5).ok());
    EXPECT_EQ(ctx->position(), 4);
}

TEST(BenchFillArgs, DefaultIsPrefillAndBadValuesNameTheOption) {
    auto o = parse_bench_args({"-m", "x"});
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(o->fill, BenchFill::Prefill);
    o = parse_bench_args({"-m", "x", "--fill", "synthetic", "-d", "100"});
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(o->fill, BenchFill::Synthetic);
    o = parse_bench_args({"-m", "x", "--fill", "prefill"});
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(o->fill, BenchFill::Prefill);
    auto bad = parse_bench_args({"-m", "x", "--fill", "zeros"});
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("--fill must be prefill or synthetic, got 'zeros'"), std::string::npos)
        << bad.error().message;
    bad = parse_bench_args({"-m", "x", "--fill"});
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("--fill needs a value"), std::string::npos) << bad.error().message;
}

std::shared_ptr<const Model> small_sigma_file() {
    const std::string path =
        (std::filesystem::temp_directory_path() / ("sigma_bench_fill_" + std::to_string(::getpid()) + ".gguf"))
            .string();
    auto o = mkmodel::parse_args({"-o",      path,  "--arch",    "sigma", "--layers",  "2",   "--hidden", "256",
                                  "--heads", "8",   "--heads-k", "2",     "--heads-v", "4",   "--augq",   "128",
                                  "--ffn",   "512", "--ctx",     "128",   "--vocab",   "300", "--type",   "q8_0"});
    EXPECT_TRUE(o.ok()) << (o.ok() ? "" : o.error().message);
    if (!o.ok()) return nullptr;
    EXPECT_TRUE(mkmodel::write_model(*o).ok());
    auto m = Model::load(path);
    std::filesystem::remove(path);
    EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
    return m.ok() ? *m : nullptr;
}

TEST(BenchFillRun, SyntheticDepthIsReportedInTableAndJsonWithGroupedKvBytes) {
    auto model = small_sigma_file();
    ASSERT_TRUE(model);
    auto o = parse_bench_args({"-m", "unused", "-p", "0", "-n", "4", "-d", "100", "-r", "1", "--fill", "synthetic"});
    ASSERT_TRUE(o.ok());
    auto results = run_bench(model, *o, 0);
    ASSERT_TRUE(results.ok()) << results.error().message;
    ASSERT_EQ(results->size(), 1u);
    const BenchResult& tg = results->front();
    EXPECT_EQ(tg.fill, "synthetic");
    EXPECT_EQ(tg.depth, 100);
    EXPECT_TRUE(std::isfinite(tg.tokens_per_s));
    EXPECT_GT(tg.tokens_per_s, 0.0);
    // K is read once per K head and V once per V head, whatever the query head count:
    // 2 layers x 102 positions (depth + n_gen / 2) x (2 x 32 + 4 x 32) elements x 2 bytes (f16).
    const ModelConfig& c = model->config();
    EXPECT_EQ(c.heads.n_k, 2);
    EXPECT_EQ(c.heads.n_v, 4);
    EXPECT_EQ(decode_bytes_per_token(c, model->weights(), KvType::F16, 102).kv, 2u * 102u * (2u * 32u + 4u * 32u) * 2u);
    EXPECT_EQ(tg.bytes_per_token, decode_bytes_per_token(c, model->weights(), KvType::F16, 102).total());
    const std::string json = bench_json_line(tg, "m");
    EXPECT_NE(json.find("\"fill\": \"synthetic\""), std::string::npos) << json;
    EXPECT_NE(bench_table_row(tg, "m").find("tg4 @ d100 (synthetic)"), std::string::npos) << bench_table_row(tg, "m");

    o->fill = BenchFill::Prefill;
    results = run_bench(model, *o, 0);
    ASSERT_TRUE(results.ok()) << results.error().message;
    EXPECT_NE(bench_json_line(results->front(), "m").find("\"fill\": \"prefill\""), std::string::npos);
    EXPECT_EQ(bench_table_row(results->front(), "m").find("synthetic"), std::string::npos);
}

}  // namespace
}  // namespace sigma
