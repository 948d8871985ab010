/*
 * The Secrets agesops generates: flux's Git credentials, CAPMOX's Proxmox
 * credentials, kubectl's generic Secret and Flux's sops-age key Secret.
 * Messages follow the tool each one replaces.
 */
#include "internal.h"
#include <agesops/age.h>
#include <agesops/gitops.h>
#include "gitops/strv.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define GENERIC_ENV_FILE_MAX ((size_t)64 << 20)

static bool is_uspace(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/* The end of every generator: s to *ret on success, else freed; returns r when negative, else 0. */
static int give_secret(int r, struct ags_gitops_secret *s, struct ags_gitops_secret **ret)
{
	if (r < 0) {
		ags_gitops_secret_free(s);
		return r;
	}
	*ret = s;
	return 0;
}

/* ------------------------------------------------------------------ git */

static int git_http(const struct ags_gitops_git_opts *o, struct ags_gitops_secret *s, struct ags_diag *d)
{
	const char *user = o->username;
	bool basic = user && *user && o->have_password && o->password_len;
	if ((user || o->have_password) && o->have_bearer)
		return ags_diag_set(d, AGS_E_GITOPS_INVALID, "user credentials and bearer token cannot be used together");
	if (!basic && !(o->have_bearer && o->bearer_len))
		return ags_diag_set(d, AGS_E_GITOPS_INVALID,
				    "for Git over HTTP/S the username and password, or a bearer token is required");
	if (basic) {
		AGS_TRY(ags_gitops_secret_add(s, "username", user, strlen(user), false, d));
		AGS_TRY(ags_gitops_secret_add(s, "password", o->password, o->password_len, false, d));
	} else {
		AGS_TRY(ags_gitops_secret_add(s, "bearerToken", o->bearer, o->bearer_len, false, d));
	}
	if (o->ca)
		AGS_TRY(ags_gitops_secret_add(s, "ca.crt", o->ca, o->ca_len, false, d));
	return 0;
}

static int git_ssh(const struct ags_gitops_git_opts *o, struct ags_gitops_secret *s, char **pub, struct ags_diag *d)
{
	if (!o->known_hosts)
		return ags_diag_set(d, AGS_E_GITOPS_INVALID,
				    "Git over SSH needs the host's key: pass --known-hosts-file F "
				    "(e.g. ssh-keyscan HOST > F); agesops never dials the Git host");
	/* flux TrimSpaces the scanned line */
	const unsigned char *kh = o->known_hosts;
	size_t b = 0, e = o->known_hosts_len;
	while (b < e && is_uspace(kh[b]))
		b++;
	while (e > b && is_uspace(kh[e - 1]))
		e--;
	if (e == b)
		return ags_diag_set(d, AGS_E_GITOPS_INVALID, "--known-hosts-file %s is empty",
				    o->known_hosts_name ? o->known_hosts_name : "");
	char *genpriv = NULL;
	size_t genlen = 0;
	struct ags_diag kd = { 0 };
	int r;
	if (o->private_key) {
		r = ags_ssh_public_from_private(o->private_key, o->private_key_len,
						o->have_password ? o->password : NULL, pub, &kd);
		if (r == 0)
			r = ags_gitops_secret_add(s, "identity", o->private_key, o->private_key_len, false, &kd);
	} else {
		r = ags_ssh_keygen(o->alg, o->bits, o->fmt, &genpriv, &genlen, pub, &kd);
		if (r == 0)
			r = ags_gitops_secret_add(s, "identity", genpriv, genlen, false, &kd);
		if (genpriv)
			ags_free_secret(genpriv, genlen);
	}
	if (r == 0)
		r = ags_gitops_secret_add(s, "identity.pub", *pub, strlen(*pub), false, &kd);
	if (r == 0)
		r = ags_gitops_secret_add(s, "known_hosts", kh + b, e - b, false, &kd);
	if (r == 0 && o->have_password)
		r = ags_gitops_secret_add(s, "password", o->password, o->password_len, false, &kd);
	if (r < 0) {
		const char *msg = kd.msg[0] ? kd.msg : ags_strerror(r);
		if (o->private_key_name)
			return ags_diag_set(d, r, "%s: %s", o->private_key_name, msg);
		return ags_diag_set(d, r, "%s", msg);
	}
	return 0;
}

int ags_gitops_git_secret(const struct ags_gitops_git_opts *o, struct ags_gitops_secret **ret, char **deploy_key,
			  struct ags_diag *d)
{
	const char *url = o->url ? o->url : "";
	const char *sep = strstr(url, "://");
	size_t sl = sep ? (size_t)(sep - url) : 0;
	bool ssh = sl == 3 && !strncmp(url, "ssh", 3);
	bool http = (sl == 4 && !strncmp(url, "http", 4)) || (sl == 5 && !strncmp(url, "https", 5));
	if (!ssh && !http)
		return ags_diag_set(d, AGS_E_GITOPS_INVALID, "git URL scheme '%.*s' not supported, can be: ssh, http and https",
				    (int)sl, sep ? url : "");
	struct ags_gitops_secret *s = NULL;
	char *pub = NULL;
	int r = ags_gitops_secret_new(o->name, o->ns, &s);
	if (r == 0)
		r = http ? git_http(o, s, d) : git_ssh(o, s, &pub, d);
	if (r >= 0 && deploy_key)
		*deploy_key = pub;
	else
		free(pub);
	return give_secret(r, s, ret);
}

/* -------------------------------------------------------------- proxmox */

bool ags_gitops_proxmox_secret_plausible(const void *sec, size_t n)
{
	const unsigned char *s = sec;
	if (n != 36)
		return false;
	for (size_t i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
			return false;
		}
	}
	return true;
}

int ags_gitops_proxmox_check(const struct ags_gitops_proxmox_opts *o, struct ags_diag *d)
{
	const char *pre = o->flag_prefix ? o->flag_prefix : "";
	const char *why = ags_gitops_proxmox_url_error(o->url);
	if (why)
		return ags_diag_set(d, AGS_E_GITOPS_INVALID, "--%surl '%s': %s", pre, o->url, why);
	if ((why = ags_gitops_proxmox_token_id_error(o->token_id)))
		return ags_diag_set(d, AGS_E_GITOPS_INVALID, "--%stoken-id '%s': %s", pre, o->token_id, why);
	if (o->insecure && strcmp(o->insecure, "true") && strcmp(o->insecure, "false"))
		return ags_diag_set(d, AGS_E_GITOPS_INVALID, "--%sinsecure must be true or false", pre);
	return 0;
}

int ags_gitops_proxmox_secret(const struct ags_gitops_proxmox_opts *o, struct ags_gitops_secret **ret,
			      struct ags_diag *d)
{
	AGS_TRY(ags_gitops_proxmox_check(o, d));
	struct ags_gitops_secret *s = NULL;
	int r = ags_gitops_secret_new(o->name, o->ns, &s);
	/* the labels clusterctl move and CAPMOX's own tooling look for */
	static const char *const labels[][2] = {
		{ "cluster.x-k8s.io/provider", "infrastructure-proxmox" },
		{ "clusterctl.cluster.x-k8s.io", "" },
		{ "platform.ionos.com/secret-type", "proxmox-credentials" },
	};
	for (size_t i = 0; r == 0 && i < AGS_ARRAY_SIZE(labels); i++)
		r = ags_gitops_secret_add_label(s, labels[i][0], labels[i][1], d);
	if (r == 0)
		r = ags_gitops_secret_add(s, "secret", o->secret, o->secret_len, false, d);
	if (r == 0)
		r = ags_gitops_secret_add(s, "token", o->token_id, strlen(o->token_id), false, d);
	if (r == 0)
		r = ags_gitops_secret_add(s, "url", o->url, strlen(o->url), false, d);
	if (r == 0 && o->insecure)
		r = ags_gitops_secret_add(s, "insecure", o->insecure, strlen(o->insecure), false, d);
	if (r == 0 && o->root_ca)
		r = ags_gitops_secret_add(s, "root_ca", o->root_ca, o->root_ca_len, false, d);
	return give_secret(r, s, ret);
}

/* -------------------------------------------------------------- generic */

static int read_source(const char *path, struct ags_buf *b, const char *what, struct ags_diag *d)
{
	int r = ags_file_read(path, b);
	if (r < 0)
		return ags_diag_set(d, r, "%s %s: %s", what, path, ags_strerror(r));
	return b->data ? 0 : ags_buf_append(b, "", 0);
}

static int add_file_source(struct ags_gitops_secret *s, const char *key, const char *path, struct ags_diag *d)
{
	struct ags_buf b;
	ags_buf_init_secret(&b, AGS_GITOPS_MAX_VALUE);
	int r = read_source(path, &b, "--from-file", d);
	if (r == 0)
		r = ags_gitops_secret_add(s, key, b.data, b.len, true, d);
	ags_buf_release(&b);
	return r;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* kubectl adds a directory's regular files, by name, under their names. */
static int dir_source(struct ags_gitops_secret *s, const char *src, struct ags_diag *d)
{
	DIR *dir = opendir(src);
	if (!dir)
		return ags_diag_set(d, -errno, "%s: %s", src, ags_strerror(-errno));
	char **names = NULL;
	size_t n = 0;
	int r = 0;
	struct dirent *de;
	while (r == 0 && (de = readdir(dir))) {
		char p[PATH_MAX];
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", src, de->d_name);
		if (stat(p, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		r = ags_gitops_strv_push(&names, &n, de->d_name, strlen(de->d_name));
		if (r == AGS_E_TOO_BIG)
			ags_diag_set(d, r, "--from-file=%s: too many files", src);
	}
	closedir(dir);
	if (r == 0 && names)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; r == 0 && i < n; i++) {
		char p[PATH_MAX];
		snprintf(p, sizeof(p), "%s/%s", src, names[i]);
		r = add_file_source(s, names[i], p, d);
	}
	ags_gitops_strv_free(names);
	return r;
}

static int file_source(struct ags_gitops_secret *s, const char *src, struct ags_diag *d)
{
	const char *eq = strchr(src, '=');
	if (eq) {
		if (eq == src || !eq[1])
			return ags_diag_set(d, AGS_E_GITOPS_INVALID,
					    "--from-file=%s: key names or file paths cannot be empty", src);
		char *key = strndup(src, (size_t)(eq - src));
		if (!key)
			return AGS_E_NOMEM;
		int r = add_file_source(s, key, eq + 1, d);
		free(key);
		return r;
	}
	struct stat st;
	if (stat(src, &st) == 0 && S_ISDIR(st.st_mode))
		return dir_source(s, src, d);
	const char *base = strrchr(src, '/');
	return add_file_source(s, base ? base + 1 : src, src, d);
}

static int literal_source(struct ags_gitops_secret *s, const char *lit, struct ags_diag *d)
{
	const char *eq = strchr(lit, '=');
	if (!eq)
		return ags_diag_set(d, AGS_E_GITOPS_INVALID, "invalid literal source %s, expected key=value", lit);
	char *key = strndup(lit, (size_t)(eq - lit));
	if (!key)
		return AGS_E_NOMEM;
	int r = ags_gitops_secret_add(s, key, eq + 1, strlen(eq + 1), true, d);
	free(key);
	return r;
}

static int env_source(struct ags_gitops_secret *s, const char *path, struct ags_diag *d)
{
	struct ags_buf b;
	ags_buf_init_secret(&b, GENERIC_ENV_FILE_MAX);
	int r = read_source(path, &b, "--from-env-file", d);
	if (r == 0)
		r = ags_gitops_secret_add_env_file(s, (const char *)b.data, b.len, path, d);
	ags_buf_release(&b);
	return r;
}

int ags_gitops_generic_secret(const struct ags_gitops_generic_opts *o, struct ags_gitops_secret **ret,
			      struct ags_diag *d)
{
	if (o->nenv_files && (o->nliterals || o->nfiles))
		return ags_diag_set(d, AGS_E_GITOPS_INVALID,
				    "from-env-file cannot be combined with from-file or from-literal");
	struct ags_gitops_secret *s = NULL;
	int r = ags_gitops_secret_new(o->name, o->ns, &s);
	if (r == 0 && o->type)
		r = ags_gitops_secret_set_type(s, o->type);
	/* kubectl's order: files, literals, env files (it matters only for which duplicate is named) */
	for (size_t i = 0; r == 0 && i < o->nfiles; i++) {
		/* --from-file is a comma-separated list (pflag StringSlice) */
		char *dup = strdup(o->files[i]), *save = NULL;
		if (!dup)
			r = AGS_E_NOMEM;
		for (char *tok = dup ? strtok_r(dup, ",", &save) : NULL; r == 0 && tok; tok = strtok_r(NULL, ",", &save))
			r = file_source(s, tok, d);
		free(dup);
	}
	for (size_t i = 0; r == 0 && i < o->nliterals; i++)
		r = literal_source(s, o->literals[i], d);
	for (size_t i = 0; r == 0 && i < o->nenv_files; i++)
		r = env_source(s, o->env_files[i], d);
	return give_secret(r, s, ret);
}

/* -------------------------------------------------------------- age-key */

int ags_gitops_age_key_secret(const struct ags_gitops_age_key_opts *o, struct ags_gitops_secret **ret,
			      char ***recipients, struct ags_diag *d)
{
	const char *kname = o->key_name ? o->key_name : "key file";
	struct ags_age_identities ids = { 0 };
	char **rv = NULL;
	size_t rn = 0;
	struct ags_gitops_secret *s = NULL;
	int r = ags_age_parse_identity_file(o->key, o->key_len, kname, NULL, NULL, &ids, d);
	if (r == 0 && ids.n == 0)
		r = ags_diag_set(d, AGS_E_AGE_BAD_KEY, "%s: no age identity found", kname);
	for (size_t i = 0; r == 0 && i < ids.n; i++) {
		struct ags_age_recipient *rc = NULL;
		char *str = NULL;
		if (ags_age_identity_to_recipient(ids.v[i], &rc) == 0 && ags_age_recipient_string(rc, &str) == 0)
			r = ags_gitops_strv_push(&rv, &rn, str, strlen(str));
		free(str);
		ags_age_recipient_free(rc);
	}
	ags_age_identities_clear(&ids);
	if (r == 0)
		r = ags_gitops_secret_new(o->name, o->ns, &s);
	if (r == 0)
		r = ags_gitops_secret_add(s, "age.agekey", o->key, o->key_len, true, d);
	if (r >= 0 && recipients)
		*recipients = rv;
	else
		ags_gitops_strv_free(rv);
	return give_secret(r, s, ret);
}
