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

struct x_rcpt {
	uint8_t pk[32];
};

struct x_id {
	uint8_t sk[32];
	uint8_t pk[32];
};

static void x_free(void *p)
{
	if (p)
		ags_free_secret(p, sizeof(struct x_id));
}

static void r_free(void *p)
{
	free(p);
}

static int r_wrap(const struct ags_age_recipient *r, const uint8_t file_key[16],
		  struct ags_age_stanzas *out, struct ags_diag *d)
{
	const struct x_rcpt *x = r->priv;
	uint8_t eph[32], share[32], shared[32], salt[64], key[32], body[32];
	char share_b64[48];
	int rc;
	if ((rc = ags_random(eph, 32)) < 0 || (rc = ags_x25519_public(eph, share)) < 0)
		goto out;
	if ((rc = ags_x25519_shared(eph, x->pk, shared)) < 0) {
		rc = ags_diag_set(d, AGS_E_AGE_BAD_KEY, "X25519 recipient is a low-order point");
		goto out;
	}
	memcpy(salt, share, 32);
	memcpy(salt + 32, x->pk, 32);
	if ((rc = ags_hkdf_sha256(salt, 64, shared, 32, LABEL, strlen(LABEL), key, 32)) < 0 ||
	    (rc = ags_age_wrap_file_key(key, file_key, body)) < 0)
		goto out;
	ags_b64_encode(share, 32, AGS_B64_UNPADDED, share_b64);
	const char *args[2] = { "X25519", share_b64 };
	rc = ags_age_stanzas_add(out, args, 2, body, 32);
out:
	ags_wipe(eph, sizeof(eph));
	ags_wipe(shared, sizeof(shared));
	ags_wipe(key, sizeof(key));
	return rc;
}

static int r_string(const struct ags_age_recipient *r, char **ret)
{
	const struct x_rcpt *x = r->priv;
	return ags_bech32_encode(HRP_RECIPIENT, x->pk, 32, false, ret);
}

static const struct ags_age_recipient_ops x25519_recipient_ops = {
	.name = "X25519",
	.labels = 0,
	.wrap = r_wrap,
	.string = r_string,
	.free = r_free,
};

static int make_recipient(const uint8_t pk[32], struct ags_age_recipient **ret)
{
	struct x_rcpt *x = malloc(sizeof(*x));
	if (!x)
		return AGS_E_NOMEM;
	memcpy(x->pk, pk, 32);
	return ags_age_recipient_make(&x25519_recipient_ops, x, ret);
}

int ags_age_x25519_parse_recipient(const char *s, struct ags_age_recipient **ret, struct ags_diag *d)
{
	uint8_t pk[32];
	AGS_TRY(ags_age_bech32_key(s, HRP_RECIPIENT, "recipient", pk, sizeof(pk), d));
	return make_recipient(pk, ret);
}

static int unwrap_one(const struct ags_age_identity *id, const struct ags_age_stanza *s,
		      uint8_t file_key[16], struct ags_diag *d)
{
	const struct x_id *x = id->priv;
	uint8_t share[32], shared[32], salt[64], key[32];
	int r = ags_age_stanza_expect(s, "X25519", "share", share, sizeof(share), d);
	if (r != 1)
		return r;
	if (ags_x25519_shared(x->sk, share, shared) < 0)
		return ags_diag_set(d, AGS_E_AGE_HEADER, "invalid X25519 recipient block: low-order share");
	memcpy(salt, share, 32);
	memcpy(salt + 32, x->pk, 32);
	r = ags_hkdf_sha256(salt, 64, shared, 32, LABEL, strlen(LABEL), key, 32);
	if (r == 0)
		r = ags_age_unwrap_file_key(key, s->body, file_key);
	ags_wipe(shared, sizeof(shared));
	ags_wipe(key, sizeof(key));
	return r;
}

static int i_to_recipient(const struct ags_age_identity *id, struct ags_age_recipient **ret)
{
	const struct x_id *x = id->priv;
	return make_recipient(x->pk, ret);
}

static int i_string(const struct ags_age_identity *id, char **ret)
{
	const struct x_id *x = id->priv;
	return ags_bech32_encode(HRP_IDENTITY, x->sk, 32, true, ret);
}

static const struct ags_age_identity_ops x25519_identity_ops = {
	.name = "X25519",
	.native = true,
	.unwrap_stanza = unwrap_one,
	.to_recipient = i_to_recipient,
	.string = i_string,
	.free = x_free,
};

static int make_identity(const uint8_t sk[32], struct ags_age_identity **ret)
{
	struct x_id *x = malloc(sizeof(*x));
	if (!x)
		return AGS_E_NOMEM;
	memcpy(x->sk, sk, 32);
	int r = ags_x25519_public(x->sk, x->pk);
	if (r < 0) {
		x_free(x);
		return r;
	}
	return ags_age_identity_make(&x25519_identity_ops, x, ret);
}

int ags_age_x25519_parse_identity(const char *s, struct ags_age_identity **ret, struct ags_diag *d)
{
	uint8_t sk[32];
	AGS_TRY(ags_age_bech32_key(s, HRP_IDENTITY, "secret key", sk, sizeof(sk), d));
	int r = make_identity(sk, ret);
	ags_wipe(sk, sizeof(sk));
	return r;
}

int ags_age_keygen_x25519(struct ags_age_identity **ret)
{
	uint8_t sk[32];
	int r = ags_random(sk, sizeof(sk));
	if (r == 0)
		r = make_identity(sk, ret);
	ags_wipe(sk, sizeof(sk));
	return r;
}
