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

/* ---- agesops check: scanning one file ---- */

enum ags_check_kind {
	AGS_CHECK_PLAINTEXT,   /* a Secret data/stringData value not encrypted */
	AGS_CHECK_PRIVATE_KEY, /* a committed age / SSH / PEM / PGP private key */
	AGS_CHECK_GENERATOR,   /* kustomize secretGenerator literal or unencrypted source */
	AGS_CHECK_RECIPIENTS,  /* encrypted for other recipients than .sops.yaml names */
	AGS_CHECK_MAC,         /* MAC does not match the file's values */
	AGS_CHECK_SYNTAX,      /* could not be parsed: not checked (reported, not fatal) */
	AGS_CHECK_NOTE,        /* informational (e.g. MAC not checked: no key) */
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
};

/*
 * Scans one file's bytes (the format comes from path's extension: YAML,
 * JSON, dotenv, INI; anything is scanned for private keys).  Fills out
 * (clear it with ags_gitops_check_scan_clear).  Fails only on allocation
 * errors; unparseable input is an AGS_CHECK_SYNTAX finding.
 */
int ags_gitops_check_scan(const char *path, const void *data, size_t len, struct ags_check_scan *out,
			  struct ags_diag *d);
void ags_gitops_check_scan_clear(struct ags_check_scan *s);
/* Flux's test for "this file is SOPS-encrypted" by format (kustomize-controller's markers). */
bool ags_gitops_sops_marker(const void *data, size_t len, const char *name);
/* kustomization.yaml / kustomization.yml / Kustomization */
bool ags_gitops_is_kustomization(const char *path);

#ifdef __cplusplus
}
#endif
#endif
