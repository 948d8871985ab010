/*
 * Internal to lib/sops: value encoding (value.c), MAC (mac.c), rules
 * (rules.c), metadata <-> tree (metadata.c), age key source
 * (keysource_age.c).  The public API is include/agesops/sops.h.
 */
#ifndef AGS_SOPS_INT_H
#define AGS_SOPS_INT_H

#include <agesops/sops.h>
#include "sops/tree.h"
#include "crypto/ossl.h"
#include "util/buf.h"

/* Caps on what we accept from input. */
#define AGS_SOPS_MAX_IV 64           /* Go accepts any IV length; 32 is written */
#define AGS_SOPS_MAX_VALUE (1u << 30)
#define AGS_SOPS_MAX_PATH 4096       /* bytes of a joined AAD path */
#define AGS_SOPS_MAX_KEYS 1024       /* key entries per group / groups */

/* ---- value.c ---- */

/* Go strconv.FormatFloat(f, 'f', -1, 64): shortest round-trip digits, never
 * an exponent; "+Inf", "-Inf", "NaN".  out must hold 400 bytes. */
#define AGS_SOPS_FLOAT_MAX 400
int ags_sops_float_format(double f, char *out, size_t cap);
/* Go strconv.ParseFloat(s, 64) for the forms sops writes and reads. */
int ags_sops_float_parse(const char *s, size_t n, double *out);
/* Go strconv.Atoi. */
int ags_sops_int_parse(const char *s, size_t n, int64_t *out);
/* RFC 3339 -> Go time.MarshalText form (fraction trailing zeros dropped, Z
 * for a zero offset).  With drop_fraction, Go's time.RFC3339 form (no
 * fraction), which is what the MAC's AAD uses. out must hold 64 bytes. */
int ags_sops_time_canon(const char *s, size_t n, bool drop_fraction, char *out, size_t cap);

/* The plaintext bytes of a scalar (sops' ToBytes; also what the MAC hashes).
 * Appends to out.  AGS_E_INVAL for null/map/seq. */
int ags_sops_value_bytes(const struct ags_value *v, struct ags_buf *out);
/* The ENC[] "type" name of a scalar kind. */
const char *ags_sops_type_name(enum ags_val_kind k);

/* ENC[AES256_GCM,data:...,iv:...,tag:...,type:...] split into its parts
 * (pointers into the input, base64 not yet decoded). */
struct ags_sops_enc {
	const char *data, *iv, *tag, *type;
	size_t datalen, ivlen, taglen, typelen;
};
bool ags_sops_enc_looks(const char *s, size_t n);
int ags_sops_enc_parse(const char *s, size_t n, struct ags_sops_enc *e);

/* Encrypts the plaintext bytes pt (of type `type`) with AAD; iv NULL = fresh
 * random 32 bytes.  Appends "ENC[...]" to out.  An empty plaintext appends
 * nothing (sops leaves "" unencrypted). */
int ags_sops_encrypt_bytes(struct ags_aead *a, const void *pt, size_t len, const char *type,
			   const void *aad, size_t aadlen, const uint8_t *iv, size_t ivlen,
			   struct ags_buf *out);
/* Encrypts a scalar value in place: it becomes a STR (or, for a comment, a
 * COMMENT) holding ENC[...].  Empty strings/comments stay as they are. */
int ags_sops_value_encrypt(struct ags_aead *a, struct ags_value *v, const void *aad, size_t aadlen,
			   const uint8_t *iv, size_t ivlen);
/* Decrypts s (ENC[...]) with AAD into a new typed value *out (comment type
 * gives a COMMENT).  When iv/ivlen are non-NULL the IV used is returned
 * (ivlen <= AGS_SOPS_MAX_IV).  "" decrypts to "".  AGS_E_SOPS_BAD_VALUE
 * when s is not a well-formed ENC[] value, AGS_E_SOPS_DECRYPT when it fails
 * to authenticate. */
int ags_sops_value_decrypt(struct ags_aead *a, const char *s, size_t n, const void *aad, size_t aadlen,
			   struct ags_value *out, uint8_t *iv, size_t *ivlen);

/* ---- mac.c ---- */
struct ags_sops_mac {
	struct ags_hash *h;
	bool only_encrypted;
};
int ags_sops_mac_init(struct ags_sops_mac *m, bool only_encrypted);
/* Adds a visited leaf: skipped when only_encrypted and !encrypted. */
int ags_sops_mac_add(struct ags_sops_mac *m, const void *p, size_t n, bool encrypted);
/* 128 upper-case hex characters + NUL. */
int ags_sops_mac_final(struct ags_sops_mac *m, char hex[129]);
void ags_sops_mac_free(struct ags_sops_mac *m);
/* The MAC as stored: hex encrypted with AAD = lastmodified in Go RFC 3339. */
int ags_sops_mac_seal(struct ags_aead *a, const char hex[129], const char *lastmodified,
		      struct ags_buf *out, struct ags_diag *d);
/* Opens a stored MAC into hex (NUL-terminated, up to cap). */
int ags_sops_mac_open(struct ags_aead *a, const char *enc, const char *lastmodified, char *hex,
		      size_t cap, struct ags_diag *d);

/* ---- rules.c ---- */
struct ags_sops_matcher;
/* Compiles the rules.  strict: RE2-incompatible or invalid regexes are an
 * error (encrypt); otherwise they never match (decrypt, as Go ignores the
 * compile error).  With no rule set and use_default, "_unencrypted". */
int ags_sops_matcher_new(const struct ags_sops_rules *r, bool strict, bool use_default,
			 struct ags_sops_matcher **ret, struct ags_diag *d);
void ags_sops_matcher_free(struct ags_sops_matcher *m);
/* A stack of comment lists, one per nesting level: copies of the comment
 * texts as they were before the walk changed them (as Go keeps c.Value). */
struct ags_sops_cstr {
	char *p;
	size_t len;
};
struct ags_sops_cstack_level {
	struct ags_sops_cstr *c;
	size_t n, cap;
};
struct ags_sops_cstack {
	struct ags_sops_cstack_level *lv;
	size_t n, cap;
};
struct ags_sops_pathv {
	const struct ags_value **k; /* key values (STR) from the root */
	size_t n, cap;
};
bool ags_sops_should_encrypt(const struct ags_sops_matcher *m, const struct ags_sops_pathv *path,
			     const struct ags_sops_cstack *stack, bool is_comment);
/* Does unencrypted_comment_regex match s?  (Go refuses to write an
 * encrypted comment that would then read as a clear one.) */
bool ags_sops_matcher_unenc_comment_matches(const struct ags_sops_matcher *m, const char *s, size_t n);
/* Go-RE2 compatibility check of one regex (NULL/"" is fine). */
int ags_sops_regex_check(const char *re, const char *what, struct ags_diag *d);
/* Unanchored search (for .sops.yaml path_regex and the like): 1 match, 0 no, <0 error. */
int ags_sops_regex_search(const char *re, const char *s, size_t n, struct ags_diag *d);

/* ---- metadata.c ---- */
/* tree->metadata (generic mapping) -> struct.  AGS_E_SOPS_METADATA_NOT_FOUND
 * when v is not a mapping; other errors name the field. */
int ags_sops_metadata_parse(const struct ags_value *v, struct ags_sops_metadata *m, struct ags_diag *d);
/* Frees the key groups (m->groups empty afterwards; the rest is kept). */
void ags_sops_metadata_groups_clear(struct ags_sops_metadata *m);
/* struct -> generic mapping in sops 3.13.2's layout (alphabetical keys). */
int ags_sops_metadata_build(const struct ags_sops_metadata *m, struct ags_value *out);
/* Frees m's key groups (every key type) and leaves it with none. */
void ags_sops_metadata_groups_clear(struct ags_sops_metadata *m);
/* Grows m to n key groups (new ones empty). */
int ags_sops_metadata_ensure_groups(struct ags_sops_metadata *m, size_t n);
/* True when group g has no key entries of any type. */
bool ags_sops_metadata_group_empty(const struct ags_sops_metadata *m, size_t g);

/* ---- keysource_age.c ---- */
/* Wraps key (len bytes) for one recipient string: armored age file text. */
int ags_sops_age_wrap(const char *recipient, const uint8_t *key, size_t len, char **enc,
		      struct ags_diag *d);
/* Opens one enc with the identities; out receives the plaintext (secret). */
int ags_sops_age_unwrap(const struct ags_age_identities *ids, const char *enc, struct ags_buf *out,
			struct ags_diag *d);

/* ---- doc.c ---- */
/* Wraps a tree built in memory (taken over: *t is emptied) into a document
 * with no store (emit then needs an explicit store name).  plain says whether
 * the values are plaintext; md (optional) is taken over too. */
int ags_sops_doc_from_tree(struct ags_tree *t, bool plain, struct ags_sops_metadata *md,
			   struct ags_sops_doc **ret);
/* The store for a name, or by filename, else binary. */
const struct ags_store_ops *ags_sops_pick_store(const char *type, const char *filename, struct ags_diag *d);

#endif
