#ifndef CBLOSC_SHIM_H
#define CBLOSC_SHIM_H
/* Only the context functions (blosc_compress_ctx, blosc_decompress_ctx) are used: they need
   no global initialisation and are safe to call from several threads at once. */
#include <blosc.h>
#endif
