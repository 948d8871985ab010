/*
 * OpenSSL's libcrypto, loaded on first use.
 *
 * Mapping libcrypto at start-up (about 3,000 symbol bindings, BIND_NOW)
 * costs a small-file run more than everything else it does, and most runs
 * need nothing from it now that libsodium serves the small primitives
 * (backend.h).  So libagesops does not link libcrypto: every OpenSSL call in
 * lib/ goes through the macros below, which fetch the function from
 * libcrypto.so.3, loaded with dlopen the first time any is called.  Callers
 * write ordinary OpenSSL calls; this header (included through crypto/ossl.h)
 * must come before or after the OpenSSL headers, never between (it includes
 * all of them that lib/ uses).
 *
 * When libcrypto.so.3 cannot be loaded, the process stops with the dynamic
 * loader's message and exit status 127, as it did when libcrypto was linked
 * (the library cannot go on without the function it was asked for).
 */
#ifndef AGS_CRYPTO_LIBCRYPTO_H
#define AGS_CRYPTO_LIBCRYPTO_H

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#if defined(OPENSSL_SUPPRESS_DEPRECATED)
#include <openssl/blowfish.h> /* lib/crypto/bcrypt_pbkdf.c only */
#endif

/* Every libcrypto function lib/ calls (keep sorted; a missing one fails the link). */
#define AGS_LIBCRYPTO_FUNCTIONS(X) \
	X(BF_encrypt) \
	X(BF_set_key) \
	X(BIO_ctrl) \
	X(BIO_free) \
	X(BIO_new) \
	X(BIO_new_mem_buf) \
	X(BIO_s_secmem) \
	X(BN_CTX_end) \
	X(BN_CTX_free) \
	X(BN_CTX_get) \
	X(BN_CTX_new) \
	X(BN_CTX_secure_new) \
	X(BN_CTX_start) \
	X(BN_add) \
	X(BN_bin2bn) \
	X(BN_bn2bin) \
	X(BN_bn2binpad) \
	X(BN_bn2lebinpad) \
	X(BN_clear_free) \
	X(BN_cmp) \
	X(BN_copy) \
	X(BN_div) \
	X(BN_div_word) \
	X(BN_free) \
	X(BN_get_word) \
	X(BN_is_odd) \
	X(BN_is_one) \
	X(BN_is_zero) \
	X(BN_lebin2bn) \
	X(BN_lshift) \
	X(BN_mod_add) \
	X(BN_mod_exp) \
	X(BN_mod_inverse) \
	X(BN_mod_mul) \
	X(BN_mod_sqr) \
	X(BN_mod_sub) \
	X(BN_mul) \
	X(BN_mul_word) \
	X(BN_new) \
	X(BN_nnmod) \
	X(BN_num_bits) \
	X(BN_rshift) \
	X(BN_rshift1) \
	X(BN_secure_new) \
	X(BN_set_flags) \
	X(BN_set_word) \
	X(BN_sub) \
	X(BN_sub_word) \
	X(BN_value_one) \
	X(BN_zero_ex) \
	X(CRYPTO_free) \
	X(CRYPTO_memdup) \
	X(ERR_clear_error) \
	X(EVP_CIPHER_CTX_ctrl) \
	X(EVP_CIPHER_CTX_free) \
	X(EVP_CIPHER_CTX_new) \
	X(EVP_CIPHER_CTX_set_padding) \
	X(EVP_CIPHER_meth_dup) \
	X(EVP_CipherInit_ex) \
	X(EVP_CipherUpdate) \
	X(EVP_DecryptFinal_ex) \
	X(EVP_DecryptInit_ex) \
	X(EVP_DecryptUpdate) \
	X(EVP_DigestFinalXOF) \
	X(EVP_DigestFinal_ex) \
	X(EVP_DigestInit_ex) \
	X(EVP_DigestUpdate) \
	X(EVP_EncryptFinal_ex) \
	X(EVP_EncryptUpdate) \
	X(EVP_KDF_CTX_free) \
	X(EVP_KDF_CTX_new) \
	X(EVP_KDF_derive) \
	X(EVP_KDF_fetch) \
	X(EVP_KDF_free) \
	X(EVP_MD_CTX_free) \
	X(EVP_MD_CTX_new) \
	X(EVP_MD_get_size) \
	X(EVP_PBE_scrypt) \
	X(EVP_PKEY_CTX_free) \
	X(EVP_PKEY_CTX_new) \
	X(EVP_PKEY_CTX_new_from_name) \
	X(EVP_PKEY_CTX_new_from_pkey) \
	X(EVP_PKEY_CTX_set0_rsa_oaep_label) \
	X(EVP_PKEY_CTX_set_rsa_mgf1_md) \
	X(EVP_PKEY_CTX_set_rsa_oaep_md) \
	X(EVP_PKEY_CTX_set_rsa_padding) \
	X(EVP_PKEY_Q_keygen) \
	X(EVP_PKEY_decrypt) \
	X(EVP_PKEY_decrypt_init) \
	X(EVP_PKEY_derive) \
	X(EVP_PKEY_derive_init) \
	X(EVP_PKEY_derive_set_peer) \
	X(EVP_PKEY_encrypt) \
	X(EVP_PKEY_encrypt_init) \
	X(EVP_PKEY_free) \
	X(EVP_PKEY_fromdata) \
	X(EVP_PKEY_fromdata_init) \
	X(EVP_PKEY_get_base_id) \
	X(EVP_PKEY_get_bn_param) \
	X(EVP_PKEY_get_octet_string_param) \
	X(EVP_PKEY_get_raw_private_key) \
	X(EVP_PKEY_get_raw_public_key) \
	X(EVP_PKEY_get_size) \
	X(EVP_PKEY_get_utf8_string_param) \
	X(EVP_PKEY_is_a) \
	X(EVP_PKEY_new_raw_private_key) \
	X(EVP_PKEY_new_raw_public_key) \
	X(EVP_Q_mac) \
	X(EVP_aes_256_gcm) \
	X(EVP_chacha20_poly1305) \
	X(EVP_get_cipherbyname) \
	X(EVP_sha256) \
	X(EVP_sha3_256) \
	X(EVP_sha3_512) \
	X(EVP_sha512) \
	X(EVP_shake128) \
	X(EVP_shake256) \
	X(OSSL_PARAM_BLD_free) \
	X(OSSL_PARAM_BLD_new) \
	X(OSSL_PARAM_BLD_push_BN) \
	X(OSSL_PARAM_BLD_to_param) \
	X(OSSL_PARAM_construct_end) \
	X(OSSL_PARAM_construct_octet_string) \
	X(OSSL_PARAM_construct_utf8_string) \
	X(OSSL_PARAM_free) \
	X(PEM_read_bio_PrivateKey) \
	X(PEM_write_bio_PrivateKey) \
	X(RAND_bytes)

enum ags_libcrypto_fn {
#define AGS_LIBCRYPTO_ENUM(f) AGS_LIBCRYPTO_##f,
	AGS_LIBCRYPTO_FUNCTIONS(AGS_LIBCRYPTO_ENUM)
#undef AGS_LIBCRYPTO_ENUM
	AGS_LIBCRYPTO_COUNT
};

/* The address of function i, loading libcrypto first if need be (never NULL). */
void *ags_libcrypto_fn(enum ags_libcrypto_fn i);

#define AGS_LIBCRYPTO_CALL(f) ((__typeof__(&f))ags_libcrypto_fn(AGS_LIBCRYPTO_##f))

#define BF_encrypt(...) AGS_LIBCRYPTO_CALL(BF_encrypt)(__VA_ARGS__)
#define BF_set_key(...) AGS_LIBCRYPTO_CALL(BF_set_key)(__VA_ARGS__)
#define BIO_ctrl(...) AGS_LIBCRYPTO_CALL(BIO_ctrl)(__VA_ARGS__)
#define BIO_free(...) AGS_LIBCRYPTO_CALL(BIO_free)(__VA_ARGS__)
#define BIO_new(...) AGS_LIBCRYPTO_CALL(BIO_new)(__VA_ARGS__)
#define BIO_new_mem_buf(...) AGS_LIBCRYPTO_CALL(BIO_new_mem_buf)(__VA_ARGS__)
#define BIO_s_secmem(...) AGS_LIBCRYPTO_CALL(BIO_s_secmem)(__VA_ARGS__)
#define BN_CTX_end(...) AGS_LIBCRYPTO_CALL(BN_CTX_end)(__VA_ARGS__)
#define BN_CTX_free(...) AGS_LIBCRYPTO_CALL(BN_CTX_free)(__VA_ARGS__)
#define BN_CTX_get(...) AGS_LIBCRYPTO_CALL(BN_CTX_get)(__VA_ARGS__)
#define BN_CTX_new(...) AGS_LIBCRYPTO_CALL(BN_CTX_new)(__VA_ARGS__)
#define BN_CTX_secure_new(...) AGS_LIBCRYPTO_CALL(BN_CTX_secure_new)(__VA_ARGS__)
#define BN_CTX_start(...) AGS_LIBCRYPTO_CALL(BN_CTX_start)(__VA_ARGS__)
#define BN_add(...) AGS_LIBCRYPTO_CALL(BN_add)(__VA_ARGS__)
#define BN_bin2bn(...) AGS_LIBCRYPTO_CALL(BN_bin2bn)(__VA_ARGS__)
#define BN_bn2bin(...) AGS_LIBCRYPTO_CALL(BN_bn2bin)(__VA_ARGS__)
#define BN_bn2binpad(...) AGS_LIBCRYPTO_CALL(BN_bn2binpad)(__VA_ARGS__)
#define BN_bn2lebinpad(...) AGS_LIBCRYPTO_CALL(BN_bn2lebinpad)(__VA_ARGS__)
#define BN_clear_free(...) AGS_LIBCRYPTO_CALL(BN_clear_free)(__VA_ARGS__)
#define BN_cmp(...) AGS_LIBCRYPTO_CALL(BN_cmp)(__VA_ARGS__)
#define BN_copy(...) AGS_LIBCRYPTO_CALL(BN_copy)(__VA_ARGS__)
#define BN_div(...) AGS_LIBCRYPTO_CALL(BN_div)(__VA_ARGS__)
#define BN_div_word(...) AGS_LIBCRYPTO_CALL(BN_div_word)(__VA_ARGS__)
#define BN_free(...) AGS_LIBCRYPTO_CALL(BN_free)(__VA_ARGS__)
#define BN_get_word(...) AGS_LIBCRYPTO_CALL(BN_get_word)(__VA_ARGS__)
#define BN_is_odd(...) AGS_LIBCRYPTO_CALL(BN_is_odd)(__VA_ARGS__)
#define BN_is_one(...) AGS_LIBCRYPTO_CALL(BN_is_one)(__VA_ARGS__)
#define BN_is_zero(...) AGS_LIBCRYPTO_CALL(BN_is_zero)(__VA_ARGS__)
#define BN_lebin2bn(...) AGS_LIBCRYPTO_CALL(BN_lebin2bn)(__VA_ARGS__)
#define BN_lshift(...) AGS_LIBCRYPTO_CALL(BN_lshift)(__VA_ARGS__)
#define BN_mod_add(...) AGS_LIBCRYPTO_CALL(BN_mod_add)(__VA_ARGS__)
#define BN_mod_exp(...) AGS_LIBCRYPTO_CALL(BN_mod_exp)(__VA_ARGS__)
#define BN_mod_inverse(...) AGS_LIBCRYPTO_CALL(BN_mod_inverse)(__VA_ARGS__)
#define BN_mod_mul(...) AGS_LIBCRYPTO_CALL(BN_mod_mul)(__VA_ARGS__)
#define BN_mod_sqr(...) AGS_LIBCRYPTO_CALL(BN_mod_sqr)(__VA_ARGS__)
#define BN_mod_sub(...) AGS_LIBCRYPTO_CALL(BN_mod_sub)(__VA_ARGS__)
#define BN_mul(...) AGS_LIBCRYPTO_CALL(BN_mul)(__VA_ARGS__)
#define BN_mul_word(...) AGS_LIBCRYPTO_CALL(BN_mul_word)(__VA_ARGS__)
#define BN_new(...) AGS_LIBCRYPTO_CALL(BN_new)(__VA_ARGS__)
#define BN_nnmod(...) AGS_LIBCRYPTO_CALL(BN_nnmod)(__VA_ARGS__)
#define BN_num_bits(...) AGS_LIBCRYPTO_CALL(BN_num_bits)(__VA_ARGS__)
#define BN_rshift(...) AGS_LIBCRYPTO_CALL(BN_rshift)(__VA_ARGS__)
#define BN_rshift1(...) AGS_LIBCRYPTO_CALL(BN_rshift1)(__VA_ARGS__)
#define BN_secure_new(...) AGS_LIBCRYPTO_CALL(BN_secure_new)(__VA_ARGS__)
#define BN_set_flags(...) AGS_LIBCRYPTO_CALL(BN_set_flags)(__VA_ARGS__)
#define BN_set_word(...) AGS_LIBCRYPTO_CALL(BN_set_word)(__VA_ARGS__)
#define BN_sub(...) AGS_LIBCRYPTO_CALL(BN_sub)(__VA_ARGS__)
#define BN_sub_word(...) AGS_LIBCRYPTO_CALL(BN_sub_word)(__VA_ARGS__)
#define BN_value_one(...) AGS_LIBCRYPTO_CALL(BN_value_one)(__VA_ARGS__)
#define BN_zero_ex(...) AGS_LIBCRYPTO_CALL(BN_zero_ex)(__VA_ARGS__)
#define CRYPTO_free(...) AGS_LIBCRYPTO_CALL(CRYPTO_free)(__VA_ARGS__)
#define CRYPTO_memdup(...) AGS_LIBCRYPTO_CALL(CRYPTO_memdup)(__VA_ARGS__)
#define ERR_clear_error(...) AGS_LIBCRYPTO_CALL(ERR_clear_error)(__VA_ARGS__)
#define EVP_CIPHER_CTX_ctrl(...) AGS_LIBCRYPTO_CALL(EVP_CIPHER_CTX_ctrl)(__VA_ARGS__)
#define EVP_CIPHER_CTX_free(...) AGS_LIBCRYPTO_CALL(EVP_CIPHER_CTX_free)(__VA_ARGS__)
#define EVP_CIPHER_CTX_new(...) AGS_LIBCRYPTO_CALL(EVP_CIPHER_CTX_new)(__VA_ARGS__)
#define EVP_CIPHER_CTX_set_padding(...) AGS_LIBCRYPTO_CALL(EVP_CIPHER_CTX_set_padding)(__VA_ARGS__)
#define EVP_CIPHER_meth_dup(...) AGS_LIBCRYPTO_CALL(EVP_CIPHER_meth_dup)(__VA_ARGS__)
#define EVP_CipherInit_ex(...) AGS_LIBCRYPTO_CALL(EVP_CipherInit_ex)(__VA_ARGS__)
#define EVP_CipherUpdate(...) AGS_LIBCRYPTO_CALL(EVP_CipherUpdate)(__VA_ARGS__)
#define EVP_DecryptFinal_ex(...) AGS_LIBCRYPTO_CALL(EVP_DecryptFinal_ex)(__VA_ARGS__)
#define EVP_DecryptInit_ex(...) AGS_LIBCRYPTO_CALL(EVP_DecryptInit_ex)(__VA_ARGS__)
#define EVP_DecryptUpdate(...) AGS_LIBCRYPTO_CALL(EVP_DecryptUpdate)(__VA_ARGS__)
#define EVP_DigestFinalXOF(...) AGS_LIBCRYPTO_CALL(EVP_DigestFinalXOF)(__VA_ARGS__)
#define EVP_DigestFinal_ex(...) AGS_LIBCRYPTO_CALL(EVP_DigestFinal_ex)(__VA_ARGS__)
#define EVP_DigestInit_ex(...) AGS_LIBCRYPTO_CALL(EVP_DigestInit_ex)(__VA_ARGS__)
#define EVP_DigestUpdate(...) AGS_LIBCRYPTO_CALL(EVP_DigestUpdate)(__VA_ARGS__)
#define EVP_EncryptFinal_ex(...) AGS_LIBCRYPTO_CALL(EVP_EncryptFinal_ex)(__VA_ARGS__)
#define EVP_EncryptUpdate(...) AGS_LIBCRYPTO_CALL(EVP_EncryptUpdate)(__VA_ARGS__)
#define EVP_KDF_CTX_free(...) AGS_LIBCRYPTO_CALL(EVP_KDF_CTX_free)(__VA_ARGS__)
#define EVP_KDF_CTX_new(...) AGS_LIBCRYPTO_CALL(EVP_KDF_CTX_new)(__VA_ARGS__)
#define EVP_KDF_derive(...) AGS_LIBCRYPTO_CALL(EVP_KDF_derive)(__VA_ARGS__)
#define EVP_KDF_fetch(...) AGS_LIBCRYPTO_CALL(EVP_KDF_fetch)(__VA_ARGS__)
#define EVP_KDF_free(...) AGS_LIBCRYPTO_CALL(EVP_KDF_free)(__VA_ARGS__)
#define EVP_MD_CTX_free(...) AGS_LIBCRYPTO_CALL(EVP_MD_CTX_free)(__VA_ARGS__)
#define EVP_MD_CTX_new(...) AGS_LIBCRYPTO_CALL(EVP_MD_CTX_new)(__VA_ARGS__)
#define EVP_MD_get_size(...) AGS_LIBCRYPTO_CALL(EVP_MD_get_size)(__VA_ARGS__)
#define EVP_PBE_scrypt(...) AGS_LIBCRYPTO_CALL(EVP_PBE_scrypt)(__VA_ARGS__)
#define EVP_PKEY_CTX_free(...) AGS_LIBCRYPTO_CALL(EVP_PKEY_CTX_free)(__VA_ARGS__)
#define EVP_PKEY_CTX_new(...) AGS_LIBCRYPTO_CALL(EVP_PKEY_CTX_new)(__VA_ARGS__)
#define EVP_PKEY_CTX_new_from_name(...) AGS_LIBCRYPTO_CALL(EVP_PKEY_CTX_new_from_name)(__VA_ARGS__)
#define EVP_PKEY_CTX_new_from_pkey(...) AGS_LIBCRYPTO_CALL(EVP_PKEY_CTX_new_from_pkey)(__VA_ARGS__)
#define EVP_PKEY_CTX_set0_rsa_oaep_label(...) AGS_LIBCRYPTO_CALL(EVP_PKEY_CTX_set0_rsa_oaep_label)(__VA_ARGS__)
#define EVP_PKEY_CTX_set_rsa_mgf1_md(...) AGS_LIBCRYPTO_CALL(EVP_PKEY_CTX_set_rsa_mgf1_md)(__VA_ARGS__)
#define EVP_PKEY_CTX_set_rsa_oaep_md(...) AGS_LIBCRYPTO_CALL(EVP_PKEY_CTX_set_rsa_oaep_md)(__VA_ARGS__)
#define EVP_PKEY_CTX_set_rsa_padding(...) AGS_LIBCRYPTO_CALL(EVP_PKEY_CTX_set_rsa_padding)(__VA_ARGS__)
#define EVP_PKEY_Q_keygen(...) AGS_LIBCRYPTO_CALL(EVP_PKEY_Q_keygen)(__VA_ARGS__)
#define EVP_PKEY_decrypt(...) AGS_LIBCRYPTO_CALL(EVP_PKEY_decrypt)(__VA_ARGS__)
#define EVP_PKEY_decrypt_init(...) AGS_LIBCRYPTO_CALL(EVP_PKEY_decrypt_init)(__VA_ARGS__)
#define EVP_PKEY_derive(...) AGS_LIBCRYPTO_CALL(EVP_PKEY_derive)(__VA_ARGS__)
#define EVP_PKEY_derive_init(...) AGS_LIBCRYPTO_CALL(EVP_PKEY_derive_init)(__VA_ARGS__)
#define EVP_PKEY_derive_set_peer(...) AGS_LIBCRYPTO_CALL(EVP_PKEY_derive_set_peer)(__VA_ARGS__)
#define EVP_PKEY_encrypt(...) AGS_LIBCRYPTO_CALL(EVP_PKEY_encrypt)(__VA_ARGS__)
#define EVP_PKEY_encrypt_init(...) AGS_LIBCRYPTO_CALL(EVP_PKEY_encrypt_init)(__VA_ARGS__)
#define EVP_PKEY_free(...) AGS_LIBCRYPTO_CALL(EVP_PKEY_free)(__VA_ARGS__)
#define EVP_PKEY_fromdata(...) AGS_LIBCRYPTO_CALL(EVP_PKEY_fromdata)(__VA_ARGS__)
#define EVP_PKEY_fromdata_init(...) AGS_LIBCRYPTO_CALL(EVP_PKEY_fromdata_init)(__VA_ARGS__)
#define EVP_PKEY_get_base_id(...) AGS_LIBCRYPTO_CALL(EVP_PKEY_get_base_id)(__VA_ARGS__)
#define EVP_PKEY_get_bn_param(...) AGS_LIBCRYPTO_CALL(EVP_PKEY_get_bn_param)(__VA_ARGS__)
#define EVP_PKEY_get_octet_string_param(...) AGS_LIBCRYPTO_CALL(EVP_PKEY_get_octet_string_param)(__VA_ARGS__)
#define EVP_PKEY_get_raw_private_key(...) AGS_LIBCRYPTO_CALL(EVP_PKEY_get_raw_private_key)(__VA_ARGS__)
#define EVP_PKEY_get_raw_public_key(...) AGS_LIBCRYPTO_CALL(EVP_PKEY_get_raw_public_key)(__VA_ARGS__)
#define EVP_PKEY_get_size(...) AGS_LIBCRYPTO_CALL(EVP_PKEY_get_size)(__VA_ARGS__)
#define EVP_PKEY_get_utf8_string_param(...) AGS_LIBCRYPTO_CALL(EVP_PKEY_get_utf8_string_param)(__VA_ARGS__)
#define EVP_PKEY_is_a(...) AGS_LIBCRYPTO_CALL(EVP_PKEY_is_a)(__VA_ARGS__)
#define EVP_PKEY_new_raw_private_key(...) AGS_LIBCRYPTO_CALL(EVP_PKEY_new_raw_private_key)(__VA_ARGS__)
#define EVP_PKEY_new_raw_public_key(...) AGS_LIBCRYPTO_CALL(EVP_PKEY_new_raw_public_key)(__VA_ARGS__)
#define EVP_Q_mac(...) AGS_LIBCRYPTO_CALL(EVP_Q_mac)(__VA_ARGS__)
#define EVP_aes_256_gcm(...) AGS_LIBCRYPTO_CALL(EVP_aes_256_gcm)(__VA_ARGS__)
#define EVP_chacha20_poly1305(...) AGS_LIBCRYPTO_CALL(EVP_chacha20_poly1305)(__VA_ARGS__)
#define EVP_get_cipherbyname(...) AGS_LIBCRYPTO_CALL(EVP_get_cipherbyname)(__VA_ARGS__)
#define EVP_sha256(...) AGS_LIBCRYPTO_CALL(EVP_sha256)(__VA_ARGS__)
#define EVP_sha3_256(...) AGS_LIBCRYPTO_CALL(EVP_sha3_256)(__VA_ARGS__)
#define EVP_sha3_512(...) AGS_LIBCRYPTO_CALL(EVP_sha3_512)(__VA_ARGS__)
#define EVP_sha512(...) AGS_LIBCRYPTO_CALL(EVP_sha512)(__VA_ARGS__)
#define EVP_shake128(...) AGS_LIBCRYPTO_CALL(EVP_shake128)(__VA_ARGS__)
#define EVP_shake256(...) AGS_LIBCRYPTO_CALL(EVP_shake256)(__VA_ARGS__)
#define OSSL_PARAM_BLD_free(...) AGS_LIBCRYPTO_CALL(OSSL_PARAM_BLD_free)(__VA_ARGS__)
#define OSSL_PARAM_BLD_new(...) AGS_LIBCRYPTO_CALL(OSSL_PARAM_BLD_new)(__VA_ARGS__)
#define OSSL_PARAM_BLD_push_BN(...) AGS_LIBCRYPTO_CALL(OSSL_PARAM_BLD_push_BN)(__VA_ARGS__)
#define OSSL_PARAM_BLD_to_param(...) AGS_LIBCRYPTO_CALL(OSSL_PARAM_BLD_to_param)(__VA_ARGS__)
#define OSSL_PARAM_construct_end(...) AGS_LIBCRYPTO_CALL(OSSL_PARAM_construct_end)(__VA_ARGS__)
#define OSSL_PARAM_construct_octet_string(...) AGS_LIBCRYPTO_CALL(OSSL_PARAM_construct_octet_string)(__VA_ARGS__)
#define OSSL_PARAM_construct_utf8_string(...) AGS_LIBCRYPTO_CALL(OSSL_PARAM_construct_utf8_string)(__VA_ARGS__)
#define OSSL_PARAM_free(...) AGS_LIBCRYPTO_CALL(OSSL_PARAM_free)(__VA_ARGS__)
#define PEM_read_bio_PrivateKey(...) AGS_LIBCRYPTO_CALL(PEM_read_bio_PrivateKey)(__VA_ARGS__)
#define PEM_write_bio_PrivateKey(...) AGS_LIBCRYPTO_CALL(PEM_write_bio_PrivateKey)(__VA_ARGS__)
#define RAND_bytes(...) AGS_LIBCRYPTO_CALL(RAND_bytes)(__VA_ARGS__)

#endif
