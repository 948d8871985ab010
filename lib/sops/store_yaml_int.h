/*
 * The YAML/JSON loader's state, shared by its parts (module-internal):
 * store_yaml_load.c (events, building the tree), store_yaml_comments.c
 * (comments recovered from the source bytes), store_yaml_anchors.c
 * (anchors and the alias budget), store_yaml_scalar.c (typing scalars).
 */
#ifndef AGS_SOPS_STORE_YAML_INT_H
#define AGS_SOPS_STORE_YAML_INT_H

#include "sops/store_int.h"
#include "yaml/fyaml.h"

struct frame {
	bool is_map;
	bool flow;
	int indent;
	uint32_t line;
	struct ags_value val; /* the collection being built (MAP or SEQ) */
	bool have_key;
	struct ags_value key;
	size_t keyline_from; /* first comment item added after the pending key */
	int anchor;          /* index in the anchor table, or -1 */
};

struct anchor {
	char *name;
	size_t len;
	bool complete;
	struct ags_value v; /* scalars: owned copy; MAP/SEQ: borrowed pointer, never freed here */
};

struct pcomment {
	size_t off, len; /* text after '#' */
	int col;
	uint32_t line;
};

/* What the previous event finished, for attaching same-line comments. */
enum last_kind {
	LAST_NONE,
	LAST_KEY,        /* a mapping key (its value is pending) */
	LAST_ITEM,       /* a scalar/alias item was appended to the top frame */
	LAST_COLL_ITEM,  /* a flow collection item was appended */
};

struct loader {
	const char *src;
	size_t len;
	struct ags_diag *d;
	struct frame *frames;
	size_t nframes, capframes;
	struct ags_branch *doc;    /* document being built */
	bool doc_done;             /* root node seen */
	size_t docno;
	struct anchor *anchors;
	size_t nanchors, capanchors;
	int *slots;
	size_t nslots;
	struct pcomment *carry;
	size_t ncarry, capcarry;
	size_t prev_end;           /* end of the previous event's token */
	uint32_t prev_line;        /* its 1-based line */
	bool json;
	bool prev_at_line_start;   /* prev_end is at column 0 */
	enum last_kind last;
	bool last_scalar;          /* LAST_ITEM came from a scalar or alias */
	size_t alias_budget;
};

static inline struct frame *ags_yl_top(struct loader *L)
{
	return L->nframes ? &L->frames[L->nframes - 1] : NULL;
}

int ags_yl_fail(struct loader *L, int code, uint32_t line, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* store_yaml_comments.c */
int ags_yl_comment_value(struct loader *L, size_t off, size_t len, uint32_t line, bool inl, struct ags_value *v);
/* Scans src[a, b) for comments: same-line ones attach to the item just
 * read, the others are carried to the next event. */
int ags_yl_scan_gap(struct loader *L, size_t a, size_t b);
/* Puts carried comments at the end of collection c (only the leading ones
 * at or beyond min_col). */
int ags_yl_flush_carry_into(struct loader *L, struct ags_value *c, int min_col);
int ags_yl_flush_carry_before_item(struct loader *L);

/* store_yaml_anchors.c */
#define AGS_YL_MAX_ANCHORS 65536
int ags_yl_anchor_find(struct loader *L, const char *name, size_t len);
/* Records v under the anchor of tok; returns its index. */
int ags_yl_anchor_add(struct loader *L, struct fy_token *tok, const struct ags_value *v, bool complete, uint32_t line);
void ags_yl_anchors_clear(struct loader *L);
/* Size and depth of a subtree, for the alias budget and depth cap. */
void ags_yl_measure(const struct ags_value *v, size_t *cost, int depth, int *maxdepth);

/* store_yaml_scalar.c: a scalar event as a typed value (go-yaml v3 / JSON rules). */
int ags_yl_scalar_value(struct loader *L, struct fy_event *e, uint32_t line, struct ags_value *out);

#endif
