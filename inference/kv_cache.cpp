// KvCache: allocation (uninitialised: positions are written before they are read) and row access.
// Not responsible for positions in use: Context tracks how many are valid and truncates by forgetting.
#include "inference/kv_cache.h"

#include <cstring>
#include <new>
#include <string>

#include "inference/ops_convert.h"
#include "inference/tensor_types.h"

namespace sigma {

Expected<std::unique_ptr<KvCache>> KvCache::create(int n_layer, int n_ctx, int n_k, int d_k_cache, int n_v, int d_v,
                                                   KvType type) {
    if (n_layer <= 0 || n_ctx <= 0 || n_k <= 0 || d_k_cache <= 0 || n_v <= 0 || d_v <= 0)
        return make_error(ErrorCode::InvalidArgument, "kv cache: every dimension must be positive");
    std::unique_ptr<KvCache> c(new KvCache());
    c->type_ = type;
    c->n_layer_ = n_layer;
    c->n_ctx_ = n_ctx;
    c->n_k_ = n_k;
    c->d_k_cache_ = d_k_cache;
    c->n_v_ = n_v;
    c->d_v_ = d_v;
    c->k_elements_ = static_cast<size_t>(n_layer) * n_ctx * n_k * d_k_cache;
    c->v_elements_ = static_cast<size_t>(n_layer) * n_ctx * n_v * d_v;
    c->k_.reset(new (std::nothrow) uint8_t[c->k_elements_ * c->element_bytes()]);
    c->v_.reset(new (std::nothrow) uint8_t[c->v_elements_ * c->element_bytes()]);
    if (!c->k_ || !c->v_) {
        return make_error(ErrorCode::OutOfMemory,
                          "kv cache: cannot allocate " +
                              std::to_string((c->k_elements_ + c->v_elements_) * c->element_bytes()) +
                              " bytes for n_ctx " + std::to_string(n_ctx));
    }
    return c;
}

void KvCache::store(uint8_t* base, size_t offset, const float* src, int64_t n) {
    if (type_ == KvType::F32) {
        std::memcpy(base + offset * 4, src, static_cast<size_t>(n) * 4);
    } else {
        auto* dst = reinterpret_cast<uint16_t*>(base + offset * 2);
        for (int64_t i = 0; i < n; ++i) dst[i] = fp32_to_fp16(src[i]);
    }
}

// Head-major: [layer][head][pos][d], so one head's rows are contiguous and attention streams them.
void KvCache::store_k(int layer, int pos, const float* k) {
    for (int h = 0; h < n_k_; ++h)
        store(k_.get(), ((static_cast<size_t>(layer) * n_k_ + h) * n_ctx_ + pos) * d_k_cache_,
              k + static_cast<size_t>(h) * d_k_cache_, d_k_cache_);
}

void KvCache::store_v(int layer, int pos, const float* v) {
    for (int h = 0; h < n_v_; ++h)
        store(v_.get(), ((static_cast<size_t>(layer) * n_v_ + h) * n_ctx_ + pos) * d_v_,
              v + static_cast<size_t>(h) * d_v_, d_v_);
}

void KvCache::load_k(float* out, int layer, int pos, int head) const {
    const size_t offset = ((static_cast<size_t>(layer) * n_k_ + head) * n_ctx_ + pos) * d_k_cache_;
    if (type_ == KvType::F32) {
        std::memcpy(out, k_.get() + offset * 4, static_cast<size_t>(d_k_cache_) * 4);
    } else {
        widen_f16_row(out, reinterpret_cast<const uint16_t*>(k_.get()) + offset, d_k_cache_, fp16_table());
    }
}

KvRows KvCache::k_rows(int layer, int head) const {
    const size_t offset = (static_cast<size_t>(layer) * n_k_ + head) * n_ctx_ * d_k_cache_;
    return KvRows{k_.get() + offset * element_bytes(), type_, static_cast<int64_t>(d_k_cache_)};
}

KvRows KvCache::v_rows(int layer, int head) const {
    const size_t offset = (static_cast<size_t>(layer) * n_v_ + head) * n_ctx_ * d_v_;
    return KvRows{v_.get() + offset * element_bytes(), type_, static_cast<int64_t>(d_v_)};
}

}  // namespace sigma
