/* The portable reference: every SIMD path must reproduce its output bit for bit. */
#include "qgemm_paths.h"

enum { CHUNK = 64 };

void blurd_qgemm_scalar(const uint8_t *const *a_rows, size_t m, const blurd_qweights *w,
                        const blurd_requant *rq) {
    int32_t acc[CHUNK];
    for (size_t p0 = 0; p0 < m; p0 += CHUNK) {
        const size_t len = m - p0 < CHUNK ? m - p0 : CHUNK;
        for (size_t j = 0; j < w->n; j++) {
            const int8_t *wj = w->w8 + j * w->kp;
            for (size_t p = 0; p < len; p++)
                acc[p] = 0;
            for (size_t k = 0; k < w->kp; k++) {
                const uint8_t *a = a_rows[k] + p0;
                const int32_t wk = wj[k];
                for (size_t p = 0; p < len; p++)
                    acc[p] += (int32_t)a[p] * wk;
            }
            for (size_t p = 0; p < len; p++)
                blurd_requant_one(rq, j, p0 + p, acc[p]);
        }
    }
}
