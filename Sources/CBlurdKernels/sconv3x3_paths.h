/* Private: the per-ISA paths behind blurd_sconv3x3_rows. */
#ifndef BLURD_SCONV3X3_PATHS_H
#define BLURD_SCONV3X3_PATHS_H
#include "blurd_kernels.h"

/* Output channels per packed weight block (the AVX2 path's register blocking). */
enum { BLURD_SCONV_BLOCK = 6 };

/* Width of the padded planes and rows: w + 2d, h + 2d. */
static inline size_t blurd_sconv_padded_width(const blurd_sconv_shape *s) { return s->w + 2 * s->dil; }
static inline size_t blurd_sconv_padded_height(const blurd_sconv_shape *s) { return s->h + 2 * s->dil; }

void blurd_sconv3x3_rows_scalar(const float *padded, const blurd_sconv_shape *s, const float *packed,
                                const float *bias, int accumulate, float *out, size_t oy0, size_t oy1);
void blurd_sconv3x3_rows_avx2(const float *padded, const blurd_sconv_shape *s, const float *packed,
                              const float *bias, int accumulate, float *out, size_t oy0, size_t oy1);
void blurd_sconv3x3_weight_grad_scalar(const float *padded, const blurd_sconv_shape *s, const float *dy,
                                       float *dw, size_t o0, size_t o1);
void blurd_sconv3x3_weight_grad_avx2(const float *padded, const blurd_sconv_shape *s, const float *dy,
                                     float *dw, size_t o0, size_t o1);

#endif
