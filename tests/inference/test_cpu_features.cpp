// CPU feature detection: the forced paths of SIGMA_CPU_PATH really cap what kernels may use.
#include <gtest/gtest.h>

#include <cstdlib>

#include "inference/cpu_features.h"

TEST(CpuFeatures, DescribesTheDetectedPath) {
    const std::string s = sigma::cpu_features_string();
    const sigma::CpuFeatures& f = sigma::cpu_features();
    if (f.avx512f && f.avx512bw && f.avx512vl) {
        EXPECT_EQ(s.rfind("avx512", 0), 0u) << s;
    } else if (f.avx2 && f.fma) {
        EXPECT_EQ(s, "avx2");
    } else {
        EXPECT_EQ(s, "scalar");
    }
    const char* forced = std::getenv("SIGMA_CPU_PATH");
    if (forced && std::string(forced) == "scalar") {
        EXPECT_EQ(s, "scalar");
    }
}
