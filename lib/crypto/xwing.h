/*
 * The MLKEM768-X25519 hybrid KEM (X-Wing combiner, HPKE KEM id 0x647a, as
 * filippo.io/hpke implements it for age's mlkem768x25519 recipients) and the
 * HPKE base-mode key schedule for the suite (0x647a, HKDF-SHA256,
 * ChaCha20-Poly1305).  ML-KEM-768 is ours (mlkem768.h); X25519, SHA3,
 * SHAKE256 and HMAC come from OpenSSL through ossl.h.
 */
#ifndef AGS_CRYPTO_XWING_H
#define AGS_CRYPTO_XWING_H

#include <stddef.h>
#include <stdint.h>
#include "crypto/mlkem768.h"

#define AGS_XWING_SEED_LEN 32
#define AGS_XWING_PK_LEN (AGS_MLKEM768_EK_LEN + 32)  /* 1216 */
#define AGS_XWING_ENC_LEN (AGS_MLKEM768_CT_LEN + 32) /* 1120 */
#define AGS_XWING_IKME_LEN 64                        /* ML-KEM m || X25519 scalar */

/* An expanded private key.  Secret: wipe it (ags_wipe) when done. */
struct ags_xwing_key {
	uint8_t dk_pq[AGS_MLKEM768_DK_LEN];
	uint8_t sk_t[32];
	uint8_t pk[AGS_XWING_PK_LEN];
};

/* seed -> (dk, pk): SHAKE256(seed, 96) = d || z || sk_T. */
int ags_xwing_expand(const uint8_t seed[AGS_XWING_SEED_LEN], struct ags_xwing_key *k);
/* The ML-KEM modulus check on the first 1184 bytes (AGS_E_AGE_BAD_KEY). */
int ags_xwing_pk_check(const uint8_t pk[AGS_XWING_PK_LEN]);
/* Deterministic encapsulation for the vectors; ags_xwing_encaps draws ikmE. */
int ags_xwing_encaps_internal(const uint8_t pk[AGS_XWING_PK_LEN], const uint8_t ikme[AGS_XWING_IKME_LEN],
			      uint8_t ss[32], uint8_t enc[AGS_XWING_ENC_LEN]);
int ags_xwing_encaps(const uint8_t pk[AGS_XWING_PK_LEN], uint8_t ss[32], uint8_t enc[AGS_XWING_ENC_LEN]);
/* Never fails on a wrong ML-KEM ciphertext (implicit rejection); fails with
 * AGS_E_CRYPTO when the X25519 share gives the all-zero secret. */
int ags_xwing_decaps(const struct ags_xwing_key *k, const uint8_t enc[AGS_XWING_ENC_LEN], uint8_t ss[32]);

/* HPKE (RFC 9180) base mode, single message: key and base_nonce from the
 * KEM shared secret and info. */
int ags_hpke_xwing_schedule(const uint8_t ss[32], const void *info, size_t infolen,
			    uint8_t key[32], uint8_t nonce[12]);

#endif
