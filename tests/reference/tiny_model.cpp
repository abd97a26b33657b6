// Tiny random models: weights drawn uniformly with variance ~1/fan_in so activations stay O(1)
// through a few layers, then stored in the requested type with the reference quantize_row.
// Not realistic weights: only shapes and types matter for comparing paths.
#include "tests/reference/tiny_model.h"

#include <cmath>

#include "inference/tensor_types.h"

namespace sigma::ref {

uint64_t Rng::next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

double Rng::uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }

float Rng::uniform(float lo, float hi) { return lo + static_cast<float>(uniform()) * (hi - lo); }

int Rng::below(int n) { return static_cast<int>(next() % static_cast<uint64_t>(n)); }

std::vector<int32_t> random_tokens(int n, int n_vocab, uint64_t seed) {
    Rng rng(seed);
    std::vector<int32_t> t(static_cast<size_t>(n));
    for (auto& x : t) x = rng.below(n_vocab);
    return t;
}

namespace {

class Builder {
public:
    Builder(TinyModel& m, uint64_t seed) : m_(m), rng_(seed) {}

    // A tensor {in, out} of `type`, values uniform in [center - amp, center + amp].
    const TensorView* tensor(const std::string& name, int64_t in, int64_t out, TensorType type, float center,
                             float amp) {
        if (type == TensorType::Q8_0 && in % kQ8_0BlockSize != 0) type = TensorType::F16;
        std::vector<float> values(static_cast<size_t>(in * out));
        for (auto& v : values) v = center + rng_.uniform(-amp, amp);
        const size_t stride = row_bytes(type, in);
        auto bytes = std::make_unique<std::vector<uint8_t>>(stride * static_cast<size_t>(out));
        for (int64_t r = 0; r < out; ++r) quantize_row(type, values.data() + r * in, bytes->data() + r * stride, in);
        auto view = std::make_unique<TensorView>();
        view->name = name;
        view->type = type;
        view->n_dims = out == 1 ? 1 : 2;
        view->ne = {in, out, 1, 1};
        view->data = bytes->data();
        view->nbytes = bytes->size();
        m_.storage.push_back(std::move(bytes));
        m_.views.push_back(std::move(view));
        return m_.views.back().get();
    }

    const TensorView* linear(const std::string& name, int64_t in, int64_t out, TensorType type) {
        return tensor(name, in, out, type, 0.0f, std::sqrt(3.0f / static_cast<float>(in)));
    }

private:
    TinyModel& m_;
    Rng rng_;
};

}  // namespace

std::unique_ptr<TinyModel> make_tiny_model(const TinySpec& s) {
    auto m = std::make_unique<TinyModel>();
    ModelConfig& c = m->config;
    c.arch = s.arch;
    c.arch_name = s.arch == Arch::Llama ? "llama" : s.arch == Arch::Qwen2 ? "qwen2" : "sigma";
    c.n_layer = s.n_layer;
    c.n_embd = s.n_embd;
    c.n_ff = s.n_ff;
    c.heads = s.heads;
    c.d_v = s.d_v > 0 ? s.d_v : s.head_dim;
    c.half_k = s.half_k;
    c.d_k = s.half_k ? c.d_v : s.head_dim;
    c.d_k_cache = s.half_k ? c.d_v / 2 : c.d_k;
    c.d_aug = s.d_aug;
    c.n_vocab = s.n_vocab;
    c.n_ctx_train = s.n_ctx_train;
    c.rms_eps = s.rms_eps;
    c.rope_theta = s.rope_theta;
    c.rope_style = s.rope_style;
    c.qkv_bias = s.qkv_bias;
    c.tied_output = s.tied_output;

    const int64_t H = c.n_embd, qd = int64_t{c.heads.n_q} * c.d_k, kd = int64_t{c.heads.n_k} * c.d_k_cache;
    const int64_t vd = int64_t{c.heads.n_v} * c.d_v, od = int64_t{c.heads.n_q} * c.d_v;
    const TensorType T = s.weight_type;
    Builder b(*m, s.seed);
    ModelWeights& w = m->weights;
    w.token_embd = b.tensor("token_embd.weight", H, c.n_vocab, T, 0.0f, 1.0f);
    w.output_norm = b.tensor("output_norm.weight", H, 1, TensorType::F32, 1.0f, 0.2f);
    w.output = s.tied_output ? w.token_embd : b.linear("output.weight", H, c.n_vocab, T);
    for (int l = 0; l < c.n_layer; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        LayerWeights lw;
        lw.attn_norm = b.tensor(p + "attn_norm.weight", H, 1, TensorType::F32, 1.0f, 0.2f);
        lw.wq = b.linear(p + "attn_q.weight", H, qd, T);
        lw.wk = b.linear(p + "attn_k.weight", H, kd, T);
        lw.wv = b.linear(p + "attn_v.weight", H, vd, T);
        lw.wo = b.linear(p + "attn_output.weight", od, H, T);
        if (s.qkv_bias) {
            lw.bq = b.tensor(p + "attn_q.bias", qd, 1, TensorType::F32, 0.0f, 0.3f);
            lw.bk = b.tensor(p + "attn_k.bias", kd, 1, TensorType::F32, 0.0f, 0.3f);
            lw.bv = b.tensor(p + "attn_v.bias", vd, 1, TensorType::F32, 0.0f, 0.3f);
        }
        if (c.d_aug > 0) {
            lw.q_gate = b.linear(p + "attn_q_gate.weight", qd, c.d_aug, T);
            lw.q_up = b.linear(p + "attn_q_up.weight", qd, c.d_aug, T);
            lw.q_down = b.linear(p + "attn_q_down.weight", c.d_aug, qd, T);
        }
        if (c.half_k) lw.k_up = b.linear(p + "attn_k_up.weight", c.d_k_cache, c.d_k, T);
        lw.ffn_norm = b.tensor(p + "ffn_norm.weight", H, 1, TensorType::F32, 1.0f, 0.2f);
        lw.ffn_gate = b.linear(p + "ffn_gate.weight", H, c.n_ff, T);
        lw.ffn_up = b.linear(p + "ffn_up.weight", H, c.n_ff, T);
        lw.ffn_down = b.linear(p + "ffn_down.weight", c.n_ff, H, T);
        w.layers.push_back(lw);
    }
    return m;
}

TinySpec llama_spec(TensorType type) {
    TinySpec s;
    s.weight_type = type;
    return s;
}

TinySpec qwen2_spec(TensorType type) {
    TinySpec s;
    s.arch = Arch::Qwen2;
    s.qkv_bias = true;
    s.rope_style = RopeStyle::NeoX;
    s.rope_theta = 1000000.0f;
    s.rms_eps = 1e-6f;
    s.tied_output = true;
    s.weight_type = type;
    return s;
}

TinySpec sigma_spec(TensorType type) {
    TinySpec s;
    s.arch = Arch::Sigma;
    s.heads = {8, 1, 4};
    s.head_dim = 8;
    s.d_aug = 96;
    s.rope_theta = 50000.0f;
    s.weight_type = type;
    return s;
}

}  // namespace sigma::ref
