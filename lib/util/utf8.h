#ifndef AGS_UTIL_UTF8_H
#define AGS_UTIL_UTF8_H
#include <stddef.h>
#include <stdbool.h>
/* Strict UTF-8 validation (no overlongs, no surrogates, <= U+10FFFF).
 * On failure, *bad_off (if non-NULL) receives the offset of the first bad byte. */
bool ags_utf8_valid(const void *p, size_t n, size_t *bad_off);
#endif
