// DiffQKV attention on the GPU: flash-decoding (positions split across blocks, partials merged by a
// log-sum-exp combine kernel), with each block serving a group of query heads so every K row and V row
// of the group is read from memory once. Decode (one row per sequence, ragged lengths) and causal
// prefill (one row per token, all rows over one cache, row t sees pos0+t+1 positions) are the same
// kernel. Also the KV store that writes new rows into the cache.
// Not a tensor-core kernel: at decode every byte of the cache is read once and the arithmetic is small.
#include "kernels/common.cuh"
#include "kernels/cuda_backend.h"

namespace sigma::cuda {

namespace {

constexpr int kThreads = 128;  // also the tile: positions scored per step
constexpr int kMaxGroup = 16;  // query heads per block
constexpr int kMaxHeadDim = 256;

// Legend: B rows, T positions, G query heads of the block (g < ng), d_k / d_v head sizes, S splits.
struct AttnParams {
    const float* q;          // [B][n_q][d_k]
    const uint8_t* k;        // [B or 1][T][n_k][d_k] cache elements
    const uint8_t* v;        // [B or 1][T][n_v][d_v]
    const int32_t* seq_len;  // [B]
    float* part_o;           // [B][n_q][S][d_v] unnormalised partial outputs
    float* part_ml;          // [B][n_q][S][2] (running max, running sum)
    HeadCounts heads;        // n_q, n_k, n_v and the head mapping
    int d_k, d_v;
    int64_t k_seq_stride, v_seq_stride;  // elements
    int group, n_splits;
    float scale;
};

template <bool kBf16>
__device__ __forceinline__ float cache_to_f32(uint16_t bits) {
    if constexpr (kBf16) return detail::bf16_bits_to_f32(bits);
    else return detail::f16_bits_to_f32(bits);
}

template <bool kBf16>
__global__ void __launch_bounds__(kThreads) attention_split_kernel(AttnParams p) {
    extern __shared__ float4 smem4[];  // float4: the q rows are read 16 bytes at a time
    float* smem = reinterpret_cast<float*>(smem4);
    const int b = blockIdx.z, split = blockIdx.x, tid = threadIdx.x;
    const int q0 = blockIdx.y * p.group;
    const int ng = min(p.group, p.heads.n_q - q0);
    float* q_sh = smem;                       // [G][d_k], pre-scaled
    float* s_sh = q_sh + p.group * p.d_k;     // [G][kThreads] scores, then weights
    float* o_sh = s_sh + p.group * kThreads;  // [G][d_v] running output
    float* m_sh = o_sh + p.group * p.d_v;     // [G]
    float* l_sh = m_sh + p.group;             // [G]
    float* f_sh = l_sh + p.group;             // [G] rescale factor of this tile

    for (int i = tid; i < ng * p.d_k; i += kThreads)
        q_sh[i] = p.q[(static_cast<int64_t>(b) * p.heads.n_q + q0) * p.d_k + i] * p.scale;
    for (int i = tid; i < ng * p.d_v; i += kThreads) o_sh[i] = 0.0f;
    for (int g = tid; g < ng; g += kThreads) {
        m_sh[g] = -INFINITY;
        l_sh[g] = 0.0f;
    }

    // Head mapping of this block's query heads (registers: indexed only by unrolled constants).
    int kh_of[kMaxGroup], vh_of[kMaxGroup];
#pragma unroll
    for (int g = 0; g < kMaxGroup; ++g) {
        kh_of[g] = p.heads.k_head(q0 + g);
        vh_of[g] = p.heads.v_head(q0 + g);
    }
    const int kh0 = p.heads.k_head(q0), kh1 = p.heads.k_head(q0 + ng - 1);
    const int vh0 = p.heads.v_head(q0), vh1 = p.heads.v_head(q0 + ng - 1);

    const int len = p.seq_len[b];
    const int chunk = (len + p.n_splits - 1) / p.n_splits;
    const int p_begin = split * chunk, p_end = min(len, p_begin + chunk);
    const uint16_t* kb = reinterpret_cast<const uint16_t*>(p.k) + b * p.k_seq_stride;
    const uint16_t* vb = reinterpret_cast<const uint16_t*>(p.v) + b * p.v_seq_stride;
    __syncthreads();

    const int half_dv = p.d_v / 2;
    const int n_cols = (vh1 - vh0 + 1) * half_dv;
    const int n_pg = max(1, kThreads / n_cols);
    for (int tile = p_begin; tile < p_end; tile += kThreads) {
        const int tl = min(kThreads, p_end - tile);
        // 1. scores: thread tid scores position tile+tid against every query head of the group,
        //    reading each K head row of the group once.
        float acc[kMaxGroup];
#pragma unroll
        for (int g = 0; g < kMaxGroup; ++g) acc[g] = 0.0f;
        if (tid < tl) {
            const int64_t pos = tile + tid;
            for (int d0 = 0; d0 < p.d_k; d0 += 8) {
                for (int kh = kh0; kh <= kh1; ++kh) {
                    const uint4 raw = __ldg(reinterpret_cast<const uint4*>(kb + (pos * p.heads.n_k + kh) * p.d_k + d0));
                    const uint32_t words[4] = {raw.x, raw.y, raw.z, raw.w};
                    float kv[8];
#pragma unroll
                    for (int j = 0; j < 4; ++j) {
                        kv[2 * j] = cache_to_f32<kBf16>(static_cast<uint16_t>(words[j] & 0xffff));
                        kv[2 * j + 1] = cache_to_f32<kBf16>(static_cast<uint16_t>(words[j] >> 16));
                    }
#pragma unroll
                    for (int g = 0; g < kMaxGroup; ++g) {
                        if (g < ng && kh_of[g] == kh) {
                            const float4 a = *reinterpret_cast<const float4*>(q_sh + g * p.d_k + d0);
                            const float4 c = *reinterpret_cast<const float4*>(q_sh + g * p.d_k + d0 + 4);
                            acc[g] += a.x * kv[0] + a.y * kv[1] + a.z * kv[2] + a.w * kv[3] + c.x * kv[4] +
                                      c.y * kv[5] + c.z * kv[6] + c.w * kv[7];
                        }
                    }
                }
            }
        }
#pragma unroll
        for (int g = 0; g < kMaxGroup; ++g)
            if (g < ng) s_sh[g * kThreads + tid] = tid < tl ? acc[g] : -INFINITY;
        __syncthreads();

        // 2. online softmax: one warp per query head; s becomes exp(s - m_new).
        const int warp = tid / 32, lane = tid % 32;
        for (int g = warp; g < ng; g += kThreads / 32) {
            float* s = s_sh + g * kThreads;
            float mx = -INFINITY;
            for (int i = lane; i < kThreads; i += 32) mx = fmaxf(mx, s[i]);
            mx = detail::warp_max(mx);
            const float m_old = m_sh[g];
            const float m_new = fmaxf(m_old, mx);
            float sum = 0.0f;
            for (int i = lane; i < kThreads; i += 32) {
                const float e = i < tl ? __expf(s[i] - m_new) : 0.0f;
                s[i] = e;
                sum += e;
            }
            sum = detail::warp_sum(sum);
            if (lane == 0) {
                const float f = m_old == -INFINITY ? 0.0f : __expf(m_old - m_new);
                f_sh[g] = f;
                l_sh[g] = l_sh[g] * f + sum;
                m_sh[g] = m_new;
            }
        }
        __syncthreads();
        for (int i = tid; i < ng * p.d_v; i += kThreads) o_sh[i] *= f_sh[i / p.d_v];
        __syncthreads();

        // 3. values: a thread owns a column pair of one V head of the group and a stride of
        //    positions; each V row is read once and feeds every query head that maps to it.
        for (int a = tid; a < n_cols * n_pg; a += kThreads) {
            const int col = a % n_cols, pg = a / n_cols;
            const int vh = vh0 + col / half_dv, d = 2 * (col % half_dv);
            float2 o[kMaxGroup];
#pragma unroll
            for (int g = 0; g < kMaxGroup; ++g) o[g] = make_float2(0.0f, 0.0f);
#pragma unroll 4  // independent V loads in flight
            for (int i = pg; i < tl; i += n_pg) {
                const uint32_t two = __ldg(reinterpret_cast<const uint32_t*>(
                    vb + ((static_cast<int64_t>(tile) + i) * p.heads.n_v + vh) * p.d_v + d));
                const float v0 = cache_to_f32<kBf16>(static_cast<uint16_t>(two & 0xffff));
                const float v1 = cache_to_f32<kBf16>(static_cast<uint16_t>(two >> 16));
#pragma unroll
                for (int g = 0; g < kMaxGroup; ++g) {
                    if (g < ng && vh_of[g] == vh) {
                        const float w = s_sh[g * kThreads + i];
                        o[g].x += w * v0;
                        o[g].y += w * v1;
                    }
                }
            }
#pragma unroll
            for (int g = 0; g < kMaxGroup; ++g) {
                if (g < ng && vh_of[g] == vh) {
                    atomicAdd(o_sh + g * p.d_v + d, o[g].x);
                    atomicAdd(o_sh + g * p.d_v + d + 1, o[g].y);
                }
            }
        }
        __syncthreads();
    }

    for (int i = tid; i < ng * p.d_v; i += kThreads) {
        const int g = i / p.d_v, d = i % p.d_v;
        p.part_o[((static_cast<int64_t>(b) * p.heads.n_q + q0 + g) * p.n_splits + split) * p.d_v + d] = o_sh[i];
    }
    for (int g = tid; g < ng; g += kThreads) {
        float* ml = p.part_ml + ((static_cast<int64_t>(b) * p.heads.n_q + q0 + g) * p.n_splits + split) * 2;
        ml[0] = m_sh[g];
        ml[1] = l_sh[g];
    }
}

// out[b][h] = sum_s e^(m_s - M) o_s / sum_s e^(m_s - M) l_s, M = max_s m_s (empty splits skipped).
__global__ void attention_combine_kernel(float* out, const float* part_o, const float* part_ml, int n_q, int d_v,
                                         int n_splits) {
    const int h = blockIdx.x, b = blockIdx.y;
    const int64_t base = static_cast<int64_t>(b) * n_q + h;
    const float* ml = part_ml + base * n_splits * 2;
    float M = -INFINITY;
    for (int s = 0; s < n_splits; ++s)
        if (ml[2 * s + 1] > 0.0f) M = fmaxf(M, ml[2 * s]);
    float L = 0.0f;
    for (int s = 0; s < n_splits; ++s)
        if (ml[2 * s + 1] > 0.0f) L += ml[2 * s + 1] * __expf(ml[2 * s] - M);
    const float inv = L > 0.0f ? 1.0f / L : 0.0f;
    for (int d = threadIdx.x; d < d_v; d += blockDim.x) {
        float o = 0.0f;
        for (int s = 0; s < n_splits; ++s)
            if (ml[2 * s + 1] > 0.0f) o += part_o[(base * n_splits + s) * d_v + d] * __expf(ml[2 * s] - M);
        out[base * d_v + d] = o * inv;
    }
}

template <bool kBf16>
__global__ void kv_store_kernel(uint16_t* cache, const float* rows, const int32_t* pos, int width) {
    const int t = blockIdx.y;
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= width) return;
    const float v = rows[static_cast<int64_t>(t) * width + i];
    uint16_t bits;
    if constexpr (kBf16) bits = __bfloat16_as_ushort(__float2bfloat16_rn(v));
    else bits = __half_as_ushort(__float2half_rn(v));
    cache[static_cast<int64_t>(pos[t]) * width + i] = bits;
}

int group_size(const AttentionShape& sh) {
    const int m = std::min(sh.heads.n_k, sh.heads.n_v);
    return std::min(kMaxGroup, std::max(1, (sh.heads.n_q + m - 1) / m));
}

size_t split_smem_bytes(int group, int d_k, int d_v) {
    return sizeof(float) * static_cast<size_t>(group) * (d_k + kThreads + d_v + 3);
}

void launch_attention(const AttnParams& p, bool bf16, int rows, Stream s) {
    const dim3 grid(static_cast<unsigned>(p.n_splits), static_cast<unsigned>(detail::ceil_div(p.heads.n_q, p.group)),
                    static_cast<unsigned>(rows));
    const size_t smem = split_smem_bytes(p.group, p.d_k, p.d_v);
    if (bf16) attention_split_kernel<true><<<grid, kThreads, smem, s>>>(p);
    else attention_split_kernel<false><<<grid, kThreads, smem, s>>>(p);
}

}  // namespace

size_t attention_scratch_bytes(int rows, int n_q, int d_v) {
    return sizeof(float) * static_cast<size_t>(rows) * n_q * kMaxSplits * (d_v + 2);
}

Status attention(float* out, const float* q, const void* k_cache, const void* v_cache, CacheType type,
                 const int32_t* seq_len, const AttentionShape& sh, float* scratch, size_t scratch_bytes, int sm_count,
                 Stream s) {
    const char* op = "attention";
    SIGMA_CUDA_REQUIRE(out && q && k_cache && v_cache && seq_len && scratch, op, "null buffer");
    SIGMA_CUDA_REQUIRE(sh.rows > 0 && sh.rows <= 65535, op, "rows must be in [1, 65535]");
    const HeadCounts& hc = sh.heads;
    SIGMA_CUDA_REQUIRE(hc.n_q > 0 && hc.n_k > 0 && hc.n_v > 0 && hc.n_k <= hc.n_q && hc.n_v <= hc.n_q, op,
                       "head counts must be positive with n_k, n_v <= n_q");
    SIGMA_CUDA_REQUIRE(sh.d_k > 0 && sh.d_k % 8 == 0 && sh.d_k <= kMaxHeadDim, op,
                       "d_k must be a multiple of 8 up to 256, got " + std::to_string(sh.d_k));
    SIGMA_CUDA_REQUIRE(sh.d_v > 0 && sh.d_v % 2 == 0 && sh.d_v <= kMaxHeadDim, op,
                       "d_v must be even and at most 256, got " + std::to_string(sh.d_v));
    SIGMA_CUDA_REQUIRE(sh.max_seq_len > 0, op, "max_seq_len must be positive");
    SIGMA_CUDA_REQUIRE(reinterpret_cast<uintptr_t>(k_cache) % 16 == 0 && reinterpret_cast<uintptr_t>(v_cache) % 4 == 0,
                       op, "caches must be aligned (K 16 bytes, V 4 bytes)");
    SIGMA_CUDA_REQUIRE(sh.k_seq_stride % 8 == 0 && sh.v_seq_stride % 2 == 0, op, "sequence strides break alignment");
    SIGMA_CUDA_REQUIRE(scratch_bytes >= attention_scratch_bytes(sh.rows, sh.heads.n_q, sh.d_v), op,
                       "scratch too small");
    AttnParams p{};
    p.q = q;
    p.k = static_cast<const uint8_t*>(k_cache);
    p.v = static_cast<const uint8_t*>(v_cache);
    p.seq_len = seq_len;
    p.heads = sh.heads;
    p.d_k = sh.d_k;
    p.d_v = sh.d_v;
    p.k_seq_stride = sh.k_seq_stride;
    p.v_seq_stride = sh.v_seq_stride;
    p.group = group_size(sh);
    p.scale = sh.scale;
    // Enough blocks to fill the chip about four times over, no split shorter than a tile.
    const int blocks_per_split = detail::ceil_div(sh.heads.n_q, p.group) * sh.rows;
    const int want = detail::ceil_div(int64_t{4} * std::max(sm_count, 1), blocks_per_split);
    p.n_splits = std::max(1, std::min({want, kMaxSplits, detail::ceil_div(sh.max_seq_len, kThreads)}));
    p.part_o = scratch;
    p.part_ml = scratch + static_cast<size_t>(sh.rows) * sh.heads.n_q * p.n_splits * sh.d_v;
    launch_attention(p, type == CacheType::BF16, sh.rows, s);
    cudaCheckLaunch("attention split");
    attention_combine_kernel<<<dim3(static_cast<unsigned>(sh.heads.n_q), static_cast<unsigned>(sh.rows)), 64, 0, s>>>(
        out, p.part_o, p.part_ml, sh.heads.n_q, sh.d_v, p.n_splits);
    cudaCheckLaunch("attention combine");
    return {};
}

Status kv_store(void* cache, CacheType type, const float* rows, const int32_t* pos, int n_tokens, int width, Stream s) {
    SIGMA_CUDA_REQUIRE(cache && rows && pos, "kv_store", "null buffer");
    SIGMA_CUDA_REQUIRE(n_tokens > 0 && n_tokens <= 65535 && width > 0, "kv_store", "sizes out of range");
    const dim3 grid(static_cast<unsigned>(detail::ceil_div(width, 256)), static_cast<unsigned>(n_tokens));
    if (type == CacheType::BF16)
        kv_store_kernel<true><<<grid, 256, 0, s>>>(static_cast<uint16_t*>(cache), rows, pos, width);
    else kv_store_kernel<false><<<grid, 256, 0, s>>>(static_cast<uint16_t*>(cache), rows, pos, width);
    cudaCheckLaunch("kv_store");
    return {};
}

}  // namespace sigma::cuda
