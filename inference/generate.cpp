// generate: prefix reuse, prompt decode, then the sample/decode loop with stop conditions and timing.
// Not streaming text: callers turn ids into text with the tokenizer's streaming decoder.
#include "inference/generate.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

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
        return make_error(ErrorCode::Internal, std::string("generate: the model produced ") +
                                                   (std::isnan(logits[i]) ? "a NaN" : "an infinite") +
                                                   " logit (token id " + std::to_string(i) + ") at position " +
                                                   std::to_string(position) +
                                                   "; its weights are probably corrupt (NaN or infinite values)");
    }
    return {};
}

// log softmax(logits)[token] at temperature 1, in double so long answers sum without drift.
double log_probability(const float* logits, int n_vocab, int32_t token) {
    float max_logit = logits[0];
    for (int i = 1; i < n_vocab; ++i) max_logit = std::max(max_logit, logits[i]);
    double sum = 0.0;
    for (int i = 0; i < n_vocab; ++i) sum += std::exp(static_cast<double>(logits[i] - max_logit));
    return static_cast<double>(logits[token] - max_logit) - std::log(sum);
}

// The id of the highest logit (the lowest id among equals): the model's own choice before any mask.
int32_t most_likely(const float* logits, int n_vocab) {
    int32_t best = 0;
    for (int32_t i = 1; i < n_vocab; ++i)
        if (logits[i] > logits[best]) best = i;
    return best;
}

// The last bytes of the answer, printable, for an error message.
std::string text_tail(const std::string& text) {
    constexpr size_t kTail = 48;
    std::string tail = text.size() > kTail ? "..." + text.substr(text.size() - kTail) : text;
    for (char& c : tail) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    }
    return tail;
}

// The constrained part of one generation: the answer's cursor, the mask and the trie walk's stack.
struct ConstraintRun {
    const TokenTrie* trie = nullptr;
    std::unique_ptr<ConstraintCursor> cursor;
    std::vector<uint8_t> allowed;  // [n_vocab]
    TokenTrie::CursorStack stack;
    std::string text;  // the answer so far, for error messages
};

Status check_constraint(const Context& ctx, const GenerateParams& params) {
    if (!params.constraint) return {};
    if (!params.token_trie) {
        return make_error(ErrorCode::InvalidArgument, "generate: a constraint needs the vocabulary's token trie");
    }
    if (params.token_trie->n_vocab() != ctx.n_vocab()) {
        return make_error(ErrorCode::InvalidArgument, "generate: the token trie has " +
                                                          std::to_string(params.token_trie->n_vocab()) +
                                                          " tokens but the model has " + std::to_string(ctx.n_vocab()));
    }
    return {};
}

// generate() with an optional running log-probability (generate_n_best wants it; it costs a pass
// over the vocabulary per token).
Expected<GenerateStats> run_generation(Context& ctx, std::span<const int32_t> prompt, const GenerateParams& params,
                                       const std::function<bool(int32_t)>& is_eog,
                                       const std::function<bool(int32_t)>& on_token, const std::atomic<bool>* cancel,
                                       double* logprob);
}  // namespace

Expected<GenerateStats> generate(Context& ctx, std::span<const int32_t> prompt, const GenerateParams& params,
                                 const std::function<bool(int32_t)>& is_eog,
                                 const std::function<bool(int32_t)>& on_token, const std::atomic<bool>* cancel) {
    if (params.n_best != 1) {
        return make_error(ErrorCode::InvalidArgument, "generate: n_best is " + std::to_string(params.n_best) +
                                                          "; generate streams one answer (use generate_n_best)");
    }
    return run_generation(ctx, prompt, params, is_eog, on_token, cancel, nullptr);
}

namespace {
Expected<GenerateStats> run_generation(Context& ctx, std::span<const int32_t> prompt, const GenerateParams& params,
                                       const std::function<bool(int32_t)>& is_eog,
                                       const std::function<bool(int32_t)>& on_token, const std::atomic<bool>* cancel,
                                       double* logprob) {
    GenerateStats stats;
    if (prompt.empty()) return make_error(ErrorCode::InvalidArgument, "generate: empty prompt");
    if (Status st = check_constraint(ctx, params); !st) return st.error();
    if (prompt.size() > static_cast<size_t>(ctx.n_ctx())) {
        return make_error(ErrorCode::InvalidArgument, "generate: prompt of " + std::to_string(prompt.size()) +
                                                          " tokens exceeds the context length " +
                                                          std::to_string(ctx.n_ctx()));
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
    ConstraintRun constrained;
    if (params.constraint) {
        constrained.trie = params.token_trie;
        constrained.cursor = params.constraint->start();
        constrained.allowed.assign(static_cast<size_t>(ctx.n_vocab()), 0);
    }

    auto start = std::chrono::steady_clock::now();
    auto logits = ctx.decode(prompt.subspan(static_cast<size_t>(keep)));
    stats.prompt_ms = ms_since(start);
    if (!logits) return logits.error();
    const float* current = logits.value();
    if (Status st = check_logits(current, ctx.n_vocab(), ctx.position() - 1); !st) return st.error();

    start = std::chrono::steady_clock::now();
    bool reached_complete = false;  // the answer text has been complete at some token
    for (int i = 0; params.n_predict < 0 || i < params.n_predict; ++i) {
        if (cancelled(cancel)) return cancel_error();
        int32_t token = -1;
        if (constrained.cursor) {
            const auto mask_start = std::chrono::steady_clock::now();
            auto allowed = constrained.trie->mask(*constrained.cursor, constrained.allowed, constrained.stack);
            stats.mask_ms += ms_since(mask_start);
            ++stats.masked_tokens;
            if (!allowed) return allowed.error();
            if (*allowed == 0) {
                if (constrained.cursor->complete()) {  // a whole answer with nothing more to add
                    stats.stopped_by_constraint = true;
                    break;
                }
                return make_error(ErrorCode::ConstraintDeadEnd, "generate: the constraint allows no next token after " +
                                                                    std::to_string(stats.generated_tokens) +
                                                                    " generated tokens; the answer so far: \"" +
                                                                    text_tail(constrained.text) + "\"");
            }
            if (params.override_limit > 0 &&
                !constrained.allowed[static_cast<size_t>(most_likely(current, ctx.n_vocab()))])
                ++stats.overridden_tokens;  // a pass over the logits per token: only when a limit asks
            token = sampler.sample_masked(current, constrained.allowed);
        } else {
            token = sampler.sample(current);
        }
        if (logprob) *logprob += log_probability(current, ctx.n_vocab(), token);
        if (params.stop_on_eog && is_eog && is_eog(token)) {
            stats.stopped_by_eog = true;
            break;
        }
        if (constrained.cursor && !constrained.trie->is_end_of_generation(token)) {
            const std::string& piece = constrained.trie->piece(token);
            // The mask said this piece is viable; a checker that now says otherwise broke its contract.
            if (!constrained.cursor->feed(piece)) {
                return make_error(ErrorCode::Internal, "generate: the constraint rejected token " +
                                                           std::to_string(token) +
                                                           " that its own mask allowed (a checker that is not "
                                                           "deterministic or not associative)");
            }
            constrained.text += piece;
        }
        sampler.accept(token);
        ++stats.generated_tokens;
        if (on_token && !on_token(token)) {
            stats.stopped_by_callback = true;
            break;
        }
        if (constrained.cursor && !reached_complete && !(reached_complete = constrained.cursor->complete())) {
            stats.stopped_by_incomplete_limit =
                params.incomplete_limit > 0 && stats.generated_tokens >= params.incomplete_limit;
            stats.stopped_by_override_limit =
                params.override_limit > 0 && stats.overridden_tokens >= params.override_limit;
            if (stats.stopped_by_incomplete_limit || stats.stopped_by_override_limit) break;
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
    if (constrained.cursor) stats.constraint_complete = constrained.cursor->complete();
    return stats;
}
}  // namespace

Expected<NBestResult> generate_n_best(Context& ctx, std::span<const int32_t> prompt, const GenerateParams& params,
                                      const std::function<bool(int32_t)>& is_eog, const std::atomic<bool>* cancel) {
    if (params.n_best < 1) {
        return make_error(ErrorCode::InvalidArgument,
                          "generate_n_best: n_best is " + std::to_string(params.n_best) + "; it must be at least 1");
    }
    const auto start = std::chrono::steady_clock::now();
    NBestResult result;
    Error last_dead_end;
    for (int k = 0; k < params.n_best; ++k) {
        GenerateParams run = params;
        run.n_best = 1;
        run.sampler.seed = params.sampler.seed + static_cast<uint64_t>(k);
        GeneratedCandidate candidate;
        candidate.seed = run.sampler.seed;
        auto stats = run_generation(
            ctx, prompt, run, is_eog,
            [&](int32_t t) {
                candidate.tokens.push_back(t);
                return true;
            },
            cancel, &candidate.logprob);
        ++result.attempts;
        if (!stats) {
            if (stats.error().code != ErrorCode::ConstraintDeadEnd) return stats.error();
            ++result.dead_ends;
            last_dead_end = stats.error();
            continue;
        }
        candidate.stats = *stats;
        result.mask_ms += stats->mask_ms;
        result.masked_tokens += stats->masked_tokens;
        const bool seen = std::any_of(result.candidates.begin(), result.candidates.end(),
                                      [&](const GeneratedCandidate& c) { return c.tokens == candidate.tokens; });
        if (seen) {
            ++result.duplicates;
            continue;
        }
        result.candidates.push_back(std::move(candidate));
    }
    result.total_ms = ms_since(start);
    if (result.candidates.empty()) return last_dead_end;
    std::stable_sort(result.candidates.begin(), result.candidates.end(),
                     [](const GeneratedCandidate& a, const GeneratedCandidate& b) { return a.logprob > b.logprob; });
    return result;
}

}  // namespace sigma
