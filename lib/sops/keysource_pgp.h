/*
 * PGP key source (Go sops' pgp.MasterKey), served by the machine's GnuPG.
 *
 * agesops never parses OpenPGP packets: the data key is encrypted to a
 * fingerprint and decrypted by running `gpg` (or $SOPS_GPG_EXEC) with the
 * arguments Go sops 3.13.2 uses for its GnuPG path.  gpg finds its keys in
 * $GNUPGHOME or ~/.gnupg, asks its agent for passphrases (pinentry), and is
 * killed after AGS_PGP_TIMEOUT_MS (or $AGESOPS_GPG_TIMEOUT seconds), so a
 * hanging gpg is an error, never a hang.
 */
#ifndef AGS_SOPS_KEYSOURCE_PGP_H
#define AGS_SOPS_KEYSOURCE_PGP_H

#include <stddef.h>
#include <stdint.h>
#include <agesops/agesops.h>
#include "util/buf.h"

#define AGS_PGP_TIMEOUT_MS (120L * 1000L)
#define AGS_PGP_FP_MAX 128       /* a fingerprint, key id or user id as given */
#define AGS_PGP_ENC_MAX (64 * 1024) /* an armored data key: a few hundred bytes */

/* Normalises a fingerprint as Go sops does (spaces removed) into out
 * (AGS_PGP_FP_MAX bytes).  AGS_E_INVAL when empty or too long. */
int ags_sops_pgp_fp_normalise(const char *fp, char out[AGS_PGP_FP_MAX]);

/* Encrypts pt for fp: *enc gets gpg's ASCII-armored message, surrounding
 * white space trimmed (malloc'd, caller frees).  AGS_E_CHILD with gpg's
 * message when gpg fails, AGS_E_TIMEOUT, or -ENOENT when gpg is missing. */
int ags_sops_pgp_encrypt(const char *fp, const uint8_t *pt, size_t ptlen, char **enc, struct ags_diag *d);

/* Decrypts an armored pgp entry; the data key (or Shamir share) is appended
 * to out (init it with ags_buf_init_secret).  AGS_E_SOPS_NO_KEY when gpg
 * cannot decrypt it (no secret key, wrong passphrase, corrupt message) or
 * returns nothing, AGS_E_TIMEOUT, -ENOENT when gpg is missing. */
int ags_sops_pgp_decrypt(const char *fp, const char *enc, struct ags_buf *out, struct ags_diag *d);

#endif

/* ---- pgp entries of a key group ----
 * A group's pgp entries live in its `other` mapping under "pgp" (a list of
 * {created_at, enc, fp} mappings), exactly as read, so a file's entries are
 * written back untouched unless re-keyed. */
struct ags_sops_key_group;

/* Number of pgp entries of the group. */
size_t ags_sops_pgp_count(const struct ags_sops_key_group *kg);
/* The i-th entry's fp and enc (borrowed; either may be NULL when absent). */
void ags_sops_pgp_entry(const struct ags_sops_key_group *kg, size_t i, const char **fp, const char **enc);
/* Appends an entry; created_at is RFC 3339 UTC (Go's time.RFC3339). */
int ags_sops_pgp_add(struct ags_sops_key_group *kg, const char *fp, const char *enc, const char *created_at);
