// The CUDA backend's public face: device query, VRAM estimate, device buffers and streams, and one
// entry per kernel. Plain C++: includable without CUDA headers (a stream is an opaque CUstream_st*).
// Not a model runner: inference/cuda_forward.h strings these entries into a forward pass.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "inference/core/expected.h"
#include "inference/core/model_config.h"
#include "inference/core/tensor.h"

struct CUstream_st;  // cudaStream_t is CUstream_st*

namespace sigma::cuda {

using Stream = CUstream_st*;  // nullptr = the default stream

// Dimension legend for every entry below: B = rows (tokens or sequences), H = hidden size,
// T = cache positions (n_ctx), n_q/n_k/n_v = head counts, d_k = key/query head size, d_v = value
// head size, V = vocabulary. All activations are f32 and row-major; all pointers are device pointers
// unless a name says host.

// ---- devices -------------------------------------------------------------------------------------
struct DeviceInfo {
    int index = 0;
    std::string name;
    size_t total_bytes = 0;
    size_t free_bytes = 0;
    int sm_count = 0;
    int cc_major = 0, cc_minor = 0;
};
// Number of usable devices: 0 (not an error) when there is no driver or no GPU.
int device_count();
Expected<DeviceInfo> device_info(int device);
Status set_device(int device);

// ---- VRAM estimate (so `--backend auto` can fall back with a reason) -----------------------------
struct VramInputs {
    size_t weight_bytes = 0;  // every tensor uploaded, as stored
    int n_layer = 0;
    int n_ctx = 0;     // cache positions per sequence
    int n_seq = 1;     // sequences with their own cache
    int kv_width = 0;  // n_k*d_k + n_v*d_v elements per position per layer
    size_t kv_element_bytes = 2;
    int n_batch = 1;  // tokens per forward call (prefill chunk)
    int max_row = 0;  // widest activation row (max of H, n_q*d_k, n_q*d_v, F, A)
    int n_vocab = 0;
    int max_weight_in = 0;  // widest weight row (for the prefill dequantisation tile)
};
struct VramEstimate {
    size_t weights = 0, kv_cache = 0, scratch = 0, total = 0;
};
VramEstimate estimate_vram(const VramInputs& in);

// ---- memory and streams --------------------------------------------------------------------------
Expected<void*> device_alloc(size_t bytes);  // cudaMalloc; error names the size
void device_free(void* p);                   // null is fine
Status copy_to_device(void* dst, const void* host_src, size_t bytes, Stream s = nullptr);
Status copy_to_host(void* host_dst, const void* src, size_t bytes, Stream s = nullptr);
Status copy_device(void* dst, const void* src, size_t bytes, Stream s = nullptr);
Status fill_f32(float* dst, float value, size_t n, Stream s = nullptr);  // e.g. NaN poison
Expected<Stream> stream_create();
void stream_destroy(Stream s);
Status stream_sync(Stream s);
Status device_sync();

// Pinned host memory: copies of per-token values overlap with nothing else, but must be pinned to be
// captured in a graph node safely.
Expected<void*> host_alloc_pinned(size_t bytes);
void host_free_pinned(void* p);

// A captured sequence of launches on one stream (the decode step), replayed with one launch.
struct Graph;
Status graph_begin(Stream s);
Expected<Graph*> graph_end(Stream s);  // instantiates what was captured since graph_begin
Status graph_launch(Graph* g, Stream s);
void graph_destroy(Graph* g);

// Timing with CUDA events (benchmarks).
struct Timer;
Expected<Timer*> timer_create();
Status timer_start(Timer* t, Stream s);
Expected<float> timer_stop_ms(Timer* t, Stream s);  // waits for the stop event
void timer_destroy(Timer* t);

// ---- elementwise and normalisation ---------------------------------------------------------------
// out[r][n] = x[r][n] / sqrt(mean(x[r]^2) + eps) * w[n]; out may equal x.
Status rmsnorm(float* out, const float* x, const float* w, int rows, int n, float eps, Stream s);
// x: [n_tokens][n_heads][head_dim], token t at position pos[t] (device array), rotated in place.
Status rope(float* x, const int32_t* pos, int n_tokens, int n_heads, int head_dim, float theta, RopeStyle style,
            Stream s);
// out[n] = silu(gate[n]) * up[n] (SwiGLU and AugQ's gate); out may equal gate or up.
Status swiglu(float* out, const float* gate, const float* up, int64_t n, Stream s);
// x[n] += d[n]  (residual add)
Status add(float* x, const float* d, int64_t n, Stream s);
// y[r][n] += bias[n]
Status add_bias(float* y, const float* bias, int rows, int n, Stream s);
// out[t][H] = row tokens[t] of table [V][H] widened to f32 (F32, F16, BF16, Q8_0). Token ids are
// clamped into [0, V) on the device: the host checks them before upload. K-quant tables too.
Status embedding(float* out, const void* table, TensorType type, int n_embd, int n_vocab, const int32_t* tokens,
                 int n_tokens, Stream s);
// Converts f32 values to a type's rows (F32, F16, BF16, Q8_0: quantised as the CPU reference does);
// for tests and for random device weights in benchmarks.
Status fill_random_weights(void* dst, TensorType type, int64_t n_elements, float scale, uint64_t seed, Stream s);

// ---- matmul --------------------------------------------------------------------------------------
// Weight types the kernels compute with (GEMV and GEMM): F32, F16, BF16, Q8_0, and ggml's K-quants
// Q4_K, Q5_K, Q6_K (256-weight super-blocks, byte layouts as ggml's block_q4_K/q5_K/q6_K).
bool matmul_supports(TensorType type);
bool is_k_quant(TensorType type);
// Bytes of scratch matmul() needs for n_tokens > kGemvMaxTokens (f16 copies of activations and a
// dequantised weight tile).
size_t matmul_scratch_bytes(int64_t max_in, int64_t max_out, int max_tokens);
constexpr int kGemvMaxTokens = 4;
// y[t][o] = sum_i W[o][i] x[t][i]; W rows of `in` elements of `type`, `out` rows; x [n_tokens][in].
// n_tokens <= kGemvMaxTokens: GEMV kernels (weights read straight from their storage type);
// larger: cuBLAS on f16/bf16/f32 operands (quantised weights dequantised tile by tile into scratch).
struct MatmulContext;  // a cuBLAS handle bound to a stream, plus scratch
Expected<MatmulContext*> matmul_context_create(Stream s, size_t scratch_bytes);
void matmul_context_destroy(MatmulContext* m);
Status matmul(MatmulContext* m, float* y, const void* w, TensorType type, int64_t in, int64_t out, const float* x,
              int n_tokens);
// The GEMV path alone (any n_tokens; weights re-read per token), for tests.
Status gemv(float* y, const void* w, TensorType type, int64_t in, int64_t out, const float* x, int n_tokens, Stream s);

// ---- KV cache and attention ----------------------------------------------------------------------
enum class CacheType { F16, BF16 };
// Stores rows[t] (f32, `width` values) at cache position pos[t]: cache[pos[t]][width] of `type`.
Status kv_store(void* cache, CacheType type, const float* rows, const int32_t* pos, int n_tokens, int width, Stream s);

// DiffQKV attention over a cache. Row b (a sequence in decode, a token in prefill) has query
// q[b][n_q][d_k], attends positions [0, seq_len[b]) of cache k_base + b*k_seq_stride (elements;
// 0 when rows share one cache, as prefill tokens do), whose layout is K [T][n_k][d_k] and
// V [T][n_v][d_v], and writes out[b][n_q][d_v]. Head i reads K head heads.k_head(i) and V head heads.v_head(i);
// a block serves a group of query heads and reads each K and V row of that group once.
struct AttentionShape {
    int rows = 1;
    HeadCounts heads;  // n_q, n_k, n_v and the head mapping
    int d_k = 0, d_v = 0;
    int64_t k_seq_stride = 0, v_seq_stride = 0;  // elements between sequences' caches
    int max_seq_len = 0;                         // upper bound of seq_len[] (sizes the split)
    float scale = 1.0f;
};
// Scratch for the split partials: rows * n_q * kMaxSplits * (d_v + 2) floats.
constexpr int kMaxSplits = 64;
size_t attention_scratch_bytes(int rows, int n_q, int d_v);
// Flash-decoding: the positions of each row are split across blocks; a second kernel merges the
// partial (max, sum, output) triples by log-sum-exp. `sm_count` picks the split count.
Status attention(float* out, const float* q, const void* k_cache, const void* v_cache, CacheType type,
                 const int32_t* seq_len, const AttentionShape& shape, float* scratch, size_t scratch_bytes,
                 int sm_count, Stream s);
// Selective V (decode): per query head keep the top_k scores (ties: earlier position), softmax over
// the kept ones, read only their V rows. top_k <= 0 or >= seq_len: dense. Scratch:
// selective_scratch_bytes().
size_t selective_scratch_bytes(int rows, int n_q, int max_seq_len);
Status attention_selective(float* out, const float* q, const void* k_cache, const void* v_cache, CacheType type,
                           const int32_t* seq_len, const AttentionShape& shape, int top_k, void* scratch,
                           size_t scratch_bytes, Stream s);

// ---- sampling ------------------------------------------------------------------------------------
// out_token[r] = argmax_v logits[r][v] (ties: lowest id).
Status sample_greedy(int32_t* out_token, const float* logits, int rows, int n_vocab, Stream s);
// Temperature sampling by the Gumbel-max trick: argmax(logits/T - log(-log u)), u from a counter-based
// hash of (seed, counter[0], v); counter is a device value the caller advances per step.
Status sample_temperature(int32_t* out_token, const float* logits, int rows, int n_vocab, float temperature,
                          uint64_t seed, const int32_t* counter, Stream s);

// ---- bandwidth probes (benchmarks) ---------------------------------------------------------------
// Sums n floats into *sink (read-only traffic), for measuring the copy bandwidth of reads alone.
Status read_probe(float* sink, const float* src, size_t n, int sm_count, Stream s);

}  // namespace sigma::cuda
