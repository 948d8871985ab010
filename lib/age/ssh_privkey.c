/*
 * OpenSSH private keys: the key objects, and the "openssh-key-v1" container
 * that ssh-keygen writes by default (OpenSSL 3.0 cannot read it, so its
 * framing is parsed here; every primitive -- AES, bcrypt_pbkdf's
 * SHA-512/Blowfish, RSA, Ed25519 -- is OpenSSL's).
 */
#include "internal.h"
#include "age/ssh.h"
#include "age/ssh_wire.h"
#include "crypto/ossl.h"
#include "crypto/bcrypt_pbkdf.h"

#include <string.h>
#include <stdlib.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/err.h>

#define OPENSSH_MAGIC "openssh-key-v1"
#define PEM_END_OPENSSH "-----END OPENSSH PRIVATE KEY-----"


/* ---- private keys ---- */

void ags_ssh_privkey_free(struct ags_ssh_privkey *k)
{
	if (!k)
		return;
	ags_ssh_pubkey_free(k->pub);
	EVP_PKEY_free(k->rsa);
	ags_free_secret(k, sizeof(*k));
}

void ags_ssh_keyfile_free(struct ags_ssh_keyfile *kf)
{
	if (!kf)
		return;
	ags_ssh_pubkey_free(kf->pub);
	ags_ssh_privkey_free(kf->key);
	ags_free_secret(kf->pem, kf->pemlen);
	AGS_FREE_ALL(kf->salt, kf->blob, kf);
}

int ags_ssh_privkey_new_ed25519(const uint8_t seed[32], const uint8_t pub[32], struct ags_ssh_privkey **ret,
			       struct ags_diag *d)
{
	EVP_PKEY *ed = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
	struct ags_ssh_privkey *k = NULL;
	uint8_t derived[32], h[64];
	size_t dlen = sizeof(derived);
	int r;

	if (!ed || EVP_PKEY_get_raw_public_key(ed, derived, &dlen) != 1 || dlen != 32) {
		EVP_PKEY_free(ed);
		return AGS_E_CRYPTO;
	}
	EVP_PKEY_free(ed);
	if (pub && !ags_ct_eq(derived, pub, 32))
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "Ed25519 private key does not match its public key");
	k = calloc(1, sizeof(*k));
	if (!k)
		return AGS_E_NOMEM;
	r = ags_ssh_pubkey_new_ed25519(derived, &k->pub, d);
	if (r < 0)
		goto fail;
	memcpy(k->ed25519_seed, seed, 32);
	/* age: the X25519 scalar is the first half of SHA-512(seed), the same
	 * value Ed25519 clamps into its signing scalar. */
	if ((r = ags_sha512(seed, 32, h)) < 0)
		goto fail;
	memcpy(k->x25519, h, 32);
	ags_wipe(h, sizeof(h));
	*ret = k;
	return 0;
fail:
	ags_wipe(h, sizeof(h));
	ags_ssh_privkey_free(k);
	return r;
}

static int rsa_privkey_new(BIGNUM *n, BIGNUM *e, BIGNUM *dd, BIGNUM *iqmp, BIGNUM *p, BIGNUM *q,
			   struct ags_ssh_privkey **ret, struct ags_diag *d)
{
	BN_CTX *bnctx = BN_CTX_secure_new();
	BIGNUM *dp = BN_secure_new(), *dq = BN_secure_new(), *t = BN_secure_new();
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	struct ags_ssh_privkey *k = NULL;
	int r = AGS_E_CRYPTO;

	if (!bnctx || !dp || !dq || !t || !bld || !ctx)
		goto out;
	if (!BN_mul(t, p, q, bnctx))
		goto out;
	if (BN_cmp(t, n) != 0) {
		r = ags_diag_set(d, AGS_E_AGE_BAD_KEY, "RSA private key is inconsistent (n != p*q)");
		goto out;
	}
	if (!BN_sub(t, p, BN_value_one()) || !BN_mod(dp, dd, t, bnctx) || !BN_sub(t, q, BN_value_one()) ||
	    !BN_mod(dq, dd, t, bnctx))
		goto out;
	k = calloc(1, sizeof(*k));
	if (!k) {
		r = AGS_E_NOMEM;
		goto out;
	}
	if ((r = ags_ssh_pubkey_new_rsa(n, e, &k->pub, d)) < 0)
		goto out;
	r = AGS_E_CRYPTO;
	if (!OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_D, dd) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR1, p) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR2, q) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT1, dp) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT2, dq) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, iqmp) ||
	    !(params = OSSL_PARAM_BLD_to_param(bld)) || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &k->rsa, EVP_PKEY_KEYPAIR, params) != 1)
		goto out;
	*ret = k;
	k = NULL;
	r = 0;
out:
	ags_ssh_privkey_free(k);
	OSSL_PARAM_free(params); /* secure BNs are copied to, and wiped from, the secure heap */
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	BN_clear_free(dp);
	BN_clear_free(dq);
	BN_clear_free(t);
	BN_CTX_free(bnctx);
	return r;
}

/* The (decrypted) private section of openssh-key-v1. */
static int parse_private_section(const uint8_t *p, size_t n, size_t blocksize, const struct ags_ssh_pubkey *outer,
				 const char *name, struct ags_ssh_privkey **ret, struct ags_diag *d)
{
	struct ags_ssh_rd r = { p, n };
	uint32_t c1, c2;
	const uint8_t *type, *s1, *s2, *comment;
	size_t typelen, l1, l2, clen, i;
	struct ags_ssh_privkey *k = NULL;
	int rc;

	if (!ags_ssh_rd_u32(&r, &c1) || !ags_ssh_rd_u32(&r, &c2))
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "%s: truncated private key", name);
	if (c1 != c2)
		return ags_diag_set(d, AGS_E_AUTH, "%s: incorrect passphrase", name);
	if (!ags_ssh_rd_string(&r, &type, &typelen))
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "%s: malformed private key", name);
	if (ags_ssh_str_is(type, typelen, "ssh-ed25519")) {
		if (!ags_ssh_rd_string(&r, &s1, &l1) || l1 != 32 || !ags_ssh_rd_string(&r, &s2, &l2) || l2 != 64)
			return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "%s: malformed ssh-ed25519 private key", name);
		if (memcmp(s2 + 32, s1, 32) != 0)
			return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "%s: inconsistent ssh-ed25519 private key", name);
		rc = ags_ssh_privkey_new_ed25519(s2, s1, &k, d);
		if (rc < 0)
			return rc == AGS_E_AGE_BAD_KEY ? ags_diag_set(d, rc, "%s: inconsistent ssh-ed25519 private key",
								      name) : rc;
	} else if (ags_ssh_str_is(type, typelen, "ssh-rsa")) {
		BIGNUM *bn[6] = { 0 }; /* n e d iqmp p q */
		for (i = 0; i < 6; i++)
			if (!(bn[i] = ags_ssh_rd_mpint(&r, i >= 2)))
				break;
		if (i < 6)
			rc = ags_diag_set(d, AGS_E_AGE_BAD_KEY, "%s: malformed ssh-rsa private key", name);
		else
			rc = rsa_privkey_new(bn[0], bn[1], bn[2], bn[3], bn[4], bn[5], &k, d);
		for (i = 0; i < 6; i++)
			BN_clear_free(bn[i]);
		if (rc < 0)
			return rc;
	} else {
		return ags_diag_set(d, AGS_E_AGE_UNSUPPORTED_RECIPIENT, "%s: unsupported SSH key type \"%.*s\"", name,
				    (int)AGS_MIN(typelen, 40), (const char *)type);
	}
	rc = AGS_E_AGE_BAD_KEY;
	if (!ags_ssh_rd_string(&r, &comment, &clen)) {
		ags_diag_set(d, rc, "%s: malformed private key (comment)", name);
		goto fail;
	}
	/* Padding 1, 2, 3, ... to the cipher's block size. */
	if (r.n >= blocksize) {
		ags_diag_set(d, rc, "%s: malformed private key (padding)", name);
		goto fail;
	}
	for (i = 0; i < r.n; i++)
		if (r.p[i] != (uint8_t)(i + 1)) {
			ags_diag_set(d, rc, "%s: malformed private key (padding)", name);
			goto fail;
		}
	if (outer && !ags_ssh_pubkey_equal(outer, k->pub)) {
		ags_diag_set(d, rc, "%s: private key does not match its public key", name);
		goto fail;
	}
	*ret = k;
	return 0;
fail:
	ags_ssh_privkey_free(k);
	return rc;
}

/* Strips the PEM armor of an OpenSSH key into a malloc'd binary blob. */
static int openssh_pem_decode(const char *data, size_t len, uint8_t **ret, size_t *retlen)
{
	size_t i = 0, bl = strlen(AGS_SSH_PEM_BEGIN_OPENSSH), el = strlen(PEM_END_OPENSSH), outlen;
	char *b64 = NULL;
	size_t nb = 0;
	uint8_t *out = NULL;
	bool ended = false;

	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
		i++;
	if (len - i < bl || memcmp(data + i, AGS_SSH_PEM_BEGIN_OPENSSH, bl) != 0)
		return AGS_E_AGE_BAD_KEY;
	i += bl;
	b64 = malloc(len + 1);
	if (!b64)
		return AGS_E_NOMEM;
	while (i < len) {
		size_t s = i, e;
		while (i < len && data[i] != '\n')
			i++;
		e = i;
		if (i < len)
			i++;
		while (e > s && (data[e - 1] == '\r' || data[e - 1] == ' ' || data[e - 1] == '\t'))
			e--;
		if (ended) {
			if (e != s)
				goto bad;
			continue;
		}
		if (e - s >= el && memcmp(data + s, PEM_END_OPENSSH, el) == 0 && e - s == el) {
			ended = true;
			continue;
		}
		for (size_t j = s; j < e; j++)
			b64[nb++] = data[j];
	}
	if (!ended || nb == 0)
		goto bad;
	out = malloc(ags_b64_decoded_max(nb) + 1);
	if (!out) {
		ags_free_secret(b64, len + 1);
		return AGS_E_NOMEM;
	}
	if (ags_b64_decode(b64, nb, AGS_B64_PADDED, out, &outlen) < 0)
		goto bad;
	ags_free_secret(b64, len + 1);
	*ret = out;
	*retlen = outlen;
	return 0;
bad:
	/* both hold (encoded) private key material */
	ags_free_secret(b64, len + 1);
	if (out)
		ags_free_secret(out, ags_b64_decoded_max(nb) + 1);
	return AGS_E_AGE_BAD_KEY;
}

struct cipher_info {
	const char *name;
	const char *evp; /* OpenSSL's name (a name, as libcrypto is loaded on first use) */
	size_t keylen, ivlen, blocksize, taglen;
};

static const struct cipher_info ciphers[] = {
	{ "aes256-ctr", "aes-256-ctr", 32, 16, 16, 0 },
	{ "aes192-ctr", "aes-192-ctr", 24, 16, 16, 0 },
	{ "aes128-ctr", "aes-128-ctr", 16, 16, 16, 0 },
	{ "aes256-cbc", "aes-256-cbc", 32, 16, 16, 0 },
	{ "aes128-cbc", "aes-128-cbc", 16, 16, 16, 0 },
	{ "aes256-gcm@openssh.com", "aes-256-gcm", 32, 12, 16, 16 },
	{ "aes128-gcm@openssh.com", "aes-128-gcm", 16, 12, 16, 16 },
};

static const struct cipher_info *find_cipher(const char *name)
{
	for (size_t i = 0; i < AGS_ARRAY_SIZE(ciphers); i++)
		if (strcmp(ciphers[i].name, name) == 0)
			return &ciphers[i];
	return NULL;
}

int ags_ssh_openssh_parse(const char *data, size_t len, const char *name, struct ags_ssh_keyfile *kf,
			 struct ags_diag *d)
{
	uint8_t *raw = NULL;
	size_t rawlen, l1, l2, l3, pl, el;
	const uint8_t *cipher, *kdf, *kdfopts, *pub, *enc;
	uint32_t nkeys;
	struct ags_ssh_rd r;
	int rc;

	rc = openssh_pem_decode(data, len, &raw, &rawlen);
	if (rc < 0)
		return ags_diag_set(d, rc, "%s: malformed OpenSSH private key (PEM armor)", name);
	r.p = raw;
	r.n = rawlen;
	rc = AGS_E_AGE_BAD_KEY;
	if (rawlen < sizeof(OPENSSH_MAGIC) || memcmp(raw, OPENSSH_MAGIC, sizeof(OPENSSH_MAGIC)) != 0) {
		ags_diag_set(d, rc, "%s: not an openssh-key-v1 private key", name);
		goto out;
	}
	r.p += sizeof(OPENSSH_MAGIC);
	r.n -= sizeof(OPENSSH_MAGIC);
	if (!ags_ssh_rd_string(&r, &cipher, &l1) || !ags_ssh_rd_string(&r, &kdf, &l2) || !ags_ssh_rd_string(&r, &kdfopts, &l3) ||
	    !ags_ssh_rd_u32(&r, &nkeys)) {
		ags_diag_set(d, rc, "%s: truncated OpenSSH private key", name);
		goto out;
	}
	if (nkeys != 1) {
		ags_diag_set(d, rc, "%s: OpenSSH key file holds %u keys, want exactly 1", name, nkeys);
		goto out;
	}
	if (!ags_ssh_rd_string(&r, &pub, &pl) || !ags_ssh_rd_string(&r, &enc, &el)) {
		ags_diag_set(d, rc, "%s: truncated OpenSSH private key", name);
		goto out;
	}
	if ((rc = ags_ssh_pubkey_from_wire(pub, pl, &kf->pub, d)) < 0) {
		if (d) {
			char tmp[AGS_DIAG_MAX];
			memcpy(tmp, d->msg, sizeof(tmp));
			tmp[sizeof(tmp) - 1] = 0;
			ags_diag_set(d, rc, "%.200s: %.300s", name, tmp);
		}
		goto out;
	}
	rc = AGS_E_AGE_BAD_KEY;
	if (l1 >= sizeof(kf->cipher)) {
		ags_diag_set(d, AGS_E_UNSUPPORTED, "%s: unsupported OpenSSH key cipher", name);
		rc = AGS_E_UNSUPPORTED;
		goto out;
	}
	memcpy(kf->cipher, cipher, l1);
	kf->cipher[l1] = 0;
	if (strcmp(kf->cipher, "none") == 0) {
		if (!ags_ssh_str_is(kdf, l2, "none") || l3 != 0 || r.n != 0) {
			ags_diag_set(d, rc, "%s: malformed OpenSSH private key (kdf)", name);
			goto out;
		}
		rc = parse_private_section(enc, el, 8, kf->pub, name, &kf->key, d);
		goto out;
	}
	{
		const struct cipher_info *ci = find_cipher(kf->cipher);
		struct ags_ssh_rd ko = { kdfopts, l3 };
		const uint8_t *salt;
		size_t sl;
		uint32_t rounds;

		if (!ci) {
			rc = ags_diag_set(d, AGS_E_UNSUPPORTED, "%s: unsupported OpenSSH key cipher \"%s\"", name,
					  kf->cipher);
			goto out;
		}
		if (!ags_ssh_str_is(kdf, l2, "bcrypt") || !ags_ssh_rd_string(&ko, &salt, &sl) || !ags_ssh_rd_u32(&ko, &rounds) ||
		    ko.n != 0 || sl == 0 || sl > 1024) {
			ags_diag_set(d, rc, "%s: malformed or unsupported OpenSSH key KDF", name);
			goto out;
		}
		if (rounds == 0 || rounds > AGS_BCRYPT_PBKDF_MAX_ROUNDS) {
			ags_diag_set(d, rc, "%s: OpenSSH key KDF rounds %u out of range", name, rounds);
			goto out;
		}
		if (el % ci->blocksize != 0 || el == 0 || r.n != ci->taglen) {
			ags_diag_set(d, rc, "%s: malformed OpenSSH private key (encrypted section)", name);
			goto out;
		}
		kf->salt = malloc(sl);
		kf->blob = malloc(el + ci->taglen);
		if (!kf->salt || !kf->blob) {
			rc = AGS_E_NOMEM;
			goto out;
		}
		memcpy(kf->salt, salt, sl);
		kf->saltlen = sl;
		kf->rounds = rounds;
		memcpy(kf->blob, enc, el + ci->taglen); /* the tag follows the string */
		kf->bloblen = el;
		kf->taglen = ci->taglen;
		kf->encrypted = true;
		rc = 0;
	}
out:
	ags_free_secret(raw, rawlen);
	return rc;
}

int ags_ssh_openssh_decrypt(struct ags_ssh_keyfile *kf, const char *pass, size_t passlen, const char *name,
			   struct ags_diag *d)
{
	const struct cipher_info *ci = find_cipher(kf->cipher);
	uint8_t kiv[64];
	uint8_t *pt = NULL;
	EVP_CIPHER_CTX *ctx = NULL;
	int outl = 0, fin = 0, rc;

	if (!ci)
		return AGS_E_UNSUPPORTED;
	if (passlen == 0)
		return ags_diag_set(d, AGS_E_AUTH, "%s: incorrect passphrase (empty)", name);
	rc = ags_bcrypt_pbkdf(pass, passlen, kf->salt, kf->saltlen, kiv, ci->keylen + ci->ivlen, kf->rounds);
	if (rc < 0)
		goto out;
	pt = malloc(kf->bloblen);
	ctx = EVP_CIPHER_CTX_new();
	rc = AGS_E_NOMEM;
	if (!pt || !ctx)
		goto out;
	rc = AGS_E_CRYPTO;
	if (kf->bloblen > INT32_MAX || EVP_DecryptInit_ex(ctx, EVP_get_cipherbyname(ci->evp), NULL, NULL, NULL) != 1)
		goto out;
	if (ci->taglen && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, (int)ci->ivlen, NULL) != 1)
		goto out;
	if (EVP_DecryptInit_ex(ctx, NULL, NULL, kiv, kiv + ci->keylen) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1 ||
	    EVP_DecryptUpdate(ctx, pt, &outl, kf->blob, (int)kf->bloblen) != 1)
		goto out;
	if (ci->taglen &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, (int)ci->taglen, kf->blob + kf->bloblen) != 1)
		goto out;
	if (EVP_DecryptFinal_ex(ctx, pt + outl, &fin) != 1) {
		rc = ci->taglen ? ags_diag_set(d, AGS_E_AUTH, "%s: incorrect passphrase", name) : AGS_E_CRYPTO;
		goto out;
	}
	rc = parse_private_section(pt, kf->bloblen, ci->blocksize, kf->pub, name, &kf->key, d);
	if (rc == 0)
		kf->encrypted = false;
out:
	ags_wipe(kiv, sizeof(kiv));
	ags_free_secret(pt, kf->bloblen);
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

