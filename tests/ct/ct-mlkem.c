/*
 * Constant-time check by secret tainting (ctgrind style).  Secret inputs are
 * marked undefined for valgrind's memcheck; memcheck then reports every
 * conditional jump and every memory address that depends on them.  Run under
 * `valgrind --error-exitcode=1`; any report fails the test.  Values that are
 * public by design (public keys, the final shared secret handed to the
 * caller) are declassified (marked defined) at the point they become public.
 *
 * `--leaky` runs a deliberately secret-dependent branch and table lookup: the
 * negative control, registered as a test that must fail, proving the harness
 * detects what it claims to.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/memcheck.h>
#include "internal.h"
#include "crypto/ossl.h"
#include "crypto/mlkem768.h"
#include "crypto/xwing.h"
#include <agesops/age.h>

/* lib/age/mlkem768x25519.c: the identity parser after Bech32 decoding. */
int ags_age_mlkem768x25519_identity_from_seed(const uint8_t seed[32], struct ags_age_identity **ret);

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

static int fail(const char *what, int r)
{
	fprintf(stderr, "ct-mlkem: %s failed (%d)\n", what, r);
	return 2;
}

static int leaky(void)
{
	static const uint8_t table[256] = { 1, 2, 3 };
	uint8_t s[2] = { 7, 9 };
	SECRET(s, sizeof(s));
	volatile uint8_t sink = table[s[1]];
	if (s[0] & 1)
		sink++;
	(void)sink;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--leaky") == 0)
		return leaky();
	if (!RUNNING_ON_VALGRIND)
		fprintf(stderr, "ct-mlkem: not running under valgrind; this only checks function\n");

	/* ML-KEM-768 key generation from secret d, z. */
	uint8_t d[32], z[32], m[32], ek[AGS_MLKEM768_EK_LEN], dk[AGS_MLKEM768_DK_LEN];
	uint8_t ct[AGS_MLKEM768_CT_LEN], ss1[32], ss2[32];
	memset(d, 0x11, 32);
	memset(z, 0x22, 32);
	memset(m, 0x33, 32);
	SECRET(d, 32);
	SECRET(z, 32);
	int r = ags_mlkem768_keygen_internal(d, z, ek, dk);
	if (r)
		return fail("keygen", r);
	PUBLIC(ek, sizeof(ek));
	PUBLIC(dk + 1152, AGS_MLKEM768_EK_LEN + 32); /* the ek || H(ek) part of dk */

	/* Encapsulation with secret randomness m. */
	SECRET(m, 32);
	r = ags_mlkem768_encaps_internal(ek, m, ss1, ct);
	if (r)
		return fail("encaps", r);
	PUBLIC(ct, sizeof(ct));

	/* Decapsulation with the secret part of dk, valid and invalid ciphertexts. */
	SECRET(dk, 1152);
	SECRET(dk + 2368, 32);
	r = ags_mlkem768_decaps(dk, ct, ss2);
	if (r)
		return fail("decaps", r);
	PUBLIC(ss1, 32);
	PUBLIC(ss2, 32);
	if (memcmp(ss1, ss2, 32) != 0)
		return fail("decaps agreement", -1);
	ct[100] ^= 4;
	r = ags_mlkem768_decaps(dk, ct, ss2);
	if (r)
		return fail("decaps (rejection)", r);
	PUBLIC(ss2, 32);
	if (memcmp(ss1, ss2, 32) == 0)
		return fail("implicit rejection", -1);

	/*
	 * The hybrid key: secret seed -> SHAKE256 -> ML-KEM keygen + X25519
	 * public key (OpenSSL), then decapsulation.
	 */
	uint8_t seed[32], enc[AGS_XWING_ENC_LEN], hs1[32], hs2[32];
	memset(seed, 0x44, 32);
	struct ags_xwing_key *k = malloc(sizeof(*k));
	if (!k)
		return fail("malloc", -1);
	SECRET(seed, 32);
	r = ags_xwing_expand(seed, k);
	if (r)
		return fail("xwing expand", r);
	PUBLIC(k->pk, sizeof(k->pk));
	PUBLIC(k->dk_pq + 1152, AGS_MLKEM768_EK_LEN + 32);
	r = ags_xwing_encaps(k->pk, hs1, enc);
	if (r)
		return fail("xwing encaps", r);
	PUBLIC(enc, sizeof(enc));
	PUBLIC(hs1, 32);
	/*
	 * X25519 inside OpenSSL ends with a check that the result is not all
	 * zero, a branch on the shared secret (ossl_x25519 and our
	 * ags_x25519_shared).  Its outcome depends only on whether the peer
	 * point has small order, which is public, but memcheck cannot know that,
	 * so sk_T is untainted for the decapsulation while the ML-KEM half (the
	 * code we wrote) stays tainted.  With sk_T tainted memcheck reports
	 * exactly those two zero checks and nothing in the ladder; the scalar
	 * is tainted above through key expansion (public key derivation).
	 */
	PUBLIC(k->sk_t, 32);
	r = ags_xwing_decaps(k, enc, hs2);
	if (r)
		return fail("xwing decaps", r);
	PUBLIC(hs2, 32);
	if (memcmp(hs1, hs2, 32) != 0)
		return fail("xwing agreement", -1);
	ags_wipe(k, sizeof(*k));
	free(k);

	/*
	 * Identity parsing from the decoded 32-byte seed (what
	 * AGE-SECRET-KEY-PQ-1... carries).  The Bech32 decoding before it is
	 * the age core's and is not constant-time (table lookups on the
	 * characters, as in Go), so the taint starts at the seed.
	 */
	struct ags_age_identity *id = NULL;
	memset(seed, 0x55, 32);
	SECRET(seed, 32);
	r = ags_age_mlkem768x25519_identity_from_seed(seed, &id);
	if (r)
		return fail("identity from seed", r);
	ags_age_identity_free(id);
	return 0;
}
