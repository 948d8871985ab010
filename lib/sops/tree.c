#include "internal.h"
#include "util/secret.h"
#include "sops/tree.h"
#include <stdlib.h>
#include <string.h>

int ags_branch_new(struct ags_branch **ret)
{
	struct ags_branch *b = calloc(1, sizeof(*b));
	if (!b)
		return AGS_E_NOMEM;
	*ret = b;
	return 0;
}

int ags_list_new(struct ags_list **ret)
{
	struct ags_list *l = calloc(1, sizeof(*l));
	if (!l)
		return AGS_E_NOMEM;
	*ret = l;
	return 0;
}

int ags_branch_append(struct ags_branch *b, struct ags_value *key, struct ags_value *value)
{
	AGS_TRY(ags_array_grow((void **)&b->items, &b->cap, b->n, sizeof(*b->items), 8));
	struct ags_item *it = &b->items[b->n++];
	it->key = *key;
	memset(key, 0, sizeof(*key));
	if (value) {
		it->value = *value;
		memset(value, 0, sizeof(*value));
	} else {
		memset(&it->value, 0, sizeof(it->value));
	}
	return 0;
}

int ags_list_append(struct ags_list *l, struct ags_value *v)
{
	AGS_TRY(ags_array_grow((void **)&l->items, &l->cap, l->n, sizeof(*l->items), 8));
	l->items[l->n++] = *v;
	memset(v, 0, sizeof(*v));
	return 0;
}

int ags_tree_append_doc(struct ags_tree *t, struct ags_branch *doc)
{
	return ags_array_push_ptr((void ***)&t->docs, &t->ndocs, AGS_TREE_MAX_DOCS, doc);
}

/* v (its old contents released) becomes kind, owning p: the text of a
 * string kind, the branch of a mapping, the list of a sequence. */
static void set_owned(struct ags_value *v, enum ags_val_kind kind, void *p)
{
	ags_value_clear(v);
	v->kind = kind;
	if (kind == AGS_VAL_MAP)
		v->map = p;
	else if (kind == AGS_VAL_SEQ)
		v->seq = p;
	else
		v->str.p = p;
}

int ags_value_set_str(struct ags_value *v, enum ags_val_kind kind, const char *p, size_t len)
{
	char *s = malloc(len + 1);
	if (!s)
		return AGS_E_NOMEM;
	if (len)
		memcpy(s, p, len);
	s[len] = 0;
	ags_value_take_str(v, kind, s, len);
	return 0;
}

void ags_value_take_str(struct ags_value *v, enum ags_val_kind kind, char *p, size_t len)
{
	set_owned(v, kind, p);
	v->str.len = len;
}

int ags_value_set_map(struct ags_value *v)
{
	struct ags_branch *b;
	AGS_TRY(ags_branch_new(&b));
	set_owned(v, AGS_VAL_MAP, b);
	return 0;
}

int ags_value_set_seq(struct ags_value *v)
{
	struct ags_list *l;
	AGS_TRY(ags_list_new(&l));
	set_owned(v, AGS_VAL_SEQ, l);
	return 0;
}

static bool has_str(enum ags_val_kind k)
{
	return k == AGS_VAL_STR || k == AGS_VAL_TIME || k == AGS_VAL_COMMENT;
}

int ags_value_copy(struct ags_value *dst, const struct ags_value *src)
{
	struct ags_value v = *src;
	int r = 0;
	if (has_str(src->kind)) {
		v.str.p = NULL;
		v.kind = AGS_VAL_NULL;
		r = ags_value_set_str(&v, src->kind, src->str.p, src->str.len);
	} else if (src->kind == AGS_VAL_MAP) {
		v.kind = AGS_VAL_NULL;
		r = ags_value_set_map(&v);
		for (size_t i = 0; r == 0 && i < src->map->n; i++) {
			struct ags_value k = { 0 }, val = { 0 };
			r = ags_value_copy(&k, &src->map->items[i].key);
			if (r == 0)
				r = ags_value_copy(&val, &src->map->items[i].value);
			if (r == 0)
				r = ags_branch_append(v.map, &k, &val);
			ags_value_clear(&k);
			ags_value_clear(&val);
		}
	} else if (src->kind == AGS_VAL_SEQ) {
		v.kind = AGS_VAL_NULL;
		r = ags_value_set_seq(&v);
		for (size_t i = 0; r == 0 && i < src->seq->n; i++) {
			struct ags_value e = { 0 };
			r = ags_value_copy(&e, &src->seq->items[i]);
			if (r == 0)
				r = ags_list_append(v.seq, &e);
			ags_value_clear(&e);
		}
	}
	if (r < 0) {
		ags_value_clear(&v);
		return r;
	}
	v.style = src->style;
	v.inline_comment = src->inline_comment;
	v.line = src->line;
	*dst = v;
	return 0;
}

void ags_value_clear(struct ags_value *v)
{
	if (has_str(v->kind))
		ags_free_secret(v->str.p, v->str.len);
	else if (v->kind == AGS_VAL_MAP)
		ags_branch_free(v->map);
	else if (v->kind == AGS_VAL_SEQ)
		ags_list_free(v->seq);
	memset(v, 0, sizeof(*v));
}

void ags_branch_free(struct ags_branch *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++) {
		ags_value_clear(&b->items[i].key);
		ags_value_clear(&b->items[i].value);
	}
	AGS_FREE_ALL(b->items, b);
}

void ags_list_free(struct ags_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		ags_value_clear(&l->items[i]);
	AGS_FREE_ALL(l->items, l);
}

void ags_tree_clear(struct ags_tree *t)
{
	for (size_t i = 0; i < t->ndocs; i++)
		ags_branch_free(t->docs[i]);
	free(t->docs);
	ags_value_clear(&t->metadata);
	memset(t, 0, sizeof(*t));
}

struct ags_value *ags_branch_get(const struct ags_branch *b, const char *key)
{
	size_t klen = strlen(key);
	for (size_t i = 0; i < b->n; i++) {
		const struct ags_value *k = &b->items[i].key;
		if (k->kind == AGS_VAL_STR && k->str.len == klen && memcmp(k->str.p, key, klen) == 0)
			return &b->items[i].value;
	}
	return NULL;
}

void ags_branch_remove(struct ags_branch *b, size_t i)
{
	if (i >= b->n)
		return;
	ags_value_clear(&b->items[i].key);
	ags_value_clear(&b->items[i].value);
	memmove(&b->items[i], &b->items[i + 1], (b->n - i - 1) * sizeof(*b->items));
	b->n--;
}
