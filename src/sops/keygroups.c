/*
 * Key groups for the commands: build, compare, diff, confirm (keygroups.h).
 */
#include "keygroups.h"
#include "../cli.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void sm_groups_clear(struct sm_groups *g)
{
	for (size_t i = 0; i < g->n; i++)
		free((void *)g->g[i].age);
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

static int add_group(struct sm_groups *g)
{
	struct ags_sops_group_spec *ng = realloc(g->g, (g->n + 1) * sizeof(*ng));
	if (!ng)
		return AGS_E_NOMEM;
	g->g = ng;
	memset(&g->g[g->n++], 0, sizeof(*g->g));
	return 0;
}

static int add_recipient(struct sm_groups *g, size_t gi, const char *s)
{
	struct ags_sops_group_spec *sp = &g->g[gi];
	for (size_t i = 0; i < sp->nage; i++)
		if (!strcmp(sp->age[i], s))
			return 0;
	const char **na = realloc((void *)sp->age, (sp->nage + 1) * sizeof(*na));
	if (!na)
		return AGS_E_NOMEM;
	sp->age = na;
	int r = own(g, s, &na[sp->nage]);
	if (r == 0)
		sp->nage++;
	return r;
}

int sm_groups_from_rule(const struct ags_sops_creation_rule *r, struct sm_groups *out, struct ags_diag *d)
{
	memset(out, 0, sizeof(*out));
	int rc = ags_sops_rule_check(r, d);
	for (size_t i = 0; rc == 0 && i < r->ngroups; i++) {
		rc = add_group(out);
		for (size_t j = 0; rc == 0 && j < r->groups[i].nage; j++)
			rc = add_recipient(out, i, r->groups[i].age[j]);
		if (rc == 0 && r->groups[i].nother)
			cli_warn("creation_rules[%zu]: ignoring keys of type %s (agesops encrypts for age only)",
				 r->index, r->groups[i].other_types);
	}
	if (rc == 0)
		out->threshold = out->n > 1 ? (unsigned)ags_sops_rule_threshold(r) : 0;
	if (rc < 0)
		sm_groups_clear(out);
	return rc;
}

int sm_groups_from_age(const char *const *age, size_t nage, struct sm_groups *out, struct ags_diag *d)
{
	memset(out, 0, sizeof(*out));
	int rc = add_group(out);
	for (size_t i = 0; rc == 0 && i < nage; i++) {
		char **v = NULL;
		size_t n = 0;
		rc = ags_sops_split_recipients(age[i], &v, &n);
		for (size_t j = 0; j < n; j++) {
			if (rc == 0)
				rc = add_recipient(out, 0, v[j]);
			free(v[j]);
		}
		free(v);
	}
	if (rc == 0 && out->g[0].nage == 0)
		rc = ags_diag_set(d, AGS_E_SOPS_NO_RECIPIENTS, "no age recipients given");
	if (rc < 0)
		sm_groups_clear(out);
	return rc;
}

int sm_groups_from_metadata(const struct ags_sops_metadata *m, struct sm_groups *out)
{
	memset(out, 0, sizeof(*out));
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < m->ngroups; i++) {
		rc = add_group(out);
		for (size_t j = 0; rc == 0 && j < m->groups[i].nage; j++)
			rc = add_recipient(out, i, m->groups[i].age[j].recipient);
	}
	if (rc == 0)
		out->threshold = out->n > 1 ? (m->shamir_threshold ? m->shamir_threshold : (unsigned)out->n) : 0;
	if (rc < 0)
		sm_groups_clear(out);
	return rc;
}

static bool has(const struct ags_sops_group_spec *g, const char *s)
{
	for (size_t i = 0; i < g->nage; i++)
		if (!strcmp(g->age[i], s))
			return true;
	return false;
}

bool sm_groups_equal(const struct sm_groups *a, const struct sm_groups *b)
{
	if (a->n != b->n || a->threshold != b->threshold)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		if (a->g[i].nage != b->g[i].nage)
			return false;
		for (size_t j = 0; j < a->g[i].nage; j++)
			if (!has(&b->g[i], a->g[i].age[j]))
				return false;
	}
	return true;
}

void sm_groups_diff(const struct sm_groups *a, const struct sm_groups *b, FILE *fp)
{
	size_t n = a->n > b->n ? a->n : b->n;
	static const struct ags_sops_group_spec empty = { 0 };
	for (size_t i = 0; i < n; i++) {
		const struct ags_sops_group_spec *ga = i < a->n ? &a->g[i] : &empty;
		const struct ags_sops_group_spec *gb = i < b->n ? &b->g[i] : &empty;
		fprintf(fp, "Group %zu\n", i + 1);
		for (size_t j = 0; j < gb->nage; j++)
			fprintf(fp, "    %s %s\n", has(ga, gb->age[j]) ? "   " : "+++", gb->age[j]);
		for (size_t j = 0; j < ga->nage; j++)
			if (!has(gb, ga->age[j]))
				fprintf(fp, "    --- %s\n", ga->age[j]);
	}
	if (a->threshold != b->threshold)
		fprintf(fp, "Shamir threshold: %u -> %u\n", a->threshold, b->threshold);
}

bool sm_confirm(const char *question)
{
	if (!isatty(STDIN_FILENO))
		return false;
	fprintf(stderr, "%s [y/N] ", question);
	fflush(stderr);
	char line[16];
	if (!fgets(line, sizeof(line), stdin))
		return false;
	return line[0] == 'y' || line[0] == 'Y';
}
