/*
 * .sops.yaml (see include/agesops/sops-config.h).  Parsed with libfyaml's
 * document API: a config file is small, and the document API resolves
 * anchors, aliases and merge keys as go-yaml does when sops unmarshals it.
 */
#include "internal.h"
#include "util/secret.h"
#include "util/strv.h"
#include <agesops/sops-config.h>
#include "sops/sops-int.h"
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include "yaml/fyaml.h"
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- path_regex: Go RE2 semantics on PCRE2 ------------------------------
 * Checked with the rules module's RE2 filter; compiled once per config
 * here (not per match) because repository runs match thousands of paths. */

static int re_compile(const char *re, void **out, struct ags_diag *d, const char *where)
{
	/* the same RE2 check as the value rules: constructs PCRE2 would accept
	 * but Go refuses (lookaround, backreferences, ...) are errors */
	AGS_TRY(ags_sops_regex_check(re, where, d));
	int err;
	PCRE2_SIZE off;
	/* RE2: '$' matches only at the very end without (?m); patterns are UTF-8 */
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
					 PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_NEVER_BACKSLASH_C, &err, &off, NULL);
	if (!code) {
		PCRE2_UCHAR msg[160];
		pcre2_get_error_message(err, msg, sizeof(msg));
		return ags_diag_set(d, AGS_E_SOPS_REGEX, "%s: can not compile path_regex at offset %zu: %s", where,
				    (size_t)off, (char *)msg);
	}
	*out = code;
	return 0;
}

static int re_search(void *compiled, const char *subject, bool *match)
{
	pcre2_code *code = compiled;
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
	pcre2_match_context *mc = pcre2_match_context_create(NULL);
	if (!md || !mc) {
		pcre2_match_data_free(md);
		pcre2_match_context_free(mc);
		return AGS_E_NOMEM;
	}
	pcre2_set_match_limit(mc, 1000000);
	int rc = pcre2_match(code, (PCRE2_SPTR)subject, strlen(subject), 0, 0, md, mc);
	pcre2_match_data_free(md);
	pcre2_match_context_free(mc);
	if (rc >= 0) {
		*match = true;
		return 0;
	}
	if (rc == PCRE2_ERROR_NOMATCH) {
		*match = false;
		return 0;
	}
	return AGS_E_SOPS_REGEX;
}

/* ---- discovery ---------------------------------------------------------- */

int ags_sops_config_find(const char *start_dir, char **path_out, char **warning_out)
{
	char *dir = realpath(start_dir && *start_dir ? start_dir : ".", NULL);
	if (!dir)
		return -errno;
	char *alt = NULL;
	int r = AGS_E_SOPS_CONFIG_NOT_FOUND;
	for (int depth = 0; depth < AGS_SOPS_CONFIG_MAX_DEPTH; depth++) {
		char *cand = NULL;
		if (asprintf(&cand, "%s%s%s", dir, strcmp(dir, "/") ? "/" : "", AGS_SOPS_CONFIG_NAME) < 0) {
			r = AGS_E_NOMEM;
			break;
		}
		struct stat st;
		if (stat(cand, &st) == 0) {
			*path_out = cand;
			r = 0;
			break;
		}
		free(cand);
		if (!alt) {
			if (asprintf(&cand, "%s%s.sops.yml", dir, strcmp(dir, "/") ? "/" : "") < 0) {
				r = AGS_E_NOMEM;
				break;
			}
			if (stat(cand, &st) == 0)
				alt = cand;
			else
				free(cand);
		}
		if (!strcmp(dir, "/"))
			break;
		char *slash = strrchr(dir, '/');
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	if (warning_out) {
		*warning_out = NULL;
		if (alt && r != AGS_E_NOMEM &&
		    asprintf(warning_out, "ignoring \"%s\": the config file must be called \"%s\"", alt,
			     AGS_SOPS_CONFIG_NAME) < 0)
			*warning_out = NULL;
	}
	free(alt);
	free(dir);
	return r;
}

/* ---- parsing ------------------------------------------------------------ */

struct parse {
	const char *file;
	struct ags_diag *d;
};

static int cfg_err(struct parse *ps, int code, const char *where, const char *what)
{
	return ags_diag_set(ps->d, code, "%s: %s: %s", ps->file, where, what);
}

static const char *scalar(struct fy_node *n, size_t *len)
{
	if (!n || fy_node_get_type(n) != FYNT_SCALAR)
		return NULL;
	return fy_node_get_scalar(n, len);
}

static bool is_null(struct fy_node *n)
{
	if (!n)
		return true;
	if (fy_node_get_type(n) != FYNT_SCALAR || fy_node_get_style(n) != FYNS_PLAIN)
		return false;
	size_t len;
	const char *s = fy_node_get_scalar(n, &len);
	return !s || len == 0 || (len == 1 && s[0] == '~') || (len == 4 && (!memcmp(s, "null", 4) ||
	       !memcmp(s, "Null", 4) || !memcmp(s, "NULL", 4)));
}

/* A string field: yaml.v3 accepts any scalar into a Go string; null leaves it empty. */
static int get_string(struct parse *ps, struct fy_node *n, const char *where, char **out)
{
	*out = NULL;
	if (is_null(n))
		return 0;
	size_t len;
	const char *s = scalar(n, &len);
	if (!s)
		return cfg_err(ps, AGS_E_SOPS_CONFIG, where, "expected a string");
	if (len == 0)
		return 0;
	if (memchr(s, '\0', len))
		return cfg_err(ps, AGS_E_SOPS_CONFIG, where, "string contains a NUL byte");
	*out = strndup(s, len);
	return *out ? 0 : AGS_E_NOMEM;
}

static int get_int(struct parse *ps, struct fy_node *n, const char *where, int *out)
{
	if (is_null(n))
		return 0;
	size_t len;
	const char *s = scalar(n, &len);
	char buf[32];
	if (!s || len == 0 || len >= sizeof(buf) || fy_node_get_style(n) != FYNS_PLAIN)
		return cfg_err(ps, AGS_E_SOPS_CONFIG, where, "expected an integer");
	memcpy(buf, s, len);
	buf[len] = '\0';
	char *end;
	errno = 0;
	long v = strtol(buf, &end, 10);
	if (errno || *end || v < INT_MIN || v > INT_MAX)
		return cfg_err(ps, AGS_E_SOPS_CONFIG, where, "expected an integer");
	*out = (int)v;
	return 0;
}

static int get_bool(struct parse *ps, struct fy_node *n, const char *where, bool *out)
{
	if (is_null(n))
		return 0;
	size_t len;
	const char *s = scalar(n, &len);
	if (s && fy_node_get_style(n) == FYNS_PLAIN) {
		static const char *t[] = { "true", "True", "TRUE" }, *f[] = { "false", "False", "FALSE" };
		for (int i = 0; i < 3; i++) {
			if (len == strlen(t[i]) && !memcmp(s, t[i], len)) {
				*out = true;
				return 0;
			}
			if (len == strlen(f[i]) && !memcmp(s, f[i], len)) {
				*out = false;
				return 0;
			}
		}
	}
	return cfg_err(ps, AGS_E_SOPS_CONFIG, where, "expected true or false");
}

/* split on ',', trim, skip empties, drop duplicates (sops deduplicates per group) */
static int add_keys(char ***list, size_t *nlist, const char *s, size_t len)
{
	return ags_strv_split_append(s, len, true, AGS_SOPS_CONFIG_MAX_KEYS, list, nlist);
}

static void add_other(struct ags_sops_config_group *g, const char *type, unsigned n)
{
	if (n == 0)
		return;
	g->nother += n;
	if (strstr(g->other_types, type))
		return;
	size_t used = strlen(g->other_types);
	snprintf(g->other_types + used, sizeof(g->other_types) - used, "%s%s", used ? "," : "", type);
}

/* Number of keys a field of an unsupported type names: a comma list or a sequence. */
static unsigned count_keys(struct fy_node *n)
{
	if (is_null(n))
		return 0;
	if (fy_node_get_type(n) == FYNT_SEQUENCE)
		return (unsigned)fy_node_sequence_item_count(n);
	if (fy_node_get_type(n) == FYNT_MAPPING)
		return 1;
	size_t len;
	const char *s = scalar(n, &len);
	unsigned c = 0;
	bool in = false;
	for (size_t i = 0; s && i < len; i++) {
		if (s[i] == ',') {
			in = false;
		} else if (s[i] != ' ' && !in) {
			in = true;
			c++;
		}
	}
	return c;
}

/* A key list (`age:`, `pgp:`) as a comma-separated string or a list of
 * (comma-separated) strings. */
static int parse_key_field(struct parse *ps, struct fy_node *n, const char *where, const char *type, char ***list,
			   size_t *nlist)
{
	if (is_null(n))
		return 0;
	size_t len;
	const char *s;
	if (fy_node_get_type(n) == FYNT_SEQUENCE) {
		void *it = NULL;
		struct fy_node *e;
		while ((e = fy_node_sequence_iterate(n, &it))) {
			if (!(s = scalar(e, &len)))
				return cfg_err(ps, AGS_E_SOPS_CONFIG, where, type[0] == 'a' ? "expected a string in the age list"
										 : "expected a string in the pgp list");
			int r = add_keys(list, nlist, s, len);
			if (r < 0)
				return r == AGS_E_TOO_BIG ? cfg_err(ps, r, where, "too many keys") : r;
		}
		return 0;
	}
	if (!(s = scalar(n, &len)))
		return cfg_err(ps, AGS_E_SOPS_CONFIG, where, "expected a string or a list of strings");
	int r = add_keys(list, nlist, s, len);
	return r == AGS_E_TOO_BIG ? cfg_err(ps, r, where, "too many keys") : r;
}

/* The key types agesops encrypts for, read into the group's lists. */
static int parse_keys(struct parse *ps, struct fy_node *n, const char *where, struct ags_sops_config_group *g)
{
	AGS_TRY(parse_key_field(ps, fy_node_mapping_lookup_by_string(n, "age", FY_NT), where, "age", &g->age,
				&g->nage));
	return parse_key_field(ps, fy_node_mapping_lookup_by_string(n, "pgp", FY_NT), where, "pgp", &g->pgp,
			       &g->npgp);
}

static const char *const other_key_fields[] = {
	"kms", "gcp_kms", "azure_keyvault", "hc_vault_transit_uri", "hckms", "hc_vault",
};

static int parse_group(struct parse *ps, struct fy_node *n, const char *where, struct ags_sops_config_group *g,
		       int depth)
{
	if (depth > 16)
		return cfg_err(ps, AGS_E_SOPS_CONFIG, where, "key group merges nested too deeply");
	if (is_null(n))
		return 0;
	if (fy_node_get_type(n) != FYNT_MAPPING)
		return cfg_err(ps, AGS_E_SOPS_CONFIG, where, "a key group must be a mapping");
	struct fy_node *m = fy_node_mapping_lookup_by_string(n, "merge", FY_NT);
	if (m && !is_null(m)) {
		if (fy_node_get_type(m) != FYNT_SEQUENCE)
			return cfg_err(ps, AGS_E_SOPS_CONFIG, where, "merge must be a list of key groups");
		void *it = NULL;
		struct fy_node *e;
		while ((e = fy_node_sequence_iterate(m, &it)))
			AGS_TRY(parse_group(ps, e, where, g, depth + 1));
	}
	AGS_TRY(parse_keys(ps, n, where, g));
	for (size_t i = 0; i < AGS_ARRAY_SIZE(other_key_fields); i++)
		add_other(g, other_key_fields[i],
			  count_keys(fy_node_mapping_lookup_by_string(n, other_key_fields[i], FY_NT)));
	return 0;
}

static void free_group(struct ags_sops_config_group *g)
{
	ags_free_strv(g->age, g->nage);
	ags_free_strv(g->pgp, g->npgp);
	memset(g, 0, sizeof(*g));
}

static void free_rule(struct ags_sops_creation_rule *r)
{
	for (size_t i = 0; i < r->ngroups; i++)
		free_group(&r->groups[i]);
	AGS_FREE_ALL(r->path_regex, r->groups, r->unencrypted_suffix, r->encrypted_suffix, r->unencrypted_regex,
		     r->encrypted_regex, r->unencrypted_comment_regex, r->encrypted_comment_regex);
	pcre2_code_free(r->priv);
	memset(r, 0, sizeof(*r));
}

static int parse_rule(struct parse *ps, struct fy_node *n, size_t idx, struct ags_sops_creation_rule *r)
{
	char where[64];
	snprintf(where, sizeof(where), "creation_rules[%zu]", idx);
	r->index = idx;
	if (is_null(n))
		return 0; /* an empty rule matches everything and names no keys */
	if (fy_node_get_type(n) != FYNT_MAPPING)
		return cfg_err(ps, AGS_E_SOPS_CONFIG, where, "a creation rule must be a mapping");
	static const struct {
		const char *name;
		size_t off;
	} strs[] = {
		{ "path_regex", offsetof(struct ags_sops_creation_rule, path_regex) },
		{ "unencrypted_suffix", offsetof(struct ags_sops_creation_rule, unencrypted_suffix) },
		{ "encrypted_suffix", offsetof(struct ags_sops_creation_rule, encrypted_suffix) },
		{ "unencrypted_regex", offsetof(struct ags_sops_creation_rule, unencrypted_regex) },
		{ "encrypted_regex", offsetof(struct ags_sops_creation_rule, encrypted_regex) },
		{ "unencrypted_comment_regex", offsetof(struct ags_sops_creation_rule, unencrypted_comment_regex) },
		{ "encrypted_comment_regex", offsetof(struct ags_sops_creation_rule, encrypted_comment_regex) },
	};
	for (size_t i = 0; i < AGS_ARRAY_SIZE(strs); i++) {
		char w[128];
		snprintf(w, sizeof(w), "%s.%s", where, strs[i].name);
		AGS_TRY(get_string(ps, fy_node_mapping_lookup_by_string(n, strs[i].name, FY_NT), w,
				   (char **)((char *)r + strs[i].off)));
	}
	char w[128];
	snprintf(w, sizeof(w), "%s.shamir_threshold", where);
	AGS_TRY(get_int(ps, fy_node_mapping_lookup_by_string(n, "shamir_threshold", FY_NT), w, &r->shamir_threshold));
	if (r->shamir_threshold < 0 || r->shamir_threshold > AGS_SOPS_CONFIG_MAX_GROUPS)
		return cfg_err(ps, AGS_E_SOPS_CONFIG, w, "out of range");
	snprintf(w, sizeof(w), "%s.mac_only_encrypted", where);
	AGS_TRY(get_bool(ps, fy_node_mapping_lookup_by_string(n, "mac_only_encrypted", FY_NT), w,
			 &r->mac_only_encrypted));
	if (r->path_regex) {
		snprintf(w, sizeof(w), "%s: %s.path_regex", ps->file, where);
		AGS_TRY(re_compile(r->path_regex, &r->priv, ps->d, w));
	}

	struct fy_node *kg = fy_node_mapping_lookup_by_string(n, "key_groups", FY_NT);
	if (kg && !is_null(kg)) {
		snprintf(w, sizeof(w), "%s.key_groups", where);
		if (fy_node_get_type(kg) != FYNT_SEQUENCE)
			return cfg_err(ps, AGS_E_SOPS_CONFIG, w, "expected a list of key groups");
		int cnt = fy_node_sequence_item_count(kg);
		if (cnt > AGS_SOPS_CONFIG_MAX_GROUPS)
			return cfg_err(ps, AGS_E_SOPS_CONFIG, w, "more than 255 key groups");
		if (cnt > 0) {
			/* sops: a non-empty key_groups wins over the flat key lists */
			r->groups = calloc((size_t)cnt, sizeof(*r->groups));
			if (!r->groups)
				return AGS_E_NOMEM;
			r->from_key_groups = true;
			void *it = NULL;
			struct fy_node *e;
			while ((e = fy_node_sequence_iterate(kg, &it))) {
				snprintf(w, sizeof(w), "%s.key_groups[%zu]", where, r->ngroups);
				r->ngroups++;
				AGS_TRY(parse_group(ps, e, w, &r->groups[r->ngroups - 1], 0));
			}
			return 0;
		}
	}
	/* flat keys: one group, only when some key is named */
	struct ags_sops_config_group g = { 0 };
	snprintf(w, sizeof(w), "%s.age", where);
	int rc = parse_keys(ps, n, w, &g);
	for (size_t i = 0; rc == 0 && i < AGS_ARRAY_SIZE(other_key_fields); i++)
		if (strcmp(other_key_fields[i], "hc_vault") != 0)
			add_other(&g, other_key_fields[i],
				  count_keys(fy_node_mapping_lookup_by_string(n, other_key_fields[i], FY_NT)));
	if (rc == 0 && (g.nage || g.npgp || g.nother)) {
		r->groups = calloc(1, sizeof(*r->groups));
		if (!r->groups)
			rc = AGS_E_NOMEM;
		else {
			r->groups[0] = g;
			r->ngroups = 1;
			return 0;
		}
	}
	free_group(&g);
	return rc;
}

static int parse_indent(struct parse *ps, struct fy_node *stores, const char *name, int *out)
{
	*out = AGS_SOPS_INDENT_UNSET;
	struct fy_node *s = fy_node_mapping_lookup_by_string(stores, name, FY_NT);
	if (is_null(s))
		return 0;
	char w[64];
	snprintf(w, sizeof(w), "stores.%s", name);
	if (fy_node_get_type(s) != FYNT_MAPPING)
		return cfg_err(ps, AGS_E_SOPS_CONFIG, w, "expected a mapping");
	struct fy_node *i = fy_node_mapping_lookup_by_string(s, "indent", FY_NT);
	if (is_null(i))
		return 0;
	snprintf(w, sizeof(w), "stores.%s.indent", name);
	int v = 0;
	AGS_TRY(get_int(ps, i, w, &v));
	if (v < -1 || v > 64)
		return cfg_err(ps, AGS_E_SOPS_CONFIG, w, "out of range (-1 for a tab in JSON, 0..64 spaces)");
	*out = v;
	return 0;
}

void ags_sops_config_free(struct ags_sops_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nrules; i++)
		free_rule(&c->rules[i]);
	AGS_FREE_ALL(c->rules, c->path, c->dir, c);
}

static char *abs_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	if (!dir)
		return NULL;
	char *abs = realpath(dir, NULL);
	if (!abs && dir[0] == '/')
		return dir; /* parse from memory for a path that need not exist */
	if (!abs) {
		char cwd[PATH_MAX];
		if (getcwd(cwd, sizeof(cwd)) && asprintf(&abs, "%s/%s", cwd, dir) < 0)
			abs = NULL;
	}
	free(dir);
	return abs;
}

int ags_sops_config_parse(const char *data, size_t len, const char *path, struct ags_sops_config **out,
			  struct ags_diag *d)
{
	struct parse ps = { .file = path ? path : AGS_SOPS_CONFIG_NAME, .d = d };
	if (len > AGS_SOPS_CONFIG_MAX_BYTES)
		return ags_diag_set(d, AGS_E_TOO_BIG, "%s: config file too large", ps.file);
	size_t bad;
	if (!ags_utf8_valid(data, len, &bad))
		return ags_diag_set(d, AGS_E_SOPS_CONFIG, "%s: invalid UTF-8 at byte %zu", ps.file, bad);

	struct ags_sops_config *c = calloc(1, sizeof(*c));
	if (!c)
		return AGS_E_NOMEM;
	c->yaml_indent = c->json_indent = c->json_binary_indent = AGS_SOPS_INDENT_UNSET;
	c->path = strdup(ps.file);
	c->dir = abs_dir_of(ps.file);
	int r = (!c->path || !c->dir) ? AGS_E_NOMEM : 0;

	/* aliases and merge keys resolved as go-yaml does, within a cap; an
	 * empty file reads as no rules, any other load failure is an error */
	struct fy_document *fyd = NULL;
	if (!r)
		r = ags_fy_document_load(data, len, true, AGS_E_SOPS_CONFIG, ps.file, &fyd, d);
	struct fy_node *root = fyd ? fy_document_root(fyd) : NULL;
	if (!r && root && !is_null(root) && fy_node_get_type(root) != FYNT_MAPPING)
		r = ags_diag_set(d, AGS_E_SOPS_CONFIG, "%s: the top level must be a mapping", ps.file);
	if (!r && root && fy_node_get_type(root) == FYNT_MAPPING) {
		struct fy_node *stores = fy_node_mapping_lookup_by_string(root, "stores", FY_NT);
		if (stores && !is_null(stores)) {
			if (fy_node_get_type(stores) != FYNT_MAPPING)
				r = cfg_err(&ps, AGS_E_SOPS_CONFIG, "stores", "expected a mapping");
			if (!r)
				r = parse_indent(&ps, stores, "yaml", &c->yaml_indent);
			if (!r)
				r = parse_indent(&ps, stores, "json", &c->json_indent);
			if (!r)
				r = parse_indent(&ps, stores, "json_binary", &c->json_binary_indent);
		}
		struct fy_node *cr = r ? NULL : fy_node_mapping_lookup_by_string(root, "creation_rules", FY_NT);
		if (cr && !is_null(cr)) {
			if (fy_node_get_type(cr) != FYNT_SEQUENCE) {
				r = cfg_err(&ps, AGS_E_SOPS_CONFIG, "creation_rules", "expected a list of rules");
			} else {
				int cnt = fy_node_sequence_item_count(cr);
				c->has_creation_rules = true;
				if (cnt > AGS_SOPS_CONFIG_MAX_RULES)
					r = cfg_err(&ps, AGS_E_TOO_BIG, "creation_rules", "too many rules");
				else if (cnt > 0 && !(c->rules = calloc((size_t)cnt, sizeof(*c->rules))))
					r = AGS_E_NOMEM;
				void *it = NULL;
				struct fy_node *e;
				while (!r && (e = fy_node_sequence_iterate(cr, &it))) {
					c->nrules++;
					r = parse_rule(&ps, e, c->nrules - 1, &c->rules[c->nrules - 1]);
				}
			}
		}
	}
	fy_document_destroy(fyd);
	if (r < 0) {
		if (r == AGS_E_NOMEM)
			ags_diag_set(d, r, "%s: out of memory", ps.file);
		ags_sops_config_free(c);
		return r;
	}
	*out = c;
	return 0;
}

int ags_sops_config_load(const char *path, struct ags_sops_config **out, struct ags_diag *d)
{
	struct ags_buf b;
	ags_buf_init(&b, AGS_SOPS_CONFIG_MAX_BYTES);
	int r = ags_file_read(path, &b);
	if (r < 0) {
		ags_buf_release(&b);
		if (r == AGS_E_TOO_BIG)
			return ags_diag_set(d, r, "%s: config file too large", path);
		return ags_diag_set(d, r == -ENOENT ? AGS_E_SOPS_CONFIG_NOT_FOUND : r, "%s: could not read config file: %s",
				    path, ags_strerror(r));
	}
	r = ags_sops_config_parse(b.data ? (const char *)b.data : "", b.len, path, out, d);
	ags_buf_release(&b);
	return r;
}

int ags_sops_config_match(const struct ags_sops_config *c, const char *file_path,
			  const struct ags_sops_creation_rule **rule, struct ags_diag *d)
{
	if (!c->has_creation_rules) {
		*rule = NULL;
		return 0;
	}
	/* sops compares the absolute file path with the config's directory
	 * prefix removed; files outside it keep their absolute path */
	char *abs = NULL;
	if (file_path[0] == '/') {
		abs = strdup(file_path);
	} else {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof(cwd)))
			return -errno;
		const char *f = file_path;
		while (f[0] == '.' && f[1] == '/')
			f += 2;
		if (asprintf(&abs, "%s/%s", cwd, f) < 0)
			abs = NULL;
	}
	if (!abs)
		return AGS_E_NOMEM;
	const char *rel = abs;
	size_t dl = strlen(c->dir);
	if (!strncmp(abs, c->dir, dl) && abs[dl] == '/')
		rel = abs + dl + 1;
	else if (!strcmp(c->dir, "/"))
		rel = abs + 1;
	int r = 0;
	for (size_t i = 0; i < c->nrules; i++) {
		bool m = true;
		if (c->rules[i].priv && (r = re_search(c->rules[i].priv, rel, &m)) < 0) {
			r = ags_diag_set(d, r, "%s: creation_rules[%zu].path_regex: match failed (limit reached)", c->path, i);
			break;
		}
		if (m) {
			*rule = &c->rules[i];
			free(abs);
			return 0;
		}
	}
	if (r == 0)
		r = ags_diag_set(d, AGS_E_SOPS_CONFIG, "%s: no matching creation rules found for %s", c->path, rel);
	free(abs);
	return r;
}

int ags_sops_rule_threshold(const struct ags_sops_creation_rule *r)
{
	if (!r)
		return 0;
	return r->shamir_threshold ? r->shamir_threshold : (int)r->ngroups;
}

int ags_sops_rule_check(const struct ags_sops_creation_rule *r, struct ags_diag *d)
{
	const char *rules[] = { r->unencrypted_suffix, r->encrypted_suffix, r->unencrypted_regex,
				r->encrypted_regex, r->unencrypted_comment_regex, r->encrypted_comment_regex };
	int n = 0;
	for (size_t i = 0; i < AGS_ARRAY_SIZE(rules); i++)
		n += rules[i] != NULL;
	if (n > 1)
		return ags_diag_set(d, AGS_E_SOPS_CONFLICT,
				    "creation_rules[%zu]: cannot use more than one of encrypted_suffix, unencrypted_suffix, "
				    "encrypted_regex, unencrypted_regex, encrypted_comment_regex, or "
				    "unencrypted_comment_regex for the same rule",
				    r->index);
	for (size_t i = 0; i < r->ngroups; i++) {
		const struct ags_sops_config_group *g = &r->groups[i];
		if (g->nage == 0 && g->npgp == 0) {
			char where[64] = "";
			if (r->from_key_groups)
				snprintf(where, sizeof(where), ".key_groups[%zu]", i);
			if (g->nother)
				return ags_diag_set(d, AGS_E_SOPS_NO_RECIPIENTS,
						    "creation_rules[%zu]%s names only keys of type %s; agesops encrypts for "
						    "age and pgp keys only",
						    r->index, where, g->other_types);
			return ags_diag_set(d, AGS_E_SOPS_NO_RECIPIENTS, "creation_rules[%zu]%s has no keys", r->index,
					    where);
		}
	}
	if (r->ngroups > 1) {
		int t = ags_sops_rule_threshold(r);
		if (t < 2 || (size_t)t > r->ngroups)
			return ags_diag_set(d, AGS_E_SOPS_SHAMIR,
					    "creation_rules[%zu]: shamir_threshold %d does not fit %zu key groups", r->index, t,
					    r->ngroups);
	}
	return 0;
}
