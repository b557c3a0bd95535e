#ifndef CDNNL_SHIM_H
#define CDNNL_SHIM_H
#include <oneapi/dnnl/dnnl.h>
/* Debian's oneDNN runs on OpenMP (libgomp); these set and read the calling thread's team size. */
void omp_set_num_threads(int threads);
int omp_get_max_threads(void);
#endif
