/*
 * Internal to lib/sops: the document object shared by doc.c (load, rules,
 * emit), doc_crypt.c (encrypt, decrypt, MAC) and doc_keys.c (data key).
 */
#ifndef AGS_SOPS_DOC_H
#define AGS_SOPS_DOC_H

#include <agesops/sops.h>
#include "sops/tree.h"
#include "sops/store.h"
#include "sops/sops-int.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
/* IV stash entry: SHA-256 of (key id, AAD, type, plaintext) -> IV. */
struct stash_ent {
	uint8_t h[32];
	uint8_t iv[AGS_SOPS_MAX_IV];
	uint8_t ivlen;
	bool used;
};

struct ags_sops_doc {
	const struct ags_store_ops *store;
	struct ags_tree tree;
	struct ags_sops_metadata md;
	bool plain;
	bool no_stash;
	char *filename;
	struct stash_ent *stash;
	size_t nstash, capstash;
	/* SHA-256 of the data key the metadata protects, once known
	 * (get_data_key, set_keys): set_keys called again with that same key
	 * (updatekeys, check --fix-recipients) keeps the entries of the
	 * recipients that stay, instead of wrapping the key for them anew. */
	uint8_t key_id[32];
	bool has_key_id;
};

/* The file name for messages ("<stdin>" when there is none). */
const char *ags_sops_doc_fname(const struct ags_sops_doc *doc);
/* Prefixes d's message with the file name (unless it already starts with
 * it); returns rc. */
int ags_sops_doc_fail(const struct ags_sops_doc *doc, const char *filename, struct ags_diag *d, int rc);
/* The current time as Go's time.RFC3339 in UTC (lastmodified, created_at). */
int ags_sops_now_rfc3339(char out[32]);

#endif
