/* AVX2 path. vpmaddubsw (u8 x s8 -> saturating s16 pairs) would overflow for full-range s8
   weights (2 x 255 x -128 < -32768), so this path widens both operands to int16 and uses
   vpmaddwd, which sums two exact s16 x s16 products into an int32 lane: full 8-bit weights
   and results identical to VNNI, at one extra zero-extension per activation vector.

   Register blocking: a vector holds 8 pixels; K rows k, k+1 are interleaved so pixel p's
   lane is (a[k][p], a[k+1][p]), then each of up to 12 output channels does one vpmaddwd with
   its weight pair broadcast, and adds into its int32 accumulator. */
#include "qgemm_paths.h"
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX2_TARGET __attribute__((target("avx2,fma")))

enum { MAXNB = 12 };

AVX2_TARGET static inline __m256i load_pair(const uint8_t *const *rows, size_t p0, size_t len) {
    __m128i r0, r1;
    if (len == 8) {
        r0 = _mm_loadl_epi64((const __m128i *)(rows[0] + p0));
        r1 = _mm_loadl_epi64((const __m128i *)(rows[1] + p0));
    } else {
        uint8_t b0[8] = {0}, b1[8] = {0};
        memcpy(b0, rows[0] + p0, len);
        memcpy(b1, rows[1] + p0, len);
        r0 = _mm_loadl_epi64((const __m128i *)b0);
        r1 = _mm_loadl_epi64((const __m128i *)b1);
    }
    return _mm256_cvtepu8_epi16(_mm_unpacklo_epi8(r0, r1));
}

AVX2_TARGET static inline void store_block(const blurd_requant *rq, size_t j, size_t p0,
                                           __m256i acc, size_t len) {
    __m256 t = _mm256_mul_ps(_mm256_cvtepi32_ps(acc), _mm256_set1_ps(rq->mult[j]));
    t = _mm256_add_ps(t, _mm256_set1_ps(rq->bias[j]));
    if (rq->out_u8) {
        t = _mm256_max_ps(t, _mm256_set1_ps((float)rq->lo));
        t = _mm256_min_ps(t, _mm256_set1_ps(255.0f));
        const __m256i q = _mm256_cvtps_epi32(t);
        const __m128i s16 = _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
        const __m128i u8 = _mm_packus_epi16(s16, s16);
        uint8_t *dst = rq->out_u8 + j * rq->out_stride + p0;
        if (len == 8) {
            _mm_storel_epi64((__m128i *)dst, u8);
        } else {
            uint8_t tmp[16];
            _mm_storeu_si128((__m128i *)tmp, u8);
            memcpy(dst, tmp, len);
        }
    } else {
        float *dst = rq->out_f32 + j * rq->out_stride + p0;
        if (len == 8) {
            _mm256_storeu_ps(dst, t);
        } else {
            float tmp[8];
            _mm256_storeu_ps(tmp, t);
            memcpy(dst, tmp, len * sizeof(float));
        }
    }
}

AVX2_TARGET static inline __attribute__((always_inline)) void
block(const uint8_t *const *a_rows, size_t p0, size_t len, const blurd_qweights *w, size_t j0,
      const int NB, const blurd_requant *rq) {
    __m256i acc[MAXNB];
    for (int i = 0; i < NB; i++)
        acc[i] = _mm256_setzero_si256();
    const int16_t *wj = w->w16 + j0 * w->kp;
    for (size_t k = 0; k < w->kp; k += 2) {
        const __m256i a = load_pair(a_rows + k, p0, len);
        for (int i = 0; i < NB; i++) {
            int32_t w2;
            memcpy(&w2, wj + (size_t)i * w->kp + k, 4);
            acc[i] = _mm256_add_epi32(acc[i], _mm256_madd_epi16(a, _mm256_set1_epi32(w2)));
        }
    }
    for (int i = 0; i < NB; i++)
        store_block(rq, j0 + (size_t)i, p0, acc[i], len);
}

AVX2_TARGET static void block_any(const uint8_t *const *a_rows, size_t p0, size_t len,
                                  const blurd_qweights *w, size_t j0, size_t nb,
                                  const blurd_requant *rq) {
    switch (nb) {
#define CASE(N) case N: block(a_rows, p0, len, w, j0, N, rq); break;
    CASE(1) CASE(2) CASE(3) CASE(4) CASE(5) CASE(6) CASE(7) CASE(8) CASE(9) CASE(10) CASE(11) CASE(12)
#undef CASE
    default: break;
    }
}

AVX2_TARGET void blurd_qgemm_avx2(const uint8_t *const *a_rows, size_t m, const blurd_qweights *w,
                                  const blurd_requant *rq) {
    for (size_t p0 = 0; p0 < m; p0 += 8) {
        const size_t len = m - p0 < 8 ? m - p0 : 8;
        for (size_t j0 = 0; j0 < w->n; j0 += MAXNB)
            block_any(a_rows, p0, len, w, j0, w->n - j0 < MAXNB ? w->n - j0 : MAXNB, rq);
    }
}

#else

void blurd_qgemm_avx2(const uint8_t *const *a_rows, size_t m, const blurd_qweights *w,
                      const blurd_requant *rq) {
    blurd_qgemm_scalar(a_rows, m, w, rq);
}

#endif
