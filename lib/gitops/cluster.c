/*
 * A cluster in its GitOps repository: where its files live (one place for
 * every command), which files its .sops.yaml rule covers, the recipients it
 * publishes, and `cluster init`, which scaffolds all of it.  The Secrets'
 * plaintext only ever exists in memory.
 */
#include "internal.h"
#include <agesops/gitops.h>
#include <agesops/sops-config.h>
#include "gitops/fsutil.h"
#include "gitops/strv.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DIR_DEPTH 100
#define KNOWN_HOSTS_MAX ((size_t)1 << 20)

/* ---- layout ---- */

void ags_gitops_cluster_clear(struct ags_gitops_cluster *c)
{
	if (!c)
		return;
	AGS_FREE_ALL(c->name, c->root, c->secrets_rel, c->flux_rel, c->secrets_dir, c->public_key, c->sops_yaml,
		     c->rule_regex, c->flux_kustomization);
	memset(c, 0, sizeof(*c));
}

/* A repository-relative directory: given or default, no trailing '/'. */
static char *rel_dir(const char *given, const char *def, const char *name)
{
	char *s = NULL;
	if (given ? asprintf(&s, "%s", given) < 0 : asprintf(&s, "%s/%s", def, name) < 0)
		return NULL;
	for (char *p = s + strlen(s); p > s && p[-1] == '/';)
		*--p = 0;
	return s;
}

static char *regex_quote(const char *s)
{
	char *out = malloc(2 * strlen(s) + 1), *o = out;
	if (!out)
		return NULL;
	for (; *s; s++) {
		if (strchr(".+*?()[]{}|^$\\", *s))
			*o++ = '\\';
		*o++ = *s;
	}
	*o = 0;
	return out;
}

int ags_gitops_cluster_layout(const char *root, const char *name, const char *secrets_dir, const char *flux_dir,
			      struct ags_gitops_cluster *out, struct ags_diag *d)
{
	if (!root || root[0] != '/' || !name)
		return AGS_E_INVAL;
	if (!ags_gitops_dns1123_label(name))
		return ags_diag_set(d, AGS_E_GITOPS_INVALID,
				    "cluster name '%s' must be a lowercase RFC 1123 label (it is also a namespace)", name);
	struct ags_gitops_cluster c = { 0 };
	c.name = strdup(name);
	c.root = strdup(root);
	c.secrets_rel = rel_dir(secrets_dir, "secrets", name);
	c.flux_rel = rel_dir(flux_dir, "clusters", name);
	int r = c.name && c.root && c.secrets_rel && c.flux_rel ? 0 : AGS_E_NOMEM;
	if (r == 0 && (c.secrets_rel[0] == '/' || c.flux_rel[0] == '/' || strstr(c.secrets_rel, "..") ||
		       strstr(c.flux_rel, "..") || !c.secrets_rel[0] || !c.flux_rel[0]))
		r = ags_diag_set(d, AGS_E_GITOPS_INVALID, "--secrets-dir and --flux-dir are paths inside the repository");
	char *quoted = r == 0 ? regex_quote(c.secrets_rel) : NULL;
	if (r == 0 && (!quoted || asprintf(&c.secrets_dir, "%s/%s", root, c.secrets_rel) < 0 ||
		       asprintf(&c.public_key, "%s/.sops.public.key", c.secrets_dir) < 0 ||
		       asprintf(&c.sops_yaml, "%s/.sops.yaml", root) < 0 ||
		       asprintf(&c.rule_regex, "^%s/.*\\.ya?ml$", quoted) < 0 ||
		       asprintf(&c.flux_kustomization, "%s/%s/secrets.yaml", root, c.flux_rel) < 0))
		r = AGS_E_NOMEM;
	free(quoted);
	if (r < 0) {
		ags_gitops_cluster_clear(&c);
		return r;
	}
	*out = c;
	return 0;
}

int ags_gitops_repo_root(const char *dir, char **root, struct ags_diag *d)
{
	char p[PATH_MAX];
	if (!realpath(dir ? dir : ".", p))
		return ags_diag_set(d, -errno, "%s: %s", dir ? dir : ".", ags_strerror(-errno));
	/* the nearest directory with a .git (a directory, or a file for worktrees and submodules) */
	for (int depth = 0; depth < MAX_DIR_DEPTH; depth++) {
		char g[PATH_MAX + 8];
		snprintf(g, sizeof(g), "%s/.git", strcmp(p, "/") ? p : "");
		if (ags_gitops_exists(g)) {
			if (!(*root = strdup(p)))
				return AGS_E_NOMEM;
			return 0;
		}
		char *slash = strrchr(p, '/');
		if (!slash || slash == p)
			break;
		*slash = 0;
	}
	return ags_diag_set(d, AGS_E_NOT_FOUND, "not in a git repository (use --repo DIR)");
}

/* ---- cluster init ---- */

static void step(const struct ags_gitops_init_opts *o, enum ags_gitops_init_step s, const char *rel, bool changed)
{
	if (o->step)
		o->step(o->ctx, s, rel, changed);
}

/* The cluster key, then the admins (once each): the rule's and the Secrets' recipients. */
static size_t recipients(const struct ags_gitops_init_opts *o, const char **age)
{
	size_t n = 0;
	age[n++] = o->recipient;
	for (size_t i = 0; i < o->nadmins && i < AGS_GITOPS_MAX_ADMINS; i++) {
		bool dup = false;
		for (size_t k = 0; k < n; k++)
			dup |= !strcmp(age[k], o->admins[i]);
		if (!dup)
			age[n++] = o->admins[i];
	}
	return n;
}

/*
 * The cluster's rule: absent, it is written for the key and the admins; when
 * it names the key, the admins it lacks are added (*added counts them); when
 * it names another key, AGS_E_EXISTS.
 */
static int init_rule(const struct ags_gitops_init_opts *o, size_t *added, bool *changed, struct ags_diag *d)
{
	const char *want[AGS_GITOPS_MAX_ADMINS + 1];
	size_t nwant = recipients(o, want);
	bool found = false;
	char **cur = NULL;
	size_t ncur = 0;
	*added = 0;
	int r = ags_gitops_cluster_rule(o->cluster, &found, &cur, &ncur, d);
	bool has_key = false;
	for (size_t i = 0; r == 0 && i < ncur; i++)
		has_key |= !strcmp(cur[i], o->recipient);
	if (r == 0 && found && has_key && nwant > 1) {
		/* keep what the rule has (other admins, a key being rotated in), add the missing admins */
		const char **all = calloc(ncur + nwant, sizeof(*all));
		size_t n = 0;
		if (!all)
			r = AGS_E_NOMEM;
		for (size_t i = 0; r == 0 && i < ncur; i++)
			all[n++] = cur[i];
		for (size_t i = 1; r == 0 && i < nwant; i++) {
			bool have = false;
			for (size_t k = 0; k < ncur; k++)
				have |= !strcmp(cur[k], want[i]);
			if (!have) {
				all[n++] = want[i];
				(*added)++;
			}
		}
		if (r == 0)
			r = ags_gitops_cluster_set_rule(o->cluster, all, n, true, changed, d);
		free(all);
	} else if (r == 0 && !(found && has_key)) {
		r = ags_gitops_cluster_set_rule(o->cluster, want, nwant, false, changed, d);
	} else {
		*changed = false;
	}
	ags_gitops_strv_free(cur);
	return r;
}

static int file_error(struct ags_diag *d, int r, const char *path)
{
	return ags_diag_set(d, r, "%s: %s", path, ags_strerror(r));
}

/* .sops.public.key next to the secrets: never silently another key's. */
static int write_public_key(const struct ags_gitops_init_opts *o, struct ags_diag *d)
{
	const struct ags_gitops_cluster *c = o->cluster;
	struct ags_buf cur;
	ags_buf_init(&cur, 1 << 16);
	size_t rl = strlen(o->recipient);
	bool other = ags_gitops_exists(c->public_key) && ags_file_read(c->public_key, &cur) == 0 &&
		     !(cur.len >= rl && !memcmp(cur.data, o->recipient, rl));
	ags_buf_release(&cur);
	if (other && !o->force)
		return ags_diag_set(d, AGS_E_EXISTS, "%s/.sops.public.key names another key; --force to replace it",
				    c->secrets_rel);
	char line[512], rel[PATH_MAX];
	snprintf(line, sizeof(line), "%s\n", o->recipient);
	bool written;
	int r = ags_gitops_write_new(c->public_key, line, strlen(line), 0644, o->force, &written);
	if (r < 0)
		return file_error(d, r, c->public_key);
	snprintf(rel, sizeof(rel), "%s/.sops.public.key", c->secrets_rel);
	step(o, AGS_INIT_PUBLIC_KEY, rel, written);
	return 0;
}

/* Encrypts a Secret for the cluster key and writes it (never the plaintext). */
static int write_secret(const struct ags_gitops_init_opts *o, const struct ags_gitops_secret *s,
			enum ags_gitops_layout layout, const char *path, const char *rel, struct ags_diag *d)
{
	struct ags_buf plain, enc;
	struct ags_diag ed = { 0 };
	ags_buf_init_secret(&plain, 1 << 24);
	ags_buf_init(&enc, 1 << 26);
	const char *age[AGS_GITOPS_MAX_ADMINS + 1];
	size_t nage = recipients(o, age);
	bool written = false;
	int r = ags_gitops_secret_emit(s, layout, &plain, d);
	if (r == 0 && (r = ags_gitops_encrypt_manifest(age, nage, AGS_GITOPS_ENCRYPTED_REGEX, rel, plain.data, plain.len,
						       &enc, &ed)) < 0)
		ags_diag_set(d, r, "encrypt: %s", ed.msg[0] ? ed.msg : ags_strerror(r));
	if (r == 0 && (r = ags_gitops_write_new(path, enc.data, enc.len, 0644, o->force, &written)) < 0)
		file_error(d, r, path);
	if (r == 0)
		step(o, AGS_INIT_SECRET, rel, written);
	ags_buf_release(&plain);
	ags_buf_release(&enc);
	return r;
}

/* The Secret's path; false (after reporting it kept) when it exists and is kept. */
static bool secret_wanted(const struct ags_gitops_init_opts *o, const char *file, char *path, char *rel)
{
	snprintf(path, PATH_MAX, "%s/%s", o->cluster->secrets_dir, file);
	snprintf(rel, PATH_MAX, "%s/%s", o->cluster->secrets_rel, file);
	if (ags_gitops_exists(path) && !o->force) {
		step(o, AGS_INIT_SECRET, rel, false);
		return false;
	}
	return true;
}

static int git_secret(const struct ags_gitops_init_opts *o, struct ags_gitops_init_result *res, struct ags_diag *d)
{
	char path[PATH_MAX], rel[PATH_MAX];
	if (!secret_wanted(o, "git-secret.yaml", path, rel))
		return 0;
	struct ags_gitops_git_opts g = {
		.name = o->git_secret_name ? o->git_secret_name : o->cluster->name,
		.ns = "flux-system",
		.url = o->git_url,
		.alg = AGS_SSH_ECDSA, /* flux create secret git's default key */
		.bits = 384,
		.fmt = AGS_SSH_FMT_PKCS8,
		.known_hosts_name = o->known_hosts_file,
	};
	struct ags_buf tok, kh;
	ags_buf_init_secret(&tok, 1 << 20);
	ags_buf_init(&kh, KNOWN_HOSTS_MAX);
	struct ags_gitops_secret *s = NULL;
	int r = 0;
	if (!strncmp(o->git_url, "ssh://", 6)) {
		if ((r = ags_file_read(o->known_hosts_file, &kh)) < 0)
			file_error(d, r, o->known_hosts_file);
		g.known_hosts = kh.data ? kh.data : (unsigned char *)"";
		g.known_hosts_len = kh.len;
	} else {
		const char *user = o->git_username ? o->git_username : getenv("GIT_USERNAME");
		g.username = user && *user ? user : "git";
		r = o->value(o->ctx, "GIT_TOKEN", "Git token (password): ", &tok, d);
		g.password = (const char *)tok.data;
		g.password_len = tok.len;
		g.have_password = true;
	}
	if (r == 0)
		r = ags_gitops_git_secret(&g, &s, &res->deploy_key, d);
	if (r == 0)
		r = write_secret(o, s, AGS_LAYOUT_FLUX, path, rel, d);
	ags_gitops_secret_free(s);
	ags_buf_release(&tok);
	ags_buf_release(&kh);
	return r;
}

static void proxmox_opts(const struct ags_gitops_init_opts *o, struct ags_gitops_proxmox_opts *p)
{
	*p = (struct ags_gitops_proxmox_opts){
		.name = o->proxmox_secret_name ? o->proxmox_secret_name : "capmox-manager-credentials",
		.ns = o->cluster ? o->cluster->name : NULL,
		.url = o->proxmox_url,
		.token_id = o->proxmox_token_id,
		.insecure = o->proxmox_insecure,
		.flag_prefix = "proxmox-",
	};
}

static int proxmox_secret(const struct ags_gitops_init_opts *o, struct ags_diag *d)
{
	char path[PATH_MAX], rel[PATH_MAX];
	if (!secret_wanted(o, "proxmox-secret.yaml", path, rel))
		return 0;
	struct ags_gitops_proxmox_opts p;
	struct ags_gitops_secret *s = NULL;
	struct ags_buf sec;
	ags_buf_init_secret(&sec, 1 << 16);
	proxmox_opts(o, &p);
	int r = o->value(o->ctx, "PROXMOX_SECRET", "Proxmox token secret: ", &sec, d);
	p.secret = sec.data;
	p.secret_len = sec.len;
	if (r == 0)
		r = ags_gitops_proxmox_secret(&p, &s, d);
	if (r == 0)
		r = write_secret(o, s, AGS_LAYOUT_STRINGDATA, path, rel, d);
	ags_gitops_secret_free(s);
	ags_buf_release(&sec);
	return r;
}

int ags_gitops_cluster_init_check(const struct ags_gitops_init_opts *o, struct ags_diag *d)
{
	if ((o->git || o->proxmox) && !o->value)
		return AGS_E_INVAL;
	if (o->git) {
		bool ssh = !strncmp(o->git_url ? o->git_url : "", "ssh://", 6);
		if (!o->git_url)
			return ags_diag_set(d, AGS_E_GITOPS_INVALID, "--git-url is required (or --no-git)");
		if (!ssh && strncmp(o->git_url, "https://", 8) && strncmp(o->git_url, "http://", 7))
			return ags_diag_set(d, AGS_E_GITOPS_INVALID,
					    "--git-url: scheme not supported, can be: ssh, http and https");
		if (ssh && !o->known_hosts_file)
			return ags_diag_set(d, AGS_E_GITOPS_INVALID,
					    "--git-url ssh://...: pass --known-hosts-file (e.g. ssh-keyscan HOST > F)");
	}
	if (o->proxmox) {
		struct ags_gitops_proxmox_opts p;
		if (!o->proxmox_url || !o->proxmox_token_id)
			return ags_diag_set(d, AGS_E_GITOPS_INVALID,
					    "--proxmox-url and --proxmox-token-id are required (or --no-proxmox)");
		proxmox_opts(o, &p);
		AGS_TRY(ags_gitops_proxmox_check(&p, d));
	}
	return 0;
}

static int flux_kustomization(const struct ags_gitops_init_opts *o, struct ags_diag *d)
{
	const struct ags_gitops_cluster *c = o->cluster;
	char rel[PATH_MAX], path[PATH_MAX];
	struct ags_buf ks;
	ags_buf_init(&ks, 1 << 16);
	bool written = false;
	int r = ags_gitops_flux_kustomization(c, &ks);
	if (r == 0 && (r = ags_gitops_write_new(c->flux_kustomization, ks.data, ks.len, 0644, o->force, &written)) < 0)
		file_error(d, r, c->flux_kustomization);
	ags_buf_release(&ks);
	if (r < 0)
		return r;
	snprintf(rel, sizeof(rel), "%s/secrets.yaml", c->flux_rel);
	step(o, AGS_INIT_FLUX, rel, written);
	/* wire it into the cluster's Flux directory when that has a kustomization */
	const char *it[1] = { "secrets.yaml" };
	snprintf(path, sizeof(path), "%s/%s/kustomization.yaml", c->root, c->flux_rel);
	AGS_TRY(ags_gitops_kustomization_add(path, it, 1, false, &written, d));
	snprintf(rel, sizeof(rel), "%s/kustomization.yaml", c->flux_rel);
	if (written)
		step(o, AGS_INIT_KUSTOMIZATION, rel, true);
	return 0;
}

int ags_gitops_cluster_init(const struct ags_gitops_init_opts *o, struct ags_gitops_init_result *res,
			    struct ags_diag *d)
{
	if (!o->cluster || !o->recipient)
		return AGS_E_INVAL;
	AGS_TRY(ags_gitops_cluster_init_check(o, d));
	const struct ags_gitops_cluster *c = o->cluster;
	struct ags_gitops_init_result out = { 0 };
	const char *items[2];
	size_t nitems = 0;
	bool changed;
	int r = write_public_key(o, d);
	if (r == 0)
		r = init_rule(o, &out.admins_added, &changed, d);
	if (r == 0)
		step(o, AGS_INIT_SOPS_YAML, ".sops.yaml", changed);
	if (r == 0 && o->git) {
		r = git_secret(o, &out, d);
		items[nitems++] = "git-secret.yaml";
	}
	if (r == 0 && o->proxmox) {
		r = proxmox_secret(o, d);
		items[nitems++] = "proxmox-secret.yaml";
	}
	if (r == 0 && nitems) {
		char path[PATH_MAX], rel[PATH_MAX];
		snprintf(path, sizeof(path), "%s/kustomization.yaml", c->secrets_dir);
		snprintf(rel, sizeof(rel), "%s/kustomization.yaml", c->secrets_rel);
		r = ags_gitops_kustomization_add(path, items, nitems, true, &changed, d);
		if (r == 0 && changed)
			step(o, AGS_INIT_KUSTOMIZATION, rel, true);
	}
	if (r == 0)
		r = flux_kustomization(o, d);
	if (r < 0) {
		ags_gitops_init_result_clear(&out);
		return r;
	}
	*res = out;
	return 0;
}

void ags_gitops_init_result_clear(struct ags_gitops_init_result *r)
{
	if (!r)
		return;
	free(r->deploy_key);
	r->deploy_key = NULL;
}
