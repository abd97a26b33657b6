// sigma run: loads a model, tokenizes a prompt (optionally through the model's chat template),
// streams the generated text to stdout and prints one timings line to stderr.
// Not an interactive chat: one prompt, one answer, then exit.
#include <atomic>
#include <csignal>
#include <iostream>
#include <cstdio>
#include <random>
#include <string>

#include "app/cli/commands.h"
#include "app/cli/job_options.h"
#include "inference/chat_template.h"
#include "inference/context.h"
#include "inference/generate.h"
#include "inference/gguf.h"
#include "inference/model.h"
#include "inference/stream_decoder.h"
#include "inference/tokenizer.h"

namespace sigma::cli {

namespace {

// Ctrl-C stops generation cleanly (timings still print); a second Ctrl-C is the default action.
std::atomic<bool> g_interrupted{false};
extern "C" void on_sigint(int) {
    g_interrupted.store(true);
    std::signal(SIGINT, SIG_DFL);
}

constexpr int kDefaultMaxContext = 4096;  // the cache is sized by --ctx; a 128k model need not use it all

}  // namespace

int cmd_run(CliArgs& args) {
    const auto model_path = args.value({"-m", "--model"});
    const auto prompt = args.value({"-p", "--prompt"});
    const auto n_predict = args.integer({"-n", "--n-predict"});
    const auto temp = args.number({"--temp"});
    const auto seed = args.integer({"--seed"});
    const auto threads = args.integer({"--threads", "-t"});
    const auto ctx_len = args.integer({"--ctx", "-c"});
    const bool chat = args.flag({"--chat"});
    const auto template_name = args.value({"--template"});
    const auto top_k = args.integer({"--top-k"});
    const auto top_p = args.number({"--top-p"});
    const auto min_p = args.number({"--min-p"});
    const auto repeat_penalty = args.number({"--repeat-penalty"});
    const BackendRequest backend = read_backend_option(args);
    if (!args.finish()) return fail("run", args.error(), kExitUsage);
    if (!model_path) return fail("run", "missing -m FILE", kExitUsage);
    if (!prompt) return fail("run", "missing -p TEXT", kExitUsage);
    if (n_predict && *n_predict < -1) return fail("run", "-n must be -1 (no limit) or more", kExitUsage);
    if (threads && (*threads < 0 || *threads > 1024)) return fail("run", "--threads must be between 0 and 1024", kExitUsage);
    if (ctx_len && (*ctx_len < 0 || *ctx_len > (1 << 24))) return fail("run", "--ctx is out of range", kExitUsage);
    if (temp && *temp < 0) return fail("run", "--temp must not be negative", kExitUsage);
    if (repeat_penalty && *repeat_penalty <= 0) return fail("run", "--repeat-penalty must be positive", kExitUsage);
    if (template_name && !chat) return fail("run", "--template needs --chat", kExitUsage);

    auto model = Model::load(*model_path);
    if (!model) return fail("run", model.error().message);
    auto tokenizer = Tokenizer::from_gguf((*model)->gguf());
    if (!tokenizer) return fail("run", "tokenizer: " + tokenizer.error().message);

    // A raw prompt is the user's own text, control-token spellings included (as llama.cpp does);
    // with --chat the prompt is one user message, whose text can never forge template markup.
    std::vector<int32_t> tokens;
    if (chat) {
        std::optional<ChatTemplate> tmpl;
        if (template_name) {
            tmpl = chat_template_from_name(*template_name);
            if (!tmpl) return fail("run", "unknown --template '" + *template_name + "' (llama3, chatml, llama2, sigma)", kExitUsage);
        } else if (auto jinja = (*model)->gguf().get_string("tokenizer.chat_template")) {
            tmpl = detect_chat_template(*jinja);
            if (!tmpl) return fail("run", "the model's chat template is not one this build renders; pass --template NAME");
        } else {
            tmpl = default_chat_template((*model)->config().arch_name);
            std::cerr << "note: the model has no chat template; using " << chat_template_name(*tmpl)
                      << " (--template chooses another)\n";
        }
        tokens = encode_chat(**tokenizer, *tmpl, {ChatMessage{"user", *prompt}}, /*add_generation_prompt=*/true);
    } else {
        tokens = (*tokenizer)->encode(*prompt, /*add_special=*/true, /*parse_special=*/true);
    }
    if (tokens.empty()) return fail("run", "the prompt gave no tokens");

    ContextParams cp;
    const int n_ctx_train = (*model)->config().n_ctx_train;
    cp.n_ctx = ctx_len && *ctx_len > 0 ? static_cast<int>(*ctx_len)
                                       : (n_ctx_train > 0 ? std::min(n_ctx_train, kDefaultMaxContext) : kDefaultMaxContext);
    cp.n_threads = threads ? static_cast<int>(*threads) : 0;
    cp.backend = backend;
    auto ctx = Context::create(*model, cp);
    if (!ctx) return fail("run", ctx.error().message);
    print_backend_line(backend, (*ctx)->backend(), (*ctx)->backend_note());

    GenerateParams gp;
    gp.n_predict = n_predict ? static_cast<int>(*n_predict) : 128;
    if (temp) gp.sampler.temperature = static_cast<float>(*temp);
    gp.sampler.seed = seed ? static_cast<uint64_t>(*seed) : std::random_device{}();
    if (top_k) gp.sampler.top_k = static_cast<int>(*top_k);
    if (top_p) gp.sampler.top_p = static_cast<float>(*top_p);
    if (min_p) gp.sampler.min_p = static_cast<float>(*min_p);
    if (repeat_penalty) gp.sampler.repetition_penalty = static_cast<float>(*repeat_penalty);

    StreamDecoder decoder(**tokenizer);
    const Tokenizer& tok = **tokenizer;
    bool wrote = false;
    g_interrupted.store(false);
    std::signal(SIGINT, on_sigint);
    auto stats = generate(
        **ctx, tokens, gp, [&](int32_t id) { return tok.is_eog(id); },
        [&](int32_t id) {
            const std::string piece = decoder.push(id);
            std::fwrite(piece.data(), 1, piece.size(), stdout);
            std::fflush(stdout);
            wrote = true;
            return true;
        },
        &g_interrupted);
    std::signal(SIGINT, SIG_DFL);
    const std::string rest = decoder.flush();
    std::fwrite(rest.data(), 1, rest.size(), stdout);
    if (wrote) std::fputc('\n', stdout);
    std::fflush(stdout);
    if (!stats) {
        if (stats.error().code == ErrorCode::Cancelled) return fail("run", "interrupted");
        return fail("run", stats.error().message);
    }
    const std::string where = (*ctx)->backend() == ComputeBackend::Cuda
                                  ? "cuda"
                                  : std::to_string((*ctx)->n_threads()) + " threads";
    std::fprintf(stderr, "prompt: %d tokens (%d reused), %.1f tok/s | generated: %d tokens, %.1f tok/s | %s\n",
                 stats->prompt_tokens, stats->reused_tokens, stats->prompt_tokens_per_s(), stats->generated_tokens,
                 stats->decode_tokens_per_s(), where.c_str());
    return kExitOk;
}

}  // namespace sigma::cli
