/*
 * The base layer of lib/age: recipient and identity handles, handle lists,
 * and the helpers every kind shares.  It knows no kind: kinds build on it,
 * and parsing (parse.c) dispatches to them through the table in kinds.c.
 */
#include "internal.h"
#include "age/kind.h"
#include "age/bech32.h"
#include "crypto/ossl.h"
#include <stdlib.h>
#include <string.h>

int ags_age_recipient_make(const struct ags_age_recipient_ops *ops, void *priv, struct ags_age_recipient **ret)
{
	struct ags_age_recipient *r = calloc(1, sizeof(*r));
	if (!r) {
		ops->free(priv);
		return AGS_E_NOMEM;
	}
	r->ops = ops;
	r->priv = priv;
	*ret = r;
	return 0;
}

int ags_age_identity_make(const struct ags_age_identity_ops *ops, void *priv, struct ags_age_identity **ret)
{
	struct ags_age_identity *id = calloc(1, sizeof(*id));
	if (!id) {
		ops->free(priv);
		return AGS_E_NOMEM;
	}
	id->ops = ops;
	id->priv = priv;
	*ret = id;
	return 0;
}

int ags_age_recipient_of_bytes(const struct ags_age_recipient_ops *ops, const void *key, size_t len,
			       struct ags_age_recipient **ret)
{
	void *copy = malloc(len);
	if (!copy)
		return AGS_E_NOMEM;
	memcpy(copy, key, len);
	return ags_age_recipient_make(ops, copy, ret);
}

int ags_age_identity_of_secret(const struct ags_age_identity_ops *ops, size_t size, const uint8_t secret[32],
			       int (*derive)(void *priv), struct ags_age_identity **ret)
{
	uint8_t *priv = malloc(size);
	if (!priv)
		return AGS_E_NOMEM;
	memcpy(priv, secret, 32);
	int r = derive(priv);
	if (r < 0) {
		ags_free_secret(priv, size);
		return r;
	}
	return ags_age_identity_make(ops, priv, ret);
}

int ags_age_identity_of_bech32(const char *s, const char *hrp, const char *what,
			       int (*make)(const uint8_t secret[32], struct ags_age_identity **ret),
			       struct ags_age_identity **ret, struct ags_diag *d)
{
	uint8_t secret[32];
	AGS_TRY(ags_age_bech32_key(s, hrp, what, secret, sizeof(secret), d));
	int r = make(secret, ret);
	ags_wipe(secret, sizeof(secret));
	return r;
}

int ags_age_identity_random(int (*make)(const uint8_t seed[32], struct ags_age_identity **ret),
			    struct ags_age_identity **ret)
{
	uint8_t seed[32];
	int r = ags_random(seed, sizeof(seed));
	if (r == 0)
		r = make(seed, ret);
	ags_wipe(seed, sizeof(seed));
	return r;
}

void ags_age_recipient_free(struct ags_age_recipient *r)
{
	if (!r)
		return;
	r->ops->free(r->priv);
	free(r);
}

void ags_age_identity_free(struct ags_age_identity *id)
{
	if (!id)
		return;
	id->ops->free(id->priv);
	free(id);
}

const char *ags_age_recipient_kind(const struct ags_age_recipient *r)
{
	return r->ops->name;
}

const char *ags_age_identity_kind(const struct ags_age_identity *id)
{
	return id->ops->name;
}

int ags_age_recipient_string(const struct ags_age_recipient *r, char **ret)
{
	if (!r->ops->string)
		return AGS_E_UNSUPPORTED;
	return r->ops->string(r, ret);
}

int ags_age_identity_string(const struct ags_age_identity *id, char **ret)
{
	if (!id->ops->string)
		return AGS_E_UNSUPPORTED;
	return id->ops->string(id, ret);
}

int ags_age_identity_to_recipient(const struct ags_age_identity *id, struct ags_age_recipient **ret)
{
	if (!id->ops->to_recipient)
		return AGS_E_UNSUPPORTED;
	return id->ops->to_recipient(id, ret);
}

/* Lists */

/* Room for one more pointer in a handle list (capped: 65536 handles). */
static int grow(void ***v, size_t n, size_t *cap)
{
	if (n >= 65536)
		return AGS_E_TOO_BIG;
	return ags_array_grow((void **)v, cap, n, sizeof(**v), 4);
}

int ags_age_identities_add(struct ags_age_identities *l, struct ags_age_identity *id)
{
	void **v = (void **)l->v;
	int r = grow(&v, l->n, &l->cap);
	l->v = (struct ags_age_identity **)v;
	if (r < 0) {
		ags_age_identity_free(id);
		return r;
	}
	l->v[l->n++] = id;
	return 0;
}

int ags_age_recipients_add(struct ags_age_recipients *l, struct ags_age_recipient *r)
{
	void **v = (void **)l->v;
	int rc = grow(&v, l->n, &l->cap);
	l->v = (struct ags_age_recipient **)v;
	if (rc < 0) {
		ags_age_recipient_free(r);
		return rc;
	}
	l->v[l->n++] = r;
	return 0;
}

void ags_age_identities_clear(struct ags_age_identities *l)
{
	for (size_t i = 0; i < l->n; i++)
		ags_age_identity_free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void ags_age_recipients_clear(struct ags_age_recipients *l)
{
	for (size_t i = 0; i < l->n; i++)
		ags_age_recipient_free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Helpers for kinds */

int ags_age_identity_unwrap(const struct ags_age_identity *id, const struct ags_age_stanzas *st,
			    uint8_t file_key[16], struct ags_diag *d)
{
	if (id->ops->unwrap)
		return id->ops->unwrap(id, st, file_key, d);
	return ags_age_unwrap_each(id, st, id->ops->unwrap_stanza, file_key, d);
}

int ags_age_unwrap_each(const struct ags_age_identity *id, const struct ags_age_stanzas *st,
			int (*one)(const struct ags_age_identity *id, const struct ags_age_stanza *s,
				   uint8_t file_key[16], struct ags_diag *d),
			uint8_t file_key[16], struct ags_diag *d)
{
	for (size_t i = 0; i < st->n; i++) {
		int r = one(id, &st->v[i], file_key, d);
		if (r != AGS_E_AGE_INCORRECT_IDENTITY)
			return r;
	}
	return AGS_E_AGE_INCORRECT_IDENTITY;
}

int ags_age_decode_arg(const char *arg, uint8_t *out, size_t want)
{
	size_t n = strlen(arg), got = 0;
	if (n != ags_b64_encoded_len(want, AGS_B64_UNPADDED))
		return AGS_E_AGE_HEADER;
	uint8_t tmp[64];
	if (want + 3 > sizeof(tmp)) {
		uint8_t *big = malloc(ags_b64_decoded_max(n));
		if (!big)
			return AGS_E_NOMEM;
		int r = ags_b64_decode(arg, n, AGS_B64_UNPADDED, big, &got);
		if (r == 0 && got == want)
			memcpy(out, big, want);
		free(big);
		return r == 0 && got == want ? 0 : AGS_E_AGE_HEADER;
	}
	if (ags_b64_decode(arg, n, AGS_B64_UNPADDED, tmp, &got) < 0 || got != want)
		return AGS_E_AGE_HEADER;
	memcpy(out, tmp, want);
	return 0;
}

int ags_age_wrap_file_key(const uint8_t key[32], const uint8_t file_key[16], uint8_t body[32])
{
	static const uint8_t zero_nonce[12];
	return ags_chacha_seal(key, zero_nonce, NULL, 0, file_key, 16, body);
}

int ags_age_unwrap_file_key(const uint8_t key[32], const uint8_t *body, uint8_t file_key[16])
{
	static const uint8_t zero_nonce[12];
	uint8_t fk[16];
	int r = ags_chacha_open(key, zero_nonce, NULL, 0, body, 32, fk);
	if (r == AGS_E_AUTH)
		return AGS_E_AGE_INCORRECT_IDENTITY;
	if (r == 0)
		memcpy(file_key, fk, 16);
	ags_wipe(fk, sizeof(fk));
	return r;
}


int ags_age_stanza_expect(const struct ags_age_stanza *s, const char *type, const char *argname, uint8_t *arg,
			  size_t arglen, struct ags_diag *d)
{
	if (strcmp(s->args[0], type) != 0)
		return AGS_E_AGE_INCORRECT_IDENTITY;
	if (s->nargs != 2)
		return ags_diag_set(d, AGS_E_AGE_HEADER, "invalid %s recipient block: wrong number of arguments", type);
	if (ags_age_decode_arg(s->args[1], arg, arglen) < 0)
		return ags_diag_set(d, AGS_E_AGE_HEADER, "invalid %s recipient block: malformed %s", type, argname);
	/* Checked before any decryption (partitioning-oracle hardening, as Go). */
	if (s->bodylen != 32)
		return ags_diag_set(d, AGS_E_AGE_HEADER, "invalid %s recipient block: wrong body size", type);
	return 1;
}

int ags_age_bech32_key(const char *s, const char *hrp, const char *what, uint8_t *out, size_t want,
		       struct ags_diag *d)
{
	char *got_hrp = NULL;
	uint8_t *data = NULL;
	size_t len = 0;
	/* Identity HRPs are upper case, recipient ones lower case. */
	const char *generic = hrp[0] >= 'A' && hrp[0] <= 'Z' ? "secret key" : "recipient";
	int r = ags_bech32_decode(s, &got_hrp, &data, &len);
	if (r < 0)
		return ags_diag_set(d, r, "malformed %s: invalid bech32 encoding", generic);
	if (strcmp(got_hrp, hrp) != 0)
		r = ags_diag_set(d, AGS_E_AGE_BAD_KEY, "malformed %s: unknown type \"%s\"", generic, got_hrp);
	else if (len != want)
		r = ags_diag_set(d, AGS_E_AGE_BAD_KEY, "malformed %s: wrong length", what);
	else
		memcpy(out, data, want);
	free(got_hrp);
	ags_free_secret(data, len);
	return r;
}

int ags_age_passphrase_read(ags_passphrase_fn fn, void *ctx, const char *prompt, size_t cap, char **buf, int *n)
{
	*buf = malloc(cap);
	if (!*buf)
		return AGS_E_NOMEM;
	*n = fn(ctx, prompt, *buf, cap);
	if (*n < 0) {
		ags_free_secret(*buf, cap);
		*buf = NULL;
	}
	return 0;
}

/* Strings shown in messages are cut short: they may be secret keys. */
const char *ags_age_shown(const char *s, char buf[24])
{
	size_t n = strlen(s);
	size_t k = AGS_MIN(n, (size_t)12);
	memcpy(buf, s, k);
	strcpy(buf + k, n > k ? "..." : "");
	return buf;
}

int ags_age_parse_recipient_unsupported(const char *s, struct ags_age_recipient **ret, struct ags_diag *d)
{
	(void)ret;
	char b[24];
	return ags_diag_set(d, AGS_E_AGE_UNSUPPORTED_RECIPIENT, "unsupported recipient type \"%s\"",
			    ags_age_shown(s, b));
}

int ags_age_parse_identity_unsupported(const char *s, struct ags_age_identity **ret, struct ags_diag *d)
{
	(void)ret;
	/* The prefix up to the bech32 separator is not secret. */
	const char *sep = strrchr(s, '1');
	int n = sep ? (int)(sep - s + 1) : 0;
	return ags_diag_set(d, AGS_E_AGE_UNSUPPORTED_RECIPIENT, "unsupported identity type \"%.*s...\"", n, s);
}
