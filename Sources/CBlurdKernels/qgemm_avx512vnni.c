/* AVX-512 VNNI path: vpdpbusd multiplies 4 u8 activations by 4 s8 weights and adds the four
   products into an int32 lane, exactly (no intermediate saturation).

   Register blocking: a vector holds 16 pixels; for each group of 4 K rows the four 16-byte
   row slices are interleaved into one vector (pixel p's lane = its 4 bytes), then every output
   channel of the group does one vpdpbusd with its 4 weights broadcast from memory. Up to 16
   channels (16 accumulators) share each interleaved activation vector. */
#include "qgemm_paths.h"
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

#define VNNI_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))

VNNI_TARGET static inline __m512i load_quad(const uint8_t *const *rows, size_t p0, __mmask16 mask) {
    const __m128i r0 = _mm_maskz_loadu_epi8(mask, rows[0] + p0);
    const __m128i r1 = _mm_maskz_loadu_epi8(mask, rows[1] + p0);
    const __m128i r2 = _mm_maskz_loadu_epi8(mask, rows[2] + p0);
    const __m128i r3 = _mm_maskz_loadu_epi8(mask, rows[3] + p0);
    const __m128i t0 = _mm_unpacklo_epi8(r0, r1);
    const __m128i t1 = _mm_unpackhi_epi8(r0, r1);
    const __m128i t2 = _mm_unpacklo_epi8(r2, r3);
    const __m128i t3 = _mm_unpackhi_epi8(r2, r3);
    __m512i v = _mm512_castsi128_si512(_mm_unpacklo_epi16(t0, t2));
    v = _mm512_inserti32x4(v, _mm_unpackhi_epi16(t0, t2), 1);
    v = _mm512_inserti32x4(v, _mm_unpacklo_epi16(t1, t3), 2);
    return _mm512_inserti32x4(v, _mm_unpackhi_epi16(t1, t3), 3);
}

VNNI_TARGET static inline void store_block(const blurd_requant *rq, size_t j, size_t p0,
                                           __m512i acc, __mmask16 mask) {
    __m512 t = _mm512_mul_ps(_mm512_cvtepi32_ps(acc), _mm512_set1_ps(rq->mult[j]));
    t = _mm512_add_ps(t, _mm512_set1_ps(rq->bias[j]));
    if (rq->out_u8) {
        t = _mm512_max_ps(t, _mm512_set1_ps((float)rq->lo));
        t = _mm512_min_ps(t, _mm512_set1_ps(255.0f));
        const __m128i q = _mm512_cvtepi32_epi8(_mm512_cvtps_epi32(t));
        _mm_mask_storeu_epi8(rq->out_u8 + j * rq->out_stride + p0, mask, q);
    } else {
        _mm512_mask_storeu_ps(rq->out_f32 + j * rq->out_stride + p0, mask, t);
    }
}

/* 16 pixels x NB channels (j0 ..< j0+NB); NB is a constant at every call site, so the
   accumulators live in registers. */
VNNI_TARGET static inline __attribute__((always_inline)) void
block(const uint8_t *const *a_rows, size_t p0, __mmask16 mask, const blurd_qweights *w,
      size_t j0, const int NB, const blurd_requant *rq) {
    __m512i acc[16];
    for (int i = 0; i < NB; i++)
        acc[i] = _mm512_setzero_si512();
    const int8_t *wj = w->w8 + j0 * w->kp;
    for (size_t k = 0; k < w->kp; k += 4) {
        const __m512i a = load_quad(a_rows + k, p0, mask);
        for (int i = 0; i < NB; i++) {
            int32_t w4;
            memcpy(&w4, wj + (size_t)i * w->kp + k, 4);
            acc[i] = _mm512_dpbusd_epi32(acc[i], a, _mm512_set1_epi32(w4));
        }
    }
    for (int i = 0; i < NB; i++)
        store_block(rq, j0 + (size_t)i, p0, acc[i], mask);
}

VNNI_TARGET static void block_any(const uint8_t *const *a_rows, size_t p0, __mmask16 mask,
                                  const blurd_qweights *w, size_t j0, size_t nb,
                                  const blurd_requant *rq) {
    switch (nb) {
#define CASE(N) case N: block(a_rows, p0, mask, w, j0, N, rq); break;
    CASE(1) CASE(2) CASE(3) CASE(4) CASE(5) CASE(6) CASE(7) CASE(8)
    CASE(9) CASE(10) CASE(11) CASE(12) CASE(13) CASE(14) CASE(15) CASE(16)
#undef CASE
    default: break;
    }
}

VNNI_TARGET void blurd_qgemm_avx512vnni(const uint8_t *const *a_rows, size_t m,
                                        const blurd_qweights *w, const blurd_requant *rq) {
    for (size_t p0 = 0; p0 < m; p0 += 16) {
        const size_t len = m - p0 < 16 ? m - p0 : 16;
        const __mmask16 mask = (__mmask16)((1u << len) - 1u);
        for (size_t j0 = 0; j0 < w->n; j0 += 16)
            block_any(a_rows, p0, mask, w, j0, w->n - j0 < 16 ? w->n - j0 : 16, rq);
    }
}

#else

void blurd_qgemm_avx512vnni(const uint8_t *const *a_rows, size_t m, const blurd_qweights *w,
                            const blurd_requant *rq) {
    blurd_qgemm_scalar(a_rows, m, w, rq);
}

#endif
