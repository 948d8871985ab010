/*
 * The libsodium back end (see backend.h).  libsodium 1.0.18 (Debian 12) has
 * no HKDF, so HKDF-SHA-256 is RFC 5869's extract-and-expand over libsodium's
 * HMAC-SHA-256, checked against the RFC's vectors and the OpenSSL back end.
 */
#include "internal.h"
#include "crypto/ossl.h"
#include "crypto/backend.h"
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sodium.h>

int ags_sodium_random(void *buf, size_t n)
{
	randombytes_buf(buf, n);
	return 0;
}

int ags_sodium_x25519_public(const uint8_t sk[32], uint8_t pk[32])
{
	return crypto_scalarmult_curve25519_base(pk, sk) == 0 ? 0 : AGS_E_CRYPTO;
}

int ags_sodium_x25519_shared(const uint8_t sk[32], const uint8_t peer[32], uint8_t out[32])
{
	uint8_t tmp[32];
	/* -1 on an all-zero result (low-order peer point), which age rejects. */
	int r = crypto_scalarmult_curve25519(tmp, sk, peer) == 0 ? 0 : AGS_E_CRYPTO;
	if (r == 0)
		memcpy(out, tmp, 32);
	sodium_memzero(tmp, sizeof(tmp));
	return r;
}

int ags_sodium_hmac_sha256(const void *key, size_t klen, const void *data, size_t dlen, uint8_t out[32])
{
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, key, klen);
	crypto_auth_hmacsha256_update(&st, data, dlen);
	crypto_auth_hmacsha256_final(&st, out);
	sodium_memzero(&st, sizeof(st));
	return 0;
}

int ags_sodium_hkdf_sha256(const void *salt, size_t saltlen, const void *ikm, size_t ikmlen,
			   const void *info, size_t infolen, uint8_t *out, size_t outlen)
{
	static const uint8_t zeros[32];
	uint8_t prk[32], t[32];
	crypto_auth_hmacsha256_state st;
	if (outlen == 0 || outlen > 255 * 32)
		return AGS_E_INVAL;
	/* extract: PRK = HMAC(salt or 32 zero bytes, IKM) */
	ags_sodium_hmac_sha256(saltlen ? salt : zeros, saltlen ? saltlen : sizeof(zeros), ikm, ikmlen, prk);
	/* expand: T(i) = HMAC(PRK, T(i-1) || info || i) */
	size_t done = 0;
	for (uint8_t i = 1; done < outlen; i++) {
		crypto_auth_hmacsha256_init(&st, prk, sizeof(prk));
		if (i > 1)
			crypto_auth_hmacsha256_update(&st, t, sizeof(t));
		crypto_auth_hmacsha256_update(&st, info, infolen);
		crypto_auth_hmacsha256_update(&st, &i, 1);
		crypto_auth_hmacsha256_final(&st, t);
		size_t n = AGS_MIN(outlen - done, sizeof(t));
		memcpy(out + done, t, n);
		done += n;
	}
	sodium_memzero(&st, sizeof(st));
	sodium_memzero(prk, sizeof(prk));
	sodium_memzero(t, sizeof(t));
	return 0;
}

int ags_sodium_scrypt(const void *pass, size_t plen, const void *salt, size_t slen,
		      unsigned log_n, uint8_t *out, size_t outlen)
{
	if (log_n < 1 || log_n > 22)
		return AGS_E_AGE_WORK_FACTOR;
	if (crypto_pwhash_scryptsalsa208sha256_ll(pass, plen, salt, slen, (uint64_t)1 << log_n, 8, 1,
						  out, outlen) != 0)
		return errno == ENOMEM ? AGS_E_NOMEM : AGS_E_CRYPTO;
	return 0;
}

struct ags_sodium_hash {
	int alg;
	union {
		crypto_hash_sha256_state s256;
		crypto_hash_sha512_state s512;
	} u;
};

int ags_sodium_hash_reset(struct ags_sodium_hash *h)
{
	if (h->alg == AGS_HASH_SHA256)
		crypto_hash_sha256_init(&h->u.s256);
	else
		crypto_hash_sha512_init(&h->u.s512);
	return 0;
}

int ags_sodium_hash_new(int alg, struct ags_sodium_hash **ret)
{
	if (alg != AGS_HASH_SHA256 && alg != AGS_HASH_SHA512)
		return AGS_E_INVAL;
	struct ags_sodium_hash *h = calloc(1, sizeof(*h));
	if (!h)
		return AGS_E_NOMEM;
	h->alg = alg;
	ags_sodium_hash_reset(h);
	*ret = h;
	return 0;
}

int ags_sodium_hash_update(struct ags_sodium_hash *h, const void *p, size_t n)
{
	if (h->alg == AGS_HASH_SHA256)
		crypto_hash_sha256_update(&h->u.s256, p, n);
	else
		crypto_hash_sha512_update(&h->u.s512, p, n);
	return 0;
}

int ags_sodium_hash_final(struct ags_sodium_hash *h, uint8_t *out, size_t outlen)
{
	if (outlen != (h->alg == AGS_HASH_SHA256 ? 32u : 64u))
		return AGS_E_INVAL;
	if (h->alg == AGS_HASH_SHA256)
		crypto_hash_sha256_final(&h->u.s256, out);
	else
		crypto_hash_sha512_final(&h->u.s512, out);
	return 0;
}

void ags_sodium_hash_free(struct ags_sodium_hash *h)
{
	if (!h)
		return;
	sodium_memzero(h, sizeof(*h)); /* the state of a hash over secrets */
	free(h);
}

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
