/* bcrypt_pbkdf known answers: the OpenBSD regression vectors (as also used
 * by other implementations), plus argument checks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <stdio.h>
#include "internal.h"
#include "crypto/bcrypt_pbkdf.h"

static size_t unhex(const char *h, uint8_t *out)
{
	size_t n = strlen(h) / 2;
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		assert_int_equal(sscanf(h + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

struct kat {
	const char *pass;
	size_t passlen;
	const char *salt;
	size_t saltlen;
	unsigned rounds;
	const char *out;
};

#define S(x) x, sizeof(x) - 1
static const struct kat kats[] = {
	{ S("password"), S("salt"), 4, "5bbf0cc293587f1c3635555c27796598d47e579071bf427e9d8fbe842aba34d9" },
	{ S("password"), S("\0"), 4, "c12b566235eee04c212598970a579a67" },
	{ S("\0"), S("salt"), 4, "6051be18c2f4f82cbf0efee5471b4bb9" },
	{ S("password\0"), S("salt\0"), 4, "7410e44cf4fa07bfaac8a928b1727fac001375e7bf7384370f48efd121743050" },
	{ S("pass\0wor"), S("sa\0l"), 4, "c2bffd9db38f6569efef4372f4de83c0" },
	{ S("pass\0word"), S("sa\0lt"), 4, "4ba4ac3925c0e8d7f0cdb6bb1684a56f" },
	{ S("password"), S("salt"), 8,
	  "e1367ec5151a33faac4cc1c144cd23fa15d5548493ecc99b9b5d9c0d3b27bec76227ea66088b849b20ab"
	  "7aa478010246e74bba51723fefa9f9474d6508845e8d" },
	{ S("password"), S("salt"), 42, "833cf0dcf56db65608e8f0dc0ce882bd" },
	{ S("Lorem ipsum dolor sit amet, consectetur adipisicing elit, "
	    "sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. "
	    "Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris "
	    "nisi ut aliquip ex ea commodo consequat. "
	    "Duis aute irure dolor in reprehenderit in voluptate velit esse cillum "
	    "dolore eu fugiat nulla pariatur. Excepteur sint occaecat cupidatat non "
	    "proident, sunt in culpa qui officia deserunt mollit anim id est laborum."),
	  S("salis\0"), 8, "10978b07253df57f71a162eb0e8ad30a" },
};

static void openbsd_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < AGS_ARRAY_SIZE(kats); i++) {
		uint8_t want[128], got[128];
		size_t n = unhex(kats[i].out, want);
		memset(got, 0, sizeof(got));
		assert_int_equal(ags_bcrypt_pbkdf(kats[i].pass, kats[i].passlen, kats[i].salt, kats[i].saltlen,
						  got, n, kats[i].rounds), 0);
		assert_memory_equal(got, want, n);
	}
}

static void bad_arguments(void **state)
{
	(void)state;
	uint8_t out[32];
	memset(out, 0x5a, sizeof(out));
	assert_int_equal(ags_bcrypt_pbkdf("p", 1, "s", 1, out, 32, 0), AGS_E_INVAL);
	assert_int_equal(ags_bcrypt_pbkdf("p", 0, "s", 1, out, 32, 1), AGS_E_INVAL);
	assert_int_equal(ags_bcrypt_pbkdf("p", 1, "s", 0, out, 32, 1), AGS_E_INVAL);
	assert_int_equal(ags_bcrypt_pbkdf("p", 1, "s", 1, out, 0, 1), AGS_E_INVAL);
	assert_int_equal(ags_bcrypt_pbkdf("p", 1, "s", 1, out, AGS_BCRYPT_PBKDF_MAX_KEY + 1, 1), AGS_E_INVAL);
	assert_int_equal(ags_bcrypt_pbkdf("p", 1, "s", 1, out, 32, AGS_BCRYPT_PBKDF_MAX_ROUNDS + 1), AGS_E_INVAL);
	/* nothing written on failure */
	assert_int_equal(out[0], 0x5a);
	assert_int_equal(out[31], 0x5a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(openbsd_vectors),
		cmocka_unit_test(bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
