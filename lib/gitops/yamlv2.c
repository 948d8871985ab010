/*
 * go-yaml v2 emission rules for the Secret shapes we print.  Behaviour
 * learned from reading go-yaml v2 (encode.go stringv, resolve.go,
 * emitterc.go, sorter.go); this is an independent implementation of the
 * same observable output, checked against the live kubectl in the tests.
 */
#include "internal.h"
#include "gitops/yamlv2.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BEST_WIDTH 80
#define BEST_INDENT 2
#define SIMPLE_KEY_MAX 128

/* ---- character classes (byte based, as the Go emitter) ---- */

static size_t u8width(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if ((c & 0xE0) == 0xC0)
		return 2;
	if ((c & 0xF0) == 0xE0)
		return 3;
	if ((c & 0xF8) == 0xF0)
		return 4;
	return 1; /* never for coerced input; keeps loops moving */
}

static unsigned char at(const unsigned char *s, size_t len, size_t i)
{
	return i < len ? s[i] : 0;
}

static bool is_space(const unsigned char *s, size_t len, size_t i) { return at(s, len, i) == ' '; }
static bool is_blank(const unsigned char *s, size_t len, size_t i)
{
	unsigned char c = at(s, len, i);
	return c == ' ' || c == '\t';
}
static bool is_break(const unsigned char *s, size_t len, size_t i)
{
	unsigned char c = at(s, len, i);
	if (c == '\r' || c == '\n')
		return true;
	if (c == 0xC2 && at(s, len, i + 1) == 0x85)
		return true;
	if (c == 0xE2 && at(s, len, i + 1) == 0x80 && (at(s, len, i + 2) == 0xA8 || at(s, len, i + 2) == 0xA9))
		return true;
	return false;
}
static bool is_blankz(const unsigned char *s, size_t len, size_t i)
{
	return is_blank(s, len, i) || is_break(s, len, i) || at(s, len, i) == 0;
}
static bool is_printable(const unsigned char *s, size_t len, size_t i)
{
	unsigned char c = at(s, len, i), c1 = at(s, len, i + 1), c2 = at(s, len, i + 2);
	return c == 0x0A || (c >= 0x20 && c <= 0x7E) || (c == 0xC2 && c1 >= 0xA0) || (c > 0xC2 && c < 0xED) ||
	       (c == 0xED && c1 < 0xA0) || c == 0xEE ||
	       (c == 0xEF && !(c1 == 0xBB && c2 == 0xBF) && !(c1 == 0xBF && (c2 == 0xBE || c2 == 0xBF)));
}
static bool is_bom(const unsigned char *s, size_t len, size_t i)
{
	return at(s, len, i) == 0xEF && at(s, len, i + 1) == 0xBB && at(s, len, i + 2) == 0xBF;
}

/* ---- UTF-8 coercion as Go's encoding/json ---- */

static size_t utf8_valid_len(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	size_t n;
	uint32_t min, cp;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2; min = 0x80; cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3; min = 0x800; cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4; min = 0x10000; cp = c & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t k = 1; k < n; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[k] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

int ags_y2_utf8_coerce(const void *p, size_t len, struct ags_buf *out)
{
	const unsigned char *s = p;
	size_t i = 0;
	while (i < len) {
		size_t run = i;
		size_t w;
		while (run < len && (w = utf8_valid_len(s + run, len - run)) > 0)
			run += w;
		AGS_TRY(ags_buf_append(out, s + i, run - i));
		i = run;
		if (i < len) {
			AGS_TRY(ags_buf_append(out, "\xEF\xBF\xBD", 3));
			i++;
		}
	}
	if (!out->data)
		AGS_TRY(ags_buf_append(out, "", 0));
	return 0;
}

/* ---- key order: yaml.v2 keyList.Less ---- */

static bool ascii_letter(unsigned c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80; }
static bool ascii_digit(unsigned c) { return c >= '0' && c <= '9'; }

/* Decodes runes on the fly: keys are valid UTF-8.  Non-ASCII runes count as
 * letters (unicode.IsLetter is true for the scripts keys use in practice). */
static size_t decode_rune(const char *s, size_t len, size_t i, uint32_t *r)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t w = utf8_valid_len(u + i, len - i);
	if (w <= 1) {
		*r = u[i];
		return 1;
	}
	uint32_t cp = u[i] & (w == 2 ? 0x1F : w == 3 ? 0x0F : 0x07);
	for (size_t k = 1; k < w; k++)
		cp = (cp << 6) | (u[i + k] & 0x3F);
	*r = cp;
	return w;
}

#define KEY_RUNES_MAX 1024

static size_t to_runes(const char *s, size_t len, uint32_t *r, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < len && n < cap; n++)
		i += decode_rune(s, len, i, &r[n]);
	return n;
}

static bool rune_letter(uint32_t c) { return ascii_letter(c); }
static bool rune_digit(uint32_t c) { return ascii_digit(c); }

bool ags_y2_key_less(const char *a, size_t alen, const char *b, size_t blen)
{
	uint32_t ar[KEY_RUNES_MAX], br[KEY_RUNES_MAX];
	if (alen > KEY_RUNES_MAX || blen > KEY_RUNES_MAX) {
		int c = memcmp(a, b, AGS_MIN(alen, blen));
		return c < 0 || (c == 0 && alen < blen);
	}
	size_t na = to_runes(a, alen, ar, KEY_RUNES_MAX), nb = to_runes(b, blen, br, KEY_RUNES_MAX);
	for (size_t i = 0; i < na && i < nb; i++) {
		if (ar[i] == br[i])
			continue;
		bool al = rune_letter(ar[i]), bl = rune_letter(br[i]);
		if (al && bl)
			return ar[i] < br[i];
		if (al || bl)
			return bl;
		int64_t an = 0, bn = 0;
		if (ar[i] == '0' || br[i] == '0') {
			for (size_t j = i; j-- > 0 && rune_digit(ar[j]);) {
				if (ar[j] != '0') {
					an = bn = 1;
					break;
				}
			}
		}
		size_t ai, bi;
		for (ai = i; ai < na && rune_digit(ar[ai]); ai++)
			an = (int64_t)((uint64_t)an * 10 + (ar[ai] - '0'));
		for (bi = i; bi < nb && rune_digit(br[bi]); bi++)
			bn = (int64_t)((uint64_t)bn * 10 + (br[bi] - '0'));
		if (an != bn)
			return an < bn;
		if (ai != bi)
			return ai < bi;
		return ar[i] < br[i];
	}
	return na < nb;
}

/* ---- resolve(): would a plain scalar read back as a non-string? ---- */

static bool in_list(const char *s, size_t len, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == len && memcmp(*list, s, len) == 0)
			return true;
	return false;
}

static const char *const resolve_words[] = {
	"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
	"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
	"~", "null", "Null", "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF",
	"+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", NULL,
};

static char resolve_hint(unsigned char c)
{
	if (c == '+' || c == '-')
		return 'S';
	if (ascii_digit(c))
		return 'D';
	if (strchr("yYnNtTfFoO~", c) && c)
		return 'M';
	if (c == '.')
		return '.';
	return 0;
}

/* Go strconv.ParseFloat on a decimal string (the yamlStyleFloat forms and
 * ".5"-like forms): valid unless the value overflows to infinity. */
static bool decimal_float_ok(const char *s, size_t len)
{
	char tmp[128];
	if (len >= sizeof(tmp))
		return true; /* long digit strings are finite unless the exponent is huge; check below */
	memcpy(tmp, s, len);
	tmp[len] = 0;
	errno = 0;
	double v = strtod(tmp, NULL);
	return !isinf(v);
}

/* ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ */
static bool yaml_style_float(const char *s, size_t len)
{
	size_t i = 0;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	if (i < len && s[i] == '.') {
		i++;
		size_t d = i;
		while (i < len && ascii_digit((unsigned char)s[i]))
			i++;
		if (i == d)
			return false;
	} else {
		size_t d = i;
		while (i < len && ascii_digit((unsigned char)s[i]))
			i++;
		if (i == d)
			return false;
		if (i < len && s[i] == '.') {
			i++;
			while (i < len && ascii_digit((unsigned char)s[i]))
				i++;
		}
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '-' || s[i] == '+'))
			i++;
		size_t d = i;
		while (i < len && ascii_digit((unsigned char)s[i]))
			i++;
		if (i == d)
			return false;
	}
	return i == len;
}

/* Go strconv.ParseInt(s, 0, 64) || ParseUint(s, 0, 64) succeeds. */
static bool go_parse_int0(const char *s, size_t len)
{
	size_t i = 0;
	bool neg = false, sign = false;
	if (i < len && (s[i] == '+' || s[i] == '-')) {
		neg = s[i] == '-';
		sign = true;
		i++;
	}
	unsigned base = 10;
	if (i + 1 < len && s[i] == '0') {
		char p = s[i + 1];
		if (p == 'x' || p == 'X') {
			base = 16;
			i += 2;
		} else if (p == 'b' || p == 'B') {
			base = 2;
			i += 2;
		} else if (p == 'o' || p == 'O') {
			base = 8;
			i += 2;
		} else {
			base = 8;
			i += 1;
		}
	}
	if (i >= len)
		return base == 8 && i > 0 && s[i - 1] == '0'; /* "0" or "+0" */
	unsigned __int128 v = 0;
	for (; i < len; i++) {
		unsigned c = (unsigned char)s[i], d;
		if (ascii_digit(c))
			d = c - '0';
		else if (c >= 'a' && c <= 'z')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'Z')
			d = c - 'A' + 10;
		else
			return false;
		if (d >= base)
			return false;
		v = v * base + d;
		if (v > ((unsigned __int128)1 << 64))
			return false;
	}
	if (neg)
		return v <= ((unsigned __int128)1 << 63);
	if (v <= (((unsigned __int128)1 << 63) - 1))
		return true;
	/* ParseUint: no sign allowed */
	return !sign && v <= (((unsigned __int128)1 << 64) - 1);
}

/* ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$ */
static bool base60_float(const char *s, size_t len)
{
	size_t i = 0;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	if (i >= len || !ascii_digit((unsigned char)s[i]))
		return false;
	i++;
	while (i < len && (ascii_digit((unsigned char)s[i]) || s[i] == '_'))
		i++;
	int groups = 0;
	while (i < len && s[i] == ':') {
		i++;
		/* [0-5]?[0-9]: one digit, or two with the first 0-5 */
		if (i < len && ascii_digit((unsigned char)s[i])) {
			if (i + 1 < len && ascii_digit((unsigned char)s[i + 1]) && s[i] <= '5')
				i += 2;
			else
				i += 1;
		} else {
			return false;
		}
		groups++;
	}
	if (!groups)
		return false;
	if (i < len && s[i] == '.') {
		i++;
		while (i < len && (ascii_digit((unsigned char)s[i]) || s[i] == '_'))
			i++;
	}
	return i == len;
}

static size_t digits(const char *s, size_t len, size_t i, size_t min, size_t max, int *val)
{
	size_t n = 0;
	int v = 0;
	while (i + n < len && n < max && ascii_digit((unsigned char)s[i + n])) {
		v = v * 10 + (s[i + n] - '0');
		n++;
	}
	if (n < min)
		return 0;
	*val = v;
	return n;
}

/* yaml.v2 parseTimestamp: YYYY-M-D, optionally with a time (Go layouts
 * "2006-1-2T15:4:5.999999999Z07:00", "2006-1-2t...", "2006-1-2 15:4:5.999999999"). */
static bool timestamp(const char *s, size_t len)
{
	int y, mo, d, h, mi, se;
	size_t i = 0, n;
	if ((n = digits(s, len, i, 4, 4, &y)) == 0 || n != 4)
		return false;
	i += 4;
	if (i >= len || s[i] != '-')
		return false;
	i++;
	if ((n = digits(s, len, i, 1, 2, &mo)) == 0)
		return false;
	i += n;
	if (i >= len || s[i] != '-')
		return false;
	i++;
	if ((n = digits(s, len, i, 1, 2, &d)) == 0)
		return false;
	i += n;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
		return false;
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return false;
	if (i == len)
		return true;
	char sep = s[i];
	if (sep != 'T' && sep != 't' && sep != ' ')
		return false;
	i++;
	if ((n = digits(s, len, i, 1, 2, &h)) == 0)
		return false;
	i += n;
	if (i >= len || s[i] != ':')
		return false;
	i++;
	if ((n = digits(s, len, i, 1, 2, &mi)) == 0)
		return false;
	i += n;
	if (i >= len || s[i] != ':')
		return false;
	i++;
	if ((n = digits(s, len, i, 1, 2, &se)) == 0)
		return false;
	i += n;
	if (h > 23 || mi > 59 || se > 59)
		return false;
	if (i < len && s[i] == '.') {
		size_t f = ++i;
		while (i < len && ascii_digit((unsigned char)s[i]))
			i++;
		if (i == f)
			return false;
	}
	if (sep == ' ')
		return i == len;
	if (i < len && s[i] == 'Z')
		return i + 1 == len;
	if (i < len && (s[i] == '+' || s[i] == '-')) {
		int zh, zm;
		i++;
		if (digits(s, len, i, 2, 2, &zh) != 2)
			return false;
		i += 2;
		if (i >= len || s[i] != ':')
			return false;
		i++;
		if (digits(s, len, i, 2, 2, &zm) != 2)
			return false;
		return i + 2 == len && zh < 24 && zm < 60;
	}
	return false;
}

bool ags_y2_resolves_nonstr(const char *s, size_t len)
{
	if (len == 0)
		return true; /* null */
	if (base60_float(s, len))
		return true;
	char hint = resolve_hint((unsigned char)s[0]);
	if (!hint)
		return false;
	if (in_list(s, len, resolve_words))
		return true;
	if (hint == 'M')
		return false;
	if (hint == '.') {
		/* strconv.ParseFloat on ".xxx": decimal forms only (".inf" etc. above) */
		size_t i = 1, d;
		for (d = i; i < len && ascii_digit((unsigned char)s[i]); i++)
			;
		if (i == d)
			return false;
		if (i < len && (s[i] == 'e' || s[i] == 'E')) {
			i++;
			if (i < len && (s[i] == '+' || s[i] == '-'))
				i++;
			for (d = i; i < len && ascii_digit((unsigned char)s[i]); i++)
				;
			if (i == d)
				return false;
		}
		return i == len && decimal_float_ok(s, len);
	}
	/* 'D' or 'S' */
	if (timestamp(s, len))
		return true;
	char plain[256];
	size_t pl = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '_')
			continue;
		if (pl + 1 >= sizeof(plain))
			return yaml_style_float(s, len); /* long: can only be a digit string */
		plain[pl++] = s[i];
	}
	if (go_parse_int0(plain, pl))
		return true;
	if (yaml_style_float(plain, pl) && decimal_float_ok(plain, pl))
		return true;
	return false;
}

/* ---- the emitter ---- */

struct em {
	struct ags_buf *out;
	int column;
	int indent;
	bool whitespace, indention, open_ended;
	int err;
};

static void put(struct em *e, char c)
{
	if (e->err)
		return;
	e->err = ags_buf_putc(e->out, c);
	e->column++;
}

static void put_break(struct em *e)
{
	if (e->err)
		return;
	e->err = ags_buf_putc(e->out, '\n');
	e->column = 0;
}

/* Copies one UTF-8 character, advancing column by one. */
static void write_ch(struct em *e, const unsigned char *s, size_t len, size_t *i)
{
	size_t w = u8width(s[*i]);
	if (*i + w > len)
		w = len - *i;
	if (!e->err)
		e->err = ags_buf_append(e->out, s + *i, w);
	*i += w;
	e->column++;
}

static void write_break(struct em *e, const unsigned char *s, size_t len, size_t *i)
{
	if (s[*i] == '\n') {
		put_break(e);
		(*i)++;
	} else {
		write_ch(e, s, len, i);
		e->column = 0;
	}
}

static void write_indent(struct em *e)
{
	int indent = e->indent < 0 ? 0 : e->indent;
	if (!e->indention || e->column > indent || (e->column == indent && !e->whitespace))
		put_break(e);
	while (e->column < indent)
		put(e, ' ');
	e->whitespace = true;
	e->indention = true;
}

static void write_indicator(struct em *e, const char *ind, bool need_ws, bool is_ws, bool is_indention)
{
	if (need_ws && !e->whitespace)
		put(e, ' ');
	for (; *ind; ind++)
		put(e, *ind);
	e->whitespace = is_ws;
	e->indention = e->indention && is_indention;
	e->open_ended = false;
}

struct analysis {
	bool multiline, block_plain_allowed, single_quoted_allowed, block_allowed;
};

static struct analysis analyze(const unsigned char *v, size_t len)
{
	struct analysis a = { false, true, true, false };
	if (len == 0)
		return a;
	bool block_ind = false, line_breaks = false, special = false;
	bool leading_space = false, leading_break = false, trailing_space = false, trailing_break = false;
	bool break_space = false, space_break = false;
	bool preceded_ws = true, followed_ws, prev_space = false, prev_break = false;
	if (len >= 3 && ((v[0] == '-' && v[1] == '-' && v[2] == '-') || (v[0] == '.' && v[1] == '.' && v[2] == '.')))
		block_ind = true;
	for (size_t i = 0, w; i < len; i += w) {
		w = u8width(v[i]);
		followed_ws = i + w >= len || is_blank(v, len, i + w);
		if (i == 0) {
			switch (v[i]) {
			case '#': case ',': case '[': case ']': case '{': case '}': case '&': case '*':
			case '!': case '|': case '>': case '\'': case '"': case '%': case '@': case '`':
				block_ind = true;
				break;
			case '?': case ':': case '-':
				if (followed_ws)
					block_ind = true;
				break;
			}
		} else {
			if (v[i] == ':' && followed_ws)
				block_ind = true;
			if (v[i] == '#' && preceded_ws)
				block_ind = true;
		}
		if (!is_printable(v, len, i))
			special = true;
		if (is_space(v, len, i)) {
			if (i == 0)
				leading_space = true;
			if (i + w == len)
				trailing_space = true;
			if (prev_break)
				break_space = true;
			prev_space = true;
			prev_break = false;
		} else if (is_break(v, len, i)) {
			line_breaks = true;
			if (i == 0)
				leading_break = true;
			if (i + w == len)
				trailing_break = true;
			if (prev_space)
				space_break = true;
			prev_space = false;
			prev_break = true;
		} else {
			prev_space = prev_break = false;
		}
		preceded_ws = is_blankz(v, len, i);
	}
	a.multiline = line_breaks;
	a.block_plain_allowed = true;
	a.single_quoted_allowed = true;
	a.block_allowed = true;
	if (leading_space || leading_break || trailing_space || trailing_break)
		a.block_plain_allowed = false;
	if (trailing_space)
		a.block_allowed = false;
	if (break_space)
		a.block_plain_allowed = a.single_quoted_allowed = false;
	if (space_break || special)
		a.block_plain_allowed = a.single_quoted_allowed = a.block_allowed = false;
	if (line_breaks)
		a.block_plain_allowed = false;
	if (block_ind)
		a.block_plain_allowed = false;
	return a;
}

static void write_plain(struct em *e, const unsigned char *v, size_t len, bool allow_breaks)
{
	if (!e->whitespace)
		put(e, ' ');
	bool spaces = false, breaks = false;
	for (size_t i = 0; i < len && !e->err;) {
		if (is_space(v, len, i)) {
			if (allow_breaks && !spaces && e->column > BEST_WIDTH && !is_space(v, len, i + 1)) {
				write_indent(e);
				i++;
			} else {
				write_ch(e, v, len, &i);
			}
			spaces = true;
		} else if (is_break(v, len, i)) {
			if (!breaks && v[i] == '\n')
				put_break(e);
			write_break(e, v, len, &i);
			e->indention = true;
			breaks = true;
		} else {
			if (breaks)
				write_indent(e);
			write_ch(e, v, len, &i);
			e->indention = false;
			spaces = breaks = false;
		}
	}
	e->whitespace = false;
	e->indention = false;
}

static void write_single(struct em *e, const unsigned char *v, size_t len, bool allow_breaks)
{
	write_indicator(e, "'", true, false, false);
	bool spaces = false, breaks = false;
	for (size_t i = 0; i < len && !e->err;) {
		if (is_space(v, len, i)) {
			if (allow_breaks && !spaces && e->column > BEST_WIDTH && i > 0 && i < len - 1 &&
			    !is_space(v, len, i + 1)) {
				write_indent(e);
				i++;
			} else {
				write_ch(e, v, len, &i);
			}
			spaces = true;
		} else if (is_break(v, len, i)) {
			if (!breaks && v[i] == '\n')
				put_break(e);
			write_break(e, v, len, &i);
			e->indention = true;
			breaks = true;
		} else {
			if (breaks)
				write_indent(e);
			if (v[i] == '\'')
				put(e, '\'');
			write_ch(e, v, len, &i);
			e->indention = false;
			spaces = breaks = false;
		}
	}
	write_indicator(e, "'", false, false, false);
	e->whitespace = false;
	e->indention = false;
}

static void write_double(struct em *e, const unsigned char *v, size_t len, bool allow_breaks)
{
	static const char hex[] = "0123456789ABCDEF";
	bool spaces = false;
	write_indicator(e, "\"", true, false, false);
	for (size_t i = 0; i < len && !e->err;) {
		if (!is_printable(v, len, i) || is_bom(v, len, i) || is_break(v, len, i) || v[i] == '"' ||
		    v[i] == '\\') {
			size_t w = u8width(v[i]);
			uint32_t r = v[i] & (w == 1 ? 0x7F : w == 2 ? 0x1F : w == 3 ? 0x0F : 0x07);
			for (size_t k = 1; k < w && i + k < len; k++)
				r = (r << 6) | (v[i + k] & 0x3F);
			i += w;
			put(e, '\\');
			switch (r) {
			case 0x00: put(e, '0'); break;
			case 0x07: put(e, 'a'); break;
			case 0x08: put(e, 'b'); break;
			case 0x09: put(e, 't'); break;
			case 0x0A: put(e, 'n'); break;
			case 0x0B: put(e, 'v'); break;
			case 0x0C: put(e, 'f'); break;
			case 0x0D: put(e, 'r'); break;
			case 0x1B: put(e, 'e'); break;
			case 0x22: put(e, '"'); break;
			case 0x5C: put(e, '\\'); break;
			case 0x85: put(e, 'N'); break;
			case 0xA0: put(e, '_'); break;
			case 0x2028: put(e, 'L'); break;
			case 0x2029: put(e, 'P'); break;
			default: {
				int nd;
				if (r <= 0xFF) {
					put(e, 'x');
					nd = 2;
				} else if (r <= 0xFFFF) {
					put(e, 'u');
					nd = 4;
				} else {
					put(e, 'U');
					nd = 8;
				}
				for (int k = (nd - 1) * 4; k >= 0; k -= 4)
					put(e, hex[(r >> k) & 0xF]);
			}
			}
			spaces = false;
		} else if (is_space(v, len, i)) {
			if (allow_breaks && !spaces && e->column > BEST_WIDTH && i > 0 && i < len - 1) {
				write_indent(e);
				if (is_space(v, len, i + 1))
					put(e, '\\');
				i++;
			} else {
				write_ch(e, v, len, &i);
			}
			spaces = true;
		} else {
			write_ch(e, v, len, &i);
			spaces = false;
		}
	}
	write_indicator(e, "\"", false, false, false);
	e->whitespace = false;
	e->indention = false;
}

static void write_literal(struct em *e, const unsigned char *v, size_t len)
{
	write_indicator(e, "|", true, false, false);
	if (is_space(v, len, 0) || is_break(v, len, 0)) {
		char hint[2] = { (char)('0' + BEST_INDENT), 0 };
		write_indicator(e, hint, false, false, false);
	}
	e->open_ended = false;
	const char *chomp = NULL;
	if (len == 0) {
		chomp = "-";
	} else {
		size_t i = len - 1;
		while (i > 0 && (v[i] & 0xC0) == 0x80)
			i--;
		if (!is_break(v, len, i)) {
			chomp = "-";
		} else if (i == 0) {
			chomp = "+";
			e->open_ended = true;
		} else {
			i--;
			while (i > 0 && (v[i] & 0xC0) == 0x80)
				i--;
			if (is_break(v, len, i)) {
				chomp = "+";
				e->open_ended = true;
			}
		}
	}
	if (chomp) {
		bool oe = e->open_ended;
		write_indicator(e, chomp, false, false, false);
		e->open_ended = oe;
	}
	put_break(e);
	e->indention = true;
	e->whitespace = true;
	bool breaks = true;
	for (size_t i = 0; i < len && !e->err;) {
		if (is_break(v, len, i)) {
			write_break(e, v, len, &i);
			e->indention = true;
			breaks = true;
		} else {
			if (breaks)
				write_indent(e);
			write_ch(e, v, len, &i);
			e->indention = false;
			breaks = false;
		}
	}
}

enum style { ST_PLAIN, ST_SINGLE, ST_DOUBLE, ST_LITERAL };

/* Emits a string scalar at indent `indent` (yaml.v2 stringv + select_scalar_style). */
static void emit_str(struct em *e, const char *s, size_t len, bool simple_key, int indent)
{
	const unsigned char *v = (const unsigned char *)s;
	enum style st;
	if (memchr(s, '\n', len))
		st = ST_LITERAL;
	else if (!ags_y2_resolves_nonstr(s, len))
		st = ST_PLAIN;
	else
		st = ST_DOUBLE;
	struct analysis a = analyze(v, len);
	if (st == ST_PLAIN) {
		if (!a.block_plain_allowed)
			st = ST_SINGLE;
		if (len == 0 && simple_key)
			st = ST_SINGLE;
	}
	if (st == ST_SINGLE && !a.single_quoted_allowed)
		st = ST_DOUBLE;
	if (st == ST_LITERAL && (!a.block_allowed || simple_key))
		st = ST_DOUBLE;
	int saved = e->indent;
	e->indent = indent;
	switch (st) {
	case ST_PLAIN: write_plain(e, v, len, !simple_key); break;
	case ST_SINGLE: write_single(e, v, len, !simple_key); break;
	case ST_DOUBLE: write_double(e, v, len, !simple_key); break;
	case ST_LITERAL: write_literal(e, v, len); break;
	}
	e->indent = saved;
}

static int cmp_items(const void *pa, const void *pb)
{
	const struct ags_y2_item *a = pa, *b = pb;
	if (ags_y2_key_less(a->key, a->klen, b->key, b->klen))
		return -1;
	if (ags_y2_key_less(b->key, b->klen, a->key, a->klen))
		return 1;
	return 0;
}

static void emit_value(struct em *e, struct ags_y2_node *n, int indent);

static void emit_map(struct em *e, struct ags_y2_node *m, int indent)
{
	if (m->n == 0) {
		write_indicator(e, "{", true, true, false);
		write_indicator(e, "}", false, false, false);
		return;
	}
	qsort(m->items, m->n, sizeof(*m->items), cmp_items);
	for (size_t i = 0; i < m->n && !e->err; i++) {
		struct ags_y2_item *it = &m->items[i];
		e->indent = indent;
		write_indent(e);
		struct analysis a = analyze((const unsigned char *)it->key, it->klen);
		bool simple = !a.multiline && it->klen <= SIMPLE_KEY_MAX;
		if (simple) {
			emit_str(e, it->key, it->klen, true, indent + BEST_INDENT);
			write_indicator(e, ":", false, false, false);
		} else {
			write_indicator(e, "?", true, false, true);
			emit_str(e, it->key, it->klen, false, indent + BEST_INDENT);
			e->indent = indent;
			write_indent(e);
			write_indicator(e, ":", true, false, true);
		}
		emit_value(e, &it->val, indent);
	}
}

static void emit_value(struct em *e, struct ags_y2_node *n, int indent)
{
	switch (n->kind) {
	case AGS_Y2_NULL:
		write_plain(e, (const unsigned char *)"null", 4, true);
		break;
	case AGS_Y2_STR:
		emit_str(e, n->s, n->len, false, indent + BEST_INDENT);
		break;
	case AGS_Y2_MAP:
		emit_map(e, n, indent + BEST_INDENT);
		break;
	}
}

int ags_y2_emit_map(struct ags_y2_node *m, struct ags_buf *out)
{
	struct em e = { .out = out, .column = 0, .indent = -1, .whitespace = true, .indention = true };
	if (m->kind != AGS_Y2_MAP)
		return AGS_E_INVAL;
	emit_map(&e, m, 0);
	/* document end: a final line break, then "..." if the last scalar left the stream open */
	e.indent = -1;
	write_indent(&e);
	if (e.open_ended) {
		write_indicator(&e, "...", true, false, false);
		write_indent(&e);
	}
	return e.err;
}
