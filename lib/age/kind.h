/*
 * Recipient and identity kinds: the one seam for adding key types
 * (modelled on Go age's Recipient / Identity interfaces).
 *
 * Adding a kind (e.g. ssh-ed25519, mlkem768x25519, a plugin) takes:
 *   1. lib/age/<kind>.c defining a struct ags_age_recipient_ops and/or
 *      struct ags_age_identity_ops, and parse functions with the
 *      ags_age_parse_recipient_fn / ags_age_parse_identity_fn signatures
 *      that build handles with ags_age_recipient_make / ags_age_identity_make;
 *   2. one line in the table in lib/age/kinds.c (prefix -> parse function;
 *      an identity-file form goes in the second table there), with the
 *      functions declared in the "Built-in kinds" block at the end of this
 *      header;
 *   3. the file in lib/age/meson.build.
 * Nothing else in the core changes.  Layers (no file calls upwards):
 *   handle.c (handles, lists, helpers) <- the kinds <- kinds.c (tables)
 *   <- parse.c (strings and files); age.c (encrypt/decrypt) calls kinds
 *   only through their ops.
 *
 * Contract for a recipient (encryption side):
 *   wrap() wraps the 16-byte file key into one or more stanzas appended to
 *   out (type = args[0]).  labels declares what the recipient may be mixed
 *   with: every recipient of a file must carry the same labels, and a
 *   recipient with AGS_AGE_LABEL_ALONE must be the only one (scrypt).  This
 *   is Go age's label rule: {"postquantum"} vs {} cannot mix; scrypt has a
 *   unique random label.
 *
 * Contract for an identity (decryption side):
 *   unwrap() gets ALL stanzas of the header and returns 0 with the file
 *   key, AGS_E_AGE_INCORRECT_IDENTITY when none of them is for this identity
 *   ("try the next identity"), or any other negative error to abort
 *   decryption (a malformed stanza of the kind's own type is such a hard
 *   error: AGS_E_AGE_HEADER, with d saying why).  Stanzas of other types
 *   must be ignored, compared byte-exact and case-sensitive on args[0].
 *   The body length must be checked before any AEAD attempt.  Most kinds
 *   handle one stanza at a time: they set unwrap_stanza instead.
 *   native identities (X25519, scrypt, mlkem768x25519) are tried before the
 *   others (ssh, plugins), as Go does.
 */
#ifndef AGS_AGE_KIND_H
#define AGS_AGE_KIND_H

#include <agesops/age.h>
#include "age/format.h"

#define AGS_AGE_LABEL_POSTQUANTUM (1u << 0)
#define AGS_AGE_LABEL_ALONE       (1u << 1) /* must be the only recipient (scrypt) */

struct ags_age_recipient_ops {
	const char *name; /* "X25519", "scrypt", ... for messages */
	unsigned labels;
	int (*wrap)(const struct ags_age_recipient *r, const uint8_t file_key[16],
		    struct ags_age_stanzas *out, struct ags_diag *d);
	/* Canonical string ("age1..."); NULL when the kind has none. */
	int (*string)(const struct ags_age_recipient *r, char **ret);
	/* Labels known only once wrap() ran (a plugin says them); NULL: labels. */
	unsigned (*wrapped_labels)(const struct ags_age_recipient *r);
	void (*free)(void *priv);
};

struct ags_age_identity_ops {
	const char *name;
	bool native;
	int (*unwrap)(const struct ags_age_identity *id, const struct ags_age_stanzas *st,
		      uint8_t file_key[16], struct ags_diag *d);
	/* Instead of unwrap, for kinds that look at one stanza at a time
	 * (Go's multiUnwrap): tried on each stanza, the first success wins, a
	 * hard error aborts, INCORRECT_IDENTITY moves on. */
	int (*unwrap_stanza)(const struct ags_age_identity *id, const struct ags_age_stanza *s,
			     uint8_t file_key[16], struct ags_diag *d);
	/* NULL when there is no recipient form (scrypt). */
	int (*to_recipient)(const struct ags_age_identity *id, struct ags_age_recipient **ret);
	/* Secret string ("AGE-SECRET-KEY-1..."); NULL when none. */
	int (*string)(const struct ags_age_identity *id, char **ret);
	void (*free)(void *priv);
};

/*
 * A kind's ops in one row, every slot named in the struct's order (NULL
 * where the kind has none), so that no kind leaves a slot out by accident:
 *   static const struct ags_age_recipient_ops x_recipient_ops =
 *	AGS_AGE_RECIPIENT_OPS("X25519", 0, r_wrap, r_string, NULL, free);
 */
#define AGS_AGE_RECIPIENT_OPS(name_, labels_, wrap_, string_, wrapped_labels_, free_)                       \
	{ .name = (name_), .labels = (labels_), .wrap = (wrap_), .string = (string_),                           \
	  .wrapped_labels = (wrapped_labels_), .free = (free_) }
#define AGS_AGE_IDENTITY_OPS(name_, native_, unwrap_, unwrap_stanza_, to_recipient_, string_, free_)           \
	{ .name = (name_), .native = (native_), .unwrap = (unwrap_), .unwrap_stanza = (unwrap_stanza_),         \
	  .to_recipient = (to_recipient_), .string = (string_), .free = (free_) }

struct ags_age_recipient {
	const struct ags_age_recipient_ops *ops;
	void *priv;
};

struct ags_age_identity {
	const struct ags_age_identity_ops *ops;
	void *priv;
};

/* Runs an identity's unwrap (or unwrap_stanza over each stanza). */
int ags_age_identity_unwrap(const struct ags_age_identity *id, const struct ags_age_stanzas *st,
			    uint8_t file_key[16], struct ags_diag *d);
/* Wrap kind data into a handle.  priv is released with ops->free on failure too. */
int ags_age_recipient_make(const struct ags_age_recipient_ops *ops, void *priv, struct ags_age_recipient **ret);
int ags_age_identity_make(const struct ags_age_identity_ops *ops, void *priv, struct ags_age_identity **ret);
/* A handle whose priv is a malloc'd copy of the len bytes at key (a kind
 * whose recipient is its public key alone; ops->free is then free). */
int ags_age_recipient_of_bytes(const struct ags_age_recipient_ops *ops, const void *key, size_t len,
			       struct ags_age_recipient **ret);
/* An identity whose priv is a secret struct of size bytes that starts with
 * the kind's 32-byte secret; derive computes the rest of it (the public
 * half) in place.  The struct is wiped and freed if that fails. */
int ags_age_identity_of_secret(const struct ags_age_identity_ops *ops, size_t size, const uint8_t secret[32],
			       int (*derive)(void *priv), struct ags_age_identity **ret);
/* A 32-byte secret key in Bech32 (HRP hrp; what names it in messages), made
 * into an identity through make; the decoded secret is wiped. */
int ags_age_identity_of_bech32(const char *s, const char *hrp, const char *what,
			       int (*make)(const uint8_t secret[32], struct ags_age_identity **ret),
			       struct ags_age_identity **ret, struct ags_diag *d);
/* A fresh identity from 32 bytes off the OS RNG through make (the kind's
 * seed -> identity), the seed wiped after. */
int ags_age_identity_random(int (*make)(const uint8_t seed[32], struct ags_age_identity **ret),
			    struct ags_age_identity **ret);

typedef int (*ags_age_parse_recipient_fn)(const char *s, struct ags_age_recipient **ret, struct ags_diag *d);
typedef int (*ags_age_parse_identity_fn)(const char *s, struct ags_age_identity **ret, struct ags_diag *d);

/* One row of the kinds table (lib/age/kinds.c).  The first row whose prefix
 * matches (and whose match(), if set, accepts the string) parses it. */
struct ags_age_kind_entry {
	const char *prefix;
	bool (*match)(const char *s);
	ags_age_parse_recipient_fn parse_recipient; /* NULL: not a recipient form */
	ags_age_parse_identity_fn parse_identity;   /* NULL: not an identity form */
	/* A recipients file skips a line this row calls unsupported (Go skips
	 * SSH keys of other types, e.g. ecdsa in an authorized_keys file). */
	bool skip_unsupported;
};
extern const struct ags_age_kind_entry ags_age_kinds[];
extern const size_t ags_age_nkinds;

/*
 * Identity files that are not one key per line, chosen by their first bytes
 * (lib/age/kinds.c; the first matching row wins).  Exactly one of:
 *  - parse: a key file (an SSH private key) appending identities to out;
 *  - open: a container (a passphrase-encrypted identity file) that yields
 *    the identity file inside into inner (a secret buffer); parse.c reads
 *    that one key per line and refuses containers nested in it.
 */
struct ags_age_idfile_entry {
	const char *magic;
	int (*parse)(const char *data, size_t len, const char *name, ags_passphrase_fn pass, void *pass_ctx,
		     struct ags_age_identities *out, struct ags_diag *d);
	int (*open)(const char *data, size_t len, const char *name, ags_passphrase_fn pass, void *pass_ctx,
		    struct ags_buf *inner, struct ags_diag *d);
};
extern const struct ags_age_idfile_entry ags_age_idfiles[];
extern const size_t ags_age_nidfiles;

/* Helpers for kinds. */

/* Go's multiUnwrap: calls one() per stanza; the first success wins, a hard
 * error aborts, INCORRECT_IDENTITY moves on. */
int ags_age_unwrap_each(const struct ags_age_identity *id, const struct ags_age_stanzas *st,
			int (*one)(const struct ags_age_identity *id, const struct ags_age_stanza *s,
				   uint8_t file_key[16], struct ags_diag *d),
			uint8_t file_key[16], struct ags_diag *d);
/* Strict unpadded base64 argument of exactly want bytes (else AGS_E_AGE_HEADER). */
int ags_age_decode_arg(const char *arg, uint8_t *out, size_t want);
/* ChaCha20-Poly1305 with a zero nonce: the stanza body of most kinds (32 bytes). */
int ags_age_wrap_file_key(const uint8_t key[32], const uint8_t file_key[16], uint8_t body[32]);
/* Opens a 32-byte body; AGS_E_AGE_INCORRECT_IDENTITY on a bad tag.  The caller
 * has already checked bodylen == 32. */
int ags_age_unwrap_file_key(const uint8_t key[32], const uint8_t *body, uint8_t file_key[16]);
/* An ags_age_parse_*_fn for recognised but not (yet) built-in kinds. */
int ags_age_parse_recipient_unsupported(const char *s, struct ags_age_recipient **ret, struct ags_diag *d);
int ags_age_parse_identity_unsupported(const char *s, struct ags_age_identity **ret, struct ags_diag *d);

/* The first line of a stanza of a one-stanza kind: 1 when s has type `type`,
 * exactly one argument that decodes to arglen bytes (into arg, named argname
 * in messages) and a 32-byte body; AGS_E_AGE_INCORRECT_IDENTITY for another
 * type; AGS_E_AGE_HEADER (d says why) when it is malformed. */
int ags_age_stanza_expect(const struct ags_age_stanza *s, const char *type, const char *argname, uint8_t *arg,
			  size_t arglen, struct ags_diag *d);
/* A Bech32 key string of HRP hrp holding exactly want bytes, into out
 * (what: "recipient", "mlkem768x25519 secret key"... for the length message). */
int ags_age_bech32_key(const char *s, const char *hrp, const char *what, uint8_t *out, size_t want,
		       struct ags_diag *d);
/* Asks fn for a passphrase into a fresh buffer of cap bytes: AGS_E_NOMEM,
 * or 0 with *n what fn returned: its length, *buf then holding it (free it
 * with ags_free_secret(*buf, cap)), or its error (*buf NULL). */
int ags_age_passphrase_read(ags_passphrase_fn fn, void *ctx, const char *prompt, size_t cap, char **buf, int *n);
/* s cut to 12 characters for a message (it may be a secret key). */
const char *ags_age_shown(const char *s, char buf[24]);

/* Built-in kinds (each in lib/age/<kind>.c), listed in kinds.c. */
int ags_age_x25519_parse_recipient(const char *s, struct ags_age_recipient **ret, struct ags_diag *d);
int ags_age_x25519_parse_identity(const char *s, struct ags_age_identity **ret, struct ags_diag *d);
int ags_age_mlkem768x25519_parse_recipient(const char *s, struct ags_age_recipient **ret, struct ags_diag *d);
int ags_age_mlkem768x25519_parse_identity(const char *s, struct ags_age_identity **ret, struct ags_diag *d);
int ags_age_mlkem768x25519_identity_from_seed(const uint8_t seed[32], struct ags_age_identity **ret);
/* ssh-ed25519 / ssh-rsa (ssh_kind.c): public key lines, authorized_keys
 * lines with options, and SSH private key files. */
int ags_age_ssh_parse_recipient(const char *s, struct ags_age_recipient **ret, struct ags_diag *d);
bool ags_age_ssh_options_line(const char *s);
int ags_age_ssh_idfile_parse(const char *data, size_t len, const char *name, ags_passphrase_fn pass,
			     void *pass_ctx, struct ags_age_identities *out, struct ags_diag *d);
/* scrypt (scrypt.c has the handles; idfile_encrypted.c the identity file).
 * An identity accepting work factors up to max_log_n (0: age's 22). */
int ags_age_scrypt_identity_new(const char *pass, size_t passlen, unsigned max_log_n, struct ags_age_identity **ret);
int ags_age_idfile_encrypted_open(const char *data, size_t len, const char *name, ags_passphrase_fn pass,
				  void *pass_ctx, struct ags_buf *inner, struct ags_diag *d);

#endif
