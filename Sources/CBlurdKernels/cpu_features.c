#include "blurd_kernels.h"

blurd_isa blurd_detect_isa(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni"))
        return BLURD_ISA_AVX512_VNNI;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return BLURD_ISA_AVX2;
#endif
    return BLURD_ISA_SCALAR;
}

/* -1 until first use; written with relaxed atomics because every thread computes the same value. */
static int active_isa = -1;

blurd_isa blurd_active_isa(void) {
    int isa = __atomic_load_n(&active_isa, __ATOMIC_RELAXED);
    if (isa < 0) {
        isa = (int)blurd_detect_isa();
        __atomic_store_n(&active_isa, isa, __ATOMIC_RELAXED);
    }
    return (blurd_isa)isa;
}

int blurd_force_isa(blurd_isa isa) {
    if ((int)isa < (int)BLURD_ISA_SCALAR || (int)isa > (int)blurd_detect_isa())
        return -1;
    __atomic_store_n(&active_isa, (int)isa, __ATOMIC_RELAXED);
    return 0;
}
