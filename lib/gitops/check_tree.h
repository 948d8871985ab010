/*
 * A small line-numbered YAML/JSON tree for `agesops check` (internal to
 * lib/gitops): built from libfyaml events, aliases pointing at their
 * anchored node (nothing copied, so no alias bomb), Secret values wiped on
 * free.
 */
#ifndef AGS_GITOPS_CHECK_TREE_H
#define AGS_GITOPS_CHECK_TREE_H

#include <stdbool.h>
#include <stddef.h>

enum nkind { N_SCALAR, N_MAP, N_SEQ };

struct node {
	enum nkind kind;
	unsigned line; /* 1-based */
	char *s;
	size_t len;
	bool plain;   /* a plain scalar (null, ~ and empty are null only unquoted) */
	bool done;    /* complete: an alias may point here without making a cycle */
	const struct node *target; /* an alias: the anchored node (not owned) */
	struct node **kids; /* MAP: key, value, key, value ...; SEQ: items */
	size_t n, cap;
};

struct docs {
	struct node **v;
	size_t n;
};

/* Parses every document; AGS_E_SYNTAX (*errline set) or AGS_E_TOO_BIG on bad or huge input. */
int ags_ct_parse_docs(const char *data, size_t len, bool json, struct docs *out, unsigned *errline);
void ags_ct_docs_free(struct docs *d);
void ags_ct_node_free(struct node *n);
/* An alias stands for its anchored node. */
const struct node *ags_ct_deref(const struct node *n);
/* The value under key in a map (aliases followed), or NULL. */
const struct node *ags_ct_map_get(const struct node *m, const char *key);
bool ags_ct_scalar_is(const struct node *n, const char *s);
/* YAML null: empty, or null / ~ written plain (go-yaml, hence sops, never encrypts it). */
bool ags_ct_is_null(const struct node *n);

#endif
