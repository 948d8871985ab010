/*
 * Admin (break-glass) recipients: people who can read and re-key a
 * cluster's files without the cluster's private key.  Read from
 * --admin-recipient and the repository's .sops.admins, and put into the
 * cluster's creation rule beside the cluster key.
 */
#include "internal.h"
#include <agesops/sops-config.h>
#include "gitops/lifecycle.h"
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ADMINS_MAX ((size_t)256 << 10)

int ags_gitops_read_admins(const char *root, struct ags_recipient_list *out, struct ags_diag *d)
{
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s/%s", root, AGS_GITOPS_ADMINS_FILE);
	struct ags_buf b;
	ags_buf_init(&b, ADMINS_MAX);
	int r = ags_file_read(p, &b);
	if (r == -ENOENT)
		r = 0;
	else if (r < 0)
		r = ags_diag_set(d, r, "%s: %s", p, r == AGS_E_TOO_BIG ? "too large" : ags_strerror(r));
	else
		r = ags_recipient_list_parse(out, b.data ? (const char *)b.data : "", b.len, AGS_GITOPS_ADMINS_FILE, d);
	ags_buf_release(&b);
	return r;
}

/* The rule .sops.yaml selects for a new file in the cluster's directory. */
static int cluster_rule(const struct ags_cluster_repo *cr, const char *text, size_t len, const char *path,
			struct ags_sops_config **cfg, const struct ags_sops_creation_rule **rule, struct ags_diag *d)
{
	char dir[PATH_MAX], probe[PATH_MAX + 16];
	gitops_secrets_dir(cr, dir, sizeof(dir));
	snprintf(probe, sizeof(probe), "%s/x.yaml", dir);
	AGS_TRY(ags_sops_config_parse(text, len, path, cfg, d));
	int r = ags_sops_config_match(*cfg, probe, rule, d);
	if (r == 0 && (!*rule || (*rule)->ngroups != 1))
		r = ags_diag_set(d, AGS_E_SOPS_CONFIG, "%s: no single-group creation rule for %s", path,
				 dir + strlen(cr->root) + 1);
	if (r < 0) {
		ags_sops_config_free(*cfg);
		*cfg = NULL;
	}
	return r;
}

static bool group_has(const struct ags_sops_creation_rule *rule, const char *rc)
{
	for (size_t k = 0; k < rule->groups[0].nage; k++)
		if (!strcmp(rule->groups[0].age[k], rc))
			return true;
	return false;
}

int ags_gitops_rule_add_recipients(const struct ags_cluster_repo *cr, const char *cluster_key,
				   const struct ags_recipient_list *add, struct ags_recipient_list *added,
				   struct ags_diag *d)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", cr->root, AGS_SOPS_CONFIG_NAME);
	struct ags_buf cur, out;
	ags_buf_init(&cur, AGS_SOPS_CONFIG_MAX_BYTES);
	ags_buf_init(&out, AGS_SOPS_CONFIG_MAX_BYTES + 65536);
	struct ags_sops_config *cfg = NULL;
	const struct ags_sops_creation_rule *rule = NULL;
	int r = ags_file_read(path, &cur);
	if (r < 0)
		r = ags_diag_set(d, r, "%s: %s", path, ags_strerror(r));
	const char *s = cur.data ? (const char *)cur.data : "", *end = s + cur.len;
	if (r == 0)
		r = cluster_rule(cr, s, cur.len, path, &cfg, &rule, d);
	if (r == 0 && !group_has(rule, cluster_key))
		r = ags_diag_set(d, AGS_E_SOPS_CONFIG, "%s: the rule for the cluster's files does not name its key %s",
				 path, cluster_key);
	struct ags_buf extra;
	ags_buf_init(&extra, 65536 * 4);
	for (size_t i = 0; r == 0 && add && i < add->n; i++) {
		if (group_has(rule, add->v[i]))
			continue;
		r = ags_buf_printf(&extra, ",%s", add->v[i]);
		if (r == 0 && added)
			r = ags_recipient_list_parse(added, add->v[i], strlen(add->v[i]), "admins", d);
	}
	if (r < 0 || !extra.len)
		goto out;
	/* the cluster key sits on the rule's "age:" line (as cluster init writes it):
	 * the admins are appended to that comma-separated list */
	const char *hit = memmem(s, cur.len, cluster_key, strlen(cluster_key));
	const char *ls = hit;
	while (ls > s && ls[-1] != '\n')
		ls--;
	const char *le = hit ? memchr(hit, '\n', (size_t)(end - hit)) : NULL;
	le = le ? le : end;
	const char *q = ls;
	while (q < hit && *q == ' ')
		q++;
	if (q < hit && *q == '-')
		q++;
	while (q < hit && *q == ' ')
		q++;
	const char *after = hit ? hit + strlen(cluster_key) : NULL;
	size_t tail = after ? strspn(after, "0123456789abcdefghijklmnopqrstuvwxyz,") : 0;
	if (!hit || (size_t)(hit - q) < 4 || memcmp(q, "age:", 4)) {
		r = ags_diag_set(d, AGS_E_SOPS_CONFIG,
				 "%s: the cluster key is not on an 'age:' line of its rule: add the admin recipients by hand",
				 path);
		goto out;
	}
	r = ags_buf_append(&out, s, (size_t)(after + tail - s));
	if (r == 0)
		r = ags_buf_append(&out, extra.data, extra.len);
	if (r == 0)
		r = ags_buf_append(&out, after + tail, (size_t)(end - after - tail));
	ags_sops_config_free(cfg);
	cfg = NULL;
	if (r == 0)
		r = cluster_rule(cr, (const char *)out.data, out.len, path, &cfg, &rule, d);
	for (size_t i = 0; r == 0 && i < add->n; i++)
		if (!group_has(rule, add->v[i]))
			r = ags_diag_set(d, AGS_E_SOPS_CONFIG, "%s: could not add %s to the rule", path, add->v[i]);
	if (r == 0 && (r = ags_file_write_atomic(path, out.data, out.len, -1, false)) < 0)
		r = ags_diag_set(d, r, "%s: %s", path, ags_strerror(r));
	(void)le;
out:
	ags_buf_release(&extra);
	ags_sops_config_free(cfg);
	ags_buf_release(&cur);
	ags_buf_release(&out);
	return r;
}
