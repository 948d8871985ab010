/*
 * agesops — age and SOPS for GitOps.  Umbrella header: version, error codes,
 * diagnostics.
 *
 * Conventions for the whole library:
 *  - Functions return int: >= 0 on success, < 0 on failure.  A failure is
 *    either -errno (operating-system errors) or one of the AGS_E_* codes
 *    below (all <= -1000, so they never collide with an errno).
 *  - Output parameters are written only on success.
 *  - The library never prints and never exits.  Where a caller needs to know
 *    *where* something failed (file, line, key path), functions take an
 *    optional struct ags_diag * that receives one line of text.  Messages never
 *    contain key material or plaintext values.
 *  - X_free(NULL) is a no-op.
 */
#ifndef AGESOPS_AGESOPS_H
#define AGESOPS_AGESOPS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AGS_VERSION "0.1.0"

/*
 * Error codes.  This table is append-only: never renumber, never reuse a
 * value.  Each module owns a block of 100; add new codes at the end of your
 * block and a message in lib/error.c.
 */
enum ags_error {
	AGS_OK = 0,

	/* generic: -1000 .. -1099 */
	AGS_E_NOMEM            = -1000, /* allocation failed */
	AGS_E_INVAL            = -1001, /* invalid argument (API misuse) */
	AGS_E_IO               = -1002, /* I/O error without a more precise errno */
	AGS_E_TOO_BIG          = -1003, /* an input exceeded a size or count cap */
	AGS_E_CRYPTO           = -1004, /* an OpenSSL primitive failed unexpectedly */
	AGS_E_UNSUPPORTED      = -1005, /* feature or format not supported */
	AGS_E_NOT_FOUND        = -1006, /* a named thing does not exist */
	AGS_E_EXISTS           = -1007, /* refusing to overwrite something */
	AGS_E_BASE64           = -1008, /* malformed or non-canonical base64 */
	AGS_E_UTF8             = -1009, /* input is not valid UTF-8 */
	AGS_E_SYNTAX           = -1010, /* generic parse error */
	AGS_E_TIMEOUT          = -1011, /* an operation took too long */
	AGS_E_INTERRUPTED      = -1012, /* interrupted by the user */
	AGS_E_AUTH             = -1013, /* AEAD tag or MAC did not verify */
	AGS_E_TRUNCATED        = -1014, /* input ended early */
	AGS_E_CHILD            = -1015, /* a child process failed */
	AGS_E_HARDLINKS        = -1016, /* refusing to replace a file that has other hard links */

	/* age: -1100 .. -1199 */
	AGS_E_AGE_HEADER       = -1100, /* malformed header or stanza */
	AGS_E_AGE_HEADER_MAC   = -1101, /* header MAC mismatch */
	AGS_E_AGE_PAYLOAD      = -1102, /* payload tampered or truncated */
	AGS_E_AGE_ARMOR        = -1103, /* malformed ASCII armor */
	AGS_E_AGE_NO_MATCH     = -1104, /* no identity matched any recipient stanza */
	AGS_E_AGE_UNSUPPORTED_RECIPIENT = -1105, /* recipient/identity type not supported */
	AGS_E_AGE_BAD_KEY      = -1106, /* malformed recipient or identity string */
	AGS_E_AGE_BECH32       = -1107, /* malformed bech32 */
	AGS_E_AGE_WORK_FACTOR  = -1108, /* scrypt work factor out of range */
	AGS_E_AGE_INCORRECT_IDENTITY = -1109, /* internal: this identity does not open this stanza, try the next */
	AGS_E_AGE_PASSPHRASE   = -1110, /* a passphrase is needed and none is available */
	AGS_E_AGE_MIXED_RECIPIENTS = -1111, /* scrypt not alone, or PQ mixed with classic */
	AGS_E_AGE_PLUGIN       = -1112, /* plugin failed or misbehaved */
	AGS_E_AGE_VERSION      = -1113, /* unknown age version line */

	/* sops: -1200 .. -1299 */
	AGS_E_SOPS_MAC_MISMATCH      = -1200,
	AGS_E_SOPS_MAC_NOT_FOUND     = -1201,
	AGS_E_SOPS_METADATA_NOT_FOUND = -1202, /* file is not encrypted */
	AGS_E_SOPS_ALREADY_ENCRYPTED = -1203,
	AGS_E_SOPS_NO_KEY            = -1204, /* no master key could decrypt the data key */
	AGS_E_SOPS_BAD_VALUE         = -1205, /* malformed ENC[...] value */
	AGS_E_SOPS_DECRYPT           = -1206, /* a value failed authentication */
	AGS_E_SOPS_FORMAT            = -1207, /* input document is not valid for its store */
	AGS_E_SOPS_REGEX             = -1208, /* invalid or unsupported regular expression */
	AGS_E_SOPS_CONFIG            = -1209, /* bad .sops.yaml */
	AGS_E_SOPS_CONFIG_NOT_FOUND  = -1210,
	AGS_E_SOPS_PATH              = -1211, /* invalid tree path (--extract, set, unset) */
	AGS_E_SOPS_CONFLICT          = -1212, /* conflicting parameters */
	AGS_E_SOPS_NO_RECIPIENTS     = -1213, /* no encryption key given */
	AGS_E_SOPS_SHAMIR            = -1214, /* not enough key groups / bad shares */
	AGS_E_SOPS_NOT_MODIFIED      = -1215, /* edit: file unchanged */
	AGS_E_SOPS_NO_EDITOR         = -1216,
	AGS_E_SOPS_NO_DOCUMENT       = -1217,

	/* k8s: -1300 .. -1399 */
	AGS_E_K8S_CONFIG       = -1300, /* bad or missing kubeconfig / in-cluster config */
	AGS_E_K8S_CONNECT      = -1301, /* could not reach the API server */
	AGS_E_K8S_TLS          = -1302, /* TLS verification failed */
	AGS_E_K8S_UNAUTHORIZED = -1303, /* 401 */
	AGS_E_K8S_FORBIDDEN    = -1304, /* 403 */
	AGS_E_K8S_NOT_FOUND    = -1305, /* 404 */
	AGS_E_K8S_ALREADY_EXISTS = -1306, /* 409 AlreadyExists */
	AGS_E_K8S_CONFLICT     = -1307, /* 409 Conflict (stale resourceVersion) */
	AGS_E_K8S_INVALID      = -1308, /* 422 */
	AGS_E_K8S_THROTTLED    = -1309, /* 429 after retries */
	AGS_E_K8S_SERVER       = -1310, /* 5xx after retries */
	AGS_E_K8S_PROTOCOL     = -1311, /* unexpected response */
	AGS_E_K8S_KEY_MISMATCH = -1312, /* the cluster holds a different key */
	AGS_E_K8S_BAD_SECRET   = -1313, /* the Secret does not hold a valid age key */

	/* gitops / check: -1400 .. -1499 */
	AGS_E_GITOPS_INVALID   = -1400, /* invalid input to a generator */
	AGS_E_GITOPS_CHECK     = -1401, /* check found problems */
};

/* Returns a static, human-readable description of an error code (AGS_E_* or -errno). */
const char *ags_strerror(int err);

/*
 * One line of diagnostic detail, filled by the library on failure when the
 * caller passes a non-NULL pointer.  Never contains secrets.
 */
#define AGS_DIAG_MAX 512
struct ags_diag {
	int code;
	char msg[AGS_DIAG_MAX];
};

/* Formats msg into d (if d != NULL) and returns code, so callers can write
 * `return ags_diag_set(d, AGS_E_SYNTAX, "line %d: ...", n);`. */
int ags_diag_set(struct ags_diag *d, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#ifdef __cplusplus
}
#endif
#endif
