/*
 * age-encryption.org/v1: keys, recipients, identities, encryption and
 * decryption.  Byte-compatible with Go age.
 *
 * Recipients and identities are opaque handles of one of several kinds
 * (X25519, scrypt, and later ssh-ed25519, ssh-rsa, mlkem768x25519, plugins),
 * each implemented in its own lib/age/<kind>.c behind a small vtable.
 *
 * Ownership: *_parse and *_new return a new handle the caller frees with
 * the matching *_free (NULL is fine).  Strings returned through char **
 * are malloc'd; identity strings are secret (free with ags_free_secret_str
 * from util/secret.h, or wipe then free).  On failure no output is set.
 */
#ifndef AGESOPS_AGE_H
#define AGESOPS_AGE_H

#include <agesops/agesops.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ags_age_recipient;
struct ags_age_identity;
struct ags_buf;

/* Asks the user for a passphrase (no echo).  Writes a NUL-terminated
 * passphrase into buf (cap bytes) and returns its length, or a negative
 * error (AGS_E_AGE_PASSPHRASE when none can be had). */
typedef int (*ags_passphrase_fn)(void *ctx, const char *prompt, char *buf, size_t cap);

/* Parses one recipient: "age1..." (X25519), and whatever other kinds are
 * built in.  AGS_E_AGE_UNSUPPORTED_RECIPIENT for a well-formed string of an
 * unknown kind, AGS_E_AGE_BAD_KEY / AGS_E_AGE_BECH32 for a malformed one. */
int ags_age_recipient_parse(const char *s, struct ags_age_recipient **ret, struct ags_diag *d);
/* A passphrase recipient; log_n is the scrypt work factor (18 by default in age). */
int ags_age_recipient_new_scrypt(const char *pass, size_t passlen, unsigned log_n,
				 struct ags_age_recipient **ret);
/* The canonical string form ("age1..."). */
int ags_age_recipient_string(const struct ags_age_recipient *r, char **ret);
void ags_age_recipient_free(struct ags_age_recipient *r);

/* Parses one identity: "AGE-SECRET-KEY-1..." and other built-in kinds. */
int ags_age_identity_parse(const char *s, struct ags_age_identity **ret, struct ags_diag *d);
int ags_age_identity_new_scrypt(const char *pass, size_t passlen, struct ags_age_identity **ret);
/* The recipient matching an identity (for keygen -y, sops, kube pubkey). */
int ags_age_identity_to_recipient(const struct ags_age_identity *id, struct ags_age_recipient **ret);
/* The canonical secret string ("AGE-SECRET-KEY-1..."), malloc'd, secret. */
int ags_age_identity_string(const struct ags_age_identity *id, char **ret);
void ags_age_identity_free(struct ags_age_identity *id);

/* A fresh X25519 identity from the OS RNG. */
int ags_age_keygen_x25519(struct ags_age_identity **ret);
/* A fresh mlkem768x25519 (post-quantum hybrid) identity.  Returns
 * AGS_E_AGE_UNSUPPORTED_RECIPIENT until that kind is built in. */
int ags_age_keygen_pq(struct ags_age_identity **ret);
/* A fresh key as age-keygen writes it, appended to file (init it with
 * ags_buf_init_secret): "# created: TIME\n# public key: RECIPIENT\n
 * IDENTITY\n", TIME in RFC 3339 local time ("Z" for UTC) as Go formats it.
 * *recipient: the recipient string, malloc'd.  pq: mlkem768x25519, else
 * X25519.  On failure file is as it was and *recipient untouched. */
int ags_age_keygen_file(bool pq, struct ags_buf *file, char **recipient);

/*
 * A passphrase identity that asks for the passphrase (through pass) only
 * when the file really has an scrypt stanza, as age -d does without -i.
 * max_log_n caps the work factor accepted (0 = 22, age's maximum).
 */
int ags_age_identity_new_scrypt_prompt(ags_passphrase_fn pass, void *pass_ctx, unsigned max_log_n,
				       struct ags_age_identity **ret);
/*
 * An identity that matches nothing but turns a passphrase-encrypted file
 * into an AGS_E_AGE_PASSPHRASE error (age -d -i on an scrypt file).  It is
 * tried after every other identity (put it last): a plugin such as
 * batchpass may open the file.
 */
int ags_age_identity_new_reject_scrypt(struct ags_age_identity **ret);
/* The kind name of a handle ("X25519", "scrypt", ...), for messages. */
const char *ags_age_recipient_kind(const struct ags_age_recipient *r);
const char *ags_age_identity_kind(const struct ags_age_identity *id);

/* A growable list of handles (owned). */
struct ags_age_identities {
	struct ags_age_identity **v;
	size_t n, cap;
};
struct ags_age_recipients {
	struct ags_age_recipient **v;
	size_t n, cap;
};
/* Append takes ownership of the handle (also on failure: it is freed). */
int ags_age_identities_add(struct ags_age_identities *l, struct ags_age_identity *id);
int ags_age_recipients_add(struct ags_age_recipients *l, struct ags_age_recipient *r);
void ags_age_identities_clear(struct ags_age_identities *l);
void ags_age_recipients_clear(struct ags_age_recipients *l);

/*
 * Identity files as age -i reads them: one identity per line, '#' comments
 * and blank lines ignored (and whatever other forms are built in, such as
 * OpenSSH private keys or passphrase-protected age files, which may call
 * pass).  name is used in diagnostics ("keys.txt:3: ...").  Appends to out.
 */
int ags_age_parse_identity_file(const char *data, size_t len, const char *name,
				ags_passphrase_fn pass, void *pass_ctx,
				struct ags_age_identities *out, struct ags_diag *d);
/* Recipients files as age -R reads them.  Appends to out. */
int ags_age_parse_recipients_file(const char *data, size_t len, const char *name,
				  struct ags_age_recipients *out, struct ags_diag *d);

/*
 * In-memory encryption and decryption (sops data keys, Secrets).  out is
 * appended to; for decryption, init it with ags_buf_init_secret.  On
 * decryption failure nothing is appended.
 */
int ags_age_encrypt_buf(struct ags_age_recipient *const *r, size_t nr, const void *pt, size_t len,
			bool armor, struct ags_buf *out, struct ags_diag *d);
int ags_age_decrypt_buf(struct ags_age_identity *const *ids, size_t nid, const void *ct, size_t len,
			struct ags_buf *out, struct ags_diag *d);

/*
 * Streaming encryption and decryption (64 KiB chunks, memory flat).
 * read returns the number of bytes read (0 at EOF) or a negative error;
 * write returns 0 or a negative error.  Decryption writes each chunk only
 * after it authenticated: on failure, exactly the chunks that verified
 * before the error have been written (Go age's semantics) and the caller
 * must discard them if it wants all-or-nothing (the CLI's -o does).
 */
typedef ssize_t (*ags_age_read_fn)(void *ctx, void *buf, size_t n);
typedef int (*ags_age_write_fn)(void *ctx, const void *buf, size_t n);

enum ags_age_armor_mode {
	AGS_AGE_ARMOR_AUTO = 0, /* decrypt: armored iff it starts (after <= 1 KiB of whitespace) with BEGIN */
	AGS_AGE_ARMOR_NO,
	AGS_AGE_ARMOR_YES,
};

int ags_age_encrypt_stream(struct ags_age_recipient *const *r, size_t nr, bool armor,
			   ags_age_read_fn rd, void *rctx, ags_age_write_fn wr, void *wctx,
			   struct ags_diag *d);
int ags_age_decrypt_stream(struct ags_age_identity *const *ids, size_t nid, enum ags_age_armor_mode armor,
			   ags_age_read_fn rd, void *rctx, ags_age_write_fn wr, void *wctx,
			   struct ags_diag *d);
/* The same over file descriptors (neither is closed). */
int ags_age_encrypt_fd(struct ags_age_recipient *const *r, size_t nr, bool armor, int in_fd, int out_fd,
		       struct ags_diag *d);
int ags_age_decrypt_fd(struct ags_age_identity *const *ids, size_t nid, int in_fd, int out_fd,
		       struct ags_diag *d);
/* Reading a file descriptor (not closed), writing through wr: a caller
 * whose wr records its own failures can tell a full output disk from a bad
 * input (the age CLI names the output file then). */
int ags_age_encrypt_from_fd(struct ags_age_recipient *const *r, size_t nr, bool armor, int in_fd,
			    ags_age_write_fn wr, void *wctx, struct ags_diag *d);
int ags_age_decrypt_from_fd(struct ags_age_identity *const *ids, size_t nid, int in_fd, ags_age_write_fn wr,
			    void *wctx, struct ags_diag *d);

/*
 * ssh-to-age: the age X25519 recipient ("age1...") of an ssh-ed25519
 * public key line, or the identity ("AGE-SECRET-KEY-1...", secret) of an
 * ssh-ed25519 private key file (pass for an encrypted one, NULL if none).
 * Other key types give AGS_E_AGE_UNSUPPORTED_RECIPIENT.
 */
int ags_age_ssh_to_age_recipient(const char *line, size_t len, char **ret, struct ags_diag *d);
int ags_age_ssh_to_age_identity(const char *data, size_t len, const char *pass, size_t passlen, char **ret,
				struct ags_diag *d);

/*
 * age-inspect (age 1.3): the metadata of an age file read from fd to its
 * end, without a key.  header + armor_overhead + overhead + min_payload is
 * the number of bytes read.  Free with ags_age_inspect_clear.
 */
struct ags_age_inspect {
	const char *version;      /* "age-encryption.org/v1" */
	const char *postquantum;  /* "yes", "no" or "unknown" */
	bool armor;
	char **stanza_types;      /* the type of each recipient stanza, in order */
	size_t ntypes;
	int64_t header, armor_overhead, overhead, min_payload, max_payload, min_padding, max_padding;
};
int ags_age_inspect_fd(int fd, struct ags_age_inspect *out, struct ags_diag *d);
void ags_age_inspect_clear(struct ags_age_inspect *m);

/*
 * age-plugin-batchpass (age 1.3), the plugin side: serves one plugin
 * session (state "recipient-v1" or "identity-v1", from --age-plugin=) on
 * in_fd / out_fd, wrapping the file key with the passphrase into a
 * standard scrypt stanza, or unwrapping it.  pass NULL: every request is
 * answered with pass_error (e.g. neither variable set).
 */
struct ags_age_batchpass {
	const char *pass;
	size_t passlen;
	const char *pass_error;
	unsigned work_factor;     /* encryption: scrypt log2(N), 0 = 18 */
	unsigned max_work_factor; /* decryption: highest accepted, 0 = 22 */
};
int ags_age_batchpass_serve(const char *state, const struct ags_age_batchpass *o, int in_fd, int out_fd,
			    struct ags_diag *d);

#ifdef __cplusplus
}
#endif
#endif
