#include "internal.h"
#include "k8s/json.h"
#include "yaml/fyaml.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void k8s_json_free(struct k8s_json *j)
{
	while (j) {
		struct k8s_json *next = j->next;
		k8s_json_free(j->child);
		ags_free_secret(j->str, j->len);
		ags_free_secret(j->key, j->keylen);
		free(j);
		j = next;
	}
}

const struct k8s_json *k8s_json_get(const struct k8s_json *j, const char *key)
{
	if (!j || j->type != K8S_JSON_OBJECT)
		return NULL;
	size_t kl = strlen(key);
	for (const struct k8s_json *c = j->child; c; c = c->next)
		if (c->keylen == kl && memcmp(c->key, key, kl) == 0)
			return c;
	return NULL;
}

const char *k8s_json_get_str(const struct k8s_json *j, const char *key)
{
	const struct k8s_json *v = k8s_json_get(j, key);
	return v && v->type == K8S_JSON_STRING ? v->str : NULL;
}

bool k8s_json_is_null(const struct k8s_json *j)
{
	return !j || j->type == K8S_JSON_NULL;
}

/* ---- JSON parser ---- */

struct jp {
	const char *s;
	size_t len, pos;
	size_t nodes;
	char *err;
	size_t errlen;
};

static int jp_fail(struct jp *p, int code, const char *what)
{
	if (p->errlen)
		snprintf(p->err, p->errlen, "offset %zu: %s", p->pos, what);
	return code;
}

static void jp_ws(struct jp *p)
{
	while (p->pos < p->len) {
		char c = p->s[p->pos];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		p->pos++;
	}
}

static struct k8s_json *jp_node(struct jp *p, enum k8s_json_type t)
{
	if (p->nodes >= K8S_JSON_MAX_NODES)
		return NULL;
	struct k8s_json *n = calloc(1, sizeof(*n));
	if (n) {
		n->type = t;
		p->nodes++;
	}
	return n;
}

static int hex4(const char *s, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static int put_utf8(struct ags_buf *b, unsigned cp)
{
	unsigned char u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | (cp >> 6));
		u[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xe0 | (cp >> 12));
		u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xf0 | (cp >> 18));
		u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return ags_buf_append(b, u, n);
}

/* Parses a string literal at p->pos (on the opening quote) into a malloc'd,
 * NUL-terminated copy.  The staging buffer is secret: values may be keys. */
static int jp_string(struct jp *p, char **out, size_t *outlen)
{
	struct ags_buf b;
	ags_buf_init_secret(&b, p->len);
	int r = 0;
	p->pos++;
	for (;;) {
		if (p->pos >= p->len) {
			r = jp_fail(p, AGS_E_SYNTAX, "unterminated string");
			goto fail;
		}
		unsigned char c = (unsigned char)p->s[p->pos];
		if (c == '"') {
			p->pos++;
			break;
		}
		if (c < 0x20) {
			r = jp_fail(p, AGS_E_SYNTAX, "control character in string");
			goto fail;
		}
		if (c != '\\') {
			size_t start = p->pos;
			while (p->pos < p->len && p->s[p->pos] != '"' && p->s[p->pos] != '\\' &&
			       (unsigned char)p->s[p->pos] >= 0x20)
				p->pos++;
			if ((r = ags_buf_append(&b, p->s + start, p->pos - start)) < 0)
				goto fail;
			continue;
		}
		if (p->pos + 1 >= p->len) {
			r = jp_fail(p, AGS_E_SYNTAX, "unterminated escape");
			goto fail;
		}
		char e = p->s[p->pos + 1];
		const char *map = "\"\\/bfnrt";
		const char *rep = "\"\\/\b\f\n\r\t";
		const char *m = strchr(map, e);
		if (e && m) {
			if ((r = ags_buf_putc(&b, rep[m - map])) < 0)
				goto fail;
			p->pos += 2;
			continue;
		}
		if (e != 'u') {
			r = jp_fail(p, AGS_E_SYNTAX, "invalid escape");
			goto fail;
		}
		unsigned cp;
		if (p->pos + 6 > p->len || hex4(p->s + p->pos + 2, &cp) < 0) {
			r = jp_fail(p, AGS_E_SYNTAX, "invalid \\u escape");
			goto fail;
		}
		p->pos += 6;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			unsigned lo;
			if (p->pos + 6 > p->len || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u' ||
			    hex4(p->s + p->pos + 2, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff) {
				r = jp_fail(p, AGS_E_SYNTAX, "unpaired surrogate in \\u escape");
				goto fail;
			}
			p->pos += 6;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		} else if (cp >= 0xdc00 && cp <= 0xdfff) {
			r = jp_fail(p, AGS_E_SYNTAX, "unpaired surrogate in \\u escape");
			goto fail;
		}
		if ((r = put_utf8(&b, cp)) < 0)
			goto fail;
	}
	if (b.len == 0 && (r = ags_buf_reserve(&b, 1)) < 0)
		goto fail;
	*outlen = b.len;
	*out = (char *)b.data; /* ownership passes; wiped by k8s_json_free */
	return 0;
fail:
	ags_buf_release(&b);
	return r;
}

static int jp_value(struct jp *p, int depth, struct k8s_json **ret);

static int jp_number(struct jp *p, struct k8s_json **ret)
{
	size_t start = p->pos;
	const char *s = p->s;
	size_t i = p->pos;
	if (i < p->len && s[i] == '-')
		i++;
	if (i < p->len && s[i] == '0') {
		i++;
	} else if (i < p->len && s[i] >= '1' && s[i] <= '9') {
		while (i < p->len && s[i] >= '0' && s[i] <= '9')
			i++;
	} else {
		return jp_fail(p, AGS_E_SYNTAX, "invalid value");
	}
	if (i < p->len && s[i] == '.') {
		i++;
		if (i >= p->len || s[i] < '0' || s[i] > '9')
			return jp_fail(p, AGS_E_SYNTAX, "invalid number");
		while (i < p->len && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < p->len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < p->len && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= p->len || s[i] < '0' || s[i] > '9')
			return jp_fail(p, AGS_E_SYNTAX, "invalid number");
		while (i < p->len && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	struct k8s_json *n = jp_node(p, K8S_JSON_NUMBER);
	if (!n)
		return jp_fail(p, p->nodes >= K8S_JSON_MAX_NODES ? AGS_E_TOO_BIG : AGS_E_NOMEM, "too many nodes");
	n->len = i - start;
	n->str = strndup(s + start, n->len);
	if (!n->str) {
		free(n);
		return AGS_E_NOMEM;
	}
	p->pos = i;
	*ret = n;
	return 0;
}

static int jp_container(struct jp *p, int depth, bool object, struct k8s_json **ret)
{
	if (depth >= K8S_JSON_MAX_DEPTH)
		return jp_fail(p, AGS_E_TOO_BIG, "nesting too deep");
	struct k8s_json *n = jp_node(p, object ? K8S_JSON_OBJECT : K8S_JSON_ARRAY);
	if (!n)
		return jp_fail(p, p->nodes >= K8S_JSON_MAX_NODES ? AGS_E_TOO_BIG : AGS_E_NOMEM, "too many nodes");
	struct k8s_json **tail = &n->child;
	char close = object ? '}' : ']';
	int r;
	p->pos++;
	jp_ws(p);
	if (p->pos < p->len && p->s[p->pos] == close) {
		p->pos++;
		*ret = n;
		return 0;
	}
	for (;;) {
		char *key = NULL;
		size_t keylen = 0;
		jp_ws(p);
		if (object) {
			if (p->pos >= p->len || p->s[p->pos] != '"') {
				r = jp_fail(p, AGS_E_SYNTAX, "expected a member name");
				goto fail;
			}
			if ((r = jp_string(p, &key, &keylen)) < 0)
				goto fail;
			if (memchr(key, 0, keylen) || k8s_json_get(n, key)) {
				ags_free_secret(key, keylen);
				r = jp_fail(p, AGS_E_SYNTAX, "duplicate or invalid member name");
				goto fail;
			}
			jp_ws(p);
			if (p->pos >= p->len || p->s[p->pos] != ':') {
				ags_free_secret(key, keylen);
				r = jp_fail(p, AGS_E_SYNTAX, "expected ':'");
				goto fail;
			}
			p->pos++;
		}
		struct k8s_json *v = NULL;
		if ((r = jp_value(p, depth + 1, &v)) < 0) {
			ags_free_secret(key, keylen);
			goto fail;
		}
		v->key = key;
		v->keylen = keylen;
		*tail = v;
		tail = &v->next;
		n->n++;
		jp_ws(p);
		if (p->pos < p->len && p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->s[p->pos] == close) {
			p->pos++;
			break;
		}
		r = jp_fail(p, AGS_E_SYNTAX, object ? "expected ',' or '}'" : "expected ',' or ']'");
		goto fail;
	}
	*ret = n;
	return 0;
fail:
	k8s_json_free(n);
	return r;
}

static int jp_value(struct jp *p, int depth, struct k8s_json **ret)
{
	jp_ws(p);
	if (p->pos >= p->len)
		return jp_fail(p, AGS_E_SYNTAX, "unexpected end of input");
	char c = p->s[p->pos];
	if (c == '{' || c == '[')
		return jp_container(p, depth, c == '{', ret);
	if (c == '"') {
		struct k8s_json *n = jp_node(p, K8S_JSON_STRING);
		if (n)
			n->quoted = true;
		if (!n)
			return jp_fail(p, p->nodes >= K8S_JSON_MAX_NODES ? AGS_E_TOO_BIG : AGS_E_NOMEM,
				       "too many nodes");
		int r = jp_string(p, &n->str, &n->len);
		if (r < 0) {
			free(n);
			return r;
		}
		*ret = n;
		return 0;
	}
	static const struct { const char *lit; enum k8s_json_type t; } lits[] = {
		{ "true", K8S_JSON_BOOL }, { "false", K8S_JSON_BOOL }, { "null", K8S_JSON_NULL },
	};
	for (size_t i = 0; i < AGS_ARRAY_SIZE(lits); i++) {
		size_t l = strlen(lits[i].lit);
		if (p->len - p->pos >= l && memcmp(p->s + p->pos, lits[i].lit, l) == 0) {
			struct k8s_json *n = jp_node(p, lits[i].t);
			if (!n)
				return jp_fail(p, AGS_E_TOO_BIG, "too many nodes");
			if (lits[i].t == K8S_JSON_BOOL) {
				n->str = strdup(lits[i].lit);
				if (!n->str) {
					free(n);
					return AGS_E_NOMEM;
				}
				n->len = l;
			}
			p->pos += l;
			*ret = n;
			return 0;
		}
	}
	return jp_number(p, ret);
}

int k8s_json_parse(const char *s, size_t len, struct k8s_json **ret, char *err, size_t errlen)
{
	struct jp p = { .s = s, .len = len, .err = err, .errlen = errlen };
	size_t bad;
	if (errlen)
		err[0] = 0;
	if (!ags_utf8_valid(s, len, &bad)) {
		p.pos = bad;
		return jp_fail(&p, AGS_E_UTF8, "invalid UTF-8");
	}
	struct k8s_json *root = NULL;
	int r = jp_value(&p, 0, &root);
	if (r < 0)
		return r;
	jp_ws(&p);
	if (p.pos != p.len) {
		k8s_json_free(root);
		return jp_fail(&p, AGS_E_SYNTAX, "trailing data after the JSON value");
	}
	*ret = root;
	return 0;
}

/* ---- JSON writer ---- */

int k8s_json_put_str(struct ags_buf *b, const char *s, size_t len)
{
	AGS_TRY(ags_buf_putc(b, '"'));
	size_t start = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
			continue;
		AGS_TRY(ags_buf_append(b, s + start, i - start));
		switch (c) {
		case '"': AGS_TRY(ags_buf_puts(b, "\\\"")); break;
		case '\\': AGS_TRY(ags_buf_puts(b, "\\\\")); break;
		case '\n': AGS_TRY(ags_buf_puts(b, "\\n")); break;
		case '\r': AGS_TRY(ags_buf_puts(b, "\\r")); break;
		case '\t': AGS_TRY(ags_buf_puts(b, "\\t")); break;
		default: AGS_TRY(ags_buf_printf(b, "\\u%04x", c)); break;
		}
		start = i + 1;
	}
	AGS_TRY(ags_buf_append(b, s + start, len - start));
	return ags_buf_putc(b, '"');
}

/* ---- YAML (kubeconfig) through libfyaml ---- */

struct yconv {
	const char *name;
	struct ags_diag *d;
	size_t nodes;
};

static int yconv_node(struct yconv *y, struct fy_node *fn, int depth, struct k8s_json **ret);

/* Appends v (NULL: a null) to the collection n at *tail, as the entry key[0..kl) when key is set. */
static int yconv_add(struct yconv *y, struct k8s_json *n, struct k8s_json ***tail, struct fy_node *v, int depth,
		     const char *key, size_t kl)
{
	struct k8s_json *c = NULL;
	if (v)
		AGS_TRY(yconv_node(y, v, depth + 1, &c));
	else if (!(c = calloc(1, sizeof(*c))))
		return AGS_E_NOMEM;
	else
		c->type = K8S_JSON_NULL;
	if (key && !(c->key = strndup(key, kl))) {
		k8s_json_free(c);
		return AGS_E_NOMEM;
	}
	c->keylen = kl;
	**tail = c;
	*tail = &c->next;
	n->n++;
	return 0;
}

static int yconv_node(struct yconv *y, struct fy_node *fn, int depth, struct k8s_json **ret)
{
	if (depth >= K8S_JSON_MAX_DEPTH)
		return ags_diag_set(y->d, AGS_E_TOO_BIG, "%s: nesting too deep", y->name);
	if (++y->nodes > K8S_JSON_MAX_NODES)
		return ags_diag_set(y->d, AGS_E_TOO_BIG, "%s: too many nodes", y->name);
	struct k8s_json *n = calloc(1, sizeof(*n));
	if (!n)
		return AGS_E_NOMEM;
	int r = 0;
	if (fy_node_get_type(fn) == FYNT_SCALAR) {
		struct fy_token *t = fy_node_get_scalar_token(fn);
		const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
		n->line = m ? m->line + 1 : 0;
	}
	struct k8s_json **tail = &n->child; /* of a collection */
	void *it = NULL;
	switch (fy_node_get_type(fn)) {
	case FYNT_SCALAR: {
		size_t len;
		const char *s = fy_node_get_scalar(fn, &len);
		enum fy_node_style st = fy_node_get_style(fn);
		if (st == FYNS_ALIAS) {
			r = ags_diag_set(y->d, AGS_E_K8S_CONFIG, "%s:%d: aliases are not supported", y->name,
					 n->line);
			break;
		}
		if (!s)
			s = "", len = 0;
		bool plain = st == FYNS_PLAIN;
		if (plain && (len == 0 || (len == 4 && !memcmp(s, "null", 4)) || (len == 1 && s[0] == '~'))) {
			n->type = K8S_JSON_NULL;
			break;
		}
		n->type = plain && ((len == 4 && !memcmp(s, "true", 4)) || (len == 5 && !memcmp(s, "false", 5)))
				  ? K8S_JSON_BOOL : K8S_JSON_STRING;
		n->quoted = !plain;
		n->str = malloc(len + 1);
		if (!n->str) {
			r = AGS_E_NOMEM;
			break;
		}
		memcpy(n->str, s, len);
		n->str[len] = 0;
		n->len = len;
		break;
	}
	case FYNT_SEQUENCE: {
		n->type = K8S_JSON_ARRAY;
		struct fy_node *e;
		while (!r && (e = fy_node_sequence_iterate(fn, &it)))
			r = yconv_add(y, n, &tail, e, depth, NULL, 0);
		break;
	}
	case FYNT_MAPPING: {
		n->type = K8S_JSON_OBJECT;
		struct fy_node_pair *pr;
		while (!r && (pr = fy_node_mapping_iterate(fn, &it))) {
			struct fy_node *k = fy_node_pair_key(pr);
			size_t kl = 0;
			const char *ks = k && fy_node_get_type(k) == FYNT_SCALAR ? fy_node_get_scalar(k, &kl) : NULL;
			if (!ks || memchr(ks, 0, kl)) {
				r = ags_diag_set(y->d, AGS_E_K8S_CONFIG, "%s:%d: mapping keys must be strings",
						 y->name, n->line);
				break;
			}
			r = yconv_add(y, n, &tail, fy_node_pair_value(pr), depth, ks, kl);
		}
		break;
	}
	}
	if (r < 0) {
		k8s_json_free(n);
		return r;
	}
	/* collections carry no token: take the line of their first entry */
	if (!n->line && n->child)
		n->line = n->child->line;
	*ret = n;
	return 0;
}

int k8s_yaml_parse(const char *s, size_t len, const char *name, struct k8s_json **ret, struct ags_diag *d)
{
	size_t bad;
	/* libfyaml 0.7.12 can loop forever on invalid UTF-8: check first. */
	if (!ags_utf8_valid(s, len, &bad))
		return ags_diag_set(d, AGS_E_K8S_CONFIG, "%s: invalid UTF-8 at byte %zu", name, bad);
	/* aliases stay alias nodes (refused below); any load failure is an error */
	struct fy_document *fyd = NULL;
	int r = ags_fy_document_load(s, len, false, AGS_E_K8S_CONFIG, name, &fyd, d);
	if (r < 0)
		return r;
	struct k8s_json *root = NULL;
	struct fy_node *fr = fyd ? fy_document_root(fyd) : NULL;
	if (!r && fr)
		r = yconv_node(&(struct yconv){ .name = name, .d = d }, fr, 0, &root);
	if (!r && root && root->type == K8S_JSON_NULL) {
		k8s_json_free(root);
		root = NULL;
	}
	if (!r && !root) {
		root = calloc(1, sizeof(*root));
		if (!root)
			r = AGS_E_NOMEM;
		else
			root->type = K8S_JSON_OBJECT;
	}
	if (!r && root->type != K8S_JSON_OBJECT) {
		r = ags_diag_set(d, AGS_E_K8S_CONFIG, "%s: the top level must be a mapping", name);
		k8s_json_free(root);
	}
	if (fyd)
		fy_document_destroy(fyd);
	if (r < 0)
		return r;
	*ret = root;
	return 0;
}
