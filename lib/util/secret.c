#include "internal.h"
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sodium.h>

void ags_wipe(void *p, size_t n)
{
	if (p && n)
		sodium_memzero(p, n);
}

void ags_free_secret(void *p, size_t n)
{
	if (!p)
		return;
	sodium_memzero(p, n);
	free(p);
}

void ags_free_each(void *const *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(p[i]);
}

void ags_free_strv(char **v, size_t n)
{
	if (!v)
		return;
	ags_free_each((void *const *)v, n);
	free(v);
}

void ags_free_secret_str(char *s)
{
	if (s)
		ags_free_secret(s, strlen(s));
}

bool ags_ct_eq(const void *a, const void *b, size_t n)
{
	return sodium_memcmp(a, b, n) == 0; /* constant time */
}

void ags_secret_harden_process(void)
{
	struct rlimit rl = { 0, 0 };
	(void)setrlimit(RLIMIT_CORE, &rl);
#if !defined(__SANITIZE_ADDRESS__)
	/* LeakSanitizer needs to ptrace the process, which non-dumpable forbids. */
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
}
