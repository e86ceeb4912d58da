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

#endif
