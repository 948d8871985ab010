/*
 * The emitter's state, shared by its two halves: write.c (characters,
 * indentation, comments, scalar styles) and emit.c (the event state machine).
 * Internal to lib/yaml.
 */
#ifndef AGS_YAML_EMIT_INT_H
#define AGS_YAML_EMIT_INT_H

#include "yaml/emit.h"

#define AGS_YAML_NO_WIDTH 0x7fffffff

enum ags_yaml_state {
	S_FIRST_DOC_START, S_DOC_START, S_DOC_CONTENT, S_DOC_END,
	S_FLOW_SEQ_FIRST, S_FLOW_MAP_FIRST,
	S_BSEQ_FIRST, S_BSEQ_ITEM,
	S_BMAP_FIRST_KEY, S_BMAP_KEY, S_BMAP_SIMPLE_VALUE, S_BMAP_VALUE,
	S_END,
};

struct ags_yaml_scalar_info {
	bool multiline, flow_plain_allowed, block_plain_allowed, single_quoted_allowed, block_allowed;
	enum ags_yaml_sstyle style;
};

struct ags_yaml_emitter {
	struct ags_buf *out;
	int best_indent, best_width;
	bool tab_blocks;
	int column;
	bool whitespace, indention, open_ended;
	int foot_indent;
	int indent;
	int *indents;
	size_t nindents, capindents;
	enum ags_yaml_state state;
	enum ags_yaml_state *states;
	size_t nstates, capstates;
	int flow_level;
	bool root_context, sequence_context, mapping_context, simple_key_context;
	/* comments of the current event, as go-yaml's emitter keeps them */
	struct ags_buf head, line, foot, tail, key_line;
	struct ags_yaml_scalar_info si;
	int err;
};

/* write.c */
void ags_yaml_put_break(struct ags_yaml_emitter *e);
void ags_yaml_write_indent(struct ags_yaml_emitter *e);
void ags_yaml_write_indicator(struct ags_yaml_emitter *e, const char *ind, bool need_ws, bool is_ws,
			      bool is_indention);
void ags_yaml_head_comment(struct ags_yaml_emitter *e);
void ags_yaml_line_comment(struct ags_yaml_emitter *e, bool linebreak);
void ags_yaml_foot_comment(struct ags_yaml_emitter *e);
/* go-yaml's analyze_scalar: fills e->si for the text of the next scalar. */
void ags_yaml_analyze_scalar(struct ags_yaml_emitter *e, const char *s, size_t n);
/* Chooses the style (select_scalar_style) and writes tag and text. */
void ags_yaml_write_scalar(struct ags_yaml_emitter *e, const struct ags_yaml_event *ev);

#endif
