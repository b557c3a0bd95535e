#ifndef CPNG_SHIM_H
#define CPNG_SHIM_H
/* Only libpng's simplified API (png_image_*) is used: it reports errors through return
   values instead of longjmp, which Swift cannot unwind through. */
#include <png.h>
#endif
