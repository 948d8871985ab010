/*
 * sops values: the ENC[AES256_GCM,...] form, and each type's plaintext
 * serialisation as Go sops writes it (sops.md section 3).
 */
#include "internal.h"
#include "sops/sops-int.h"
#include "sops/scalar.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ags_sops_float_format(double f, char *out, size_t cap)
{
	if (cap < AGS_SOPS_FLOAT_MAX)
		return AGS_E_INVAL;
	/* sops writes floats with strconv.FormatFloat(f, 'f', -1, 64): the
	 * shortest digits that read back, never an exponent (scalar.c) */
	return (int)ags_fmt_float_go(f, 'f', out);
}

static bool ieq(const char *a, size_t n, const char *b)
{
	if (strlen(b) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = a[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != b[i])
			return false;
	}
	return true;
}

int ags_sops_float_parse(const char *s, size_t n, double *out)
{
	if (n == 0 || n > 1000)
		return AGS_E_SYNTAX;
	const char *p = s;
	size_t m = n;
	bool neg = false;
	if (*p == '+' || *p == '-') {
		neg = *p == '-';
		p++;
		m--;
	}
	if (ieq(p, m, "inf") || ieq(p, m, "infinity")) {
		*out = neg ? -INFINITY : INFINITY;
		return 0;
	}
	if (ieq(p, m, "nan")) {
		if (p != s) /* Go rejects a signed NaN */
			return AGS_E_SYNTAX;
		*out = NAN;
		return 0;
	}
	/* Decimal forms only, as go-yaml's float syntax (scalar.c); Go also reads
	 * hex floats and '_' separators with a base prefix, sops never writes them.
	 * Out of range is an error (Go's ErrRange), underflow to 0 is fine. */
	return ags_parse_float_dec(s, n, out) ? 0 : AGS_E_SYNTAX;
}

int ags_sops_int_parse(const char *s, size_t n, int64_t *out)
{
	size_t i = 0;
	bool neg = false;
	if (n > 0 && (s[0] == '+' || s[0] == '-')) {
		neg = s[0] == '-';
		i = 1;
	}
	if (i == n)
		return AGS_E_SYNTAX;
	uint64_t v = 0;
	const uint64_t lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return AGS_E_SYNTAX;
		unsigned dgt = (unsigned)(s[i] - '0');
		if (v > (lim - dgt) / 10)
			return AGS_E_SYNTAX;
		v = v * 10 + dgt;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int num(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

int ags_sops_time_canon(const char *s, size_t n, bool drop_fraction, char *out, size_t cap)
{
	/* YYYY-MM-DDTHH:MM:SS[.fffffffff](Z|+hh:mm|-hh:mm), as time.RFC3339Nano parses. */
	if (cap < 64 || n < 20 || n > 64)
		return AGS_E_SYNTAX;
	if (!digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' || !digits(s + 8, 2) ||
	    (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2) || s[13] != ':' || !digits(s + 14, 2) ||
	    s[16] != ':' || !digits(s + 17, 2))
		return AGS_E_SYNTAX;
	int mon = num(s + 5, 2), day = num(s + 8, 2), hh = num(s + 11, 2), mm = num(s + 14, 2),
	    ss = num(s + 17, 2), year = num(s, 4);
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (mon < 1 || mon > 12 || day < 1 || day > mdays[mon - 1] || hh > 23 || mm > 59 || ss > 59)
		return AGS_E_SYNTAX;
	if (mon == 2 && day == 29 && !((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
		return AGS_E_SYNTAX;
	size_t i = 19;
	const char *frac = NULL;
	size_t fraclen = 0;
	if (i < n && (s[i] == '.' || s[i] == ',')) {
		i++;
		frac = s + i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		fraclen = (size_t)(s + i - frac);
		if (fraclen == 0 || fraclen > 9)
			return AGS_E_SYNTAX;
	}
	char zone[8];
	if (i + 1 == n && (s[i] == 'Z' || s[i] == 'z')) {
		strcpy(zone, "Z");
	} else if (i + 6 == n && (s[i] == '+' || s[i] == '-') && digits(s + i + 1, 2) && s[i + 3] == ':' &&
		   digits(s + i + 4, 2)) {
		int oh = num(s + i + 1, 2), om = num(s + i + 4, 2);
		if (oh > 23 || om > 59)
			return AGS_E_SYNTAX;
		if (oh == 0 && om == 0)
			strcpy(zone, "Z");
		else /* the offset as written: sign, two digits, ':', two digits (checked above) */
			memcpy(zone, s + i, 6), zone[6] = 0;
	} else {
		return AGS_E_SYNTAX;
	}
	while (fraclen > 0 && frac[fraclen - 1] == '0')
		fraclen--;
	size_t o = 19;
	memcpy(out, s, 19);
	out[10] = 'T';
	if (fraclen && !drop_fraction) {
		out[o++] = '.';
		memcpy(out + o, frac, fraclen);
		o += fraclen;
	}
	strcpy(out + o, zone);
	return (int)(o + strlen(zone));
}

const char *ags_sops_type_name(enum ags_val_kind k)
{
	switch (k) {
	case AGS_VAL_STR: return "str";
	case AGS_VAL_INT: return "int";
	case AGS_VAL_FLOAT: return "float";
	case AGS_VAL_BOOL: return "bool";
	case AGS_VAL_TIME: return "time";
	case AGS_VAL_COMMENT: return "comment";
	default: return NULL;
	}
}

int ags_sops_value_bytes(const struct ags_value *v, struct ags_buf *out)
{
	char tmp[AGS_SOPS_FLOAT_MAX];
	switch (v->kind) {
	case AGS_VAL_STR:
	case AGS_VAL_TIME:
	case AGS_VAL_COMMENT:
		return ags_buf_append(out, v->str.p, v->str.len);
	case AGS_VAL_INT:
		return ags_buf_printf(out, "%lld", (long long)v->i);
	case AGS_VAL_FLOAT: {
		int n = ags_sops_float_format(v->f, tmp, sizeof(tmp));
		if (n < 0)
			return n;
		return ags_buf_append(out, tmp, (size_t)n);
	}
	case AGS_VAL_BOOL:
		return ags_buf_puts(out, v->b ? "True" : "False");
	default:
		return AGS_E_INVAL;
	}
}

static const char ENC_PREFIX[] = "ENC[AES256_GCM,data:";

bool ags_sops_enc_looks(const char *s, size_t n)
{
	return n >= sizeof(ENC_PREFIX) - 1 && memcmp(s, ENC_PREFIX, sizeof(ENC_PREFIX) - 1) == 0;
}

static const char *find(const char *s, const char *end, const char *needle)
{
	size_t nl = strlen(needle);
	for (const char *p = s; p + nl <= end; p++)
		if (*p == needle[0] && memcmp(p, needle, nl) == 0)
			return p;
	return NULL;
}

int ags_sops_enc_parse(const char *s, size_t n, struct ags_sops_enc *e)
{
	/* Go: ^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\] -- anchored at
	 * the start only; base64 has no ',' so the separators are unambiguous.
	 * The regex is greedy, so "type" runs to the LAST ']' (trailing bytes after
	 * it are accepted). */
	if (!ags_sops_enc_looks(s, n))
		return AGS_E_SOPS_BAD_VALUE;
	const char *end = s + n;
	const char *d = s + sizeof(ENC_PREFIX) - 1;
	const char *iv = find(d, end, ",iv:");
	if (!iv)
		return AGS_E_SOPS_BAD_VALUE;
	const char *tag = find(iv + 4, end, ",tag:");
	if (!tag)
		return AGS_E_SOPS_BAD_VALUE;
	const char *type = find(tag + 5, end, ",type:");
	if (!type)
		return AGS_E_SOPS_BAD_VALUE;
	const char *close = NULL;
	for (const char *p = end; p > type + 6; p--)
		if (p[-1] == ']') {
			close = p - 1;
			break;
		}
	if (!close)
		return AGS_E_SOPS_BAD_VALUE;
	struct ags_sops_enc r = {
		.data = d, .datalen = (size_t)(iv - d),
		.iv = iv + 4, .ivlen = (size_t)(tag - (iv + 4)),
		.tag = tag + 5, .taglen = (size_t)(type - (tag + 5)),
		.type = type + 6, .typelen = (size_t)(close - (type + 6)),
	};
	if (!r.datalen || !r.ivlen || !r.taglen || !r.typelen)
		return AGS_E_SOPS_BAD_VALUE;
	*e = r;
	return 0;
}

int ags_sops_encrypt_bytes(struct ags_aead *a, const void *pt, size_t len, const char *type,
			   const void *aad, size_t aadlen, const uint8_t *iv_in, size_t ivlen,
			   struct ags_buf *out)
{
	if (len == 0)
		return 0;
	if (len > AGS_SOPS_MAX_VALUE)
		return AGS_E_TOO_BIG;
	uint8_t iv[AGS_SOPS_MAX_IV];
	if (iv_in) {
		if (ivlen == 0 || ivlen > AGS_SOPS_MAX_IV)
			return AGS_E_INVAL;
		memcpy(iv, iv_in, ivlen);
	} else {
		ivlen = 32;
		AGS_TRY(ags_random(iv, ivlen));
	}
	/*
	 * One buffer: the ciphertext and tag are sealed into the tail of the
	 * room for the ENC[] text, then base64-encoded forwards in place (the
	 * encoder never overtakes its input: b64.h).  A value as large as the
	 * file then costs its ENC[] text once, with no separate ciphertext.
	 */
	char ivb[100], tagb[32];
	size_t pre = sizeof(ENC_PREFIX) - 1, b64len = ags_b64_encoded_len(len, AGS_B64_PADDED);
	size_t tail = strlen(",iv:,tag:,type:]") + ags_b64_encoded_len(ivlen, AGS_B64_PADDED) +
		      ags_b64_encoded_len(AGS_AEAD_TAG_LEN, AGS_B64_PADDED) + strlen(type);
	int r = ags_buf_reserve_exact(out, pre + b64len + AGS_MAX(tail, (size_t)AGS_AEAD_TAG_LEN));
	if (r < 0)
		return r;
	char *dst = (char *)out->data + out->len;
	uint8_t *ct = (uint8_t *)dst + pre + b64len - len, tag[AGS_AEAD_TAG_LEN];
	if ((r = ags_aead_seal(a, iv, ivlen, aad, aadlen, pt, len, ct)) < 0)
		return r;
	memcpy(tag, ct + len, AGS_AEAD_TAG_LEN); /* where the encoder puts its NUL */
	memcpy(dst, ENC_PREFIX, pre);
	out->len += pre + ags_b64_encode(ct, len, AGS_B64_PADDED, dst + pre);
	ags_b64_encode(iv, ivlen, AGS_B64_PADDED, ivb);
	ags_b64_encode(tag, AGS_AEAD_TAG_LEN, AGS_B64_PADDED, tagb);
	return ags_buf_printf(out, ",iv:%s,tag:%s,type:%s]", ivb, tagb, type);
}

int ags_sops_value_encrypt(struct ags_aead *a, struct ags_value *v, const void *aad, size_t aadlen,
			   const uint8_t *iv, size_t ivlen)
{
	const char *type = ags_sops_type_name(v->kind);
	if (!type)
		return AGS_E_INVAL;
	struct ags_buf pt, enc;
	ags_buf_init_secret(&pt, (size_t)AGS_SOPS_MAX_VALUE + 1);
	ags_buf_init(&enc, (size_t)AGS_SOPS_MAX_VALUE * 2);
	/* a string is encrypted from its own text: no plaintext copy */
	bool str = v->kind == AGS_VAL_STR || v->kind == AGS_VAL_TIME || v->kind == AGS_VAL_COMMENT;
	int r = str ? 0 : ags_sops_value_bytes(v, &pt);
	const char *p = str ? v->str.p : (const char *)pt.data;
	size_t n = str ? v->str.len : pt.len;
	if (r == 0 && n == 0) {
		/* "" stays "" (and an empty comment stays empty) */
		ags_buf_release(&pt);
		return 0;
	}
	if (r == 0)
		r = ags_sops_encrypt_bytes(a, p, n, type, aad, aadlen, iv, ivlen, &enc);
	ags_buf_release(&pt);
	if (r == 0) {
		enum ags_val_kind k = v->kind == AGS_VAL_COMMENT ? AGS_VAL_COMMENT : AGS_VAL_STR;
		uint8_t style = v->style;
		bool inl = v->inline_comment;
		uint32_t line = v->line;
		size_t elen;
		char *e = ags_buf_detach(&enc, &elen);
		if (!e) {
			r = AGS_E_NOMEM;
		} else {
			/* the ENC[] text becomes the value; the plaintext is wiped */
			ags_value_take_str(v, k, e, elen);
			/* the ENC[] form is written plain whatever the source style was */
			v->style = k == AGS_VAL_STR ? AGS_STYLE_ANY : style;
			v->inline_comment = inl;
			v->line = line;
		}
	}
	ags_buf_release(&enc);
	return r;
}

static bool type_is(const struct ags_sops_enc *e, const char *t)
{
	return e->typelen == strlen(t) && memcmp(e->type, t, e->typelen) == 0;
}

int ags_sops_value_decrypt(struct ags_aead *a, const char *s, size_t n, const void *aad, size_t aadlen,
			   struct ags_value *out, uint8_t *iv_out, size_t *ivlen_out)
{
	if (n == 0) {
		struct ags_value v = { 0 };
		AGS_TRY(ags_value_set_str(&v, AGS_VAL_STR, "", 0));
		*out = v;
		if (ivlen_out)
			*ivlen_out = 0;
		return 0;
	}
	struct ags_sops_enc e;
	AGS_TRY(ags_sops_enc_parse(s, n, &e));
	if (e.datalen > (size_t)AGS_SOPS_MAX_VALUE * 2 || e.ivlen > 100 || e.taglen > 100)
		return AGS_E_SOPS_BAD_VALUE;
	uint8_t iv[80], tag[80];
	size_t ivlen, taglen, ctlen;
	if (ags_b64_decode(e.iv, e.ivlen, AGS_B64_PADDED, iv, &ivlen) < 0 || ivlen == 0 ||
	    ivlen > AGS_SOPS_MAX_IV)
		return AGS_E_SOPS_BAD_VALUE;
	if (ags_b64_decode(e.tag, e.taglen, AGS_B64_PADDED, tag, &taglen) < 0 || taglen != AGS_AEAD_TAG_LEN)
		return AGS_E_SOPS_BAD_VALUE;
	enum ags_val_kind kind;
	if (type_is(&e, "str") || type_is(&e, "bytes"))
		kind = AGS_VAL_STR;
	else if (type_is(&e, "int"))
		kind = AGS_VAL_INT;
	else if (type_is(&e, "float"))
		kind = AGS_VAL_FLOAT;
	else if (type_is(&e, "bool"))
		kind = AGS_VAL_BOOL;
	else if (type_is(&e, "time"))
		kind = AGS_VAL_TIME;
	else if (type_is(&e, "comment"))
		kind = AGS_VAL_COMMENT;
	else
		return AGS_E_SOPS_BAD_VALUE;
	size_t dmax = ags_b64_decoded_max(e.datalen);
	uint8_t *buf = malloc(dmax + AGS_AEAD_TAG_LEN + 1);
	if (!buf)
		return AGS_E_NOMEM;
	int r = ags_b64_decode(e.data, e.datalen, AGS_B64_PADDED, buf, &ctlen);
	if (r < 0) {
		free(buf);
		return AGS_E_SOPS_BAD_VALUE;
	}
	memcpy(buf + ctlen, tag, AGS_AEAD_TAG_LEN);
	r = ags_aead_open(a, iv, ivlen, aad, aadlen, buf, ctlen + AGS_AEAD_TAG_LEN, buf);
	if (r == AGS_E_AUTH)
		r = AGS_E_SOPS_DECRYPT;
	struct ags_value v = { 0 };
	if (r == 0) {
		const char *p = (const char *)buf;
		buf[ctlen] = 0;
		switch (kind) {
		case AGS_VAL_STR:
		case AGS_VAL_COMMENT:
			/* the buffer becomes the value: no second plaintext copy (the
			 * bytes past ctlen are the tag's, not secret) */
			ags_value_take_str(&v, kind, (char *)buf, ctlen);
			buf = NULL;
			break;
		case AGS_VAL_INT:
			v.kind = AGS_VAL_INT;
			r = ags_sops_int_parse(p, ctlen, &v.i);
			break;
		case AGS_VAL_FLOAT:
			v.kind = AGS_VAL_FLOAT;
			r = ags_sops_float_parse(p, ctlen, &v.f);
			break;
		case AGS_VAL_BOOL: {
			static const char *t[] = { "1", "t", "T", "TRUE", "true", "True" };
			static const char *f[] = { "0", "f", "F", "FALSE", "false", "False" };
			v.kind = AGS_VAL_BOOL;
			r = AGS_E_SYNTAX;
			for (size_t i = 0; i < 6; i++) {
				if (ctlen == strlen(t[i]) && memcmp(p, t[i], ctlen) == 0) {
					v.b = true;
					r = 0;
				}
				if (ctlen == strlen(f[i]) && memcmp(p, f[i], ctlen) == 0) {
					v.b = false;
					r = 0;
				}
			}
			break;
		}
		case AGS_VAL_TIME: {
			char canon[64];
			int cn = ags_sops_time_canon(p, ctlen, false, canon, sizeof(canon));
			r = cn < 0 ? cn : ags_value_set_str(&v, AGS_VAL_TIME, canon, (size_t)cn);
			break;
		}
		default:
			r = AGS_E_SOPS_BAD_VALUE;
		}
		if (r == AGS_E_SYNTAX)
			r = AGS_E_SOPS_BAD_VALUE;
	}
	if (buf)
		ags_free_secret(buf, dmax + AGS_AEAD_TAG_LEN + 1);
	if (r < 0) {
		ags_value_clear(&v);
		return r;
	}
	if (iv_out && ivlen_out) {
		memcpy(iv_out, iv, ivlen);
		*ivlen_out = ivlen;
	}
	*out = v;
	return 0;
}
