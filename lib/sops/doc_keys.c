/*
 * The data key of a document: opened from its key groups with age
 * identities or through gpg for pgp entries, in --decryption-order (Shamir
 * shares when there are several groups), and wrapped for new key groups
 * (sops.md section 3).
 */
#include "internal.h"
#include "sops/doc.h"
#include "sops/sops-int.h"
#include "sops/store.h"
#include "sops/keysource_pgp.h"
#include "crypto/ossl.h"
#include "util/secret.h"
#include <errno.h>
#include <agesops/age.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- keys ---- */

static bool need_reload_per_key(void)
{
	return getenv("SOPS_AGE_KEY_CMD") || getenv("SOPS_AGE_SSH_PRIVATE_KEY_CMD");
}

/* Key types in the order decryption tries them (--decryption-order; Go's
 * default: age, then pgp).  Process-wide, set once by the CLI. */
enum { KT_AGE, KT_PGP, KT_N };
static int decryption_order[KT_N] = { KT_AGE, KT_PGP };

int ags_sops_set_decryption_order(const char *csv, struct ags_diag *d)
{
	int order[KT_N], n = 0;
	bool seen[KT_N] = { false };
	const char *p = csv ? csv : "";
	/* Go splits on ',' and refuses any name given twice; names of key types
	 * agesops never uses (kms, ...) are accepted and change nothing. */
	for (const char *q = p; *q || q == p;) {
		size_t len = strcspn(q, ",");
		for (const char *r = q + len; *r == ',';) {
			r++;
			size_t l2 = strcspn(r, ",");
			if (l2 == len && !memcmp(q, r, len))
				return ags_diag_set(d, AGS_E_SOPS_CONFLICT, "Duplicate decryption key type: %.*s",
						    (int)len, q);
			r += l2;
		}
		int t = len == 3 && !memcmp(q, "age", 3) ? KT_AGE : len == 3 && !memcmp(q, "pgp", 3) ? KT_PGP : -1;
		if (t >= 0 && !seen[t]) {
			seen[t] = true;
			order[n++] = t;
		}
		q += len;
		if (*q != ',')
			break;
		q++;
	}
	/* Types not named come after the named ones, in the default order. */
	for (int t = 0; t < KT_N; t++)
		if (!seen[t])
			order[n++] = t;
	memcpy(decryption_order, order, sizeof(order));
	return 0;
}

struct keytry {
	struct ags_age_identities own;
	bool own_loaded;
	struct ags_diag last;
	bool any;
};

/* Opens the age entry i of kg into out.  < 0 with the reason in t->last. */
static int try_age(struct keytry *t, const struct ags_age_identities *ids, const struct ags_sops_key_group *kg,
		   size_t i, struct ags_buf *out)
{
	const struct ags_age_identities *use = ids;
	if (!use) {
		if (!t->own_loaded || need_reload_per_key()) {
			if (t->own_loaded)
				ags_age_identities_clear(&t->own);
			struct ags_diag ld = { 0 };
			int lr = ags_sops_age_load_identities(kg->age[i].recipient, &t->own, &ld);
			t->own_loaded = true;
			if (lr < 0) {
				t->last = ld;
				return lr;
			}
		}
		use = &t->own;
	}
	struct ags_diag ud = { 0 };
	int ur = ags_sops_age_unwrap(use, kg->age[i].enc, out, &ud);
	if (ur < 0 && ur != AGS_E_NOMEM) {
		snprintf(t->last.msg, sizeof(t->last.msg), "%.100s: %.380s", kg->age[i].recipient,
			 ud.msg[0] ? ud.msg : ags_strerror(ur));
		t->last.code = ur;
	}
	return ur;
}

static int try_pgp(struct keytry *t, const struct ags_sops_key_group *kg, size_t i, struct ags_buf *out)
{
	const char *fp, *enc;
	ags_sops_pgp_entry(kg, i, &fp, &enc);
	struct ags_diag ud = { 0 };
	int r = ags_sops_pgp_decrypt(fp, enc, out, &ud);
	if (r < 0 && r != AGS_E_NOMEM) {
		snprintf(t->last.msg, sizeof(t->last.msg), "%.380s", ud.msg[0] ? ud.msg : ags_strerror(r));
		t->last.code = r == AGS_E_TIMEOUT || r == -ENOENT ? r : AGS_E_SOPS_NO_KEY;
	}
	return r;
}

/* The group's share (or the data key): tries its entries in decryption
 * order until one opens.  1 when found, 0 when none did, < 0 on a hard error. */
static int open_group(struct keytry *t, const struct ags_age_identities *ids, const struct ags_sops_key_group *kg,
		      size_t want, uint8_t *share)
{
	for (int o = 0; o < KT_N; o++) {
		int kt = decryption_order[o];
		size_t n = kt == KT_AGE ? kg->nage : ags_sops_pgp_count(kg);
		for (size_t i = 0; i < n; i++) {
			t->any = true;
			struct ags_buf out;
			ags_buf_init_secret(&out, 4096);
			int r = kt == KT_AGE ? try_age(t, ids, kg, i, &out) : try_pgp(t, kg, i, &out);
			if (r == AGS_E_NOMEM) {
				ags_buf_release(&out);
				return r;
			}
			if (r == 0 && out.len != want) {
				snprintf(t->last.msg, sizeof(t->last.msg), "%s: the data key has %zu bytes, expected %zu",
					 kt == KT_AGE ? kg->age[i].recipient : "pgp", out.len, want);
				r = AGS_E_SOPS_NO_KEY;
			}
			if (r == 0)
				memcpy(share, out.data, want);
			ags_buf_release(&out);
			if (r == 0)
				return 1;
		}
	}
	return 0;
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
	struct keytry t = { 0 };
	int rc = 0;
	size_t want = ng == 1 ? AGS_SOPS_DATA_KEY_LEN : AGS_SOPS_SHARE_LEN;
	for (size_t g = 0; rc == 0 && g < ng; g++) {
		int r = open_group(&t, ids, &m->groups[g], want, shares[nshares]);
		if (r < 0)
			rc = r;
		else if (r == 1)
			nshares++;
	}
	ags_age_identities_clear(&t.own);
	unsigned threshold = m->shamir_threshold ? m->shamir_threshold : (unsigned)ng;
	if (rc == 0) {
		if (ng == 1 && nshares == 1) {
			memcpy(key, shares[0], AGS_SOPS_DATA_KEY_LEN);
		} else if (ng > 1 && nshares >= threshold && nshares > 0) {
			rc = ags_sops_shamir_combine((const uint8_t (*)[AGS_SOPS_SHARE_LEN])shares, nshares, key);
		} else if (ng > 1 && nshares > 0) {
			rc = ags_diag_set(d, AGS_E_SOPS_NO_KEY,
					  "%s: failed to get the data key: only %zu of the %u key groups needed could be opened%s%s",
					  ags_sops_doc_fname(doc), nshares, threshold, t.last.msg[0] ? "; last error: " : "", t.last.msg);
		} else {
			if (t.last.code == AGS_E_AGE_UNSUPPORTED_RECIPIENT)
				rc = ags_diag_set(d, AGS_E_AGE_UNSUPPORTED_RECIPIENT, "%s: failed to get the data key: %s",
						  ags_sops_doc_fname(doc), t.last.msg);
			else
				rc = ags_diag_set(d, AGS_E_SOPS_NO_KEY, "%s: failed to get the data key: %s", ags_sops_doc_fname(doc),
						  t.last.msg[0] ? t.last.msg
								: (t.any ? "no identity matched"
									 : "the file has no age or pgp key entries (only kms/...)"));
		}
	}
	ags_free_secret(shares, ng * sizeof(*shares));
	if (rc == 0)
		doc->has_key_id = ags_sha256(key, AGS_SOPS_DATA_KEY_LEN, doc->key_id) == 0;
	return rc;
}

/* Is key the data key the single-group metadata already protects?  Then
 * the entries of recipients that stay are still good. */
static bool same_key(const struct ags_sops_doc *doc, size_t nspecs, const uint8_t key[AGS_SOPS_DATA_KEY_LEN])
{
	uint8_t id[32];
	if (nspecs != 1 || doc->md.ngroups != 1 || !doc->has_key_id || ags_sha256(key, AGS_SOPS_DATA_KEY_LEN, id) < 0)
		return false;
	return ags_ct_eq(id, doc->key_id, sizeof(id));
}

/* The existing age entry of recipient r in the old single group, or NULL. */
static const char *kept_age(const struct ags_sops_metadata *old, const char *r)
{
	for (size_t i = 0; old && i < old->groups[0].nage; i++)
		if (!strcmp(old->groups[0].age[i].recipient, r) && old->groups[0].age[i].enc[0])
			return old->groups[0].age[i].enc;
	return NULL;
}

/* The existing PGP entry of fingerprint fp in the old single group, or
 * NULL (its created_at is set anew, as Go sops does for every entry). */
static const char *kept_pgp(const struct ags_sops_metadata *old, const char *fp)
{
	for (size_t k = 0; old && k < ags_sops_pgp_count(&old->groups[0]); k++) {
		const char *efp = NULL, *eenc = NULL;
		ags_sops_pgp_entry(&old->groups[0], k, &efp, &eenc);
		if (efp && eenc && *eenc && !strcmp(efp, fp))
			return eenc;
	}
	return NULL;
}

/* Wraps pt for every PGP fingerprint of spec (each item may be a
 * comma-separated list, as --pgp) into group g of nm; *n counts them. */
static int wrap_pgp(struct ags_sops_metadata *nm, size_t g, const struct ags_sops_group_spec *spec,
		    const uint8_t *pt, size_t ptlen, const struct ags_sops_metadata *old, size_t *n, struct ags_diag *d)
{
	char now[32];
	AGS_TRY(ags_sops_now_rfc3339(now));
	AGS_TRY(ags_sops_metadata_ensure_groups(nm, g + 1));
	for (size_t i = 0; i < spec->npgp; i++) {
		const char *p = spec->pgp[i];
		while (p && *p) {
			size_t len = strcspn(p, ",");
			char one[AGS_PGP_FP_MAX], fp[AGS_PGP_FP_MAX];
			if (len >= sizeof(one))
				return ags_diag_set(d, AGS_E_INVAL, "PGP fingerprint \"%.64s...\" is too long", p);
			memcpy(one, p, len);
			one[len] = 0;
			p += len + (p[len] == ',');
			if (ags_sops_pgp_fp_normalise(one, fp) < 0)
				continue;
			bool dup = false;
			for (size_t k = 0; k < ags_sops_pgp_count(&nm->groups[g]) && !dup; k++) {
				const char *efp, *eenc;
				ags_sops_pgp_entry(&nm->groups[g], k, &efp, &eenc);
				dup = efp && strcmp(efp, fp) == 0;
			}
			if (dup)
				continue;
			char *enc = NULL;
			const char *kept = kept_pgp(old, fp);
			int er = kept ? ((enc = strdup(kept)) ? 0 : AGS_E_NOMEM) : ags_sops_pgp_encrypt(fp, pt, ptlen, &enc, d);
			if (er == AGS_E_NOMEM)
				return er;
			if (er < 0) {
				/* as Go sops: "Could not generate data key" is a generic failure (exit 1) */
				char m[AGS_DIAG_MAX];
				snprintf(m, sizeof(m), "%s", d && d->msg[0] ? d->msg : ags_strerror(er));
				return ags_diag_set(d, AGS_E_CHILD, "could not generate data key: %s", m);
			}
			int r = ags_sops_pgp_add(&nm->groups[g], fp, enc, now);
			free(enc);
			AGS_TRY(r);
			(*n)++;
		}
	}
	return 0;
}

int ags_sops_doc_set_keys(struct ags_sops_doc *doc, const struct ags_sops_group_spec *specs, size_t nspecs,
			  unsigned shamir_threshold, const uint8_t key[AGS_SOPS_DATA_KEY_LEN], struct ags_diag *d)
{
	if (nspecs == 0)
		return ags_diag_set(d, AGS_E_SOPS_NO_RECIPIENTS, "no recipients given (--age, --pgp, SOPS_AGE_RECIPIENTS or SOPS_PGP_FP)");
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
	const struct ags_sops_metadata *old = same_key(doc, nspecs, key) ? &doc->md : NULL;
	for (size_t g = 0; rc == 0 && g < nspecs; g++) {
		char **rs = NULL;
		size_t nr = 0;
		for (size_t i = 0; rc == 0 && i < specs[g].nage; i++)
			rc = ags_sops_split_recipients(specs[g].age[i], &rs, &nr);
		for (size_t i = 0; rc == 0 && i < nr; i++) {
			char *enc = NULL;
			const uint8_t *pt = shares ? shares[g] : key;
			size_t ptlen = shares ? AGS_SOPS_SHARE_LEN : AGS_SOPS_DATA_KEY_LEN;
			const char *kept = kept_age(old, rs[i]);
			rc = kept ? ((enc = strdup(kept)) ? 0 : AGS_E_NOMEM) : ags_sops_age_wrap(rs[i], pt, ptlen, &enc, d);
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
		ags_free_strv(rs, nr);
		nr = 0;
		if (rc == 0 && specs[g].npgp)
			rc = wrap_pgp(&nm, g, &specs[g], shares ? shares[g] : key,
				      shares ? AGS_SOPS_SHARE_LEN : AGS_SOPS_DATA_KEY_LEN, old, &nr, d);
		total += nr;
		if (rc == 0 && ags_sops_metadata_group_empty(&nm, g) && nspecs > 1)
			rc = ags_diag_set(d, AGS_E_SOPS_NO_RECIPIENTS, "key group %zu has no recipients", g + 1);
	}
	if (shares)
		ags_free_secret(shares, nspecs * sizeof(*shares));
	if (rc == 0 && total == 0)
		rc = ags_diag_set(d, AGS_E_SOPS_NO_RECIPIENTS, "no recipients given (--age, --pgp, SOPS_AGE_RECIPIENTS or SOPS_PGP_FP)");
	if (rc < 0) {
		ags_sops_metadata_clear(&nm);
		return rc;
	}
	ags_sops_metadata_groups_clear(&doc->md);
	doc->md.groups = nm.groups;
	doc->md.ngroups = nm.ngroups;
	doc->md.shamir_threshold = nspecs > 1 ? shamir_threshold : 0;
	doc->has_key_id = ags_sha256(key, AGS_SOPS_DATA_KEY_LEN, doc->key_id) == 0;
	return 0;
}
