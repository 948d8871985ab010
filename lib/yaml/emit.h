/*
 * The one YAML writer of the library: an event emitter that lays out bytes
 * as go-yaml's emitter (the libyaml port in go-yaml v2 and v3) does, with a
 * small style table for the two outputs we must match byte for byte:
 *  - go-yaml v2 / sigs.k8s.io/yaml (flux and kubectl manifests):
 *    ags_yaml_style_v2, 2-space indent, folding at column 80;
 *  - go-yaml v3 (sops files): ags_yaml_style_v3, indent 4 (sops' Encoder),
 *    no folding, tabs allowed in literal blocks.
 * Callers turn their data into events (a document of block mappings,
 * sequences and scalars, comments attached as go-yaml v3 node comments) and
 * choose each scalar's wanted style; the emitter falls back to a quoted
 * style where the text cannot be written plain or literal, as go-yaml does.
 */
#ifndef AGS_YAML_EMIT_H
#define AGS_YAML_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include "util/buf.h"

struct ags_yaml_style {
	int indent;      /* go-yaml best_indent (2..9) */
	int width;       /* fold long scalars past this column; 0 never folds */
	bool tab_blocks; /* a tab keeps literal style possible (v3); v2 treats it as special */
};

extern const struct ags_yaml_style ags_yaml_style_v2;
extern const struct ags_yaml_style ags_yaml_style_v3;

enum ags_yaml_ev {
	AGS_YAML_DOC_START, AGS_YAML_DOC_END, AGS_YAML_MAP_START, AGS_YAML_MAP_END,
	AGS_YAML_SEQ_START, AGS_YAML_SEQ_END, AGS_YAML_SCALAR, AGS_YAML_STREAM_END,
};

enum ags_yaml_sstyle { AGS_YAML_PLAIN, AGS_YAML_SINGLE, AGS_YAML_DOUBLE, AGS_YAML_LITERAL };

struct ags_yaml_text {
	const char *p;
	size_t n;
};

struct ags_yaml_event {
	enum ags_yaml_ev type;
	bool implicit;   /* DOC_START/DOC_END: no "---" / "..." */
	bool empty;      /* MAP_START/SEQ_START: the next event is the end ("{}", "[]") */
	const char *value; /* SCALAR text (UTF-8) */
	size_t len;
	enum ags_yaml_sstyle style; /* SCALAR: the wanted style */
	const char *tag; /* SCALAR: a tag to write ("!!binary"), or NULL */
	/* go-yaml v3 node comments, "#"-prefixed lines joined by "\n" */
	struct ags_yaml_text head, line, foot, tail;
};

struct ags_yaml_emitter;

/* out receives the bytes; it must outlive the emitter. */
int ags_yaml_emitter_new(const struct ags_yaml_style *st, struct ags_buf *out, struct ags_yaml_emitter **e);
/* Feeds one event; the first error sticks and is returned by every later call. */
int ags_yaml_emitter_emit(struct ags_yaml_emitter *e, const struct ags_yaml_event *ev);
void ags_yaml_emitter_free(struct ags_yaml_emitter *e);

#endif
