/*
 * Stores: one file per format (store_yaml.c, store_json.c, store_dotenv.c,
 * store_ini.c, store_binary.c) behind this vtable, as sops' stores/.
 *
 * load parses a whole file into a tree.  When the input carries SOPS
 * metadata (a top-level "sops" key, or flattened sops_* keys), it is taken
 * out of the documents and put, as a generic mapping, into tree->metadata.
 * `encrypted` tells the binary store whether its input is the JSON envelope
 * or raw bytes; the other stores ignore it.  Errors name the line (and key
 * path where useful) in d; nothing is printed.
 *
 * emit writes the tree; when tree->metadata is a mapping it is written back
 * (last in every YAML document, "sops" member in JSON, flattened in dotenv
 * and INI, the JSON envelope for binary).
 */
#ifndef AGS_SOPS_STORE_H
#define AGS_SOPS_STORE_H

#include "sops/tree.h"
#include "util/buf.h"
#include <agesops/agesops.h>

/* opts == NULL means sops' defaults (YAML indent 4, JSON one TAB). */
struct ags_emit_opts {
	int indent;  /* YAML: spaces (0 = default 4, < 0 is an error); JSON: spaces, -1 for one TAB
	              * (sops' default), < -1 is an error; also the binary store's JSON envelope */
	int width;   /* YAML: 0 = never fold long scalars (default, as go-yaml v3 / Go sops);
	              * N > 0 = fold plain/quoted scalars at spaces past column N */
};

struct ags_store_ops {
	const char *name; /* "yaml", "json", "dotenv", "ini", "binary" */
	int (*load)(const char *data, size_t len, bool encrypted, struct ags_tree *out, struct ags_diag *d);
	int (*emit)(const struct ags_tree *t, const struct ags_emit_opts *o, struct ags_buf *out, struct ags_diag *d);
};

extern const struct ags_store_ops ags_store_yaml, ags_store_json, ags_store_dotenv, ags_store_ini,
	ags_store_binary;

/* "yaml"/"yml", "json", "dotenv"/"env", "ini", "binary"; NULL if unknown. */
const struct ags_store_ops *ags_store_by_name(const char *name);
/* By file extension as sops does (.yaml/.yml, .json, .env, .ini, anything else binary). */
const struct ags_store_ops *ags_store_for_path(const char *path);

#endif
