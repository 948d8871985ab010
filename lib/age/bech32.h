/*
 * Bech32 (BIP-173 checksum, constant 1) as age uses it: no 90-character
 * limit, all-lowercase or all-uppercase only, strict padding on decode.
 * Written here because age keys need exactly these rules and no library
 * on Debian 12 provides them.
 */
#ifndef AGS_AGE_BECH32_H
#define AGS_AGE_BECH32_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest string accepted or produced (a post-quantum recipient is ~1960). */
#define AGS_BECH32_MAX 16384

/* Encodes hrp + data; the result is lowercase, or uppercase with upper.
 * *ret is malloc'd (wipe it when data is secret). */
int ags_bech32_encode(const char *hrp, const uint8_t *data, size_t len, bool upper, char **ret);

/*
 * Decodes s.  *hrp receives the human-readable part in the case it had in
 * s (so callers can insist on "age" vs "AGE-SECRET-KEY-"), *data the
 * 8-bit payload (malloc'd; wipe when secret).  Returns AGS_E_AGE_BECH32.
 */
int ags_bech32_decode(const char *s, char **hrp, uint8_t **data, size_t *len);

#endif
