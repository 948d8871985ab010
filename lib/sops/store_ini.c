/*
 * INI store, as sops' (gopkg.in/ini.v1 with AllowNonUniqueSections):
 * every section is a top-level item whose value is a mapping of strings;
 * keys before the first section go to "DEFAULT" (always present, written
 * only when it has keys).  Reading follows go-ini's defaults: '=' or ':'
 * delimiters, trimmed keys and values, a value cut at its first '#' or ';',
 * one pair of surrounding quotes removed, `...` and """...""" quoting
 * (multi-line allowed), '\' continuation lines.  Comment lines before a
 * section or key (and inline ones) become its comment; sops puts a section
 * comment first in its branch and a key comment after the key.  Writing
 * follows go-ini's PrettyFormat: "key = value" aligned per section, a blank
 * line between sections, comments written "; text" before what they belong
 * to.  Metadata lives in a final [sops] section with flattened keys whose
 * newlines are written as the two characters "\n" (sops 3.13.2); the raw
 * """ form of 3.13.0/3.13.1 is read too.
 */
#include "internal.h"
#include "sops/store_int.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Length of the white space character (Go's unicode.IsSpace, which go-ini's
 * strings.TrimSpace uses: ASCII blanks, NEL, NBSP and the Unicode spaces)
 * at [s, e), or 0. */
static size_t space_at(const char *s, const char *e)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = (size_t)(e - s);
	if (!n)
		return 0;
	if (u[0] == ' ' || (u[0] >= '\t' && u[0] <= '\r'))
		return 1;
	if (n >= 2 && u[0] == 0xC2 && (u[1] == 0x85 || u[1] == 0xA0))
		return 2;
	if (n < 3)
		return 0;
	uint32_t cp = ((uint32_t)(u[0] & 0x0F) << 12) | ((uint32_t)(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
	if ((u[0] & 0xF0) != 0xE0)
		return 0;
	bool sp = cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
		  cp == 0x205F || cp == 0x3000;
	return sp ? 3 : 0;
}

/* The same for the character that ends at e. */
static size_t space_before(const char *s, const char *e)
{
	for (size_t w = 1; w <= 3 && w <= (size_t)(e - s); w++)
		if (space_at(e - w, e) == w)
			return w;
	return 0;
}

/* go-ini's TrimLeftFunc(unicode.IsSpace) */
static void skip_space(const char **s, const char *e)
{
	size_t w;
	while (*s < e && (w = space_at(*s, e)) > 0)
		*s += w;
}

static void trim(const char **s, const char **e)
{
	size_t w;
	skip_space(s, *e);
	while (*e > *s && (w = space_before(*s, *e)) > 0)
		*e -= w;
}

static const char *memmem_last(const char *h, size_t hn, const char *n, size_t nn)
{
	if (nn > hn)
		return NULL;
	for (size_t i = hn - nn + 1; i-- > 0;)
		if (memcmp(h + i, n, nn) == 0)
			return h + i;
	return NULL;
}

struct ini_reader {
	struct ags_keyindex idx; /* keys of the current section */
	const char *p;
	size_t len, pos;
	uint32_t line;
	struct ags_buf comment;
	struct ags_diag *d;
};

/* Next line including its '\n' (if any); false at end of input. */
static bool next_line(struct ini_reader *R, const char **s, size_t *n)
{
	if (R->pos >= R->len)
		return false;
	const char *b = R->p + R->pos;
	const char *nl = memchr(b, '\n', R->len - R->pos);
	*n = nl ? (size_t)(nl - b) + 1 : R->len - R->pos;
	*s = b;
	R->pos += *n;
	R->line++;
	return true;
}

/* The first a or b in [s, e), or NULL. */
static const char *find_either(const char *s, const char *e, char a, char b)
{
	for (; s < e; s++)
		if (*s == a || *s == b)
			return s;
	return NULL;
}

/* Appends the comment text of s (from the first '#'/';'), as go-ini's
 * cleanComment; trimmed, for the comment after a closing quote. */
static int add_inline_comment(struct ini_reader *R, const char *s, const char *e, bool trimmed)
{
	const char *p = find_either(s, e, '#', ';');
	if (!p)
		return 0;
	if (trimmed)
		trim(&p, &e);
	return ags_buf_append(&R->comment, p, (size_t)(e - p));
}

static int set_comment_value(struct ags_value *c, struct ags_buf *cb)
{
	/* TrimSpace, then sops' stripCommentChar */
	const char *s = cb->len ? (const char *)cb->data : "", *e = s + cb->len;
	trim(&s, &e);
	if (s < e && *s == ';') {
		while (s < e && (*s == ';' || *s == ' '))
			s++;
	} else if (s < e && *s == '#') {
		while (s < e && (*s == '#' || *s == ' '))
			s++;
	}
	return ags_value_set_str(c, AGS_VAL_COMMENT, s, (size_t)(e - s));
}

/* The length of the quote go-ini sees opening the key or value at s (s < e):
 * 3 for """ with more than triple_min bytes from s on, 1 for ` or (with
 * dq) a lone ", else 0. */
static size_t open_quote(const char *s, const char *e, ptrdiff_t triple_min, bool dq)
{
	if (e - s > triple_min && memcmp(s, "\"\"\"", 3) == 0)
		return 3;
	return *s == '`' || (dq && *s == '"');
}

static int read_value(struct ini_reader *R, const char *s, const char *e, struct ags_buf *val)
{
	const char *ls = s;
	skip_space(&ls, e);
	if (ls == e)
		return 0;
	const char *q = ls;
	size_t ql = open_quote(ls, e, 3, false);
	if (ql) {
		const char *rest = ls + ql;
		const char *pos = memmem_last(rest, (size_t)(e - rest), q, ql);
		if (pos)
			return ags_buf_append(val, rest, (size_t)(pos - rest));
		AGS_TRY(ags_buf_append(val, rest, (size_t)(e - rest)));
		uint32_t first = R->line;
		const char *ns;
		size_t nn;
		for (;;) {
			if (!next_line(R, &ns, &nn))
				return ags_diag_set(R->d, AGS_E_SOPS_FORMAT, "line %u: missing closing quote %.*s", first,
						    (int)ql, q);
			pos = memmem_last(ns, nn, q, ql);
			if (pos) {
				AGS_TRY(ags_buf_append(val, ns, (size_t)(pos - ns)));
				return add_inline_comment(R, pos, ns + nn, true);
			}
			AGS_TRY(ags_buf_append(val, ns, nn));
		}
	}
	const char *te = e;
	trim(&ls, &te);
	if (te > ls && te[-1] == '\\') {
		/* continuation lines */
		AGS_TRY(ags_buf_append(val, ls, (size_t)(te - ls) - 1));
		const char *ns;
		size_t nn;
		while (next_line(R, &ns, &nn)) {
			const char *a = ns, *b = ns + nn;
			trim(&a, &b);
			if (a == b)
				break;
			AGS_TRY(ags_buf_append(val, a, (size_t)(b - a)));
			if (val->data[val->len - 1] != '\\')
				break;
			ags_buf_truncate(val, val->len - 1);
		}
		return 0;
	}
	const char *c = find_either(ls, te, '#', ';');
	if (c) {
		AGS_TRY(ags_buf_append(&R->comment, c, (size_t)(te - c)));
		te = c;
		trim(&ls, &te);
	}
	size_t n = (size_t)(te - ls);
	if (n >= 2 && (ls[0] == '\'' || ls[0] == '"') && ls[n - 1] == ls[0] && memchr(ls + 1, ls[0], n - 1) == ls + n - 1) {
		ls++;
		te--;
	}
	return ags_buf_append(val, ls, (size_t)(te - ls));
}

static int new_section(struct ags_branch *top, const char *name, size_t n, struct ags_branch **sec,
		       struct ini_reader *R)
{
	struct ags_value k = { 0 }, v = { 0 };
	int r = ags_value_set_str(&k, AGS_VAL_STR, name, n);
	if (r == 0)
		r = ags_value_set_map(&v);
	if (r == 0 && R && R->comment.len) {
		struct ags_value c = { 0 };
		r = set_comment_value(&c, &R->comment);
		if (r == 0)
			r = ags_branch_append(v.map, &c, NULL);
		ags_value_clear(&c);
		ags_buf_reset(&R->comment);
	}
	if (r == 0) {
		*sec = v.map;
		r = ags_branch_append(top, &k, &v);
	}
	if (R)
		ags_keyindex_free(&R->idx);
	ags_value_clear(&k);
	ags_value_clear(&v);
	return r;
}

static const char *branch_keyat(const void *ctx, size_t i, size_t *len)
{
	const struct ags_branch *b = ctx;
	*len = b->items[i].key.str.len;
	return b->items[i].key.str.p;
}

static int section_put(struct ags_branch *sec, const char *k, size_t kl, struct ags_buf *val, struct ini_reader *R)
{
	/* go-ini: a repeated key overwrites the value (and comment) in place */
	struct ags_value *ex = NULL;
	size_t at = 0;
	int err = 0;
	size_t got = ags_keyindex_get_or_add(&R->idx, k, kl, sec->n, branch_keyat, sec, &err);
	if (err)
		return err;
	if (got != SIZE_MAX) {
		ex = &sec->items[got].value;
		at = got;
	}
	struct ags_value v = { 0 };
	AGS_TRY(ags_value_set_str(&v, AGS_VAL_STR, val->len ? (const char *)val->data : "", val->len));
	v.line = R->line;
	int r = 0;
	if (ex) {
		ags_value_clear(ex);
		*ex = v;
		if (R->comment.len) {
			struct ags_value c = { 0 };
			r = set_comment_value(&c, &R->comment);
			if (r == 0 && at + 1 < sec->n && sec->items[at + 1].key.kind == AGS_VAL_COMMENT) {
				ags_value_clear(&sec->items[at + 1].key);
				sec->items[at + 1].key = c;
			} else if (r == 0) {
				r = ags_branch_append(sec, &c, NULL); /* rare: keeps it, at the end */
				ags_value_clear(&c);
			}
		}
		ags_buf_reset(&R->comment);
		return r;
	}
	struct ags_value key = { 0 };
	r = ags_value_set_str(&key, AGS_VAL_STR, k, kl);
	if (r == 0) {
		key.line = R->line;
		r = ags_branch_append(sec, &key, &v);
	}
	ags_value_clear(&key);
	ags_value_clear(&v);
	if (r == 0 && R->comment.len) {
		struct ags_value c = { 0 };
		r = set_comment_value(&c, &R->comment);
		if (r == 0)
			r = ags_branch_append(sec, &c, NULL);
		ags_value_clear(&c);
	}
	ags_buf_reset(&R->comment);
	return r;
}

static int parse_ini(struct ini_reader *R, struct ags_branch *top)
{
	struct ags_branch *sec;
	AGS_TRY(new_section(top, "DEFAULT", 7, &sec, NULL));
	struct ags_buf val;
	ags_buf_init(&val, AGS_STORE_MAX_INPUT);
	int r = 0;
	const char *s;
	size_t n;
	/* BOM */
	if (R->len >= 3 && memcmp(R->p, "\xef\xbb\xbf", 3) == 0)
		R->pos = 3;
	while (r == 0 && next_line(R, &s, &n)) {
		const char *e = s + n;
		skip_space(&s, e);
		if (s == e)
			continue;
		if (*s == '#' || *s == ';') {
			r = ags_buf_append(&R->comment, s, (size_t)(e - s));
			continue;
		}
		if (*s == '[') {
			const char *close = memmem_last(s, (size_t)(e - s), "]", 1);
			if (!close) {
				r = ags_diag_set(R->d, AGS_E_SOPS_FORMAT, "line %u: unclosed section", R->line);
				break;
			}
			r = add_inline_comment(R, close + 1, e, false);
			if (r == 0)
				r = new_section(top, s + 1, (size_t)(close - s - 1), &sec, R);
			continue;
		}
		/* key name */
		size_t ql = open_quote(s, e, 6, true);
		const char *ks = s + ql, *ke = NULL;
		if (ql && !(ke = memmem(ks, (size_t)(e - ks), s, ql))) {
			r = ags_diag_set(R->d, AGS_E_SOPS_FORMAT, "line %u: missing closing key quote", R->line);
			break;
		}
		const char *dl = find_either(ql ? ke + ql : s, e, '=', ':');
		if (!dl) {
			r = ags_diag_set(R->d, AGS_E_SOPS_FORMAT, "line %u: key-value delimiter not found", R->line);
			break;
		}
		if (!ql) {
			if (dl == s) {
				r = ags_diag_set(R->d, AGS_E_SOPS_FORMAT, "line %u: empty key name", R->line);
				break;
			}
			ke = dl;
		}
		const char *rest = dl + 1;
		trim(&ks, &ke);
		uint32_t kline = R->line;
		ags_buf_reset(&val);
		r = read_value(R, rest, e, &val);
		if (r == 0) {
			uint32_t save = R->line;
			R->line = kline;
			r = section_put(sec, ks, (size_t)(ke - ks), &val, R);
			R->line = save;
		}
	}
	ags_buf_release(&val);
	return r;
}

/* The metadata: the first [sops] section, unescaped and unflattened.  sops
 * then removes every "sops" section. */
static int take_metadata(int r, struct ags_branch *top, struct ags_tree *out, struct ags_diag *d)
{
	ssize_t at = r == 0 ? ags_store_find_sops_key(top) : -1;
	r = ags_store_flat_finish(r, top, at >= 0 ? top->items[at].value.map : NULL, true, out, d);
	if (r == 0)
		ags_store_drop_sops_keys(top); /* top is out's document now */
	return r;
}

static int ini_load(const char *data, size_t len, bool encrypted, struct ags_tree *out, struct ags_diag *d)
{
	(void)encrypted;
	AGS_TRY(ags_store_check_size(len, d));
	struct ags_branch *top;
	AGS_TRY(ags_branch_new(&top));
	struct ini_reader R = { .p = data, .len = len, .d = d };
	ags_buf_init(&R.comment, AGS_STORE_MAX_INPUT);
	int r = parse_ini(&R, top);
	ags_buf_release(&R.comment);
	ags_keyindex_free(&R.idx);
	return take_metadata(r, top, out, d);
}

/* go-ini writes comment lines "; text" (or keeps a leading '#'/';'). */
static int put_comment_lines(struct ags_buf *out, const char *s, size_t n, bool trim_plain)
{
	size_t pos = 0;
	while (pos <= n) {
		const char *l = s + pos;
		const char *nl = memchr(l, '\n', n - pos);
		size_t ln = nl ? (size_t)(nl - l) : n - pos;
		pos += ln + 1;
		if (ln == 0) {
			/* go-ini would index an empty line; write an empty comment */
			AGS_TRY(ags_buf_puts(out, ";\n"));
			continue;
		}
		const char *a, *b;
		if (l[0] != '#' && l[0] != ';') {
			AGS_TRY(ags_buf_puts(out, "; "));
			a = l;
			b = l + ln;
			if (trim_plain)
				trim(&a, &b);
		} else {
			AGS_TRY(ags_buf_putc(out, l[0]));
			AGS_TRY(ags_buf_putc(out, ' '));
			a = l + 1;
			b = l + ln;
			trim(&a, &b);
		}
		AGS_TRY(ags_buf_append(out, a, (size_t)(b - a)));
		AGS_TRY(ags_buf_putc(out, '\n'));
		if (!nl)
			break;
	}
	return 0;
}

static bool has_any(const char *s, size_t n, const char *set)
{
	for (size_t i = 0; i < n; i++)
		if (strchr(set, s[i]) && s[i])
			return true;
	return false;
}

struct ini_key {
	const struct ags_value *k;
	struct ags_buf val;
	const struct ags_value *comment;
};

/* The quote go-ini writes around a key: ` when it holds a quote or a
 * delimiter, """ when it holds a `, else none. */
static const char *key_quote(const char *s, size_t n)
{
	if (has_any(s, n, "\"=:"))
		return "`";
	return has_any(s, n, "`") ? "\"\"\"" : "";
}

/* Appends s between two quotes q (q may be ""). */
static int put_quoted(struct ags_buf *out, const char *q, const char *s, size_t n)
{
	int r = ags_buf_puts(out, q);
	if (r == 0)
		r = ags_buf_append(out, s, n);
	if (r == 0)
		r = ags_buf_puts(out, q);
	return r;
}

static const char *inikey_at(const void *ctx, size_t i, size_t *len)
{
	const struct ini_key *keys = ctx;
	*len = keys[i].k->str.len;
	return keys[i].k->str.p;
}

static int put_section(struct ags_buf *out, const struct ags_value *name, const struct ags_value *v, bool first,
		       bool last, bool escape_newlines, struct ags_diag *d)
{
	if (v->kind != AGS_VAL_MAP)
		return ags_diag_set(d, AGS_E_SOPS_FORMAT,
				    "Error encoding section: Section values should always be TreeBranches");
	const struct ags_branch *b = v->map;
	size_t i0 = 0;
	const struct ags_value *sec_comment = NULL;
	if (b->n && b->items[0].key.kind == AGS_VAL_COMMENT) {
		sec_comment = &b->items[0].key;
		i0 = 1;
	}
	/* collect keys (a later key with the same name updates the first) */
	struct ini_key *keys = calloc(b->n ? b->n : 1, sizeof(*keys));
	if (!keys)
		return AGS_E_NOMEM;
	size_t nk = 0;
	int r = 0;
	struct ini_key *lastk = NULL;
	struct ags_keyindex kidx = { 0 };
	for (size_t i = i0; r == 0 && i < b->n; i++) {
		const struct ags_item *it = &b->items[i];
		if (it->key.kind == AGS_VAL_COMMENT) {
			if (lastk)
				lastk->comment = &it->key;
			continue;
		}
		if (it->key.kind != AGS_VAL_STR)
			continue;
		if (it->value.kind == AGS_VAL_MAP || it->value.kind == AGS_VAL_SEQ) {
			r = ags_diag_set(d, AGS_E_SOPS_FORMAT, "INI values must be scalars (section values are mappings of strings)");
			break;
		}
		struct ini_key *k = NULL;
		size_t got = ags_keyindex_get_or_add(&kidx, it->key.str.p, it->key.str.len, nk, inikey_at, keys, &r);
		if (r < 0)
			break;
		if (got != SIZE_MAX)
			k = &keys[got];
		if (!k) {
			k = &keys[nk++];
			k->k = &it->key;
			ags_buf_init(&k->val, AGS_STORE_MAX_EMIT);
		} else {
			ags_buf_reset(&k->val);
		}
		if (escape_newlines && it->value.kind == AGS_VAL_STR) {
			for (size_t c = 0; r == 0 && c < it->value.str.len; c++)
				r = it->value.str.p[c] == '\n' ? ags_buf_append(&k->val, "\\n", 2)
							       : ags_buf_putc(&k->val, it->value.str.p[c]);
		} else {
			r = ags_store_val_to_string(&it->value, &k->val);
		}
		lastk = k;
	}
	bool is_default = name->str.len == 7 && strncasecmp(name->str.p, "DEFAULT", 7) == 0;
	if (r == 0 && sec_comment)
		r = put_comment_lines(out, sec_comment->str.p, sec_comment->str.len, false);
	bool skip = false;
	if (r == 0) {
		if (!first || !is_default) {
			r = ags_buf_putc(out, '[');
			if (r == 0)
				r = ags_buf_append(out, name->str.p, name->str.len);
			if (r == 0)
				r = ags_buf_puts(out, "]\n");
		} else if (nk == 0) {
			skip = true;
		}
	}
	if (r == 0 && !skip) {
		size_t align = 0;
		for (size_t j = 0; j < nk; j++) {
			const struct ags_value *k = keys[j].k;
			size_t l = k->str.len + 2 * strlen(key_quote(k->str.p, k->str.len));
			if (l > align)
				align = l;
		}
		for (size_t j = 0; r == 0 && j < nk; j++) {
			const struct ags_value *k = keys[j].k;
			if (keys[j].comment)
				r = put_comment_lines(out, keys[j].comment->str.p, keys[j].comment->str.len, true);
			const char *kq = key_quote(k->str.p, k->str.len);
			size_t kl = k->str.len + 2 * strlen(kq);
			if (r == 0)
				r = put_quoted(out, kq, k->str.p, k->str.len);
			for (size_t p = kl; r == 0 && p < align; p++)
				r = ags_buf_putc(out, ' ');
			if (r == 0)
				r = ags_buf_puts(out, " = ");
			const char *vs = keys[j].val.len ? (const char *)keys[j].val.data : "";
			size_t vn = keys[j].val.len;
			const char *wrap = "";
			if (has_any(vs, vn, "\n`"))
				wrap = "\"\"\"";
			else if (has_any(vs, vn, "#;"))
				wrap = "`";
			else if (vn && (space_at(vs, vs + vn) || space_before(vs, vs + vn)))
				wrap = "\""; /* go-ini: TrimSpace(val) != val */
			if (r == 0)
				r = put_quoted(out, wrap, vs, vn);
			if (r == 0)
				r = ags_buf_putc(out, '\n');
		}
		if (r == 0 && !last)
			r = ags_buf_putc(out, '\n');
	}
	for (size_t j = 0; j < nk; j++)
		ags_buf_release(&keys[j].val);
	free(keys);
	ags_keyindex_free(&kidx);
	return r;
}

static int ini_emit(const struct ags_tree *t, const struct ags_emit_opts *o, struct ags_buf *out, struct ags_diag *d)
{
	(void)o;
	AGS_TRY(ags_store_check_reserved(t, 1, false, d));
	size_t start = out->len;
	int r = 0;
	const struct ags_value *meta = ags_store_meta(t);
	const struct ags_branch *b = t->ndocs ? t->docs[0] : NULL;
	size_t nsec = 0;
	for (size_t i = 0; b && i < b->n; i++)
		nsec += b->items[i].key.kind == AGS_VAL_STR;
	if (meta)
		nsec++;
	size_t idx = 0;
	for (size_t i = 0; r == 0 && b && i < b->n; i++) {
		const struct ags_item *it = &b->items[i];
		if (it->key.kind != AGS_VAL_STR)
			continue;
		idx++;
		r = put_section(out, &it->key, &it->value, idx == 1, idx == nsec, false, d);
	}
	if (r == 0 && meta) {
		struct ags_value flat = { 0 };
		r = ags_value_set_map(&flat);
		if (r == 0)
			r = ags_store_flatten_meta(meta, "", false, flat.map);
		struct ags_value name = { .kind = AGS_VAL_STR, .str = { (char *)"sops", 4 } };
		idx++;
		if (r == 0)
			r = put_section(out, &name, &flat, idx == 1, true, true, d);
		ags_value_clear(&flat);
	}
	if (r < 0)
		ags_buf_truncate(out, start);
	return r;
}

const struct ags_store_ops ags_store_ini = { "ini", ini_load, ini_emit };
