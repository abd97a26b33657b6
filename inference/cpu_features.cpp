// CPU feature detection with GCC/Clang builtins, capped by SIGMA_CPU_PATH.
#include "inference/cpu_features.h"

#include <cstdlib>
#include <cstring>

namespace sigma {

static CpuFeatures detect() {
    CpuFeatures f;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    f.avx2 = __builtin_cpu_supports("avx2");
    f.fma = __builtin_cpu_supports("fma");
    f.f16c = f.avx2;  // every AVX2 CPU this engine targets has F16C
    f.avx512f = __builtin_cpu_supports("avx512f");
    f.avx512bw = __builtin_cpu_supports("avx512bw");
    f.avx512vl = __builtin_cpu_supports("avx512vl");
    f.avx512vnni = __builtin_cpu_supports("avx512vnni");
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
    f.avx512bf16 = __builtin_cpu_supports("avx512bf16");
#endif
#endif
    const char* path = std::getenv("SIGMA_CPU_PATH");
    if (path && std::strcmp(path, "scalar") == 0) {
        f = CpuFeatures{};
    } else if (path && std::strcmp(path, "avx2") == 0) {
        f.avx512f = f.avx512bw = f.avx512vl = f.avx512vnni = f.avx512bf16 = false;
    } else if (path && std::strcmp(path, "avx512") == 0) {
        f.avx512bf16 = false;  // AVX-512 VNNI without the bf16 dot products
    }
    return f;
}

const CpuFeatures& cpu_features() {
    static const CpuFeatures features = detect();
    return features;
}

std::string cpu_features_string() {
    const CpuFeatures& f = cpu_features();
    if (f.avx512f && f.avx512bw && f.avx512vl) {
        std::string s = "avx512";
        if (f.avx512vnni || f.avx512bf16) {
            s += " (";
            if (f.avx512vnni) s += "vnni";
            if (f.avx512vnni && f.avx512bf16) s += ", ";
            if (f.avx512bf16) s += "bf16";
            s += ")";
        }
        return s;
    }
    if (f.avx2 && f.fma) return "avx2";
    return "scalar";
}

}  // namespace sigma
