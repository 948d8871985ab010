/*
 * ASCII armor with Go age's armor package semantics (shared/spec/age.md §7):
 * strict padded base64, 64 columns, LF or CRLF, no headers or empty lines,
 * at most 1 KiB of whitespace around the block.  Both directions stream.
 */
#include "internal.h"
#include "age/stream.h"
#include "age/format.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BEGIN_LINE "-----BEGIN AGE ENCRYPTED FILE-----"
#define END_LINE "-----END AGE ENCRYPTED FILE-----"
#define MAX_WHITESPACE 1024

struct ags_age_armor_writer {
	struct ags_age_sink *under;
	uint8_t carry[AGS_AGE_BYTES_PER_LINE];
	size_t nc;
	char *obuf;
	size_t olen, ocap;
	bool started;
};

int ags_age_armor_writer_new(struct ags_age_sink *under, struct ags_age_armor_writer **ret)
{
	struct ags_age_armor_writer *w = calloc(1, sizeof(*w));
	if (!w)
		return AGS_E_NOMEM;
	w->ocap = 1 << 20;
	w->obuf = malloc(w->ocap);
	if (!w->obuf) {
		free(w);
		return AGS_E_NOMEM;
	}
	w->under = under;
	*ret = w;
	return 0;
}

static int aw_flush(struct ags_age_armor_writer *w)
{
	int r = w->olen ? w->under->write(w->under->ctx, w->obuf, w->olen) : 0;
	w->olen = 0;
	return r;
}

static int aw_line(struct ags_age_armor_writer *w, const uint8_t *p, size_t n)
{
	if (w->ocap - w->olen < AGS_AGE_COLUMNS + 2)
		AGS_TRY(aw_flush(w));
	w->olen += ags_b64_encode(p, n, AGS_B64_PADDED, w->obuf + w->olen);
	w->obuf[w->olen++] = '\n';
	return 0;
}

static int aw_begin(struct ags_age_armor_writer *w)
{
	if (w->started)
		return 0;
	w->started = true;
	memcpy(w->obuf, BEGIN_LINE "\n", sizeof(BEGIN_LINE));
	w->olen = sizeof(BEGIN_LINE);
	return 0;
}

int ags_age_armor_write(void *ctx, const void *buf, size_t n)
{
	struct ags_age_armor_writer *w = ctx;
	const uint8_t *p = buf;
	aw_begin(w);
	if (w->nc) {
		size_t take = AGS_MIN(n, AGS_AGE_BYTES_PER_LINE - w->nc);
		memcpy(w->carry + w->nc, p, take);
		w->nc += take;
		p += take;
		n -= take;
		if (w->nc < AGS_AGE_BYTES_PER_LINE)
			return 0;
		AGS_TRY(aw_line(w, w->carry, AGS_AGE_BYTES_PER_LINE));
		w->nc = 0;
	}
	while (n >= AGS_AGE_BYTES_PER_LINE) {
		AGS_TRY(aw_line(w, p, AGS_AGE_BYTES_PER_LINE));
		p += AGS_AGE_BYTES_PER_LINE;
		n -= AGS_AGE_BYTES_PER_LINE;
	}
	memcpy(w->carry, p, n);
	w->nc = n;
	return 0;
}

int ags_age_armor_writer_close(struct ags_age_armor_writer *w)
{
	aw_begin(w);
	if (w->nc)
		AGS_TRY(aw_line(w, w->carry, w->nc));
	w->nc = 0;
	if (w->ocap - w->olen < sizeof(END_LINE))
		AGS_TRY(aw_flush(w));
	memcpy(w->obuf + w->olen, END_LINE "\n", sizeof(END_LINE));
	w->olen += sizeof(END_LINE);
	return aw_flush(w);
}

void ags_age_armor_writer_free(struct ags_age_armor_writer *w)
{
	if (!w)
		return;
	free(w->obuf);
	free(w);
}

struct ags_age_armor_reader {
	struct ags_age_src *src;
	uint8_t dec[AGS_AGE_BYTES_PER_LINE + 3];
	size_t doff, dlen;
	bool started, done;
	int err;
	char msg[160];
};

int ags_age_armor_reader_new(struct ags_age_src *under, struct ags_age_armor_reader **ret)
{
	struct ags_age_armor_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return AGS_E_NOMEM;
	r->src = under;
	*ret = r;
	return 0;
}

void ags_age_armor_reader_free(struct ags_age_armor_reader *r)
{
	if (r)
		ags_free_secret(r, sizeof(*r));
}

const char *ags_age_armor_error(const struct ags_age_armor_reader *r)
{
	return r && r->err ? r->msg : "";
}

static ssize_t fail(struct ags_age_armor_reader *r, const char *msg)
{
	r->err = AGS_E_AGE_ARMOR;
	snprintf(r->msg, sizeof(r->msg), "invalid armor: %s", msg);
	return r->err;
}

static bool is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Next line without its LF and one CR; *eol_missing when the input ended without LF. */
static int get_line(struct ags_age_armor_reader *r, size_t max, const uint8_t **line, size_t *len)
{
	struct ags_age_src *s = r->src;
	size_t want = 1;
	ags_age_src_release(s); /* a mapped file drops the lines already read */
	for (;;) {
		ssize_t avail = ags_age_src_fill(s, want);
		if (avail < 0)
			return (int)avail;
		const uint8_t *p = s->buf + s->off;
		const uint8_t *nl = memchr(p, '\n', AGS_MIN((size_t)avail, max + 2));
		size_t n;
		if (nl) {
			n = (size_t)(nl - p);
			s->off += n + 1;
		} else if ((size_t)avail > max + 1) {
			return 1; /* too long */
		} else if (s->eof) {
			if (avail == 0)
				return 2; /* EOF */
			n = (size_t)avail;
			s->off += n;
		} else {
			want = (size_t)avail + 1;
			continue;
		}
		if (n && p[n - 1] == '\r')
			n--;
		*line = p;
		*len = n;
		return 0;
	}
}

static ssize_t drain_trailing(struct ags_age_armor_reader *r)
{
	ssize_t avail = ags_age_src_fill(r->src, MAX_WHITESPACE);
	if (avail < 0)
		return avail;
	size_t n = AGS_MIN((size_t)avail, (size_t)MAX_WHITESPACE);
	for (size_t i = 0; i < n; i++)
		if (!is_space(r->src->buf[r->src->off + i]))
			return fail(r, "trailing data after the armored file");
	if (n == MAX_WHITESPACE)
		return fail(r, "too much trailing whitespace");
	r->done = true;
	return 0;
}

#define LINE_OR_FAIL(max)                                                  \
	do {                                                               \
		int lr_ = get_line(r, (max), &line, &len);                 \
		if (lr_ < 0)                                               \
			return lr_;                                        \
		if (lr_ == 1)                                              \
			return fail(r, "line too long");                   \
		if (lr_ == 2)                                              \
			return fail(r, "unexpected end of file");          \
	} while (0)

/*
 * Fast path for the common full line: 64 characters from the alphabet
 * decode to exactly 48 bytes with no padding or spare bits, so a table
 * lookup is as strict as the general decoder.  Returns false (and the
 * general decoder decides) for anything else.
 */
static bool decode_full_line(const uint8_t *in, uint8_t out[48])
{
	/* value + 1; 0 marks a character outside the alphabet */
	static const int8_t tab[256] = {
		['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6, ['G'] = 7, ['H'] = 8,
		['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16,
		['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24,
		['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30, ['e'] = 31, ['f'] = 32,
		['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36, ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40,
		['o'] = 41, ['p'] = 42, ['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48,
		['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56,
		['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64,
	};
	int bad = 0;
	for (int g = 0; g < 16; g++) {
		int v0 = tab[in[4 * g]] - 1, v1 = tab[in[4 * g + 1]] - 1, v2 = tab[in[4 * g + 2]] - 1,
		    v3 = tab[in[4 * g + 3]] - 1;
		bad |= v0 | v1 | v2 | v3;
		uint32_t v = (uint32_t)(v0 & 63) << 18 | (uint32_t)(v1 & 63) << 12 | (uint32_t)(v2 & 63) << 6 |
			     (uint32_t)(v3 & 63);
		out[3 * g] = (uint8_t)(v >> 16);
		out[3 * g + 1] = (uint8_t)(v >> 8);
		out[3 * g + 2] = (uint8_t)v;
	}
	return bad >= 0;
}

/* Decodes the next data line into r->dec.  0 ok, 1 end of data, < 0 error. */
static int next_line(struct ags_age_armor_reader *r)
{
	const uint8_t *line;
	size_t len;
	if (r->err)
		return r->err;
	if (r->done)
		return 1;
	size_t ws = 0;
	while (!r->started) {
		LINE_OR_FAIL(MAX_WHITESPACE + 64);
		bool blank = true;
		for (size_t i = 0; i < len && blank; i++)
			blank = is_space(line[i]);
		if (blank) {
			ws += len + 1;
			if (ws > MAX_WHITESPACE)
				return fail(r, "too much leading whitespace");
			continue;
		}
		if (len != strlen(BEGIN_LINE) || memcmp(line, BEGIN_LINE, len) != 0)
			return fail(r, "invalid first line (expected " BEGIN_LINE ")");
		r->started = true;
	}
	LINE_OR_FAIL(AGS_AGE_COLUMNS + 1);
	if (len == strlen(END_LINE) && memcmp(line, END_LINE, len) == 0) {
		ssize_t dr = drain_trailing(r);
		return dr < 0 ? (int)dr : 1;
	}
	if (len == 0)
		return fail(r, "empty line in armored data");
	if (len > AGS_AGE_COLUMNS)
		return fail(r, "line longer than 64 columns");
	size_t dl = 0;
	if (len == AGS_AGE_COLUMNS && decode_full_line(line, r->dec))
		dl = AGS_AGE_BYTES_PER_LINE;
	else if (ags_b64_decode((const char *)line, len, AGS_B64_PADDED, r->dec, &dl) < 0)
		return fail(r, "malformed or non-canonical base64");
	if (dl < AGS_AGE_BYTES_PER_LINE) {
		LINE_OR_FAIL(AGS_AGE_COLUMNS + 1);
		if (len != strlen(END_LINE) || memcmp(line, END_LINE, len) != 0)
			return fail(r, "short line not followed by the END line");
		/* As Go: this line's data is still delivered; a trailing-data error
		 * is sticky and surfaces on the next read. */
		(void)drain_trailing(r);
	}
	r->doff = 0;
	r->dlen = dl;
	return 0;
}

ssize_t ags_age_armor_read(void *ctx, void *buf, size_t n)
{
	struct ags_age_armor_reader *r = ctx;
	uint8_t *o = buf;
	size_t got = 0;
	while (got < n) {
		if (r->dlen == r->doff) {
			int lr = next_line(r);
			if (lr == 1)
				break;
			if (lr < 0)
				return got ? (ssize_t)got : lr;
			if (r->dlen == 0)
				continue;
		}
		size_t take = AGS_MIN(n - got, r->dlen - r->doff);
		memcpy(o + got, r->dec + r->doff, take);
		r->doff += take;
		got += take;
	}
	return (ssize_t)got;
}
