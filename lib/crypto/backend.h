/*
 * The two back ends behind the adapter (crypto/ossl.h).  Only lib/crypto/
 * includes this: callers never know which library serves a primitive.
 *
 * libsodium serves what a small file needs (X25519, SHA-2, HMAC-SHA-256,
 * scrypt, ChaCha20-Poly1305 on small inputs, randomness): it needs no
 * initialisation worth measuring.  OpenSSL 3 serves the rest (HKDF, bulk
 * ChaCha20-Poly1305, AES-256-GCM with sops' 32-byte IV, SHA-3/SHAKE, RSA,
 * Blowfish) and is only initialised when one of those is first used: its
 * provider and method-store set-up costs more than a whole small-file run.
 *
 * AGS_CRYPTO=openssl in the environment routes everything both can serve to
 * OpenSSL, so the known-answer tests run against both back ends.
 */
#ifndef AGS_CRYPTO_BACKEND_H
#define AGS_CRYPTO_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* true: libsodium serves the primitives it has; false: OpenSSL serves all. */
bool ags_crypto_use_sodium(void);

/* What both back ends serve, one table each (sodium.c, ossl.c); adapter.c
 * picks the table.  Same contracts as the functions of crypto/ossl.h. */
struct ags_crypto_backend {
	int (*random)(void *buf, size_t n);
	int (*x25519_public)(const uint8_t sk[32], uint8_t pk[32]);
	int (*x25519_shared)(const uint8_t sk[32], const uint8_t peer[32], uint8_t out[32]);
	int (*hmac_sha256)(const void *key, size_t klen, const void *data, size_t dlen, uint8_t out[32]);
	int (*scrypt)(const void *pass, size_t plen, const void *salt, size_t slen, unsigned log_n, uint8_t *out,
		      size_t outlen);
	/* Incremental hash (any enum ags_hash_alg for OpenSSL; AGS_HASH_SHA256
	 * and AGS_HASH_SHA512 only for libsodium), h the back end's state
	 * (never NULL: hash_free too gets one that hash_new made). */
	int (*hash_new)(int alg, void **h);
	int (*hash_update)(void *h, const void *p, size_t n);
	int (*hash_final)(void *h, uint8_t *out, size_t outlen);
	int (*hash_reset)(void *h);
	void (*hash_free)(void *h);
};
extern const struct ags_crypto_backend ags_sodium_backend;
extern const struct ags_crypto_backend ags_ossl_backend;

/* libsodium only: ChaCha20-Poly1305 (RFC 8439, 12-byte nonce), detached tag
 * after the text. */
int ags_sodium_chacha_seal(const uint8_t key[32], const uint8_t nonce[12], const void *aad, size_t aadlen,
			   const void *pt, size_t ptlen, uint8_t *out);
int ags_sodium_chacha_open(const uint8_t key[32], const uint8_t nonce[12], const void *aad, size_t aadlen,
			   const void *ct, size_t ctlen, uint8_t *out);

/* OpenSSL only: HKDF, and AEAD on a reusable EVP_CIPHER_CTX (same contract
 * as ags_aead_seal/open). */
enum ags_hkdf_mode { AGS_HKDF_FULL, AGS_HKDF_EXTRACT, AGS_HKDF_EXPAND };
/* AGS_HKDF_EXTRACT: ikm and salt in, the 32-byte PRK out (info unused);
 * AGS_HKDF_EXPAND: ikm is the PRK (salt unused). */
int ags_ossl_hkdf_sha256(enum ags_hkdf_mode mode, const void *salt, size_t saltlen, const void *ikm, size_t ikmlen,
			 const void *info, size_t infolen, uint8_t *out, size_t outlen);
struct ags_ossl_aead;
int ags_ossl_aead_new(int alg, const uint8_t key[32], struct ags_ossl_aead **ret);
int ags_ossl_aead_seal(struct ags_ossl_aead *a, const uint8_t *nonce, size_t noncelen,
		       const void *aad, size_t aadlen, const void *in, size_t ptlen, uint8_t *out);
int ags_ossl_aead_open(struct ags_ossl_aead *a, const uint8_t *nonce, size_t noncelen,
		       const void *aad, size_t aadlen, const void *in, size_t ctlen, uint8_t *out);
void ags_ossl_aead_free(struct ags_ossl_aead *a);

#endif
