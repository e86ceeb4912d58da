#include "qgemm_paths.h"
#include <string.h>

size_t blurd_qgemm_kp(size_t k) { return (k + 3) & ~(size_t)3; }

void blurd_qweights_pack(const int8_t *w, size_t n, size_t k, int8_t *w8, int16_t *w16) {
    const size_t kp = blurd_qgemm_kp(k);
    for (size_t j = 0; j < n; j++) {
        for (size_t i = 0; i < kp; i++) {
            const int8_t v = i < k ? w[j * k + i] : 0;
            w8[j * kp + i] = v;
            w16[j * kp + i] = v;
        }
    }
}

int blurd_qgemm_isa(blurd_isa isa, const uint8_t *const *a_rows, size_t m,
                    const blurd_qweights *w, const blurd_requant *rq) {
    if ((int)isa > (int)blurd_detect_isa())
        return -1;
    switch (isa) {
    case BLURD_ISA_AVX512_VNNI: blurd_qgemm_avx512vnni(a_rows, m, w, rq); return 0;
    case BLURD_ISA_AVX2: blurd_qgemm_avx2(a_rows, m, w, rq); return 0;
    case BLURD_ISA_SCALAR: blurd_qgemm_scalar(a_rows, m, w, rq); return 0;
    }
    return -1;
}

void blurd_qgemm(const uint8_t *const *a_rows, size_t m, const blurd_qweights *w,
                 const blurd_requant *rq) {
    blurd_qgemm_isa(blurd_active_isa(), a_rows, m, w, rq);
}
