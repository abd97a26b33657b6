// Context: creation (checks, one-time allocation, the backend choice), decode in n_batch chunks,
// truncation. Not the math: forward.cpp holds the CPU forward pass, cuda_forward.cpp the CUDA one.
#include "inference/context.h"

#include <algorithm>
#include <cstdio>
#include <new>
#include <string>
#include <vector>

#include "inference/cuda_forward.h"
#include "inference/cuda_weights.h"

namespace sigma {

const char* backend_name(ComputeBackend b) { return b == ComputeBackend::Cuda ? "cuda" : "cpu"; }

const char* backend_name(BackendRequest b) {
    switch (b) {
        case BackendRequest::Auto: return "auto";
        case BackendRequest::Cpu: return "cpu";
        case BackendRequest::Cuda: return "cuda";
    }
    return "auto";
}

std::optional<BackendRequest> parse_backend_request(std::string_view text) {
    if (text == "auto") return BackendRequest::Auto;
    if (text == "cpu") return BackendRequest::Cpu;
    if (text == "cuda") return BackendRequest::Cuda;
    return std::nullopt;
}

bool cuda_backend_built() {
#ifdef SIGMA_HAVE_CUDA
    return true;
#else
    return false;
#endif
}

void Context::CudaDeleter::operator()(CudaForward* f) const {
#ifdef SIGMA_HAVE_CUDA
    delete f;
#else
    (void)f;  // never made without CUDA
#endif
}

Context::~Context() = default;

namespace {

#ifdef SIGMA_HAVE_CUDA
std::string gib(size_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f GiB", static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0));
    return buf;
}
#endif

}  // namespace

// Starts the CUDA forward pass, or says why not (Unsupported: no build, no device, no room, a model
// feature the CUDA path lacks; anything else: the device failed while starting).
Status Context::start_cuda(ContextParams& params, int n_ctx) {
#ifdef SIGMA_HAVE_CUDA
    // The model's own features first: they rule CUDA out on any machine.
    if (Status st = cuda_check_model(*config_); !st) return st;
    if (params.kv_type != KvType::F16)
        return make_error(ErrorCode::Unsupported,
                          "the CUDA backend keeps K/V in f16; an f32 KV cache runs on the CPU only");
    CudaForwardParams gp;
    gp.n_ctx = n_ctx;
    gp.n_batch = std::min(params.n_batch, 65535);  // the CUDA path's limit per forward call
    gp.device = params.cuda_device;
    gp.selective_v = params.selective_v;
    gp.selective_v_top_k = params.selective_v_top_k;
    auto report = cuda_vram_check(*config_, *weights_, gp.device, gp.n_ctx, gp.n_batch);
    if (!report) return report.error();
    if (!report->fits)
        return make_error(ErrorCode::Unsupported,
                          "not enough VRAM: estimated " + gib(report->total) + " needed, " + gib(report->device_free) +
                              " free on " + report->device_name + " (weights " + gib(report->weights) + ", KV cache " +
                              gib(report->kv_cache) + " for " + std::to_string(n_ctx) + " positions)");
    auto forward = CudaForward::create(*config_, *weights_, gp);
    if (!forward) return make_error(forward.error().code, "CUDA start failed: " + forward.error().message);
    cuda_.reset(forward->release());
    backend_note_ = cuda_->device_name();
    return {};
#else
    (void)params;
    (void)n_ctx;
    return make_error(ErrorCode::Unsupported, "this build has no CUDA backend; rebuild with -DSIGMA_CUDA=ON");
#endif
}

Expected<std::unique_ptr<Context>> Context::create(std::shared_ptr<const Model> model, ContextParams params) {
    if (!model) return make_error(ErrorCode::InvalidArgument, "context: no model");
    const ModelConfig& config = model->config();
    const ModelWeights& weights = model->weights();
    return create_impl(std::move(model), config, weights, params);
}

Expected<std::unique_ptr<Context>> Context::create(const ModelConfig& config, const ModelWeights& weights,
                                                   ContextParams params) {
    return create_impl(nullptr, config, weights, params);
}

Expected<std::unique_ptr<Context>> Context::create_impl(std::shared_ptr<const Model> model, const ModelConfig& config,
                                                        const ModelWeights& weights, ContextParams params) {
    if (Status st = check_weights(config, weights); !st) return st.error();
    if (params.n_ctx < 0)
        return make_error(ErrorCode::InvalidArgument,
                          "context length " + std::to_string(params.n_ctx) + " is negative");
    const int n_ctx = params.n_ctx == 0 ? config.n_ctx_train : params.n_ctx;
    if (n_ctx <= 0) return make_error(ErrorCode::InvalidArgument, "the model declares no context length; pass one");
    if (config.n_ctx_train > 0 && n_ctx > config.n_ctx_train) {
        return make_error(ErrorCode::InvalidArgument, "context length " + std::to_string(n_ctx) +
                                                          " exceeds the model's training context " +
                                                          std::to_string(config.n_ctx_train));
    }
    if (params.n_batch <= 0)
        return make_error(ErrorCode::InvalidArgument,
                          "n_batch must be positive, got " + std::to_string(params.n_batch));
    if (params.n_threads < 0 || params.n_threads > 1024)
        return make_error(ErrorCode::InvalidArgument,
                          "thread count " + std::to_string(params.n_threads) + " is out of range");
    if (params.selective_v && params.selective_v_top_k <= 0) {
        return make_error(ErrorCode::InvalidArgument,
                          "selective_v_top_k must be positive, got " + std::to_string(params.selective_v_top_k));
    }
    params.n_batch = std::min(params.n_batch, n_ctx);

    std::unique_ptr<Context> ctx(new Context());
    ctx->model_ = std::move(model);
    ctx->config_ = &config;
    ctx->weights_ = &weights;
    ctx->n_ctx_ = n_ctx;
    if (params.backend != BackendRequest::Cpu) {
        Status st = ctx->start_cuda(params, n_ctx);
        if (st) {
            ctx->backend_ = ComputeBackend::Cuda;
            try {
                ctx->tokens_.reserve(static_cast<size_t>(n_ctx));
            } catch (const std::exception& e) {
                return make_error(ErrorCode::OutOfMemory, std::string("context: cannot start: ") + e.what());
            }
            params.n_threads = 0;
            ctx->params_ = params;
            return ctx;
        }
        if (params.backend == BackendRequest::Cuda)
            return make_error(st.error().code, "CUDA backend: " + st.error().message);
        ctx->backend_note_ = st.error().message;  // Auto: the CPU, and why
    }
    auto cache = KvCache::create(config.n_layer, n_ctx, config.heads.n_k, config.d_k_cache, config.heads.n_v,
                                 config.d_v, params.kv_type);
    if (!cache) return cache.error();
    ctx->cache_ = std::move(cache.value());
    try {
        ctx->pool_ = std::make_unique<ThreadPool>(params.n_threads);
        ctx->buffers_ = std::make_unique<ForwardBuffers>();
        ctx->tokens_.reserve(static_cast<size_t>(n_ctx));
    } catch (const std::exception& e) {
        return make_error(ErrorCode::OutOfMemory, std::string("context: cannot start: ") + e.what());
    }
    params.n_threads = ctx->pool_->size();
    ctx->params_ = params;
    if (Status st = allocate_forward_buffers(*ctx->buffers_, config, weights, params.n_batch, n_ctx, params.n_threads);
        !st)
        return st.error();
    return ctx;
}

Status Context::check_tokens(std::span<const int32_t> tokens) const {
    if (tokens.empty()) return make_error(ErrorCode::InvalidArgument, "decode: no tokens");
    for (size_t i = 0; i < tokens.size(); ++i) {
        if (tokens[i] < 0 || tokens[i] >= config_->n_vocab) {
            return make_error(ErrorCode::InvalidArgument,
                              "decode: token id " + std::to_string(tokens[i]) + " at index " + std::to_string(i) +
                                  " is outside the vocabulary of " + std::to_string(config_->n_vocab));
        }
    }
    if (tokens.size() > static_cast<size_t>(n_ctx_ - position())) {
        return make_error(ErrorCode::InvalidArgument, "decode: " + std::to_string(tokens.size()) +
                                                          " tokens at position " + std::to_string(position()) +
                                                          " exceed the context length " + std::to_string(n_ctx_));
    }
    return {};
}

Status Context::run(std::span<const int32_t> tokens, float* all_logits) {
    if (Status st = check_tokens(tokens); !st) return st;
    ForwardState state;
    state.config = config_;
    state.weights = weights_;
    state.cache = cache_.get();
    state.pool = pool_.get();
    state.buffers = buffers_.get();
    state.options.selective_v = params_.selective_v;
    state.options.selective_v_top_k = params_.selective_v_top_k;
    state.n_batch = params_.n_batch;
    const size_t n_vocab = static_cast<size_t>(config_->n_vocab);
#ifdef SIGMA_HAVE_CUDA
    if (cuda_) {
        // CudaForward chunks by n_batch itself and leaves its position unchanged on an error.
        if (all_logits) {
            auto out = cuda_->decode_all_logits(tokens);
            if (!out) return out.error();
            std::copy(out->begin(), out->end(), all_logits);
        } else {
            auto out = cuda_->decode(tokens);
            if (!out) return out.error();
            cuda_logits_ = *out;
        }
        tokens_.insert(tokens_.end(), tokens.begin(), tokens.end());
        return {};
    }
#endif
    for (size_t done = 0; done < tokens.size();) {
        const int n = static_cast<int>(std::min<size_t>(tokens.size() - done, static_cast<size_t>(params_.n_batch)));
        Status st = forward_batch(state, tokens.data() + done, n, position(),
                                  all_logits ? all_logits + done * n_vocab : nullptr);
        if (!st) return st;  // the cache past position() may hold partial rows; they are never read
        tokens_.insert(tokens_.end(), tokens.begin() + static_cast<std::ptrdiff_t>(done),
                       tokens.begin() + static_cast<std::ptrdiff_t>(done) + n);
        done += static_cast<size_t>(n);
    }
    return {};
}

Expected<const float*> Context::decode(std::span<const int32_t> tokens) {
    // Only the last chunk's last token needs logits: earlier chunks still compute them into the
    // same buffer, and the last write wins.
    if (Status st = run(tokens, nullptr); !st) return st.error();
    if (cuda_) return cuda_logits_;
    return static_cast<const float*>(buffers_->logits.data());
}

Expected<std::vector<float>> Context::decode_all_logits(std::span<const int32_t> tokens) {
    if (Status st = check_tokens(tokens); !st) return st.error();
    std::vector<float> logits;
    try {
        logits.resize(tokens.size() * static_cast<size_t>(config_->n_vocab));
    } catch (const std::bad_alloc&) {
        return make_error(ErrorCode::OutOfMemory, "decode_all_logits: no memory for the logits");
    }
    if (Status st = run(tokens, logits.data()); !st) return st.error();
    return logits;
}

void Context::truncate(int n_keep) {
    n_keep = std::clamp(n_keep, 0, position());
    tokens_.resize(static_cast<size_t>(n_keep));
#ifdef SIGMA_HAVE_CUDA
    if (cuda_) cuda_->truncate(n_keep);
#endif
}

int Context::common_prefix(std::span<const int32_t> prompt) const {
    const size_t n = std::min(prompt.size(), tokens_.size());
    size_t i = 0;
    while (i < n && prompt[i] == tokens_[i]) ++i;
    return static_cast<int>(i);
}

void Context::set_selective_v(bool on, int top_k) {
    params_.selective_v = on && top_k > 0;
    if (top_k > 0) params_.selective_v_top_k = top_k;
#ifdef SIGMA_HAVE_CUDA
    if (cuda_) cuda_->set_selective_v(params_.selective_v, params_.selective_v_top_k);
#endif
}

namespace {

// splitmix64: a small, fast, well-mixed generator; one stream per (layer, position) keeps the fill
// independent of how the rows are split over threads.
uint64_t splitmix64(uint64_t& state) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void fill_uniform(float* out, size_t n, uint64_t& state) {
    for (size_t i = 0; i < n; ++i) {
        // 24 random bits -> [0, 1) exactly representable in a float, then -> [-1, 1).
        const float u = static_cast<float>(splitmix64(state) >> 40) * (1.0f / 16777216.0f);
        out[i] = 2.0f * u - 1.0f;
    }
}

}  // namespace

Status Context::fill_synthetic(int n_tokens, uint64_t seed) {
    if (cuda_ || !cache_)
        return make_error(ErrorCode::Unsupported,
                          "fill_synthetic: the CUDA backend keeps its cache on the device; "
                          "a synthetic fill is available on the CPU backend only");
    if (n_tokens < 0 || n_tokens > n_ctx_)
        return make_error(ErrorCode::InvalidArgument, "fill_synthetic: " + std::to_string(n_tokens) +
                                                          " positions do not fit the context length " +
                                                          std::to_string(n_ctx_));
    const ModelConfig& c = *config_;
    const size_t k_row = static_cast<size_t>(c.heads.n_k) * static_cast<size_t>(c.d_k_cache);
    const size_t v_row = static_cast<size_t>(c.heads.n_v) * static_cast<size_t>(c.d_v);
    std::vector<std::vector<float>> scratch;
    try {
        scratch.assign(static_cast<size_t>(pool_->size()), std::vector<float>(std::max(k_row, v_row)));
    } catch (const std::bad_alloc&) {
        return make_error(ErrorCode::OutOfMemory, "fill_synthetic: no memory for a row buffer");
    }
    KvCache& cache = *cache_;
    const int64_t rows = int64_t{c.n_layer} * n_tokens;
    pool_->parallel_for(rows, [&](int64_t begin, int64_t end, int thread) {
        float* row = scratch[static_cast<size_t>(thread)].data();
        for (int64_t i = begin; i < end; ++i) {
            const int layer = static_cast<int>(i / n_tokens), pos = static_cast<int>(i % n_tokens);
            uint64_t state = seed ^ (static_cast<uint64_t>(i) * 0xd1b54a32d192ed03ull);
            fill_uniform(row, k_row, state);
            cache.store_k(layer, pos, row);
            fill_uniform(row, v_row, state);
            cache.store_v(layer, pos, row);
        }
    });
    tokens_.assign(static_cast<size_t>(n_tokens), kSyntheticToken);  // capacity was reserved to n_ctx
    return {};
}

}  // namespace sigma
