/* The X25519 kind: "age1..." / "AGE-SECRET-KEY-1..." (spec §5.1). */
#include "internal.h"
#include "age/kind.h"
#include "age/bech32.h"
#include "crypto/ossl.h"
#include <stdlib.h>
#include <string.h>

#define LABEL "age-encryption.org/v1/X25519"
#define HRP_RECIPIENT "age"
#define HRP_IDENTITY "AGE-SECRET-KEY-"

/* A recipient's priv is its 32-byte public key (ags_age_recipient_of_bytes). */
struct x_id {
	uint8_t sk[32];
	uint8_t pk[32];
};

static void x_free(void *p)
{
	if (p)
		ags_free_secret(p, sizeof(struct x_id));
}

/* The key that wraps the file key: HKDF-SHA-256 of the shared secret, salted
 * with the ephemeral share and the recipient's public key. */
static int stanza_key(const uint8_t shared[32], const uint8_t share[32], const uint8_t pk[32], uint8_t key[32])
{
	uint8_t salt[64];
	memcpy(salt, share, 32);
	memcpy(salt + 32, pk, 32);
	return ags_hkdf_sha256(salt, 64, shared, 32, LABEL, strlen(LABEL), key, 32);
}

static int r_wrap(const struct ags_age_recipient *r, const uint8_t file_key[16],
		  struct ags_age_stanzas *out, struct ags_diag *d)
{
	const uint8_t *pk = r->priv;
	struct {
		uint8_t eph[32], shared[32], key[32];
	} sec;
	uint8_t share[32], body[32];
	char share_b64[48];
	int rc;
	if ((rc = ags_random(sec.eph, 32)) < 0 || (rc = ags_x25519_public(sec.eph, share)) < 0)
		goto out;
	if ((rc = ags_x25519_shared(sec.eph, pk, sec.shared)) < 0) {
		rc = ags_diag_set(d, AGS_E_AGE_BAD_KEY, "X25519 recipient is a low-order point");
		goto out;
	}
	if ((rc = stanza_key(sec.shared, share, pk, sec.key)) < 0 ||
	    (rc = ags_age_wrap_file_key(sec.key, file_key, body)) < 0)
		goto out;
	ags_b64_encode(share, 32, AGS_B64_UNPADDED, share_b64);
	const char *args[2] = { "X25519", share_b64 };
	rc = ags_age_stanzas_add(out, args, 2, body, 32);
out:
	ags_wipe(&sec, sizeof(sec));
	return rc;
}

static int r_string(const struct ags_age_recipient *r, char **ret)
{
	return ags_bech32_encode(HRP_RECIPIENT, r->priv, 32, false, ret);
}

static const struct ags_age_recipient_ops x25519_recipient_ops =
	AGS_AGE_RECIPIENT_OPS("X25519", 0, r_wrap, r_string, NULL, free);

int ags_age_x25519_parse_recipient(const char *s, struct ags_age_recipient **ret, struct ags_diag *d)
{
	uint8_t pk[32];
	AGS_TRY(ags_age_bech32_key(s, HRP_RECIPIENT, "recipient", pk, sizeof(pk), d));
	return ags_age_recipient_of_bytes(&x25519_recipient_ops, pk, sizeof(pk), ret);
}

static int unwrap_one(const struct ags_age_identity *id, const struct ags_age_stanza *s,
		      uint8_t file_key[16], struct ags_diag *d)
{
	const struct x_id *x = id->priv;
	uint8_t share[32], shared[32], key[32];
	int r = ags_age_stanza_expect(s, "X25519", "share", share, sizeof(share), d);
	if (r != 1)
		return r;
	if (ags_x25519_shared(x->sk, share, shared) < 0)
		return ags_diag_set(d, AGS_E_AGE_HEADER, "invalid X25519 recipient block: low-order share");
	r = stanza_key(shared, share, x->pk, key);
	if (r == 0)
		r = ags_age_unwrap_file_key(key, s->body, file_key);
	ags_wipe(shared, sizeof(shared));
	ags_wipe(key, sizeof(key));
	return r;
}

static int i_to_recipient(const struct ags_age_identity *id, struct ags_age_recipient **ret)
{
	const struct x_id *x = id->priv;
	return ags_age_recipient_of_bytes(&x25519_recipient_ops, x->pk, sizeof(x->pk), ret);
}

static int i_string(const struct ags_age_identity *id, char **ret)
{
	const struct x_id *x = id->priv;
	return ags_bech32_encode(HRP_IDENTITY, x->sk, 32, true, ret);
}

static const struct ags_age_identity_ops x25519_identity_ops =
	AGS_AGE_IDENTITY_OPS("X25519", true, NULL, unwrap_one, i_to_recipient, i_string, x_free);

static int derive_public(void *priv)
{
	struct x_id *x = priv;
	return ags_x25519_public(x->sk, x->pk);
}

static int make_identity(const uint8_t sk[32], struct ags_age_identity **ret)
{
	return ags_age_identity_of_secret(&x25519_identity_ops, sizeof(struct x_id), sk, derive_public, ret);
}

int ags_age_x25519_parse_identity(const char *s, struct ags_age_identity **ret, struct ags_diag *d)
{
	return ags_age_identity_of_bech32(s, HRP_IDENTITY, "secret key", make_identity, ret, d);
}

int ags_age_keygen_x25519(struct ags_age_identity **ret)
{
	return ags_age_identity_random(make_identity, ret);
}
