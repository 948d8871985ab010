/*
 * Helpers shared by `agesops secret`, `cluster` and `check`.
 */
#ifndef AGS_GITOPS_CLI_H
#define AGS_GITOPS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include "util/buf.h"

/* Reads a secret value from stdin (all of it, one trailing "\n" or "\r\n"
 * removed, as docker login --password-stdin).  out must be a secret buf. */
int gcli_read_stdin_secret(struct ags_buf *out);
/* Asks on /dev/tty without echo; fails when there is no terminal. */
int gcli_prompt_secret(const char *prompt, struct ags_buf *out);

/* Encryption of a generated manifest on its way out. */
struct gcli_encrypt {
	bool enabled;
	const char *age[64];   /* --age values (each may be comma-separated) */
	size_t nage;
	const char *encrypted_regex; /* default ^(data|stringData)$ */
	const char *path_hint; /* file name used to match .sops.yaml rules (default "secret.yaml") */
};

/* Parses one of the shared options (--encrypt, --age, --encrypted-regex);
 * returns 1 if consumed (with optarg), 0 if not one of them. */
int gcli_encrypt_opt(struct gcli_encrypt *e, const char *name, const char *arg);

/*
 * Encrypts the YAML manifest in `plain` (when e->enabled) for the recipients
 * of --age, else of the .sops.yaml rule matching path_hint, else of
 * .sops.public.key found walking up from the working directory.  Writes the
 * result to `out` (NULL = stdout).  Returns an exit code.
 */
int gcli_output_manifest(const struct gcli_encrypt *e, const struct ags_buf *plain, const char *out);

/* Encrypts `plain` for recipients (comma lists allowed) with regex; appends to out. */
int gcli_encrypt_manifest(const char *const *age, size_t nage, const char *regex, const char *filename,
			  const struct ags_buf *plain, struct ags_buf *out);

/* Finds the recipients for path (absolute or relative): .sops.yaml rule,
 * then .sops.public.key (searched upwards from path's directory).  Fills
 * v and n with malloc'd strings; source gets the file used (malloc'd). */
int gcli_find_recipients(const char *path, char ***v, size_t *n, char **source, char **regex);

#endif
