// The engine against llama.cpp: a random-weight llama model (F16 from sigma-mkmodel with a real
// vocabulary; Q8_0, Q4_K_M and BF16 written by llama.cpp's own quantiser) must pick llama.cpp's greedy
// tokens step for step, and its logits must agree with llama.cpp's within a stated tolerance.
// Not a speed test and not a tokenizer test: the engine's prompt ids go to llama.cpp unchanged.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/domain/json_parse.h"
#include "inference/context.h"
#include "inference/generate.h"
#include "inference/model.h"
#include "inference/tokenizer.h"
#include "tools/mkmodel/mkmodel.h"

namespace fs = std::filesystem;
using nlohmann::ordered_json;
using sigma::domain::json_array;

namespace {

constexpr int kSteps = 24;            // greedy steps compared per model
constexpr int kMinDecisiveSteps = 8;  // steps whose top-2 gap exceeds the margin: the test must decide something
constexpr int kThreads = 2;
constexpr const char* kPrompt = "The quick brown fox jumps over the lazy dog. Once upon a time, in a land far away,";

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// Runs a shell command; returns its exit status, stdout in *out and stderr in *err.
int run(const std::string& cmd, std::string* out, std::string* err) {
    const fs::path err_file = fs::temp_directory_path() / ("sigma-llama-oracle-" + std::to_string(::getpid()) + ".err");
    FILE* p = popen((cmd + " 2>" + shell_quote(err_file.string())).c_str(), "r");
    if (!p) return -1;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out->append(buf, n);
    const int status = pclose(p);
    std::ifstream e(err_file);
    std::stringstream ss;
    ss << e.rdbuf();
    *err = ss.str();
    std::error_code ec;
    fs::remove(err_file, ec);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool have_command(const char* name) {
    std::string out, err;
    return run(std::string("command -v ") + name + " >/dev/null", &out, &err) == 0;
}

// The npm folder: $SIGMA_LLAMA_ORACLE, else the source tree's tools/.deps/llama-oracle.
std::string oracle_dir() {
    std::vector<std::string> candidates;
    if (const char* env = std::getenv("SIGMA_LLAMA_ORACLE"); env && *env) candidates.push_back(env);
    candidates.push_back(std::string(SIGMA_SOURCE_DIR) + "/tools/.deps/llama-oracle");
    for (const std::string& c : candidates) {
        std::error_code ec;
        if (fs::exists(c + "/node_modules/node-llama-cpp/package.json", ec) &&
            fs::exists(c + "/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64", ec)) {
            return c;
        }
    }
    return {};
}

struct Step {
    int32_t top1 = -1, top2 = -1;
    float top1_logit = 0, top2_logit = 0;
    float forced_logit = NAN;  // llama.cpp's logit for the engine's token at this step
};

// The oracle's steps, teacher-forced on the engine's tokens; empty with *error set on failure.
std::vector<Step> oracle_steps(const std::string& dir, const std::string& model, const std::vector<int32_t>& prompt,
                               const std::vector<int32_t>& tokens, std::string* error) {
    auto join = [](const std::vector<int32_t>& v, size_t n) {
        std::string s;
        for (size_t i = 0; i < n; ++i) s += (i ? "," : "") + std::to_string(v[i]);
        return s;
    };
    const std::string script = std::string(SIGMA_SOURCE_DIR) + "/tools/oracle/llama_greedy.mjs";
    const std::string cmd = "SIGMA_LLAMA_ORACLE=" + shell_quote(dir) + " node " + shell_quote(script) + " -m " +
                            shell_quote(model) + " --ids " + join(prompt, prompt.size()) + " --force " +
                            join(tokens, tokens.size()) + " -n " + std::to_string(tokens.size()) + " --threads " +
                            std::to_string(kThreads);
    std::string out, err;
    if (const int rc = run(cmd, &out, &err); rc != 0) {
        *error = "oracle exited with " + std::to_string(rc) + ": " + err;
        return {};
    }
    std::string parse_error;
    auto json = sigma::domain::parse_json(out, &parse_error);
    if (!json) {
        *error = "oracle output is not JSON (" + parse_error + "): " + out.substr(0, 200);
        return {};
    }
    std::vector<Step> steps;
    for (const ordered_json& s : json_array(*json, "steps")) {
        const auto& top = json_array(s, "top");
        // Each of the two: [token id, logit].
        auto pair_ok = [](const ordered_json& p) {
            return p.is_array() && p.size() == 2 && p[0].is_number() && p[1].is_number();
        };
        if (top.size() != 2 || !pair_ok(top[0]) || !pair_ok(top[1])) {
            *error = "an oracle step lacks its top-2 logits";
            return {};
        }
        Step step;
        step.top1 = static_cast<int32_t>(sigma::domain::json_as_int(top[0][0]));
        step.top1_logit = top[0][1].get<float>();
        step.top2 = static_cast<int32_t>(sigma::domain::json_as_int(top[1][0]));
        step.top2_logit = top[1][1].get<float>();
        if (const ordered_json* f = sigma::domain::json_find(s, "forced");
            f && sigma::domain::json_member(*f, "logit").is_number()) {
            step.forced_logit = static_cast<float>(sigma::domain::json_double(*f, "logit"));
        }
        steps.push_back(step);
    }
    if (steps.size() != tokens.size()) *error = "oracle gave " + std::to_string(steps.size()) + " steps";
    return steps;
}

struct Report {
    std::string error;  // the comparison could not run
    int matched = 0, decisive = 0;
    float max_logit_diff = 0.0f;
    std::vector<std::string> violations;  // steps where the engines disagree beyond the stated margins
    std::vector<int32_t> tokens;          // the engine's greedy tokens
    std::string text;                     // and their text, as a continuation of the prompt
    Report& fail(std::string message) {
        error = std::move(message);
        return *this;
    }
};

class LlamaGreedy : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        skip_reason_.clear();
        setup_error_.clear();
        oracle_ = oracle_dir();
        const std::string vocab = std::string(SIGMA_SHARED_DIR) + "/vocab/ggml-vocab-llama-spm.gguf";
        if (oracle_.empty()) {
            skip_reason_ = "the llama.cpp oracle is not installed (tools/test.sh installs it from npm)";
        } else if (!have_command("node") || !have_command("python3")) {
            skip_reason_ = "node and python3 are needed to run the llama.cpp oracle";
        } else if (!fs::exists(vocab)) {
            skip_reason_ = "no vocabulary at " + vocab;
        }
        if (!skip_reason_.empty()) return;

        dir_ = fs::temp_directory_path() / ("sigma-llama-greedy-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
        sigma::mkmodel::Options o;
        o.output = (dir_ / "f16.gguf").string();
        o.arch = "llama";
        o.layers = 2;
        o.hidden = 256;  // K-quant rows need multiples of 256
        o.heads = 4;
        o.heads_k = 2;  // grouped-query attention, as llama.cpp reads head_count_kv
        o.ffn = 512;
        o.ctx = 256;
        o.vocab_from = vocab;
        o.type = sigma::TensorType::F16;
        o.seed = 7;
        if (auto st = sigma::mkmodel::write_model(o); !st) {
            setup_error_ = "sigma-mkmodel: " + st.error().message;
            return;
        }
        o.output = (dir_ / "other.gguf").string();  // the negative control: same shape, other weights
        o.seed = 8;
        if (auto st = sigma::mkmodel::write_model(o); !st) {
            setup_error_ = "sigma-mkmodel: " + st.error().message;
            return;
        }
        o.output = (dir_ / "f16.gguf").string();
        const std::string quantize = std::string(SIGMA_SOURCE_DIR) + "/tools/oracle/llama_quantize.py";
        for (const char* type : {"q8_0", "q4_k_m", "bf16"}) {
            std::string out, err;
            const std::string dst = (dir_ / (std::string(type) + ".gguf")).string();
            const std::string cmd = "SIGMA_LLAMA_ORACLE_LIB=" +
                                    shell_quote(oracle_ + "/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64") +
                                    " python3 " + shell_quote(quantize) + " " + shell_quote(o.output) + " " +
                                    shell_quote(dst) + " " + type;
            if (run(cmd, &out, &err) != 0) {
                setup_error_ = std::string("llama.cpp could not quantise to ") + type + ": " + err;
                return;
            }
        }
    }

    static void TearDownTestSuite() {
        std::error_code ec;
        if (!dir_.empty()) fs::remove_all(dir_, ec);
    }

    void SetUp() override {
        if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
        ASSERT_TRUE(setup_error_.empty()) << setup_error_;
    }

    // Greedy generation by the engine on `file`, then llama.cpp's steps on `oracle_file` fed the
    // engine's tokens. A step may pick a different token only where llama.cpp itself scores the
    // engine's token within `margin` of its best (a near-tie); a compared logit that differs by
    // `logit_tolerance` or more is a violation too.
    Report compare(const std::string& file, const std::string& oracle_file, float margin, float logit_tolerance) {
        Report r;
        const std::string path = (dir_ / file).string();
        auto model = sigma::Model::load(path);
        if (!model) return r.fail(model.error().message);
        auto tokenizer = sigma::Tokenizer::from_gguf((*model)->gguf());
        if (!tokenizer) return r.fail(tokenizer.error().message);
        const std::vector<int32_t> prompt = (*tokenizer)->encode(kPrompt, /*add_special=*/true, /*parse_special=*/true);
        if (prompt.size() < 10) return r.fail("the prompt gave too few tokens");

        sigma::ContextParams cp;
        cp.n_ctx = 256;
        cp.n_threads = kThreads;
        auto ctx = sigma::Context::create(*model, cp);
        if (!ctx) return r.fail(ctx.error().message);
        sigma::GenerateParams gp;
        gp.n_predict = kSteps;
        gp.sampler.temperature = 0.0f;  // greedy: argmax, lower id on a tie
        gp.stop_on_eog = false;         // llama.cpp's steps do not stop either
        std::vector<int32_t> tokens;
        auto stats = sigma::generate(
            **ctx, prompt, gp, [](int32_t) { return false; },
            [&](int32_t id) {
                tokens.push_back(id);
                return true;
            });
        if (!stats) return r.fail(stats.error().message);
        if (tokens.size() != static_cast<size_t>(kSteps))
            return r.fail("the engine generated " + std::to_string(tokens.size()) + " tokens");
        r.tokens = tokens;
        // Piece by piece, as a continuation prints (decode() would drop the first piece's leading space).
        for (int32_t id : tokens) r.text += (*tokenizer)->token_to_piece(id);

        // The engine's logits at each step, decoded as generate() does: the prompt, then one token at a time.
        auto fresh = sigma::Context::create(*model, cp);
        if (!fresh) return r.fail(fresh.error().message);
        const size_t n_vocab = static_cast<size_t>((*fresh)->n_vocab());
        std::vector<float> step_logits;  // [kSteps][n_vocab]
        for (int i = 0; i < kSteps; ++i) {
            auto row = i == 0 ? (*fresh)->decode(prompt)
                              : (*fresh)->decode(std::span<const int32_t>(&tokens[static_cast<size_t>(i) - 1], 1));
            if (!row) return r.fail(row.error().message);
            step_logits.insert(step_logits.end(), *row, *row + n_vocab);
        }

        std::string error;
        const std::vector<Step> steps = oracle_steps(oracle_, (dir_ / oracle_file).string(), prompt, tokens, &error);
        if (!error.empty()) return r.fail(error);

        for (int i = 0; i < kSteps; ++i) {
            const Step& s = steps[static_cast<size_t>(i)];
            const int32_t mine = tokens[static_cast<size_t>(i)];
            const float* row = step_logits.data() + static_cast<size_t>(i) * n_vocab;
            r.decisive += s.top1_logit - s.top2_logit >= margin;
            r.matched += mine == s.top1;
            if (mine != s.top1 && !(s.top1_logit - s.forced_logit < margin)) {
                r.violations.push_back("step " + std::to_string(i) + ": the engine chose " + std::to_string(mine) +
                                       " but llama.cpp chose " + std::to_string(s.top1) + " (logit " +
                                       std::to_string(s.top1_logit) + " vs " + std::to_string(s.forced_logit) +
                                       "), which is no near-tie");
            }
            for (auto [id, ref] :
                 {std::pair{s.top1, s.top1_logit}, std::pair{s.top2, s.top2_logit}, std::pair{mine, s.forced_logit}}) {
                const float diff = std::fabs(row[id] - ref);
                r.max_logit_diff = std::max(r.max_logit_diff, diff);
                if (!(diff < logit_tolerance)) {
                    r.violations.push_back("step " + std::to_string(i) + " token " + std::to_string(id) +
                                           ": engine logit " + std::to_string(row[id]) + ", llama.cpp " +
                                           std::to_string(ref));
                }
            }
        }
        std::printf(
            "%s vs llama.cpp on %s: %d/%d greedy steps match, %d decisive (top-2 gap >= %.3f), largest logit "
            "difference %.4f, %zu violations\n",
            file.c_str(), oracle_file.c_str(), r.matched, kSteps, r.decisive, static_cast<double>(margin),
            static_cast<double>(r.max_logit_diff), r.violations.size());
        return r;
    }

    // The engine and llama.cpp on the same file must agree, on enough decisive steps to mean something.
    void expect_agreement(const std::string& file, float margin, float logit_tolerance) {
        const Report r = compare(file, file, margin, logit_tolerance);
        ASSERT_TRUE(r.error.empty()) << r.error;
        for (const std::string& v : r.violations) ADD_FAILURE() << file << " " << v;
        EXPECT_GE(r.decisive, kMinDecisiveSteps) << "too few decisive steps for the comparison to mean anything";

        // `sigma run --temp 0` on the raw prompt is the same greedy generation, end to end.
        const std::string sigma = std::string(SIGMA_BINARY_DIR) + "/bin/sigma";
        if (!fs::exists(sigma)) {
            std::printf("no %s: the CLI cross-check is left out\n", sigma.c_str());
            return;
        }
        std::string out, err;
        const int rc =
            run(shell_quote(sigma) + " run -m " + shell_quote((dir_ / file).string()) + " -p " + shell_quote(kPrompt) +
                    " -n " + std::to_string(kSteps) + " --temp 0 -t " + std::to_string(kThreads),
                &out, &err);
        ASSERT_EQ(rc, 0) << err;
        EXPECT_EQ(out, r.text + "\n") << "sigma run --temp 0 did not print the greedy tokens' text";
    }

    static inline std::string skip_reason_, setup_error_, oracle_;
    static inline fs::path dir_;
};

// Margins: llama.cpp's top-2 gap on this model is typically 0.1 to 0.6. The engines' logits differ by
// about 0.003 on F16, and by up to about 0.05 (Q8_0) and 0.07 (Q4_K_M) on the quantised files: both
// round activations to 8 bits, which turns tiny upstream differences into whole rounding steps
// (llama.cpp's own Q8_0 logits move by about 0.03 between its flash-attention paths, its F16 ones by
// 0.0002). BF16 differs by about 0.014, with bf16 activations (AVX512_BF16) or float ones alike.
// Tokens may differ only where llama.cpp's gap is below the margin.
TEST_F(LlamaGreedy, F16MatchesLlamaCpp) { expect_agreement("f16.gguf", 0.04f, 0.02f); }
TEST_F(LlamaGreedy, Q8_0FromLlamaCppQuantiserMatches) { expect_agreement("q8_0.gguf", 0.1f, 0.1f); }
TEST_F(LlamaGreedy, Q4_K_MFromLlamaCppQuantiserMatches) { expect_agreement("q4_k_m.gguf", 0.1f, 0.15f); }
TEST_F(LlamaGreedy, BF16FromLlamaCppQuantiserMatches) { expect_agreement("bf16.gguf", 0.04f, 0.03f); }

// The comparison can fail: llama.cpp on a model with other weights disagrees beyond every margin.
TEST_F(LlamaGreedy, OtherWeightsAreCaught) {
    const Report r = compare("f16.gguf", "other.gguf", 0.1f, 0.15f);
    ASSERT_TRUE(r.error.empty()) << r.error;
    EXPECT_GE(r.violations.size(), static_cast<size_t>(kSteps / 2));
}

}  // namespace
