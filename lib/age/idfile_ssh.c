/*
 * Identity-file hook for SSH private keys (-----BEGIN OPENSSH PRIVATE KEY-----
 * and PEM).  Stub until the ssh kinds land: the age-ssh branch replaces
 * this file.
 */
#include "internal.h"
#include "age/kind.h"

int ags_age_idfile_ssh(const char *data, size_t len, const char *name, ags_passphrase_fn pass,
		       void *pass_ctx, struct ags_age_identities *out, struct ags_diag *d)
{
	(void)data;
	(void)len;
	(void)pass;
	(void)pass_ctx;
	(void)out;
	return ags_diag_set(d, AGS_E_AGE_UNSUPPORTED_RECIPIENT, "%s: SSH private keys are not supported yet", name);
}
