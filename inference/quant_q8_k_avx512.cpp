// quantize_row_q8_k with AVX-512: the activations of every K-quant matmul, once per token. Each step is
// the reference's own float operation (multiply, then add a signed half, then truncate), with explicit
// rounding so the compiler cannot fuse them, so the bytes, scale and sums are bit-identical.
#include "inference/quant_k.h"
#include "inference/simd_x86.h"

#if SIGMA_X86_SIMD

namespace sigma {

SIGMA_TARGET_AVX512_VNNI void quantize_row_q8_k_avx512(const float* src, BlockQ8_K* dst, int64_t n) {
    constexpr int kRound = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
    const __m512 zero = _mm512_setzero_ps(), half = _mm512_set1_ps(0.5f), minus_half = _mm512_set1_ps(-0.5f);
    const __m512i lo = _mm512_set1_epi32(-127), hi = _mm512_set1_epi32(127);
    for (int64_t b = 0; b < n / kQKBlockSize; ++b) {
        const float* x = src + b * kQKBlockSize;
        __m512 m = _mm512_setzero_ps();
        // max(|x|, m) keeps m where |x| is NaN, as std::max(amax, |x|) does
        for (int i = 0; i < kQKBlockSize; i += 16) m = _mm512_max_ps(_mm512_abs_ps(_mm512_loadu_ps(x + i)), m);
        const float amax = _mm512_reduce_max_ps(m);
        const float id = amax > 0 ? 127.0f / amax : 0.0f;
        dst[b].d = amax / 127.0f;
        const __m512 vid = _mm512_set1_ps(id);
        for (int j = 0; j < kQKBlockSize / 16; ++j) {
            const __m512 v = _mm512_mul_round_ps(_mm512_loadu_ps(x + 16 * j), vid, kRound);
            const __mmask16 non_negative = _mm512_cmp_ps_mask(v, zero, _CMP_GE_OQ);
            const __m512 r = _mm512_add_round_ps(v, _mm512_mask_blend_ps(non_negative, minus_half, half), kRound);
            const __m512i q = _mm512_max_epi32(_mm512_min_epi32(_mm512_cvttps_epi32(r), hi), lo);
            _mm_storeu_si128(reinterpret_cast<__m128i*>(dst[b].qs + 16 * j), _mm512_cvtepi32_epi8(q));
            dst[b].bsums[j] = static_cast<int16_t>(_mm512_reduce_add_epi32(q));
        }
    }
}

}  // namespace sigma

#else

namespace sigma {
// Without x86 intrinsics the AVX-512 path is never available, so this is never called.
void quantize_row_q8_k_avx512(const float* src, BlockQ8_K* dst, int64_t n) { quantize_row_q8_k(src, dst, n); }
}  // namespace sigma

#endif
