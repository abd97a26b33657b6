// generate: prompt tokens in, sampled tokens out through a callback, with timings. Reuses the part
// of the prompt already in the context's KV cache.
// Not a tokenizer user: it works on token ids, and the caller says which ids end generation.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>

#include "inference/context.h"
#include "inference/expected.h"
#include "inference/sampler.h"

namespace sigma {

struct GenerateParams {
    int n_predict = 128;       // the most tokens to generate; < 0: until end of generation or context
    SamplerParams sampler;
    bool stop_on_eog = true;   // stop (without emitting it) at a token is_eog says ends generation
};

struct GenerateStats {
    int prompt_tokens = 0;     // tokens of the prompt
    int reused_tokens = 0;     // of those, already in the cache and not decoded again
    double prompt_ms = 0.0;    // time to decode the rest of the prompt
    int generated_tokens = 0;  // tokens passed to on_token
    double decode_ms = 0.0;    // time spent decoding generated tokens
    bool stopped_by_eog = false;
    bool stopped_by_callback = false;
    bool stopped_by_context = false;  // the context filled up before n_predict

    double prompt_tokens_per_s() const {
        return prompt_ms > 0 ? (prompt_tokens - reused_tokens) * 1000.0 / prompt_ms : 0.0;
    }
    double decode_tokens_per_s() const { return decode_ms > 0 ? generated_tokens * 1000.0 / decode_ms : 0.0; }
};

// Decodes the prompt (keeping the longest prefix already cached, always re-decoding at least its
// last token so there are logits to sample from), then samples up to n_predict tokens, calling
// on_token(id) for each; on_token returning false stops. A set `cancel` flag stops with an Error
// of code Cancelled (tokens already passed to on_token stay delivered). An empty prompt, or one that
// does not fit the context, is an InvalidArgument error. Logits that hold a NaN or an infinity (NaN
// weights, an overflow) stop generation with an Internal error naming them, before any token is
// sampled from them. The last generated token is sampled but not decoded, so the cache ends one
// token short of prompt + answer (a follow-up prompt re-decodes it).
Expected<GenerateStats> generate(Context& ctx, std::span<const int32_t> prompt, const GenerateParams& params,
                                 const std::function<bool(int32_t)>& is_eog,
                                 const std::function<bool(int32_t)>& on_token,
                                 const std::atomic<bool>* cancel = nullptr);

}  // namespace sigma
