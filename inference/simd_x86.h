// The x86 SIMD levels the kernels are compiled for: one target attribute per level, each with the
// same feature list as its run-time check in cpu_features.h, and the horizontal sums the kernels share.
// Not a dispatcher: a kernel compiled for a level runs only where cpu_features() reports that level
// (matmul_path_available, attention_path_available); one binary runs on every x86-64 CPU.
#pragma once

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SIGMA_X86_SIMD 1
#include <immintrin.h>

#include <cstdint>

// Each level includes the ones above it (CpuFeatures::level_*()).
// level_avx2(): AVX2, FMA, F16C. The Avx2 matmul and attention paths.
#define SIGMA_TARGET_AVX2 __attribute__((target("avx2,fma,f16c")))
// level_avx512f(): + AVX-512 F. The Avx512 attention path.
#define SIGMA_TARGET_AVX512F __attribute__((target("avx2,fma,f16c,avx512f")))
// level_avx512_vnni(): + AVX-512 BW, VL, VNNI. The Avx512 matmul path.
#define SIGMA_TARGET_AVX512_VNNI __attribute__((target("avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512vnni")))
// level_avx512_bf16(): + AVX512_BF16. The Avx512Bf16 matmul path.
#define SIGMA_TARGET_AVX512_BF16 \
    __attribute__((target("avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512vnni,avx512bf16")))

namespace sigma {

// Sum of the 8 float lanes: (lo + hi) halves, then pairs, then the last two.
SIGMA_TARGET_AVX2 inline float hsum_ps(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// Sum of the 8 int32 lanes (wrapping, as the lanes' own additions do).
SIGMA_TARGET_AVX2 inline int32_t hsum_epi32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
    return _mm_cvtsi128_si32(s);
}

}  // namespace sigma

#else
#define SIGMA_X86_SIMD 0
#endif
