// Uploading a model's weights to the device and sizing what the model needs there.
// Not the forward pass (cuda_forward.cpp): the copies here run once, on the default stream.
#include "inference/cuda_weights.h"

#ifdef SIGMA_HAVE_CUDA

#include <algorithm>
#include <cmath>

#include "inference/cuda_forward.h"
#include "inference/forward.h"
#include "inference/tensor_types.h"

namespace sigma {

namespace {

// Every tensor the forward pass reads, each once (a tied output is token_embd).
std::vector<const TensorView*> uploaded_tensors(const ModelWeights& w) {
    std::vector<const TensorView*> t = {w.token_embd, w.output_norm, w.output};
    for (const LayerWeights& l : w.layers)
        for (const TensorView* v : {l.attn_norm, l.wq, l.wk, l.wv, l.wo, l.bq, l.bk, l.bv, l.q_gate, l.q_up, l.q_down,
                                    l.ffn_norm, l.ffn_gate, l.ffn_up, l.ffn_down})
            t.push_back(v);
    std::vector<const TensorView*> unique;
    for (const TensorView* v : t)
        if (v && std::find(unique.begin(), unique.end(), v) == unique.end()) unique.push_back(v);
    return unique;
}

size_t tensor_bytes(const TensorView& t) { return row_bytes(t.type, t.ne[0]) * static_cast<size_t>(t.rows()); }

std::string gib(size_t b) { return std::to_string(static_cast<double>(b) / (1u << 30)).substr(0, 5) + " GiB"; }

}  // namespace

cuda::VramInputs cuda_vram_inputs(const ModelConfig& c, const ModelWeights& w, int n_ctx, int n_batch) {
    cuda::VramInputs in;
    in.weight_bytes = cuda_weight_bytes(w);
    in.n_layer = c.n_layer;
    in.n_ctx = n_ctx;
    in.kv_width = c.heads.n_k * c.d_k + c.heads.n_v * c.d_v;
    in.kv_element_bytes = 2;  // f16 and bf16 alike
    in.n_batch = n_batch;
    in.max_row = std::max({c.n_embd, c.heads.n_q * c.d_k, c.heads.n_q * c.d_v, c.n_ff, c.d_aug});
    in.n_vocab = c.n_vocab;
    in.max_weight_in = cuda_widest_weight_row(c);
    return in;
}

int cuda_widest_weight_row(const ModelConfig& c) {
    return std::max({c.n_embd, c.heads.n_q * c.d_v, c.n_ff, c.d_aug, c.heads.n_q * c.d_k});
}

size_t cuda_weight_bytes(const ModelWeights& weights) {
    size_t n = 0;
    for (const TensorView* t : uploaded_tensors(weights)) n += tensor_bytes(*t);
    return n;
}

Expected<CudaVramReport> cuda_vram_check(const ModelConfig& c, const ModelWeights& w, int device, int n_ctx,
                                         int n_batch) {
    if (cuda::device_count() == 0) return make_error(ErrorCode::Unsupported, "no CUDA device");
    if (Status st = check_weights(c, w); !st) return st.error();
    if (Status st = cuda_check_model(c); !st) return st.error();
    auto info = cuda::device_info(device);
    if (!info) return info.error();
    if (n_ctx <= 0) n_ctx = c.n_ctx_train;
    const cuda::VramEstimate e = cuda::estimate_vram(cuda_vram_inputs(c, w, n_ctx, n_batch));
    CudaVramReport r;
    r.weights = e.weights;
    r.kv_cache = e.kv_cache;
    r.scratch = e.scratch;
    r.total = e.total;
    r.device_free = info->free_bytes;
    r.device_total = info->total_bytes;
    r.device_name = info->name;
    r.fits = e.total <= info->free_bytes;
    if (!r.fits) {
        r.reason = "the model needs " + gib(e.total) + " (weights " + gib(e.weights) + ", KV cache " + gib(e.kv_cache) +
                   " for " + std::to_string(n_ctx) + " positions, scratch " + gib(e.scratch) + ") but " + info->name +
                   " has " + gib(info->free_bytes) + " free";
    }
    return r;
}

CudaWeights::~CudaWeights() {
    for (void* p : allocations_) cuda::device_free(p);
}

Expected<std::unique_ptr<CudaWeights>> CudaWeights::upload(const ModelConfig& config, const ModelWeights& weights) {
    std::unique_ptr<CudaWeights> w(new CudaWeights());
    if (Status st = w->load(config, weights); !st) return st.error();
    return w;
}

Expected<std::unique_ptr<CudaWeights>> CudaWeights::random(const ModelConfig& config, const ModelWeights& shapes,
                                                           uint64_t seed) {
    const ModelConfig& c = config;
    if (c.n_layer <= 0 || c.n_embd <= 0 || c.n_ff <= 0 || c.heads.n_q <= 0 || c.heads.n_k <= 0 || c.heads.n_v <= 0 ||
        c.d_k <= 0 || c.d_v <= 0 || c.n_vocab <= 0 || c.half_k || c.d_k != c.d_k_cache ||
        static_cast<int>(shapes.layers.size()) != c.n_layer || !shapes.token_embd || !shapes.output_norm)
        return make_error(ErrorCode::InvalidArgument, "random weights: the config or the shapes have a bad dimension");
    std::unique_ptr<CudaWeights> w(new CudaWeights());
    w->random_seed_ = seed == 0 ? 1 : seed;
    if (Status st = w->load(config, shapes); !st) return st.error();
    return w;
}

Status CudaWeights::load(const ModelConfig& config, const ModelWeights& weights) {
    SIGMA_TRY(matrix(token_embd, weights.token_embd));
    matmul_bytes = 0;  // a step reads one embedding row, not the table
    matmul_params = 0.0;
    SIGMA_TRY(matrix(output, weights.output ? weights.output : weights.token_embd));
    SIGMA_TRY(widened(output_norm, weights.output_norm));
    for (const LayerWeights& lw : weights.layers) {
        DeviceLayerWeights l;
        SIGMA_TRY(matrix(l.wq, lw.wq));
        SIGMA_TRY(matrix(l.wk, lw.wk));
        SIGMA_TRY(matrix(l.wv, lw.wv));
        SIGMA_TRY(matrix(l.wo, lw.wo));
        SIGMA_TRY(matrix(l.q_gate, config.d_aug > 0 ? lw.q_gate : nullptr));
        SIGMA_TRY(matrix(l.q_up, config.d_aug > 0 ? lw.q_up : nullptr));
        SIGMA_TRY(matrix(l.q_down, config.d_aug > 0 ? lw.q_down : nullptr));
        SIGMA_TRY(matrix(l.ffn_gate, lw.ffn_gate));
        SIGMA_TRY(matrix(l.ffn_up, lw.ffn_up));
        SIGMA_TRY(matrix(l.ffn_down, lw.ffn_down));
        SIGMA_TRY(widened(l.attn_norm, lw.attn_norm));
        SIGMA_TRY(widened(l.ffn_norm, lw.ffn_norm));
        SIGMA_TRY(widened(l.bq, lw.bq));
        SIGMA_TRY(widened(l.bk, lw.bk));
        SIGMA_TRY(widened(l.bv, lw.bv));
        layers.push_back(l);
    }
    return cuda::device_sync();
}

// The tensor's bytes on the device, copied or (random_seed_) made there; once per tensor.
Expected<const void*> CudaWeights::put(const TensorView* t) {
    if (auto it = placed_.find(t); it != placed_.end()) return it->second;
    const size_t bytes = tensor_bytes(*t);
    auto p = cuda::device_alloc(bytes);
    if (!p) return p.error();
    allocations_.push_back(*p);
    if (random_seed_ != 0) {
        // variance ~1/in keeps activations finite through the layers
        const float scale = 1.7f / std::sqrt(static_cast<float>(t->ne[0]));
        SIGMA_TRY(cuda::fill_random_weights(*p, t->type, t->elements(), scale, random_seed_ + placed_.size(), nullptr));
    } else {
        SIGMA_TRY(cuda::copy_to_device(*p, t->data, bytes));
    }
    placed_[t] = *p;
    return static_cast<const void*>(*p);
}

Status CudaWeights::matrix(DeviceWeight& dst, const TensorView* t) {
    if (!t) return {};
    auto p = put(t);
    if (!p) return p.error();
    dst = DeviceWeight{*p, t->type, t->ne[0], t->rows()};
    matmul_bytes += tensor_bytes(*t);
    matmul_params += static_cast<double>(t->elements());
    return {};
}

// Norm weights and biases: widened to f32 on the host once (random weights: ones), then copied.
Status CudaWeights::widened(float*& dst, const TensorView* t) {
    if (!t) return {};
    std::vector<float> host(static_cast<size_t>(t->elements()), 1.0f);
    if (random_seed_ == 0 && !dequantize_row(t->type, t->data, host.data(), t->elements()))
        return make_error(ErrorCode::Unsupported, "tensor " + t->name + " has a type without a conversion");
    auto p = cuda::device_alloc(std::max<size_t>(host.size(), 1) * sizeof(float));
    if (!p) return p.error();
    allocations_.push_back(*p);
    dst = static_cast<float*>(*p);
    return cuda::copy_to_device(dst, host.data(), host.size() * sizeof(float));
}

}  // namespace sigma

#endif  // SIGMA_HAVE_CUDA
