/*
 * sops tree paths and get/set/unset.  See path.h for where this departs from
 * sops on inputs sops mishandles.
 */
#include "internal.h"
#include "sops/path.h"
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ags_sops_path_clear(struct ags_sops_path *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].key);
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

static int add_comp(struct ags_sops_path *p, size_t *cap, struct ags_sops_path_elem *c)
{
	if (p->n >= AGS_PATH_MAX_COMPONENTS)
		return AGS_E_TOO_BIG;
	AGS_TRY(ags_array_grow((void **)&p->v, cap, p->n, sizeof(*p->v), 4));
	p->v[p->n++] = *c;
	return 0;
}

int ags_sops_path_parse(const char *s, struct ags_sops_path *out, struct ags_diag *d)
{
	struct ags_sops_path p = { 0 };
	size_t cap = 0, i = 0, len = strlen(s);
	int r = 0;
	while (i < len) {
		struct ags_sops_path_elem c = { 0 };
		if (s[i] != '[') {
			r = ags_diag_set(d, AGS_E_SOPS_PATH, "invalid tree path at offset %zu: expected '['", i);
			goto fail;
		}
		i++;
		if (i < len && (s[i] == '"' || s[i] == '\'')) {
			char q = s[i++];
			size_t start = i;
			/* the key ends at the quote that is followed by ']' */
			while (i < len && !(s[i] == q && i + 1 < len && s[i + 1] == ']'))
				i++;
			if (i >= len) {
				r = ags_diag_set(d, AGS_E_SOPS_PATH,
						 "invalid tree path at offset %zu: unterminated key (expected %c])",
						 start - 1, q);
				goto fail;
			}
			c.keylen = i - start;
			c.key = malloc(c.keylen + 1);
			if (!c.key) {
				r = AGS_E_NOMEM;
				goto fail;
			}
			memcpy(c.key, s + start, c.keylen);
			c.key[c.keylen] = '\0';
			i += 2;
		} else {
			size_t start = i;
			/* strconv.Atoi accepts a sign; a minus can never index a list */
			if (i < len && s[i] == '+')
				i++;
			size_t digits = i;
			unsigned long long v = 0;
			while (i < len && s[i] >= '0' && s[i] <= '9') {
				if (v > (unsigned long long)(INT64_MAX - 9) / 10) {
					r = ags_diag_set(d, AGS_E_SOPS_PATH,
							 "invalid tree path at offset %zu: index too large", start);
					goto fail;
				}
				v = v * 10 + (unsigned)(s[i] - '0');
				i++;
			}
			if (i == digits || i >= len || s[i] != ']') {
				r = ags_diag_set(d, AGS_E_SOPS_PATH,
						 "invalid tree path at offset %zu: expected a quoted key or a "
						 "non-negative index followed by ']'",
						 start);
				goto fail;
			}
			i++;
			c.is_index = true;
			c.index = (size_t)v;
		}
		r = add_comp(&p, &cap, &c);
		if (r < 0) {
			free(c.key);
			if (r == AGS_E_TOO_BIG)
				r = ags_diag_set(d, AGS_E_SOPS_PATH, "invalid tree path: more than %d components",
						 AGS_PATH_MAX_COMPONENTS);
			goto fail;
		}
	}
	*out = p;
	return 0;
fail:
	ags_sops_path_clear(&p);
	return r;
}

/* The i-th non-comment element of a list, or NULL; *slot gets its array index. */
static struct ags_value *list_nth(struct ags_list *l, size_t n, size_t *slot)
{
	for (size_t i = 0; i < l->n; i++) {
		if (l->items[i].kind == AGS_VAL_COMMENT)
			continue;
		if (n-- == 0) {
			if (slot)
				*slot = i;
			return &l->items[i];
		}
	}
	return NULL;
}

static struct ags_item *map_find(struct ags_branch *b, const struct ags_sops_path_elem *c, size_t *slot)
{
	for (size_t i = 0; i < b->n; i++) {
		struct ags_item *it = &b->items[i];
		if (it->key.kind == AGS_VAL_STR && it->key.str.len == c->keylen &&
		    memcmp(it->key.str.p, c->key, c->keylen) == 0) {
			if (slot)
				*slot = i;
			return it;
		}
	}
	return NULL;
}

/* "["a"][0]" for messages, up to component n (exclusive).  Keys are
 * document structure, never values, so they may appear in diagnostics. */
static const char *path_str(const struct ags_sops_path *p, size_t n, char *buf, size_t cap)
{
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && off < cap; i++) {
		int w = p->v[i].is_index ? snprintf(buf + off, cap - off, "[%zu]", p->v[i].index)
					 : snprintf(buf + off, cap - off, "[\"%.*s\"]", (int)AGS_MIN(p->v[i].keylen, 64),
						    p->v[i].key);
		if (w < 0)
			break;
		off += (size_t)w;
	}
	return buf;
}

int ags_sops_path_get(struct ags_branch *doc, const struct ags_sops_path *p, struct ags_value **out,
		      struct ags_diag *d)
{
	char pb[256];
	struct ags_value *cur = NULL;
	struct ags_branch *b = doc;
	for (size_t i = 0; i < p->n; i++) {
		const struct ags_sops_path_elem *c = &p->v[i];
		if (cur) {
			if (cur->kind == AGS_VAL_MAP)
				b = cur->map;
			else
				b = NULL;
		}
		if (c->is_index) {
			if (!cur || cur->kind != AGS_VAL_SEQ)
				return ags_diag_set(d, AGS_E_SOPS_PATH, "component %s is an index, but %s is not a list",
						    path_str(p, i + 1, pb, sizeof(pb)), i ? "its parent" : "the document");
			struct ags_value *v = list_nth(cur->seq, c->index, NULL);
			if (!v)
				return ags_diag_set(d, AGS_E_NOT_FOUND, "component %s is out of bounds",
						    path_str(p, i + 1, pb, sizeof(pb)));
			cur = v;
		} else {
			if (!b)
				return ags_diag_set(d, AGS_E_SOPS_PATH, "component %s is a key, but its parent is not a mapping",
						    path_str(p, i + 1, pb, sizeof(pb)));
			struct ags_item *it = map_find(b, c, NULL);
			if (!it)
				return ags_diag_set(d, AGS_E_NOT_FOUND, "component %s not found",
						    path_str(p, i + 1, pb, sizeof(pb)));
			cur = &it->value;
		}
	}
	*out = cur;
	return 0;
}

/* Builds the value sops' valueFromPathAndLeaf makes for the path suffix
 * starting at component i: nested one-entry mappings/lists ending in leaf. */
static int value_from_path(const struct ags_sops_path *p, size_t i, struct ags_value *leaf, struct ags_value *out)
{
	struct ags_value v = { 0 }, inner = { 0 };
	if (i + 1 < p->n)
		AGS_TRY(value_from_path(p, i + 1, leaf, &inner));
	int r;
	if (p->v[i].is_index) {
		r = ags_value_set_seq(&v);
		if (r == 0)
			r = ags_list_append(v.seq, i + 1 < p->n ? &inner : leaf);
	} else {
		r = ags_value_set_map(&v);
		struct ags_value k = { 0 };
		if (r == 0)
			r = ags_value_set_str(&k, AGS_VAL_STR, p->v[i].key, p->v[i].keylen);
		if (r == 0) {
			r = ags_branch_append(v.map, &k, i + 1 < p->n ? &inner : leaf);
			if (r < 0)
				ags_value_clear(&k);
		}
	}
	if (r < 0) {
		/* the leaf, if already moved, is freed with inner; the caller's copy is then zeroed */
		ags_value_clear(&v);
		ags_value_clear(&inner);
		return r;
	}
	*out = v;
	return 0;
}

static void replace_value(struct ags_value *slot, struct ags_value *v)
{
	ags_value_clear(slot);
	*slot = *v;
	memset(v, 0, sizeof(*v));
}

static int set_in(struct ags_value *cur, struct ags_branch *b, const struct ags_sops_path *p, size_t i,
		  struct ags_value *v, bool *changed, struct ags_diag *d)
{
	char pb[256];
	const struct ags_sops_path_elem *c = &p->v[i];
	bool last = i + 1 == p->n;
	if (!b && cur && cur->kind == AGS_VAL_MAP)
		b = cur->map;
	if (b) {
		if (c->is_index)
			return ags_diag_set(d, AGS_E_SOPS_PATH, "component %s is an index, but %s is a mapping",
					    path_str(p, i + 1, pb, sizeof(pb)), i ? "its parent" : "the document");
		struct ags_item *it = map_find(b, c, NULL);
		if (it) {
			if (last) {
				*changed = !ags_value_equal(&it->value, v);
				replace_value(&it->value, v);
				return 0;
			}
			return set_in(&it->value, NULL, p, i + 1, v, changed, d);
		}
		struct ags_value k = { 0 }, nv = { 0 };
		AGS_TRY(ags_value_set_str(&k, AGS_VAL_STR, c->key, c->keylen));
		int r = last ? 0 : value_from_path(p, i + 1, v, &nv);
		if (r == 0)
			r = ags_branch_append(b, &k, last ? v : &nv);
		if (r < 0) {
			ags_value_clear(&k);
			ags_value_clear(&nv);
			return r;
		}
		*changed = true;
		return 0;
	}
	if (cur->kind == AGS_VAL_SEQ) {
		if (!c->is_index)
			return ags_diag_set(d, AGS_E_SOPS_PATH, "component %s is a key, but its parent is a list",
					    path_str(p, i + 1, pb, sizeof(pb)));
		struct ags_value *el = list_nth(cur->seq, c->index, NULL);
		if (!el) {
			struct ags_value nv = { 0 };
			if (!last)
				AGS_TRY(value_from_path(p, i + 1, v, &nv));
			int r = ags_list_append(cur->seq, last ? v : &nv);
			if (r < 0) {
				ags_value_clear(&nv);
				return r;
			}
			*changed = true;
			return 0;
		}
		if (last) {
			*changed = !ags_value_equal(el, v);
			replace_value(el, v);
			return 0;
		}
		return set_in(el, NULL, p, i + 1, v, changed, d);
	}
	/* a scalar (or null) on the way is replaced by the structure the path needs */
	struct ags_value nv = { 0 };
	AGS_TRY(value_from_path(p, i, v, &nv));
	*changed = !ags_value_equal(cur, &nv);
	replace_value(cur, &nv);
	return 0;
}

int ags_sops_path_set(struct ags_branch *doc, const struct ags_sops_path *p, struct ags_value *v,
		      bool *changed, struct ags_diag *d)
{
	if (!doc || !p || p->n == 0 || !v)
		return ags_diag_set(d, AGS_E_SOPS_PATH, "set needs a non-empty tree path");
	bool ch = false;
	AGS_TRY(set_in(NULL, doc, p, 0, v, &ch, d));
	if (changed)
		*changed = ch;
	return 0;
}

int ags_sops_path_unset(struct ags_branch *doc, const struct ags_sops_path *p, struct ags_diag *d)
{
	char pb[256];
	if (!doc || !p || p->n == 0)
		return ags_diag_set(d, AGS_E_SOPS_PATH, "unset needs a non-empty tree path");
	struct ags_branch *b = doc;
	struct ags_value *cur = NULL;
	for (size_t i = 0; i < p->n; i++) {
		const struct ags_sops_path_elem *c = &p->v[i];
		bool last = i + 1 == p->n;
		if (cur)
			b = cur->kind == AGS_VAL_MAP ? cur->map : NULL;
		if (b) {
			if (c->is_index)
				return ags_diag_set(d, AGS_E_SOPS_PATH, "component %s is an index, but %s is a mapping",
						    path_str(p, i + 1, pb, sizeof(pb)), i ? "its parent" : "the document");
			size_t slot;
			struct ags_item *it = map_find(b, c, &slot);
			if (!it)
				return ags_diag_set(d, AGS_E_NOT_FOUND, "key not found: %s",
						    path_str(p, i + 1, pb, sizeof(pb)));
			if (last) {
				ags_branch_remove(b, slot);
				return 0;
			}
			cur = &it->value;
		} else if (cur->kind == AGS_VAL_SEQ) {
			if (!c->is_index)
				return ags_diag_set(d, AGS_E_SOPS_PATH, "component %s is a key, but its parent is a list",
						    path_str(p, i + 1, pb, sizeof(pb)));
			size_t slot;
			struct ags_value *el = list_nth(cur->seq, c->index, &slot);
			if (!el)
				return ags_diag_set(d, AGS_E_NOT_FOUND, "index out of bounds: %s",
						    path_str(p, i + 1, pb, sizeof(pb)));
			if (last) {
				struct ags_list *l = cur->seq;
				ags_value_clear(&l->items[slot]);
				memmove(&l->items[slot], &l->items[slot + 1], (l->n - slot - 1) * sizeof(*l->items));
				l->n--;
				return 0;
			}
			cur = el;
		} else {
			return ags_diag_set(d, AGS_E_SOPS_PATH, "component %s: parent is not a mapping or list",
					    path_str(p, i + 1, pb, sizeof(pb)));
		}
	}
	return 0;
}

bool ags_value_equal(const struct ags_value *a, const struct ags_value *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case AGS_VAL_NULL:
		return true;
	case AGS_VAL_STR:
	case AGS_VAL_TIME:
	case AGS_VAL_COMMENT:
		return a->str.len == b->str.len && (a->str.len == 0 || memcmp(a->str.p, b->str.p, a->str.len) == 0);
	case AGS_VAL_INT:
		return a->i == b->i;
	case AGS_VAL_FLOAT:
		return a->f == b->f;
	case AGS_VAL_BOOL:
		return a->b == b->b;
	case AGS_VAL_MAP:
		if (a->map->n != b->map->n)
			return false;
		for (size_t i = 0; i < a->map->n; i++)
			if (!ags_value_equal(&a->map->items[i].key, &b->map->items[i].key) ||
			    !ags_value_equal(&a->map->items[i].value, &b->map->items[i].value))
				return false;
		return true;
	case AGS_VAL_SEQ:
		if (a->seq->n != b->seq->n)
			return false;
		for (size_t i = 0; i < a->seq->n; i++)
			if (!ags_value_equal(&a->seq->items[i], &b->seq->items[i]))
				return false;
		return true;
	}
	return false;
}
