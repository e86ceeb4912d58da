#include "blurd_kernels.h"

/* Source coordinate of output index i: (i + 0.5) * in / out - 0.5, clamped at the edges. */
static void taps(size_t i, size_t in, size_t out, size_t *i0, size_t *i1, float *frac) {
    float x = ((float)i + 0.5f) * (float)in / (float)out - 0.5f;
    if (x < 0)
        x = 0;
    size_t lo = (size_t)x;
    if (lo >= in - 1) {
        *i0 = *i1 = in - 1;
        *frac = 0;
        return;
    }
    *i0 = lo;
    *i1 = lo + 1;
    *frac = x - (float)lo;
}

void blurd_resize_bilinear_u8(const uint8_t *in, size_t c, size_t h, size_t w,
                              uint8_t *out, size_t oh, size_t ow) {
    if (h == 0 || w == 0)
        return;
    for (size_t y = 0; y < oh; y++) {
        size_t y0, y1;
        float fy;
        taps(y, h, oh, &y0, &y1, &fy);
        for (size_t x = 0; x < ow; x++) {
            size_t x0, x1;
            float fx;
            taps(x, w, ow, &x0, &x1, &fx);
            for (size_t ch = 0; ch < c; ch++) {
                const uint8_t *plane = in + ch * h * w;
                const float top = plane[y0 * w + x0] + fx * (float)(plane[y0 * w + x1] - plane[y0 * w + x0]);
                const float bot = plane[y1 * w + x0] + fx * (float)(plane[y1 * w + x1] - plane[y1 * w + x0]);
                const float v = top + fy * (bot - top);
                out[(ch * oh + y) * ow + x] = (uint8_t)(v + 0.5f);
            }
        }
    }
}
