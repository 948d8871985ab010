/*
 * The command table, GitOps part: secret, cluster, check and kube (see
 * cli-opts.h).
 */
#include "cli-opts.h"

#define HELP_FLAG { "help", 'h', NULL, 'h', 0, "show this help and exit", NULL }
/* ---- secret ---- */

/* every secret kind takes these (src/cmd-secret.c common_opt) */
FLAG_SET(secret_common_flags,
	{ "namespace", 'n', "NS", 'n', 0, "namespace of the Secret", "flux create secret --namespace" },
	{ "label", 0, "K=V", OPT_LABEL, CLI_REPEAT, "add a label", "flux create secret --label" },
	{ "encrypt", 0, NULL, OPT_ENCRYPT, 0, "SOPS-encrypt the manifest in memory ('^(data|stringData)$')", NULL },
	{ "age", 0, "RECIPIENTS", OPT_AGE, CLI_REPEAT,
	  "recipients for --encrypt (default: .sops.yaml, else .sops.public.key)", "sops --age" },
	{ "encrypted-regex", 0, "RE", OPT_ENC_REGEX, 0, "which keys --encrypt encrypts", "sops --encrypted-regex" },
	{ "filename", 0, "PATH", OPT_PATH_HINT, CLI_FILE, "path used to find the .sops.yaml rule for --encrypt",
	  "sops --filename-override" },
	{ "output", 0, "FILE", OPT_OUTPUT, CLI_FILE, "write the manifest to FILE (default: standard output)",
	  "flux create secret --export > FILE" },
	HELP_FLAG);

FLAG_SET(secret_git_flags,
	{ "url", 0, "URL", OPT_URL, 0, "the Git repository (https://, http:// or ssh://)", "flux create secret git --url" },
	{ "username", 'u', "USER", 'u', 0, "HTTP/S user name", "flux create secret git --username" },
	{ "password", 'p', "PASS", 'p', 0, "HTTP/S password, or the SSH private key's passphrase",
	  "flux create secret git --password" },
	{ "password-stdin", 0, NULL, OPT_PASSWORD_STDIN, 0, "read the password from standard input", NULL },
	{ "bearer-token", 0, "TOKEN", OPT_BEARER, 0, "HTTP/S bearer token", "flux create secret git --bearer-token" },
	{ "bearer-token-stdin", 0, NULL, OPT_BEARER_STDIN, 0, "read the bearer token from standard input", NULL },
	{ "ca-crt-file", 0, "FILE", OPT_CA, CLI_FILE, "CA certificate for HTTPS", "flux create secret git --ca-crt-file" },
	{ "private-key-file", 0, "FILE", OPT_PRIVKEY, CLI_FILE, "SSH private key (default: a new one)",
	  "flux create secret git --private-key-file" },
	{ "ssh-key-algorithm", 0, "ALG", OPT_ALG, 0, "new SSH key: ecdsa, ed25519 or rsa (default ecdsa)",
	  "flux create secret git --ssh-key-algorithm" },
	{ "ssh-ecdsa-curve", 0, "CURVE", OPT_CURVE, 0, "new ECDSA key: p256, p384 or p521 (default p384)",
	  "flux create secret git --ssh-ecdsa-curve" },
	{ "ssh-rsa-bits", 0, "N", OPT_BITS, 0, "new RSA key size (default 2048)", "flux create secret git --ssh-rsa-bits" },
	{ "ssh-key-format", 0, "FMT", OPT_KEY_FORMAT, 0, "new key's format: pkcs8 or openssh (default pkcs8)", NULL },
	{ "known-hosts-file", 0, "FILE", OPT_KNOWN_HOSTS, CLI_FILE,
	  "ssh-keyscan output for the host (the host is never dialled)", "flux create secret git --known-hosts-file" });

FLAG_SET(secret_proxmox_flags,
	{ "url", 0, "URL", OPT_URL, 0, "the Proxmox VE API URL (https://host:8006)", NULL },
	{ "token-id", 0, "USER@REALM!TOKENID", OPT_TOKEN_ID, 0, "the API token id", NULL },
	{ "token-secret-stdin", 0, NULL, OPT_TOKEN_SECRET_STDIN, 0, "read the token secret from standard input", NULL },
	{ "insecure", 0, "true|false", OPT_INSECURE, 0, "skip TLS verification in CAPMOX", NULL },
	{ "root-ca-file", 0, "FILE", OPT_ROOT_CA, CLI_FILE, "CA certificate of the API server", NULL });

FLAG_SET(no_cts_flag,
	{ "no-creation-timestamp", 0, NULL, OPT_NO_CTS, 0, "omit creationTimestamp (kubectl >= 1.34 layout)", NULL });

FLAG_SET(secret_generic_flags,
	{ "from-literal", 0, "K=V", OPT_FROM_LITERAL, CLI_REPEAT, "a key and its value",
	  "kubectl create secret generic --from-literal" },
	{ "from-file", 0, "[K=]PATH", OPT_FROM_FILE, CLI_REPEAT | CLI_FILE, "a file (or every file of a directory)",
	  "kubectl create secret generic --from-file" },
	{ "from-env-file", 0, "FILE", OPT_FROM_ENV, CLI_REPEAT | CLI_FILE, "KEY=VALUE lines",
	  "kubectl create secret generic --from-env-file" },
	{ "type", 0, "TYPE", OPT_TYPE, 0, "the Secret's type", "kubectl create secret generic --type" });

FLAG_SET(secret_agekey_flags,
	{ "name", 0, "NAME", OPT_NAME, 0, "name of the Secret (default sops-age)", NULL });

#define ENV_SOPS_RECIPIENTS "SOPS_CONFIG\tthe .sops.yaml --encrypt uses\n"

static const struct cli_command secret_subs[] = {
	{ "git", "Flux Git credentials", "NAME --url URL [options]",
	  "HTTP/S: -u/--username U (-p/--password P | --password-stdin) | --bearer-token T | --bearer-token-stdin.\n"
	  "SSH: --known-hosts-file F [--private-key-file F]; a new key is made when none is given.",
	  SETS(secret_git_flags, secret_common_flags), ENV_SOPS_RECIPIENTS,
	  "agesops secret git repo-auth --url https://git.example.com/org/repo -u git --password-stdin --encrypt",
	  "flux create secret git", "secret", NULL, NULL, CLI_ARGS_NONE, true, false },
	{ "proxmox", "CAPMOX (Cluster API Proxmox) credentials",
	  "[NAME] -n NAMESPACE --url URL --token-id USER@REALM!TOKENID [options]",
	  "NAME defaults to capmox-manager-credentials.  The token secret is read from standard input\n"
	  "(--token-secret-stdin), else $PROXMOX_SECRET, else the terminal.",
	  SETS(secret_proxmox_flags, secret_common_flags),
	  "PROXMOX_SECRET\tthe token secret when --token-secret-stdin is not given\n" ENV_SOPS_RECIPIENTS,
	  "agesops secret proxmox -n capmox-system --url https://pve:8006 --token-id capmox@pve!capi",
	  NULL, "secret", NULL, NULL, CLI_ARGS_NONE, true, false },
	{ "generic", "as kubectl create secret generic --dry-run=client -o yaml",
	  "NAME [--from-literal K=V] [--from-file [K=]PATH] [--from-env-file F] [--type T] [-n NS]",
	  "Output as kubectl 1.32; --no-creation-timestamp gives the kubectl >= 1.34 layout.",
	  SETS(secret_generic_flags, no_cts_flag, secret_common_flags), ENV_SOPS_RECIPIENTS,
	  "agesops secret generic app -n apps --from-literal password=s3cret --encrypt",
	  "kubectl create secret generic", "secret", NULL, NULL, CLI_ARGS_FILE, true, false },
	{ "age-key", "the sops-age Secret Flux decrypts with", "[-n NS] [--name sops-age] [--output FILE] [KEYFILE|-]",
	  "As kubectl create secret generic sops-age --from-file=age.agekey=KEYFILE.",
	  SETS(secret_agekey_flags, no_cts_flag, secret_common_flags), NULL,
	  "agesops secret age-key cluster.agekey | kubectl apply -f -", NULL, "secret", NULL, NULL, CLI_ARGS_FILE,
	  true, false },
	{ 0 },
};

const struct cli_command cli_cmd_secret = {
	"secret", "generate Kubernetes Secrets (git, proxmox, generic, age-key)", "KIND NAME [options]",
	"Every kind takes --encrypt [--age R]: SOPS-encrypt the manifest in memory\n"
	"(recipients from --age, .sops.yaml or .sops.public.key; '^(data|stringData)$').",
	SETS(secret_common_flags), NULL, "agesops secret generic app --from-literal k=v --encrypt > app.sops.yaml",
	NULL, "secret", secret_subs, cmd_secret, CLI_ARGS_NONE, true, false,
};

/* ---- cluster ---- */

FLAG_SET(cluster_init_flags,
	{ "git-url", 0, "URL", OPT_GIT_URL, 0, "the cluster's GitOps repository (https://... or ssh://...)", NULL },
	{ "git-username", 0, "USER", OPT_GIT_USERNAME, 0, "Git user (default $GIT_USERNAME, else git)", NULL },
	{ "git-secret-name", 0, "NAME", OPT_GIT_SECRET_NAME, 0, "name of the Git Secret (default: the cluster's)", NULL },
	{ "known-hosts-file", 0, "FILE", OPT_KNOWN_HOSTS, CLI_FILE, "ssh-keyscan output (ssh URLs)", NULL },
	{ "proxmox-url", 0, "URL", OPT_PROXMOX_URL, 0, "the Proxmox VE API URL", NULL },
	{ "proxmox-token-id", 0, "USER@REALM!TOKENID", OPT_PROXMOX_TOKEN_ID, 0, "the Proxmox API token id", NULL },
	{ "proxmox-secret-name", 0, "NAME", OPT_PROXMOX_SECRET_NAME, 0,
	  "name of the Proxmox Secret (default capmox-manager-credentials)", NULL },
	{ "proxmox-insecure", 0, "true|false", OPT_PROXMOX_INSECURE, 0, "skip TLS verification in CAPMOX", NULL },
	{ "no-git", 0, NULL, OPT_NO_GIT, 0, "do not make the Git Secret", NULL },
	{ "no-proxmox", 0, NULL, OPT_NO_PROXMOX, 0, "do not make the Proxmox Secret", NULL },
	{ "secrets-stdin", 0, NULL, OPT_SECRETS_STDIN, 0, "read GIT_TOKEN=... and PROXMOX_SECRET=... lines from stdin",
	  NULL },
	{ "key-file", 0, "PATH|-", OPT_KEY_FILE, CLI_FILE,
	  "private key (default ~/.config/agesops/keys/NAME.agekey, 0600; '-' prints it to a pipe)", NULL },
	{ "secrets-dir", 0, "DIR", OPT_SECRETS_DIR, CLI_DIR, "where the Secrets go (default secrets/NAME)", NULL },
	{ "flux-dir", 0, "DIR", OPT_FLUX_DIR, CLI_DIR, "the Flux Kustomization directory (default clusters/NAME)", NULL },
	{ "repo", 0, "DIR", OPT_REPO, CLI_DIR, "repository root (default: git rev-parse --show-toplevel)", NULL },
	{ "from-cluster", 0, NULL, OPT_FROM_CLUSTER, 0,
	  "use the key the cluster made (agesops kube bootstrap); no local key", NULL },
	{ "kubeconfig", 0, "FILE", OPT_KUBECONFIG, CLI_FILE, "kubeconfig for --from-cluster", "kubectl --kubeconfig" },
	{ "context", 0, "NAME", OPT_CONTEXT, 0, "kubeconfig context for --from-cluster", "kubectl --context" },
	{ "admin-recipient", 0, "RECIPIENT", OPT_ADMIN_RECIPIENT, CLI_REPEAT,
	  "break-glass recipient added to the cluster's rule (also from .sops.admins)", NULL },
	{ "yes", 'y', NULL, 'y', 0, "on an existing cluster, re-key its files for new admins (as updatekeys -y)", NULL },
	{ "force", 0, NULL, OPT_FORCE, 0, "replace existing Secrets / .sops.public.key (never the key file)", NULL },
	HELP_FLAG);

FLAG_SET(cluster_rotate_flags,
	{ "key", 0, "FILE", OPT_KEY_FILE, CLI_FILE,
	  "the cluster's local key (default ~/.config/agesops/keys/NAME.agekey)", NULL },
	{ "pubkey-from-cluster", 0, NULL, OPT_FROM_CLUSTER, 0,
	  "the new key was made in the cluster (kube bootstrap --rotate); re-encrypt with an admin identity", NULL },
	{ "offline", 0, NULL, OPT_OFFLINE, 0, "no cluster access: print what to apply instead of updating it", NULL },
	{ "finish", 0, NULL, OPT_FINISH, 0, "after Flux applied the rotation: remove the old key everywhere", NULL },
	{ "force", 0, NULL, OPT_FORCE, 0, "with --finish: even when files are still encrypted for the old key", NULL },
	{ "repo", 0, "DIR", OPT_REPO, CLI_DIR, "repository root (default: git rev-parse --show-toplevel)", NULL },
	{ "secrets-dir", 0, "DIR", OPT_SECRETS_DIR, CLI_DIR, "the cluster's Secrets (default secrets/NAME)", NULL },
	{ "no-check", 0, NULL, OPT_NO_CHECK, 0, "do not run check after re-encrypting", NULL },
	{ "jobs", 'j', "N", 'j', 0, "files re-encrypted in parallel (default: the CPUs)", NULL },
	{ "kubeconfig", 0, "FILE", OPT_KUBECONFIG, CLI_FILE, "kubeconfig to use (default: $KUBECONFIG, then ~/.kube/config)",
	  "kubectl --kubeconfig" },
	{ "context", 0, "NAME", OPT_CONTEXT, 0, "kubeconfig context (default: current-context)", "kubectl --context" },
	{ "request-timeout", 0, "SEC", OPT_TIMEOUT, 0, "per-request timeout (default: 30)", "kubectl --request-timeout" },
	{ "namespace", 'n', "NS", 'n', 0, "namespace (default: flux-system)", "kubectl --namespace" },
	{ "name", 0, "NAME", OPT_NAME, 0, "the Secret holding the key (default: sops-age)", NULL },
	{ "configmap", 0, "NAME", OPT_CONFIGMAP, 0, "the ConfigMap with the public keys (default: sops-age-public)", NULL },
	HELP_FLAG);

static const struct cli_command cluster_subs[] = {
	{ "init", "scaffold a cluster: age key, .sops.yaml rule, Flux and Proxmox Secrets", "NAME [options]", NULL,
	  SETS(cluster_init_flags),
	  "GIT_USERNAME\tGit user when --git-username is not given\nGIT_TOKEN\tthe Git token (else asked)\n"
	  "PROXMOX_SECRET\tthe Proxmox token secret (else asked)\n"
	  "XDG_CONFIG_HOME\tthe key goes to $XDG_CONFIG_HOME/agesops/keys (default ~/.config)\n",
	  "agesops cluster init prod --git-url ssh://git@example.com/org/fleet --known-hosts-file kh --no-proxmox",
	  NULL, "cluster", NULL, NULL, CLI_ARGS_NONE, true, false },
	{ "rotate-key", "replace a cluster's age key without a moment Flux cannot decrypt",
	  "NAME [--key FILE | --pubkey-from-cluster] [--offline] [-j N]\nNAME --finish [--force] [--key FILE]",
	  "Adds the new key beside the old one in the sops-age Secret, publishes both public keys,\n"
	  "re-encrypts every file of the cluster, updates .sops.public.key and the .sops.yaml rule,\n"
	  "and runs check.  --finish, once Flux applied that commit, removes the old key.  Every\n"
	  "step is idempotent: after an interruption, run the same command again.\n"
	  "exit codes: 0 ok, 75 transient cluster failure (run again), 1 other failure, 2 usage",
	  SETS(cluster_rotate_flags),
	  "SOPS_AGE_KEY_FILE\tan admin identity (with --pubkey-from-cluster)\n"
	  "KUBECONFIG\tkubeconfig files when --kubeconfig is not given\n",
	  "agesops cluster rotate-key prod\nagesops cluster rotate-key prod --finish", NULL, "cluster", NULL, NULL,
	  CLI_ARGS_NONE, true, false },
	{ 0 },
};

const struct cli_command cli_cmd_cluster = {
	"cluster", "per-cluster scaffolding in a GitOps repository", "init NAME [options]\nrotate-key NAME [options]", NULL, SETS(cluster_init_flags),
	NULL, "agesops cluster init prod --git-url https://git.example.com/org/fleet", NULL, "cluster", cluster_subs,
	cmd_cluster, CLI_ARGS_NONE, true, false,
};

/* ---- check ---- */

FLAG_SET(check_flags,
	{ "no-mac", 0, NULL, OPT_NO_MAC, 0, "do not verify MACs (no key needed)", NULL },
	{ "fix-recipients", 0, NULL, OPT_FIX_RECIPIENTS, 0, "re-key files encrypted for the wrong recipients", NULL },
	{ "quiet", 'q', NULL, 'q', 0, "no summary line", NULL },
	HELP_FLAG);

const struct cli_command cli_cmd_check = {
	"check", "refuse plaintext Secrets and wrong recipients in a repository", "[--no-mac] [--fix-recipients] [-q] [PATH...]",
	"Without PATH, checks the files git tracks (and untracked, not ignored ones).\n"
	"Fails (exit 1) on: plaintext Secret values, committed private keys, plaintext\n"
	"secretGenerator inputs, files encrypted for other recipients than .sops.yaml /\n"
	".sops.public.key name for their path, and MAC mismatches (when a key is available).",
	SETS(check_flags),
	"SOPS_AGE_KEY\tidentities for the MAC check (also SOPS_AGE_KEY_FILE, SOPS_AGE_KEY_CMD)\n",
	"agesops check\nagesops check --no-mac clusters/ secrets/", NULL, "check", NULL, cmd_check, CLI_ARGS_FILE, true,
	false,
};

/* ---- kube ---- */

FLAG_SET(kube_common_flags,
	{ "kubeconfig", 0, "FILE", OPT_KUBECONFIG, CLI_FILE, "kubeconfig to use (default: $KUBECONFIG, then ~/.kube/config)",
	  "kubectl --kubeconfig" },
	{ "context", 0, "NAME", OPT_CONTEXT, 0, "kubeconfig context (default: current-context)", "kubectl --context" },
	{ "in-cluster", 0, NULL, OPT_IN_CLUSTER, 0, "use the pod's service account (bootstrap does this by default)",
	  NULL },
	{ "namespace", 'n', "NS", 'n', 0, "namespace (default: flux-system)", "kubectl --namespace" },
	{ "request-timeout", 0, "SEC", OPT_TIMEOUT, 0, "per-request timeout (default: 30)", "kubectl --request-timeout" },
	HELP_FLAG);

FLAG_SET(kube_name_flag,
	{ "name", 0, "NAME", OPT_NAME, 0, "the Secret holding the key (default: sops-age)", NULL });

FLAG_SET(kube_configmap_flag,
	{ "configmap", 0, "NAME", OPT_CONFIGMAP, 0, "the ConfigMap with the public key (default: sops-age-public)", NULL });

FLAG_SET(kube_rotate_flag,
	{ "rotate", 0, NULL, OPT_ROTATE, 0, "make a second key beside the current one (cluster rotate-key)", NULL });

FLAG_SET(kube_verify_flags,
	{ "pubkey", 0, "RECIPIENT", OPT_PUBKEY, CLI_REPEAT,
	  "the public key(s) expected (default: the cluster's .sops.public.key)", NULL },
	{ "repo", 0, "DIR", OPT_REPO, CLI_DIR, "repository root (default: git rev-parse --show-toplevel)", NULL },
	{ "secrets-dir", 0, "DIR", OPT_SECRETS_DIR, CLI_DIR, "the cluster's Secrets (default secrets/NAME)", NULL },
	{ "jobs", 'j', "N", 'j', 0, "files checked in parallel (default: the CPUs)", NULL });

FLAG_SET(kube_replace_flags,
	{ "replace", 0, NULL, OPT_REPLACE, 0, "replace a Secret that holds another key", NULL },
	{ "force", 0, NULL, OPT_FORCE, 0, "with --replace: even when files are still encrypted for the old key", NULL });

#define KUBE_ENV                                                                                     \
	"KUBECONFIG\tkubeconfig files (':'-separated) when --kubeconfig is not given\n"             \
	"KUBERNETES_SERVICE_HOST\tin a pod: the API server (with KUBERNETES_SERVICE_PORT)\n"        \
	"AGESOPS_SERVICEACCOUNT_DIR\tthe service account directory (default /var/run/secrets/kubernetes.io/serviceaccount)\n"
#define KUBE_EXITS "exit codes: 0 ok, 75 transient failure (retry), 1 other failure, 2 usage"

static const struct cli_command kube_subs[] = {
	{ "install-key", "store an age key in the cluster's sops-age Secret",
	  "[--name sops-age] [-n flux-system] [--replace [--force]] [KEYFILE|-]", KUBE_EXITS,
	  SETS(kube_name_flag, kube_replace_flags, kube_common_flags), KUBE_ENV,
	  "agesops kube install-key --context prod prod.agekey", NULL, "kube", NULL, NULL, CLI_ARGS_FILE, false, false },
	{ "pubkey", "print the public key the cluster publishes", "[-n flux-system] [--configmap sops-age-public]",
	  KUBE_EXITS, SETS(kube_configmap_flag, kube_common_flags), KUBE_ENV, "agesops kube pubkey --context prod",
	  NULL, "kube", NULL, NULL, CLI_ARGS_NONE, false, false },
	{ "bootstrap", "make the key inside the cluster (the bootstrap Job's entry point)",
	  "[-n flux-system] [--name sops-age] [--configmap sops-age-public] [--rotate]", KUBE_EXITS,
	  SETS(kube_name_flag, kube_configmap_flag, kube_rotate_flag, kube_common_flags), KUBE_ENV,
	  "agesops kube bootstrap", NULL, "kube", NULL, NULL, CLI_ARGS_NONE, false, false },
	{ "verify", "check that the cluster's key opens the repository's files for it",
	  "NAME [--pubkey R]... [--repo DIR] [--secrets-dir DIR] [-j N]", KUBE_EXITS,
	  SETS(kube_verify_flags, kube_name_flag, kube_configmap_flag, kube_common_flags), KUBE_ENV,
	  "agesops kube verify prod --context prod", NULL, "kube", NULL, NULL, CLI_ARGS_NONE, false, false },
	{ 0 },
};

/* The kube subcommands share one parser (src/cmd-kube.c parse): it takes every set. */
const struct cli_command cli_cmd_kube = {
	"kube", "install or bootstrap the sops-age key on a cluster", "install-key|pubkey|bootstrap|verify [options]",
	KUBE_EXITS,
	SETS(kube_name_flag, kube_configmap_flag, kube_replace_flags, kube_rotate_flag, kube_verify_flags,
	     kube_common_flags),
	KUBE_ENV,
	"agesops kube pubkey", NULL, "kube", kube_subs, cmd_kube, CLI_ARGS_NONE, false, false,
};
