/*
 * bcrypt_pbkdf: the key derivation OpenSSH uses for passphrase-protected
 * "openssh-key-v1" private keys (kdfname "bcrypt").
 */
#ifndef AGS_CRYPTO_BCRYPT_PBKDF_H
#define AGS_CRYPTO_BCRYPT_PBKDF_H

#include <stddef.h>
#include <stdint.h>

/* Largest output and salt accepted (OpenBSD's limits), and the largest
 * round count we agree to run for input we do not trust. */
#define AGS_BCRYPT_PBKDF_MAX_KEY   1024
#define AGS_BCRYPT_PBKDF_MAX_SALT  (1u << 20)
#define AGS_BCRYPT_PBKDF_MAX_ROUNDS 100000u

/*
 * Derives keylen bytes from pass and salt with the given number of rounds.
 * Returns 0, AGS_E_INVAL for empty pass/salt/key or out-of-range sizes or
 * rounds, AGS_E_CRYPTO/AGS_E_NOMEM when OpenSSL fails.  key is written only
 * on success.
 */
int ags_bcrypt_pbkdf(const void *pass, size_t passlen, const void *salt, size_t saltlen,
		     uint8_t *key, size_t keylen, unsigned rounds);

#endif
