// CPU instruction-set features, detected once at run time so one binary runs everywhere.
// Not a dispatcher: kernels read these flags (and SIGMA_CPU_PATH) to pick their path.
#pragma once

#include <string>

namespace sigma {

struct CpuFeatures {
    bool avx2 = false;
    bool fma = false;
    bool f16c = false;
    bool avx512f = false;
    bool avx512bw = false;
    bool avx512vl = false;
    bool avx512vnni = false;
    bool avx512bf16 = false;
};

// Detected features, limited by the environment variable SIGMA_CPU_PATH (scalar|avx2|avx512, where
// avx512 leaves out AVX512_BF16), which forces a whole run onto one path.
const CpuFeatures& cpu_features();

// e.g. "avx512 (vnni, bf16)", "avx2", "scalar".
std::string cpu_features_string();

}  // namespace sigma
