// CudaForward: the forward pass of forward.cpp, block by block, as calls into the CUDA kernels on one
// stream. Same order and math as the CPU pass (the comments name each block's formula); the
// single-token step reads its token, position and length from device memory, so it is captured once
// as a graph and replayed for every later token.
// Not a scheduler: one sequence, one stream, synchronous at the end of each call.
#include "inference/cuda_forward.h"

#ifdef SIGMA_HAVE_CUDA

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "inference/forward.h"
#include "inference/tensor_types.h"
#include "kernels/cuda_backend.h"

namespace sigma {

namespace {

struct DeviceWeight {
    const void* data = nullptr;
    TensorType type = TensorType::F32;
    int64_t in = 0, out = 0;
};

// Dimension legend: B = n_batch, H = n_embd, T = n_ctx, L = n_layer, V = n_vocab, A = d_aug, F = n_ff.
struct DeviceLayer {
    DeviceWeight wq, wk, wv, wo, q_gate, q_up, q_down, ffn_gate, ffn_up, ffn_down;
    float* attn_norm = nullptr;  // [H]
    float* ffn_norm = nullptr;   // [H]
    float* bq = nullptr;         // [n_q*d_k] or null
    float* bk = nullptr;         // [n_k*d_k]
    float* bv = nullptr;         // [n_v*d_v]
    void* k_cache = nullptr;     // [T][n_k][d_k] f16/bf16
    void* v_cache = nullptr;     // [T][n_v][d_v]
};

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

Status check_cuda_dims(const ModelConfig& c) {
    if (c.half_k)
        return make_error(ErrorCode::Unsupported, "unsupported feature: half-K (this model caches K " +
                                                      std::to_string(c.d_k_cache) + " wide for d_k " +
                                                      std::to_string(c.d_k) + "); the CUDA backend does not run it");
    if (c.d_k % 8 != 0 || c.d_v % 2 != 0 || c.d_k > 256 || c.d_v > 256)
        return make_error(ErrorCode::Unsupported, "the CUDA backend needs d_k a multiple of 8 and even d_v, both "
                                                  "at most 256; got d_k " + std::to_string(c.d_k) + ", d_v " +
                                                      std::to_string(c.d_v));
    if (c.heads.n_k > c.heads.n_q || c.heads.n_v > c.heads.n_q)
        return make_error(ErrorCode::Unsupported, "the CUDA backend needs n_k and n_v at most n_q");
    return {};
}

Status check_cuda_config(const ModelConfig& c, const ModelWeights& w) {
    SIGMA_TRY(check_weights(c, w));
    return check_cuda_dims(c);
}

cuda::VramInputs vram_inputs(const ModelConfig& c, const ModelWeights& w, int n_ctx, int n_batch, bool bf16) {
    (void)bf16;  // both cache types take two bytes
    cuda::VramInputs in;
    in.weight_bytes = cuda_weight_bytes(c, w);
    in.n_layer = c.n_layer;
    in.n_ctx = n_ctx;
    in.kv_width = c.heads.n_k * c.d_k + c.heads.n_v * c.d_v;
    in.kv_element_bytes = 2;
    in.n_batch = n_batch;
    in.max_row = std::max({c.n_embd, c.heads.n_q * c.d_k, c.heads.n_q * c.d_v, c.n_ff, c.d_aug});
    in.n_vocab = c.n_vocab;
    in.max_weight_in = std::max({c.n_embd, c.heads.n_q * c.d_v, c.n_ff, c.d_aug, c.heads.n_q * c.d_k});
    return in;
}

}  // namespace

Status cuda_check_model(const ModelConfig& config) { return check_cuda_dims(config); }

size_t cuda_weight_bytes(const ModelConfig& config, const ModelWeights& weights) {
    (void)config;
    size_t n = 0;
    for (const TensorView* t : uploaded_tensors(weights)) n += tensor_bytes(*t);
    return n;
}

Expected<CudaVramReport> cuda_vram_check(const ModelConfig& c, const ModelWeights& w, const CudaForwardParams& p) {
    if (cuda::device_count() == 0) return make_error(ErrorCode::Unsupported, "no CUDA device");
    if (Status st = check_cuda_config(c, w); !st) return st.error();
    auto info = cuda::device_info(p.device);
    if (!info) return info.error();
    const int n_ctx = p.n_ctx > 0 ? p.n_ctx : c.n_ctx_train;
    const cuda::VramEstimate e = cuda::estimate_vram(vram_inputs(c, w, n_ctx, p.n_batch, p.bf16_cache));
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
        auto gib = [](size_t b) { return std::to_string(static_cast<double>(b) / (1u << 30)).substr(0, 5) + " GiB"; };
        r.reason = "the model needs " + gib(e.total) + " (weights " + gib(e.weights) + ", KV cache " + gib(e.kv_cache) +
                   " for " + std::to_string(n_ctx) + " positions, scratch " + gib(e.scratch) + ") but " + info->name +
                   " has " + gib(info->free_bytes) + " free";
    }
    return r;
}

struct CudaForward::Impl {
    ModelConfig config_copy;             // create_random: the config lives here
    uint64_t random_seed = 0;            // nonzero: weights are random, made on the device
    TensorType random_type = TensorType::F16;
    size_t matmul_weight_bytes = 0;      // every weight a token multiplies (for decode_step_bytes)
    double matmul_weight_params = 0.0;
    const ModelConfig* c = nullptr;
    const ModelWeights* w = nullptr;
    CudaForwardParams params;
    int n_ctx = 0, n_batch = 0, sm_count = 1, position = 0;
    std::string device_name;
    cuda::Stream stream = nullptr;
    cuda::MatmulContext* mm = nullptr;
    cuda::Graph* graph = nullptr;
    std::vector<void*> allocations;
    std::unordered_map<const TensorView*, const void*> uploaded;
    DeviceWeight token_embd, output;
    float* output_norm = nullptr;
    std::vector<DeviceLayer> layers;
    cuda::CacheType cache_type = cuda::CacheType::F16;
    // activations [B][...] (f32)
    float *x = nullptr, *xn = nullptr, *delta = nullptr, *q0 = nullptr, *q = nullptr, *aug_gate = nullptr,
          *aug_up = nullptr, *k = nullptr, *v = nullptr, *attn = nullptr, *ff_gate = nullptr, *ff_up = nullptr;
    float* logits = nullptr;        // [B][V]
    float* attn_scratch = nullptr;
    size_t attn_scratch_bytes = 0;
    void* sel_scratch = nullptr;
    size_t sel_scratch_bytes = 0;
    int32_t* staging_dev = nullptr;   // tokens [B], pos [B], seq_len [B], counter [1], sampled [1]
    int32_t* staging_host = nullptr;  // pinned twin
    std::vector<float> logits_host;

    ~Impl() {
        cuda::graph_destroy(graph);
        cuda::matmul_context_destroy(mm);
        for (void* p : allocations) cuda::device_free(p);
        cuda::host_free_pinned(staging_host);
        cuda::stream_destroy(stream);
    }

    int32_t* tokens_dev() const { return staging_dev; }
    int32_t* pos_dev() const { return staging_dev + n_batch; }
    int32_t* seq_len_dev() const { return staging_dev + 2 * n_batch; }
    int32_t* counter_dev() const { return staging_dev + 3 * n_batch; }
    int32_t* sampled_dev() const { return staging_dev + 3 * n_batch + 1; }
    size_t staging_count() const { return static_cast<size_t>(3 * n_batch + 2); }

    template <typename T>
    Expected<T*> alloc(size_t count) {
        auto p = cuda::device_alloc(count * sizeof(T));
        if (!p) return p.error();
        allocations.push_back(*p);
        return static_cast<T*>(*p);
    }

    Status alloc_f32(float*& dst, size_t count) {
        auto p = alloc<float>(std::max<size_t>(count, 1));
        if (!p) return p.error();
        dst = *p;
        return {};
    }

    Expected<const void*> upload(const TensorView* t) {
        if (auto it = uploaded.find(t); it != uploaded.end()) return it->second;
        const size_t bytes = tensor_bytes(*t);
        auto p = alloc<uint8_t>(bytes);
        if (!p) return p.error();
        if (random_seed != 0) {
            // variance ~1/in keeps activations finite through the layers
            const float scale = 1.7f / std::sqrt(static_cast<float>(t->ne[0]));
            if (Status st = cuda::fill_random_weights(*p, t->type, t->elements(), scale, random_seed + uploaded.size(),
                                                      stream);
                !st)
                return st.error();
        } else if (Status st = cuda::copy_to_device(*p, t->data, bytes); !st) {
            return st.error();
        }
        uploaded[t] = *p;
        return static_cast<const void*>(*p);
    }

    Status weight(DeviceWeight& dst, const TensorView* t) {
        if (!t) return {};
        auto p = upload(t);
        if (!p) return p.error();
        dst = DeviceWeight{*p, t->type, t->ne[0], t->rows()};
        matmul_weight_bytes += tensor_bytes(*t);
        matmul_weight_params += static_cast<double>(t->elements());
        return {};
    }

    // Norm weights and biases are widened to f32 on the host once, then uploaded.
    Status widened(float*& dst, const TensorView* t) {
        if (!t) return {};
        std::vector<float> host(static_cast<size_t>(t->elements()), 1.0f);
        if (random_seed == 0 && !dequantize_row(t->type, t->data, host.data(), t->elements()))
            return make_error(ErrorCode::Unsupported, "tensor " + t->name + " has a type without a conversion");
        SIGMA_TRY(alloc_f32(dst, host.size()));
        return cuda::copy_to_device(dst, host.data(), host.size() * sizeof(float));
    }

    Status mm_call(float* y, const DeviceWeight& wt, const float* xin, int n) {
        return cuda::matmul(mm, y, wt.data, wt.type, wt.in, wt.out, xin, n);
    }

    // The layers for n tokens whose ids, positions and lengths are already in staging_dev.
    Status forward(int n, bool all_logits, int max_seq_len) {
        const ModelConfig& m = *c;
        const int H = m.n_embd, qd = m.heads.n_q * m.d_k, kd = m.heads.n_k * m.d_k, vd = m.heads.n_v * m.d_v;
        const cuda::Stream s = stream;
        // x = token_embd[token]
        SIGMA_TRY(cuda::embedding(x, token_embd.data, token_embd.type, H, m.n_vocab, tokens_dev(), n, s));
        cuda::AttentionShape sh;
        sh.rows = n;
        sh.heads = m.heads;
        sh.d_k = m.d_k;
        sh.d_v = m.d_v;
        sh.max_seq_len = max_seq_len;
        sh.scale = 1.0f / std::sqrt(static_cast<float>(m.d_k));
        for (const DeviceLayer& l : layers) {
            // h = rmsnorm(x) * attn_norm
            SIGMA_TRY(cuda::rmsnorm(xn, x, l.attn_norm, n, H, m.rms_eps, s));
            // q0 = h·W_Q (+ b_Q);  AugQ: q = W_qdown( silu(W_qgate·q0) * (W_qup·q0) ), else q = q0
            float* qa = m.d_aug > 0 ? q0 : q;
            SIGMA_TRY(mm_call(qa, l.wq, xn, n));
            if (l.bq) SIGMA_TRY(cuda::add_bias(qa, l.bq, n, qd, s));
            if (m.d_aug > 0) {
                SIGMA_TRY(mm_call(aug_gate, l.q_gate, q0, n));
                SIGMA_TRY(mm_call(aug_up, l.q_up, q0, n));
                SIGMA_TRY(cuda::swiglu(aug_gate, aug_gate, aug_up, int64_t{n} * m.d_aug, s));
                SIGMA_TRY(mm_call(q, l.q_down, aug_gate, n));
            }
            // k = h·W_K (+ b_K) -> [n_k, d_k];  v = h·W_V (+ b_V) -> [n_v, d_v]
            SIGMA_TRY(mm_call(k, l.wk, xn, n));
            if (l.bk) SIGMA_TRY(cuda::add_bias(k, l.bk, n, kd, s));
            SIGMA_TRY(mm_call(v, l.wv, xn, n));
            if (l.bv) SIGMA_TRY(cuda::add_bias(v, l.bv, n, vd, s));
            // RoPE on q (after AugQ) and k (before caching); none on v. Then K, V into the cache.
            SIGMA_TRY(cuda::rope(q, pos_dev(), n, m.heads.n_q, m.d_k, m.rope_theta, m.rope_style, s));
            SIGMA_TRY(cuda::rope(k, pos_dev(), n, m.heads.n_k, m.d_k, m.rope_theta, m.rope_style, s));
            SIGMA_TRY(cuda::kv_store(l.k_cache, cache_type, k, pos_dev(), n, kd, s));
            SIGMA_TRY(cuda::kv_store(l.v_cache, cache_type, v, pos_dev(), n, vd, s));
            // o_i = softmax(q_i · K[k_head(i)]^T / sqrt(d_k)) · V[v_head(i)], causal per row
            if (n == 1 && params.selective_v && sel_scratch)
                SIGMA_TRY(cuda::attention_selective(attn, q, l.k_cache, l.v_cache, cache_type, seq_len_dev(), sh,
                                                    params.selective_v_top_k, sel_scratch, sel_scratch_bytes, s));
            else
                SIGMA_TRY(cuda::attention(attn, q, l.k_cache, l.v_cache, cache_type, seq_len_dev(), sh, attn_scratch,
                                          attn_scratch_bytes, sm_count, s));
            // x += W_O · o
            SIGMA_TRY(mm_call(delta, l.wo, attn, n));
            SIGMA_TRY(cuda::add(x, delta, int64_t{n} * H, s));
            // h = rmsnorm(x) * ffn_norm;  x += W_down( silu(W_gate·h) * (W_up·h) )
            SIGMA_TRY(cuda::rmsnorm(xn, x, l.ffn_norm, n, H, m.rms_eps, s));
            SIGMA_TRY(mm_call(ff_gate, l.ffn_gate, xn, n));
            SIGMA_TRY(mm_call(ff_up, l.ffn_up, xn, n));
            SIGMA_TRY(cuda::swiglu(ff_gate, ff_gate, ff_up, int64_t{n} * m.n_ff, s));
            SIGMA_TRY(mm_call(delta, l.ffn_down, ff_gate, n));
            SIGMA_TRY(cuda::add(x, delta, int64_t{n} * H, s));
        }
        // logits = output · (rmsnorm(x) * output_norm), every row or only the last
        if (all_logits) {
            SIGMA_TRY(cuda::rmsnorm(xn, x, output_norm, n, H, m.rms_eps, s));
            return mm_call(logits, output, xn, n);
        }
        SIGMA_TRY(cuda::rmsnorm(xn, x + static_cast<size_t>(n - 1) * H, output_norm, 1, H, m.rms_eps, s));
        return mm_call(logits, output, xn, 1);
    }

    Status stage(std::span<const int32_t> tokens, int pos0, int32_t counter) {
        // The pinned buffer may still feed the previous chunk's copy: wait before overwriting it.
        SIGMA_TRY(cuda::stream_sync(stream));
        const int n = static_cast<int>(tokens.size());
        for (int t = 0; t < n; ++t) {
            staging_host[t] = tokens[static_cast<size_t>(t)];
            staging_host[n_batch + t] = pos0 + t;
            staging_host[2 * n_batch + t] = pos0 + t + 1;
        }
        staging_host[3 * n_batch] = counter;
        return cuda::copy_to_device(staging_dev, staging_host, staging_count() * sizeof(int32_t), stream);
    }

    // One forward call of n <= n_batch tokens at `position`; single tokens replay the graph.
    Status run_chunk(std::span<const int32_t> tokens, bool all_logits, int32_t counter) {
        const int n = static_cast<int>(tokens.size());
        SIGMA_TRY(stage(tokens, position, counter));
        if (n == 1 && !all_logits && params.use_graph) {
            if (!graph) {
                SIGMA_TRY(cuda::graph_begin(stream));
                Status st = forward(1, false, n_ctx);
                auto g = cuda::graph_end(stream);
                SIGMA_TRY(st);
                if (!g) return g.error();
                graph = *g;
            }
            SIGMA_TRY(cuda::graph_launch(graph, stream));
        } else {
            SIGMA_TRY(forward(n, all_logits, n == 1 ? n_ctx : position + n));
        }
        position += n;
        return {};
    }

    Status check_tokens(std::span<const int32_t> tokens) const {
        if (tokens.empty()) return make_error(ErrorCode::InvalidArgument, "decode: no tokens");
        for (size_t i = 0; i < tokens.size(); ++i)
            if (tokens[i] < 0 || tokens[i] >= c->n_vocab)
                return make_error(ErrorCode::InvalidArgument, "decode: token id " + std::to_string(tokens[i]) +
                                                                  " at index " + std::to_string(i) +
                                                                  " is outside the vocabulary of " +
                                                                  std::to_string(c->n_vocab));
        if (position + static_cast<int64_t>(tokens.size()) > n_ctx)
            return make_error(ErrorCode::InvalidArgument, "decode: " + std::to_string(tokens.size()) +
                                                              " tokens do not fit: position " + std::to_string(position) +
                                                              " of a context of " + std::to_string(n_ctx));
        return {};
    }

    Status init(const ModelConfig& config, const ModelWeights& weights, const CudaForwardParams& p) {
        c = &config;
        w = &weights;
        params = p;
        n_ctx = p.n_ctx > 0 ? p.n_ctx : config.n_ctx_train;
        n_batch = p.n_batch;
        if (n_ctx <= 0 || n_batch <= 0 || n_batch > 65535)
            return make_error(ErrorCode::InvalidArgument, "n_ctx must be positive and n_batch in [1, 65535]");
        cache_type = p.bf16_cache ? cuda::CacheType::BF16 : cuda::CacheType::F16;
        SIGMA_TRY(cuda::set_device(p.device));
        auto info = cuda::device_info(p.device);
        if (!info) return info.error();
        sm_count = info->sm_count;
        device_name = info->name;
        auto st = cuda::stream_create();
        if (!st) return st.error();
        stream = *st;

        const ModelConfig& m = config;
        const size_t B = static_cast<size_t>(n_batch), H = static_cast<size_t>(m.n_embd);
        const size_t qd = static_cast<size_t>(m.heads.n_q) * m.d_k, kd = static_cast<size_t>(m.heads.n_k) * m.d_k;
        const size_t vd = static_cast<size_t>(m.heads.n_v) * m.d_v, od = static_cast<size_t>(m.heads.n_q) * m.d_v;
        SIGMA_TRY(weight(token_embd, weights.token_embd));
        matmul_weight_bytes = 0;  // a step reads one embedding row, not the table
        matmul_weight_params = 0.0;
        SIGMA_TRY(weight(output, weights.output ? weights.output : weights.token_embd));
        SIGMA_TRY(widened(output_norm, weights.output_norm));
        for (const LayerWeights& lw : weights.layers) {
            DeviceLayer l;
            SIGMA_TRY(weight(l.wq, lw.wq));
            SIGMA_TRY(weight(l.wk, lw.wk));
            SIGMA_TRY(weight(l.wv, lw.wv));
            SIGMA_TRY(weight(l.wo, lw.wo));
            SIGMA_TRY(weight(l.q_gate, m.d_aug > 0 ? lw.q_gate : nullptr));
            SIGMA_TRY(weight(l.q_up, m.d_aug > 0 ? lw.q_up : nullptr));
            SIGMA_TRY(weight(l.q_down, m.d_aug > 0 ? lw.q_down : nullptr));
            SIGMA_TRY(weight(l.ffn_gate, lw.ffn_gate));
            SIGMA_TRY(weight(l.ffn_up, lw.ffn_up));
            SIGMA_TRY(weight(l.ffn_down, lw.ffn_down));
            SIGMA_TRY(widened(l.attn_norm, lw.attn_norm));
            SIGMA_TRY(widened(l.ffn_norm, lw.ffn_norm));
            SIGMA_TRY(widened(l.bq, lw.bq));
            SIGMA_TRY(widened(l.bk, lw.bk));
            SIGMA_TRY(widened(l.bv, lw.bv));
            auto kc = alloc<uint16_t>(static_cast<size_t>(n_ctx) * kd);
            if (!kc) return kc.error();
            auto vc = alloc<uint16_t>(static_cast<size_t>(n_ctx) * vd);
            if (!vc) return vc.error();
            l.k_cache = *kc;
            l.v_cache = *vc;
            layers.push_back(l);
        }
        for (auto [dst, n] : {std::pair{&x, B * H}, {&xn, B * H}, {&delta, B * H}, {&q0, B * qd}, {&q, B * qd},
                              {&aug_gate, B * static_cast<size_t>(m.d_aug)}, {&aug_up, B * static_cast<size_t>(m.d_aug)},
                              {&k, B * kd}, {&v, B * vd}, {&attn, B * od}, {&ff_gate, B * static_cast<size_t>(m.n_ff)},
                              {&ff_up, B * static_cast<size_t>(m.n_ff)}, {&logits, B * static_cast<size_t>(m.n_vocab)}})
            SIGMA_TRY(alloc_f32(*dst, n));
        attn_scratch_bytes = cuda::attention_scratch_bytes(n_batch, m.heads.n_q, m.d_v);
        SIGMA_TRY(alloc_f32(attn_scratch, attn_scratch_bytes / sizeof(float)));
        set_selective(p.selective_v, p.selective_v_top_k);
        auto sd = alloc<int32_t>(staging_count());
        if (!sd) return sd.error();
        staging_dev = *sd;
        auto sh = cuda::host_alloc_pinned(staging_count() * sizeof(int32_t));
        if (!sh) return sh.error();
        staging_host = static_cast<int32_t*>(*sh);
        const cuda::VramInputs vin = vram_inputs(m, weights, n_ctx, n_batch, p.bf16_cache);
        const int max_out = std::max({m.n_vocab, m.n_ff, static_cast<int>(qd), m.d_aug, m.n_embd});
        auto mmc = cuda::matmul_context_create(stream, cuda::matmul_scratch_bytes(vin.max_weight_in, max_out, n_batch));
        if (!mmc) return mmc.error();
        mm = *mmc;
        logits_host.assign(static_cast<size_t>(m.n_vocab), 0.0f);
        return cuda::stream_sync(stream);
    }

    void set_selective(bool on, int top_k) {
        params.selective_v = on;
        params.selective_v_top_k = top_k;
        cuda::graph_destroy(graph);  // the captured step chose its attention kernel
        graph = nullptr;
        if (on && !sel_scratch) {
            sel_scratch_bytes = cuda::selective_scratch_bytes(1, c->heads.n_q, n_ctx);
            auto p = alloc<uint8_t>(sel_scratch_bytes);
            if (p) sel_scratch = *p;  // without scratch, decode stays dense
        }
    }
};

CudaForward::CudaForward(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CudaForward::~CudaForward() = default;

Expected<std::unique_ptr<CudaForward>> CudaForward::create(const ModelConfig& config, const ModelWeights& weights,
                                                           CudaForwardParams params) {
    if (cuda::device_count() == 0) return make_error(ErrorCode::Unsupported, "no CUDA device");
    if (Status st = check_cuda_config(config, weights); !st) return st.error();
    auto impl = std::make_unique<Impl>();
    if (Status st = impl->init(config, weights, params); !st) return st.error();
    return std::unique_ptr<CudaForward>(new CudaForward(std::move(impl)));
}

Expected<std::unique_ptr<CudaForward>> CudaForward::create_random(const ModelConfig& config, TensorType type,
                                                                  CudaForwardParams params, uint64_t seed) {
    if (cuda::device_count() == 0) return make_error(ErrorCode::Unsupported, "no CUDA device");
    if (!cuda::matmul_supports(type)) return make_error(ErrorCode::Unsupported, "random weights: unsupported type");
    auto impl = std::make_unique<Impl>();
    impl->config_copy = config;
    impl->random_seed = seed == 0 ? 1 : seed;
    const ModelConfig& c = impl->config_copy;
    if (c.n_layer <= 0 || c.n_embd <= 0 || c.n_ff <= 0 || c.heads.n_q <= 0 || c.heads.n_k <= 0 || c.heads.n_v <= 0 ||
        c.d_k <= 0 || c.d_v <= 0 || c.n_vocab <= 0 || c.half_k || c.d_k != c.d_k_cache)
        return make_error(ErrorCode::InvalidArgument, "random weights: the config has a bad dimension");
    if (Status st = check_cuda_dims(c); !st) return st.error();
    // Tensor views without data: shapes only (ne = {in, out}).
    std::vector<std::unique_ptr<TensorView>> views;
    auto view = [&](const std::string& name, int64_t in, int64_t out, TensorType t) {
        auto v = std::make_unique<TensorView>();
        v->name = name;
        v->type = t;
        v->n_dims = 2;
        v->ne = {in, out, 1, 1};
        v->nbytes = row_bytes(t, in) * static_cast<size_t>(out);
        views.push_back(std::move(v));
        return views.back().get();
    };
    const int64_t H = c.n_embd, qd = int64_t{c.heads.n_q} * c.d_k, kd = int64_t{c.heads.n_k} * c.d_k;
    const int64_t vd = int64_t{c.heads.n_v} * c.d_v, od = int64_t{c.heads.n_q} * c.d_v;
    ModelWeights w;
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
    if (Status st = impl->init(impl->config_copy, w, params); !st) return st.error();
    impl->w = nullptr;  // the views die here; only init read them
    return std::unique_ptr<CudaForward>(new CudaForward(std::move(impl)));
}

Status CudaForward::fill_cache_random(int n, uint64_t seed) {
    Impl& d = *impl_;
    if (n < 0 || n > d.n_ctx) return make_error(ErrorCode::InvalidArgument, "fill_cache_random: n out of range");
    const TensorType t = d.cache_type == cuda::CacheType::BF16 ? TensorType::BF16 : TensorType::F16;
    const int64_t kd = int64_t{d.c->heads.n_k} * d.c->d_k, vd = int64_t{d.c->heads.n_v} * d.c->d_v;
    for (size_t l = 0; l < d.layers.size(); ++l) {
        SIGMA_TRY(cuda::fill_random_weights(d.layers[l].k_cache, t, kd * n, 1.0f, seed + 2 * l, d.stream));
        SIGMA_TRY(cuda::fill_random_weights(d.layers[l].v_cache, t, vd * n, 1.0f, seed + 2 * l + 1, d.stream));
    }
    SIGMA_TRY(cuda::stream_sync(d.stream));
    d.position = n;
    return {};
}

size_t CudaForward::decode_step_bytes() const {
    const Impl& d = *impl_;
    const size_t kv = static_cast<size_t>(d.c->n_layer) * static_cast<size_t>(d.position + 1) *
                      (static_cast<size_t>(d.c->heads.n_k) * d.c->d_k + static_cast<size_t>(d.c->heads.n_v) * d.c->d_v) * 2;
    return d.matmul_weight_bytes + row_bytes(d.token_embd.type, d.c->n_embd) + kv;
}

double CudaForward::forward_flops(int n) const {
    const Impl& d = *impl_;
    const double params = d.matmul_weight_params;
    // each token: 2 flops per weight; attention: scores (d_k) and values (d_v) over its visible prefix
    double attn = 0.0;
    for (int t = 0; t < n; ++t) attn += static_cast<double>(d.position + t + 1);
    attn *= 2.0 * d.c->n_layer * d.c->heads.n_q * static_cast<double>(d.c->d_k + d.c->d_v);
    return 2.0 * params * n + attn;
}

Expected<const float*> CudaForward::decode(std::span<const int32_t> tokens) {
    Impl& d = *impl_;
    if (Status st = d.check_tokens(tokens); !st) return st.error();
    const int start = d.position;
    for (size_t i = 0; i < tokens.size(); i += static_cast<size_t>(d.n_batch)) {
        const size_t n = std::min(tokens.size() - i, static_cast<size_t>(d.n_batch));
        if (Status st = d.run_chunk(tokens.subspan(i, n), false, 0); !st) {
            d.position = start;
            return st.error();
        }
    }
    if (Status st = cuda::copy_to_host(d.logits_host.data(), d.logits, d.logits_host.size() * sizeof(float), d.stream);
        !st) {
        d.position = start;
        return st.error();
    }
    return static_cast<const float*>(d.logits_host.data());
}

Expected<std::vector<float>> CudaForward::decode_all_logits(std::span<const int32_t> tokens) {
    Impl& d = *impl_;
    if (Status st = d.check_tokens(tokens); !st) return st.error();
    const size_t V = static_cast<size_t>(d.c->n_vocab);
    std::vector<float> out(tokens.size() * V);
    const int start = d.position;
    for (size_t i = 0; i < tokens.size(); i += static_cast<size_t>(d.n_batch)) {
        const size_t n = std::min(tokens.size() - i, static_cast<size_t>(d.n_batch));
        Status st = d.run_chunk(tokens.subspan(i, n), true, 0);
        if (st) st = cuda::copy_to_host(out.data() + i * V, d.logits, n * V * sizeof(float), d.stream);
        if (!st) {
            d.position = start;
            return st.error();
        }
    }
    return out;
}

Expected<int32_t> CudaForward::decode_sample(int32_t token, float temperature, uint64_t seed) {
    Impl& d = *impl_;
    const int32_t one[1] = {token};
    if (Status st = d.check_tokens(one); !st) return st.error();
    const int start = d.position;
    Status st = d.run_chunk(one, false, start);
    if (st) st = cuda::sample_temperature(d.sampled_dev(), d.logits, 1, d.c->n_vocab, temperature, seed,
                                          d.counter_dev(), d.stream);
    int32_t out = 0;
    if (st) st = cuda::copy_to_host(&out, d.sampled_dev(), sizeof(int32_t), d.stream);
    if (!st) {
        d.position = start;
        return st.error();
    }
    return out;
}

int CudaForward::position() const { return impl_->position; }
int CudaForward::n_ctx() const { return impl_->n_ctx; }
void CudaForward::truncate(int n_keep) { impl_->position = std::clamp(n_keep, 0, impl_->position); }
void CudaForward::set_selective_v(bool on, int top_k) { impl_->set_selective(on, top_k); }
const std::string& CudaForward::device_name() const { return impl_->device_name; }

}  // namespace sigma

#endif  // SIGMA_HAVE_CUDA
