#include "internal.h"
#include "k8s/kubeconfig.h"
#include "k8s/json.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kfile {
	char *path;
	char *dir;
	struct k8s_json *root;
};

static void exec_free(struct k8s_exec_cfg *e)
{
	if (!e)
		return;
	for (size_t i = 0; e->argv && e->argv[i]; i++)
		free(e->argv[i]);
	/* env values may be credentials (some plugins take them there) */
	for (size_t i = 0; e->env && e->env[i]; i++)
		ags_free_secret_str(e->env[i]);
	AGS_FREE_ALL(e->api_version, e->command, e->argv, e->env, e->install_hint, e->interactive_mode, e);
}

void k8s_config_free(struct k8s_rest_config *c)
{
	if (!c)
		return;
	ags_free_secret(c->key_data, c->key_len);
	ags_free_secret_str(c->token);
	exec_free(c->exec);
	AGS_FREE_ALL(c->server, c->host, c->ca_file, c->ca_data, c->cert_file, c->cert_data, c->key_file,
		     c->token_file, c->namespace_, c->context, c->cluster, c->user, c->source, c);
}

static int dupstr(const char *s, char **out)
{
	if (!s) {
		*out = NULL;
		return 0;
	}
	*out = strdup(s);
	return *out ? 0 : AGS_E_NOMEM;
}

/* The URL for a message: a password in it becomes *** (as kubectl). */
static void redact_url(const char *url, char *out, size_t cap)
{
	const char *scheme = strstr(url, "://");
	const char *auth = scheme ? scheme + 3 : url;
	size_t al = strcspn(auth, "/?#");
	const char *at = memrchr(auth, '@', al);
	const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (colon)
		snprintf(out, cap, "%.*s:***%.100s", (int)AGS_MIN((size_t)(colon - url), 100), url, at);
	else
		snprintf(out, cap, "%.100s", url);
}

/* Splits the server URL into the host[:port] used in messages (without any
 * user:password@ part). */
static int set_server(struct k8s_rest_config *c, const char *server, const char *where, struct ags_diag *d)
{
	size_t skip;
	if (!strncmp(server, "https://", 8))
		skip = 8;
	else if (!strncmp(server, "http://", 7))
		skip = 7;
	else {
		char shown[256];
		redact_url(server, shown, sizeof(shown));
		return ags_diag_set(d, AGS_E_K8S_CONFIG, "%s: server '%s' must start with https://", where, shown);
	}
	size_t hl = strcspn(server + skip, "/?#");
	const char *at = memrchr(server + skip, '@', hl);
	if (at) {
		hl -= (size_t)(at + 1 - (server + skip));
		skip = (size_t)(at + 1 - server);
	}
	if (hl == 0 || strlen(server) > 2048)
		return ags_diag_set(d, AGS_E_K8S_CONFIG, "%s: invalid server URL", where);
	for (const char *p = server; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return ags_diag_set(d, AGS_E_K8S_CONFIG, "%s: invalid character in server URL", where);
	c->host = strndup(server + skip, hl);
	c->server = strdup(server);
	if (!c->host || !c->server)
		return AGS_E_NOMEM;
	size_t l = strlen(c->server);
	while (l > skip + hl && c->server[l - 1] == '/')
		c->server[--l] = 0;
	return 0;
}

static int resolve_path(const char *dir, const char *p, char **out)
{
	if (p[0] == '/' || !dir) {
		*out = strdup(p);
	} else if (asprintf(out, "%s/%s", dir, p) < 0) {
		*out = NULL;
	}
	return *out ? 0 : AGS_E_NOMEM;
}

/* Base64 from a kubeconfig *-data field: standard alphabet, line breaks ignored as Go does.  The
 * copies made on the way are wiped, so a key decodes here as safely as a certificate. */
static int decode_data(const char *s, unsigned char **out, size_t *outlen, const char *where, struct ags_diag *d)
{
	int r = ags_b64_decode_wrapped(s, strlen(s), out, outlen);
	if (r < 0)
		return r == AGS_E_NOMEM ? r : ags_diag_set(d, AGS_E_K8S_CONFIG, "%s: invalid base64", where);
	return 0;
}

static int read_files(const char *const *paths, size_t n, bool explicit_, struct kfile **ret, size_t *nret,
		      struct ags_diag *d)
{
	struct kfile *f = calloc(n ? n : 1, sizeof(*f));
	size_t k = 0;
	int r = 0;
	if (!f)
		return AGS_E_NOMEM;
	for (size_t i = 0; i < n && !r; i++) {
		if (!paths[i][0])
			continue;
		struct ags_buf b;
		ags_buf_init_secret(&b, K8S_CONFIG_FILE_MAX);
		r = ags_file_read(paths[i], &b);
		if (r == -ENOENT && !explicit_) {
			r = 0;
			ags_buf_release(&b);
			continue;
		}
		if (r < 0) {
			ags_buf_release(&b);
			r = ags_diag_set(d, AGS_E_K8S_CONFIG, "%s: %s", paths[i],
					 r == AGS_E_TOO_BIG ? "file too large" : ags_strerror(r));
			break;
		}
		r = k8s_yaml_parse(b.data ? (const char *)b.data : "", b.len, paths[i], &f[k].root, d);
		ags_buf_release(&b);
		if (r < 0)
			break;
		f[k].path = strdup(paths[i]);
		const char *sl = strrchr(paths[i], '/');
		f[k].dir = sl ? strndup(paths[i], sl == paths[i] ? 1 : (size_t)(sl - paths[i])) : strdup(".");
		k++;
		if (!f[k - 1].path || !f[k - 1].dir)
			r = AGS_E_NOMEM;
	}
	if (r < 0) {
		for (size_t i = 0; i < k; i++) {
			free(f[i].path);
			free(f[i].dir);
			k8s_json_free(f[i].root);
		}
		free(f);
		return r;
	}
	*ret = f;
	*nret = k;
	return 0;
}

/*
 * Finds section[].name == name in the first file that has it, and returns
 * the entry's inner object (e.g. contexts[i].context).
 */
static int find_named(struct kfile *f, size_t n, const char *section, const char *inner, const char *name,
		      const struct k8s_json **ret, size_t *file, struct ags_diag *d)
{
	for (size_t i = 0; i < n; i++) {
		const struct k8s_json *list = k8s_json_get(f[i].root, section);
		if (k8s_json_is_null(list))
			continue;
		if (list->type != K8S_JSON_ARRAY)
			return ags_diag_set(d, AGS_E_K8S_CONFIG, "%s:%d: %s must be a list", f[i].path, list->line,
					    section);
		for (const struct k8s_json *e = list->child; e; e = e->next) {
			const char *nm = k8s_json_get_str(e, "name");
			if (e->type != K8S_JSON_OBJECT || !nm)
				return ags_diag_set(d, AGS_E_K8S_CONFIG, "%s:%d: %s entry without a name",
						    f[i].path, e->line, section);
			if (strcmp(nm, name))
				continue;
			const struct k8s_json *v = k8s_json_get(e, inner);
			if (!k8s_json_is_null(v) && v->type != K8S_JSON_OBJECT)
				return ags_diag_set(d, AGS_E_K8S_CONFIG, "%s:%d: %s '%s': %s must be a mapping",
						    f[i].path, e->line, section, name, inner);
			*ret = k8s_json_is_null(v) ? NULL : v;
			*file = i;
			return 0;
		}
	}
	return ags_diag_set(d, AGS_E_K8S_CONFIG, "%s '%.200s' not found in kubeconfig (%s)", inner, name,
			    n ? f[0].path : "");
}

/* A string field: absent/null gives NULL; any other non-string type is an error. */
static int get_string(const struct k8s_json *obj, const char *key, const char **out, const char *file,
		      struct ags_diag *d)
{
	const struct k8s_json *v = k8s_json_get(obj, key);
	*out = NULL;
	if (k8s_json_is_null(v))
		return 0;
	if (v->type != K8S_JSON_STRING && v->type != K8S_JSON_BOOL)
		return ags_diag_set(d, AGS_E_K8S_CONFIG, "%s:%d: %s must be a string", file, v->line, key);
	*out = v->str[0] ? v->str : NULL;
	return 0;
}

/* An optional list of the exec block (args, env): *first its first element,
 * *n its length, both 0 when the key is absent or null, and *vec a zeroed
 * vector for it with room for extra more; many names the elements in the
 * "too many" message. */
static int exec_list(const struct kfile *f, const struct k8s_json *ex, const char *key, const char *many,
		     size_t extra, const struct k8s_json **first, size_t *n, char ***vec, struct ags_diag *d)
{
	const struct k8s_json *l = k8s_json_get(ex, key);
	*n = k8s_json_is_null(l) ? 0 : l->n;
	if (!k8s_json_is_null(l) && l->type != K8S_JSON_ARRAY)
		return ags_diag_set(d, AGS_E_K8S_CONFIG, "%s:%d: exec: %s must be a list", f->path, l->line, key);
	if (*n > 1000)
		return ags_diag_set(d, AGS_E_K8S_CONFIG, "%s: exec: too many %s", f->path, many);
	*first = *n ? l->child : NULL;
	*vec = calloc(*n + extra, sizeof(char *));
	return *vec ? 0 : AGS_E_NOMEM;
}

static int parse_exec(struct k8s_rest_config *c, const struct k8s_json *ex, const struct kfile *f,
		      struct ags_diag *d)
{
	struct k8s_exec_cfg *e = calloc(1, sizeof(*e));
	const char *s;
	if (!e)
		return AGS_E_NOMEM;
	c->exec = e;
	if (ex->type != K8S_JSON_OBJECT)
		return ags_diag_set(d, AGS_E_K8S_CONFIG, "%s:%d: exec must be a mapping", f->path, ex->line);
	AGS_TRY(get_string(ex, "command", &s, f->path, d));
	if (!s)
		return ags_diag_set(d, AGS_E_K8S_CONFIG, "%s:%d: exec: command is required", f->path, ex->line);
	if (strchr(s, '/'))
		AGS_TRY(resolve_path(f->dir, s, &e->command));
	else
		AGS_TRY(dupstr(s, &e->command));
	AGS_TRY(get_string(ex, "apiVersion", &s, f->path, d));
	if (!s || (strcmp(s, "client.authentication.k8s.io/v1") && strcmp(s, "client.authentication.k8s.io/v1beta1")))
		return ags_diag_set(d, AGS_E_K8S_CONFIG,
				    "%s:%d: exec: apiVersion must be client.authentication.k8s.io/v1 or v1beta1",
				    f->path, ex->line);
	AGS_TRY(dupstr(s, &e->api_version));
	AGS_TRY(get_string(ex, "installHint", &s, f->path, d));
	AGS_TRY(dupstr(s, &e->install_hint));
	AGS_TRY(get_string(ex, "interactiveMode", &s, f->path, d));
	if (s && strcmp(s, "Never") && strcmp(s, "IfAvailable") && strcmp(s, "Always"))
		return ags_diag_set(d, AGS_E_K8S_CONFIG, "%s:%d: exec: invalid interactiveMode '%.40s'", f->path,
				    ex->line, s);
	if (s && !strcmp(s, "Always"))
		return ags_diag_set(d, AGS_E_K8S_CONFIG,
				    "%s:%d: exec: interactiveMode Always needs a terminal, which agesops does not give plugins",
				    f->path, ex->line);
	AGS_TRY(dupstr(s, &e->interactive_mode));

	const struct k8s_json *args;
	size_t na;
	AGS_TRY(exec_list(f, ex, "args", "args", 2, &args, &na, &e->argv, d));
	AGS_TRY(dupstr(e->command, &e->argv[0]));
	size_t i = 1;
	for (const struct k8s_json *a = args; a; a = a->next, i++) {
		if (a->type != K8S_JSON_STRING && a->type != K8S_JSON_BOOL)
			return ags_diag_set(d, AGS_E_K8S_CONFIG, "%s:%d: exec: args must be strings", f->path,
					    a->line);
		AGS_TRY(dupstr(a->str, &e->argv[i]));
	}
	e->nargs = na;

	const struct k8s_json *env;
	size_t ne;
	AGS_TRY(exec_list(f, ex, "env", "env entries", 1, &env, &ne, &e->env, d));
	i = 0;
	for (const struct k8s_json *v = env; v; v = v->next, i++) {
		const char *nm = k8s_json_get_str(v, "name");
		const char *val = k8s_json_get_str(v, "value");
		if (!nm || !val || !nm[0] || strchr(nm, '='))
			return ags_diag_set(d, AGS_E_K8S_CONFIG, "%s:%d: exec: env entries need a name and a value",
					    f->path, v->line);
		if (asprintf(&e->env[i], "%s=%s", nm, val) < 0) {
			e->env[i] = NULL;
			return AGS_E_NOMEM;
		}
	}
	e->nenv = ne;
	return 0;
}

/* A PEM given inline as KEY-data (base64) or as the file KEY names (relative to the kubeconfig's
 * directory); the inline one wins.  where names the entry in messages. */
static int data_or_file(const struct k8s_json *obj, const char *key, const struct kfile *f, const char *where,
			unsigned char **data, size_t *len, char **file, struct ags_diag *d)
{
	char data_key[64];
	const char *s;
	snprintf(data_key, sizeof(data_key), "%s-data", key);
	AGS_TRY(get_string(obj, data_key, &s, f->path, d));
	if (s)
		AGS_TRY(decode_data(s, data, len, where, d));
	AGS_TRY(get_string(obj, key, &s, f->path, d));
	if (s && !*data)
		AGS_TRY(resolve_path(f->dir, s, file));
	return 0;
}

static const char *const unsupported_user[] = { "auth-provider", "username", "password", "as", "as-groups",
						 "as-uid", "as-user-extra" };
static const char *const unsupported_cluster[] = { "proxy-url", "tls-server-name" };

static int build(struct kfile *f, size_t n, const char *context, struct k8s_rest_config *c, struct ags_diag *d)
{
	if (!context) {
		for (size_t i = 0; i < n && !context; i++) {
			const char *cc;
			AGS_TRY(get_string(f[i].root, "current-context", &cc, f[i].path, d));
			context = cc;
		}
		if (!context)
			return ags_diag_set(d, AGS_E_K8S_CONFIG,
					    "%s: no current-context is set (use --context)", c->source);
	}
	AGS_TRY(dupstr(context, &c->context));

	const struct k8s_json *ctx, *cl, *us = NULL;
	size_t fctx, fcl, fus = 0;
	AGS_TRY(find_named(f, n, "contexts", "context", context, &ctx, &fctx, d));
	const char *cname, *uname, *ns;
	AGS_TRY(get_string(ctx, "cluster", &cname, f[fctx].path, d));
	AGS_TRY(get_string(ctx, "user", &uname, f[fctx].path, d));
	AGS_TRY(get_string(ctx, "namespace", &ns, f[fctx].path, d));
	if (!cname)
		return ags_diag_set(d, AGS_E_K8S_CONFIG, "%s: context '%.200s' names no cluster", f[fctx].path,
				    context);
	AGS_TRY(dupstr(cname, &c->cluster));
	AGS_TRY(dupstr(uname, &c->user));
	AGS_TRY(dupstr(ns, &c->namespace_));

	AGS_TRY(find_named(f, n, "clusters", "cluster", cname, &cl, &fcl, d));
	const char *path = f[fcl].path, *s;
	if (!cl)
		return ags_diag_set(d, AGS_E_K8S_CONFIG, "%s: cluster '%.200s' is empty", path, cname);
	for (size_t i = 0; i < AGS_ARRAY_SIZE(unsupported_cluster); i++)
		if (!k8s_json_is_null(k8s_json_get(cl, unsupported_cluster[i])))
			return ags_diag_set(d, AGS_E_UNSUPPORTED, "%s: cluster '%.200s': %s is not supported", path,
					    cname, unsupported_cluster[i]);
	AGS_TRY(get_string(cl, "server", &s, path, d));
	if (!s)
		return ags_diag_set(d, AGS_E_K8S_CONFIG, "%s: cluster '%.200s' has no server", path, cname);
	char where[300];
	snprintf(where, sizeof(where), "%s: cluster '%.200s'", path, cname);
	AGS_TRY(set_server(c, s, where, d));
	AGS_TRY(data_or_file(cl, "certificate-authority", &f[fcl], where, &c->ca_data, &c->ca_len, &c->ca_file, d));
	const struct k8s_json *ins = k8s_json_get(cl, "insecure-skip-tls-verify");
	if (!k8s_json_is_null(ins)) {
		/* kubectl reads kubeconfig as YAML 1.1, where yes/on are booleans too */
		static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON" };
		static const char *const no[] = { "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF" };
		int v = -1;
		/* a quoted "true" is a string: kubectl fails to load such a file
		 * rather than turning verification off */
		for (size_t i = 0; ins->str && !ins->quoted && i < AGS_ARRAY_SIZE(yes); i++) {
			if (!strcmp(ins->str, yes[i]))
				v = 1;
			if (!strcmp(ins->str, no[i]))
				v = 0;
		}
		if (v < 0)
			return ags_diag_set(d, AGS_E_K8S_CONFIG, "%s:%d: insecure-skip-tls-verify must be true or false%s",
					    path, ins->line, ins->quoted ? " (a boolean, not a quoted string)" : "");
		c->insecure = v == 1;
	}
	if (c->insecure && (c->ca_data || c->ca_file))
		return ags_diag_set(d, AGS_E_K8S_CONFIG,
				    "%s: specifying a root certificate with insecure-skip-tls-verify is not allowed", where);

	if (!uname)
		return 0;
	AGS_TRY(find_named(f, n, "users", "user", uname, &us, &fus, d));
	if (!us)
		return 0;
	path = f[fus].path;
	snprintf(where, sizeof(where), "%s: user '%.200s'", path, uname);
	for (size_t i = 0; i < AGS_ARRAY_SIZE(unsupported_user); i++)
		if (!k8s_json_is_null(k8s_json_get(us, unsupported_user[i])))
			return ags_diag_set(d, AGS_E_UNSUPPORTED, "%s: %s is not supported", where,
					    unsupported_user[i]);
	AGS_TRY(get_string(us, "token", &s, path, d));
	AGS_TRY(dupstr(s, &c->token));
	AGS_TRY(get_string(us, "tokenFile", &s, path, d));
	if (s && !c->token)
		AGS_TRY(resolve_path(f[fus].dir, s, &c->token_file));
	AGS_TRY(data_or_file(us, "client-certificate", &f[fus], where, &c->cert_data, &c->cert_len, &c->cert_file,
			     d));
	AGS_TRY(data_or_file(us, "client-key", &f[fus], where, &c->key_data, &c->key_len, &c->key_file, d));
	bool have_cert = c->cert_data || c->cert_file, have_key = c->key_data || c->key_file;
	if (have_cert != have_key)
		return ags_diag_set(d, AGS_E_K8S_CONFIG, "%s: client-certificate and client-key must be given together",
				    where);
	const struct k8s_json *ex = k8s_json_get(us, "exec");
	if (!k8s_json_is_null(ex))
		AGS_TRY(parse_exec(c, ex, &f[fus], d));
	return 0;
}

int k8s_config_load_files(const char *const *paths, size_t n, bool explicit_, const char *context,
			  struct k8s_rest_config **ret, struct ags_diag *d)
{
	struct kfile *f = NULL;
	size_t nf = 0;
	if (n > 64)
		return ags_diag_set(d, AGS_E_K8S_CONFIG, "too many kubeconfig files");
	AGS_TRY(read_files(paths, n, explicit_, &f, &nf, d));
	struct k8s_rest_config *c = calloc(1, sizeof(*c));
	int r = c ? 0 : AGS_E_NOMEM;
	if (!r && nf == 0)
		r = ags_diag_set(d, AGS_E_K8S_CONFIG, "no kubeconfig found (%s%s)", n ? paths[0] : "none given",
				 n > 1 ? ", ..." : "");
	if (!r)
		r = dupstr(f[0].path, &c->source);
	if (!r)
		r = build(f, nf, context, c, d);
	for (size_t i = 0; i < nf; i++) {
		free(f[i].path);
		free(f[i].dir);
		k8s_json_free(f[i].root);
	}
	free(f);
	if (r < 0) {
		k8s_config_free(c);
		return r;
	}
	*ret = c;
	return 0;
}

int k8s_config_load(const char *explicit_path, const char *context, struct k8s_rest_config **ret,
		    struct ags_diag *d)
{
	if (explicit_path)
		return k8s_config_load_files(&explicit_path, 1, true, context, ret, d);
	const char *env = getenv("KUBECONFIG");
	if (env && env[0]) {
		char *copy = strdup(env);
		if (!copy)
			return AGS_E_NOMEM;
		const char *list[64];
		size_t n = 0;
		char *save = NULL;
		for (char *t = strtok_r(copy, ":", &save); t; t = strtok_r(NULL, ":", &save)) {
			bool dup = false;
			for (size_t i = 0; i < n; i++)
				dup |= !strcmp(list[i], t);
			if (dup)
				continue;
			if (n == AGS_ARRAY_SIZE(list)) {
				free(copy);
				return ags_diag_set(d, AGS_E_K8S_CONFIG, "KUBECONFIG lists too many files");
			}
			list[n++] = t;
		}
		int r = k8s_config_load_files(list, n, false, context, ret, d);
		free(copy);
		return r;
	}
	const char *home = getenv("HOME");
	if (!home || !home[0])
		return ags_diag_set(d, AGS_E_K8S_CONFIG, "no kubeconfig: KUBECONFIG and HOME are unset");
	char *p;
	if (asprintf(&p, "%s/.kube/config", home) < 0)
		return AGS_E_NOMEM;
	const char *pp = p;
	int r = k8s_config_load_files(&pp, 1, false, context, ret, d);
	free(p);
	return r;
}

bool k8s_config_in_cluster_available(void)
{
	const char *h = getenv("KUBERNETES_SERVICE_HOST"), *p = getenv("KUBERNETES_SERVICE_PORT");
	return h && h[0] && p && p[0];
}

static int read_small(const char *path, bool secret, size_t max, char **out, size_t *outlen)
{
	struct ags_buf b;
	if (secret)
		ags_buf_init_secret(&b, max);
	else
		ags_buf_init(&b, max);
	int r = ags_file_read(path, &b);
	if (r < 0) {
		ags_buf_release(&b);
		return r;
	}
	if (!b.data && (r = ags_buf_reserve(&b, 1)) < 0)
		return r;
	*outlen = b.len;
	*out = (char *)b.data;
	return 0;
}

/* Trims trailing whitespace (a token or namespace file written with echo). */
static void rtrim(char *s, size_t *len)
{
	while (*len && (s[*len - 1] == '\n' || s[*len - 1] == '\r' || s[*len - 1] == ' ' || s[*len - 1] == '\t'))
		s[--*len] = 0;
}

int k8s_config_in_cluster(struct k8s_rest_config **ret, struct ags_diag *d)
{
	const char *h = getenv("KUBERNETES_SERVICE_HOST"), *p = getenv("KUBERNETES_SERVICE_PORT");
	if (!h || !h[0] || !p || !p[0])
		return ags_diag_set(d, AGS_E_K8S_CONFIG,
				    "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set"
				    " (use --kubeconfig or --context)");
	const char *dir = getenv("AGESOPS_SERVICEACCOUNT_DIR");
	if (!dir || !dir[0])
		dir = K8S_SA_DIR;
	struct k8s_rest_config *c = calloc(1, sizeof(*c));
	if (!c)
		return AGS_E_NOMEM;
	char *url = NULL, *tokpath = NULL, *nspath = NULL;
	int r = 0;
	bool v6 = strchr(h, ':') != NULL;
	if (asprintf(&url, v6 ? "https://[%s]:%s" : "https://%s:%s", h, p) < 0 ||
	    asprintf(&tokpath, "%s/token", dir) < 0 || asprintf(&nspath, "%s/namespace", dir) < 0 ||
	    asprintf(&c->ca_file, "%s/ca.crt", dir) < 0) {
		r = AGS_E_NOMEM;
		goto out;
	}
	if ((r = set_server(c, url, "in-cluster config", d)) < 0)
		goto out;
	size_t len;
	r = read_small(tokpath, true, 1 << 20, &c->token, &len);
	if (r < 0) {
		r = ags_diag_set(d, AGS_E_K8S_CONFIG, "in-cluster config: %s: %s", tokpath, ags_strerror(r));
		goto out;
	}
	rtrim(c->token, &len);
	if (!len) {
		r = ags_diag_set(d, AGS_E_K8S_CONFIG, "in-cluster config: %s is empty", tokpath);
		goto out;
	}
	c->token_file = tokpath;
	tokpath = NULL;
	if (read_small(nspath, false, 1024, &c->namespace_, &len) == 0) {
		rtrim(c->namespace_, &len);
		if (!len) {
			free(c->namespace_);
			c->namespace_ = NULL;
		}
	}
	if ((r = dupstr("in-cluster", &c->context)) < 0 || (r = dupstr(dir, &c->source)) < 0)
		goto out;
out:
	free(url);
	free(tokpath);
	free(nspath);
	if (r < 0) {
		k8s_config_free(c);
		return r;
	}
	*ret = c;
	return 0;
}
