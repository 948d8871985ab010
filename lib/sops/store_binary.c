/*
 * Binary store: a plaintext file is one string under the key "data"; the
 * encrypted form is the JSON envelope {"data": "ENC[...]", "sops": {...}}
 * written by the JSON store (sops' BinaryStore wraps its JSON store).
 */
#include "internal.h"
#include "sops/store_int.h"
#include <string.h>

/* The plaintext tree: {"data": the bytes}.  With own, its storage becomes
 * the value (no copy of a file-sized input); own is released either way. */
static int plain_tree(const char *data, size_t len, struct ags_buf *own, struct ags_tree *out, struct ags_diag *d)
{
	int r = ags_store_check_size(len, d);
	if (r < 0) {
		if (own)
			ags_buf_release(own);
		return r;
	}
	struct ags_tree t;
	memset(&t, 0, sizeof(t));
	struct ags_branch *b = NULL;
	struct ags_value k = { 0 }, v = { 0 };
	r = ags_branch_new(&b);
	if (r == 0)
		r = ags_value_set_str(&k, AGS_VAL_STR, "data", 4);
	if (r == 0 && own) {
		char *p = ags_buf_detach(own, &len);
		if (p)
			ags_value_take_str(&v, AGS_VAL_STR, p, len);
		else
			r = AGS_E_NOMEM;
	} else if (r == 0) {
		r = ags_value_set_str(&v, AGS_VAL_STR, data ? data : "", len);
	}
	if (own)
		ags_buf_release(own);
	if (r == 0)
		r = ags_branch_append(b, &k, &v);
	ags_value_clear(&k);
	ags_value_clear(&v);
	if (r == 0)
		r = ags_tree_append_doc(&t, b);
	if (r < 0) {
		ags_branch_free(b);
		return r;
	}
	*out = t;
	return 0;
}

static int binary_load(const char *data, size_t len, bool encrypted, struct ags_tree *out, struct ags_diag *d)
{
	if (encrypted)
		return ags_json_load(data, len, out, d);
	return plain_tree(data, len, NULL, out, d);
}

int ags_binary_load_plain_owned(struct ags_buf *in, struct ags_tree *out, struct ags_diag *d)
{
	return plain_tree(NULL, in->len, in, out, d);
}

static int binary_emit(const struct ags_tree *t, const struct ags_emit_opts *o, struct ags_buf *out,
		       struct ags_diag *d)
{
	if (ags_store_meta(t))
		return ags_json_emit(t, o, out, d);
	if (t->ndocs != 1)
		return ags_diag_set(d, AGS_E_SOPS_FORMAT, "binary store: there must be exactly one document");
	const struct ags_value *v = ags_branch_get(t->docs[0], "data");
	if (!v)
		return ags_diag_set(d, AGS_E_SOPS_FORMAT, "binary store: no binary data found in tree");
	if (v->kind != AGS_VAL_STR)
		return ags_diag_set(d, AGS_E_SOPS_FORMAT, "binary store: 'data' key in tree does not have a string value");
	return ags_buf_append(out, v->str.p, v->str.len);
}

const struct ags_store_ops ags_store_binary = { "binary", binary_load, binary_emit };
