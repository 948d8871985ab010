/*
 * Encryption and decryption: header assembly and the decryption procedure
 * of spec §10 over the streaming plumbing in stream.c / armor.c.
 */
#include "internal.h"
#include "age/kind.h"
#include "age/stream.h"
#include "crypto/ossl.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BEGIN_LINE "-----BEGIN AGE ENCRYPTED FILE-----"
/* Sources start small (headers, small files) and grow to one batch on demand. */
#define SRC_CAP ((size_t)4096) /* grows on demand, see ags_age_src_fill */

/* Encryption */

static int build_header(struct ags_age_recipient *const *r, size_t nr, const uint8_t file_key[16],
			struct ags_buf *hdr, struct ags_diag *d)
{
	if (nr == 0)
		return ags_diag_set(d, AGS_E_INVAL, "no recipients specified");
	for (size_t i = 0; i < nr; i++) {
		unsigned l = r[i]->ops->labels;
		if ((l & AGS_AGE_LABEL_ALONE) && nr > 1)
			return ags_diag_set(d, AGS_E_AGE_MIXED_RECIPIENTS,
					    "a passphrase (scrypt) recipient must be the only one for the file");
		if (l != r[0]->ops->labels) {
			if ((l ^ r[0]->ops->labels) & AGS_AGE_LABEL_POSTQUANTUM)
				return ags_diag_set(d, AGS_E_AGE_MIXED_RECIPIENTS,
						    "incompatible recipients: can't mix post-quantum and classic recipients, "
						    "or the file would be vulnerable to quantum computers");
			return ags_diag_set(d, AGS_E_AGE_MIXED_RECIPIENTS, "incompatible recipients: %s and %s can't be mixed",
					    r[0]->ops->name, r[i]->ops->name);
		}
	}
	struct ags_age_stanzas st = { 0 };
	int rc = 0;
	for (size_t i = 0; i < nr && rc == 0; i++) {
		rc = r[i]->ops->wrap(r[i], file_key, &st, d);
		if (rc < 0 && d && !d->msg[0])
			ags_diag_set(d, rc, "failed to wrap the file key for recipient #%zu (%s)", i + 1, r[i]->ops->name);
	}
	/* Plugins tell their labels only when they wrap: check again. */
	for (size_t i = 1; i < nr && rc == 0; i++) {
		unsigned l0 = r[0]->ops->wrapped_labels ? r[0]->ops->wrapped_labels(r[0]) : r[0]->ops->labels;
		unsigned li = r[i]->ops->wrapped_labels ? r[i]->ops->wrapped_labels(r[i]) : r[i]->ops->labels;
		if (l0 != li || (li & AGS_AGE_LABEL_ALONE))
			rc = ags_diag_set(d, AGS_E_AGE_MIXED_RECIPIENTS, "incompatible recipients: %s and %s can't be mixed",
					  r[0]->ops->name, r[i]->ops->name);
	}
	uint8_t mac[32];
	char mac_b64[48];
	if (rc == 0)
		rc = ags_age_header_marshal_without_mac(&st, hdr);
	if (rc == 0)
		rc = ags_age_header_mac(file_key, hdr->data, hdr->len, mac);
	if (rc == 0) {
		ags_b64_encode(mac, 32, AGS_B64_UNPADDED, mac_b64);
		rc = ags_buf_printf(hdr, " %s\n", mac_b64);
	}
	ags_age_stanzas_clear(&st);
	return rc;
}

/* Takes ownership of src (initialised or not: src->buf NULL). */
static int encrypt_src(struct ags_age_recipient *const *r, size_t nr, bool armor, struct ags_age_src *srcp,
		       ags_age_write_fn wr, void *wctx, struct ags_diag *d)
{
	uint8_t fk[16];
	struct ags_buf hdr;
	struct ags_age_src src = *srcp;
	struct ags_age_armor_writer *aw = NULL;
	struct ags_age_sink user = { wr, wctx }, sink = user;
	ags_buf_init(&hdr, AGS_AGE_HEADER_MAX);
	int rc = src.buf ? 0 : AGS_E_NOMEM;
	if (rc == 0)
		rc = ags_random(fk, sizeof(fk));
	if (rc == 0)
		rc = build_header(r, nr, fk, &hdr, d);
	if (rc == 0 && armor && (rc = ags_age_armor_writer_new(&user, &aw)) == 0)
		sink = (struct ags_age_sink){ ags_age_armor_write, aw };
	if (rc == 0)
		rc = sink.write(sink.ctx, hdr.data, hdr.len);
	if (rc == 0)
		rc = ags_age_stream_encrypt(fk, &src, &sink, d);
	if (rc == 0 && aw)
		rc = ags_age_armor_writer_close(aw);
	if (rc < 0 && d && !d->msg[0])
		ags_diag_set(d, rc, "%s", ags_strerror(rc));
	ags_age_armor_writer_free(aw);
	if (src.buf)
		ags_age_src_free(&src);
	ags_buf_release(&hdr);
	ags_wipe(fk, sizeof(fk));
	return rc;
}

int ags_age_encrypt_stream(struct ags_age_recipient *const *r, size_t nr, bool armor,
			   ags_age_read_fn rd, void *rctx, ags_age_write_fn wr, void *wctx,
			   struct ags_diag *d)
{
	struct ags_age_src src = { 0 };
	if (ags_age_src_init(&src, rd, rctx, SRC_CAP) < 0)
		src.buf = NULL;
	return encrypt_src(r, nr, armor, &src, wr, wctx, d);
}

/* Decryption */

static bool is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int unwrap_file_key(struct ags_age_identity *const *ids, size_t nid, const struct ags_age_stanzas *st,
			   uint8_t fk[16], struct ags_diag *d)
{
	if (nid == 0)
		return ags_diag_set(d, AGS_E_INVAL, "no identities specified");
	/* Native identities first, as Go age does; otherwise in the given order. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < nid; i++) {
			if (ids[i]->ops->native != (pass == 0))
				continue;
			int r = ags_age_identity_unwrap(ids[i], st, fk, d);
			if (r == AGS_E_AGE_INCORRECT_IDENTITY)
				continue;
			if (r < 0 && d && !d->msg[0])
				ags_diag_set(d, r, "%s", ags_strerror(r));
			return r;
		}
	}
	return ags_diag_set(d, AGS_E_AGE_NO_MATCH, "no identity matched any of the recipients");
}

int ags_age_src_read_header(struct ags_age_src *in, struct ags_age_header *h, size_t *consumed, struct ags_diag *d)
{
	size_t want = 4096;
	int r;
	for (;;) {
		ssize_t avail = ags_age_src_fill(in, want);
		if (avail < 0)
			return (int)avail;
		r = ags_age_header_parse(in->buf + in->off, (size_t)avail, h, consumed, d);
		if (r != AGS_E_TRUNCATED)
			return r;
		if (in->eof) {
			if (d)
				d->code = AGS_E_AGE_HEADER;
			return AGS_E_AGE_HEADER;
		}
		if ((size_t)avail >= AGS_AGE_HEADER_MAX)
			return ags_diag_set(d, AGS_E_AGE_HEADER, "header too large");
		want = AGS_MIN((size_t)avail * 2, AGS_AGE_HEADER_MAX + 1);
	}
}

int ags_age_src_is_armored(struct ags_age_src *raw)
{
	/* As age 1.3: armored if BEGIN follows at most 1 KiB of whitespace. */
	ssize_t avail = ags_age_src_fill(raw, 1024 + sizeof(BEGIN_LINE));
	if (avail < 0)
		return (int)avail;
	size_t i = 0;
	const uint8_t *p = raw->buf + raw->off;
	while (i < (size_t)avail && i < 1024 && is_space(p[i]))
		i++;
	return (size_t)avail - i >= sizeof(BEGIN_LINE) - 1 && memcmp(p + i, BEGIN_LINE, sizeof(BEGIN_LINE) - 1) == 0;
}

static int decrypt_main(struct ags_age_identity *const *ids, size_t nid, struct ags_age_src *in,
			struct ags_age_sink *out, struct ags_diag *d)
{
	struct ags_age_header h = { 0 };
	size_t consumed = 0;
	int r = ags_age_src_read_header(in, &h, &consumed, d);
	if (r < 0)
		return r;
	uint8_t fk[16], mac[32];
	r = unwrap_file_key(ids, nid, &h.st, fk, d);
	if (r == 0)
		r = ags_age_header_mac(fk, in->buf + in->off, h.mac_covered, mac);
	if (r == 0 && !ags_ct_eq(mac, h.mac, 32))
		r = ags_diag_set(d, AGS_E_AGE_HEADER_MAC, "bad header MAC");
	ags_age_header_clear(&h);
	if (r == 0) {
		in->off += consumed;
		r = ags_age_stream_decrypt(fk, in, out, d);
	}
	ags_wipe(fk, sizeof(fk));
	return r;
}

/* Takes ownership of an initialised raw source. */
static int decrypt_src(struct ags_age_identity *const *ids, size_t nid, enum ags_age_armor_mode armor,
		       struct ags_age_src *rawp, ags_age_write_fn wr, void *wctx, struct ags_diag *d)
{
	struct ags_age_src raw = *rawp, dearmored = { 0 };
	struct ags_age_armor_reader *ar = NULL;
	struct ags_age_sink sink = { wr, wctx };
	int r = 0;
	bool armored = armor == AGS_AGE_ARMOR_YES;
	if (armor == AGS_AGE_ARMOR_AUTO) {
		if ((r = ags_age_src_is_armored(&raw)) < 0)
			goto out;
		armored = r == 1;
		r = 0;
	}
	struct ags_age_src *in = &raw;
	if (armored) {
		if ((r = ags_age_armor_reader_new(&raw, &ar)) < 0 ||
		    (r = ags_age_src_init(&dearmored, ags_age_armor_read, ar, SRC_CAP)) < 0)
			goto out;
		in = &dearmored;
	}
	r = decrypt_main(ids, nid, in, &sink, d);
	if (r < 0 && ar && ags_age_armor_error(ar)[0])
		r = ags_diag_set(d, AGS_E_AGE_ARMOR, "%s", ags_age_armor_error(ar));
	else if (r < 0 && d && !d->msg[0])
		ags_diag_set(d, r, "%s", ags_strerror(r));
out:
	if (dearmored.buf)
		ags_age_src_free(&dearmored);
	ags_age_armor_reader_free(ar);
	ags_age_src_free(&raw);
	return r;
}

int ags_age_decrypt_stream(struct ags_age_identity *const *ids, size_t nid, enum ags_age_armor_mode armor,
			   ags_age_read_fn rd, void *rctx, ags_age_write_fn wr, void *wctx,
			   struct ags_diag *d)
{
	struct ags_age_src raw;
	AGS_TRY(ags_age_src_init(&raw, rd, rctx, SRC_CAP));
	return decrypt_src(ids, nid, armor, &raw, wr, wctx, d);
}

/* Buffers and file descriptors */

struct mem_reader {
	const uint8_t *p;
	size_t len, off;
};

static ssize_t mem_read(void *ctx, void *buf, size_t n)
{
	struct mem_reader *m = ctx;
	size_t take = AGS_MIN(n, m->len - m->off);
	memcpy(buf, m->p + m->off, take);
	m->off += take;
	return (ssize_t)take;
}

static int buf_write(void *ctx, const void *p, size_t n)
{
	return ags_buf_append(ctx, p, n);
}

/* out as it was before (its first before bytes) when rc says the call failed. */
static int buf_result(struct ags_buf *out, size_t before, int rc)
{
	if (rc < 0)
		ags_buf_truncate(out, before);
	return rc;
}

int ags_age_encrypt_buf(struct ags_age_recipient *const *r, size_t nr, const void *pt, size_t len,
			bool armor, struct ags_buf *out, struct ags_diag *d)
{
	struct mem_reader m = { pt, len, 0 };
	size_t before = out->len;
	return buf_result(out, before, ags_age_encrypt_stream(r, nr, armor, mem_read, &m, buf_write, out, d));
}

int ags_age_decrypt_buf(struct ags_age_identity *const *ids, size_t nid, const void *ct, size_t len,
			struct ags_buf *out, struct ags_diag *d)
{
	struct mem_reader m = { ct, len, 0 };
	size_t before = out->len;
	return buf_result(out, before,
			  ags_age_decrypt_stream(ids, nid, AGS_AGE_ARMOR_AUTO, mem_read, &m, buf_write, out, d));
}

static int fd_write(void *ctx, const void *p, size_t n)
{
	return ags_write_all(*(int *)ctx, p, n);
}

int ags_age_encrypt_from_fd(struct ags_age_recipient *const *r, size_t nr, bool armor, int in_fd,
			    ags_age_write_fn wr, void *wctx, struct ags_diag *d)
{
	struct ags_age_src src = { 0 };
	if (ags_age_src_init_fd(&src, &in_fd, SRC_CAP) < 0)
		src.buf = NULL;
	return encrypt_src(r, nr, armor, &src, wr, wctx, d);
}

int ags_age_decrypt_from_fd(struct ags_age_identity *const *ids, size_t nid, int in_fd, ags_age_write_fn wr,
			    void *wctx, struct ags_diag *d)
{
	struct ags_age_src raw;
	AGS_TRY(ags_age_src_init_fd(&raw, &in_fd, SRC_CAP));
	return decrypt_src(ids, nid, AGS_AGE_ARMOR_AUTO, &raw, wr, wctx, d);
}

int ags_age_encrypt_fd(struct ags_age_recipient *const *r, size_t nr, bool armor, int in_fd, int out_fd,
		       struct ags_diag *d)
{
	return ags_age_encrypt_from_fd(r, nr, armor, in_fd, fd_write, &out_fd, d);
}

int ags_age_decrypt_fd(struct ags_age_identity *const *ids, size_t nid, int in_fd, int out_fd,
		       struct ags_diag *d)
{
	return ags_age_decrypt_from_fd(ids, nid, in_fd, fd_write, &out_fd, d);
}
