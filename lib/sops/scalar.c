#include "internal.h"
#include "sops/scalar.h"
#include "yaml/yamlv2.h"
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- C locale for strtod/printf, whatever the process locale is ---- */

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void c_locale_init(void)
{
	c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

static locale_t get_c_locale(void)
{
	pthread_once(&c_locale_once, c_locale_init);
	return c_locale;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* ---- floats ---- */

/* Room for n bytes and a NUL: tmp when they fit (the usual short scalar),
 * else the heap (*heap, freed by the caller).  NULL when out of memory. */
static char *scratch(size_t n, char *tmp, size_t cap, char **heap)
{
	*heap = NULL;
	if (n < cap)
		return tmp;
	*heap = malloc(n + 1);
	return *heap;
}

/* strtod on a string already known to be decimal float syntax; Go's
 * ParseFloat fails only on overflow (underflow rounds to 0 silently). */
static bool strtod_checked(const char *s, size_t n, double *out)
{
	char tmp[128], *heap;
	char *p = scratch(n, tmp, sizeof(tmp), &heap);
	if (!p)
		return false;
	memcpy(p, s, n);
	p[n] = 0;
	errno = 0;
	char *end;
	double v = strtod_l(p, &end, get_c_locale());
	bool ok = end == p + n && !isinf(v);
	free(heap);
	if (ok)
		*out = v;
	return ok;
}

bool ags_parse_float_dec(const char *s, size_t n, double *out)
{
	if (!ags_yaml_float_syntax(s, n))
		return false;
	return strtod_checked(s, n, out);
}

/* Tries the mantissa of buf ("d.ddde+XX") with its last digit one up, then
 * one down (with carry/borrow, never changing the first digit's position);
 * keeps the first that reads back as f. */
static bool neighbour_digits(char *buf, double f)
{
	char *ex = strchr(buf, 'e');
	if (!ex || ex == buf)
		return false;
	for (int dir = 1; dir >= -1; dir -= 2) {
		char c[64];
		snprintf(c, sizeof(c), "%s", buf);
		char *q = c + (ex - buf) - 1;
		bool ok = false;
		for (; q >= c; q--) {
			if (*q == '.')
				continue;
			if (dir > 0 && *q < '9') {
				(*q)++;
				ok = true;
				break;
			}
			if (dir < 0 && *q > '0') {
				(*q)--;
				ok = q != c || *q != '0';
				break;
			}
			*q = dir > 0 ? '0' : '9';
		}
		if (ok && strtod(c, NULL) == f) {
			memcpy(buf, c, strlen(c) + 1);
			return true;
		}
	}
	return false;
}

/* Shortest decimal digits that read back as f (f finite, > 0).  digits gets
 * nd ASCII digits without trailing zeros; the value is 0.d1d2... x 10^dp. */
static void shortest_digits(double f, char *digits, int *nd, int *dp)
{
	char buf[64];
	locale_t old = uselocale(get_c_locale());
	for (int prec = 0; prec < 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*e", prec, f);
		if (strtod(buf, NULL) == f)
			break;
		/* Near powers of two the rounding interval is lopsided: the
		 * correctly rounded prec+1 digits may miss while a neighbour in the
		 * last digit reads back, and Go's shortest algorithm finds it. */
		if (prec > 0 && neighbour_digits(buf, f))
			break;
	}
	uselocale(old);
	/* buf: d[.ddd]e[+-]xx */
	int k = 0;
	const char *p = buf;
	for (; *p && *p != 'e'; p++)
		if (is_digit(*p))
			digits[k++] = *p;
	int e = atoi(p + 1);
	while (k > 1 && digits[k - 1] == '0')
		k--;
	digits[k] = 0;
	*nd = k;
	*dp = e + 1;
}

static size_t fmt_e(char *buf, size_t o, const char *d, int nd, int dp, char echar, int min_exp_digits)
{
	buf[o++] = d[0];
	if (nd > 1) {
		buf[o++] = '.';
		memcpy(buf + o, d + 1, (size_t)nd - 1);
		o += (size_t)nd - 1;
	}
	buf[o++] = echar;
	int e = dp - 1;
	if (e < 0) {
		buf[o++] = '-';
		e = -e;
	} else {
		buf[o++] = '+';
	}
	char eb[8];
	int el = snprintf(eb, sizeof(eb), "%0*d", min_exp_digits, e);
	memcpy(buf + o, eb, (size_t)el);
	return o + (size_t)el;
}

static size_t fmt_f(char *buf, size_t o, const char *d, int nd, int dp)
{
	if (dp <= 0) {
		buf[o++] = '0';
		buf[o++] = '.';
		for (int i = 0; i < -dp; i++)
			buf[o++] = '0';
		memcpy(buf + o, d, (size_t)nd);
		return o + (size_t)nd;
	}
	for (int i = 0; i < dp; i++)
		buf[o++] = i < nd ? d[i] : '0';
	if (nd > dp) {
		buf[o++] = '.';
		memcpy(buf + o, d + dp, (size_t)(nd - dp));
		o += (size_t)(nd - dp);
	}
	return o;
}

size_t ags_fmt_float_go(double f, char fmt, char *buf)
{
	if (isnan(f))
		return (size_t)sprintf(buf, "NaN");
	if (isinf(f))
		return (size_t)sprintf(buf, f > 0 ? "+Inf" : "-Inf");
	size_t o = 0;
	if (signbit(f)) {
		buf[o++] = '-';
		f = -f;
	}
	char d[32];
	int nd, dp;
	if (f == 0) {
		d[0] = '0';
		d[1] = 0;
		nd = 1;
		dp = 1;
	} else {
		shortest_digits(f, d, &nd, &dp);
	}
	switch (fmt) {
	case 'e':
	case 'E':
		o = fmt_e(buf, o, d, nd, dp, fmt, 2);
		break;
	case 'f':
		o = fmt_f(buf, o, d, nd, dp);
		break;
	default: { /* 'g' / 'G': shortest uses an exponent threshold of 6 (%e when exp < -4 || exp >= 21 is json's) */
		int exp = dp - 1;
		int eprec = 6;
		if (f == 0)
			exp = 0;
		if (exp < -4 || exp >= eprec) {
			/* Go: prec = nd, so nd-1 digits after the point */
			o = fmt_e(buf, o, d, nd, dp, fmt == 'G' ? 'E' : 'e', 2);
		} else {
			o = fmt_f(buf, o, d, nd, dp);
		}
		break;
	}
	}
	buf[o] = 0;
	return o;
}

size_t ags_fmt_float_yaml(double f, char *buf)
{
	if (isnan(f))
		return (size_t)sprintf(buf, ".nan");
	if (isinf(f))
		return (size_t)sprintf(buf, f > 0 ? ".inf" : "-.inf");
	return ags_fmt_float_go(f, 'g', buf);
}

size_t ags_fmt_float_json(double f, char *buf)
{
	if (isnan(f) || isinf(f))
		return 0;
	double a = fabs(f);
	if (a != 0 && (a < 1e-6 || a >= 1e21)) {
		size_t n = ags_fmt_float_go(f, 'e', buf);
		/* clean up e-09 to e-9 */
		if (n >= 4 && buf[n - 4] == 'e' && buf[n - 3] == '-' && buf[n - 2] == '0') {
			buf[n - 2] = buf[n - 1];
			buf[--n] = 0;
		}
		return n;
	}
	return ags_fmt_float_go(f, 'f', buf);
}

/* ---- integers (strconv.ParseInt/ParseUint with base 0) ---- */

/* Parses an unsigned Go base-0 literal (no sign).  Returns false on syntax
 * error or if it does not fit in 64 bits. */
static bool parse_uint_base0(const char *s, size_t n, uint64_t *out)
{
	if (n == 0)
		return false;
	unsigned base = 10;
	size_t i = 0;
	if (s[0] == '0' && n > 1) {
		char c = (char)(s[1] | 0x20);
		if (c == 'x') {
			base = 16;
			i = 2;
		} else if (c == 'o') {
			base = 8;
			i = 2;
		} else if (c == 'b') {
			base = 2;
			i = 2;
		} else {
			base = 8;
			i = 1;
		}
		if (i == n)
			return false;
	}
	uint64_t v = 0;
	for (; i < n; i++) {
		unsigned d;
		char c = s[i];
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (unsigned)((c | 0x20) - 'a' + 10);
		else
			return false;
		if (d >= base)
			return false;
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

/* ---- timestamps (Go time.Parse with go-yaml's four layouts) ---- */

static bool getnum12(const char *s, size_t n, size_t *i, int *v)
{
	if (*i >= n || !is_digit(s[*i]))
		return false;
	int x = s[(*i)++] - '0';
	if (*i < n && is_digit(s[*i]))
		x = x * 10 + (s[(*i)++] - '0');
	*v = x;
	return true;
}

static int days_in(int month, int year)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (month == 2 && (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
		return 29;
	return d[month - 1];
}

bool ags_yaml_parse_timestamp(const char *s, size_t n, char out[AGS_TIME_TEXT_MAX], size_t *outlen)
{
	size_t i = 0;
	while (i < n && is_digit(s[i]))
		i++;
	if (i != 4 || i == n || s[i] != '-')
		return false;
	int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int month, day, hour = 0, min = 0, sec = 0, off = 0;
	long nsec = 0;
	i++;
	if (!getnum12(s, n, &i, &month) || month < 1 || month > 12)
		return false;
	if (i >= n || s[i] != '-')
		return false;
	i++;
	if (!getnum12(s, n, &i, &day))
		return false;
	if (i < n) {
		char sep = s[i];
		bool zoned;
		if (sep == 'T' || sep == 't')
			zoned = true;
		else if (sep == ' ')
			zoned = false;
		else
			return false;
		i++;
		if (!getnum12(s, n, &i, &hour) || hour > 23)
			return false;
		if (i >= n || s[i] != ':')
			return false;
		i++;
		if (!getnum12(s, n, &i, &min) || min > 59)
			return false;
		if (i >= n || s[i] != ':')
			return false;
		i++;
		if (!getnum12(s, n, &i, &sec) || sec > 59)
			return false;
		if (i + 1 < n && (s[i] == '.' || s[i] == ',') && is_digit(s[i + 1])) {
			i++;
			int k = 0;
			while (i < n && is_digit(s[i])) {
				if (k < 9) {
					nsec = nsec * 10 + (s[i] - '0');
					k++;
				}
				i++;
			}
			for (; k < 9; k++)
				nsec *= 10;
		}
		if (zoned) {
			if (i < n && s[i] == 'Z') {
				i++;
			} else {
				if (n - i < 6 || s[i + 3] != ':')
					return false;
				char sign = s[i];
				if (!is_digit(s[i + 1]) || !is_digit(s[i + 2]) || !is_digit(s[i + 4]) || !is_digit(s[i + 5]))
					return false;
				int hh = (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
				int mm = (s[i + 4] - '0') * 10 + (s[i + 5] - '0');
				if (hh > 24 || mm > 60)
					return false;
				off = (hh * 60 + mm) * 60;
				if (sign == '-')
					off = -off;
				else if (sign != '+')
					return false;
				i += 6;
			}
		}
		if (i != n)
			return false;
	}
	if (day < 1 || day > days_in(month, year))
		return false;
	int o = snprintf(out, AGS_TIME_TEXT_MAX, "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, hour, min, sec);
	if (nsec) {
		char f[24];
		snprintf(f, sizeof(f), ".%09ld", nsec);
		int fl = 10;
		while (f[fl - 1] == '0')
			fl--;
		memcpy(out + o, f, (size_t)fl);
		o += fl;
	}
	if (off == 0) {
		out[o++] = 'Z';
	} else {
		int a = off < 0 ? -off : off;
		o += snprintf(out + o, (size_t)(AGS_TIME_TEXT_MAX - o), "%c%02d:%02d", off < 0 ? '-' : '+', a / 3600,
			      (a % 3600) / 60);
	}
	out[o] = 0;
	*outlen = (size_t)o;
	return true;
}

/* ---- the resolver ---- */

static bool eq(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

static bool eq_any(const char *s, size_t n, const char *const *lits)
{
	for (; *lits; lits++)
		if (eq(s, n, *lits))
			return true;
	return false;
}

static const char *const true_words[] = { "true", "True", "TRUE", NULL };
static const char *const false_words[] = { "false", "False", "FALSE", NULL };
static const char *const null_words[] = { "~", "null", "Null", "NULL", NULL };
static const char *const nan_words[] = { ".nan", ".NaN", ".NAN", NULL };
static const char *const inf_words[] = { ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", NULL };
static const char *const ninf_words[] = { "-.inf", "-.Inf", "-.INF", NULL };

static void set_kind(struct ags_scalar_type *out, enum ags_val_kind k)
{
	memset(out, 0, sizeof(*out));
	out->kind = k;
}

static bool set_float(struct ags_scalar_type *out, double f)
{
	set_kind(out, AGS_VAL_FLOAT);
	out->f = f;
	return true;
}

/* A timestamp in one of go-yaml's four layouts makes out a TIME. */
static bool resolve_time(const char *s, size_t n, struct ags_scalar_type *out)
{
	char t[AGS_TIME_TEXT_MAX];
	size_t tl;
	if (!ags_yaml_parse_timestamp(s, n, t, &tl))
		return false;
	set_kind(out, AGS_VAL_TIME);
	memcpy(out->time, t, tl + 1);
	out->time_len = tl;
	return true;
}

/* The resolveMap lookup: true when s is one of the fixed words. */
static bool resolve_word(const char *s, size_t n, struct ags_scalar_type *out)
{
	if (eq_any(s, n, true_words) || eq_any(s, n, false_words)) {
		set_kind(out, AGS_VAL_BOOL);
		out->b = s[0] == 't' || s[0] == 'T';
		return true;
	}
	if (eq_any(s, n, null_words)) {
		set_kind(out, AGS_VAL_NULL);
		return true;
	}
	if (eq_any(s, n, nan_words)) {
		set_kind(out, AGS_VAL_FLOAT);
		out->f = NAN;
		return true;
	}
	if (eq_any(s, n, inf_words))
		return set_float(out, INFINITY);
	if (eq_any(s, n, ninf_words))
		return set_float(out, -INFINITY);
	return false;
}

/* int, then uint, then float, on the text with underscores removed. */
static bool resolve_number(const char *s, size_t n, struct ags_scalar_type *out)
{
	char tmp[128], *heap;
	char *p = scratch(n, tmp, sizeof(tmp), &heap);
	if (!p)
		return false;
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] != '_')
			p[m++] = s[i];
	bool ok = false;
	size_t i = 0;
	bool neg = false;
	if (m && (p[0] == '+' || p[0] == '-')) {
		neg = p[0] == '-';
		i = 1;
	}
	uint64_t u;
	if (parse_uint_base0(p + i, m - i, &u)) {
		if (neg && u <= (uint64_t)INT64_MAX + 1) {
			set_kind(out, AGS_VAL_INT);
			out->i = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
			ok = true;
		} else if (!neg && u <= (uint64_t)INT64_MAX) {
			set_kind(out, AGS_VAL_INT);
			out->i = (int64_t)u;
			ok = true;
		} else if (i == 0) {
			/* ParseUint takes no sign */
			set_kind(out, AGS_VAL_INT);
			out->uint_range = true;
			ok = true;
		}
	}
	double f;
	if (!ok && ags_parse_float_dec(p, m, &f))
		ok = set_float(out, f);
	free(heap);
	return ok;
}

void ags_yaml_resolve(const char *s, size_t n, struct ags_scalar_type *out)
{
	if (n == 0) {
		set_kind(out, AGS_VAL_NULL);
		return;
	}
	char c = s[0];
	if (strchr("yYnNtTfFoO~", c)) {
		if (resolve_word(s, n, out))
			return;
	} else if (c == '.') {
		if (resolve_word(s, n, out))
			return;
		double f; /* a float starting with '.' */
		if (ags_parse_float_dec(s, n, &f)) {
			set_float(out, f);
			return;
		}
	} else if (c == '+' || c == '-' || is_digit(c)) {
		if (resolve_word(s, n, out))
			return;
		if (resolve_time(s, n, out))
			return;
		if (resolve_number(s, n, out))
			return;
	}
	set_kind(out, AGS_VAL_STR);
}

static const char *short_tag(const char *tag)
{
	static const char prefix[] = "tag:yaml.org,2002:";
	if (strncmp(tag, prefix, sizeof(prefix) - 1) == 0)
		return tag + sizeof(prefix) - 1;
	if (tag[0] == '!' && tag[1] == '!')
		return tag + 2;
	return NULL;
}

bool ags_yaml_resolve_tagged(const char *tag, const char *s, size_t n, struct ags_scalar_type *out)
{
	const char *t = short_tag(tag);
	struct ags_scalar_type r;
	if (!t)
		return false;
	if (strcmp(t, "str") == 0) {
		set_kind(out, AGS_VAL_STR);
		return true;
	}
	if (strcmp(t, "timestamp") == 0) {
		return resolve_time(s, n, out);
	}
	ags_yaml_resolve(s, n, &r);
	enum ags_val_kind want;
	if (strcmp(t, "int") == 0)
		want = AGS_VAL_INT;
	else if (strcmp(t, "float") == 0)
		want = AGS_VAL_FLOAT;
	else if (strcmp(t, "bool") == 0)
		want = AGS_VAL_BOOL;
	else if (strcmp(t, "null") == 0)
		want = AGS_VAL_NULL;
	else
		return false;
	if (r.kind == AGS_VAL_TIME && want != AGS_VAL_TIME) {
		/* untagged resolution tries timestamps first; a tagged int never is one */
		if (!resolve_number(s, n, &r))
			return false;
	}
	if (want == AGS_VAL_FLOAT && r.kind == AGS_VAL_INT && !r.uint_range) {
		double f = (double)r.i;
		set_kind(out, AGS_VAL_FLOAT);
		out->f = f;
		return true;
	}
	if (r.kind != want)
		return false;
	*out = r;
	return true;
}

static bool is_old_bool(const char *s, size_t n)
{
	static const char *const w[] = { "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no",
					 "No", "NO", "off", "Off", "OFF", NULL };
	return eq_any(s, n, w);
}

/* ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$ */
static bool is_base60_float(const char *s, size_t n)
{
	size_t i = 0;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	if (i >= n || !is_digit(s[i]))
		return false;
	i++;
	while (i < n && (is_digit(s[i]) || s[i] == '_'))
		i++;
	int groups = 0;
	while (i < n && s[i] == ':') {
		i++;
		/* [0-5]?[0-9]: one or two digits, the first of two at most 5 */
		if (i >= n || !is_digit(s[i]))
			return false;
		if (i + 1 < n && is_digit(s[i + 1]) && s[i] <= '5')
			i += 2;
		else
			i += 1;
		groups++;
	}
	if (groups == 0)
		return false;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && (is_digit(s[i]) || s[i] == '_'))
			i++;
	}
	return i == n;
}

bool ags_yaml_str_needs_quotes(const char *s, size_t n)
{
	struct ags_scalar_type t;
	ags_yaml_resolve(s, n, &t);
	if (t.kind != AGS_VAL_STR)
		return true;
	return is_old_bool(s, n) || is_base60_float(s, n);
}
