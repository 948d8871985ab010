/*
 * The SSH wire encoding (RFC 4251 §5) for the key parsers of lib/age
 * (module-internal).
 */
#ifndef AGS_AGE_SSH_WIRE_H
#define AGS_AGE_SSH_WIRE_H

#include "internal.h"
#include <openssl/bn.h>

struct ags_ssh_rd {
	const uint8_t *p;
	size_t n;
};

bool ags_ssh_rd_u32(struct ags_ssh_rd *r, uint32_t *v);
bool ags_ssh_rd_string(struct ags_ssh_rd *r, const uint8_t **s, size_t *len);
/* A non-negative mpint as a BIGNUM (secret ones in BN_secure memory). */
BIGNUM *ags_ssh_rd_mpint(struct ags_ssh_rd *r, bool secret);
bool ags_ssh_str_is(const uint8_t *s, size_t len, const char *want);
int ags_ssh_put_u32(struct ags_buf *b, uint32_t v);
int ags_ssh_put_string(struct ags_buf *b, const void *s, size_t len);
int ags_ssh_put_cstring(struct ags_buf *b, const char *s);
/* mpint: big-endian, with a leading zero byte when the top bit is set
 * (canonical, as Go's ssh.Marshal writes it).  The bytes it passes through
 * on the stack are wiped: bn may be a private key's (b is then a secret
 * buffer). */
int ags_ssh_put_mpint(struct ags_buf *b, const BIGNUM *bn);
/* A public key line: type, a space, the base64 wire blob, then a newline
 * when newline is set; malloc'd. */
int ags_ssh_key_line(const char *type, const uint8_t *wire, size_t len, bool newline, char **ret);

#endif
