/* fp32 3x3 stride-1 convolution: padding, weight packing, dispatch and the scalar reference
   path. Packed weights: blocks of BLURD_SCONV_BLOCK output channels, each [cin][9 taps][block]
   (zeros past cout), so a path broadcasts a block's weights for one tap from consecutive
   floats. */
#include "sconv3x3_paths.h"
#include <string.h>

/* Floats a vector load may read past the last padded row (the AVX2 path's masked tail). */
enum { SLACK = 16 };

static size_t blocks(size_t cout) { return (cout + BLURD_SCONV_BLOCK - 1) / BLURD_SCONV_BLOCK; }

size_t blurd_sconv3x3_padded_floats(const blurd_sconv_shape *s) {
    return s->cin * blurd_sconv_padded_height(s) * blurd_sconv_padded_width(s) + SLACK;
}

void blurd_sconv3x3_pad(const float *in, const blurd_sconv_shape *s, float *padded) {
    const size_t d = s->dil, hp = blurd_sconv_padded_height(s), wp = blurd_sconv_padded_width(s);
    for (size_t c = 0; c < s->cin; c++) {
        float *plane = padded + c * hp * wp;
        memset(plane, 0, d * wp * sizeof(float));
        for (size_t y = 0; y < s->h; y++) {
            float *row = plane + (y + d) * wp;
            memset(row, 0, d * sizeof(float));
            memcpy(row + d, in + (c * s->h + y) * s->w, s->w * sizeof(float));
            memset(row + d + s->w, 0, d * sizeof(float));
        }
        memset(plane + (d + s->h) * wp, 0, d * wp * sizeof(float));
    }
    memset(padded + s->cin * hp * wp, 0, SLACK * sizeof(float));
}

size_t blurd_sconv3x3_packed_floats(const blurd_sconv_shape *s) {
    return blocks(s->cout) * BLURD_SCONV_BLOCK * s->cin * 9;
}

void blurd_sconv3x3_pack(const float *w, const blurd_sconv_shape *s, int adjoint, float *packed) {
    for (size_t b = 0; b < blocks(s->cout); b++) {
        for (size_t i = 0; i < s->cin; i++) {
            for (size_t t = 0; t < 9; t++) {
                for (size_t j = 0; j < BLURD_SCONV_BLOCK; j++) {
                    const size_t o = b * BLURD_SCONV_BLOCK + j;
                    float v = 0;
                    if (o < s->cout) {
                        /* The adjoint reads the forward weight [i][o] at the mirrored tap. */
                        v = adjoint ? w[(i * s->cout + o) * 9 + (8 - t)] : w[(o * s->cin + i) * 9 + t];
                    }
                    packed[((b * s->cin + i) * 9 + t) * BLURD_SCONV_BLOCK + j] = v;
                }
            }
        }
    }
}

void blurd_sconv3x3_rows_scalar(const float *padded, const blurd_sconv_shape *s, const float *packed,
                                const float *bias, int accumulate, float *out, size_t oy0, size_t oy1) {
    const size_t d = s->dil, hp = blurd_sconv_padded_height(s), wp = blurd_sconv_padded_width(s);
    for (size_t o = 0; o < s->cout; o++) {
        const float *wb = packed + (o / BLURD_SCONV_BLOCK) * s->cin * 9 * BLURD_SCONV_BLOCK + o % BLURD_SCONV_BLOCK;
        for (size_t y = oy0; y < oy1 && y < s->h; y++) {
            float *dst = out + (o * s->h + y) * s->w;
            for (size_t x = 0; x < s->w; x++) {
                float sum = accumulate ? dst[x] : (bias ? bias[o] : 0.0f);
                for (size_t i = 0; i < s->cin; i++) {
                    const float *src = padded + (i * hp + y) * wp + x;
                    const float *wi = wb + i * 9 * BLURD_SCONV_BLOCK;
                    for (size_t t = 0; t < 9; t++) {
                        /* Two statements: no contraction into an FMA. */
                        const float product = wi[t * BLURD_SCONV_BLOCK] * src[(t / 3) * d * wp + (t % 3) * d];
                        sum = sum + product;
                    }
                }
                dst[x] = sum;
            }
        }
    }
}

int blurd_sconv3x3_rows_isa(blurd_isa isa, const float *padded, const blurd_sconv_shape *s,
                            const float *packed, const float *bias, int accumulate, float *out,
                            size_t oy0, size_t oy1) {
    if ((int)isa > (int)blurd_detect_isa())
        return -1;
    switch (isa) {
    case BLURD_ISA_AVX512_VNNI:
    case BLURD_ISA_AVX2: blurd_sconv3x3_rows_avx2(padded, s, packed, bias, accumulate, out, oy0, oy1); return 0;
    case BLURD_ISA_SCALAR: blurd_sconv3x3_rows_scalar(padded, s, packed, bias, accumulate, out, oy0, oy1); return 0;
    }
    return -1;
}

void blurd_sconv3x3_rows(const float *padded, const blurd_sconv_shape *s, const float *packed,
                         const float *bias, int accumulate, float *out, size_t oy0, size_t oy1) {
    blurd_sconv3x3_rows_isa(blurd_active_isa(), padded, s, packed, bias, accumulate, out, oy0, oy1);
}

void blurd_sconv3x3_weight_grad_scalar(const float *padded, const blurd_sconv_shape *s, const float *dy,
                                       float *dw, size_t o0, size_t o1) {
    const size_t d = s->dil, hp = blurd_sconv_padded_height(s), wp = blurd_sconv_padded_width(s);
    for (size_t o = o0; o < o1 && o < s->cout; o++) {
        const float *g = dy + o * s->h * s->w;
        for (size_t i = 0; i < s->cin; i++) {
            for (size_t t = 0; t < 9; t++) {
                const float *src = padded + i * hp * wp + (t / 3) * d * wp + (t % 3) * d;
                float sum = 0;
                for (size_t y = 0; y < s->h; y++) {
                    for (size_t x = 0; x < s->w; x++) {
                        const float product = g[y * s->w + x] * src[y * wp + x];
                        sum = sum + product;
                    }
                }
                dw[(o * s->cin + i) * 9 + t] += sum;
            }
        }
    }
}

int blurd_sconv3x3_weight_grad_isa(blurd_isa isa, const float *padded, const blurd_sconv_shape *s,
                                   const float *dy, float *dw, size_t o0, size_t o1) {
    if ((int)isa > (int)blurd_detect_isa())
        return -1;
    switch (isa) {
    case BLURD_ISA_AVX512_VNNI:
    case BLURD_ISA_AVX2: blurd_sconv3x3_weight_grad_avx2(padded, s, dy, dw, o0, o1); return 0;
    case BLURD_ISA_SCALAR: blurd_sconv3x3_weight_grad_scalar(padded, s, dy, dw, o0, o1); return 0;
    }
    return -1;
}

void blurd_sconv3x3_weight_grad(const float *padded, const blurd_sconv_shape *s, const float *dy,
                                float *dw, size_t o0, size_t o1) {
    blurd_sconv3x3_weight_grad_isa(blurd_active_isa(), padded, s, dy, dw, o0, o1);
}
