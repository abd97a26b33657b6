// Whole-model logits, CPU Context against CudaForward, on generated random-weight models of every
// architecture (llama, qwen2 with biases and NeoX RoPE, sigma with AugQ and n_k != n_v, a tied
// output) and weight type: prefill through the cuBLAS path in chunks, then single-token steps through
// the captured graph, greedy GPU sampling against the CPU argmax, selective V, the VRAM check, and
// bad input that must leave the state unchanged.
// Not a speed test: sigma-bench-cuda measures that.
#include <algorithm>
#include <filesystem>

#include "inference/context.h"
#include "inference/cuda_forward.h"
#include "inference/model.h"
#include "tests/cuda/harness.h"
#include "tools/mkmodel/mkmodel.h"

using namespace sigma;
using namespace sigma::cuda_test;

namespace {

struct ModelCase {
    std::string name, arch;
    int hidden, heads, heads_k, heads_v, augq;
    TensorType type;
    bool tied = false;
};

std::shared_ptr<const Model> make_model(Runner& r, const ModelCase& c) {
    mkmodel::Options o;
    o.arch = c.arch;
    o.layers = 3;
    o.hidden = c.hidden;
    o.heads = c.heads;
    o.heads_k = c.heads_k;
    o.heads_v = c.heads_v;
    o.augq = c.augq;
    o.ffn = 2 * c.hidden + 32;
    o.ctx = 512;
    o.vocab = 320;
    o.type = c.type;
    o.tied = c.tied;
    o.seed = 11;
    o.output = (std::filesystem::temp_directory_path() / ("sigma_cuda_" + c.name + ".gguf")).string();
    if (!r.ok(mkmodel::write_model(o), "write " + c.name)) return nullptr;
    auto m = Model::load(o.output);
    std::filesystem::remove(o.output);  // the mapping stays valid
    if (!r.ok(m ? Status{} : Status{m.error()}, "load " + c.name)) return nullptr;
    return *m;
}

std::vector<double> widen(const float* p, size_t n) { return std::vector<double>(p, p + n); }

void run_model(Runner& r, const ModelCase& c) {
    auto model = make_model(r, c);
    if (!model) return;
    ContextParams cp;
    cp.n_ctx = 256;
    cp.n_threads = 2;
    auto cpu = Context::create(model, cp);
    if (!r.ok(cpu ? Status{} : Status{cpu.error()}, "cpu context " + c.name)) return;
    CudaForwardParams gp;
    gp.n_ctx = 256;
    gp.n_batch = 16;  // a 37-token prompt runs as chunks of 16, 16 and 5 rows (all through cuBLAS)
    auto gpu = CudaForward::create(model->config(), model->weights(), gp);
    if (!r.ok(gpu ? Status{} : Status{gpu.error()}, "cuda forward " + c.name)) return;
    const double limit = c.type == TensorType::F32 ? 1e-5 : 1e-3;
    const int V = model->config().n_vocab;

    std::vector<int32_t> prompt;
    for (int i = 0; i < 37; ++i) prompt.push_back((i * 97 + 5) % V);
    auto ref = (*cpu)->decode_all_logits(prompt);
    auto got = (*gpu)->decode_all_logits(prompt);
    if (!r.ok(ref ? Status{} : Status{ref.error()}, "cpu prefill") ||
        !r.ok(got ? Status{} : Status{got.error()}, "cuda prefill " + c.name))
        return;
    r.below(nmse(*got, widen(ref->data(), ref->size())), limit, c.name + " prefill logits (37 tokens)");

    // single tokens: the graph is captured on the first and replayed after
    int32_t token = 17;
    for (int step = 0; step < 6; ++step) {
        const int32_t one[1] = {token};
        auto rl = (*cpu)->decode(one);
        auto gl = (*gpu)->decode(one);
        if (!r.ok(rl ? Status{} : Status{rl.error()}, "cpu decode") ||
            !r.ok(gl ? Status{} : Status{gl.error()}, "cuda decode " + c.name))
            return;
        r.below(nmse(std::vector<float>(*gl, *gl + V), widen(*rl, static_cast<size_t>(V))), limit,
                c.name + " decode step " + std::to_string(step) + " at position " + std::to_string(37 + step));
        token = static_cast<int32_t>(std::max_element(*rl, *rl + V) - *rl);
    }
    r.check((*gpu)->position() == (*cpu)->position(), c.name + " positions agree");

    // greedy sampling on the device picks the CPU's argmax (when the top two are not a near tie)
    for (int step = 0; step < 3; ++step) {
        const int32_t one[1] = {token};
        auto rl = (*cpu)->decode(one);
        auto gt = (*gpu)->decode_sample(token, 0.0f, 1);
        if (!rl || !r.ok(gt ? Status{} : Status{gt.error()}, "decode_sample " + c.name)) return;
        std::vector<float> sorted(*rl, *rl + V);
        std::sort(sorted.begin(), sorted.end(), std::greater<>());
        const int32_t want = static_cast<int32_t>(std::max_element(*rl, *rl + V) - *rl);
        if (sorted[0] - sorted[1] > 1e-3f * std::max(1.0f, std::fabs(sorted[0])))
            r.check(*gt == want, c.name + " greedy token " + std::to_string(*gt) + " == cpu " + std::to_string(want));
        token = want;
    }

    // bad input: nothing changes
    const int pos = (*gpu)->position();
    const int32_t bad[2] = {1, V};
    r.check(!(*gpu)->decode(bad).ok() && (*gpu)->position() == pos, c.name + " token id out of range is an error");
    std::vector<int32_t> too_many(static_cast<size_t>(256 - pos + 1), 1);
    r.check(!(*gpu)->decode(too_many).ok() && (*gpu)->position() == pos, c.name + " overflowing the context is an error");
}

// Selective V on both sides (top_k 8 of ~40 positions). Scores differ in the last bits between the
// engines, so a near tie at the cut could keep a different position: a looser limit than dense.
void run_selective(Runner& r, const ModelCase& c) {
    auto model = make_model(r, c);
    if (!model) return;
    ContextParams cp;
    cp.n_ctx = 128;
    cp.n_threads = 2;
    cp.selective_v = true;
    cp.selective_v_top_k = 8;
    auto cpu = Context::create(model, cp);
    CudaForwardParams gp;
    gp.n_ctx = 128;
    gp.selective_v = true;
    gp.selective_v_top_k = 8;
    auto gpu = CudaForward::create(model->config(), model->weights(), gp);
    if (!cpu || !r.ok(gpu ? Status{} : Status{gpu.error()}, "selective cuda forward")) return;
    std::vector<int32_t> prompt;
    for (int i = 0; i < 40; ++i) prompt.push_back((i * 31 + 2) % model->config().n_vocab);
    (void)(*cpu)->decode(prompt);
    (void)(*gpu)->decode(prompt);
    for (int step = 0; step < 3; ++step) {
        const int32_t one[1] = {static_cast<int32_t>(5 + step)};
        auto rl = (*cpu)->decode(one);
        auto gl = (*gpu)->decode(one);
        if (!rl || !r.ok(gl ? Status{} : Status{gl.error()}, "selective decode")) return;
        const size_t V = static_cast<size_t>(model->config().n_vocab);
        r.below(nmse(std::vector<float>(*gl, *gl + V), widen(*rl, V)), 1e-2,
                c.name + " selective V top 8, step " + std::to_string(step));
    }
}

void run_vram(Runner& r) {
    ModelCase c{"vram", "sigma", 128, 8, 2, 4, 192, TensorType::F16};
    auto model = make_model(r, c);
    if (!model) return;
    CudaForwardParams p;
    p.n_ctx = 256;
    auto ok = cuda_vram_check(model->config(), model->weights(), p);
    r.check(ok && ok->fits && ok->total >= ok->weights + ok->kv_cache && ok->weights > 0, "a tiny model fits");
    p.n_ctx = 1 << 30;  // a KV cache of hundreds of GiB
    auto no = cuda_vram_check(model->config(), model->weights(), p);
    r.check(no && !no->fits && no->reason.find("free") != std::string::npos, "a huge context does not fit, with a reason");
    if (no) std::printf("  reason: %s\n", no->reason.c_str());
}

}  // namespace

int main() {
    if (!have_device()) return kSkipCode;
    Runner r;
    const std::vector<ModelCase> cases = {
        {"llama_f32", "llama", 64, 4, 2, 0, 0, TensorType::F32},
        {"llama_f16", "llama", 64, 4, 2, 0, 0, TensorType::F16},
        {"llama_q8_0_tied", "llama", 64, 4, 4, 0, 0, TensorType::Q8_0, true},
        {"qwen2_bf16", "qwen2", 64, 4, 2, 0, 0, TensorType::BF16},
        {"qwen2_q8_0", "qwen2", 64, 4, 1, 0, 0, TensorType::Q8_0},
        {"sigma_f32", "sigma", 128, 8, 2, 4, 192, TensorType::F32},
        {"sigma_f16", "sigma", 128, 8, 2, 4, 192, TensorType::F16},
        {"sigma_q8_0", "sigma", 128, 8, 1, 4, 0, TensorType::Q8_0},
    };
    for (const ModelCase& c : cases) run_model(r, c);
    run_selective(r, cases[6]);
    run_vram(r);
    return r.finish("test_model");
}
