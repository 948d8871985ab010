/*
 * OpenSSH keys: public keys (wire blobs, authorized_keys lines) and private
 * key files.  OpenSSL 3.0 cannot read the "openssh-key-v1" container that
 * ssh-keygen writes by default, so its framing is parsed here; every
 * primitive (AES, bcrypt_pbkdf's SHA-512/Blowfish, RSA, Ed25519) is
 * OpenSSL's.  PKCS#1 and PKCS#8 PEM keys go to OpenSSL's PEM reader.
 */
#include "internal.h"
#include "age/ssh.h"
#include "crypto/ossl.h"
#include "crypto/bcrypt_pbkdf.h"

#include <string.h>
#include <stdlib.h>
#include <openssl/evp.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/err.h>

#define OPENSSH_MAGIC "openssh-key-v1"
#define PEM_BEGIN_OPENSSH "-----BEGIN OPENSSH PRIVATE KEY-----"
#define PEM_END_OPENSSH "-----END OPENSSH PRIVATE KEY-----"

const char *ags_ssh_type_name(enum ags_ssh_type t)
{
	return t == AGS_SSH_ED25519 ? "ssh-ed25519" : t == AGS_SSH_RSA ? "ssh-rsa" : "?";
}

/* ---- SSH wire reader (RFC 4251 §5) ---- */

struct rd {
	const uint8_t *p;
	size_t n;
};

static bool rd_u32(struct rd *r, uint32_t *v)
{
	if (r->n < 4)
		return false;
	*v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 | (uint32_t)r->p[2] << 8 | r->p[3];
	r->p += 4;
	r->n -= 4;
	return true;
}

static bool rd_string(struct rd *r, const uint8_t **s, size_t *len)
{
	uint32_t l;
	if (!rd_u32(r, &l) || l > r->n)
		return false;
	*s = r->p;
	*len = l;
	r->p += l;
	r->n -= l;
	return true;
}

static bool str_is(const uint8_t *s, size_t len, const char *want)
{
	return len == strlen(want) && memcmp(s, want, len) == 0;
}

/* A non-negative mpint as a BIGNUM (secret ones in BN_secure memory). */
static BIGNUM *rd_mpint(struct rd *r, bool secret)
{
	const uint8_t *s;
	size_t len;
	BIGNUM *bn;

	if (!rd_string(r, &s, &len) || len > AGS_SSH_RSA_MAX_BITS / 8 + 1)
		return NULL;
	if (len > 0 && (s[0] & 0x80))
		return NULL; /* negative */
	bn = secret ? BN_secure_new() : BN_new();
	if (!bn)
		return NULL;
	if (secret)
		BN_set_flags(bn, BN_FLG_CONSTTIME);
	if (!BN_bin2bn(s, (int)len, bn)) {
		BN_clear_free(bn);
		return NULL;
	}
	return bn;
}

/* ---- SSH wire writer ---- */

static int put_string(struct ags_buf *b, const void *s, size_t len)
{
	uint8_t l[4] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8), (uint8_t)len };
	AGS_TRY(ags_buf_append(b, l, 4));
	return ags_buf_append(b, s, len);
}

/* mpint: big-endian, with a leading zero byte when the top bit is set
 * (canonical, as Go's ssh.Marshal writes it). */
static int put_mpint(struct ags_buf *b, const BIGNUM *bn)
{
	uint8_t tmp[AGS_SSH_RSA_MAX_BITS / 8 + 1];
	int n = BN_num_bytes(bn);

	if (n < 0 || (size_t)n > sizeof(tmp) - 1)
		return AGS_E_AGE_BAD_KEY;
	tmp[0] = 0;
	BN_bn2bin(bn, tmp + 1);
	if (n > 0 && (tmp[1] & 0x80))
		return put_string(b, tmp, (size_t)n + 1);
	return put_string(b, tmp + 1, (size_t)n);
}

/* ---- public keys ---- */

void ags_ssh_pubkey_free(struct ags_ssh_pubkey *pk)
{
	if (!pk)
		return;
	free(pk->wire);
	EVP_PKEY_free(pk->rsa);
	free(pk);
}

static int set_tag(struct ags_ssh_pubkey *pk)
{
	uint8_t h[32];
	AGS_TRY(ags_sha256(pk->wire, pk->wirelen, h));
	ags_b64_encode(h, 4, AGS_B64_UNPADDED, pk->tag);
	return 0;
}

static int rsa_public_from_bn(const BIGNUM *n, const BIGNUM *e, EVP_PKEY **ret)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	EVP_PKEY *pkey = NULL;
	int r = AGS_E_CRYPTO;

	if (bld && ctx && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) && (params = OSSL_PARAM_BLD_to_param(bld)) &&
	    EVP_PKEY_fromdata_init(ctx) == 1 && EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) == 1) {
		*ret = pkey;
		r = 0;
	}
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	return r;
}

/* Builds the canonical wire form and the derived fields of an RSA key. */
static int rsa_pubkey_new(const BIGNUM *n, const BIGNUM *e, struct ags_ssh_pubkey **ret, struct ags_diag *d)
{
	struct ags_ssh_pubkey *pk;
	struct ags_buf b;
	int bits = BN_num_bits(n), r;

	/* Go's ssh package: the exponent must be odd, >= 3 and fit 24 bits. */
	if (BN_num_bits(e) > 24 || BN_get_word(e) < 3 || !BN_is_odd(e))
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "invalid RSA public exponent");
	if (bits < 512 || bits > AGS_SSH_RSA_MAX_BITS)
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "RSA key size %d is out of range", bits);
	pk = calloc(1, sizeof(*pk));
	if (!pk)
		return AGS_E_NOMEM;
	pk->type = AGS_SSH_RSA;
	pk->rsa_bits = (unsigned)bits;
	ags_buf_init(&b, 8192);
	if ((r = put_string(&b, "ssh-rsa", 7)) < 0 || (r = put_mpint(&b, e)) < 0 || (r = put_mpint(&b, n)) < 0)
		goto fail;
	pk->wirelen = b.len;
	pk->wire = (uint8_t *)ags_buf_detach(&b, NULL);
	if (!pk->wire) {
		r = AGS_E_NOMEM;
		goto fail;
	}
	if ((r = set_tag(pk)) < 0 || (r = rsa_public_from_bn(n, e, &pk->rsa)) < 0)
		goto fail;
	*ret = pk;
	return 0;
fail:
	ags_buf_release(&b);
	ags_ssh_pubkey_free(pk);
	return r;
}

static int ed25519_pubkey_new(const uint8_t pub[32], struct ags_ssh_pubkey **ret, struct ags_diag *d)
{
	struct ags_ssh_pubkey *pk;
	struct ags_buf b;
	int r;

	pk = calloc(1, sizeof(*pk));
	if (!pk)
		return AGS_E_NOMEM;
	pk->type = AGS_SSH_ED25519;
	memcpy(pk->ed25519, pub, 32);
	r = ags_ssh_ed25519_to_x25519(pub, pk->x25519);
	if (r < 0) {
		free(pk);
		return ags_diag_set(d, r, "invalid Ed25519 public key (not a point on the curve)");
	}
	ags_buf_init(&b, 256);
	if ((r = put_string(&b, "ssh-ed25519", 11)) < 0 || (r = put_string(&b, pub, 32)) < 0)
		goto fail;
	pk->wirelen = b.len;
	pk->wire = (uint8_t *)ags_buf_detach(&b, NULL);
	if (!pk->wire) {
		r = AGS_E_NOMEM;
		goto fail;
	}
	if ((r = set_tag(pk)) < 0)
		goto fail;
	*ret = pk;
	return 0;
fail:
	ags_buf_release(&b);
	ags_ssh_pubkey_free(pk);
	return r;
}

/* Parses the key fields after the type string; rd must be consumed fully. */
static int pubkey_from_reader(struct rd *r, struct ags_ssh_pubkey **ret, struct ags_diag *d)
{
	const uint8_t *type, *s;
	size_t typelen, len;
	int rc;

	if (!rd_string(r, &type, &typelen))
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "malformed SSH public key");
	if (str_is(type, typelen, "ssh-ed25519")) {
		if (!rd_string(r, &s, &len) || len != 32)
			return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "malformed ssh-ed25519 public key");
		return ed25519_pubkey_new(s, ret, d);
	}
	if (str_is(type, typelen, "ssh-rsa")) {
		BIGNUM *e = rd_mpint(r, false), *n = e ? rd_mpint(r, false) : NULL;
		if (!e || !n) {
			BN_free(e);
			return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "malformed ssh-rsa public key");
		}
		rc = rsa_pubkey_new(n, e, ret, d);
		BN_free(e);
		BN_free(n);
		return rc;
	}
	/* Name the type only if it is printable and short. */
	for (len = 0; len < typelen && len < 64; len++)
		if (type[len] < 0x21 || type[len] > 0x7e)
			break;
	if (len == typelen && len > 0 && len < 64)
		return ags_diag_set(d, AGS_E_AGE_UNSUPPORTED_RECIPIENT, "unsupported SSH key type \"%.*s\"",
				    (int)typelen, (const char *)type);
	return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "malformed SSH public key");
}

int ags_ssh_pubkey_from_wire(const uint8_t *wire, size_t len, struct ags_ssh_pubkey **ret, struct ags_diag *d)
{
	struct rd r = { wire, len };
	struct ags_ssh_pubkey *pk = NULL;

	AGS_TRY(pubkey_from_reader(&r, &pk, d));
	if (r.n != 0) {
		ags_ssh_pubkey_free(pk);
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "trailing data in SSH public key");
	}
	*ret = pk;
	return 0;
}

static bool is_sp(char c)
{
	return c == ' ' || c == '\t';
}

/* Skips an authorized_keys options field (quoted strings may hold spaces);
 * returns the offset of the first blank after it, or len. */
static size_t skip_options(const char *s, size_t len)
{
	bool quoted = false;
	size_t i;

	for (i = 0; i < len; i++) {
		if (!quoted && is_sp(s[i]))
			break;
		if (s[i] == '\\' && quoted && i + 1 < len && s[i + 1] == '"')
			i++;
		else if (s[i] == '"')
			quoted = !quoted;
	}
	return i;
}

/* Tries "keytype base64 [comment]" at s; 1 when the fields are found. */
static int parse_key_fields(const char *s, size_t len, struct ags_ssh_pubkey **ret, struct ags_diag *d)
{
	size_t i = 0, tstart, tlen, bstart, blen, outlen;
	uint8_t *blob;
	int r;

	while (i < len && is_sp(s[i]))
		i++;
	tstart = i;
	while (i < len && !is_sp(s[i]))
		i++;
	tlen = i - tstart;
	while (i < len && is_sp(s[i]))
		i++;
	bstart = i;
	while (i < len && !is_sp(s[i]))
		i++;
	blen = i - bstart;
	if (tlen == 0 || blen == 0)
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "malformed SSH public key line");
	blob = malloc(ags_b64_decoded_max(blen) + 1);
	if (!blob)
		return AGS_E_NOMEM;
	if (ags_b64_decode(s + bstart, blen, AGS_B64_PADDED, blob, &outlen) < 0) {
		free(blob);
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "malformed SSH public key: bad base64");
	}
	r = ags_ssh_pubkey_from_wire(blob, outlen, ret, d);
	free(blob);
	if (r < 0)
		return r;
	if (strlen(ags_ssh_type_name((*ret)->type)) != tlen ||
	    memcmp(ags_ssh_type_name((*ret)->type), s + tstart, tlen) != 0) {
		ags_ssh_pubkey_free(*ret);
		*ret = NULL;
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "SSH key type field does not match the key");
	}
	return 0;
}

static bool known_type_at(const char *s, size_t len)
{
	static const char *const types[] = { "ssh-", "ecdsa-", "sk-" };
	for (size_t i = 0; i < AGS_ARRAY_SIZE(types); i++)
		if (len >= strlen(types[i]) && memcmp(s, types[i], strlen(types[i])) == 0)
			return true;
	return false;
}

int ags_ssh_pubkey_parse_line(const char *line, size_t len, struct ags_ssh_pubkey **ret, struct ags_diag *d)
{
	size_t i = 0, end;

	if (len > AGS_SSH_LINE_MAX)
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "SSH public key line is too long");
	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (memchr(line, '\n', len) || memchr(line, '\0', len))
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "SSH public key must be a single line");
	while (i < len && is_sp(line[i]))
		i++;
	if (known_type_at(line + i, len - i))
		return parse_key_fields(line + i, len - i, ret, d);
	/* An options field comes first (authorized_keys). */
	end = skip_options(line + i, len - i);
	if (end == len - i)
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "malformed SSH public key line");
	i += end;
	while (i < len && is_sp(line[i]))
		i++;
	return parse_key_fields(line + i, len - i, ret, d);
}

bool ags_ssh_line_looks_like_key(const char *s)
{
	size_t len = strlen(s), i = 0, end;

	if (known_type_at(s, len))
		return true;
	end = skip_options(s, len);
	if (end == 0 || end == len)
		return false;
	i = end;
	while (i < len && is_sp(s[i]))
		i++;
	return known_type_at(s + i, len - i);
}

int ags_ssh_pubkey_string(const struct ags_ssh_pubkey *pk, char **ret)
{
	const char *t = ags_ssh_type_name(pk->type);
	size_t tl = strlen(t), n = ags_b64_encoded_len(pk->wirelen, AGS_B64_PADDED);
	char *s = malloc(tl + 1 + n + 1);

	if (!s)
		return AGS_E_NOMEM;
	memcpy(s, t, tl);
	s[tl] = ' ';
	ags_b64_encode(pk->wire, pk->wirelen, AGS_B64_PADDED, s + tl + 1);
	*ret = s;
	return 0;
}

int ags_ssh_pubkey_dup(const struct ags_ssh_pubkey *pk, struct ags_ssh_pubkey **ret)
{
	return ags_ssh_pubkey_from_wire(pk->wire, pk->wirelen, ret, NULL);
}

bool ags_ssh_pubkey_equal(const struct ags_ssh_pubkey *a, const struct ags_ssh_pubkey *b)
{
	return a->type == b->type && a->wirelen == b->wirelen && memcmp(a->wire, b->wire, a->wirelen) == 0;
}

/* ---- private keys ---- */

void ags_ssh_privkey_free(struct ags_ssh_privkey *k)
{
	if (!k)
		return;
	ags_ssh_pubkey_free(k->pub);
	EVP_PKEY_free(k->rsa);
	ags_free_secret(k, sizeof(*k));
}

void ags_ssh_keyfile_free(struct ags_ssh_keyfile *kf)
{
	if (!kf)
		return;
	ags_ssh_pubkey_free(kf->pub);
	ags_ssh_privkey_free(kf->key);
	free(kf->salt);
	free(kf->blob);
	ags_free_secret(kf->pem, kf->pemlen);
	free(kf);
}

static int ed25519_privkey_new(const uint8_t seed[32], const uint8_t pub[32], struct ags_ssh_privkey **ret,
			       struct ags_diag *d)
{
	EVP_PKEY *ed = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
	struct ags_ssh_privkey *k = NULL;
	uint8_t derived[32], h[64];
	size_t dlen = sizeof(derived);
	int r;

	if (!ed || EVP_PKEY_get_raw_public_key(ed, derived, &dlen) != 1 || dlen != 32) {
		EVP_PKEY_free(ed);
		return AGS_E_CRYPTO;
	}
	EVP_PKEY_free(ed);
	if (pub && !ags_ct_eq(derived, pub, 32))
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "Ed25519 private key does not match its public key");
	k = calloc(1, sizeof(*k));
	if (!k)
		return AGS_E_NOMEM;
	r = ed25519_pubkey_new(derived, &k->pub, d);
	if (r < 0)
		goto fail;
	memcpy(k->ed25519_seed, seed, 32);
	/* age: the X25519 scalar is the first half of SHA-512(seed), the same
	 * value Ed25519 clamps into its signing scalar. */
	if ((r = ags_sha512(seed, 32, h)) < 0)
		goto fail;
	memcpy(k->x25519, h, 32);
	ags_wipe(h, sizeof(h));
	*ret = k;
	return 0;
fail:
	ags_wipe(h, sizeof(h));
	ags_ssh_privkey_free(k);
	return r;
}

static int rsa_privkey_new(BIGNUM *n, BIGNUM *e, BIGNUM *dd, BIGNUM *iqmp, BIGNUM *p, BIGNUM *q,
			   struct ags_ssh_privkey **ret, struct ags_diag *d)
{
	BN_CTX *bnctx = BN_CTX_secure_new();
	BIGNUM *dp = BN_secure_new(), *dq = BN_secure_new(), *t = BN_secure_new();
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	struct ags_ssh_privkey *k = NULL;
	int r = AGS_E_CRYPTO;

	if (!bnctx || !dp || !dq || !t || !bld || !ctx)
		goto out;
	if (!BN_mul(t, p, q, bnctx))
		goto out;
	if (BN_cmp(t, n) != 0) {
		r = ags_diag_set(d, AGS_E_AGE_BAD_KEY, "RSA private key is inconsistent (n != p*q)");
		goto out;
	}
	if (!BN_sub(t, p, BN_value_one()) || !BN_mod(dp, dd, t, bnctx) || !BN_sub(t, q, BN_value_one()) ||
	    !BN_mod(dq, dd, t, bnctx))
		goto out;
	k = calloc(1, sizeof(*k));
	if (!k) {
		r = AGS_E_NOMEM;
		goto out;
	}
	if ((r = rsa_pubkey_new(n, e, &k->pub, d)) < 0)
		goto out;
	r = AGS_E_CRYPTO;
	if (!OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_D, dd) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR1, p) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR2, q) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT1, dp) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT2, dq) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, iqmp) ||
	    !(params = OSSL_PARAM_BLD_to_param(bld)) || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &k->rsa, EVP_PKEY_KEYPAIR, params) != 1)
		goto out;
	*ret = k;
	k = NULL;
	r = 0;
out:
	ags_ssh_privkey_free(k);
	OSSL_PARAM_free(params); /* secure BNs are copied to, and wiped from, the secure heap */
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	BN_clear_free(dp);
	BN_clear_free(dq);
	BN_clear_free(t);
	BN_CTX_free(bnctx);
	return r;
}

/* The (decrypted) private section of openssh-key-v1. */
static int parse_private_section(const uint8_t *p, size_t n, size_t blocksize, const struct ags_ssh_pubkey *outer,
				 const char *name, struct ags_ssh_privkey **ret, struct ags_diag *d)
{
	struct rd r = { p, n };
	uint32_t c1, c2;
	const uint8_t *type, *s1, *s2, *comment;
	size_t typelen, l1, l2, clen, i;
	struct ags_ssh_privkey *k = NULL;
	int rc;

	if (!rd_u32(&r, &c1) || !rd_u32(&r, &c2))
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "%s: truncated private key", name);
	if (c1 != c2)
		return ags_diag_set(d, AGS_E_AUTH, "%s: incorrect passphrase", name);
	if (!rd_string(&r, &type, &typelen))
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "%s: malformed private key", name);
	if (str_is(type, typelen, "ssh-ed25519")) {
		if (!rd_string(&r, &s1, &l1) || l1 != 32 || !rd_string(&r, &s2, &l2) || l2 != 64)
			return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "%s: malformed ssh-ed25519 private key", name);
		if (memcmp(s2 + 32, s1, 32) != 0)
			return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "%s: inconsistent ssh-ed25519 private key", name);
		rc = ed25519_privkey_new(s2, s1, &k, d);
		if (rc < 0)
			return rc == AGS_E_AGE_BAD_KEY ? ags_diag_set(d, rc, "%s: inconsistent ssh-ed25519 private key",
								      name) : rc;
	} else if (str_is(type, typelen, "ssh-rsa")) {
		BIGNUM *bn[6] = { 0 }; /* n e d iqmp p q */
		for (i = 0; i < 6; i++)
			if (!(bn[i] = rd_mpint(&r, i >= 2)))
				break;
		if (i < 6)
			rc = ags_diag_set(d, AGS_E_AGE_BAD_KEY, "%s: malformed ssh-rsa private key", name);
		else
			rc = rsa_privkey_new(bn[0], bn[1], bn[2], bn[3], bn[4], bn[5], &k, d);
		for (i = 0; i < 6; i++)
			BN_clear_free(bn[i]);
		if (rc < 0)
			return rc;
	} else {
		return ags_diag_set(d, AGS_E_AGE_UNSUPPORTED_RECIPIENT, "%s: unsupported SSH key type \"%.*s\"", name,
				    (int)AGS_MIN(typelen, 40), (const char *)type);
	}
	rc = AGS_E_AGE_BAD_KEY;
	if (!rd_string(&r, &comment, &clen)) {
		ags_diag_set(d, rc, "%s: malformed private key (comment)", name);
		goto fail;
	}
	/* Padding 1, 2, 3, ... to the cipher's block size. */
	if (r.n >= blocksize) {
		ags_diag_set(d, rc, "%s: malformed private key (padding)", name);
		goto fail;
	}
	for (i = 0; i < r.n; i++)
		if (r.p[i] != (uint8_t)(i + 1)) {
			ags_diag_set(d, rc, "%s: malformed private key (padding)", name);
			goto fail;
		}
	if (outer && !ags_ssh_pubkey_equal(outer, k->pub)) {
		ags_diag_set(d, rc, "%s: private key does not match its public key", name);
		goto fail;
	}
	*ret = k;
	return 0;
fail:
	ags_ssh_privkey_free(k);
	return rc;
}

/* Strips the PEM armor of an OpenSSH key into a malloc'd binary blob. */
static int openssh_pem_decode(const char *data, size_t len, uint8_t **ret, size_t *retlen)
{
	size_t i = 0, bl = strlen(PEM_BEGIN_OPENSSH), el = strlen(PEM_END_OPENSSH), outlen;
	char *b64 = NULL;
	size_t nb = 0;
	uint8_t *out = NULL;
	bool ended = false;

	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
		i++;
	if (len - i < bl || memcmp(data + i, PEM_BEGIN_OPENSSH, bl) != 0)
		return AGS_E_AGE_BAD_KEY;
	i += bl;
	b64 = malloc(len + 1);
	if (!b64)
		return AGS_E_NOMEM;
	while (i < len) {
		size_t s = i, e;
		while (i < len && data[i] != '\n')
			i++;
		e = i;
		if (i < len)
			i++;
		while (e > s && (data[e - 1] == '\r' || data[e - 1] == ' ' || data[e - 1] == '\t'))
			e--;
		if (ended) {
			if (e != s)
				goto bad;
			continue;
		}
		if (e - s >= el && memcmp(data + s, PEM_END_OPENSSH, el) == 0 && e - s == el) {
			ended = true;
			continue;
		}
		for (size_t j = s; j < e; j++)
			b64[nb++] = data[j];
	}
	if (!ended || nb == 0)
		goto bad;
	out = malloc(ags_b64_decoded_max(nb) + 1);
	if (!out) {
		ags_free_secret(b64, len + 1);
		return AGS_E_NOMEM;
	}
	if (ags_b64_decode(b64, nb, AGS_B64_PADDED, out, &outlen) < 0)
		goto bad;
	ags_free_secret(b64, len + 1);
	*ret = out;
	*retlen = outlen;
	return 0;
bad:
	/* both hold (encoded) private key material */
	ags_free_secret(b64, len + 1);
	if (out)
		ags_free_secret(out, ags_b64_decoded_max(nb) + 1);
	return AGS_E_AGE_BAD_KEY;
}

struct cipher_info {
	const char *name;
	const char *evp; /* OpenSSL's name (a name, as libcrypto is loaded on first use) */
	size_t keylen, ivlen, blocksize, taglen;
};

static const struct cipher_info ciphers[] = {
	{ "aes256-ctr", "aes-256-ctr", 32, 16, 16, 0 },
	{ "aes192-ctr", "aes-192-ctr", 24, 16, 16, 0 },
	{ "aes128-ctr", "aes-128-ctr", 16, 16, 16, 0 },
	{ "aes256-cbc", "aes-256-cbc", 32, 16, 16, 0 },
	{ "aes128-cbc", "aes-128-cbc", 16, 16, 16, 0 },
	{ "aes256-gcm@openssh.com", "aes-256-gcm", 32, 12, 16, 16 },
	{ "aes128-gcm@openssh.com", "aes-128-gcm", 16, 12, 16, 16 },
};

static const struct cipher_info *find_cipher(const char *name)
{
	for (size_t i = 0; i < AGS_ARRAY_SIZE(ciphers); i++)
		if (strcmp(ciphers[i].name, name) == 0)
			return &ciphers[i];
	return NULL;
}

static int parse_openssh(const char *data, size_t len, const char *name, struct ags_ssh_keyfile *kf,
			 struct ags_diag *d)
{
	uint8_t *raw = NULL;
	size_t rawlen, l1, l2, l3, pl, el;
	const uint8_t *cipher, *kdf, *kdfopts, *pub, *enc;
	uint32_t nkeys;
	struct rd r;
	int rc;

	rc = openssh_pem_decode(data, len, &raw, &rawlen);
	if (rc < 0)
		return ags_diag_set(d, rc, "%s: malformed OpenSSH private key (PEM armor)", name);
	r.p = raw;
	r.n = rawlen;
	rc = AGS_E_AGE_BAD_KEY;
	if (rawlen < sizeof(OPENSSH_MAGIC) || memcmp(raw, OPENSSH_MAGIC, sizeof(OPENSSH_MAGIC)) != 0) {
		ags_diag_set(d, rc, "%s: not an openssh-key-v1 private key", name);
		goto out;
	}
	r.p += sizeof(OPENSSH_MAGIC);
	r.n -= sizeof(OPENSSH_MAGIC);
	if (!rd_string(&r, &cipher, &l1) || !rd_string(&r, &kdf, &l2) || !rd_string(&r, &kdfopts, &l3) ||
	    !rd_u32(&r, &nkeys)) {
		ags_diag_set(d, rc, "%s: truncated OpenSSH private key", name);
		goto out;
	}
	if (nkeys != 1) {
		ags_diag_set(d, rc, "%s: OpenSSH key file holds %u keys, want exactly 1", name, nkeys);
		goto out;
	}
	if (!rd_string(&r, &pub, &pl) || !rd_string(&r, &enc, &el)) {
		ags_diag_set(d, rc, "%s: truncated OpenSSH private key", name);
		goto out;
	}
	if ((rc = ags_ssh_pubkey_from_wire(pub, pl, &kf->pub, d)) < 0) {
		if (d) {
			char tmp[AGS_DIAG_MAX];
			memcpy(tmp, d->msg, sizeof(tmp));
			tmp[sizeof(tmp) - 1] = 0;
			ags_diag_set(d, rc, "%.200s: %.300s", name, tmp);
		}
		goto out;
	}
	rc = AGS_E_AGE_BAD_KEY;
	if (l1 >= sizeof(kf->cipher)) {
		ags_diag_set(d, AGS_E_UNSUPPORTED, "%s: unsupported OpenSSH key cipher", name);
		rc = AGS_E_UNSUPPORTED;
		goto out;
	}
	memcpy(kf->cipher, cipher, l1);
	kf->cipher[l1] = 0;
	if (strcmp(kf->cipher, "none") == 0) {
		if (!str_is(kdf, l2, "none") || l3 != 0 || r.n != 0) {
			ags_diag_set(d, rc, "%s: malformed OpenSSH private key (kdf)", name);
			goto out;
		}
		rc = parse_private_section(enc, el, 8, kf->pub, name, &kf->key, d);
		goto out;
	}
	{
		const struct cipher_info *ci = find_cipher(kf->cipher);
		struct rd ko = { kdfopts, l3 };
		const uint8_t *salt;
		size_t sl;
		uint32_t rounds;

		if (!ci) {
			rc = ags_diag_set(d, AGS_E_UNSUPPORTED, "%s: unsupported OpenSSH key cipher \"%s\"", name,
					  kf->cipher);
			goto out;
		}
		if (!str_is(kdf, l2, "bcrypt") || !rd_string(&ko, &salt, &sl) || !rd_u32(&ko, &rounds) ||
		    ko.n != 0 || sl == 0 || sl > 1024) {
			ags_diag_set(d, rc, "%s: malformed or unsupported OpenSSH key KDF", name);
			goto out;
		}
		if (rounds == 0 || rounds > AGS_BCRYPT_PBKDF_MAX_ROUNDS) {
			ags_diag_set(d, rc, "%s: OpenSSH key KDF rounds %u out of range", name, rounds);
			goto out;
		}
		if (el % ci->blocksize != 0 || el == 0 || r.n != ci->taglen) {
			ags_diag_set(d, rc, "%s: malformed OpenSSH private key (encrypted section)", name);
			goto out;
		}
		kf->salt = malloc(sl);
		kf->blob = malloc(el + ci->taglen);
		if (!kf->salt || !kf->blob) {
			rc = AGS_E_NOMEM;
			goto out;
		}
		memcpy(kf->salt, salt, sl);
		kf->saltlen = sl;
		kf->rounds = rounds;
		memcpy(kf->blob, enc, el + ci->taglen); /* the tag follows the string */
		kf->bloblen = el;
		kf->taglen = ci->taglen;
		kf->encrypted = true;
		rc = 0;
	}
out:
	ags_free_secret(raw, rawlen);
	return rc;
}

static int openssh_decrypt(struct ags_ssh_keyfile *kf, const char *pass, size_t passlen, const char *name,
			   struct ags_diag *d)
{
	const struct cipher_info *ci = find_cipher(kf->cipher);
	uint8_t kiv[64];
	uint8_t *pt = NULL;
	EVP_CIPHER_CTX *ctx = NULL;
	int outl = 0, fin = 0, rc;

	if (!ci)
		return AGS_E_UNSUPPORTED;
	if (passlen == 0)
		return ags_diag_set(d, AGS_E_AUTH, "%s: incorrect passphrase (empty)", name);
	rc = ags_bcrypt_pbkdf(pass, passlen, kf->salt, kf->saltlen, kiv, ci->keylen + ci->ivlen, kf->rounds);
	if (rc < 0)
		goto out;
	pt = malloc(kf->bloblen);
	ctx = EVP_CIPHER_CTX_new();
	rc = AGS_E_NOMEM;
	if (!pt || !ctx)
		goto out;
	rc = AGS_E_CRYPTO;
	if (kf->bloblen > INT32_MAX || EVP_DecryptInit_ex(ctx, EVP_get_cipherbyname(ci->evp), NULL, NULL, NULL) != 1)
		goto out;
	if (ci->taglen && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, (int)ci->ivlen, NULL) != 1)
		goto out;
	if (EVP_DecryptInit_ex(ctx, NULL, NULL, kiv, kiv + ci->keylen) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1 ||
	    EVP_DecryptUpdate(ctx, pt, &outl, kf->blob, (int)kf->bloblen) != 1)
		goto out;
	if (ci->taglen &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, (int)ci->taglen, kf->blob + kf->bloblen) != 1)
		goto out;
	if (EVP_DecryptFinal_ex(ctx, pt + outl, &fin) != 1) {
		rc = ci->taglen ? ags_diag_set(d, AGS_E_AUTH, "%s: incorrect passphrase", name) : AGS_E_CRYPTO;
		goto out;
	}
	rc = parse_private_section(pt, kf->bloblen, ci->blocksize, kf->pub, name, &kf->key, d);
	if (rc == 0)
		kf->encrypted = false;
out:
	ags_wipe(kiv, sizeof(kiv));
	ags_free_secret(pt, kf->bloblen);
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

/* ---- PKCS#1 / PKCS#8 PEM through OpenSSL ---- */

struct pem_pass {
	const char *pass;
	size_t len;
	bool asked;
};

static int pem_pass_cb(char *buf, int size, int rwflag, void *u)
{
	struct pem_pass *pp = u;
	(void)rwflag;
	pp->asked = true;
	if (!pp->pass || size < 0 || pp->len > (size_t)size)
		return -1;
	memcpy(buf, pp->pass, pp->len);
	return (int)pp->len;
}

static int pem_load(struct ags_ssh_keyfile *kf, const char *pass, size_t passlen, const char *name,
		    struct ags_diag *d)
{
	struct pem_pass pp = { pass, passlen, false };
	BIO *bio = BIO_new_mem_buf(kf->pem, (int)kf->pemlen);
	EVP_PKEY *pk = NULL;
	struct ags_ssh_privkey *k = NULL;
	int rc = AGS_E_NOMEM;

	if (!bio)
		return rc;
	pk = PEM_read_bio_PrivateKey(bio, NULL, pem_pass_cb, &pp);
	BIO_free(bio);
	ERR_clear_error();
	if (!pk) {
		if (pp.asked && !pass) {
			kf->encrypted = true;
			return 0;
		}
		if (pp.asked)
			return ags_diag_set(d, AGS_E_AUTH, "%s: incorrect passphrase", name);
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "%s: malformed PEM private key", name);
	}
	if (EVP_PKEY_is_a(pk, "ED25519")) {
		uint8_t seed[32];
		size_t sl = sizeof(seed);
		rc = EVP_PKEY_get_raw_private_key(pk, seed, &sl) == 1 && sl == 32 ? 0 : AGS_E_CRYPTO;
		if (rc == 0)
			rc = ed25519_privkey_new(seed, NULL, &k, d);
		ags_wipe(seed, sizeof(seed));
	} else if (EVP_PKEY_is_a(pk, "RSA")) {
		BIGNUM *n = NULL, *e = NULL;
		rc = AGS_E_CRYPTO;
		if (EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &n) == 1 &&
		    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &e) == 1) {
			k = calloc(1, sizeof(*k));
			rc = k ? rsa_pubkey_new(n, e, &k->pub, d) : AGS_E_NOMEM;
			if (rc == 0) {
				k->rsa = pk;
				pk = NULL;
			}
		}
		BN_free(n);
		BN_free(e);
	} else {
		rc = ags_diag_set(d, AGS_E_AGE_UNSUPPORTED_RECIPIENT, "%s: unsupported private key type (only RSA and Ed25519)", name);
	}
	EVP_PKEY_free(pk);
	if (rc < 0) {
		ags_ssh_privkey_free(k);
		return rc;
	}
	if (kf->pub && !ags_ssh_pubkey_equal(kf->pub, k->pub)) {
		ags_ssh_privkey_free(k);
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "%s: private key does not match its public key", name);
	}
	kf->key = k;
	kf->encrypted = false;
	if (!kf->pub)
		return ags_ssh_pubkey_dup(k->pub, &kf->pub);
	return 0;
}

int ags_ssh_keyfile_parse(const char *data, size_t len, const char *name, struct ags_ssh_keyfile **ret,
			  struct ags_diag *d)
{
	struct ags_ssh_keyfile *kf;
	size_t i = 0;
	int rc;

	if (!name)
		name = "SSH key";
	if (len > AGS_SSH_KEYFILE_MAX)
		return ags_diag_set(d, AGS_E_TOO_BIG, "%s: SSH private key file is too long", name);
	kf = calloc(1, sizeof(*kf));
	if (!kf)
		return AGS_E_NOMEM;
	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
		i++;
	if (len - i >= strlen(PEM_BEGIN_OPENSSH) && memcmp(data + i, PEM_BEGIN_OPENSSH, strlen(PEM_BEGIN_OPENSSH)) == 0) {
		rc = parse_openssh(data, len, name, kf, d);
	} else if (len - i >= 11 && memcmp(data + i, "-----BEGIN ", 11) == 0) {
		kf->pem = malloc(len + 1);
		if (!kf->pem) {
			rc = AGS_E_NOMEM;
		} else {
			memcpy(kf->pem, data, len);
			kf->pem[len] = 0;
			kf->pemlen = len;
			rc = pem_load(kf, NULL, 0, name, d);
		}
	} else {
		rc = ags_diag_set(d, AGS_E_AGE_BAD_KEY, "%s: not a PEM private key", name);
	}
	if (rc < 0) {
		ags_ssh_keyfile_free(kf);
		return rc;
	}
	*ret = kf;
	return 0;
}

int ags_ssh_keyfile_decrypt(struct ags_ssh_keyfile *kf, const char *pass, size_t passlen, const char *name,
			    struct ags_diag *d)
{
	if (!name)
		name = "SSH key";
	if (!kf->encrypted)
		return 0;
	if (kf->pem)
		return pem_load(kf, pass ? pass : "", pass ? passlen : 0, name, d);
	return openssh_decrypt(kf, pass, passlen, name, d);
}
