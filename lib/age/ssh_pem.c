/*
 * SSH private key files: PKCS#1 / PKCS#8 PEM keys through OpenSSL's PEM
 * reader, and the entry points that pick the container by its armor.
 */
#include "internal.h"
#include "age/ssh.h"
#include "age/ssh_wire.h"
#include "crypto/ossl.h"

#include <string.h>
#include <stdlib.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/err.h>

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
			rc = ags_ssh_privkey_new_ed25519(seed, NULL, &k, d);
		ags_wipe(seed, sizeof(seed));
	} else if (EVP_PKEY_is_a(pk, "RSA")) {
		BIGNUM *n = NULL, *e = NULL;
		rc = AGS_E_CRYPTO;
		if (EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &n) == 1 &&
		    EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &e) == 1) {
			k = calloc(1, sizeof(*k));
			rc = k ? ags_ssh_pubkey_new_rsa(n, e, &k->pub, d) : AGS_E_NOMEM;
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
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "%s: mismatched private and public SSH key", name);
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
	if (len - i >= strlen(AGS_SSH_PEM_BEGIN_OPENSSH) && memcmp(data + i, AGS_SSH_PEM_BEGIN_OPENSSH, strlen(AGS_SSH_PEM_BEGIN_OPENSSH)) == 0) {
		rc = ags_ssh_openssh_parse(data, len, name, kf, d);
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
	return ags_ssh_openssh_decrypt(kf, pass, passlen, name, d);
}
