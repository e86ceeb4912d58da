/* AVX2 + FMA path of the fp32 3x3 stride-1 convolution.

   Register blocking: a chunk of up to 16 output pixels of one row (NV = 1 or 2 vectors of 8)
   times a block of 6 output channels is 12 accumulators (FMA latency x 2 ports needs 10 in
   flight), plus 2 inputs and a broadcast weight: 15 of the 16 ymm registers (4 x 3 would
   need all 16 and spills). For each input channel and tap the chunk's inputs are NV
   unaligned loads from the padded plane (the zero border means no bounds checks), each
   multiplied by the tap's 6 broadcast weights: 12 FMAs for 8 loads. The last block of a
   layer runs only its real channels (NCO is a compile-time constant of each variant). The
   last vector of a row is stored through a mask; its loads may run into the next row or the
   slack after the plane, lanes no result uses. */
#include "sconv3x3_paths.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX2_TARGET __attribute__((target("avx2,fma")))

/* One chunk: `in` is the padded input at (row y, column x0) of input channel 0, `out` the
   output at (y, x0) of the block's first channel. `tail` masks the last vector's lanes. */
AVX2_TARGET static inline __attribute__((always_inline)) void chunk(
    const int nv, const int nco, const float *in, size_t plane, size_t cin, const ptrdiff_t *off, const float *wb,
    float *out, size_t out_plane, const float *bias, int accumulate, __m256i tail) {
    __m256 acc[BLURD_SCONV_BLOCK][2];
    for (int j = 0; j < nco; j++) {
        for (int v = 0; v < nv; v++) {
            if (accumulate) {
                const float *src = out + j * out_plane + 8 * v;
                acc[j][v] = v == nv - 1 ? _mm256_maskload_ps(src, tail) : _mm256_loadu_ps(src);
            } else {
                acc[j][v] = _mm256_set1_ps(bias ? bias[j] : 0.0f);
            }
        }
    }
    for (size_t i = 0; i < cin; i++) {
        const float *src = in + i * plane;
        const float *wi = wb + i * 9 * BLURD_SCONV_BLOCK;
        for (int t = 0; t < 9; t++) {
            __m256 x[2];
            for (int v = 0; v < nv; v++)
                x[v] = _mm256_loadu_ps(src + off[t] + 8 * v);
            for (int j = 0; j < nco; j++) {
                const __m256 wv = _mm256_broadcast_ss(wi + t * BLURD_SCONV_BLOCK + j);
                for (int v = 0; v < nv; v++)
                    acc[j][v] = _mm256_fmadd_ps(x[v], wv, acc[j][v]);
            }
        }
    }
    for (int j = 0; j < nco; j++) {
        for (int v = 0; v < nv; v++) {
            float *dst = out + j * out_plane + 8 * v;
            if (v == nv - 1)
                _mm256_maskstore_ps(dst, tail, acc[j][v]);
            else
                _mm256_storeu_ps(dst, acc[j][v]);
        }
    }
}

AVX2_TARGET void blurd_sconv3x3_rows_avx2(const float *padded, const blurd_sconv_shape *s, const float *packed,
                                          const float *bias, int accumulate, float *out, size_t oy0, size_t oy1) {
    const size_t d = s->dil, wp = blurd_sconv_padded_width(s);
    const size_t plane = blurd_sconv_padded_height(s) * wp, out_plane = s->h * s->w;
    ptrdiff_t off[9];
    for (int t = 0; t < 9; t++)
        off[t] = (ptrdiff_t)((t / 3) * d * wp + (t % 3) * d);
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    /* Rows outermost: one row band of every input channel (3 rows each) stays in cache while
       every output-channel block reads it. */
    for (size_t y = oy0; y < oy1 && y < s->h; y++) {
        for (size_t o = 0; o < s->cout; o += BLURD_SCONV_BLOCK) {
            const size_t nco = s->cout - o < BLURD_SCONV_BLOCK ? s->cout - o : BLURD_SCONV_BLOCK;
            const float *wb = packed + (o / BLURD_SCONV_BLOCK) * s->cin * 9 * BLURD_SCONV_BLOCK;
            const float *b = bias ? bias + o : NULL;
            for (size_t x0 = 0; x0 < s->w; x0 += 16) {
                const size_t len = s->w - x0 < 16 ? s->w - x0 : 16;
                const int nv = len > 8 ? 2 : 1;
                const __m256i tail = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(len - 8 * (nv - 1))), lanes);
                const float *src = padded + y * wp + x0;
                float *dst = out + (o * s->h + y) * s->w + x0;
#define CHUNK(NV, NCO) chunk(NV, NCO, src, plane, s->cin, off, wb, dst, out_plane, b, accumulate, tail)
#define CHUNKS(NCO) (nv == 2 ? CHUNK(2, NCO) : CHUNK(1, NCO))
                switch (nco) {
                case 6: CHUNKS(6); break;
                case 5: CHUNKS(5); break;
                case 4: CHUNKS(4); break;
                case 3: CHUNKS(3); break;
                case 2: CHUNKS(2); break;
                default: CHUNKS(1); break;
                }
#undef CHUNKS
#undef CHUNK
            }
        }
    }
}

/* Weight gradient: for a block of up to 3 output channels, one input channel and one kernel
   row ky, the 3 taps kx are 9 accumulators of dy[o] * in[i] products over the whole plane
   (3 input loads + 3 dy loads per 9 FMAs, 13 registers), summed across lanes at the end. The
   last vector of a row loads dy through a mask, so the input lanes past the row (finite
   values of the padded plane or its slack) are multiplied by zero. */
enum { WG_BLOCK = 3 };

AVX2_TARGET static inline __attribute__((always_inline)) float hsum(__m256 v) {
    __m128 x = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    x = _mm_add_ps(x, _mm_movehl_ps(x, x));
    x = _mm_add_ss(x, _mm_movehdup_ps(x));
    return _mm_cvtss_f32(x);
}

/* `src` is the padded input at (row ky*d, column 0) of channel i, `g` dy at channel o, `dw`
   the gradient at [o][i][ky][0]. */
AVX2_TARGET static inline __attribute__((always_inline)) void weight_grad_block(
    const int nco, const float *src, size_t wp, size_t d, const float *g, size_t h, size_t w,
    float *dw, size_t dw_stride, __m256i tail) {
    __m256 acc[WG_BLOCK][3];
    for (int j = 0; j < nco; j++)
        for (int k = 0; k < 3; k++)
            acc[j][k] = _mm256_setzero_ps();
    const size_t plane = h * w;
    const size_t whole = w & ~(size_t)7;
    for (size_t y = 0; y < h; y++) {
        const float *row = src + y * wp, *grow = g + y * w;
        size_t x0 = 0;
#define WG_STEP(LOAD_G)                                                    \
        do {                                                               \
            __m256 x[3];                                                   \
            for (int k = 0; k < 3; k++)                                    \
                x[k] = _mm256_loadu_ps(row + x0 + k * d);                  \
            for (int j = 0; j < nco; j++) {                                \
                const float *gj = grow + j * plane + x0;                   \
                const __m256 gv = LOAD_G;                                  \
                for (int k = 0; k < 3; k++)                                \
                    acc[j][k] = _mm256_fmadd_ps(gv, x[k], acc[j][k]);      \
            }                                                              \
        } while (0)
        for (; x0 < whole; x0 += 8)
            WG_STEP(_mm256_loadu_ps(gj));
        if (x0 < w)
            WG_STEP(_mm256_maskload_ps(gj, tail));
#undef WG_STEP
    }
    for (int j = 0; j < nco; j++)
        for (int k = 0; k < 3; k++)
            dw[j * dw_stride + k] += hsum(acc[j][k]);
}

AVX2_TARGET void blurd_sconv3x3_weight_grad_avx2(const float *padded, const blurd_sconv_shape *s, const float *dy,
                                                 float *dw, size_t o0, size_t o1) {
    const size_t d = s->dil, wp = blurd_sconv_padded_width(s), hp = blurd_sconv_padded_height(s);
    const size_t plane = s->h * s->w;
    const int rem = (int)(s->w % 8 == 0 ? 8 : s->w % 8);
    const __m256i tail = _mm256_cmpgt_epi32(_mm256_set1_epi32(rem), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    if (o1 > s->cout)
        o1 = s->cout;
    for (size_t o = o0; o < o1; o += WG_BLOCK) {
        const size_t nco = o1 - o < WG_BLOCK ? o1 - o : WG_BLOCK;
        for (size_t i = 0; i < s->cin; i++) {
            for (size_t ky = 0; ky < 3; ky++) {
                const float *src = padded + i * hp * wp + ky * d * wp;
                float *w = dw + (o * s->cin + i) * 9 + ky * 3;
                const float *g = dy + o * plane;
                switch (nco) {
                case 3: weight_grad_block(3, src, wp, d, g, s->h, s->w, w, s->cin * 9, tail); break;
                case 2: weight_grad_block(2, src, wp, d, g, s->h, s->w, w, s->cin * 9, tail); break;
                default: weight_grad_block(1, src, wp, d, g, s->h, s->w, w, s->cin * 9, tail); break;
                }
            }
        }
    }
}

#else

void blurd_sconv3x3_rows_avx2(const float *padded, const blurd_sconv_shape *s, const float *packed,
                              const float *bias, int accumulate, float *out, size_t oy0, size_t oy1) {
    blurd_sconv3x3_rows_scalar(padded, s, packed, bias, accumulate, out, oy0, oy1);
}

void blurd_sconv3x3_weight_grad_avx2(const float *padded, const blurd_sconv_shape *s, const float *dy,
                                     float *dw, size_t o0, size_t o1) {
    blurd_sconv3x3_weight_grad_scalar(padded, s, dy, dw, o0, o1);
}

#endif
