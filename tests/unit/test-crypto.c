/* Known-answer tests for the OpenSSL adapters (RFC 7748, 5869, 4231, 8439,
 * 7914, FIPS 180, and a sops AES-256-GCM value with a 32-byte IV). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "internal.h"
#include "crypto/ossl.h"
#include "crypto/backend.h"
#include <stdio.h>
#include <stdlib.h>

static void unhex(const char *h, uint8_t *out, size_t n)
{
	assert_int_equal(strlen(h), 2 * n);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		assert_int_equal(sscanf(h + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static void x25519_rfc7748(void **state)
{
	(void)state;
	uint8_t ask[32], apk[32], bsk[32], bpk[32], want[32], s1[32], s2[32], pk[32];
	unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", ask, 32);
	unhex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", apk, 32);
	unhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb", bsk, 32);
	unhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", bpk, 32);
	unhex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", want, 32);
	assert_int_equal(ags_x25519_public(ask, pk), 0);
	assert_memory_equal(pk, apk, 32);
	assert_int_equal(ags_x25519_shared(ask, bpk, s1), 0);
	assert_int_equal(ags_x25519_shared(bsk, apk, s2), 0);
	assert_memory_equal(s1, want, 32);
	assert_memory_equal(s2, want, 32);
	/* low-order point: the all-zero shared secret is rejected */
	uint8_t zero[32] = { 0 };
	memset(s1, 0xAA, 32);
	assert_int_equal(ags_x25519_shared(ask, zero, s1), AGS_E_CRYPTO);
	assert_int_equal(s1[0], 0xAA);
}

static void hkdf_rfc5869(void **state)
{
	(void)state;
	uint8_t ikm[22], salt[13], info[10], okm[42], want[42];
	memset(ikm, 0x0b, sizeof(ikm));
	for (int i = 0; i < 13; i++)
		salt[i] = (uint8_t)i;
	for (int i = 0; i < 10; i++)
		info[i] = (uint8_t)(0xf0 + i);
	unhex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865", want, 42);
	assert_int_equal(ags_hkdf_sha256(salt, 13, ikm, 22, info, 10, okm, 42), 0);
	assert_memory_equal(okm, want, 42);
	/* A.3: no salt, no info */
	unhex("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8", want, 42);
	assert_int_equal(ags_hkdf_sha256(NULL, 0, ikm, 22, "", 0, okm, 42), 0);
	assert_memory_equal(okm, want, 42);
}

static void hmac_rfc4231(void **state)
{
	(void)state;
	uint8_t out[32], want[32];
	unhex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", want, 32);
	assert_int_equal(ags_hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, out), 0);
	assert_memory_equal(out, want, 32);
}

static void sha_fips180(void **state)
{
	(void)state;
	uint8_t out[64], want[64];
	unhex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", want, 32);
	assert_int_equal(ags_sha256("abc", 3, out), 0);
	assert_memory_equal(out, want, 32);
	unhex("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
	      "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f", want, 64);
	assert_int_equal(ags_sha512("abc", 3, out), 0);
	assert_memory_equal(out, want, 64);
	struct ags_hash *h;
	assert_int_equal(ags_hash_new(AGS_HASH_SHA512, &h), 0);
	assert_int_equal(ags_hash_update(h, "a", 1), 0);
	assert_int_equal(ags_hash_update(h, "bc", 2), 0);
	assert_int_equal(ags_hash_final(h, out, 64), 0);
	assert_memory_equal(out, want, 64);
	/* SHAKE128("") first 16 bytes (FIPS 202) */
	ags_hash_free(h);
	assert_int_equal(ags_hash_new(AGS_HASH_SHAKE128, &h), 0);
	assert_int_equal(ags_hash_final(h, out, 16), 0);
	unhex("7f9c2ba4e88f827d616045507605853e", want, 16);
	assert_memory_equal(out, want, 16);
	ags_hash_free(h);
}

static void chacha_rfc8439(void **state)
{
	(void)state;
	uint8_t key[32], nonce[12], aad[12], ct[114 + 16], pt[114], out[114 + 16];
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)(0x80 + i);
	unhex("070000004041424344454647", nonce, 12);
	unhex("50515253c0c1c2c3c4c5c6c7", aad, 12);
	const char *msg = "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
			  "future, sunscreen would be it.";
	assert_int_equal(strlen(msg), 114);
	unhex("d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b"
	      "1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
	      "3ff4def08e4b7a9de576d26586cec64b6116"
	      "1ae10b594f09e26a7e902ecbd0600691", ct, 130);
	assert_int_equal(ags_chacha_seal(key, nonce, aad, 12, msg, 114, out), 0);
	assert_memory_equal(out, ct, 130);
	assert_int_equal(ags_chacha_open(key, nonce, aad, 12, ct, 130, pt), 0);
	assert_memory_equal(pt, msg, 114);
	ct[5] ^= 1;
	memset(pt, 0x55, sizeof(pt));
	assert_int_equal(ags_chacha_open(key, nonce, aad, 12, ct, 130, pt), AGS_E_AUTH);
	for (size_t i = 0; i < 114; i++)
		assert_int_equal(pt[i], 0); /* unauthenticated plaintext wiped */
	assert_int_equal(ags_chacha_open(key, nonce, aad, 12, ct, 15, pt), AGS_E_AUTH);
}

static void aead_reuse(void **state)
{
	(void)state;
	/* One context, many nonces, a failure in between: as STREAM uses it. */
	uint8_t key[32] = { 1 }, nonce[12] = { 0 }, buf[64 + 16], pt[64];
	struct ags_aead *a;
	assert_int_equal(ags_aead_new(AGS_AEAD_CHACHA20_POLY1305, key, &a), 0);
	for (int i = 0; i < 3; i++) {
		nonce[11] = (uint8_t)i;
		memset(pt, i, sizeof(pt));
		assert_int_equal(ags_aead_seal(a, nonce, 12, NULL, 0, pt, 64, buf), 0);
		nonce[11] ^= 1;
		assert_int_equal(ags_aead_open(a, nonce, 12, NULL, 0, buf, 80, pt), AGS_E_AUTH);
		nonce[11] ^= 1;
		assert_int_equal(ags_aead_open(a, nonce, 12, NULL, 0, buf, 80, buf), 0); /* in place */
		for (int k = 0; k < 64; k++)
			assert_int_equal(buf[k], i);
	}
	assert_int_equal(ags_aead_seal(a, nonce, 11, NULL, 0, pt, 1, buf), AGS_E_INVAL);
	ags_aead_free(a);
	ags_aead_free(NULL);
}

static void gcm_sops_kat(void **state)
{
	(void)state;
	/* the SOPS spec notes 3.5: key 00..1f, iv 20..3f, "hello", AAD "foo:bar:" */
	uint8_t key[32], iv[32], out[5 + 16], want[5 + 16], pt[5];
	for (int i = 0; i < 32; i++) {
		key[i] = (uint8_t)i;
		iv[i] = (uint8_t)(0x20 + i);
	}
	size_t n;
	assert_int_equal(ags_b64_decode("f6SdJOI=", 8, AGS_B64_PADDED, want, &n), 0);
	assert_int_equal(n, 5);
	assert_int_equal(ags_b64_decode("U03PQS+ma50Old1Gx/aoqQ==", 24, AGS_B64_PADDED, want + 5, &n), 0);
	struct ags_aead *a;
	assert_int_equal(ags_aead_new(AGS_AEAD_AES256_GCM, key, &a), 0);
	assert_int_equal(ags_aead_seal(a, iv, 32, "foo:bar:", 8, "hello", 5, out), 0);
	assert_memory_equal(out, want, 21);
	assert_int_equal(ags_aead_open(a, iv, 32, "foo:bar:", 8, want, 21, pt), 0);
	assert_memory_equal(pt, "hello", 5);
	assert_int_equal(ags_aead_open(a, iv, 32, "foo:baz:", 8, want, 21, pt), AGS_E_AUTH);
	ags_aead_free(a);
}

/* The run under AGS_CRYPTO=openssl really uses OpenSSL, the other libsodium. */
static void backend_selected(void **state)
{
	(void)state;
	const char *e = getenv("AGS_CRYPTO");
	assert_int_equal(ags_crypto_use_sodium(), !(e && strcmp(e, "openssl") == 0));
}

/*
 * A ChaCha20-Poly1305 context hands over from libsodium to OpenSSL after its
 * first megabyte: 40 chunks of 64 KiB sealed on one context give the same
 * bytes as each chunk sealed on its own (libsodium only), and a digest fixed
 * here for both back ends (computed with Python's cryptography); each chunk opens on a fresh context.
 */
static void aead_bulk_handover(void **state)
{
	(void)state;
	enum { CHUNK = 64 << 10, N = 40 };
	uint8_t key[32], nonce[12] = { 0 }, digest[32], want[32];
	uint8_t *pt = malloc(CHUNK), *c1 = malloc(CHUNK + 16), *c2 = malloc(CHUNK + 16), *back = malloc(CHUNK);
	assert_non_null(pt);
	assert_non_null(c1);
	assert_non_null(c2);
	assert_non_null(back);
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)(3 * i + 1);
	for (size_t i = 0; i < CHUNK; i++)
		pt[i] = (uint8_t)(i * 7);
	struct ags_aead *a;
	struct ags_hash *h;
	assert_int_equal(ags_aead_new(AGS_AEAD_CHACHA20_POLY1305, key, &a), 0);
	assert_int_equal(ags_hash_new(AGS_HASH_SHA256, &h), 0);
	for (int k = 0; k < N; k++) {
		nonce[10] = (uint8_t)k;
		nonce[11] = k == N - 1;
		assert_int_equal(ags_aead_seal(a, nonce, 12, NULL, 0, pt, CHUNK, c1), 0);
		assert_int_equal(ags_chacha_seal(key, nonce, NULL, 0, pt, CHUNK, c2), 0);
		assert_memory_equal(c1, c2, CHUNK + 16);
		assert_int_equal(ags_chacha_open(key, nonce, NULL, 0, c1, CHUNK + 16, back), 0);
		assert_memory_equal(back, pt, CHUNK);
		assert_int_equal(ags_hash_update(h, c1, CHUNK + 16), 0);
	}
	/* a tampered chunk on the OpenSSL side of the hand-over fails */
	c1[100] ^= 1;
	assert_int_equal(ags_aead_open(a, nonce, 12, NULL, 0, c1, CHUNK + 16, back), AGS_E_AUTH);
	assert_int_equal(ags_hash_final(h, digest, 32), 0);
	unhex("c974e69160a6d0f4c6a74c1a5c90d60b14715ee3d7b9ec739073b16121ea2307", want, 32);
	assert_memory_equal(digest, want, 32);
	ags_hash_free(h);
	ags_aead_free(a);
	free(pt);
	free(c1);
	free(c2);
	free(back);
}

static void scrypt_rfc7914(void **state)
{
	(void)state;
	uint8_t out[64], want[64];
	unhex("7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
	      "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887", want, 64);
	assert_int_equal(ags_scrypt("pleaseletmein", 13, "SodiumChloride", 14, 14, out, 64), 0);
	assert_memory_equal(out, want, 64);
	assert_int_equal(ags_scrypt("p", 1, "s", 1, 23, out, 64), AGS_E_AGE_WORK_FACTOR);
	assert_int_equal(ags_scrypt("p", 1, "s", 1, 0, out, 64), AGS_E_AGE_WORK_FACTOR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(x25519_rfc7748), cmocka_unit_test(hkdf_rfc5869), cmocka_unit_test(hmac_rfc4231),
		cmocka_unit_test(sha_fips180), cmocka_unit_test(chacha_rfc8439), cmocka_unit_test(aead_reuse),
		cmocka_unit_test(gcm_sops_kat), cmocka_unit_test(scrypt_rfc7914), cmocka_unit_test(backend_selected),
		cmocka_unit_test(aead_bulk_handover),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
