/*
 * The crypto adapter (crypto/ossl.h): each primitive is served by libsodium
 * when it has it and the input is small, else by OpenSSL (see backend.h for
 * why).  Both compute the same functions; the known-answer tests run against
 * each (AGS_CRYPTO=openssl).
 */
#include "internal.h"
#include "crypto/ossl.h"
#include "crypto/backend.h"
#include <stdlib.h>
#include <string.h>

/*
 * ChaCha20-Poly1305 contexts use libsodium for their first bytes, then
 * OpenSSL: libsodium runs at about a third of OpenSSL's speed on large chunks,
 * but OpenSSL's first use costs about as much as a megabyte of libsodium.
 */
#define SODIUM_AEAD_BUDGET ((uint64_t)1 << 20)

/* The back end that serves what both have. */
static const struct ags_crypto_backend *backend(void)
{
	return ags_crypto_use_sodium() ? &ags_sodium_backend : &ags_ossl_backend;
}

int ags_random(void *buf, size_t n)
{
	return backend()->random(buf, n);
}

int ags_x25519_public(const uint8_t sk[32], uint8_t pk[32])
{
	return backend()->x25519_public(sk, pk);
}

int ags_x25519_shared(const uint8_t sk[32], const uint8_t peer[32], uint8_t out[32])
{
	return backend()->x25519_shared(sk, peer, out);
}

int ags_hmac_sha256(const void *key, size_t klen, const void *data, size_t dlen, uint8_t out[32])
{
	return backend()->hmac_sha256(key, klen, data, dlen, out);
}

int ags_hkdf_sha256(const void *salt, size_t saltlen, const void *ikm, size_t ikmlen,
		    const void *info, size_t infolen, uint8_t *out, size_t outlen)
{
	/* libsodium 1.0.18 has no HKDF, and we write no KDF ourselves: OpenSSL's
	 * EVP_KDF serves it (libcrypto is loaded on this first use). */
	return ags_ossl_hkdf_sha256(AGS_HKDF_FULL, salt, saltlen, ikm, ikmlen, info, infolen, out, outlen);
}

int ags_hkdf_sha256_extract(const void *salt, size_t saltlen, const void *ikm, size_t ikmlen, uint8_t prk[32])
{
	return ags_ossl_hkdf_sha256(AGS_HKDF_EXTRACT, salt, saltlen, ikm, ikmlen, NULL, 0, prk, 32);
}

int ags_hkdf_sha256_expand(const uint8_t prk[32], const void *info, size_t infolen, uint8_t *out, size_t outlen)
{
	return ags_ossl_hkdf_sha256(AGS_HKDF_EXPAND, NULL, 0, prk, 32, info, infolen, out, outlen);
}

int ags_scrypt(const void *pass, size_t plen, const void *salt, size_t slen,
	       unsigned log_n, uint8_t *out, size_t outlen)
{
	return backend()->scrypt(pass, plen, salt, slen, log_n, out, outlen);
}

struct ags_hash {
	const struct ags_crypto_backend *be; /* libsodium: SHA-256 / SHA-512 only */
	void *state;
};

int ags_hash_new(enum ags_hash_alg alg, struct ags_hash **ret)
{
	struct ags_hash *h = calloc(1, sizeof(*h));
	if (!h)
		return AGS_E_NOMEM;
	h->be = alg == AGS_HASH_SHA256 || alg == AGS_HASH_SHA512 ? backend() : &ags_ossl_backend;
	int r = h->be->hash_new(alg, &h->state);
	if (r < 0) {
		free(h);
		return r;
	}
	*ret = h;
	return 0;
}

int ags_hash_update(struct ags_hash *h, const void *p, size_t n)
{
	return h->be->hash_update(h->state, p, n);
}

int ags_hash_final(struct ags_hash *h, uint8_t *out, size_t outlen)
{
	return h->be->hash_final(h->state, out, outlen);
}

int ags_hash_reset(struct ags_hash *h)
{
	return h->be->hash_reset(h->state);
}

void ags_hash_free(struct ags_hash *h)
{
	if (h)
		h->be->hash_free(h->state);
	free(h);
}

static int one_shot(enum ags_hash_alg alg, const void *p, size_t n, uint8_t *out, size_t outlen)
{
	struct ags_hash *h;
	AGS_TRY(ags_hash_new(alg, &h));
	int r = ags_hash_update(h, p, n);
	if (r == 0)
		r = ags_hash_final(h, out, outlen);
	ags_hash_free(h);
	return r;
}

int ags_sha256(const void *p, size_t n, uint8_t out[32])
{
	return one_shot(AGS_HASH_SHA256, p, n, out, 32);
}

int ags_sha512(const void *p, size_t n, uint8_t out[64])
{
	return one_shot(AGS_HASH_SHA512, p, n, out, 64);
}

struct ags_aead {
	enum ags_aead_alg alg;
	uint8_t key[32];
	uint64_t sodium_bytes;     /* ChaCha20-Poly1305 bytes libsodium served */
	struct ags_ossl_aead *o;   /* created on first use by OpenSSL */
};

static void aead_init(struct ags_aead *a, enum ags_aead_alg alg, const uint8_t key[32])
{
	*a = (struct ags_aead){ .alg = alg };
	memcpy(a->key, key, 32);
}

/* Wipes a context (its OpenSSL one freed). */
static void aead_release(struct ags_aead *a)
{
	ags_ossl_aead_free(a->o);
	ags_wipe(a, sizeof(*a));
}

int ags_aead_new(enum ags_aead_alg alg, const uint8_t key[32], struct ags_aead **ret)
{
	if (alg != AGS_AEAD_CHACHA20_POLY1305 && alg != AGS_AEAD_AES256_GCM)
		return AGS_E_INVAL;
	struct ags_aead *a = malloc(sizeof(*a));
	if (!a)
		return AGS_E_NOMEM;
	aead_init(a, alg, key);
	*ret = a;
	return 0;
}

/* Whether libsodium serves this call; else *o is the OpenSSL context. */
static int pick(struct ags_aead *a, size_t noncelen, size_t len, bool *sodium)
{
	*sodium = false;
	if (a->alg == AGS_AEAD_CHACHA20_POLY1305) {
		if (noncelen != 12)
			return AGS_E_INVAL;
		if (!a->o && ags_crypto_use_sodium() && a->sodium_bytes < SODIUM_AEAD_BUDGET) {
			a->sodium_bytes += len;
			*sodium = true;
			return 0;
		}
	}
	/* AES-256-GCM: libsodium only takes 12-byte nonces, sops uses 32. */
	return a->o ? 0 : ags_ossl_aead_new(a->alg, a->key, &a->o);
}

/* Seals (seal) or opens len bytes at in with the back end pick() chooses. */
static int aead_run(bool seal, struct ags_aead *a, const uint8_t *nonce, size_t noncelen, const void *aad,
		    size_t aadlen, const void *in, size_t len, uint8_t *out)
{
	bool sodium;
	AGS_TRY(pick(a, noncelen, len, &sodium));
	if (sodium)
		return (seal ? ags_sodium_chacha_seal : ags_sodium_chacha_open)(a->key, nonce, aad, aadlen, in, len,
										  out);
	return (seal ? ags_ossl_aead_seal : ags_ossl_aead_open)(a->o, nonce, noncelen, aad, aadlen, in, len, out);
}

int ags_aead_seal(struct ags_aead *a, const uint8_t *nonce, size_t noncelen,
		  const void *aad, size_t aadlen, const void *in, size_t ptlen, uint8_t *out)
{
	return aead_run(true, a, nonce, noncelen, aad, aadlen, in, ptlen, out);
}

int ags_aead_open(struct ags_aead *a, const uint8_t *nonce, size_t noncelen,
		  const void *aad, size_t aadlen, const void *in, size_t ctlen, uint8_t *out)
{
	return aead_run(false, a, nonce, noncelen, aad, aadlen, in, ctlen, out);
}

void ags_aead_free(struct ags_aead *a)
{
	if (a)
		aead_release(a);
	free(a);
}

/* One message on a context that lives for this call only (age stanza bodies). */
static int chacha_once(bool seal, const uint8_t key[32], const uint8_t nonce[12], const void *aad,
		       size_t aadlen, const void *in, size_t len, uint8_t *out)
{
	struct ags_aead a;
	aead_init(&a, AGS_AEAD_CHACHA20_POLY1305, key);
	int r = aead_run(seal, &a, nonce, 12, aad, aadlen, in, len, out);
	aead_release(&a);
	return r;
}

int ags_chacha_seal(const uint8_t key[32], const uint8_t nonce[12], const void *aad, size_t aadlen,
		    const void *pt, size_t ptlen, uint8_t *out)
{
	return chacha_once(true, key, nonce, aad, aadlen, pt, ptlen, out);
}

int ags_chacha_open(const uint8_t key[32], const uint8_t nonce[12], const void *aad, size_t aadlen,
		    const void *ct, size_t ctlen, uint8_t *out)
{
	return chacha_once(false, key, nonce, aad, aadlen, ct, ctlen, out);
}
