/* Growing arrays and NULL-terminated string vectors of lib/gitops (internal). */
#ifndef AGS_GITOPS_STRV_H
#define AGS_GITOPS_STRV_H

#include <stddef.h>

/* Makes room for element n of the array at pv (a T **, elements of size bytes, n of them so far):
 * AGS_E_TOO_BIG when n is max already, AGS_E_NOMEM (the array kept as it was) without memory.
 * Usage: AGS_TRY(ags_gitops_grow(&a->v, a->n, sizeof(*a->v), MAX)); a->v[a->n++] = x; */
int ags_gitops_grow(void *pv, size_t n, size_t size, size_t max);
/* Appends a copy of s[0..len) to *v (kept NULL-terminated), counting in *n. */
int ags_gitops_strv_push(char ***v, size_t *n, const char *s, size_t len);

#endif
