// sigma bench's library: argument parsing, the byte accounting of a decode step, and a short run on a
// tiny generated model producing one result per test. Never asserts on speeds.
// Not the CLI's printing beyond the shape of its JSON and table lines.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <unistd.h>

#include "inference/bench.h"
#include "inference/gguf.h"
#include "inference/model.h"
#include "inference/tensor_types.h"
#include "tools/mkmodel/mkmodel.h"

namespace sigma {
namespace {

std::shared_ptr<const Model> tiny_model(const std::string& type, bool tied) {
    const std::string path =
        (std::filesystem::temp_directory_path() / ("sigma_bench_" + std::to_string(::getpid()) + type + ".gguf"))
            .string();
    std::vector<std::string> a{"-o",    path,  "--layers", "3",   "--hidden", "256", "--heads", "4", "--heads-k", "2",
                               "--ffn", "512", "--ctx",    "256", "--vocab",  "300", "--type",  type};
    if (tied) a.push_back("--tied");
    auto o = mkmodel::parse_args(a);
    EXPECT_TRUE(o.ok());
    EXPECT_TRUE(mkmodel::write_model(*o).ok());
    auto m = Model::load(path);
    std::filesystem::remove(path);
    EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
    return m.ok() ? *m : nullptr;
}

TEST(BenchArgs, DefaultsAndEveryOption) {
    auto o = parse_bench_args({"-m", "x.gguf"});
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(o->n_prompt, 128);
    EXPECT_EQ(o->n_gen, 32);
    EXPECT_EQ(o->depth, 0);
    EXPECT_EQ(o->reps, 3);
    EXPECT_FALSE(o->json);
    o = parse_bench_args({"-m", "y", "-p", "64", "-n", "16", "-d", "4096", "-t", "1", "-r", "5", "--json"});
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(o->model_path, "y");
    EXPECT_EQ(o->n_prompt, 64);
    EXPECT_EQ(o->n_gen, 16);
    EXPECT_EQ(o->depth, 4096);
    EXPECT_EQ(o->threads, 1);
    EXPECT_EQ(o->reps, 5);
    EXPECT_TRUE(o->json);
}

TEST(BenchArgs, ErrorsNameTheOption) {
    EXPECT_NE(parse_bench_args({}).error().message.find("-m FILE"), std::string::npos);
    EXPECT_NE(parse_bench_args({"-m", "x", "-p", "ten"}).error().message.find("-p: 'ten'"), std::string::npos);
    EXPECT_NE(parse_bench_args({"-m", "x", "-t", "0"}).error().message.find("-t: '0'"), std::string::npos);
    EXPECT_NE(parse_bench_args({"-m", "x", "-r"}).error().message.find("-r needs a value"), std::string::npos);
    EXPECT_NE(parse_bench_args({"-m", "x", "--fast"}).error().message.find("'--fast'"), std::string::npos);
    EXPECT_FALSE(parse_bench_args({"-m", "x", "-p", "0", "-n", "0"}).ok());
}

TEST(BenchBytes, WeightsOnceEmbeddingOneRowPlusKvAtDepth) {
    for (bool tied : {false, true}) {
        auto model = tiny_model("q4_k_m", tied);
        ASSERT_TRUE(model);
        const ModelConfig& c = model->config();
        uint64_t all = 0, embd = 0;
        for (const TensorView& t : model->gguf().tensors()) {
            all += t.nbytes;
            if (t.name == "token_embd.weight") embd = t.nbytes;
        }
        const uint64_t embd_row = row_bytes(model->weights().token_embd->type, c.n_embd);
        const DecodeBytes at0 = decode_bytes_per_token(c, model->weights(), KvType::F16, 0);
        EXPECT_EQ(at0.weights, tied ? all : all - embd + embd_row) << tied;
        EXPECT_EQ(at0.kv, 0u);
        const DecodeBytes at100 = decode_bytes_per_token(c, model->weights(), KvType::F16, 100);
        // 3 layers x 100 positions x (2 K heads x 64 + 2 V heads x 64) x 2 bytes
        EXPECT_EQ(at100.kv, 3u * 100u * (2u * 64u + 2u * 64u) * 2u);
        EXPECT_EQ(decode_bytes_per_token(c, model->weights(), KvType::F32, 100).kv, 2 * at100.kv);
        EXPECT_EQ(at100.total(), at100.weights + at100.kv);
        const uint64_t params = parameter_count(model->weights());
        EXPECT_EQ(params, 300u * 256u * (tied ? 1u : 2u) + 256u +
                              3u * (2u * 256u + 256u * 256u + 2u * 256u * 128u + 256u * 256u + 3u * 256u * 512u));
    }
}

TEST(BenchStats, MeanAndSampleStddev) {
    double mean = 0, sd = 0;
    mean_and_stddev({2.0, 4.0, 6.0}, mean, sd);
    EXPECT_DOUBLE_EQ(mean, 4.0);
    EXPECT_DOUBLE_EQ(sd, 2.0);
    mean_and_stddev({5.0}, mean, sd);
    EXPECT_DOUBLE_EQ(mean, 5.0);
    EXPECT_EQ(sd, 0.0);
}

TEST(BenchRun, OneResultPerTestWithItsAccounting) {
    auto model = tiny_model("q8_0", false);
    ASSERT_TRUE(model);
    auto o = parse_bench_args({"-m", "unused", "-p", "5", "-n", "3", "-d", "7", "-t", "2", "-r", "2"});
    ASSERT_TRUE(o.ok());
    auto results = run_bench(model, *o, 10.0);
    ASSERT_TRUE(results.ok()) << results.error().message;
    ASSERT_EQ(results->size(), 2u);
    const BenchResult& pp = (*results)[0];
    const BenchResult& tg = (*results)[1];
    EXPECT_EQ(pp.test, "pp5");
    EXPECT_EQ(tg.test, "tg3");
    EXPECT_EQ(tg.depth, 7);
    EXPECT_EQ(tg.threads, 2);
    EXPECT_EQ(tg.model_bytes, model->file_bytes());
    EXPECT_TRUE(std::isfinite(tg.tokens_per_s));
    EXPECT_EQ(tg.bytes_per_token,
              decode_bytes_per_token(model->config(), model->weights(), KvType::F16, 7 + 1).total());
    EXPECT_DOUBLE_EQ(tg.achieved_gbps, static_cast<double>(tg.bytes_per_token) * tg.tokens_per_s / 1e9);
    EXPECT_DOUBLE_EQ(tg.bandwidth_share, tg.achieved_gbps / 10.0);
    EXPECT_EQ(pp.bytes_per_token, 0u);
    const std::string json = bench_json_line(tg, "m\"x");
    for (const char* key : {"\"test\": \"tg3\"", "\"tokens_per_s\":", "\"stddev\":", "\"threads\": 2",
                            "\"backend\": \"cpu\"", "\"model_bytes\":", "\"depth\": 7", "\"model\": \"m\\\"x\""})
        EXPECT_NE(json.find(key), std::string::npos) << key << " in " << json;
    EXPECT_NE(bench_table_row(tg, "m").find("tg3 @ d7"), std::string::npos);
    // A context longer than the model allows is an error, not a crash.
    o->depth = 252;  // 252 + 5 > the model's 256
    EXPECT_FALSE(run_bench(model, *o, 0).ok());
}

TEST(BenchBandwidth, ProbeReturnsARateAndRefusesNonsense) {
    EXPECT_GT(measure_read_bandwidth_gbps(2, 1 << 20, 1), 0.0);
    EXPECT_EQ(measure_read_bandwidth_gbps(0, 1 << 20, 1), 0.0);
    EXPECT_EQ(measure_read_bandwidth_gbps(2, 16, 1), 0.0);
}

}  // namespace
}  // namespace sigma
