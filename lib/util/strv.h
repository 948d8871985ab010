/*
 * Lists of owned strings (char **v with a count n): filled from a
 * comma-separated list, released with ags_free_strv (util/secret.h).
 */
#ifndef AGS_UTIL_STRV_H
#define AGS_UTIL_STRV_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Appends the items of the comma-separated list s[0..len) to *v (of *n
 * strings): blanks (space, tab, newline, carriage return) around an item
 * are dropped and empty items skipped; with dedupe, so is an item already
 * in *v.  AGS_E_TOO_BIG when *v would pass max strings, AGS_E_NOMEM; the
 * strings appended before a failure stay in *v.
 */
int ags_strv_split_append(const char *s, size_t len, bool dedupe, size_t max, char ***v, size_t *n);

#endif
