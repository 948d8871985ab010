/*
 * Until the age library lands in main (another branch), its functions are
 * weak references so lib/sops links on its own; calling a missing one is
 * guarded by ags_sops_age_available().  Harmless once it has landed.
 */
#ifndef AGS_SOPS_WEAK_DEPS_H
#define AGS_SOPS_WEAK_DEPS_H
#include <agesops/age.h>
#pragma weak ags_age_recipient_parse
#pragma weak ags_age_recipient_free
#pragma weak ags_age_encrypt_buf
#pragma weak ags_age_decrypt_buf
#pragma weak ags_age_parse_identity_file
#pragma weak ags_age_identities_add
#pragma weak ags_age_identities_clear
static inline bool ags_sops_age_available(void)
{
	return ags_age_recipient_parse && ags_age_recipient_free && ags_age_encrypt_buf && ags_age_decrypt_buf &&
	       ags_age_parse_identity_file && ags_age_identities_add && ags_age_identities_clear;
}
#endif
