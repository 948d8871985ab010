/*
 * The data key of a document: opened from its key groups with age
 * identities (Shamir shares when there are several groups), and wrapped for
 * new key groups (sops.md section 3).
 */
#include "internal.h"
#include "sops/doc.h"
#include "sops/sops-int.h"
#include "sops/store.h"
#include <agesops/age.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- keys ---- */

static bool need_reload_per_key(void)
{
	return getenv("SOPS_AGE_KEY_CMD") || getenv("SOPS_AGE_SSH_PRIVATE_KEY_CMD");
}

int ags_sops_doc_get_data_key(struct ags_sops_doc *doc, const struct ags_age_identities *ids,
			      uint8_t key[AGS_SOPS_DATA_KEY_LEN], struct ags_diag *d)
{
	struct ags_sops_metadata *m = &doc->md;
	size_t ng = m->ngroups;
	if (ng == 0)
		return ags_diag_set(d, AGS_E_SOPS_NO_KEY, "%s: no keys found in file", ags_sops_doc_fname(doc));
	uint8_t (*shares)[AGS_SOPS_SHARE_LEN] = calloc(ng, sizeof(*shares));
	if (!shares)
		return AGS_E_NOMEM;
	size_t nshares = 0;
	struct ags_age_identities own = { 0 };
	bool own_loaded = false;
	struct ags_diag last = { 0 };
	int rc = 0;
	bool any_age = false;
	for (size_t g = 0; rc == 0 && g < ng; g++) {
		struct ags_sops_key_group *kg = &m->groups[g];
		for (size_t i = 0; i < kg->nage; i++) {
			any_age = true;
			const struct ags_age_identities *use = ids;
			if (!use) {
				if (!own_loaded || need_reload_per_key()) {
					if (own_loaded)
						ags_age_identities_clear(&own);
					struct ags_diag ld = { 0 };
					int lr = ags_sops_age_load_identities(kg->age[i].recipient, &own, &ld);
					own_loaded = true;
					if (lr < 0) {
						last = ld;
						continue;
					}
				}
				use = &own;
			}
			struct ags_buf out;
			ags_buf_init_secret(&out, 4096);
			struct ags_diag ud = { 0 };
			int ur = ags_sops_age_unwrap(use, kg->age[i].enc, &out, &ud);
			if (ur == AGS_E_NOMEM) {
				ags_buf_release(&out);
				rc = ur;
				break;
			}
			if (ur < 0) {
				snprintf(last.msg, sizeof(last.msg), "%.100s: %.380s", kg->age[i].recipient,
					 ud.msg[0] ? ud.msg : ags_strerror(ur));
				last.code = ur;
				ags_buf_release(&out);
				continue;
			}
			size_t want = ng == 1 ? AGS_SOPS_DATA_KEY_LEN : AGS_SOPS_SHARE_LEN;
			if (out.len != want) {
				snprintf(last.msg, sizeof(last.msg), "%s: the data key has %zu bytes, expected %zu",
					 kg->age[i].recipient, out.len, want);
				ags_buf_release(&out);
				continue;
			}
			memcpy(shares[nshares++], out.data, want);
			ags_buf_release(&out);
			break;
		}
	}
	ags_age_identities_clear(&own);
	unsigned threshold = m->shamir_threshold ? m->shamir_threshold : (unsigned)ng;
	if (rc == 0) {
		if (ng == 1 && nshares == 1) {
			memcpy(key, shares[0], AGS_SOPS_DATA_KEY_LEN);
		} else if (ng > 1 && nshares >= threshold && nshares > 0) {
			rc = ags_sops_shamir_combine((const uint8_t (*)[AGS_SOPS_SHARE_LEN])shares, nshares, key);
		} else if (ng > 1 && nshares > 0) {
			rc = ags_diag_set(d, AGS_E_SOPS_NO_KEY,
					  "%s: failed to get the data key: only %zu of the %u key groups needed could be opened%s%s",
					  ags_sops_doc_fname(doc), nshares, threshold, last.msg[0] ? "; last error: " : "", last.msg);
		} else {
			if (last.code == AGS_E_AGE_UNSUPPORTED_RECIPIENT)
				rc = ags_diag_set(d, AGS_E_AGE_UNSUPPORTED_RECIPIENT, "%s: failed to get the data key: %s",
						  ags_sops_doc_fname(doc), last.msg);
			else
				rc = ags_diag_set(d, AGS_E_SOPS_NO_KEY, "%s: failed to get the data key: %s", ags_sops_doc_fname(doc),
						  last.msg[0] ? last.msg
							      : (any_age ? "no identity matched"
									 : "the file has no age key entries (only pgp/kms/...)"));
		}
	}
	ags_free_secret(shares, ng * sizeof(*shares));
	return rc;
}

int ags_sops_doc_set_keys(struct ags_sops_doc *doc, const struct ags_sops_group_spec *specs, size_t nspecs,
			  unsigned shamir_threshold, const uint8_t key[AGS_SOPS_DATA_KEY_LEN], struct ags_diag *d)
{
	if (nspecs == 0)
		return ags_diag_set(d, AGS_E_SOPS_NO_RECIPIENTS, "no recipients given (--age or SOPS_AGE_RECIPIENTS)");
	if (nspecs > AGS_SOPS_MAX_KEYS)
		return AGS_E_TOO_BIG;
	unsigned threshold = shamir_threshold ? shamir_threshold : (unsigned)nspecs;
	uint8_t (*shares)[AGS_SOPS_SHARE_LEN] = NULL;
	if (nspecs > 1) {
		if (threshold < 2 || threshold > nspecs)
			return ags_diag_set(d, AGS_E_SOPS_SHAMIR, "invalid Shamir threshold %u for %zu key groups", threshold,
					    nspecs);
		shares = calloc(nspecs, sizeof(*shares));
		if (!shares)
			return AGS_E_NOMEM;
		int r = ags_sops_shamir_split(key, (unsigned)nspecs, threshold, shares);
		if (r < 0) {
			ags_free_secret(shares, nspecs * sizeof(*shares));
			return r;
		}
	}
	struct ags_sops_metadata nm = { 0 };
	int rc = 0;
	size_t total = 0;
	for (size_t g = 0; rc == 0 && g < nspecs; g++) {
		char **rs = NULL;
		size_t nr = 0;
		for (size_t i = 0; rc == 0 && i < specs[g].nage; i++)
			rc = ags_sops_split_recipients(specs[g].age[i], &rs, &nr);
		for (size_t i = 0; rc == 0 && i < nr; i++) {
			char *enc = NULL;
			const uint8_t *pt = shares ? shares[g] : key;
			size_t ptlen = shares ? AGS_SOPS_SHARE_LEN : AGS_SOPS_DATA_KEY_LEN;
			rc = ags_sops_age_wrap(rs[i], pt, ptlen, &enc, d);
			if (rc < 0 && d) {
				char tmp[AGS_DIAG_MAX];
				snprintf(tmp, sizeof(tmp), "%s", d->msg[0] ? d->msg : ags_strerror(rc));
				ags_diag_set(d, rc, "age recipient \"%.100s\": %s", rs[i], tmp);
			}
			if (rc == 0)
				rc = ags_sops_metadata_add_age(&nm, g, rs[i], enc);
			free(enc);
			total++;
		}
		for (size_t i = 0; i < nr; i++)
			free(rs[i]);
		free(rs);
		if (rc == 0 && nr == 0 && nspecs > 1)
			rc = ags_diag_set(d, AGS_E_SOPS_NO_RECIPIENTS, "key group %zu has no recipients", g + 1);
	}
	if (shares)
		ags_free_secret(shares, nspecs * sizeof(*shares));
	if (rc == 0 && total == 0)
		rc = ags_diag_set(d, AGS_E_SOPS_NO_RECIPIENTS, "no recipients given (--age or SOPS_AGE_RECIPIENTS)");
	if (rc < 0) {
		ags_sops_metadata_clear(&nm);
		return rc;
	}
	for (size_t g = 0; g < doc->md.ngroups; g++) {
		struct ags_sops_key_group *kg = &doc->md.groups[g];
		for (size_t i = 0; i < kg->nage; i++) {
			free(kg->age[i].recipient);
			free(kg->age[i].enc);
		}
		free(kg->age);
		if (kg->other) {
			ags_value_clear(kg->other);
			free(kg->other);
		}
	}
	free(doc->md.groups);
	doc->md.groups = nm.groups;
	doc->md.ngroups = nm.ngroups;
	doc->md.shamir_threshold = nspecs > 1 ? shamir_threshold : 0;
	return 0;
}
