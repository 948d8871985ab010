/*
 * The crypto adapter.  Every primitive the project uses goes through here,
 * served by libsodium or OpenSSL 3 libcrypto (backend.h says which and why;
 * callers never need to know), so size checks (no size_t -> int truncation)
 * and the library conventions live in one place.
 *
 * All functions return 0 on success or a negative AGS_E_* code.  Outputs are
 * written only on success (AEAD open never releases unauthenticated bytes:
 * on AGS_E_AUTH the output buffer is wiped).
 */
#ifndef AGS_CRYPTO_OSSL_H
#define AGS_CRYPTO_OSSL_H

#include <stddef.h>
#include <stdint.h>
/* Direct OpenSSL calls (SSH key formats, RSA) load libcrypto on first use. */
#include "crypto/libcrypto.h"

#define AGS_X25519_LEN 32
#define AGS_SHA256_LEN 32
#define AGS_SHA512_LEN 64
#define AGS_AEAD_TAG_LEN 16

int ags_random(void *buf, size_t n);

/* X25519.  scalar -> public key; shared secret fails (AGS_E_CRYPTO) when all-zero. */
int ags_x25519_public(const uint8_t sk[32], uint8_t pk[32]);
int ags_x25519_shared(const uint8_t sk[32], const uint8_t peer[32], uint8_t out[32]);

int ags_sha256(const void *p, size_t n, uint8_t out[32]);
int ags_sha512(const void *p, size_t n, uint8_t out[64]);

/* Incremental hash (SHA-256, SHA-512, SHAKE128, SHAKE256). */
enum ags_hash_alg { AGS_HASH_SHA256, AGS_HASH_SHA512, AGS_HASH_SHAKE128, AGS_HASH_SHAKE256, AGS_HASH_SHA3_256, AGS_HASH_SHA3_512 };
struct ags_hash;
int ags_hash_new(enum ags_hash_alg alg, struct ags_hash **ret);
int ags_hash_update(struct ags_hash *h, const void *p, size_t n);
/* For fixed-length hashes outlen must equal the digest size; for SHAKE any length. */
int ags_hash_final(struct ags_hash *h, uint8_t *out, size_t outlen);
/* Reset to a fresh state, keeping the algorithm. */
int ags_hash_reset(struct ags_hash *h);
void ags_hash_free(struct ags_hash *h);

int ags_hmac_sha256(const void *key, size_t klen, const void *data, size_t dlen, uint8_t out[32]);

/* HKDF-SHA-256 (extract and expand).  salt may be NULL/0 (= no salt). */
int ags_hkdf_sha256(const void *salt, size_t saltlen, const void *ikm, size_t ikmlen,
		    const void *info, size_t infolen, uint8_t *out, size_t outlen);
/* HKDF's two halves alone (RFC 5869 2.2, 2.3), for HPKE's labeled steps:
 * extract gives the 32-byte PRK (salt NULL/0 = HashLen zero bytes). */
int ags_hkdf_sha256_extract(const void *salt, size_t saltlen, const void *ikm, size_t ikmlen, uint8_t prk[32]);
int ags_hkdf_sha256_expand(const uint8_t prk[32], const void *info, size_t infolen, uint8_t *out, size_t outlen);

/* scrypt with r=8, p=1, N = 2^log_n.  log_n must be in 1..22. */
int ags_scrypt(const void *pass, size_t plen, const void *salt, size_t slen,
	       unsigned log_n, uint8_t *out, size_t outlen);

/*
 * AEAD with a reusable context (one EVP_CIPHER_CTX, key set once): for STREAM
 * chunks and sops values.  seal writes ptlen bytes of ciphertext then the
 * 16-byte tag to out (out must hold ptlen + 16).  open takes ct||tag (ctlen
 * >= 16) and writes ctlen - 16 bytes of plaintext; on a bad tag it returns
 * AGS_E_AUTH and wipes out.  out may equal in (in-place).
 */
enum ags_aead_alg {
	AGS_AEAD_CHACHA20_POLY1305, /* 32-byte key, 12-byte nonce */
	AGS_AEAD_AES256_GCM,        /* 32-byte key, nonce of any length 1..64 (sops uses 32) */
};
struct ags_aead;
int ags_aead_new(enum ags_aead_alg alg, const uint8_t key[32], struct ags_aead **ret);
int ags_aead_seal(struct ags_aead *a, const uint8_t *nonce, size_t noncelen,
		  const void *aad, size_t aadlen, const void *in, size_t ptlen, uint8_t *out);
int ags_aead_open(struct ags_aead *a, const uint8_t *nonce, size_t noncelen,
		  const void *aad, size_t aadlen, const void *in, size_t ctlen, uint8_t *out);
void ags_aead_free(struct ags_aead *a);

/* One-shot ChaCha20-Poly1305 with a 12-byte nonce (age stanza bodies). */
int ags_chacha_seal(const uint8_t key[32], const uint8_t nonce[12], const void *aad, size_t aadlen,
		    const void *pt, size_t ptlen, uint8_t *out);
int ags_chacha_open(const uint8_t key[32], const uint8_t nonce[12], const void *aad, size_t aadlen,
		    const void *ct, size_t ctlen, uint8_t *out);

#endif
