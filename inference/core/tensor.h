// Tensor types and read-only tensor views over mmapped model data.
// Not an ndarray library: a view is a typed pointer plus a ggml-order shape, nothing more.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace sigma {

// ggml's type ids. Stored on disk (GGUF tensor infos): never renumber.
enum class TensorType : uint32_t {
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q4_1 = 3,
    Q5_0 = 6,
    Q5_1 = 7,
    Q8_0 = 8,
    Q8_1 = 9,
    Q2_K = 10,
    Q3_K = 11,
    Q4_K = 12,
    Q5_K = 13,
    Q6_K = 14,
    Q8_K = 15,
    BF16 = 30,
};

// A read-only view of one tensor. Shape in ggml order: ne[0] is the contiguous (row) dimension,
// so a linear layer in->out has ne = {in, out} and `out` rows of `in` elements each.
struct TensorView {
    std::string name;
    TensorType type = TensorType::F32;
    int n_dims = 0;
    std::array<int64_t, 4> ne{1, 1, 1, 1};
    const void* data = nullptr;  // points into the mmapped file (or an owned buffer)
    size_t nbytes = 0;

    int64_t rows() const { return ne[1] * ne[2] * ne[3]; }
    int64_t row_length() const { return ne[0]; }
    int64_t elements() const { return ne[0] * ne[1] * ne[2] * ne[3]; }
};

}  // namespace sigma
