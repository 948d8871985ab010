/*
 * A tiny YAML writer that prints mappings of strings exactly as Go's
 * sigs.k8s.io/yaml (JSON -> go-yaml v2) does, so that our Secrets are
 * byte-identical to `flux create secret ... --export` and `kubectl create
 * secret ... -o yaml`.  Only what those shapes need: block mappings whose
 * leaves are strings or null, sorted with yaml.v2's key order, 2-space
 * indent, 80-column folding, and yaml.v2's choice of plain, quoted or
 * literal style per string.
 */
#ifndef AGS_GITOPS_YAMLV2_H
#define AGS_GITOPS_YAMLV2_H

#include <stddef.h>
#include <stdbool.h>
#include "util/buf.h"

enum ags_y2_kind { AGS_Y2_NULL, AGS_Y2_STR, AGS_Y2_MAP };

struct ags_y2_item;

struct ags_y2_node {
	enum ags_y2_kind kind;
	const char *s; /* STR: borrowed bytes (valid UTF-8, see ags_y2_utf8_coerce) */
	size_t len;
	struct ags_y2_item *items; /* MAP: borrowed array, sorted in place by the writer */
	size_t n;
};

struct ags_y2_item {
	const char *key;
	size_t klen;
	struct ags_y2_node val;
};

/* yaml.v2 keyList.Less on two string keys. */
bool ags_y2_key_less(const char *a, size_t alen, const char *b, size_t blen);
/* true when a plain scalar s would be read back as something other than a
 * string (yaml.v2 resolve(), plus its base-60 float rule). */
bool ags_y2_resolves_nonstr(const char *s, size_t len);
/* s matches ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$, go-yaml's
 * yamlStyleFloat (v2 and v3 alike). */
bool ags_yaml_float_syntax(const char *s, size_t len);
/* Writes the top-level mapping m (sorting every mapping in it). */
int ags_y2_emit_map(struct ags_y2_node *m, struct ags_buf *out);
/* Go's json.Marshal turns each invalid UTF-8 byte into U+FFFD; appends
 * that form of s to out. */
int ags_y2_utf8_coerce(const void *s, size_t len, struct ags_buf *out);

#endif
