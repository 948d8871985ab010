/* NULL-terminated string vectors of lib/gitops (internal). */
#ifndef AGS_GITOPS_STRV_H
#define AGS_GITOPS_STRV_H

#include <stddef.h>

/* Appends a copy of s[0..len) to *v (kept NULL-terminated), counting in *n. */
int ags_gitops_strv_push(char ***v, size_t *n, const char *s, size_t len);

#endif
