/*
 * SSH deploy keys as `flux create secret git` makes them: generated with
 * OpenSSL, private key in PEM PKCS#8 ("BEGIN PRIVATE KEY", what fluxcd/pkg
 * ssh writes for every algorithm) or optionally openssh-key-v1 (which
 * OpenSSH < 9.6 needs for Ed25519), public key as an authorized_keys line.
 */
#include "internal.h"
#include <agesops/gitops.h>
#include "crypto/ossl.h"
#include "age/ssh_wire.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>

#define SSH_FILE_MAX (64 * 1024)

/* The SSH wire encoding is lib/age's (age/ssh_wire.h). */

struct ecinfo {
	int bits;
	const char *ossl_group, *ossl_alias, *ssh_curve, *ssh_type;
};

static const struct ecinfo ec_curves[] = {
	{ 256, "P-256", "prime256v1", "nistp256", "ecdsa-sha2-nistp256" },
	{ 384, "P-384", "secp384r1", "nistp384", "ecdsa-sha2-nistp384" },
	{ 521, "P-521", "secp521r1", "nistp521", "ecdsa-sha2-nistp521" },
};

static const struct ecinfo *ec_by_group(const char *g)
{
	for (size_t i = 0; i < AGS_ARRAY_SIZE(ec_curves); i++)
		if (!strcasecmp(g, ec_curves[i].ossl_group) || !strcasecmp(g, ec_curves[i].ossl_alias))
			return &ec_curves[i];
	return NULL;
}

/* The public key blob and its type name. */
static int pub_blob(EVP_PKEY *pk, struct ags_buf *blob, const char **type, struct ags_diag *d)
{
	int id = EVP_PKEY_get_base_id(pk);
	if (id == EVP_PKEY_ED25519) {
		unsigned char raw[32];
		size_t rl = sizeof(raw);
		if (EVP_PKEY_get_raw_public_key(pk, raw, &rl) != 1 || rl != 32)
			return ags_diag_set(d, AGS_E_CRYPTO, "cannot read the Ed25519 public key");
		*type = "ssh-ed25519";
		AGS_TRY(ags_ssh_put_cstring(blob, *type));
		return ags_ssh_put_string(blob, raw, 32);
	}
	if (id == EVP_PKEY_EC) {
		char group[64];
		unsigned char pt[200];
		size_t gl = 0, pl = 0;
		if (EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &gl) != 1)
			return ags_diag_set(d, AGS_E_CRYPTO, "cannot read the EC curve");
		const struct ecinfo *ec = ec_by_group(group);
		if (!ec)
			return ags_diag_set(d, AGS_E_UNSUPPORTED, "EC curve %s is not usable with SSH", group);
		if (EVP_PKEY_get_octet_string_param(pk, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pt, sizeof(pt), &pl) != 1 ||
		    pl == 0 || pt[0] != 0x04)
			return ags_diag_set(d, AGS_E_CRYPTO, "cannot read the EC public point");
		*type = ec->ssh_type;
		AGS_TRY(ags_ssh_put_cstring(blob, ec->ssh_type));
		AGS_TRY(ags_ssh_put_cstring(blob, ec->ssh_curve));
		return ags_ssh_put_string(blob, pt, pl);
	}
	if (id == EVP_PKEY_RSA) {
		BIGNUM *n = NULL, *e = NULL;
		int r = 0;
		if (EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
		    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &e) != 1)
			r = ags_diag_set(d, AGS_E_CRYPTO, "cannot read the RSA public key");
		*type = "ssh-rsa";
		if (!r)
			r = ags_ssh_put_cstring(blob, *type);
		if (!r)
			r = ags_ssh_put_mpint(blob, e);
		if (!r)
			r = ags_ssh_put_mpint(blob, n);
		BN_free(n);
		BN_free(e);
		return r;
	}
	return ags_diag_set(d, AGS_E_UNSUPPORTED, "unsupported private key type for SSH");
}

static int pkey_authorized(EVP_PKEY *pk, char **pub, struct ags_diag *d)
{
	struct ags_buf blob;
	const char *type = NULL;
	ags_buf_init(&blob, 4096);
	int r = pub_blob(pk, &blob, &type, d);
	if (!r)
		r = ags_ssh_key_line(type, blob.data, blob.len, true, pub);
	ags_buf_release(&blob);
	return r;
}

/* ---- openssh-key-v1 writer (unencrypted) ---- */

static int put_bn_param(struct ags_buf *b, EVP_PKEY *pk, const char *name)
{
	BIGNUM *bn = NULL;
	if (EVP_PKEY_get_bn_param(pk, name, &bn) != 1)
		return AGS_E_CRYPTO;
	int r = ags_ssh_put_mpint(b, bn);
	BN_clear_free(bn);
	return r;
}

static int openssh_private(EVP_PKEY *pk, struct ags_buf *out, struct ags_diag *d)
{
	struct ags_buf blob, priv, file;
	const char *type = NULL;
	int r;
	ags_buf_init(&blob, 4096);
	ags_buf_init_secret(&priv, 16384);
	ags_buf_init_secret(&file, 32768);
	if ((r = pub_blob(pk, &blob, &type, d)) < 0)
		goto out;
	uint32_t check;
	if ((r = ags_random(&check, sizeof(check))) < 0)
		goto out;
	if ((r = ags_ssh_put_u32(&priv, check)) < 0 || (r = ags_ssh_put_u32(&priv, check)) < 0 ||
	    (r = ags_ssh_put_cstring(&priv, type)) < 0)
		goto out;
	int id = EVP_PKEY_get_base_id(pk);
	if (id == EVP_PKEY_ED25519) {
		unsigned char kp[64];
		size_t sl = 32, pl = 32;
		if (EVP_PKEY_get_raw_private_key(pk, kp, &sl) != 1 || EVP_PKEY_get_raw_public_key(pk, kp + 32, &pl) != 1) {
			ags_wipe(kp, sizeof(kp));
			r = AGS_E_CRYPTO;
			goto out;
		}
		if ((r = ags_ssh_put_string(&priv, kp + 32, 32)) == 0)
			r = ags_ssh_put_string(&priv, kp, 64);
		ags_wipe(kp, sizeof(kp));
	} else if (id == EVP_PKEY_EC) {
		/* the blob after its type string is curve name + point: reuse it */
		size_t skip = 4 + strlen(type);
		if ((r = ags_buf_append(&priv, blob.data + skip, blob.len - skip)) == 0)
			r = put_bn_param(&priv, pk, OSSL_PKEY_PARAM_PRIV_KEY);
	} else {
		if ((r = put_bn_param(&priv, pk, OSSL_PKEY_PARAM_RSA_N)) == 0 &&
		    (r = put_bn_param(&priv, pk, OSSL_PKEY_PARAM_RSA_E)) == 0 &&
		    (r = put_bn_param(&priv, pk, OSSL_PKEY_PARAM_RSA_D)) == 0 &&
		    (r = put_bn_param(&priv, pk, OSSL_PKEY_PARAM_RSA_COEFFICIENT1)) == 0 &&
		    (r = put_bn_param(&priv, pk, OSSL_PKEY_PARAM_RSA_FACTOR1)) == 0)
			r = put_bn_param(&priv, pk, OSSL_PKEY_PARAM_RSA_FACTOR2);
	}
	if (r < 0)
		goto out;
	if ((r = ags_ssh_put_cstring(&priv, "")) < 0) /* comment */
		goto out;
	for (unsigned char pad = 1; priv.len % 8; pad++)
		if ((r = ags_buf_putc(&priv, pad)) < 0)
			goto out;
	if ((r = ags_buf_append(&file, "openssh-key-v1", 15)) < 0 || (r = ags_ssh_put_cstring(&file, "none")) < 0 ||
	    (r = ags_ssh_put_cstring(&file, "none")) < 0 || (r = ags_ssh_put_cstring(&file, "")) < 0 ||
	    (r = ags_ssh_put_u32(&file, 1)) < 0 || (r = ags_ssh_put_string(&file, blob.data, blob.len)) < 0 ||
	    (r = ags_ssh_put_string(&file, priv.data, priv.len)) < 0)
		goto out;
	size_t el = ags_b64_encoded_len(file.len, AGS_B64_PADDED);
	char *b64 = malloc(el + 1);
	if (!b64) {
		r = AGS_E_NOMEM;
		goto out;
	}
	ags_b64_encode(file.data, file.len, AGS_B64_PADDED, b64);
	r = ags_buf_puts(out, "-----BEGIN OPENSSH PRIVATE KEY-----\n");
	for (size_t i = 0; r == 0 && i < el; i += 70) {
		r = ags_buf_append(out, b64 + i, AGS_MIN(70, el - i));
		if (!r)
			r = ags_buf_putc(out, '\n');
	}
	if (!r)
		r = ags_buf_puts(out, "-----END OPENSSH PRIVATE KEY-----\n");
	ags_free_secret(b64, el + 1);
out:
	ags_buf_release(&blob);
	ags_buf_release(&priv);
	ags_buf_release(&file);
	return r;
}

static int pem_pkcs8(EVP_PKEY *pk, struct ags_buf *out)
{
	BIO *bio = BIO_new(BIO_s_secmem());
	if (!bio)
		return AGS_E_NOMEM;
	int r = 0;
	if (PEM_write_bio_PrivateKey(bio, pk, NULL, NULL, 0, NULL, NULL) != 1) {
		r = AGS_E_CRYPTO;
	} else {
		char *p = NULL;
		long n = BIO_get_mem_data(bio, &p);
		r = n > 0 ? ags_buf_append(out, p, (size_t)n) : AGS_E_CRYPTO;
	}
	BIO_free(bio);
	return r;
}

int ags_ssh_keygen(enum ags_ssh_alg alg, int curve_bits, enum ags_ssh_format fmt, char **priv,
		   size_t *privlen, char **pub, struct ags_diag *d)
{
	EVP_PKEY *pk = NULL;
	switch (alg) {
	case AGS_SSH_ED25519:
		pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		break;
	case AGS_SSH_ECDSA: {
		const struct ecinfo *ec = NULL;
		for (size_t i = 0; i < AGS_ARRAY_SIZE(ec_curves); i++)
			if (ec_curves[i].bits == curve_bits)
				ec = &ec_curves[i];
		if (!ec)
			return ags_diag_set(d, AGS_E_GITOPS_INVALID, "ECDSA curve must be p256, p384 or p521");
		pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", ec->ossl_group);
		break;
	}
	case AGS_SSH_RSA:
		if (curve_bits < 1024 || curve_bits % 8 || curve_bits > 8192)
			return ags_diag_set(d, AGS_E_GITOPS_INVALID,
					    "RSA key size must be at least 1024, at most 8192 and a multiple of 8");
		pk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)curve_bits);
		break;
	default:
		return AGS_E_INVAL;
	}
	if (!pk) {
		ERR_clear_error();
		return ags_diag_set(d, AGS_E_CRYPTO, "SSH key generation failed");
	}
	struct ags_buf out;
	char *p = NULL;
	ags_buf_init_secret(&out, 65536);
	int r = fmt == AGS_SSH_FMT_OPENSSH ? openssh_private(pk, &out, d) : pem_pkcs8(pk, &out);
	if (!r)
		r = pkey_authorized(pk, &p, d);
	if (!r) {
		size_t n;
		char *s = ags_buf_detach(&out, &n);
		if (!s) {
			r = AGS_E_NOMEM;
		} else {
			*priv = s;
			*privlen = n;
			*pub = p;
			p = NULL;
		}
	}
	free(p);
	ags_buf_release(&out);
	EVP_PKEY_free(pk);
	ERR_clear_error();
	return r;
}

/* ---- reading a private key file ---- */

static const char OPENSSH_BEGIN[] = "-----BEGIN OPENSSH PRIVATE KEY-----";
static const char OPENSSH_END[] = "-----END OPENSSH PRIVATE KEY-----";

static int openssh_public(const char *data, size_t len, char **pub, struct ags_diag *d)
{
	const char *b = memmem(data, len, OPENSSH_BEGIN, sizeof(OPENSSH_BEGIN) - 1);
	const char *e = b ? memmem(b, len - (size_t)(b - data), OPENSSH_END, sizeof(OPENSSH_END) - 1) : NULL;
	if (!b || !e)
		return ags_diag_set(d, AGS_E_SYNTAX, "malformed OpenSSH private key");
	b += sizeof(OPENSSH_BEGIN) - 1;
	char *clean = malloc((size_t)(e - b) + 1);
	if (!clean)
		return AGS_E_NOMEM;
	size_t cl = 0;
	for (const char *p = b; p < e; p++)
		if (*p != '\n' && *p != '\r' && *p != ' ' && *p != '\t')
			clean[cl++] = *p;
	unsigned char *raw = malloc(ags_b64_decoded_max(cl) + 1);
	size_t rl = 0;
	int r = raw ? ags_b64_decode(clean, cl, AGS_B64_PADDED, raw, &rl) : AGS_E_NOMEM;
	free(clean);
	if (r < 0) {
		free(raw);
		return r == AGS_E_NOMEM ? r : ags_diag_set(d, AGS_E_SYNTAX, "malformed OpenSSH private key (base64)");
	}
	const uint8_t *s, *ts;
	size_t l, tl;
	uint32_t nkeys;
	if (rl < 15 || memcmp(raw, "openssh-key-v1", 15) != 0) {
		r = ags_diag_set(d, AGS_E_SYNTAX, "not an openssh-key-v1 private key");
		goto out;
	}
	struct ags_ssh_rd rd = { raw + 15, rl - 15 };
	/* cipher, kdf, kdf options */
	if (!ags_ssh_rd_string(&rd, &s, &l) || !ags_ssh_rd_string(&rd, &s, &l) || !ags_ssh_rd_string(&rd, &s, &l) ||
	    !ags_ssh_rd_u32(&rd, &nkeys) || nkeys != 1 || !ags_ssh_rd_string(&rd, &s, &l)) {
		r = ags_diag_set(d, AGS_E_SYNTAX, "malformed OpenSSH private key");
		goto out;
	}
	/* type name inside the blob */
	struct ags_ssh_rd brd = { s, l };
	if (!ags_ssh_rd_string(&brd, &ts, &tl) || tl == 0 || tl > 64) {
		r = ags_diag_set(d, AGS_E_SYNTAX, "malformed OpenSSH public key blob");
		goto out;
	}
	char type[65];
	memcpy(type, ts, tl);
	type[tl] = 0;
	r = ags_ssh_key_line(type, s, l, true, pub);
out:
	ags_free_secret(raw, ags_b64_decoded_max(cl) + 1);
	return r;
}

static int pass_cb(char *buf, int size, int rwflag, void *u)
{
	(void)rwflag;
	const char *p = u;
	if (!p)
		return -1;
	size_t n = strlen(p);
	if (n > (size_t)size)
		return -1;
	memcpy(buf, p, n);
	return (int)n;
}

int ags_ssh_public_from_private(const void *data, size_t len, const char *passphrase, char **pub,
				struct ags_diag *d)
{
	if (len > SSH_FILE_MAX)
		return ags_diag_set(d, AGS_E_TOO_BIG, "private key file is larger than 64 KiB");
	if (memmem(data, len, OPENSSH_BEGIN, sizeof(OPENSSH_BEGIN) - 1))
		return openssh_public(data, len, pub, d);
	BIO *bio = BIO_new_mem_buf(data, (int)len);
	if (!bio)
		return AGS_E_NOMEM;
	EVP_PKEY *pk = PEM_read_bio_PrivateKey(bio, NULL, pass_cb, (void *)passphrase);
	BIO_free(bio);
	ERR_clear_error();
	if (!pk)
		return ags_diag_set(d, AGS_E_SYNTAX,
				    passphrase ? "cannot read the private key (not PEM/OpenSSH, or wrong password)"
					       : "cannot read the private key (not PEM/OpenSSH, or it needs --password)");
	int r = pkey_authorized(pk, pub, d);
	EVP_PKEY_free(pk);
	return r;
}
