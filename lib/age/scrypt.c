/*
 * The scrypt (passphrase) kind (spec §5.2).  It has no string form, so it
 * is not in the kinds table: the API builds it directly.
 */
#include "internal.h"
#include "age/kind.h"
#include "crypto/ossl.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LABEL "age-encryption.org/v1/scrypt"
#define MAX_LOG_N 22
#define PASS_MAX 4096

/* The priv of both handles: a passphrase and a work factor. */
struct s_key {
	char *pass; /* NULL for the prompting identity until it is asked */
	size_t passlen;
	unsigned log_n; /* recipient: the work factor; identity: the largest accepted */
	ags_passphrase_fn prompt;
	void *prompt_ctx;
};

/* Both handles always have their key: p is never NULL. */
static void key_free(void *p)
{
	struct s_key *s = p;
	ags_free_secret(s->pass, s->passlen);
	ags_free_secret(s, sizeof(*s));
}

static int derive(const char *pass, size_t passlen, const uint8_t salt[16], unsigned log_n, uint8_t key[32])
{
	uint8_t full[sizeof(LABEL) - 1 + 16];
	memcpy(full, LABEL, sizeof(LABEL) - 1);
	memcpy(full + sizeof(LABEL) - 1, salt, 16);
	return ags_scrypt(pass, passlen, full, sizeof(full), log_n, key, 32);
}

static int r_wrap(const struct ags_age_recipient *r, const uint8_t file_key[16],
		  struct ags_age_stanzas *out, struct ags_diag *d)
{
	const struct s_key *s = r->priv;
	uint8_t salt[16], key[32], body[32];
	char salt_b64[32], logn[16];
	int rc;
	if ((rc = ags_random(salt, 16)) < 0 || (rc = derive(s->pass, s->passlen, salt, s->log_n, key)) < 0 ||
	    (rc = ags_age_wrap_file_key(key, file_key, body)) < 0)
		goto out;
	ags_b64_encode(salt, 16, AGS_B64_UNPADDED, salt_b64);
	snprintf(logn, sizeof(logn), "%u", s->log_n);
	const char *args[3] = { "scrypt", salt_b64, logn };
	rc = ags_age_stanzas_add(out, args, 3, body, 32);
out:
	ags_wipe(key, sizeof(key));
	if (rc < 0 && d && !d->msg[0])
		ags_diag_set(d, rc, "scrypt: %s", ags_strerror(rc));
	return rc;
}

static const struct ags_age_recipient_ops scrypt_recipient_ops =
	AGS_AGE_RECIPIENT_OPS("scrypt", AGS_AGE_LABEL_ALONE, r_wrap, NULL, NULL, key_free);

static char *dup_pass(const char *pass, size_t passlen)
{
	char *p = malloc(passlen + 1);
	if (p) {
		memcpy(p, pass, passlen);
		p[passlen] = 0;
	}
	return p;
}

/* A key holding a copy of pass, or, with a prompt, no passphrase until it
 * is asked for. */
static struct s_key *key_new(const char *pass, size_t passlen, unsigned log_n, ags_passphrase_fn prompt,
			     void *prompt_ctx)
{
	struct s_key *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	*s = (struct s_key){ NULL, prompt ? 0 : passlen, log_n, prompt, prompt_ctx };
	if (!prompt && !(s->pass = dup_pass(pass, passlen))) {
		free(s);
		return NULL;
	}
	return s;
}

int ags_age_recipient_new_scrypt(const char *pass, size_t passlen, unsigned log_n,
				 struct ags_age_recipient **ret)
{
	if (passlen == 0 || passlen > PASS_MAX)
		return AGS_E_AGE_PASSPHRASE;
	if (log_n == 0)
		log_n = 18;
	if (log_n > MAX_LOG_N)
		return AGS_E_AGE_WORK_FACTOR;
	struct s_key *s = key_new(pass, passlen, log_n, NULL, NULL);
	if (!s)
		return AGS_E_NOMEM;
	return ags_age_recipient_make(&scrypt_recipient_ops, s, ret);
}

#define HERR(...) ags_diag_set(d, AGS_E_AGE_HEADER, __VA_ARGS__)

/* Structural checks shared by the plain and prompting identities.  Returns
 * 1 when st is a lone, well-formed scrypt stanza. */
static int check_stanzas(const struct ags_age_stanzas *st, unsigned max_log_n, uint8_t salt[16],
			 unsigned *log_n, struct ags_diag *d)
{
	for (size_t i = 0; i < st->n; i++)
		if (strcmp(st->v[i].args[0], "scrypt") == 0 && st->n != 1)
			return HERR("an scrypt recipient must be the only one in the file");
	if (st->n != 1 || strcmp(st->v[0].args[0], "scrypt") != 0)
		return AGS_E_AGE_INCORRECT_IDENTITY;
	const struct ags_age_stanza *s = &st->v[0];
	if (s->nargs != 3)
		return HERR("invalid scrypt recipient block: wrong number of arguments");
	if (ags_age_decode_arg(s->args[1], salt, 16) < 0)
		return HERR("invalid scrypt recipient block: malformed salt");
	const char *w = s->args[2];
	size_t wl = strlen(w);
	if (wl == 0 || wl > 2 || w[0] < '1' || w[0] > '9' || (wl == 2 && (w[1] < '0' || w[1] > '9'))) {
		/* Anything that is not ^[1-9][0-9]*$, or too long to be <= 22 anyway. */
		bool digits = wl > 0 && w[0] >= '1' && w[0] <= '9';
		for (size_t i = 1; digits && i < wl; i++)
			digits = w[i] >= '0' && w[i] <= '9';
		if (digits)
			return ags_diag_set(d, AGS_E_AGE_WORK_FACTOR, "scrypt work factor %.20s is too large", w);
		return HERR("invalid scrypt recipient block: malformed work factor");
	}
	unsigned v = (unsigned)atoi(w);
	if (v > max_log_n)
		return ags_diag_set(d, AGS_E_AGE_WORK_FACTOR,
				    "scrypt work factor %u is too large (at most %u accepted)", v, max_log_n);
	if (s->bodylen != 32)
		return HERR("invalid scrypt recipient block: wrong body size");
	*log_n = v;
	return 1;
}

static int unwrap_with(const char *pass, size_t passlen, const uint8_t salt[16], unsigned log_n,
		       const struct ags_age_stanza *s, uint8_t file_key[16])
{
	uint8_t key[32];
	int r = derive(pass, passlen, salt, log_n, key);
	if (r == 0)
		r = ags_age_unwrap_file_key(key, s->body, file_key);
	ags_wipe(key, sizeof(key));
	return r;
}

static int i_unwrap(const struct ags_age_identity *id, const struct ags_age_stanzas *st,
		    uint8_t file_key[16], struct ags_diag *d)
{
	struct s_key *s = id->priv;
	uint8_t salt[16];
	unsigned log_n = 0;
	int r = check_stanzas(st, s->log_n, salt, &log_n, d);
	if (r != 1)
		return r;
	if (!s->pass) {
		char *buf;
		int n;
		AGS_TRY(ags_age_passphrase_read(s->prompt, s->prompt_ctx, "Enter passphrase:", PASS_MAX + 1, &buf, &n));
		if (n < 0)
			return ags_diag_set(d, n, "could not read passphrase: %s", ags_strerror(n));
		s->pass = dup_pass(buf, (size_t)n);
		ags_free_secret(buf, PASS_MAX + 1);
		if (!s->pass)
			return AGS_E_NOMEM;
		s->passlen = (size_t)n;
	}
	r = unwrap_with(s->pass, s->passlen, salt, log_n, &st->v[0], file_key);
	/* A prompting identity is the only passphrase there is (age -d, an
	 * encrypted identity file): say so instead of "no identity matched". */
	if (r == AGS_E_AGE_INCORRECT_IDENTITY && s->prompt)
		return ags_diag_set(d, AGS_E_AUTH, "incorrect passphrase");
	return r;
}

static const struct ags_age_identity_ops scrypt_identity_ops =
	AGS_AGE_IDENTITY_OPS("scrypt", true, i_unwrap, NULL, NULL, NULL, key_free);

int ags_age_identity_new_scrypt(const char *pass, size_t passlen, struct ags_age_identity **ret)
{
	return ags_age_scrypt_identity_new(pass, passlen, MAX_LOG_N, ret);
}

int ags_age_scrypt_identity_new(const char *pass, size_t passlen, unsigned max_log_n, struct ags_age_identity **ret)
{
	if (passlen > PASS_MAX)
		return AGS_E_TOO_BIG;
	if (max_log_n == 0 || max_log_n > MAX_LOG_N)
		max_log_n = MAX_LOG_N;
	struct s_key *s = key_new(pass, passlen, max_log_n, NULL, NULL);
	if (!s)
		return AGS_E_NOMEM;
	return ags_age_identity_make(&scrypt_identity_ops, s, ret);
}

int ags_age_identity_new_scrypt_prompt(ags_passphrase_fn pass, void *pass_ctx, unsigned max_log_n,
				       struct ags_age_identity **ret)
{
	if (!pass || max_log_n > MAX_LOG_N)
		return AGS_E_INVAL;
	struct s_key *s = key_new(NULL, 0, max_log_n ? max_log_n : MAX_LOG_N, pass, pass_ctx);
	if (!s)
		return AGS_E_NOMEM;
	return ags_age_identity_make(&scrypt_identity_ops, s, ret);
}

static int reject_unwrap(const struct ags_age_identity *id, const struct ags_age_stanzas *st,
			 uint8_t file_key[16], struct ags_diag *d)
{
	(void)id;
	(void)file_key;
	if (st->n != 1 || strcmp(st->v[0].args[0], "scrypt") != 0)
		return AGS_E_AGE_INCORRECT_IDENTITY;
	return ags_diag_set(d, AGS_E_AGE_PASSPHRASE,
			    "file is passphrase-encrypted but identities were specified with -i/--identity or -j");
}

static void nop_free(void *p)
{
	(void)p;
}

/* Not native: tried after every other identity (-j batchpass opens scrypt files). */
static const struct ags_age_identity_ops reject_scrypt_ops =
	AGS_AGE_IDENTITY_OPS("reject-scrypt", false, reject_unwrap, NULL, NULL, NULL, nop_free);

int ags_age_identity_new_reject_scrypt(struct ags_age_identity **ret)
{
	return ags_age_identity_make(&reject_scrypt_ops, NULL, ret);
}
