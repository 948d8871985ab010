/*
 * Key rotation on the cluster side: the new key as a second *.agekey entry
 * of the sops-age Secret (Flux tries every entry, so files encrypted for
 * either key decrypt while the repository is re-encrypted), and at the end
 * the new key alone.  Every write is a merge patch guarded by the
 * resourceVersion just read; a conflict (another writer, e.g. a bootstrap
 * Job) re-reads and decides again, so re-running any step is harmless.
 */
#include "internal.h"
#include <agesops/k8s.h>
#include "k8s/sopsage.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first line of a recipients list. */
static bool first_is(const char *recips, const char *one)
{
	size_t l = strcspn(recips, "\n");
	return strlen(one) == l && !memcmp(recips, one, l);
}

int ags_k8s_rotate_add(struct ags_k8s_client *c, const char *ns, const char *secret, const char *configmap,
		       const void *key, size_t len, enum ags_k8s_rotate_outcome *outcome, char **recipients,
		       struct ags_diag *d)
{
	char *mine = NULL, *all = NULL;
	struct ags_buf gen;
	ags_buf_init_secret(&gen, KEYFILE_MAX);
	if (key)
		AGS_TRY(k8s_key_recipients(key, len, "new key file", &mine, d));
	enum ags_k8s_rotate_outcome oc = AGS_K8S_ROTATE_ADDED;
	int r = AGS_E_K8S_CONFLICT;
	for (int attempt = 0; attempt < PUBLISH_ATTEMPTS && r == AGS_E_K8S_CONFLICT; attempt++) {
		struct ags_k8s_object *o = NULL, *after = NULL;
		char *cur = NULL, *next = NULL;
		r = ags_k8s_get(c, AGS_K8S_SECRET, ns, secret, &o, d);
		if (r == AGS_E_K8S_NOT_FOUND)
			r = ags_diag_set(d, AGS_E_K8S_NOT_FOUND,
					 "Secret %s/%s does not exist: there is no key to rotate (install one first)", ns,
					 secret);
		if (r == 0)
			r = k8s_entry_recipients(o, AGS_K8S_SECRET_KEY, &cur, d);
		if (r == 0 && ags_k8s_object_find(o, AGS_K8S_NEXT_KEY)) {
			r = k8s_entry_recipients(o, AGS_K8S_NEXT_KEY, &next, d);
			if (r == 0 && key && strcmp(next, mine))
				r = ags_diag_set(d, AGS_E_K8S_KEY_MISMATCH,
						 "Secret %s/%s already holds another new key (%.*s) from a rotation in "
						 "progress: finish that rotation first",
						 ns, secret, (int)strcspn(next, "\n"), next);
			/* found before we made one: a re-run; after we made one: another run won */
			oc = key || !gen.len ? AGS_K8S_ROTATE_PRESENT : AGS_K8S_ROTATE_ADOPTED;
		} else if (r == 0 && mine && !strcmp(cur, mine)) {
			oc = AGS_K8S_ROTATE_DONE;
		} else if (r == 0) {
			if (!key && !gen.len) {
				free(mine);
				mine = NULL;
				r = ags_k8s_keygen_file(&gen, &mine, d);
			}
			const void *v = key ? key : gen.data;
			struct ags_k8s_entry ent = { .key = (char *)AGS_K8S_NEXT_KEY, .value = (unsigned char *)v,
						     .len = key ? len : gen.len };
			if (r == 0)
				r = ags_k8s_patch_data(c, o, &ent, 1, NULL, 0, &after, d);
			if (r == AGS_E_K8S_NOT_FOUND)
				r = AGS_E_K8S_CONFLICT; /* deleted meanwhile: decide again */
			oc = AGS_K8S_ROTATE_ADDED;
		}
		if (r == 0) {
			free(all);
			all = NULL;
			r = k8s_secret_recipients(after ? after : o, &all, d);
		}
		free(cur);
		free(next);
		ags_k8s_object_free(o);
		ags_k8s_object_free(after);
	}
	ags_buf_release(&gen);
	free(mine);
	if (r == 0)
		r = k8s_publish(c, ns, configmap, all, d);
	if (r >= 0 && outcome)
		*outcome = oc;
	return k8s_give_recipients(r, all, recipients);
}

int ags_k8s_rotate_finish(struct ags_k8s_client *c, const char *ns, const char *secret, const char *configmap,
			  const char *new_recipient, enum ags_k8s_rotate_outcome *outcome, char **recipients,
			  struct ags_diag *d)
{
	char *pub = NULL, *line = NULL;
	AGS_TRY(ags_k8s_pubkey(c, ns, configmap, &pub, d));
	int r = 0;
	if (!first_is(pub, new_recipient))
		r = ags_diag_set(d, AGS_E_K8S_KEY_MISMATCH,
				 "ConfigMap %s/%s names %.*s as the cluster's newest key, not the repository's %s: not "
				 "finishing",
				 ns, configmap, (int)strcspn(pub, "\n"), pub, new_recipient);
	enum ags_k8s_rotate_outcome oc = AGS_K8S_ROTATE_ADDED;
	struct ags_diag sub = { 0 };
	if (r == 0)
		r = ags_k8s_move_entry(c, AGS_K8S_SECRET, ns, secret, AGS_K8S_NEXT_KEY, AGS_K8S_SECRET_KEY, &sub);
	if (r == AGS_E_K8S_INVALID) {
		/* nothing to move: finished before (perhaps interrupted before the ConfigMap was
		 * updated).  Confirm with the Secret when we may read it. */
		struct ags_k8s_object *o = NULL;
		char *held = NULL;
		r = ags_k8s_get(c, AGS_K8S_SECRET, ns, secret, &o, d);
		if (r == AGS_E_K8S_FORBIDDEN)
			r = 0;
		else if (r == 0 && (r = k8s_secret_recipients(o, &held, d)) == 0 && strcmp(held, pub) &&
			 !first_is(held, new_recipient))
			r = ags_diag_set(d, AGS_E_K8S_KEY_MISMATCH,
					 "Secret %s/%s holds neither a rotation in progress nor the new key %s", ns, secret,
					 new_recipient);
		free(held);
		ags_k8s_object_free(o);
		oc = AGS_K8S_ROTATE_DONE;
	} else if (r < 0 && sub.msg[0]) {
		r = ags_diag_set(d, r, "%s", sub.msg);
	}
	if (r == 0 && asprintf(&line, "%s\n", new_recipient) < 0)
		r = AGS_E_NOMEM;
	if (r == 0)
		r = k8s_publish(c, ns, configmap, line, d);
	free(pub);
	if (r >= 0 && outcome)
		*outcome = oc;
	return k8s_give_recipients(r, line, recipients);
}

int ags_k8s_cluster_recipients(struct ags_k8s_client *c, const char *ns, const char *secret, const char *configmap,
			       char **recipients, bool *from_secret, struct ags_diag *d)
{
	struct ags_k8s_object *o = NULL;
	struct ags_diag sub = { 0 };
	int r = ags_k8s_get(c, AGS_K8S_SECRET, ns, secret, &o, &sub);
	if (r == 0) {
		r = k8s_secret_recipients(o, recipients, d);
		ags_k8s_object_free(o);
		if (r == 0)
			*from_secret = true;
		return r;
	}
	/* no right to read the key (the usual case for people and CI): the published public keys */
	if (r != AGS_E_K8S_FORBIDDEN && r != AGS_E_K8S_NOT_FOUND)
		return ags_diag_set(d, r, "%s", sub.msg);
	r = ags_k8s_pubkey(c, ns, configmap, recipients, d);
	if (r == 0)
		*from_secret = false;
	return r;
}
