// Selective V on the GPU (decode): per query head, score every position with K, keep the top_k
// scores (ties keep the earlier position), softmax over the kept ones, read only their V rows. The
// same decisions as attention_selective in inference/ops_attention.h.
// Not the fast path for dense attention: one block per (row, query head), and the k-th score is found
// by a 32-step radix search over the scores, which is simple and exact rather than quick.
#include "kernels/common.cuh"
#include "kernels/cuda_backend.h"

namespace sigma::cuda {

namespace {

constexpr int kThreads = 256;

// Float -> unsigned key with the same order (larger float, larger key).
__device__ __forceinline__ uint32_t order_key(float f) {
    const uint32_t u = __float_as_uint(f);
    return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

__device__ int block_sum_int(int v, int* red) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    __syncthreads();
    if (threadIdx.x % 32 == 0) red[threadIdx.x / 32] = v;
    __syncthreads();
    int total = 0;
    for (int w = 0; w < kThreads / 32; ++w) total += red[w];
    return total;
}

__device__ float block_sum_float(float v, float* red) {
    v = detail::warp_sum(v);
    __syncthreads();
    if (threadIdx.x % 32 == 0) red[threadIdx.x / 32] = v;
    __syncthreads();
    float total = 0.0f;
    for (int w = 0; w < kThreads / 32; ++w) total += red[w];
    return total;
}

template <bool kBf16>
__device__ __forceinline__ float cache_val(const uint16_t* p) {
    if constexpr (kBf16) return detail::bf16_bits_to_f32(*p);
    else return detail::f16_bits_to_f32(*p);
}

template <bool kBf16>
__global__ void selective_kernel(float* out, const float* q, const uint16_t* k, const uint16_t* v,
                                 const int32_t* seq_len, AttentionShape sh, int top_k, float* scores_all,
                                 int32_t* index_all) {
    const int h = blockIdx.x, b = blockIdx.y, tid = threadIdx.x;
    const int kh = sh.heads.k_head(h), vh = sh.heads.v_head(h);
    const int len = seq_len[b];
    float* s = scores_all + (static_cast<int64_t>(b) * sh.heads.n_q + h) * sh.max_seq_len;
    int32_t* idx = index_all + (static_cast<int64_t>(b) * sh.heads.n_q + h) * sh.max_seq_len;
    const float* qh = q + (static_cast<int64_t>(b) * sh.heads.n_q + h) * sh.d_k;
    const uint16_t* kb = k + b * sh.k_seq_stride;
    const uint16_t* vb = v + b * sh.v_seq_stride;
    __shared__ int ired[kThreads / 32];
    __shared__ float fred[kThreads / 32];
    __shared__ int chunk_base[kThreads];

    // s_p = scale * q·K_p
    for (int p = tid; p < len; p += kThreads) {
        const uint16_t* kr = kb + (static_cast<int64_t>(p) * sh.heads.n_k + kh) * sh.d_k;
        float acc = 0.0f;
        for (int d = 0; d < sh.d_k; ++d) acc += qh[d] * cache_val<kBf16>(kr + d);
        s[p] = acc * sh.scale;
    }
    __syncthreads();
    const int keep = (top_k <= 0 || top_k >= len) ? len : top_k;

    // The keep-th largest key T: the largest T with count(key >= T) >= keep.
    uint32_t T = 0;
    if (keep < len) {
        for (int bit = 31; bit >= 0; --bit) {
            const uint32_t trial = T | (1u << bit);
            int c = 0;
            for (int p = tid; p < len; p += kThreads) c += order_key(s[p]) >= trial;
            if (block_sum_int(c, ired) >= keep) T = trial;
        }
    }
    const int n_gt = keep < len ? [&] {
        int c = 0;
        for (int p = tid; p < len; p += kThreads) c += order_key(s[p]) > T;
        return block_sum_int(c, ired);
    }() : 0;
    int eq_left = keep - n_gt;  // ties at T kept in position order

    // Each thread owns a contiguous chunk of positions; a scan over chunks gives each kept position
    // its slot, so idx[] lists the kept positions in ascending order.
    const int chunk = (len + kThreads - 1) / kThreads;
    const int c0 = min(len, tid * chunk), c1 = min(len, c0 + chunk);
    int my_eq = 0, my_gt = 0;
    for (int p = c0; p < c1; ++p) {
        const uint32_t key = order_key(s[p]);
        my_gt += keep < len ? key > T : 1;
        my_eq += keep < len && key == T;
    }
    chunk_base[tid] = my_eq;
    __syncthreads();
    if (tid == 0) {
        int acc = 0;
        for (int t = 0; t < kThreads; ++t) {
            const int e = chunk_base[t];
            chunk_base[t] = acc;
            acc += e;
        }
    }
    __syncthreads();
    const int eq_before = chunk_base[tid];
    __syncthreads();
    const int my_eq_kept = max(0, min(my_eq, eq_left - eq_before));
    chunk_base[tid] = my_gt + my_eq_kept;
    __syncthreads();
    if (tid == 0) {
        int acc = 0;
        for (int t = 0; t < kThreads; ++t) {
            const int e = chunk_base[t];
            chunk_base[t] = acc;
            acc += e;
        }
    }
    __syncthreads();
    int slot = chunk_base[tid], eq_seen = 0;
    for (int p = c0; p < c1; ++p) {
        const uint32_t key = order_key(s[p]);
        bool kept = keep >= len || key > T;
        if (!kept && key == T) kept = eq_seen++ < my_eq_kept;
        if (kept) idx[slot++] = p;
    }
    __syncthreads();

    // softmax over the kept scores (the maximum is always kept)
    float mx = -INFINITY;
    for (int j = tid; j < keep; j += kThreads) mx = fmaxf(mx, s[idx[j]]);
    mx = detail::warp_max(mx);
    __syncthreads();
    if (tid % 32 == 0) fred[tid / 32] = mx;
    __syncthreads();
    mx = -INFINITY;
    for (int w = 0; w < kThreads / 32; ++w) mx = fmaxf(mx, fred[w]);
    float sum = 0.0f;
    for (int j = tid; j < keep; j += kThreads) sum += __expf(s[idx[j]] - mx);
    const float inv = 1.0f / block_sum_float(sum, fred);
    float* o = out + (static_cast<int64_t>(b) * sh.heads.n_q + h) * sh.d_v;
    for (int d = tid; d < sh.d_v; d += kThreads) {
        float acc = 0.0f;
        for (int j = 0; j < keep; ++j) {
            const int p = idx[j];
            acc +=
                __expf(s[p] - mx) * cache_val<kBf16>(vb + (static_cast<int64_t>(p) * sh.heads.n_v + vh) * sh.d_v + d);
        }
        o[d] = acc * inv;
    }
}

}  // namespace

size_t selective_scratch_bytes(int rows, int n_q, int max_seq_len) {
    return static_cast<size_t>(rows) * n_q * max_seq_len * (sizeof(float) + sizeof(int32_t));
}

Status attention_selective(float* out, const float* q, const void* k_cache, const void* v_cache, CacheType type,
                           const int32_t* seq_len, const AttentionShape& sh, int top_k, void* scratch,
                           size_t scratch_bytes, Stream s) {
    const char* op = "attention_selective";
    SIGMA_CUDA_REQUIRE(out && q && k_cache && v_cache && seq_len && scratch, op, "null buffer");
    const HeadCounts& hc = sh.heads;
    SIGMA_CUDA_REQUIRE(sh.rows > 0 && sh.rows <= 65535 && hc.n_q > 0 && hc.n_k > 0 && hc.n_v > 0 && sh.d_k > 0 &&
                           sh.d_v > 0 && sh.max_seq_len > 0,
                       op, "sizes must be positive");
    SIGMA_CUDA_REQUIRE(hc.n_k <= hc.n_q && hc.n_v <= hc.n_q, op, "n_k and n_v must not exceed n_q");
    SIGMA_CUDA_REQUIRE(scratch_bytes >= selective_scratch_bytes(sh.rows, sh.heads.n_q, sh.max_seq_len), op,
                       "scratch too small");
    auto* scores = static_cast<float*>(scratch);
    auto* index = reinterpret_cast<int32_t*>(scores + static_cast<size_t>(sh.rows) * sh.heads.n_q * sh.max_seq_len);
    const dim3 grid(static_cast<unsigned>(sh.heads.n_q), static_cast<unsigned>(sh.rows));
    const auto* k = static_cast<const uint16_t*>(k_cache);
    const auto* v = static_cast<const uint16_t*>(v_cache);
    if (type == CacheType::BF16)
        selective_kernel<true><<<grid, kThreads, 0, s>>>(out, q, k, v, seq_len, sh, top_k, scores, index);
    else selective_kernel<false><<<grid, kThreads, 0, s>>>(out, q, k, v, seq_len, sh, top_k, scores, index);
    cudaCheckLaunch("attention_selective");
    return {};
}

}  // namespace sigma::cuda
