/*
 * Who a generated manifest is encrypted for, and the encryption itself: the
 * .sops.yaml creation rule that matches the file, else the .sops.public.key
 * a cluster publishes beside its secrets (found walking up).
 */
#include "internal.h"
#include <agesops/gitops.h>
#include <agesops/sops.h>
#include <agesops/sops-config.h>
#include "gitops/strv.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Caps: a .sops.public.key is a handful of lines. */
#define PUBLIC_KEY_FILE_MAX ((size_t)1 << 20)
#define MAX_DIR_DEPTH 100

void ags_gitops_recipients_clear(struct ags_gitops_recipients *r)
{
	if (!r)
		return;
	ags_gitops_strv_free(r->age);
	AGS_FREE_ALL(r->source, r->regex);
	memset(r, 0, sizeof(*r));
}

int ags_gitops_parse_public_keys(const char *data, size_t len, char ***v, size_t *n)
{
	const char *p = data, *end = data + len;
	int r = 0;
	while (r == 0 && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *s = p, *e = le;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		if (e > s && *s != '#')
			r = ags_gitops_strv_push(v, n, s, (size_t)(e - s));
		p = nl ? nl + 1 : end;
	}
	return r;
}

static int read_public_key_file(const char *path, struct ags_gitops_recipients *out, struct ags_diag *d)
{
	struct ags_buf b;
	ags_buf_init(&b, PUBLIC_KEY_FILE_MAX);
	int r = ags_file_read(path, &b);
	if (r < 0)
		ags_diag_set(d, r, "%s: %s", path, ags_strerror(r));
	else
		r = ags_gitops_parse_public_keys((const char *)b.data, b.len, &out->age, &out->n);
	ags_buf_release(&b);
	return r;
}

/* The absolute directory of path. */
static char *dir_of(const char *path)
{
	char abs[2 * PATH_MAX + 2];
	if (path[0] == '/') {
		snprintf(abs, sizeof(abs), "%s", path);
	} else {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof(cwd)))
			return NULL;
		snprintf(abs, sizeof(abs), "%s/%s", cwd, path);
	}
	char *slash = strrchr(abs, '/');
	if (slash == abs)
		slash[1] = 0;
	else if (slash)
		*slash = 0;
	return strdup(abs);
}

/* 1 when the .sops.yaml rule for path named age keys (out filled), 0 when not. */
static int from_sops_yaml(const char *dir, const char *path, struct ags_gitops_recipients *out, struct ags_diag *d)
{
	char *cfgpath = NULL, *warn = NULL;
	int r = ags_sops_config_find(dir, &cfgpath, &warn);
	free(warn);
	if (r < 0) {
		free(cfgpath);
		return 0;
	}
	struct ags_sops_config *c = NULL;
	const struct ags_sops_creation_rule *rule = NULL;
	struct ags_diag cd = { 0 };
	r = ags_sops_config_load(cfgpath, &c, &cd);
	if (r == 0)
		r = ags_sops_config_match(c, path, &rule, &cd);
	if (r < 0) {
		ags_diag_set(d, r, "%s: %s", cfgpath, cd.msg[0] ? cd.msg : ags_strerror(r));
	} else if (rule && rule->ngroups > 0) {
		for (size_t g = 0; r == 0 && g < rule->ngroups; g++)
			for (size_t i = 0; r == 0 && i < rule->groups[g].nage; i++)
				r = ags_gitops_strv_push(&out->age, &out->n, rule->groups[g].age[i],
							 strlen(rule->groups[g].age[i]));
		if (r == 0 && rule->encrypted_regex && !(out->regex = strdup(rule->encrypted_regex)))
			r = AGS_E_NOMEM;
		if (r == 0 && out->n) {
			out->source = cfgpath;
			cfgpath = NULL;
		}
	}
	ags_sops_config_free(c);
	free(cfgpath);
	return r < 0 ? r : out->n > 0;
}

int ags_gitops_find_recipients(const char *path, struct ags_gitops_recipients *out, struct ags_diag *d)
{
	struct ags_gitops_recipients res = { 0 };
	char *dir = dir_of(path);
	if (!dir)
		return -errno;
	int r = from_sops_yaml(dir, path, &res, d);
	if (r == 0) {
		/* no rule with keys (a rule's encrypted_regex still applies) */
		r = AGS_E_SOPS_NO_RECIPIENTS;
		char *p = dir;
		for (int depth = 0; depth < MAX_DIR_DEPTH; depth++) {
			char kp[PATH_MAX];
			snprintf(kp, sizeof(kp), "%s/.sops.public.key", strcmp(p, "/") ? p : "");
			if (access(kp, R_OK) == 0) {
				r = read_public_key_file(kp, &res, d);
				if (r == 0 && !(res.source = strdup(kp)))
					r = AGS_E_NOMEM;
				break;
			}
			char *slash = strrchr(p, '/');
			if (!slash || slash == p)
				break;
			*slash = 0;
		}
	}
	free(dir);
	if (r < 0) {
		ags_gitops_recipients_clear(&res);
		return r;
	}
	*out = res;
	return 0;
}

int ags_gitops_encrypt_manifest(const char *const *age, size_t nage, const char *regex, const char *filename,
				const void *plain, size_t len, struct ags_buf *out, struct ags_diag *d)
{
	struct ags_sops_encrypt_opts o = { 0 };
	o.age = age;
	o.nage = nage;
	o.rules.encrypted_regex = regex ? regex : AGS_GITOPS_ENCRYPTED_REGEX;
	o.input_type = "yaml";
	o.output_type = "yaml";
	o.filename = filename;
	o.indent = AGS_SOPS_INDENT_DEFAULT;
	return ags_sops_encrypt_buf(plain, len, &o, out, d);
}
