#ifndef BLURD_KERNELS_H
#define BLURD_KERNELS_H
#include <stdint.h>
#include <stddef.h>

/* Instruction-set levels a kernel can be compiled for, chosen once at run time. */
typedef enum {
    BLURD_ISA_SCALAR = 0,
    BLURD_ISA_AVX2 = 1,
    BLURD_ISA_AVX512_VNNI = 2
} blurd_isa;

/* The best level this CPU supports. */
blurd_isa blurd_detect_isa(void);

/* The level the dispatching kernels use (blurd_detect_isa() unless forced). */
blurd_isa blurd_active_isa(void);

/* Forces the level the dispatching kernels use (tests, benchmarks).
   Returns 0, or -1 (and changes nothing) if this CPU does not support `isa`. */
int blurd_force_isa(blurd_isa isa);

/* ---- int8 GEMM: u8 activations x s8 weights, int32 accumulation, fused requantize ----

   C[j][p] = sum_k A[k][p] * W[j][k] for output channel j < n and pixel p < m, where row k of A
   is m contiguous u8 values at a_rows[k] (rows are given by pointer so a stride-1 convolution
   can point straight into its padded input: an implicit im2col). K is padded to a multiple of
   4 (the VNNI dot-product width); padding rows must point at zeros.

   Requantize, per output channel j:  t = (float)C * mult[j];  t = t + bias[j]  (two roundings,
   never an FMA, so every path rounds alike). u8 output: clamp t to [lo, 255], round half to
   even. f32 output: t as is. */

/* K rounded up to the dot-product width (4). */
size_t blurd_qgemm_kp(size_t k);

/* Weights packed once at load, for every path. */
typedef struct {
    size_t n;          /* output channels */
    size_t kp;         /* padded K */
    const int8_t *w8;  /* [n][kp], zero-padded: scalar and VNNI paths */
    const int16_t *w16;/* [n][kp], the same values widened: AVX2 path (vpmaddwd) */
} blurd_qweights;

/* Copies row-major s8 weights w[n][k] into w8[n][kp] and w16[n][kp], zero-padding K. */
void blurd_qweights_pack(const int8_t *w, size_t n, size_t k, int8_t *w8, int16_t *w16);

/* Exactly one of out_u8 / out_f32 is non-NULL; output channel j starts at out + j*out_stride. */
typedef struct {
    const float *mult;  /* [n] */
    const float *bias;  /* [n] */
    int32_t lo;         /* u8 lower clamp: the output zero point for ReLU, else 0 */
    uint8_t *out_u8;
    float *out_f32;
    size_t out_stride;
} blurd_requant;

/* Dispatching GEMM (blurd_active_isa()). */
void blurd_qgemm(const uint8_t *const *a_rows, size_t m, const blurd_qweights *w,
                 const blurd_requant *rq);

/* The same on an explicit path; returns -1 if this CPU does not support `isa`. */
int blurd_qgemm_isa(blurd_isa isa, const uint8_t *const *a_rows, size_t m,
                    const blurd_qweights *w, const blurd_requant *rq);

/* ---- u8 convolution on planar (CHW) tensors, "same" padding ----
   Split in two so threads can share one padded input and each run a band of output rows. */

typedef struct {
    size_t c, h, w;          /* input */
    size_t k, stride, dil;   /* square kernel */
    const uint8_t *pad;      /* [c] value used outside the image, per input channel (its zero point) */
} blurd_qconv_shape;

/* Output height or width: (size + 2p - d(k-1) - 1) / s + 1 with p = d(k-1)/2. */
size_t blurd_qconv_out_size(size_t size, size_t k, size_t stride, size_t dil);

/* Bytes of the padded input: c * (h + 2p) * (w + 2p). */
size_t blurd_qconv_padded_bytes(const blurd_qconv_shape *s);

/* Copies input [c][h][w] into `padded`, filling the border of channel i with s->pad[i]. */
void blurd_qconv_pad(const uint8_t *in, const blurd_qconv_shape *s, uint8_t *padded);

/* Scratch bytes one blurd_qconv_rows call needs (row pointers, a zero row, gathered rows). */
size_t blurd_qconv_row_scratch_bytes(const blurd_qconv_shape *s);

/* Output rows [oy0, oy1) of one convolution: weights packed with K ordered (c, ky, kx), output
   [n][oh][ow] through `rq` (whose out pointer is the start of the whole output, out_stride
   must be oh*ow). Stride-1 layers read the padded input in place; others gather each row. */
void blurd_qconv_rows(const uint8_t *padded, const blurd_qconv_shape *s, const blurd_qweights *w,
                      const blurd_requant *rq, size_t oy0, size_t oy1, void *scratch);

/* ---- fp32 3x3 stride-1 convolution on planar (CHW) tensors, "same" padding ----
   out[o][y][x] = init + sum over i, ky, kx of W[o][i][ky][kx] * in[i][y + (ky-1)d][x + (kx-1)d],
   zero outside the image. A direct convolution (no im2col): output pixels along x in vectors,
   a block of output channels in registers. Split like the u8 convolution so threads can share
   one padded input and packed weights and each run a band of output rows. */

typedef struct {
    size_t cin, cout;  /* input and output channels */
    size_t h, w;       /* input and output size */
    size_t dil;        /* dilation, also the zero border */
} blurd_sconv_shape;

/* Floats of the padded input: cin * (h + 2d) * (w + 2d), plus slack the vector loads of the
   last row may read (never used in a result). */
size_t blurd_sconv3x3_padded_floats(const blurd_sconv_shape *s);

/* Copies input [cin][h][w] into `padded` with a zero border of d (and zeroes the slack). */
void blurd_sconv3x3_pad(const float *in, const blurd_sconv_shape *s, float *padded);

/* Floats of the packed weights: cout rounded up to the output-channel block, times cin * 9. */
size_t blurd_sconv3x3_packed_floats(const blurd_sconv_shape *s);

/* Packs the weights of the convolution `s` describes. adjoint == 0: `w` is [cout][cin][3][3].
   adjoint != 0: `w` is the weight [cin][cout][3][3] of the forward convolution whose input
   gradient this one computes (dX = conv(dY, W transposed and flipped), same dilation): s->cin
   is that layer's output channels, s->cout its input channels. */
void blurd_sconv3x3_pack(const float *w, const blurd_sconv_shape *s, int adjoint, float *packed);

/* Output rows [oy0, oy1) of out [cout][h][w]. Each output starts from out's current value when
   `accumulate` is non-zero, else from bias[o] (0 when bias is NULL). */
void blurd_sconv3x3_rows(const float *padded, const blurd_sconv_shape *s, const float *packed,
                         const float *bias, int accumulate, float *out, size_t oy0, size_t oy1);

/* The same on an explicit path (AVX-512 runs the AVX2 path); returns -1 if this CPU does not
   support `isa`. The scalar path sums in the same order without FMA. */
int blurd_sconv3x3_rows_isa(blurd_isa isa, const float *padded, const blurd_sconv_shape *s,
                            const float *packed, const float *bias, int accumulate, float *out,
                            size_t oy0, size_t oy1);

/* Adds this convolution's weight gradient for output channels [o0, o1) (threads split them):
   dw[o][i][ky][kx] += sum over y, x of dy[o][y][x] * in[i][y + (ky-1)d][x + (kx-1)d], from the
   padded input (blurd_sconv3x3_pad) and dy [cout][h][w]; dw is [cout][cin][3][3]. */
void blurd_sconv3x3_weight_grad(const float *padded, const blurd_sconv_shape *s, const float *dy,
                                float *dw, size_t o0, size_t o1);

/* The same on an explicit path; returns -1 if this CPU does not support `isa`. */
int blurd_sconv3x3_weight_grad_isa(blurd_isa isa, const float *padded, const blurd_sconv_shape *s,
                                   const float *dy, float *dw, size_t o0, size_t o1);

/* ---- other u8 layers ---- */

/* Scratch bytes blurd_resize_bilinear_u8 needs for an output width. */
size_t blurd_resize_scratch_bytes(size_t ow);

/* Bilinear resize with half-pixel centres (source clamped at the border, as the fp32 layer),
   each of `c` planes. Separable, in 7-bit fixed point: weights are multiples of 1/128 and the
   result is rounded half up. `scratch` is blurd_resize_scratch_bytes(ow) long. */
void blurd_resize_bilinear_u8(const uint8_t *in, size_t c, size_t h, size_t w,
                              uint8_t *out, size_t oh, size_t ow, void *scratch);

#endif
