/*
 * Strict, canonical base64 (RFC 4648 standard alphabet).  OpenSSL's decoder
 * accepts whitespace, missing padding and non-canonical trailing bits, all
 * of which age must reject, so this one is ours.
 */
#ifndef AGS_UTIL_B64_H
#define AGS_UTIL_B64_H

#include <stddef.h>
#include <stdbool.h>

enum ags_b64_mode {
	AGS_B64_PADDED,   /* length % 4 == 0, '=' padding required (Kubernetes, sops, armor) */
	AGS_B64_UNPADDED, /* no '=' allowed (age header) */
};

/* Length of the encoding of n bytes, without the NUL. */
size_t ags_b64_encoded_len(size_t n, enum ags_b64_mode mode);
/* Upper bound of the decoded size of an n-character input. */
size_t ags_b64_decoded_max(size_t n);
/* Writes the encoding of in[0..n) to out (which must hold encoded_len + 1) and NUL-terminates.
 * It may run in place, forwards: in may lie inside out's room as long as
 * in >= out + (n + 2) / 3, e.g. with the input ending where the padded
 * encoding ends (each 3 bytes are read before their 4 characters are
 * written, and the writes never pass the next unread byte). */
size_t ags_b64_encode(const void *in, size_t n, enum ags_b64_mode mode, char *out);
/*
 * Decodes exactly n characters.  Rejects characters outside the alphabet,
 * whitespace, wrong padding for the mode, and non-zero unused bits
 * (non-canonical).  out must hold ags_b64_decoded_max(n) bytes.  Returns
 * AGS_E_BASE64 on any violation; *outlen is set only on success.
 */
int ags_b64_decode(const char *in, size_t n, enum ags_b64_mode mode,
		   void *out, size_t *outlen);
/*
 * Go's base64.StdEncoding.DecodeString on wrapped text (kubeconfig *-data
 * fields, YAML !!binary): padded, every '\r' and '\n' skipped.  *out is a
 * new block with the *outlen bytes and a NUL after them; a secret one is
 * released with ags_free_secret(*out, *outlen).  The copy without line
 * breaks is wiped.  AGS_E_BASE64 or AGS_E_NOMEM.
 */
int ags_b64_decode_wrapped(const char *in, size_t n, unsigned char **out, size_t *outlen);

#endif
