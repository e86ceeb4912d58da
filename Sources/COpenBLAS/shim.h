#ifndef BLURD_COPENBLAS_SHIM_H
#define BLURD_COPENBLAS_SHIM_H
/* pkg-config openblas puts Debian's openblas-pthread include dir on the path. */
#include <cblas.h>
#endif
