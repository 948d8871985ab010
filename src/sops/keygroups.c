/*
 * Key groups for the commands: build, compare, diff, confirm (keygroups.h).
 */
#include "keygroups.h"
#include "../cli.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sops/keysource_pgp.h"

void sm_groups_clear(struct sm_groups *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free((void *)g->g[i].age);
		free((void *)g->g[i].pgp);
	}
	free(g->g);
	for (size_t i = 0; i < g->nown; i++)
		free(g->own[i]);
	free(g->own);
	memset(g, 0, sizeof(*g));
}

static int own(struct sm_groups *g, const char *s, const char **out)
{
	char **no = realloc(g->own, (g->nown + 1) * sizeof(*no));
	if (!no)
		return AGS_E_NOMEM;
	g->own = no;
	if (!(g->own[g->nown] = strdup(s)))
		return AGS_E_NOMEM;
	*out = g->own[g->nown++];
	return 0;
}

int sm_groups_new_group(struct sm_groups *g)
{
	struct ags_sops_group_spec *ng = realloc(g->g, (g->n + 1) * sizeof(*ng));
	if (!ng)
		return AGS_E_NOMEM;
	g->g = ng;
	memset(&g->g[g->n++], 0, sizeof(*g->g));
	return 0;
}

/* A group's list of one key type (age recipients, PGP fingerprints). */
static const char ***list_of(struct ags_sops_group_spec *sp, enum sm_key_type t, size_t **n)
{
	*n = t == SM_KEY_PGP ? &sp->npgp : &sp->nage;
	return (const char ***)(t == SM_KEY_PGP ? (void *)&sp->pgp : (void *)&sp->age);
}

static bool has(const struct ags_sops_group_spec *g, enum sm_key_type t, const char *s)
{
	const char *const *v = t == SM_KEY_PGP ? g->pgp : g->age;
	size_t n = t == SM_KEY_PGP ? g->npgp : g->nage;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

int sm_groups_add(struct sm_groups *g, size_t gi, enum sm_key_type t, const char *s)
{
	struct ags_sops_group_spec *sp = &g->g[gi];
	if (has(sp, t, s))
		return 0;
	size_t *n;
	const char ***v = list_of(sp, t, &n);
	const char **na = realloc((void *)*v, (*n + 1) * sizeof(*na));
	if (!na)
		return AGS_E_NOMEM;
	*v = na;
	int r = own(g, s, &na[*n]);
	if (r == 0)
		(*n)++;
	return r;
}

int sm_groups_remove(struct sm_groups *g, enum sm_key_type t, const char *s)
{
	int found = 0;
	for (size_t gi = 0; gi < g->n; gi++) {
		size_t *n;
		const char ***v = list_of(&g->g[gi], t, &n);
		for (size_t i = 0; i < *n;) {
			if (!strcmp((*v)[i], s)) {
				memmove(&(*v)[i], &(*v)[i + 1], (*n - i - 1) * sizeof(**v));
				(*n)--;
				found = 1;
			} else {
				i++;
			}
		}
	}
	return found;
}

int sm_groups_from_rule(const struct ags_sops_creation_rule *r, struct sm_groups *out, struct ags_diag *d)
{
	memset(out, 0, sizeof(*out));
	int rc = ags_sops_rule_check(r, d);
	for (size_t i = 0; rc == 0 && i < r->ngroups; i++) {
		rc = sm_groups_new_group(out);
		for (size_t j = 0; rc == 0 && j < r->groups[i].nage; j++)
			rc = sm_groups_add(out, i, SM_KEY_AGE, r->groups[i].age[j]);
		for (size_t j = 0; rc == 0 && j < r->groups[i].npgp; j++)
			rc = sm_groups_add(out, i, SM_KEY_PGP, r->groups[i].pgp[j]);
		if (rc == 0 && r->groups[i].nother)
			cli_warn("creation_rules[%zu]: ignoring keys of type %s (agesops encrypts for age and pgp only)",
				 r->index, r->groups[i].other_types);
	}
	if (rc == 0)
		out->threshold = out->n > 1 ? (unsigned)ags_sops_rule_threshold(r) : 0;
	if (rc < 0)
		sm_groups_clear(out);
	return rc;
}

int sm_groups_apply(struct sm_groups *g, size_t gi, enum sm_key_type t, const char *const *vals, size_t n, bool add)
{
	for (size_t i = 0; i < n; i++) {
		char **v = NULL;
		size_t nv = 0;
		int r = ags_sops_split_recipients(vals[i], &v, &nv);
		for (size_t j = 0; j < nv; j++) {
			if (r == 0 && add)
				r = sm_groups_add(g, gi, t, v[j]);
			else if (r == 0)
				sm_groups_remove(g, t, v[j]);
			free(v[j]);
		}
		free(v);
		if (r < 0)
			return r;
	}
	return 0;
}

int sm_groups_from_flags(const char *const *age, size_t nage, const char *const *pgp, size_t npgp,
			 struct sm_groups *out, struct ags_diag *d)
{
	memset(out, 0, sizeof(*out));
	int rc = sm_groups_new_group(out);
	if (rc == 0)
		rc = sm_groups_apply(out, 0, SM_KEY_AGE, age, nage, true);
	if (rc == 0)
		rc = sm_groups_apply(out, 0, SM_KEY_PGP, pgp, npgp, true);
	if (rc == 0 && out->g[0].nage == 0 && out->g[0].npgp == 0)
		rc = ags_diag_set(d, AGS_E_SOPS_NO_RECIPIENTS, "no age recipients or pgp fingerprints given");
	if (rc < 0)
		sm_groups_clear(out);
	return rc;
}

int sm_groups_from_metadata(const struct ags_sops_metadata *m, struct sm_groups *out)
{
	memset(out, 0, sizeof(*out));
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < m->ngroups; i++) {
		rc = sm_groups_new_group(out);
		for (size_t j = 0; rc == 0 && j < m->groups[i].nage; j++)
			rc = sm_groups_add(out, i, SM_KEY_AGE, m->groups[i].age[j].recipient);
		for (size_t j = 0; rc == 0 && j < ags_sops_pgp_count(&m->groups[i]); j++) {
			const char *fp, *enc;
			ags_sops_pgp_entry(&m->groups[i], j, &fp, &enc);
			if (fp)
				rc = sm_groups_add(out, i, SM_KEY_PGP, fp);
		}
	}
	if (rc == 0)
		out->threshold = out->n > 1 ? (m->shamir_threshold ? m->shamir_threshold : (unsigned)out->n) : 0;
	if (rc < 0)
		sm_groups_clear(out);
	return rc;
}

bool sm_groups_equal(const struct sm_groups *a, const struct sm_groups *b)
{
	if (a->n != b->n || a->threshold != b->threshold)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		if (a->g[i].nage != b->g[i].nage || a->g[i].npgp != b->g[i].npgp)
			return false;
		for (size_t j = 0; j < a->g[i].nage; j++)
			if (!has(&b->g[i], SM_KEY_AGE, a->g[i].age[j]))
				return false;
		for (size_t j = 0; j < a->g[i].npgp; j++)
			if (!has(&b->g[i], SM_KEY_PGP, a->g[i].pgp[j]))
				return false;
	}
	return true;
}

static void diff_type(const struct ags_sops_group_spec *ga, const struct ags_sops_group_spec *gb, enum sm_key_type t,
		      FILE *fp)
{
	const char *const *va = t == SM_KEY_PGP ? ga->pgp : ga->age, *const *vb = t == SM_KEY_PGP ? gb->pgp : gb->age;
	size_t na = t == SM_KEY_PGP ? ga->npgp : ga->nage, nb = t == SM_KEY_PGP ? gb->npgp : gb->nage;
	for (size_t j = 0; j < nb; j++)
		fprintf(fp, "    %s %s\n", has(ga, t, vb[j]) ? "   " : "+++", vb[j]);
	for (size_t j = 0; j < na; j++)
		if (!has(gb, t, va[j]))
			fprintf(fp, "    --- %s\n", va[j]);
}

void sm_groups_diff(const struct sm_groups *a, const struct sm_groups *b, FILE *fp)
{
	size_t n = a->n > b->n ? a->n : b->n;
	static const struct ags_sops_group_spec empty = { 0 };
	for (size_t i = 0; i < n; i++) {
		const struct ags_sops_group_spec *ga = i < a->n ? &a->g[i] : &empty;
		const struct ags_sops_group_spec *gb = i < b->n ? &b->g[i] : &empty;
		fprintf(fp, "Group %zu\n", i + 1);
		diff_type(ga, gb, SM_KEY_AGE, fp);
		diff_type(ga, gb, SM_KEY_PGP, fp);
	}
	if (a->threshold != b->threshold)
		fprintf(fp, "Shamir threshold: %u -> %u\n", a->threshold, b->threshold);
}

bool sm_confirm(const char *question, bool *eof)
{
	/* as Go (fmt.Scanln): asks again until y or n, from a terminal or not */
	char line[64];
	*eof = false;
	for (;;) {
		fprintf(stderr, "%s (y/n):", question);
		fflush(stderr);
		if (!fgets(line, sizeof(line), stdin)) {
			fputc('\n', stderr);
			*eof = true;
			return false;
		}
		line[strcspn(line, "\r\n")] = 0;
		if (!strcmp(line, "y") || !strcmp(line, "n"))
			return line[0] == 'y';
	}
}
