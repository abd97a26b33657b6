// Golden values: logits and greedy tokens of fixed tiny models (built deterministically here), pinned
// so that any drift in the forward pass, the reference or the model builder is caught.
// Not a correctness proof: test_forward.cpp compares paths; this catches change over time.
#include <gtest/gtest.h>

#include <vector>

#include "inference/context.h"
#include "inference/generate.h"
#include "tests/reference/reference_forward.h"
#include "tests/reference/tiny_model.h"

namespace sigma {
namespace {

struct Golden {
    const char* name;
    ref::TinySpec spec;
    std::vector<int32_t> probe_ids;    // vocabulary ids whose last-position logits are pinned
    std::vector<double> probe_logits;  // their values (from the double reference when pinned)
    std::vector<int32_t> greedy;       // 8 greedy tokens after the prompt
};

const std::vector<int32_t> kPrompt = {1, 17, 42, 5, 63, 29, 8};

std::vector<Golden> goldens() {
    return {
        Golden{"llama",
               ref::llama_spec(),
               {0, 13, 29, 66},
               {-0.406364, 1.356039, -1.598245, 0.027984},
               {28, 43, 23, 36, 13, 33, 11, 63}},
        Golden{"sigma",
               ref::sigma_spec(),
               {0, 13, 29, 66},
               {-0.800315, 0.749337, 1.484136, 1.511020},
               {59, 51, 23, 16, 49, 23, 16, 49}},
    };
}

TEST(Golden, PinnedLogitsAndGreedyTokens) {
    for (const Golden& g : goldens()) {
        auto m = ref::make_tiny_model(g.spec);
        const auto ref_logits = ref::reference_logits(m->config, m->weights, kPrompt);
        ContextParams p;
        p.kv_type = KvType::F32;
        auto ctx = Context::create(m->config, m->weights, p);
        ASSERT_TRUE(ctx.ok());
        auto fast = (*ctx)->decode(kPrompt);
        ASSERT_TRUE(fast.ok());
        const size_t last = (kPrompt.size() - 1) * static_cast<size_t>(m->config.n_vocab);
        for (size_t i = 0; i < g.probe_ids.size(); ++i) {
            const size_t id = static_cast<size_t>(g.probe_ids[i]);
            // The pins carry 6 decimals; float rounding in the fast path is far below 1e-4.
            EXPECT_NEAR(ref_logits[last + id], g.probe_logits[i], 2e-6) << g.name << " reference, id " << id;
            EXPECT_NEAR((*fast)[id], g.probe_logits[i], 1e-4) << g.name << " cpu, id " << id;
        }
        GenerateParams gp;
        gp.n_predict = 8;
        gp.sampler.temperature = 0.0f;
        std::vector<int32_t> tokens;
        auto r = generate(**ctx, kPrompt, gp, nullptr, [&](int32_t t) {
            tokens.push_back(t);
            return true;
        });
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(tokens, g.greedy) << g.name;
    }
}

}  // namespace
}  // namespace sigma
