#ifndef CTIFF_SHIM_H
#define CTIFF_SHIM_H
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <tiffio.h>

/* TIFFSetField/TIFFGetField are C variadics, which Swift does not import. These
   non-variadic wrappers pass the C type that libtiff's va_arg expects for each tag. */
static inline int ctiff_set_u32(TIFF *t, uint32_t tag, uint32_t v) { return TIFFSetField(t, tag, v); }
static inline int ctiff_set_u16(TIFF *t, uint32_t tag, uint16_t v) { return TIFFSetField(t, tag, (int)v); }
static inline int ctiff_set_double(TIFF *t, uint32_t tag, double v) { return TIFFSetField(t, tag, v); }
static inline int ctiff_set_string(TIFF *t, uint32_t tag, const char *v) { return TIFFSetField(t, tag, v); }
static inline int ctiff_get_u32(TIFF *t, uint32_t tag, uint32_t *v) { return TIFFGetField(t, tag, v); }
static inline int ctiff_get_u16(TIFF *t, uint32_t tag, uint16_t *v) { return TIFFGetField(t, tag, v); }
static inline int ctiff_get_float(TIFF *t, uint32_t tag, float *v) { return TIFFGetField(t, tag, v); }
static inline int ctiff_get_string(TIFF *t, uint32_t tag, const char **v) { return TIFFGetField(t, tag, v); }
static inline int ctiff_get_u16_defaulted(TIFF *t, uint32_t tag, uint16_t *v) { return TIFFGetFieldDefaulted(t, tag, v); }

/* The first error libtiff reports for one open file, kept for the Swift side to read. */
typedef struct { char message[1024]; int hasError; } ctiff_errors;

static inline int ctiff_error_handler(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap) {
    (void)tif;
    ctiff_errors *errors = (ctiff_errors *)user;
    if (errors != NULL && !errors->hasError) {
        int n = 0;
        if (module != NULL) n = snprintf(errors->message, sizeof errors->message, "%s: ", module);
        if (n < 0 || n >= (int)sizeof errors->message) n = 0;
        vsnprintf(errors->message + n, sizeof errors->message - (size_t)n, fmt, ap);
        errors->hasError = 1;
    }
    return 1; /* handled: nothing goes to stderr */
}

static inline int ctiff_ignore_warning(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap) {
    (void)tif; (void)user; (void)module; (void)fmt; (void)ap;
    return 1;
}

/* Opens a file with errors routed into `errors` and warnings silenced. */
static inline TIFF *ctiff_open(const char *path, const char *mode, ctiff_errors *errors) {
    TIFFOpenOptions *options = TIFFOpenOptionsAlloc();
    if (options == NULL) return NULL;
    TIFFOpenOptionsSetErrorHandlerExtR(options, ctiff_error_handler, errors);
    TIFFOpenOptionsSetWarningHandlerExtR(options, ctiff_ignore_warning, NULL);
    TIFF *tif = TIFFOpenExt(path, mode, options);
    TIFFOpenOptionsFree(options);
    return tif;
}
#endif
