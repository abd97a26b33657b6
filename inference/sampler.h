// Sampler: turns one position's logits into a token id: repetition penalty, then greedy or
// top-k / temperature / top-p / min-p and a draw from its own seeded RNG.
// Not shared between threads and not a grammar: one generation at a time owns one Sampler; a
// constraint's mask (token_trie.h) comes in as an allowed-ids array.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <vector>

namespace sigma {

struct SamplerParams {
    float temperature = 0.8f;  // <= 0: greedy (argmax after the penalty)
    int top_k = 40;            // <= 0 or >= n_vocab: off
    float top_p = 0.95f;       // >= 1: off; keeps the smallest set whose probability reaches top_p
    float min_p = 0.05f;       // <= 0: off; drops tokens below min_p * the top probability
    float repetition_penalty =
        1.0f;                    // 1: off; a recent token's positive logit is divided by it, a negative one multiplied
    int repetition_last_n = 64;  // how many recent tokens the penalty looks at
    uint64_t seed = 0;
};

class Sampler {
public:
    // Allocates its candidate buffers for n_vocab once.
    Sampler(int n_vocab, SamplerParams params);

    // The next token for logits[n_vocab]. Order: repetition penalty over the last N accepted tokens;
    // greedy if temperature <= 0; else top-k, softmax at the temperature, top-p, min-p, renormalise,
    // draw. Ties in the ordering go to the lower id, so a seed fixes the result.
    int32_t sample(const float* logits);
    // As sample, but only ids with allowed[id] != 0 are candidates (the penalty still sees every id):
    // the same draw as sample() over logits where every other id is -infinity. allowed holds n_vocab
    // bytes. Returns -1 when no id is allowed or allowed is shorter than n_vocab.
    int32_t sample_masked(const float* logits, std::span<const uint8_t> allowed);
    // Records a token (prompt or generated) for the repetition penalty.
    void accept(int32_t token);
    // Forgets the history and restarts the RNG from the seed.
    void reset();

    const SamplerParams& params() const { return params_; }

private:
    struct Candidate {
        int32_t id;
        float logit;
        float p;
    };
    double next_uniform();                      // [0, 1), the same on every platform for a seed
    void load_candidates(const float* logits);  // all ids, penalised
    int32_t choose(size_t n);                   // from candidates_[0, n)

    int n_vocab_;
    SamplerParams params_;
    std::mt19937_64 rng_;
    std::vector<Candidate> candidates_;  // [n_vocab]
    std::vector<int32_t> history_;       // ring of the last repetition_last_n tokens
    size_t history_next_ = 0;
    size_t history_size_ = 0;
    std::vector<uint8_t> penalised_;  // [n_vocab] marks, so each recent token is penalised once
};

}  // namespace sigma
