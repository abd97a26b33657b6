// Context: creation (checks, one-time allocation), decode in n_batch chunks, truncation.
// Not the math: forward.cpp holds the forward pass.
#include "inference/context.h"

#include <algorithm>
#include <new>
#include <string>

namespace sigma {

Context::~Context() = default;

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
    if (params.n_ctx < 0) return make_error(ErrorCode::InvalidArgument, "context length " + std::to_string(params.n_ctx) + " is negative");
    const int n_ctx = params.n_ctx == 0 ? config.n_ctx_train : params.n_ctx;
    if (n_ctx <= 0) return make_error(ErrorCode::InvalidArgument, "the model declares no context length; pass one");
    if (config.n_ctx_train > 0 && n_ctx > config.n_ctx_train) {
        return make_error(ErrorCode::InvalidArgument, "context length " + std::to_string(n_ctx) +
                                                          " exceeds the model's training context " +
                                                          std::to_string(config.n_ctx_train));
    }
    if (params.n_batch <= 0) return make_error(ErrorCode::InvalidArgument, "n_batch must be positive, got " + std::to_string(params.n_batch));
    if (params.n_threads < 0 || params.n_threads > 1024)
        return make_error(ErrorCode::InvalidArgument, "thread count " + std::to_string(params.n_threads) + " is out of range");
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
    auto cache = KvCache::create(config.n_layer, n_ctx, config.n_head_k, config.d_k_cache, config.n_head_v, config.d_v,
                                 params.kv_type);
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
    if (Status st = allocate_forward_buffers(*ctx->buffers_, config, weights, params.n_batch, n_ctx, params.n_threads); !st)
        return st.error();
    return ctx;
}

Status Context::check_tokens(std::span<const int32_t> tokens) const {
    if (tokens.empty()) return make_error(ErrorCode::InvalidArgument, "decode: no tokens");
    for (size_t i = 0; i < tokens.size(); ++i) {
        if (tokens[i] < 0 || tokens[i] >= config_->n_vocab) {
            return make_error(ErrorCode::InvalidArgument, "decode: token id " + std::to_string(tokens[i]) + " at index " +
                                                              std::to_string(i) + " is outside the vocabulary of " +
                                                              std::to_string(config_->n_vocab));
        }
    }
    if (tokens.size() > static_cast<size_t>(n_ctx_ - position())) {
        return make_error(ErrorCode::InvalidArgument, "decode: " + std::to_string(tokens.size()) + " tokens at position " +
                                                          std::to_string(position()) + " exceed the context length " +
                                                          std::to_string(n_ctx_));
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
    for (size_t done = 0; done < tokens.size();) {
        const int n = static_cast<int>(std::min<size_t>(tokens.size() - done, static_cast<size_t>(params_.n_batch)));
        Status st = forward_batch(state, tokens.data() + done, n, position(), all_logits ? all_logits + done * n_vocab : nullptr);
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
}

}  // namespace sigma
