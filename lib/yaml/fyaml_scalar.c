/*
 * The text of a scalar as go-yaml v3 reads it, where libfyaml 0.7.12 reads
 * it otherwise.  go-yaml (libyaml lineage, YAML 1.1) treats NEL, LS and PS
 * as line breaks inside flow scalars: they fold like "\n", the next line's
 * indentation is dropped, NEL reads as "\n" while LS and PS stay as they
 * are (libyaml's read_line).  libfyaml keeps LS/PS and the indentation
 * after them as content.  Scalars whose source holds one of them, and
 * single-quoted scalars with '' (which libfyaml 0.7.12 mangles and leaks),
 * are decoded here from the source bytes with libyaml's folding rules.
 */
#include "internal.h"
#include "yaml/fyaml.h"
#include <string.h>

/* Width of the line break at p[i] (LF, CR, CRLF, NEL, LS, PS, or LS/PS
 * as the parser's copy marks them, see fyaml.c), or 0. */
static size_t break_at(const char *p, size_t n, size_t i)
{
	unsigned char c = (unsigned char)p[i];
	if ((c == 1 || c == 2) && i + 2 < n && p[i + 1] == p[i] && p[i + 2] == '\n')
		return 3;
	if (c == '\n')
		return 1;
	if (c == '\r')
		return i + 1 < n && p[i + 1] == '\n' ? 2 : 1;
	if (c == 0xC2 && i + 1 < n && (unsigned char)p[i + 1] == 0x85)
		return 2;
	if (c == 0xE2 && i + 2 < n && (unsigned char)p[i + 1] == 0x80 &&
	    ((unsigned char)p[i + 2] == 0xA8 || (unsigned char)p[i + 2] == 0xA9))
		return 3;
	return 0;
}

static const char ls_ps[2][3] = { "\xE2\x80\xA8", "\xE2\x80\xA9" };

/* libyaml read_line: CR, LF, CRLF and NEL read as "\n"; LS and PS as they are. */
static int read_break(const char *p, size_t i, size_t w, struct ags_buf *out)
{
	if (w == 3 && (p[i] == 1 || p[i] == 2))
		return ags_buf_append(out, ls_ps[p[i] - 1], 3);
	if (w == 3)
		return ags_buf_append(out, p + i, 3);
	return ags_buf_putc(out, '\n');
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int put_utf8(struct ags_buf *out, uint32_t cp)
{
	char b[4];
	size_t n;
	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (char)(0xF0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return ags_buf_append(out, b, n);
}

/* A double-quoted escape at p[*i] (after the backslash); the source was
 * accepted by libfyaml, so the escape is well formed. */
static int escape(const char *p, size_t n, size_t *i, struct ags_buf *out)
{
	static const char from[] = "0abt\tnvfre \"/\\N_LP";
	static const char *const to[] = { "\0", "\a", "\b", "\t", "\t", "\n", "\v", "\f", "\r", "\x1b", " ", "\"", "/",
					  "\\", "\xC2\x85", "\xC2\xA0", "\xE2\x80\xA8", "\xE2\x80\xA9" };
	char c = p[*i];
	const char *f = c ? memchr(from, c, sizeof(from) - 1) : NULL;
	if (f) {
		const char *t = to[f - from];
		(*i)++;
		return ags_buf_append(out, t, c == '0' ? 1 : strlen(t));
	}
	size_t digits = c == 'x' ? 2 : c == 'u' ? 4 : c == 'U' ? 8 : 0;
	if (!digits || *i + digits >= n)
		return AGS_E_SYNTAX;
	uint32_t cp = 0;
	for (size_t k = 1; k <= digits; k++) {
		char h = p[*i + k];
		unsigned v = h >= '0' && h <= '9' ? (unsigned)(h - '0') : h >= 'a' && h <= 'f' ? (unsigned)(h - 'a' + 10)
			   : h >= 'A' && h <= 'F' ? (unsigned)(h - 'A' + 10) : 16;
		if (v > 15)
			return AGS_E_SYNTAX;
		cp = (cp << 4) | v;
	}
	if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return AGS_E_SYNTAX;
	*i += 1 + digits;
	return put_utf8(out, cp);
}

static int append(struct ags_buf *out, const struct ags_buf *b)
{
	return b->len ? ags_buf_append(out, b->data, b->len) : 0;
}

/* libyaml's join: after a line break, one "\n" break folds to a space and
 * further breaks stay; an LS/PS break stays itself; blanks between text on
 * one line stay as they were. */
static int join(struct ags_buf *out, bool leading_blanks, const struct ags_buf *lead, const struct ags_buf *trail,
		const struct ags_buf *ws)
{
	if (!leading_blanks)
		return append(out, ws);
	if (lead->len && lead->data[0] == '\n')
		return trail->len ? append(out, trail) : ags_buf_putc(out, ' ');
	AGS_TRY(append(out, lead));
	return append(out, trail);
}

enum flow_kind { FLOW_PLAIN, FLOW_SINGLE, FLOW_DOUBLE };

/* libyaml's scan_flow_scalar / scan_plain_scalar on the scalar's content
 * (quotes removed): runs of text, and between them blanks and breaks that
 * fold (one break: a space, or the LS/PS itself; more: the extra breaks). */
static int fold(const char *p, size_t n, enum flow_kind kind, struct ags_buf *out)
{
	struct ags_buf ws;
	ags_buf_init(&ws, n + 1);
	int r = 0;
	size_t i = 0;
	while (r == 0 && i < n) {
		bool leading_blanks = false;
		while (r == 0 && i < n && !is_blank(p[i]) && !break_at(p, n, i)) {
			if (kind == FLOW_SINGLE && p[i] == '\'' && i + 1 < n && p[i + 1] == '\'') {
				r = ags_buf_putc(out, '\'');
				i += 2;
			} else if (kind == FLOW_DOUBLE && p[i] == '\\' && i + 1 < n && break_at(p, n, i + 1)) {
				i += 1 + break_at(p, n, i + 1); /* an escaped break joins the lines */
				leading_blanks = true;
				break;
			} else if (kind == FLOW_DOUBLE && p[i] == '\\') {
				i++;
				r = escape(p, n, &i, out);
			} else {
				r = ags_buf_putc(out, p[i++]);
			}
		}
		struct ags_buf lead, trail;
		ags_buf_init(&lead, 4);
		ags_buf_init(&trail, n + 1);
		ags_buf_reset(&ws);
		size_t w;
		while (r == 0 && i < n && (is_blank(p[i]) || (w = break_at(p, n, i)))) {
			if (is_blank(p[i])) {
				if (!leading_blanks)
					r = ags_buf_putc(&ws, p[i]);
				i++;
				continue;
			}
			r = read_break(p, i, w, leading_blanks ? &trail : &lead);
			leading_blanks = true;
			ags_buf_reset(&ws);
			i += w;
		}
		/* plain: blanks at the end are not the scalar's; quoted: they fold
		 * before the closing quote too */
		if (r == 0 && (i < n || kind != FLOW_PLAIN))
			r = join(out, leading_blanks, &lead, &trail, &ws);
		ags_buf_release(&lead);
		ags_buf_release(&trail);
	}
	ags_buf_release(&ws);
	return r;
}

/* Whether the bytes hold NEL, LS or PS (raw or marked). */
static bool has_y11_break(const char *p, size_t n)
{
	if (memchr(p, 1, n) || memchr(p, 2, n))
		return true;
	for (const char *q = p; (q = memchr(q, 0xC2, n - (size_t)(q - p))) != NULL && (size_t)(q - p) + 1 < n; q++)
		if ((unsigned char)q[1] == 0x85)
			return true;
	for (const char *q = p; (q = memchr(q, 0xE2, n - (size_t)(q - p))) != NULL && (size_t)(q - p) + 2 < n; q++)
		if ((unsigned char)q[1] == 0x80 && ((unsigned char)q[2] == 0xA8 || (unsigned char)q[2] == 0xA9))
			return true;
	return false;
}

/* Whether a block scalar ending at src[end] is the file's last line without
 * a line break: go-yaml then keeps no final newline ("a: |\n  x" is "x"). */
static bool block_at_eof_unterminated(const char *src, size_t srclen, size_t end)
{
	if (end < srclen || !srclen || src[srclen - 1] == '\n' || src[srclen - 1] == '\r')
		return false;
	size_t ls = srclen;
	while (ls > 0 && src[ls - 1] != '\n' && src[ls - 1] != '\r')
		ls--;
	for (size_t i = ls; i < srclen; i++)
		if (!is_blank(src[i]))
			return true;
	return false;
}

/* A block scalar read from the marked copy: "\1\1\n" is an LS break (kept
 * as LS, as libyaml keeps it), a mark left without its "\n" (stripped by
 * "-") goes, and in folded text a mark followed by the space the fold made
 * is the LS or PS alone. */
static size_t unmark_block(char *t, size_t n)
{
	/* in place: every mark is as long as what replaces it, or dropped */
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if ((t[i] == 1 || t[i] == 2) && i + 1 < n && t[i + 1] == t[i]) {
			int k = t[i] - 1;
			i++;
			if (i + 1 < n && (t[i + 1] == '\n' || t[i + 1] == ' ')) {
				memcpy(t + o, ls_ps[k], 3);
				o += 3;
				i++;
			}
			continue;
		}
		t[o++] = t[i];
	}
	return o;
}

/*
 * A block scalar's text, chunk by chunk through libfyaml's token iterator.
 * fy_token_get_text() sizes its buffer from a length estimate that
 * libfyaml 0.7.12 gets wrong for some block scalars (lines of only blanks
 * after a less indented one): the text then comes back empty, and the
 * iterator's buffer leaks (found by fuzz-sops-load).  The iterator itself
 * yields the right text.
 */
static int block_text(struct fy_token *tok, struct ags_buf *tmp)
{
	struct fy_token_iter *it = fy_token_iter_create(tok);
	if (!it)
		return AGS_E_NOMEM;
	const struct fy_iter_chunk *c = NULL;
	int err = 0, r = 0;
	while (r == 0 && (c = fy_token_iter_chunk_next(it, c, &err)) != NULL)
		r = ags_buf_append(tmp, c->str, c->len);
	fy_token_iter_destroy(it);
	if (r == 0 && err)
		r = AGS_E_NOMEM;
	return r;
}

int ags_fy_scalar_text(struct fy_event *e, const char *src, size_t srclen, bool json, struct ags_buf *tmp,
		       const char **s, size_t *n)
{
	enum fy_scalar_style st = fy_token_scalar_style(e->scalar.value);
	const struct fy_mark *sm = fy_event_start_mark(e), *em = fy_event_end_mark(e);
	bool span = sm && em && em->input_pos >= sm->input_pos && em->input_pos <= srclen;
	const char *p = span ? src + sm->input_pos : NULL;
	size_t pn = span ? em->input_pos - sm->input_pos : 0;
	if (span && (st == FYSS_SINGLE_QUOTED || st == FYSS_DOUBLE_QUOTED || st == FYSS_PLAIN)) {
		/* the marks span the content, quotes excluded */
		bool y11 = !json && has_y11_break(p, pn);
		if (y11 || (st == FYSS_SINGLE_QUOTED && memmem(p, pn, "''", 2))) {
			enum flow_kind k = st == FYSS_PLAIN ? FLOW_PLAIN : st == FYSS_SINGLE_QUOTED ? FLOW_SINGLE : FLOW_DOUBLE;
			AGS_TRY(fold(p, pn, k, tmp));
			*s = tmp->len ? (const char *)tmp->data : "";
			*n = tmp->len;
			return 0;
		}
	}
	size_t len = 0;
	const char *t;
	if (st == FYSS_LITERAL || st == FYSS_FOLDED) {
		AGS_TRY(block_text(e->scalar.value, tmp));
		t = tmp->len ? (const char *)tmp->data : "";
		len = tmp->len;
	} else if ((t = fy_token_get_text(e->scalar.value, &len)) == NULL) {
		if (len)
			return AGS_E_NOMEM;
		t = "";
	}
	if ((st == FYSS_LITERAL || st == FYSS_FOLDED) && span && len && t[len - 1] == '\n' &&
	    block_at_eof_unterminated(src, srclen, em->input_pos))
		len--;
	if ((st == FYSS_LITERAL || st == FYSS_FOLDED) && !json && (memchr(t, 1, len) || memchr(t, 2, len)))
		len = unmark_block((char *)tmp->data, len); /* t is tmp's text here */
	*s = t;
	*n = len;
	return 0;
}
