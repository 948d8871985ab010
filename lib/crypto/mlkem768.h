/*
 * ML-KEM-768 (FIPS 203), written here because OpenSSL 3.0 has none.  Hashing
 * (SHA3-256, SHA3-512, SHAKE128, SHAKE256) goes through crypto/ossl.h; the
 * lattice arithmetic is ours and constant-time: no branch and no memory index
 * depends on secret data (keys, messages, shared secrets, the re-encryption
 * comparison).  Only the public matrix sampling from rho branches.
 *
 * Functions return 0 or a negative AGS_E_* code; outputs are written only on
 * success.  Decapsulation never "fails" on a bad ciphertext (implicit
 * rejection returns a pseudorandom key).
 */
#ifndef AGS_CRYPTO_MLKEM768_H
#define AGS_CRYPTO_MLKEM768_H

#include <stddef.h>
#include <stdint.h>

#define AGS_MLKEM768_EK_LEN 1184
#define AGS_MLKEM768_DK_LEN 2400
#define AGS_MLKEM768_CT_LEN 1088
#define AGS_MLKEM768_SS_LEN 32
#define AGS_MLKEM768_SEED_LEN 64 /* d || z */

/* Algorithm 16 (KeyGen_internal): deterministic from d and z. */
int ags_mlkem768_keygen_internal(const uint8_t d[32], const uint8_t z[32],
				 uint8_t ek[AGS_MLKEM768_EK_LEN], uint8_t dk[AGS_MLKEM768_DK_LEN]);
/* Algorithm 17 (Encaps_internal): deterministic from m.  ek must pass
 * ags_mlkem768_ek_check (AGS_E_AGE_BAD_KEY otherwise). */
int ags_mlkem768_encaps_internal(const uint8_t ek[AGS_MLKEM768_EK_LEN], const uint8_t m[32],
				 uint8_t ss[32], uint8_t ct[AGS_MLKEM768_CT_LEN]);
/* Encaps with m from the OS RNG. */
int ags_mlkem768_encaps(const uint8_t ek[AGS_MLKEM768_EK_LEN], uint8_t ss[32],
			uint8_t ct[AGS_MLKEM768_CT_LEN]);
/* Algorithm 18 (Decaps_internal) with the FIPS 203 §7.3 hash check of dk. */
int ags_mlkem768_decaps(const uint8_t dk[AGS_MLKEM768_DK_LEN], const uint8_t ct[AGS_MLKEM768_CT_LEN],
			uint8_t ss[32]);
/* Modulus check (FIPS 203 §7.2): every 12-bit coefficient is < q.
 * 0 or AGS_E_AGE_BAD_KEY.  Operates on public data. */
int ags_mlkem768_ek_check(const uint8_t ek[AGS_MLKEM768_EK_LEN]);

/* Exposed for the unit tests only. */
uint16_t ags_mlkem768_compress_(uint16_t x, unsigned d);
uint16_t ags_mlkem768_decompress_(uint16_t y, unsigned d);
/* Key generation as in the FIPS 203 initial public draft (G(d) without the
 * k byte), so the published pq-crystals accumulated vectors, made before
 * the final standard, can check the rest of the arithmetic. */
int ags_mlkem768_keygen_internal_ipd_(const uint8_t d[32], const uint8_t z[32],
				      uint8_t ek[AGS_MLKEM768_EK_LEN], uint8_t dk[AGS_MLKEM768_DK_LEN]);

#endif
