/*
 * age-plugin-batchpass, the plugin side (as Go age 1.3's
 * cmd/age-plugin-batchpass): passphrase encryption without a terminal.  It
 * writes standard scrypt stanzas, so any age opens the file with the
 * passphrase; the passphrase itself comes from the caller (the CLI reads
 * AGE_PASSPHRASE / AGE_PASSPHRASE_FD).  Failures the user must see travel
 * as "error" stanzas, as the protocol wants.
 */
#include "internal.h"
#include <agesops/age.h>
#include "age/kind.h"
#include "age/plugin.h"
#include "age/plugin_conn.h"
#include "age/bech32.h"
#include "crypto/ossl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILES 64

/* Phase 1 as the client sends it. */
struct request {
	size_t nidentities, nrecipients;
	bool labels;
	struct ags_age_stanzas keys;     /* wrap-file-key bodies (recipient-v1) */
	struct ags_age_stanzas files[MAX_FILES]; /* recipient stanzas by file (identity-v1) */
	size_t nfiles;
	const char *bad; /* why the request is unusable, or NULL */
};

static void request_clear(struct request *q)
{
	ags_age_stanzas_clear(&q->keys);
	for (size_t i = 0; i < q->nfiles; i++)
		ags_age_stanzas_clear(&q->files[i]);
}

static bool is_batchpass_identity(const char *s)
{
	char *hrp = NULL;
	uint8_t *data = NULL;
	size_t len = 0;
	bool ok = ags_bech32_decode(s, &hrp, &data, &len) == 0 && !strcmp(hrp, "AGE-PLUGIN-BATCHPASS-") && len == 0;
	free(hrp);
	free(data);
	return ok;
}

static int add_file_stanza(struct request *q, const struct ags_plugin_stanza *s)
{
	char *end;
	unsigned long i = strtoul(s->args[1], &end, 10);
	if (*end || (i != q->nfiles && i + 1 != q->nfiles) || i >= MAX_FILES) {
		q->bad = "unexpected file index in recipient-stanza";
		return 0;
	}
	if (i == q->nfiles)
		q->nfiles++;
	return ags_age_stanzas_add(&q->files[i], (const char *const *)s->args + 2, s->nargs - 2, s->body.data,
				   s->body.len);
}

static int read_request(struct ags_plugin_conn *c, struct request *q, struct ags_diag *d)
{
	struct ags_plugin_stanza s;
	int r = 0;
	ags_plugin_pst_init(&s);
	for (size_t count = 0; r == 0; count++) {
		if (count > AGS_PLUGIN_STANZAS_MAX) {
			r = ags_plugin_garbage(c, d, "too many stanzas");
			break;
		}
		if ((r = ags_plugin_read_stanza(c, &s, d)) < 0)
			break;
		const char *t = s.args[0];
		if (!strcmp(t, "done"))
			break;
		if (!strcmp(t, "add-identity") && s.nargs == 2) {
			q->nidentities++;
			if (!is_batchpass_identity(s.args[1]))
				q->bad = "batchpass identity does not take any payload";
		} else if (!strcmp(t, "add-recipient")) {
			q->nrecipients++;
		} else if (!strcmp(t, "extension-labels")) {
			q->labels = true;
		} else if (!strcmp(t, "wrap-file-key") && s.body.len == 16) {
			const char *a[1] = { "k" };
			r = ags_age_stanzas_add(&q->keys, a, 1, s.body.data, 16);
		} else if (!strcmp(t, "recipient-stanza") && s.nargs >= 3) {
			r = add_file_stanza(q, &s);
		} /* anything else (grease): ignored, as the protocol asks */
	}
	ags_plugin_pst_release(&s);
	return r;
}

/* An "error" stanza, then the client's "ok"; 1: the session ends there. */
static int send_error(struct ags_plugin_conn *c, const char *kind, const char *idx, const char *msg,
		      struct ags_diag *d)
{
	const char *args[4] = { "error", kind, idx, "0" };
	struct ags_plugin_stanza ok;
	AGS_TRY(ags_plugin_write_stanza(c, args, !strcmp(kind, "stanza") ? 4 : 3, msg, strlen(msg), d));
	ags_plugin_pst_init(&ok);
	int r = ags_plugin_read_stanza(c, &ok, d);
	ags_plugin_pst_release(&ok);
	return r < 0 ? r : 1;
}

/* Writes one stanza and waits for the client's "ok". */
static int send_and_ack(struct ags_plugin_conn *c, const char *const *args, size_t nargs, const void *body,
			size_t len, struct ags_diag *d)
{
	struct ags_plugin_stanza ok;
	AGS_TRY(ags_plugin_write_stanza(c, args, nargs, body, len, d));
	ags_plugin_pst_init(&ok);
	int r = ags_plugin_read_stanza(c, &ok, d);
	ags_plugin_pst_release(&ok);
	return r;
}

static int serve_wrap(struct ags_plugin_conn *c, const struct request *q, const struct ags_age_batchpass *o,
		      struct ags_diag *d)
{
	struct ags_age_recipient *rc = NULL;
	struct ags_age_stanzas out = { 0 };
	struct ags_diag sub = { 0 };
	char idx[24];
	int r;
	if (q->nrecipients)
		return send_error(c, "recipient", "0", "recipient encodings not supported", d);
	if (q->bad || !o->pass)
		return send_error(c, "identity", "0", q->bad ? q->bad : o->pass_error, d);
	r = ags_age_recipient_new_scrypt(o->pass, o->passlen, o->work_factor, &rc);
	if (r < 0)
		return send_error(c, "identity", "0",
				  r == AGS_E_AGE_WORK_FACTOR ? "AGE_PASSPHRASE_WORK_FACTOR is too large (at most 22)"
							     : ags_strerror(r), d);
	for (size_t i = 0; r == 0 && i < q->keys.n; i++) {
		size_t before = out.n;
		r = rc->ops->wrap(rc, q->keys.v[i].body, &out, &sub);
		for (size_t j = before; r == 0 && j < out.n; j++) {
			const struct ags_age_stanza *s = &out.v[j];
			const char *args[AGS_AGE_MAX_ARGS + 2] = { "recipient-stanza", idx };
			snprintf(idx, sizeof(idx), "%zu", i);
			for (size_t k = 0; k < s->nargs && k < AGS_AGE_MAX_ARGS; k++)
				args[k + 2] = s->args[k];
			if (i == 0 && j == before && q->labels) {
				/* scrypt's label is random: the file can have no other recipient */
				uint8_t rnd[16];
				char label[32];
				const char *la[2] = { "labels", label };
				if ((r = ags_random(rnd, sizeof(rnd))) == 0) {
					ags_b64_encode(rnd, sizeof(rnd), AGS_B64_UNPADDED, label);
					r = send_and_ack(c, la, 2, NULL, 0, d);
				}
			}
			if (r == 0)
				r = send_and_ack(c, args, s->nargs + 2, s->body, s->bodylen, d);
		}
	}
	ags_age_stanzas_clear(&out);
	ags_age_recipient_free(rc);
	if (r < 0 && sub.msg[0])
		ags_diag_set(d, r, "%s", sub.msg);
	return r;
}

static int serve_unwrap(struct ags_plugin_conn *c, const struct request *q, const struct ags_age_batchpass *o,
			struct ags_diag *d)
{
	struct ags_age_identity *id = NULL;
	int r;
	if (q->bad || !o->pass)
		return send_error(c, "identity", "0", q->bad ? q->bad : o->pass_error, d);
	AGS_TRY(ags_age_scrypt_identity_new(o->pass, o->passlen, o->max_work_factor, &id));
	r = 0;
	for (size_t i = 0; r == 0 && i < q->nfiles; i++) {
		const struct ags_age_stanzas *st = &q->files[i];
		struct ags_diag sub = { 0 };
		uint8_t fk[16];
		char idx[24];
		bool scrypt = false;
		snprintf(idx, sizeof(idx), "%zu", i);
		for (size_t k = 0; k < st->n; k++)
			scrypt |= !strcmp(st->v[k].args[0], "scrypt");
		int u = ags_age_identity_unwrap(id, st, fk, &sub);
		if (u == 0) {
			const char *args[2] = { "file-key", idx };
			r = send_and_ack(c, args, 2, fk, 16, d);
		} else if (u == AGS_E_AGE_INCORRECT_IDENTITY) {
			/* The only way the user means to open the file: say why. */
			r = send_error(c, "stanza", idx, scrypt ? "incorrect passphrase" : "file is not passphrase-encrypted", d);
		} else {
			r = send_error(c, "stanza", idx, sub.msg[0] ? sub.msg : ags_strerror(u), d);
		}
		ags_wipe(fk, sizeof(fk));
	}
	ags_age_identity_free(id);
	return r;
}

int ags_age_batchpass_serve(const char *state, const struct ags_age_batchpass *o, int in_fd, int out_fd,
			    struct ags_diag *d)
{
	struct ags_plugin_conn c;
	struct request q = { 0 };
	bool wrap = !strcmp(state, "recipient-v1");
	if (!wrap && strcmp(state, "identity-v1"))
		return ags_diag_set(d, AGS_E_UNSUPPORTED, "unknown plugin state \"%.64s\"", state);
	ags_plugin_conn_attach(&c, "batchpass", in_fd, out_fd);
	int r = read_request(&c, &q, d);
	if (r == 0 && q.nidentities + q.nrecipients == 0)
		r = ags_diag_set(d, AGS_E_AGE_PLUGIN, "no identities provided");
	if (r == 0)
		r = wrap ? serve_wrap(&c, &q, o, d) : serve_unwrap(&c, &q, o, d);
	if (r == 0)
		r = ags_plugin_write_cmd(&c, "done", NULL, d);
	request_clear(&q);
	ags_buf_release(&c.rb);
	return r < 0 ? r : 0;
}
