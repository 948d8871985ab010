/*
 * ssh-to-age (Mic92/ssh-to-age, as sops-nix users run it): the X25519
 * recipient or identity that an ssh-ed25519 key stands for.  The recipient
 * is the Montgomery form of the Ed25519 public key; the identity is
 * SHA-512(seed)[:32], the scalar age's ssh-ed25519 kind uses, so a file
 * encrypted to either form opens with the same SSH key.
 */
#include "internal.h"
#include <agesops/age.h>
#include "age/bech32.h"
#include "age/ssh.h"
#include <string.h>

int ags_age_ssh_to_age_recipient(const char *line, size_t len, char **ret, struct ags_diag *d)
{
	struct ags_ssh_pubkey *pk = NULL;
	AGS_TRY(ags_ssh_pubkey_parse_line(line, len, &pk, d));
	int r = pk->type == AGS_SSH_ED25519
			? ags_bech32_encode("age", pk->x25519, 32, false, ret)
			: ags_diag_set(d, AGS_E_AGE_UNSUPPORTED_RECIPIENT, "unsupported key type: %s (only ssh-ed25519)",
				       ags_ssh_type_name(pk->type));
	ags_ssh_pubkey_free(pk);
	return r;
}

int ags_age_ssh_to_age_identity(const char *data, size_t len, const char *pass, size_t passlen, char **ret,
				struct ags_diag *d)
{
	struct ags_ssh_keyfile *kf = NULL;
	AGS_TRY(ags_ssh_keyfile_parse(data, len, "SSH private key", &kf, d));
	int r = 0;
	if (kf->encrypted)
		r = pass ? ags_ssh_keyfile_decrypt(kf, pass, passlen, "SSH private key", d)
			 : ags_diag_set(d, AGS_E_AGE_PASSPHRASE, "the SSH private key is passphrase-protected");
	if (r == 0 && kf->key->pub->type != AGS_SSH_ED25519)
		r = ags_diag_set(d, AGS_E_AGE_UNSUPPORTED_RECIPIENT, "unsupported key type: %s (only ssh-ed25519)",
				 ags_ssh_type_name(kf->key->pub->type));
	if (r == 0)
		r = ags_bech32_encode("AGE-SECRET-KEY-", kf->key->x25519, 32, true, ret);
	ags_ssh_keyfile_free(kf);
	return r;
}
