/*
 * The cluster's creation rule in the repository's .sops.yaml: one rule per
 * cluster (its secrets directory, data/stringData only, its recipients),
 * first in the list so it wins over catch-all rules below.  The file is
 * edited as text so that the user's comments and layout stay; every result
 * is checked with the real config parser before it is written.
 */
#include "internal.h"
#include <agesops/gitops.h>
#include <agesops/sops-config.h>
#include "gitops/fsutil.h"
#include "gitops/strv.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rule_state {
	struct ags_buf text;   /* the current .sops.yaml (empty when absent) */
	bool exists;
	bool ours;             /* a rule with our path_regex matches the cluster's files */
	char **age;            /* its recipients */
	size_t nage;
};

static void state_clear(struct rule_state *st)
{
	ags_buf_release(&st->text);
	ags_gitops_strv_free(st->age);
}

/* Reads .sops.yaml and finds the rule that matches a file of the cluster, through the real parser. */
static int load_rule(const struct ags_gitops_cluster *c, struct rule_state *st, struct ags_diag *d)
{
	memset(st, 0, sizeof(*st));
	ags_buf_init(&st->text, AGS_SOPS_CONFIG_MAX_BYTES);
	if (!ags_gitops_exists(c->sops_yaml))
		return 0;
	st->exists = true;
	int r = ags_file_read(c->sops_yaml, &st->text);
	if (r < 0)
		return ags_diag_set(d, r, "%s: %s", c->sops_yaml, ags_strerror(r));
	struct ags_sops_config *cfg = NULL;
	const struct ags_sops_creation_rule *rule = NULL;
	char probe[PATH_MAX + 16];
	snprintf(probe, sizeof(probe), "%s/x.yaml", c->secrets_dir);
	r = ags_sops_config_parse((const char *)(st->text.data ? st->text.data : (unsigned char *)""), st->text.len,
				  c->sops_yaml, &cfg, d);
	if (r < 0)
		return AGS_E_SOPS_CONFIG;
	/* no matching rule is not an error here: ours is then added */
	struct ags_diag md = { 0 };
	if (ags_sops_config_match(cfg, probe, &rule, &md) == 0 && rule && rule->path_regex &&
	    !strcmp(rule->path_regex, c->rule_regex)) {
		st->ours = true;
		for (size_t g = 0; r == 0 && g < rule->ngroups; g++)
			for (size_t i = 0; r == 0 && i < rule->groups[g].nage; i++)
				r = ags_gitops_strv_push(&st->age, &st->nage, rule->groups[g].age[i],
							 strlen(rule->groups[g].age[i]));
	}
	ags_sops_config_free(cfg);
	return r;
}

int ags_gitops_cluster_rule(const struct ags_gitops_cluster *c, bool *found, char ***age, size_t *nage,
			    struct ags_diag *d)
{
	struct rule_state st;
	int r = load_rule(c, &st, d);
	if (r == 0) {
		*found = st.ours;
		*age = st.age;
		*nage = st.nage;
		st.age = NULL;
	}
	state_clear(&st);
	return r;
}

/* "a,b,c": sops splits an age: string on commas. */
static int join_age(const char *const *age, size_t nage, struct ags_buf *out)
{
	for (size_t i = 0; i < nage; i++)
		AGS_TRY(ags_buf_printf(out, "%s%s", i ? "," : "", age[i]));
	return 0;
}

static bool same_set(char **have, size_t nhave, const char *const *want, size_t nwant)
{
	if (nhave != nwant)
		return false;
	for (size_t i = 0; i < nwant; i++) {
		bool f = false;
		for (size_t j = 0; j < nhave && !f; j++)
			f = !strcmp(have[j], want[i]);
		if (!f)
			return false;
	}
	return true;
}

static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	return nl ? nl : end;
}

static const char *next_line(const char *p, const char *end)
{
	const char *le = line_end(p, end);
	return le < end ? le + 1 : end;
}

/* Inserts a new rule as the first entry of creation_rules (or adds the list). */
static int insert_rule(const struct ags_gitops_cluster *c, const struct rule_state *st, const char *age,
		       struct ags_buf *out, struct ags_diag *d)
{
	const char *s = (const char *)(st->text.data ? st->text.data : (unsigned char *)""), *end = s + st->text.len;
	if (!st->exists)
		return ags_buf_printf(out,
				      "# SOPS rules: which key encrypts which files (agesops cluster init)\n"
				      "creation_rules:\n  - path_regex: %s\n    encrypted_regex: " AGS_GITOPS_ENCRYPTED_REGEX
				      "\n    age: %s\n",
				      c->rule_regex, age);
	const char *cr = NULL;
	for (const char *p = s; p < end; p = next_line(p, end)) {
		const char *le = line_end(p, end);
		if ((size_t)(le - p) < 15 || memcmp(p, "creation_rules:", 15))
			continue;
		const char *q = p + 15;
		while (q < le && (*q == ' ' || *q == '\t' || *q == '\r'))
			q++;
		if (q != le && *q != '#')
			return ags_diag_set(d, AGS_E_GITOPS_INVALID,
					    ".sops.yaml: creation_rules is not a block list; add the rule by hand:\n"
					    "  - path_regex: %s\n    encrypted_regex: " AGS_GITOPS_ENCRYPTED_REGEX
					    "\n    age: %s",
					    c->rule_regex, age);
		cr = next_line(p, end);
		break;
	}
	/* indentation of the existing entries */
	int ind = 2;
	for (const char *p = cr ? cr : end; p < end; p = next_line(p, end)) {
		const char *le = line_end(p, end), *q = p;
		while (q < le && *q == ' ')
			q++;
		if (q < le && *q == '-') {
			ind = (int)(q - p);
			break;
		}
		if (q < le && *q != '#')
			break;
	}
	if (cr)
		AGS_TRY(ags_buf_append(out, s, (size_t)(cr - s)));
	else
		AGS_TRY(ags_buf_printf(out, "%.*s%screation_rules:\n", (int)(end - s), s,
				       end > s && end[-1] != '\n' ? "\n" : ""));
	AGS_TRY(ags_buf_printf(out, "%*s- path_regex: %s\n%*s  encrypted_regex: " AGS_GITOPS_ENCRYPTED_REGEX "\n%*s  age: %s\n",
			       ind, "", c->rule_regex, ind, "", ind, "", age));
	return cr ? ags_buf_append(out, cr, (size_t)(end - cr)) : 0;
}

/* Rewrites the age: line of our rule (the entry whose path_regex is ours). */
static int replace_age(const struct ags_gitops_cluster *c, const struct rule_state *st, const char *age,
		       struct ags_buf *out, struct ags_diag *d)
{
	const char *s = (const char *)st->text.data, *end = s + st->text.len;
	const char *entry = NULL;
	int ind = -1;
	for (const char *p = s; p < end; p = next_line(p, end)) {
		const char *le = line_end(p, end), *q = p;
		while (q < le && (*q == ' ' || *q == '-'))
			q++;
		int lind = (int)(q - p);
		if (!entry) {
			size_t rl = strlen(c->rule_regex);
			if ((size_t)(le - q) >= 12 + rl && !memcmp(q, "path_regex: ", 12) && !memcmp(q + 12, c->rule_regex, rl)) {
				entry = p;
				ind = lind;
			}
			continue;
		}
		if (q == le || *q == '#')
			continue;
		if (lind < ind || (lind == ind && memchr(p, '-', (size_t)(q - p))))
			break; /* the next entry */
		if ((size_t)(le - q) >= 4 && !memcmp(q, "age:", 4)) {
			const char *v = q + 4;
			while (v < le && *v == ' ')
				v++;
			if (v == le || *v == '|' || *v == '>' || *v == '[')
				break; /* not a one-line value */
			AGS_TRY(ags_buf_append(out, s, (size_t)(v - s)));
			AGS_TRY(ags_buf_puts(out, age));
			return ags_buf_append(out, le, (size_t)(end - le));
		}
	}
	return ags_diag_set(d, AGS_E_GITOPS_INVALID,
			    ".sops.yaml: cannot rewrite the age: line of the rule for %s; set it by hand to: %s",
			    c->secrets_rel, age);
}

int ags_gitops_cluster_set_rule(const struct ags_gitops_cluster *c, const char *const *age, size_t nage, bool replace,
				bool *changed, struct ags_diag *d)
{
	struct rule_state st;
	struct ags_buf want, out;
	ags_buf_init(&want, AGS_SOPS_CONFIG_MAX_BYTES);
	ags_buf_init(&out, AGS_SOPS_CONFIG_MAX_BYTES + 4096);
	*changed = false;
	int r = load_rule(c, &st, d);
	if (r == 0)
		r = join_age(age, nage, &want);
	if (r < 0 || (st.ours && same_set(st.age, st.nage, age, nage)))
		goto out;
	if (st.ours && !replace) {
		r = ags_diag_set(d, AGS_E_EXISTS,
				 ".sops.yaml: the rule for %s names another key; edit it by hand (then agesops updatekeys)",
				 c->secrets_rel);
		goto out;
	}
	r = st.ours ? replace_age(c, &st, (const char *)want.data, &out, d)
		    : insert_rule(c, &st, (const char *)want.data, &out, d);
	if (r < 0)
		goto out;
	/* the result must parse */
	struct ags_sops_config *cfg = NULL;
	struct ags_diag pd = { 0 };
	if (ags_sops_config_parse((const char *)out.data, out.len, c->sops_yaml, &cfg, &pd) < 0) {
		r = ags_diag_set(d, AGS_E_SOPS_CONFIG, "the updated .sops.yaml would not parse: %s", pd.msg);
		goto out;
	}
	ags_sops_config_free(cfg);
	if ((r = ags_file_write_atomic(c->sops_yaml, out.data, out.len, -1, false)) < 0) {
		ags_diag_set(d, r, "%s: %s", c->sops_yaml, ags_strerror(r));
		goto out;
	}
	*changed = true;
out:
	state_clear(&st);
	ags_buf_release(&want);
	ags_buf_release(&out);
	return r;
}
