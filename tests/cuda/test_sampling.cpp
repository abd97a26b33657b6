// GPU sampling: greedy argmax (ties to the lowest id, NaN never chosen) against a host argmax, and
// temperature sampling whose frequencies over many independent rows follow softmax(logits / T).
// Not the CPU sampler's top-k/top-p: the GPU path samples from the full distribution only.
#include <algorithm>
#include <cmath>

#include "tests/cuda/harness.h"

using namespace sigma;
using namespace sigma::cuda_test;

int main() {
    if (!have_device()) return kSkipCode;
    Runner r;
    std::mt19937 rng(5);
    for (int n_vocab : {1, 31, 1024, 128256}) {
        const int rows = 3;
        auto logits = random_floats(rng, static_cast<size_t>(rows) * n_vocab, -10, 10);
        if (n_vocab > 40) {
            logits[7] = 50.0f;  // a tie in row 0: the lower id wins
            logits[33] = 50.0f;
            logits[static_cast<size_t>(n_vocab) + 5] = std::nanf("");
        }
        std::vector<int32_t> want;
        for (int row = 0; row < rows; ++row) {
            int best = 0;
            for (int v = 1; v < n_vocab; ++v) {
                const float x = logits[static_cast<size_t>(row) * n_vocab + static_cast<size_t>(v)];
                const float b = logits[static_cast<size_t>(row) * n_vocab + static_cast<size_t>(best)];
                if (x > b || std::isnan(b)) best = v;
            }
            want.push_back(best);
        }
        DeviceBuffer<float> dl(logits.size());
        DeviceBuffer<int32_t> dt(static_cast<size_t>(rows));
        dl.upload(logits);
        r.ok(cuda::sample_greedy(dt.get(), dl.get(), rows, n_vocab, nullptr), "greedy launch");
        r.check(dt.download() == want, "greedy argmax, vocab " + std::to_string(n_vocab));
    }
    // A tiny temperature is greedy in effect when the top two logits are apart: distinct logits 1e-3
    // apart, scaled by 1/T = 1e5, leave gaps of 100 against Gumbel noise of a few units.
    for (int n_vocab : {2, 1000, 128256}) {
        std::vector<float> logits(static_cast<size_t>(n_vocab));
        for (int v = 0; v < n_vocab; ++v) logits[static_cast<size_t>(v)] = static_cast<float>(v) * 1e-3f;
        std::shuffle(logits.begin(), logits.end(), rng);
        const int32_t want = static_cast<int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
        DeviceBuffer<float> dl(logits.size());
        DeviceBuffer<int32_t> dt(1), counter(1);
        dl.upload(logits);
        counter.upload({0});
        r.ok(cuda::sample_temperature(dt.get(), dl.get(), 1, n_vocab, 1e-5f, 11, counter.get(), nullptr),
             "temperature launch");
        r.check(dt.download() == std::vector<int32_t>{want},
                "temperature 1e-5 picks the argmax, vocab " + std::to_string(n_vocab));
    }
    // Frequencies: 4 tokens with probabilities 0.1 0.2 0.3 0.4 at T = 1 (and sharper at T = 0.5).
    for (float temp : {1.0f, 0.5f}) {
        const int rows = 20000, n_vocab = 4;
        const double p[4] = {0.1, 0.2, 0.3, 0.4};
        std::vector<float> logits;
        for (int i = 0; i < rows; ++i)
            for (double x : p) logits.push_back(static_cast<float>(std::log(x)));
        DeviceBuffer<float> dl(logits.size());
        DeviceBuffer<int32_t> dt(static_cast<size_t>(rows)), counter(1);
        dl.upload(logits);
        counter.upload({3});
        r.ok(cuda::sample_temperature(dt.get(), dl.get(), rows, n_vocab, temp, 1234, counter.get(), nullptr),
             "temperature launch");
        auto tokens = dt.download();
        double count[4] = {0, 0, 0, 0};
        for (int32_t t : tokens) count[t < 0 || t > 3 ? 0 : t] += 1;
        double z = 0;
        for (double x : p) z += std::pow(x, 1.0 / temp);
        bool close = true;
        for (int i = 0; i < 4; ++i) {
            const double want = std::pow(p[i], 1.0 / temp) / z;
            const double got = count[i] / rows;
            close &= std::fabs(got - want) < 0.02;  // ~6 standard deviations at 20000 draws
            std::printf("  T=%.1f token %d: %.4f (want %.4f)\n", temp, i, got, want);
        }
        r.check(close, "temperature frequencies follow softmax(logits / T)");
        // another step (counter) draws differently
        counter.upload({4});
        r.ok(cuda::sample_temperature(dt.get(), dl.get(), rows, n_vocab, temp, 1234, counter.get(), nullptr),
             "temperature launch");
        r.check(dt.download() != tokens, "a new counter gives new draws");
    }
    return r.finish("test_sampling");
}
