/*
 * GitOps helpers: Kubernetes Secret generators whose output matches
 * `flux create secret ... --export` and `kubectl create secret generic
 * --dry-run=client -o yaml` byte for byte, SSH deploy keys, CAPMOX
 * credentials validation, and the repository checker behind `agesops check`.
 *
 * Secret values are secret: every buffer that holds them is a secret
 * ags_buf (wiped on release), and diagnostics never quote them.
 */
#ifndef AGESOPS_GITOPS_H
#define AGESOPS_GITOPS_H

#include <agesops/agesops.h>
#include <stddef.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ags_buf;

/* Caps on generator input. */
#define AGS_GITOPS_MAX_ENTRIES 4096
#define AGS_GITOPS_MAX_VALUE ((size_t)1 << 20) /* 1 MiB: the API server's Secret limit */

/* ---- Secret manifests ---- */

enum ags_gitops_layout {
	/* flux create secret --export: "---", stringData, sorted, trailing empty line. */
	AGS_LAYOUT_FLUX,
	/* kubectl <= 1.33 --dry-run=client -o yaml: data (base64), creationTimestamp: null. */
	AGS_LAYOUT_KUBECTL,
	/* kubectl >= 1.34: same without creationTimestamp. */
	AGS_LAYOUT_KUBECTL_134,
	/* Like FLUX without the trailing empty line (the CAPMOX secret of the runbook). */
	AGS_LAYOUT_STRINGDATA,
};

struct ags_gitops_secret;

/* name is required; ns may be NULL (no namespace line). */
int ags_gitops_secret_new(const char *name, const char *ns, struct ags_gitops_secret **ret);
void ags_gitops_secret_free(struct ags_gitops_secret *s);
/* type: NULL for none (the API server's default, Opaque). */
int ags_gitops_secret_set_type(struct ags_gitops_secret *s, const char *type);
int ags_gitops_secret_add_label(struct ags_gitops_secret *s, const char *key, const char *val,
				struct ags_diag *d);
/*
 * Adds a data entry (copied; the copy is wiped on free).  With validate,
 * the key must be a valid Secret key (kubectl's IsConfigMapKey) and not a
 * duplicate, with kubectl's messages.
 */
int ags_gitops_secret_add(struct ags_gitops_secret *s, const char *key, const void *val, size_t len,
			  bool validate, struct ags_diag *d);
/* Value of an entry, or NULL. */
const void *ags_gitops_secret_get(const struct ags_gitops_secret *s, const char *key, size_t *len);
/* Appends the manifest to out (init it with ags_buf_init_secret). */
int ags_gitops_secret_emit(const struct ags_gitops_secret *s, enum ags_gitops_layout layout,
			   struct ags_buf *out, struct ags_diag *d);

/* kubectl's IsConfigMapKey: NULL when valid, else the reason. */
const char *ags_gitops_key_error(const char *key);

/*
 * kubectl --from-env-file: appends KEY=VALUE pairs of an env file (kubectl's
 * rules: BOM stripped on line 1, leading whitespace trimmed, '#' comments,
 * env-var-name keys, value taken from the environment when there is no '=').
 */
int ags_gitops_secret_add_env_file(struct ags_gitops_secret *s, const char *data, size_t len,
				   const char *name, struct ags_diag *d);

/* ---- SSH keys (flux create secret git) ---- */

enum ags_ssh_alg { AGS_SSH_ECDSA, AGS_SSH_ED25519, AGS_SSH_RSA };
enum ags_ssh_format { AGS_SSH_FMT_PKCS8, AGS_SSH_FMT_OPENSSH };

/*
 * Generates a key pair: *priv is the private key (PEM PKCS#8, as flux
 * writes it, or openssh-key-v1), *pub the authorized_keys line
 * "<type> <base64>\n".  curve_bits: 256/384/521 for ECDSA, the modulus size
 * for RSA (>= 1024, multiple of 8), ignored for Ed25519.  *priv is secret.
 */
int ags_ssh_keygen(enum ags_ssh_alg alg, int curve_bits, enum ags_ssh_format fmt, char **priv,
		   size_t *privlen, char **pub, struct ags_diag *d);
/*
 * The authorized_keys line of a private key file (OpenSSH, or PEM: PKCS#8,
 * PKCS#1, SEC1, encrypted with passphrase).  For OpenSSH files the public
 * half is read from the unencrypted header.
 */
int ags_ssh_public_from_private(const void *data, size_t len, const char *passphrase, char **pub,
				struct ags_diag *d);

/* ---- validation ---- */

/* DNS-1123 label (namespace) / subdomain (Secret name). */
bool ags_gitops_dns1123_label(const char *s);
bool ags_gitops_dns1123_subdomain(const char *s);
/* Proxmox API token id "user@realm!tokenid"; returns NULL or the reason. */
const char *ags_gitops_proxmox_token_id_error(const char *s);
/* Proxmox URL: http(s)://host[:port][/]; returns NULL or the reason. */
const char *ags_gitops_proxmox_url_error(const char *s);

/* ---- Secret generators (agesops secret git|proxmox|generic|age-key) ----
 *
 * Each builds the Secret from values the caller has read (files are read by
 * the generic generator only, as kubectl does); the caller emits it with
 * ags_gitops_secret_emit.  Secret inputs are borrowed, never kept.
 */

/* flux create secret git: HTTP/S basic auth or bearer token, or SSH. */
struct ags_gitops_git_opts {
	const char *name, *ns;        /* ns NULL: no namespace line */
	const char *url;              /* ssh://, http:// or https:// */
	const char *username;         /* HTTP/S basic auth */
	const char *password;         /* HTTP/S password, or the SSH key's passphrase (stored too) */
	size_t password_len;          /* (password is NUL-terminated as well) */
	bool have_password;
	const void *bearer;           /* HTTP/S bearer token */
	size_t bearer_len;
	bool have_bearer;
	const void *ca;               /* HTTP/S: ca.crt contents, or NULL */
	size_t ca_len;
	const void *known_hosts;      /* SSH: required (surrounding white space is trimmed) */
	size_t known_hosts_len;
	const char *known_hosts_name; /* its file, for messages */
	const void *private_key;      /* SSH: the key to use, or NULL to generate one */
	size_t private_key_len;
	const char *private_key_name; /* its file, for messages */
	enum ags_ssh_alg alg;         /* generated key: algorithm, */
	int bits;                     /* ECDSA curve (256/384/521) or RSA modulus size, */
	enum ags_ssh_format fmt;      /* and file format */
};
/*
 * Builds the Secret; for SSH, *deploy_key (may be NULL) gets the public
 * key's authorized_keys line.  Messages as flux words them.
 */
int ags_gitops_git_secret(const struct ags_gitops_git_opts *o, struct ags_gitops_secret **ret, char **deploy_key,
			  struct ags_diag *d);

/* CAPMOX (Cluster API Proxmox) credentials, with the labels clusterctl moves. */
struct ags_gitops_proxmox_opts {
	const char *name, *ns;
	const char *url, *token_id;
	const void *secret;           /* the API token secret */
	size_t secret_len;
	const char *insecure;         /* NULL, "true" or "false" */
	const void *root_ca;          /* or NULL */
	size_t root_ca_len;
	const char *flag_prefix;      /* messages name the options --<prefix>url ...: "" or "proxmox-" */
};
/* Checks url, token_id and insecure (done by ags_gitops_proxmox_secret too). */
int ags_gitops_proxmox_check(const struct ags_gitops_proxmox_opts *o, struct ags_diag *d);
int ags_gitops_proxmox_secret(const struct ags_gitops_proxmox_opts *o, struct ags_gitops_secret **ret,
			      struct ags_diag *d);
/* A Proxmox token secret is a UUID; false says "probably a typo". */
bool ags_gitops_proxmox_secret_plausible(const void *s, size_t len);

/* kubectl create secret generic: sources in kubectl's order (files, literals, env files). */
struct ags_gitops_generic_opts {
	const char *name, *ns, *type;
	const char *const *files;     /* [key=]path, each a comma-separated list; a directory adds its files */
	size_t nfiles;
	const char *const *literals;  /* key=value */
	size_t nliterals;
	const char *const *env_files;
	size_t nenv_files;
};
/* Errors reading a source name the file; -ENOENT when it does not exist. */
int ags_gitops_generic_secret(const struct ags_gitops_generic_opts *o, struct ags_gitops_secret **ret,
			      struct ags_diag *d);

/* The sops-age Secret (entry age.agekey) from an age identity file's bytes. */
struct ags_gitops_age_key_opts {
	const char *name, *ns;
	const void *key;              /* secret */
	size_t key_len;
	const char *key_name;         /* for messages ("standard input" or the file) */
};
/* *recipients (may be NULL): the identities' recipients, NULL-terminated; free with ags_gitops_strv_free. */
int ags_gitops_age_key_secret(const struct ags_gitops_age_key_opts *o, struct ags_gitops_secret **ret,
			      char ***recipients, struct ags_diag *d);
void ags_gitops_strv_free(char **v);

/* ---- recipients and encryption of generated manifests ---- */

struct ags_gitops_recipients {
	char **age;       /* NULL-terminated */
	size_t n;
	char *source;     /* the .sops.yaml or .sops.public.key they came from */
	char *regex;      /* the rule's encrypted_regex, or NULL */
};
/*
 * The recipients a file at path (absolute or relative to the working
 * directory) is encrypted for: the matching .sops.yaml creation rule's age
 * keys, else the .sops.public.key found walking up from path's directory.
 * AGS_E_SOPS_NO_RECIPIENTS when there are none; a .sops.yaml that does not
 * load is an error (d names it).
 */
int ags_gitops_find_recipients(const char *path, struct ags_gitops_recipients *out, struct ags_diag *d);
void ags_gitops_recipients_clear(struct ags_gitops_recipients *r);
/* A .sops.public.key file's text: one recipient a line, '#' comments; appends to *v (NULL-terminated). */
int ags_gitops_parse_public_keys(const char *data, size_t len, char ***v, size_t *n);
/*
 * SOPS-encrypts a YAML manifest for age recipients (comma lists allowed),
 * encrypting the keys that match regex (NULL: ^(data|stringData)$).
 * filename is only used for messages and the format.  Appends to out.
 */
int ags_gitops_encrypt_manifest(const char *const *age, size_t nage, const char *regex, const char *filename,
				const void *plain, size_t len, struct ags_buf *out, struct ags_diag *d);

/* ---- cluster layout (agesops cluster init / rotate-key / kube verify) ---- */

#define AGS_GITOPS_ENCRYPTED_REGEX "^(data|stringData)$"

/* Where a cluster's files live in its GitOps repository: one place for every command. */
struct ags_gitops_cluster {
	char *name;
	char *root;          /* absolute repository root */
	char *secrets_rel;   /* "secrets/NAME" (relative to root, no trailing '/') */
	char *flux_rel;      /* "clusters/NAME" */
	char *secrets_dir;   /* root/secrets_rel */
	char *public_key;    /* root/secrets_rel/.sops.public.key */
	char *sops_yaml;     /* root/.sops.yaml */
	char *rule_regex;    /* the cluster's creation rule path_regex: ^secrets/NAME/.*\.ya?ml$ */
	char *flux_kustomization; /* root/flux_rel/secrets.yaml: Flux applies secrets_rel with sops-age */
};
/*
 * Fills the layout.  root must be absolute; secrets_dir / flux_dir NULL for
 * the defaults, else paths inside the repository.  name must be an RFC 1123
 * label (it is also the namespace).
 */
int ags_gitops_cluster_layout(const char *root, const char *name, const char *secrets_dir, const char *flux_dir,
			      struct ags_gitops_cluster *out, struct ags_diag *d);
void ags_gitops_cluster_clear(struct ags_gitops_cluster *c);
/* The Git work tree holding dir (NULL: the working directory), as git rev-parse --show-toplevel. */
int ags_gitops_repo_root(const char *dir, char **root, struct ags_diag *d);
/*
 * The .sops.yaml creation rule for the cluster (the one agesops wrote:
 * path_regex == rule_regex).  *age gets its recipients (NULL-terminated),
 * *found whether there is such a rule.  A missing .sops.yaml is no rule.
 */
int ags_gitops_cluster_rule(const struct ags_gitops_cluster *c, bool *found, char ***age, size_t *nage,
			    struct ags_diag *d);
/*
 * Makes the cluster's rule name exactly these recipients: inserted as the
 * first rule when absent; when ours names other recipients, its age: line
 * is rewritten with replace, else AGS_E_EXISTS.  The rest of .sops.yaml
 * stays as written; the result must load with the sops config parser.
 * *changed says whether the file was written.
 */
int ags_gitops_cluster_set_rule(const struct ags_gitops_cluster *c, const char *const *age, size_t nage,
				bool replace, bool *changed, struct ags_diag *d);
/*
 * Adds "- item" lines to the resources: list of a kustomization.yaml
 * (creating the file, and its directory, when create is set).
 */
int ags_gitops_kustomization_add(const char *path, const char *const *items, size_t n, bool create, bool *changed,
				 struct ags_diag *d);

/*
 * The Flux Kustomization (kustomize.toolkit.fluxcd.io/v1, flux-system/NAME-secrets)
 * that applies secrets_rel, decrypting with the sops-age Secret.  Appends to out.
 */
int ags_gitops_flux_kustomization(const struct ags_gitops_cluster *c, struct ags_buf *out);

/* ---- cluster keys ---- */

/* $XDG_CONFIG_HOME/agesops/keys/NAME.agekey, else ~/.config/agesops/keys/NAME.agekey. */
int ags_gitops_default_key_path(const char *name, char **path, struct ags_diag *d);
/* True when path is (or would be, once created) inside dir (an absolute, resolved path). */
bool ags_gitops_path_inside(const char *path, const char *dir);
/* The recipient of the first identity in an age identity file. */
int ags_gitops_key_file_recipient(const char *path, char **recipient, struct ags_diag *d);
/*
 * A new X25519 key in age-keygen's file layout ("# created: ...", "# public
 * key: ...", the secret key); *text is secret (ags_gitops_secret_text_free).
 */
int ags_gitops_keygen(char **text, size_t *len, char **recipient, struct ags_diag *d);
void ags_gitops_secret_text_free(char *text, size_t len);
/* Writes a key file: 0600, atomically, its directory made 0700 when missing.  Never replaces a file. */
int ags_gitops_write_key_file(const char *path, const char *text, size_t len, struct ags_diag *d);

/* ---- cluster init ---- */

/* A secret value the library asks for when it needs it (GIT_TOKEN, PROXMOX_SECRET). */
typedef int (*ags_gitops_value_fn)(void *ctx, const char *var, const char *prompt, struct ags_buf *out,
				   struct ags_diag *d);

enum ags_gitops_init_step {
	AGS_INIT_PUBLIC_KEY,     /* .sops.public.key; changed = written */
	AGS_INIT_SOPS_YAML,      /* the .sops.yaml rule; changed = added */
	AGS_INIT_SECRET,         /* an encrypted Secret; changed = written, else kept (exists) */
	AGS_INIT_KUSTOMIZATION,  /* a kustomization.yaml resources list; changed = updated */
	AGS_INIT_FLUX,           /* the Flux Kustomization; changed = written, else kept */
};
/* Reported after each file is settled; rel is relative to the repository root. */
typedef void (*ags_gitops_step_fn)(void *ctx, enum ags_gitops_init_step step, const char *rel, bool changed);

struct ags_gitops_init_opts {
	const struct ags_gitops_cluster *cluster;
	const char *recipient;        /* the cluster key's age recipient */
	/* break-glass recipients (--admin-recipient, .sops.admins): named by the
	 * rule and the Secrets beside the key; an existing rule that names the
	 * key gets the ones it lacks */
	const char *const *admins;
	size_t nadmins;               /* at most AGS_GITOPS_MAX_ADMINS are used */
	bool git, proxmox;            /* which Secrets to write */
	const char *git_url;          /* https://... (token asked as GIT_TOKEN) or ssh://... */
	const char *git_username;     /* NULL: $GIT_USERNAME, else "git" */
	const char *git_secret_name;  /* NULL: the cluster name */
	const char *known_hosts_file; /* ssh URLs */
	const char *proxmox_url, *proxmox_token_id, *proxmox_secret_name, *proxmox_insecure;
	bool force;                   /* replace existing Secrets and .sops.public.key */
	ags_gitops_value_fn value;
	ags_gitops_step_fn step;
	void *ctx;
};
#define AGS_GITOPS_MAX_ADMINS 64
struct ags_gitops_init_result {
	char *deploy_key;             /* SSH: the generated key's authorized_keys line, else NULL */
	size_t admins_added;          /* admins added to an existing rule (its files need updatekeys) */
};
/*
 * Scaffolds the cluster in its repository: .sops.public.key, the .sops.yaml
 * rule, the encrypted Git and Proxmox Secrets (plaintext only in memory),
 * the secrets kustomization and the Flux Kustomization with the sops
 * decryption block.  Existing files are kept (force replaces Secrets and
 * .sops.public.key).  Re-running is idempotent.
 */
int ags_gitops_cluster_init(const struct ags_gitops_init_opts *o, struct ags_gitops_init_result *res,
			    struct ags_diag *d);
/* The option checks of ags_gitops_cluster_init, without touching a file (cluster and recipient may be NULL). */
int ags_gitops_cluster_init_check(const struct ags_gitops_init_opts *o, struct ags_diag *d);
void ags_gitops_init_result_clear(struct ags_gitops_init_result *r);

/* ---- agesops check: scanning one file ---- */

enum ags_check_kind {
	AGS_CHECK_PLAINTEXT,   /* a Secret data/stringData value not encrypted */
	AGS_CHECK_PRIVATE_KEY, /* a committed age / SSH / PEM / PGP private key */
	AGS_CHECK_GENERATOR,   /* kustomize secretGenerator literal or unencrypted source */
	AGS_CHECK_RECIPIENTS,  /* encrypted for other recipients than .sops.yaml names */
	AGS_CHECK_MAC,         /* MAC does not match the file's values */
	AGS_CHECK_SYNTAX,      /* could not be read or parsed, so not checked: an error (check fails closed) */
	AGS_CHECK_NOTE,        /* informational (e.g. MAC not checked: no key; a Go template) */
	AGS_CHECK_LEFTOVER,    /* a temp file an interrupted agesops/sops write left (may hold plaintext) */
	AGS_CHECK_ENCRYPTED_METADATA, /* kind/metadata encrypted: kustomize and Flux cannot read it */
};

struct ags_check_finding {
	enum ags_check_kind kind;
	unsigned line; /* 1-based, 0 = whole file */
	char msg[256];
};

/* A kustomize secretGenerator source (files: [key=]path, envs: path). */
struct ags_check_ref {
	char *key;  /* NULL when the entry has no key= */
	char *path; /* as written, relative to the kustomization */
	unsigned line;
	bool env;
};

struct ags_check_scan {
	struct ags_check_finding *f;
	size_t nf;
	bool sops;           /* carries sops metadata with a MAC */
	char **recipients;   /* age recipients in the metadata (all key groups) */
	size_t nrec;
	unsigned rec_line;   /* line of the first recipient */
	unsigned mac_line;
	struct ags_check_ref *refs;
	size_t nrefs;
	/* line of an encrypted kind/apiVersion/metadata.name in an encrypted
	 * manifest (0: none): encrypted without an encrypted_regex rule */
	unsigned enc_manifest_line;
};

/*
 * Scans one file's bytes.  The format comes from path's extension (YAML,
 * JSON, dotenv, INI), looking through temp-file suffixes (NAME.yaml.tmpXXXX,
 * NAME.agesops-XXXX); a file without one that looks like a manifest is read
 * as YAML or JSON; anything is scanned for private keys.  Fills out (clear it
 * with ags_gitops_check_scan_clear).  Fails only on allocation errors;
 * unreadable input (invalid UTF-8, a parse error) is an AGS_CHECK_SYNTAX
 * finding, a Go template that does not parse an AGS_CHECK_NOTE.
 */
int ags_gitops_check_scan(const char *path, const void *data, size_t len, struct ags_check_scan *out,
			  struct ags_diag *d);
void ags_gitops_check_scan_clear(struct ags_check_scan *s);
/*
 * Opens an encrypted file with ids and verifies its MAC: 0 when it matches,
 * AGS_E_SOPS_NO_KEY when no identity opens it, AGS_E_SOPS_MAC_MISMATCH /
 * AGS_E_SOPS_MAC_NOT_FOUND when values changed after encryption.
 */
struct ags_age_identities;
int ags_gitops_verify_mac(const char *path, const void *data, size_t len, const struct ags_age_identities *ids,
			  struct ags_diag *d);
/*
 * Re-encrypts the data key of an encrypted file for exactly these age
 * recipients (one key group), keeping the file's PGP fingerprints in that
 * group (gpg encrypts the new data key to them) and the values and MAC,
 * and writes it back atomically.  ids must open the file.
 */
int ags_gitops_rekey(const char *path, const void *data, size_t len, const struct ags_age_identities *ids,
		     const char *const *age, size_t nage, struct ags_diag *d);
/*
 * What files should be encrypted for, cached per directory (one per run of
 * `check`): the matching .sops.yaml rule's age keys, else the nearest
 * .sops.public.key up to the repository root.
 */
struct ags_gitops_rules;
struct ags_gitops_expected {
	const char *const *age;       /* NULL-terminated; borrowed until the next call */
	size_t nage;                  /* 0: nothing names recipients for the path */
	const char *source;           /* the .sops.yaml or .sops.public.key they come from */
	const char *encrypted_regex;  /* the matched rule's, or NULL */
	const char *config_error;     /* set once per .sops.yaml that does not load: the cause... */
	const char *config_path;      /* ...and that file (the rules then come from .sops.public.key) */
};
int ags_gitops_rules_new(struct ags_gitops_rules **ret);
void ags_gitops_rules_free(struct ags_gitops_rules *r);
int ags_gitops_rules_expected(struct ags_gitops_rules *r, const char *path, struct ags_gitops_expected *out,
			      struct ags_diag *d);
/* Flux's test for "this file is SOPS-encrypted" by format (kustomize-controller's markers). */
bool ags_gitops_sops_marker(const void *data, size_t len, const char *name);
/* kustomization.yaml / kustomization.yml / Kustomization */
bool ags_gitops_is_kustomization(const char *path);

#ifdef __cplusplus
}
#endif
#endif
