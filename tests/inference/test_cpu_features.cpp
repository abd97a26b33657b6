// CPU feature detection: the forced paths of SIGMA_CPU_PATH really cap what kernels may use.
#include <gtest/gtest.h>

#include <cstdlib>

#include "inference/cpu_features.h"
#include "inference/ops_attention_group.h"
#include "inference/ops_matmul.h"

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

// Run by ctest once per forced path (inference.test_cpu_features.scalar|avx2|avx512): the flags, the
// matmul path and the attention path all stay within what SIGMA_CPU_PATH allows.
TEST(CpuFeatures, AForcedPathCapsEveryKernelChoice) {
    const char* env = std::getenv("SIGMA_CPU_PATH");
    const std::string forced = env ? env : "";
    if (forced.empty()) GTEST_SKIP() << "SIGMA_CPU_PATH is not set (ctest runs this once per forced path)";
    const sigma::CpuFeatures& f = sigma::cpu_features();
    using sigma::AttentionPath;
    using sigma::MatmulPath;
    if (forced == "scalar") {
        EXPECT_FALSE(f.avx2 || f.fma || f.f16c || f.avx512f || f.avx512vnni || f.avx512bf16);
        EXPECT_FALSE(f.level_avx2());
        EXPECT_EQ(sigma::matmul_default_path(), MatmulPath::Scalar);
        EXPECT_FALSE(sigma::matmul_path_available(MatmulPath::Avx2));
        EXPECT_EQ(sigma::attention_default_path(), AttentionPath::Scalar);
        EXPECT_FALSE(sigma::attention_path_available(AttentionPath::Avx2));
    } else if (forced == "avx2") {
        EXPECT_FALSE(f.avx512f || f.avx512bw || f.avx512vl || f.avx512vnni || f.avx512bf16);
        EXPECT_FALSE(f.level_avx512f());
        EXPECT_FALSE(sigma::matmul_path_available(MatmulPath::Avx512));
        EXPECT_FALSE(sigma::attention_path_available(AttentionPath::Avx512));
        EXPECT_NE(sigma::attention_default_path(), AttentionPath::Avx512);
        EXPECT_EQ(sigma::attention_path_available(AttentionPath::Avx2), f.level_avx2());
    } else if (forced == "avx512") {
        EXPECT_FALSE(f.avx512bf16);
        EXPECT_FALSE(f.level_avx512_bf16());
        EXPECT_FALSE(sigma::matmul_path_available(MatmulPath::Avx512Bf16));
        EXPECT_NE(sigma::matmul_default_path(), MatmulPath::Avx512Bf16);
    } else {
        ADD_FAILURE() << "unknown SIGMA_CPU_PATH '" << forced << "' (scalar, avx2 or avx512)";
    }
    EXPECT_TRUE(sigma::matmul_path_available(MatmulPath::Scalar));
    EXPECT_TRUE(sigma::matmul_path_available(sigma::matmul_default_path()));
    EXPECT_TRUE(sigma::attention_path_available(AttentionPath::Scalar));
    EXPECT_TRUE(sigma::attention_path_available(sigma::attention_default_path()));
}
