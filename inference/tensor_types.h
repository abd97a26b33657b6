// Tensor type traits (block size, bytes per block) and the plain reference conversions:
// fp16/bf16 <-> fp32, and row dequantisation/quantisation for each supported type.
// Not the fast kernels: these are the readable oracles every SIMD and CUDA path is tested against.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "inference/core/tensor.h"

namespace sigma {

struct TypeTraits {
    const char* name;    // ggml's spelling: "f32", "q8_0", ...
    int block_size;      // elements per block
    size_t block_bytes;  // bytes per block
};

// Traits of a ggml type id this engine knows; nullopt for ids it does not.
std::optional<TypeTraits> type_traits(TensorType type);
const char* type_name(TensorType type);  // "unknown" for ids it does not know
// Bytes of one row of `n` elements (n must be a multiple of the block size).
size_t row_bytes(TensorType type, int64_t n);
// True when the forward pass can compute with this type.
bool type_is_supported_for_compute(TensorType type);

// Scalar conversions (IEEE binary16 with round-to-nearest-even; bf16 rounds to nearest even, keeps NaN).
float fp16_to_fp32(uint16_t h);
uint16_t fp32_to_fp16(float f);
float bf16_to_fp32(uint16_t h);
uint16_t fp32_to_bf16(float f);

// Q8_0: 32 int8 values with one fp16 scale. Layout identical to ggml's block_q8_0.
constexpr int kQ8_0BlockSize = 32;
struct BlockQ8_0 {
    uint16_t d;  // fp16 scale
    int8_t qs[kQ8_0BlockSize];
};
static_assert(sizeof(BlockQ8_0) == 34, "block_q8_0 must be 34 bytes");

// Reference row conversions. `n` elements; `n` must be a multiple of the type's block size.
// Returns false, converting nothing, for a type without a reference (the caller reports Unsupported)
// or when n is not a whole number of blocks.
bool dequantize_row(TensorType type, const void* src, float* dst, int64_t n);
bool quantize_row(TensorType type, const float* src, void* dst, int64_t n);

}  // namespace sigma
