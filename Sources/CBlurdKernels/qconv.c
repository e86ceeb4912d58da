/* u8 convolution as an implicit im2col feeding blurd_qgemm, one output row per GEMM call.
   K is ordered (input channel, ky, kx), the order of an [out][in][k][k] weight tensor. */
#include "blurd_kernels.h"
#include <string.h>

static size_t pad_of(const blurd_qconv_shape *s) { return s->dil * (s->k - 1) / 2; }

size_t blurd_qconv_out_size(size_t size, size_t k, size_t stride, size_t dil) {
    const size_t ke = dil * (k - 1) + 1, p = dil * (k - 1) / 2;
    return size + 2 * p < ke ? 0 : (size + 2 * p - ke) / stride + 1;
}

size_t blurd_qconv_padded_bytes(const blurd_qconv_shape *s) {
    const size_t p = pad_of(s);
    return s->c * (s->h + 2 * p) * (s->w + 2 * p);
}

void blurd_qconv_pad(const uint8_t *in, const blurd_qconv_shape *s, uint8_t *padded) {
    const size_t p = pad_of(s), hp = s->h + 2 * p, wp = s->w + 2 * p;
    for (size_t c = 0; c < s->c; c++) {
        uint8_t *plane = padded + c * hp * wp;
        const uint8_t fill = s->pad[c];
        memset(plane, fill, p * wp);
        for (size_t y = 0; y < s->h; y++) {
            uint8_t *row = plane + (y + p) * wp;
            memset(row, fill, p);
            memcpy(row + p, in + (c * s->h + y) * s->w, s->w);
            memset(row + p + s->w, fill, p);
        }
        memset(plane + (p + s->h) * wp, fill, p * wp);
    }
}

/* Scratch layout: kp row pointers, then a zero row (the K padding), then the gathered rows
   (strided layers only). */
static size_t zero_row_bytes(size_t ow) { return (ow + 63) & ~(size_t)63; }

size_t blurd_qconv_row_scratch_bytes(const blurd_qconv_shape *s) {
    const size_t k = s->c * s->k * s->k, kp = blurd_qgemm_kp(k);
    const size_t ow = blurd_qconv_out_size(s->w, s->k, s->stride, s->dil);
    const size_t gathered = s->stride == 1 ? 0 : k * ow;
    return kp * sizeof(const uint8_t *) + zero_row_bytes(ow) + gathered;
}

void blurd_qconv_rows(const uint8_t *padded, const blurd_qconv_shape *s, const blurd_qweights *w,
                      const blurd_requant *rq, size_t oy0, size_t oy1, void *scratch) {
    const size_t p = pad_of(s), hp = s->h + 2 * p, wp = s->w + 2 * p;
    const size_t ow = blurd_qconv_out_size(s->w, s->k, s->stride, s->dil);
    const size_t oh = blurd_qconv_out_size(s->h, s->k, s->stride, s->dil);
    const size_t k = s->c * s->k * s->k;
    const uint8_t **rows = (const uint8_t **)scratch;
    uint8_t *zero = (uint8_t *)scratch + w->kp * sizeof(const uint8_t *);
    uint8_t *gathered = zero + zero_row_bytes(ow);
    memset(zero, 0, zero_row_bytes(ow));
    for (size_t i = k; i < w->kp; i++)
        rows[i] = zero;

    for (size_t oy = oy0; oy < oy1 && oy < oh; oy++) {
        size_t i = 0;
        for (size_t c = 0; c < s->c; c++) {
            for (size_t ky = 0; ky < s->k; ky++) {
                const uint8_t *src = padded + (c * hp + oy * s->stride + ky * s->dil) * wp;
                for (size_t kx = 0; kx < s->k; kx++, i++) {
                    const uint8_t *start = src + kx * s->dil;
                    if (s->stride == 1) {
                        rows[i] = start;
                    } else {
                        uint8_t *dst = gathered + i * ow;
                        if (s->stride == 2) {
                            /* A constant stride lets the compiler vectorize the gather. */
                            for (size_t x = 0; x < ow; x++)
                                dst[x] = start[2 * x];
                        } else {
                            for (size_t x = 0; x < ow; x++)
                                dst[x] = start[x * s->stride];
                        }
                        rows[i] = dst;
                    }
                }
            }
        }
        blurd_requant band = *rq;
        if (band.out_u8)
            band.out_u8 += oy * ow;
        else
            band.out_f32 += oy * ow;
        blurd_qgemm(rows, ow, w, &band);
    }
}
