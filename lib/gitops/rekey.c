/*
 * Operations on a whole encrypted file that `check`, `cluster rotate-key`
 * and `kube verify` share: verify the MAC with the identities at hand, and
 * re-key the data key for another set of recipients.
 */
#include "internal.h"
#include <agesops/age.h>
#include <agesops/gitops.h>
#include <agesops/sops.h>
#include "sops/keysource_pgp.h"
#include <stdlib.h>
#include <string.h>

#define REKEY_OUT_MAX ((size_t)128 << 20)

/* Loads the file and recovers its data key. */
static int open_doc(const char *path, const void *data, size_t len, const struct ags_age_identities *ids,
		    struct ags_sops_doc **doc, uint8_t *key, struct ags_diag *d)
{
	struct ags_sops_load_opts lo = { .filename = path };
	int r = ags_sops_doc_load(data, len, &lo, doc, d);
	if (r == 0)
		r = ags_sops_doc_get_data_key(*doc, ids, key, d);
	return r;
}

int ags_gitops_verify_mac(const char *path, const void *data, size_t len, const struct ags_age_identities *ids,
			  struct ags_diag *d)
{
	struct ags_sops_doc *doc = NULL;
	uint8_t key[AGS_SOPS_DATA_KEY_LEN];
	int r = open_doc(path, data, len, ids, &doc, key, d);
	if (r == 0)
		r = ags_sops_doc_decrypt(doc, key, false, d);
	ags_wipe(key, sizeof(key));
	ags_sops_doc_free(doc);
	return r;
}

/* Copies of the file's PGP fingerprints (all groups): the age recipients
 * are what check compares, so a re-key keeps the PGP holders' access. */
static int pgp_fingerprints(struct ags_sops_doc *doc, char ***out, size_t *n)
{
	const struct ags_sops_metadata *m = ags_sops_doc_metadata(doc);
	size_t total = 0, k = 0;
	for (size_t i = 0; i < m->ngroups; i++)
		total += ags_sops_pgp_count(&m->groups[i]);
	char **v = calloc(total + 1, sizeof(*v));
	if (!v)
		return AGS_E_NOMEM;
	for (size_t i = 0; i < m->ngroups; i++)
		for (size_t j = 0; j < ags_sops_pgp_count(&m->groups[i]); j++) {
			const char *fp = NULL, *enc = NULL;
			ags_sops_pgp_entry(&m->groups[i], j, &fp, &enc);
			if (fp && !(v[k++] = strdup(fp))) {
				for (size_t x = 0; x < k; x++)
					free(v[x]);
				free(v);
				return AGS_E_NOMEM;
			}
		}
	*out = v;
	*n = k;
	return 0;
}

int ags_gitops_rekey(const char *path, const void *data, size_t len, const struct ags_age_identities *ids,
		     const char *const *age, size_t nage, struct ags_diag *d)
{
	struct ags_sops_doc *doc = NULL;
	uint8_t key[AGS_SOPS_DATA_KEY_LEN];
	struct ags_buf out;
	ags_buf_init(&out, REKEY_OUT_MAX);
	char **pgp = NULL;
	size_t npgp = 0;
	int r = open_doc(path, data, len, ids, &doc, key, d);
	if (r == 0)
		r = pgp_fingerprints(doc, &pgp, &npgp);
	struct ags_sops_group_spec g = { .age = age, .nage = nage, .pgp = (const char *const *)pgp, .npgp = npgp };
	if (r == 0)
		r = ags_sops_doc_set_keys(doc, &g, 1, 0, key, d);
	if (r == 0)
		r = ags_sops_doc_emit(doc, NULL, AGS_SOPS_INDENT_DEFAULT, &out, d);
	if (r == 0 && (r = ags_file_write_atomic(path, out.data, out.len, -1, false)) < 0)
		ags_diag_set(d, r, "%s: %s", path, ags_strerror(r));
	ags_wipe(key, sizeof(key));
	ags_sops_doc_free(doc);
	ags_buf_release(&out);
	for (size_t i = 0; i < npgp; i++)
		free(pgp[i]);
	free(pgp);
	return r;
}
