/*
 * OpenSSH public keys: wire blobs, .pub and authorized_keys lines, and the
 * derived fields age needs (stanza tag, X25519 form of an Ed25519 key).
 */
#include "internal.h"
#include "age/ssh.h"
#include "age/ssh_wire.h"
#include "crypto/ossl.h"

#include <string.h>
#include <stdlib.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>

const char *ags_ssh_type_name(enum ags_ssh_type t)
{
	return t == AGS_SSH_ED25519 ? "ssh-ed25519" : t == AGS_SSH_RSA ? "ssh-rsa" : "?";
}


/* ---- public keys ---- */

void ags_ssh_pubkey_free(struct ags_ssh_pubkey *pk)
{
	if (!pk)
		return;
	EVP_PKEY_free(pk->rsa);
	AGS_FREE_ALL(pk->wire, pk);
}

/* Takes the canonical wire form built in b (b is left empty) and derives
 * the stanza tag from it: the first four bytes of its SHA-256, as age's ssh
 * recipients write it. */
static int set_wire(struct ags_ssh_pubkey *pk, struct ags_buf *b)
{
	pk->wirelen = b->len;
	pk->wire = (uint8_t *)ags_buf_detach(b, NULL);
	if (!pk->wire)
		return AGS_E_NOMEM;
	uint8_t h[32];
	AGS_TRY(ags_sha256(pk->wire, pk->wirelen, h));
	ags_b64_encode(h, 4, AGS_B64_UNPADDED, pk->tag);
	return 0;
}

/* Finishes pk from the wire form in b, or (r < 0: building it failed)
 * frees it; b is released either way. */
static int finish(struct ags_ssh_pubkey *pk, struct ags_buf *b, int r, struct ags_ssh_pubkey **ret)
{
	if (r == 0)
		r = set_wire(pk, b);
	ags_buf_release(b);
	if (r < 0) {
		ags_ssh_pubkey_free(pk);
		return r;
	}
	*ret = pk;
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
int ags_ssh_pubkey_new_rsa(const BIGNUM *n, const BIGNUM *e, struct ags_ssh_pubkey **ret, struct ags_diag *d)
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
	if ((r = ags_ssh_put_cstring(&b, "ssh-rsa")) == 0 && (r = ags_ssh_put_mpint(&b, e)) == 0 &&
	    (r = ags_ssh_put_mpint(&b, n)) == 0)
		r = rsa_public_from_bn(n, e, &pk->rsa);
	return finish(pk, &b, r, ret);
}

int ags_ssh_pubkey_new_ed25519(const uint8_t pub[32], struct ags_ssh_pubkey **ret, struct ags_diag *d)
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
	if ((r = ags_ssh_put_cstring(&b, "ssh-ed25519")) == 0)
		r = ags_ssh_put_string(&b, pub, 32);
	return finish(pk, &b, r, ret);
}

/* Parses the key fields after the type string; rd must be consumed fully. */
static int pubkey_from_reader(struct ags_ssh_rd *r, struct ags_ssh_pubkey **ret, struct ags_diag *d)
{
	const uint8_t *type, *s;
	size_t typelen, len;
	int rc;

	if (!ags_ssh_rd_string(r, &type, &typelen))
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "malformed SSH public key");
	if (ags_ssh_str_is(type, typelen, "ssh-ed25519")) {
		if (!ags_ssh_rd_string(r, &s, &len) || len != 32)
			return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "malformed ssh-ed25519 public key");
		return ags_ssh_pubkey_new_ed25519(s, ret, d);
	}
	if (ags_ssh_str_is(type, typelen, "ssh-rsa")) {
		BIGNUM *e = ags_ssh_rd_mpint(r, false), *n = e ? ags_ssh_rd_mpint(r, false) : NULL;
		if (!e || !n) {
			BN_free(e);
			return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "malformed ssh-rsa public key");
		}
		rc = ags_ssh_pubkey_new_rsa(n, e, ret, d);
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
	struct ags_ssh_rd r = { wire, len };
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

/* The offset of the first non-blank at or after i. */
static size_t skip_blanks(const char *s, size_t len, size_t i)
{
	while (i < len && is_sp(s[i]))
		i++;
	return i;
}

/* The next blank-separated field at or after *i: its offset in *start, its
 * length returned, *i moved past it. */
static size_t next_field(const char *s, size_t len, size_t *i, size_t *start)
{
	*i = *start = skip_blanks(s, len, *i);
	while (*i < len && !is_sp(s[*i]))
		(*i)++;
	return *i - *start;
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

	tlen = next_field(s, len, &i, &tstart);
	blen = next_field(s, len, &i, &bstart);
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
	i = skip_blanks(line, len, 0);
	if (known_type_at(line + i, len - i))
		return parse_key_fields(line + i, len - i, ret, d);
	/* An options field comes first (authorized_keys). */
	end = skip_options(line + i, len - i);
	if (end == len - i)
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "malformed SSH public key line");
	i = skip_blanks(line, len, i + end);
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
	i = skip_blanks(s, len, end);
	return known_type_at(s + i, len - i);
}

int ags_ssh_pubkey_string(const struct ags_ssh_pubkey *pk, char **ret)
{
	return ags_ssh_key_line(ags_ssh_type_name(pk->type), pk->wire, pk->wirelen, false, ret);
}

int ags_ssh_pubkey_dup(const struct ags_ssh_pubkey *pk, struct ags_ssh_pubkey **ret)
{
	return ags_ssh_pubkey_from_wire(pk->wire, pk->wirelen, ret, NULL);
}

bool ags_ssh_pubkey_equal(const struct ags_ssh_pubkey *a, const struct ags_ssh_pubkey *b)
{
	return a->type == b->type && a->wirelen == b->wirelen && memcmp(a->wire, b->wire, a->wirelen) == 0;
}

