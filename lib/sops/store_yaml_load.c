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
#include "sops/store_yaml_int.h"
#include "sops/scalar.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- building ---- */

static int check_key(struct loader *L, const struct ags_value *k)
{
	if (k->kind == AGS_VAL_STR)
		return 0;
	static const char *const names[] = { "null", "str", "int", "float", "bool", "time", "map", "seq", "comment" };
	return ags_yl_fail(L, AGS_E_SOPS_FORMAT, k->line,
		    "mapping key of type %s: only string keys are supported (quote the key)", names[k->kind]);
}

/* Adds a finished node v to the current container (or as document root). */
static int add_node(struct loader *L, struct ags_value *v, bool scalar_like, bool flow_coll)
{
	struct frame *f = ags_yl_top(L);
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
			return ags_yl_fail(L, AGS_E_SOPS_FORMAT, v->line,
				    "SOPS only supports JSON files with a top-level object (starting with '{')");
		return ags_yl_fail(L, AGS_E_SOPS_FORMAT, v->line,
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

static int push_frame(struct loader *L, bool is_map, bool flow, int indent, uint32_t line)
{
	if (L->nframes >= AGS_TREE_MAX_DEPTH)
		return ags_yl_fail(L, AGS_E_TOO_BIG, line, "nesting deeper than %d levels", AGS_TREE_MAX_DEPTH);
	AGS_TRY(ags_array_grow((void **)&L->frames, &L->capframes, L->nframes, sizeof(*L->frames), 16));
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
			r = ags_yl_fail(L, AGS_E_SOPS_FORMAT, v[i]->key.line, "mapping key \"%s\" already defined at line %u",
				 kd, v[i - 1]->key.line);
			break;
		}
	}
	free(v);
	return r;
}

static int end_collection(struct loader *L, bool flow)
{
	struct frame *f = ags_yl_top(L);
	if (!f)
		return ags_yl_fail(L, AGS_E_SYNTAX, 0, "unbalanced collection end");
	if (!flow || f->flow)
		AGS_TRY(ags_yl_flush_carry_into(L, &f->val, f->indent));
	if (f->is_map && f->have_key) /* cannot happen with a valid event stream */
		return ags_yl_fail(L, AGS_E_SYNTAX, f->line, "mapping key without value");
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
	int idx = name ? ags_yl_anchor_find(L, name, len) : -1;
	if (idx < 0)
		return ags_yl_fail(L, AGS_E_SOPS_FORMAT, line, "unknown anchor referenced by alias");
	struct anchor *a = &L->anchors[idx];
	if (!a->complete)
		return ags_yl_fail(L, AGS_E_SOPS_FORMAT, line, "alias refers to an anchor that is not complete (recursive)");
	size_t cost = 0;
	int depth = 0;
	ags_yl_measure(&a->v, &cost, 0, &depth);
	if (cost > L->alias_budget)
		return ags_yl_fail(L, AGS_E_TOO_BIG, line, "aliases expand to too much data (billion laughs?)");
	if ((size_t)depth + L->nframes > AGS_TREE_MAX_DEPTH)
		return ags_yl_fail(L, AGS_E_TOO_BIG, line, "nesting deeper than %d levels", AGS_TREE_MAX_DEPTH);
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
		AGS_TRY(ags_yl_comment_value(L, L->carry[k].off, L->carry[k].len, L->carry[k].line, false, &c));
		int r = ags_branch_append(L->doc, &c, NULL);
		ags_value_clear(&c);
		AGS_TRY(r);
	}
	L->ncarry = 0;
	int r = ags_tree_append_doc(t, L->doc);
	if (r < 0)
		return ags_yl_fail(L, r, 0, "too many documents");
	L->doc = NULL;
	L->docno++;
	ags_yl_anchors_clear(L);
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
		AGS_TRY(ags_yl_scan_gap(L, L->prev_end, start));
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
			AGS_TRY(ags_yl_comment_value(L, L->carry[k].off, L->carry[k].len, L->carry[k].line, false, &c));
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
			return ags_yl_fail(L, AGS_E_SYNTAX, line, "unterminated collection");
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
		struct frame *f = ags_yl_top(L);
		bool into_new = !f || (f->is_map && f->have_key);
		if (f && !into_new)
			AGS_TRY(ags_yl_flush_carry_before_item(L));
		if (f && f->is_map && !f->have_key)
			return ags_yl_fail(L, AGS_E_SOPS_FORMAT, line,
				    "mapping key is a collection: only string keys are supported");
		if (!f && L->doc_done)
			return ags_yl_fail(L, AGS_E_SYNTAX, line, "more than one root node");
		AGS_TRY(push_frame(L, is_map, flow, sm ? sm->column : 0, line));
		if (into_new)
			AGS_TRY(ags_yl_flush_carry_into(L, &ags_yl_top(L)->val, -1000000));
		struct fy_token *anc = is_map ? e->mapping_start.anchor : e->sequence_start.anchor;
		if (anc) {
			int idx = ags_yl_anchor_add(L, anc, &ags_yl_top(L)->val, false, line);
			if (idx < 0)
				return idx;
			ags_yl_top(L)->anchor = idx;
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
		struct frame *f = ags_yl_top(L);
		struct ags_value v;
		AGS_TRY(ags_yl_scalar_value(L, e, line, &v));
		if (f)
			AGS_TRY(ags_yl_flush_carry_before_item(L));
		if (!f && L->doc_done) {
			ags_value_clear(&v);
			return ags_yl_fail(L, AGS_E_SYNTAX, line, "more than one root node");
		}
		/* "key: | # c": go-yaml gives the comment to the block scalar (inline) */
		if (f && f->is_map && f->have_key && (v.style == AGS_STYLE_LITERAL || v.style == AGS_STYLE_FOLDED)) {
			for (size_t i = f->keyline_from; i < f->val.map->n; i++)
				if (f->val.map->items[i].key.kind == AGS_VAL_COMMENT)
					f->val.map->items[i].key.inline_comment = true;
		}
		if (e->scalar.anchor) {
			int idx = ags_yl_anchor_add(L, e->scalar.anchor, &v, true, line);
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
		if (ags_yl_top(L))
			AGS_TRY(ags_yl_flush_carry_before_item(L));
		else
			return ags_yl_fail(L, AGS_E_SOPS_FORMAT, line, "YAML documents that are aliases are not supported");
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
		/* libfyaml ends a nested block scalar after the indentation of the
		 * line that ends it; that line (maybe "# comment", the next key's
		 * head comment for go-yaml) starts a gap of its own */
		if (e->type == FYET_SCALAR && em->column > 0 && em->input_pos <= L->len &&
		    (fy_token_scalar_style(e->scalar.value) == FYSS_LITERAL ||
		     fy_token_scalar_style(e->scalar.value) == FYSS_FOLDED)) {
			size_t ls = em->input_pos;
			while (ls > 0 && (L->src[ls - 1] == ' ' || L->src[ls - 1] == '\t'))
				ls--;
			if (ls == 0 || L->src[ls - 1] == '\n') {
				L->prev_end = ls;
				L->prev_at_line_start = true;
			}
		}
	}
	return 0;
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
	AGS_TRY(ags_store_check_size(len, d));
	AGS_TRY(ags_store_check_utf8(data, len, json ? "JSON" : "YAML", d));
	AGS_TRY(ags_store_check_printable(data, len, !json, d));
	struct ags_fy_parser p;
	AGS_TRY(ags_fy_parser_open(&p, data, len, json, d));
	struct loader L;
	memset(&L, 0, sizeof(L));
	L.src = p.src; /* the parser's text: the input, or a patched copy (see yaml/fyaml.h) */
	L.len = p.len;
	L.d = d;
	L.alias_budget = ((size_t)8 << 20) + 4 * len;
	L.json = json;
	L.prev_line = 1;
	if (L.len >= 3 && memcmp(L.src, "\xef\xbb\xbf", 3) == 0) {
		L.prev_end = 3; /* a BOM is not part of the first gap */
		L.prev_at_line_start = true;
	}
	struct ags_tree t;
	memset(&t, 0, sizeof(t));
	int r = 0;
	struct fy_event *e;
	while (r == 0 && len && (e = fy_parser_parse(p.fyp)) != NULL) {
		r = on_event(&L, e, &t);
		fy_parser_event_free(p.fyp, e);
	}
	if (r == 0 && len)
		r = ags_fy_parser_status(&p, AGS_E_SYNTAX, json ? "JSON" : "YAML", d);
	ags_fy_parser_close(&p);
	for (size_t i = 0; i < L.nframes; i++)
		frame_clear(&L.frames[i]);
	free(L.frames);
	ags_branch_free(L.doc);
	ags_yl_anchors_clear(&L);
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

