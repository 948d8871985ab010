/*
 * Unit tests for lib/age: bech32, strict base64 in stanzas, header
 * parsing/serialisation, armor, STREAM chunk boundaries, tampering and
 * truncation, key and recipients files, recipient mixing rules.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "internal.h"
#include "crypto/ossl.h"
#include "age/bech32.h"
#include "age/format.h"
#include <agesops/age.h>

/* The CCTV test key and its recipient (age-keygen -y agrees). */
#define TEST_ID "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0"

static void bech32_basics(void **state)
{
	(void)state;
	uint8_t data[32];
	for (int i = 0; i < 32; i++)
		data[i] = (uint8_t)(i * 7 + 3);
	char *s;
	assert_int_equal(ags_bech32_encode("age", data, 32, false, &s), 0);
	assert_int_equal(strlen(s), 62);
	char *hrp;
	uint8_t *out;
	size_t len;
	assert_int_equal(ags_bech32_decode(s, &hrp, &out, &len), 0);
	assert_string_equal(hrp, "age");
	assert_int_equal(len, 32);
	assert_memory_equal(out, data, 32);
	free(hrp);
	free(out);
	/* one flipped character: checksum error */
	char *bad = strdup(s);
	bad[10] = bad[10] == 'q' ? 'p' : 'q';
	assert_int_equal(ags_bech32_decode(bad, &hrp, &out, &len), AGS_E_AGE_BECH32);
	/* mixed case */
	strcpy(bad, s);
	bad[5] = (char)(bad[5] >= 'a' && bad[5] <= 'z' ? bad[5] - 32 : bad[5]);
	if (bad[5] != s[5])
		assert_int_equal(ags_bech32_decode(bad, &hrp, &out, &len), AGS_E_AGE_BECH32);
	/* all uppercase is fine; the HRP keeps its case */
	for (char *p = bad; *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	assert_int_equal(ags_bech32_decode(bad, &hrp, &out, &len), 0);
	assert_string_equal(hrp, "AGE");
	free(hrp);
	free(out);
	/* character outside the charset ('b'), no separator, short checksum */
	assert_int_equal(ags_bech32_decode("age1bbbbbbbb", &hrp, &out, &len), AGS_E_AGE_BECH32);
	assert_int_equal(ags_bech32_decode("agebbbbbbbb", &hrp, &out, &len), AGS_E_AGE_BECH32);
	assert_int_equal(ags_bech32_decode("age1qqqqq", &hrp, &out, &len), AGS_E_AGE_BECH32);
	/* no 90-character limit: a long payload round-trips */
	uint8_t big[1216];
	memset(big, 0xA5, sizeof(big));
	char *ls;
	assert_int_equal(ags_bech32_encode("age1pq", big, sizeof(big), false, &ls), 0);
	assert_true(strlen(ls) > 1900);
	assert_int_equal(ags_bech32_decode(ls, &hrp, &out, &len), 0);
	assert_int_equal(len, sizeof(big));
	free(hrp);
	free(out);
	free(ls);
	free(bad);
	free(s);
}

static void bech32_vectors(void **state)
{
	(void)state;
	char *hrp, *s;
	uint8_t *out;
	size_t len;
	/* BIP-173 valid strings */
	assert_int_equal(ags_bech32_decode("A12UEL5L", &hrp, &out, &len), 0);
	assert_string_equal(hrp, "A");
	assert_int_equal(len, 0);
	free(hrp);
	free(out);
	assert_int_equal(ags_bech32_decode("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw", &hrp, &out, &len), 0);
	static const uint8_t want[20] = { 0x00, 0x44, 0x32, 0x14, 0xc7, 0x42, 0x54, 0xb6, 0x35, 0xcf,
					  0x84, 0x65, 0x3a, 0x56, 0xd7, 0xc6, 0x75, 0xbe, 0x77, 0xdf };
	assert_int_equal(len, 20);
	assert_memory_equal(out, want, 20);
	assert_int_equal(ags_bech32_encode("abcdef", want, 20, false, &s), 0);
	assert_string_equal(s, "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw");
	free(s);
	free(hrp);
	free(out);
	/* BIP-173 invalid: mixed case, empty HRP */
	assert_int_equal(ags_bech32_decode("A12uEL5L", &hrp, &out, &len), AGS_E_AGE_BECH32);
	assert_int_equal(ags_bech32_decode("1pzry9x0s0muk", &hrp, &out, &len), AGS_E_AGE_BECH32);
	/* 0xff: "l" + "u" (3 bits + 2 zero padding bits) */
	uint8_t ff = 0xff;
	assert_int_equal(ags_bech32_encode("x", &ff, 1, false, &s), 0);
	assert_string_equal(s, "x1lu7rxnn5");
	free(s);
	/* the same with non-zero padding bits, and with 7 leftover bits
	 * (checksums valid, computed with the BIP-173 reference code) */
	assert_int_equal(ags_bech32_decode("x1lar4jxwx", &hrp, &out, &len), AGS_E_AGE_BECH32);
	assert_int_equal(ags_bech32_decode("x1luq5uuzzc", &hrp, &out, &len), AGS_E_AGE_BECH32);
}

static void keys(void **state)
{
	(void)state;
	struct ags_age_identity *id;
	struct ags_age_recipient *r;
	struct ags_diag d = { 0 };
	assert_int_equal(ags_age_identity_parse(TEST_ID, &id, &d), 0);
	char *s;
	assert_int_equal(ags_age_identity_string(id, &s), 0);
	assert_string_equal(s, TEST_ID);
	ags_free_secret_str(s);
	assert_int_equal(ags_age_identity_to_recipient(id, &r), 0);
	assert_int_equal(ags_age_recipient_string(r, &s), 0);
	assert_int_equal(strncmp(s, "age1", 4), 0);
	assert_int_equal(strlen(s), 62);
	struct ags_age_recipient *r2;
	assert_int_equal(ags_age_recipient_parse(s, &r2, &d), 0);
	ags_age_recipient_free(r2);
	/* uppercase recipient, lowercase identity: rejected as Go does */
	for (char *p = s; *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	assert_int_equal(ags_age_recipient_parse(s, &r2, &d), AGS_E_AGE_BAD_KEY);
	free(s);
	char low[128];
	strcpy(low, TEST_ID);
	for (char *p = low; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	assert_int_equal(ags_age_identity_parse(low, &id, &d) < 0, 1);
	/* post-quantum kinds are built in (test-age-pq); plugin recipients are parsed by the plugin kind */
	assert_int_equal(ags_age_recipient_parse("age1pq1qqqqqqqqqqqqqq", &r2, &d), AGS_E_AGE_BECH32);
	assert_int_equal(ags_age_recipient_parse("age1yubikey1qqqqqqqqqq", &r2, &d), AGS_E_AGE_BECH32);
	assert_int_equal(ags_age_recipient_parse("nonsense", &r2, &d), AGS_E_AGE_BAD_KEY);
	/* bad checksum */
	char bad[] = "age1d62tvecf856fezw6vnrdxxed3lukm95wcr3vvyg64etkt5ddfe3qzuzgqq";
	assert_int_equal(ags_age_recipient_parse(bad, &r2, &d), AGS_E_AGE_BECH32);
	ags_age_recipient_free(r);
	ags_age_identity_free(id);
}

static void identity_files(void **state)
{
	(void)state;
	struct ags_age_identities ids = { 0 };
	struct ags_diag d = { 0 };
	const char *f = "# created: x\r\n# public key: age1...\n\n" TEST_ID "\r\n";
	assert_int_equal(ags_age_parse_identity_file(f, strlen(f), "k.txt", NULL, NULL, &ids, &d), 0);
	assert_int_equal(ids.n, 1);
	const char *g = "# comment\n" TEST_ID "\n  " TEST_ID "\n";
	assert_int_equal(ags_age_parse_identity_file(g, strlen(g), "k.txt", NULL, NULL, &ids, &d), AGS_E_AGE_BAD_KEY);
	assert_non_null(strstr(d.msg, "k.txt: line 3"));
	assert_int_equal(ids.n, 1); /* all or nothing */
	assert_int_equal(ags_age_parse_identity_file("# only\n", 7, "e.txt", NULL, NULL, &ids, &d), AGS_E_AGE_BAD_KEY);
	/* an SSH key hook: a truncated key is a bad key naming the file */
	const char *ssh = "-----BEGIN OPENSSH PRIVATE KEY-----\n";
	assert_int_equal(ags_age_parse_identity_file(ssh, strlen(ssh), "id", NULL, NULL, &ids, &d),
			 AGS_E_AGE_BAD_KEY);
	const char *enc = "age-encryption.org/v1\n";
	assert_int_equal(ags_age_parse_identity_file(enc, strlen(enc), "id", NULL, NULL, &ids, &d), AGS_E_AGE_PASSPHRASE);
	ags_age_identities_clear(&ids);

	struct ags_age_recipients rs = { 0 };
	const char *rf = "# team\nage1d62tvecf856fezw6vnrdxxed3lukm95wcr3vvyg64etkt5ddfe3qzuzgqx\n\n";
	assert_int_equal(ags_age_parse_recipients_file(rf, strlen(rf), "r.txt", &rs, &d), 0);
	assert_int_equal(rs.n, 1);
	const char *bad = "age1d62tvecf856fezw6vnrdxxed3lukm95wcr3vvyg64etkt5ddfe3qzuzgqx\nAGE-SECRET-KEY-1XYZ\n";
	assert_int_equal(ags_age_parse_recipients_file(bad, strlen(bad), "r.txt", &rs, &d), AGS_E_AGE_BAD_KEY);
	assert_null(strstr(d.msg, "AGE-SECRET")); /* never echo a secret */
	assert_int_equal(rs.n, 1);
	ags_age_recipients_clear(&rs);
}

static void header_roundtrip(void **state)
{
	(void)state;
	/* A header with an empty body, a 48-byte body (ends with an empty line)
	 * and a 50-byte body re-serialises byte for byte. */
	struct ags_age_stanzas st = { 0 };
	uint8_t b48[48], b50[50];
	memset(b48, 1, sizeof(b48));
	memset(b50, 2, sizeof(b50));
	const char *a1[] = { "empty" }, *a2[] = { "full", "x" }, *a3[] = { "long", "!#$%&'*+-.^_`|~" };
	assert_int_equal(ags_age_stanzas_add(&st, a1, 1, NULL, 0), 0);
	assert_int_equal(ags_age_stanzas_add(&st, a2, 2, b48, 48), 0);
	assert_int_equal(ags_age_stanzas_add(&st, a3, 2, b50, 50), 0);
	struct ags_buf b;
	ags_buf_init(&b, 1 << 20);
	assert_int_equal(ags_age_header_marshal_without_mac(&st, &b), 0);
	uint8_t fk[16] = { 0 }, mac[32];
	assert_int_equal(ags_age_header_mac(fk, b.data, b.len, mac), 0);
	char m64[48];
	ags_b64_encode(mac, 32, AGS_B64_UNPADDED, m64);
	assert_int_equal(ags_buf_printf(&b, " %s\nPAYLOAD", m64), 0);
	assert_non_null(strstr((char *)b.data, "-> empty\n\n-> full x\n"));
	struct ags_age_header h;
	size_t used;
	struct ags_diag d = { 0 };
	assert_int_equal(ags_age_header_parse(b.data, b.len, &h, &used, &d), 0);
	assert_int_equal(used, b.len - 7);
	assert_int_equal(h.st.n, 3);
	assert_int_equal(h.st.v[1].bodylen, 48);
	assert_int_equal(h.st.v[2].bodylen, 50);
	assert_memory_equal(h.mac, mac, 32);
	struct ags_buf again;
	ags_buf_init(&again, 1 << 20);
	assert_int_equal(ags_age_header_marshal_without_mac(&h.st, &again), 0);
	assert_int_equal(again.len, h.mac_covered);
	assert_memory_equal(again.data, b.data, again.len);
	/* every strict prefix is "truncated", never a success */
	for (size_t n = 1; n < used; n++) {
		struct ags_age_header h2;
		size_t u2;
		assert_int_equal(ags_age_header_parse(b.data, n, &h2, &u2, NULL), AGS_E_TRUNCATED);
	}
	ags_age_header_clear(&h);
	ags_buf_release(&again);
	ags_buf_release(&b);
	ags_age_stanzas_clear(&st);
}

static int parse_str(const char *s)
{
	struct ags_age_header h;
	size_t used;
	struct ags_diag d = { 0 };
	int r = ags_age_header_parse((const uint8_t *)s, strlen(s), &h, &used, &d);
	if (r == 0)
		ags_age_header_clear(&h);
	else
		assert_true(d.msg[0] != 0);
	return r;
}

#define MACL "--- Vn+54jqi/T0kyDFVr0wn6Oe4aQNLbELEP/Ew5b41iTw\n"

static void header_strict(void **state)
{
	(void)state;
	assert_int_equal(parse_str("age-encryption.org/v1\n-> a b\nAAAA\n" MACL), 0);
	assert_int_equal(parse_str("age-encryption.org/v1\n" MACL), 0);            /* no stanza: parses */
	assert_int_equal(parse_str("age-encryption.org/v2\n" MACL), AGS_E_AGE_HEADER);
	assert_int_equal(parse_str("age-encryption.org/v1\r\n" MACL), AGS_E_AGE_HEADER);
	assert_int_equal(parse_str("age-encryption.org/v1\n->\n\n" MACL), AGS_E_AGE_HEADER);
	assert_int_equal(parse_str("age-encryption.org/v1\n-> a  b\n\n" MACL), AGS_E_AGE_HEADER);
	assert_int_equal(parse_str("age-encryption.org/v1\n-> a \n\n" MACL), AGS_E_AGE_HEADER);
	assert_int_equal(parse_str("age-encryption.org/v1\n->a\n\n" MACL), AGS_E_AGE_HEADER);
	assert_int_equal(parse_str("age-encryption.org/v1\n-> a\xc3\xa8\n\n" MACL), AGS_E_AGE_HEADER);
	assert_int_equal(parse_str("age-encryption.org/v1\n-> a\nAAA=\n" MACL), AGS_E_AGE_HEADER);  /* padding */
	assert_int_equal(parse_str("age-encryption.org/v1\n-> a\nAAB\n" MACL), AGS_E_AGE_HEADER);   /* not canonical */
	assert_int_equal(parse_str("age-encryption.org/v1\n-> a\nAA\r\n" MACL), AGS_E_AGE_HEADER); /* CR */
	assert_int_equal(parse_str("age-encryption.org/v1\n-> a\nA\n" MACL), AGS_E_AGE_HEADER);    /* 1 mod 4 */
	/* a full line must be followed by a short one */
	assert_int_equal(parse_str("age-encryption.org/v1\n-> a\n"
				   "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n" MACL),
			 AGS_E_AGE_HEADER);
	/* 65 columns */
	assert_int_equal(parse_str("age-encryption.org/v1\n-> a\n"
				   "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n\n" MACL),
			 AGS_E_AGE_HEADER);
	assert_int_equal(parse_str("age-encryption.org/v1\n-> a\n\n---Vn+54jqi/T0kyDFVr0wn6Oe4aQNLbELEP/Ew5b41iTw\n"),
			 AGS_E_AGE_HEADER);
	assert_int_equal(parse_str("age-encryption.org/v1\n-> a\n\n--- Vn+54jqi/T0kyDFVr0wn6Oe4aQNLbELEP/Ew5b41iTw \n"),
			 AGS_E_AGE_HEADER);
	assert_int_equal(parse_str("age-encryption.org/v1\n-> a\n\n--- Vn+54jqi/T0kyDFVr0wn6Oe4aQNLbELEP/Ew5b41iT\n"),
			 AGS_E_AGE_HEADER);
	assert_int_equal(parse_str("age-encryption.org/v1\n-> a\n\n--- Vn+54jqi/T0kyDFVr0wn6Oe4aQNLbELEP/Ew5b41iTx\n"),
			 AGS_E_AGE_HEADER); /* non-canonical MAC */
	assert_int_equal(parse_str("age-encryption.org/v1\n-> a\n\n--- Vn+54jqi/T0kyDFVr0wn6Oe4aQNLbELEP/Ew5b41iTw"),
			 AGS_E_TRUNCATED);
	assert_int_equal(parse_str(""), AGS_E_TRUNCATED);
	assert_int_equal(parse_str("garbage"), AGS_E_AGE_HEADER);
}

/* Encrypt to a fresh key and decrypt through the streaming API. */
struct sink {
	struct ags_buf b;
};

static int sink_write(void *ctx, const void *p, size_t n)
{
	return ags_buf_append(&((struct sink *)ctx)->b, p, n);
}

struct memr {
	const uint8_t *p;
	size_t len, off, step;
};

static ssize_t mem_read(void *ctx, void *buf, size_t n)
{
	struct memr *m = ctx;
	size_t take = AGS_MIN(AGS_MIN(n, m->len - m->off), m->step);
	memcpy(buf, m->p + m->off, take);
	m->off += take;
	return (ssize_t)take;
}

/* ags_age_keygen_file: age-keygen's three lines, appended; the identity on
 * line 3 gives the recipient of line 2; the stamp is RFC 3339 in local time. */
static void check_key_file(bool pq, const char *tz, const char *zone)
{
	setenv("TZ", tz, 1);
	tzset();
	struct ags_buf b;
	ags_buf_init_secret(&b, 1 << 16);
	assert_int_equal(ags_buf_append(&b, "kept\n", 5), 0);
	char *pk = NULL;
	assert_int_equal(ags_age_keygen_file(pq, &b, &pk), 0);
	assert_int_equal(ags_buf_append(&b, "", 1), 0);
	const char *t = (const char *)b.data;
	assert_memory_equal(t, "kept\n# created: ", 16);
	const char *nl = strchr(t + 16, '\n');
	assert_non_null(nl);
	/* 2026-12-02T14:07:52 then the zone */
	assert_int_equal((size_t)(nl - (t + 16)), 19 + strlen(zone));
	assert_memory_equal(nl - strlen(zone), zone, strlen(zone));
	char want[2048];
	snprintf(want, sizeof(want), "# public key: %s\n", pk);
	assert_memory_equal(nl + 1, want, strlen(want));
	const char *sk = nl + 1 + strlen(want);
	assert_true(strncmp(sk, "AGE-SECRET-KEY-", 15) == 0);
	char *line = strndup(sk, strcspn(sk, "\n"));
	assert_string_equal(sk + strlen(line), "\n");
	struct ags_age_identity *id = NULL;
	struct ags_age_recipient *r = NULL;
	char *rs = NULL;
	assert_int_equal(ags_age_identity_parse(line, &id, NULL), 0);
	assert_int_equal(ags_age_identity_to_recipient(id, &r), 0);
	assert_int_equal(ags_age_recipient_string(r, &rs), 0);
	assert_string_equal(rs, pk);
	assert_true(strncmp(pk, pq ? "age1pq1" : "age1", pq ? 7 : 4) == 0);
	free(rs);
	ags_age_recipient_free(r);
	ags_age_identity_free(id);
	ags_free_secret_str(line);
	free(pk);
	ags_buf_release(&b);
	unsetenv("TZ");
	tzset();
}

static void keygen_file(void **state)
{
	(void)state;
	check_key_file(false, "UTC0", "Z");
	check_key_file(false, "XST-5:30", "+05:30");
	check_key_file(true, "XST3", "-03:00");
}

static struct ags_age_identity *g_id;
static struct ags_age_recipient *g_r;

static int setup(void **state)
{
	(void)state;
	assert_int_equal(ags_age_keygen_x25519(&g_id), 0);
	assert_int_equal(ags_age_identity_to_recipient(g_id, &g_r), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ags_age_identity_free(g_id);
	ags_age_recipient_free(g_r);
	return 0;
}

static int decrypt_released(const uint8_t *ct, size_t len, size_t step, struct ags_buf *released)
{
	struct memr m = { ct, len, 0, step };
	struct sink s;
	ags_buf_init(&s.b, (size_t)1 << 30);
	struct ags_diag d = { 0 };
	int r = ags_age_decrypt_stream(&g_id, 1, AGS_AGE_ARMOR_AUTO, mem_read, &m, sink_write, &s, &d);
	*released = s.b;
	if (r < 0)
		assert_true(d.msg[0] != 0);
	return r;
}

static void stream_boundaries(void **state)
{
	(void)state;
	static const size_t sizes[] = { 0, 1, 65535, 65536, 65537, 131072, 131073, 16 * 65536 + 5, 17 * 65536 };
	for (size_t k = 0; k < AGS_ARRAY_SIZE(sizes); k++) {
		size_t n = sizes[k];
		uint8_t *pt = malloc(n + 1);
		for (size_t i = 0; i < n; i++)
			pt[i] = (uint8_t)(i * 31 + k);
		for (int armor = 0; armor < 2; armor++) {
			struct ags_buf ct;
			ags_buf_init(&ct, (size_t)1 << 30);
			assert_int_equal(ags_age_encrypt_buf(&g_r, 1, pt, n, armor, &ct, NULL), 0);
			size_t chunks = n == 0 ? 1 : (n + 65535) / 65536;
			if (!armor) {
				/* header + 16-byte nonce + chunks with 16-byte tags */
				struct ags_age_header h;
				size_t used;
				assert_int_equal(ags_age_header_parse(ct.data, ct.len, &h, &used, NULL), 0);
				ags_age_header_clear(&h);
				assert_int_equal(ct.len - used, 16 + n + 16 * chunks);
			} else {
				assert_memory_equal(ct.data, "-----BEGIN AGE ENCRYPTED FILE-----\n", 35);
			}
			struct ags_buf out;
			assert_int_equal(decrypt_released(ct.data, ct.len, armor ? 1000 : 65552 * 3, &out), 0);
			assert_int_equal(out.len, n);
			if (n)
				assert_memory_equal(out.data, pt, n);
			ags_buf_release(&out);
			/* buffer API too */
			struct ags_buf pb;
			ags_buf_init_secret(&pb, (size_t)1 << 30);
			assert_int_equal(ags_age_decrypt_buf(&g_id, 1, ct.data, ct.len, &pb, NULL), 0);
			assert_int_equal(pb.len, n);
			ags_buf_release(&pb);
			ags_buf_release(&ct);
		}
		free(pt);
	}
}

static void stream_tamper_truncate(void **state)
{
	(void)state;
	size_t n = 2 * 65536 + 100;
	uint8_t *pt = calloc(1, n);
	struct ags_buf ct;
	ags_buf_init(&ct, (size_t)1 << 30);
	assert_int_equal(ags_age_encrypt_buf(&g_r, 1, pt, n, false, &ct, NULL), 0);
	struct ags_age_header h;
	size_t hl;
	assert_int_equal(ags_age_header_parse(ct.data, ct.len, &h, &hl, NULL), 0);
	ags_age_header_clear(&h);
	size_t p0 = hl + 16; /* first chunk */
	struct ags_buf out;
	/* tamper in chunk 0, chunk 1, chunk 2 (final): released = 0, 1, 2 chunks */
	size_t where[3] = { p0 + 5, p0 + 65552 + 5, p0 + 2 * 65552 + 5 };
	for (int k = 0; k < 3; k++) {
		ct.data[where[k]] ^= 1;
		assert_int_equal(decrypt_released(ct.data, ct.len, 4096, &out), AGS_E_AGE_PAYLOAD);
		assert_int_equal(out.len, (size_t)k * 65536);
		ags_buf_release(&out);
		ct.data[where[k]] ^= 1;
	}
	/* header tampering: MAC failure; MAC line tampering too */
	ct.data[30] ^= 1;
	assert_true(decrypt_released(ct.data, ct.len, 4096, &out) < 0);
	assert_int_equal(out.len, 0);
	ags_buf_release(&out);
	ct.data[30] ^= 1;
	ct.data[hl - 3] ^= 1;
	int r = decrypt_released(ct.data, ct.len, 4096, &out);
	assert_true(r == AGS_E_AGE_HEADER_MAC || r == AGS_E_AGE_HEADER);
	ags_buf_release(&out);
	ct.data[hl - 3] ^= 1;
	/* truncations: inside the header / nonce = header error; in the payload
	 * = payload error; chunks that authenticated before are released. */
	size_t cuts[] = { 0, 10, hl - 1, hl, hl + 15, hl + 16, p0 + 100, p0 + 65552, p0 + 65552 + 1,
			  p0 + 2 * 65552, ct.len - 1 };
	for (size_t k = 0; k < AGS_ARRAY_SIZE(cuts); k++) {
		r = decrypt_released(ct.data, cuts[k], 4096, &out);
		if (cuts[k] < hl + 16)
			assert_int_equal(r, AGS_E_AGE_HEADER);
		else
			assert_int_equal(r, AGS_E_AGE_PAYLOAD);
		size_t full = cuts[k] > p0 ? (cuts[k] - p0) / 65552 : 0;
		assert_int_equal(out.len, full * 65536);
		ags_buf_release(&out);
	}
	/* trailing garbage after a short final chunk: it becomes part of that
	 * chunk, which then fails (Go reads 64 KiB + 16 at a time) */
	assert_int_equal(ags_buf_putc(&ct, 'x'), 0);
	assert_int_equal(decrypt_released(ct.data, ct.len, 4096, &out), AGS_E_AGE_PAYLOAD);
	assert_int_equal(out.len, 2 * 65536);
	ags_buf_release(&out);
	/* wrong key: no match */
	struct ags_age_identity *other;
	assert_int_equal(ags_age_keygen_x25519(&other), 0);
	struct ags_buf pb;
	ags_buf_init_secret(&pb, 1 << 20);
	struct ags_diag d = { 0 };
	assert_int_equal(ags_age_decrypt_buf(&other, 1, ct.data, ct.len - 1, &pb, &d), AGS_E_AGE_NO_MATCH);
	assert_int_equal(pb.len, 0);
	ags_buf_release(&pb);
	ags_age_identity_free(other);
	ags_buf_release(&ct);
	free(pt);
}

/* Failures in later batches (16 chunks each, opened by two threads): the
 * release is still exactly the chunks before the failing one. */
static void stream_batches(void **state)
{
	(void)state;
	size_t nch = 40, n = nch * 65536 - 1000;
	uint8_t *pt = malloc(n);
	for (size_t i = 0; i < n; i++)
		pt[i] = (uint8_t)(i >> 16);
	struct ags_buf ct;
	ags_buf_init(&ct, (size_t)1 << 30);
	assert_int_equal(ags_age_encrypt_buf(&g_r, 1, pt, n, false, &ct, NULL), 0);
	struct ags_age_header h;
	size_t hl;
	assert_int_equal(ags_age_header_parse(ct.data, ct.len, &h, &hl, NULL), 0);
	ags_age_header_clear(&h);
	size_t p0 = hl + 16;
	struct ags_buf out;
	static const size_t bad[] = { 15, 16, 17, 20, 31, 32, 39 };
	for (size_t k = 0; k < AGS_ARRAY_SIZE(bad); k++) {
		size_t at = p0 + bad[k] * 65552 + 100;
		ct.data[at] ^= 0x80;
		assert_int_equal(decrypt_released(ct.data, ct.len, 300000, &out), AGS_E_AGE_PAYLOAD);
		assert_int_equal(out.len, bad[k] * 65536);
		assert_memory_equal(out.data, pt, out.len);
		ags_buf_release(&out);
		ct.data[at] ^= 0x80;
	}
	/* cut after two full batches: 32 chunks released, then "no final chunk" */
	assert_int_equal(decrypt_released(ct.data, p0 + 32 * 65552, 300000, &out), AGS_E_AGE_PAYLOAD);
	assert_int_equal(out.len, 32 * 65536);
	ags_buf_release(&out);
	assert_int_equal(decrypt_released(ct.data, ct.len, 300000, &out), 0);
	assert_int_equal(out.len, n);
	assert_memory_equal(out.data, pt, n);
	ags_buf_release(&out);
	ags_buf_release(&ct);
	free(pt);
}

static void armor_strict(void **state)
{
	(void)state;
	struct ags_buf ct;
	ags_buf_init(&ct, 1 << 20);
	assert_int_equal(ags_age_encrypt_buf(&g_r, 1, "hello", 5, true, &ct, NULL), 0);
	struct ags_buf out;
	const char *s = (const char *)ct.data;
	/* every line at most 64 columns, END line last */
	const char *end = "-----END AGE ENCRYPTED FILE-----\n";
	assert_int_equal(strcmp(s + ct.len - strlen(end), end), 0);
	for (const char *l = s; *l;) {
		const char *nl = strchr(l, '\n');
		assert_true(nl - l <= 64);
		l = nl + 1;
	}
	/* whitespace around is fine, CRLF is fine */
	struct ags_buf v;
	ags_buf_init(&v, 1 << 20);
	assert_int_equal(ags_buf_printf(&v, "\n  \n%s\n\n", s), 0);
	assert_int_equal(decrypt_released(v.data, v.len, 7, &out), 0);
	assert_int_equal(out.len, 5);
	ags_buf_release(&out);
	ags_buf_reset(&v);
	for (size_t i = 0; i < ct.len; i++) {
		if (s[i] == '\n')
			assert_int_equal(ags_buf_putc(&v, '\r'), 0);
		assert_int_equal(ags_buf_putc(&v, s[i]), 0);
	}
	assert_int_equal(decrypt_released(v.data, v.len, 7, &out), 0);
	ags_buf_release(&out);
	/* a space at the end of the first data line, garbage after END, a
	 * lowercase label: armor failures */
	ags_buf_reset(&v);
	const char *nl = strchr(s + 35, '\n');
	assert_int_equal(ags_buf_append(&v, s, (size_t)(nl - s)), 0);
	assert_int_equal(ags_buf_printf(&v, " %s", nl), 0);
	assert_int_equal(decrypt_released(v.data, v.len, 7, &out), AGS_E_AGE_ARMOR);
	ags_buf_release(&out);
	ags_buf_reset(&v);
	assert_int_equal(ags_buf_printf(&v, "%sx\n", s), 0);
	int r = decrypt_released(v.data, v.len, 7, &out);
	assert_int_equal(r, AGS_E_AGE_ARMOR);
	ags_buf_release(&out);
	/* truncated armor: no END line */
	r = decrypt_released(ct.data, ct.len - strlen(end), 7, &out);
	assert_int_equal(r, AGS_E_AGE_ARMOR);
	ags_buf_release(&out);
	ags_buf_release(&v);
	ags_buf_release(&ct);
}

static void recipient_rules(void **state)
{
	(void)state;
	struct ags_age_recipient *rs[2], *sc;
	struct ags_buf ct;
	ags_buf_init(&ct, 1 << 20);
	struct ags_diag d = { 0 };
	assert_int_equal(ags_age_encrypt_buf(NULL, 0, "x", 1, false, &ct, &d), AGS_E_INVAL);
	assert_int_equal(ags_age_recipient_new_scrypt("pw", 2, 10, &sc), 0);
	rs[0] = sc;
	rs[1] = g_r;
	assert_int_equal(ags_age_encrypt_buf(rs, 2, "x", 1, false, &ct, &d), AGS_E_AGE_MIXED_RECIPIENTS);
	assert_int_equal(ct.len, 0);
	assert_int_equal(ags_age_recipient_new_scrypt("", 0, 10, &rs[1]), AGS_E_AGE_PASSPHRASE);
	assert_int_equal(ags_age_recipient_new_scrypt("pw", 2, 23, &rs[1]), AGS_E_AGE_WORK_FACTOR);
	/* scrypt alone round-trips; the wrong passphrase is "no match" */
	assert_int_equal(ags_age_encrypt_buf(&sc, 1, "secret", 6, false, &ct, &d), 0);
	struct ags_age_identity *pid;
	struct ags_buf pt;
	ags_buf_init_secret(&pt, 1 << 20);
	assert_int_equal(ags_age_identity_new_scrypt("pw", 2, &pid), 0);
	assert_int_equal(ags_age_decrypt_buf(&pid, 1, ct.data, ct.len, &pt, &d), 0);
	assert_int_equal(pt.len, 6);
	ags_age_identity_free(pid);
	assert_int_equal(ags_age_identity_new_scrypt("wrong", 5, &pid), 0);
	assert_int_equal(ags_age_decrypt_buf(&pid, 1, ct.data, ct.len, &pt, &d), AGS_E_AGE_NO_MATCH);
	ags_age_identity_free(pid);
	/* an X25519 identity does not match; the reject identity says why */
	assert_int_equal(ags_age_decrypt_buf(&g_id, 1, ct.data, ct.len, &pt, &d), AGS_E_AGE_NO_MATCH);
	assert_int_equal(ags_age_identity_new_reject_scrypt(&pid), 0);
	assert_int_equal(ags_age_decrypt_buf(&pid, 1, ct.data, ct.len, &pt, &d), AGS_E_AGE_PASSPHRASE);
	ags_age_identity_free(pid);
	ags_buf_release(&pt);
	ags_age_recipient_free(sc);
	ags_buf_release(&ct);
}

static int fixed_pass(void *ctx, const char *prompt, char *buf, size_t cap)
{
	const char *p = ctx;
	assert_non_null(strstr(prompt, "enc.txt"));
	assert_true(strlen(p) < cap);
	strcpy(buf, p);
	return (int)strlen(p);
}

static void encrypted_identity_file(void **state)
{
	(void)state;
	const char *idf = "# created: now\n" TEST_ID "\n";
	struct ags_age_recipient *sc;
	assert_int_equal(ags_age_recipient_new_scrypt("idpass", 6, 10, &sc), 0);
	for (int armor = 0; armor < 2; armor++) {
		struct ags_buf ct;
		ags_buf_init(&ct, 1 << 20);
		assert_int_equal(ags_age_encrypt_buf(&sc, 1, idf, strlen(idf), armor, &ct, NULL), 0);
		struct ags_age_identities ids = { 0 };
		struct ags_diag d = { 0 };
		assert_int_equal(ags_age_parse_identity_file((char *)ct.data, ct.len, "enc.txt", fixed_pass, "idpass",
							     &ids, &d), 0);
		assert_int_equal(ids.n, 1);
		char *s;
		assert_int_equal(ags_age_identity_string(ids.v[0], &s), 0);
		assert_string_equal(s, TEST_ID);
		ags_free_secret_str(s);
		ags_age_identities_clear(&ids);
		/* the one passphrase there is: "incorrect passphrase", as Go age */
		assert_int_equal(ags_age_parse_identity_file((char *)ct.data, ct.len, "enc.txt", fixed_pass, "nope",
							     &ids, &d), AGS_E_AUTH);
		assert_non_null(strstr(d.msg, "enc.txt"));
		assert_non_null(strstr(d.msg, "incorrect passphrase"));
		assert_int_equal(ids.n, 0);
		ags_buf_release(&ct);
	}
	ags_age_recipient_free(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bech32_basics),    cmocka_unit_test(bech32_vectors),
		cmocka_unit_test(keys),             cmocka_unit_test(identity_files),
		cmocka_unit_test(header_roundtrip), cmocka_unit_test(header_strict),
		cmocka_unit_test(stream_boundaries), cmocka_unit_test(stream_tamper_truncate),
		cmocka_unit_test(stream_batches),
		cmocka_unit_test(armor_strict),     cmocka_unit_test(recipient_rules),
		cmocka_unit_test(encrypted_identity_file), cmocka_unit_test(keygen_file),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
