// CudaForward: the forward pass of forward.cpp, block by block, as calls into the CUDA kernels on one
// stream. Same order and math as the CPU pass (the comments name each block's formula); the
// single-token step reads its token, position and length from device memory, so it is captured once
// as a graph and replayed for every later token.
// Not a scheduler: one sequence, one stream, synchronous at the end of each call.
#include "inference/cuda_forward.h"

#ifdef SIGMA_HAVE_CUDA

#include <algorithm>
#include <cmath>

#include "inference/cuda_weights.h"
#include "inference/forward.h"
#include "inference/tensor_types.h"
#include "kernels/cuda_backend.h"

namespace sigma {

namespace {

// Dimension legend: B = n_batch, H = n_embd, T = n_ctx, L = n_layer, V = n_vocab, A = d_aug, F = n_ff.
struct LayerCache {
    void* k = nullptr;  // [T][n_k][d_k] f16/bf16
    void* v = nullptr;  // [T][n_v][d_v]
};

Status check_cuda_dims(const ModelConfig& c) {
    if (c.half_k)
        return make_error(ErrorCode::Unsupported, "unsupported feature: half-K (this model caches K " +
                                                      std::to_string(c.d_k_cache) + " wide for d_k " +
                                                      std::to_string(c.d_k) + "); the CUDA backend does not run it");
    if (c.d_k % 8 != 0 || c.d_v % 2 != 0 || c.d_k > 256 || c.d_v > 256)
        return make_error(ErrorCode::Unsupported,
                          "the CUDA backend needs d_k a multiple of 8 and even d_v, both "
                          "at most 256; got d_k " +
                              std::to_string(c.d_k) + ", d_v " + std::to_string(c.d_v));
    if (c.heads.n_k > c.heads.n_q || c.heads.n_v > c.heads.n_q)
        return make_error(ErrorCode::Unsupported, "the CUDA backend needs n_k and n_v at most n_q");
    return {};
}

Status check_cuda_config(const ModelConfig& c, const ModelWeights& w) {
    SIGMA_TRY(check_weights(c, w));
    return check_cuda_dims(c);
}

}  // namespace

Status cuda_check_model(const ModelConfig& config) { return check_cuda_dims(config); }

struct CudaForward::Impl {
    const ModelConfig* c = nullptr;
    std::unique_ptr<CudaWeights> weights;  // every weight, on the device (cuda_weights.h)
    CudaForwardParams params;
    int n_ctx = 0, n_batch = 0, sm_count = 1, position = 0;
    std::string device_name;
    cuda::Stream stream = nullptr;
    cuda::MatmulContext* mm = nullptr;
    cuda::Graph* graph = nullptr;
    std::vector<void*> allocations;  // the caches and activations below
    std::vector<LayerCache> caches;  // [L]
    cuda::CacheType cache_type = cuda::CacheType::F16;
    // activations [B][...] (f32)
    float *x = nullptr, *xn = nullptr, *delta = nullptr, *q0 = nullptr, *q = nullptr, *aug_gate = nullptr,
          *aug_up = nullptr, *k = nullptr, *v = nullptr, *attn = nullptr, *ff_gate = nullptr, *ff_up = nullptr;
    float* logits = nullptr;  // [B][V]
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

    Status mm_call(float* y, const DeviceWeight& wt, const float* xin, int n) {
        return cuda::matmul(mm, y, wt.data, wt.type, wt.in, wt.out, xin, n);
    }

    // The layers for n tokens whose ids, positions and lengths are already in staging_dev.
    Status forward(int n, bool all_logits, int max_seq_len) {
        const ModelConfig& m = *c;
        const int H = m.n_embd, qd = m.heads.n_q * m.d_k, kd = m.heads.n_k * m.d_k, vd = m.heads.n_v * m.d_v;
        const cuda::Stream s = stream;
        // x = token_embd[token]
        const CudaWeights& w = *weights;
        SIGMA_TRY(cuda::embedding(x, w.token_embd.data, w.token_embd.type, H, m.n_vocab, tokens_dev(), n, s));
        cuda::AttentionShape sh;
        sh.rows = n;
        sh.heads = m.heads;
        sh.d_k = m.d_k;
        sh.d_v = m.d_v;
        sh.max_seq_len = max_seq_len;
        sh.scale = 1.0f / std::sqrt(static_cast<float>(m.d_k));
        for (size_t i = 0; i < w.layers.size(); ++i) {
            const DeviceLayerWeights& l = w.layers[i];
            const LayerCache& kv = caches[i];
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
            SIGMA_TRY(cuda::kv_store(kv.k, cache_type, k, pos_dev(), n, kd, s));
            SIGMA_TRY(cuda::kv_store(kv.v, cache_type, v, pos_dev(), n, vd, s));
            // o_i = softmax(q_i · K[k_head(i)]^T / sqrt(d_k)) · V[v_head(i)], causal per row
            if (n == 1 && params.selective_v && sel_scratch)
                SIGMA_TRY(cuda::attention_selective(attn, q, kv.k, kv.v, cache_type, seq_len_dev(), sh,
                                                    params.selective_v_top_k, sel_scratch, sel_scratch_bytes, s));
            else
                SIGMA_TRY(cuda::attention(attn, q, kv.k, kv.v, cache_type, seq_len_dev(), sh, attn_scratch,
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
            SIGMA_TRY(cuda::rmsnorm(xn, x, w.output_norm, n, H, m.rms_eps, s));
            return mm_call(logits, w.output, xn, n);
        }
        SIGMA_TRY(cuda::rmsnorm(xn, x + static_cast<size_t>(n - 1) * H, w.output_norm, 1, H, m.rms_eps, s));
        return mm_call(logits, w.output, xn, 1);
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
                return make_error(ErrorCode::InvalidArgument,
                                  "decode: token id " + std::to_string(tokens[i]) + " at index " + std::to_string(i) +
                                      " is outside the vocabulary of " + std::to_string(c->n_vocab));
        if (position + static_cast<int64_t>(tokens.size()) > n_ctx)
            return make_error(ErrorCode::InvalidArgument,
                              "decode: " + std::to_string(tokens.size()) + " tokens do not fit: position " +
                                  std::to_string(position) + " of a context of " + std::to_string(n_ctx));
        return {};
    }

    // Everything but the weights: stream, KV cache, activations, scratch, staging. The weights are
    // already on device p.device.
    Status init(const ModelConfig& config, std::unique_ptr<CudaWeights> device_weights, const CudaForwardParams& p) {
        c = &config;
        weights = std::move(device_weights);
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
        for (int l = 0; l < m.n_layer; ++l) {
            auto kc = alloc<uint16_t>(static_cast<size_t>(n_ctx) * kd);
            if (!kc) return kc.error();
            auto vc = alloc<uint16_t>(static_cast<size_t>(n_ctx) * vd);
            if (!vc) return vc.error();
            caches.push_back(LayerCache{*kc, *vc});
        }
        for (auto [dst, n] : {std::pair{&x, B * H},
                              {&xn, B * H},
                              {&delta, B * H},
                              {&q0, B * qd},
                              {&q, B * qd},
                              {&aug_gate, B * static_cast<size_t>(m.d_aug)},
                              {&aug_up, B * static_cast<size_t>(m.d_aug)},
                              {&k, B * kd},
                              {&v, B * vd},
                              {&attn, B * od},
                              {&ff_gate, B * static_cast<size_t>(m.n_ff)},
                              {&ff_up, B * static_cast<size_t>(m.n_ff)},
                              {&logits, B * static_cast<size_t>(m.n_vocab)}})
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
        const int max_out = std::max({m.n_vocab, m.n_ff, static_cast<int>(qd), m.d_aug, m.n_embd});
        auto mmc = cuda::matmul_context_create(stream,
                                               cuda::matmul_scratch_bytes(cuda_widest_weight_row(m), max_out, n_batch));
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
    if (Status st = cuda::set_device(params.device); !st) return st.error();
    auto uploaded = CudaWeights::upload(config, weights);
    if (!uploaded) return uploaded.error();
    return create(config, std::move(*uploaded), params);
}

Expected<std::unique_ptr<CudaForward>> CudaForward::create(const ModelConfig& config,
                                                           std::unique_ptr<CudaWeights> weights,
                                                           CudaForwardParams params) {
    if (!weights) return make_error(ErrorCode::InvalidArgument, "CudaForward: no weights");
    if (Status st = check_cuda_dims(config); !st) return st.error();
    auto impl = std::make_unique<Impl>();
    if (Status st = impl->init(config, std::move(weights), params); !st) return st.error();
    return std::unique_ptr<CudaForward>(new CudaForward(std::move(impl)));
}

Status CudaForward::fill_cache_random(int n, uint64_t seed) {
    Impl& d = *impl_;
    if (n < 0 || n > d.n_ctx) return make_error(ErrorCode::InvalidArgument, "fill_cache_random: n out of range");
    const TensorType t = d.cache_type == cuda::CacheType::BF16 ? TensorType::BF16 : TensorType::F16;
    const int64_t kd = int64_t{d.c->heads.n_k} * d.c->d_k, vd = int64_t{d.c->heads.n_v} * d.c->d_v;
    for (size_t l = 0; l < d.caches.size(); ++l) {
        SIGMA_TRY(cuda::fill_random_weights(d.caches[l].k, t, kd * n, 1.0f, seed + 2 * l, d.stream));
        SIGMA_TRY(cuda::fill_random_weights(d.caches[l].v, t, vd * n, 1.0f, seed + 2 * l + 1, d.stream));
    }
    SIGMA_TRY(cuda::stream_sync(d.stream));
    d.position = n;
    return {};
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
    if (st)
        st = cuda::sample_temperature(d.sampled_dev(), d.logits, 1, d.c->n_vocab, temperature, seed, d.counter_dev(),
                                      d.stream);
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
const CudaWeights& CudaForward::weights() const { return *impl_->weights; }

}  // namespace sigma

#endif  // SIGMA_HAVE_CUDA
