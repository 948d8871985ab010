/*
 * sops rotate on a decrypted document: a new data key, every value
 * re-encrypted under it, the key entries re-wrapped for the recipients the
 * file has, minus some, plus others.  Shared by `agesops rotate` and the
 * cluster key rotation (lib/gitops), which runs it over whole repositories.
 */
#include "internal.h"
#include "util/secret.h"
#include <agesops/sops.h>
#include "crypto/ossl.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RECIPIENTS 4096

struct strs {
	char **v;
	size_t n;
};

static void strs_clear(struct strs *s)
{
	ags_free_strv(s->v, s->n);
	s->v = NULL;
	s->n = 0;
}

/* Each item may be a comma-separated list (as --add-age / --rm-age). */
static int split_all(const char *const *items, size_t n, struct strs *out)
{
	for (size_t i = 0; i < n; i++) {
		char **v = NULL;
		size_t k = 0;
		int r = ags_sops_split_recipients(items[i], &v, &k);
		char **nv = r == 0 && k ? realloc(out->v, (out->n + k) * sizeof(*nv)) : out->v;
		if (r == 0 && !nv)
			r = AGS_E_NOMEM;
		if (nv)
			out->v = nv;
		for (size_t j = 0; j < k; j++) {
			if (r == 0)
				out->v[out->n++] = v[j];
			else
				free(v[j]);
		}
		free(v);
		if (r < 0)
			return r;
	}
	return 0;
}

static bool in(const struct strs *s, const char *x)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], x))
			return true;
	return false;
}

int ags_sops_doc_rotate(struct ags_sops_doc *doc, const char *const *add, size_t nadd, const char *const *rm,
			size_t nrm, struct ags_diag *d)
{
	if (!ags_sops_doc_is_plain(doc))
		return ags_diag_set(d, AGS_E_INVAL, "rotate: the document is not decrypted");
	const struct ags_sops_metadata *m = ags_sops_doc_metadata(doc);
	struct strs a = { 0 }, x = { 0 };
	int r = split_all(add, nadd, &a);
	if (r == 0)
		r = split_all(rm, nrm, &x);
	if (r == 0 && m->ngroups == 0 && a.n == 0)
		r = ags_diag_set(d, AGS_E_SOPS_NO_RECIPIENTS, "the file has no age recipients to rotate for (use --add-age)");
	size_t ng = m->ngroups ? m->ngroups : 1;
	struct ags_sops_group_spec *g = r == 0 ? calloc(ng, sizeof(*g)) : NULL;
	const char **list = r == 0 ? calloc(ng * MAX_RECIPIENTS, sizeof(*list)) : NULL;
	if (r == 0 && (!g || !list))
		r = AGS_E_NOMEM;
	/* --rm from every group, --add to the first (as sops), no duplicates */
	for (size_t gi = 0; r == 0 && gi < ng; gi++) {
		const char **l = list + gi * MAX_RECIPIENTS;
		size_t n = 0;
		const struct ags_sops_key_group *kg = gi < m->ngroups ? &m->groups[gi] : NULL;
		/* copies: set_keys replaces the metadata these strings live in */
		for (size_t j = 0; kg && j < kg->nage && n < MAX_RECIPIENTS && r == 0; j++)
			if (!in(&x, kg->age[j].recipient) && !(l[n++] = strdup(kg->age[j].recipient)))
				r = AGS_E_NOMEM;
		for (size_t j = 0; gi == 0 && j < a.n && n < MAX_RECIPIENTS; j++) {
			bool dup = false;
			for (size_t k = 0; k < n && !dup; k++)
				dup = !strcmp(l[k], a.v[j]);
			if (!dup && !(l[n++] = strdup(a.v[j])))
				r = AGS_E_NOMEM;
		}
		if (r == 0 && n == 0)
			r = ags_diag_set(d, AGS_E_SOPS_NO_RECIPIENTS, "key group %zu would have no recipients left", gi + 1);
		g[gi].age = l;
		g[gi].nage = n;
	}
	uint8_t key[AGS_SOPS_DATA_KEY_LEN];
	if (r == 0)
		r = ags_random(key, sizeof(key));
	unsigned threshold = ng > 1 ? (m->shamir_threshold ? m->shamir_threshold : (unsigned)ng) : 0;
	if (r == 0)
		r = ags_sops_doc_set_keys(doc, g, ng, threshold, key, d);
	if (r == 0)
		r = ags_sops_doc_encrypt(doc, key, NULL, d);
	ags_wipe(key, sizeof(key));
	for (size_t i = 0; list && i < ng * MAX_RECIPIENTS; i++)
		free((char *)list[i]);
	free(g);
	free(list);
	strs_clear(&a);
	strs_clear(&x);
	return r;
}
