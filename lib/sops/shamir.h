/*
 * Shamir secret sharing over GF(2^8) as sops uses it for several key groups
 * (sops' shamir package, a fork of HashiCorp Vault's).
 *
 * Share layout, byte for byte what sops stores (encrypted) per key group:
 * y[0] .. y[len-1] followed by one byte x (the evaluation point, 1..255).
 * The field is GF(2^8) with the AES polynomial x^8+x^4+x^3+x+1, so any
 * implementation of it agrees on every share.
 */
#ifndef AGS_SOPS_SHAMIR_H
#define AGS_SOPS_SHAMIR_H

#include <stddef.h>
#include <stdint.h>

#define AGS_SHAMIR_MAX_PARTS 255

/* GF(2^8) product, constant time (no tables, no branches on the operands). */
uint8_t ags_gf256_mul(uint8_t a, uint8_t b);
/* Multiplicative inverse (a^254); inv(0) = 0. Constant time. */
uint8_t ags_gf256_inv(uint8_t a);

/*
 * Splits secret (len >= 1 bytes) into `parts` shares of len+1 bytes each,
 * written consecutively to out (parts * (len + 1) bytes).  threshold shares
 * rebuild it.  2 <= threshold <= parts <= 255, as sops requires.  The x
 * coordinates are distinct random values in 1..255.
 */
int ags_shamir_split(const uint8_t *secret, size_t len, unsigned parts, unsigned threshold,
		     uint8_t *out);

/*
 * Rebuilds the secret from n >= 2 shares of share_len >= 2 bytes each
 * (pointers in shares), writing share_len - 1 bytes to out.  Fails with
 * AGS_E_SOPS_SHAMIR on fewer than two shares or two shares with the same x.
 * With fewer than threshold shares the result is garbage: the caller
 * detects that when the rebuilt data key fails to authenticate the MAC.
 */
int ags_shamir_combine(const uint8_t *const *shares, size_t n, size_t share_len, uint8_t *out);

/* Data-key forms (32-byte secret, 33-byte shares), as declared in agesops/sops.h. */
int ags_sops_shamir_split(const uint8_t secret[32], unsigned parts, unsigned threshold, uint8_t (*shares)[33]);
int ags_sops_shamir_combine(const uint8_t (*shares)[33], size_t n, uint8_t secret[32]);

#endif
