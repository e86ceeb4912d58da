#include "blurd_kernels.h"
#include <string.h>

enum { FRAC_BITS = 7, ONE = 1 << FRAC_BITS };

/* Output index i reads low and low + 1 (clamped), weighting the second by frac / ONE; the
   source coordinate is (i + 0.5) * in / out - 0.5, clamped at 0, as in the fp32 layer. */
static void taps(size_t i, size_t in, size_t out, uint32_t *low, uint32_t *high, uint16_t *frac) {
    double x = ((double)i + 0.5) * (double)in / (double)out - 0.5;
    if (x < 0)
        x = 0;
    size_t lo = (size_t)x;
    if (lo > in - 1)
        lo = in - 1;
    *low = (uint32_t)lo;
    *high = (uint32_t)(lo + 1 < in ? lo + 1 : in - 1);
    *frac = (uint16_t)((x - (double)lo) * ONE + 0.5);
}

/* Scratch layout: column taps (low, high, frac) then two horizontally filtered rows. */
size_t blurd_resize_scratch_bytes(size_t ow) {
    return ow * (2 * sizeof(uint32_t) + sizeof(uint16_t)) + 2 * ow * sizeof(uint16_t);
}

static void filter_row(const uint8_t *row, const uint32_t *xl, const uint32_t *xh,
                       const uint16_t *fx, size_t ow, uint16_t *dst) {
    for (size_t x = 0; x < ow; x++)
        dst[x] = (uint16_t)(row[xl[x]] * (ONE - fx[x]) + row[xh[x]] * fx[x]);
}

void blurd_resize_bilinear_u8(const uint8_t *in, size_t c, size_t h, size_t w,
                              uint8_t *out, size_t oh, size_t ow, void *scratch) {
    if (h == 0 || w == 0 || oh == 0 || ow == 0)
        return;
    uint32_t *xl = (uint32_t *)scratch, *xh = xl + ow;
    uint16_t *fx = (uint16_t *)(xh + ow), *r0 = fx + ow, *r1 = r0 + ow;
    for (size_t x = 0; x < ow; x++)
        taps(x, w, ow, &xl[x], &xh[x], &fx[x]);
    for (size_t ch = 0; ch < c; ch++) {
        const uint8_t *plane = in + ch * h * w;
        size_t have0 = (size_t)-1, have1 = (size_t)-1;
        for (size_t y = 0; y < oh; y++) {
            uint32_t y0, y1;
            uint16_t fy;
            taps(y, h, oh, &y0, &y1, &fy);
            if (have0 != y0) {
                if (have1 == y0) {
                    uint16_t *t = r0; r0 = r1; r1 = t;
                    have0 = y0; have1 = (size_t)-1;
                } else {
                    filter_row(plane + (size_t)y0 * w, xl, xh, fx, ow, r0);
                    have0 = y0;
                }
            }
            if (have1 != y1) {
                filter_row(plane + (size_t)y1 * w, xl, xh, fx, ow, r1);
                have1 = y1;
            }
            uint8_t *dst = out + (ch * oh + y) * ow;
            const uint32_t a = ONE - fy, b = fy;
            for (size_t x = 0; x < ow; x++)
                dst[x] = (uint8_t)((r0[x] * a + r1[x] * b + (1u << (2 * FRAC_BITS - 1))) >> (2 * FRAC_BITS));
        }
    }
}
