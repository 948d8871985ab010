#include "internal.h"
#include "age/stream.h"
#include "crypto/ossl.h"
#include <stdlib.h>
#include <string.h>

int ags_age_src_init(struct ags_age_src *s, ags_age_read_fn fn, void *ctx, size_t cap)
{
	memset(s, 0, sizeof(*s));
	s->buf = malloc(cap);
	if (!s->buf)
		return AGS_E_NOMEM;
	s->cap = cap;
	s->read = fn;
	s->ctx = ctx;
	return 0;
}

void ags_age_src_free(struct ags_age_src *s)
{
	/* The buffer may have held plaintext (encryption) or armored text. */
	ags_free_secret(s->buf, s->cap);
	s->buf = NULL;
}

ssize_t ags_age_src_fill(struct ags_age_src *s, size_t n)
{
	while (s->len - s->off < n && !s->eof) {
		if (s->err)
			return s->err;
		if (n > s->cap) {
			/* Grow (header parsing only; callers cap n). */
			size_t nc = s->cap;
			while (nc < n)
				nc *= 2;
			uint8_t *nb = malloc(nc);
			if (!nb)
				return AGS_E_NOMEM;
			memcpy(nb, s->buf + s->off, s->len - s->off);
			ags_free_secret(s->buf, s->cap);
			s->buf = nb;
			s->cap = nc;
			s->len -= s->off;
			s->off = 0;
		} else if (s->off + n > s->cap) {
			memmove(s->buf, s->buf + s->off, s->len - s->off);
			s->len -= s->off;
			s->off = 0;
		}
		ssize_t got = s->read(s->ctx, s->buf + s->len, s->cap - s->len);
		if (got < 0) {
			s->err = (int)got;
			return got;
		}
		if (got == 0)
			s->eof = true;
		s->len += (size_t)got;
	}
	if (s->len - s->off < n && s->err)
		return s->err;
	return (ssize_t)(s->len - s->off);
}

/* nonce12 = 11-byte big-endian counter || last flag */
static void chunk_nonce(uint8_t nonce[12], uint64_t counter, bool last)
{
	memset(nonce, 0, 12);
	for (int i = 0; i < 8; i++)
		nonce[10 - i] = (uint8_t)(counter >> (8 * i));
	nonce[11] = last ? 1 : 0;
}

static int payload_key(const uint8_t file_key[16], const uint8_t nonce[16], uint8_t key[32])
{
	return ags_hkdf_sha256(nonce, 16, file_key, 16, "payload", 7, key, 32);
}

int ags_age_stream_encrypt(const uint8_t file_key[16], struct ags_age_src *in, struct ags_age_sink *out,
			   struct ags_diag *d)
{
	uint8_t nonce[AGS_AGE_NONCE_LEN], key[32], cn[12];
	struct ags_aead *a = NULL;
	size_t ocap = AGS_AGE_BATCH * AGS_AGE_CHUNK_CT, olen = 0;
	uint8_t *obuf = malloc(ocap);
	int r;
	if (!obuf)
		return AGS_E_NOMEM;
	if ((r = ags_random(nonce, sizeof(nonce))) < 0 || (r = payload_key(file_key, nonce, key)) < 0 ||
	    (r = ags_aead_new(AGS_AEAD_CHACHA20_POLY1305, key, &a)) < 0)
		goto out;
	memcpy(obuf, nonce, sizeof(nonce));
	olen = sizeof(nonce);
	for (uint64_t counter = 0;; counter++) {
		/* One byte of look-ahead tells whether a full chunk is the last one. */
		ssize_t avail = ags_age_src_fill(in, AGS_AGE_CHUNK + 1);
		if (avail < 0) {
			r = ags_diag_set(d, (int)avail, "reading the input: %s", ags_strerror((int)avail));
			goto out;
		}
		bool last = (size_t)avail <= AGS_AGE_CHUNK;
		size_t n = last ? (size_t)avail : AGS_AGE_CHUNK;
		if (counter == UINT64_MAX) {
			r = ags_diag_set(d, AGS_E_TOO_BIG, "input too large");
			goto out;
		}
		if (ocap - olen < AGS_AGE_CHUNK_CT) {
			if ((r = out->write(out->ctx, obuf, olen)) < 0)
				goto out;
			olen = 0;
		}
		chunk_nonce(cn, counter, last);
		if ((r = ags_aead_seal(a, cn, 12, NULL, 0, in->buf + in->off, n, obuf + olen)) < 0)
			goto out;
		in->off += n;
		olen += n + 16;
		if (last)
			break;
	}
	r = olen ? out->write(out->ctx, obuf, olen) : 0;
out:
	ags_aead_free(a);
	ags_wipe(key, sizeof(key));
	free(obuf); /* ciphertext only */
	return r;
}

#define PERR(...) ags_diag_set(d, AGS_E_AGE_PAYLOAD, __VA_ARGS__)

int ags_age_stream_decrypt(const uint8_t file_key[16], struct ags_age_src *in, struct ags_age_sink *out,
			   struct ags_diag *d)
{
	uint8_t key[32], cn[12];
	struct ags_aead *a = NULL;
	size_t ocap = AGS_AGE_BATCH * AGS_AGE_CHUNK, olen = 0;
	uint8_t *obuf = NULL;
	int r, wr;
	ssize_t avail = ags_age_src_fill(in, AGS_AGE_NONCE_LEN);
	if (avail < 0)
		return (int)avail;
	if ((size_t)avail < AGS_AGE_NONCE_LEN)
		return ags_diag_set(d, AGS_E_AGE_HEADER, "failed to read the payload nonce: file truncated");
	if ((r = payload_key(file_key, in->buf + in->off, key)) < 0)
		return r;
	in->off += AGS_AGE_NONCE_LEN;
	if ((r = ags_aead_new(AGS_AEAD_CHACHA20_POLY1305, key, &a)) < 0)
		goto out;
	if (!(obuf = malloc(ocap))) {
		r = AGS_E_NOMEM;
		goto out;
	}
	for (uint64_t counter = 0;; counter++) {
		avail = ags_age_src_fill(in, AGS_AGE_CHUNK_CT);
		if (avail < 0) {
			r = (int)avail;
			goto flush;
		}
		size_t n = AGS_MIN((size_t)avail, (size_t)AGS_AGE_CHUNK_CT);
		if (n == 0) {
			r = PERR("unexpected end of file: the payload has no final chunk (truncated?)");
			goto flush;
		}
		if (counter == UINT64_MAX) {
			r = PERR("too many chunks");
			goto flush;
		}
		if (ocap - olen < AGS_AGE_CHUNK) {
			if ((r = out->write(out->ctx, obuf, olen)) < 0)
				goto out;
			olen = 0;
		}
		const uint8_t *ct = in->buf + in->off;
		bool last;
		if (n < AGS_AGE_CHUNK_CT) {
			if (n < 16) {
				r = PERR("payload chunk %llu is truncated", (unsigned long long)counter);
				goto flush;
			}
			if (n == 16 && counter != 0) {
				r = PERR("payload chunk %llu: the last chunk is empty", (unsigned long long)counter);
				goto flush;
			}
			last = true;
			chunk_nonce(cn, counter, true);
			r = ags_aead_open(a, cn, 12, NULL, 0, ct, n, obuf + olen);
		} else {
			/* A full chunk is normally not the last; if that fails it may be a full last one. */
			last = false;
			chunk_nonce(cn, counter, false);
			r = ags_aead_open(a, cn, 12, NULL, 0, ct, n, obuf + olen);
			if (r == AGS_E_AUTH) {
				last = true;
				chunk_nonce(cn, counter, true);
				r = ags_aead_open(a, cn, 12, NULL, 0, ct, n, obuf + olen);
			}
		}
		if (r == AGS_E_AUTH) {
			r = PERR("payload chunk %llu failed to authenticate (tampered or truncated)",
				 (unsigned long long)counter);
			goto flush;
		}
		if (r < 0)
			goto flush;
		olen += n - 16;
		in->off += n;
		if (last) {
			avail = ags_age_src_fill(in, 1);
			if (avail < 0)
				r = (int)avail;
			else if (avail > 0)
				r = PERR("trailing data after the end of the encrypted payload");
			else
				r = 0;
			goto flush;
		}
	}
flush:
	/* Everything in obuf authenticated: release it even when failing now. */
	if (olen && (wr = out->write(out->ctx, obuf, olen)) < 0)
		r = wr;
out:
	if (obuf)
		ags_free_secret(obuf, ocap);
	ags_aead_free(a);
	ags_wipe(key, sizeof(key));
	ags_wipe(cn, sizeof(cn));
	return r;
}
