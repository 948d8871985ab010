/*
 * ssh-rsa recipients and identities (Go age's agessh, byte-compatible):
 * "-> ssh-rsa <tag>" with body = RSAES-OAEP(SHA-256, MGF1-SHA-256,
 * label "age-encryption.org/v1/ssh-rsa", file key).
 */
#include "internal.h"
#include "age/ssh.h"
#include "crypto/ossl.h"

#include <string.h>
#include <stdlib.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/crypto.h>
#include <openssl/err.h>

static const char oaep_label[] = "age-encryption.org/v1/ssh-rsa";

static int oaep_setup(EVP_PKEY_CTX *ctx)
{
	void *lbl = OPENSSL_memdup(oaep_label, sizeof(oaep_label) - 1);

	if (!lbl)
		return AGS_E_NOMEM;
	if (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha256()) != 1 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) != 1) {
		OPENSSL_free(lbl);
		return AGS_E_CRYPTO;
	}
	/* set0 takes ownership of the copy on success. */
	if (EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, lbl, (int)(sizeof(oaep_label) - 1)) != 1) {
		OPENSSL_free(lbl);
		return AGS_E_CRYPTO;
	}
	return 0;
}

int ags_ssh_rsa_wrap(const struct ags_ssh_pubkey *pk, const uint8_t file_key[16], struct ags_ssh_stanza *out,
		     struct ags_diag *d)
{
	EVP_PKEY_CTX *ctx;
	uint8_t *body = NULL;
	size_t len = 0;
	int r;

	if (pk->type != AGS_SSH_RSA || !pk->rsa)
		return AGS_E_INVAL;
	if (pk->rsa_bits < AGS_SSH_RSA_MIN_BITS)
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "RSA key size is too small (%u bits, need %d)",
				    pk->rsa_bits, AGS_SSH_RSA_MIN_BITS);
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pk->rsa, NULL);
	if (!ctx)
		return AGS_E_NOMEM;
	r = AGS_E_CRYPTO;
	if (EVP_PKEY_encrypt_init(ctx) != 1 || oaep_setup(ctx) < 0 ||
	    EVP_PKEY_encrypt(ctx, NULL, &len, file_key, 16) != 1)
		goto out;
	body = malloc(len);
	if (!body) {
		r = AGS_E_NOMEM;
		goto out;
	}
	if (EVP_PKEY_encrypt(ctx, body, &len, file_key, 16) != 1)
		goto out;
	memset(out, 0, sizeof(*out));
	snprintf(out->args[0], sizeof(out->args[0]), "%s", pk->tag);
	out->nargs = 1;
	out->body = body;
	out->bodylen = len;
	body = NULL;
	r = 0;
out:
	free(body);
	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	return r;
}

int ags_ssh_rsa_unwrap(const struct ags_ssh_privkey *k, const char *const *args, size_t nargs,
		       const uint8_t *body, size_t bodylen, uint8_t file_key[16], struct ags_diag *d)
{
	EVP_PKEY_CTX *ctx;
	uint8_t *pt = NULL;
	size_t len = 0, cap;
	int r;

	if (k->pub->type != AGS_SSH_RSA || !k->rsa)
		return AGS_E_AGE_INCORRECT_IDENTITY;
	if (nargs != 1)
		return ags_diag_set(d, AGS_E_AGE_HEADER, "invalid ssh-rsa recipient stanza (argument count)");
	if (strcmp(args[0], k->pub->tag) != 0)
		return AGS_E_AGE_INCORRECT_IDENTITY;
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->rsa, NULL);
	if (!ctx)
		return AGS_E_NOMEM;
	cap = (size_t)EVP_PKEY_get_size(k->rsa);
	pt = malloc(cap ? cap : 1);
	r = AGS_E_NOMEM;
	if (!pt)
		goto out;
	len = cap;
	r = AGS_E_CRYPTO;
	if (EVP_PKEY_decrypt_init(ctx) != 1 || oaep_setup(ctx) < 0)
		goto out;
	/* Go accepts a body shorter than the modulus (a big-endian number with
	 * its leading zeros dropped); longer is never valid. */
	if (bodylen > cap || bodylen == 0 || EVP_PKEY_decrypt(ctx, pt, &len, body, bodylen) != 1 || len != 16) {
		r = ags_diag_set(d, AGS_E_AGE_HEADER, "failed to decrypt ssh-rsa file key");
		goto out;
	}
	memcpy(file_key, pt, 16);
	r = 0;
out:
	ags_free_secret(pt, cap);
	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	return r;
}
