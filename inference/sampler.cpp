// Sampler: every step works in the preallocated candidate array; nothing is allocated per token.
// Not llama.cpp's sampler chain: one fixed, documented order of the usual filters.
#include "inference/sampler.h"

#include <algorithm>
#include <cmath>

namespace sigma {

Sampler::Sampler(int n_vocab, SamplerParams params)
    : n_vocab_(std::max(1, n_vocab)), params_(params), rng_(params.seed) {
    candidates_.resize(static_cast<size_t>(n_vocab_));
    history_.resize(static_cast<size_t>(std::max(0, params_.repetition_last_n)));
    penalised_.assign(static_cast<size_t>(n_vocab_), 0);
}

void Sampler::reset() {
    rng_.seed(params_.seed);
    history_next_ = 0;
    history_size_ = 0;
}

void Sampler::accept(int32_t token) {
    if (history_.empty() || token < 0 || token >= n_vocab_) return;
    history_[history_next_] = token;
    history_next_ = (history_next_ + 1) % history_.size();
    history_size_ = std::min(history_size_ + 1, history_.size());
}

double Sampler::next_uniform() { return static_cast<double>(rng_() >> 11) * (1.0 / 9007199254740992.0); }

void Sampler::load_candidates(const float* logits) {
    const size_t n = static_cast<size_t>(n_vocab_);
    for (size_t i = 0; i < n; ++i) {
        // A NaN would break the ordering the sorts rely on: treat it as impossible.
        const float l = std::isnan(logits[i]) ? -INFINITY : logits[i];
        candidates_[i] = Candidate{static_cast<int32_t>(i), l, 0.0f};
    }

    // Repetition penalty: each distinct recent token once; positive logits shrink, negative grow.
    const float penalty = params_.repetition_penalty;
    if (penalty > 0.0f && penalty != 1.0f) {
        for (size_t j = 0; j < history_size_; ++j) {
            const int32_t t = history_[j];
            if (penalised_[static_cast<size_t>(t)]) continue;
            penalised_[static_cast<size_t>(t)] = 1;
            float& l = candidates_[static_cast<size_t>(t)].logit;
            l = l > 0.0f ? l / penalty : l * penalty;
        }
        for (size_t j = 0; j < history_size_; ++j) penalised_[static_cast<size_t>(history_[j])] = 0;
    }
}

int32_t Sampler::sample(const float* logits) {
    load_candidates(logits);
    return choose(static_cast<size_t>(n_vocab_));
}

int32_t Sampler::sample_masked(const float* logits, std::span<const uint8_t> allowed) {
    if (allowed.size() < static_cast<size_t>(n_vocab_)) return -1;
    load_candidates(logits);
    // Keep the allowed candidates at the front, in id order (so ties still go to the lower id).
    size_t n = 0;
    for (size_t i = 0; i < static_cast<size_t>(n_vocab_); ++i) {
        if (allowed[i]) candidates_[n++] = candidates_[i];
    }
    if (n == 0) return -1;
    return choose(n);
}

int32_t Sampler::choose(size_t n) {
    const auto better = [](const Candidate& a, const Candidate& b) {
        return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
    };
    if (params_.temperature <= 0.0f) {
        return std::min_element(candidates_.begin(), candidates_.begin() + static_cast<std::ptrdiff_t>(n), better)->id;
    }

    // top-k: the k best, sorted best first (all of them sorted when top-k is off).
    size_t k = n;
    if (params_.top_k > 0 && static_cast<size_t>(params_.top_k) < n) k = static_cast<size_t>(params_.top_k);
    std::partial_sort(candidates_.begin(), candidates_.begin() + static_cast<std::ptrdiff_t>(k),
                      candidates_.begin() + static_cast<std::ptrdiff_t>(n), better);

    // softmax at the temperature over the kept candidates
    const float max_logit = candidates_[0].logit;
    if (!std::isfinite(max_logit)) return candidates_[0].id;  // nothing to weigh: take the best
    double sum = 0.0;
    for (size_t i = 0; i < k; ++i) {
        candidates_[i].p = std::exp((candidates_[i].logit - max_logit) / params_.temperature);
        sum += candidates_[i].p;
    }
    for (size_t i = 0; i < k; ++i) candidates_[i].p = static_cast<float>(candidates_[i].p / sum);

    // top-p: the shortest prefix whose probability reaches top_p
    if (params_.top_p < 1.0f) {
        double cumulative = 0.0;
        size_t keep = k;
        for (size_t i = 0; i < k; ++i) {
            cumulative += candidates_[i].p;
            if (cumulative >= params_.top_p) {
                keep = i + 1;
                break;
            }
        }
        k = std::max<size_t>(1, keep);
    }
    // min-p: drop candidates below min_p times the best probability
    if (params_.min_p > 0.0f) {
        const float floor = params_.min_p * candidates_[0].p;
        size_t keep = 1;
        while (keep < k && candidates_[keep].p >= floor) ++keep;
        k = keep;
    }

    // draw from the kept candidates, renormalised
    double total = 0.0;
    for (size_t i = 0; i < k; ++i) total += candidates_[i].p;
    const double r = next_uniform() * total;
    double acc = 0.0;
    for (size_t i = 0; i < k; ++i) {
        acc += candidates_[i].p;
        if (r < acc) return candidates_[i].id;
    }
    return candidates_[k - 1].id;
}

}  // namespace sigma
