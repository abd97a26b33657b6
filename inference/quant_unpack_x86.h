// Byte unpacking of quantised weight blocks shared by the x86 kernels (AVX2 registers; the AVX-512
// kernels call them too, since their targets include AVX2).
// Not a kernel: each helper turns packed bits into one byte per weight and nothing more.
#pragma once

#include <cstdint>

#include "inference/simd_x86.h"

#if SIGMA_X86_SIMD

namespace sigma {

// Half h of a Q6_K block (weights 128h .. 128h+127) as q in 0..63, one byte each:
// out[k] holds weights 128h + 32k .. +31.
SIGMA_TARGET_AVX2 inline void q6_k_unpack_half(const uint8_t* ql, const uint8_t* qh, __m256i out[4]) {
    const __m256i low = _mm256_set1_epi8(0xF), three = _mm256_set1_epi8(3);
    const __m256i ql0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ql));
    const __m256i ql1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ql + 32));
    const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(qh));
    out[0] = _mm256_or_si256(_mm256_and_si256(ql0, low), _mm256_slli_epi16(_mm256_and_si256(h, three), 4));
    out[1] = _mm256_or_si256(_mm256_and_si256(ql1, low),
                             _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h, 2), three), 4));
    out[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), low),
                             _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h, 4), three), 4));
    out[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql1, 4), low),
                             _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h, 6), three), 4));
}

}  // namespace sigma

#endif
