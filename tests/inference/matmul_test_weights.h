// Helpers shared by the matmul tests: a weight tensor made from given floats by the reference
// quantiser (with the values it stores), and the list of kernel paths this CPU runs.
// Not a reference implementation: the tests compute their own expected sums.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "inference/core/tensor.h"
#include "inference/ops_matmul.h"
#include "inference/tensor_types.h"

namespace sigma {

struct TestWeight {
    TensorView view;
    std::vector<uint8_t> bytes;
    std::vector<float> values;  // as stored (dequantised back): the exact operand
};

// `src` holds out rows of `in` floats, stored as `type` rows.
inline TestWeight make_test_weight(TensorType type, int64_t in, int64_t out, const std::vector<float>& src) {
    TestWeight w;
    const size_t stride = row_bytes(type, in);
    w.bytes.resize(stride * static_cast<size_t>(out));
    w.values.resize(src.size());
    for (int64_t r = 0; r < out; ++r) {
        EXPECT_TRUE(quantize_row(type, src.data() + r * in, w.bytes.data() + r * stride, in));
        EXPECT_TRUE(dequantize_row(type, w.bytes.data() + r * stride, w.values.data() + r * in, in));
    }
    w.view.name = "w";
    w.view.type = type;
    w.view.n_dims = 2;
    w.view.ne = {in, out, 1, 1};
    w.view.data = w.bytes.data();
    w.view.nbytes = w.bytes.size();
    return w;
}

// Every path the machine runs, listed explicitly so each one is exercised whatever the default is.
inline std::vector<MatmulPath> matmul_paths_here() {
    std::vector<MatmulPath> p;
    for (MatmulPath path : {MatmulPath::Scalar, MatmulPath::Avx2, MatmulPath::Avx512, MatmulPath::Avx512Bf16})
        if (matmul_path_available(path)) p.push_back(path);
    return p;
}

inline const char* matmul_path_name(MatmulPath p) {
    switch (p) {
        case MatmulPath::Scalar: return "scalar";
        case MatmulPath::Avx2: return "avx2";
        case MatmulPath::Avx512: return "avx512";
        case MatmulPath::Avx512Bf16: return "avx512+bf16";
    }
    return "?";
}

}  // namespace sigma
