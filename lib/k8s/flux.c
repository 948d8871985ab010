/*
 * Flux Kustomizations (kustomize.toolkit.fluxcd.io/v1): read-only, for the
 * status a key rotation waits on (Ready, lastAppliedRevision).
 */
#include "internal.h"
#include <agesops/k8s.h>
#include "k8s/client.h"
#include "k8s/json.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KS_PATH "/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/"

void ags_k8s_kustomization_free(struct ags_k8s_kustomization *k)
{
	if (!k)
		return;
	AGS_FREE_ALL(k->name, k->namespace_, k->last_applied_revision, k->last_attempted_revision, k->ready_reason,
		     k->ready_message, k->decryption_secret, k);
}

static int dup_or_null(const char *s, char **out)
{
	*out = NULL;
	if (s && !(*out = strndup(s, 1024)))
		return AGS_E_NOMEM;
	return 0;
}

static long long number(const struct k8s_json *j, const char *key)
{
	const struct k8s_json *v = k8s_json_get(j, key);
	return v && v->type == K8S_JSON_NUMBER ? strtoll(v->str, NULL, 10) : -1;
}

static int parse_ks(const struct k8s_json *j, struct ags_k8s_kustomization *k)
{
	const struct k8s_json *meta = k8s_json_get(j, "metadata"), *spec = k8s_json_get(j, "spec"),
			      *st = k8s_json_get(j, "status");
	AGS_TRY(dup_or_null(k8s_json_get_str(meta, "name"), &k->name));
	AGS_TRY(dup_or_null(k8s_json_get_str(meta, "namespace"), &k->namespace_));
	AGS_TRY(dup_or_null(k8s_json_get_str(st, "lastAppliedRevision"), &k->last_applied_revision));
	AGS_TRY(dup_or_null(k8s_json_get_str(st, "lastAttemptedRevision"), &k->last_attempted_revision));
	const struct k8s_json *dec = k8s_json_get(spec, "decryption");
	AGS_TRY(dup_or_null(k8s_json_get_str(k8s_json_get(dec, "secretRef"), "name"), &k->decryption_secret));
	k->generation = number(meta, "generation");
	k->observed_generation = number(st, "observedGeneration");
	const struct k8s_json *conds = k8s_json_get(st, "conditions");
	for (const struct k8s_json *c = conds && conds->type == K8S_JSON_ARRAY ? conds->child : NULL; c; c = c->next) {
		const char *type = k8s_json_get_str(c, "type");
		if (!type || strcmp(type, "Ready"))
			continue;
		const char *s = k8s_json_get_str(c, "status");
		k->ready = s && !strcmp(s, "True");
		AGS_TRY(dup_or_null(k8s_json_get_str(c, "reason"), &k->ready_reason));
		AGS_TRY(dup_or_null(k8s_json_get_str(c, "message"), &k->ready_message));
	}
	/* a status written for an older spec says nothing about the current one */
	if (k->generation >= 0 && k->observed_generation >= 0 && k->observed_generation < k->generation)
		k->ready = false;
	return 0;
}

int ags_k8s_get_kustomization(struct ags_k8s_client *c, const char *ns, const char *name,
			      struct ags_k8s_kustomization **ret, struct ags_diag *d)
{
	if (!k8s_valid_name(ns, false) || !k8s_valid_name(name, true))
		return ags_diag_set(d, AGS_E_INVAL, "invalid Kustomization name '%.80s/%.80s'", ns, name);
	char path[512], what[400];
	snprintf(path, sizeof(path), KS_PATH "%s/kustomizations/%s", ns, name);
	snprintf(what, sizeof(what), "get Kustomization %s/%s", ns, name);
	struct ags_buf resp;
	ags_buf_init(&resp, k8s_response_max());
	long st;
	int r = k8s_request(c, "GET", path, NULL, what, &st, &resp, d);
	struct k8s_json *j = NULL;
	if (r == 0) {
		char err[128];
		if (k8s_json_parse(resp.data ? (const char *)resp.data : "", resp.len, &j, err, sizeof(err)) < 0)
			r = ags_diag_set(d, AGS_E_K8S_PROTOCOL, "%s: %s: response is not valid JSON (%s)",
					 ags_k8s_client_host(c), what, err);
	}
	const char *kind = r == 0 ? k8s_json_get_str(j, "kind") : NULL;
	if (r == 0 && (!kind || strcmp(kind, "Kustomization")))
		r = ags_diag_set(d, AGS_E_K8S_PROTOCOL, "%s: %s: response is not a Kustomization",
				 ags_k8s_client_host(c), what);
	struct ags_k8s_kustomization *k = NULL;
	if (r == 0 && !(k = calloc(1, sizeof(*k))))
		r = AGS_E_NOMEM;
	if (r == 0)
		r = parse_ks(j, k);
	k8s_json_free(j);
	ags_buf_release(&resp);
	if (r < 0) {
		ags_k8s_kustomization_free(k);
		return r;
	}
	*ret = k;
	return 0;
}
