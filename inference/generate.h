// generate: prompt tokens in, sampled tokens out through a callback, with timings. Reuses the part
// of the prompt already in the context's KV cache.
// Not a tokenizer user: it works on token ids, and the caller says which ids end generation.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "inference/constraint.h"
#include "inference/context.h"
#include "inference/core/expected.h"
#include "inference/sampler.h"
#include "inference/token_trie.h"

namespace sigma {

struct GenerateParams {
    int n_predict = 128;  // the most tokens to generate; < 0: until end of generation or context
    SamplerParams sampler;
    bool stop_on_eog = true;  // stop (without emitting it) at a token is_eog says ends generation

    // Constrained decoding (constraint.h). When set, before each token every id whose piece would make
    // the answer text non-viable is masked out (the sampler never sees it), and the trie's
    // end-of-generation ids are allowed only where the text is complete. The answer text starts empty
    // at the first generated token. token_trie must be set with it (built once per vocabulary with
    // TokenTrie::from_tokenizer; its end-of-generation ids should be the ones is_eog names). Both are
    // borrowed for the call and only read, so one trie and one constraint may serve several threads.
    const Constraint* constraint = nullptr;
    const TokenTrie* token_trie = nullptr;
    // With a constraint: the most tokens a run may generate before its answer text first becomes
    // complete (ConstraintCursor::complete). A run that reaches it stops as a length stop does
    // (stopped_by_incomplete_limit), keeping its tokens. A model that the constraint will not let finish
    // (a line that cannot end as written) otherwise runs on to n_predict. 0: no limit.
    int incomplete_limit = 0;
    // With a constraint: a run whose text is not yet complete stops (stopped_by_override_limit, as a
    // length stop) once the mask has refused the model's most likely token this many times: the model
    // is fighting the constraint (a line it wants to end that may not end as written), and what it
    // writes after that is not an answer. 0: no limit.
    int override_limit = 0;
    // generate_n_best: how many candidates to sample (>= 1). generate() streams one answer: it wants 1.
    int n_best = 1;
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
    // With a constraint: the text is complete and the constraint allows nothing more (no end token was
    // needed, e.g. a vocabulary without one).
    bool stopped_by_constraint = false;
    bool stopped_by_incomplete_limit = false;  // params.incomplete_limit tokens and the text not yet complete
    bool stopped_by_override_limit = false;    // params.override_limit refusals and the text not yet complete
    bool constraint_complete = false;          // with a constraint: the answer was a complete valid text at the stop
    int overridden_tokens = 0;  // with override_limit: steps where the mask refused the most likely token
    int masked_tokens = 0;      // tokens sampled under a constraint mask
    double mask_ms = 0.0;       // time spent computing those masks (part of decode_ms)

    double prompt_tokens_per_s() const {
        return prompt_ms > 0 ? (prompt_tokens - reused_tokens) * 1000.0 / prompt_ms : 0.0;
    }
    double decode_tokens_per_s() const { return decode_ms > 0 ? generated_tokens * 1000.0 / decode_ms : 0.0; }
    double mask_ms_per_token() const { return masked_tokens > 0 ? mask_ms / masked_tokens : 0.0; }
};

// One answer of generate_n_best.
struct GeneratedCandidate {
    std::vector<int32_t> tokens;  // the answer's ids, without the end-of-generation token that ended it
    // Sum over the answer's tokens, and over the end-of-generation token when one ended it, of the
    // model's log-probability: log softmax of the raw logits (temperature 1, before the repetition
    // penalty, the filters and the constraint mask). Comparable between candidates of one prompt.
    double logprob = 0.0;
    uint64_t seed = 0;    // the sampler seed that drew it
    GenerateStats stats;  // of this candidate's own run
};

struct NBestResult {
    std::vector<GeneratedCandidate> candidates;  // distinct answers, highest logprob first (ties: lower seed)
    int attempts = 0;                            // candidates sampled (params.n_best)
    int duplicates = 0;                          // of those, dropped as the same tokens as a better one
    int dead_ends = 0;                           // of those, dropped because the constraint allowed no token
    double total_ms = 0.0;                       // wall time of the whole call
    double mask_ms = 0.0;                        // summed over attempts
    int masked_tokens = 0;                       // summed over attempts
};

// Decodes the prompt (keeping the longest prefix already cached, always re-decoding at least its
// last token so there are logits to sample from), then samples up to n_predict tokens, calling
// on_token(id) for each; on_token returning false stops. A set `cancel` flag stops with an Error
// of code Cancelled (tokens already passed to on_token stay delivered). An empty prompt, or one that
// does not fit the context, is an InvalidArgument error. Logits that hold a NaN or an infinity (NaN
// weights, an overflow) stop generation with an Internal error naming them, before any token is
// sampled from them. The last generated token is sampled but not decoded, so the cache ends one
// token short of prompt + answer (a follow-up prompt re-decodes it).
// With params.constraint: a missing token_trie, or one whose n_vocab differs from the model's, is an
// InvalidArgument error; a step where the constraint allows no token at all (and the text is not
// complete) stops with an Error of code ConstraintDeadEnd quoting the end of the text (tokens already
// passed to on_token stay delivered); when the text is complete and nothing more is allowed, generation
// stops normally with stopped_by_constraint. params.n_best other than 1 is an InvalidArgument error.
Expected<GenerateStats> generate(Context& ctx, std::span<const int32_t> prompt, const GenerateParams& params,
                                 const std::function<bool(int32_t)>& is_eog,
                                 const std::function<bool(int32_t)>& on_token,
                                 const std::atomic<bool>* cancel = nullptr);

// N-best by sampled candidates: params.n_best runs of generate() on the same prompt, run k drawing with
// seed params.sampler.seed + k (so candidate 0 is what generate() would answer), each keeping the
// prompt in the cache (only its last token is decoded again). Each answer gets its summed
// log-probability; identical answers are reported once; answers that hit a constraint dead end are
// dropped and counted. Beam search was not chosen: the context holds one sequence, so beams would
// re-decode their diverging suffixes at every step. With greedy sampling (temperature <= 0) all runs
// agree, so ask for n_best = 1 there. Errors: n_best < 1, every run a dead end (the last dead end's
// error), and whatever generate() returns (cancel, bad prompt, NaN logits), which ends the call.
Expected<NBestResult> generate_n_best(Context& ctx, std::span<const int32_t> prompt, const GenerateParams& params,
                                      const std::function<bool(int32_t)>& is_eog,
                                      const std::atomic<bool>* cancel = nullptr);

}  // namespace sigma
