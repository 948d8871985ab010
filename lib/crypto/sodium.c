/*
 * The libsodium back end (see backend.h).  libsodium 1.0.18 (Debian 12) has
 * no HKDF, so HKDF-SHA-256 stays with OpenSSL (adapter.c).
 */
#include "internal.h"
#include "crypto/ossl.h"
#include "crypto/backend.h"
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sodium.h>

static int sodium_random(void *buf, size_t n)
{
	randombytes_buf(buf, n);
	return 0;
}

static int sodium_x25519_public(const uint8_t sk[32], uint8_t pk[32])
{
	return crypto_scalarmult_curve25519_base(pk, sk) == 0 ? 0 : AGS_E_CRYPTO;
}

static int sodium_x25519_shared(const uint8_t sk[32], const uint8_t peer[32], uint8_t out[32])
{
	uint8_t tmp[32];
	/* -1 on an all-zero result (low-order peer point), which age rejects. */
	int r = crypto_scalarmult_curve25519(tmp, sk, peer) == 0 ? 0 : AGS_E_CRYPTO;
	if (r == 0)
		memcpy(out, tmp, 32);
	sodium_memzero(tmp, sizeof(tmp));
	return r;
}

static int sodium_hmac_sha256(const void *key, size_t klen, const void *data, size_t dlen, uint8_t out[32])
{
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, key, klen);
	crypto_auth_hmacsha256_update(&st, data, dlen);
	crypto_auth_hmacsha256_final(&st, out);
	sodium_memzero(&st, sizeof(st));
	return 0;
}

static int sodium_scrypt(const void *pass, size_t plen, const void *salt, size_t slen,
		      unsigned log_n, uint8_t *out, size_t outlen)
{
	if (log_n < 1 || log_n > 22)
		return AGS_E_AGE_WORK_FACTOR;
	if (crypto_pwhash_scryptsalsa208sha256_ll(pass, plen, salt, slen, (uint64_t)1 << log_n, 8, 1,
						  out, outlen) != 0)
		return errno == ENOMEM ? AGS_E_NOMEM : AGS_E_CRYPTO;
	return 0;
}

struct sodium_hash {
	int alg;
	union {
		crypto_hash_sha256_state s256;
		crypto_hash_sha512_state s512;
	} u;
};

static int sodium_hash_reset(void *state)
{
	struct sodium_hash *h = state;
	if (h->alg == AGS_HASH_SHA256)
		crypto_hash_sha256_init(&h->u.s256);
	else
		crypto_hash_sha512_init(&h->u.s512);
	return 0;
}

static int sodium_hash_new(int alg, void **ret)
{
	if (alg != AGS_HASH_SHA256 && alg != AGS_HASH_SHA512)
		return AGS_E_INVAL;
	struct sodium_hash *h = calloc(1, sizeof(*h));
	if (!h)
		return AGS_E_NOMEM;
	h->alg = alg;
	sodium_hash_reset(h);
	*ret = h;
	return 0;
}

static int sodium_hash_update(void *state, const void *p, size_t n)
{
	struct sodium_hash *h = state;
	if (h->alg == AGS_HASH_SHA256)
		crypto_hash_sha256_update(&h->u.s256, p, n);
	else
		crypto_hash_sha512_update(&h->u.s512, p, n);
	return 0;
}

static int sodium_hash_final(void *state, uint8_t *out, size_t outlen)
{
	struct sodium_hash *h = state;
	if (outlen != (h->alg == AGS_HASH_SHA256 ? 32u : 64u))
		return AGS_E_INVAL;
	if (h->alg == AGS_HASH_SHA256)
		crypto_hash_sha256_final(&h->u.s256, out);
	else
		crypto_hash_sha512_final(&h->u.s512, out);
	return 0;
}

static void sodium_hash_free(void *state)
{
	struct sodium_hash *h = state;
	sodium_memzero(h, sizeof(*h)); /* the state of a hash over secrets */
	free(h);
}

/* In the order of struct ags_crypto_backend (each slot's type differs, so the
 * compiler checks the order). */
const struct ags_crypto_backend ags_sodium_backend = {
	sodium_random, sodium_x25519_public, sodium_x25519_shared, sodium_hmac_sha256, sodium_scrypt,
	sodium_hash_new, sodium_hash_update, sodium_hash_final, sodium_hash_reset, sodium_hash_free,
};

int ags_sodium_chacha_seal(const uint8_t key[32], const uint8_t nonce[12], const void *aad, size_t aadlen,
			   const void *pt, size_t ptlen, uint8_t *out)
{
	crypto_aead_chacha20poly1305_ietf_encrypt_detached(out, out + ptlen, NULL, pt, ptlen, aad, aadlen,
							   NULL, nonce, key);
	return 0;
}

int ags_sodium_chacha_open(const uint8_t key[32], const uint8_t nonce[12], const void *aad, size_t aadlen,
			   const void *ct, size_t ctlen, uint8_t *out)
{
	if (ctlen < 16)
		return AGS_E_AUTH;
	size_t ptlen = ctlen - 16;
	uint8_t tag[16];
	memcpy(tag, (const uint8_t *)ct + ptlen, 16); /* out may overlap ct */
	/* libsodium checks the tag (in constant time) before decrypting anything. */
	if (crypto_aead_chacha20poly1305_ietf_decrypt_detached(out, NULL, ct, ptlen, tag, aad, aadlen,
							       nonce, key) != 0) {
		ags_wipe(out, ptlen);
		return AGS_E_AUTH;
	}
	return 0;
}

static bool sodium_ok;

static void sodium_setup(void)
{
	const char *e = getenv("AGS_CRYPTO");
	if (e && strcmp(e, "openssl") == 0)
		return;
	sodium_ok = sodium_init() >= 0;
}

bool ags_crypto_use_sodium(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, sodium_setup);
	return sodium_ok;
}
