#include "internal.h"
#include "age/format.h"
#include "crypto/ossl.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ags_age_stanzas_add(struct ags_age_stanzas *l, const char *const *args, size_t nargs,
			const void *body, size_t bodylen)
{
	if (nargs == 0 || nargs > AGS_AGE_MAX_ARGS)
		return AGS_E_INVAL;
	if (l->n >= AGS_AGE_MAX_STANZAS)
		return AGS_E_TOO_BIG;
	AGS_TRY(ags_array_grow((void **)&l->v, &l->cap, l->n, sizeof(*l->v), 4));
	struct ags_age_stanza s = { 0 };
	s.args = calloc(nargs, sizeof(char *));
	s.body = malloc(bodylen ? bodylen : 1);
	if (!s.args || !s.body)
		goto nomem;
	s.nargs = nargs;
	for (size_t i = 0; i < nargs; i++)
		if (!(s.args[i] = strdup(args[i])))
			goto nomem;
	if (bodylen)
		memcpy(s.body, body, bodylen);
	s.bodylen = bodylen;
	l->v[l->n++] = s;
	return 0;
nomem:
	if (s.args)
		for (size_t i = 0; i < nargs; i++)
			free(s.args[i]);
	free(s.args);
	free(s.body);
	return AGS_E_NOMEM;
}

void ags_age_stanzas_clear(struct ags_age_stanzas *l)
{
	for (size_t i = 0; i < l->n; i++) {
		for (size_t j = 0; j < l->v[i].nargs; j++)
			free(l->v[i].args[j]);
		free(l->v[i].args);
		/* Bodies are wrapped keys, not secrets, but wiping is cheap. */
		ags_free_secret(l->v[i].body, l->v[i].bodylen);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void ags_age_header_clear(struct ags_age_header *h)
{
	ags_age_stanzas_clear(&h->st);
	memset(h, 0, sizeof(*h));
}

/* Returns the length of the line at p (without LF), or -1 when no LF. */
static ssize_t line_len(const uint8_t *p, size_t len)
{
	const uint8_t *nl = memchr(p, '\n', len);
	return nl ? nl - p : -1;
}

#define HERR(...) ags_diag_set(d, AGS_E_AGE_HEADER, __VA_ARGS__)

static int parse_args(const uint8_t *line, size_t n, char ***argsp, size_t *nargsp, size_t lineno,
		      struct ags_diag *d)
{
	/* line starts with "->" */
	if (n < 3 || line[2] != ' ')
		return HERR("header line %zu: malformed stanza opening line", lineno);
	size_t nargs = 0;
	for (size_t i = 2; i < n; i++)
		if (line[i] == ' ')
			nargs++;
	if (nargs > AGS_AGE_MAX_ARGS)
		return HERR("header line %zu: too many stanza arguments", lineno);
	char **args = calloc(nargs, sizeof(char *));
	if (!args)
		return AGS_E_NOMEM;
	size_t i = 3, k = 0;
	int r = 0;
	while (k < nargs) {
		size_t j = i;
		while (j < n && line[j] != ' ') {
			if (line[j] < 0x21 || line[j] > 0x7e) {
				r = HERR("header line %zu: invalid character in stanza argument", lineno);
				goto fail;
			}
			j++;
		}
		if (j == i) {
			r = HERR("header line %zu: empty stanza argument", lineno);
			goto fail;
		}
		args[k] = malloc(j - i + 1);
		if (!args[k]) {
			r = AGS_E_NOMEM;
			goto fail;
		}
		memcpy(args[k], line + i, j - i);
		args[k][j - i] = 0;
		k++;
		i = j + 1;
	}
	*argsp = args;
	*nargsp = nargs;
	return 0;
fail:
	for (size_t m = 0; m < nargs; m++)
		free(args[m]);
	free(args);
	return r;
}

int ags_age_header_parse(const uint8_t *p, size_t len, struct ags_age_header *out, size_t *consumed,
			 struct ags_diag *d)
{
	struct ags_age_header h = { 0 };
	size_t intro = strlen(AGS_AGE_INTRO);
	if (len == 0)
		return ags_diag_set(d, AGS_E_TRUNCATED, "empty file");
	ssize_t ll = line_len(p, AGS_MIN(len, intro));
	if (ll < 0 && len < intro) {
		if (memcmp(p, AGS_AGE_INTRO, len) == 0)
			return ags_diag_set(d, AGS_E_TRUNCATED, "unexpected end of file in the header");
		/* fall through to the version error below */
	}
	if (len < intro || memcmp(p, AGS_AGE_INTRO, intro) != 0) {
		if (len >= 4 && memcmp(p, "age-", 4) == 0 && memchr(p, '\n', AGS_MIN(len, 128)))
			return ags_diag_set(d, AGS_E_AGE_HEADER, "unknown format version or malformed intro line");
		return ags_diag_set(d, AGS_E_AGE_HEADER, "not an age file: bad intro line");
	}
	size_t pos = intro, lineno = 2;
	struct ags_buf body;
	ags_buf_init(&body, AGS_AGE_HEADER_MAX);
	int r;
	char **args = NULL;
	size_t nargs = 0;
	for (;; lineno++) {
		if (pos >= AGS_AGE_HEADER_MAX) {
			r = HERR("header too large");
			goto fail;
		}
		ll = line_len(p + pos, len - pos);
		if (ll < 0) {
			r = ags_diag_set(d, AGS_E_TRUNCATED, "unexpected end of file in the header");
			goto fail;
		}
		const uint8_t *line = p + pos;
		size_t n = (size_t)ll;
		if (n >= 3 && memcmp(line, "---", 3) == 0) {
			/* exactly "--- " + 43 canonical base64 characters */
			if (n < 4 || line[3] != ' ' || memchr(line + 4, ' ', n - 4)) {
				r = HERR("header line %zu: malformed MAC line", lineno);
				goto fail;
			}
			size_t ml = 0;
			uint8_t mac[AGS_AGE_MAC_LEN + 3];
			if (n - 4 > 44 || ags_b64_decode((const char *)line + 4, n - 4, AGS_B64_UNPADDED, mac, &ml) < 0 ||
			    ml != AGS_AGE_MAC_LEN) {
				r = HERR("header line %zu: malformed MAC", lineno);
				goto fail;
			}
			memcpy(h.mac, mac, AGS_AGE_MAC_LEN);
			h.mac_covered = pos + 3;
			pos += n + 1;
			break;
		}
		if (n < 2 || memcmp(line, "->", 2) != 0) {
			r = HERR("header line %zu: expected a stanza or the MAC line", lineno);
			goto fail;
		}
		if ((r = parse_args(line, n, &args, &nargs, lineno, d)) < 0)
			goto fail;
		if (nargs == 0) {
			free(args);
			args = NULL;
			r = HERR("header line %zu: stanza without arguments", lineno);
			goto fail;
		}
		pos += n + 1;
		ags_buf_reset(&body);
		/* Body: full 64-column lines, ended by one shorter (possibly empty) line. */
		for (;;) {
			lineno++;
			ll = line_len(p + pos, len - pos);
			if (ll < 0) {
				r = ags_diag_set(d, AGS_E_TRUNCATED, "unexpected end of file in the header");
				goto fail_args;
			}
			n = (size_t)ll;
			uint8_t dec[AGS_AGE_BYTES_PER_LINE + 3];
			size_t dl = 0;
			if (n > AGS_AGE_COLUMNS) {
				r = HERR("header line %zu: stanza body line longer than 64 columns", lineno);
				goto fail_args;
			}
			if (ags_b64_decode((const char *)p + pos, n, AGS_B64_UNPADDED, dec, &dl) < 0) {
				r = HERR("header line %zu: malformed stanza body", lineno);
				goto fail_args;
			}
			if ((r = ags_buf_append(&body, dec, dl)) < 0)
				goto fail_args;
			pos += n + 1;
			if (dl < AGS_AGE_BYTES_PER_LINE)
				break;
		}
		r = ags_age_stanzas_add(&h.st, (const char *const *)args, nargs, body.data, body.len);
		for (size_t i = 0; i < nargs; i++)
			free(args[i]);
		free(args);
		args = NULL;
		if (r < 0) {
			if (r == AGS_E_TOO_BIG)
				r = HERR("too many stanzas in the header");
			goto fail;
		}
	}
	ags_buf_release(&body);
	*out = h;
	*consumed = pos;
	return 0;
fail_args:
	for (size_t i = 0; i < nargs; i++)
		free(args[i]);
	free(args);
fail:
	ags_buf_release(&body);
	ags_age_header_clear(&h);
	return r;
}

int ags_age_header_marshal_without_mac(const struct ags_age_stanzas *st, struct ags_buf *out)
{
	AGS_TRY(ags_buf_puts(out, AGS_AGE_INTRO));
	for (size_t i = 0; i < st->n; i++) {
		const struct ags_age_stanza *s = &st->v[i];
		AGS_TRY(ags_buf_puts(out, "->"));
		for (size_t j = 0; j < s->nargs; j++) {
			AGS_TRY(ags_buf_putc(out, ' '));
			AGS_TRY(ags_buf_puts(out, s->args[j]));
		}
		AGS_TRY(ags_buf_putc(out, '\n'));
		/* Always end with a short line: an empty one when the body is a multiple of 48. */
		size_t off = 0;
		for (;;) {
			size_t n = AGS_MIN(s->bodylen - off, (size_t)AGS_AGE_BYTES_PER_LINE);
			char line[AGS_AGE_COLUMNS + 1];
			size_t el = ags_b64_encode(s->body + off, n, AGS_B64_UNPADDED, line);
			AGS_TRY(ags_buf_append(out, line, el));
			AGS_TRY(ags_buf_putc(out, '\n'));
			off += n;
			if (n < AGS_AGE_BYTES_PER_LINE)
				break;
		}
	}
	return ags_buf_puts(out, "---");
}

int ags_age_header_mac(const uint8_t file_key[16], const void *hdr, size_t len, uint8_t mac[32])
{
	uint8_t k[32];
	int r = ags_hkdf_sha256(NULL, 0, file_key, 16, "header", 6, k, sizeof(k));
	if (r == 0)
		r = ags_hmac_sha256(k, sizeof(k), hdr, len, mac);
	ags_wipe(k, sizeof(k));
	return r;
}
