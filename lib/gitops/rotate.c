/*
 * Key rotation, the workstation and repository steps: a new local key with
 * the old one kept beside it, every file of the cluster re-encrypted for the
 * new key, .sops.public.key and the .sops.yaml rule updated.  Each step
 * looks at what is already done first, so running it again after an
 * interruption finishes the job instead of starting over.
 */
#include "internal.h"
#include <agesops/age.h>
#include <agesops/gitops.h>
#include <agesops/k8s.h>
#include <agesops/sops-config.h>
#include "gitops/lifecycle.h"
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define KEYFILE_MAX ((size_t)64 << 10)
#define OLD_MARK ".old-"

void ags_rotation_clear(struct ags_rotation *rt)
{
	if (!rt)
		return;
	AGS_FREE_ALL(rt->old_recipient, rt->new_recipient, rt->old_key_path);
	memset(rt, 0, sizeof(*rt));
}

/* Calls fn for every KEY.old-* beside key_path. */
static int each_old(const char *key_path, int (*fn)(const char *path, void *ctx), void *ctx, struct ags_diag *d)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", key_path);
	char *slash = strrchr(dir, '/');
	const char *base = slash ? slash + 1 : key_path;
	if (slash)
		*slash = 0;
	else
		snprintf(dir, sizeof(dir), ".");
	size_t bl = strlen(base);
	DIR *dh = opendir(slash && !dir[0] ? "/" : dir);
	if (!dh)
		return ags_diag_set(d, -errno, "%s: %s", dir, strerror(errno));
	int r = 0;
	struct dirent *e;
	while (r == 0 && (e = readdir(dh))) {
		if (strncmp(e->d_name, base, bl) || strncmp(e->d_name + bl, OLD_MARK, strlen(OLD_MARK)))
			continue;
		char p[PATH_MAX + 256];
		snprintf(p, sizeof(p), "%s/%s", slash && !dir[0] ? "" : dir, e->d_name);
		r = fn(p, ctx);
	}
	closedir(dh);
	return r;
}

static int take_one(const char *path, void *ctx)
{
	char **out = ctx;
	if (*out)
		return AGS_E_EXISTS;
	return (*out = strdup(path)) ? 0 : AGS_E_NOMEM;
}

int ags_rotation_old_key_path(const char *key_path, char **path, struct ags_diag *d)
{
	*path = NULL;
	int r = each_old(key_path, take_one, path, d);
	if (r == AGS_E_EXISTS)
		r = ags_diag_set(d, r, "more than one kept old key beside %s (%s*): remove the stale ones", key_path,
				 OLD_MARK);
	if (r < 0) {
		free(*path);
		*path = NULL;
	}
	return r;
}

/* A new key at key_path (0600, atomic). */
static int write_new_key(const char *key_path, char **recipient, struct ags_diag *d)
{
	struct ags_buf file;
	ags_buf_init_secret(&file, KEYFILE_MAX);
	char *line = NULL;
	int r = ags_k8s_keygen_file(&file, &line, d);
	/* key_path has a second name (the kept old key, a hard link), which an
	 * in-place write refuses: write beside it and rename over the name, so
	 * the old key's inode stays under its .old- name only. */
	char tmp[PATH_MAX + 8];
	if (r == 0 && snprintf(tmp, sizeof(tmp), "%s.new", key_path) >= (int)sizeof(tmp))
		r = ags_diag_set(d, AGS_E_TOO_BIG, "%s: path too long", key_path);
	if (r == 0) {
		unlink(tmp); /* a stale one from an interrupted run */
		if ((r = ags_file_write_atomic(tmp, file.data, file.len, 0600, true)) < 0)
			r = ags_diag_set(d, r, "%s: %s", tmp, ags_strerror(r));
		else if (rename(tmp, key_path) != 0) {
			r = ags_diag_set(d, -errno, "%s: %s", key_path, strerror(errno));
			unlink(tmp);
		}
	}
	ags_buf_release(&file);
	if (r == 0) {
		line[strcspn(line, "\n")] = 0;
		*recipient = line;
	} else {
		free(line);
	}
	return r;
}

int ags_rotation_local_key(const char *key_path, const struct ags_recipient_list *expect, struct ags_rotation *rt,
			   struct ags_diag *d)
{
	memset(rt, 0, sizeof(*rt));
	char *cur = NULL;
	int r = ags_rotation_old_key_path(key_path, &rt->old_key_path, d);
	if (r == 0)
		r = ags_gitops_key_file_recipient(key_path, &cur, d);
	if (r == 0 && rt->old_key_path) {
		r = ags_gitops_key_file_recipient(rt->old_key_path, &rt->old_recipient, d);
		if (r == 0 && !strcmp(cur, rt->old_recipient)) {
			/* interrupted between keeping the old key and writing the new one */
			r = write_new_key(key_path, &rt->new_recipient, d);
			rt->started = true;
		} else if (r == 0) {
			rt->new_recipient = cur;
			cur = NULL;
		}
	} else if (r == 0 && expect && !ags_recipient_list_has(expect, cur)) {
		r = ags_diag_set(d, AGS_E_AGE_NO_MATCH, "%s holds %s, which is not the cluster's key in the repository",
				 key_path, cur);
	} else if (r == 0) {
		char ts[32], old[PATH_MAX + 64];
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(ts, sizeof(ts), "%Y%m%dT%H%M%SZ", &tm);
		snprintf(old, sizeof(old), "%s" OLD_MARK "%s", key_path, ts);
		/* a hard link keeps the old key (and its 0600) without a second copy of the bytes */
		if (link(key_path, old) != 0)
			r = ags_diag_set(d, -errno, "keeping the old key as %s: %s", old, strerror(errno));
		if (r == 0 && !(rt->old_key_path = strdup(old)))
			r = AGS_E_NOMEM;
		if (r == 0) {
			rt->old_recipient = cur;
			cur = NULL;
			r = write_new_key(key_path, &rt->new_recipient, d);
			rt->started = true;
		}
	}
	free(cur);
	if (r < 0)
		ags_rotation_clear(rt);
	return r;
}

static int unlink_one(const char *path, void *ctx)
{
	if (unlink(path) != 0 && errno != ENOENT)
		return -errno;
	(*(unsigned *)ctx)++;
	return 0;
}

int ags_rotation_retire_old_key(const char *key_path, unsigned *removed, struct ags_diag *d)
{
	*removed = 0;
	int r = each_old(key_path, unlink_one, removed, d);
	if (r < 0 && !d->msg[0])
		r = ags_diag_set(d, r, "removing the old key beside %s: %s", key_path, ags_strerror(r));
	return r;
}

/* ---- step 3 ---- */

struct reenc {
	const struct ags_rotation *rt;
	const char **add;
	size_t nadd;
	const struct ags_age_identities *ids;
};

static int reencrypt_one(const char *path, void *vctx, struct ags_diag *d)
{
	const struct reenc *x = vctx;
	struct ags_buf in, out;
	ags_buf_init(&in, AGS_ENC_FILE_MAX);
	ags_buf_init(&out, AGS_ENC_FILE_MAX);
	struct ags_sops_doc *doc = NULL;
	int r = gitops_load_sops(path, &in, &doc, d);
	if (r == 0) {
		const struct ags_sops_metadata *m = ags_sops_doc_metadata(doc);
		bool has_new = false, has_old = false;
		for (size_t g = 0; g < m->ngroups; g++)
			for (size_t k = 0; k < m->groups[g].nage; k++) {
				has_new |= !strcmp(m->groups[g].age[k].recipient, x->rt->new_recipient);
				has_old |= !strcmp(m->groups[g].age[k].recipient, x->rt->old_recipient);
			}
		if (has_new && !has_old)
			r = 1; /* done by an earlier run */
	}
	uint8_t key[AGS_SOPS_DATA_KEY_LEN];
	if (r == 0)
		r = ags_sops_doc_get_data_key(doc, x->ids, key, d);
	if (r == 0)
		r = ags_sops_doc_decrypt(doc, key, false, d);
	ags_wipe(key, sizeof(key));
	const char *rm[1] = { x->rt->old_recipient };
	if (r == 0)
		r = ags_sops_doc_rotate(doc, x->add, x->nadd, rm, 1, d);
	if (r == 0)
		r = ags_sops_doc_emit(doc, NULL, AGS_SOPS_INDENT_DEFAULT, &out, d);
	if (r == 0 && (r = ags_repo_write(path, out.data ? out.data : (unsigned char *)"", out.len)) < 0)
		r = ags_diag_set(d, r, "%s: %s", path, ags_strerror(r));
	if (r < 0 && !strstr(d->msg, path)) {
		char msg[AGS_DIAG_MAX];
		snprintf(msg, sizeof(msg), "%s", d->msg[0] ? d->msg : ags_strerror(r));
		ags_diag_set(d, r, "%s: %s", path, msg);
	}
	ags_sops_doc_free(doc);
	ags_buf_release(&in);
	ags_buf_release(&out);
	return r;
}

int ags_rotation_reencrypt(const struct ags_repo_files *files, const struct ags_rotation *rt,
			   const struct ags_recipient_list *admins, const struct ags_age_identities *ids,
			   unsigned jobs, struct ags_repo_result *results)
{
	if (!files->n)
		return 0;
	size_t na = admins ? admins->n : 0;
	const char **add = calloc(na + 1, sizeof(*add));
	if (!add)
		return AGS_E_NOMEM;
	struct reenc x = { .rt = rt, .add = add, .ids = ids };
	add[x.nadd++] = rt->new_recipient;
	for (size_t i = 0; i < na; i++)
		if (strcmp(admins->v[i], rt->old_recipient) && strcmp(admins->v[i], rt->new_recipient))
			add[x.nadd++] = admins->v[i];
	int bad = ags_repo_run(files, jobs, reencrypt_one, &x, results, NULL, NULL);
	free(add);
	if (bad >= 0) {
		int r = ags_repo_sync_dirs(files);
		if (r < 0)
			return r;
	}
	return bad;
}

/* ---- step 4 ---- */

static int update_pubkey(const struct ags_cluster_repo *cr, const char *recipient, bool *changed,
			 struct ags_diag *d)
{
	char dir[PATH_MAX], p[PATH_MAX + 32], want[256];
	gitops_secrets_dir(cr, dir, sizeof(dir));
	snprintf(p, sizeof(p), "%s/.sops.public.key", dir);
	snprintf(want, sizeof(want), "%s\n", recipient);
	struct ags_buf cur;
	ags_buf_init(&cur, KEYFILE_MAX);
	int r = ags_file_read(p, &cur);
	bool same = r == 0 && cur.len == strlen(want) && !memcmp(cur.data, want, cur.len);
	ags_buf_release(&cur);
	if (same)
		return 0;
	if ((r = ags_file_write_atomic(p, want, strlen(want), -1, false)) < 0)
		return ags_diag_set(d, r, "%s: %s", p, ags_strerror(r));
	*changed = true;
	return 0;
}

static bool rule_has(const struct ags_sops_creation_rule *rule, const char *rc)
{
	for (size_t g = 0; g < rule->ngroups; g++)
		for (size_t k = 0; k < rule->groups[g].nage; k++)
			if (!strcmp(rule->groups[g].age[k], rc))
				return true;
	return false;
}

/* The cluster's rule in the text cfg; *others: other rules naming rc. */
static int find_rule(const struct ags_cluster_repo *cr, const char *text, size_t len, const char *path,
		     const char *rc, struct ags_sops_config **cfg, const struct ags_sops_creation_rule **rule,
		     size_t *others, struct ags_diag *d)
{
	char dir[PATH_MAX], probe[PATH_MAX + 16];
	gitops_secrets_dir(cr, dir, sizeof(dir));
	snprintf(probe, sizeof(probe), "%s/x.yaml", dir);
	AGS_TRY(ags_sops_config_parse(text, len, path, cfg, d));
	int r = ags_sops_config_match(*cfg, probe, rule, d);
	if (r == 0 && !*rule)
		r = ags_diag_set(d, AGS_E_NOT_FOUND, "%s: no creation rule covers %s", path, dir + strlen(cr->root) + 1);
	*others = 0;
	for (size_t i = 0; r == 0 && i < (*cfg)->nrules; i++)
		if (&(*cfg)->rules[i] != *rule && rule_has(&(*cfg)->rules[i], rc))
			(*others)++;
	if (r < 0) {
		ags_sops_config_free(*cfg);
		*cfg = NULL;
	}
	return r;
}

static int update_rule(const struct ags_cluster_repo *cr, const struct ags_rotation *rt, bool *changed,
		       struct ags_diag *d)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", cr->root, AGS_SOPS_CONFIG_NAME);
	struct ags_buf cur, out;
	ags_buf_init(&cur, AGS_SOPS_CONFIG_MAX_BYTES);
	ags_buf_init(&out, AGS_SOPS_CONFIG_MAX_BYTES);
	struct ags_sops_config *cfg = NULL;
	const struct ags_sops_creation_rule *rule = NULL;
	size_t others = 0;
	const char *oldr = rt->old_recipient, *newr = rt->new_recipient;
	int r = ags_file_read(path, &cur);
	if (r < 0)
		r = ags_diag_set(d, r, "%s: %s", path, ags_strerror(r));
	const char *s = cur.data ? (const char *)cur.data : "";
	if (r == 0)
		r = find_rule(cr, s, cur.len, path, oldr, &cfg, &rule, &others, d);
	bool has_old = r == 0 && rule_has(rule, oldr), has_new = r == 0 && rule_has(rule, newr);
	if (r == 0 && !has_old && has_new)
		goto out; /* done */
	if (r == 0 && !has_old)
		r = ags_diag_set(d, AGS_E_SOPS_CONFIG, "%s: the rule for the cluster's files names neither the old key %s "
				 "nor the new one: edit it by hand", path, oldr);
	else if (r == 0 && (has_new || others))
		r = ags_diag_set(d, AGS_E_SOPS_CONFIG, "%s: the old key %s is %s: replace it with %s by hand", path, oldr,
				 has_new ? "in the cluster's rule beside the new one" : "also used by other rules", newr);
	/* an age recipient is a unique bech32 string: replacing its text replaces exactly that key */
	for (const char *p = s, *end = s + cur.len; r == 0 && p < end;) {
		const char *hit = memmem(p, (size_t)(end - p), oldr, strlen(oldr));
		size_t upto = hit ? (size_t)(hit - p) : (size_t)(end - p);
		r = ags_buf_append(&out, p, upto);
		if (r == 0 && hit)
			r = ags_buf_puts(&out, newr);
		p = hit ? hit + strlen(oldr) : end;
	}
	ags_sops_config_free(cfg);
	cfg = NULL;
	if (r == 0)
		r = find_rule(cr, (const char *)out.data, out.len, path, newr, &cfg, &rule, &others, d);
	if (r == 0 && (!rule_has(rule, newr) || rule_has(rule, oldr)))
		r = ags_diag_set(d, AGS_E_SOPS_CONFIG, "%s: could not replace the old key in the rule", path);
	if (r == 0 && (r = ags_file_write_atomic(path, out.data, out.len, -1, false)) < 0)
		r = ags_diag_set(d, r, "%s: %s", path, ags_strerror(r));
	if (r == 0)
		*changed = true;
out:
	ags_sops_config_free(cfg);
	ags_buf_release(&cur);
	ags_buf_release(&out);
	return r;
}

int ags_rotation_update_repo(const struct ags_cluster_repo *cr, const struct ags_rotation *rt, bool *changed,
			     struct ags_diag *d)
{
	*changed = false;
	AGS_TRY(update_rule(cr, rt, changed, d));
	return update_pubkey(cr, rt->new_recipient, changed, d);
}
