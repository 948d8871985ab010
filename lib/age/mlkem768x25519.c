/*
 * The mlkem768x25519 kind: hybrid post-quantum "age1pq1..." recipients and
 * "AGE-SECRET-KEY-PQ-1..." identities (spec §5.3, age >= 1.3).  The stanza
 * is an HPKE SealBase to MLKEM768-X25519 (crypto/xwing.h) with info
 * "age-encryption.org/mlkem768x25519" and the file key as plaintext:
 *   -> mlkem768x25519 b64(enc)      (enc = 1120 bytes)
 *   b64(ChaCha20-Poly1305(key, base_nonce, file key))   (32 bytes)
 * Recipients carry the "postquantum" label, so Go's rule holds: they mix
 * only with other post-quantum recipients.
 */
#include "internal.h"
#include "age/kind.h"
#include "age/bech32.h"
#include "crypto/ossl.h"
#include "crypto/xwing.h"
#include <stdlib.h>
#include <string.h>

#define TYPE "mlkem768x25519"
#define INFO "age-encryption.org/mlkem768x25519"
#define HRP_RECIPIENT "age1pq"
#define HRP_IDENTITY "AGE-SECRET-KEY-PQ-"

/* A recipient's priv is its public key (ags_age_recipient_of_bytes). */
struct pq_id {
	uint8_t seed[AGS_XWING_SEED_LEN];
	struct ags_xwing_key k;
};

static void i_free(void *p)
{
	if (p)
		ags_free_secret(p, sizeof(struct pq_id));
}

static int r_wrap(const struct ags_age_recipient *r, const uint8_t file_key[16],
		  struct ags_age_stanzas *out, struct ags_diag *d)
{
	struct {
		uint8_t ss[32], key[32], nonce[12];
	} sec;
	uint8_t enc[AGS_XWING_ENC_LEN], body[32];
	char enc_b64[1500]; /* 1120 bytes -> 1494 characters */
	int rc = ags_xwing_encaps(r->priv, sec.ss, enc);
	if (rc == AGS_E_CRYPTO) {
		/* The X25519 half is a low-order point (Go's ecdh refuses it too). */
		rc = ags_diag_set(d, AGS_E_AGE_BAD_KEY, "mlkem768x25519 recipient: invalid X25519 public key");
		goto out;
	}
	if (rc < 0 || (rc = ags_hpke_xwing_schedule(sec.ss, INFO, strlen(INFO), sec.key, sec.nonce)) < 0 ||
	    (rc = ags_chacha_seal(sec.key, sec.nonce, NULL, 0, file_key, 16, body)) < 0)
		goto out;
	ags_b64_encode(enc, sizeof(enc), AGS_B64_UNPADDED, enc_b64);
	const char *args[2] = { TYPE, enc_b64 };
	rc = ags_age_stanzas_add(out, args, 2, body, sizeof(body));
out:
	ags_wipe(&sec, sizeof(sec));
	return rc;
}

static int r_string(const struct ags_age_recipient *r, char **ret)
{
	return ags_bech32_encode(HRP_RECIPIENT, r->priv, AGS_XWING_PK_LEN, false, ret);
}

static const struct ags_age_recipient_ops pq_recipient_ops =
	AGS_AGE_RECIPIENT_OPS(TYPE, AGS_AGE_LABEL_POSTQUANTUM, r_wrap, r_string, NULL, free);

int ags_age_mlkem768x25519_parse_recipient(const char *s, struct ags_age_recipient **ret, struct ags_diag *d)
{
	uint8_t pk[AGS_XWING_PK_LEN];
	AGS_TRY(ags_age_bech32_key(s, HRP_RECIPIENT, "mlkem768x25519 recipient", pk, sizeof(pk), d));
	if (ags_xwing_pk_check(pk) < 0)
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY,
				    "malformed mlkem768x25519 recipient: invalid ML-KEM-768 key (coefficient out of range)");
	return ags_age_recipient_of_bytes(&pq_recipient_ops, pk, sizeof(pk), ret);
}

static int unwrap_one(const struct ags_age_identity *id, const struct ags_age_stanza *s,
		      uint8_t file_key[16], struct ags_diag *d)
{
	const struct pq_id *x = id->priv;
	uint8_t enc[AGS_XWING_ENC_LEN];
	struct {
		uint8_t ss[32], key[32], nonce[12], fk[16];
	} sec;
	int r = ags_age_stanza_expect(s, TYPE, "encapsulation", enc, sizeof(enc), d);
	if (r != 1)
		return r;
	r = ags_xwing_decaps(&x->k, enc, sec.ss);
	if (r == AGS_E_CRYPTO)
		return ags_diag_set(d, AGS_E_AGE_HEADER,
				    "invalid mlkem768x25519 recipient block: low-order X25519 share");
	if (r == 0)
		r = ags_hpke_xwing_schedule(sec.ss, INFO, strlen(INFO), sec.key, sec.nonce);
	if (r == 0) {
		r = ags_chacha_open(sec.key, sec.nonce, NULL, 0, s->body, 32, sec.fk);
		if (r == AGS_E_AUTH)
			r = AGS_E_AGE_INCORRECT_IDENTITY;
	}
	if (r == 0)
		memcpy(file_key, sec.fk, 16);
	ags_wipe(&sec, sizeof(sec));
	return r;
}

static int i_to_recipient(const struct ags_age_identity *id, struct ags_age_recipient **ret)
{
	const struct pq_id *x = id->priv;
	return ags_age_recipient_of_bytes(&pq_recipient_ops, x->k.pk, sizeof(x->k.pk), ret);
}

static int i_string(const struct ags_age_identity *id, char **ret)
{
	const struct pq_id *x = id->priv;
	return ags_bech32_encode(HRP_IDENTITY, x->seed, sizeof(x->seed), true, ret);
}

static const struct ags_age_identity_ops pq_identity_ops =
	AGS_AGE_IDENTITY_OPS(TYPE, true, NULL, unwrap_one, i_to_recipient, i_string, i_free);

static int expand(void *priv)
{
	struct pq_id *x = priv;
	return ags_xwing_expand(x->seed, &x->k);
}

/* Exposed (module-internal) for the constant-time test: seed -> identity. */
int ags_age_mlkem768x25519_identity_from_seed(const uint8_t seed[32], struct ags_age_identity **ret)
{
	return ags_age_identity_of_secret(&pq_identity_ops, sizeof(struct pq_id), seed, expand, ret);
}

int ags_age_mlkem768x25519_parse_identity(const char *s, struct ags_age_identity **ret, struct ags_diag *d)
{
	return ags_age_identity_of_bech32(s, HRP_IDENTITY, "mlkem768x25519 secret key",
					  ags_age_mlkem768x25519_identity_from_seed, ret, d);
}

/* A fresh identity from a 32-byte seed off the OS RNG, as age-keygen -pq does. */
int ags_age_keygen_pq(struct ags_age_identity **ret)
{
	return ags_age_identity_random(ags_age_mlkem768x25519_identity_from_seed, ret);
}
