#ifndef CZSTD_SHIM_H
#define CZSTD_SHIM_H
/* Zstandard's one-shot decompression, for Zarr chunks written with the zstd codec
   (ome-zarr-py's default since 0.10). */
#include <zstd.h>
#endif
