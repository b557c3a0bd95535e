#ifndef CFFTW_SHIM_H
#define CFFTW_SHIM_H
/* <complex.h> is deliberately not included: fftwf_complex then imports as (Float, Float). */
#include <fftw3.h>
#endif
