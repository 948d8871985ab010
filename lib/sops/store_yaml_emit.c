/*
 * YAML store writer: the bytes Go sops 3.13 writes.  sops converts its tree
 * to go-yaml v3 nodes (comments become head/line/foot comments of nodes)
 * and encodes them with an Encoder whose indent is 4; this file makes the
 * same nodes, as events for the shared go-yaml emitter (lib/yaml) with its
 * v3 style.  Comment placement follows sops' addComments* helpers: leading
 * comments are a collection's head, comments after the last item its
 * last key's foot, same-line comments a value's line comment.
 */
#include "internal.h"
#include "sops/store_int.h"
#include "sops/scalar.h"
#include "yaml/emit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- generator: sops tree -> go-yaml nodes -> events ---- */

/* Appends "#c1\n#c2..." for comment items (sops addComments*). */
static int join_comment(struct ags_buf *b, const struct ags_value *c)
{
	if (b->len)
		AGS_TRY(ags_buf_putc(b, '\n'));
	AGS_TRY(ags_buf_putc(b, '#'));
	return ags_buf_append(b, c->str.p, c->str.len);
}

static struct ags_yaml_text cs(const struct ags_buf *b)
{
	return (struct ags_yaml_text){ b->len ? (const char *)b->data : NULL, b->len };
}

struct scalar_text {
	char num[400];
	const char *p;
	size_t n;
	enum ags_yaml_sstyle style;
	const char *tag;
	char *owned;
};

static int scalar_text(const struct ags_value *v, struct scalar_text *t)
{
	memset(t, 0, sizeof(*t));
	t->style = AGS_YAML_PLAIN;
	switch (v->kind) {
	case AGS_VAL_NULL:
		t->p = "null";
		t->n = 4;
		break;
	case AGS_VAL_BOOL:
		t->p = v->b ? "true" : "false";
		t->n = strlen(t->p);
		break;
	case AGS_VAL_INT:
		t->n = (size_t)snprintf(t->num, sizeof(t->num), "%lld", (long long)v->i);
		t->p = t->num;
		break;
	case AGS_VAL_FLOAT:
		t->n = ags_fmt_float_yaml(v->f, t->num);
		t->p = t->num;
		break;
	case AGS_VAL_TIME:
		t->p = v->str.p;
		t->n = v->str.len;
		break;
	case AGS_VAL_STR:
	case AGS_VAL_COMMENT: {
		const char *s = v->str.p;
		size_t n = v->str.len;
		if (!ags_utf8_valid(s, n, NULL)) {
			/* go-yaml: invalid UTF-8 goes out as !!binary, base64 in 70-column lines */
			size_t el = ags_b64_encoded_len(n, AGS_B64_PADDED);
			char *b64 = malloc(el + 1);
			char *o = malloc(el + el / 70 + 2);
			if (!b64 || !o) {
				free(b64);
				free(o);
				return AGS_E_NOMEM;
			}
			ags_b64_encode(s, n, AGS_B64_PADDED, b64);
			size_t k = 0;
			bool multi = el / 70 + 1 > 1;
			for (size_t i = 0; i < el; i += 70) {
				size_t j = i + 70 < el ? i + 70 : el;
				memcpy(o + k, b64 + i, j - i);
				k += j - i;
				if (multi)
					o[k++] = '\n';
			}
			free(b64);
			t->owned = o;
			t->p = o;
			t->n = k;
			t->tag = "!!binary";
			t->style = memchr(o, '\n', k) ? AGS_YAML_LITERAL : AGS_YAML_PLAIN;
			break;
		}
		t->p = s;
		t->n = n;
		if (memchr(s, '\n', n))
			t->style = AGS_YAML_LITERAL;
		else if (ags_yaml_str_needs_quotes(s, n))
			t->style = AGS_YAML_DOUBLE;
		break;
	}
	default:
		return AGS_E_INVAL;
	}
	return 0;
}

struct gen {
	struct ags_yaml_emitter *e;
	int depth;
};

static int gen_value(struct gen *g, const struct ags_value *v, struct ags_yaml_text head_prefix, struct ags_yaml_text line,
		     struct ags_yaml_text foot, struct ags_yaml_text tail);

static int gen_scalar(struct gen *g, const struct ags_value *v, struct ags_yaml_text head, struct ags_yaml_text line,
		      struct ags_yaml_text foot, struct ags_yaml_text tail)
{
	struct scalar_text t;
	AGS_TRY(scalar_text(v, &t));
	struct ags_yaml_event ev = { .type = AGS_YAML_SCALAR, .value = t.p, .len = t.n, .style = t.style, .tag = t.tag,
			 .head = head, .line = line, .foot = foot, .tail = tail };
	int r = ags_yaml_emitter_emit(g->e, &ev);
	free(t.owned);
	return r;
}

/* The comments gathered while writing a mapping or sequence: its head,
 * those before the current item and on its line, those after its last
 * item, and (mappings) the foot of the current key. */
struct comments {
	struct ags_buf head, item_head, item_line, trailing, key_foot;
};

static void emit_buf_init(struct ags_buf *b)
{
	ags_buf_init(b, AGS_STORE_MAX_EMIT);
}

/* fn on each buffer of c: emit_buf_init, then ags_buf_release. */
static void comments_each(struct comments *c, void (*fn)(struct ags_buf *))
{
	struct ags_buf *all[] = { &c->head, &c->item_head, &c->item_line, &c->trailing, &c->key_foot };
	for (size_t i = 0; i < AGS_ARRAY_SIZE(all); i++)
		fn(all[i]);
}

/* The entries of a mapping (comment items are keys) or of a sequence,
 * seen alike by the comment gathering below. */
struct entries {
	const struct ags_item *map;
	const struct ags_value *seq;
	size_t n;
};

static const struct ags_value *entry(const struct entries *c, size_t i)
{
	return c->map ? &c->map[i].key : &c->seq[i];
}

/* A collection's head comment: head_prefix (the comments of the sequence
 * item it is) and the comments before its first entry; with no entries at
 * all, every comment (inline ones last).  Inline comments before the first
 * entry go to *line (its value's line comment).  *first: the first entry
 * that is not a comment. */
static int leading_comments(const struct entries *c, size_t nreal, struct ags_yaml_text head_prefix,
			    struct ags_buf *head, struct ags_buf *line, size_t *first)
{
	struct ags_buf own, inl;
	ags_buf_init(&own, AGS_STORE_MAX_EMIT);
	ags_buf_init(&inl, AGS_STORE_MAX_EMIT);
	int r = head_prefix.n ? ags_buf_append(head, head_prefix.p, head_prefix.n) : 0;
	size_t i = 0;
	for (; r == 0 && i < c->n && entry(c, i)->kind == AGS_VAL_COMMENT; i++)
		r = join_comment(entry(c, i)->inline_comment ? &inl : &own, entry(c, i));
	if (r == 0 && nreal == 0 && inl.len) {
		if (own.len)
			r = ags_buf_putc(&own, '\n');
		if (r == 0)
			r = ags_buf_append(&own, inl.data, inl.len);
		ags_buf_reset(&inl);
	}
	if (r == 0 && own.len) {
		/* addCommentsHead prepends: the item's head first, then our own */
		if (head->len)
			r = ags_buf_putc(head, '\n');
		if (r == 0)
			r = ags_buf_append(head, own.data, own.len);
	}
	if (r == 0 && inl.len)
		r = ags_buf_append(line, inl.data, inl.len);
	ags_buf_release(&own);
	ags_buf_release(&inl);
	*first = i;
	return r;
}

/* The comments after the last real entry (at i), own-line ones first. */
static int trailing_comments(const struct entries *c, size_t i, struct ags_buf *trailing)
{
	int r = 0;
	for (size_t j = i + 1; r == 0 && j < c->n; j++)
		if (!entry(c, j)->inline_comment)
			r = join_comment(trailing, entry(c, j));
	for (size_t j = i + 1; r == 0 && j < c->n; j++)
		if (entry(c, j)->inline_comment)
			r = join_comment(trailing, entry(c, j));
	return r;
}

/* A mapping: meta (optional) is appended as a last "sops" item. */
static int gen_map(struct gen *g, const struct ags_branch *b, const struct ags_value *meta, struct ags_yaml_text head_prefix,
		   struct ags_yaml_text line, struct ags_yaml_text foot, struct ags_yaml_text tail)
{
	struct comments cm;
	comments_each(&cm, emit_buf_init);
	int r = 0;
	size_t n = b ? b->n : 0;
	size_t nreal = 0;
	for (size_t i = 0; i < n; i++)
		nreal += b->items[i].key.kind != AGS_VAL_COMMENT;
	if (meta)
		nreal++;
	struct entries c = { .map = b ? b->items : NULL, .n = n };
	size_t i;
	r = leading_comments(&c, nreal, head_prefix, &cm.head, &cm.item_line, &i);
	if (r == 0) {
		struct ags_yaml_event ev = { .type = AGS_YAML_MAP_START, .empty = nreal == 0, .head = cs(&cm.head), .tail = tail };
		r = ags_yaml_emitter_emit(g->e, &ev);
	}
	size_t seen = 0;
	for (; r == 0 && i < n; i++) {
		const struct ags_item *it = &b->items[i];
		if (it->key.kind == AGS_VAL_COMMENT) {
			r = join_comment(it->key.inline_comment ? &cm.item_line : &cm.item_head, &it->key);
			continue;
		}
		seen++;
		bool last = seen == nreal;
		if (last) /* comments after the last item become its key's foot */
			r = trailing_comments(&c, i, &cm.trailing);
		if (r < 0)
			break;
		r = gen_scalar(g, &it->key, cs(&cm.item_head), (struct ags_yaml_text){ 0 }, (struct ags_yaml_text){ 0 }, cs(&cm.key_foot));
		ags_buf_reset(&cm.item_head);
		ags_buf_reset(&cm.key_foot);
		if (r == 0)
			r = gen_value(g, &it->value, (struct ags_yaml_text){ 0 }, cs(&cm.item_line), (struct ags_yaml_text){ 0 },
				      (struct ags_yaml_text){ 0 });
		ags_buf_reset(&cm.item_line);
		if (r == 0 && last && !meta)
			r = ags_buf_append(&cm.key_foot, cm.trailing.data ? cm.trailing.data : (unsigned char *)"", cm.trailing.len);
		if (last)
			break;
	}
	if (r == 0 && meta) {
		/* SerializeMetadata appends {sops: meta}; comments after the last
		 * real item are then head comments of the "sops" key */
		struct ags_value k = { .kind = AGS_VAL_STR, .str = { (char *)"sops", 4 } };
		struct ags_buf mh;
		ags_buf_init(&mh, AGS_STORE_MAX_EMIT);
		if (cm.item_head.len)
			r = ags_buf_append(&mh, cm.item_head.data, cm.item_head.len);
		if (r == 0 && cm.trailing.len) {
			if (mh.len)
				r = ags_buf_putc(&mh, '\n');
			if (r == 0)
				r = ags_buf_append(&mh, cm.trailing.data, cm.trailing.len);
		}
		if (r == 0)
			r = gen_scalar(g, &k, cs(&mh), (struct ags_yaml_text){ 0 }, (struct ags_yaml_text){ 0 }, cs(&cm.key_foot));
		ags_buf_release(&mh);
		ags_buf_reset(&cm.key_foot);
		if (r == 0)
			r = gen_value(g, meta, (struct ags_yaml_text){ 0 }, cs(&cm.item_line), (struct ags_yaml_text){ 0 }, (struct ags_yaml_text){ 0 });
	}
	if (r == 0) {
		struct ags_yaml_event ev = { .type = AGS_YAML_MAP_END, .tail = cs(&cm.key_foot), .line = line, .foot = foot };
		r = ags_yaml_emitter_emit(g->e, &ev);
	}
	comments_each(&cm, ags_buf_release);
	return r;
}

static int gen_seq(struct gen *g, const struct ags_list *l, struct ags_yaml_text head_prefix, struct ags_yaml_text line,
		   struct ags_yaml_text foot)
{
	struct comments cm;
	comments_each(&cm, emit_buf_init);
	int r = 0;
	size_t nreal = 0;
	for (size_t i = 0; i < l->n; i++)
		nreal += l->items[i].kind != AGS_VAL_COMMENT;
	struct entries c = { .seq = l->items, .n = l->n };
	size_t i;
	r = leading_comments(&c, nreal, head_prefix, &cm.head, &cm.item_line, &i);
	if (r == 0) {
		struct ags_yaml_event ev = { .type = AGS_YAML_SEQ_START, .empty = nreal == 0, .head = cs(&cm.head) };
		r = ags_yaml_emitter_emit(g->e, &ev);
	}
	size_t seen = 0;
	for (; r == 0 && i < l->n; i++) {
		const struct ags_value *it = &l->items[i];
		if (it->kind == AGS_VAL_COMMENT) {
			r = join_comment(it->inline_comment ? &cm.item_line : &cm.item_head, it);
			continue;
		}
		seen++;
		bool last = seen == nreal;
		if (last)
			r = trailing_comments(&c, i, &cm.trailing);
		if (r == 0)
			r = gen_value(g, it, cs(&cm.item_head), cs(&cm.item_line), last ? cs(&cm.trailing) : (struct ags_yaml_text){ 0 },
				      (struct ags_yaml_text){ 0 });
		ags_buf_reset(&cm.item_head);
		ags_buf_reset(&cm.item_line);
		if (last)
			break;
	}
	if (r == 0) {
		struct ags_yaml_event ev = { .type = AGS_YAML_SEQ_END, .line = line, .foot = foot };
		r = ags_yaml_emitter_emit(g->e, &ev);
	}
	comments_each(&cm, ags_buf_release);
	return r;
}

static int gen_value(struct gen *g, const struct ags_value *v, struct ags_yaml_text head_prefix, struct ags_yaml_text line,
		     struct ags_yaml_text foot, struct ags_yaml_text tail)
{
	if (++g->depth > AGS_TREE_MAX_DEPTH + 2) {
		g->depth--;
		return AGS_E_TOO_BIG;
	}
	int r;
	if (v->kind == AGS_VAL_MAP)
		r = gen_map(g, v->map, NULL, head_prefix, line, foot, tail);
	else if (v->kind == AGS_VAL_SEQ)
		r = gen_seq(g, v->seq, head_prefix, line, foot);
	else
		r = gen_scalar(g, v, head_prefix, line, foot, tail);
	g->depth--;
	return r;
}

int ags_yaml_emit(const struct ags_tree *t, const struct ags_emit_opts *o, struct ags_buf *out, struct ags_diag *d)
{
	int indent = o && o->indent ? o->indent : 4;
	if (indent < 0)
		return ags_diag_set(d, AGS_E_INVAL, "YAML negative indentation not accepted");
	AGS_TRY(ags_store_check_reserved(t, SIZE_MAX, false, d));
	/* go-yaml v3 with sops' indent; a width asks for libyaml-style folding */
	struct ags_yaml_style st = ags_yaml_style_v3;
	st.indent = indent < 2 || indent > 9 ? 2 : indent;
	st.width = o && o->width > 0 ? (o->width <= st.indent * 2 ? 80 : o->width) : 0;
	struct ags_yaml_emitter *e;
	AGS_TRY(ags_yaml_emitter_new(&st, out, &e));
	size_t start = out->len;
	struct gen g = { .e = e };
	int r = 0;
	const struct ags_value *meta = ags_store_meta(t);
	for (size_t i = 0; r == 0 && i < t->ndocs; i++) {
		struct ags_yaml_event ds = { .type = AGS_YAML_DOC_START, .implicit = true };
		r = ags_yaml_emitter_emit(e, &ds);
		if (r == 0)
			r = gen_map(&g, t->docs[i], meta, (struct ags_yaml_text){ 0 }, (struct ags_yaml_text){ 0 },
				    (struct ags_yaml_text){ 0 }, (struct ags_yaml_text){ 0 });
		if (r == 0) {
			struct ags_yaml_event de = { .type = AGS_YAML_DOC_END, .implicit = true };
			r = ags_yaml_emitter_emit(e, &de);
		}
	}
	if (r == 0) {
		struct ags_yaml_event se = { .type = AGS_YAML_STREAM_END };
		r = ags_yaml_emitter_emit(e, &se);
	}
	ags_yaml_emitter_free(e);
	if (r < 0) {
		ags_buf_truncate(out, start);
		if (r == AGS_E_TOO_BIG)
			return ags_diag_set(d, r, "YAML output too large or too deeply nested");
		return r;
	}
	return 0;
}
