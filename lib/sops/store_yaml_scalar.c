/*
 * Typing the YAML loader's scalars: go-yaml v3's resolution (sops/scalar.c)
 * for YAML, sops' JSON rules for JSON.
 */
#include "internal.h"
#include "sops/store_yaml_int.h"
#include "sops/scalar.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* out takes t when it is null, a bool, an int or a float (nothing to
 * allocate); false for the other kinds. */
static bool set_typed(struct ags_value *out, const struct ags_scalar_type *t)
{
	if (t->kind == AGS_VAL_BOOL)
		out->b = t->b;
	else if (t->kind == AGS_VAL_INT)
		out->i = t->i;
	else if (t->kind == AGS_VAL_FLOAT)
		out->f = t->f;
	else if (t->kind != AGS_VAL_NULL)
		return false;
	out->kind = t->kind;
	return true;
}

/* sops 3.13.2 JSON numbers: an int64 literal is an int, anything else a
 * float64 (json.Number.Float64 fails on overflow). */
static int json_type(struct loader *L, const char *s, size_t n, uint32_t line, struct ags_scalar_type *t)
{
	memset(t, 0, sizeof(*t));
	if (n == 4 && memcmp(s, "true", 4) == 0) {
		t->kind = AGS_VAL_BOOL;
		t->b = true;
		return 0;
	}
	if (n == 5 && memcmp(s, "false", 5) == 0) {
		t->kind = AGS_VAL_BOOL;
		return 0;
	}
	if (n == 4 && memcmp(s, "null", 4) == 0) {
		t->kind = AGS_VAL_NULL;
		return 0;
	}
	size_t i = 0;
	bool neg = false, intlit = true;
	if (i < n && s[i] == '-') {
		neg = true;
		i++;
	}
	size_t d0 = i;
	if (i < n && s[i] == '0')
		i++;
	else
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	bool ok = i > d0;
	if (ok && i < n && s[i] == '.') {
		intlit = false;
		size_t f0 = ++i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		ok = i > f0;
	}
	if (ok && i < n && (s[i] == 'e' || s[i] == 'E')) {
		intlit = false;
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		size_t e0 = i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		ok = i > e0;
	}
	if (!ok || i != n)
		return ags_yl_fail(L, AGS_E_SOPS_FORMAT, line, "invalid JSON value");
	if (intlit) {
		uint64_t u = 0;
		bool fits = true;
		for (size_t k = d0; k < n; k++) {
			unsigned dg = (unsigned)(s[k] - '0');
			if (u > (UINT64_MAX - dg) / 10) {
				fits = false;
				break;
			}
			u = u * 10 + dg;
		}
		if (fits && (neg ? u <= (uint64_t)INT64_MAX + 1 : u <= (uint64_t)INT64_MAX)) {
			t->kind = AGS_VAL_INT;
			t->i = neg ? (u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u) : (int64_t)u;
			return 0;
		}
	}
	if (!ags_parse_float_dec(s, n, &t->f))
		return ags_yl_fail(L, AGS_E_SOPS_FORMAT, line, "JSON number out of range");
	t->kind = AGS_VAL_FLOAT;
	return 0;
}

static int scalar_value_text(struct loader *L, struct fy_event *e, uint32_t line, const char *s, size_t n,
			     enum fy_scalar_style st, struct ags_value *out);

int ags_yl_scalar_value(struct loader *L, struct fy_event *e, uint32_t line, struct ags_value *out)
{
	const char *s = NULL;
	size_t n = 0;
	enum fy_scalar_style st = fy_token_scalar_style(e->scalar.value);
	struct ags_buf sq;
	ags_buf_init_secret(&sq, AGS_STORE_MAX_INPUT); /* a value's plaintext */
	int r = ags_fy_scalar_text(e, L->src, L->len, L->json, &sq, &s, &n);
	if (r < 0) {
		ags_buf_release(&sq);
		return r;
	}
	int rr = scalar_value_text(L, e, line, s, n, st, out);
	ags_buf_release(&sq);
	return rr;
}

static int scalar_value_text(struct loader *L, struct fy_event *e, uint32_t line, const char *s, size_t n,
			     enum fy_scalar_style st, struct ags_value *out)
{
	const char *tag = NULL;
	char tagbuf[256];
	if (e->scalar.tag) {
		size_t tl;
		const char *t = fy_token_get_text(e->scalar.tag, &tl);
		if (t && tl < sizeof(tagbuf)) {
			memcpy(tagbuf, t, tl);
			tagbuf[tl] = 0;
			tag = tagbuf;
		}
	}
	memset(out, 0, sizeof(*out));
	out->line = line;
	uint8_t style;
	switch (st) {
	case FYSS_SINGLE_QUOTED: style = AGS_STYLE_SINGLE; break;
	case FYSS_DOUBLE_QUOTED: style = AGS_STYLE_DOUBLE; break;
	case FYSS_LITERAL: style = AGS_STYLE_LITERAL; break;
	case FYSS_FOLDED: style = AGS_STYLE_FOLDED; break;
	default: style = AGS_STYLE_PLAIN; break;
	}
	struct ags_scalar_type t;
	if (tag && (strcmp(tag, "tag:yaml.org,2002:binary") == 0 || strcmp(tag, "!!binary") == 0)) {
		unsigned char *dec;
		size_t dl;
		int r = ags_b64_decode_wrapped(s, n, &dec, &dl);
		if (r == 0) {
			r = ags_value_set_str(out, AGS_VAL_STR, (const char *)dec, dl);
			ags_free_secret(dec, dl);
		}
		if (r == AGS_E_BASE64)
			return ags_yl_fail(L, AGS_E_SOPS_FORMAT, line, "!!binary value contains invalid base64 data");
		out->line = line;
		out->style = style;
		return r;
	}
	bool quoted = st != FYSS_PLAIN && st != FYSS_ANY;
	bool known_tag = false;
	if (tag && strcmp(tag, "!") != 0) {
		known_tag = ags_yaml_resolve_tagged(tag, s, n, &t);
		if (!known_tag) {
			/* unknown tags decode to the plain string; a standard tag
			 * that does not fit the text is an error in go-yaml */
			const char *p = "tag:yaml.org,2002:";
			bool std = strncmp(tag, p, strlen(p)) == 0;
			const char *sn = std ? tag + strlen(p) : "";
			if (std && (!strcmp(sn, "int") || !strcmp(sn, "float") || !strcmp(sn, "bool") ||
				    !strcmp(sn, "null") || !strcmp(sn, "timestamp")))
				return ags_yl_fail(L, AGS_E_SOPS_FORMAT, line, "cannot decode scalar as !!%s", sn);
			t.kind = AGS_VAL_STR;
		}
	} else if (quoted || (tag && strcmp(tag, "!") == 0)) {
		t.kind = AGS_VAL_STR;
	} else if (L->json) {
		AGS_TRY(json_type(L, s, n, line, &t));
	} else {
		ags_yaml_resolve(s, n, &t);
	}
	if (t.kind == AGS_VAL_INT && t.uint_range)
		return ags_yl_fail(L, AGS_E_SOPS_FORMAT, line,
				   "integer does not fit in int64 (sops: unknown type uint64); quote it");
	if (t.kind == AGS_VAL_TIME)
		AGS_TRY(ags_value_set_str(out, AGS_VAL_TIME, t.time, t.time_len));
	else if (!set_typed(out, &t))
		AGS_TRY(ags_value_set_str(out, AGS_VAL_STR, s, n));
	out->line = line;
	out->style = style;
	return 0;
}

