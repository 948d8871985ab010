/*
 * The identity-file form of the scrypt kind: a passphrase-encrypted age
 * file holding an identity file (age -i on the output of `age -p`).  It
 * only opens the container; parse.c reads the identity file inside.
 */
#include "internal.h"
#include "age/kind.h"
#include <stdio.h>
#include <string.h>

struct id_prompt {
	ags_passphrase_fn pass;
	void *ctx;
	const char *name;
};

static int id_prompt(void *vctx, const char *prompt, char *buf, size_t cap)
{
	struct id_prompt *p = vctx;
	char q[512];
	(void)prompt;
	snprintf(q, sizeof(q), "Enter passphrase for identity file \"%s\":", p->name);
	return p->pass(p->ctx, q, buf, cap);
}

int ags_age_idfile_encrypted_open(const char *data, size_t len, const char *name, ags_passphrase_fn pass,
				  void *pass_ctx, struct ags_buf *inner, struct ags_diag *d)
{
	if (!pass)
		return ags_diag_set(d, AGS_E_AGE_PASSPHRASE,
				    "%s: passphrase-protected identity file, and no way to ask for the passphrase", name);
	struct id_prompt ip = { pass, pass_ctx, name };
	struct ags_age_identity *id;
	AGS_TRY(ags_age_identity_new_scrypt_prompt(id_prompt, &ip, 0, &id));
	struct ags_diag sub = { 0 };
	int r = ags_age_decrypt_buf(&id, 1, data, len, inner, &sub);
	ags_age_identity_free(id);
	if (r < 0)
		return ags_diag_set(d, r, "%s: %s", name, sub.msg[0] ? sub.msg : ags_strerror(r));
	return 0;
}
