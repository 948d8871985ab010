/*
 * SSH keys for age (module-internal): OpenSSH public keys and
 * authorized_keys lines, OpenSSH private key files ("openssh-key-v1", and
 * PKCS#1 / PKCS#8 PEM through OpenSSL), and the ssh-ed25519 / ssh-rsa
 * stanza primitives of Go age's agessh package.
 */
#ifndef AGS_AGE_SSH_H
#define AGS_AGE_SSH_H

#include <agesops/age.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

typedef struct evp_pkey_st EVP_PKEY;
typedef struct bignum_st BIGNUM;

/* Caps: OpenSSH refuses RSA moduli above 16384 bits; Go age reads at most
 * 16 KiB of a PEM key file. */
#define AGS_SSH_RSA_MAX_BITS 16384
#define AGS_SSH_RSA_MIN_BITS 2048
#define AGS_SSH_KEYFILE_MAX (16 * 1024)
#define AGS_SSH_LINE_MAX (8 * 1024)
#define AGS_SSH_PEM_BEGIN_OPENSSH "-----BEGIN OPENSSH PRIVATE KEY-----"

enum ags_ssh_type {
	AGS_SSH_ED25519 = 1,
	AGS_SSH_RSA = 2,
};

struct ags_ssh_pubkey {
	enum ags_ssh_type type;
	uint8_t *wire;     /* SSH wire encoding (the base64 blob of a .pub line) */
	size_t wirelen;
	char tag[8];       /* b64(SHA-256(wire)[:4]): the stanza's first argument */
	uint8_t ed25519[32];
	uint8_t x25519[32]; /* ED25519: the Montgomery form, as age derives it */
	EVP_PKEY *rsa;     /* RSA: public key */
	unsigned rsa_bits;
};

/* Builds a public key (wire form, tag and derived fields) from its parts
 * (ssh_pubkey.c). */
int ags_ssh_pubkey_new_ed25519(const uint8_t pub[32], struct ags_ssh_pubkey **ret, struct ags_diag *d);
int ags_ssh_pubkey_new_rsa(const BIGNUM *n, const BIGNUM *e, struct ags_ssh_pubkey **ret, struct ags_diag *d);

/* "ssh-ed25519" / "ssh-rsa" */
const char *ags_ssh_type_name(enum ags_ssh_type t);

/*
 * Parses an SSH wire public key blob.  Other key types (ecdsa, sk-...) give
 * AGS_E_AGE_UNSUPPORTED_RECIPIENT with the type named in d; malformed blobs,
 * invalid Ed25519 points and RSA keys with a bad exponent give
 * AGS_E_AGE_BAD_KEY.  RSA keys under 2048 bits are accepted here (an
 * identity may hold one); ags_ssh_rsa_wrap refuses them.
 */
int ags_ssh_pubkey_from_wire(const uint8_t *wire, size_t len, struct ags_ssh_pubkey **ret,
			     struct ags_diag *d);
/*
 * Parses one authorized_keys / .pub line: [options] keytype base64 [comment].
 * Options may contain quoted strings.  The keytype field must name the
 * blob's type.  len excludes any trailing newline (one trailing "\n" or
 * "\r\n" is tolerated).
 */
int ags_ssh_pubkey_parse_line(const char *line, size_t len, struct ags_ssh_pubkey **ret,
			      struct ags_diag *d);
/* True when s looks like an SSH public key line (possibly with options),
 * for recipient dispatch.  Cheap, no decoding of the blob. */
bool ags_ssh_line_looks_like_key(const char *s);
/* "ssh-ed25519 AAAA..." without comment, malloc'd. */
int ags_ssh_pubkey_string(const struct ags_ssh_pubkey *pk, char **ret);
int ags_ssh_pubkey_dup(const struct ags_ssh_pubkey *pk, struct ags_ssh_pubkey **ret);
bool ags_ssh_pubkey_equal(const struct ags_ssh_pubkey *a, const struct ags_ssh_pubkey *b);
void ags_ssh_pubkey_free(struct ags_ssh_pubkey *pk);

/* A decrypted SSH private key. */
struct ags_ssh_privkey {
	struct ags_ssh_pubkey *pub;
	uint8_t ed25519_seed[32];
	uint8_t x25519[32];  /* ED25519: SHA-512(seed)[:32], the X25519 scalar */
	EVP_PKEY *rsa;       /* RSA: private key */
};
void ags_ssh_privkey_free(struct ags_ssh_privkey *k);
/* An Ed25519 private key from its seed; pub (if not NULL) must match it. */
int ags_ssh_privkey_new_ed25519(const uint8_t seed[32], const uint8_t pub[32], struct ags_ssh_privkey **ret,
				struct ags_diag *d);

/*
 * A private key file as read from disk.  For "openssh-key-v1" the public
 * key is always known (it is stored in the clear), so an encrypted key can
 * be matched against stanzas before asking for its passphrase.  For an
 * encrypted PKCS#1/PKCS#8 PEM file pub is NULL until decrypted.
 */
struct ags_ssh_keyfile {
	struct ags_ssh_pubkey *pub;      /* may be NULL (encrypted legacy PEM) */
	struct ags_ssh_privkey *key;     /* NULL while encrypted */
	bool encrypted;
	/* openssh-key-v1 encryption parameters */
	char cipher[32];
	uint8_t *salt;
	size_t saltlen;
	unsigned rounds;
	uint8_t *blob;   /* the encrypted private section, followed by the AEAD tag */
	size_t bloblen, taglen;
	/* legacy PEM: the whole text, for OpenSSL */
	char *pem;
	size_t pemlen;
};

/*
 * Parses a private key file ("-----BEGIN OPENSSH PRIVATE KEY-----", or
 * "RSA PRIVATE KEY" / "PRIVATE KEY" / "ENCRYPTED PRIVATE KEY").  name is
 * for diagnostics.  Unencrypted keys are fully parsed (key set).
 */
int ags_ssh_keyfile_parse(const char *data, size_t len, const char *name, struct ags_ssh_keyfile **ret,
			  struct ags_diag *d);
/* Decrypts an encrypted key file with pass (sets kf->key).  A wrong
 * passphrase gives AGS_E_AUTH. */
int ags_ssh_keyfile_decrypt(struct ags_ssh_keyfile *kf, const char *pass, size_t passlen, const char *name,
			    struct ags_diag *d);
void ags_ssh_keyfile_free(struct ags_ssh_keyfile *kf);
/* The "openssh-key-v1" container (ssh_privkey.c), for the two above. */
int ags_ssh_openssh_parse(const char *data, size_t len, const char *name, struct ags_ssh_keyfile *kf,
			  struct ags_diag *d);
int ags_ssh_openssh_decrypt(struct ags_ssh_keyfile *kf, const char *pass, size_t passlen, const char *name,
			    struct ags_diag *d);

/* Ed25519 public key -> X25519 (Montgomery u = (1+y)/(1-y) mod 2^255-19);
 * AGS_E_AGE_BAD_KEY when the bytes are not a point on the curve. */
int ags_ssh_ed25519_to_x25519(const uint8_t ed[32], uint8_t mont[32]);

/*
 * Stanza primitives.  Wrap produces the stanza arguments (after the type)
 * and body; unwrap takes them and returns the 16-byte file key.
 * Unwrap returns AGS_E_AGE_INCORRECT_IDENTITY when the stanza is not for
 * this key (tag mismatch), AGS_E_AGE_HEADER for a malformed stanza or a
 * failed decryption once the tag matched (Go age treats both as fatal).
 */
#define AGS_SSH_FILE_KEY_LEN 16
struct ags_ssh_stanza {
	char args[2][64]; /* ed25519: tag, share; rsa: tag */
	int nargs;
	uint8_t *body;    /* malloc'd */
	size_t bodylen;
};
void ags_ssh_stanza_release(struct ags_ssh_stanza *s);
int ags_ssh_ed25519_wrap(const struct ags_ssh_pubkey *pk, const uint8_t file_key[16],
			 struct ags_ssh_stanza *out);
int ags_ssh_ed25519_unwrap(const struct ags_ssh_privkey *k, const char *const *args, size_t nargs,
			   const uint8_t *body, size_t bodylen, uint8_t file_key[16], struct ags_diag *d);
int ags_ssh_rsa_wrap(const struct ags_ssh_pubkey *pk, const uint8_t file_key[16], struct ags_ssh_stanza *out,
		     struct ags_diag *d);
int ags_ssh_rsa_unwrap(const struct ags_ssh_privkey *k, const char *const *args, size_t nargs,
		       const uint8_t *body, size_t bodylen, uint8_t file_key[16], struct ags_diag *d);

#endif
