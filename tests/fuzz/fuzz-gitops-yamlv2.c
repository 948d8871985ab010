/*
 * Property: whatever string value (and key) the yaml.v2-style writer
 * emits, a YAML parser (libfyaml) reads the same text back.  Inputs with
 * NEL/LS/PS are only checked for crashes: yaml.v2 (YAML 1.1) treats them
 * as line breaks, YAML 1.2 parsers do not.  Nor are strings with two
 * adjacent single quotes: libfyaml 0.7.12 mis-reads four quotes in a row
 * inside a single-quoted scalar ('x''''y' comes back as x''' not x''y).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libfyaml.h>
#include "util/buf.h"
#include "yaml/yamlv2.h"

static bool has_11_breaks(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		if ((s[i] == 0xC2 && s[i + 1] == 0x85) || (s[i] == 0xE2 && i + 2 < n && s[i + 1] == 0x80 &&
							  (s[i + 2] == 0xA8 || s[i + 2] == 0xA9)))
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* key \0 value */
	const uint8_t *z = memchr(data, 0, size);
	size_t kl = z ? (size_t)(z - data) : 0;
	const uint8_t *v = z ? z + 1 : data;
	size_t vl = size - (size_t)(v - data);
	struct ags_buf key, val, out;
	ags_buf_init(&key, 1 << 20);
	ags_buf_init(&val, 1 << 20);
	ags_buf_init(&out, 1 << 22);
	if (ags_y2_utf8_coerce(data, kl, &key) < 0 || ags_y2_utf8_coerce(v, vl, &val) < 0)
		goto out;
	if (key.len == 0)
		ags_buf_puts(&key, "k");
	struct ags_y2_item item = { (const char *)key.data, key.len, { AGS_Y2_STR, (const char *)val.data, val.len, NULL, 0 } };
	struct ags_y2_item top = { "data", 4, { AGS_Y2_MAP, NULL, 0, &item, 1 } };
	struct ags_y2_node root = { AGS_Y2_MAP, NULL, 0, &top, 1 };
	if (ags_y2_emit_map(&root, &out) < 0)
		abort();
	if (has_11_breaks(key.data, key.len) || has_11_breaks(val.data, val.len) || memchr(key.data, 0, key.len) ||
	    memchr(val.data, 0, val.len) || memmem(key.data, key.len, "''", 2) || memmem(val.data, val.len, "''", 2))
		goto out;
	struct fy_parse_cfg cfg = { .flags = FYPCF_QUIET };
	struct fy_document *fyd = fy_document_build_from_string(&cfg, (const char *)out.data, out.len);
	if (!fyd)
		abort(); /* the writer produced YAML that does not parse */
	struct fy_node *m = fy_node_mapping_lookup_by_string(fy_document_root(fyd), "data", 4);
	struct fy_node_pair *p = m ? fy_node_mapping_get_by_index(m, 0) : NULL;
	size_t gk = 0, gv = 0;
	const char *k = p ? fy_node_get_scalar(fy_node_pair_key(p), &gk) : NULL;
	const char *s = p ? fy_node_get_scalar(fy_node_pair_value(p), &gv) : NULL;
	if (!k || !s || gk != key.len || memcmp(k, key.data, gk) || gv != val.len || memcmp(s, val.data, gv))
		abort(); /* text changed on the way through */
	fy_document_destroy(fyd);
out:
	ags_buf_release(&key);
	ags_buf_release(&val);
	ags_buf_release(&out);
	return 0;
}
