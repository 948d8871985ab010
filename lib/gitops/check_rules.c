/*
 * What a file in a repository should be encrypted for, as `check` (and
 * `kube verify`) ask it for every file: the matching .sops.yaml creation
 * rule, else the nearest .sops.public.key up to the repository root.  Each
 * directory is looked up once.
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
#include <unistd.h>

#define MAX_DIRS 100000
#define MAX_DIR_DEPTH 100

struct dircache {
	char *dir;
	struct ags_sops_config *cfg; /* NULL: none, or it did not load */
	char **pub;                  /* .sops.public.key recipients (NULL-terminated) */
	size_t npub;
	char *pubpath;
	char *bad_cfg;               /* the config that did not load (reported once) */
};

struct ags_gitops_rules {
	struct dircache *dc;
	size_t ndc;
	const char **flat; /* the matched rule's recipients, all key groups */
	size_t nflat;
	struct ags_diag cfg_diag;
};

int ags_gitops_rules_new(struct ags_gitops_rules **ret)
{
	return (*ret = calloc(1, sizeof(**ret))) ? 0 : AGS_E_NOMEM;
}

void ags_gitops_rules_free(struct ags_gitops_rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ndc; i++) {
		ags_sops_config_free(r->dc[i].cfg);
		ags_gitops_strv_free(r->dc[i].pub);
		AGS_FREE_ALL(r->dc[i].dir, r->dc[i].pubpath, r->dc[i].bad_cfg);
	}
	AGS_FREE_ALL(r->dc, r->flat, r);
}

static bool config_reported(const struct ags_gitops_rules *r, const char *cfgpath)
{
	for (size_t i = 0; i < r->ndc; i++)
		if (r->dc[i].bad_cfg && !strcmp(r->dc[i].bad_cfg, cfgpath))
			return true;
	return false;
}

static int read_pubkeys(const char *p, struct dircache *e)
{
	struct ags_buf b;
	ags_buf_init(&b, 1 << 20);
	int r = ags_file_read(p, &b);
	if (r == 0)
		r = ags_gitops_parse_public_keys((const char *)b.data, b.len, &e->pub, &e->npub);
	if (r == 0 && !(e->pubpath = strdup(p)))
		r = AGS_E_NOMEM;
	ags_buf_release(&b);
	return r;
}

/* .sops.public.key in dir or above, stopping at the repository root. */
static void find_pubkeys(const char *dir, struct dircache *e)
{
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s", dir);
	for (int depth = 0; depth < MAX_DIR_DEPTH; depth++) {
		char kp[PATH_MAX + 32], gp[PATH_MAX + 8];
		snprintf(kp, sizeof(kp), "%s/.sops.public.key", strcmp(p, "/") ? p : "");
		if (access(kp, R_OK) == 0) {
			read_pubkeys(kp, e);
			return;
		}
		snprintf(gp, sizeof(gp), "%s/.git", strcmp(p, "/") ? p : "");
		char *slash = strrchr(p, '/');
		if (ags_gitops_exists(gp) || !slash || slash == p)
			return;
		*slash = 0;
	}
}

/* Config and public key for a directory; *first_error when its config failed to load here first. */
static struct dircache *dir_info(struct ags_gitops_rules *r, const char *dir, bool *first_error)
{
	for (size_t i = 0; i < r->ndc; i++)
		if (!strcmp(r->dc[i].dir, dir))
			return &r->dc[i];
	if (ags_gitops_grow(&r->dc, r->ndc, sizeof(*r->dc), MAX_DIRS) < 0)
		return NULL;
	struct dircache *e = &r->dc[r->ndc];
	memset(e, 0, sizeof(*e));
	if (!(e->dir = strdup(dir)))
		return NULL;
	r->ndc++;
	char *cfgpath = NULL, *warn = NULL;
	if (ags_sops_config_find(dir, &cfgpath, &warn) == 0 &&
	    ags_sops_config_load(cfgpath, &e->cfg, &r->cfg_diag) < 0) {
		e->cfg = NULL;
		*first_error = !config_reported(r, cfgpath);
		e->bad_cfg = cfgpath;
		cfgpath = NULL;
	}
	free(cfgpath);
	free(warn);
	find_pubkeys(dir, e);
	return e;
}

static char *abs_dir(const char *path)
{
	char buf[PATH_MAX];
	const char *slash = strrchr(path, '/');
	if (!slash)
		return getcwd(buf, sizeof(buf)) ? strdup(buf) : NULL;
	char *d = strndup(path, (size_t)(slash - path) + (slash == path));
	char *res = d ? realpath(d, NULL) : NULL;
	free(d);
	return res;
}

static int flatten(struct ags_gitops_rules *r, const struct ags_sops_creation_rule *rule)
{
	size_t n = 0;
	for (size_t g = 0; g < rule->ngroups; g++)
		n += rule->groups[g].nage;
	const char **v = realloc(r->flat, (n + 1) * sizeof(*v));
	if (!v)
		return AGS_E_NOMEM;
	r->flat = v;
	r->nflat = 0;
	for (size_t g = 0; g < rule->ngroups; g++)
		for (size_t i = 0; i < rule->groups[g].nage; i++)
			v[r->nflat++] = rule->groups[g].age[i];
	v[r->nflat] = NULL;
	return 0;
}

int ags_gitops_rules_expected(struct ags_gitops_rules *r, const char *path, struct ags_gitops_expected *out,
			      struct ags_diag *d)
{
	struct ags_gitops_expected x = { 0 };
	bool first_error = false;
	char *dir = abs_dir(path);
	if (!dir)
		return ags_diag_set(d, -errno, "%s: %s", path, ags_strerror(-errno));
	struct dircache *e = dir_info(r, dir, &first_error);
	free(dir);
	if (!e)
		return AGS_E_NOMEM;
	if (first_error) {
		x.config_error = r->cfg_diag.msg[0] ? r->cfg_diag.msg : "cannot be read";
		x.config_path = e->bad_cfg;
	}
	const struct ags_sops_creation_rule *rule = NULL;
	struct ags_diag md = { 0 };
	char *abs = e->cfg ? realpath(path, NULL) : NULL;
	if (e->cfg && ags_sops_config_match(e->cfg, abs ? abs : path, &rule, &md) == 0 && rule) {
		x.encrypted_regex = rule->encrypted_regex;
		if (rule->ngroups) {
			int rc = flatten(r, rule);
			if (rc < 0) {
				free(abs);
				return rc;
			}
			x.age = r->flat;
			x.nage = r->nflat;
			x.source = e->cfg->path;
		}
	}
	free(abs);
	if (!x.nage && e->npub) {
		x.age = (const char *const *)e->pub;
		x.nage = e->npub;
		x.source = e->pubpath;
	}
	*out = x;
	return 0;
}
