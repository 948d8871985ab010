/*
 * SOPS: encrypt and decrypt YAML, JSON, dotenv, INI and binary files exactly
 * as Go sops 3.13.2 does, with age keys.
 *
 * Two levels:
 *  - One-shot buffer calls (ags_sops_encrypt_buf / ags_sops_decrypt_buf) for
 *    callers that just want "plaintext in, sops file out" and back.
 *  - A loaded document (struct ags_sops_doc): a parsed tree plus its parsed
 *    metadata, on which edit/rotate/updatekeys/set/unset/check are built:
 *      load -> get data key -> decrypt -> (change the tree) -> encrypt -> emit
 *    The tree (lib/sops/tree.h) is reachable through ags_sops_doc_tree() for
 *    code inside this project.
 *
 * Store names: "yaml", "json", "dotenv", "ini", "binary".  When a store name
 * is NULL it is chosen from the file name's extension as sops does
 * (.yaml/.yml, .json, .env, .ini, anything else binary); with neither,
 * binary.
 *
 * Errors: negative AGS_E_* codes, with one line in struct ags_diag naming the
 * file (opts->filename), the key path where it applies, and the cause.
 * Key material and plaintext are wiped on every path.
 */
#ifndef AGESOPS_SOPS_H
#define AGESOPS_SOPS_H

#include <agesops/agesops.h>
#include <agesops/age.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ags_buf;
struct ags_tree;
struct ags_value;
struct ags_age_identities;

/* The version written into new files (sops' version.Version). */
#define AGS_SOPS_VERSION "3.13.2"
#define AGS_SOPS_DATA_KEY_LEN 32
/* "Use the store's default indentation" (YAML 4 spaces, JSON one tab). */
#define AGS_SOPS_INDENT_DEFAULT (-1000)

/*
 * Which values are encrypted (sops creation-rule fields).  At most one of the
 * six strings may be set (non-NULL and non-empty); with none set, encryption
 * uses unencrypted_suffix "_unencrypted" as sops does.  Regexes are Go RE2
 * syntax, unanchored search; constructs RE2 rejects (backreferences,
 * lookaround, atomic groups, possessive quantifiers, recursion) fail with
 * AGS_E_SOPS_REGEX.
 */
struct ags_sops_rules {
	const char *unencrypted_suffix;
	const char *encrypted_suffix;
	const char *unencrypted_regex;
	const char *encrypted_regex;
	const char *unencrypted_comment_regex;
	const char *encrypted_comment_regex;
	bool mac_only_encrypted;
};

/* Checks the rules (at most one set, regexes valid RE2).  AGS_E_SOPS_CONFLICT
 * or AGS_E_SOPS_REGEX with the offending flag named in d. */
int ags_sops_rules_check(const struct ags_sops_rules *r, struct ags_diag *d);

/* One key group of recipients, for encryption with several groups (Shamir). */
struct ags_sops_group_spec {
	const char *const *age; /* age recipient strings ("age1...") */
	size_t nage;
	/* PGP fingerprints (each item may be comma-separated, as --pgp); the
	 * data key is encrypted to them by running gpg (lib/sops/keysource_pgp.h). */
	const char *const *pgp;
	size_t npgp;
};

/* The order in which decryption tries key types: a comma-separated list as
 * sops' --decryption-order / SOPS_DECRYPTION_ORDER ("age,pgp" by default;
 * names of other key types are accepted and change nothing).  Process-wide.
 * AGS_E_SOPS_CONFLICT when a name is given twice. */
int ags_sops_set_decryption_order(const char *csv, struct ags_diag *d);

struct ags_sops_encrypt_opts {
	/* Recipients of a single key group: age recipient strings.  Each item may
	 * itself be comma-separated (as --age); items are trimmed. */
	const char *const *age;
	size_t nage;
	/* Alternatively several key groups (used when ngroups > 0, age is then
	 * ignored); shamir_threshold 0 means "all groups". */
	const struct ags_sops_group_spec *groups;
	size_t ngroups;
	unsigned shamir_threshold;

	struct ags_sops_rules rules;

	const char *input_type;  /* store name or NULL (from filename) */
	const char *output_type; /* store name or NULL (= input store) */
	const char *filename;    /* for store choice and diagnostics; may be NULL */
	int indent;              /* AGS_SOPS_INDENT_DEFAULT or spaces (JSON: -1 = tab) */

	/* Tests only: fixed lastmodified (RFC 3339) and data key; NULL = now / fresh random. */
	const char *lastmodified;
	const uint8_t *data_key;
};

struct ags_sops_decrypt_opts {
	const char *input_type;  /* store name or NULL (from filename) */
	const char *output_type; /* store name or NULL (= input store) */
	const char *filename;    /* for store choice and diagnostics; may be NULL */
	int indent;              /* AGS_SOPS_INDENT_DEFAULT or spaces */
	bool ignore_mac;         /* skip MAC verification (--ignore-mac) */
	/* Identities to try; NULL = sops' sources (SOPS_AGE_KEY, SOPS_AGE_KEY_FILE,
	 * SOPS_AGE_KEY_CMD, ~/.config/sops/age/keys.txt, ~/.ssh/id_ed25519, ...). */
	const struct ags_age_identities *identities;
	/* sops --extract path ('["a"]["b"][0]') or NULL for the whole file.  A
	 * string leaf is output as its raw bytes without a newline. */
	const char *extract;
	/* Tests only: the data key to use instead of opening the key entries
	 * (for the PGP fixtures whose data key is recorded). */
	const uint8_t *data_key;
};

/* Plaintext file bytes in, sops file bytes appended to out. */
int ags_sops_encrypt_buf(const void *in, size_t len, const struct ags_sops_encrypt_opts *o,
			 struct ags_buf *out, struct ags_diag *d);
/* sops file bytes in, plaintext appended to out (init it with ags_buf_init_secret).
 * AGS_E_SOPS_METADATA_NOT_FOUND when the input is not sops-encrypted,
 * AGS_E_SOPS_NO_KEY when no identity opens the data key,
 * AGS_E_SOPS_MAC_MISMATCH / AGS_E_SOPS_MAC_NOT_FOUND on a bad or missing MAC. */
int ags_sops_decrypt_buf(const void *in, size_t len, const struct ags_sops_decrypt_opts *o,
			 struct ags_buf *out, struct ags_diag *d);

/* ------------------------------------------------------------------------
 * Metadata (the "sops:" block), parsed.  All strings are malloc'd and owned.
 */
struct ags_sops_age_key {
	char *recipient;
	char *enc; /* armored age file holding the data key (or a Shamir share) */
};

struct ags_sops_key_group {
	struct ags_sops_age_key *age;
	size_t nage, cap;
	/* Every other key type of the group (pgp, kms, gcp_kms, azure_kv,
	 * hc_vault, hckms) kept verbatim as a mapping of key type -> list, so a
	 * rewrite preserves them; NULL when there are none. */
	struct ags_value *other;
};

struct ags_sops_metadata {
	struct ags_sops_key_group *groups;
	size_t ngroups;
	unsigned shamir_threshold;  /* 0 = not set */
	char *lastmodified;         /* RFC 3339 as stored */
	char *mac;                  /* "ENC[...]" or NULL */
	char *version;              /* NULL if absent (old or re-serialised files) */
	/* The rule fields; strings owned (free()d by ags_sops_metadata_clear). */
	struct ags_sops_rules rules;
};

void ags_sops_metadata_clear(struct ags_sops_metadata *m);
/* Adds an age key entry to group g (creating groups up to g). */
int ags_sops_metadata_add_age(struct ags_sops_metadata *m, size_t g, const char *recipient,
			      const char *enc);

/* ------------------------------------------------------------------------
 * A loaded document.
 */
struct ags_sops_doc;

struct ags_sops_load_opts {
	const char *input_type; /* store name or NULL (from filename) */
	const char *filename;   /* for store choice and diagnostics; may be NULL */
};

/* Loads an encrypted file: the tree and its metadata.
 * AGS_E_SOPS_METADATA_NOT_FOUND when it has none. */
int ags_sops_doc_load(const void *in, size_t len, const struct ags_sops_load_opts *o,
		      struct ags_sops_doc **ret, struct ags_diag *d);
/* Loads a plaintext file to be encrypted.  AGS_E_SOPS_ALREADY_ENCRYPTED when
 * it carries sops metadata, AGS_E_SOPS_NO_DOCUMENT when empty. */
int ags_sops_doc_load_plain(const void *in, size_t len, const struct ags_sops_load_opts *o,
			    struct ags_sops_doc **ret, struct ags_diag *d);
/* The same from a buffer that it consumes (released, wiped if secret, on
 * every path): the binary store takes the bytes over as its one value, so
 * a large file is held once, not twice. */
int ags_sops_doc_load_plain_buf(struct ags_buf *in, const struct ags_sops_load_opts *o,
				struct ags_sops_doc **ret, struct ags_diag *d);
void ags_sops_doc_free(struct ags_sops_doc *doc);

/* The document's tree (lib/sops/tree.h) and metadata; both may be changed in place. */
struct ags_tree *ags_sops_doc_tree(struct ags_sops_doc *doc);
struct ags_sops_metadata *ags_sops_doc_metadata(struct ags_sops_doc *doc);
/* Name of the store the document was loaded with. */
const char *ags_sops_doc_store(const struct ags_sops_doc *doc);
/* True once the tree holds plaintext (after decrypt, or load_plain). */
bool ags_sops_doc_is_plain(const struct ags_sops_doc *doc);

/*
 * Opens the data key from the key entries: for each key group, the age
 * entries are tried with every identity (ids, or sops' sources when NULL);
 * with several groups the shares are combined (Shamir).  AGS_E_SOPS_NO_KEY
 * (exit 128) when no identity opens it.
 */
int ags_sops_doc_get_data_key(struct ags_sops_doc *doc, const struct ags_age_identities *ids,
			      uint8_t key[AGS_SOPS_DATA_KEY_LEN], struct ags_diag *d);
/*
 * Replaces the metadata's key entries: wraps key for every recipient of
 * every group (a fresh armored age file per recipient; with several groups
 * a Shamir share each).  specs/nspecs as in the encrypt options (one group:
 * specs[0]).  Entries of other key types (pgp, kms, ...) are dropped, since
 * they cannot be re-wrapped here; callers that must keep them edit
 * ags_sops_doc_metadata() instead.  Used by encrypt, rotate and updatekeys.
 */
int ags_sops_doc_set_keys(struct ags_sops_doc *doc, const struct ags_sops_group_spec *specs,
			  size_t nspecs, unsigned shamir_threshold, const uint8_t key[AGS_SOPS_DATA_KEY_LEN],
			  struct ags_diag *d);

/* Decrypts every value in place and verifies the MAC (unless ignore_mac).
 * Values decrypted here are remembered (sops' IV stash) so that a later
 * ags_sops_doc_encrypt of an unchanged value with the same key gives the
 * same ciphertext. */
int ags_sops_doc_decrypt(struct ags_sops_doc *doc, const uint8_t key[AGS_SOPS_DATA_KEY_LEN],
			 bool ignore_mac, struct ags_diag *d);
/* Whether ags_sops_doc_decrypt remembers IVs (default true).  A plain
 * decrypt that will not re-encrypt turns it off to save memory. */
void ags_sops_doc_set_iv_stash(struct ags_sops_doc *doc, bool on);
/* Encrypts the plaintext tree in place with key under the metadata's rules,
 * and sets a new MAC and lastmodified (NULL = now). */
int ags_sops_doc_encrypt(struct ags_sops_doc *doc, const uint8_t key[AGS_SOPS_DATA_KEY_LEN],
			 const char *lastmodified, struct ags_diag *d);
/*
 * sops rotate: gives a decrypted document a new data key, re-encrypts every
 * value under it and re-wraps the key for the file's recipients minus rm
 * (from every group) plus add (to the first group, as sops), each item
 * possibly comma-separated.  AGS_E_SOPS_NO_RECIPIENTS when a group would be
 * left empty.  The document can then be emitted.
 */
int ags_sops_doc_rotate(struct ags_sops_doc *doc, const char *const *add, size_t nadd, const char *const *rm,
			size_t nrm, struct ags_diag *d);
/* Sets the rules of a plaintext document's metadata (checked as
 * ags_sops_rules_check; with none set, the "_unencrypted" default). */
int ags_sops_doc_set_rules(struct ags_sops_doc *doc, const struct ags_sops_rules *r, struct ags_diag *d);

/* Writes the document with store (NULL = its own store).  An encrypted
 * document is written with its metadata block exactly as sops 3.13.2 lays
 * it out; a decrypted one without. */
int ags_sops_doc_emit(struct ags_sops_doc *doc, const char *store, int indent, struct ags_buf *out,
		      struct ags_diag *d);
/* Writes the subtree at a sops path ('["a"]["b"][0]'): a string leaf as raw
 * bytes, other scalars in their plaintext form, a mapping in store's format. */
int ags_sops_doc_emit_extract(struct ags_sops_doc *doc, const char *path, const char *store, int indent,
			      struct ags_buf *out, struct ags_diag *d);

/* ------------------------------------------------------------------------
 * sops tree paths: '["key"][0]["other"]' (as --extract, set, unset).
 */
struct ags_sops_path_elem {
	bool is_index;
	char *key;      /* when !is_index: NUL-terminated copy; keylen excludes the NUL */
	size_t keylen;
	size_t index;   /* when is_index */
};
struct ags_sops_path {
	struct ags_sops_path_elem *v;
	size_t n;
};
int ags_sops_path_parse(const char *s, struct ags_sops_path *out, struct ags_diag *d);
void ags_sops_path_clear(struct ags_sops_path *p);

/* ------------------------------------------------------------------------
 * age key source (sops' age.MasterKey).
 */

/* Loads identities as sops does, cumulatively: SOPS_AGE_KEY, SOPS_AGE_KEY_FILE,
 * SOPS_AGE_KEY_CMD (run without a shell, with SOPS_AGE_RECIPIENT=recipient
 * when recipient is non-NULL), <config dir>/sops/age/keys.txt, and
 * ~/.ssh/id_ed25519 / ~/.ssh/id_rsa when the age library supports them.
 * Appends to out; AGS_E_SOPS_NO_KEY when nothing at all was found. */
int ags_sops_age_load_identities(const char *recipient, struct ags_age_identities *out,
				 struct ags_diag *d);
/* Where identities loaded by ags_sops_age_load_identities ask for a
 * passphrase (passphrase-protected SSH keys or age identity files; asked
 * only when a file has a stanza they could open).  Process-wide; NULL (the
 * default) makes such keys fail with AGS_E_AGE_PASSPHRASE. */
void ags_sops_age_set_passphrase_fn(ags_passphrase_fn fn, void *ctx);
/* Splits comma-separated recipient lists (as --age and SOPS_AGE_RECIPIENTS),
 * trimming each item; appends malloc'd strings to *v (free each, then *v). */
int ags_sops_split_recipients(const char *s, char ***v, size_t *n);

/* Does this buffer look like a sops-encrypted file for its store?  (Metadata
 * present with a mac.)  For filestatus, textconv and check; never fails on
 * bad input, returns false instead. */
bool ags_sops_is_encrypted(const void *in, size_t len, const char *input_type, const char *filename);

/* ------------------------------------------------------------------------
 * Shamir secret sharing as sops/shamir (GF(2^8), AES polynomial): a share is
 * 33 bytes, y[0..31] || x.  Implemented in lib/sops/shamir.c (sops-more);
 * the core calls it when a file has more than one key group.
 */
#define AGS_SOPS_SHARE_LEN (AGS_SOPS_DATA_KEY_LEN + 1)
int ags_sops_shamir_split(const uint8_t secret[AGS_SOPS_DATA_KEY_LEN], unsigned parts, unsigned threshold,
			  uint8_t (*shares)[AGS_SOPS_SHARE_LEN]);
int ags_sops_shamir_combine(const uint8_t (*shares)[AGS_SOPS_SHARE_LEN], size_t n,
			    uint8_t secret[AGS_SOPS_DATA_KEY_LEN]);

#ifdef __cplusplus
}
#endif
#endif
