#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "internal.h"
#include "sops/shamir.h"

/* Reference field built the textbook way (exp/log tables over generator 3),
 * independent of the constant-time code under test. */
static uint8_t ref_exp[510], ref_log[256];
static void ref_init(void)
{
	unsigned x = 1;
	for (int i = 0; i < 255; i++) {
		ref_exp[i] = ref_exp[i + 255] = (uint8_t)x;
		ref_log[x] = (uint8_t)i;
		unsigned x2 = x << 1;
		if (x2 & 0x100)
			x2 ^= 0x11b;
		x ^= x2; /* x * 3 */
	}
}
static uint8_t ref_mul(uint8_t a, uint8_t b)
{
	if (!a || !b)
		return 0;
	return ref_exp[ref_log[a] + ref_log[b]];
}

static void field_kat(void **state)
{
	(void)state;
	/* FIPS-197 section 4.2 and 4.2.1 */
	assert_int_equal(ags_gf256_mul(0x57, 0x83), 0xc1);
	assert_int_equal(ags_gf256_mul(0x57, 0x13), 0xfe);
	assert_int_equal(ags_gf256_inv(0x53), 0xca);
	/* sops/Vault field test values */
	assert_int_equal(ags_gf256_mul(3, 7), 9);
	assert_int_equal(ags_gf256_mul(3, 0), 0);
	assert_int_equal(ags_gf256_inv(0), 0);
	ref_init();
	for (unsigned a = 0; a < 256; a++) {
		for (unsigned b = 0; b < 256; b++)
			assert_int_equal(ags_gf256_mul((uint8_t)a, (uint8_t)b), ref_mul((uint8_t)a, (uint8_t)b));
		if (a)
			assert_int_equal(ags_gf256_mul((uint8_t)a, ags_gf256_inv((uint8_t)a)), 1);
	}
}

/* A hand-computed 2-of-n sharing: f(x) = s + c*x per byte.  Shares laid out
 * as sops stores them: y bytes then x. */
static void combine_kat(void **state)
{
	(void)state;
	ref_init();
	const uint8_t s[3] = { 0x00, 0x42, 0xff }, c[3] = { 0x01, 0x57, 0x83 };
	uint8_t sh1[4], sh2[4], sh3[4], out[3];
	for (int i = 0; i < 3; i++) {
		sh1[i] = s[i] ^ ags_gf256_mul(c[i], 0x05);
		sh2[i] = s[i] ^ ags_gf256_mul(c[i], 0x13);
		sh3[i] = s[i] ^ ags_gf256_mul(c[i], 0xfe);
	}
	sh1[3] = 0x05;
	sh2[3] = 0x13;
	sh3[3] = 0xfe;
	/* precomputed with the reference tables: y(0x05) for byte 1 */
	assert_int_equal(sh1[1], 0x42 ^ ref_mul(0x57, 0x05));
	const uint8_t *p[2] = { sh1, sh2 };
	assert_int_equal(ags_shamir_combine(p, 2, 4, out), 0);
	assert_memory_equal(out, s, 3);
	p[0] = sh3;
	assert_int_equal(ags_shamir_combine(p, 2, 4, out), 0);
	assert_memory_equal(out, s, 3);
	/* all three also work (degree-1 polynomial through three points) */
	const uint8_t *q[3] = { sh2, sh3, sh1 };
	assert_int_equal(ags_shamir_combine(q, 3, 4, out), 0);
	assert_memory_equal(out, s, 3);
}

static void split_combine_subsets(void **state)
{
	(void)state;
	uint8_t key[32];
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)(i * 37 + 11);
	for (unsigned parts = 2; parts <= 5; parts++) {
		for (unsigned t = 2; t <= parts; t++) {
			uint8_t shares[5 * 33];
			assert_int_equal(ags_shamir_split(key, 32, parts, t, shares), 0);
			/* x bytes distinct and nonzero */
			for (unsigned i = 0; i < parts; i++) {
				assert_int_not_equal(shares[i * 33 + 32], 0);
				for (unsigned j = 0; j < i; j++)
					assert_int_not_equal(shares[i * 33 + 32], shares[j * 33 + 32]);
			}
			/* every subset */
			for (unsigned mask = 1; mask < (1u << parts); mask++) {
				const uint8_t *p[5];
				size_t n = 0;
				for (unsigned i = 0; i < parts; i++)
					if (mask & (1u << i))
						p[n++] = shares + i * 33;
				uint8_t out[32];
				int r = ags_shamir_combine(p, n, 33, out);
				if (n < 2) {
					assert_int_equal(r, AGS_E_SOPS_SHAMIR);
					continue;
				}
				assert_int_equal(r, 0);
				if (n >= t)
					assert_memory_equal(out, key, 32);
				else
					assert_memory_not_equal(out, key, 32);
			}
		}
	}
}

static void bad_input(void **state)
{
	(void)state;
	uint8_t key[4] = { 1, 2, 3, 4 }, out[5 * 10];
	assert_int_equal(ags_shamir_split(key, 4, 0, 0, out), AGS_E_INVAL);
	assert_int_equal(ags_shamir_split(key, 4, 2, 3, out), AGS_E_INVAL);
	assert_int_equal(ags_shamir_split(key, 4, 1000, 3, out), AGS_E_INVAL);
	assert_int_equal(ags_shamir_split(key, 4, 10, 1, out), AGS_E_INVAL);
	assert_int_equal(ags_shamir_split(key, 0, 3, 2, out), AGS_E_INVAL);
	uint8_t a[3] = { 'f', 'o', 'o' }, b[3] = { 'f', 'o', 'o' }, r[2];
	const uint8_t *p[2] = { a, b };
	assert_int_equal(ags_shamir_combine(p, 2, 3, r), AGS_E_SOPS_SHAMIR); /* duplicate x */
	assert_int_equal(ags_shamir_combine(p, 1, 3, r), AGS_E_SOPS_SHAMIR);
	assert_int_equal(ags_shamir_combine(p, 2, 1, r), AGS_E_SOPS_SHAMIR);
	a[2] = 0; /* x = 0 would be the secret itself: never a valid share */
	b[2] = 1;
	assert_int_equal(ags_shamir_combine(p, 2, 3, r), AGS_E_SOPS_SHAMIR);
}

/* The data-key entry points the sops core uses: 2-of-3, any two work. */
static void data_key_2_of_3(void **state)
{
	(void)state;
	uint8_t key[32], shares[3][33], out[32];
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)(255 - i);
	assert_int_equal(ags_sops_shamir_split(key, 3, 2, shares), 0);
	for (int a = 0; a < 3; a++)
		for (int b = 0; b < 3; b++) {
			if (a == b)
				continue;
			uint8_t two[2][33];
			memcpy(two[0], shares[a], 33);
			memcpy(two[1], shares[b], 33);
			assert_int_equal(ags_sops_shamir_combine((const uint8_t(*)[33])two, 2, out), 0);
			assert_memory_equal(out, key, 32);
		}
	assert_int_equal(ags_sops_shamir_combine((const uint8_t(*)[33])shares, 1, out), AGS_E_SOPS_SHAMIR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(field_kat),
		cmocka_unit_test(combine_kat),
		cmocka_unit_test(split_combine_subsets),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(data_key_2_of_3),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
