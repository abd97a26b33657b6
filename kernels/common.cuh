// Shared device helpers: the cudaCheck macros that turn CUDA errors into Status values naming the
// call, file and line, and the f16/bf16/Q8_0 element readers every kernel uses.
// Not a kernel: nothing here launches work.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "inference/core/expected.h"

namespace sigma::cuda::detail {

inline Error cuda_error(cudaError_t e, const char* what, const char* file, int line) {
    return make_error(e == cudaErrorMemoryAllocation ? ErrorCode::OutOfMemory : ErrorCode::Internal,
                      std::string("CUDA error ") + cudaGetErrorName(e) + " (" + cudaGetErrorString(e) + ") in " + what +
                          " at " + file + ":" + std::to_string(line));
}

inline Error bad_shape(const std::string& op, const std::string& why) {
    return make_error(ErrorCode::InvalidArgument, op + ": " + why);
}

}  // namespace sigma::cuda::detail

// Returns an Error from the enclosing function (Status or Expected<T>) when a CUDA call fails.
#define cudaCheck(expr)                                                                         \
    do {                                                                                        \
        const cudaError_t cuda_check_e_ = (expr);                                               \
        if (cuda_check_e_ != cudaSuccess)                                                       \
            return ::sigma::cuda::detail::cuda_error(cuda_check_e_, #expr, __FILE__, __LINE__); \
    } while (0)

// After a launch: reports a bad configuration (grid, shared memory) as an Error.
#define cudaCheckLaunch(name) cudaCheck(cudaGetLastError())

#define SIGMA_CUDA_REQUIRE(cond, op, why)                              \
    do {                                                               \
        if (!(cond)) return ::sigma::cuda::detail::bad_shape(op, why); \
    } while (0)

namespace sigma::cuda::detail {

__device__ __forceinline__ float bf16_bits_to_f32(uint16_t b) {
    return __uint_as_float(static_cast<uint32_t>(b) << 16);
}
__device__ __forceinline__ float f16_bits_to_f32(uint16_t b) { return __half2float(__ushort_as_half(b)); }

constexpr int kQ8Block = 32;
constexpr int kQ8Bytes = 34;  // fp16 scale + 32 int8, as the engine's BlockQ8_0

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}
__device__ __forceinline__ float warp_max(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

inline int ceil_div(int64_t a, int64_t b) { return static_cast<int>((a + b - 1) / b); }

}  // namespace sigma::cuda::detail
