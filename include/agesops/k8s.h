/*
 * A small Kubernetes API client (libcurl) for the objects agesops manages:
 * the sops-age Secret and the ConfigMap with the public key, plus the
 * flows behind `agesops kube install-key | pubkey | bootstrap`.
 *
 * Configuration comes from kubeconfig files (merged as kubectl merges them)
 * or from the in-cluster service account.  Requests time out, 429 and 5xx
 * are retried a bounded number of times with backoff (Retry-After honoured,
 * capped), TLS is verified unless the kubeconfig says
 * insecure-skip-tls-verify.  Errors come back as AGS_E_K8S_* codes with one
 * diagnostic line naming the server, the request, the HTTP status and the
 * reason and message of the Status body.  No message ever contains a token,
 * a client key or Secret data.
 */
#ifndef AGESOPS_K8S_H
#define AGESOPS_K8S_H

#include <agesops/agesops.h>
#include <stddef.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ags_k8s_client;

struct ags_k8s_options {
	const char *kubeconfig;  /* --kubeconfig; NULL: $KUBECONFIG, else ~/.kube/config */
	const char *context;     /* --context; NULL: current-context */
	bool in_cluster;         /* use the in-cluster service-account config */
	long timeout_ms;         /* per request (and exec plugin); 0: 30 s */
	unsigned max_attempts;   /* per request, for 429/5xx/connection errors; 0: 5 */
};

int ags_k8s_client_new(const struct ags_k8s_options *o, struct ags_k8s_client **ret, struct ags_diag *d);
void ags_k8s_client_free(struct ags_k8s_client *c);
/* The context's namespace (or the service account's), or NULL. */
const char *ags_k8s_client_namespace(const struct ags_k8s_client *c);
/* host[:port] of the API server, for messages. */
const char *ags_k8s_client_host(const struct ags_k8s_client *c);

enum ags_k8s_kind { AGS_K8S_SECRET, AGS_K8S_CONFIGMAP };

/* One data entry.  For Secrets value holds the decoded bytes and is secret. */
struct ags_k8s_entry {
	char *key;
	unsigned char *value;
	size_t len;
};

struct ags_k8s_object {
	enum ags_k8s_kind kind;
	char *name, *namespace_, *uid, *resource_version, *creation_timestamp;
	struct ags_k8s_entry *data;
	size_t ndata;
	void *raw; /* the object as the server sent it (kept so an update keeps every other field) */
};

const struct ags_k8s_entry *ags_k8s_object_find(const struct ags_k8s_object *o, const char *key);
/* Wipes Secret values. */
void ags_k8s_object_free(struct ags_k8s_object *o);

/* GET; AGS_E_K8S_NOT_FOUND on 404. */
int ags_k8s_get(struct ags_k8s_client *c, enum ags_k8s_kind kind, const char *ns, const char *name,
		struct ags_k8s_object **ret, struct ags_diag *d);
/* POST; AGS_E_K8S_ALREADY_EXISTS on 409 AlreadyExists.  ret may be NULL. */
int ags_k8s_create(struct ags_k8s_client *c, enum ags_k8s_kind kind, const char *ns, const char *name,
		   const struct ags_k8s_entry *data, size_t n, struct ags_k8s_object **ret, struct ags_diag *d);
/* PUT of base (from ags_k8s_get) with the entries of data set (added or
 * replaced), guarded by base's resourceVersion: AGS_E_K8S_CONFLICT when the
 * object changed meanwhile.  ret may be NULL. */
int ags_k8s_update(struct ags_k8s_client *c, const struct ags_k8s_object *base, const struct ags_k8s_entry *data,
		   size_t n, struct ags_k8s_object **ret, struct ags_diag *d);

/* PATCH (JSON merge patch) of base's data: the entries of set added or
 * replaced, the keys in unset removed, guarded by base's resourceVersion
 * (AGS_E_K8S_CONFLICT when the object changed meanwhile).  ret may be NULL. */
int ags_k8s_patch_data(struct ags_k8s_client *c, const struct ags_k8s_object *base, const struct ags_k8s_entry *set,
		       size_t nset, const char *const *unset, size_t nunset, struct ags_k8s_object **ret,
		       struct ags_diag *d);
/* Renames a data entry on the server (a JSON patch "move"): the value never
 * travels, and the rename is atomic.  AGS_E_K8S_INVALID when from is absent. */
int ags_k8s_move_entry(struct ags_k8s_client *c, enum ags_k8s_kind kind, const char *ns, const char *name,
		       const char *from, const char *to, struct ags_diag *d);
/* DELETE; with resource_version, only that version (AGS_E_K8S_CONFLICT otherwise). */
int ags_k8s_delete(struct ags_k8s_client *c, enum ags_k8s_kind kind, const char *ns, const char *name,
		   const char *resource_version, struct ags_diag *d);

/* The parts of a Flux Kustomization (kustomize.toolkit.fluxcd.io/v1) a key
 * rotation waits on. */
struct ags_k8s_kustomization {
	char *name, *namespace_;
	bool ready;                    /* Ready=True, for the current generation */
	char *ready_reason, *ready_message;
	char *last_applied_revision;   /* e.g. "main@sha1:<40 hex>", or NULL */
	char *last_attempted_revision;
	char *decryption_secret;       /* spec.decryption.secretRef.name, or NULL */
	long long generation, observed_generation; /* -1 when absent */
};
int ags_k8s_get_kustomization(struct ags_k8s_client *c, const char *ns, const char *name,
			      struct ags_k8s_kustomization **ret, struct ags_diag *d);
void ags_k8s_kustomization_free(struct ags_k8s_kustomization *k);

/* True for errors that may go away on retry (connection, timeout, 429, 5xx, conflicts). */
bool ags_k8s_error_transient(int err);

/* ---- sops-age flows ---- */

#define AGS_K8S_SECRET_KEY "age.agekey"
#define AGS_K8S_PUBLIC_KEY "age.pub"
/* During a key rotation the new key is a second entry beside age.agekey
 * (Flux tries every *.agekey entry); --finish moves it into age.agekey. */
#define AGS_K8S_NEXT_KEY "age-next.agekey"
#define AGS_K8S_DEFAULT_SECRET "sops-age"
#define AGS_K8S_DEFAULT_CONFIGMAP "sops-age-public"
#define AGS_K8S_DEFAULT_NAMESPACE "flux-system"

enum ags_k8s_outcome {
	AGS_K8S_CREATED,    /* the Secret was created by this call */
	AGS_K8S_UNCHANGED,  /* the Secret already held the same key */
	AGS_K8S_REPLACED,   /* the Secret was updated to the new key */
	AGS_K8S_REUSED,     /* bootstrap: an existing key was kept */
	AGS_K8S_ADOPTED,    /* bootstrap: another run created the key first; its key is used */
};

enum ags_k8s_install_flags {
	AGS_K8S_REPLACE = 1 << 0, /* update an existing Secret */
	AGS_K8S_FORCE = 1 << 1,   /* even when it holds a different key */
};

/*
 * Installs an age identity file (as age-keygen writes it) as the age.agekey
 * entry of Secret ns/name, byte for byte as `kubectl create secret generic
 * --from-file=age.agekey=FILE` would.  The file must hold only native age
 * identities (AGE-SECRET-KEY-...), as Flux parses it.  Idempotent: the same
 * key again is AGS_K8S_UNCHANGED.  A different key is refused with
 * AGS_E_EXISTS (no AGS_K8S_REPLACE) or AGS_E_K8S_KEY_MISMATCH (no
 * AGS_K8S_FORCE).  keyname names the key file in diagnostics.  *recipients
 * (optional) receives the public keys, one per line.
 */
int ags_k8s_install_key(struct ags_k8s_client *c, const char *ns, const char *name, const void *key,
			size_t len, const char *keyname, unsigned flags, enum ags_k8s_outcome *outcome, char **recipients,
			struct ags_diag *d);

/*
 * The start-up Job: reuses the key of Secret ns/secret if there is one
 * (AGS_K8S_REUSED; AGS_E_K8S_BAD_SECRET when it is not a valid age key),
 * otherwise generates one and creates the Secret; when another run created
 * it first (409 AlreadyExists) the winner's key is used (AGS_K8S_ADOPTED).
 * Then publishes the public key(s) in ConfigMap ns/configmap (age.pub, one
 * per line), creating or updating it.  *recipients receives the public keys.
 */
int ags_k8s_bootstrap(struct ags_k8s_client *c, const char *ns, const char *secret, const char *configmap,
		      enum ags_k8s_outcome *outcome, char **recipients, struct ags_diag *d);

struct ags_buf;
/* A new X25519 key file as age-keygen writes it ("# created:", "# public
 * key:", the identity), the form the sops-age Secret holds, appended to
 * file (init it secret); *recips: "age1...\n". */
int ags_k8s_keygen_file(struct ags_buf *file, char **recips, struct ags_diag *d);

/* ---- key rotation ---- */

enum ags_k8s_rotate_outcome {
	AGS_K8S_ROTATE_ADDED,     /* the new key was added as the second entry */
	AGS_K8S_ROTATE_PRESENT,   /* the Secret already held this new key beside the old one */
	AGS_K8S_ROTATE_ADOPTED,   /* bootstrap --rotate: another run added a new key first; it is used */
	AGS_K8S_ROTATE_DONE,      /* the new key is already the only key (finished) */
};

/*
 * Step 2 of a rotation: adds a new key to Secret ns/secret as the entry
 * AGS_K8S_NEXT_KEY beside age.agekey (PATCH guarded by resourceVersion;
 * conflicts re-read and retried), then publishes both public keys, the new
 * one first, in ConfigMap ns/configmap.  key/len: an identity file; NULL to
 * generate the key here (kube bootstrap --rotate: the key never leaves the
 * cluster; a new key another run added is adopted, never replaced).
 * Re-running is harmless.  A different new key already present is refused
 * (AGS_E_K8S_KEY_MISMATCH: another rotation is in progress).
 * *recipients (optional): the Secret's public keys, new first.
 */
int ags_k8s_rotate_add(struct ags_k8s_client *c, const char *ns, const char *secret, const char *configmap,
		       const void *key, size_t len, enum ags_k8s_rotate_outcome *outcome, char **recipients,
		       struct ags_diag *d);
/*
 * The end of a rotation: the new key (AGS_K8S_NEXT_KEY) replaces age.agekey
 * in one server-side move, so the private key never leaves the cluster and
 * the caller needs no right to read the Secret; then the ConfigMap lists only
 * new_recipient.  The ConfigMap must show the rotation to new_recipient
 * (new_recipient first) or be finished already (AGS_K8S_ROTATE_DONE).
 */
int ags_k8s_rotate_finish(struct ags_k8s_client *c, const char *ns, const char *secret, const char *configmap,
			  const char *new_recipient, enum ags_k8s_rotate_outcome *outcome, char **recipients,
			  struct ags_diag *d);
/*
 * The public keys a cluster holds: from Secret ns/secret (every *.agekey
 * entry, new first) when the caller may read it, else from ConfigMap
 * ns/configmap.  *from_secret says which.  One per line.
 */
int ags_k8s_cluster_recipients(struct ags_k8s_client *c, const char *ns, const char *secret, const char *configmap,
			       char **recipients, bool *from_secret, struct ags_diag *d);

/* Reads age.pub from ConfigMap ns/configmap and validates every line as an
 * age recipient.  *recipients: one per line, newline-terminated. */
int ags_k8s_pubkey(struct ags_k8s_client *c, const char *ns, const char *configmap, char **recipients,
		   struct ags_diag *d);

#ifdef __cplusplus
}
#endif
#endif
