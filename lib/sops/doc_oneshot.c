/*
 * The one-shot buffer calls: ags_sops_encrypt_buf, ags_sops_decrypt_buf
 * and ags_sops_is_encrypted, over the document calls of doc.c, doc_crypt.c
 * and doc_keys.c.
 */
#include "internal.h"
#include "sops/doc.h"
#include "sops/sops-int.h"
#include "util/secret.h"
#include <stdlib.h>
#include <string.h>

/* The data key: a copy of the one given, else a new random one. */
static int gen_key(const uint8_t *given, uint8_t key[32])
{
	if (given) {
		memcpy(key, given, 32);
		return 0;
	}
	return ags_random(key, 32);
}

/* Loads a whole document of input_type (else by filename), encrypted or plain. */
static int load_doc(const void *in, size_t len, const char *input_type, const char *filename, bool plain,
		    struct ags_sops_doc **doc, struct ags_diag *d)
{
	struct ags_sops_load_opts lo = { .input_type = input_type, .filename = filename };
	return plain ? ags_sops_doc_load_plain(in, len, &lo, doc, d) : ags_sops_doc_load(in, len, &lo, doc, d);
}

/* The end of a one-shot call: wipes key; unless rc < 0 writes doc (only the
 * value at extract when that is set) to out, leaving out as it was on
 * failure; frees doc. */
static int finish_one_shot(struct ags_sops_doc *doc, uint8_t key[32], int rc, const char *extract,
			   const char *output_type, int indent, struct ags_buf *out, struct ags_diag *d)
{
	ags_wipe(key, 32);
	if (rc == 0) {
		size_t before = out->len;
		if (extract && *extract)
			rc = ags_sops_doc_emit_extract(doc, extract, output_type, indent, out, d);
		else
			rc = ags_sops_doc_emit(doc, output_type, indent, out, d);
		if (rc < 0)
			ags_buf_truncate(out, before);
	}
	ags_sops_doc_free(doc);
	return rc;
}

int ags_sops_encrypt_buf(const void *in, size_t len, const struct ags_sops_encrypt_opts *o, struct ags_buf *out,
			 struct ags_diag *d)
{
	struct ags_sops_doc *doc;
	AGS_TRY(load_doc(in, len, o->input_type, o->filename, true, &doc, d));
	uint8_t key[32];
	int rc = ags_sops_doc_set_rules(doc, &o->rules, d);
	if (rc == 0)
		rc = gen_key(o->data_key, key);
	if (rc == 0) {
		struct ags_sops_group_spec one = { .age = o->age, .nage = o->nage };
		if (o->ngroups)
			rc = ags_sops_doc_set_keys(doc, o->groups, o->ngroups, o->shamir_threshold, key, d);
		else
			rc = ags_sops_doc_set_keys(doc, &one, 1, 0, key, d);
	}
	if (rc == 0 && !(doc->md.version = strdup(AGS_SOPS_VERSION)))
		rc = AGS_E_NOMEM;
	if (rc == 0)
		rc = ags_sops_doc_encrypt(doc, key, o->lastmodified, d);
	return finish_one_shot(doc, key, rc, NULL, o->output_type, o->indent, out, d);
}

int ags_sops_decrypt_buf(const void *in, size_t len, const struct ags_sops_decrypt_opts *o, struct ags_buf *out,
			 struct ags_diag *d)
{
	struct ags_sops_doc *doc;
	AGS_TRY(load_doc(in, len, o->input_type, o->filename, false, &doc, d));
	uint8_t key[32];
	int rc = o->data_key ? gen_key(o->data_key, key) : ags_sops_doc_get_data_key(doc, o->identities, key, d);
	/* a one-shot decrypt never re-encrypts: no IVs to remember */
	ags_sops_doc_set_iv_stash(doc, false);
	if (rc == 0)
		rc = ags_sops_doc_decrypt(doc, key, o->ignore_mac, d);
	return finish_one_shot(doc, key, rc, o->extract, o->output_type, o->indent, out, d);
}

bool ags_sops_is_encrypted(const void *in, size_t len, const char *input_type, const char *filename)
{
	struct ags_sops_doc *doc;
	if (load_doc(in, len, input_type, filename, false, &doc, NULL) < 0)
		return false;
	bool ok = doc->md.mac && *doc->md.mac;
	ags_sops_doc_free(doc);
	return ok;
}
