// generate: prefix reuse, prompt decode, then the sample/decode loop with stop conditions and timing.
// Not streaming text: callers turn ids into text with the tokenizer's streaming decoder.
#include "inference/generate.h"

#include <chrono>
#include <cmath>
#include <string>

namespace sigma {

namespace {
double ms_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}
bool cancelled(const std::atomic<bool>* cancel) { return cancel && cancel->load(std::memory_order_relaxed); }
Error cancel_error() { return make_error(ErrorCode::Cancelled, "generation cancelled"); }

// Logits that are NaN or infinite mean the model's numbers broke (NaN weights, an overflow): sampling
// from them would pick an arbitrary token (often id 0, a NUL byte), so generation stops instead.
Status check_logits(const float* logits, int n_vocab, int position) {
    for (int i = 0; i < n_vocab; ++i) {
        if (std::isfinite(logits[i])) continue;
        return make_error(ErrorCode::Internal,
                          std::string("generate: the model produced ") + (std::isnan(logits[i]) ? "a NaN" : "an infinite") +
                              " logit (token id " + std::to_string(i) + ") at position " + std::to_string(position) +
                              "; its weights are probably corrupt (NaN or infinite values)");
    }
    return {};
}
}  // namespace

Expected<GenerateStats> generate(Context& ctx, std::span<const int32_t> prompt, const GenerateParams& params,
                                 const std::function<bool(int32_t)>& is_eog,
                                 const std::function<bool(int32_t)>& on_token, const std::atomic<bool>* cancel) {
    GenerateStats stats;
    if (prompt.empty()) return make_error(ErrorCode::InvalidArgument, "generate: empty prompt");
    if (prompt.size() > static_cast<size_t>(ctx.n_ctx())) {
        return make_error(ErrorCode::InvalidArgument, "generate: prompt of " + std::to_string(prompt.size()) +
                                                          " tokens exceeds the context length " + std::to_string(ctx.n_ctx()));
    }
    if (cancelled(cancel)) return cancel_error();
    stats.prompt_tokens = static_cast<int>(prompt.size());

    // Keep the cached prefix, but decode at least the prompt's last token to get its logits.
    int keep = ctx.common_prefix(prompt);
    if (keep >= stats.prompt_tokens) keep = stats.prompt_tokens - 1;
    ctx.truncate(keep);
    stats.reused_tokens = keep;

    Sampler sampler(ctx.n_vocab(), params.sampler);
    for (int32_t t : prompt) sampler.accept(t);

    auto start = std::chrono::steady_clock::now();
    auto logits = ctx.decode(prompt.subspan(static_cast<size_t>(keep)));
    stats.prompt_ms = ms_since(start);
    if (!logits) return logits.error();
    const float* current = logits.value();
    if (Status st = check_logits(current, ctx.n_vocab(), ctx.position() - 1); !st) return st.error();

    start = std::chrono::steady_clock::now();
    for (int i = 0; params.n_predict < 0 || i < params.n_predict; ++i) {
        if (cancelled(cancel)) return cancel_error();
        const int32_t token = sampler.sample(current);
        if (params.stop_on_eog && is_eog && is_eog(token)) {
            stats.stopped_by_eog = true;
            break;
        }
        sampler.accept(token);
        ++stats.generated_tokens;
        if (on_token && !on_token(token)) {
            stats.stopped_by_callback = true;
            break;
        }
        if (params.n_predict >= 0 && i + 1 >= params.n_predict) break;  // no need to decode the last one
        if (ctx.position() >= ctx.n_ctx()) {
            stats.stopped_by_context = true;
            break;
        }
        auto next = ctx.decode(std::span<const int32_t>(&token, 1));
        if (!next) return next.error();
        current = next.value();
        if (Status st = check_logits(current, ctx.n_vocab(), ctx.position() - 1); !st) return st.error();
    }
    stats.decode_ms = ms_since(start);
    return stats;
}

}  // namespace sigma
