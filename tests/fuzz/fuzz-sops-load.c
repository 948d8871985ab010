/*
 * Fuzz target for the SOPS stores: the first byte picks the format, the
 * rest is loaded; whatever loads must be written, and the written bytes must
 * load again to the same values (comments aside: go-yaml's comment
 * placement is not a fixpoint in every layout; integral floats come back as
 * ints, as with Go sops).
 */
#include "internal.h"
#include "sops/store.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool same_value(const struct ags_value *a, const struct ags_value *b);

static bool same_branch(const struct ags_branch *a, const struct ags_branch *b)
{
	size_t i = 0, j = 0;
	for (;;) {
		while (i < a->n && a->items[i].key.kind == AGS_VAL_COMMENT)
			i++;
		while (j < b->n && b->items[j].key.kind == AGS_VAL_COMMENT)
			j++;
		if (i == a->n || j == b->n)
			return i == a->n && j == b->n;
		if (!same_value(&a->items[i].key, &b->items[j].key) ||
		    !same_value(&a->items[i].value, &b->items[j].value))
			return false;
		i++;
		j++;
	}
}

static bool same_list(const struct ags_list *a, const struct ags_list *b)
{
	size_t i = 0, j = 0;
	for (;;) {
		while (i < a->n && a->items[i].kind == AGS_VAL_COMMENT)
			i++;
		while (j < b->n && b->items[j].kind == AGS_VAL_COMMENT)
			j++;
		if (i == a->n || j == b->n)
			return i == a->n && j == b->n;
		if (!same_value(&a->items[i], &b->items[j]))
			return false;
		i++;
		j++;
	}
}

static bool same_value(const struct ags_value *a, const struct ags_value *b)
{
	/* an integral float is written "28" and reads back as an int, in Go
	 * sops as here */
	if (a->kind == AGS_VAL_FLOAT && b->kind == AGS_VAL_INT)
		return a->f == (double)b->i;
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case AGS_VAL_STR:
	case AGS_VAL_TIME:
	case AGS_VAL_COMMENT:
		return a->str.len == b->str.len && memcmp(a->str.p, b->str.p, a->str.len) == 0;
	case AGS_VAL_INT:
		return a->i == b->i;
	case AGS_VAL_FLOAT:
		return (isnan(a->f) && isnan(b->f)) || a->f == b->f;
	case AGS_VAL_BOOL:
		return a->b == b->b;
	case AGS_VAL_MAP:
		return same_branch(a->map, b->map);
	case AGS_VAL_SEQ:
		return same_list(a->seq, b->seq);
	default:
		return true;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static const struct ags_store_ops *const stores[] = { &ags_store_yaml, &ags_store_json, &ags_store_dotenv,
							       &ags_store_ini, &ags_store_binary };
	const struct ags_store_ops *st = stores[data[0] % 5];
	bool encrypted = data[0] & 0x80;
	const char *in = (const char *)data + 1;
	size_t n = size - 1;
	struct ags_tree t;
	struct ags_diag d;
	memset(&t, 0, sizeof(t));
	if (st->load(in, n, encrypted, &t, &d) < 0)
		return 0;
	struct ags_buf out;
	ags_buf_init(&out, 64u << 20);
	struct ags_emit_opts o = { .indent = (st == &ags_store_yaml) ? 2 + (data[0] >> 5 & 3) : -1 };
	if (st->emit(&t, &o, &out, &d) == 0 && (st == &ags_store_yaml || st == &ags_store_json)) {
		struct ags_tree t2;
		memset(&t2, 0, sizeof(t2));
		const char *p = out.len ? (const char *)out.data : "";
		if (st->load(p, out.len, encrypted, &t2, &d) < 0)
			abort(); /* our own output must be readable */
		size_t nd = st == &ags_store_json ? 1 : t.ndocs;
		if (t2.ndocs != nd && !(t.ndocs == 0 && t2.ndocs == 0))
			abort();
		for (size_t i = 0; i < t2.ndocs && i < t.ndocs; i++)
			if (!same_branch(t.docs[i], t2.docs[i]))
				abort();
		if (t.metadata.kind != t2.metadata.kind || !same_value(&t.metadata, &t2.metadata))
			abort();
		ags_tree_clear(&t2);
	}
	ags_buf_release(&out);
	ags_tree_clear(&t);
	return 0;
}
