/*
 * Comments of the YAML loader, recovered from the source bytes between
 * events (libfyaml 0.7's own comment support is experimental and leaks)
 * and placed as sops' yaml store places go-yaml's head/line/foot comments
 * (see store_yaml_load.c).
 */
#include "internal.h"
#include "sops/store_yaml_int.h"
#include "sops/scalar.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int carry_push(struct loader *L, size_t off, size_t len, int col, uint32_t line)
{
	AGS_TRY(ags_array_grow((void **)&L->carry, &L->capcarry, L->ncarry, sizeof(*L->carry), 16));
	L->carry[L->ncarry++] = (struct pcomment){ off, len, col, line };
	return 0;
}

int ags_yl_comment_value(struct loader *L, size_t off, size_t len, uint32_t line, bool inl, struct ags_value *v)
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
	AGS_TRY(ags_yl_comment_value(L, off, len, line, inl, &v));
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


int ags_yl_scan_gap(struct loader *L, size_t a, size_t b)
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
			/* \1 and \2 mark an LS or PS line break (yaml/fyaml.h) */
			while (e < b && s[e] != '\n' && s[e] != '\r' && s[e] != 1 && s[e] != 2)
				e++;
			uint32_t line = cur_line;
			/* column: distance to the line start (bounded: own-line
			 * comments have only blanks before them) */
			size_t ls = i;
			while (ls > 0 && s[ls - 1] != '\n' && i - ls < 4096)
				ls--;
			int col = (ls > 0 && s[ls - 1] != '\n') ? 4096 : (int)(i - ls);
			struct frame *f = ags_yl_top(L);
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
int ags_yl_flush_carry_into(struct loader *L, struct ags_value *c, int min_col)
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


int ags_yl_flush_carry_before_item(struct loader *L)
{
	struct frame *f = ags_yl_top(L);
	if (!f) {
		return 0; /* root: the root collection takes them */
	}
	return ags_yl_flush_carry_into(L, &f->val, -1000000);
}

