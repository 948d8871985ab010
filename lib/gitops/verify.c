/*
 * Which files a cluster's creation rule covers, and whether the keys a
 * cluster holds open each of them (agesops kube verify).
 */
#include "internal.h"
#include <agesops/age.h>
#include "gitops/lifecycle.h"
#include "gitops/strv.h"
#include <agesops/sops.h>
#include <agesops/sops-config.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LIST 4096
#define PUBKEY_MAX ((size_t)64 << 10)

void ags_recipient_list_clear(struct ags_recipient_list *l)
{
	for (size_t i = 0; l && i < l->n; i++)
		free(l->v[i]);
	if (l) {
		free(l->v);
		l->v = NULL;
		l->n = 0;
	}
}

bool ags_recipient_list_has(const struct ags_recipient_list *l, const char *r)
{
	for (size_t i = 0; l && i < l->n; i++)
		if (!strcmp(l->v[i], r))
			return true;
	return false;
}

static int list_add(struct ags_recipient_list *l, const char *r)
{
	if (ags_recipient_list_has(l, r))
		return 0;
	AGS_TRY(ags_gitops_grow(&l->v, l->n, sizeof(*l->v), MAX_LIST));
	if (!(l->v[l->n] = strdup(r)))
		return AGS_E_NOMEM;
	l->n++;
	return 0;
}

int ags_recipient_list_parse(struct ags_recipient_list *l, const char *text, size_t len, const char *name,
			     struct ags_diag *d)
{
	const char *s = text, *end = text + len;
	unsigned line = 0;
	int r = 0;
	while (s < end && r == 0) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end;
		line++;
		/* a line holds one recipient or a comma-separated list; '#' starts a comment */
		const char *hash = memchr(s, '#', (size_t)(le - s));
		const char *ce = hash ? hash : le;
		while (s < ce && r == 0) {
			const char *comma = memchr(s, ',', (size_t)(ce - s));
			const char *ie = comma ? comma : ce;
			while (s < ie && (*s == ' ' || *s == '\t'))
				s++;
			const char *t = ie;
			while (t > s && (t[-1] == ' ' || t[-1] == '\t' || t[-1] == '\r'))
				t--;
			if (t > s) {
				char *one = strndup(s, (size_t)(t - s));
				struct ags_age_recipient *rc = NULL;
				struct ags_diag sub = { 0 };
				if (!one)
					r = AGS_E_NOMEM;
				else if (ags_age_recipient_parse(one, &rc, &sub) < 0)
					r = ags_diag_set(d, AGS_E_AGE_BAD_KEY, "%s:%u: not an age recipient: %.80s", name, line,
							 one);
				else
					r = list_add(l, one);
				ags_age_recipient_free(rc);
				free(one);
			}
			s = comma ? comma + 1 : ce;
		}
		s = nl ? nl + 1 : end;
	}
	if (r == AGS_E_TOO_BIG)
		r = ags_diag_set(d, r, "%s: more than %d recipients", name, MAX_LIST);
	return r;
}

void gitops_secrets_dir(const struct ags_cluster_repo *cr, char *out, size_t cap)
{
	if (cr->secrets_dir)
		snprintf(out, cap, "%s/%s", cr->root, cr->secrets_dir);
	else
		snprintf(out, cap, "%s/secrets/%s", cr->root, cr->name);
}

int ags_gitops_cluster_files(const struct ags_cluster_repo *cr, struct ags_repo_files *out,
			     struct ags_recipient_list *rule_recipients, struct ags_diag *d)
{
	char cfgpath[PATH_MAX], dir[PATH_MAX], probe[PATH_MAX + 16];
	snprintf(cfgpath, sizeof(cfgpath), "%s/%s", cr->root, AGS_SOPS_CONFIG_NAME);
	gitops_secrets_dir(cr, dir, sizeof(dir));
	snprintf(probe, sizeof(probe), "%s/x.yaml", dir);
	struct ags_sops_config *cfg = NULL;
	AGS_TRY(ags_sops_config_load(cfgpath, &cfg, d));
	const struct ags_sops_creation_rule *rule = NULL;
	int r = ags_sops_config_match(cfg, probe, &rule, d);
	if (r == 0 && !rule)
		r = ags_diag_set(d, AGS_E_NOT_FOUND, "%s: no creation rule covers %s", cfgpath, dir + strlen(cr->root) + 1);
	struct ags_repo_files all = { 0 };
	if (r == 0)
		r = ags_repo_collect(dir, cfg, AGS_REPO_SELECT_ANY_RULE, &all, d);
	/* only the files whose first matching rule is the cluster's (sops' choice) */
	for (size_t i = 0; r == 0 && i < all.n; i++) {
		const struct ags_sops_creation_rule *fr = NULL;
		struct ags_diag sub = { 0 };
		if (ags_sops_config_match(cfg, all.paths[i], &fr, &sub) == 0 && fr == rule)
			r = ags_repo_files_add(out, all.paths[i]);
	}
	for (size_t g = 0; r == 0 && rule_recipients && g < rule->ngroups; g++)
		for (size_t k = 0; r == 0 && k < rule->groups[g].nage; k++)
			r = list_add(rule_recipients, rule->groups[g].age[k]);
	ags_repo_files_clear(&all);
	ags_sops_config_free(cfg);
	if (r < 0)
		ags_repo_files_clear(out);
	return r;
}

/* Loads a file's sops metadata; 2 (skipped) when it carries none. */
int gitops_load_sops(const char *path, struct ags_buf *in, struct ags_sops_doc **doc, struct ags_diag *d)
{
	int r = ags_file_read(path, in);
	if (r < 0)
		return ags_diag_set(d, r, "%s: %s", path, ags_strerror(r));
	const char *data = in->data ? (const char *)in->data : "";
	if (!ags_sops_is_encrypted(data, in->len, NULL, path))
		return 2;
	struct ags_sops_load_opts lo = { .filename = path };
	r = ags_sops_doc_load(data, in->len, &lo, doc, d);
	if (r < 0 && !strstr(d->msg, path)) {
		char m[AGS_DIAG_MAX];
		snprintf(m, sizeof(m), "%s", d->msg);
		ags_diag_set(d, r, "%s: %s", path, m);
	}
	return r;
}

struct verify_ctx {
	const struct ags_cluster_repo *cr;
	const struct ags_recipient_list *keys;
};

static int verify_one(const char *path, void *vctx, struct ags_diag *d)
{
	const struct verify_ctx *v = vctx;
	struct ags_buf in;
	ags_buf_init(&in, AGS_ENC_FILE_MAX);
	struct ags_sops_doc *doc = NULL;
	int r = gitops_load_sops(path, &in, &doc, d);
	if (r == 0) {
		const struct ags_sops_metadata *m = ags_sops_doc_metadata(doc);
		bool ok = false;
		char list[900] = "";
		size_t used = 0;
		for (size_t g = 0; g < m->ngroups; g++)
			for (size_t k = 0; k < m->groups[g].nage; k++) {
				const char *rc = m->groups[g].age[k].recipient;
				ok |= ags_recipient_list_has(v->keys, rc);
				if (used < sizeof(list) - 1)
					used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", used ? ", " : "", rc);
			}
		/* with several key groups (Shamir) one key cannot open the file alone */
		if (!ok || m->ngroups > 1)
			r = ags_diag_set(d, AGS_E_SOPS_NO_KEY, "not decryptable by cluster %s (recipients %s)", v->cr->name,
					 used ? list : "none");
	}
	ags_sops_doc_free(doc);
	ags_buf_release(&in);
	return r;
}

int ags_gitops_verify(const struct ags_cluster_repo *cr, const struct ags_repo_files *files,
		      const struct ags_recipient_list *keys, unsigned jobs, struct ags_repo_result *results,
		      bool *pubkey_ok, struct ags_diag *pubkey_diag)
{
	struct verify_ctx v = { .cr = cr, .keys = keys };
	int bad = files->n ? ags_repo_run(files, jobs, verify_one, &v, results, NULL, NULL) : 0;
	if (bad < 0)
		return bad;
	char dir[PATH_MAX], p[PATH_MAX + 32];
	gitops_secrets_dir(cr, dir, sizeof(dir));
	snprintf(p, sizeof(p), "%s/.sops.public.key", dir);
	struct ags_buf b;
	ags_buf_init(&b, PUBKEY_MAX);
	struct ags_recipient_list pub = { 0 };
	int r = ags_file_read(p, &b);
	const char *rel = p + strlen(cr->root) + 1;
	if (r < 0)
		r = ags_diag_set(pubkey_diag, r, "%s: %s", rel, ags_strerror(r));
	if (r == 0)
		r = ags_recipient_list_parse(&pub, b.data ? (const char *)b.data : "", b.len, rel, pubkey_diag);
	if (r == 0 && pub.n == 0)
		r = ags_diag_set(pubkey_diag, AGS_E_NOT_FOUND, "%s: names no key", rel);
	for (size_t i = 0; r == 0 && i < pub.n; i++)
		if (!ags_recipient_list_has(keys, pub.v[i]))
			r = ags_diag_set(pubkey_diag, AGS_E_SOPS_NO_KEY, "%s: %s is not a key cluster %s holds", rel,
					 pub.v[i], cr->name);
	*pubkey_ok = r == 0;
	ags_recipient_list_clear(&pub);
	ags_buf_release(&b);
	if (r == AGS_E_NOMEM)
		return r;
	return bad;
}
