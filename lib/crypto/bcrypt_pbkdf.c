/*
 * bcrypt_pbkdf (OpenBSD, used by OpenSSH for "openssh-key-v1" keys).
 *
 * Why this construction is ours: bcrypt_pbkdf is built on the Eksblowfish
 * ("expensive key schedule Blowfish") key setup, which feeds a salt into the
 * Blowfish key schedule and re-keys it many times.  OpenSSL exposes only the
 * standard Blowfish key setup (BF_set_key, which starts from the pi
 * constants and takes no salt) and the block function (BF_encrypt).  So we
 * keep the Blowfish block function and the BF_KEY layout from OpenSSL and
 * write only the schedule around them: the initial P/S state, the salted
 * "expand" steps and the bcrypt_pbkdf loop, with SHA-512 from OpenSSL.
 *
 * The initial Blowfish state is, by definition, the hexadecimal digits of
 * the fractional part of pi.  Rather than carry a 4 KiB table we compute
 * those digits once with OpenSSL BIGNUM (Machin's formula) and check them
 * against the first published words below.
 *
 * Blowfish is deprecated in OpenSSL 3.0 but still shipped; this one file
 * opts back in.
 */
#undef OPENSSL_NO_DEPRECATED
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include "internal.h"
#include "crypto/bcrypt_pbkdf.h"
#include "crypto/ossl.h"

#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <openssl/blowfish.h>
#include <openssl/bn.h>

#define BF_WORDS (18 + 4 * 256)
#define PI_BITS (BF_WORDS * 32)
#define PI_GUARD 64

static BF_KEY bf_pi_state;
static int bf_pi_err;
static pthread_once_t bf_pi_once = PTHREAD_ONCE_INIT;

/* acc += sign * 2^bits * atan(1/x), summed as a series of fixed-point terms. */
static int pi_add_atan_inv(BIGNUM *acc, unsigned long x, unsigned scale_mul, int sign, unsigned bits)
{
	BIGNUM *term = BN_new(), *q = BN_new();
	int r = AGS_E_CRYPTO;
	unsigned long k;

	if (!term || !q)
		goto out;
	if (!BN_set_word(term, 1) || !BN_lshift(term, term, (int)bits) ||
	    BN_div_word(term, x) == (BN_ULONG)-1)
		goto out;
	for (k = 0; !BN_is_zero(term); k++) {
		if (!BN_copy(q, term) || BN_div_word(q, 2 * k + 1) == (BN_ULONG)-1 ||
		    !BN_mul_word(q, scale_mul))
			goto out;
		if (((k & 1) == 0) == (sign > 0)) {
			if (!BN_add(acc, acc, q))
				goto out;
		} else if (!BN_sub(acc, acc, q)) {
			goto out;
		}
		if (BN_div_word(term, x * x) == (BN_ULONG)-1)
			goto out;
	}
	r = 0;
out:
	BN_free(term);
	BN_free(q);
	return r;
}

static void bf_pi_init(void)
{
	/* pi = 16 atan(1/5) - 4 atan(1/239) */
	const unsigned bits = PI_BITS + PI_GUARD;
	unsigned char *bytes = NULL;
	BIGNUM *pi = BN_new(), *three = BN_new();
	size_t i;

	bf_pi_err = AGS_E_CRYPTO;
	if (!pi || !three)
		goto out;
	BN_zero(pi);
	if (pi_add_atan_inv(pi, 5, 16, 1, bits) < 0 || pi_add_atan_inv(pi, 239, 4, -1, bits) < 0)
		goto out;
	/* Drop the integer part (3) and the guard bits. */
	if (!BN_set_word(three, 3) || !BN_lshift(three, three, (int)bits) || !BN_sub(pi, pi, three) ||
	    !BN_rshift(pi, pi, PI_GUARD))
		goto out;
	bytes = malloc(PI_BITS / 8);
	if (!bytes || BN_bn2binpad(pi, bytes, PI_BITS / 8) != PI_BITS / 8)
		goto out;
	for (i = 0; i < BF_WORDS; i++) {
		const unsigned char *b = bytes + 4 * i;
		BF_LONG w = (BF_LONG)b[0] << 24 | (BF_LONG)b[1] << 16 | (BF_LONG)b[2] << 8 | b[3];
		if (i < 18)
			bf_pi_state.P[i] = w;
		else
			bf_pi_state.S[i - 18] = w;
	}
	/* Self-check against the published constants (first P word, first
	 * S word, last S word). */
	if (bf_pi_state.P[0] == 0x243F6A88u && bf_pi_state.S[0] == 0xD1310BA6u &&
	    bf_pi_state.S[1023] == 0x3AC372E6u)
		bf_pi_err = 0;
out:
	free(bytes);
	BN_free(pi);
	BN_free(three);
}

/* Next big-endian 32-bit word of data, cycling (Blowfish_stream2word). */
static BF_LONG stream_word(const uint8_t *data, size_t len, size_t *pos)
{
	BF_LONG w = 0;
	int i;

	for (i = 0; i < 4; i++) {
		w = (w << 8) | data[*pos];
		if (++*pos >= len)
			*pos = 0;
	}
	return w;
}

/*
 * The Eksblowfish expand step: mix key into P, then re-generate P and S by
 * encrypting a running block that is XORed with the salt stream (when salt
 * is non-NULL; the "expand0" variant has no salt).
 */
static void bf_expand(BF_KEY *k, const uint8_t *salt, size_t saltlen, const uint8_t *key, size_t keylen)
{
	BF_LONG blk[2] = { 0, 0 };
	size_t pos = 0, spos = 0;
	/* P, then the four S-boxes, re-generated two words at a time */
	struct {
		BF_LONG *w;
		size_t n;
	} parts[2] = { { k->P, 18 }, { k->S, 4 * 256 } };

	for (size_t i = 0; i < 18; i++)
		k->P[i] ^= stream_word(key, keylen, &pos);
	for (size_t p = 0; p < 2; p++)
		for (size_t i = 0; i < parts[p].n; i += 2) {
			if (salt) {
				blk[0] ^= stream_word(salt, saltlen, &spos);
				blk[1] ^= stream_word(salt, saltlen, &spos);
			}
			BF_encrypt(blk, k);
			parts[p].w[i] = blk[0];
			parts[p].w[i + 1] = blk[1];
		}
	ags_wipe(blk, sizeof(blk));
}

/* The bcrypt core of bcrypt_pbkdf: 64 rounds of Eksblowfish over the two
 * SHA-512 digests, then encrypt a fixed 32-byte string 64 times. */
static void bcrypt_hash(BF_KEY *k, const uint8_t pass[64], const uint8_t salt[64], uint8_t out[32])
{
	static const char magic[] = "OxychromaticBlowfishSwatDynamite";
	BF_LONG c[8];
	size_t pos = 0, i, j;

	memcpy(k, &bf_pi_state, sizeof(*k));
	bf_expand(k, salt, 64, pass, 64);
	for (i = 0; i < 64; i++) {
		bf_expand(k, NULL, 0, salt, 64);
		bf_expand(k, NULL, 0, pass, 64);
	}
	for (i = 0; i < 8; i++)
		c[i] = stream_word((const uint8_t *)magic, 32, &pos);
	for (i = 0; i < 64; i++)
		for (j = 0; j < 8; j += 2)
			BF_encrypt(&c[j], k);
	/* Output words are little-endian (as OpenBSD writes them). */
	for (i = 0; i < 8; i++) {
		out[4 * i + 0] = (uint8_t)c[i];
		out[4 * i + 1] = (uint8_t)(c[i] >> 8);
		out[4 * i + 2] = (uint8_t)(c[i] >> 16);
		out[4 * i + 3] = (uint8_t)(c[i] >> 24);
	}
	ags_wipe(c, sizeof(c));
}

int ags_bcrypt_pbkdf(const void *pass, size_t passlen, const void *salt, size_t saltlen,
		     uint8_t *key, size_t keylen, unsigned rounds)
{
	struct {
		BF_KEY bf;
		uint8_t sha_pass[64], sha_salt[64];
		uint8_t tmp[32], acc[32];
		uint8_t out[AGS_BCRYPT_PBKDF_MAX_KEY];
	} *s = NULL;
	struct ags_hash *h = NULL;
	size_t stride, amt, left, i;
	uint32_t count;
	unsigned rnd;
	int r;

	if (rounds < 1 || rounds > AGS_BCRYPT_PBKDF_MAX_ROUNDS || passlen == 0 || saltlen == 0 ||
	    keylen == 0 || keylen > AGS_BCRYPT_PBKDF_MAX_KEY || saltlen > AGS_BCRYPT_PBKDF_MAX_SALT)
		return AGS_E_INVAL;
	pthread_once(&bf_pi_once, bf_pi_init);
	if (bf_pi_err < 0)
		return bf_pi_err;

	s = calloc(1, sizeof(*s));
	if (!s)
		return AGS_E_NOMEM;
	r = ags_hash_new(AGS_HASH_SHA512, &h);
	if (r < 0)
		goto out;
	r = ags_sha512(pass, passlen, s->sha_pass);
	if (r < 0)
		goto out;

	/* Output bytes are spread across the blocks with this stride so that
	 * every byte of the key costs the full number of rounds. */
	stride = (keylen + 31) / 32;
	amt = (keylen + stride - 1) / stride;
	left = keylen;
	for (count = 1; left > 0; count++) {
		uint8_t cnt[4] = { (uint8_t)(count >> 24), (uint8_t)(count >> 16),
				   (uint8_t)(count >> 8), (uint8_t)count };

		if ((r = ags_hash_reset(h)) < 0 || (r = ags_hash_update(h, salt, saltlen)) < 0 ||
		    (r = ags_hash_update(h, cnt, 4)) < 0 || (r = ags_hash_final(h, s->sha_salt, 64)) < 0)
			goto out;
		bcrypt_hash(&s->bf, s->sha_pass, s->sha_salt, s->tmp);
		memcpy(s->acc, s->tmp, 32);
		for (rnd = 1; rnd < rounds; rnd++) {
			if ((r = ags_sha512(s->tmp, 32, s->sha_salt)) < 0)
				goto out;
			bcrypt_hash(&s->bf, s->sha_pass, s->sha_salt, s->tmp);
			for (i = 0; i < 32; i++)
				s->acc[i] ^= s->tmp[i];
		}
		if (amt > left)
			amt = left;
		for (i = 0; i < amt; i++) {
			size_t dest = i * stride + (count - 1);
			if (dest >= keylen)
				break;
			s->out[dest] = s->acc[i];
		}
		left -= i;
	}
	memcpy(key, s->out, keylen);
	r = 0;
out:
	ags_hash_free(h);
	ags_free_secret(s, sizeof(*s));
	return r;
}
