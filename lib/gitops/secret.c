/*
 * Kubernetes Secret manifests in the exact layouts of flux and kubectl.
 */
#include "internal.h"
#include <agesops/gitops.h>
#include "yaml/yamlv2.h"
#include "gitops/strv.h"

#include <stdlib.h>
#include <string.h>

struct kv {
	char *key;
	unsigned char *val; /* secret for entries */
	size_t len;
};

struct ags_gitops_secret {
	char *name, *ns, *type;
	struct kv *labels;
	size_t nlabels;
	struct kv *entries;
	size_t nentries;
};

int ags_gitops_secret_new(const char *name, const char *ns, struct ags_gitops_secret **ret)
{
	if (!name || !ret)
		return AGS_E_INVAL;
	struct ags_gitops_secret *s = calloc(1, sizeof(*s));
	if (!s)
		return AGS_E_NOMEM;
	s->name = strdup(name);
	s->ns = ns ? strdup(ns) : NULL;
	if (!s->name || (ns && !s->ns)) {
		ags_gitops_secret_free(s);
		return AGS_E_NOMEM;
	}
	*ret = s;
	return 0;
}

void ags_gitops_secret_free(struct ags_gitops_secret *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nlabels; i++)
		AGS_FREE_ALL(s->labels[i].key, s->labels[i].val);
	for (size_t i = 0; i < s->nentries; i++) {
		free(s->entries[i].key);
		ags_free_secret(s->entries[i].val, s->entries[i].len + 1);
	}
	AGS_FREE_ALL(s->labels, s->entries, s->name, s->ns, s->type, s);
}

int ags_gitops_secret_set_type(struct ags_gitops_secret *s, const char *type)
{
	char *t = NULL;
	if (type && !(t = strdup(type)))
		return AGS_E_NOMEM;
	free(s->type);
	s->type = t;
	return 0;
}

static int kv_push(struct kv **v, size_t *n, const char *key, const void *val, size_t len, bool secret)
{
	AGS_TRY(ags_gitops_grow(v, *n, sizeof(**v), AGS_GITOPS_MAX_ENTRIES));
	char *k = strdup(key);
	unsigned char *c = malloc(len + 1);
	if (!k || !c) {
		free(k);
		free(c);
		return AGS_E_NOMEM;
	}
	if (len)
		memcpy(c, val, len);
	c[len] = 0;
	(void)secret;
	(*v)[*n] = (struct kv){ k, c, len };
	(*n)++;
	return 0;
}

/* Label keys: [prefix/]name, prefix a DNS subdomain, name <= 63 of
 * [A-Za-z0-9._-] starting and ending alphanumeric; values the same without
 * prefix, possibly empty. */
static bool label_name_ok(const char *s, size_t n, bool allow_empty)
{
	if (n == 0)
		return allow_empty;
	if (n > 63)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (!alnum && c != '-' && c != '_' && c != '.')
			return false;
		if ((i == 0 || i == n - 1) && !alnum)
			return false;
	}
	return true;
}

int ags_gitops_secret_add_label(struct ags_gitops_secret *s, const char *key, const char *val,
				struct ags_diag *d)
{
	const char *slash = strchr(key, '/');
	const char *name = slash ? slash + 1 : key;
	if (slash) {
		char prefix[254];
		size_t pl = (size_t)(slash - key);
		if (pl == 0 || pl >= sizeof(prefix))
			return ags_diag_set(d, AGS_E_GITOPS_INVALID, "label key '%s': invalid prefix", key);
		memcpy(prefix, key, pl);
		prefix[pl] = 0;
		if (!ags_gitops_dns1123_subdomain(prefix))
			return ags_diag_set(d, AGS_E_GITOPS_INVALID,
					    "label key '%s': prefix must be a DNS-1123 subdomain", key);
	}
	if (!label_name_ok(name, strlen(name), false))
		return ags_diag_set(d, AGS_E_GITOPS_INVALID,
				    "label key '%s': name must be 63 characters or less of [A-Za-z0-9._-], "
				    "beginning and ending with an alphanumeric character", key);
	if (!label_name_ok(val, strlen(val), true))
		return ags_diag_set(d, AGS_E_GITOPS_INVALID,
				    "label '%s': value must be 63 characters or less of [A-Za-z0-9._-], "
				    "beginning and ending with an alphanumeric character", key);
	for (size_t i = 0; i < s->nlabels; i++) {
		if (!strcmp(s->labels[i].key, key)) {
			/* last one wins, as a Go map assignment */
			char *v = strdup(val);
			if (!v)
				return AGS_E_NOMEM;
			free(s->labels[i].val);
			s->labels[i].val = (unsigned char *)v;
			s->labels[i].len = strlen(v);
			return 0;
		}
	}
	return kv_push(&s->labels, &s->nlabels, key, val, strlen(val), false);
}

const char *ags_gitops_key_error(const char *key)
{
	size_t n = strlen(key);
	if (n == 0)
		return "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";
	if (n > 253)
		return "must be no more than 253 characters";
	for (size_t i = 0; i < n; i++) {
		char c = key[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		      c == '_' || c == '.'))
			return "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";
	}
	if (!strcmp(key, "."))
		return "must not be '.'";
	if (!strcmp(key, ".."))
		return "must not be '..'";
	if (!strncmp(key, "..", 2))
		return "must not start with '..'";
	return NULL;
}

int ags_gitops_secret_add(struct ags_gitops_secret *s, const char *key, const void *val, size_t len,
			  bool validate, struct ags_diag *d)
{
	if (len > AGS_GITOPS_MAX_VALUE)
		return ags_diag_set(d, AGS_E_TOO_BIG, "value of key '%s' is larger than 1 MiB", key);
	if (validate) {
		const char *why = ags_gitops_key_error(key);
		if (why)
			return ags_diag_set(d, AGS_E_GITOPS_INVALID, "\"%s\" is not a valid key name for a Secret: %s",
					    key, why);
	}
	for (size_t i = 0; i < s->nentries; i++)
		if (!strcmp(s->entries[i].key, key))
			return ags_diag_set(d, AGS_E_GITOPS_INVALID,
					    "cannot add key %s, another key by that name already exists in Data for Secret \"%s\"",
					    key, s->name);
	int r = kv_push(&s->entries, &s->nentries, key, val, len, true);
	if (r == AGS_E_TOO_BIG)
		return ags_diag_set(d, r, "more than %d keys", AGS_GITOPS_MAX_ENTRIES);
	return r;
}

const void *ags_gitops_secret_get(const struct ags_gitops_secret *s, const char *key, size_t *len)
{
	for (size_t i = 0; i < s->nentries; i++)
		if (!strcmp(s->entries[i].key, key)) {
			if (len)
				*len = s->entries[i].len;
			return s->entries[i].val;
		}
	return NULL;
}

#define STR(p) { AGS_Y2_STR, (p), strlen(p), NULL, 0 }

int ags_gitops_secret_emit(const struct ags_gitops_secret *s, enum ags_gitops_layout layout,
			   struct ags_buf *out, struct ags_diag *d)
{
	bool kubectl = layout == AGS_LAYOUT_KUBECTL || layout == AGS_LAYOUT_KUBECTL_134;
	int r = AGS_E_NOMEM;
	size_t n = s->nentries;
	struct ags_y2_item *labels = calloc(s->nlabels + 1, sizeof(*labels));
	struct ags_y2_item *data = calloc(n + 1, sizeof(*data));
	/* each value in its final form (base64, or UTF-8 coerced), secret */
	struct ags_buf *vals = calloc(n + 1, sizeof(*vals));
	if (!labels || !data || !vals)
		goto out;
	for (size_t i = 0; i < n; i++)
		ags_buf_init_secret(&vals[i], AGS_GITOPS_MAX_VALUE * 2);
	for (size_t i = 0; i < s->nlabels; i++) {
		labels[i].key = s->labels[i].key;
		labels[i].klen = strlen(s->labels[i].key);
		labels[i].val = (struct ags_y2_node)STR((const char *)s->labels[i].val);
	}
	for (size_t i = 0; i < n; i++) {
		const struct kv *e = &s->entries[i];
		if (kubectl) {
			size_t el = ags_b64_encoded_len(e->len, AGS_B64_PADDED);
			if ((r = ags_buf_reserve(&vals[i], el + 1)) < 0)
				goto out;
			ags_b64_encode(e->val, e->len, AGS_B64_PADDED, (char *)vals[i].data);
			vals[i].len = el;
		} else if ((r = ags_y2_utf8_coerce(e->val, e->len, &vals[i])) < 0) {
			goto out;
		}
		data[i].key = e->key;
		data[i].klen = strlen(e->key);
		data[i].val = (struct ags_y2_node){ AGS_Y2_STR, (const char *)vals[i].data, vals[i].len, NULL, 0 };
	}

	struct ags_y2_item meta[4];
	size_t nm = 0;
	if (layout == AGS_LAYOUT_KUBECTL)
		meta[nm++] = (struct ags_y2_item){ "creationTimestamp", 17, { AGS_Y2_NULL, NULL, 0, NULL, 0 } };
	if (s->nlabels)
		meta[nm++] = (struct ags_y2_item){ "labels", 6, { AGS_Y2_MAP, NULL, 0, labels, s->nlabels } };
	meta[nm++] = (struct ags_y2_item){ "name", 4, STR(s->name) };
	if (s->ns)
		meta[nm++] = (struct ags_y2_item){ "namespace", 9, STR(s->ns) };

	struct ags_y2_item top[5];
	size_t nt = 0;
	top[nt++] = (struct ags_y2_item){ "apiVersion", 10, STR("v1") };
	top[nt++] = (struct ags_y2_item){ "kind", 4, STR("Secret") };
	top[nt++] = (struct ags_y2_item){ "metadata", 8, { AGS_Y2_MAP, NULL, 0, meta, nm } };
	if (n)
		top[nt++] = (struct ags_y2_item){ kubectl ? "data" : "stringData", kubectl ? 4 : 10,
						  { AGS_Y2_MAP, NULL, 0, data, n } };
	if (s->type)
		top[nt++] = (struct ags_y2_item){ "type", 4, STR(s->type) };
	struct ags_y2_node root = { AGS_Y2_MAP, NULL, 0, top, nt };

	if (!kubectl && (r = ags_buf_puts(out, "---\n")) < 0)
		goto out;
	if ((r = ags_y2_emit_map(&root, out)) < 0)
		goto out;
	/* flux prints the manifest with Println: one more line break */
	if (layout == AGS_LAYOUT_FLUX && (r = ags_buf_putc(out, '\n')) < 0)
		goto out;
	r = 0;
out:
	if (vals)
		for (size_t i = 0; i < n; i++)
			ags_buf_release(&vals[i]);
	free(vals);
	free(labels);
	free(data);
	if (r < 0 && d)
		ags_diag_set(d, r, "cannot write the Secret manifest: %s", ags_strerror(r));
	return r;
}

/* ---- kubectl --from-env-file ---- */

/* unicode.IsSpace at s (UTF-8); returns its width or 0. */
static size_t uspace(const unsigned char *s, size_t n)
{
	if (n >= 1 && (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r')))
		return 1;
	if (n >= 2 && s[0] == 0xC2 && (s[1] == 0x85 || s[1] == 0xA0))
		return 2;
	if (n >= 3 && s[0] == 0xE1 && s[1] == 0x9A && s[2] == 0x80)
		return 3; /* U+1680 */
	if (n >= 3 && s[0] == 0xE2 && s[1] == 0x80 &&
	    ((s[2] >= 0x80 && s[2] <= 0x8A) || s[2] == 0xA8 || s[2] == 0xA9 || s[2] == 0xAF))
		return 3; /* U+2000..200A, 2028, 2029, 202F */
	if (n >= 3 && s[0] == 0xE2 && s[1] == 0x81 && s[2] == 0x9F)
		return 3; /* U+205F */
	if (n >= 3 && s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80)
		return 3; /* U+3000 */
	return 0;
}

static bool env_var_name_ok(const char *k, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = k[i];
		bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '.' || c == '_';
		if (!alpha && !(i > 0 && c >= '0' && c <= '9'))
			return false;
	}
	return true;
}

#define ENV_LINE_MAX (64 * 1024) /* bufio.Scanner's token limit */

int ags_gitops_secret_add_env_file(struct ags_gitops_secret *s, const char *data, size_t len,
				   const char *name, struct ags_diag *d)
{
	size_t pos = 0;
	unsigned lineno = 0;
	while (pos < len) {
		const char *line = data + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - line) : len - pos;
		pos += ll + (nl ? 1 : 0);
		if (ll > ENV_LINE_MAX)
			return ags_diag_set(d, AGS_E_TOO_BIG, "%s:%u: line longer than 64 KiB", name, lineno + 1);
		if (ll && line[ll - 1] == '\r')
			ll--;
		if (!ags_utf8_valid(line, ll, NULL))
			return ags_diag_set(d, AGS_E_UTF8, "env file %s contains invalid utf8 bytes at line %u", name,
					    lineno + 1);
		const unsigned char *u = (const unsigned char *)line;
		size_t i = 0;
		if (lineno == 0 && ll >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
			i = 3;
		lineno++;
		size_t w;
		while (i < ll && (w = uspace(u + i, ll - i)) > 0)
			i += w;
		if (i == ll || line[i] == '#')
			continue;
		const char *kstart = line + i;
		const char *eq = memchr(kstart, '=', ll - i);
		size_t kl = eq ? (size_t)(eq - kstart) : ll - i;
		if (!env_var_name_ok(kstart, kl))
			return ags_diag_set(d, AGS_E_GITOPS_INVALID,
					    "%s:%u: \"%.*s\" is not a valid key name: a valid environment variable name "
					    "must consist of alphabetic characters, digits, '_', '-', or '.', and must "
					    "not start with a digit",
					    name, lineno, (int)AGS_MIN(kl, 200), kstart);
		char key[ENV_LINE_MAX + 1];
		memcpy(key, kstart, kl);
		key[kl] = 0;
		const char *val;
		size_t vl;
		if (eq) {
			val = eq + 1;
			vl = ll - i - kl - 1;
		} else {
			val = getenv(key);
			if (!val)
				val = "";
			vl = strlen(val);
		}
		int r = ags_gitops_secret_add(s, key, val, vl, true, d);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- names ---- */

bool ags_gitops_dns1123_label(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 63)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool an = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (!an && !(c == '-' && i > 0 && i < n - 1))
			return false;
	}
	return true;
}

bool ags_gitops_dns1123_subdomain(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 253)
		return false;
	const char *p = s;
	for (;;) {
		const char *dot = strchr(p, '.');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);
		char lab[254];
		if (l == 0 || l >= sizeof(lab))
			return false;
		memcpy(lab, p, l);
		lab[l] = 0;
		/* subdomain labels may be longer than 63 in k8s' regex; only the total counts */
		for (size_t i = 0; i < l; i++) {
			char c = lab[i];
			bool an = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
			if (!an && !(c == '-' && i > 0 && i < l - 1))
				return false;
		}
		if (!dot)
			return true;
		p = dot + 1;
	}
}

const char *ags_gitops_proxmox_token_id_error(const char *s)
{
	const char *at = strchr(s, '@');
	const char *bang = strchr(s, '!');
	if (!at || at == s)
		return "token id must have the form user@realm!tokenid (missing user@)";
	if (!bang || bang < at || bang == at + 1)
		return "token id must have the form user@realm!tokenid (missing @realm!)";
	if (strchr(at + 1, '@') || strchr(bang + 1, '!'))
		return "token id must have the form user@realm!tokenid (extra '@' or '!')";
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '=' || *p == ':')
			return "token id must not contain spaces, '=' or ':'";
	const char *t = bang + 1;
	if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z')))
		return "the token name (after '!') must start with a letter";
	for (; *t; t++)
		if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') || (*t >= '0' && *t <= '9') || *t == '.' ||
		      *t == '_' || *t == '-'))
			return "the token name (after '!') may contain only letters, digits, '.', '_' and '-'";
	return NULL;
}

const char *ags_gitops_proxmox_url_error(const char *s)
{
	const char *h;
	if (!strncmp(s, "https://", 8))
		h = s + 8;
	else if (!strncmp(s, "http://", 7))
		h = s + 7;
	else
		return "URL must start with https:// (or http://)";
	if (!*h || *h == '/' || *h == ':')
		return "URL has no host";
	for (const char *p = h; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '"' || *p == '\\')
			return "URL must not contain spaces, quotes or backslashes";
	const char *end = h + strcspn(h, "/?#");
	const char *colon = NULL;
	if (*h == '[') {
		const char *rb = memchr(h, ']', (size_t)(end - h));
		if (!rb)
			return "URL has an unterminated IPv6 address";
		colon = rb + 1 < end && rb[1] == ':' ? rb + 1 : NULL;
	} else {
		colon = memchr(h, ':', (size_t)(end - h));
	}
	if (colon) {
		const char *p = colon + 1;
		if (p == end)
			return "URL has an empty port";
		long port = 0;
		for (; p < end; p++) {
			if (*p < '0' || *p > '9')
				return "URL port is not a number";
			port = port * 10 + (*p - '0');
			if (port > 65535)
				return "URL port is out of range";
		}
		if (port == 0)
			return "URL port is out of range";
	}
	return NULL;
}
