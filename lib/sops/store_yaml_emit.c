/*
 * YAML writer producing the bytes Go sops 3.13 writes: sops converts its
 * tree to go-yaml v3 nodes (comments become head/line/foot comments of
 * nodes, see the generator below) and encodes them with an Encoder whose
 * indent is 4.  The writer re-implements the layout rules of go-yaml v3.0.4's
 * emitter that such nodes exercise: block mappings and sequences (sequences
 * indented under their key, mapping content at +2 after "- "), "{}"/"[]"
 * for empty collections, the choice between plain, single-quoted,
 * double-quoted and literal scalars, complex keys ("? ") for keys longer
 * than 128 bytes, and the placement of comments (including the blank line
 * go-yaml puts after a foot comment followed by text at the same indent).
 *
 * Like go-yaml v3 (whose emitter starts with best_width = -1, "no limit"),
 * long scalars are never folded; opts->width > 0 enables libyaml-style
 * folding at that column for callers that want it.
 */
#include "internal.h"
#include "sops/store_int.h"
#include "sops/scalar.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum ev_type { EV_DOC_START, EV_DOC_END, EV_MAP_START, EV_MAP_END, EV_SEQ_START, EV_SEQ_END, EV_SCALAR, EV_STREAM_END };

enum sstyle { ST_PLAIN, ST_SINGLE, ST_DOUBLE, ST_LITERAL };

struct cstr {
	const char *p;
	size_t n;
};

struct ev {
	enum ev_type type;
	bool implicit;   /* DOC_START/END */
	bool empty;      /* MAP_START/SEQ_START: next event is the end */
	const char *value;
	size_t len;
	enum sstyle style;
	const char *tag; /* "!!binary" or NULL */
	struct cstr head, line, foot, tail;
};

enum state {
	S_FIRST_DOC_START, S_DOC_START, S_DOC_CONTENT, S_DOC_END,
	S_FLOW_SEQ_FIRST, S_FLOW_MAP_FIRST,
	S_BSEQ_FIRST, S_BSEQ_ITEM,
	S_BMAP_FIRST_KEY, S_BMAP_KEY, S_BMAP_SIMPLE_VALUE, S_BMAP_VALUE,
	S_END,
};

struct scalar_info {
	bool multiline, flow_plain_allowed, block_plain_allowed, single_quoted_allowed, block_allowed;
	enum sstyle style;
};

struct em {
	struct ags_buf *out;
	int best_indent, best_width;
	int column;
	bool whitespace, indention, open_ended;
	int foot_indent;
	int indent;
	int *indents;
	size_t nindents, capindents;
	enum state state;
	enum state *states;
	size_t nstates, capstates;
	int flow_level;
	bool root_context, sequence_context, mapping_context, simple_key_context;
	struct ags_buf head, line, foot, tail, key_line;
	struct scalar_info si;
	const char *tag;
	int err;
};

/* ---- output primitives (column counts characters, as go-yaml does) ---- */

static void put(struct em *e, char c)
{
	if (e->err)
		return;
	int r = ags_buf_putc(e->out, c);
	if (r < 0)
		e->err = r;
	e->column++;
}

static void put_break(struct em *e)
{
	if (e->err)
		return;
	int r = ags_buf_putc(e->out, '\n');
	if (r < 0)
		e->err = r;
	e->column = 0;
	e->indention = true;
}

static int u8width(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0)
		return 2;
	if ((c & 0xf0) == 0xe0)
		return 3;
	if ((c & 0xf8) == 0xf0)
		return 4;
	return 1;
}

/* Copies one character at s[*i]. */
static void write_ch(struct em *e, const char *s, size_t n, size_t *i)
{
	size_t w = (size_t)u8width((unsigned char)s[*i]);
	if (*i + w > n)
		w = n - *i;
	if (!e->err) {
		int r = ags_buf_append(e->out, s + *i, w);
		if (r < 0)
			e->err = r;
	}
	e->column++;
	*i += w;
}

/* Appends a run without line breaks in one go; the column advances by the
 * number of characters (UTF-8 lead bytes). */
static void write_run(struct em *e, const char *s, size_t n)
{
	if (!n)
		return;
	if (!e->err) {
		int r = ags_buf_append(e->out, s, n);
		if (r < 0)
			e->err = r;
	}
	size_t chars = 0;
	for (size_t i = 0; i < n; i++)
		chars += ((unsigned char)s[i] & 0xc0) != 0x80;
	e->column += (int)chars;
}

static void write_all(struct em *e, const char *s, size_t n)
{
	write_run(e, s, n);
}

static bool is_break_at(const char *s, size_t n, size_t i)
{
	unsigned char c = (unsigned char)s[i];
	if (c == '\r' || c == '\n')
		return true;
	if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] == 0x85)
		return true;
	if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
	    ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9))
		return true;
	return false;
}

static void write_break(struct em *e, const char *s, size_t n, size_t *i)
{
	if (s[*i] == '\n') {
		put_break(e);
		(*i)++;
	} else {
		write_ch(e, s, n, i);
		e->column = 0;
		e->indention = true;
	}
}

static void write_indent(struct em *e)
{
	int indent = e->indent < 0 ? 0 : e->indent;
	if (!e->indention || e->column > indent || (e->column == indent && !e->whitespace))
		put_break(e);
	if (e->foot_indent == indent)
		put_break(e);
	while (e->column < indent)
		put(e, ' ');
	e->whitespace = true;
	e->foot_indent = -1;
}

static void write_indicator(struct em *e, const char *ind, bool need_ws, bool is_ws, bool is_indention)
{
	if (need_ws && !e->whitespace)
		put(e, ' ');
	write_all(e, ind, strlen(ind));
	e->whitespace = is_ws;
	e->indention = e->indention && is_indention;
	e->open_ended = false;
}

static void write_comment(struct em *e, const char *c, size_t n)
{
	bool breaks = false, pound = false;
	for (size_t i = 0; i < n;) {
		if (is_break_at(c, n, i)) {
			write_break(e, c, n, &i);
			breaks = true;
			pound = false;
		} else {
			if (breaks)
				write_indent(e);
			if (!pound) {
				if (c[i] != '#') {
					put(e, '#');
					put(e, ' ');
				}
				pound = true;
			}
			write_ch(e, c, n, &i);
			e->indention = false;
			breaks = false;
		}
	}
	if (!breaks)
		put_break(e);
	e->whitespace = true;
}

static void process_head_comment(struct em *e)
{
	if (e->tail.len) {
		write_indent(e);
		write_comment(e, (const char *)e->tail.data, e->tail.len);
		ags_buf_reset(&e->tail);
		e->foot_indent = e->indent < 0 ? 0 : e->indent;
	}
	if (!e->head.len)
		return;
	write_indent(e);
	write_comment(e, (const char *)e->head.data, e->head.len);
	ags_buf_reset(&e->head);
}

static void process_line_comment(struct em *e, bool linebreak)
{
	if (!e->line.len) {
		if (linebreak)
			put_break(e);
		return;
	}
	if (!e->whitespace)
		put(e, ' ');
	write_comment(e, (const char *)e->line.data, e->line.len);
	ags_buf_reset(&e->line);
}

static void process_foot_comment(struct em *e)
{
	if (!e->foot.len)
		return;
	write_indent(e);
	write_comment(e, (const char *)e->foot.data, e->foot.len);
	ags_buf_reset(&e->foot);
	e->foot_indent = e->indent < 0 ? 0 : e->indent;
}

/* ---- stacks ---- */

static void push_indent(struct em *e)
{
	if (e->nindents == e->capindents) {
		size_t nc = e->capindents ? e->capindents * 2 : 32;
		int *p = realloc(e->indents, nc * sizeof(*p));
		if (!p) {
			e->err = AGS_E_NOMEM;
			return;
		}
		e->indents = p;
		e->capindents = nc;
	}
	e->indents[e->nindents++] = e->indent;
}

static void pop_indent(struct em *e)
{
	if (e->nindents)
		e->indent = e->indents[--e->nindents];
}

static void push_state(struct em *e, enum state s)
{
	if (e->nstates == e->capstates) {
		size_t nc = e->capstates ? e->capstates * 2 : 32;
		enum state *p = realloc(e->states, nc * sizeof(*p));
		if (!p) {
			e->err = AGS_E_NOMEM;
			return;
		}
		e->states = p;
		e->capstates = nc;
	}
	e->states[e->nstates++] = s;
}

static void pop_state(struct em *e)
{
	if (e->nstates)
		e->state = e->states[--e->nstates];
}

static void increase_indent(struct em *e, bool flow, bool indentless)
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

/* ---- scalars ---- */

static bool is_printable_at(const unsigned char *b, size_t n, size_t i)
{
	unsigned char c = b[i];
	unsigned char c1 = i + 1 < n ? b[i + 1] : 0, c2 = i + 2 < n ? b[i + 2] : 0;
	return c == 0x0a || (c >= 0x20 && c <= 0x7e) || (c == 0xc2 && c1 >= 0xa0) || (c > 0xc2 && c < 0xed) ||
	       (c == 0xed && c1 < 0xa0) || c == 0xee ||
	       (c == 0xef && !(c1 == 0xbb && c2 == 0xbf) && !(c1 == 0xbf && (c2 == 0xbe || c2 == 0xbf)));
}

static bool is_blankz_at(const char *s, size_t n, size_t i)
{
	return i >= n || s[i] == ' ' || s[i] == '\t' || is_break_at(s, n, i) || s[i] == 0;
}

static void analyze_scalar(struct em *e, const char *s, size_t n)
{
	struct scalar_info *si = &e->si;
	memset(si, 0, sizeof(*si));
	if (n == 0) {
		si->block_plain_allowed = true;
		si->single_quoted_allowed = true;
		return;
	}
	bool block_ind = false, flow_ind = false, line_breaks = false, special = false, tabs = false;
	bool leading_space = false, leading_break = false, trailing_space = false, trailing_break = false;
	bool break_space = false, space_break = false, prev_space = false, prev_break = false;
	if (n >= 3 && ((s[0] == '-' && s[1] == '-' && s[2] == '-') || (s[0] == '.' && s[1] == '.' && s[2] == '.'))) {
		block_ind = true;
		flow_ind = true;
	}
	bool preceded_by_ws = true;
	const unsigned char *b = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		unsigned char uc = b[i];
		if (i > 0 && uc > 0x20 && uc < 0x7f && uc != ',' && uc != '?' && uc != '[' && uc != ']' &&
		    uc != '{' && uc != '}' && uc != ':' && uc != '#') {
			/* the common case: an ordinary printable ASCII character */
			prev_space = prev_break = false;
			preceded_by_ws = false;
			i++;
			continue;
		}
		size_t w = (size_t)u8width(b[i]);
		bool followed_by_ws = i + w >= n || s[i + w] == ' ' || s[i + w] == '\t';
		char c = s[i];
		if (i == 0) {
			switch (c) {
			case '#': case ',': case '[': case ']': case '{': case '}': case '&': case '*': case '!':
			case '|': case '>': case '\'': case '"': case '%': case '@': case '`':
				flow_ind = block_ind = true;
				break;
			case '?': case ':':
				flow_ind = true;
				if (followed_by_ws)
					block_ind = true;
				break;
			case '-':
				if (followed_by_ws)
					flow_ind = block_ind = true;
				break;
			}
		} else {
			switch (c) {
			case ',': case '?': case '[': case ']': case '{': case '}':
				flow_ind = true;
				break;
			case ':':
				flow_ind = true;
				if (followed_by_ws)
					block_ind = true;
				break;
			case '#':
				if (preceded_by_ws)
					flow_ind = block_ind = true;
				break;
			}
		}
		if (c == '\t')
			tabs = true;
		else if (!is_printable_at(b, n, i))
			special = true;
		if (c == ' ') {
			if (i == 0)
				leading_space = true;
			if (i + w == n)
				trailing_space = true;
			if (prev_break)
				break_space = true;
			prev_space = true;
			prev_break = false;
		} else if (is_break_at(s, n, i)) {
			line_breaks = true;
			if (i == 0)
				leading_break = true;
			if (i + w == n)
				trailing_break = true;
			if (prev_space)
				space_break = true;
			prev_space = false;
			prev_break = true;
		} else {
			prev_space = false;
			prev_break = false;
		}
		preceded_by_ws = is_blankz_at(s, n, i);
		i += w;
	}
	si->multiline = line_breaks;
	si->flow_plain_allowed = si->block_plain_allowed = si->single_quoted_allowed = si->block_allowed = true;
	if (leading_space || leading_break || trailing_space || trailing_break)
		si->flow_plain_allowed = si->block_plain_allowed = false;
	if (trailing_space)
		si->block_allowed = false;
	if (break_space)
		si->flow_plain_allowed = si->block_plain_allowed = si->single_quoted_allowed = false;
	if (space_break || tabs || special)
		si->flow_plain_allowed = si->block_plain_allowed = si->single_quoted_allowed = false;
	if (space_break || special)
		si->block_allowed = false;
	if (line_breaks)
		si->flow_plain_allowed = si->block_plain_allowed = false;
	if (flow_ind)
		si->flow_plain_allowed = false;
	if (block_ind)
		si->block_plain_allowed = false;
}

static void select_style(struct em *e, const struct ev *ev)
{
	enum sstyle style = ev->style;
	bool no_tag = ev->tag == NULL;
	if (e->simple_key_context && e->si.multiline)
		style = ST_DOUBLE;
	if (style == ST_PLAIN) {
		if ((e->flow_level && !e->si.flow_plain_allowed) || (!e->flow_level && !e->si.block_plain_allowed))
			style = ST_SINGLE;
		if (ev->len == 0 && (e->flow_level || e->simple_key_context))
			style = ST_SINGLE;
	}
	if (style == ST_SINGLE && !e->si.single_quoted_allowed)
		style = ST_DOUBLE;
	if (style == ST_LITERAL && (!e->si.block_allowed || e->flow_level || e->simple_key_context))
		style = ST_DOUBLE;
	(void)no_tag;
	e->si.style = style;
}

static void write_plain(struct em *e, const char *s, size_t n, bool allow_breaks)
{
	if (n && !e->whitespace)
		put(e, ' ');
	if (e->best_width == 0x7fffffff || !allow_breaks) {
		/* plain scalars never hold line breaks: no folding means one run */
		write_run(e, s, n);
		if (n)
			e->whitespace = false;
		e->indention = false;
		if (e->root_context)
			e->open_ended = true;
		return;
	}
	bool spaces = false, breaks = false;
	for (size_t i = 0; i < n;) {
		if (s[i] == ' ') {
			if (allow_breaks && !spaces && e->column > e->best_width && !(i + 1 < n && s[i + 1] == ' ')) {
				write_indent(e);
				i++;
			} else {
				write_ch(e, s, n, &i);
			}
			spaces = true;
		} else if (is_break_at(s, n, i)) {
			if (!breaks && s[i] == '\n')
				put_break(e);
			write_break(e, s, n, &i);
			breaks = true;
		} else {
			if (breaks)
				write_indent(e);
			write_ch(e, s, n, &i);
			e->indention = false;
			spaces = breaks = false;
		}
	}
	if (n)
		e->whitespace = false;
	e->indention = false;
	if (e->root_context)
		e->open_ended = true;
}

static void write_single(struct em *e, const char *s, size_t n, bool allow_breaks)
{
	write_indicator(e, "'", true, false, false);
	bool spaces = false, breaks = false;
	for (size_t i = 0; i < n;) {
		if (s[i] == ' ') {
			if (allow_breaks && !spaces && e->column > e->best_width && i > 0 && i < n - 1 &&
			    !(i + 1 < n && s[i + 1] == ' ')) {
				write_indent(e);
				i++;
			} else {
				write_ch(e, s, n, &i);
			}
			spaces = true;
		} else if (is_break_at(s, n, i)) {
			if (!breaks && s[i] == '\n')
				put_break(e);
			write_break(e, s, n, &i);
			breaks = true;
		} else {
			if (breaks)
				write_indent(e);
			if (s[i] == '\'')
				put(e, '\'');
			write_ch(e, s, n, &i);
			e->indention = false;
			spaces = breaks = false;
		}
	}
	write_indicator(e, "'", false, false, false);
	e->whitespace = false;
	e->indention = false;
}

static void write_double(struct em *e, const char *s, size_t n, bool allow_breaks)
{
	static const char hexd[] = "0123456789ABCDEF";
	const unsigned char *b = (const unsigned char *)s;
	bool spaces = false;
	write_indicator(e, "\"", true, false, false);
	/* go-yaml's is_bom() looks at the start of the value whatever the
	 * position, so a value starting with a BOM is escaped throughout */
	bool bom = n >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf;
	for (size_t i = 0; i < n;) {
		if (!is_printable_at(b, n, i) || bom || is_break_at(s, n, i) || s[i] == '"' || s[i] == '\\') {
			unsigned char oc = b[i];
			int w;
			uint32_t v;
			if ((oc & 0x80) == 0) {
				w = 1;
				v = oc & 0x7f;
			} else if ((oc & 0xe0) == 0xc0) {
				w = 2;
				v = oc & 0x1f;
			} else if ((oc & 0xf0) == 0xe0) {
				w = 3;
				v = oc & 0x0f;
			} else if ((oc & 0xf8) == 0xf0) {
				w = 4;
				v = oc & 0x07;
			} else {
				w = 1;
				v = oc;
			}
			for (int k = 1; k < w && i + (size_t)k < n; k++)
				v = (v << 6) + (b[i + (size_t)k] & 0x3f);
			i += (size_t)w;
			put(e, '\\');
			switch (v) {
			case 0x00: put(e, '0'); break;
			case 0x07: put(e, 'a'); break;
			case 0x08: put(e, 'b'); break;
			case 0x09: put(e, 't'); break;
			case 0x0a: put(e, 'n'); break;
			case 0x0b: put(e, 'v'); break;
			case 0x0c: put(e, 'f'); break;
			case 0x0d: put(e, 'r'); break;
			case 0x1b: put(e, 'e'); break;
			case 0x22: put(e, '"'); break;
			case 0x5c: put(e, '\\'); break;
			case 0x85: put(e, 'N'); break;
			case 0xa0: put(e, '_'); break;
			case 0x2028: put(e, 'L'); break;
			case 0x2029: put(e, 'P'); break;
			default: {
				int digits;
				if (v <= 0xff) {
					put(e, 'x');
					digits = 2;
				} else if (v <= 0xffff) {
					put(e, 'u');
					digits = 4;
				} else {
					put(e, 'U');
					digits = 8;
				}
				for (int k = (digits - 1) * 4; k >= 0; k -= 4)
					put(e, hexd[(v >> k) & 0x0f]);
			}
			}
			spaces = false;
		} else if (s[i] == ' ') {
			if (allow_breaks && !spaces && e->column > e->best_width && i > 0 && i < n - 1) {
				write_indent(e);
				if (i + 1 < n && s[i + 1] == ' ')
					put(e, '\\');
				i++;
			} else {
				write_ch(e, s, n, &i);
			}
			spaces = true;
		} else {
			size_t j = i + (size_t)u8width(b[i]);
			if (!bom && (!allow_breaks || e->best_width == 0x7fffffff)) {
				/* copy the run of characters needing no escape */
				while (j < n && b[j] != ' ' && b[j] != '"' && b[j] != '\\' && b[j] >= 0x20 && b[j] < 0x7f)
					j++;
			}
			if (j > n)
				j = n;
			write_run(e, s + i, j - i);
			i = j;
			spaces = false;
		}
	}
	write_indicator(e, "\"", false, false, false);
	e->whitespace = false;
	e->indention = false;
}

static void write_block_hints(struct em *e, const char *s, size_t n)
{
	if (n && (s[0] == ' ' || is_break_at(s, n, 0))) {
		char h[2] = { (char)('0' + e->best_indent), 0 };
		write_indicator(e, h, false, false, false);
	}
	e->open_ended = false;
	char chomp = 0;
	if (n == 0) {
		chomp = '-';
	} else {
		size_t i = n - 1;
		while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80)
			i--;
		if (!is_break_at(s, n, i)) {
			chomp = '-';
		} else if (i == 0) {
			chomp = '+';
			e->open_ended = true;
		} else {
			i--;
			while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80)
				i--;
			if (is_break_at(s, n, i)) {
				chomp = '+';
				e->open_ended = true;
			}
		}
	}
	if (chomp) {
		char h[2] = { chomp, 0 };
		write_indicator(e, h, false, false, false);
	}
}

static void write_literal(struct em *e, const char *s, size_t n)
{
	write_indicator(e, "|", true, false, false);
	write_block_hints(e, s, n);
	process_line_comment(e, true);
	e->whitespace = true;
	bool breaks = true;
	for (size_t i = 0; i < n;) {
		if (is_break_at(s, n, i)) {
			write_break(e, s, n, &i);
			breaks = true;
		} else {
			if (breaks)
				write_indent(e);
			size_t j = i;
			while (j < n && !is_break_at(s, n, j))
				j++;
			write_run(e, s + i, j - i);
			i = j;
			e->indention = false;
			breaks = false;
		}
	}
}

static void emit_scalar(struct em *e, const struct ev *ev)
{
	select_style(e, ev);
	if (ev->tag)
		write_indicator(e, ev->tag, true, false, false);
	increase_indent(e, true, false);
	switch (e->si.style) {
	case ST_PLAIN: write_plain(e, ev->value, ev->len, !e->simple_key_context); break;
	case ST_SINGLE: write_single(e, ev->value, ev->len, !e->simple_key_context); break;
	case ST_DOUBLE: write_double(e, ev->value, ev->len, !e->simple_key_context); break;
	case ST_LITERAL: write_literal(e, ev->value, ev->len); break;
	}
	pop_indent(e);
	pop_state(e);
}

/* ---- the state machine ---- */

static void emit_node(struct em *e, const struct ev *ev, bool root, bool seq, bool map, bool simple_key)
{
	e->root_context = root;
	e->sequence_context = seq;
	e->mapping_context = map;
	e->simple_key_context = simple_key;
	switch (ev->type) {
	case EV_SCALAR:
		emit_scalar(e, ev);
		break;
	case EV_SEQ_START:
		e->state = (e->flow_level || ev->empty) ? S_FLOW_SEQ_FIRST : S_BSEQ_FIRST;
		break;
	case EV_MAP_START:
		e->state = (e->flow_level || ev->empty) ? S_FLOW_MAP_FIRST : S_BMAP_FIRST_KEY;
		break;
	default:
		e->err = AGS_E_INVAL;
	}
}

static bool check_simple_key(struct em *e, const struct ev *ev)
{
	size_t length = 0;
	switch (ev->type) {
	case EV_SCALAR:
		if (e->si.multiline)
			return false;
		length = ev->len + (ev->tag ? strlen(ev->tag) : 0);
		break;
	case EV_SEQ_START:
	case EV_MAP_START:
		if (!ev->empty)
			return false;
		break;
	default:
		return false;
	}
	return length <= 128;
}

static void emit_document_start(struct em *e, const struct ev *ev, bool first)
{
	if (ev->type == EV_DOC_START) {
		bool implicit = ev->implicit && first;
		if (!implicit) {
			write_indent(e);
			write_indicator(e, "---", true, false, false);
			write_indent(e);
		}
		if (e->head.len) {
			process_head_comment(e);
			put_break(e);
		}
		e->state = S_DOC_CONTENT;
		return;
	}
	if (ev->type == EV_STREAM_END) {
		if (e->open_ended) {
			write_indicator(e, "...", true, false, false);
			write_indent(e);
		}
		e->state = S_END;
		return;
	}
	e->err = AGS_E_INVAL;
}

static void emit_document_end(struct em *e, const struct ev *ev)
{
	if (ev->type != EV_DOC_END) {
		e->err = AGS_E_INVAL;
		return;
	}
	e->foot_indent = 0;
	process_foot_comment(e);
	e->foot_indent = -1;
	write_indent(e);
	if (!ev->implicit) {
		write_indicator(e, "...", true, false, false);
		write_indent(e);
	}
	e->state = S_DOC_START;
}

static void emit_block_seq_item(struct em *e, const struct ev *ev, bool first)
{
	if (first)
		increase_indent(e, false, false);
	if (ev->type == EV_SEQ_END) {
		pop_indent(e);
		pop_state(e);
		return;
	}
	process_head_comment(e);
	write_indent(e);
	write_indicator(e, "-", true, false, true);
	push_state(e, S_BSEQ_ITEM);
	emit_node(e, ev, false, true, false, false);
	process_line_comment(e, false);
	process_foot_comment(e);
}

static void emit_block_map_key(struct em *e, const struct ev *ev, bool first)
{
	if (first)
		increase_indent(e, false, false);
	process_head_comment(e);
	if (ev->type == EV_MAP_END) {
		pop_indent(e);
		pop_state(e);
		return;
	}
	write_indent(e);
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
	write_indicator(e, "?", true, false, true);
	push_state(e, S_BMAP_VALUE);
	emit_node(e, ev, false, false, true, false);
}

static void swap_bufs(struct ags_buf *a, struct ags_buf *b)
{
	struct ags_buf t = *a;
	*a = *b;
	*b = t;
}

static void emit_block_map_value(struct em *e, const struct ev *ev, bool simple)
{
	if (simple) {
		write_indicator(e, ":", false, false, false);
	} else {
		write_indent(e);
		write_indicator(e, ":", true, false, true);
	}
	if (e->key_line.len) {
		if (ev->type == EV_SCALAR) {
			if (!e->line.len) {
				swap_bufs(&e->line, &e->key_line);
				ags_buf_reset(&e->key_line);
			}
		} else if (ev->type == EV_MAP_START || ev->type == EV_SEQ_START) {
			swap_bufs(&e->line, &e->key_line);
			process_line_comment(e, false);
			swap_bufs(&e->line, &e->key_line);
		}
	}
	push_state(e, S_BMAP_KEY);
	emit_node(e, ev, false, false, true, false);
	process_line_comment(e, false);
	process_foot_comment(e);
}

static void emit_flow_first(struct em *e, const struct ev *ev, bool map)
{
	/* only empty flow collections are ever written */
	write_indicator(e, map ? "{" : "[", true, true, false);
	increase_indent(e, true, false);
	e->flow_level++;
	if (ev->type != (map ? EV_MAP_END : EV_SEQ_END)) {
		e->err = AGS_E_INVAL;
		return;
	}
	if (map)
		process_head_comment(e);
	e->flow_level--;
	pop_indent(e);
	if (!map && e->column == 0)
		write_indent(e);
	write_indicator(e, map ? "}" : "]", false, false, false);
	process_line_comment(e, false);
	process_foot_comment(e);
	pop_state(e);
}

static void copy_slot(struct em *e, struct ags_buf *slot, struct cstr c)
{
	if (!c.n)
		return;
	ags_buf_reset(slot);
	if (ags_buf_append(slot, c.p, c.n) < 0)
		e->err = AGS_E_NOMEM;
}

static void emit(struct em *e, const struct ev *ev)
{
	if (e->err)
		return;
	copy_slot(e, &e->head, ev->head);
	copy_slot(e, &e->line, ev->line);
	copy_slot(e, &e->foot, ev->foot);
	copy_slot(e, &e->tail, ev->tail);
	if (ev->type == EV_SCALAR)
		analyze_scalar(e, ev->value, ev->len);
	switch (e->state) {
	case S_FIRST_DOC_START: emit_document_start(e, ev, true); break;
	case S_DOC_START: emit_document_start(e, ev, false); break;
	case S_DOC_CONTENT:
		push_state(e, S_DOC_END);
		process_head_comment(e);
		emit_node(e, ev, true, false, false, false);
		process_line_comment(e, false);
		process_foot_comment(e);
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

/* ---- generator: sops tree -> go-yaml nodes -> events ---- */

/* Appends "#c1\n#c2..." for comment items (sops addComments*). */
static int join_comment(struct ags_buf *b, const struct ags_value *c)
{
	if (b->len)
		AGS_TRY(ags_buf_putc(b, '\n'));
	AGS_TRY(ags_buf_putc(b, '#'));
	return ags_buf_append(b, c->str.p, c->str.len);
}

static struct cstr cs(const struct ags_buf *b)
{
	return (struct cstr){ b->len ? (const char *)b->data : NULL, b->len };
}

struct scalar_text {
	char num[400];
	const char *p;
	size_t n;
	enum sstyle style;
	const char *tag;
	char *owned;
};

static int scalar_text(const struct ags_value *v, struct scalar_text *t)
{
	memset(t, 0, sizeof(*t));
	t->style = ST_PLAIN;
	switch (v->kind) {
	case AGS_VAL_NULL:
		t->p = "null";
		t->n = 4;
		break;
	case AGS_VAL_BOOL:
		t->p = v->b ? "true" : "false";
		t->n = strlen(t->p);
		break;
	case AGS_VAL_INT:
		t->n = (size_t)snprintf(t->num, sizeof(t->num), "%lld", (long long)v->i);
		t->p = t->num;
		break;
	case AGS_VAL_FLOAT:
		t->n = ags_fmt_float_yaml(v->f, t->num);
		t->p = t->num;
		break;
	case AGS_VAL_TIME:
		t->p = v->str.p;
		t->n = v->str.len;
		break;
	case AGS_VAL_STR:
	case AGS_VAL_COMMENT: {
		const char *s = v->str.p;
		size_t n = v->str.len;
		if (!ags_utf8_valid(s, n, NULL)) {
			/* go-yaml: invalid UTF-8 goes out as !!binary, base64 in 70-column lines */
			size_t el = ags_b64_encoded_len(n, AGS_B64_PADDED);
			char *b64 = malloc(el + 1);
			char *o = malloc(el + el / 70 + 2);
			if (!b64 || !o) {
				free(b64);
				free(o);
				return AGS_E_NOMEM;
			}
			ags_b64_encode(s, n, AGS_B64_PADDED, b64);
			size_t k = 0;
			bool multi = el / 70 + 1 > 1;
			for (size_t i = 0; i < el; i += 70) {
				size_t j = i + 70 < el ? i + 70 : el;
				memcpy(o + k, b64 + i, j - i);
				k += j - i;
				if (multi)
					o[k++] = '\n';
			}
			free(b64);
			t->owned = o;
			t->p = o;
			t->n = k;
			t->tag = "!!binary";
			t->style = memchr(o, '\n', k) ? ST_LITERAL : ST_PLAIN;
			break;
		}
		t->p = s;
		t->n = n;
		if (memchr(s, '\n', n))
			t->style = ST_LITERAL;
		else if (ags_yaml_str_needs_quotes(s, n))
			t->style = ST_DOUBLE;
		break;
	}
	default:
		return AGS_E_INVAL;
	}
	return 0;
}

struct gen {
	struct em *e;
	int depth;
};

static int gen_value(struct gen *g, const struct ags_value *v, struct cstr head_prefix, struct cstr line,
		     struct cstr foot, struct cstr tail);

static int gen_scalar(struct gen *g, const struct ags_value *v, struct cstr head, struct cstr line,
		      struct cstr foot, struct cstr tail)
{
	struct scalar_text t;
	AGS_TRY(scalar_text(v, &t));
	struct ev ev = { .type = EV_SCALAR, .value = t.p, .len = t.n, .style = t.style, .tag = t.tag,
			 .head = head, .line = line, .foot = foot, .tail = tail };
	emit(g->e, &ev);
	free(t.owned);
	return g->e->err;
}

/* A mapping: meta (optional) is appended as a last "sops" item. */
static int gen_map(struct gen *g, const struct ags_branch *b, const struct ags_value *meta, struct cstr head_prefix,
		   struct cstr line, struct cstr foot, struct cstr tail)
{
	struct ags_buf mhead, khead, vline, trailing;
	ags_buf_init(&mhead, AGS_STORE_MAX_EMIT);
	ags_buf_init(&khead, AGS_STORE_MAX_EMIT);
	ags_buf_init(&vline, AGS_STORE_MAX_EMIT);
	ags_buf_init(&trailing, AGS_STORE_MAX_EMIT);
	int r = 0;
	size_t n = b ? b->n : 0;
	size_t nreal = 0;
	for (size_t i = 0; i < n; i++)
		nreal += b->items[i].key.kind != AGS_VAL_COMMENT;
	if (meta)
		nreal++;
	/* mapping head: prefix (sequence item head) + leading comments; with no
	 * items at all, every comment (inline ones last) */
	if (head_prefix.n)
		r = ags_buf_append(&mhead, head_prefix.p, head_prefix.n);
	size_t i = 0;
	if (r == 0) {
		struct ags_buf own, inl;
		ags_buf_init(&own, AGS_STORE_MAX_EMIT);
		ags_buf_init(&inl, AGS_STORE_MAX_EMIT);
		for (; r == 0 && i < n && b->items[i].key.kind == AGS_VAL_COMMENT; i++)
			r = join_comment(b->items[i].key.inline_comment ? &inl : &own, &b->items[i].key);
		/* inline comments before the first item are its value's line comment */
		if (r == 0 && nreal == 0 && inl.len) {
			if (own.len)
				r = ags_buf_putc(&own, '\n');
			if (r == 0)
				r = ags_buf_append(&own, inl.data, inl.len);
			ags_buf_reset(&inl);
		}
		if (r == 0 && own.len) {
			if (mhead.len) {
				/* addCommentsHead prepends: item head first, then own */
				r = ags_buf_putc(&mhead, '\n');
			}
			if (r == 0)
				r = ags_buf_append(&mhead, own.data, own.len);
		}
		if (r == 0 && inl.len)
			r = ags_buf_append(&vline, inl.data, inl.len);
		ags_buf_release(&own);
		ags_buf_release(&inl);
	}
	if (r == 0) {
		struct ev ev = { .type = EV_MAP_START, .empty = nreal == 0, .head = cs(&mhead), .tail = tail };
		emit(g->e, &ev);
		r = g->e->err;
	}
	struct ags_buf keyfoot;
	ags_buf_init(&keyfoot, AGS_STORE_MAX_EMIT);
	size_t seen = 0;
	for (; r == 0 && i < n; i++) {
		const struct ags_item *it = &b->items[i];
		if (it->key.kind == AGS_VAL_COMMENT) {
			r = join_comment(it->key.inline_comment ? &vline : &khead, &it->key);
			continue;
		}
		seen++;
		bool last = seen == nreal;
		if (last) {
			/* comments after the last item become its key's foot */
			for (size_t j = i + 1; r == 0 && j < n; j++)
				if (!b->items[j].key.inline_comment)
					r = join_comment(&trailing, &b->items[j].key);
			for (size_t j = i + 1; r == 0 && j < n; j++)
				if (b->items[j].key.inline_comment)
					r = join_comment(&trailing, &b->items[j].key);
		}
		if (r < 0)
			break;
		r = gen_scalar(g, &it->key, cs(&khead), (struct cstr){ 0 }, (struct cstr){ 0 }, cs(&keyfoot));
		ags_buf_reset(&khead);
		ags_buf_reset(&keyfoot);
		if (r == 0)
			r = gen_value(g, &it->value, (struct cstr){ 0 }, cs(&vline), (struct cstr){ 0 },
				      (struct cstr){ 0 });
		ags_buf_reset(&vline);
		if (r == 0 && last && !meta)
			r = ags_buf_append(&keyfoot, trailing.data ? trailing.data : (unsigned char *)"", trailing.len);
		if (last)
			break;
	}
	if (r == 0 && meta) {
		/* SerializeMetadata appends {sops: meta}; comments after the last
		 * real item are then head comments of the "sops" key */
		struct ags_value k = { .kind = AGS_VAL_STR, .str = { (char *)"sops", 4 } };
		struct ags_buf mh;
		ags_buf_init(&mh, AGS_STORE_MAX_EMIT);
		if (khead.len)
			r = ags_buf_append(&mh, khead.data, khead.len);
		if (r == 0 && trailing.len) {
			if (mh.len)
				r = ags_buf_putc(&mh, '\n');
			if (r == 0)
				r = ags_buf_append(&mh, trailing.data, trailing.len);
		}
		if (r == 0)
			r = gen_scalar(g, &k, cs(&mh), (struct cstr){ 0 }, (struct cstr){ 0 }, cs(&keyfoot));
		ags_buf_release(&mh);
		ags_buf_reset(&keyfoot);
		if (r == 0)
			r = gen_value(g, meta, (struct cstr){ 0 }, cs(&vline), (struct cstr){ 0 }, (struct cstr){ 0 });
	}
	if (r == 0) {
		struct ev ev = { .type = EV_MAP_END, .tail = cs(&keyfoot), .line = line, .foot = foot };
		emit(g->e, &ev);
		r = g->e->err;
	}
	ags_buf_release(&keyfoot);
	ags_buf_release(&mhead);
	ags_buf_release(&khead);
	ags_buf_release(&vline);
	ags_buf_release(&trailing);
	return r;
}

static int gen_seq(struct gen *g, const struct ags_list *l, struct cstr head_prefix, struct cstr line,
		   struct cstr foot)
{
	struct ags_buf shead, ihead, iline, trailing;
	ags_buf_init(&shead, AGS_STORE_MAX_EMIT);
	ags_buf_init(&ihead, AGS_STORE_MAX_EMIT);
	ags_buf_init(&iline, AGS_STORE_MAX_EMIT);
	ags_buf_init(&trailing, AGS_STORE_MAX_EMIT);
	int r = 0;
	size_t nreal = 0;
	for (size_t i = 0; i < l->n; i++)
		nreal += l->items[i].kind != AGS_VAL_COMMENT;
	if (head_prefix.n)
		r = ags_buf_append(&shead, head_prefix.p, head_prefix.n);
	size_t i = 0;
	if (r == 0) {
		struct ags_buf own, inl;
		ags_buf_init(&own, AGS_STORE_MAX_EMIT);
		ags_buf_init(&inl, AGS_STORE_MAX_EMIT);
		for (; r == 0 && i < l->n && l->items[i].kind == AGS_VAL_COMMENT; i++)
			r = join_comment(l->items[i].inline_comment ? &inl : &own, &l->items[i]);
		if (r == 0 && nreal == 0 && inl.len) {
			if (own.len)
				r = ags_buf_putc(&own, '\n');
			if (r == 0)
				r = ags_buf_append(&own, inl.data, inl.len);
			ags_buf_reset(&inl);
		}
		if (r == 0 && own.len) {
			if (shead.len)
				r = ags_buf_putc(&shead, '\n');
			if (r == 0)
				r = ags_buf_append(&shead, own.data, own.len);
		}
		if (r == 0 && inl.len)
			r = ags_buf_append(&iline, inl.data, inl.len);
		ags_buf_release(&own);
		ags_buf_release(&inl);
	}
	if (r == 0) {
		struct ev ev = { .type = EV_SEQ_START, .empty = nreal == 0, .head = cs(&shead) };
		emit(g->e, &ev);
		r = g->e->err;
	}
	size_t seen = 0;
	for (; r == 0 && i < l->n; i++) {
		const struct ags_value *it = &l->items[i];
		if (it->kind == AGS_VAL_COMMENT) {
			r = join_comment(it->inline_comment ? &iline : &ihead, it);
			continue;
		}
		seen++;
		bool last = seen == nreal;
		if (last) {
			for (size_t j = i + 1; r == 0 && j < l->n; j++)
				if (!l->items[j].inline_comment)
					r = join_comment(&trailing, &l->items[j]);
			for (size_t j = i + 1; r == 0 && j < l->n; j++)
				if (l->items[j].inline_comment)
					r = join_comment(&trailing, &l->items[j]);
		}
		if (r == 0)
			r = gen_value(g, it, cs(&ihead), cs(&iline), last ? cs(&trailing) : (struct cstr){ 0 },
				      (struct cstr){ 0 });
		ags_buf_reset(&ihead);
		ags_buf_reset(&iline);
		if (last)
			break;
	}
	if (r == 0) {
		struct ev ev = { .type = EV_SEQ_END, .line = line, .foot = foot };
		emit(g->e, &ev);
		r = g->e->err;
	}
	ags_buf_release(&shead);
	ags_buf_release(&ihead);
	ags_buf_release(&iline);
	ags_buf_release(&trailing);
	return r;
}

static int gen_value(struct gen *g, const struct ags_value *v, struct cstr head_prefix, struct cstr line,
		     struct cstr foot, struct cstr tail)
{
	if (++g->depth > AGS_TREE_MAX_DEPTH + 2) {
		g->depth--;
		return AGS_E_TOO_BIG;
	}
	int r;
	if (v->kind == AGS_VAL_MAP)
		r = gen_map(g, v->map, NULL, head_prefix, line, foot, tail);
	else if (v->kind == AGS_VAL_SEQ)
		r = gen_seq(g, v->seq, head_prefix, line, foot);
	else
		r = gen_scalar(g, v, head_prefix, line, foot, tail);
	g->depth--;
	return r;
}

int ags_yaml_emit(const struct ags_tree *t, const struct ags_emit_opts *o, struct ags_buf *out, struct ags_diag *d)
{
	int indent = o && o->indent ? o->indent : 4;
	if (indent < 0)
		return ags_diag_set(d, AGS_E_INVAL, "YAML negative indentation not accepted");
	AGS_TRY(ags_store_check_reserved(t, false, d));
	struct em e;
	memset(&e, 0, sizeof(e));
	e.out = out;
	e.best_indent = indent < 2 || indent > 9 ? 2 : indent;
	e.best_width = o && o->width > 0 ? (o->width <= e.best_indent * 2 ? 80 : o->width) : 0x7fffffff;
	e.indent = -1;
	e.whitespace = true;
	e.indention = true;
	e.foot_indent = -1;
	e.state = S_FIRST_DOC_START;
	ags_buf_init(&e.head, AGS_STORE_MAX_EMIT);
	ags_buf_init(&e.line, AGS_STORE_MAX_EMIT);
	ags_buf_init(&e.foot, AGS_STORE_MAX_EMIT);
	ags_buf_init(&e.tail, AGS_STORE_MAX_EMIT);
	ags_buf_init(&e.key_line, AGS_STORE_MAX_EMIT);
	size_t start = out->len;
	struct gen g = { .e = &e };
	int r = 0;
	const struct ags_value *meta = ags_store_meta(t);
	for (size_t i = 0; r == 0 && i < t->ndocs; i++) {
		struct ev ds = { .type = EV_DOC_START, .implicit = true };
		emit(&e, &ds);
		r = e.err;
		if (r == 0)
			r = gen_map(&g, t->docs[i], meta, (struct cstr){ 0 }, (struct cstr){ 0 }, (struct cstr){ 0 },
				    (struct cstr){ 0 });
		if (r == 0) {
			struct ev de = { .type = EV_DOC_END, .implicit = true };
			emit(&e, &de);
			r = e.err;
		}
	}
	if (r == 0) {
		struct ev se = { .type = EV_STREAM_END };
		emit(&e, &se);
		r = e.err;
	}
	ags_buf_release(&e.head);
	ags_buf_release(&e.line);
	ags_buf_release(&e.foot);
	ags_buf_release(&e.tail);
	ags_buf_release(&e.key_line);
	free(e.indents);
	free(e.states);
	if (r < 0) {
		ags_buf_truncate(out, start);
		if (r == AGS_E_TOO_BIG)
			return ags_diag_set(d, r, "YAML output too large or too deeply nested");
		return r;
	}
	return 0;
}
