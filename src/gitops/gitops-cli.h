/*
 * CLI helpers shared by `agesops secret` and `cluster`: reading secret
 * values, and writing a generated manifest (encrypted on request).
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

/*
 * Encrypts the YAML manifest in `plain` (when e->enabled) for the recipients
 * of --age, else of the .sops.yaml rule matching path_hint, else of
 * .sops.public.key found walking up from the working directory.  Writes the
 * result to `out` (NULL = stdout).  Returns an exit code.
 */
int gcli_output_manifest(const struct gcli_encrypt *e, const struct ags_buf *plain, const char *out);

/*
 * The key of cluster init (src/gitops/cluster-key.c); each prints its
 * errors and returns an exit code.
 * gcli_cluster_key_place: where the private key goes: *keypath is --key-file
 * or the default path (refused inside the repository root), NULL for "-"
 * (standard output, never a terminal) and for --from-cluster.
 * gcli_cluster_key: the first identity of an existing key file, else a new
 * key written there (0600) or to standard output; *recipient is its public key.
 * gcli_cluster_pubkey: --from-cluster, the key was made in the cluster
 * (agesops kube bootstrap) and only its public half was published.
 */
int gcli_cluster_key_place(const char *key_file, bool from_cluster, const char *name, const char *root,
			   char **keypath);
int gcli_cluster_key(const char *keypath, char **recipient);
int gcli_cluster_pubkey(const char *kubeconfig, const char *context, char **recipient);

#endif
