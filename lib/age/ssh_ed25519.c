/*
 * ssh-ed25519 recipients and identities (Go age's agessh, byte-compatible).
 *
 *   stanza  = "-> ssh-ed25519 <tag> <b64 share>" + 32-byte body
 *   tweak   = HKDF-SHA-256(ikm = "", salt = ssh wire public key, info = label)
 *   shared  = X25519(tweak, X25519(eph, pk_mont))
 *   wrap    = HKDF-SHA-256(ikm = shared, salt = share || pk_mont, info = label)
 *
 * The Ed25519 -> X25519 public key map needs arithmetic mod 2^255-19; it is
 * done with OpenSSL BIGNUM (not constant time, but it only ever sees public
 * keys).
 */
#include "internal.h"
#include "age/ssh.h"
#include "crypto/ossl.h"

#include <string.h>
#include <stdlib.h>
#include <openssl/bn.h>

static const char label[] = "age-encryption.org/v1/ssh-ed25519";

void ags_ssh_stanza_release(struct ags_ssh_stanza *s)
{
	if (!s)
		return;
	free(s->body);
	memset(s, 0, sizeof(*s));
}

int ags_ssh_ed25519_to_x25519(const uint8_t ed[32], uint8_t mont[32])
{
	uint8_t le[32];
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *p, *y, *y2, *u, *v, *t, *dcoef, *e;
	int r = AGS_E_CRYPTO;

	if (!ctx)
		return AGS_E_NOMEM;
	BN_CTX_start(ctx);
	p = BN_CTX_get(ctx);
	y = BN_CTX_get(ctx);
	y2 = BN_CTX_get(ctx);
	u = BN_CTX_get(ctx);
	v = BN_CTX_get(ctx);
	t = BN_CTX_get(ctx);
	dcoef = BN_CTX_get(ctx);
	e = BN_CTX_get(ctx);
	if (!e)
		goto out;
	/* p = 2^255 - 19 */
	if (!BN_set_word(p, 1) || !BN_lshift(p, p, 255) || !BN_sub_word(p, 19))
		goto out;
	/* y: little-endian, sign bit of x dropped; like Go's edwards25519 we
	 * accept (and reduce) non-canonical y >= p. */
	memcpy(le, ed, 32);
	le[31] &= 0x7f;
	if (!BN_lebin2bn(le, 32, y) || !BN_nnmod(y, y, p, ctx))
		goto out;
	/* d = -121665 / 121666 */
	if (!BN_set_word(t, 121666) || !BN_mod_inverse(t, t, p, ctx) || !BN_set_word(dcoef, 121665) ||
	    !BN_sub(dcoef, p, dcoef) || !BN_mod_mul(dcoef, dcoef, t, p, ctx))
		goto out;
	/* On the curve iff x^2 = (y^2 - 1) / (d y^2 + 1) has a root:
	 * Euler's criterion on u * v^-1 (v is never 0: d is not a square). */
	if (!BN_mod_sqr(y2, y, p, ctx) || !BN_mod_sub(u, y2, BN_value_one(), p, ctx) ||
	    !BN_mod_mul(v, dcoef, y2, p, ctx) || !BN_mod_add(v, v, BN_value_one(), p, ctx) ||
	    !BN_mod_inverse(v, v, p, ctx) || !BN_mod_mul(t, u, v, p, ctx))
		goto out;
	if (!BN_is_zero(t)) {
		if (!BN_sub(e, p, BN_value_one()) || !BN_rshift1(e, e) || !BN_mod_exp(t, t, e, p, ctx))
			goto out;
		if (!BN_is_one(t)) {
			r = AGS_E_AGE_BAD_KEY;
			goto out;
		}
	}
	/* u = (1 + y) / (1 - y); y = 1 is the identity point, which maps to
	 * u = 0 and could never be used: refuse it here. */
	if (!BN_mod_sub(t, BN_value_one(), y, p, ctx))
		goto out;
	if (BN_is_zero(t)) {
		r = AGS_E_AGE_BAD_KEY;
		goto out;
	}
	if (!BN_mod_inverse(t, t, p, ctx) || !BN_mod_add(u, BN_value_one(), y, p, ctx) ||
	    !BN_mod_mul(u, u, t, p, ctx) || BN_bn2lebinpad(u, mont, 32) != 32)
		goto out;
	r = 0;
out:
	BN_CTX_end(ctx);
	BN_CTX_free(ctx);
	return r;
}

static int tweak_of(const struct ags_ssh_pubkey *pk, uint8_t tweak[32])
{
	return ags_hkdf_sha256(pk->wire, pk->wirelen, "", 0, label, sizeof(label) - 1, tweak, 32);
}

int ags_ssh_ed25519_wrap(const struct ags_ssh_pubkey *pk, const uint8_t file_key[16], struct ags_ssh_stanza *out)
{
	uint8_t eph[32], share[32], shared[32], tweak[32], salt[64], key[32];
	uint8_t *body = NULL;
	int r;

	if (pk->type != AGS_SSH_ED25519)
		return AGS_E_INVAL;
	if ((r = ags_random(eph, 32)) < 0 || (r = ags_x25519_public(eph, share)) < 0 ||
	    (r = ags_x25519_shared(eph, pk->x25519, shared)) < 0 || (r = tweak_of(pk, tweak)) < 0 ||
	    (r = ags_x25519_shared(tweak, shared, shared)) < 0)
		goto out;
	memcpy(salt, share, 32);
	memcpy(salt + 32, pk->x25519, 32);
	if ((r = ags_hkdf_sha256(salt, 64, shared, 32, label, sizeof(label) - 1, key, 32)) < 0)
		goto out;
	body = malloc(16 + AGS_AEAD_TAG_LEN);
	if (!body) {
		r = AGS_E_NOMEM;
		goto out;
	}
	{
		static const uint8_t zero_nonce[12];
		if ((r = ags_chacha_seal(key, zero_nonce, NULL, 0, file_key, 16, body)) < 0)
			goto out;
	}
	memset(out, 0, sizeof(*out));
	snprintf(out->args[0], sizeof(out->args[0]), "%s", pk->tag);
	ags_b64_encode(share, 32, AGS_B64_UNPADDED, out->args[1]);
	out->nargs = 2;
	out->body = body;
	out->bodylen = 32;
	body = NULL;
out:
	free(body);
	ags_wipe(eph, sizeof(eph));
	ags_wipe(shared, sizeof(shared));
	ags_wipe(key, sizeof(key));
	ags_wipe(tweak, sizeof(tweak));
	return r;
}

int ags_ssh_ed25519_unwrap(const struct ags_ssh_privkey *k, const char *const *args, size_t nargs,
			   const uint8_t *body, size_t bodylen, uint8_t file_key[16], struct ags_diag *d)
{
	static const uint8_t zero_nonce[12];
	uint8_t share[48], shared[32], tweak[32], salt[64], key[32], fk[16];
	size_t sl;
	int r;

	if (k->pub->type != AGS_SSH_ED25519)
		return AGS_E_AGE_INCORRECT_IDENTITY;
	if (nargs != 2)
		return ags_diag_set(d, AGS_E_AGE_HEADER, "invalid ssh-ed25519 recipient stanza (argument count)");
	if (strlen(args[1]) > 44 || ags_b64_decode(args[1], strlen(args[1]), AGS_B64_UNPADDED, share, &sl) < 0 ||
	    sl != 32)
		return ags_diag_set(d, AGS_E_AGE_HEADER, "invalid ssh-ed25519 recipient stanza (share)");
	if (strcmp(args[0], k->pub->tag) != 0)
		return AGS_E_AGE_INCORRECT_IDENTITY;
	/* Go age does not pre-check the body length here; the file key is
	 * 16 bytes in every age file, so anything else cannot decrypt. */
	if (bodylen != 16 + AGS_AEAD_TAG_LEN)
		return ags_diag_set(d, AGS_E_AGE_HEADER, "failed to decrypt ssh-ed25519 file key (body length)");
	if (ags_x25519_shared(k->x25519, share, shared) < 0)
		return ags_diag_set(d, AGS_E_AGE_HEADER, "invalid ssh-ed25519 stanza (low-order share)");
	if ((r = tweak_of(k->pub, tweak)) < 0 || (r = ags_x25519_shared(tweak, shared, shared)) < 0)
		goto out;
	memcpy(salt, share, 32);
	memcpy(salt + 32, k->pub->x25519, 32);
	if ((r = ags_hkdf_sha256(salt, 64, shared, 32, label, sizeof(label) - 1, key, 32)) < 0)
		goto out;
	if (ags_chacha_open(key, zero_nonce, NULL, 0, body, bodylen, fk) < 0) {
		r = ags_diag_set(d, AGS_E_AGE_HEADER, "failed to decrypt ssh-ed25519 file key");
		goto out;
	}
	memcpy(file_key, fk, 16);
	r = 0;
out:
	ags_wipe(shared, sizeof(shared));
	ags_wipe(tweak, sizeof(tweak));
	ags_wipe(key, sizeof(key));
	ags_wipe(fk, sizeof(fk));
	return r;
}
