/*
 * The mlkem768x25519 age kind through the public age API: key strings
 * (CCTV and HPKE-vector keys), encryption round trips, Go's "postquantum"
 * label rule, key rejection (case, length, checksum, ML-KEM modulus check,
 * low-order X25519 half) and stanza tampering.  The 19 CCTV hybrid vectors
 * run in test-age-vectors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <agesops/age.h>
#include "internal.h"
#include "age/bech32.h"
#include "crypto/xwing.h"

#define CCTV_PQ "AGE-SECRET-KEY-PQ-1HZLGZUPT4ETPKDEV8HSGFDCYZ4E522W0A7PU2LHT8EH9W6YLNC3SW78XKG"

static struct ags_age_identity *id_of(const char *s)
{
	struct ags_age_identity *id = NULL;
	struct ags_diag d = { 0 };
	assert_int_equal(ags_age_identity_parse(s, &id, &d), 0);
	return id;
}

static struct ags_age_recipient *rcpt_of(const struct ags_age_identity *id)
{
	struct ags_age_recipient *r = NULL;
	assert_int_equal(ags_age_identity_to_recipient(id, &r), 0);
	return r;
}

static char *rstr(const struct ags_age_recipient *r)
{
	char *s = NULL;
	assert_int_equal(ags_age_recipient_string(r, &s), 0);
	return s;
}

static void keys_roundtrip(void **state)
{
	(void)state;
	struct ags_age_identity *id = id_of(CCTV_PQ);
	char *s = NULL;
	assert_int_equal(ags_age_identity_string(id, &s), 0);
	assert_string_equal(s, CCTV_PQ);
	ags_free_secret_str(s);
	struct ags_age_recipient *r = rcpt_of(id);
	char *rs = rstr(r);
	assert_int_equal(strncmp(rs, "age1pq1", 7), 0);
	assert_int_equal(strlen(rs), 1959);
	for (const char *p = rs; *p; p++)
		assert_false(isupper((unsigned char)*p));
	struct ags_age_recipient *r2 = NULL;
	struct ags_diag d = { 0 };
	assert_int_equal(ags_age_recipient_parse(rs, &r2, &d), 0);
	char *rs2 = rstr(r2);
	assert_string_equal(rs, rs2);
	free(rs);
	free(rs2);
	ags_age_recipient_free(r);
	ags_age_recipient_free(r2);
	ags_age_identity_free(id);

	/* keygen: fresh, distinct, and parseable back */
	struct ags_age_identity *g1 = NULL, *g2 = NULL;
	assert_int_equal(ags_age_keygen_pq(&g1), 0);
	assert_int_equal(ags_age_keygen_pq(&g2), 0);
	char *s1 = NULL, *s2 = NULL;
	assert_int_equal(ags_age_identity_string(g1, &s1), 0);
	assert_int_equal(ags_age_identity_string(g2, &s2), 0);
	assert_int_equal(strncmp(s1, "AGE-SECRET-KEY-PQ-1", 19), 0);
	assert_int_equal(strlen(s1), 77);
	assert_string_not_equal(s1, s2);
	ags_age_identity_free(id_of(s1));
	ags_free_secret_str(s1);
	ags_free_secret_str(s2);
	ags_age_identity_free(g1);
	ags_age_identity_free(g2);
}

/* The age suite of hpke-pq.json: skRm is the identity seed, pkRm the recipient. */
static void hpke_vector_keys(void **state)
{
	(void)state;
	const char *shared = getenv("AGS_DATA");
	assert_non_null(shared);
	char path[4096];
	snprintf(path, sizeof(path), "%s/vectors/hpke-pq/hpke-pq.json", shared);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	static char json[1 << 20];
	size_t n = fread(json, 1, sizeof(json) - 1, f);
	fclose(f);
	json[n] = 0;
	const char *e = strstr(json, "\"kem_id\": 25722,\n    \"kdf_id\": 1,");
	assert_non_null(e);
	uint8_t seed[32], pk[AGS_XWING_PK_LEN];
	const char *p = strstr(e, "\"skRm\": \"") + 9;
	for (size_t i = 0; i < 32; i++)
		assert_int_equal(sscanf(p + 2 * i, "%2hhx", &seed[i]), 1);
	p = strstr(e, "\"pkRm\": \"") + 9;
	for (size_t i = 0; i < sizeof(pk); i++)
		assert_int_equal(sscanf(p + 2 * i, "%2hhx", &pk[i]), 1);
	char *ids = NULL, *want = NULL;
	assert_int_equal(ags_bech32_encode("AGE-SECRET-KEY-PQ-", seed, 32, true, &ids), 0);
	assert_int_equal(ags_bech32_encode("age1pq", pk, sizeof(pk), false, &want), 0);
	struct ags_age_identity *id = id_of(ids);
	struct ags_age_recipient *r = rcpt_of(id);
	char *got = rstr(r);
	assert_string_equal(got, want);
	free(got);
	free(want);
	ags_free_secret_str(ids);
	ags_age_recipient_free(r);
	ags_age_identity_free(id);
}

static int encrypt(struct ags_age_recipient **r, size_t nr, bool armor, const char *msg, struct ags_buf *out,
		   struct ags_diag *d)
{
	ags_buf_init(out, 1 << 24);
	return ags_age_encrypt_buf(r, nr, msg, strlen(msg), armor, out, d);
}

static int decrypt(struct ags_age_identity **ids, size_t n, const struct ags_buf *ct, struct ags_buf *out,
		   struct ags_diag *d)
{
	ags_buf_init_secret(out, 1 << 24);
	return ags_age_decrypt_buf(ids, n, ct->data, ct->len, out, d);
}

static void roundtrip(void **state)
{
	(void)state;
	struct ags_age_identity *a = NULL, *b = NULL, *c = NULL;
	assert_int_equal(ags_age_keygen_pq(&a), 0);
	assert_int_equal(ags_age_keygen_pq(&b), 0);
	assert_int_equal(ags_age_keygen_pq(&c), 0);
	struct ags_age_recipient *r[2] = { rcpt_of(a), rcpt_of(b) };
	struct ags_diag d = { 0 };
	for (int armor = 0; armor < 2; armor++) {
		struct ags_buf ct, pt;
		assert_int_equal(encrypt(r, 2, armor, "post-quantum secret\n", &ct, &d), 0);
		assert_non_null(memmem(ct.data, ct.len, armor ? "BEGIN AGE ENCRYPTED FILE" : "-> mlkem768x25519 ", armor ? 24 : 18));
		struct ags_age_identity *ids[] = { a, b };
		for (int i = 0; i < 2; i++) {
			assert_int_equal(decrypt(&ids[i], 1, &ct, &pt, &d), 0);
			assert_int_equal(pt.len, 20);
			assert_memory_equal(pt.data, "post-quantum secret\n", 20);
			ags_buf_release(&pt);
		}
		assert_int_equal(decrypt(&c, 1, &ct, &pt, &d), AGS_E_AGE_NO_MATCH);
		assert_int_equal(pt.len, 0);
		ags_buf_release(&ct);
	}
	ags_age_recipient_free(r[0]);
	ags_age_recipient_free(r[1]);
	ags_age_identity_free(a);
	ags_age_identity_free(b);
	ags_age_identity_free(c);
}

static void mixing_refused(void **state)
{
	(void)state;
	struct ags_age_identity *pq = NULL, *x = NULL;
	assert_int_equal(ags_age_keygen_pq(&pq), 0);
	assert_int_equal(ags_age_keygen_x25519(&x), 0);
	struct ags_age_recipient *r[2] = { rcpt_of(pq), rcpt_of(x) };
	struct ags_diag d = { 0 };
	struct ags_buf ct;
	assert_int_equal(encrypt(r, 2, false, "x", &ct, &d), AGS_E_AGE_MIXED_RECIPIENTS);
	assert_non_null(strstr(d.msg, "post-quantum"));
	assert_int_equal(ct.len, 0);
	ags_buf_release(&ct);
	struct ags_age_recipient *rr[2] = { r[1], r[0] };
	assert_int_equal(encrypt(rr, 2, false, "x", &ct, &d), AGS_E_AGE_MIXED_RECIPIENTS);
	ags_buf_release(&ct);
	struct ags_age_recipient *s = NULL;
	assert_int_equal(ags_age_recipient_new_scrypt("pw", 2, 10, &s), 0);
	struct ags_age_recipient *rs[2] = { r[0], s };
	assert_int_equal(encrypt(rs, 2, false, "x", &ct, &d), AGS_E_AGE_MIXED_RECIPIENTS);
	ags_buf_release(&ct);
	ags_age_recipient_free(s);
	ags_age_recipient_free(r[0]);
	ags_age_recipient_free(r[1]);
	ags_age_identity_free(pq);
	ags_age_identity_free(x);
}

static int parse_r(const char *s)
{
	struct ags_age_recipient *r = NULL;
	struct ags_diag d = { 0 };
	int rc = ags_age_recipient_parse(s, &r, &d);
	if (rc == 0)
		ags_age_recipient_free(r);
	else
		assert_true(d.msg[0] != 0);
	return rc;
}

static int parse_i(const char *s)
{
	struct ags_age_identity *id = NULL;
	struct ags_diag d = { 0 };
	int rc = ags_age_identity_parse(s, &id, &d);
	if (rc == 0)
		ags_age_identity_free(id);
	else
		assert_true(d.msg[0] != 0);
	return rc;
}

static void bad_keys(void **state)
{
	(void)state;
	struct ags_age_identity *id = id_of(CCTV_PQ);
	struct ags_age_recipient *r = rcpt_of(id);
	char *rs = rstr(r);
	char *up = strdup(rs), *lo = strdup(CCTV_PQ), *bad = strdup(rs);
	for (char *p = up; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	for (char *p = lo; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	assert_true(parse_r(up) < 0);
	assert_true(parse_i(lo) < 0);
	bad[100] = bad[100] == 'q' ? 'p' : 'q'; /* checksum */
	assert_true(parse_r(bad) < 0);

	uint8_t *pk = NULL, *seed = NULL;
	char *hrp = NULL, *s = NULL;
	size_t len = 0;
	assert_int_equal(ags_bech32_decode(rs, &hrp, &pk, &len), 0);
	assert_int_equal(len, AGS_XWING_PK_LEN);
	free(hrp);
	/* wrong lengths */
	assert_int_equal(ags_bech32_encode("age1pq", pk, len - 1, false, &s), 0);
	assert_int_equal(parse_r(s), AGS_E_AGE_BAD_KEY);
	free(s);
	uint8_t longer[AGS_XWING_PK_LEN + 1] = { 0 };
	memcpy(longer, pk, len);
	assert_int_equal(ags_bech32_encode("age1pq", longer, sizeof(longer), false, &s), 0);
	assert_int_equal(parse_r(s), AGS_E_AGE_BAD_KEY);
	free(s);
	/* ML-KEM modulus check: a coefficient of 4095 */
	uint8_t mod[AGS_XWING_PK_LEN];
	memcpy(mod, pk, len);
	mod[0] = 0xff;
	mod[1] |= 0x0f;
	assert_int_equal(ags_bech32_encode("age1pq", mod, sizeof(mod), false, &s), 0);
	assert_int_equal(parse_r(s), AGS_E_AGE_BAD_KEY);
	free(s);
	/* An all-zero X25519 half parses (as in Go) but cannot be encrypted to. */
	memcpy(mod, pk, len);
	memset(mod + AGS_MLKEM768_EK_LEN, 0, 32);
	assert_int_equal(ags_bech32_encode("age1pq", mod, sizeof(mod), false, &s), 0);
	struct ags_age_recipient *lowr = NULL;
	struct ags_diag d = { 0 };
	assert_int_equal(ags_age_recipient_parse(s, &lowr, &d), 0);
	struct ags_buf ct;
	assert_int_equal(encrypt(&lowr, 1, false, "x", &ct, &d), AGS_E_AGE_BAD_KEY);
	assert_int_equal(ct.len, 0);
	ags_buf_release(&ct);
	ags_age_recipient_free(lowr);
	free(s);
	/* identity seeds of the wrong length */
	assert_int_equal(ags_bech32_decode(CCTV_PQ, &hrp, &seed, &len), 0);
	free(hrp);
	assert_int_equal(ags_bech32_encode("AGE-SECRET-KEY-PQ-", seed, 31, true, &s), 0);
	assert_int_equal(parse_i(s), AGS_E_AGE_BAD_KEY);
	ags_free_secret_str(s);
	uint8_t seed33[33] = { 0 };
	memcpy(seed33, seed, 32);
	assert_int_equal(ags_bech32_encode("AGE-SECRET-KEY-PQ-", seed33, 33, true, &s), 0);
	assert_int_equal(parse_i(s), AGS_E_AGE_BAD_KEY);
	ags_free_secret_str(s);
	ags_free_secret(seed, 32);
	ags_wipe(seed33, sizeof(seed33));
	/* an X25519-length payload under the PQ recipient HRP */
	assert_int_equal(ags_bech32_encode("age1pq", pk, 32, false, &s), 0);
	assert_int_equal(parse_r(s), AGS_E_AGE_BAD_KEY);
	free(s);
	free(pk);
	free(up);
	free(lo);
	free(bad);
	free(rs);
	ags_age_recipient_free(r);
	ags_age_identity_free(id);
}

/* Header surgery on a real file: the stanza line is
 * "-> mlkem768x25519 <1494 base64 characters>\n".  Replaces the first
 * occurrence of from, or with at >= 0 only the character at from + at. */
static int decrypt_edited(struct ags_age_identity *id, const struct ags_buf *ct, const char *from, const char *to,
			  long at)
{
	struct ags_buf e, pt;
	struct ags_diag d = { 0 };
	ags_buf_init(&e, 1 << 24);
	const char *p = memmem(ct->data, ct->len, from, strlen(from));
	assert_non_null(p);
	size_t off = (size_t)(p - (const char *)ct->data) + (at >= 0 ? (size_t)at : 0);
	size_t skip = at >= 0 ? off + 1 : off + strlen(from);
	assert_int_equal(ags_buf_append(&e, ct->data, off), 0);
	assert_int_equal(ags_buf_puts(&e, to), 0);
	assert_int_equal(ags_buf_append(&e, ct->data + skip, ct->len - skip), 0);
	int rc = decrypt(&id, 1, &e, &pt, &d);
	assert_int_equal(pt.len, 0);
	ags_buf_release(&pt);
	ags_buf_release(&e);
	return rc;
}

static void tampering(void **state)
{
	(void)state;
	struct ags_age_identity *id = NULL;
	assert_int_equal(ags_age_keygen_pq(&id), 0);
	struct ags_age_recipient *r = rcpt_of(id);
	struct ags_buf ct, pt;
	struct ags_diag d = { 0 };
	assert_int_equal(encrypt(&r, 1, false, "hello", &ct, &d), 0);
	assert_int_equal(decrypt(&id, 1, &ct, &pt, &d), 0);
	ags_buf_release(&pt);
	/* type in another case: not ours */
	assert_int_equal(decrypt_edited(id, &ct, "mlkem768x25519", "MLKEM768X25519", -1), AGS_E_AGE_NO_MATCH);
	/* extra argument */
	assert_int_equal(decrypt_edited(id, &ct, "mlkem768x25519 ", "mlkem768x25519 extra ", -1), AGS_E_AGE_HEADER);
	/* missing argument */
	const char *line = memmem(ct.data, ct.len, "-> mlkem768x25519 ", 18);
	char arg[1495];
	memcpy(arg, line + 18, 1494);
	arg[1494] = 0;
	assert_int_equal(decrypt_edited(id, &ct, arg, "", -1), AGS_E_AGE_HEADER); /* "-> mlkem768x25519 \n" */
	/* enc too short (4 characters = 3 bytes removed) */
	char shorter[1495];
	memcpy(shorter, arg, 1490);
	shorter[1490] = 0;
	assert_int_equal(decrypt_edited(id, &ct, arg, shorter, -1), AGS_E_AGE_HEADER);
	/* ML-KEM ciphertext altered: implicit rejection, then a bad tag */
	char alt[2] = { arg[10] == 'A' ? 'B' : 'A', 0 };
	assert_int_equal(decrypt_edited(id, &ct, arg, alt, 10), AGS_E_AGE_NO_MATCH);
	/* X25519 share altered (last 43 characters encode ct_T) */
	alt[0] = arg[1480] == 'A' ? 'B' : 'A';
	assert_int_equal(decrypt_edited(id, &ct, arg, alt, 1480), AGS_E_AGE_NO_MATCH);
	/* X25519 share set to the all-zero (identity) point: hard error */
	char zero_share[1500];
	{
		uint8_t raw[1200];
		size_t got = 0;
		assert_int_equal(ags_b64_decode(arg, 1494, AGS_B64_UNPADDED, raw, &got), 0);
		assert_int_equal(got, 1120);
		memset(raw + 1088, 0, 32);
		ags_b64_encode(raw, 1120, AGS_B64_UNPADDED, zero_share);
	}
	assert_int_equal(decrypt_edited(id, &ct, arg, zero_share, -1), AGS_E_AGE_HEADER);
	ags_buf_release(&ct);
	ags_age_recipient_free(r);
	ags_age_identity_free(id);
}

static char *slurp(const char *rel, size_t *len)
{
	const char *shared = getenv("AGS_DATA");
	assert_non_null(shared);
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", shared, rel);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	static char store[2][1 << 16];
	static int which;
	char *buf = store[which++ % 2];
	*len = fread(buf, 1, sizeof(store[0]) - 1, f);
	fclose(f);
	buf[*len] = 0;
	return buf;
}

/*
 * Flux's post-quantum sops fixture (sops 3.12.1): the armored age block in
 * sops.age[0].enc opens with keys/age-pq.txt and yields the 32-byte data
 * key, the one test-sops-fixtures verifies the document's MAC with.
 */
static void flux_fixture_data_key(void **state)
{
	(void)state;
	const char *dir = "fixtures/sops/fluxcd__kustomize-controller/internal__controller__testdata__sops__";
	char rel[512];
	size_t klen, ylen;
	snprintf(rel, sizeof(rel), "%skeys__age-pq.txt", dir);
	const char *key = slurp(rel, &klen);
	snprintf(rel, sizeof(rel), "%salgorithms__age-pq.yaml", dir);
	const char *yaml = slurp(rel, &ylen);
	struct ags_age_identities ids = { 0 };
	struct ags_diag d = { 0 };
	assert_int_equal(ags_age_parse_identity_file(key, klen, "age-pq.txt", NULL, NULL, &ids, &d), 0);
	assert_int_equal(ids.n, 1);
	/* the YAML literal block, indentation removed */
	struct ags_buf armored, pt;
	ags_buf_init(&armored, 1 << 20);
	const char *p = strstr(yaml, "-----BEGIN AGE ENCRYPTED FILE-----");
	const char *end = strstr(yaml, "-----END AGE ENCRYPTED FILE-----");
	assert_non_null(p);
	assert_non_null(end);
	while (p <= end) {
		const char *nl = strchr(p, '\n');
		assert_non_null(nl);
		assert_int_equal(ags_buf_append(&armored, p, (size_t)(nl - p + 1)), 0);
		p = nl + 1;
		while (*p == ' ')
			p++;
	}
	assert_int_equal(decrypt(ids.v, ids.n, &armored, &pt, &d), 0);
	assert_int_equal(pt.len, 32);
	/* the key test-sops-fixtures verifies the document MAC with */
	uint8_t want[32];
	const char *hex = "bf6be4009ce5de949f482d70825a646bfddf6da4b8a79ec8c07099ac53f25eed";
	for (size_t i = 0; i < 32; i++)
		assert_int_equal(sscanf(hex + 2 * i, "%2hhx", &want[i]), 1);
	assert_memory_equal(pt.data, want, 32);
	ags_buf_release(&pt);
	/* an X25519 identity does not open it */
	struct ags_age_identity *x = NULL;
	assert_int_equal(ags_age_keygen_x25519(&x), 0);
	assert_int_equal(decrypt(&x, 1, &armored, &pt, &d), AGS_E_AGE_NO_MATCH);
	ags_buf_release(&pt);
	ags_age_identity_free(x);
	ags_buf_release(&armored);
	ags_age_identities_clear(&ids);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keys_roundtrip),
		cmocka_unit_test(hpke_vector_keys),
		cmocka_unit_test(roundtrip),
		cmocka_unit_test(mixing_refused),
		cmocka_unit_test(bad_keys),
		cmocka_unit_test(tampering),
		cmocka_unit_test(flux_fixture_data_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
