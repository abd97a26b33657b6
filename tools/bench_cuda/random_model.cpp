// Random benchmark models: the shapes of a config as tensor views, weights filled on the device.
// Not a model file: nothing here is written or read from disk.
#include "tools/bench_cuda/random_model.h"

#include <string>

#include "inference/cuda_weights.h"
#include "inference/tensor_types.h"
#include "kernels/cuda_backend.h"

namespace sigma::bench {

Expected<std::unique_ptr<RandomModel>> make_random_model(const ModelConfig& config, TensorType type,
                                                         const CudaForwardParams& params, uint64_t seed) {
    if (!cuda::matmul_supports(type)) return make_error(ErrorCode::Unsupported, "random weights: unsupported type");
    auto m = std::make_unique<RandomModel>();
    m->config = config;
    const ModelConfig& c = m->config;
    auto view = [&](const std::string& name, int64_t in, int64_t out, TensorType t) {
        auto v = std::make_unique<TensorView>();
        v->name = name;
        v->type = t;
        v->n_dims = 2;
        v->ne = {in, out, 1, 1};
        v->nbytes = row_bytes(t, in) * static_cast<size_t>(out);
        m->views.push_back(std::move(v));
        return m->views.back().get();
    };
    const int64_t H = c.n_embd, qd = int64_t{c.heads.n_q} * c.d_k, kd = int64_t{c.heads.n_k} * c.d_k;
    const int64_t vd = int64_t{c.heads.n_v} * c.d_v, od = int64_t{c.heads.n_q} * c.d_v;
    ModelWeights& w = m->shapes;
    w.token_embd = view("token_embd", H, c.n_vocab, type);
    w.output_norm = view("output_norm", H, 1, TensorType::F32);
    w.output = view("output", H, c.n_vocab, type);
    for (int l = 0; l < c.n_layer; ++l) {
        LayerWeights lw;
        lw.attn_norm = view("attn_norm", H, 1, TensorType::F32);
        lw.ffn_norm = view("ffn_norm", H, 1, TensorType::F32);
        lw.wq = view("wq", H, qd, type);
        lw.wk = view("wk", H, kd, type);
        lw.wv = view("wv", H, vd, type);
        lw.wo = view("wo", od, H, type);
        if (c.d_aug > 0) {
            lw.q_gate = view("q_gate", qd, c.d_aug, type);
            lw.q_up = view("q_up", qd, c.d_aug, type);
            lw.q_down = view("q_down", c.d_aug, qd, type);
        }
        lw.ffn_gate = view("ffn_gate", H, c.n_ff, type);
        lw.ffn_up = view("ffn_up", H, c.n_ff, type);
        lw.ffn_down = view("ffn_down", c.n_ff, H, type);
        w.layers.push_back(lw);
    }
    if (cuda::device_count() == 0) return make_error(ErrorCode::Unsupported, "no CUDA device");
    if (Status st = cuda::set_device(params.device); !st) return st.error();
    auto weights = CudaWeights::random(c, w, seed);
    if (!weights) return weights.error();
    auto forward = CudaForward::create(c, std::move(*weights), params);
    if (!forward) return forward.error();
    m->forward = std::move(*forward);
    return m;
}

size_t decode_step_bytes(const RandomModel& m) {
    const ModelConfig& c = m.config;
    const CudaForward& f = *m.forward;
    const size_t kv_row = static_cast<size_t>(c.heads.n_k) * c.d_k + static_cast<size_t>(c.heads.n_v) * c.d_v;
    const size_t kv = static_cast<size_t>(c.n_layer) * static_cast<size_t>(f.position() + 1) * kv_row * 2;
    return f.weights().matmul_bytes + row_bytes(m.shapes.token_embd->type, c.n_embd) + kv;
}

double forward_flops(const RandomModel& m, int n) {
    const ModelConfig& c = m.config;
    double attn = 0.0;
    for (int t = 0; t < n; ++t) attn += static_cast<double>(m.forward->position() + t + 1);
    attn *= 2.0 * c.n_layer * c.heads.n_q * static_cast<double>(c.d_k + c.d_v);
    return 2.0 * m.forward->weights().matmul_params * n + attn;
}

}  // namespace sigma::bench
