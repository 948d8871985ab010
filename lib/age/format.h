/*
 * age header: stanzas, strict parsing (Go's format.Parse rules, see
 * shared/spec/age.md §2), canonical serialisation and the header MAC.
 */
#ifndef AGS_AGE_FORMAT_H
#define AGS_AGE_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AGS_AGE_INTRO "age-encryption.org/v1\n"
#define AGS_AGE_FILE_KEY_LEN 16
#define AGS_AGE_MAC_LEN 32
#define AGS_AGE_BYTES_PER_LINE 48
#define AGS_AGE_COLUMNS 64
/* Caps on untrusted headers (Go has none; these are far above any real file:
 * an mlkem768x25519 argument is 1512 characters, ssh-rsa bodies ~512 bytes). */
#define AGS_AGE_HEADER_MAX ((size_t)16 << 20)
#define AGS_AGE_MAX_STANZAS 16384
#define AGS_AGE_MAX_ARGS 256

/* One recipient stanza.  args[0] is the type. */
struct ags_age_stanza {
	char **args;
	size_t nargs;
	uint8_t *body;
	size_t bodylen;
};

struct ags_age_stanzas {
	struct ags_age_stanza *v;
	size_t n, cap;
};

/* Appends a stanza (copies args and body). */
int ags_age_stanzas_add(struct ags_age_stanzas *l, const char *const *args, size_t nargs,
			const void *body, size_t bodylen);
void ags_age_stanzas_clear(struct ags_age_stanzas *l);

struct ags_age_header {
	struct ags_age_stanzas st;
	uint8_t mac[AGS_AGE_MAC_LEN];
	size_t mac_covered; /* bytes from the start covered by the MAC (through "---") */
};

/*
 * Parses a header from p[0..len).  On success *consumed is the header size
 * (the payload nonce starts there).  AGS_E_TRUNCATED when the input ends
 * inside the header (the caller may read more and retry, or treat it as a
 * header error at EOF); AGS_E_AGE_HEADER / AGS_E_AGE_VERSION otherwise,
 * with d naming the line.
 */
int ags_age_header_parse(const uint8_t *p, size_t len, struct ags_age_header *h, size_t *consumed,
			 struct ags_diag *d);
void ags_age_header_clear(struct ags_age_header *h);

/* Serialises the stanzas up to and including "---" (the MAC input). */
int ags_age_header_marshal_without_mac(const struct ags_age_stanzas *st, struct ags_buf *out);
/* HMAC-SHA-256 under HKDF(file_key, "", "header"). */
int ags_age_header_mac(const uint8_t file_key[16], const void *hdr, size_t len, uint8_t mac[32]);

#endif
