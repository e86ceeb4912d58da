/* Private: the per-ISA int8 GEMM paths behind blurd_qgemm, and the requantize step they share. */
#ifndef BLURD_QGEMM_PATHS_H
#define BLURD_QGEMM_PATHS_H
#include "blurd_kernels.h"

void blurd_qgemm_scalar(const uint8_t *const *a_rows, size_t m, const blurd_qweights *w,
                        const blurd_requant *rq);
void blurd_qgemm_avx2(const uint8_t *const *a_rows, size_t m, const blurd_qweights *w,
                      const blurd_requant *rq);
void blurd_qgemm_avx512vnni(const uint8_t *const *a_rows, size_t m, const blurd_qweights *w,
                            const blurd_requant *rq);

/* The reference requantize of one accumulator. Mul and add are separate statements so the
   compiler cannot fuse them (FP contraction stays within one expression); 2^23 add/sub rounds
   half to even exactly like cvtps2dq in the default rounding mode, for 0 <= t <= 255. */
static inline void blurd_requant_one(const blurd_requant *rq, size_t j, size_t p, int32_t acc) {
    float t = (float)acc * rq->mult[j];
    t = t + rq->bias[j];
    if (rq->out_u8) {
        const float lo = (float)rq->lo;
        t = t > lo ? t : lo;
        t = t < 255.0f ? t : 255.0f;
        const float magic = 8388608.0f;
        float r = t + magic;
        r = r - magic;
        rq->out_u8[j * rq->out_stride + p] = (uint8_t)r;
    } else {
        rq->out_f32[j * rq->out_stride + p] = t;
    }
}

#endif
