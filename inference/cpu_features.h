// CPU instruction-set features, detected once at run time so one binary runs everywhere, and the
// levels the x86 kernels are compiled for (simd_x86.h).
// Not a dispatcher: kernels read these (capped by SIGMA_CPU_PATH) to pick their path.
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

    // The instruction-set levels the kernels are compiled for. Each has one target attribute in
    // simd_x86.h with exactly these features, and each includes the levels before it.
    bool level_avx2() const { return avx2 && fma && f16c; }         // SIGMA_TARGET_AVX2
    bool level_avx512f() const { return level_avx2() && avx512f; }  // SIGMA_TARGET_AVX512F
    bool level_avx512_vnni() const {                                // SIGMA_TARGET_AVX512_VNNI
        return level_avx512f() && avx512bw && avx512vl && avx512vnni;
    }
    bool level_avx512_bf16() const { return level_avx512_vnni() && avx512bf16; }  // SIGMA_TARGET_AVX512_BF16
};

// Detected features, limited by the environment variable SIGMA_CPU_PATH (scalar|avx2|avx512, where
// avx512 leaves out AVX512_BF16), which forces a whole run onto one path.
const CpuFeatures& cpu_features();

// e.g. "avx512 (vnni, bf16)", "avx2", "scalar".
std::string cpu_features_string();

}  // namespace sigma
