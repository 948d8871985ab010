/*
 * sops documents: loading (store + metadata), the value rules recorded in
 * the metadata, emitting (whole or --extract) (sops.md sections 2 and 6).
 * Encryption and the MAC are in doc_crypt.c, the data key and key groups in
 * doc_keys.c, the one-shot buffer calls in doc_oneshot.c.
 */
#include "internal.h"
#include "sops/doc.h"
#include "sops/sops-int.h"
#include "sops/store.h"
#include "sops/store_int.h"
#include "sops/path.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct ags_store_ops *ags_sops_pick_store(const char *type, const char *filename, struct ags_diag *d)
{
	if (type && *type) {
		const struct ags_store_ops *s = ags_store_by_name(type);
		if (s)
			return s;
		/* sops: an unknown type name falls back to the extension */
	}
	if (filename && *filename && strcmp(filename, "-") != 0)
		return ags_store_for_path(filename);
	return ags_store_by_name("binary");
}

const char *ags_sops_doc_fname(const struct ags_sops_doc *doc)
{
	return doc && doc->filename ? doc->filename : "<stdin>";
}

void ags_sops_doc_free(struct ags_sops_doc *doc)
{
	if (!doc)
		return;
	ags_tree_clear(&doc->tree);
	ags_sops_metadata_clear(&doc->md);
	free(doc->filename);
	if (doc->stash)
		ags_free_secret(doc->stash, doc->capstash * sizeof(*doc->stash));
	ags_wipe(doc->key_id, sizeof(doc->key_id));
	free(doc);
}

struct ags_tree *ags_sops_doc_tree(struct ags_sops_doc *doc)
{
	return &doc->tree;
}

struct ags_sops_metadata *ags_sops_doc_metadata(struct ags_sops_doc *doc)
{
	return &doc->md;
}

const char *ags_sops_doc_store(const struct ags_sops_doc *doc)
{
	return doc->store ? doc->store->name : NULL;
}

bool ags_sops_doc_is_plain(const struct ags_sops_doc *doc)
{
	return doc->plain;
}

int ags_sops_doc_fail(const struct ags_sops_doc *doc, const char *filename, struct ags_diag *d, int rc)
{
	if (!d)
		return rc;
	const char *f = doc ? ags_sops_doc_fname(doc) : (filename ? filename : "<stdin>");
	char tmp[AGS_DIAG_MAX];
	snprintf(tmp, sizeof(tmp), "%s", d->msg[0] ? d->msg : ags_strerror(rc));
	if (strncmp(tmp, f, strlen(f)) == 0)
		return rc; /* already named */
	return ags_diag_set(d, rc, "%s: %s", f, tmp);
}

/* With own (plaintext only), in is own's contents, released here. */
static int load(const void *in, size_t len, struct ags_buf *own, const struct ags_sops_load_opts *o, bool encrypted,
		struct ags_sops_doc **ret, struct ags_diag *d)
{
	const char *fn = o ? o->filename : NULL;
	struct ags_diag ld = { 0 };
	const struct ags_store_ops *s = ags_sops_pick_store(o ? o->input_type : NULL, fn, &ld);
	struct ags_sops_doc *doc = s ? calloc(1, sizeof(*doc)) : NULL;
	if (!doc) {
		if (own)
			ags_buf_release(own);
		if (s)
			return AGS_E_NOMEM;
		if (d)
			*d = ld;
		return ags_sops_doc_fail(NULL, fn, d, ld.code ? ld.code : AGS_E_UNSUPPORTED);
	}
	doc->store = s;
	int rc = 0;
	if (fn && strcmp(fn, "-") != 0 && !(doc->filename = strdup(fn)))
		rc = AGS_E_NOMEM;
	if (rc == 0 && own && s == &ags_store_binary)
		rc = ags_binary_load_plain_owned(own, &doc->tree, d);
	else if (rc == 0)
		rc = s->load(in, len, encrypted, &doc->tree, d);
	if (own)
		ags_buf_release(own);
	if (rc == 0 && encrypted) {
		if (doc->tree.metadata.kind != AGS_VAL_MAP)
			rc = ags_diag_set(d, AGS_E_SOPS_METADATA_NOT_FOUND, "sops metadata not found");
		else
			rc = ags_sops_metadata_parse(&doc->tree.metadata, &doc->md, d);
		if (rc == 0)
			ags_value_clear(&doc->tree.metadata);
	} else if (rc == 0) {
		if (doc->tree.metadata.kind != AGS_VAL_NULL)
			rc = ags_diag_set(d, AGS_E_SOPS_ALREADY_ENCRYPTED,
					  "the file already contains sops metadata (a top-level \"sops\" key): "
					  "it is already encrypted");
		else if (doc->tree.ndocs == 0)
			rc = ags_diag_set(d, AGS_E_SOPS_NO_DOCUMENT, "the file cannot be completely empty");
		doc->plain = true;
	}
	if (rc < 0) {
		ags_sops_doc_fail(doc, NULL, d, rc);
		ags_sops_doc_free(doc);
		return rc;
	}
	*ret = doc;
	return 0;
}

int ags_sops_doc_load(const void *in, size_t len, const struct ags_sops_load_opts *o,
		      struct ags_sops_doc **ret, struct ags_diag *d)
{
	return load(in, len, NULL, o, true, ret, d);
}

int ags_sops_doc_load_plain(const void *in, size_t len, const struct ags_sops_load_opts *o,
			    struct ags_sops_doc **ret, struct ags_diag *d)
{
	return load(in, len, NULL, o, false, ret, d);
}

int ags_sops_doc_load_plain_buf(struct ags_buf *in, const struct ags_sops_load_opts *o,
				struct ags_sops_doc **ret, struct ags_diag *d)
{
	return load(in->len ? in->data : (const void *)"", in->len, in, o, false, ret, d);
}

int ags_sops_doc_from_tree(struct ags_tree *t, bool plain, struct ags_sops_metadata *md,
			   struct ags_sops_doc **ret)
{
	struct ags_sops_doc *doc = calloc(1, sizeof(*doc));
	if (!doc)
		return AGS_E_NOMEM;
	doc->tree = *t;
	memset(t, 0, sizeof(*t));
	if (md) {
		doc->md = *md;
		memset(md, 0, sizeof(*md));
	}
	doc->plain = plain;
	*ret = doc;
	return 0;
}

int ags_sops_doc_set_rules(struct ags_sops_doc *doc, const struct ags_sops_rules *r, struct ags_diag *d)
{
	struct ags_sops_rules z = { 0 };
	if (!r)
		r = &z;
	int rc = ags_sops_rules_check(r, d);
	if (rc < 0)
		return ags_sops_doc_fail(doc, NULL, d, rc);
	const char *src[6] = { r->unencrypted_suffix, r->encrypted_suffix, r->unencrypted_regex,
			       r->encrypted_regex, r->unencrypted_comment_regex, r->encrypted_comment_regex };
	bool any = false;
	for (int i = 0; i < 6; i++)
		any |= src[i] && *src[i];
	/* The binary store never records a rule (sops ignores them there). */
	bool binary = doc->store && strcmp(doc->store->name, "binary") == 0;
	if (!any && !binary)
		src[0] = "_unencrypted";
	char *dst[6] = { 0 };
	for (int i = 0; i < 6; i++)
		if (!binary && src[i] && *src[i] && !(dst[i] = strdup(src[i]))) {
			for (int j = 0; j < i; j++)
				free(dst[j]);
			return AGS_E_NOMEM;
		}
	const char **fields[6] = { &doc->md.rules.unencrypted_suffix, &doc->md.rules.encrypted_suffix,
				   &doc->md.rules.unencrypted_regex, &doc->md.rules.encrypted_regex,
				   &doc->md.rules.unencrypted_comment_regex, &doc->md.rules.encrypted_comment_regex };
	for (int i = 0; i < 6; i++) {
		free((char *)*fields[i]);
		*fields[i] = dst[i];
	}
	doc->md.rules.mac_only_encrypted = r->mac_only_encrypted;
	return 0;
}

/* ---- emit ---- */

/* A rough upper estimate of the emitted size, reserved up front so the
 * output buffer is not reallocated (and copied) while it grows. */
static size_t estimate(const struct ags_value *v, size_t depth)
{
	size_t n = 0;
	if (depth > AGS_TREE_MAX_DEPTH)
		return 0;
	switch (v->kind) {
	case AGS_VAL_MAP:
		for (size_t i = 0; i < v->map->n; i++)
			n += 8 + depth * 4 + v->map->items[i].key.str.len + estimate(&v->map->items[i].value, depth + 1);
		return n;
	case AGS_VAL_SEQ:
		for (size_t i = 0; i < v->seq->n; i++)
			n += 8 + depth * 4 + estimate(&v->seq->items[i], depth + 1);
		return n;
	case AGS_VAL_STR:
	case AGS_VAL_TIME:
	case AGS_VAL_COMMENT:
		return v->str.len + v->str.len / 8 + 4;
	default:
		return 32;
	}
}

static int emit_tree(struct ags_sops_doc *doc, const struct ags_store_ops *s, int indent, struct ags_buf *out,
		     struct ags_diag *d)
{
	struct ags_emit_opts eo = { .indent = indent };
	if (indent == AGS_SOPS_INDENT_DEFAULT)
		eo.indent = strcmp(s->name, "yaml") == 0 ? 4 : -1;
	ags_value_clear(&doc->tree.metadata);
	if (!doc->plain) {
		if (!doc->md.version && !(doc->md.version = strdup(AGS_SOPS_VERSION)))
			return AGS_E_NOMEM;
		AGS_TRY(ags_sops_metadata_build(&doc->md, &doc->tree.metadata));
	}
	size_t est = 4096 * (doc->tree.ndocs + 1);
	for (size_t i = 0; i < doc->tree.ndocs; i++) {
		struct ags_value dv = { .kind = AGS_VAL_MAP, .map = doc->tree.docs[i] };
		est += estimate(&dv, 0);
	}
	ags_buf_reserve_hint(out, est); /* failure is not an error here */
	int rc = s->emit(&doc->tree, &eo, out, d);
	ags_value_clear(&doc->tree.metadata);
	if (rc < 0)
		return ags_sops_doc_fail(doc, NULL, d, rc);
	return 0;
}

int ags_sops_doc_emit(struct ags_sops_doc *doc, const char *store, int indent, struct ags_buf *out,
		      struct ags_diag *d)
{
	const struct ags_store_ops *s = doc->store;
	if (store && *store) {
		s = ags_sops_pick_store(store, doc->filename, d);
		if (!s)
			return AGS_E_UNSUPPORTED;
	}
	if (!s)
		return ags_diag_set(d, AGS_E_INVAL, "no output format given");
	return emit_tree(doc, s, indent, out, d);
}

int ags_sops_doc_emit_extract(struct ags_sops_doc *doc, const char *path, const char *store, int indent,
			      struct ags_buf *out, struct ags_diag *d)
{
	struct ags_sops_path p;
	int rc = ags_sops_path_parse(path, &p, d);
	if (rc < 0)
		return ags_sops_doc_fail(doc, NULL, d, rc);
	if (!doc->tree.ndocs) {
		ags_sops_path_clear(&p);
		return ags_diag_set(d, AGS_E_SOPS_PATH, "%s: the file has no document", ags_sops_doc_fname(doc));
	}
	struct ags_value *got = NULL;
	rc = ags_sops_path_get(doc->tree.docs[0], &p, &got, d);
	ags_sops_path_clear(&p);
	/* a well-formed path that is not in the file stays AGS_E_NOT_FOUND: Go
	 * sops exits 1 for it ("error truncating tree"), 91 only for bad syntax */
	if (rc < 0)
		return ags_sops_doc_fail(doc, NULL, d, rc);
	struct ags_value root = { .kind = AGS_VAL_MAP, .map = doc->tree.docs[0] };
	const struct ags_value *cur = got ? got : &root;
	char tmp[AGS_SOPS_FLOAT_MAX];
	switch (cur->kind) {
	case AGS_VAL_STR:
		return ags_buf_append(out, cur->str.p, cur->str.len);
	case AGS_VAL_MAP: {
		const struct ags_store_ops *s = doc->store;
		if (store && *store && !(s = ags_sops_pick_store(store, doc->filename, d)))
			return AGS_E_UNSUPPORTED;
		if (!s)
			return ags_diag_set(d, AGS_E_INVAL, "no output format given");
		struct ags_tree t = { 0 };
		struct ags_branch *only = cur->map;
		t.docs = &only;
		t.ndocs = 1;
		struct ags_emit_opts eo = { .indent = indent };
		if (indent == AGS_SOPS_INDENT_DEFAULT)
			eo.indent = strcmp(s->name, "yaml") == 0 ? 4 : -1;
		return s->emit(&t, &eo, out, d);
	}
	case AGS_VAL_INT:
		return ags_buf_printf(out, "%lld\n", (long long)cur->i);
	case AGS_VAL_BOOL:
		return ags_buf_puts(out, cur->b ? "true\n" : "false\n");
	case AGS_VAL_FLOAT: {
		int n = ags_sops_float_format(cur->f, tmp, sizeof(tmp));
		if (n < 0)
			return n;
		AGS_TRY(ags_buf_append(out, tmp, (size_t)n));
		return ags_buf_putc(out, '\n');
	}
	case AGS_VAL_TIME:
		AGS_TRY(ags_buf_append(out, cur->str.p, cur->str.len));
		return ags_buf_putc(out, '\n');
	case AGS_VAL_NULL:
		return ags_buf_puts(out, "null\n");
	default:
		return ags_diag_set(d, AGS_E_UNSUPPORTED, "%s: extracting a list is not supported", ags_sops_doc_fname(doc));
	}
}
