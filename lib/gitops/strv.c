/*
 * Arrays of lib/gitops that grow one element at a time, and the
 * NULL-terminated string vectors among them.
 */
#include "internal.h"
#include <agesops/gitops.h>
#include "gitops/strv.h"

#include <stdlib.h>
#include <string.h>

int ags_gitops_grow(void *pv, size_t n, size_t size, size_t max)
{
	if (n >= max)
		return AGS_E_TOO_BIG;
	void *v;
	memcpy(&v, pv, sizeof(v));
	if (!(v = realloc(v, (n + 1) * size)))
		return AGS_E_NOMEM;
	memcpy(pv, &v, sizeof(v));
	return 0;
}

int ags_gitops_strv_push(char ***v, size_t *n, const char *s, size_t len)
{
	if (*n >= AGS_GITOPS_MAX_ENTRIES)
		return AGS_E_TOO_BIG;
	AGS_TRY(ags_gitops_grow(v, *n + 1, sizeof(**v), SIZE_MAX));
	if (!((*v)[*n] = strndup(s, len)))
		return AGS_E_NOMEM;
	(*v)[++*n] = NULL;
	return 0;
}

void ags_gitops_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}
