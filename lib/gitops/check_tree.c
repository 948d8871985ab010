/*
 * The tree behind lib/gitops/check.c: libfyaml events to nodes with line
 * numbers and resolved aliases.
 */
#include "internal.h"
#include "gitops/check_tree.h"
#include "gitops/strv.h"

#include <libfyaml.h>
#include "yaml/fyaml.h"
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64
#define MAX_NODES 200000

/* ---- a small line-numbered tree from libfyaml events ---- */

/* An alias stands for its anchored node: nothing is copied, so no alias bomb. */
const struct node *ags_ct_deref(const struct node *n)
{
	return n && n->target ? n->target : n;
}

void ags_ct_node_free(struct node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		ags_ct_node_free(n->kids[i]);
	/* Secret values pass through here: wipe them */
	ags_free_secret(n->s, n->len + 1);
	AGS_FREE_ALL(n->kids, n);
}

static int node_add(struct node *p, struct node *c)
{
	AGS_TRY(ags_array_grow((void **)&p->kids, &p->cap, p->n, sizeof(*p->kids), 8));
	p->kids[p->n++] = c;
	return 0;
}

const struct node *ags_ct_map_get(const struct node *m, const char *key)
{
	if (!m || m->kind != N_MAP)
		return NULL;
	size_t kl = strlen(key);
	for (size_t i = 0; i + 1 < m->n; i += 2) {
		const struct node *k = m->kids[i];
		if (k->kind == N_SCALAR && k->len == kl && !memcmp(k->s, key, kl))
			return ags_ct_deref(m->kids[i + 1]);
	}
	return NULL;
}

bool ags_ct_scalar_is(const struct node *n, const char *s)
{
	return n && n->kind == N_SCALAR && n->len == strlen(s) && !memcmp(n->s, s, n->len);
}

/* YAML null: empty, null or ~ written plain (go-yaml, hence sops, never encrypts it). */
bool ags_ct_is_null(const struct node *n)
{
	return n->kind == N_SCALAR && (n->len == 0 || (n->plain && (ags_ct_scalar_is(n, "null") || ags_ct_scalar_is(n, "~") ||
								 ags_ct_scalar_is(n, "Null") || ags_ct_scalar_is(n, "NULL"))));
}


void ags_ct_docs_free(struct docs *d)
{
	for (size_t i = 0; i < d->n; i++)
		ags_ct_node_free(d->v[i]);
	free(d->v);
	d->v = NULL;
	d->n = 0;
}

struct anchor {
	const char *name; /* points into the parsed text's token */
	size_t len;
	struct node *node;
};

struct anchors {
	struct anchor *v;
	size_t n;
};

static int anchor_add(struct anchors *a, struct fy_token *tok, struct node *n)
{
	size_t l = 0;
	const char *t = tok ? fy_token_get_text(tok, &l) : NULL;
	if (!t)
		return 0;
	AGS_TRY(ags_gitops_grow(&a->v, a->n, sizeof(*a->v), MAX_NODES));
	char *name = strndup(t, l);
	if (!name)
		return AGS_E_NOMEM;
	a->v[a->n++] = (struct anchor){ name, l, n };
	return 0;
}

/* The latest complete node anchored under the alias's name (YAML: the nearest preceding anchor). */
static const struct node *anchor_find(const struct anchors *a, struct fy_token *tok)
{
	size_t l = 0;
	const char *t = tok ? fy_token_get_text(tok, &l) : NULL;
	for (size_t i = a->n; t && i-- > 0;)
		if (a->v[i].len == l && !memcmp(a->v[i].name, t, l))
			return a->v[i].node->done ? a->v[i].node : NULL;
	return NULL;
}

static void anchors_reset(struct anchors *a)
{
	for (size_t i = 0; i < a->n; i++)
		free((char *)a->v[i].name);
	a->n = 0;
}

static struct fy_token *event_anchor(const struct fy_event *e)
{
	switch (e->type) {
	case FYET_SCALAR: return e->scalar.anchor;
	case FYET_MAPPING_START: return e->mapping_start.anchor;
	case FYET_SEQUENCE_START: return e->sequence_start.anchor;
	default: return NULL;
	}
}

/* Parses every document into trees; aliases point at their anchored node. */
int ags_ct_parse_docs(const char *data, size_t len, bool json, struct docs *out, unsigned *errline)
{
	struct anchors anchors = { 0 };
	struct ags_fy_parser p;
	int opened = ags_fy_parser_open(&p, data, len, json, NULL);
	if (opened < 0) {
		unsigned col;
		if (opened == AGS_E_SYNTAX && errline && !ags_fy_tab_trap(data, len, errline, &col))
			*errline = 0;
		return opened;
	}
	struct fy_parser *fyp = p.fyp;
	int r = 0;
	struct node *stack[MAX_DEPTH + 1];
	size_t depth = 0, nodes = 0;
	struct node *root = NULL;
	struct fy_event *e;
	while (r == 0 && (e = fy_parser_parse(fyp))) {
		struct node *nn = NULL;
		const struct fy_mark *m = fy_event_start_mark(e);
		unsigned line = m ? (unsigned)m->line + 1 : 0;
		switch (e->type) {
		case FYET_SCALAR:
		case FYET_ALIAS:
		case FYET_MAPPING_START:
		case FYET_SEQUENCE_START:
			if (++nodes > MAX_NODES) {
				r = AGS_E_TOO_BIG;
				break;
			}
			nn = calloc(1, sizeof(*nn));
			if (!nn) {
				r = AGS_E_NOMEM;
				break;
			}
			nn->line = line;
			if (e->type == FYET_SCALAR) {
				size_t tl = 0;
				const char *t = NULL;
				struct ags_buf sq; /* may hold a plaintext secret value */
				ags_buf_init_secret(&sq, len);
				r = ags_fy_scalar_text(e, p.src, p.len, json, &sq, &t, &tl);
				nn->kind = N_SCALAR;
				nn->s = r < 0 ? NULL : malloc(tl + 1);
				if (!nn->s) {
					ags_buf_release(&sq);
					free(nn);
					nn = NULL;
					r = r < 0 ? r : AGS_E_NOMEM;
					break;
				}
				if (tl)
					memcpy(nn->s, t, tl);
				nn->s[tl] = 0;
				nn->len = tl;
				nn->plain = fy_token_scalar_style(e->scalar.value) == FYSS_PLAIN;
				nn->done = true;
				ags_buf_release(&sq);
			} else if (e->type == FYET_ALIAS) {
				/* an unknown or still open anchor (a cycle) stays an empty scalar */
				nn->kind = N_SCALAR;
				nn->s = calloc(1, 1);
				nn->done = true;
				nn->target = anchor_find(&anchors, e->alias.anchor);
			} else {
				nn->kind = e->type == FYET_MAPPING_START ? N_MAP : N_SEQ;
			}
			if (depth == 0) {
				root = nn;
			} else if ((r = node_add(stack[depth - 1], nn)) < 0) {
				ags_ct_node_free(nn);
				break;
			}
			if ((r = anchor_add(&anchors, event_anchor(e), nn)) < 0)
				break;
			if (e->type == FYET_MAPPING_START || e->type == FYET_SEQUENCE_START) {
				if (depth >= MAX_DEPTH) {
					r = AGS_E_TOO_BIG;
					break;
				}
				stack[depth++] = nn;
			}
			break;
		case FYET_MAPPING_END:
		case FYET_SEQUENCE_END:
			if (depth)
				stack[--depth]->done = true;
			break;
		case FYET_DOCUMENT_END:
			if (root) {
				if ((r = ags_gitops_grow(&out->v, out->n, sizeof(*out->v), SIZE_MAX)) < 0)
					break;
				out->v[out->n++] = root;
				root = NULL;
			}
			depth = 0;
			anchors_reset(&anchors);
			break;
		default:
			break;
		}
		fy_parser_event_free(fyp, e);
	}
	if (r == 0 && fy_parser_get_stream_error(fyp)) {
		r = AGS_E_SYNTAX;
		void *it = NULL;
		struct fy_diag_error *err = fy_diag_errors_iterate(p.diag, &it);
		if (errline)
			*errline = err ? (unsigned)err->line : 0;
	}
	if (root && (!out->n || out->v[out->n - 1] != root))
		ags_ct_node_free(root);
	anchors_reset(&anchors);
	free(anchors.v);
	ags_fy_parser_close(&p);
	return r;
}

