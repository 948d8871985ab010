/*
 * The writing half of the YAML emitter: characters and columns,
 * indentation, indicators, comments, the analysis of a scalar's text and
 * the four scalar styles (plain, single- and double-quoted, literal), with
 * folding at the style's width.  These are go-yaml's emitter rules (v2 and
 * v3 share them but for the tab rule in the analysis, see ags_yaml_style),
 * learned from reading go-yaml's emitterc.go; the code is our own.
 * Columns count characters (UTF-8 lead bytes), as go-yaml does.
 */
#include "internal.h"
#include "yaml/emit_int.h"
#include <string.h>

/* ---- output primitives (column counts characters, as go-yaml does) ---- */

static void put(struct ags_yaml_emitter *e, char c)
{
	if (e->err)
		return;
	int r = ags_buf_putc(e->out, c);
	if (r < 0)
		e->err = r;
	e->column++;
}

void ags_yaml_put_break(struct ags_yaml_emitter *e)
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
static void write_ch(struct ags_yaml_emitter *e, const char *s, size_t n, size_t *i)
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
static void write_run(struct ags_yaml_emitter *e, const char *s, size_t n)
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

static void write_all(struct ags_yaml_emitter *e, const char *s, size_t n)
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

static void write_break(struct ags_yaml_emitter *e, const char *s, size_t n, size_t *i)
{
	if (s[*i] == '\n') {
		ags_yaml_put_break(e);
		(*i)++;
	} else {
		write_ch(e, s, n, i);
		e->column = 0;
		e->indention = true;
	}
}

void ags_yaml_write_indent(struct ags_yaml_emitter *e)
{
	int indent = e->indent < 0 ? 0 : e->indent;
	if (!e->indention || e->column > indent || (e->column == indent && !e->whitespace))
		ags_yaml_put_break(e);
	if (e->foot_indent == indent)
		ags_yaml_put_break(e);
	while (e->column < indent)
		put(e, ' ');
	e->whitespace = true;
	e->foot_indent = -1;
}

void ags_yaml_write_indicator(struct ags_yaml_emitter *e, const char *ind, bool need_ws, bool is_ws, bool is_indention)
{
	if (need_ws && !e->whitespace)
		put(e, ' ');
	write_all(e, ind, strlen(ind));
	e->whitespace = is_ws;
	e->indention = e->indention && is_indention;
	e->open_ended = false;
}

static void write_comment(struct ags_yaml_emitter *e, const char *c, size_t n)
{
	bool breaks = false, pound = false;
	for (size_t i = 0; i < n;) {
		if (is_break_at(c, n, i)) {
			write_break(e, c, n, &i);
			breaks = true;
			pound = false;
		} else {
			if (breaks)
				ags_yaml_write_indent(e);
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
		ags_yaml_put_break(e);
	e->whitespace = true;
}

void ags_yaml_head_comment(struct ags_yaml_emitter *e)
{
	if (e->tail.len) {
		ags_yaml_write_indent(e);
		write_comment(e, (const char *)e->tail.data, e->tail.len);
		ags_buf_reset(&e->tail);
		e->foot_indent = e->indent < 0 ? 0 : e->indent;
	}
	if (!e->head.len)
		return;
	ags_yaml_write_indent(e);
	write_comment(e, (const char *)e->head.data, e->head.len);
	ags_buf_reset(&e->head);
}

void ags_yaml_line_comment(struct ags_yaml_emitter *e, bool linebreak)
{
	if (!e->line.len) {
		if (linebreak)
			ags_yaml_put_break(e);
		return;
	}
	if (!e->whitespace)
		put(e, ' ');
	write_comment(e, (const char *)e->line.data, e->line.len);
	ags_buf_reset(&e->line);
}

void ags_yaml_foot_comment(struct ags_yaml_emitter *e)
{
	if (!e->foot.len)
		return;
	ags_yaml_write_indent(e);
	write_comment(e, (const char *)e->foot.data, e->foot.len);
	ags_buf_reset(&e->foot);
	e->foot_indent = e->indent < 0 ? 0 : e->indent;
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

/* What ags_yaml_analyze_scalar notes of the spaces, and of the line breaks,
 * of a scalar: any at all, one first, one last, one right after the other kind. */
struct ws_seen {
	bool any, leading, trailing, after_other;
};

void ags_yaml_analyze_scalar(struct ags_yaml_emitter *e, const char *s, size_t n)
{
	struct ags_yaml_scalar_info *si = &e->si;
	memset(si, 0, sizeof(*si));
	if (n == 0) {
		si->block_plain_allowed = true;
		si->single_quoted_allowed = true;
		return;
	}
	bool block_ind = false, flow_ind = false, special = false, tabs = false;
	/* spaces and line breaks: where they stand, and the kind just before */
	struct ws_seen sp = { 0 }, br = { 0 };
	const struct ws_seen *prev = NULL;
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
			prev = NULL;
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
		if (c == '\t' && e->tab_blocks)
			tabs = true;
		else if (!is_printable_at(b, n, i))
			special = true;
		if (c == ' ' || is_break_at(s, n, i)) {
			struct ws_seen *k = c == ' ' ? &sp : &br;
			k->any = true;
			k->leading |= i == 0;
			k->trailing |= i + w == n;
			k->after_other |= prev && prev != k;
			prev = k;
		} else {
			prev = NULL;
		}
		preceded_by_ws = is_blankz_at(s, n, i);
		i += w;
	}
	si->multiline = br.any;
	si->flow_plain_allowed = si->block_plain_allowed = si->single_quoted_allowed = si->block_allowed = true;
	if (sp.leading || br.leading || sp.trailing || br.trailing)
		si->flow_plain_allowed = si->block_plain_allowed = false;
	if (sp.trailing)
		si->block_allowed = false;
	if (sp.after_other) /* a space after a break */
		si->flow_plain_allowed = si->block_plain_allowed = si->single_quoted_allowed = false;
	if (br.after_other || tabs || special) /* br.after_other: a break after a space */
		si->flow_plain_allowed = si->block_plain_allowed = si->single_quoted_allowed = false;
	if (br.after_other || special)
		si->block_allowed = false;
	if (br.any)
		si->flow_plain_allowed = si->block_plain_allowed = false;
	if (flow_ind)
		si->flow_plain_allowed = false;
	if (block_ind)
		si->block_plain_allowed = false;
}

static void select_style(struct ags_yaml_emitter *e, const struct ags_yaml_event *ev)
{
	enum ags_yaml_sstyle style = ev->style;
	bool no_tag = ev->tag == NULL;
	if (e->simple_key_context && e->si.multiline)
		style = AGS_YAML_DOUBLE;
	if (style == AGS_YAML_PLAIN) {
		if ((e->flow_level && !e->si.flow_plain_allowed) || (!e->flow_level && !e->si.block_plain_allowed))
			style = AGS_YAML_SINGLE;
		if (ev->len == 0 && (e->flow_level || e->simple_key_context))
			style = AGS_YAML_SINGLE;
	}
	if (style == AGS_YAML_SINGLE && !e->si.single_quoted_allowed)
		style = AGS_YAML_DOUBLE;
	if (style == AGS_YAML_LITERAL && (!e->si.block_allowed || e->flow_level || e->simple_key_context))
		style = AGS_YAML_DOUBLE;
	(void)no_tag;
	e->si.style = style;
}

/* The text of a plain or single-quoted scalar: folds at a single space past
 * the width (a quoted scalar never at its first or last character), writes
 * line breaks as go-yaml does and doubles quotes when quoted. */
static void write_flow_text(struct ags_yaml_emitter *e, const char *s, size_t n, bool allow_breaks, bool quoted)
{
	bool spaces = false, breaks = false;
	for (size_t i = 0; i < n;) {
		if (s[i] == ' ') {
			bool inner = !quoted || (i > 0 && i < n - 1);
			if (allow_breaks && !spaces && e->column > e->best_width && inner && !(i + 1 < n && s[i + 1] == ' ')) {
				ags_yaml_write_indent(e);
				i++;
			} else {
				write_ch(e, s, n, &i);
			}
			spaces = true;
		} else if (is_break_at(s, n, i)) {
			if (!breaks && s[i] == '\n')
				ags_yaml_put_break(e);
			write_break(e, s, n, &i);
			breaks = true;
		} else {
			if (breaks)
				ags_yaml_write_indent(e);
			if (quoted && s[i] == '\'')
				put(e, '\'');
			write_ch(e, s, n, &i);
			e->indention = false;
			spaces = breaks = false;
		}
	}
}

static void write_plain(struct ags_yaml_emitter *e, const char *s, size_t n, bool allow_breaks)
{
	if (n && !e->whitespace)
		put(e, ' ');
	if (e->best_width == AGS_YAML_NO_WIDTH || !allow_breaks)
		write_run(e, s, n); /* plain scalars never hold line breaks: no folding means one run */
	else
		write_flow_text(e, s, n, allow_breaks, false);
	if (n)
		e->whitespace = false;
	e->indention = false;
	if (e->root_context)
		e->open_ended = true;
}

static void write_single(struct ags_yaml_emitter *e, const char *s, size_t n, bool allow_breaks)
{
	ags_yaml_write_indicator(e, "'", true, false, false);
	write_flow_text(e, s, n, allow_breaks, true);
	ags_yaml_write_indicator(e, "'", false, false, false);
	e->whitespace = false;
	e->indention = false;
}

static void write_double(struct ags_yaml_emitter *e, const char *s, size_t n, bool allow_breaks)
{
	static const char hexd[] = "0123456789ABCDEF";
	const unsigned char *b = (const unsigned char *)s;
	bool spaces = false;
	ags_yaml_write_indicator(e, "\"", true, false, false);
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
				ags_yaml_write_indent(e);
				if (i + 1 < n && s[i + 1] == ' ')
					put(e, '\\');
				i++;
			} else {
				write_ch(e, s, n, &i);
			}
			spaces = true;
		} else {
			size_t j = i + (size_t)u8width(b[i]);
			if (!bom && (!allow_breaks || e->best_width == AGS_YAML_NO_WIDTH)) {
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
	ags_yaml_write_indicator(e, "\"", false, false, false);
	e->whitespace = false;
	e->indention = false;
}

/*
 * The indentation indicator of a block scalar that starts with a space or
 * a line break.  go-yaml v3 always writes its best indent, but a reader
 * counts the indicator from the enclosing collection's indentation, which
 * is only best-indent columns away for a mapping value: for an item of a
 * block sequence ("- |4", content 2 columns in) Go writes a file that no
 * parser, Go's included, reads back (go-yaml/yaml#643, yaml/go-yaml#76).
 * There the indicator is the real distance; where Go's output reads back
 * (mapping values, a value of only line breaks) the bytes are Go's.
 */
static int block_indent_hint(const struct ags_yaml_emitter *e, const char *s, size_t n)
{
	int parent = e->nindents ? e->indents[e->nindents - 1] : -1;
	int d = e->indent - (parent < 0 ? 0 : parent);
	bool text = false;
	for (size_t i = 0; i < n && !text; i++)
		text = !is_break_at(s, n, i);
	return (text && d >= 1 && d <= 9) ? d : e->best_indent;
}

static void write_block_hints(struct ags_yaml_emitter *e, const char *s, size_t n)
{
	if (n && (s[0] == ' ' || is_break_at(s, n, 0))) {
		char h[2] = { (char)('0' + block_indent_hint(e, s, n)), 0 };
		ags_yaml_write_indicator(e, h, false, false, false);
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
		ags_yaml_write_indicator(e, h, false, false, false);
	}
}

static void write_literal(struct ags_yaml_emitter *e, const char *s, size_t n)
{
	ags_yaml_write_indicator(e, "|", true, false, false);
	write_block_hints(e, s, n);
	/* A line comment of several lines (a key's and the value's, joined as
	 * sops joins them) would put its second line inside the block, where
	 * it reads back as text: on the header it stays one line (found by
	 * fuzz-sops-load). */
	for (size_t i = 0; i < e->line.len; i++)
		if (e->line.data[i] == '\n')
			e->line.data[i] = ' ';
	ags_yaml_line_comment(e, true);
	e->whitespace = true;
	bool breaks = true;
	for (size_t i = 0; i < n;) {
		if (is_break_at(s, n, i)) {
			write_break(e, s, n, &i);
			breaks = true;
		} else {
			if (breaks)
				ags_yaml_write_indent(e);
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

void ags_yaml_write_scalar(struct ags_yaml_emitter *e, const struct ags_yaml_event *ev)
{
	select_style(e, ev);
	if (ev->tag)
		ags_yaml_write_indicator(e, ev->tag, true, false, false);
	switch (e->si.style) {
	case AGS_YAML_PLAIN: write_plain(e, ev->value, ev->len, !e->simple_key_context); break;
	case AGS_YAML_SINGLE: write_single(e, ev->value, ev->len, !e->simple_key_context); break;
	case AGS_YAML_DOUBLE: write_double(e, ev->value, ev->len, !e->simple_key_context); break;
	case AGS_YAML_LITERAL: write_literal(e, ev->value, ev->len); break;
	}
}
