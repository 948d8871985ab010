/*
 * Helpers shared by the format stores (the lookup by name or path is
 * store_registry.c).
 */
#include "internal.h"
#include "sops/store_int.h"
#include "sops/scalar.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

uint32_t ags_store_line_of(const char *p, size_t off)
{
	uint32_t line = 1;
	const char *e = p + off;
	for (const char *q = p; (q = memchr(q, '\n', (size_t)(e - q))) != NULL; q++)
		line++;
	return line;
}

int ags_store_check_utf8(const char *p, size_t n, const char *what, struct ags_diag *d)
{
	size_t bad;
	if (ags_utf8_valid(p, n, &bad))
		return 0;
	return ags_diag_set(d, AGS_E_UTF8, "line %u: %s input is not valid UTF-8 (byte offset %zu)",
			    ags_store_line_of(p, bad), what, bad);
}

int ags_store_check_printable(const char *p, size_t n, bool yaml, struct ags_diag *d)
{
	const unsigned char *s = (const unsigned char *)p;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		uint32_t cp = c;
		bool bad = false;
		if (c < 0x20) {
			bad = c != '\t' && c != '\n' && c != '\r';
		} else if (!yaml) {
			continue;
		} else if (c == 0x7f) {
			bad = true;
		} else if (c == 0xc2 && i + 1 < n && s[i + 1] < 0xa0 && s[i + 1] != 0x85) {
			bad = true; /* C1 controls, except NEL */
			cp = s[i + 1];
		} else if (c == 0xef && i + 2 < n && ((s[i + 1] == 0xbb && s[i + 2] == 0xbf && i != 0) ||
						       (s[i + 1] == 0xbf && (s[i + 2] == 0xbe || s[i + 2] == 0xbf)))) {
			bad = true; /* BOM past the start, U+FFFE, U+FFFF */
			cp = 0xfeff;
		}
		if (bad)
			return ags_diag_set(d, AGS_E_SOPS_FORMAT, "line %u: control characters are not allowed (0x%02X)",
					    ags_store_line_of(p, i), (unsigned)cp);
	}
	return 0;
}

void ags_store_key_for_diag(const char *s, size_t n, char *out, size_t outsz)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 4 < outsz; i++)
		out[o++] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	if (o + 4 >= outsz && n > o) {
		out[o++] = '.';
		out[o++] = '.';
		out[o++] = '.';
	}
	out[o] = 0;
}

static bool key_is(const struct ags_value *k, const char *s)
{
	size_t n = strlen(s);
	return k->kind == AGS_VAL_STR && k->str.len == n && memcmp(k->str.p, s, n) == 0;
}

ssize_t ags_store_find_sops_key(const struct ags_branch *b)
{
	for (size_t i = 0; i < b->n; i++)
		if (key_is(&b->items[i].key, "sops"))
			return (ssize_t)i;
	return -1;
}

void ags_store_drop_sops_keys(struct ags_branch *b)
{
	size_t w = 0;
	for (size_t i = 0; i < b->n; i++) {
		if (key_is(&b->items[i].key, "sops")) {
			ags_value_clear(&b->items[i].key);
			ags_value_clear(&b->items[i].value);
			continue;
		}
		b->items[w++] = b->items[i];
	}
	b->n = w;
}

int ags_store_extract_metadata(struct ags_tree *t, struct ags_diag *d)
{
	(void)d;
	if (t->ndocs == 0)
		return 0;
	struct ags_branch *first = t->docs[0];
	ssize_t at = -1;
	for (size_t i = 0; i < first->n; i++) {
		if (key_is(&first->items[i].key, "sops")) {
			if (first->items[i].value.kind != AGS_VAL_MAP)
				return 0;
			if (at < 0)
				at = (ssize_t)i;
		}
	}
	if (at < 0)
		return 0;
	ags_value_clear(&t->metadata);
	t->metadata = first->items[at].value;
	memset(&first->items[at].value, 0, sizeof(first->items[at].value));
	for (size_t di = 0; di < t->ndocs; di++)
		ags_store_drop_sops_keys(t->docs[di]);
	return 0;
}

/* ---- Go json.Marshal strings ---- */

static int utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	int len;
	uint32_t v, min;
	if ((c & 0xe0) == 0xc0) {
		len = 2;
		v = c & 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3;
		v = c & 0x0f;
		min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4;
		v = c & 0x07;
		min = 0x10000;
	} else {
		return -1;
	}
	if ((size_t)len > n)
		return -1;
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return -1;
	*cp = v;
	return len;
}

int ags_json_put_string(struct ags_buf *b, const char *str, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	ags_buf_reserve_hint(b, n + 2);
	AGS_TRY(ags_buf_putc(b, '"'));
	size_t start = 0, i = 0;
	while (i < n) {
		unsigned char c = s[i];
		if (c < 0x80) {
			const char *esc = NULL;
			char u[7];
			if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&') {
				i++;
				continue;
			}
			switch (c) {
			case '"': esc = "\\\""; break;
			case '\\': esc = "\\\\"; break;
			case '\b': esc = "\\b"; break;
			case '\f': esc = "\\f"; break;
			case '\n': esc = "\\n"; break;
			case '\r': esc = "\\r"; break;
			case '\t': esc = "\\t"; break;
			default:
				u[0] = '\\';
				u[1] = 'u';
				u[2] = '0';
				u[3] = '0';
				u[4] = hex[c >> 4];
				u[5] = hex[c & 15];
				u[6] = 0;
				esc = u;
			}
			AGS_TRY(ags_buf_append(b, s + start, i - start));
			AGS_TRY(ags_buf_puts(b, esc));
			i++;
			start = i;
			continue;
		}
		uint32_t cp;
		int l = utf8_decode(s + i, n - i, &cp);
		if (l < 0) {
			AGS_TRY(ags_buf_append(b, s + start, i - start));
			AGS_TRY(ags_buf_puts(b, "\\ufffd"));
			i++;
			start = i;
			continue;
		}
		if (cp == 0x2028 || cp == 0x2029) {
			AGS_TRY(ags_buf_append(b, s + start, i - start));
			AGS_TRY(ags_buf_puts(b, cp == 0x2028 ? "\\u2028" : "\\u2029"));
			i += (size_t)l;
			start = i;
			continue;
		}
		i += (size_t)l;
	}
	AGS_TRY(ags_buf_append(b, s + start, n - start));
	return ags_buf_putc(b, '"');
}

/* ---- flattened metadata (dotenv / INI) ---- */

static int flat_put(struct ags_branch *out, const char *key, size_t klen, const struct ags_value *v,
		    bool escape_newlines)
{
	for (size_t i = 0; i < out->n; i++)
		if (out->items[i].key.str.len == klen && memcmp(out->items[i].key.str.p, key, klen) == 0)
			return AGS_E_SOPS_FORMAT; /* key collision */
	struct ags_value k = { 0 }, val = { 0 };
	AGS_TRY(ags_value_set_str(&k, AGS_VAL_STR, key, klen));
	int r;
	if (escape_newlines && v->kind == AGS_VAL_STR) {
		struct ags_buf b;
		ags_buf_init(&b, AGS_STORE_MAX_EMIT);
		r = 0;
		for (size_t i = 0; r == 0 && i < v->str.len; i++)
			r = v->str.p[i] == '\n' ? ags_buf_puts(&b, "\\n") : ags_buf_putc(&b, v->str.p[i]);
		if (r == 0)
			r = ags_value_set_str(&val, AGS_VAL_STR, b.len ? (const char *)b.data : "", b.len);
		ags_buf_release(&b);
	} else {
		r = ags_value_copy(&val, v);
	}
	if (r == 0)
		r = ags_branch_append(out, &k, &val);
	ags_value_clear(&k);
	ags_value_clear(&val);
	return r;
}

static int flatten_value(const struct ags_value *v, struct ags_buf *key, bool esc, struct ags_branch *out, int depth)
{
	if (depth > AGS_TREE_MAX_DEPTH)
		return AGS_E_TOO_BIG;
	size_t mark = key->len;
	int r = 0;
	if (v->kind == AGS_VAL_MAP) {
		for (size_t i = 0; r == 0 && i < v->map->n; i++) {
			const struct ags_item *it = &v->map->items[i];
			if (it->key.kind != AGS_VAL_STR)
				continue;
			ags_buf_truncate(key, mark);
			if (depth > 0)
				r = ags_buf_puts(key, "__map_");
			if (r == 0)
				r = ags_buf_append(key, it->key.str.p, it->key.str.len);
			if (r == 0)
				r = flatten_value(&it->value, key, esc, out, depth + 1);
		}
	} else if (v->kind == AGS_VAL_SEQ) {
		size_t idx = 0;
		for (size_t i = 0; r == 0 && i < v->seq->n; i++) {
			if (v->seq->items[i].kind == AGS_VAL_COMMENT)
				continue;
			ags_buf_truncate(key, mark);
			r = ags_buf_printf(key, "__list_%zu", idx++);
			if (r == 0)
				r = flatten_value(&v->seq->items[i], key, esc, out, depth + 1);
		}
	} else {
		r = flat_put(out, key->len ? (const char *)key->data : "", key->len, v, esc);
	}
	ags_buf_truncate(key, mark);
	return r;
}

int ags_store_flatten_meta(const struct ags_value *meta, const char *prefix, bool escape_newlines,
			   struct ags_branch *out)
{
	if (meta->kind != AGS_VAL_MAP)
		return AGS_E_INVAL;
	struct ags_buf key;
	ags_buf_init(&key, 1 << 20);
	int r = 0;
	for (size_t i = 0; r == 0 && i < meta->map->n; i++) {
		const struct ags_item *it = &meta->map->items[i];
		if (it->key.kind != AGS_VAL_STR)
			continue;
		ags_buf_reset(&key);
		r = ags_buf_puts(&key, prefix);
		if (r == 0)
			r = ags_buf_append(&key, it->key.str.p, it->key.str.len);
		if (r == 0)
			r = flatten_value(&it->value, &key, escape_newlines, out, 1);
	}
	ags_buf_release(&key);
	return r;
}

/* Unflattening: a small trie keyed by "__map_" / "__list_" tokens. */
struct unode {
	char *name; /* map child name, or NULL for a list index */
	long index;
	struct ags_value value;
	bool has_value;
	struct unode **kids;
	size_t nkids, capkids;
	bool has_map, has_list;
};

static void unode_free(struct unode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nkids; i++)
		unode_free(n->kids[i]);
	free(n->kids);
	free(n->name);
	ags_value_clear(&n->value);
	free(n);
}

static struct unode *unode_child(struct unode *n, const char *name, size_t nlen, long index)
{
	for (size_t i = 0; i < n->nkids; i++) {
		struct unode *k = n->kids[i];
		if (name ? (k->name && strlen(k->name) == nlen && memcmp(k->name, name, nlen) == 0)
			 : (!k->name && k->index == index))
			return k;
	}
	if (n->nkids == n->capkids) {
		size_t nc = n->capkids ? n->capkids * 2 : 4;
		struct unode **p = realloc(n->kids, nc * sizeof(*p));
		if (!p)
			return NULL;
		n->kids = p;
		n->capkids = nc;
	}
	struct unode *k = calloc(1, sizeof(*k));
	if (!k)
		return NULL;
	if (name) {
		k->name = strndup(name, nlen);
		if (!k->name) {
			free(k);
			return NULL;
		}
		n->has_map = true;
	} else {
		k->index = index;
		n->has_list = true;
	}
	n->kids[n->nkids++] = k;
	return k;
}

static int cmp_unode(const void *a, const void *b)
{
	const struct unode *x = *(struct unode *const *)a, *y = *(struct unode *const *)b;
	if (x->name && y->name)
		return strcmp(x->name, y->name);
	return x->index < y->index ? -1 : x->index > y->index;
}

static int unode_convert(struct unode *n, struct ags_value *out, int depth)
{
	if (depth > AGS_TREE_MAX_DEPTH)
		return AGS_E_TOO_BIG;
	if ((int)n->has_value + (int)n->has_map + (int)n->has_list > 1)
		return AGS_E_SOPS_FORMAT;
	if (n->has_value) {
		*out = n->value;
		memset(&n->value, 0, sizeof(n->value));
		return 0;
	}
	if (n->nkids > 1) /* kids is NULL when there are none */
		qsort(n->kids, n->nkids, sizeof(*n->kids), cmp_unode);
	struct ags_value v = { 0 };
	if (n->has_list) {
		AGS_TRY(ags_value_set_seq(&v));
		for (size_t i = 0; i < n->nkids; i++) {
			if (n->kids[i]->index != (long)i) {
				ags_value_clear(&v);
				return AGS_E_SOPS_FORMAT; /* incomplete list */
			}
		}
	} else {
		AGS_TRY(ags_value_set_map(&v));
	}
	for (size_t i = 0; i < n->nkids; i++) {
		struct ags_value c = { 0 }, k = { 0 };
		int r = unode_convert(n->kids[i], &c, depth + 1);
		if (r == 0) {
			if (n->has_list) {
				r = ags_list_append(v.seq, &c);
			} else {
				r = ags_value_set_str(&k, AGS_VAL_STR, n->kids[i]->name, strlen(n->kids[i]->name));
				if (r == 0)
					r = ags_branch_append(v.map, &k, &c);
			}
		}
		ags_value_clear(&c);
		ags_value_clear(&k);
		if (r < 0) {
			ags_value_clear(&v);
			return r;
		}
	}
	*out = v;
	return 0;
}

static const char *find_sep(const char *s, const char *e, bool *is_list)
{
	for (const char *p = s; p < e; p++) {
		if ((size_t)(e - p) >= 6 && memcmp(p, "__map_", 6) == 0) {
			*is_list = false;
			return p;
		}
		if ((size_t)(e - p) >= 7 && memcmp(p, "__list_", 7) == 0) {
			*is_list = true;
			return p;
		}
	}
	return NULL;
}

int ags_store_unflatten_meta(struct ags_branch *flat, bool unescape_newlines, struct ags_value *out,
			     struct ags_diag *d)
{
	if (flat->n > 10000)
		return ags_diag_set(d, AGS_E_TOO_BIG, "more than 10000 flattened sops metadata entries");
	struct unode *root = calloc(1, sizeof(*root));
	if (!root)
		return AGS_E_NOMEM;
	int r = 0;
	for (size_t i = 0; r == 0 && i < flat->n; i++) {
		struct ags_item *it = &flat->items[i];
		if (it->key.kind != AGS_VAL_STR)
			continue;
		const char *s = it->key.str.p, *e = s + it->key.str.len;
		struct unode *n = root;
		bool list = false;
		const char *tok = s;
		for (;;) {
			bool nlist = false;
			const char *sep = find_sep(tok, e, &nlist);
			const char *te = sep ? sep : e;
			if (list) {
				long idx = 0;
				for (const char *p = tok; p < te; p++) {
					if (*p < '0' || *p > '9' || idx > 1000000) {
						idx = -1; /* strconv.Atoi failure gives 0 in sops; be strict */
						break;
					}
					idx = idx * 10 + (*p - '0');
				}
				n = idx < 0 ? NULL : unode_child(n, NULL, 0, idx);
			} else {
				n = unode_child(n, tok, (size_t)(te - tok), 0);
			}
			if (!n) {
				r = AGS_E_SOPS_FORMAT;
				break;
			}
			if (!sep)
				break;
			list = nlist;
			tok = sep + (nlist ? 7 : 6);
		}
		if (r < 0)
			break;
		if (n->has_value) {
			char kd[80];
			ags_store_key_for_diag(s, it->key.str.len, kd, sizeof(kd));
			r = ags_diag_set(d, AGS_E_SOPS_FORMAT, "metadata key %s given twice", kd);
			break;
		}
		n->value = it->value;
		memset(&it->value, 0, sizeof(it->value));
		n->has_value = true;
		if (unescape_newlines && n->value.kind == AGS_VAL_STR) {
			char *p = n->value.str.p;
			size_t w = 0;
			for (size_t k = 0; k < n->value.str.len; k++) {
				if (p[k] == '\\' && k + 1 < n->value.str.len && p[k + 1] == 'n') {
					p[w++] = '\n';
					k++;
				} else {
					p[w++] = p[k];
				}
			}
			p[w] = 0;
			n->value.str.len = w;
		}
	}
	struct ags_value v = { 0 };
	if (r == 0) {
		r = unode_convert(root, &v, 0);
		if (r == AGS_E_SOPS_FORMAT)
			r = ags_diag_set(d, r, "flattened sops metadata is inconsistent (type mismatch or incomplete list)");
	}
	unode_free(root);
	if (r < 0) {
		ags_value_clear(&v);
		return r;
	}
	*out = v;
	return 0;
}

/* ---- key index ---- */

static size_t key_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return (size_t)(h ^ (h >> 29));
}

static void keyindex_put(struct ags_keyindex *x, size_t h, size_t item)
{
	size_t i = h & (x->nslots - 1);
	while (x->slots[i])
		i = (i + 1) & (x->nslots - 1);
	x->slots[i] = item + 1;
}

size_t ags_keyindex_get_or_add(struct ags_keyindex *x, const char *k, size_t kl, size_t item, ags_keyat_fn keyat,
			       const void *ctx, int *err)
{
	size_t h = key_hash(k, kl);
	if (x->nslots) {
		for (size_t i = h & (x->nslots - 1); x->slots[i]; i = (i + 1) & (x->nslots - 1)) {
			size_t l;
			const char *o = keyat(ctx, x->slots[i] - 1, &l);
			if (l == kl && memcmp(o, k, kl) == 0)
				return x->slots[i] - 1;
		}
	}
	if ((x->n + 1) * 2 > x->nslots) {
		size_t ns = x->nslots ? x->nslots * 2 : 16;
		size_t *p = calloc(ns, sizeof(*p));
		if (!p) {
			*err = AGS_E_NOMEM;
			return SIZE_MAX;
		}
		size_t *old = x->slots, on = x->nslots;
		x->slots = p;
		x->nslots = ns;
		for (size_t i = 0; i < on; i++) {
			if (old[i]) {
				size_t l;
				const char *o = keyat(ctx, old[i] - 1, &l);
				keyindex_put(x, key_hash(o, l), old[i] - 1);
			}
		}
		free(old);
	}
	keyindex_put(x, h, item);
	x->n++;
	return SIZE_MAX;
}

void ags_keyindex_free(struct ags_keyindex *x)
{
	free(x->slots);
	memset(x, 0, sizeof(*x));
}

int ags_store_check_size(size_t len, struct ags_diag *d)
{
	if (len > AGS_STORE_MAX_INPUT)
		return ags_diag_set(d, AGS_E_TOO_BIG, "input larger than %zu bytes", AGS_STORE_MAX_INPUT);
	return 0;
}

int ags_store_flat_finish(int r, struct ags_branch *doc, struct ags_branch *flat, bool unescape_newlines,
			  struct ags_tree *out, struct ags_diag *d)
{
	struct ags_tree t = { 0 };
	if (r == 0)
		r = ags_tree_append_doc(&t, doc);
	if (r < 0) {
		ags_branch_free(doc);
		return r;
	}
	if (flat)
		r = ags_store_unflatten_meta(flat, unescape_newlines, &t.metadata, d);
	if (r < 0) {
		ags_tree_clear(&t);
		return r;
	}
	*out = t;
	return 0;
}

int ags_store_check_reserved(const struct ags_tree *t, size_t ndocs, bool prefix, struct ags_diag *d)
{
	if (!ags_store_meta(t))
		return 0;
	for (size_t i = 0; i < t->ndocs && i < ndocs; i++) {
		const struct ags_branch *b = t->docs[i];
		for (size_t j = 0; j < b->n; j++) {
			const struct ags_value *k = &b->items[j].key;
			if (k->kind != AGS_VAL_STR)
				continue;
			bool hit = prefix ? (k->str.len >= 5 && memcmp(k->str.p, "sops_", 5) == 0)
					  : (k->str.len == 4 && memcmp(k->str.p, "sops", 4) == 0);
			if (hit) {
				char kd[80];
				ags_store_key_for_diag(k->str.p, k->str.len, kd, sizeof(kd));
				return ags_diag_set(d, AGS_E_SOPS_ALREADY_ENCRYPTED,
						    "found key \"%s\" in the data, which is reserved for SOPS metadata", kd);
			}
		}
	}
	return 0;
}

/* sops' stores.ValToString for non-string scalars. */
int ags_store_val_to_string(const struct ags_value *v, struct ags_buf *b)
{
	char num[400];
	switch (v->kind) {
	case AGS_VAL_STR:
		return ags_buf_append(b, v->str.p, v->str.len);
	case AGS_VAL_INT:
		return ags_buf_printf(b, "%lld", (long long)v->i);
	case AGS_VAL_BOOL:
		return ags_buf_puts(b, v->b ? "true" : "false");
	case AGS_VAL_FLOAT: {
		size_t n = ags_fmt_float_go(v->f, 'G', num);
		if (!memchr(num, '.', n) && !memchr(num, 'E', n) && !memchr(num, 'I', n) && !memchr(num, 'N', n)) {
			/* FormatFloat(v, 'f', 1): exact, so printf is fine for integers */
			n = (size_t)snprintf(num, sizeof(num), "%.1f", v->f);
		}
		return ags_buf_append(b, num, n);
	}
	case AGS_VAL_TIME: {
		/* time.RFC3339: no fractional seconds */
		const char *s = v->str.p;
		const char *dot = memchr(s, '.', v->str.len);
		if (!dot)
			return ags_buf_append(b, s, v->str.len);
		const char *z = dot + 1;
		while (z < s + v->str.len && *z >= '0' && *z <= '9')
			z++;
		AGS_TRY(ags_buf_append(b, s, (size_t)(dot - s)));
		return ags_buf_append(b, z, (size_t)(s + v->str.len - z));
	}
	case AGS_VAL_NULL:
		return ags_buf_puts(b, "<nil>");
	default:
		return AGS_E_INVAL;
	}
}
