// Context: the run state of one model: KV cache, scratch buffers and thread pool, all allocated
// once at creation, plus the tokens whose K/V are cached (for prefix reuse). It runs the forward
// pass on the CPU or, when asked and able, on a CUDA device (CudaForward holds that state).
// Not thread-safe: one caller at a time; a second conversation needs its own Context.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "inference/core/expected.h"
#include "inference/forward.h"
#include "inference/kv_cache.h"
#include "inference/model.h"
#include "inference/thread_pool.h"

namespace sigma {

class CudaForward;

// Where the forward pass runs.
enum class ComputeBackend { Cpu, Cuda };
// What the caller asks for: Auto takes CUDA when this build has it, a device is there and the
// model fits its free memory, and otherwise the CPU (the Context says why).
enum class BackendRequest { Auto, Cpu, Cuda };
const char* backend_name(ComputeBackend b);                                  // "cpu", "cuda"
const char* backend_name(BackendRequest b);                                  // "auto", "cpu", "cuda"
std::optional<BackendRequest> parse_backend_request(std::string_view text);  // "auto" | "cpu" | "cuda"
// True when the engine was built with the CUDA backend.
bool cuda_backend_built();

struct ContextParams {
    int n_ctx = 0;      // positions the cache holds; 0 = the model's n_ctx_train
    int n_threads = 0;  // 0 = the hardware's thread count
    KvType kv_type = KvType::F16;
    int n_batch = 256;         // tokens per forward call during prefill
    bool selective_v = false;  // decode only: read V rows of the top-k positions (ops_attention.h)
    int selective_v_top_k = 100;
    BackendRequest backend = BackendRequest::Cpu;
    int cuda_device = 0;
};

class Context {
public:
    // The context keeps the model alive. With BackendRequest::Cuda, a build without CUDA, no device,
    // too little free device memory or a model the CUDA path cannot run is an error naming which;
    // with Auto each of those falls back to the CPU and backend_note() says why.
    static Expected<std::unique_ptr<Context>> create(std::shared_ptr<const Model> model, ContextParams params);
    // For tests and tools with in-memory weights: the caller keeps config and weights alive.
    static Expected<std::unique_ptr<Context>> create(const ModelConfig& config, const ModelWeights& weights,
                                                     ContextParams params);
    ~Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    // Appends tokens at position() (prefill in chunks of n_batch) and returns the logits of the LAST
    // one: n_vocab floats, valid until the next call. Errors (nothing changes): empty input, a token id
    // out of range, or more tokens than the context has room for.
    Expected<const float*> decode(std::span<const int32_t> tokens);
    // As decode, but returns the logits of every token: [tokens.size()][n_vocab]. Allocates the
    // result, so meant for tests and evaluation, not the token loop.
    Expected<std::vector<float>> decode_all_logits(std::span<const int32_t> tokens);

    int position() const { return static_cast<int>(tokens_.size()); }
    int n_ctx() const { return n_ctx_; }
    int n_vocab() const { return config_->n_vocab; }
    int n_threads() const { return pool_ ? pool_->size() : 0; }  // 0 on CUDA
    ComputeBackend backend() const { return backend_; }
    // Auto on the CPU: why CUDA was not taken ("no CUDA device", ...). On CUDA: the device's name.
    const std::string& backend_note() const { return backend_note_; }
    const ModelConfig& config() const { return *config_; }
    const ContextParams& params() const { return params_; }
    const KvCache& kv_cache() const { return *cache_; }  // CPU backend only (CUDA keeps it on the device)
    // Token ids whose K/V are in the cache, in position order.
    std::span<const int32_t> tokens() const { return tokens_; }

    // Forgets every position from n_keep on (clamped to [0, position()]); later decodes overwrite them.
    void truncate(int n_keep);
    // How many leading tokens of `prompt` are already cached at the same positions.
    int common_prefix(std::span<const int32_t> prompt) const;

    // Selective V can be switched per request (the buffers do not change).
    void set_selective_v(bool on, int top_k);

    // Benchmarking aid, not for generation: makes the first n_tokens positions look prefilled
    // without running the model. Every layer's K and V rows at positions 0..n_tokens-1 get values
    // drawn uniformly from [-1, 1) (finite, and spread enough that softmax stays non-degenerate),
    // the same for a given seed whatever the thread count; position() becomes n_tokens. Decode cost
    // does not depend on the cached values, so a decode after this costs what it would after a real
    // prefill of n_tokens. The filled positions hold no token: tokens() reads kSyntheticToken there,
    // so common_prefix() never matches them. CPU backend only (the CUDA cache lives on the device).
    // Errors (nothing changes): CUDA, n_tokens < 0 or n_tokens > n_ctx().
    static constexpr int32_t kSyntheticToken = -1;
    Status fill_synthetic(int n_tokens, uint64_t seed);

private:
    Context() = default;
    static Expected<std::unique_ptr<Context>> create_impl(std::shared_ptr<const Model> model, const ModelConfig& config,
                                                          const ModelWeights& weights, ContextParams params);
    Status start_cuda(ContextParams& params, int n_ctx);
    Status check_tokens(std::span<const int32_t> tokens) const;
    Status run(std::span<const int32_t> tokens, float* all_logits);

    std::shared_ptr<const Model> model_;  // null when created over caller-owned weights
    const ModelConfig* config_ = nullptr;
    const ModelWeights* weights_ = nullptr;
    ContextParams params_;
    int n_ctx_ = 0;
    std::unique_ptr<ThreadPool> pool_;
    std::unique_ptr<KvCache> cache_;
    std::unique_ptr<ForwardBuffers> buffers_;
    std::vector<int32_t> tokens_;  // reserved to n_ctx at creation
    ComputeBackend backend_ = ComputeBackend::Cpu;
    std::string backend_note_;
    struct CudaDeleter {
        void operator()(CudaForward* f) const;
    };
    std::unique_ptr<CudaForward, CudaDeleter> cuda_;  // set on the CUDA backend; cache_ etc. stay null
    const float* cuda_logits_ = nullptr;              // the last decode's logits (CudaForward owns them)
};

}  // namespace sigma
