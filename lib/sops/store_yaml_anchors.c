/*
 * Anchors of the YAML loader: aliases are expanded as copies, within a size
 * budget against "billion laughs" and within the depth cap.
 */
#include "internal.h"
#include "sops/store_yaml_int.h"
#include "sops/scalar.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Anchors are looked up through an open-addressing hash index (many
 * anchors and aliases must not cost quadratic time). */
static uint32_t name_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

int ags_yl_anchor_find(struct loader *L, const char *name, size_t len)
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

int ags_yl_anchor_add(struct loader *L, struct fy_token *tok, const struct ags_value *v, bool complete,
		      uint32_t line)
{
	size_t len;
	const char *name = fy_token_get_text(tok, &len);
	if (!name)
		return ags_yl_fail(L, AGS_E_SYNTAX, line, "bad anchor");
	int idx = ags_yl_anchor_find(L, name, len);
	struct anchor *a;
	if (idx >= 0) {
		a = &L->anchors[idx];
		if (a->v.kind != AGS_VAL_MAP && a->v.kind != AGS_VAL_SEQ)
			ags_value_clear(&a->v);
		memset(&a->v, 0, sizeof(a->v));
	} else {
		if (L->nanchors >= AGS_YL_MAX_ANCHORS)
			return ags_yl_fail(L, AGS_E_TOO_BIG, line, "too many anchors");
		AGS_TRY(ags_array_grow((void **)&L->anchors, &L->capanchors, L->nanchors, sizeof(*L->anchors), 8));
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

void ags_yl_anchors_clear(struct loader *L)
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
void ags_yl_measure(const struct ags_value *v, size_t *cost, int depth, int *maxdepth)
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
			ags_yl_measure(&v->map->items[i].value, cost, depth + 1, maxdepth);
		}
		break;
	case AGS_VAL_SEQ:
		for (size_t i = 0; i < v->seq->n; i++)
			ags_yl_measure(&v->seq->items[i], cost, depth + 1, maxdepth);
		break;
	default:
		break;
	}
}

