/*
 * Secrets and ConfigMaps: paths, request bodies and response parsing.
 */
#include "internal.h"
#include <agesops/k8s.h>
#include "k8s/client.h"
#include "k8s/json.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ENTRIES 1024

static const char *resource(enum ags_k8s_kind k)
{
	return k == AGS_K8S_SECRET ? "secrets" : "configmaps";
}

static const char *kind_name(enum ags_k8s_kind k)
{
	return k == AGS_K8S_SECRET ? "Secret" : "ConfigMap";
}

/* DNS-1123 subdomain (names) or label (namespaces): keeps paths well-formed. */
static bool valid_name(const char *s, size_t max, bool allow_dot)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (!alnum && c != '-' && !(allow_dot && c == '.'))
			return false;
		if (!alnum && (i == 0 || i == n - 1))
			return false;
	}
	return true;
}

/* Data keys as Kubernetes allows them ([-._a-zA-Z0-9]+, not "." or ".."). */
static bool valid_key(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 253 || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		      c == '.' || c == '_'))
			return false;
	}
	return true;
}

bool k8s_valid_name(const char *s, bool subdomain)
{
	return valid_name(s, subdomain ? 253 : 63, subdomain);
}

static int check_names(enum ags_k8s_kind kind, const char *ns, const char *name, struct ags_diag *d)
{
	if (!valid_name(ns, 63, false))
		return ags_diag_set(d, AGS_E_INVAL, "invalid namespace '%.80s'", ns);
	if (!valid_name(name, 253, true))
		return ags_diag_set(d, AGS_E_INVAL, "invalid %s name '%.80s'", kind_name(kind), name);
	return 0;
}

const struct ags_k8s_entry *ags_k8s_object_find(const struct ags_k8s_object *o, const char *key)
{
	for (size_t i = 0; o && i < o->ndata; i++)
		if (!strcmp(o->data[i].key, key))
			return &o->data[i];
	return NULL;
}

static void entries_free(struct ags_k8s_entry *e, size_t n)
{
	for (size_t i = 0; e && i < n; i++) {
		free(e[i].key);
		ags_free_secret(e[i].value, e[i].len);
	}
	free(e);
}

void ags_k8s_object_free(struct ags_k8s_object *o)
{
	if (!o)
		return;
	entries_free(o->data, o->ndata);
	k8s_json_free(o->raw);
	AGS_FREE_ALL(o->name, o->namespace_, o->uid, o->resource_version, o->creation_timestamp, o);
}

static int copy_meta(const struct k8s_json *meta, const char *key, char **out)
{
	const char *s = k8s_json_get_str(meta, key);
	if (!s) {
		*out = NULL;
		return 0;
	}
	*out = strdup(s);
	return *out ? 0 : AGS_E_NOMEM;
}

/* Parses a Secret/ConfigMap response body; takes ownership of nothing. */
static int parse_object(struct ags_k8s_client *c, enum ags_k8s_kind kind, const char *what,
			const struct ags_buf *body, struct ags_k8s_object **ret, struct ags_diag *d)
{
	struct k8s_json *j = NULL;
	char err[128];
	int r = k8s_json_parse(body->data ? (const char *)body->data : "", body->len, &j, err, sizeof(err));
	if (r < 0)
		return ags_diag_set(d, AGS_E_K8S_PROTOCOL, "%s: %s: response is not valid JSON (%s)",
				    ags_k8s_client_host(c), what, err);
	const char *k = k8s_json_get_str(j, "kind");
	const struct k8s_json *meta = k8s_json_get(j, "metadata");
	const struct k8s_json *data = k8s_json_get(j, "data");
	if (!k || strcmp(k, kind_name(kind)) || !meta || meta->type != K8S_JSON_OBJECT ||
	    !k8s_json_get_str(meta, "name") || (!k8s_json_is_null(data) && data->type != K8S_JSON_OBJECT)) {
		k8s_json_free(j);
		return ags_diag_set(d, AGS_E_K8S_PROTOCOL, "%s: %s: response is not a %s object",
				    ags_k8s_client_host(c), what, kind_name(kind));
	}
	struct ags_k8s_object *o = calloc(1, sizeof(*o));
	if (!o) {
		k8s_json_free(j);
		return AGS_E_NOMEM;
	}
	o->kind = kind;
	o->raw = j;
	if ((r = copy_meta(meta, "name", &o->name)) < 0 || (r = copy_meta(meta, "namespace", &o->namespace_)) < 0 ||
	    (r = copy_meta(meta, "uid", &o->uid)) < 0 ||
	    (r = copy_meta(meta, "resourceVersion", &o->resource_version)) < 0 ||
	    (r = copy_meta(meta, "creationTimestamp", &o->creation_timestamp)) < 0)
		goto fail;
	size_t n = k8s_json_is_null(data) ? 0 : data->n;
	if (n > MAX_ENTRIES) {
		r = ags_diag_set(d, AGS_E_TOO_BIG, "%s: %s: too many data entries", ags_k8s_client_host(c), what);
		goto fail;
	}
	o->data = calloc(n ? n : 1, sizeof(*o->data));
	if (!o->data) {
		r = AGS_E_NOMEM;
		goto fail;
	}
	for (const struct k8s_json *e = n ? data->child : NULL; e; e = e->next) {
		struct ags_k8s_entry *en = &o->data[o->ndata];
		if (e->type != K8S_JSON_STRING || memchr(e->key, 0, e->keylen)) {
			r = ags_diag_set(d, AGS_E_K8S_PROTOCOL, "%s: %s: data values must be strings",
					 ags_k8s_client_host(c), what);
			goto fail;
		}
		en->key = strdup(e->key);
		size_t cap = kind == AGS_K8S_SECRET ? ags_b64_decoded_max(e->len) + 1 : e->len + 1;
		en->value = malloc(cap);
		o->ndata++;
		if (!en->key || !en->value) {
			r = AGS_E_NOMEM;
			goto fail;
		}
		if (kind == AGS_K8S_SECRET) {
			if (ags_b64_decode(e->str, e->len, AGS_B64_PADDED, en->value, &en->len) < 0) {
				en->len = cap;
				r = ags_diag_set(d, AGS_E_K8S_PROTOCOL, "%s: %s: data entry '%.80s' is not base64",
						 ags_k8s_client_host(c), what, e->key);
				goto fail;
			}
		} else {
			memcpy(en->value, e->str, e->len);
			en->len = e->len;
		}
		en->value[en->len] = 0;
	}
	*ret = o;
	return 0;
fail:
	ags_k8s_object_free(o);
	return r;
}

static int put_data(struct ags_buf *b, enum ags_k8s_kind kind, const struct ags_k8s_entry *a, size_t na,
		    const struct ags_k8s_entry *over, size_t nover)
{
	AGS_TRY(ags_buf_putc(b, '{'));
	bool first = true;
	/* base entries (replaced where over has the key), then new ones */
	for (size_t pass = 0; pass < 2; pass++) {
		const struct ags_k8s_entry *v = pass ? over : a;
		size_t nv = pass ? nover : na;
		for (size_t i = 0; i < nv; i++) {
			const struct ags_k8s_entry *e = &v[i];
			if (pass == 1) {
				bool seen = false;
				for (size_t k = 0; k < na && !seen; k++)
					seen = !strcmp(a[k].key, e->key);
				if (seen)
					continue;
			} else {
				for (size_t k = 0; k < nover; k++)
					if (!strcmp(over[k].key, e->key))
						e = &over[k];
			}
			if (!first)
				AGS_TRY(ags_buf_putc(b, ','));
			first = false;
			AGS_TRY(k8s_json_put_str(b, e->key, strlen(e->key)));
			AGS_TRY(ags_buf_putc(b, ':'));
			if (kind == AGS_K8S_SECRET) {
				size_t el = ags_b64_encoded_len(e->len, AGS_B64_PADDED);
				AGS_TRY(ags_buf_putc(b, '"'));
				AGS_TRY(ags_buf_reserve(b, el + 1));
				ags_b64_encode(e->value, e->len, AGS_B64_PADDED, (char *)b->data + b->len);
				b->len += el;
				AGS_TRY(ags_buf_putc(b, '"'));
			} else {
				AGS_TRY(k8s_json_put_str(b, (const char *)e->value, e->len));
			}
		}
	}
	return ags_buf_putc(b, '}');
}

static int check_entries(enum ags_k8s_kind kind, const struct ags_k8s_entry *data, size_t n, struct ags_diag *d)
{
	if (n > MAX_ENTRIES)
		return ags_diag_set(d, AGS_E_TOO_BIG, "too many data entries");
	for (size_t i = 0; i < n; i++) {
		if (!valid_key(data[i].key))
			return ags_diag_set(d, AGS_E_INVAL, "invalid data key '%.80s'", data[i].key);
		if (kind == AGS_K8S_CONFIGMAP && !ags_utf8_valid(data[i].value, data[i].len, NULL))
			return ags_diag_set(d, AGS_E_INVAL, "ConfigMap value of '%.80s' is not UTF-8", data[i].key);
	}
	return 0;
}

/* Re-emits a parsed JSON value (used to send an object back on update). */
static int put_json(struct ags_buf *b, const struct k8s_json *j)
{
	switch (j->type) {
	case K8S_JSON_NULL: return ags_buf_puts(b, "null");
	case K8S_JSON_BOOL:
	case K8S_JSON_NUMBER: return ags_buf_append(b, j->str, j->len);
	case K8S_JSON_STRING: return k8s_json_put_str(b, j->str, j->len);
	case K8S_JSON_ARRAY:
	case K8S_JSON_OBJECT: {
		bool obj = j->type == K8S_JSON_OBJECT;
		AGS_TRY(ags_buf_putc(b, obj ? '{' : '['));
		for (const struct k8s_json *c = j->child; c; c = c->next) {
			if (c != j->child)
				AGS_TRY(ags_buf_putc(b, ','));
			if (obj) {
				AGS_TRY(k8s_json_put_str(b, c->key, c->keylen));
				AGS_TRY(ags_buf_putc(b, ':'));
			}
			AGS_TRY(put_json(b, c));
		}
		return ags_buf_putc(b, obj ? '}' : ']');
	}
	}
	return AGS_E_INVAL;
}

/* Appends before, s as a JSON string, then after. */
static int put_quoted(struct ags_buf *b, const char *before, const char *s, const char *after)
{
	AGS_TRY(ags_buf_puts(b, before));
	AGS_TRY(k8s_json_put_str(b, s, strlen(s)));
	return ags_buf_puts(b, after);
}

/* One request on an object: its API path, and what it does for the messages
 * ("get Secret ns/name"). */
struct call {
	char path[512], what[400];
};

/* collection: the path of the namespace's objects of that kind (create). */
static void call_init(struct call *k, const char *verb, enum ags_k8s_kind kind, const char *ns, const char *name,
		      bool collection)
{
	if (collection)
		snprintf(k->path, sizeof(k->path), "/api/v1/namespaces/%s/%s", ns, resource(kind));
	else
		snprintf(k->path, sizeof(k->path), "/api/v1/namespaces/%s/%s/%s", ns, resource(kind), name);
	snprintf(k->what, sizeof(k->what), "%s %s %s/%s", verb, kind_name(kind), ns, name);
}

/* Sends body (NULL for none; r: the result of building it) and parses the
 * object the server returns when ret is wanted.  Releases body. */
static int call_send(struct ags_k8s_client *c, const struct call *k, const char *method, enum ags_k8s_kind kind,
		     struct ags_buf *body, int r, struct ags_k8s_object **ret, struct ags_diag *d)
{
	struct ags_buf resp;
	ags_buf_init_secret(&resp, k8s_response_max());
	long st;
	if (!r)
		r = k8s_request(c, method, k->path, body, k->what, &st, &resp, d);
	if (!r && ret)
		r = parse_object(c, kind, k->what, &resp, ret, d);
	if (body)
		ags_buf_release(body);
	ags_buf_release(&resp);
	return r;
}

int ags_k8s_get(struct ags_k8s_client *c, enum ags_k8s_kind kind, const char *ns, const char *name,
		struct ags_k8s_object **ret, struct ags_diag *d)
{
	AGS_TRY(check_names(kind, ns, name, d));
	struct call k;
	call_init(&k, "get", kind, ns, name, false);
	return call_send(c, &k, "GET", kind, NULL, 0, ret, d);
}

int ags_k8s_create(struct ags_k8s_client *c, enum ags_k8s_kind kind, const char *ns, const char *name,
		   const struct ags_k8s_entry *data, size_t n, struct ags_k8s_object **ret, struct ags_diag *d)
{
	AGS_TRY(check_names(kind, ns, name, d));
	AGS_TRY(check_entries(kind, data, n, d));
	struct call k;
	call_init(&k, "create", kind, ns, name, true);
	struct ags_buf body;
	ags_buf_init_secret(&body, k8s_response_max());
	/* the shape kubectl create secret generic / configmap sends (no type: the server defaults Opaque) */
	int r = ags_buf_printf(&body, "{\"apiVersion\":\"v1\",\"kind\":\"%s\",\"metadata\":{\"name\":\"%s\","
				      "\"namespace\":\"%s\"},\"data\":", kind_name(kind), name, ns);
	if (!r)
		r = put_data(&body, kind, data, n, NULL, 0);
	if (!r)
		r = ags_buf_putc(&body, '}');
	return call_send(c, &k, "POST", kind, &body, r, ret, d);
}

int ags_k8s_update(struct ags_k8s_client *c, const struct ags_k8s_object *base, const struct ags_k8s_entry *data,
		   size_t n, struct ags_k8s_object **ret, struct ags_diag *d)
{
	enum ags_k8s_kind kind = base->kind;
	const char *ns = base->namespace_ ? base->namespace_ : "";
	AGS_TRY(check_names(kind, ns, base->name, d));
	AGS_TRY(check_entries(kind, data, n, d));
	if (!base->resource_version)
		return ags_diag_set(d, AGS_E_INVAL, "update of %s %s/%s without a resourceVersion", kind_name(kind),
				    ns, base->name);
	struct call k;
	call_init(&k, "update", kind, ns, base->name, false);
	struct ags_buf body;
	ags_buf_init_secret(&body, k8s_response_max());
	/* Send the object back as read, with data replaced: other fields
	 * (labels, annotations, type, immutable) are kept, and
	 * metadata.resourceVersion makes the server refuse a stale write. */
	const struct k8s_json *raw = base->raw;
	int r = ags_buf_putc(&body, '{');
	bool wrote_data = false, first = true;
	for (const struct k8s_json *m = raw->child; m && !r; m = m->next) {
		if (!strcmp(m->key, "stringData"))
			continue;
		if (!first)
			r = ags_buf_putc(&body, ',');
		first = false;
		if (!r)
			r = k8s_json_put_str(&body, m->key, m->keylen);
		if (!r)
			r = ags_buf_putc(&body, ':');
		if (r)
			break;
		if (!strcmp(m->key, "data")) {
			r = put_data(&body, kind, base->data, base->ndata, data, n);
			wrote_data = true;
		} else {
			r = put_json(&body, m);
		}
	}
	if (!r && !wrote_data) {
		r = ags_buf_puts(&body, first ? "\"data\":" : ",\"data\":");
		if (!r)
			r = put_data(&body, kind, base->data, base->ndata, data, n);
	}
	if (!r)
		r = ags_buf_putc(&body, '}');
	return call_send(c, &k, "PUT", kind, &body, r, ret, d);
}

int ags_k8s_patch_data(struct ags_k8s_client *c, const struct ags_k8s_object *base, const struct ags_k8s_entry *set,
		       size_t nset, const char *const *unset, size_t nunset, struct ags_k8s_object **ret,
		       struct ags_diag *d)
{
	enum ags_k8s_kind kind = base->kind;
	const char *ns = base->namespace_ ? base->namespace_ : "";
	AGS_TRY(check_names(kind, ns, base->name, d));
	AGS_TRY(check_entries(kind, set, nset, d));
	if (nunset > MAX_ENTRIES)
		return ags_diag_set(d, AGS_E_TOO_BIG, "too many data entries");
	for (size_t i = 0; i < nunset; i++)
		if (!valid_key(unset[i]))
			return ags_diag_set(d, AGS_E_INVAL, "invalid data key '%.80s'", unset[i]);
	if (!base->resource_version)
		return ags_diag_set(d, AGS_E_INVAL, "patch of %s %s/%s without a resourceVersion", kind_name(kind), ns,
				    base->name);
	struct call k;
	call_init(&k, "patch", kind, ns, base->name, false);
	struct ags_buf body;
	ags_buf_init_secret(&body, k8s_response_max());
	/* A JSON merge patch: null removes a key.  The resourceVersion in it is a
	 * precondition, so a concurrent writer makes this a 409 Conflict rather
	 * than a lost update. */
	int r = put_quoted(&body, "{\"metadata\":{\"resourceVersion\":", base->resource_version, "},\"data\":");
	if (!r)
		r = put_data(&body, kind, set, nset, NULL, 0);
	if (!r && nunset) {
		body.len--; /* reopen the data object */
		for (size_t i = 0; i < nunset && !r; i++)
			r = put_quoted(&body, nset || i ? "," : "", unset[i], ":null");
		if (!r)
			r = ags_buf_putc(&body, '}');
	}
	if (!r)
		r = ags_buf_putc(&body, '}');
	return call_send(c, &k, "PATCH", kind, &body, r, ret, d);
}

int ags_k8s_delete(struct ags_k8s_client *c, enum ags_k8s_kind kind, const char *ns, const char *name,
		   const char *resource_version, struct ags_diag *d)
{
	AGS_TRY(check_names(kind, ns, name, d));
	struct call k;
	call_init(&k, "delete", kind, ns, name, false);
	struct ags_buf body;
	ags_buf_init(&body, 4096);
	int r = ags_buf_puts(&body, "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\"");
	if (!r && resource_version)
		r = put_quoted(&body, ",\"preconditions\":{\"resourceVersion\":", resource_version, "}");
	if (!r)
		r = ags_buf_putc(&body, '}');
	return call_send(c, &k, "DELETE", kind, &body, r, NULL, d);
}

int ags_k8s_move_entry(struct ags_k8s_client *c, enum ags_k8s_kind kind, const char *ns, const char *name,
		       const char *from, const char *to, struct ags_diag *d)
{
	AGS_TRY(check_names(kind, ns, name, d));
	if (!valid_key(from) || !valid_key(to))
		return ags_diag_set(d, AGS_E_INVAL, "invalid data key");
	struct call k;
	call_init(&k, "move", kind, ns, name, false);
	snprintf(k.what, sizeof(k.what), "move %s to %s in %s %s/%s", from, to, kind_name(kind), ns, name);
	struct ags_buf body;
	ags_buf_init(&body, 4096);
	/* data keys cannot hold '/' or '~', so they need no JSON-pointer escaping */
	int r = ags_buf_printf(&body, "[{\"op\":\"move\",\"from\":\"/data/%s\",\"path\":\"/data/%s\"}]", from, to);
	return call_send(c, &k, "PATCH-JSON", kind, &body, r, NULL, d);
}
