/*
 * The key sources of Go sops that agesops does not have: their flags
 * (--kms, --gcp-kms, ...) and environment variables (SOPS_KMS_ARN, ...).
 * Go sops takes them as master keys; agesops refuses them with one clear
 * error naming the flag or variable, never ignores them.  age and PGP are
 * served (PGP through gpg, lib/sops/keysource_pgp.c).  All of it is here so
 * that a key source that lands is switched on in one place.
 */
#ifndef AGS_SRC_SOPS_KEYSOURCE_H
#define AGS_SRC_SOPS_KEYSOURCE_H

#include <stdbool.h>

/* Is name ("--kms", "-k", "kms", "--add-kms", "--keyservice", ...) a flag
 * of a key source or key service agesops does not have? */
bool sops_keysource_flag_unsupported(const char *name);
/* Prints the error for such a flag; returns the exit code (1, as Go's
 * ErrorGeneric). */
int sops_keysource_flag_refuse(const char *name);
/* The first key source variable set in the environment (SOPS_KMS_ARN,
 * SOPS_GCP_KMS_IDS, ...) that agesops cannot use, or NULL.  Go takes them as
 * recipients when encrypting (and then ignores .sops.yaml's keys). */
const char *sops_keysource_env_set(void);
/* Prints the error for that variable; returns the exit code (1). */
int sops_keysource_env_refuse(const char *var);
/* Warns once about environment variables naming key services agesops has no
 * client for (SOPS_KEYSERVICE). */
void sops_keysource_env_warn(void);

#endif
