// Model files that must be refused or stopped: a named pipe (or a directory) given as the model is
// refused at once with an error naming what it is, never waited on; a model whose weights hold NaN
// or infinite values loads (shapes are fine) but generation stops with an error naming the bad
// logits instead of sampling garbage tokens.
// Not the GGUF corruption corpus: test_gguf_corrupt.cpp covers malformed bytes.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <limits>
#include <vector>

#include "inference/context.h"
#include "inference/generate.h"
#include "inference/gguf.h"
#include "inference/model.h"
#include "tools/mkmodel/mkmodel.h"

using namespace sigma;

namespace {

std::string temp_path(const std::string& name) {
    return (std::filesystem::temp_directory_path() / ("sigma_file_checks_" + std::to_string(::getpid()) + "_" + name))
        .string();
}

// Runs `open` on another thread; if it has not returned within a few seconds it is stuck in open(),
// so a writer is attached to release it and the test fails.
template <typename Open>
auto open_without_waiting(const std::string& fifo, Open open) {
    auto result = std::async(std::launch::async, open);
    if (result.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
        ADD_FAILURE() << "opening the named pipe " << fifo << " waited for a writer";
        const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
        if (fd >= 0) ::close(fd);
    }
    return result.get();
}

TEST(ModelFileChecks, NamedPipeIsRefusedWithoutWaiting) {
    const std::string fifo = temp_path("model.fifo");
    std::filesystem::remove(fifo);
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0) << std::strerror(errno);

    const auto started = std::chrono::steady_clock::now();
    auto file = open_without_waiting(fifo, [&] { return GgufFile::open(fifo); });
    ASSERT_FALSE(file.ok());
    EXPECT_EQ(file.error().code, ErrorCode::Io);
    EXPECT_NE(file.error().message.find("named pipe"), std::string::npos) << file.error().message;
    EXPECT_NE(file.error().message.find(fifo), std::string::npos) << file.error().message;

    auto model = open_without_waiting(fifo, [&] { return Model::load(fifo); });
    ASSERT_FALSE(model.ok());
    EXPECT_NE(model.error().message.find("not a regular file"), std::string::npos) << model.error().message;
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
    std::filesystem::remove(fifo);
}

TEST(ModelFileChecks, DirectoryAndMissingFileAreNamed) {
    const std::string dir = temp_path("model_dir.gguf");
    std::filesystem::create_directories(dir);
    auto d = Model::load(dir);
    ASSERT_FALSE(d.ok());
    EXPECT_NE(d.error().message.find("is a directory"), std::string::npos) << d.error().message;
    std::filesystem::remove(dir);

    auto missing = Model::load(temp_path("missing.gguf"));
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().message.find("cannot open"), std::string::npos) << missing.error().message;
}

// A small model whose output_norm.weight (F32) is all `value`.
std::string model_with_poisoned_norm(const std::string& name, float value) {
    mkmodel::Options o;
    o.output = temp_path(name);
    o.arch = "llama";
    o.layers = 1;
    o.hidden = 64;
    o.heads = 4;
    o.ffn = 96;
    o.ctx = 128;
    o.vocab = 300;
    o.seed = 3;
    const Status st = mkmodel::write_model(o);
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);

    std::vector<char> bytes;
    {
        std::ifstream in(o.output, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    size_t offset = 0, count = 0;
    {
        auto parsed = GgufFile::parse(bytes.data(), bytes.size());
        EXPECT_TRUE(parsed.ok());
        if (!parsed.ok()) return o.output;
        const TensorView* t = (*parsed)->find_tensor("output_norm.weight");
        EXPECT_TRUE(t != nullptr && t->type == TensorType::F32);
        if (t == nullptr) return o.output;
        offset = static_cast<size_t>(static_cast<const char*>(t->data) - bytes.data());
        count = static_cast<size_t>(t->elements());
    }
    for (size_t k = 0; k < count; ++k) std::memcpy(bytes.data() + offset + k * sizeof(float), &value, sizeof(float));
    std::ofstream out(o.output, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return o.output;
}

void expect_generation_refused(float value, const char* word) {
    const std::string path = model_with_poisoned_norm(std::string("poisoned_") + word + ".gguf", value);
    auto model = Model::load(path);
    std::filesystem::remove(path);
    ASSERT_TRUE(model.ok()) << model.error().message;  // the shapes are fine: loading succeeds
    ContextParams params;
    params.n_ctx = 64;
    auto ctx = Context::create(*model, params);
    ASSERT_TRUE(ctx.ok()) << ctx.error().message;
    const std::vector<int32_t> prompt = {1, 20, 30, 40};
    GenerateParams gp;
    gp.n_predict = 8;
    gp.sampler.temperature = 0.0f;
    int tokens = 0;
    auto result = generate(**ctx, prompt, gp, nullptr, [&](int32_t) {
        ++tokens;
        return true;
    });
    ASSERT_FALSE(result.ok()) << "generation with " << word << " weights succeeded";
    EXPECT_EQ(tokens, 0) << "tokens were sampled from " << word << " logits";
    EXPECT_NE(result.error().message.find("logit"), std::string::npos) << result.error().message;
    EXPECT_NE(result.error().message.find("corrupt"), std::string::npos) << result.error().message;
}

TEST(ModelFileChecks, NanWeightsStopGenerationWithAClearError) {
    expect_generation_refused(std::numeric_limits<float>::quiet_NaN(), "NaN");
}

TEST(ModelFileChecks, InfiniteWeightsStopGenerationWithAClearError) {
    expect_generation_refused(std::numeric_limits<float>::infinity(), "infinite");
}

}  // namespace
