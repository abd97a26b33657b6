// sigma run: loads a model, tokenizes a prompt (optionally through the model's chat template),
// streams the generated text to stdout and prints one timings line to stderr.
// Not an interactive chat: one prompt, one answer, then exit.
#include <atomic>
#include <csignal>
#include <iostream>
#include <cstdio>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "app/cli/commands.h"
#include "app/cli/job_options.h"
#include "app/cli/option_checks.h"
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

struct RunArgs {
    std::optional<std::string> model_path;     // -m, --model FILE
    std::optional<std::string> prompt;         // -p, --prompt TEXT
    std::optional<int> n_predict;              // -n, --n-predict N
    std::optional<double> temp;                // --temp T
    std::optional<long long> seed;             // --seed S
    std::optional<int> threads;                // -t, --threads N
    std::optional<int> ctx_len;                // -c, --ctx N
    bool chat = false;                         // --chat
    std::optional<std::string> template_name;  // --template NAME
    std::optional<int> top_k;                  // --top-k K
    std::optional<double> top_p;               // --top-p P
    std::optional<double> min_p;               // --min-p P
    std::optional<double> repeat_penalty;      // --repeat-penalty R
    BackendRequest backend = BackendRequest::Auto;
};

int run_generation(const RunArgs& args) {
    const auto& model_path = args.model_path;
    const auto& prompt = args.prompt;
    const auto& n_predict = args.n_predict;
    const auto& temp = args.temp;
    const auto& seed = args.seed;
    const auto& threads = args.threads;
    const auto& ctx_len = args.ctx_len;
    const bool chat = args.chat;
    const auto& template_name = args.template_name;
    const auto& top_k = args.top_k;
    const auto& top_p = args.top_p;
    const auto& min_p = args.min_p;
    const auto& repeat_penalty = args.repeat_penalty;
    const BackendRequest backend = args.backend;
    if (!model_path) return fail("run", "missing -m FILE", kExitUsage);
    if (!prompt) return fail("run", "missing -p TEXT", kExitUsage);
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
            if (!tmpl)
                return fail("run", "unknown --template '" + *template_name + "' (llama3, chatml, llama2, sigma)",
                            kExitUsage);
        } else if (auto jinja = (*model)->gguf().get_string("tokenizer.chat_template")) {
            tmpl = detect_chat_template(*jinja);
            if (!tmpl)
                return fail("run", "the model's chat template is not one this build renders; pass --template NAME");
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
    cp.n_ctx = ctx_len && *ctx_len > 0
                   ? static_cast<int>(*ctx_len)
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
    const std::string where =
        (*ctx)->backend() == ComputeBackend::Cuda ? "cuda" : std::to_string((*ctx)->n_threads()) + " threads";
    std::fprintf(stderr, "prompt: %d tokens (%d reused), %.1f tok/s | generated: %d tokens, %.1f tok/s | %s\n",
                 stats->prompt_tokens, stats->reused_tokens, stats->prompt_tokens_per_s(), stats->generated_tokens,
                 stats->decode_tokens_per_s(), where.c_str());
    return kExitOk;
}

}  // namespace

void add_run_command(CLI::App& root, CommandAction& action) {
    auto a = std::make_shared<RunArgs>();
    CLI::App* sub = root.add_subcommand("run", "raw generation from a prompt: the text on stdout, timings on stderr");
    sub->add_option("-m,--model", a->model_path, "the GGUF model (required)")->type_name("FILE");
    sub->add_option("-p,--prompt", a->prompt, "the prompt (required)")->type_name("TEXT");
    sub->add_option("-n,--n-predict", a->n_predict, "tokens to generate (default 128; -1: until the end)")
        ->check(integer_in(-1, std::numeric_limits<int>::max()))
        ->type_name("N");
    sub->add_option("--temp", a->temp, "sampling temperature (0: greedy; default 0.8)")
        ->check(number_at_least(0))
        ->type_name("T");
    sub->add_option("--seed", a->seed, "the sampler's seed (default: a random one)")
        ->check(integer_in(std::numeric_limits<long long>::min(), std::numeric_limits<long long>::max()))
        ->type_name("S");
    sub->add_option("-t,--threads", a->threads, "CPU threads (0, the default: all hardware threads)")
        ->check(integer_in(0, 1024))
        ->type_name("N");
    sub->add_option("-c,--ctx", a->ctx_len, "context length in tokens (0, the default: the model's own, at most 4096)")
        ->check(integer_in(0, 1 << 24))
        ->type_name("N");
    sub->add_flag("--chat", a->chat, "wrap the prompt as one user message in the model's chat template");
    sub->add_option("--template", a->template_name,
                    "with --chat: llama3, chatml, llama2 or sigma instead of the model's")
        ->type_name("NAME");
    sub->add_option("--top-k", a->top_k, "keep the K likeliest tokens (default 40; 0: off)")
        ->check(integer_in(std::numeric_limits<int>::min(), std::numeric_limits<int>::max()))
        ->type_name("K");
    sub->add_option("--top-p", a->top_p, "keep the likeliest tokens up to probability P (default 0.95; 1: off)")
        ->check(number())
        ->type_name("P");
    sub->add_option("--min-p", a->min_p, "drop tokens below P times the top one (default 0.05; 0: off)")
        ->check(number())
        ->type_name("P");
    sub->add_option("--repeat-penalty", a->repeat_penalty, "divide recent tokens' logits by R (default 1: off)")
        ->check(number_above(0))
        ->type_name("R");
    add_backend_option(*sub, [p = a.get()](BackendRequest b) { p->backend = b; });
    sub->footer(
        "Examples:\n"
        "  sigma run -m model.gguf -p \"The capital of France is\" -n 16 --temp 0\n"
        "  sigma run -m model.gguf -p \"list the GPUs\" --chat --backend cpu");
    on_parsed(*sub, action, [a] { return run_generation(*a); });
}

}  // namespace sigma::cli
