/*
 * go-yaml v2's resolve() for strings we are about to write: whether a plain
 * scalar would read back as something other than a string (bool, null,
 * int, float, timestamp, v2's base-60 floats), so that sigs.k8s.io/yaml
 * output quotes it.  Learned from go-yaml v2 resolve.go and Go's strconv;
 * our own code.
 */
#include "internal.h"
#include "yaml/yamlv2.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool ascii_digit(unsigned c) { return c >= '0' && c <= '9'; }

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

/* Advances *i over ASCII digits; returns how many. */
static size_t skip_digits(const char *s, size_t len, size_t *i)
{
	size_t d = *i;
	while (*i < len && ascii_digit((unsigned char)s[*i]))
		(*i)++;
	return *i - d;
}

bool ags_yaml_float_syntax(const char *s, size_t len)
{
	size_t i = 0;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	if (i < len && s[i] == '.') {
		i++;
		if (!skip_digits(s, len, &i))
			return false;
	} else {
		if (!skip_digits(s, len, &i))
			return false;
		if (i < len && s[i] == '.') {
			i++;
			skip_digits(s, len, &i);
		}
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '-' || s[i] == '+'))
			i++;
		if (!skip_digits(s, len, &i))
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

/* A number of min (4: exactly 4, else 1 or 2) digits at *i, then sep (0:
 * nothing); advances *i past both. */
static bool field(const char *s, size_t len, size_t *i, size_t min, int *val, char sep)
{
	size_t n = digits(s, len, *i, min, min == 4 ? 4 : 2, val);
	if (!n)
		return false;
	*i += n;
	if (!sep)
		return true;
	if (*i >= len || s[*i] != sep)
		return false;
	(*i)++;
	return true;
}

/* yaml.v2 parseTimestamp: YYYY-M-D, optionally with a time (Go layouts
 * "2006-1-2T15:4:5.999999999Z07:00", "2006-1-2t...", "2006-1-2 15:4:5.999999999"). */
static bool timestamp(const char *s, size_t len)
{
	int y, mo, d, h, mi, se;
	size_t i = 0;
	if (!field(s, len, &i, 4, &y, '-') || !field(s, len, &i, 1, &mo, '-') || !field(s, len, &i, 1, &d, 0))
		return false;
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
	if (!field(s, len, &i, 1, &h, ':') || !field(s, len, &i, 1, &mi, ':') || !field(s, len, &i, 1, &se, 0))
		return false;
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
		return ags_yaml_float_syntax(s, len) && decimal_float_ok(s, len);
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
			return ags_yaml_float_syntax(s, len); /* long: can only be a digit string */
		plain[pl++] = s[i];
	}
	if (go_parse_int0(plain, pl))
		return true;
	if (ags_yaml_float_syntax(plain, pl) && decimal_float_ok(plain, pl))
		return true;
	return false;
}
