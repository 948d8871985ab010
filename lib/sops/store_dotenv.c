/*
 * dotenv store, byte-literal as sops': lines split on '\n', empty lines
 * skipped, '#' starts a comment, otherwise KEY=VALUE split at the first '='
 * with no trimming, no quote removal and no "export"; the two characters
 * "\n" in a value stand for a newline.  Metadata is flattened into
 * sops_-prefixed keys appended at the end.
 */
#include "internal.h"
#include "sops/store_int.h"
#include <stdio.h>
#include <string.h>

static int dotenv_load(const char *data, size_t len, bool encrypted, struct ags_tree *out, struct ags_diag *d)
{
	(void)encrypted;
	AGS_TRY(ags_store_check_size(len, d));
	struct ags_branch *b, *meta;
	AGS_TRY(ags_branch_new(&b));
	int r = ags_branch_new(&meta);
	if (r < 0) {
		ags_branch_free(b);
		return r;
	}
	uint32_t line = 0;
	size_t pos = 0;
	while (r == 0 && pos <= len) {
		const char *s = data + pos;
		const char *nl = len > pos ? memchr(s, '\n', len - pos) : NULL;
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		pos += n + 1;
		line++;
		if (n == 0)
			continue;
		struct ags_value k = { 0 }, v = { 0 };
		if (s[0] == '#') {
			r = ags_value_set_str(&k, AGS_VAL_COMMENT, s + 1, n - 1);
			if (r == 0)
				r = ags_branch_append(b, &k, NULL);
		} else {
			const char *eq = memchr(s, '=', n);
			if (!eq) {
				r = ags_diag_set(d, AGS_E_SOPS_FORMAT, "line %u: invalid dotenv input line (no '=')", line);
				break;
			}
			size_t kl = (size_t)(eq - s);
			r = ags_value_set_str(&k, AGS_VAL_STR, s, kl);
			/* "\n" -> newline */
			if (r == 0)
				r = ags_value_set_str(&v, AGS_VAL_STR, eq + 1, n - kl - 1);
			if (r == 0) {
				char *p = v.str.p;
				size_t w = 0;
				for (size_t i = 0; i < v.str.len; i++) {
					if (p[i] == '\\' && i + 1 < v.str.len && p[i + 1] == 'n') {
						p[w++] = '\n';
						i++;
					} else {
						p[w++] = p[i];
					}
				}
				p[w] = 0;
				v.str.len = w;
				k.line = v.line = line;
				bool is_meta = kl >= 5 && memcmp(s, "sops_", 5) == 0;
				if (is_meta) {
					memmove(k.str.p, k.str.p + 5, kl - 5 + 1);
					k.str.len = kl - 5;
				}
				r = ags_branch_append(is_meta ? meta : b, &k, &v);
			}
		}
		ags_value_clear(&k);
		ags_value_clear(&v);
	}
	r = ags_store_flat_finish(r, b, meta->n ? meta : NULL, false, out, d);
	ags_branch_free(meta);
	return r;
}

static int put_pair(struct ags_buf *out, const struct ags_value *k, const char *prefix, const struct ags_value *v,
		    struct ags_diag *d)
{
	if (v->kind == AGS_VAL_MAP || v->kind == AGS_VAL_SEQ) {
		char kd[80];
		ags_store_key_for_diag(k->str.p, k->str.len, kd, sizeof(kd));
		return ags_diag_set(d, AGS_E_SOPS_FORMAT, "cannot use complex value in dotenv file; offending key %s", kd);
	}
	AGS_TRY(ags_buf_puts(out, prefix));
	AGS_TRY(ags_buf_append(out, k->str.p, k->str.len));
	AGS_TRY(ags_buf_putc(out, '='));
	if (v->kind == AGS_VAL_STR) {
		size_t start = 0;
		for (size_t i = 0; i < v->str.len; i++) {
			if (v->str.p[i] == '\n') {
				AGS_TRY(ags_buf_append(out, v->str.p + start, i - start));
				AGS_TRY(ags_buf_append(out, "\\n", 2));
				start = i + 1;
			}
		}
		AGS_TRY(ags_buf_append(out, v->str.p + start, v->str.len - start));
	} else {
		AGS_TRY(ags_store_val_to_string(v, out));
	}
	return ags_buf_putc(out, '\n');
}

static int dotenv_emit(const struct ags_tree *t, const struct ags_emit_opts *o, struct ags_buf *out,
		       struct ags_diag *d)
{
	(void)o;
	AGS_TRY(ags_store_check_reserved(t, 1, true, d));
	size_t start = out->len;
	int r = 0;
	const struct ags_branch *b = t->ndocs ? t->docs[0] : NULL;
	for (size_t i = 0; r == 0 && b && i < b->n; i++) {
		const struct ags_item *it = &b->items[i];
		if (it->key.kind == AGS_VAL_COMMENT) {
			r = ags_buf_putc(out, '#');
			if (r == 0)
				r = ags_buf_append(out, it->key.str.p, it->key.str.len);
			if (r == 0)
				r = ags_buf_putc(out, '\n');
			continue;
		}
		if (it->key.kind != AGS_VAL_STR)
			continue;
		r = put_pair(out, &it->key, "", &it->value, d);
	}
	const struct ags_value *meta = ags_store_meta(t);
	if (r == 0 && meta) {
		struct ags_branch *flat;
		r = ags_branch_new(&flat);
		if (r == 0) {
			r = ags_store_flatten_meta(meta, "", false, flat);
			for (size_t i = 0; r == 0 && i < flat->n; i++)
				r = put_pair(out, &flat->items[i].key, "sops_", &flat->items[i].value, d);
			ags_branch_free(flat);
		}
	}
	if (r < 0)
		ags_buf_truncate(out, start);
	return r;
}

const struct ags_store_ops ags_store_dotenv = { "dotenv", dotenv_load, dotenv_emit };
