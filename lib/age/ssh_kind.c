/*
 * The ssh-ed25519 and ssh-rsa kinds as age recipients and identities, and
 * the identity-file hook for SSH private keys ("-----BEGIN OPENSSH PRIVATE
 * KEY-----" and PEM).
 *
 * Like Go age, a passphrase-protected OpenSSH key is not decrypted when it
 * is loaded: its public key is stored in the clear, so the passphrase is
 * asked for only when a stanza of the file carries this key's tag.
 */
#include "internal.h"
#include "age/kind.h"
#include "age/ssh.h"
#include "util/file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- recipients ---- */

static void r_free(void *p)
{
	ags_ssh_pubkey_free(p);
}

static int r_wrap(const struct ags_age_recipient *r, const uint8_t file_key[16], struct ags_age_stanzas *out,
		  struct ags_diag *d)
{
	const struct ags_ssh_pubkey *pk = r->priv;
	struct ags_ssh_stanza st;
	const char *args[3];
	int rc;

	if (pk->type == AGS_SSH_ED25519)
		rc = ags_ssh_ed25519_wrap(pk, file_key, &st);
	else
		rc = ags_ssh_rsa_wrap(pk, file_key, &st, d);
	if (rc < 0)
		return rc;
	args[0] = ags_ssh_type_name(pk->type);
	for (int i = 0; i < st.nargs; i++)
		args[i + 1] = st.args[i];
	rc = ags_age_stanzas_add(out, args, (size_t)st.nargs + 1, st.body, st.bodylen);
	ags_ssh_stanza_release(&st);
	return rc;
}

static int r_string(const struct ags_age_recipient *r, char **ret)
{
	return ags_ssh_pubkey_string(r->priv, ret);
}

static const struct ags_age_recipient_ops ssh_recipient_ops =
	AGS_AGE_RECIPIENT_OPS("ssh", 0, r_wrap, r_string, NULL, r_free);

static int recipient_from_pubkey(struct ags_ssh_pubkey *pk, struct ags_age_recipient **ret, struct ags_diag *d)
{
	if (pk->type == AGS_SSH_RSA && pk->rsa_bits < AGS_SSH_RSA_MIN_BITS) {
		ags_ssh_pubkey_free(pk);
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "malformed SSH recipient: RSA key size is too small");
	}
	return ags_age_recipient_make(&ssh_recipient_ops, pk, ret);
}

int ags_age_ssh_parse_recipient(const char *s, struct ags_age_recipient **ret, struct ags_diag *d)
{
	struct ags_ssh_pubkey *pk = NULL;
	AGS_TRY(ags_ssh_pubkey_parse_line(s, strlen(s), &pk, d));
	return recipient_from_pubkey(pk, ret, d);
}

/* An authorized_keys line that starts with options (not "ssh-..."). */
bool ags_age_ssh_options_line(const char *s)
{
	return ags_ssh_line_looks_like_key(s);
}

/* ---- identities ---- */

struct ssh_id {
	struct ags_ssh_keyfile *kf;
	char *name;
	ags_passphrase_fn pass;
	void *pass_ctx;
};

static void i_free(void *p)
{
	struct ssh_id *x = p;
	if (!x)
		return;
	ags_ssh_keyfile_free(x->kf);
	AGS_FREE_ALL(x->name, x);
}

static int unwrap_one(const struct ags_age_identity *id, const struct ags_age_stanza *s, uint8_t file_key[16],
		      struct ags_diag *d)
{
	const struct ssh_id *x = id->priv;
	const struct ags_ssh_privkey *k = x->kf->key;
	const char *type = ags_ssh_type_name(k->pub->type);

	if (s->nargs < 1 || strcmp(s->args[0], type) != 0)
		return AGS_E_AGE_INCORRECT_IDENTITY;
	if (k->pub->type == AGS_SSH_ED25519)
		return ags_ssh_ed25519_unwrap(k, (const char *const *)s->args + 1, s->nargs - 1, s->body, s->bodylen,
					      file_key, d);
	return ags_ssh_rsa_unwrap(k, (const char *const *)s->args + 1, s->nargs - 1, s->body, s->bodylen, file_key,
				  d);
}

static int i_unwrap(const struct ags_age_identity *id, const struct ags_age_stanzas *st, uint8_t file_key[16],
		    struct ags_diag *d)
{
	struct ssh_id *x = id->priv;

	if (x->kf->encrypted) {
		const struct ags_ssh_pubkey *pk = x->kf->pub;
		const char *type = ags_ssh_type_name(pk->type);
		bool match = false;
		char prompt[600], *pass;
		int n, r;

		for (size_t i = 0; i < st->n && !match; i++) {
			const struct ags_age_stanza *s = &st->v[i];
			if (strcmp(s->args[0], type) != 0)
				continue;
			if (s->nargs < 2)
				return ags_diag_set(d, AGS_E_AGE_HEADER, "invalid %s recipient stanza", type);
			match = strcmp(s->args[1], pk->tag) == 0;
		}
		if (!match)
			return AGS_E_AGE_INCORRECT_IDENTITY;
		if (!x->pass)
			return ags_diag_set(d, AGS_E_AGE_PASSPHRASE,
					    "%s: SSH key is passphrase-protected and no passphrase can be asked for",
					    x->name);
		snprintf(prompt, sizeof(prompt), "Enter passphrase for \"%.500s\":", x->name);
		AGS_TRY(ags_age_passphrase_read(x->pass, x->pass_ctx, prompt, 1024, &pass, &n));
		if (n < 0)
			return ags_diag_set(d, n, "%s: could not read the SSH key passphrase", x->name);
		r = ags_ssh_keyfile_decrypt(x->kf, pass, (size_t)n, x->name, d);
		ags_free_secret(pass, 1024);
		if (r < 0)
			return r;
	}
	return ags_age_unwrap_each(id, st, unwrap_one, file_key, d);
}

static int i_to_recipient(const struct ags_age_identity *id, struct ags_age_recipient **ret)
{
	const struct ssh_id *x = id->priv;
	struct ags_ssh_pubkey *pk;
	AGS_TRY(ags_ssh_pubkey_dup(x->kf->pub, &pk));
	return ags_age_recipient_make(&ssh_recipient_ops, pk, ret);
}

static const struct ags_age_identity_ops ssh_identity_ops =
	AGS_AGE_IDENTITY_OPS("ssh", false, i_unwrap, NULL, i_to_recipient, NULL, i_free);

static int read_pub_file(const char *name, struct ags_ssh_pubkey **ret, struct ags_diag *d)
{
	static const char convert[] = "convert the private key to a modern format with \"ssh-keygen -p -m RFC4716\"";
	if (!strcmp(name, "-"))
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY,
				    "failed to obtain public key for \"-\" SSH key: use a file for which the "
				    "corresponding \".pub\" file exists, or %s", convert);
	char *path = NULL;
	struct ags_buf pub;
	int r = asprintf(&path, "%s.pub", name) < 0 ? AGS_E_NOMEM : 0;
	ags_buf_init(&pub, AGS_SSH_LINE_MAX + 2);
	if (r == 0 && (r = ags_file_read(path, &pub)) < 0)
		r = ags_diag_set(d, AGS_E_AGE_BAD_KEY,
				 "failed to obtain public key for \"%s\" SSH key: %s: ensure \"%s\" exists, or %s", name,
				 ags_strerror(r), path, convert);
	struct ags_diag sub = { 0 };
	if (r == 0 && (r = ags_ssh_pubkey_parse_line((const char *)pub.data, pub.len, ret, &sub)) < 0)
		r = ags_diag_set(d, r, "%s: %s", path, sub.msg[0] ? sub.msg : ags_strerror(r));
	ags_buf_release(&pub);
	free(path);
	return r;
}

int ags_age_ssh_idfile_parse(const char *data, size_t len, const char *name, ags_passphrase_fn pass, void *pass_ctx,
		       struct ags_age_identities *out, struct ags_diag *d)
{
	struct ags_ssh_keyfile *kf = NULL;
	struct ssh_id *x;
	struct ags_age_identity *id;
	int r;

	if (!name)
		name = "SSH key";
	AGS_TRY(ags_ssh_keyfile_parse(data, len, name, &kf, d));
	/* An encrypted PKCS#1/PKCS#8 key has no public key in the clear: as Go
	 * age, take it from the ".pub" file beside the key, so that encrypting
	 * needs no passphrase and decrypting asks only for a matching file. */
	if (kf->encrypted && !kf->pub && (r = read_pub_file(name, &kf->pub, d)) < 0) {
		ags_ssh_keyfile_free(kf);
		return r;
	}
	x = calloc(1, sizeof(*x));
	if (!x) {
		ags_ssh_keyfile_free(kf);
		return AGS_E_NOMEM;
	}
	x->kf = kf;
	x->name = strdup(name);
	x->pass = pass;
	x->pass_ctx = pass_ctx;
	if (!x->name) {
		i_free(x);
		return AGS_E_NOMEM;
	}
	r = ags_age_identity_make(&ssh_identity_ops, x, &id);
	if (r < 0)
		return r;
	return ags_age_identities_add(out, id);
}
