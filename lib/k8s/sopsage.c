/*
 * The sops-age flows: install a key, bootstrap one inside the cluster,
 * read the published public key.
 */
#include "internal.h"
#include <agesops/age.h>
#include <agesops/k8s.h>
#include "k8s/sopsage.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


/*
 * Checks an identity file the way Flux will read it (age.ParseIdentities:
 * native AGE-SECRET-KEY-... lines, '#' comments, blank lines) and returns its
 * recipients, one per line.
 */
int k8s_key_recipients(const void *key, size_t len, const char *name, char **ret, struct ags_diag *d)
{
	if (len == 0)
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "%s: empty key file", name);
	if (len > KEYFILE_MAX)
		return ags_diag_set(d, AGS_E_TOO_BIG, "%s: key file larger than %zu bytes", name, KEYFILE_MAX);
	size_t bad;
	if (!ags_utf8_valid(key, len, &bad))
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "%s: invalid UTF-8 at byte %zu", name, bad);
	const char *s = key, *end = s + len;
	unsigned line = 0;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end;
		line++;
		size_t l = (size_t)(le - s);
		if (l && s[l - 1] == '\r')
			l--;
		if (l && s[0] != '#' && (l < 15 || memcmp(s, "AGE-SECRET-KEY-", 15)))
			return ags_diag_set(d, AGS_E_AGE_BAD_KEY,
					    "%s:%u: not an age identity (Flux reads only AGE-SECRET-KEY-... lines and # comments)",
					    name, line);
		s = nl ? nl + 1 : end;
	}
	struct ags_age_identities ids = { 0 };
	int r = ags_age_parse_identity_file(key, len, name, NULL, NULL, &ids, d);
	if (r < 0)
		return r;
	if (ids.n == 0) {
		ags_age_identities_clear(&ids);
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "%s: no identity found", name);
	}
	struct ags_buf out;
	ags_buf_init(&out, KEYFILE_MAX);
	for (size_t i = 0; i < ids.n && r >= 0; i++) {
		struct ags_age_recipient *rc = NULL;
		char *str = NULL;
		r = ags_age_identity_to_recipient(ids.v[i], &rc);
		if (r >= 0)
			r = ags_age_recipient_string(rc, &str);
		if (r >= 0)
			r = ags_buf_printf(&out, "%s\n", str);
		free(str);
		ags_age_recipient_free(rc);
	}
	ags_age_identities_clear(&ids);
	if (r < 0) {
		ags_buf_release(&out);
		return ags_diag_set(d, r, "%s: cannot derive the public key: %s", name, ags_strerror(r));
	}
	*ret = ags_buf_detach(&out, NULL);
	ags_buf_release(&out);
	return *ret ? 0 : AGS_E_NOMEM;
}

/* Recipients of one entry of a Secret, AGS_E_K8S_BAD_SECRET when it holds no valid key. */
int k8s_entry_recipients(const struct ags_k8s_object *o, const char *entry, char **ret, struct ags_diag *d)
{
	const char *ns = o->namespace_ ? o->namespace_ : "", *name = o->name;
	const struct ags_k8s_entry *e = ags_k8s_object_find(o, entry);
	if (!e)
		return ags_diag_set(d, AGS_E_K8S_BAD_SECRET, "Secret %s/%s has no %s entry", ns, name, entry);
	char where[300];
	snprintf(where, sizeof(where), "Secret %s/%s %s", ns, name, entry);
	struct ags_diag sub = { 0 };
	int r = k8s_key_recipients(e->value, e->len, where, ret, &sub);
	if (r == AGS_E_NOMEM)
		return r;
	if (r < 0)
		return ags_diag_set(d, AGS_E_K8S_BAD_SECRET, "%s", sub.msg[0] ? sub.msg : ags_strerror(r));
	return 0;
}

int k8s_secret_recipients(const struct ags_k8s_object *o, char **ret, struct ags_diag *d)
{
	char *cur = NULL, *next = NULL;
	AGS_TRY(k8s_entry_recipients(o, AGS_K8S_SECRET_KEY, &cur, d));
	if (!ags_k8s_object_find(o, AGS_K8S_NEXT_KEY)) {
		*ret = cur;
		return 0;
	}
	int r = k8s_entry_recipients(o, AGS_K8S_NEXT_KEY, &next, d);
	if (r == 0 && asprintf(ret, "%s%s", next, cur) < 0)
		r = AGS_E_NOMEM;
	free(cur);
	free(next);
	return r;
}

int k8s_give_recipients(int r, char *s, char **want)
{
	if (r >= 0 && want)
		*want = s;
	else
		free(s);
	return r < 0 ? r : 0;
}

int ags_k8s_install_key(struct ags_k8s_client *c, const char *ns, const char *name, const void *key,
			size_t len, const char *keyname, unsigned flags, enum ags_k8s_outcome *outcome, char **recipients,
			struct ags_diag *d)
{
	char *mine = NULL, *theirs = NULL;
	AGS_TRY(k8s_key_recipients(key, len, keyname ? keyname : "key file", &mine, d));
	struct ags_k8s_entry ent = { .key = (char *)AGS_K8S_SECRET_KEY, .value = (unsigned char *)key, .len = len };
	enum ags_k8s_outcome oc = AGS_K8S_CREATED;
	int r = ags_k8s_create(c, AGS_K8S_SECRET, ns, name, &ent, 1, NULL, d);
	for (int attempt = 0; r == AGS_E_K8S_ALREADY_EXISTS || r == AGS_E_K8S_CONFLICT; attempt++) {
		if (attempt >= PUBLISH_ATTEMPTS)
			break;
		struct ags_k8s_object *o = NULL;
		r = ags_k8s_get(c, AGS_K8S_SECRET, ns, name, &o, d);
		if (r == AGS_E_K8S_NOT_FOUND) { /* deleted meanwhile: create again */
			r = ags_k8s_create(c, AGS_K8S_SECRET, ns, name, &ent, 1, NULL, d);
			continue;
		}
		if (r < 0)
			break;
		const struct ags_k8s_entry *cur = ags_k8s_object_find(o, AGS_K8S_SECRET_KEY);
		free(theirs);
		theirs = NULL;
		bool same = false, valid = false;
		if (cur) {
			valid = k8s_entry_recipients(o, AGS_K8S_SECRET_KEY, &theirs, NULL) == 0;
			same = valid && !strcmp(theirs, mine);
		}
		if (same) {
			oc = AGS_K8S_UNCHANGED;
			r = 0;
		} else if (!(flags & AGS_K8S_REPLACE)) {
			r = ags_diag_set(d, AGS_E_EXISTS,
					 "Secret %s/%s already exists %s; use --replace to update it", ns, name,
					 !cur ? "without an " AGS_K8S_SECRET_KEY " entry" : "with a different key");
		} else if (cur && !(flags & AGS_K8S_FORCE)) {
			char held[128] = "an unreadable key";
			if (valid) {
				size_t l = strcspn(theirs, "\n");
				snprintf(held, sizeof(held), "public key %.*s%s", (int)AGS_MIN(l, 90), theirs,
					 theirs[l] && theirs[l + 1] ? ", ..." : "");
			}
			r = ags_diag_set(d, AGS_E_K8S_KEY_MISMATCH,
					 "Secret %s/%s holds a different key (%s); replacing it would stop files "
					 "encrypted for it from decrypting: add --force to replace it anyway",
					 ns, name, held);
		} else {
			r = ags_k8s_update(c, o, &ent, 1, NULL, d);
			if (r == 0)
				oc = AGS_K8S_REPLACED;
		}
		ags_k8s_object_free(o);
	}
	free(theirs);
	if (r >= 0 && outcome)
		*outcome = oc;
	return k8s_give_recipients(r, mine, recipients);
}

/* A new key file as age-keygen writes it. */
int ags_k8s_keygen_file(struct ags_buf *file, char **recips, struct ags_diag *d)
{
	char *rs = NULL;
	int r = ags_age_keygen_file(false, file, &rs);
	if (r >= 0 && asprintf(recips, "%s\n", rs) < 0)
		r = AGS_E_NOMEM;
	free(rs);
	if (r < 0)
		return ags_diag_set(d, r, "generating an age key: %s", ags_strerror(r));
	return 0;
}

int k8s_publish(struct ags_k8s_client *c, const char *ns, const char *cm, const char *recips,
		   struct ags_diag *d)
{
	struct ags_k8s_entry ent = { .key = (char *)AGS_K8S_PUBLIC_KEY, .value = (unsigned char *)recips,
				     .len = strlen(recips) };
	int r = 0;
	for (int attempt = 0; attempt < PUBLISH_ATTEMPTS; attempt++) {
		struct ags_k8s_object *o = NULL;
		r = ags_k8s_get(c, AGS_K8S_CONFIGMAP, ns, cm, &o, d);
		if (r == AGS_E_K8S_NOT_FOUND) {
			r = ags_k8s_create(c, AGS_K8S_CONFIGMAP, ns, cm, &ent, 1, NULL, d);
			if (r == AGS_E_K8S_ALREADY_EXISTS)
				continue;
			return r;
		}
		if (r < 0)
			return r;
		const struct ags_k8s_entry *cur = ags_k8s_object_find(o, AGS_K8S_PUBLIC_KEY);
		if (cur && cur->len == ent.len && !memcmp(cur->value, recips, ent.len)) {
			ags_k8s_object_free(o);
			return 0;
		}
		r = ags_k8s_update(c, o, &ent, 1, NULL, d);
		ags_k8s_object_free(o);
		if (r == AGS_E_K8S_CONFLICT || r == AGS_E_K8S_NOT_FOUND)
			continue;
		return r;
	}
	return r;
}

int ags_k8s_bootstrap(struct ags_k8s_client *c, const char *ns, const char *secret, const char *configmap,
		      enum ags_k8s_outcome *outcome, char **recipients, struct ags_diag *d)
{
	struct ags_k8s_object *o = NULL;
	char *recips = NULL;
	enum ags_k8s_outcome oc = AGS_K8S_REUSED;
	int r = ags_k8s_get(c, AGS_K8S_SECRET, ns, secret, &o, d);
	if (r == AGS_E_K8S_NOT_FOUND) {
		struct ags_buf file;
		ags_buf_init_secret(&file, KEYFILE_MAX);
		r = ags_k8s_keygen_file(&file, &recips, d);
		if (r == 0) {
			struct ags_k8s_entry ent = { .key = (char *)AGS_K8S_SECRET_KEY, .value = file.data,
						     .len = file.len };
			r = ags_k8s_create(c, AGS_K8S_SECRET, ns, secret, &ent, 1, NULL, d);
			oc = AGS_K8S_CREATED;
		}
		ags_buf_release(&file);
		if (r == AGS_E_K8S_ALREADY_EXISTS) {
			/* another run won the race: its key is the key */
			free(recips);
			recips = NULL;
			oc = AGS_K8S_ADOPTED;
			r = ags_k8s_get(c, AGS_K8S_SECRET, ns, secret, &o, d);
		}
	}
	if (r == 0 && o)
		r = k8s_secret_recipients(o, &recips, d);
	ags_k8s_object_free(o);
	if (r == 0)
		r = k8s_publish(c, ns, configmap, recips, d);
	if (r < 0) {
		free(recips);
		return r;
	}
	if (outcome)
		*outcome = oc;
	*recipients = recips;
	return 0;
}

int ags_k8s_pubkey(struct ags_k8s_client *c, const char *ns, const char *configmap, char **recipients,
		   struct ags_diag *d)
{
	struct ags_k8s_object *o = NULL;
	AGS_TRY(ags_k8s_get(c, AGS_K8S_CONFIGMAP, ns, configmap, &o, d));
	const struct ags_k8s_entry *e = ags_k8s_object_find(o, AGS_K8S_PUBLIC_KEY);
	int r = 0;
	if (!e) {
		r = ags_diag_set(d, AGS_E_K8S_NOT_FOUND, "ConfigMap %s/%s has no %s entry", ns, configmap,
				 AGS_K8S_PUBLIC_KEY);
		goto out;
	}
	struct ags_buf out;
	ags_buf_init(&out, KEYFILE_MAX);
	const char *s = (const char *)e->value, *end = s + e->len;
	unsigned line = 0;
	while (s < end && r == 0) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t l = (size_t)((nl ? nl : end) - s);
		line++;
		if (l && s[l - 1] == '\r')
			l--;
		if (l && s[0] != '#') {
			char *one = strndup(s, l);
			struct ags_age_recipient *rc = NULL;
			struct ags_diag sub = { 0 };
			if (!one)
				r = AGS_E_NOMEM;
			else if (ags_age_recipient_parse(one, &rc, &sub) < 0)
				r = ags_diag_set(d, AGS_E_K8S_PROTOCOL, "ConfigMap %s/%s %s line %u: %s", ns,
						 configmap, AGS_K8S_PUBLIC_KEY, line,
						 sub.msg[0] ? sub.msg : "not an age recipient");
			else
				r = ags_buf_printf(&out, "%s\n", one);
			ags_age_recipient_free(rc);
			free(one);
		}
		s = nl ? nl + 1 : end;
	}
	if (r == 0 && out.len == 0)
		r = ags_diag_set(d, AGS_E_K8S_PROTOCOL, "ConfigMap %s/%s %s holds no public key", ns, configmap,
				 AGS_K8S_PUBLIC_KEY);
	if (r == 0) {
		*recipients = ags_buf_detach(&out, NULL);
		if (!*recipients)
			r = AGS_E_NOMEM;
	}
	ags_buf_release(&out);
out:
	ags_k8s_object_free(o);
	return r;
}
