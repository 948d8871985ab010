/*
 * The event half of the YAML emitter: go-yaml's emitter state machine for
 * what our callers produce (implicit documents, block mappings and
 * sequences, "{}"/"[]" for empty ones, complex "? " keys past 128 bytes,
 * go-yaml v3's head/line/foot comment placement), and the style table.
 */
#include "internal.h"
#include "yaml/emit_int.h"
#include <stdlib.h>
#include <string.h>

const struct ags_yaml_style ags_yaml_style_v2 = { .indent = 2, .width = 80, .tab_blocks = false };
const struct ags_yaml_style ags_yaml_style_v3 = { .indent = 4, .width = 0, .tab_blocks = true };

/* ---- stacks ---- */

static void push_indent(struct ags_yaml_emitter *e)
{
	int r = ags_array_grow((void **)&e->indents, &e->capindents, e->nindents, sizeof(*e->indents), 32);
	if (r < 0)
		e->err = r;
	else
		e->indents[e->nindents++] = e->indent;
}

static void pop_indent(struct ags_yaml_emitter *e)
{
	if (e->nindents)
		e->indent = e->indents[--e->nindents];
}

static void push_state(struct ags_yaml_emitter *e, enum ags_yaml_state s)
{
	int r = ags_array_grow((void **)&e->states, &e->capstates, e->nstates, sizeof(*e->states), 32);
	if (r < 0)
		e->err = r;
	else
		e->states[e->nstates++] = s;
}

static void pop_state(struct ags_yaml_emitter *e)
{
	if (e->nstates)
		e->state = e->states[--e->nstates];
}

static void increase_indent(struct ags_yaml_emitter *e, bool flow, bool indentless)
{
	push_indent(e);
	if (e->indent < 0) {
		e->indent = flow ? e->best_indent : 0;
	} else if (!indentless) {
		if (e->nstates && e->states[e->nstates - 1] == S_BSEQ_ITEM)
			e->indent += 2;
		else
			e->indent = e->best_indent * ((e->indent + e->best_indent) / e->best_indent);
	}
}

static void emit_scalar(struct ags_yaml_emitter *e, const struct ags_yaml_event *ev)
{
	increase_indent(e, true, false);
	ags_yaml_write_scalar(e, ev);
	pop_indent(e);
	pop_state(e);
}

/* ---- the state machine ---- */

static void emit_node(struct ags_yaml_emitter *e, const struct ags_yaml_event *ev, bool root, bool seq, bool map, bool simple_key)
{
	e->root_context = root;
	e->sequence_context = seq;
	e->mapping_context = map;
	e->simple_key_context = simple_key;
	switch (ev->type) {
	case AGS_YAML_SCALAR:
		emit_scalar(e, ev);
		break;
	case AGS_YAML_SEQ_START:
		e->state = (e->flow_level || ev->empty) ? S_FLOW_SEQ_FIRST : S_BSEQ_FIRST;
		break;
	case AGS_YAML_MAP_START:
		e->state = (e->flow_level || ev->empty) ? S_FLOW_MAP_FIRST : S_BMAP_FIRST_KEY;
		break;
	default:
		e->err = AGS_E_INVAL;
	}
}

static bool check_simple_key(struct ags_yaml_emitter *e, const struct ags_yaml_event *ev)
{
	size_t length = 0;
	switch (ev->type) {
	case AGS_YAML_SCALAR:
		if (e->si.multiline)
			return false;
		length = ev->len + (ev->tag ? strlen(ev->tag) : 0);
		break;
	case AGS_YAML_SEQ_START:
	case AGS_YAML_MAP_START:
		if (!ev->empty)
			return false;
		break;
	default:
		return false;
	}
	return length <= 128;
}

static void emit_document_start(struct ags_yaml_emitter *e, const struct ags_yaml_event *ev, bool first)
{
	if (ev->type == AGS_YAML_DOC_START) {
		bool implicit = ev->implicit && first;
		if (!implicit) {
			ags_yaml_write_indent(e);
			ags_yaml_write_indicator(e, "---", true, false, false);
			ags_yaml_write_indent(e);
		}
		if (e->head.len) {
			ags_yaml_head_comment(e);
			ags_yaml_put_break(e);
		}
		e->state = S_DOC_CONTENT;
		return;
	}
	if (ev->type == AGS_YAML_STREAM_END) {
		if (e->open_ended) {
			ags_yaml_write_indicator(e, "...", true, false, false);
			ags_yaml_write_indent(e);
		}
		e->state = S_END;
		return;
	}
	e->err = AGS_E_INVAL;
}

static void emit_document_end(struct ags_yaml_emitter *e, const struct ags_yaml_event *ev)
{
	if (ev->type != AGS_YAML_DOC_END) {
		e->err = AGS_E_INVAL;
		return;
	}
	e->foot_indent = 0;
	ags_yaml_foot_comment(e);
	e->foot_indent = -1;
	ags_yaml_write_indent(e);
	if (!ev->implicit) {
		ags_yaml_write_indicator(e, "...", true, false, false);
		ags_yaml_write_indent(e);
	}
	e->state = S_DOC_START;
}

static void emit_block_seq_item(struct ags_yaml_emitter *e, const struct ags_yaml_event *ev, bool first)
{
	if (first)
		increase_indent(e, false, false);
	if (ev->type == AGS_YAML_SEQ_END) {
		pop_indent(e);
		pop_state(e);
		return;
	}
	ags_yaml_head_comment(e);
	ags_yaml_write_indent(e);
	ags_yaml_write_indicator(e, "-", true, false, true);
	push_state(e, S_BSEQ_ITEM);
	emit_node(e, ev, false, true, false, false);
	ags_yaml_line_comment(e, false);
	ags_yaml_foot_comment(e);
}

static void emit_block_map_key(struct ags_yaml_emitter *e, const struct ags_yaml_event *ev, bool first)
{
	if (first)
		increase_indent(e, false, false);
	ags_yaml_head_comment(e);
	if (ev->type == AGS_YAML_MAP_END) {
		pop_indent(e);
		pop_state(e);
		return;
	}
	ags_yaml_write_indent(e);
	if (e->line.len) {
		ags_buf_reset(&e->key_line);
		if (ags_buf_append(&e->key_line, e->line.data, e->line.len) < 0)
			e->err = AGS_E_NOMEM;
		ags_buf_reset(&e->line);
	}
	if (check_simple_key(e, ev)) {
		push_state(e, S_BMAP_SIMPLE_VALUE);
		emit_node(e, ev, false, false, true, true);
		return;
	}
	ags_yaml_write_indicator(e, "?", true, false, true);
	push_state(e, S_BMAP_VALUE);
	emit_node(e, ev, false, false, true, false);
}

static void swap_bufs(struct ags_buf *a, struct ags_buf *b)
{
	struct ags_buf t = *a;
	*a = *b;
	*b = t;
}

static void emit_block_map_value(struct ags_yaml_emitter *e, const struct ags_yaml_event *ev, bool simple)
{
	if (simple) {
		ags_yaml_write_indicator(e, ":", false, false, false);
	} else {
		ags_yaml_write_indent(e);
		ags_yaml_write_indicator(e, ":", true, false, true);
	}
	if (e->key_line.len) {
		if (ev->type == AGS_YAML_SCALAR) {
			if (!e->line.len) {
				swap_bufs(&e->line, &e->key_line);
				ags_buf_reset(&e->key_line);
			}
		} else if (ev->type == AGS_YAML_MAP_START || ev->type == AGS_YAML_SEQ_START) {
			swap_bufs(&e->line, &e->key_line);
			ags_yaml_line_comment(e, false);
			swap_bufs(&e->line, &e->key_line);
		}
	}
	push_state(e, S_BMAP_KEY);
	emit_node(e, ev, false, false, true, false);
	ags_yaml_line_comment(e, false);
	ags_yaml_foot_comment(e);
}

static void emit_flow_first(struct ags_yaml_emitter *e, const struct ags_yaml_event *ev, bool map)
{
	/* only empty flow collections are ever written */
	ags_yaml_write_indicator(e, map ? "{" : "[", true, true, false);
	increase_indent(e, true, false);
	e->flow_level++;
	if (ev->type != (map ? AGS_YAML_MAP_END : AGS_YAML_SEQ_END)) {
		e->err = AGS_E_INVAL;
		return;
	}
	if (map)
		ags_yaml_head_comment(e);
	e->flow_level--;
	pop_indent(e);
	if (!map && e->column == 0)
		ags_yaml_write_indent(e);
	ags_yaml_write_indicator(e, map ? "}" : "]", false, false, false);
	ags_yaml_line_comment(e, false);
	ags_yaml_foot_comment(e);
	pop_state(e);
}

static void copy_slot(struct ags_yaml_emitter *e, struct ags_buf *slot, struct ags_yaml_text c)
{
	if (!c.n)
		return;
	ags_buf_reset(slot);
	if (ags_buf_append(slot, c.p, c.n) < 0)
		e->err = AGS_E_NOMEM;
}

static void emit(struct ags_yaml_emitter *e, const struct ags_yaml_event *ev)
{
	if (e->err)
		return;
	copy_slot(e, &e->head, ev->head);
	copy_slot(e, &e->line, ev->line);
	copy_slot(e, &e->foot, ev->foot);
	copy_slot(e, &e->tail, ev->tail);
	if (ev->type == AGS_YAML_SCALAR)
		ags_yaml_analyze_scalar(e, ev->value, ev->len);
	switch (e->state) {
	case S_FIRST_DOC_START: emit_document_start(e, ev, true); break;
	case S_DOC_START: emit_document_start(e, ev, false); break;
	case S_DOC_CONTENT:
		push_state(e, S_DOC_END);
		ags_yaml_head_comment(e);
		emit_node(e, ev, true, false, false, false);
		ags_yaml_line_comment(e, false);
		ags_yaml_foot_comment(e);
		break;
	case S_DOC_END: emit_document_end(e, ev); break;
	case S_FLOW_SEQ_FIRST: emit_flow_first(e, ev, false); break;
	case S_FLOW_MAP_FIRST: emit_flow_first(e, ev, true); break;
	case S_BSEQ_FIRST: emit_block_seq_item(e, ev, true); break;
	case S_BSEQ_ITEM: emit_block_seq_item(e, ev, false); break;
	case S_BMAP_FIRST_KEY: emit_block_map_key(e, ev, true); break;
	case S_BMAP_KEY: emit_block_map_key(e, ev, false); break;
	case S_BMAP_SIMPLE_VALUE: emit_block_map_value(e, ev, true); break;
	case S_BMAP_VALUE: emit_block_map_value(e, ev, false); break;
	case S_END: e->err = AGS_E_INVAL; break;
	}
}

int ags_yaml_emitter_new(const struct ags_yaml_style *st, struct ags_buf *out, struct ags_yaml_emitter **pe)
{
	if (!st || !out || !pe || st->indent < 2 || st->indent > 9 || st->width < 0)
		return AGS_E_INVAL;
	struct ags_yaml_emitter *e = calloc(1, sizeof(*e));
	if (!e)
		return AGS_E_NOMEM;
	e->out = out;
	e->best_indent = st->indent;
	e->best_width = st->width > 0 ? st->width : AGS_YAML_NO_WIDTH;
	e->tab_blocks = st->tab_blocks;
	e->indent = -1;
	e->whitespace = true;
	e->indention = true;
	e->foot_indent = -1;
	e->state = S_FIRST_DOC_START;
	ags_buf_init(&e->head, out->max);
	ags_buf_init(&e->line, out->max);
	ags_buf_init(&e->foot, out->max);
	ags_buf_init(&e->tail, out->max);
	ags_buf_init(&e->key_line, out->max);
	*pe = e;
	return 0;
}

int ags_yaml_emitter_emit(struct ags_yaml_emitter *e, const struct ags_yaml_event *ev)
{
	emit(e, ev);
	return e->err;
}

void ags_yaml_emitter_free(struct ags_yaml_emitter *e)
{
	if (!e)
		return;
	ags_buf_release(&e->head);
	ags_buf_release(&e->line);
	ags_buf_release(&e->foot);
	ags_buf_release(&e->tail);
	ags_buf_release(&e->key_line);
	free(e->indents);
	free(e->states);
	free(e);
}
