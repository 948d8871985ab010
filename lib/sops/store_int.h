/*
 * Helpers shared by the store implementations (module-internal).
 */
#ifndef AGS_SOPS_STORE_INT_H
#define AGS_SOPS_STORE_INT_H

#include "sops/store.h"
#include "sops/tree.h"
#include <sys/types.h>

/* Hard caps on what a loader accepts. */
#define AGS_STORE_MAX_INPUT ((size_t)1 << 31)  /* 2 GiB */
#define AGS_STORE_MAX_EMIT ((size_t)1 << 32)   /* 4 GiB */

/* AGS_E_TOO_BIG (diag set) for an input larger than AGS_STORE_MAX_INPUT. */
int ags_store_check_size(size_t len, struct ags_diag *d);

/* The end of a flat store's load (dotenv, INI): unless r < 0, *out becomes
 * the tree of the one document doc, with flat (when not NULL: the sops_
 * keys or [sops] section) unflattened as its metadata.  doc is the tree's
 * or freed; flat stays the caller's. */
int ags_store_flat_finish(int r, struct ags_branch *doc, struct ags_branch *flat, bool unescape_newlines,
			  struct ags_tree *out, struct ags_diag *d);

/* 1-based line of byte offset off in p (counts '\n' before it). */
uint32_t ags_store_line_of(const char *p, size_t off);

/* Checks UTF-8; on failure fills d with the line of the first bad byte. */
int ags_store_check_utf8(const char *p, size_t n, const char *what, struct ags_diag *d);

/* Rejects what go-yaml's reader rejects (C0/C1 controls but tab, LF, CR and
 * NEL; DEL; a BOM after the start; U+FFFE/U+FFFF) for YAML, or C0 controls
 * but tab, LF and CR for JSON.  Input must already be valid UTF-8. */
int ags_store_check_printable(const char *p, size_t n, bool yaml, struct ags_diag *d);

/* Moves the top-level "sops" mapping of the first document into
 * t->metadata and removes every top-level "sops" key from all documents
 * (as sops' ExtractMetadata).  A "sops" entry that is not a mapping is left
 * in place so the caller reports "already has a sops key". */
int ags_store_extract_metadata(struct ags_tree *t, struct ags_diag *d);
/* The first item of b with the key "sops", or -1. */
ssize_t ags_store_find_sops_key(const struct ags_branch *b);
/* Removes every item of b with the key "sops". */
void ags_store_drop_sops_keys(struct ags_branch *b);

/* A tree with the metadata appended as a "sops" item is what the nested
 * writers emit; this returns the metadata item to write after a branch, or
 * NULL when there is none. */
static inline const struct ags_value *ags_store_meta(const struct ags_tree *t)
{
	return t->metadata.kind == AGS_VAL_MAP ? &t->metadata : NULL;
}

/* sops' SerializeMetadata refusal: with metadata to write, none of the
 * first ndocs documents (those the store writes) may already have a
 * top-level "sops" key (or, for dotenv, a "sops_" key). */
int ags_store_check_reserved(const struct ags_tree *t, size_t ndocs, bool prefix, struct ags_diag *d);

/* Appends s as a Go json.Marshal string (HTML-safe escapes, U+2028/2029,
 * invalid UTF-8 as U+FFFD), quotes included. */
int ags_json_put_string(struct ags_buf *b, const char *s, size_t n);

/* Duplicates a key for diagnostics, truncated and with control bytes
 * replaced, into out (NUL-terminated). */
void ags_store_key_for_diag(const char *s, size_t n, char *out, size_t outsz);

/* Flattening of sops metadata for dotenv/INI (sops' flattenTreeBranch /
 * unflattenTreeBranch): "a" -> map -> "a__map_b", lists "a__list_0". */
int ags_store_flatten_meta(const struct ags_value *meta, const char *prefix, bool escape_newlines,
			   struct ags_branch *out);
int ags_store_unflatten_meta(struct ags_branch *flat, bool unescape_newlines, struct ags_value *out,
			     struct ags_diag *d);


/* A hash index from key text to a caller's item number, so that lookups by
 * name stay linear overall.  keyat returns the key of item i. */
struct ags_keyindex {
	size_t *slots; /* item + 1, 0 = empty */
	size_t nslots, n;
};
typedef const char *(*ags_keyat_fn)(const void *ctx, size_t i, size_t *len);
/* Returns the item with this key, or adds `item` under it and returns
 * SIZE_MAX; AGS_E_NOMEM is reported through *err. */
size_t ags_keyindex_get_or_add(struct ags_keyindex *x, const char *k, size_t kl, size_t item, ags_keyat_fn keyat,
			       const void *ctx, int *err);
void ags_keyindex_free(struct ags_keyindex *x);

/* Format entry points (store_yaml_load.c, store_yaml_emit.c, store_json.c). */
int ags_yaml_load(const char *data, size_t len, struct ags_tree *out, struct ags_diag *d);
int ags_json_load(const char *data, size_t len, struct ags_tree *out, struct ags_diag *d);
int ags_yaml_emit(const struct ags_tree *t, const struct ags_emit_opts *o, struct ags_buf *out, struct ags_diag *d);
int ags_json_emit(const struct ags_tree *t, const struct ags_emit_opts *o, struct ags_buf *out, struct ags_diag *d);
/* The binary store's plaintext load, taking in's storage over as the value
 * (released either way): a file-sized input is not copied. */
int ags_binary_load_plain_owned(struct ags_buf *in, struct ags_tree *out, struct ags_diag *d);

#endif
