/* ENC[] values, per-type plaintext forms, MAC: known answers from sops.md
 * sections 3.5 and 6, Go strconv behaviour for floats/ints/bools/times. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "sops/sops-int.h"
#include "sops-float-kat.h"

static uint8_t KEY[32], IV[32];

static int setup(void **state)
{
	(void)state;
	for (int i = 0; i < 32; i++) {
		KEY[i] = (uint8_t)i;
		IV[i] = (uint8_t)(0x20 + i);
	}
	return 0;
}

static void kat_one(enum ags_val_kind kind, const char *text, const char *aad, const char *want)
{
	struct ags_aead *a;
	assert_int_equal(ags_aead_new(AGS_AEAD_AES256_GCM, KEY, &a), 0);
	struct ags_value v = { 0 };
	if (kind == AGS_VAL_BOOL) {
		v.kind = AGS_VAL_BOOL;
		v.b = strcmp(text, "True") == 0;
	} else {
		assert_int_equal(ags_value_set_str(&v, kind, text, strlen(text)), 0);
	}
	assert_int_equal(ags_sops_value_encrypt(a, &v, aad, strlen(aad), IV, 32), 0);
	assert_int_equal(v.kind, kind == AGS_VAL_COMMENT ? AGS_VAL_COMMENT : AGS_VAL_STR);
	assert_string_equal(v.str.p, want);
	/* and back */
	struct ags_value out = { 0 };
	uint8_t iv[AGS_SOPS_MAX_IV];
	size_t ivlen = 0;
	assert_int_equal(ags_sops_value_decrypt(a, v.str.p, v.str.len, aad, strlen(aad), &out, iv, &ivlen), 0);
	assert_int_equal(out.kind, kind);
	assert_int_equal(ivlen, 32);
	assert_memory_equal(iv, IV, 32);
	if (kind == AGS_VAL_BOOL)
		assert_int_equal(out.b, strcmp(text, "True") == 0);
	else
		assert_string_equal(out.str.p, text);
	/* wrong AAD fails to authenticate */
	struct ags_value bad = { 0 };
	assert_int_equal(ags_sops_value_decrypt(a, v.str.p, v.str.len, "x:", 2, &bad, NULL, NULL), AGS_E_SOPS_DECRYPT);
	ags_value_clear(&out);
	ags_value_clear(&v);
	ags_aead_free(a);
}

static void enc_kats(void **state)
{
	(void)state;
	kat_one(AGS_VAL_STR, "hello", "foo:bar:",
		"ENC[AES256_GCM,data:f6SdJOI=,iv:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=,tag:U03PQS+ma50Old1Gx/aoqQ==,type:str]");
	kat_one(AGS_VAL_BOOL, "True", "enabled:",
		"ENC[AES256_GCM,data:Q7OELQ==,iv:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=,tag:li3h1Qf/g64Y4pnK1fj/hw==,type:bool]");
	kat_one(AGS_VAL_COMMENT, " a comment", ":",
		"ENC[AES256_GCM,data:N6DRK+Jiu0aoJQ==,iv:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=,tag:zhXqWBo3rqdX5kCjunNSaw==,type:comment]");
}

static void empty_stays_empty(void **state)
{
	(void)state;
	struct ags_aead *a;
	assert_int_equal(ags_aead_new(AGS_AEAD_AES256_GCM, KEY, &a), 0);
	struct ags_value v = { 0 };
	assert_int_equal(ags_value_set_str(&v, AGS_VAL_STR, "", 0), 0);
	assert_int_equal(ags_sops_value_encrypt(a, &v, "a:", 2, NULL, 0), 0);
	assert_int_equal(v.kind, AGS_VAL_STR);
	assert_int_equal(v.str.len, 0);
	struct ags_value out = { 0 };
	assert_int_equal(ags_sops_value_decrypt(a, "", 0, "a:", 2, &out, NULL, NULL), 0);
	assert_int_equal(out.kind, AGS_VAL_STR);
	assert_int_equal(out.str.len, 0);
	ags_value_clear(&out);
	ags_value_clear(&v);
	/* fresh random IV: 32 bytes, 44 base64 chars, different each time */
	struct ags_buf b1, b2;
	ags_buf_init(&b1, 4096);
	ags_buf_init(&b2, 4096);
	assert_int_equal(ags_sops_encrypt_bytes(a, "x", 1, "str", "k:", 2, NULL, 0, &b1), 0);
	assert_int_equal(ags_sops_encrypt_bytes(a, "x", 1, "str", "k:", 2, NULL, 0, &b2), 0);
	assert_string_not_equal((char *)b1.data, (char *)b2.data);
	struct ags_sops_enc e;
	assert_int_equal(ags_sops_enc_parse((char *)b1.data, b1.len, &e), 0);
	assert_int_equal(e.ivlen, 44);
	assert_int_equal(e.taglen, 24);
	ags_buf_release(&b1);
	ags_buf_release(&b2);
	ags_aead_free(a);
}

static void enc_parse_bad(void **state)
{
	(void)state;
	struct ags_aead *a;
	assert_int_equal(ags_aead_new(AGS_AEAD_AES256_GCM, KEY, &a), 0);
	static const char *bad[] = {
		"hello",
		"ENC[AES256_GCM,data:,iv:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=,tag:U03PQS+ma50Old1Gx/aoqQ==,type:str]",
		"ENC[AES256_GCM,data:f6SdJOI=,iv:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=,tag:U03PQS+ma50Old1Gx/aoqQ==,type:str",
		"ENC[AES256_GCM,data:f6SdJOI=,tag:U03PQS+ma50Old1Gx/aoqQ==,type:str]",
		"ENC[AES256_GCM,data:f6SdJOI=,iv:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=,tag:U03PQS+ma50Old1Gx/aoq===,type:str]",
		"ENC[AES256_GCM,data:f6SdJOI=,iv:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=,tag:U03PQS+ma50Old1Gx/aoqQ==,type:blob]",
		"ENC[AES256_GCM,data:f6Sd!OI=,iv:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=,tag:U03PQS+ma50Old1Gx/aoqQ==,type:str]",
		"ENC[AES256_GCM,data:f6SdJOI=,iv:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=,tag:U03PQS+ma50O,type:str]",
		"ENC[AES128_GCM,data:f6SdJOI=,iv:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=,tag:U03PQS+ma50Old1Gx/aoqQ==,type:str]",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ags_value out = { 0 };
		assert_int_equal(ags_sops_value_decrypt(a, bad[i], strlen(bad[i]), "foo:bar:", 8, &out, NULL, NULL),
				 AGS_E_SOPS_BAD_VALUE);
	}
	/* Go's regex is anchored at the start only: trailing bytes after ']' are accepted */
	const char *trail =
		"ENC[AES256_GCM,data:f6SdJOI=,iv:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=,tag:U03PQS+ma50Old1Gx/aoqQ==,type:str] junk";
	struct ags_value out = { 0 };
	assert_int_equal(ags_sops_value_decrypt(a, trail, strlen(trail), "foo:bar:", 8, &out, NULL, NULL), 0);
	assert_string_equal(out.str.p, "hello");
	ags_value_clear(&out);
	/* a flipped ciphertext bit fails authentication */
	char flip[200];
	strcpy(flip, trail);
	flip[20] = 'g';
	assert_int_equal(ags_sops_value_decrypt(a, flip, strlen(flip), "foo:bar:", 8, &out, NULL, NULL), AGS_E_SOPS_DECRYPT);
	ags_aead_free(a);
}

static void floats(void **state)
{
	(void)state;
	static const struct { double f; const char *s; } v[] = {
		{ 1.0, "1" }, { 1.5, "1.5" }, { 1e21, "1000000000000000000000" }, { 1e-7, "0.0000001" },
		{ 0.1, "0.1" }, { 0.3, "0.3" }, { 1234568000, "1234568000" }, { 2.5e-5, "0.000025" },
		{ 100, "100" }, { -3.25, "-3.25" }, { 123456789.123, "123456789.123" }, { 0.0, "0" },
		{ 1.7976931348623157e308, NULL },
		{ 1.0 / 3.0, "0.3333333333333333" }, { 2.0 / 3.0, "0.6666666666666666" }, { 1e23, "100000000000000000000000" },
		{ 5e-324, NULL },
	};
	char out[AGS_SOPS_FLOAT_MAX];
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		int n = ags_sops_float_format(v[i].f, out, sizeof(out));
		assert_true(n > 0);
		if (v[i].s)
			assert_string_equal(out, v[i].s);
		double back;
		assert_int_equal(ags_sops_float_parse(out, (size_t)n, &back), 0);
		assert_true(back == v[i].f);
	}
	assert_true(ags_sops_float_format(-0.0, out, sizeof(out)) > 0);
	assert_string_equal(out, "-0");
	ags_sops_float_format(INFINITY, out, sizeof(out));
	assert_string_equal(out, "+Inf");
	ags_sops_float_format(-INFINITY, out, sizeof(out));
	assert_string_equal(out, "-Inf");
	ags_sops_float_format(NAN, out, sizeof(out));
	assert_string_equal(out, "NaN");
	ags_sops_float_format(1.7976931348623157e308, out, sizeof(out));
	assert_int_equal(strlen(out), 309);
	assert_int_equal(strncmp(out, "17976931348623157000", 20), 0);
	/* the correctly rounded 16 digits do not read back, the neighbour does (Go/Python shortest) */
	ags_sops_float_format(5.758609657015292e+163, out, sizeof(out));
	assert_int_equal(strlen(out), 164);
	assert_int_equal(strncmp(out, "57586096570152920", 17), 0);
	ags_sops_float_format(7.678447687145631e-239, out, sizeof(out));
	assert_int_equal(strlen(out), 2 + 238 + 16);
	assert_string_equal(out + 240, "7678447687145631");
	ags_sops_float_format(5e-324, out, sizeof(out));
	assert_int_equal(strncmp(out, "0.000", 5), 0);
	assert_int_equal(out[strlen(out) - 1], '5');
	double f;
	assert_int_equal(ags_sops_float_parse("+Inf", 4, &f), 0);
	assert_true(isinf(f) && f > 0);
	assert_int_equal(ags_sops_float_parse("1e3", 3, &f), 0);
	assert_true(f == 1000);
	assert_int_equal(ags_sops_float_parse(" 1", 2, &f), AGS_E_SYNTAX);
	assert_int_equal(ags_sops_float_parse("1x", 2, &f), AGS_E_SYNTAX);
	assert_int_equal(ags_sops_float_parse("1e999", 5, &f), AGS_E_SYNTAX);
	assert_int_equal(ags_sops_float_parse("", 0, &f), AGS_E_SYNTAX);
}

static void float_kat(void **state)
{
	(void)state;
	char out[AGS_SOPS_FLOAT_MAX];
	for (size_t i = 0; i < sizeof(FLOAT_KAT) / sizeof(FLOAT_KAT[0]); i++) {
		double f;
		memcpy(&f, &FLOAT_KAT[i].bits, sizeof(f));
		assert_true(ags_sops_float_format(f, out, sizeof(out)) > 0);
		if (strcmp(out, FLOAT_KAT[i].s) != 0)
			fail_msg("%016llx: want %s, got %s", (unsigned long long)FLOAT_KAT[i].bits, FLOAT_KAT[i].s, out);
	}
}

static void ints_bools_times(void **state)
{
	(void)state;
	int64_t i;
	assert_int_equal(ags_sops_int_parse("-9223372036854775808", 20, &i), 0);
	assert_true(i == INT64_MIN);
	assert_int_equal(ags_sops_int_parse("9223372036854775807", 19, &i), 0);
	assert_true(i == INT64_MAX);
	assert_int_equal(ags_sops_int_parse("9223372036854775808", 19, &i), AGS_E_SYNTAX);
	assert_int_equal(ags_sops_int_parse("+12", 3, &i), 0);
	assert_int_equal(i, 12);
	assert_int_equal(ags_sops_int_parse("1_000", 5, &i), AGS_E_SYNTAX);
	assert_int_equal(ags_sops_int_parse("-", 1, &i), AGS_E_SYNTAX);

	char out[64];
	static const struct { const char *in, *nano, *sec; } t[] = {
		{ "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z" },
		{ "2024-11-12T13:33:42+00:00", "2024-11-12T13:33:42Z", "2024-11-12T13:33:42Z" },
		{ "2024-11-12T13:33:42.500000000+02:00", "2024-11-12T13:33:42.5+02:00", "2024-11-12T13:33:42+02:00" },
		{ "2024-02-29t01:02:03.000Z", "2024-02-29T01:02:03Z", "2024-02-29T01:02:03Z" },
		{ "2024-11-12T13:33:42.120-05:30", "2024-11-12T13:33:42.12-05:30", "2024-11-12T13:33:42-05:30" },
	};
	for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		assert_true(ags_sops_time_canon(t[k].in, strlen(t[k].in), false, out, sizeof(out)) > 0);
		assert_string_equal(out, t[k].nano);
		assert_true(ags_sops_time_canon(t[k].in, strlen(t[k].in), true, out, sizeof(out)) > 0);
		assert_string_equal(out, t[k].sec);
	}
	static const char *bad[] = { "2024-01-01", "2024-01-01T00:00:00", "2023-02-29T00:00:00Z",
				     "2024-13-01T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T00:00:00+0100" };
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		assert_true(ags_sops_time_canon(bad[k], strlen(bad[k]), false, out, sizeof(out)) < 0);

	/* typed plaintext bytes (the MAC input) */
	struct ags_buf b;
	ags_buf_init(&b, 4096);
	struct ags_value v = { .kind = AGS_VAL_BOOL, .b = false };
	assert_int_equal(ags_sops_value_bytes(&v, &b), 0);
	v.kind = AGS_VAL_INT;
	v.i = -42;
	assert_int_equal(ags_sops_value_bytes(&v, &b), 0);
	v.kind = AGS_VAL_FLOAT;
	v.f = 1.0;
	assert_int_equal(ags_sops_value_bytes(&v, &b), 0);
	assert_string_equal((char *)b.data, "False-421");
	v.kind = AGS_VAL_NULL;
	assert_int_equal(ags_sops_value_bytes(&v, &b), AGS_E_INVAL);
	ags_buf_release(&b);
}

static void decrypt_types(void **state)
{
	(void)state;
	struct ags_aead *a;
	assert_int_equal(ags_aead_new(AGS_AEAD_AES256_GCM, KEY, &a), 0);
	static const struct { const char *pt, *type; enum ags_val_kind kind; bool ok; } v[] = {
		{ "42", "int", AGS_VAL_INT, true }, { "4x", "int", AGS_VAL_INT, false },
		{ "1.5", "float", AGS_VAL_FLOAT, true }, { "t", "bool", AGS_VAL_BOOL, true },
		{ "yes", "bool", AGS_VAL_BOOL, false }, { "2024-01-01T00:00:00Z", "time", AGS_VAL_TIME, true },
		{ "2024-01-01", "time", AGS_VAL_TIME, false }, { "raw", "bytes", AGS_VAL_STR, true },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct ags_buf b;
		ags_buf_init(&b, 4096);
		assert_int_equal(ags_sops_encrypt_bytes(a, v[i].pt, strlen(v[i].pt), v[i].type, "k:", 2, NULL, 0, &b), 0);
		struct ags_value out = { 0 };
		int r = ags_sops_value_decrypt(a, (char *)b.data, b.len, "k:", 2, &out, NULL, NULL);
		if (v[i].ok) {
			assert_int_equal(r, 0);
			assert_int_equal(out.kind, v[i].kind);
		} else {
			assert_int_equal(r, AGS_E_SOPS_BAD_VALUE);
		}
		ags_value_clear(&out);
		ags_buf_release(&b);
	}
	ags_aead_free(a);
}

static void mac_vectors(void **state)
{
	(void)state;
	struct ags_sops_mac m;
	char hex[129];
	assert_int_equal(ags_sops_mac_init(&m, false), 0);
	const char *vals[] = { "x", "1", "True", "1.5", "y" };
	for (int i = 0; i < 5; i++)
		assert_int_equal(ags_sops_mac_add(&m, vals[i], strlen(vals[i]), false), 0);
	assert_int_equal(ags_sops_mac_final(&m, hex), 0);
	ags_sops_mac_free(&m);
	assert_string_equal(hex, "D9B7AAC8E5B9356091DEB9F7E95CEB8EF45C0BD32CB8AFD625E64951B60DEA7279AA033F6489F67111C25503A1C652BAC13F6CCCC170BE61C92C4F0775BC8970");

	/* sealed with the KAT key/iv and AAD = lastmodified */
	struct ags_aead *a;
	assert_int_equal(ags_aead_new(AGS_AEAD_AES256_GCM, KEY, &a), 0);
	struct ags_buf b;
	ags_buf_init(&b, 4096);
	assert_int_equal(ags_sops_encrypt_bytes(a, hex, 128, "str", "2024-01-01T00:00:00Z", 20, IV, 32, &b), 0);
	assert_string_equal((char *)b.data,
			    "ENC[AES256_GCM,data:U/izf8xOlRuDZCRO1bVXz76g8+Epzm9n4gkIlNpNwLSy2VX5c723jRbDNqfGE9x5ME3EbJA1AK2JN3K5dcy9wfiFCwhJXH7wz4VWOJaCw9GMbupNvzRthf3zCiaGFJn4+e6GmPogwpY1POcqEPWjcrZCzbJXNWLJT/3+cmjvOKk=,iv:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=,tag:h2eARU4/THO+F6XN/QhCmw==,type:str]");
	/* opened with a "+00:00" lastmodified: the AAD is the Go RFC 3339 re-format */
	char back[160];
	assert_int_equal(ags_sops_mac_open(a, (char *)b.data, "2024-01-01T00:00:00.000+00:00", back, sizeof(back), NULL), 0);
	assert_string_equal(back, hex);
	assert_int_equal(ags_sops_mac_open(a, (char *)b.data, "2024-01-01T00:00:01Z", back, sizeof(back), NULL),
			 AGS_E_SOPS_MAC_MISMATCH);
	ags_buf_release(&b);
	ags_aead_free(a);

	assert_int_equal(ags_sops_mac_init(&m, true), 0);
	assert_int_equal(ags_sops_mac_add(&m, "x", 1, true), 0);
	assert_int_equal(ags_sops_mac_add(&m, "1", 1, true), 0);
	assert_int_equal(ags_sops_mac_add(&m, "True", 4, true), 0);
	assert_int_equal(ags_sops_mac_add(&m, "1.5", 3, false), 0);
	assert_int_equal(ags_sops_mac_add(&m, "y", 1, true), 0);
	assert_int_equal(ags_sops_mac_final(&m, hex), 0);
	ags_sops_mac_free(&m);
	assert_string_equal(hex, "F8BE9D3EEFC70D70A58E37331AFE4FFB9DCF907FD0664D899ABA6BBA0F282317BFC8EB3B69B7E6193521AA31854D4255BC309C058FA182942064B64329E4A9F8");

	assert_int_equal(ags_sops_mac_init(&m, false), 0);
	assert_int_equal(ags_sops_mac_final(&m, hex), 0);
	ags_sops_mac_free(&m);
	assert_int_equal(strncmp(hex, "CF83E135", 8), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(enc_kats),
		cmocka_unit_test(empty_stays_empty),
		cmocka_unit_test(enc_parse_bad),
		cmocka_unit_test(floats),
		cmocka_unit_test(float_kat),
		cmocka_unit_test(ints_bools_times),
		cmocka_unit_test(decrypt_types),
		cmocka_unit_test(mac_vectors),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
