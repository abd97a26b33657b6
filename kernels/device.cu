// Device query, VRAM estimate, device memory, streams, graphs and event timers behind plain C++
// signatures, plus the fill and bandwidth-probe kernels the tests and benchmarks use.
// Not an allocator: every buffer is one cudaMalloc, owned by whoever asked for it.
#include "kernels/common.cuh"
#include "kernels/cuda_backend.h"

namespace sigma::cuda {

int device_count() {
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess) {
        (void)cudaGetLastError();  // clear the sticky "no driver" error
        return 0;
    }
    return n;
}

Expected<DeviceInfo> device_info(int device) {
    cudaDeviceProp p{};
    cudaCheck(cudaGetDeviceProperties(&p, device));
    DeviceInfo info;
    info.index = device;
    info.name = p.name;
    info.sm_count = p.multiProcessorCount;
    info.cc_major = p.major;
    info.cc_minor = p.minor;
    cudaCheck(cudaSetDevice(device));
    cudaCheck(cudaMemGetInfo(&info.free_bytes, &info.total_bytes));
    return info;
}

Status set_device(int device) {
    cudaCheck(cudaSetDevice(device));
    return {};
}

VramEstimate estimate_vram(const VramInputs& in) {
    VramEstimate e;
    e.weights = in.weight_bytes;
    e.kv_cache = static_cast<size_t>(in.n_layer) * in.n_ctx * in.n_seq * in.kv_width * in.kv_element_bytes;
    const size_t rows = static_cast<size_t>(in.n_batch) * in.n_seq;
    // ~12 activation buffers of the widest row, the logits, attention partials and the matmul tile.
    e.scratch = rows * in.max_row * 4 * 12 + rows * static_cast<size_t>(in.n_vocab) * 4 +
                attention_scratch_bytes(static_cast<int>(rows), 1, in.max_row) +
                matmul_scratch_bytes(in.max_weight_in, in.n_vocab, in.n_batch) + (64u << 20);  // + cuBLAS workspace
    e.total = e.weights + e.kv_cache + e.scratch;
    return e;
}

Expected<void*> device_alloc(size_t bytes) {
    void* p = nullptr;
    const cudaError_t e = cudaMalloc(&p, bytes == 0 ? 1 : bytes);
    if (e != cudaSuccess) {
        (void)cudaGetLastError();
        return make_error(ErrorCode::OutOfMemory,
                          "cudaMalloc of " + std::to_string(bytes) + " bytes failed: " + cudaGetErrorString(e));
    }
    return p;
}

void device_free(void* p) {
    if (p) (void)cudaFree(p);
}

Status copy_to_device(void* dst, const void* src, size_t bytes, Stream s) {
    cudaCheck(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, s));
    if (!s) cudaCheck(cudaStreamSynchronize(s));
    return {};
}

Status copy_to_host(void* dst, const void* src, size_t bytes, Stream s) {
    cudaCheck(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, s));
    cudaCheck(cudaStreamSynchronize(s));
    return {};
}

Status copy_device(void* dst, const void* src, size_t bytes, Stream s) {
    cudaCheck(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, s));
    return {};
}

namespace {

__global__ void fill_f32_kernel(float* dst, float v, size_t n) {
    for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<size_t>(gridDim.x) * blockDim.x)
        dst[i] = v;
}

// splitmix64: a counter-based hash, so every element's value depends only on (seed, index).
__device__ __forceinline__ float hash_uniform(uint64_t seed, uint64_t i) {
    uint64_t z = seed + 0x9e3779b97f4a7c15ull * (i + 1);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return static_cast<float>(z >> 40) * (1.0f / 16777216.0f) * 2.0f - 1.0f;  // [-1, 1)
}

__global__ void random_plain_kernel(void* dst, int kind, int64_t n, float scale, uint64_t seed) {
    for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
        const float v = hash_uniform(seed, static_cast<uint64_t>(i)) * scale;
        if (kind == 0) static_cast<float*>(dst)[i] = v;
        else if (kind == 1) static_cast<__half*>(dst)[i] = __float2half_rn(v);
        else static_cast<__nv_bfloat16*>(dst)[i] = __float2bfloat16_rn(v);
    }
}

// One thread per Q8_0 block: d = amax / 127, q = round(x / d), as the CPU quantiser.
__global__ void random_q8_0_kernel(uint8_t* dst, int64_t n_blocks, float scale, uint64_t seed) {
    for (int64_t b = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; b < n_blocks;
         b += static_cast<int64_t>(gridDim.x) * blockDim.x) {
        float v[detail::kQ8Block];
        float amax = 0.0f;
        for (int j = 0; j < detail::kQ8Block; ++j) {
            v[j] = hash_uniform(seed, static_cast<uint64_t>(b * detail::kQ8Block + j)) * scale;
            amax = fmaxf(amax, fabsf(v[j]));
        }
        const float d = amax / 127.0f;
        const float id = d > 0.0f ? 1.0f / d : 0.0f;
        uint8_t* blk = dst + b * detail::kQ8Bytes;
        const __half dh = __float2half_rn(d);
        const uint16_t bits = __half_as_ushort(dh);
        blk[0] = static_cast<uint8_t>(bits & 0xff);
        blk[1] = static_cast<uint8_t>(bits >> 8);
        for (int j = 0; j < detail::kQ8Block; ++j)
            blk[2 + j] = static_cast<uint8_t>(static_cast<int8_t>(__float2int_rn(v[j] * id)));
    }
}

__global__ void read_probe_kernel(float* sink, const float4* src, size_t n4) {
    float acc = 0.0f;
    for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < n4;
         i += static_cast<size_t>(gridDim.x) * blockDim.x) {
        const float4 v = __ldcs(src + i);
        acc += v.x + v.y + v.z + v.w;
    }
    // A store the compiler cannot remove, taken almost never: keeps the loads alive.
    if (acc == 123456.789f) sink[0] = acc;
}

}  // namespace

Status fill_f32(float* dst, float value, size_t n, Stream s) {
    if (n == 0) return {};
    const int blocks = static_cast<int>(std::min<size_t>((n + 255) / 256, 4096));
    fill_f32_kernel<<<blocks, 256, 0, s>>>(dst, value, n);
    cudaCheckLaunch("fill_f32");
    return {};
}

Status fill_random_weights(void* dst, TensorType type, int64_t n, float scale, uint64_t seed, Stream s) {
    if (n <= 0) return {};
    if (type == TensorType::Q8_0) {
        SIGMA_CUDA_REQUIRE(n % detail::kQ8Block == 0, "fill_random_weights", "Q8_0 needs a multiple of 32 elements");
        const int64_t nb = n / detail::kQ8Block;
        random_q8_0_kernel<<<static_cast<int>(std::min<int64_t>((nb + 255) / 256, 8192)), 256, 0, s>>>(
            static_cast<uint8_t*>(dst), nb, scale, seed);
    } else {
        int kind = -1;
        if (type == TensorType::F32) kind = 0;
        if (type == TensorType::F16) kind = 1;
        if (type == TensorType::BF16) kind = 2;
        SIGMA_CUDA_REQUIRE(kind >= 0, "fill_random_weights", "type must be F32, F16, BF16 or Q8_0");
        random_plain_kernel<<<static_cast<int>(std::min<int64_t>((n + 255) / 256, 8192)), 256, 0, s>>>(dst, kind, n,
                                                                                                       scale, seed);
    }
    cudaCheckLaunch("fill_random_weights");
    return {};
}

Status read_probe(float* sink, const float* src, size_t n, int sm_count, Stream s) {
    SIGMA_CUDA_REQUIRE(n % 4 == 0 && reinterpret_cast<uintptr_t>(src) % 16 == 0, "read_probe",
                       "n must be a multiple of 4 and src 16-byte aligned");
    read_probe_kernel<<<std::max(sm_count, 1) * 8, 512, 0, s>>>(sink, reinterpret_cast<const float4*>(src), n / 4);
    cudaCheckLaunch("read_probe");
    return {};
}

Expected<Stream> stream_create() {
    cudaStream_t s = nullptr;
    cudaCheck(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
    return s;
}

void stream_destroy(Stream s) {
    if (s) (void)cudaStreamDestroy(s);
}

Status stream_sync(Stream s) {
    cudaCheck(cudaStreamSynchronize(s));
    return {};
}

Status device_sync() {
    cudaCheck(cudaDeviceSynchronize());
    return {};
}

Expected<void*> host_alloc_pinned(size_t bytes) {
    void* p = nullptr;
    cudaCheck(cudaMallocHost(&p, bytes == 0 ? 1 : bytes));
    return p;
}

void host_free_pinned(void* p) {
    if (p) (void)cudaFreeHost(p);
}

struct Graph {
    cudaGraph_t graph = nullptr;
    cudaGraphExec_t exec = nullptr;
};

Status graph_begin(Stream s) {
    cudaCheck(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal));
    return {};
}

Expected<Graph*> graph_end(Stream s) {
    cudaGraph_t g = nullptr;
    cudaCheck(cudaStreamEndCapture(s, &g));
    cudaGraphExec_t exec = nullptr;
    const cudaError_t e = cudaGraphInstantiate(&exec, g, 0);
    if (e != cudaSuccess) {
        (void)cudaGraphDestroy(g);
        return detail::cuda_error(e, "cudaGraphInstantiate", __FILE__, __LINE__);
    }
    return new Graph{g, exec};
}

Status graph_launch(Graph* g, Stream s) {
    SIGMA_CUDA_REQUIRE(g != nullptr, "graph_launch", "no graph");
    cudaCheck(cudaGraphLaunch(g->exec, s));
    return {};
}

void graph_destroy(Graph* g) {
    if (!g) return;
    if (g->exec) (void)cudaGraphExecDestroy(g->exec);
    if (g->graph) (void)cudaGraphDestroy(g->graph);
    delete g;
}

struct Timer {
    cudaEvent_t start = nullptr, stop = nullptr;
};

Expected<Timer*> timer_create() {
    auto* t = new Timer;
    if (cudaEventCreate(&t->start) != cudaSuccess || cudaEventCreate(&t->stop) != cudaSuccess) {
        timer_destroy(t);
        return make_error(ErrorCode::Internal, "cudaEventCreate failed");
    }
    return t;
}

Status timer_start(Timer* t, Stream s) {
    cudaCheck(cudaEventRecord(t->start, s));
    return {};
}

Expected<float> timer_stop_ms(Timer* t, Stream s) {
    cudaCheck(cudaEventRecord(t->stop, s));
    cudaCheck(cudaEventSynchronize(t->stop));
    float ms = 0.0f;
    cudaCheck(cudaEventElapsedTime(&ms, t->start, t->stop));
    return ms;
}

void timer_destroy(Timer* t) {
    if (!t) return;
    if (t->start) (void)cudaEventDestroy(t->start);
    if (t->stop) (void)cudaEventDestroy(t->stop);
    delete t;
}

}  // namespace sigma::cuda
