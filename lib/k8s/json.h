/*
 * A small tree for the JSON the API server sends and the YAML of
 * kubeconfig files, and a JSON string writer.
 *
 * JSON is parsed by our own strict RFC 8259 parser rather than libfyaml,
 * because Secret responses carry key material and every byte the parser
 * copies must be wiped: k8s_json_free wipes every string.  YAML (kubeconfig)
 * goes through libfyaml and is converted to the same tree, so one set of
 * accessors serves both.
 */
#ifndef AGS_K8S_JSON_H
#define AGS_K8S_JSON_H

#include <stddef.h>
#include <stdbool.h>
#include "util/buf.h"

struct ags_diag;

enum k8s_json_type {
	K8S_JSON_NULL,
	K8S_JSON_BOOL,
	K8S_JSON_NUMBER,
	K8S_JSON_STRING,
	K8S_JSON_ARRAY,
	K8S_JSON_OBJECT,
};

struct k8s_json {
	enum k8s_json_type type;
	char *str;              /* STRING: the value; NUMBER: its text; BOOL: "true"/"false" */
	size_t len;
	char *key;              /* member name when the parent is an OBJECT */
	size_t keylen;
	struct k8s_json *child; /* ARRAY / OBJECT: first element */
	struct k8s_json *next;  /* next sibling */
	size_t n;               /* ARRAY / OBJECT: number of children */
	int line;               /* YAML: 1-based line of the node, 0 for JSON */
	bool quoted;            /* STRING: written quoted (JSON strings always are) */
};

/* Caps: nesting depth and number of nodes of one document. */
#define K8S_JSON_MAX_DEPTH 64
#define K8S_JSON_MAX_NODES 100000

/* Parses one JSON text (RFC 8259, UTF-8, no duplicate member names).  On
 * failure fills err (one line: offset and cause) and returns AGS_E_SYNTAX,
 * AGS_E_UTF8, AGS_E_TOO_BIG or AGS_E_NOMEM. */
int k8s_json_parse(const char *s, size_t len, struct k8s_json **ret, char *err, size_t errlen);
/* Parses one YAML document (kubeconfig) into the same tree: plain scalars
 * null/~/empty become NULL, true/false become BOOL, every other scalar a
 * STRING.  An empty document gives an empty OBJECT.  Aliases are
 * rejected.  name is used in diagnostics. */
int k8s_yaml_parse(const char *s, size_t len, const char *name, struct k8s_json **ret,
		   struct ags_diag *d);
/* Frees the tree, wiping every string in it.  NULL is fine. */
void k8s_json_free(struct k8s_json *j);

/* Member key of an OBJECT, or NULL (also when j is not an object). */
const struct k8s_json *k8s_json_get(const struct k8s_json *j, const char *key);
/* Member key when it is a STRING, else NULL. */
const char *k8s_json_get_str(const struct k8s_json *j, const char *key);
/* True when j is NULL or a JSON null. */
bool k8s_json_is_null(const struct k8s_json *j);

/* Appends s as a JSON string literal (quotes included); control characters,
 * '"' and '\\' are escaped, other bytes are copied (s must be UTF-8). */
int k8s_json_put_str(struct ags_buf *b, const char *s, size_t len);

#endif
