/*
 * JSON store.  Loading shares the libfyaml event loader (store_yaml_load.c,
 * JSON mode: duplicate keys kept, sops 3.13.2 number typing).  Writing
 * reproduces sops' hand-written serializer followed by Go's json.Indent:
 * one member per line, `": "`, "{}"/"[]" when empty, a TAB (or N spaces)
 * per level, Go json.Marshal escaping, and a trailing newline.  Comments
 * are dropped; only the first document is written, as sops does.
 */
#include "internal.h"
#include "sops/store_int.h"
#include "sops/scalar.h"
#include <stdio.h>
#include <string.h>

struct jw {
	struct ags_buf *b;
	const char *ind;
	size_t indlen;
	struct ags_diag *d;
};

static int newline_indent(struct jw *w, int depth)
{
	AGS_TRY(ags_buf_putc(w->b, '\n'));
	for (int i = 0; i < depth; i++)
		AGS_TRY(ags_buf_append(w->b, w->ind, w->indlen));
	return 0;
}

static int put_value(struct jw *w, const struct ags_value *v, int depth);

static int put_object(struct jw *w, const struct ags_branch *b, const struct ags_value *meta, int depth)
{
	if (depth > AGS_TREE_MAX_DEPTH + 2)
		return AGS_E_TOO_BIG;
	bool first = true;
	AGS_TRY(ags_buf_putc(w->b, '{'));
	for (size_t i = 0; b && i < b->n; i++) {
		const struct ags_item *it = &b->items[i];
		if (it->key.kind != AGS_VAL_STR)
			continue;
		if (!first)
			AGS_TRY(ags_buf_putc(w->b, ','));
		first = false;
		AGS_TRY(newline_indent(w, depth + 1));
		AGS_TRY(ags_json_put_string(w->b, it->key.str.p, it->key.str.len));
		AGS_TRY(ags_buf_append(w->b, ": ", 2));
		AGS_TRY(put_value(w, &it->value, depth + 1));
	}
	if (meta) {
		if (!first)
			AGS_TRY(ags_buf_putc(w->b, ','));
		first = false;
		AGS_TRY(newline_indent(w, depth + 1));
		AGS_TRY(ags_buf_puts(w->b, "\"sops\": "));
		AGS_TRY(put_value(w, meta, depth + 1));
	}
	if (!first)
		AGS_TRY(newline_indent(w, depth));
	return ags_buf_putc(w->b, '}');
}

static int put_array(struct jw *w, const struct ags_list *l, int depth)
{
	if (depth > AGS_TREE_MAX_DEPTH + 2)
		return AGS_E_TOO_BIG;
	bool first = true;
	AGS_TRY(ags_buf_putc(w->b, '['));
	for (size_t i = 0; i < l->n; i++) {
		if (l->items[i].kind == AGS_VAL_COMMENT)
			continue;
		if (!first)
			AGS_TRY(ags_buf_putc(w->b, ','));
		first = false;
		AGS_TRY(newline_indent(w, depth + 1));
		AGS_TRY(put_value(w, &l->items[i], depth + 1));
	}
	if (!first)
		AGS_TRY(newline_indent(w, depth));
	return ags_buf_putc(w->b, ']');
}

static int put_value(struct jw *w, const struct ags_value *v, int depth)
{
	char num[400];
	size_t n;
	switch (v->kind) {
	case AGS_VAL_NULL:
		return ags_buf_puts(w->b, "null");
	case AGS_VAL_BOOL:
		return ags_buf_puts(w->b, v->b ? "true" : "false");
	case AGS_VAL_INT:
		return ags_buf_printf(w->b, "%lld", (long long)v->i);
	case AGS_VAL_FLOAT:
		n = ags_fmt_float_json(v->f, num);
		if (!n)
			return ags_diag_set(w->d, AGS_E_SOPS_FORMAT, "json: unsupported value (NaN or infinity)");
		return ags_buf_append(w->b, num, n);
	case AGS_VAL_STR:
	case AGS_VAL_TIME:
		return ags_json_put_string(w->b, v->str.p, v->str.len);
	case AGS_VAL_MAP:
		return put_object(w, v->map, NULL, depth);
	case AGS_VAL_SEQ:
		return put_array(w, v->seq, depth);
	default:
		return ags_buf_puts(w->b, "null");
	}
}

int ags_json_emit(const struct ags_tree *t, const struct ags_emit_opts *o, struct ags_buf *out, struct ags_diag *d)
{
	int indent = o ? o->indent : -1;
	if (indent < -1)
		return ags_diag_set(d, AGS_E_INVAL, "JSON indentation smaller than -1 is not accepted");
	/* JSON writes the first document only */
	AGS_TRY(ags_store_check_reserved(t, 1, false, d));
	static const char spaces[] = "                                                                "
				     "                                                                ";
	struct jw w = { .b = out, .d = d };
	if (indent == -1) {
		w.ind = "\t";
		w.indlen = 1;
	} else {
		if ((size_t)indent >= sizeof(spaces))
			return ags_diag_set(d, AGS_E_INVAL, "JSON indentation larger than %zu", sizeof(spaces) - 1);
		w.ind = spaces;
		w.indlen = (size_t)indent;
	}
	size_t start = out->len;
	int r = put_object(&w, t->ndocs ? t->docs[0] : NULL, ags_store_meta(t), 0);
	if (r == 0)
		r = ags_buf_putc(out, '\n');
	if (r < 0)
		ags_buf_truncate(out, start);
	return r;
}

static int yaml_load(const char *data, size_t len, bool encrypted, struct ags_tree *out, struct ags_diag *d)
{
	(void)encrypted;
	return ags_yaml_load(data, len, out, d);
}

static int json_load(const char *data, size_t len, bool encrypted, struct ags_tree *out, struct ags_diag *d)
{
	(void)encrypted;
	return ags_json_load(data, len, out, d);
}

const struct ags_store_ops ags_store_yaml = { "yaml", yaml_load, ags_yaml_emit };
const struct ags_store_ops ags_store_json = { "json", json_load, ags_json_emit };
