/*
 * Secret handling: wiping and constant-time comparison.  Every buffer that
 * held key material or plaintext is passed through ags_wipe/ags_free_secret
 * on every exit path.
 */
#ifndef AGS_UTIL_SECRET_H
#define AGS_UTIL_SECRET_H

#include <stddef.h>
#include <stdbool.h>

void ags_wipe(void *p, size_t n);
/* Wipes n bytes at p, then frees p.  p may be NULL. */
void ags_free_secret(void *p, size_t n);
/* Wipes a NUL-terminated string, then frees it.  s may be NULL. */
void ags_free_secret_str(char *s);
/* Frees each of the n pointers (any may be NULL).  For the plain owned
 * fields of a struct; secrets still go through ags_free_secret. */
void ags_free_each(void *const *p, size_t n);
/* Frees the n strings of v, then v (v may be NULL): an owned string vector. */
void ags_free_strv(char **v, size_t n);
/* AGS_FREE_ALL(a->x, a->y, ...): ags_free_each over the listed pointers. */
#define AGS_FREE_ALL(...) \
	ags_free_each((void *const[]){ __VA_ARGS__ }, sizeof((void *const[]){ __VA_ARGS__ }) / sizeof(void *))
/* Constant-time equality of two n-byte buffers. */
bool ags_ct_eq(const void *a, const void *b, size_t n);
/* Keep secrets out of core dumps (RLIMIT_CORE=0, PR_SET_DUMPABLE=0).  CLI calls it once. */
void ags_secret_harden_process(void);

#endif
