/*
 * The OpenSSL back end (see backend.h).  EVP_CIPHER_meth_dup is deprecated in
 * OpenSSL 3.0 but shipped through 3.x; this file opts back in for it alone
 * (see aead_cipher).
 */
#undef OPENSSL_NO_DEPRECATED
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include "internal.h"
#include "crypto/ossl.h"
#include "crypto/backend.h"
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#define FITS_INT(n) ((n) <= (size_t)INT_MAX)

static int ossl_random(void *buf, size_t n)
{
	if (!FITS_INT(n))
		return AGS_E_INVAL;
	return RAND_bytes(buf, (int)n) == 1 ? 0 : AGS_E_CRYPTO;
}

static int ossl_x25519_public(const uint8_t sk[32], uint8_t pk[32])
{
	EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, sk, 32);
	if (!k)
		return AGS_E_CRYPTO;
	size_t len = 32;
	int ok = EVP_PKEY_get_raw_public_key(k, pk, &len) == 1 && len == 32;
	EVP_PKEY_free(k);
	return ok ? 0 : AGS_E_CRYPTO;
}

static int ossl_x25519_shared(const uint8_t sk[32], const uint8_t peer[32], uint8_t out[32])
{
	int r = AGS_E_CRYPTO;
	EVP_PKEY *me = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, sk, 32);
	EVP_PKEY *them = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, peer, 32);
	EVP_PKEY_CTX *ctx = me ? EVP_PKEY_CTX_new(me, NULL) : NULL;
	uint8_t tmp[32];
	size_t len = sizeof(tmp);
	/* OpenSSL rejects an all-zero result (low-order peer point), as age requires. */
	if (ctx && them && EVP_PKEY_derive_init(ctx) == 1 && EVP_PKEY_derive_set_peer(ctx, them) == 1 &&
	    EVP_PKEY_derive(ctx, tmp, &len) == 1 && len == 32) {
		static const uint8_t zero[32];
		if (!ags_ct_eq(tmp, zero, 32)) {
			memcpy(out, tmp, 32);
			r = 0;
		}
	}
	ags_wipe(tmp, sizeof(tmp));
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(me);
	EVP_PKEY_free(them);
	return r;
}

struct ossl_hash {
	EVP_MD_CTX *ctx;
	const EVP_MD *md;
	bool xof;
};

static const EVP_MD *md_of(int alg, bool *xof)
{
	*xof = false;
	switch (alg) {
	case AGS_HASH_SHA256: return EVP_sha256();
	case AGS_HASH_SHA512: return EVP_sha512();
	case AGS_HASH_SHA3_256: return EVP_sha3_256();
	case AGS_HASH_SHA3_512: return EVP_sha3_512();
	case AGS_HASH_SHAKE128: *xof = true; return EVP_shake128();
	case AGS_HASH_SHAKE256: *xof = true; return EVP_shake256();
	}
	return NULL;
}

static void ossl_hash_free(void *state)
{
	struct ossl_hash *h = state;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

static int ossl_hash_new(int alg, void **ret)
{
	struct ossl_hash *h = calloc(1, sizeof(*h));
	if (!h)
		return AGS_E_NOMEM;
	h->md = md_of(alg, &h->xof);
	h->ctx = EVP_MD_CTX_new();
	if (!h->md || !h->ctx || EVP_DigestInit_ex(h->ctx, h->md, NULL) != 1) {
		ossl_hash_free(h);
		return AGS_E_CRYPTO;
	}
	*ret = h;
	return 0;
}

static int ossl_hash_update(void *state, const void *p, size_t n)
{
	struct ossl_hash *h = state;
	return EVP_DigestUpdate(h->ctx, p, n) == 1 ? 0 : AGS_E_CRYPTO;
}

static int ossl_hash_final(void *state, uint8_t *out, size_t outlen)
{
	struct ossl_hash *h = state;
	if (h->xof)
		return EVP_DigestFinalXOF(h->ctx, out, outlen) == 1 ? 0 : AGS_E_CRYPTO;
	if (outlen != (size_t)EVP_MD_get_size(h->md))
		return AGS_E_INVAL;
	unsigned int len = 0;
	return EVP_DigestFinal_ex(h->ctx, out, &len) == 1 ? 0 : AGS_E_CRYPTO;
}

static int ossl_hash_reset(void *state)
{
	struct ossl_hash *h = state;
	return EVP_DigestInit_ex(h->ctx, h->md, NULL) == 1 ? 0 : AGS_E_CRYPTO;
}

static int ossl_hmac_sha256(const void *key, size_t klen, const void *data, size_t dlen, uint8_t out[32])
{
	size_t outlen = 0;
	if (!EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, klen, data, dlen, out, 32, &outlen) || outlen != 32)
		return AGS_E_CRYPTO;
	return 0;
}

int ags_ossl_hkdf_sha256(enum ags_hkdf_mode mode, const void *salt, size_t saltlen, const void *ikm, size_t ikmlen,
			 const void *info, size_t infolen, uint8_t *out, size_t outlen)
{
	static const char *const modes[] = { [AGS_HKDF_FULL] = "EXTRACT_AND_EXPAND",
					     [AGS_HKDF_EXTRACT] = "EXTRACT_ONLY",
					     [AGS_HKDF_EXPAND] = "EXPAND_ONLY" };
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	EVP_KDF_free(kdf);
	if (!ctx)
		return AGS_E_CRYPTO;
	OSSL_PARAM params[6], *p = params;
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MODE, (char *)modes[mode], 0);
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)ikm, ikmlen);
	if (saltlen)
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, saltlen);
	if (mode != AGS_HKDF_EXTRACT)
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, infolen);
	*p = OSSL_PARAM_construct_end();
	int ok = EVP_KDF_derive(ctx, out, outlen, params) == 1;
	EVP_KDF_CTX_free(ctx);
	return ok ? 0 : AGS_E_CRYPTO;
}

static int ossl_scrypt(const void *pass, size_t plen, const void *salt, size_t slen,
	       unsigned log_n, uint8_t *out, size_t outlen)
{
	if (log_n < 1 || log_n > 22)
		return AGS_E_AGE_WORK_FACTOR;
	/* 128 * r * N bytes for V plus slack; the default 32 MiB cap fails at log_n 18. */
	uint64_t maxmem = ((uint64_t)128 * 8 << log_n) + (64u << 20);
	if (EVP_PBE_scrypt(pass, plen, salt, slen, (uint64_t)1 << log_n, 8, 1, maxmem, out, outlen) != 1)
		return AGS_E_CRYPTO;
	return 0;
}

/* In the order of struct ags_crypto_backend (each slot's type differs, so the
 * compiler checks the order). */
const struct ags_crypto_backend ags_ossl_backend = {
	ossl_random, ossl_x25519_public, ossl_x25519_shared, ossl_hmac_sha256, ossl_scrypt,
	ossl_hash_new, ossl_hash_update, ossl_hash_final, ossl_hash_reset, ossl_hash_free,
};

struct ags_ossl_aead {
	EVP_CIPHER_CTX *ctx;
	int alg; /* enum ags_aead_alg */
	uint8_t key[32];
	size_t noncelen; /* nonce length the context is configured for */
	int enc;         /* direction the context is initialised for, -1 none */
};

int ags_ossl_aead_new(int alg, const uint8_t key[32], struct ags_ossl_aead **ret)
{
	struct ags_ossl_aead *a = calloc(1, sizeof(*a));
	if (!a)
		return AGS_E_NOMEM;
	a->ctx = EVP_CIPHER_CTX_new();
	if (!a->ctx) {
		free(a);
		return AGS_E_NOMEM;
	}
	a->alg = alg;
	memcpy(a->key, key, 32);
	a->enc = -1;
	*ret = a;
	return 0;
}

/*
 * The AEAD ciphers as copies of OpenSSL's built-in method tables: a copied
 * table takes EVP's legacy path, which runs the same AES-NI / SIMD code as
 * the default provider but skips fetching, whose first use builds the method
 * store of every algorithm (about 6 M instructions, more than the rest of a
 * one-file sops run together).  If the copy fails, the fetched cipher is used.
 */
static const EVP_CIPHER *aead_ciphers[2];

static void aead_ciphers_init(void)
{
	aead_ciphers[0] = EVP_CIPHER_meth_dup(EVP_chacha20_poly1305());
	aead_ciphers[1] = EVP_CIPHER_meth_dup(EVP_aes_256_gcm());
}

static const EVP_CIPHER *aead_cipher(int alg)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, aead_ciphers_init);
	const EVP_CIPHER *c = aead_ciphers[alg == AGS_AEAD_CHACHA20_POLY1305 ? 0 : 1];
	if (c)
		return c;
	return alg == AGS_AEAD_CHACHA20_POLY1305 ? EVP_chacha20_poly1305() : EVP_aes_256_gcm();
}

static int aead_setup(struct ags_ossl_aead *a, int enc, const uint8_t *nonce, size_t noncelen)
{
	if (noncelen == 0 || noncelen > 64)
		return AGS_E_INVAL;
	if (a->alg == AGS_AEAD_CHACHA20_POLY1305 && noncelen != 12)
		return AGS_E_INVAL;
	if (a->enc != enc || a->noncelen != noncelen) {
		const EVP_CIPHER *c = aead_cipher(a->alg);
		/* The IV length must be set after choosing the cipher and before key/IV. */
		if (EVP_CipherInit_ex(a->ctx, c, NULL, NULL, NULL, enc) != 1 ||
		    EVP_CIPHER_CTX_ctrl(a->ctx, EVP_CTRL_AEAD_SET_IVLEN, (int)noncelen, NULL) != 1 ||
		    EVP_CipherInit_ex(a->ctx, NULL, NULL, a->key, nonce, enc) != 1)
			return AGS_E_CRYPTO;
		a->enc = enc;
		a->noncelen = noncelen;
		return 0;
	}
	return EVP_CipherInit_ex(a->ctx, NULL, NULL, NULL, nonce, enc) == 1 ? 0 : AGS_E_CRYPTO;
}

/* Sets the context up for one message in direction enc and runs the AAD and
 * the len bytes of text through it.  After a failure the context is set up
 * afresh next time (enc -1); a failed decryption leaves no partial plaintext
 * in out. */
static int aead_update(struct ags_ossl_aead *a, int enc, const uint8_t *nonce, size_t noncelen, const void *aad,
		       size_t aadlen, const void *in, size_t len, uint8_t *out)
{
	int l = 0;
	if (!FITS_INT(len) || !FITS_INT(aadlen))
		return AGS_E_TOO_BIG;
	AGS_TRY(aead_setup(a, enc, nonce, noncelen));
	if ((aadlen && EVP_CipherUpdate(a->ctx, NULL, &l, aad, (int)aadlen) != 1) ||
	    (len && EVP_CipherUpdate(a->ctx, out, &l, in, (int)len) != 1)) {
		if (!enc)
			ags_wipe(out, len);
		a->enc = -1;
		return AGS_E_CRYPTO;
	}
	return 0;
}

int ags_ossl_aead_seal(struct ags_ossl_aead *a, const uint8_t *nonce, size_t noncelen,
		  const void *aad, size_t aadlen, const void *in, size_t ptlen, uint8_t *out)
{
	int l = 0;
	AGS_TRY(aead_update(a, 1, nonce, noncelen, aad, aadlen, in, ptlen, out));
	if (EVP_EncryptFinal_ex(a->ctx, out + ptlen, &l) != 1 ||
	    EVP_CIPHER_CTX_ctrl(a->ctx, EVP_CTRL_AEAD_GET_TAG, 16, out + ptlen) != 1) {
		a->enc = -1;
		return AGS_E_CRYPTO;
	}
	return 0;
}

int ags_ossl_aead_open(struct ags_ossl_aead *a, const uint8_t *nonce, size_t noncelen,
		  const void *aad, size_t aadlen, const void *in, size_t ctlen, uint8_t *out)
{
	if (ctlen < 16)
		return AGS_E_AUTH;
	if (!FITS_INT(ctlen))
		return AGS_E_TOO_BIG;
	size_t ptlen = ctlen - 16;
	uint8_t tag[16];
	int l = 0, r;
	memcpy(tag, (const uint8_t *)in + ptlen, 16);
	AGS_TRY(aead_update(a, 0, nonce, noncelen, aad, aadlen, in, ptlen, out));
	if (EVP_CIPHER_CTX_ctrl(a->ctx, EVP_CTRL_AEAD_SET_TAG, 16, tag) != 1)
		r = AGS_E_CRYPTO;
	else
		r = EVP_DecryptFinal_ex(a->ctx, out + ptlen, &l) == 1 ? 0 : AGS_E_AUTH;
	if (r < 0) {
		ags_wipe(out, ptlen);
		a->enc = -1; /* re-initialise fully before the next use */
	}
	return r;
}

void ags_ossl_aead_free(struct ags_ossl_aead *a)
{
	if (!a)
		return;
	EVP_CIPHER_CTX_free(a->ctx);
	ags_free_secret(a, sizeof(*a));
}
