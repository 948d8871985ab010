/*
 * SSH keys for age: OpenSSH key parsing (plain, bcrypt+aes256-ctr,
 * aes256-gcm, PEM), authorized_keys lines, Ed25519 -> X25519, and the
 * ssh-ed25519 / ssh-rsa stanzas, checked against files written by Go age
 * (the unwrapped file key must verify the header MAC Go age computed).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include "internal.h"
#include "age/ssh.h"
#include "crypto/ossl.h"
#include "test-age-ssh-fixtures.h"
#include "age/plugin.h"
#include "age/bech32.h"

static void unhex(const char *h, uint8_t *out, size_t n)
{
	assert_int_equal(strlen(h), 2 * n);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		assert_int_equal(sscanf(h + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static struct ags_ssh_pubkey *pub_of(const char *line)
{
	struct ags_ssh_pubkey *pk = NULL;
	struct ags_diag d = { 0 };
	int r = ags_ssh_pubkey_parse_line(line, strlen(line), &pk, &d);
	if (r < 0)
		fprintf(stderr, "parse_line: %s\n", d.msg);
	assert_int_equal(r, 0);
	return pk;
}

static struct ags_ssh_keyfile *keyfile_of(const char *pem)
{
	struct ags_ssh_keyfile *kf = NULL;
	struct ags_diag d = { 0 };
	int r = ags_ssh_keyfile_parse(pem, strlen(pem), "key", &kf, &d);
	if (r < 0)
		fprintf(stderr, "keyfile_parse: %s\n", d.msg);
	assert_int_equal(r, 0);
	return kf;
}

static void ed25519_to_x25519(void **state)
{
	(void)state;
	uint8_t ed[32], want[32], got[32];
	unhex(fx_rfc8032_1_pub, ed, 32);
	unhex(fx_rfc8032_1_x25519, want, 32);
	assert_int_equal(ags_ssh_ed25519_to_x25519(ed, got), 0);
	assert_memory_equal(got, want, 32);
	/* y = 2 is not on the curve; y = 1 is the identity */
	memset(ed, 0, 32);
	ed[0] = 2;
	assert_int_equal(ags_ssh_ed25519_to_x25519(ed, got), AGS_E_AGE_BAD_KEY);
	ed[0] = 1;
	assert_int_equal(ags_ssh_ed25519_to_x25519(ed, got), AGS_E_AGE_BAD_KEY);
}

static void pubkey_lines(void **state)
{
	(void)state;
	struct ags_ssh_pubkey *pk = pub_of(fx_ed_pub), *pk2;
	struct ags_diag d = { 0 };
	char *s = NULL, line[1024];

	assert_int_equal(pk->type, AGS_SSH_ED25519);
	assert_int_equal(strlen(pk->tag), 6);
	/* the tag Go age wrote into its stanza */
	assert_non_null(strstr(fx_ed_age_header, pk->tag));
	assert_int_equal(ags_ssh_pubkey_string(pk, &s), 0);
	assert_int_equal(strncmp(s, fx_ed_pub, strlen(s)), 0);

	/* authorized_keys options, quoted spaces, tabs, comment */
	snprintf(line, sizeof(line), "no-pty,command=\"echo a b\",from=\"10.0.0.1\"\t %s", s);
	pk2 = pub_of(line);
	assert_true(ags_ssh_pubkey_equal(pk, pk2));
	ags_ssh_pubkey_free(pk2);
	assert_true(ags_ssh_line_looks_like_key(line));
	assert_false(ags_ssh_line_looks_like_key("age1xyz"));
	snprintf(line, sizeof(line), "%s   a comment with spaces\r\n", s);
	pk2 = pub_of(line);
	assert_true(ags_ssh_pubkey_equal(pk, pk2));
	ags_ssh_pubkey_free(pk2);

	/* key type field must match the blob */
	snprintf(line, sizeof(line), "ssh-rsa %s", s + strlen("ssh-ed25519 "));
	assert_int_equal(ags_ssh_pubkey_parse_line(line, strlen(line), &pk2, &d), AGS_E_AGE_BAD_KEY);
	/* bad base64, truncated blob, trailing data, two lines */
	snprintf(line, sizeof(line), "%s!", s);
	assert_int_equal(ags_ssh_pubkey_parse_line(line, strlen(line), &pk2, &d), AGS_E_AGE_BAD_KEY);
	assert_int_equal(ags_ssh_pubkey_parse_line("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA==", 40, &pk2, &d),
			 AGS_E_AGE_BAD_KEY);
	snprintf(line, sizeof(line), "%s\n%s", s, s);
	assert_int_equal(ags_ssh_pubkey_parse_line(line, strlen(line), &pk2, &d), AGS_E_AGE_BAD_KEY);
	assert_int_equal(ags_ssh_pubkey_parse_line("ssh-ed25519", 11, &pk2, &d), AGS_E_AGE_BAD_KEY);
	/* ecdsa: well-formed but not supported */
	assert_int_equal(ags_ssh_pubkey_parse_line(fx_ec_pub, strlen(fx_ec_pub), &pk2, &d),
			 AGS_E_AGE_UNSUPPORTED_RECIPIENT);
	assert_non_null(strstr(d.msg, "ecdsa-sha2-nistp256"));
	free(s);
	ags_ssh_pubkey_free(pk);

	pk = pub_of(fx_rsa_pub);
	assert_int_equal(pk->type, AGS_SSH_RSA);
	assert_int_equal(pk->rsa_bits, 2048);
	assert_non_null(strstr(fx_rsa_age_header, pk->tag));
	assert_int_equal(ags_ssh_pubkey_string(pk, &s), 0);
	assert_int_equal(strncmp(s, fx_rsa_pub, strlen(s)), 0);
	free(s);
	ags_ssh_pubkey_free(pk);
}

static void keyfiles_plain(void **state)
{
	(void)state;
	struct ags_ssh_keyfile *kf = keyfile_of(fx_ed);
	struct ags_ssh_pubkey *pk = pub_of(fx_ed_pub);
	uint8_t x[32];

	assert_false(kf->encrypted);
	assert_non_null(kf->key);
	assert_true(ags_ssh_pubkey_equal(kf->pub, pk));
	/* the birational map agrees with the X25519 scalar from the seed */
	assert_int_equal(ags_x25519_public(kf->key->x25519, x), 0);
	assert_memory_equal(x, pk->x25519, 32);
	ags_ssh_keyfile_free(kf);
	ags_ssh_pubkey_free(pk);

	kf = keyfile_of(fx_rsa);
	pk = pub_of(fx_rsa_pub);
	assert_false(kf->encrypted);
	assert_true(ags_ssh_pubkey_equal(kf->pub, pk));
	assert_true(ags_ssh_pubkey_equal(kf->key->pub, pk));
	ags_ssh_keyfile_free(kf);

	/* PKCS#1 PEM of the same key, through OpenSSL */
	kf = keyfile_of(fx_rsa_pem);
	assert_false(kf->encrypted);
	assert_true(ags_ssh_pubkey_equal(kf->pub, pk));
	ags_ssh_keyfile_free(kf);
	ags_ssh_pubkey_free(pk);
}

static void keyfiles_encrypted(void **state)
{
	(void)state;
	const char *keys[] = { fx_ed_enc, fx_ed_gcm, fx_rsa_enc };
	const char *pubs[] = { fx_ed_enc_pub, fx_ed_gcm_pub, NULL };
	struct ags_diag d = { 0 };

	for (size_t i = 0; i < 3; i++) {
		struct ags_ssh_keyfile *kf = keyfile_of(keys[i]);
		assert_true(kf->encrypted);
		assert_null(kf->key);
		assert_non_null(kf->pub);
		if (pubs[i]) {
			struct ags_ssh_pubkey *pk = pub_of(pubs[i]);
			assert_true(ags_ssh_pubkey_equal(kf->pub, pk));
			ags_ssh_pubkey_free(pk);
		}
		assert_int_equal(ags_ssh_keyfile_decrypt(kf, "hunter3", 7, "k", &d), AGS_E_AUTH);
		assert_non_null(strstr(d.msg, "incorrect passphrase"));
		assert_null(kf->key);
		assert_int_equal(ags_ssh_keyfile_decrypt(kf, "", 0, "k", &d), AGS_E_AUTH);
		assert_int_equal(ags_ssh_keyfile_decrypt(kf, "hunter2", 7, "k", &d), 0);
		assert_false(kf->encrypted);
		assert_non_null(kf->key);
		assert_true(ags_ssh_pubkey_equal(kf->pub, kf->key->pub));
		ags_ssh_keyfile_free(kf);
	}
}

static void keyfiles_bad(void **state)
{
	(void)state;
	struct ags_ssh_keyfile *kf = NULL;
	struct ags_diag d = { 0 };
	char *bad = strdup(fx_ed);
	size_t n = strlen(bad);

	/* unsupported type */
	assert_int_equal(ags_ssh_keyfile_parse(fx_ec, strlen(fx_ec), "ec", &kf, &d), AGS_E_AGE_UNSUPPORTED_RECIPIENT);
	assert_non_null(strstr(d.msg, "ec:"));
	/* not PEM at all */
	assert_int_equal(ags_ssh_keyfile_parse("hello", 5, "x", &kf, &d), AGS_E_AGE_BAD_KEY);
	/* no END line */
	assert_int_equal(ags_ssh_keyfile_parse(fx_ed, n - 36, "x", &kf, &d), AGS_E_AGE_BAD_KEY);
	/* every truncation of the base64 body fails cleanly */
	for (size_t cut = 40; cut < n - 40; cut += 7) {
		char *t = malloc(n + 1);
		const char *end = strstr(fx_ed, "-----END");
		size_t tl = cut;
		memcpy(t, fx_ed, cut);
		t[tl++] = '\n';
		memcpy(t + tl, end, strlen(end));
		tl += strlen(end);
		assert_true(ags_ssh_keyfile_parse(t, tl, "x", &kf, &d) < 0);
		free(t);
	}
	/* flipping a character in the body: error or (rarely) a still-valid
	 * base64 that then fails a structural check — never success with a
	 * different key */
	for (size_t i = 40; i < n - 40; i += 3) {
		char c = bad[i];
		if (c == '\n')
			continue;
		bad[i] = c == 'A' ? 'B' : 'A';
		if (ags_ssh_keyfile_parse(bad, n, "x", &kf, &d) == 0) {
			struct ags_ssh_keyfile *good = keyfile_of(fx_ed);
			assert_true(ags_ssh_pubkey_equal(kf->pub, good->pub));
			ags_ssh_keyfile_free(good);
			ags_ssh_keyfile_free(kf);
		}
		bad[i] = c;
	}
	free(bad);
	/* too big */
	char *big = calloc(1, AGS_SSH_KEYFILE_MAX + 2);
	memset(big, 'A', AGS_SSH_KEYFILE_MAX + 1);
	assert_int_equal(ags_ssh_keyfile_parse(big, AGS_SSH_KEYFILE_MAX + 1, "x", &kf, &d), AGS_E_TOO_BIG);
	free(big);
}

static void keyfiles_pem(void **state)
{
	(void)state;
	struct ags_ssh_keyfile *kf = keyfile_of(fx_rsa_p8enc);
	struct ags_ssh_pubkey *pk = pub_of(fx_rsa_pub);
	struct ags_diag d = { 0 };
	struct ags_ssh_stanza st;
	uint8_t fk[16] = { 9, 8, 7 }, out[16];
	const char *args[2];

	/* encrypted PKCS#8: no public key until decrypted */
	assert_true(kf->encrypted);
	assert_null(kf->pub);
	assert_int_equal(ags_ssh_keyfile_decrypt(kf, "hunter3", 7, "p8", &d), AGS_E_AUTH);
	assert_true(kf->encrypted);
	assert_int_equal(ags_ssh_keyfile_decrypt(kf, "hunter2", 7, "p8", &d), 0);
	assert_non_null(kf->pub);
	assert_true(ags_ssh_pubkey_equal(kf->pub, pk));
	ags_ssh_keyfile_free(kf);
	ags_ssh_pubkey_free(pk);

	/* PKCS#8 Ed25519 from openssl genpkey: wrap to its public key, unwrap */
	kf = keyfile_of(fx_ed_p8);
	assert_false(kf->encrypted);
	assert_int_equal(kf->pub->type, AGS_SSH_ED25519);
	assert_int_equal(ags_ssh_ed25519_wrap(kf->pub, fk, &st), 0);
	args[0] = st.args[0];
	args[1] = st.args[1];
	assert_int_equal(ags_ssh_ed25519_unwrap(kf->key, args, 2, st.body, st.bodylen, out, &d), 0);
	assert_memory_equal(out, fk, 16);
	ags_ssh_stanza_release(&st);
	ags_ssh_keyfile_free(kf);

	/* garbage PEM */
	{
		const char *g = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
		assert_int_equal(ags_ssh_keyfile_parse(g, strlen(g), "g", &kf, &d), AGS_E_AGE_BAD_KEY);
	}
}

/* Splits the single-stanza header of a Go age file; returns the stanza's
 * args (after the type) and body, and the MAC-covered length and MAC. */
struct go_hdr {
	char type[32];
	char *args[4];
	size_t nargs;
	uint8_t body[1024];
	size_t bodylen;
	size_t maclen;
	uint8_t mac[32];
	char *copy;
};

static void go_hdr_parse(const char *h, struct go_hdr *g)
{
	char *p, *nl, *tok, *save = NULL;
	size_t n;

	memset(g, 0, sizeof(*g));
	g->copy = strdup(h);
	p = strchr(g->copy, '\n') + 1; /* version line */
	nl = strchr(p, '\n');
	*nl = 0;
	tok = strtok_r(p + 3, " ", &save);
	snprintf(g->type, sizeof(g->type), "%s", tok);
	while ((tok = strtok_r(NULL, " ", &save)))
		g->args[g->nargs++] = tok;
	p = nl + 1;
	for (;;) {
		nl = strchr(p, '\n');
		assert_non_null(nl);
		if (strncmp(p, "---", 3) == 0)
			break;
		assert_int_equal(ags_b64_decode(p, (size_t)(nl - p), AGS_B64_UNPADDED, g->body + g->bodylen, &n), 0);
		g->bodylen += n;
		p = nl + 1;
		if (n < 48)
			break;
	}
	g->maclen = (size_t)(p - g->copy) + 3;
	assert_int_equal(ags_b64_decode(p + 4, 43, AGS_B64_UNPADDED, g->mac, &n), 0);
}

static void check_mac(const char *h, const struct go_hdr *g, const uint8_t fk[16])
{
	uint8_t k[32], mac[32];
	assert_int_equal(ags_hkdf_sha256(NULL, 0, fk, 16, "header", 6, k, 32), 0);
	assert_int_equal(ags_hmac_sha256(k, 32, h, g->maclen, mac), 0);
	assert_memory_equal(mac, g->mac, 32);
}

static void unwrap_go_files(void **state)
{
	(void)state;
	struct go_hdr g;
	struct ags_diag d = { 0 };
	uint8_t fk[16];
	struct ags_ssh_keyfile *kf = keyfile_of(fx_ed);

	go_hdr_parse(fx_ed_age_header, &g);
	assert_string_equal(g.type, "ssh-ed25519");
	assert_int_equal(ags_ssh_ed25519_unwrap(kf->key, (const char *const *)g.args, g.nargs, g.body, g.bodylen, fk, &d), 0);
	check_mac(fx_ed_age_header, &g, fk);
	/* tampered body: the tag matched, so this is a hard error */
	g.body[5] ^= 1;
	assert_int_equal(ags_ssh_ed25519_unwrap(kf->key, (const char *const *)g.args, g.nargs, g.body, g.bodylen, fk, &d),
			 AGS_E_AGE_HEADER);
	g.body[5] ^= 1;
	/* wrong argument count, bad share */
	assert_int_equal(ags_ssh_ed25519_unwrap(kf->key, (const char *const *)g.args, 1, g.body, g.bodylen, fk, &d),
			 AGS_E_AGE_HEADER);
	{
		const char *a[2] = { g.args[0], "AAAA" };
		assert_int_equal(ags_ssh_ed25519_unwrap(kf->key, a, 2, g.body, g.bodylen, fk, &d), AGS_E_AGE_HEADER);
	}
	/* all-zero share: low order */
	{
		const char *a[2] = { g.args[0], "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" };
		assert_int_equal(ags_ssh_ed25519_unwrap(kf->key, a, 2, g.body, g.bodylen, fk, &d), AGS_E_AGE_HEADER);
	}
	ags_ssh_keyfile_free(kf);
	/* another Ed25519 key: tag mismatch, not ours */
	kf = keyfile_of(fx_ed_gcm);
	assert_int_equal(ags_ssh_keyfile_decrypt(kf, "hunter2", 7, "k", &d), 0);
	assert_int_equal(ags_ssh_ed25519_unwrap(kf->key, (const char *const *)g.args, g.nargs, g.body, g.bodylen, fk, &d),
			 AGS_E_AGE_INCORRECT_IDENTITY);
	ags_ssh_keyfile_free(kf);
	free(g.copy);

	kf = keyfile_of(fx_rsa);
	go_hdr_parse(fx_rsa_age_header, &g);
	assert_string_equal(g.type, "ssh-rsa");
	assert_int_equal(g.bodylen, 256);
	assert_int_equal(ags_ssh_rsa_unwrap(kf->key, (const char *const *)g.args, g.nargs, g.body, g.bodylen, fk, &d), 0);
	check_mac(fx_rsa_age_header, &g, fk);
	g.body[100] ^= 1;
	assert_int_equal(ags_ssh_rsa_unwrap(kf->key, (const char *const *)g.args, g.nargs, g.body, g.bodylen, fk, &d),
			 AGS_E_AGE_HEADER);
	g.body[100] ^= 1;
	/* one byte short: no longer the same number */
	assert_int_equal(ags_ssh_rsa_unwrap(kf->key, (const char *const *)g.args, g.nargs, g.body, g.bodylen - 1, fk, &d),
			 AGS_E_AGE_HEADER);
	/* longer than the modulus */
	{
		uint8_t longer[257] = { 0 };
		memcpy(longer + 1, g.body, 256);
		assert_int_equal(ags_ssh_rsa_unwrap(kf->key, (const char *const *)g.args, g.nargs, longer, 257, fk, &d),
				 AGS_E_AGE_HEADER);
	}
	assert_int_equal(ags_ssh_rsa_unwrap(kf->key, (const char *const *)g.args, 2, g.body, g.bodylen, fk, &d),
			 AGS_E_AGE_HEADER);
	ags_ssh_keyfile_free(kf);
	/* PKCS#1 form of the same key opens it too */
	kf = keyfile_of(fx_rsa_pem);
	assert_int_equal(ags_ssh_rsa_unwrap(kf->key, (const char *const *)g.args, g.nargs, g.body, g.bodylen, fk, &d), 0);
	check_mac(fx_rsa_age_header, &g, fk);
	ags_ssh_keyfile_free(kf);
	/* another RSA key: not ours */
	kf = keyfile_of(fx_rsa1024);
	assert_int_equal(ags_ssh_rsa_unwrap(kf->key, (const char *const *)g.args, g.nargs, g.body, g.bodylen, fk, &d),
			 AGS_E_AGE_INCORRECT_IDENTITY);
	ags_ssh_keyfile_free(kf);
	free(g.copy);
}

static void wrap_roundtrip(void **state)
{
	(void)state;
	uint8_t fk[16], out[16];
	struct ags_ssh_stanza st;
	struct ags_diag d = { 0 };
	struct ags_ssh_keyfile *kf = keyfile_of(fx_ed);
	struct ags_ssh_pubkey *pk = pub_of(fx_ed_pub);
	const char *args[2];

	assert_int_equal(ags_random(fk, 16), 0);
	assert_int_equal(ags_ssh_ed25519_wrap(pk, fk, &st), 0);
	assert_int_equal(st.nargs, 2);
	assert_string_equal(st.args[0], pk->tag);
	assert_int_equal(strlen(st.args[1]), 43);
	assert_int_equal(st.bodylen, 32);
	args[0] = st.args[0];
	args[1] = st.args[1];
	assert_int_equal(ags_ssh_ed25519_unwrap(kf->key, args, 2, st.body, st.bodylen, out, &d), 0);
	assert_memory_equal(out, fk, 16);
	ags_ssh_stanza_release(&st);
	ags_ssh_keyfile_free(kf);
	ags_ssh_pubkey_free(pk);

	kf = keyfile_of(fx_rsa);
	pk = pub_of(fx_rsa_pub);
	assert_int_equal(ags_ssh_rsa_wrap(pk, fk, &st, &d), 0);
	assert_int_equal(st.nargs, 1);
	assert_int_equal(st.bodylen, 256);
	args[0] = st.args[0];
	assert_int_equal(ags_ssh_rsa_unwrap(kf->key, args, 1, st.body, st.bodylen, out, &d), 0);
	assert_memory_equal(out, fk, 16);
	ags_ssh_stanza_release(&st);
	ags_ssh_keyfile_free(kf);
	ags_ssh_pubkey_free(pk);

	/* a body whose leading zero byte is dropped still opens (as in Go) */
	kf = keyfile_of(fx_rsa);
	pk = pub_of(fx_rsa_pub);
	for (int i = 0; i < 10000; i++) {
		assert_int_equal(ags_ssh_rsa_wrap(pk, fk, &st, &d), 0);
		if (st.body[0] == 0) {
			args[0] = st.args[0];
			memset(out, 0, 16);
			assert_int_equal(ags_ssh_rsa_unwrap(kf->key, args, 1, st.body + 1, st.bodylen - 1, out, &d), 0);
			assert_memory_equal(out, fk, 16);
			ags_ssh_stanza_release(&st);
			break;
		}
		ags_ssh_stanza_release(&st);
		assert_true(i < 9999);
	}
	ags_ssh_keyfile_free(kf);
	ags_ssh_pubkey_free(pk);

	/* Go age refuses RSA keys under 2048 bits for encryption */
	pk = pub_of(fx_rsa1024_pub);
	assert_int_equal(ags_ssh_rsa_wrap(pk, fk, &st, &d), AGS_E_AGE_BAD_KEY);
	assert_non_null(strstr(d.msg, "too small"));
	ags_ssh_pubkey_free(pk);
}


/* The public API: SSH recipients through ags_age_recipient_parse (with and
 * without authorized_keys options), SSH identity files with a lazily asked
 * passphrase. */
struct pass_ctx {
	const char *pass;
	int calls;
};

static int test_pass(void *vctx, const char *prompt, char *buf, size_t cap)
{
	struct pass_ctx *c = vctx;
	c->calls++;
	assert_non_null(strstr(prompt, "Enter passphrase for \"id_enc\""));
	if (!c->pass)
		return AGS_E_AGE_PASSPHRASE;
	snprintf(buf, cap, "%s", c->pass);
	return (int)strlen(c->pass);
}

static void api_roundtrip(void **state)
{
	(void)state;
	struct ags_age_recipient *r = NULL, *r2 = NULL;
	struct ags_age_identities ids = { 0 }, ids_enc = { 0 };
	struct ags_diag d = { 0 };
	struct ags_buf ct, pt;
	char line[1024], *str = NULL;
	struct pass_ctx pc = { NULL, 0 };

	snprintf(line, sizeof(line), "command=\"x y\",no-pty %.*s", (int)strcspn(fx_ed_pub, "\n"), fx_ed_pub);
	assert_int_equal(ags_age_recipient_parse(line, &r, &d), 0);
	assert_int_equal(ags_age_recipient_string(r, &str), 0);
	assert_int_equal(strncmp(str, fx_ed_pub, strlen(str)), 0);
	free(str);
	assert_int_equal(ags_age_recipient_parse(fx_rsa1024_pub, &r2, &d), AGS_E_AGE_BAD_KEY);
	assert_int_equal(ags_age_recipient_parse(fx_ec_pub, &r2, &d), AGS_E_AGE_UNSUPPORTED_RECIPIENT);
	assert_int_equal(ags_age_recipient_parse(fx_ed_enc_pub, &r2, &d), 0);

	struct ags_age_recipient *rs[2] = { r, r2 };
	ags_buf_init(&ct, 1 << 20);
	assert_int_equal(ags_age_encrypt_buf(rs, 1, "hello", 5, false, &ct, &d), 0);
	assert_int_equal(ags_age_parse_identity_file(fx_ed, strlen(fx_ed), "id", NULL, NULL, &ids, &d), 0);
	ags_buf_init_secret(&pt, 1 << 20);
	assert_int_equal(ags_age_decrypt_buf(ids.v, ids.n, ct.data, ct.len, &pt, &d), 0);
	assert_int_equal(pt.len, 5);
	assert_memory_equal(pt.data, "hello", 5);
	ags_buf_reset(&pt);

	/* encrypted key: no prompt when the file is not for it */
	assert_int_equal(ags_age_parse_identity_file(fx_ed_enc, strlen(fx_ed_enc), "id_enc", test_pass, &pc,
						     &ids_enc, &d), 0);
	assert_int_equal(pc.calls, 0);
	assert_int_equal(ags_age_decrypt_buf(ids_enc.v, ids_enc.n, ct.data, ct.len, &pt, &d), AGS_E_AGE_NO_MATCH);
	assert_int_equal(pc.calls, 0);
	/* a file for it: prompt; no passphrase available, then a wrong one, then the right one */
	ags_buf_reset(&ct);
	assert_int_equal(ags_age_encrypt_buf(rs + 1, 1, "hello", 5, true, &ct, &d), 0);
	assert_int_equal(ags_age_decrypt_buf(ids_enc.v, ids_enc.n, ct.data, ct.len, &pt, &d), AGS_E_AGE_PASSPHRASE);
	assert_int_equal(pc.calls, 1);
	pc.pass = "hunter3";
	assert_int_equal(ags_age_decrypt_buf(ids_enc.v, ids_enc.n, ct.data, ct.len, &pt, &d), AGS_E_AUTH);
	assert_non_null(strstr(d.msg, "incorrect passphrase"));
	pc.pass = "hunter2";
	assert_int_equal(ags_age_decrypt_buf(ids_enc.v, ids_enc.n, ct.data, ct.len, &pt, &d), 0);
	assert_int_equal(pt.len, 5);
	/* unlocked once: no further prompts */
	ags_buf_reset(&pt);
	assert_int_equal(ags_age_decrypt_buf(ids_enc.v, ids_enc.n, ct.data, ct.len, &pt, &d), 0);
	assert_int_equal(pc.calls, 3);
	/* the identity's recipient is the public key */
	struct ags_age_recipient *back = NULL;
	assert_int_equal(ags_age_identity_to_recipient(ids_enc.v[0], &back), 0);
	assert_int_equal(ags_age_recipient_string(back, &str), 0);
	assert_int_equal(strncmp(str, fx_ed_enc_pub, strlen(str)), 0);
	free(str);
	ags_age_recipient_free(back);

	/* bad key files name the file */
	assert_int_equal(ags_age_parse_identity_file(fx_ec, strlen(fx_ec), "my_ec", NULL, NULL, &ids, &d),
			 AGS_E_AGE_UNSUPPORTED_RECIPIENT);
	assert_non_null(strstr(d.msg, "my_ec"));

	ags_buf_release(&ct);
	ags_buf_release(&pt);
	ags_age_identities_clear(&ids);
	ags_age_identities_clear(&ids_enc);
	ags_age_recipient_free(r);
	ags_age_recipient_free(r2);
}

static void plugin_strings(void **state)
{
	(void)state;
	struct ags_age_recipient *r = NULL, *r2 = NULL;
	struct ags_age_identity *id = NULL;
	struct ags_diag d = { 0 };
	uint8_t data[16] = { 1, 2, 3 };
	char *s = NULL, *t = NULL;
	struct ags_buf ct;

	assert_int_equal(ags_bech32_encode("age1agstest", data, 16, false, &s), 0);
	assert_true(ags_age_plugin_recipient_match(s));
	assert_int_equal(ags_age_recipient_parse(s, &r, &d), 0);
	assert_int_equal(ags_age_recipient_string(r, &t), 0);
	assert_string_equal(s, t);
	free(t);
	/* a missing plugin is one clear error, at wrap time */
	setenv("PATH", "/nonexistent-agesops-test", 1);
	ags_buf_init(&ct, 1 << 20);
	assert_int_equal(ags_age_encrypt_buf(&r, 1, "x", 1, false, &ct, &d), AGS_E_NOT_FOUND);
	assert_non_null(strstr(d.msg, "age-plugin-agstest\" not found"));
	assert_int_equal(ct.len, 0);
	ags_buf_release(&ct);
	ags_age_recipient_free(r);
	free(s);

	/* an uppercase name in an identity becomes the lowercase binary name */
	assert_int_equal(ags_bech32_encode("AGE-PLUGIN-AGSTEST-", data, 16, true, &s), 0);
	assert_int_equal(ags_age_identity_parse(s, &id, &d), 0);
	assert_int_equal(ags_age_identity_string(id, &t), 0);
	assert_string_equal(s, t);
	ags_free_secret_str(t);
	/* identity-based recipient: no public string */
	assert_int_equal(ags_age_identity_to_recipient(id, &r2), 0);
	assert_int_equal(ags_age_recipient_string(r2, &t), AGS_E_UNSUPPORTED);
	ags_age_recipient_free(r2);
	ags_age_identity_free(id);
	free(s);

	/* invalid plugin names */
	assert_int_equal(ags_bech32_encode("age1a/b", data, 16, false, &s), 0);
	assert_int_equal(ags_age_recipient_parse(s, &r, &d), AGS_E_AGE_BAD_KEY);
	free(s);
	assert_int_equal(ags_bech32_encode("AGE-PLUGIN-A/B-", data, 16, true, &s), 0);
	assert_int_equal(ags_age_identity_parse(s, &id, &d), AGS_E_AGE_BAD_KEY);
	free(s);
	assert_int_equal(ags_age_plugin_identity_new("agstest", &id, &d), 0);
	assert_int_equal(ags_age_identity_string(id, &t), 0);
	assert_int_equal(strncmp(t, "AGE-PLUGIN-AGSTEST-1", 20), 0);
	ags_free_secret_str(t);
	ags_age_identity_free(id);
	assert_int_equal(ags_age_plugin_identity_new("../x", &id, &d), AGS_E_AGE_BAD_KEY);
	assert_int_equal(ags_age_plugin_identity_new("", &id, &d), AGS_E_AGE_BAD_KEY);
	/* bad checksum */
	assert_int_equal(ags_age_recipient_parse("age1agstest1qqqqqqqqqqqqqqqqqq", &r, &d), AGS_E_AGE_BECH32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ed25519_to_x25519),
		cmocka_unit_test(pubkey_lines),
		cmocka_unit_test(keyfiles_plain),
		cmocka_unit_test(keyfiles_encrypted),
		cmocka_unit_test(keyfiles_bad),
		cmocka_unit_test(keyfiles_pem),
		cmocka_unit_test(unwrap_go_files),
		cmocka_unit_test(wrap_roundtrip),
		cmocka_unit_test(api_roundtrip),
		cmocka_unit_test(plugin_strings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
