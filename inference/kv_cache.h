// KvCache: the per-layer K and V caches, in two SEPARATE buffers so K keeps its own (smaller) head
// count and head size: the point of DiffQKV (n_k != n_v) is lost if K is widened to V's shape.
// Not a paged or ring cache: one contiguous block per buffer, positions 0..n_ctx-1, allocated once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "inference/core/expected.h"

namespace sigma {

// Element type of the cache. F16 halves the bytes read per attention step; F32 is exact.
enum class KvType { F16, F32 };

// Rows of one head across positions: row p starts at element p * row_stride.
struct KvRows {
    const void* data = nullptr;
    KvType type = KvType::F32;
    int64_t row_stride = 0;  // elements between consecutive positions
};

class KvCache {
public:
    // Dimension legend: L = n_layer, T = n_ctx, n_k/n_v = key/value heads, d_kc = key head size as
    // cached, d_v = value head size.
    static Expected<std::unique_ptr<KvCache>> create(int n_layer, int n_ctx, int n_k, int d_k_cache, int n_v, int d_v,
                                                     KvType type);

    // k: [n_k * d_k_cache] floats of one token, stored (converted to the cache type) at (layer, pos).
    void store_k(int layer, int pos, const float* k);
    // v: [n_v * d_v] floats of one token.
    void store_v(int layer, int pos, const float* v);
    // Reads one cached K head row back as floats: out[d_k_cache].
    void load_k(float* out, int layer, int pos, int head) const;

    KvRows k_rows(int layer, int head) const;  // K head `head` of `layer`, positions 0..n_ctx-1
    KvRows v_rows(int layer, int head) const;

    KvType type() const { return type_; }
    int n_ctx() const { return n_ctx_; }
    size_t k_bytes() const { return k_elements_ * element_bytes(); }
    size_t v_bytes() const { return v_elements_ * element_bytes(); }
    size_t element_bytes() const { return type_ == KvType::F16 ? 2 : 4; }

private:
    KvCache() = default;
    void store(uint8_t* base, size_t offset, const float* src, int64_t n);

    KvType type_ = KvType::F16;
    int n_layer_ = 0, n_ctx_ = 0, n_k_ = 0, d_k_cache_ = 0, n_v_ = 0, d_v_ = 0;
    size_t k_elements_ = 0, v_elements_ = 0;
    // Head-major, so that one head's cached rows are contiguous and attention reads them as a stream.
    std::unique_ptr<uint8_t[]> k_;  // [n_layer][n_k][n_ctx][d_k_cache] of type_
    std::unique_ptr<uint8_t[]> v_;  // [n_layer][n_v][n_ctx][d_v] of type_
};

}  // namespace sigma
