// The engine's backend choice: Context with BackendRequest::Cuda, Auto and their refusals, against a
// CPU Context on the same model (logits, greedy generation with prefix reuse, truncation, errors).
// Not the whole-model sweep over architectures and types: test_model.cpp drives CudaForward for that.
#include <filesystem>

#include "inference/context.h"
#include "inference/generate.h"
#include "inference/model.h"
#include "tests/cuda/harness.h"
#include "tools/mkmodel/mkmodel.h"

using namespace sigma;
using namespace sigma::cuda_test;

namespace {

std::shared_ptr<const Model> make_model(Runner& r, const std::string& name, const std::string& arch, bool half_k) {
    mkmodel::Options o;
    o.arch = arch;
    o.layers = 2;
    o.hidden = 64;
    o.heads = 4;
    o.heads_k = arch == "sigma" ? 1 : 2;
    o.heads_v = arch == "sigma" ? 4 : 0;
    o.half_k = half_k;
    o.ctx = 256;
    o.vocab = 320;
    o.type = TensorType::F32;
    o.seed = 5;
    o.output = (std::filesystem::temp_directory_path() / ("sigma_ctx_backend_" + name + ".gguf")).string();
    if (!r.ok(mkmodel::write_model(o), "write " + name)) return nullptr;
    auto m = Model::load(o.output);
    std::filesystem::remove(o.output);  // the mapping stays valid
    if (!r.ok(m ? Status{} : Status{m.error()}, "load " + name)) return nullptr;
    return *m;
}

bool has(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

// Refusals decided by the model and the options alone, before any device is looked for.
void test_refusals_without_a_device(Runner& r) {
    auto half = make_model(r, "half_k", "sigma", true);
    auto llama = make_model(r, "llama", "llama", false);
    if (!half || !llama) return;
    ContextParams p;
    p.n_ctx = 64;
    p.backend = BackendRequest::Cuda;
    auto refused = Context::create(half, p);
    r.check(!refused && has(refused.error().message, "unsupported feature: half-K"),
            "a half-K model is refused on CUDA by name" + (refused ? std::string() : ": " + refused.error().message));
    p.backend = BackendRequest::Auto;
    auto fallback = Context::create(half, p);
    r.check(fallback && (*fallback)->backend() == ComputeBackend::Cpu && has((*fallback)->backend_note(), "half-K"),
            "auto runs a half-K model on the CPU and says why");
    p.backend = BackendRequest::Cuda;
    p.kv_type = KvType::F32;
    auto f32 = Context::create(llama, p);
    r.check(!f32 && has(f32.error().message, "f32 KV cache"), "an f32 KV cache is refused on CUDA by name");
}

void test_on_device(Runner& r) {
    auto model = make_model(r, "llama_dev", "llama", false);
    if (!model) return;
    const int V = model->config().n_vocab;
    ContextParams cp;
    cp.n_ctx = 128;
    cp.n_threads = 2;
    auto cpu = Context::create(model, cp);
    cp.backend = BackendRequest::Cuda;
    auto gpu = Context::create(model, cp);
    if (!r.ok(cpu ? Status{} : Status{cpu.error()}, "cpu context") ||
        !r.ok(gpu ? Status{} : Status{gpu.error()}, "cuda context"))
        return;
    r.check((*gpu)->backend() == ComputeBackend::Cuda && !(*gpu)->backend_note().empty() && (*gpu)->n_threads() == 0,
            "the CUDA context names its device");
    cp.backend = BackendRequest::Auto;
    auto automatic = Context::create(model, cp);
    r.check(automatic && (*automatic)->backend() == ComputeBackend::Cuda, "auto takes CUDA for a model that fits");
    cp.cuda_device = 999;
    auto no_such = Context::create(model, cp);
    r.check(no_such && (*no_such)->backend() == ComputeBackend::Cpu && !(*no_such)->backend_note().empty(),
            "auto with a device that does not exist runs on the CPU with a reason");
    cp.backend = BackendRequest::Cuda;
    r.check(!Context::create(model, cp).ok(), "--backend cuda with a device that does not exist is an error");

    std::vector<int32_t> prompt;
    for (int i = 0; i < 20; ++i) prompt.push_back((i * 53 + 9) % V);
    auto ref = (*cpu)->decode_all_logits(prompt);
    auto got = (*gpu)->decode_all_logits(prompt);
    if (!r.ok(ref ? Status{} : Status{ref.error()}, "cpu logits") ||
        !r.ok(got ? Status{} : Status{got.error()}, "cuda logits"))
        return;
    r.below(nmse(*got, std::vector<double>(ref->begin(), ref->end())), 1e-5,
            "Context on CUDA: prefill logits (f32 model)");
    r.check((*gpu)->position() == 20 && (*gpu)->common_prefix(prompt) == 20, "the CUDA context records its tokens");

    // Truncate and decode the tail again: the last logits are those of the full prefill.
    const std::vector<float> last(got->end() - V, got->end());
    (*gpu)->truncate(12);
    auto again = (*gpu)->decode(std::span<const int32_t>(prompt).subspan(12));
    if (!r.ok(again ? Status{} : Status{again.error()}, "decode after truncate")) return;
    r.below(nmse(std::vector<float>(*again, *again + V), std::vector<double>(last.begin(), last.end())), 1e-8,
            "truncate then decode the tail again");

    // Greedy generation through generate(): the same tokens on both engines (an f32 model's logits
    // agree far below any realistic gap), and the second call reuses the cached prefix.
    (*cpu)->truncate(0);
    (*gpu)->truncate(0);
    GenerateParams gp;
    gp.n_predict = 8;
    gp.sampler.temperature = 0.0f;
    std::vector<int32_t> a, b;
    auto sa = generate(**cpu, prompt, gp, {}, [&](int32_t t) {
        a.push_back(t);
        return true;
    });
    auto sb = generate(**gpu, prompt, gp, {}, [&](int32_t t) {
        b.push_back(t);
        return true;
    });
    if (!r.ok(sa ? Status{} : Status{sa.error()}, "cpu generate") ||
        !r.ok(sb ? Status{} : Status{sb.error()}, "cuda generate"))
        return;
    r.check(a == b && a.size() == 8, "greedy generation gives the CPU's tokens on CUDA");
    std::vector<int32_t> longer = prompt;
    longer.insert(longer.end(), b.begin(), b.end());
    std::vector<int32_t> c;
    auto sc = generate(**gpu, longer, gp, {}, [&](int32_t t) {
        c.push_back(t);
        return true;
    });
    r.check(sc && sc->reused_tokens >= 20, "a follow-up prompt reuses the cached prefix on CUDA");

    const int pos = (*gpu)->position();
    const int32_t bad[1] = {V};
    r.check(!(*gpu)->decode(bad).ok() && (*gpu)->position() == pos,
            "a token out of range is an error that changes nothing");
}

}  // namespace

int main() {
    Runner r;
    if (cuda_backend_built()) test_refusals_without_a_device(r);
    if (!have_device()) return r.failures() == 0 ? kSkipCode : r.finish("test_context_backend");
    test_on_device(r);
    return r.finish("test_context_backend");
}
