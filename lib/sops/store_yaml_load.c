/*
 * YAML loader: libfyaml's event API builds the tree; comments are recovered
 * from the source bytes between events (libfyaml 0.7's own comment support
 * is experimental and leaks), and placed as sops' yaml store places go-yaml's
 * head/line/foot comments:
 *  - a comment on the line of a scalar value (mapping value or sequence
 *    element) becomes an inline comment item just before that item;
 *  - a comment on the line of a key whose value is a collection goes before
 *    the item, not inline (go-yaml: the key's line comment);
 *  - own-line comments belong to the innermost open collection whose
 *    indentation is at most the comment's column; they go before the next
 *    item there, or at the end when the collection closes.
 * Scalars are typed as go-yaml v3 does (scalar.c).  Aliases are expanded
 * (with a size budget against "billion laughs"), merge keys stay literal.
 */
#include "internal.h"
#include "sops/store_int.h"
#include "sops/scalar.h"
#include "util/fyaml.h"
#include "util/fy_msg.h"
#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct frame {
	bool is_map;
	bool flow;
	int indent;
	uint32_t line;
	struct ags_value val; /* the collection being built (MAP or SEQ) */
	bool have_key;
	struct ags_value key;
	size_t keyline_from; /* first comment item added after the pending key */
	int anchor;          /* index in the anchor table, or -1 */
};

struct anchor {
	char *name;
	size_t len;
	bool complete;
	struct ags_value v; /* scalars: owned copy; MAP/SEQ: borrowed pointer, never freed here */
};

struct pcomment {
	size_t off, len; /* text after '#' */
	int col;
	uint32_t line;
};

/* What the previous event finished, for attaching same-line comments. */
enum last_kind {
	LAST_NONE,
	LAST_KEY,        /* a mapping key (its value is pending) */
	LAST_ITEM,       /* a scalar/alias item was appended to the top frame */
	LAST_COLL_ITEM,  /* a flow collection item was appended */
};

struct loader {
	const char *src;
	size_t len;
	struct ags_diag *d;
	struct frame *frames;
	size_t nframes, capframes;
	struct ags_branch *doc;    /* document being built */
	bool doc_done;             /* root node seen */
	size_t docno;
	struct anchor *anchors;
	size_t nanchors, capanchors;
	int *slots;
	size_t nslots;
	struct pcomment *carry;
	size_t ncarry, capcarry;
	size_t prev_end;           /* end of the previous event's token */
	uint32_t prev_line;        /* its 1-based line */
	bool json;
	bool prev_at_line_start;   /* prev_end is at column 0 */
	enum last_kind last;
	bool last_scalar;          /* LAST_ITEM came from a scalar or alias */
	size_t alias_budget;
};

static int fail(struct loader *L, int code, uint32_t line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(struct loader *L, int code, uint32_t line, const char *fmt, ...)
{
	char msg[AGS_DIAG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line)
		return ags_diag_set(L->d, code, "line %u: %s", line, msg);
	return ags_diag_set(L->d, code, "%s", msg);
}

/* ---- comments ---- */

static int carry_push(struct loader *L, size_t off, size_t len, int col, uint32_t line)
{
	if (L->ncarry == L->capcarry) {
		size_t nc = L->capcarry ? L->capcarry * 2 : 16;
		struct pcomment *p = realloc(L->carry, nc * sizeof(*p));
		if (!p)
			return AGS_E_NOMEM;
		L->carry = p;
		L->capcarry = nc;
	}
	L->carry[L->ncarry++] = (struct pcomment){ off, len, col, line };
	return 0;
}

static int comment_value(struct loader *L, size_t off, size_t len, uint32_t line, bool inl, struct ags_value *v)
{
	memset(v, 0, sizeof(*v));
	AGS_TRY(ags_value_set_str(v, AGS_VAL_COMMENT, L->src + off, len));
	v->inline_comment = inl;
	v->line = line;
	return 0;
}

/* Appends a comment item at the end of collection c. */
static int add_comment(struct loader *L, struct ags_value *c, size_t off, size_t len, uint32_t line, bool inl)
{
	struct ags_value v;
	AGS_TRY(comment_value(L, off, len, line, inl, &v));
	int r;
	if (c->kind == AGS_VAL_MAP)
		r = ags_branch_append(c->map, &v, NULL);
	else
		r = ags_list_append(c->seq, &v);
	ags_value_clear(&v);
	return r;
}

/* Inserts a comment just before the last item of collection c. */
static int add_comment_before_last(struct loader *L, struct ags_value *c, size_t off, size_t len, uint32_t line,
				   bool inl)
{
	AGS_TRY(add_comment(L, c, off, len, line, inl));
	if (c->kind == AGS_VAL_MAP) {
		struct ags_branch *b = c->map;
		if (b->n >= 2) {
			struct ags_item t = b->items[b->n - 1];
			b->items[b->n - 1] = b->items[b->n - 2];
			b->items[b->n - 2] = t;
		}
	} else {
		struct ags_list *l = c->seq;
		if (l->n >= 2) {
			struct ags_value t = l->items[l->n - 1];
			l->items[l->n - 1] = l->items[l->n - 2];
			l->items[l->n - 2] = t;
		}
	}
	return 0;
}

static struct frame *top(struct loader *L)
{
	return L->nframes ? &L->frames[L->nframes - 1] : NULL;
}

/* Scans src[a, b) for comments.  Same-line comments after an item are
 * attached right away; the rest are carried to the next event. */
static int scan_gap(struct loader *L, size_t a, size_t b)
{
	if (b > L->len)
		b = L->len;
	bool line_start = a == 0 || L->prev_at_line_start;
	bool ws_only = line_start;
	bool after_blank = line_start;
	bool same_line = !line_start;
	uint32_t cur_line = L->prev_line;
	const char *s = L->src;
	for (size_t i = a; i < b; i++) {
		char c = s[i];
		if (c == '\n') {
			cur_line++;
			ws_only = true;
			after_blank = true;
			same_line = false;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r') {
			after_blank = true;
			continue;
		}
		if (c == '#' && after_blank) {
			size_t e = i + 1;
			while (e < b && s[e] != '\n' && s[e] != '\r')
				e++;
			uint32_t line = cur_line;
			/* column: distance to the line start (bounded: own-line
			 * comments have only blanks before them) */
			size_t ls = i;
			while (ls > 0 && s[ls - 1] != '\n' && i - ls < 4096)
				ls--;
			int col = (ls > 0 && s[ls - 1] != '\n') ? 4096 : (int)(i - ls);
			struct frame *f = top(L);
			if (same_line && !ws_only && f && L->last == LAST_ITEM) {
				AGS_TRY(add_comment_before_last(L, &f->val, i + 1, e - i - 1, line, L->last_scalar));
			} else if (same_line && !ws_only && f && L->last == LAST_COLL_ITEM) {
				AGS_TRY(add_comment_before_last(L, &f->val, i + 1, e - i - 1, line, false));
			} else if (same_line && !ws_only && f && L->last == LAST_KEY && f->is_map) {
				AGS_TRY(add_comment(L, &f->val, i + 1, e - i - 1, line, false));
			} else {
				AGS_TRY(carry_push(L, i + 1, e - i - 1, col, line));
			}
			i = e - 1;
			ws_only = false;
			after_blank = false;
			continue;
		}
		ws_only = false;
		after_blank = false;
	}
	return 0;
}

/* Puts carried comments at the end of collection c: with a column limit
 * (block collection end), only the leading ones at or beyond min_col. */
static int flush_carry_into(struct loader *L, struct ags_value *c, int min_col)
{
	size_t k = 0;
	for (; k < L->ncarry; k++) {
		if (L->carry[k].col < min_col)
			break;
		AGS_TRY(add_comment(L, c, L->carry[k].off, L->carry[k].len, L->carry[k].line, false));
	}
	if (k && k < L->ncarry)
		memmove(L->carry, L->carry + k, (L->ncarry - k) * sizeof(*L->carry));
	L->ncarry -= k;
	return 0;
}

/* ---- anchors ---- */

/* Anchors are looked up through an open-addressing hash index (many
 * anchors and aliases must not cost quadratic time). */
static uint32_t name_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static int anchor_find(struct loader *L, const char *name, size_t len)
{
	if (!L->nslots)
		return -1;
	for (size_t i = name_hash(name, len) & (L->nslots - 1);; i = (i + 1) & (L->nslots - 1)) {
		int idx = L->slots[i];
		if (idx < 0)
			return -1;
		if (L->anchors[idx].len == len && memcmp(L->anchors[idx].name, name, len) == 0)
			return idx;
	}
}

static int index_anchor(struct loader *L, int idx)
{
	if ((L->nanchors + 1) * 2 > L->nslots) {
		size_t ns = L->nslots ? L->nslots * 2 : 64;
		int *p = malloc(ns * sizeof(*p));
		if (!p)
			return AGS_E_NOMEM;
		for (size_t i = 0; i < ns; i++)
			p[i] = -1;
		free(L->slots);
		L->slots = p;
		L->nslots = ns;
		for (size_t k = 0; k < L->nanchors; k++)
			if ((int)k != idx)
				index_anchor(L, (int)k);
	}
	struct anchor *a = &L->anchors[idx];
	size_t i = name_hash(a->name, a->len) & (L->nslots - 1);
	while (L->slots[i] >= 0)
		i = (i + 1) & (L->nslots - 1);
	L->slots[i] = idx;
	return 0;
}

#define MAX_ANCHORS 65536

static int anchor_add(struct loader *L, struct fy_token *tok, const struct ags_value *v, bool complete,
		      uint32_t line)
{
	size_t len;
	const char *name = fy_token_get_text(tok, &len);
	if (!name)
		return fail(L, AGS_E_SYNTAX, line, "bad anchor");
	int idx = anchor_find(L, name, len);
	struct anchor *a;
	if (idx >= 0) {
		a = &L->anchors[idx];
		if (a->v.kind != AGS_VAL_MAP && a->v.kind != AGS_VAL_SEQ)
			ags_value_clear(&a->v);
		memset(&a->v, 0, sizeof(a->v));
	} else {
		if (L->nanchors >= MAX_ANCHORS)
			return fail(L, AGS_E_TOO_BIG, line, "too many anchors");
		if (L->nanchors == L->capanchors) {
			size_t nc = L->capanchors ? L->capanchors * 2 : 8;
			struct anchor *p = realloc(L->anchors, nc * sizeof(*p));
			if (!p)
				return AGS_E_NOMEM;
			L->anchors = p;
			L->capanchors = nc;
		}
		a = &L->anchors[L->nanchors];
		memset(a, 0, sizeof(*a));
		a->name = malloc(len + 1);
		if (!a->name)
			return AGS_E_NOMEM;
		memcpy(a->name, name, len);
		a->name[len] = 0;
		a->len = len;
		idx = (int)L->nanchors;
		int r = index_anchor(L, idx);
		if (r < 0) {
			free(a->name);
			return r;
		}
		L->nanchors++;
	}
	a->complete = complete;
	if (v->kind == AGS_VAL_MAP || v->kind == AGS_VAL_SEQ)
		a->v = *v; /* borrowed: the branch/list pointer is stable */
	else
		AGS_TRY(ags_value_copy(&a->v, v));
	return idx;
}

static void anchors_clear(struct loader *L)
{
	for (size_t i = 0; i < L->nanchors; i++) {
		if (L->anchors[i].v.kind != AGS_VAL_MAP && L->anchors[i].v.kind != AGS_VAL_SEQ)
			ags_value_clear(&L->anchors[i].v);
		free(L->anchors[i].name);
	}
	L->nanchors = 0;
	for (size_t i = 0; i < L->nslots; i++)
		L->slots[i] = -1;
}

/* Size and depth of a subtree, for the alias budget and depth cap. */
static void measure(const struct ags_value *v, size_t *cost, int depth, int *maxdepth)
{
	*cost += sizeof(struct ags_value);
	if (depth > *maxdepth)
		*maxdepth = depth;
	if (depth > AGS_TREE_MAX_DEPTH + 1)
		return;
	switch (v->kind) {
	case AGS_VAL_STR:
	case AGS_VAL_TIME:
	case AGS_VAL_COMMENT:
		*cost += v->str.len;
		break;
	case AGS_VAL_MAP:
		for (size_t i = 0; i < v->map->n; i++) {
			*cost += v->map->items[i].key.str.len;
			measure(&v->map->items[i].value, cost, depth + 1, maxdepth);
		}
		break;
	case AGS_VAL_SEQ:
		for (size_t i = 0; i < v->seq->n; i++)
			measure(&v->seq->items[i], cost, depth + 1, maxdepth);
		break;
	default:
		break;
	}
}

/* ---- building ---- */

static int check_key(struct loader *L, const struct ags_value *k)
{
	if (k->kind == AGS_VAL_STR)
		return 0;
	static const char *const names[] = { "null", "str", "int", "float", "bool", "time", "map", "seq", "comment" };
	return fail(L, AGS_E_SOPS_FORMAT, k->line,
		    "mapping key of type %s: only string keys are supported (quote the key)", names[k->kind]);
}

/* Adds a finished node v to the current container (or as document root). */
static int add_node(struct loader *L, struct ags_value *v, bool scalar_like, bool flow_coll)
{
	struct frame *f = top(L);
	if (!f) {
		/* document root */
		if (v->kind == AGS_VAL_MAP) {
			L->doc = v->map;
			v->map = NULL;
			v->kind = AGS_VAL_NULL;
			L->doc_done = true;
			return 0;
		}
		if (v->kind == AGS_VAL_NULL && !L->json) {
			L->doc_done = true;
			return 0;
		}
		if (L->json)
			return fail(L, AGS_E_SOPS_FORMAT, v->line,
				    "SOPS only supports JSON files with a top-level object (starting with '{')");
		return fail(L, AGS_E_SOPS_FORMAT, v->line,
			    v->kind == AGS_VAL_SEQ ? "YAML documents that are sequences are not supported"
						   : "YAML documents that are values are not supported");
	}
	if (f->is_map) {
		if (!f->have_key) {
			AGS_TRY(check_key(L, v));
			f->key = *v;
			memset(v, 0, sizeof(*v));
			f->have_key = true;
			f->keyline_from = f->val.map->n;
			L->last = LAST_KEY;
			return 0;
		}
		AGS_TRY(ags_branch_append(f->val.map, &f->key, v));
		f->have_key = false;
	} else {
		AGS_TRY(ags_list_append(f->val.seq, v));
	}
	L->last = scalar_like ? LAST_ITEM : flow_coll ? LAST_COLL_ITEM : LAST_NONE;
	L->last_scalar = scalar_like;
	return 0;
}

/* Carried comments before an item: they go before it in the current
 * container; before a nested block collection that is a mapping value they
 * go into the new collection instead (the caller handles that). */
static int flush_carry_before_item(struct loader *L)
{
	struct frame *f = top(L);
	if (!f) {
		return 0; /* root: the root collection takes them */
	}
	return flush_carry_into(L, &f->val, -1000000);
}

/* sops 3.13.2 JSON numbers: an int64 literal is an int, anything else a
 * float64 (json.Number.Float64 fails on overflow). */
static int json_type(struct loader *L, const char *s, size_t n, uint32_t line, struct ags_scalar_type *t)
{
	memset(t, 0, sizeof(*t));
	if (n == 4 && memcmp(s, "true", 4) == 0) {
		t->kind = AGS_VAL_BOOL;
		t->b = true;
		return 0;
	}
	if (n == 5 && memcmp(s, "false", 5) == 0) {
		t->kind = AGS_VAL_BOOL;
		return 0;
	}
	if (n == 4 && memcmp(s, "null", 4) == 0) {
		t->kind = AGS_VAL_NULL;
		return 0;
	}
	size_t i = 0;
	bool neg = false, intlit = true;
	if (i < n && s[i] == '-') {
		neg = true;
		i++;
	}
	size_t d0 = i;
	if (i < n && s[i] == '0')
		i++;
	else
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	bool ok = i > d0;
	if (ok && i < n && s[i] == '.') {
		intlit = false;
		size_t f0 = ++i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		ok = i > f0;
	}
	if (ok && i < n && (s[i] == 'e' || s[i] == 'E')) {
		intlit = false;
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		size_t e0 = i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		ok = i > e0;
	}
	if (!ok || i != n)
		return fail(L, AGS_E_SOPS_FORMAT, line, "invalid JSON value");
	if (intlit) {
		uint64_t u = 0;
		bool fits = true;
		for (size_t k = d0; k < n; k++) {
			unsigned dg = (unsigned)(s[k] - '0');
			if (u > (UINT64_MAX - dg) / 10) {
				fits = false;
				break;
			}
			u = u * 10 + dg;
		}
		if (fits && (neg ? u <= (uint64_t)INT64_MAX + 1 : u <= (uint64_t)INT64_MAX)) {
			t->kind = AGS_VAL_INT;
			t->i = neg ? (u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u) : (int64_t)u;
			return 0;
		}
	}
	if (!ags_parse_float_dec(s, n, &t->f))
		return fail(L, AGS_E_SOPS_FORMAT, line, "JSON number out of range");
	t->kind = AGS_VAL_FLOAT;
	return 0;
}

static int scalar_value_text(struct loader *L, struct fy_event *e, uint32_t line, const char *s, size_t n,
			     enum fy_scalar_style st, struct ags_value *out);

static int scalar_value(struct loader *L, struct fy_event *e, uint32_t line, struct ags_value *out)
{
	const char *s = NULL;
	size_t n = 0;
	enum fy_scalar_style st = fy_token_scalar_style(e->scalar.value);
	struct ags_buf sq;
	ags_buf_init(&sq, AGS_STORE_MAX_INPUT);
	int r = ags_fy_scalar_text(e, L->src, L->len, &sq, &s, &n);
	if (r < 0) {
		ags_buf_release(&sq);
		return r;
	}
	int rr = scalar_value_text(L, e, line, s, n, st, out);
	ags_buf_release(&sq);
	return rr;
}

static int scalar_value_text(struct loader *L, struct fy_event *e, uint32_t line, const char *s, size_t n,
			     enum fy_scalar_style st, struct ags_value *out)
{
	const char *tag = NULL;
	char tagbuf[256];
	if (e->scalar.tag) {
		size_t tl;
		const char *t = fy_token_get_text(e->scalar.tag, &tl);
		if (t && tl < sizeof(tagbuf)) {
			memcpy(tagbuf, t, tl);
			tagbuf[tl] = 0;
			tag = tagbuf;
		}
	}
	memset(out, 0, sizeof(*out));
	out->line = line;
	uint8_t style;
	switch (st) {
	case FYSS_SINGLE_QUOTED: style = AGS_STYLE_SINGLE; break;
	case FYSS_DOUBLE_QUOTED: style = AGS_STYLE_DOUBLE; break;
	case FYSS_LITERAL: style = AGS_STYLE_LITERAL; break;
	case FYSS_FOLDED: style = AGS_STYLE_FOLDED; break;
	default: style = AGS_STYLE_PLAIN; break;
	}
	struct ags_scalar_type t;
	if (tag && (strcmp(tag, "tag:yaml.org,2002:binary") == 0 || strcmp(tag, "!!binary") == 0)) {
		/* Go's base64.StdEncoding ignores line breaks */
		char *clean = malloc(n + 1);
		if (!clean)
			return AGS_E_NOMEM;
		size_t m = 0;
		for (size_t i = 0; i < n; i++)
			if (s[i] != '\n' && s[i] != '\r')
				clean[m++] = s[i];
		unsigned char *dec = malloc(ags_b64_decoded_max(m) + 1);
		size_t dl = 0;
		int r = dec ? ags_b64_decode(clean, m, AGS_B64_PADDED, dec, &dl) : AGS_E_NOMEM;
		free(clean);
		if (r == 0)
			r = ags_value_set_str(out, AGS_VAL_STR, (const char *)dec, dl);
		if (dec)
			ags_free_secret(dec, ags_b64_decoded_max(m) + 1);
		if (r == AGS_E_BASE64)
			return fail(L, AGS_E_SOPS_FORMAT, line, "!!binary value contains invalid base64 data");
		out->line = line;
		out->style = style;
		return r;
	}
	bool quoted = st != FYSS_PLAIN && st != FYSS_ANY;
	bool known_tag = false;
	if (tag && strcmp(tag, "!") != 0) {
		known_tag = ags_yaml_resolve_tagged(tag, s, n, &t);
		if (!known_tag) {
			/* unknown tags decode to the plain string; a standard tag
			 * that does not fit the text is an error in go-yaml */
			const char *p = "tag:yaml.org,2002:";
			bool std = strncmp(tag, p, strlen(p)) == 0;
			const char *sn = std ? tag + strlen(p) : "";
			if (std && (!strcmp(sn, "int") || !strcmp(sn, "float") || !strcmp(sn, "bool") ||
				    !strcmp(sn, "null") || !strcmp(sn, "timestamp")))
				return fail(L, AGS_E_SOPS_FORMAT, line, "cannot decode scalar as !!%s", sn);
			t.kind = AGS_VAL_STR;
		}
	} else if (quoted || (tag && strcmp(tag, "!") == 0)) {
		t.kind = AGS_VAL_STR;
	} else if (L->json) {
		AGS_TRY(json_type(L, s, n, line, &t));
	} else {
		ags_yaml_resolve(s, n, &t);
	}
	switch (t.kind) {
	case AGS_VAL_NULL:
		out->kind = AGS_VAL_NULL;
		break;
	case AGS_VAL_BOOL:
		out->kind = AGS_VAL_BOOL;
		out->b = t.b;
		break;
	case AGS_VAL_INT:
		if (t.uint_range)
			return fail(L, AGS_E_SOPS_FORMAT, line,
				    "integer does not fit in int64 (sops: unknown type uint64); quote it");
		out->kind = AGS_VAL_INT;
		out->i = t.i;
		break;
	case AGS_VAL_FLOAT:
		out->kind = AGS_VAL_FLOAT;
		out->f = t.f;
		break;
	case AGS_VAL_TIME:
		AGS_TRY(ags_value_set_str(out, AGS_VAL_TIME, t.time, t.time_len));
		break;
	default:
		AGS_TRY(ags_value_set_str(out, AGS_VAL_STR, s, n));
		break;
	}
	out->line = line;
	out->style = style;
	return 0;
}

static int push_frame(struct loader *L, bool is_map, bool flow, int indent, uint32_t line)
{
	if (L->nframes >= AGS_TREE_MAX_DEPTH)
		return fail(L, AGS_E_TOO_BIG, line, "nesting deeper than %d levels", AGS_TREE_MAX_DEPTH);
	if (L->nframes == L->capframes) {
		size_t nc = L->capframes ? L->capframes * 2 : 16;
		struct frame *p = realloc(L->frames, nc * sizeof(*p));
		if (!p)
			return AGS_E_NOMEM;
		L->frames = p;
		L->capframes = nc;
	}
	struct frame *f = &L->frames[L->nframes];
	memset(f, 0, sizeof(*f));
	f->is_map = is_map;
	f->flow = flow;
	f->indent = flow ? -1000000 : indent;
	f->line = line;
	f->anchor = -1;
	int r = is_map ? ags_value_set_map(&f->val) : ags_value_set_seq(&f->val);
	if (r < 0)
		return r;
	f->val.line = line;
	L->nframes++;
	return 0;
}

static void frame_clear(struct frame *f)
{
	ags_value_clear(&f->val);
	ags_value_clear(&f->key);
}

/* sops rejects duplicate keys in the first document (go-yaml decodes it
 * into a map once just to check). */
static int cmp_keys(const void *a, const void *b)
{
	const struct ags_item *x = *(const struct ags_item *const *)a, *y = *(const struct ags_item *const *)b;
	if (x->key.str.len != y->key.str.len)
		return x->key.str.len < y->key.str.len ? -1 : 1;
	int c = memcmp(x->key.str.p, y->key.str.p, x->key.str.len);
	if (c)
		return c;
	return x->key.line < y->key.line ? -1 : x->key.line > y->key.line;
}

static int check_dups(struct loader *L, const struct ags_branch *b)
{
	size_t n = 0;
	for (size_t i = 0; i < b->n; i++)
		n += b->items[i].key.kind == AGS_VAL_STR;
	if (n < 2)
		return 0;
	const struct ags_item **v = malloc(n * sizeof(*v));
	if (!v)
		return AGS_E_NOMEM;
	size_t k = 0;
	for (size_t i = 0; i < b->n; i++)
		if (b->items[i].key.kind == AGS_VAL_STR)
			v[k++] = &b->items[i];
	qsort(v, n, sizeof(*v), cmp_keys);
	int r = 0;
	for (size_t i = 1; i < n; i++) {
		if (v[i]->key.str.len == v[i - 1]->key.str.len &&
		    memcmp(v[i]->key.str.p, v[i - 1]->key.str.p, v[i]->key.str.len) == 0) {
			char kd[80];
			ags_store_key_for_diag(v[i]->key.str.p, v[i]->key.str.len, kd, sizeof(kd));
			r = fail(L, AGS_E_SOPS_FORMAT, v[i]->key.line, "mapping key \"%s\" already defined at line %u",
				 kd, v[i - 1]->key.line);
			break;
		}
	}
	free(v);
	return r;
}

static int end_collection(struct loader *L, bool flow)
{
	struct frame *f = top(L);
	if (!f)
		return fail(L, AGS_E_SYNTAX, 0, "unbalanced collection end");
	if (!flow || f->flow)
		AGS_TRY(flush_carry_into(L, &f->val, f->indent));
	if (f->is_map && f->have_key) /* cannot happen with a valid event stream */
		return fail(L, AGS_E_SYNTAX, f->line, "mapping key without value");
	if (L->docno == 0 && f->is_map && !L->json)
		AGS_TRY(check_dups(L, f->val.map));
	if (f->anchor >= 0)
		L->anchors[f->anchor].complete = true;
	struct ags_value v = f->val;
	memset(&f->val, 0, sizeof(f->val));
	/* give back the growth slack: the tree is most of the memory held */
	if (v.kind == AGS_VAL_MAP && v.map->cap > v.map->n && v.map->n) {
		void *p = realloc(v.map->items, v.map->n * sizeof(*v.map->items));
		if (p) {
			v.map->items = p;
			v.map->cap = v.map->n;
		}
	} else if (v.kind == AGS_VAL_SEQ && v.seq->cap > v.seq->n && v.seq->n) {
		void *p = realloc(v.seq->items, v.seq->n * sizeof(*v.seq->items));
		if (p) {
			v.seq->items = p;
			v.seq->cap = v.seq->n;
		}
	}
	bool was_flow = f->flow;
	L->nframes--;
	int r = add_node(L, &v, false, was_flow);
	ags_value_clear(&v);
	return r;
}

static int on_alias(struct loader *L, struct fy_event *e, uint32_t line)
{
	size_t len;
	const char *name = fy_token_get_text(e->alias.anchor, &len);
	int idx = name ? anchor_find(L, name, len) : -1;
	if (idx < 0)
		return fail(L, AGS_E_SOPS_FORMAT, line, "unknown anchor referenced by alias");
	struct anchor *a = &L->anchors[idx];
	if (!a->complete)
		return fail(L, AGS_E_SOPS_FORMAT, line, "alias refers to an anchor that is not complete (recursive)");
	size_t cost = 0;
	int depth = 0;
	measure(&a->v, &cost, 0, &depth);
	if (cost > L->alias_budget)
		return fail(L, AGS_E_TOO_BIG, line, "aliases expand to too much data (billion laughs?)");
	if ((size_t)depth + L->nframes > AGS_TREE_MAX_DEPTH)
		return fail(L, AGS_E_TOO_BIG, line, "nesting deeper than %d levels", AGS_TREE_MAX_DEPTH);
	L->alias_budget -= cost;
	struct ags_value v;
	AGS_TRY(ags_value_copy(&v, &a->v));
	v.line = line;
	bool scalar_like = v.kind != AGS_VAL_MAP && v.kind != AGS_VAL_SEQ;
	int r = add_node(L, &v, true, false);
	(void)scalar_like;
	ags_value_clear(&v);
	return r;
}

static int finish_doc(struct loader *L, struct ags_tree *t)
{
	if (!L->doc)
		AGS_TRY(ags_branch_new(&L->doc));
	/* comments left over (e.g. after a lone scalar root) end the document */
	for (size_t k = 0; k < L->ncarry; k++) {
		struct ags_value c;
		AGS_TRY(comment_value(L, L->carry[k].off, L->carry[k].len, L->carry[k].line, false, &c));
		int r = ags_branch_append(L->doc, &c, NULL);
		ags_value_clear(&c);
		AGS_TRY(r);
	}
	L->ncarry = 0;
	int r = ags_tree_append_doc(t, L->doc);
	if (r < 0)
		return fail(L, r, 0, "too many documents");
	L->doc = NULL;
	L->docno++;
	anchors_clear(L);
	return 0;
}

static int on_event(struct loader *L, struct fy_event *e, struct ags_tree *t)
{
	const struct fy_mark *sm = fy_event_start_mark(e);
	const struct fy_mark *em = fy_event_end_mark(e);
	size_t start = sm ? sm->input_pos : L->prev_end;
	uint32_t line = sm ? (uint32_t)sm->line + 1 : 0;
	if (start < L->prev_end)
		start = L->prev_end;
	enum last_kind last_before = L->last;
	if (sm)
		AGS_TRY(scan_gap(L, L->prev_end, start));
	L->last = LAST_NONE;
	(void)last_before;
	int r = 0;
	switch (e->type) {
	case FYET_STREAM_START:
		break;
	case FYET_STREAM_END:
		/* comments after the last document's end (e.g. "---\n# c\n") */
		for (size_t k = 0; k < L->ncarry && t->ndocs; k++) {
			struct ags_value c;
			AGS_TRY(comment_value(L, L->carry[k].off, L->carry[k].len, L->carry[k].line, false, &c));
			r = ags_branch_append(t->docs[t->ndocs - 1], &c, NULL);
			ags_value_clear(&c);
			if (r < 0)
				return r;
		}
		L->ncarry = 0;
		break;
	case FYET_DOCUMENT_START:
		L->doc = NULL;
		L->doc_done = false;
		break;
	case FYET_DOCUMENT_END:
		if (L->nframes)
			return fail(L, AGS_E_SYNTAX, line, "unterminated collection");
		r = finish_doc(L, t);
		break;
	case FYET_MAPPING_START:
	case FYET_SEQUENCE_START: {
		bool is_map = e->type == FYET_MAPPING_START;
		struct fy_token *tok = is_map ? e->mapping_start.mapping_start : e->sequence_start.sequence_start;
		bool flow = false;
		if (tok) {
			enum fy_token_type tt = fy_token_get_type(tok);
			flow = tt == FYTT_FLOW_MAPPING_START || tt == FYTT_FLOW_SEQUENCE_START;
		}
		struct frame *f = top(L);
		bool into_new = !f || (f->is_map && f->have_key);
		if (f && !into_new)
			AGS_TRY(flush_carry_before_item(L));
		if (f && f->is_map && !f->have_key)
			return fail(L, AGS_E_SOPS_FORMAT, line,
				    "mapping key is a collection: only string keys are supported");
		if (!f && L->doc_done)
			return fail(L, AGS_E_SYNTAX, line, "more than one root node");
		AGS_TRY(push_frame(L, is_map, flow, sm ? sm->column : 0, line));
		if (into_new)
			AGS_TRY(flush_carry_into(L, &top(L)->val, -1000000));
		struct fy_token *anc = is_map ? e->mapping_start.anchor : e->sequence_start.anchor;
		if (anc) {
			int idx = anchor_add(L, anc, &top(L)->val, false, line);
			if (idx < 0)
				return idx;
			top(L)->anchor = idx;
		}
		break;
	}
	case FYET_MAPPING_END:
	case FYET_SEQUENCE_END: {
		struct fy_token *tok = e->type == FYET_MAPPING_END ? e->mapping_end.mapping_end
								    : e->sequence_end.sequence_end;
		bool flow = false;
		if (tok) {
			enum fy_token_type tt = fy_token_get_type(tok);
			flow = tt == FYTT_FLOW_MAPPING_END || tt == FYTT_FLOW_SEQUENCE_END;
		}
		r = end_collection(L, flow);
		break;
	}
	case FYET_SCALAR: {
		struct frame *f = top(L);
		struct ags_value v;
		AGS_TRY(scalar_value(L, e, line, &v));
		if (f)
			AGS_TRY(flush_carry_before_item(L));
		if (!f && L->doc_done) {
			ags_value_clear(&v);
			return fail(L, AGS_E_SYNTAX, line, "more than one root node");
		}
		/* "key: | # c": go-yaml gives the comment to the block scalar (inline) */
		if (f && f->is_map && f->have_key && (v.style == AGS_STYLE_LITERAL || v.style == AGS_STYLE_FOLDED)) {
			for (size_t i = f->keyline_from; i < f->val.map->n; i++)
				if (f->val.map->items[i].key.kind == AGS_VAL_COMMENT)
					f->val.map->items[i].key.inline_comment = true;
		}
		if (e->scalar.anchor) {
			int idx = anchor_add(L, e->scalar.anchor, &v, true, line);
			if (idx < 0) {
				ags_value_clear(&v);
				return idx;
			}
		}
		r = add_node(L, &v, true, false);
		ags_value_clear(&v);
		break;
	}
	case FYET_ALIAS:
		if (top(L))
			AGS_TRY(flush_carry_before_item(L));
		else
			return fail(L, AGS_E_SOPS_FORMAT, line, "YAML documents that are aliases are not supported");
		r = on_alias(L, e, line);
		break;
	default:
		break;
	}
	if (r < 0)
		return r;
	if (em && em->input_pos >= L->prev_end) {
		L->prev_end = em->input_pos;
		L->prev_at_line_start = em->column == 0;
		L->prev_line = (uint32_t)em->line + 1;
	}
	return 0;
}

static int parse_error(struct loader *L, struct fy_diag *diag)
{
	void *it = NULL;
	struct fy_diag_error *er;
	while ((er = fy_diag_errors_iterate(diag, &it)) != NULL) {
		if (er->type < FYET_ERROR)
			continue;
		char m[256];
		return ags_diag_set(L->d, AGS_E_SYNTAX, "line %d, column %d: %s", er->line, er->column,
				    ags_fy_msg(er->msg, m, sizeof(m)));
	}
	return ags_diag_set(L->d, AGS_E_SYNTAX, "YAML syntax error");
}

/* Go's json.Decoder stops after the top-level object and never looks at
 * what follows; find that object's end so trailing bytes are ignored too. */
static size_t json_object_end(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	if (i == n || s[i] != '{')
		return n;
	size_t depth = 0;
	for (; i < n; i++) {
		char c = s[i];
		if (c == '"') {
			for (i++; i < n && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
			if (i >= n)
				return n;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (depth == 0)
				return n;
			if (--depth == 0)
				return i + 1;
		}
	}
	return n;
}

static int load_common(const char *data, size_t len, bool json, struct ags_tree *out, struct ags_diag *d)
{
	if (json)
		len = json_object_end(data, len);
	if (len > AGS_STORE_MAX_INPUT)
		return ags_diag_set(d, AGS_E_TOO_BIG, "input larger than %zu bytes", AGS_STORE_MAX_INPUT);
	AGS_TRY(ags_store_check_utf8(data, len, json ? "JSON" : "YAML", d));
	AGS_TRY(ags_store_check_printable(data, len, !json, d));
	struct fy_diag_cfg dc;
	fy_diag_cfg_default(&dc);
	dc.fp = NULL;
	dc.colorize = false;
	struct fy_diag *diag = fy_diag_create(&dc);
	if (!diag)
		return AGS_E_NOMEM;
	fy_diag_set_collect_errors(diag, true);
	struct fy_parse_cfg cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.flags = FYPCF_QUIET | (json ? FYPCF_JSON_FORCE : FYPCF_JSON_NONE);
	cfg.diag = diag;
	struct fy_parser *fyp = fy_parser_create(&cfg);
	if (!fyp) {
		fy_diag_destroy(diag);
		return AGS_E_NOMEM;
	}
	struct loader L;
	memset(&L, 0, sizeof(L));
	L.src = data;
	L.len = len;
	L.d = d;
	L.alias_budget = ((size_t)8 << 20) + 4 * len;
	L.json = json;
	L.prev_line = 1;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		L.prev_end = 3; /* a BOM is not part of the first gap */
		L.prev_at_line_start = true;
	}
	struct ags_tree t;
	memset(&t, 0, sizeof(t));
	int r = 0;
	if (len && fy_parser_set_string(fyp, data, len) != 0)
		r = AGS_E_NOMEM;
	struct fy_event *e;
	while (r == 0 && len && (e = fy_parser_parse(fyp)) != NULL) {
		r = on_event(&L, e, &t);
		fy_parser_event_free(fyp, e);
	}
	if (r == 0 && len && fy_parser_get_stream_error(fyp))
		r = parse_error(&L, diag);
	fy_parser_destroy(fyp);
	fy_diag_destroy(diag);
	for (size_t i = 0; i < L.nframes; i++)
		frame_clear(&L.frames[i]);
	free(L.frames);
	ags_branch_free(L.doc);
	anchors_clear(&L);
	free(L.anchors);
	free(L.slots);
	free(L.carry);
	if (r == 0 && json) {
		if (t.ndocs == 0)
			r = ags_diag_set(d, AGS_E_SOPS_FORMAT, "empty input: JSON needs a top-level object");
		/* Go reads one value and ignores what follows */
		while (r == 0 && t.ndocs > 1)
			ags_branch_free(t.docs[--t.ndocs]);
	}
	if (r == 0)
		r = ags_store_extract_metadata(&t, d);
	if (r < 0) {
		ags_tree_clear(&t);
		return r;
	}
	*out = t;
	return 0;
}

int ags_yaml_load(const char *data, size_t len, struct ags_tree *out, struct ags_diag *d)
{
	return load_common(data, len, false, out, d);
}

int ags_json_load(const char *data, size_t len, struct ags_tree *out, struct ags_diag *d)
{
	return load_common(data, len, true, out, d);
}
