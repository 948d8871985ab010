/*
 * The SOPS document model (sops' TreeBranches / TreeBranch / TreeItem).
 *
 * A tree is an ordered list of documents (YAML may have several; every other
 * format has one); each document is a mapping (struct ags_branch).  A
 * mapping is an ordered list of items whose key is a string or a comment; a
 * sequence is an ordered list of values, some of which may be comments.
 * Order is kept exactly: the MAC depends on it.
 *
 * Ownership: a tree owns every node and string below it.  Strings are
 * NUL-terminated copies (len excludes the NUL, and strings may contain NUL
 * bytes).  Freeing wipes string contents, since after decryption they are
 * plaintext.
 */
#ifndef AGS_SOPS_TREE_H
#define AGS_SOPS_TREE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

enum ags_val_kind {
	AGS_VAL_NULL = 0, /* YAML null / JSON null: never encrypted, never in the MAC */
	AGS_VAL_STR,      /* bytes in str */
	AGS_VAL_INT,      /* i */
	AGS_VAL_FLOAT,    /* f */
	AGS_VAL_BOOL,     /* b */
	AGS_VAL_TIME,     /* str holds Go's time.MarshalText form (RFC 3339, nanoseconds trimmed, Z for UTC) */
	AGS_VAL_MAP,      /* map */
	AGS_VAL_SEQ,      /* seq */
	AGS_VAL_COMMENT,  /* str holds the text without the comment character: "# foo" -> " foo" */
};

/* How a scalar was written in the source, kept as a hint for writers. */
enum ags_val_style {
	AGS_STYLE_ANY = 0,
	AGS_STYLE_PLAIN,
	AGS_STYLE_SINGLE,
	AGS_STYLE_DOUBLE,
	AGS_STYLE_LITERAL,
	AGS_STYLE_FOLDED,
};

struct ags_branch;
struct ags_list;

struct ags_value {
	enum ags_val_kind kind;
	uint8_t style;       /* enum ags_val_style */
	bool inline_comment; /* COMMENT: sits at the end of the previous line */
	uint32_t line;       /* 1-based source line for diagnostics, 0 if unknown */
	union {
		struct {
			char *p;
			size_t len;
		} str;
		int64_t i;
		double f;
		bool b;
		struct ags_branch *map;
		struct ags_list *seq;
	};
};

/* One entry of a mapping.  key.kind is AGS_VAL_STR, or AGS_VAL_COMMENT for a
 * comment item (then value.kind is AGS_VAL_NULL and unused). */
struct ags_item {
	struct ags_value key;
	struct ags_value value;
};

struct ags_branch {
	struct ags_item *items;
	size_t n, cap;
};

struct ags_list {
	struct ags_value *items;
	size_t n, cap;
};

/* Caps on what a loader accepts from input. */
#define AGS_TREE_MAX_DEPTH 256
#define AGS_TREE_MAX_DOCS 10000

struct ags_tree {
	struct ags_branch **docs;
	size_t ndocs;
	/* The "sops" metadata mapping taken out of the document on load (first
	 * document for YAML; gathered from sops_* keys for dotenv/INI), or
	 * kind AGS_VAL_NULL when the input had none.  Writers append it back
	 * ("sops:" last in every YAML document). */
	struct ags_value metadata;
};

/* Allocation.  All return AGS_E_NOMEM on failure and leave the target unchanged. */
int ags_branch_new(struct ags_branch **ret);
int ags_list_new(struct ags_list **ret);
/* Appends an item, taking ownership of key/value contents (the caller's
 * structs are zeroed on success). */
int ags_branch_append(struct ags_branch *b, struct ags_value *key, struct ags_value *value);
int ags_list_append(struct ags_list *l, struct ags_value *v);
int ags_tree_append_doc(struct ags_tree *t, struct ags_branch *doc);

/* Scalar constructors: copy len bytes of p. */
int ags_value_set_str(struct ags_value *v, enum ags_val_kind kind, const char *p, size_t len);
/* Takes p over without a copy (malloc'd, p[len] == 0; wiped and freed with
 * the value): for values as large as the file, the one copy in memory. */
void ags_value_take_str(struct ags_value *v, enum ags_val_kind kind, char *p, size_t len);
int ags_value_set_map(struct ags_value *v);
int ags_value_set_seq(struct ags_value *v);

/* Deep copy. */
int ags_value_copy(struct ags_value *dst, const struct ags_value *src);

/* Frees what a value owns (wiping strings) and resets it to NULL kind. */
void ags_value_clear(struct ags_value *v);
/* sops' stores.ValToString: the text of a scalar as the flat stores
 * (dotenv, ini) and exec-env write it; null is "<nil>" (store_dotenv.c). */
struct ags_buf;
int ags_store_val_to_string(const struct ags_value *v, struct ags_buf *b);
void ags_branch_free(struct ags_branch *b);
void ags_list_free(struct ags_list *l);
/* Frees the documents and metadata; the struct itself is reset to empty. */
void ags_tree_clear(struct ags_tree *t);

/* Returns the value for a string key in b, or NULL. */
struct ags_value *ags_branch_get(const struct ags_branch *b, const char *key);
/* Removes the item at index i (clearing it). */
void ags_branch_remove(struct ags_branch *b, size_t i);

#endif
