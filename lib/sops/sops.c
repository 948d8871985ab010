/*
 * sops documents: load, data key, encrypt/decrypt tree walk with the MAC,
 * emit (sops.md sections 2, 5, 6), and the one-shot buffer calls.
 */
#include "internal.h"
#include "sops/sops-int.h"
#include "sops/store.h"
#include "sops/path.h"
#include "sops/keysource_pgp.h"
#include <errno.h>
#include <agesops/age.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Stores and Shamir are built on other branches; weak references keep the
 * core linkable on its own (a missing one reports "unsupported"). */

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
};

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

static const char *fname(const struct ags_sops_doc *doc)
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

/* Prefixes d's message with the file name. */
static int fail(const struct ags_sops_doc *doc, const char *filename, struct ags_diag *d, int rc)
{
	if (!d)
		return rc;
	const char *f = doc ? fname(doc) : (filename ? filename : "<stdin>");
	char tmp[AGS_DIAG_MAX];
	snprintf(tmp, sizeof(tmp), "%s", d->msg[0] ? d->msg : ags_strerror(rc));
	if (strncmp(tmp, f, strlen(f)) == 0)
		return rc; /* already named */
	return ags_diag_set(d, rc, "%s: %s", f, tmp);
}

static int load(const void *in, size_t len, const struct ags_sops_load_opts *o, bool encrypted,
		struct ags_sops_doc **ret, struct ags_diag *d)
{
	const char *fn = o ? o->filename : NULL;
	struct ags_diag ld = { 0 };
	const struct ags_store_ops *s = ags_sops_pick_store(o ? o->input_type : NULL, fn, &ld);
	if (!s) {
		if (d)
			*d = ld;
		return fail(NULL, fn, d, ld.code ? ld.code : AGS_E_UNSUPPORTED);
	}
	struct ags_sops_doc *doc = calloc(1, sizeof(*doc));
	if (!doc)
		return AGS_E_NOMEM;
	doc->store = s;
	int rc = 0;
	if (fn && strcmp(fn, "-") != 0 && !(doc->filename = strdup(fn)))
		rc = AGS_E_NOMEM;
	if (rc == 0)
		rc = s->load(in, len, encrypted, &doc->tree, d);
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
		fail(doc, NULL, d, rc);
		ags_sops_doc_free(doc);
		return rc;
	}
	*ret = doc;
	return 0;
}

int ags_sops_doc_load(const void *in, size_t len, const struct ags_sops_load_opts *o,
		      struct ags_sops_doc **ret, struct ags_diag *d)
{
	return load(in, len, o, true, ret, d);
}

int ags_sops_doc_load_plain(const void *in, size_t len, const struct ags_sops_load_opts *o,
			    struct ags_sops_doc **ret, struct ags_diag *d)
{
	return load(in, len, o, false, ret, d);
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

/* ---- IV stash ---- */

static int stash_hash(const uint8_t key[32], const void *aad, size_t aadlen, const char *type,
		      const struct ags_buf *pt, uint8_t out[32])
{
	struct ags_hash *h;
	AGS_TRY(ags_hash_new(AGS_HASH_SHA256, &h));
	uint8_t kid[32];
	int r = ags_sha256(key, 32, kid);
	uint8_t z = 0;
	if (r == 0)
		r = ags_hash_update(h, kid, 32);
	if (r == 0)
		r = ags_hash_update(h, aad, aadlen);
	if (r == 0)
		r = ags_hash_update(h, &z, 1);
	if (r == 0)
		r = ags_hash_update(h, type, strlen(type) + 1);
	if (r == 0 && pt->len)
		r = ags_hash_update(h, pt->data, pt->len);
	if (r == 0)
		r = ags_hash_final(h, out, 32);
	ags_hash_free(h);
	ags_wipe(kid, sizeof(kid));
	return r;
}

static struct stash_ent *stash_find(struct ags_sops_doc *doc, const uint8_t h[32], bool insert)
{
	if (insert && (doc->nstash + 1) * 2 > doc->capstash) {
		size_t nc = doc->capstash ? doc->capstash * 2 : 64;
		struct stash_ent *t = calloc(nc, sizeof(*t));
		if (!t)
			return NULL;
		for (size_t i = 0; i < doc->capstash; i++) {
			if (!doc->stash[i].used)
				continue;
			size_t j;
			memcpy(&j, doc->stash[i].h, sizeof(j));
			for (j %= nc; t[j].used; j = (j + 1) % nc)
				;
			t[j] = doc->stash[i];
		}
		if (doc->stash)
			ags_free_secret(doc->stash, doc->capstash * sizeof(*doc->stash));
		doc->stash = t;
		doc->capstash = nc;
	}
	if (!doc->capstash)
		return NULL;
	size_t j;
	memcpy(&j, h, sizeof(j));
	for (j %= doc->capstash; doc->stash[j].used; j = (j + 1) % doc->capstash)
		if (memcmp(doc->stash[j].h, h, 32) == 0)
			return &doc->stash[j];
	if (!insert)
		return NULL;
	doc->nstash++;
	doc->stash[j].used = true;
	memcpy(doc->stash[j].h, h, 32);
	return &doc->stash[j];
}

/* ---- tree walk ---- */

struct walk {
	struct ags_sops_doc *doc;
	const struct ags_sops_matcher *m;
	struct ags_aead *aead;
	const uint8_t *key;
	struct ags_sops_mac mac;
	bool encrypt, use_stash;
	struct ags_sops_pathv path;
	struct ags_sops_cstack stack;
	struct ags_buf aad;
	struct ags_buf pt; /* secret scratch */
	struct ags_diag *d;
	size_t depth;
};

static int path_push(struct walk *w, const struct ags_value *k)
{
	if (w->path.n == w->path.cap) {
		size_t nc = w->path.cap ? w->path.cap * 2 : 16;
		const struct ags_value **p = realloc(w->path.k, nc * sizeof(*p));
		if (!p)
			return AGS_E_NOMEM;
		w->path.k = p;
		w->path.cap = nc;
	}
	w->path.k[w->path.n++] = k;
	return 0;
}

static void level_clear(struct ags_sops_cstack_level *lv)
{
	for (size_t i = 0; i < lv->n; i++)
		ags_free_secret(lv->c[i].p, lv->c[i].len + 1);
	lv->n = 0;
}

static int stack_push(struct walk *w)
{
	if (w->stack.n == w->stack.cap) {
		size_t nc = w->stack.cap ? w->stack.cap * 2 : 16;
		struct ags_sops_cstack_level *l = realloc(w->stack.lv, nc * sizeof(*l));
		if (!l)
			return AGS_E_NOMEM;
		memset(l + w->stack.cap, 0, (nc - w->stack.cap) * sizeof(*l));
		w->stack.lv = l;
		w->stack.cap = nc;
	}
	level_clear(&w->stack.lv[w->stack.n]);
	w->stack.n++;
	return 0;
}

static void stack_pop(struct walk *w)
{
	level_clear(&w->stack.lv[--w->stack.n]);
}

static int stack_add_comment(struct walk *w, const struct ags_value *c)
{
	struct ags_sops_cstack_level *lv = &w->stack.lv[w->stack.n - 1];
	if (lv->n == lv->cap) {
		size_t nc = lv->cap ? lv->cap * 2 : 4;
		struct ags_sops_cstr *p = realloc(lv->c, nc * sizeof(*p));
		if (!p)
			return AGS_E_NOMEM;
		lv->c = p;
		lv->cap = nc;
	}
	char *s = malloc(c->str.len + 1);
	if (!s)
		return AGS_E_NOMEM;
	memcpy(s, c->str.p, c->str.len + 1);
	lv->c[lv->n].p = s;
	lv->c[lv->n].len = c->str.len;
	lv->n++;
	return 0;
}

static void walk_free(struct walk *w)
{
	for (size_t i = 0; i < w->stack.cap; i++) {
		level_clear(&w->stack.lv[i]);
		free(w->stack.lv[i].c);
	}
	free(w->stack.lv);
	free(w->path.k);
	ags_buf_release(&w->aad);
	ags_buf_release(&w->pt);
	ags_sops_mac_free(&w->mac);
	ags_aead_free(w->aead);
}

/* AAD for the first n path components. */
static int build_aad(struct walk *w, size_t n)
{
	ags_buf_reset(&w->aad);
	for (size_t i = 0; i < n; i++) {
		AGS_TRY(ags_buf_append(&w->aad, w->path.k[i]->str.p, w->path.k[i]->str.len));
		AGS_TRY(ags_buf_putc(&w->aad, ':'));
	}
	if (n == 0)
		AGS_TRY(ags_buf_putc(&w->aad, ':'));
	return 0;
}

/* A human-readable key path for messages: a.b.c */
static void path_desc(const struct walk *w, char *out, size_t cap)
{
	size_t o = 0;
	out[0] = 0;
	for (size_t i = 0; i < w->path.n && o + 1 < cap; i++) {
		int k = snprintf(out + o, cap - o, "%s%.*s", i ? "." : "", (int)AGS_MIN(w->path.k[i]->str.len, 200),
				 w->path.k[i]->str.p);
		if (k < 0)
			break;
		o += (size_t)k;
	}
	if (!w->path.n)
		snprintf(out, cap, "(top level)");
}

static int leaf_fail(struct walk *w, int rc, const char *what, uint32_t line)
{
	char p[300];
	path_desc(w, p, sizeof(p));
	if (line)
		return ags_diag_set(w->d, rc, "%s: line %u: key %s: %s", fname(w->doc), line, p, what);
	return ags_diag_set(w->d, rc, "%s: key %s: %s", fname(w->doc), p, what);
}

static int leaf(struct walk *w, struct ags_value *v, bool is_comment)
{
	bool enc = ags_sops_should_encrypt(w->m, &w->path, &w->stack, is_comment);
	bool hash = !is_comment && (!w->mac.only_encrypted || enc);
	int rc;
	if (w->encrypt) {
		if (!is_comment || (enc && w->use_stash)) {
			ags_buf_reset(&w->pt);
			AGS_TRY(ags_sops_value_bytes(v, &w->pt));
		}
		if (hash)
			AGS_TRY(ags_sops_mac_add(&w->mac, w->pt.data, w->pt.len, true));
		if (!enc)
			return 0;
		AGS_TRY(build_aad(w, w->path.n));
		const uint8_t *iv = NULL;
		size_t ivlen = 0;
		if (w->use_stash && w->doc->nstash) {
			uint8_t h[32];
			AGS_TRY(stash_hash(w->key, w->aad.data, w->aad.len, ags_sops_type_name(v->kind), &w->pt, h));
			struct stash_ent *e = stash_find(w->doc, h, false);
			if (e) {
				iv = e->iv;
				ivlen = e->ivlen;
			}
		}
		rc = ags_sops_value_encrypt(w->aead, v, w->aad.data, w->aad.len, iv, ivlen);
		if (rc < 0)
			return leaf_fail(w, rc, "cannot encrypt the value", v->line);
		if (is_comment && v->str.len && ags_sops_matcher_unenc_comment_matches(w->m, v->str.p, v->str.len))
			return leaf_fail(w, AGS_E_SOPS_REGEX,
					 "an encrypted comment matches unencrypted_comment_regex; make sure that regex cannot "
					 "match an encrypted comment",
					 v->line);
		return 0;
	}
	/* decrypt */
	if (enc) {
		struct ags_value pt = { 0 };
		uint8_t iv[AGS_SOPS_MAX_IV];
		size_t ivlen = 0;
		if (is_comment) {
			/* Comments that do not decrypt are kept as they are (old files wrote
			 * them in clear).  The store may place a comment one level off from
			 * where Go's YAML library attached it, so ancestors' paths are tried
			 * too. */
			rc = -1;
			if (ags_sops_enc_looks(v->str.p, v->str.len)) {
				for (size_t n = w->path.n + 1; n-- > 0;) {
					AGS_TRY(build_aad(w, n));
					rc = ags_sops_value_decrypt(w->aead, v->str.p, v->str.len, w->aad.data, w->aad.len,
								    &pt, iv, &ivlen);
					if (rc == 0 || rc == AGS_E_NOMEM)
						break;
				}
			}
			if (rc == AGS_E_NOMEM)
				return rc;
			if (rc < 0)
				return 0;
			if (pt.kind != AGS_VAL_COMMENT) {
				/* a value ciphertext where a comment was: keep its text */
				struct ags_buf tb;
				ags_buf_init_secret(&tb, (size_t)AGS_SOPS_MAX_VALUE + 1);
				rc = ags_sops_value_bytes(&pt, &tb);
				ags_value_clear(&pt);
				if (rc == 0)
					rc = ags_value_set_str(&pt, AGS_VAL_COMMENT, (const char *)tb.data, tb.len);
				ags_buf_release(&tb);
				AGS_TRY(rc);
			}
		} else {
			if (v->kind != AGS_VAL_STR)
				return leaf_fail(w, AGS_E_SOPS_DECRYPT, "expected an encrypted value (a string) here",
						 v->line);
			AGS_TRY(build_aad(w, w->path.n));
			rc = ags_sops_value_decrypt(w->aead, v->str.p, v->str.len, w->aad.data, w->aad.len, &pt, iv,
						    &ivlen);
			if (rc == AGS_E_SOPS_BAD_VALUE)
				return leaf_fail(w, rc, "not a valid ENC[AES256_GCM,...] value (corrupted?)", v->line);
			if (rc == AGS_E_SOPS_DECRYPT)
				return leaf_fail(w, rc, "could not decrypt the value (wrong data key, moved or tampered)",
						 v->line);
			if (rc < 0)
				return leaf_fail(w, rc, ags_strerror(rc), v->line);
			if (pt.kind == AGS_VAL_COMMENT) {
				ags_value_clear(&pt);
				return leaf_fail(w, AGS_E_SOPS_DECRYPT, "a comment ciphertext stands as a value", v->line);
			}
		}
		pt.line = v->line;
		pt.inline_comment = v->inline_comment;
		if (is_comment)
			pt.style = v->style;
		ags_value_clear(v);
		*v = pt;
		if (w->use_stash && ivlen) {
			ags_buf_reset(&w->pt);
			AGS_TRY(ags_sops_value_bytes(v, &w->pt));
			uint8_t h[32];
			AGS_TRY(stash_hash(w->key, w->aad.data, w->aad.len, ags_sops_type_name(v->kind), &w->pt, h));
			struct stash_ent *e = stash_find(w->doc, h, true);
			if (!e)
				return AGS_E_NOMEM;
			memcpy(e->iv, iv, ivlen);
			e->ivlen = (uint8_t)ivlen;
		}
	}
	if (hash) {
		ags_buf_reset(&w->pt);
		AGS_TRY(ags_sops_value_bytes(v, &w->pt));
		AGS_TRY(ags_sops_mac_add(&w->mac, w->pt.data, w->pt.len, true));
	}
	return 0;
}

static int walk_value(struct walk *w, struct ags_value *v);

static int walk_branch(struct walk *w, struct ags_branch *b)
{
	if (++w->depth > AGS_TREE_MAX_DEPTH)
		return ags_diag_set(w->d, AGS_E_TOO_BIG, "%s: nesting deeper than %d", fname(w->doc), AGS_TREE_MAX_DEPTH);
	AGS_TRY(stack_push(w));
	for (size_t i = 0; i < b->n; i++) {
		struct ags_item *it = &b->items[i];
		if (it->key.kind == AGS_VAL_COMMENT) {
			AGS_TRY(stack_add_comment(w, &it->key));
			AGS_TRY(leaf(w, &it->key, true));
			continue;
		}
		if (it->key.kind != AGS_VAL_STR)
			return leaf_fail(w, AGS_E_SOPS_FORMAT, "the tree contains a non-string key; only string keys are supported",
					 it->key.line);
		AGS_TRY(path_push(w, &it->key));
		int rc = walk_value(w, &it->value);
		w->path.n--;
		AGS_TRY(rc);
		level_clear(&w->stack.lv[w->stack.n - 1]);
	}
	stack_pop(w);
	w->depth--;
	return 0;
}

static int walk_list(struct walk *w, struct ags_list *l)
{
	if (++w->depth > AGS_TREE_MAX_DEPTH)
		return ags_diag_set(w->d, AGS_E_TOO_BIG, "%s: nesting deeper than %d", fname(w->doc), AGS_TREE_MAX_DEPTH);
	AGS_TRY(stack_push(w));
	for (size_t i = 0; i < l->n; i++) {
		struct ags_value *e = &l->items[i];
		bool is_c = e->kind == AGS_VAL_COMMENT;
		if (is_c)
			AGS_TRY(stack_add_comment(w, e));
		AGS_TRY(walk_value(w, e));
		if (!is_c)
			level_clear(&w->stack.lv[w->stack.n - 1]);
	}
	stack_pop(w);
	w->depth--;
	return 0;
}

static int walk_value(struct walk *w, struct ags_value *v)
{
	switch (v->kind) {
	case AGS_VAL_NULL:
		return 0;
	case AGS_VAL_MAP:
		return walk_branch(w, v->map);
	case AGS_VAL_SEQ:
		return walk_list(w, v->seq);
	case AGS_VAL_COMMENT:
		return leaf(w, v, true);
	default:
		return leaf(w, v, false);
	}
}

static int walk_tree(struct ags_sops_doc *doc, const uint8_t key[32], bool encrypt, bool use_stash, char hex[129],
		     struct ags_diag *d)
{
	struct walk w = { .doc = doc, .key = key, .encrypt = encrypt, .use_stash = use_stash, .d = d };
	ags_buf_init(&w.aad, AGS_SOPS_MAX_PATH * 4);
	ags_buf_init_secret(&w.pt, (size_t)AGS_SOPS_MAX_VALUE + 1);
	struct ags_sops_matcher *m = NULL;
	int rc = ags_sops_matcher_new(&doc->md.rules, false, true, &m, d);
	if (rc == 0)
		rc = ags_aead_new(AGS_AEAD_AES256_GCM, key, &w.aead);
	if (rc == 0)
		rc = ags_sops_mac_init(&w.mac, doc->md.rules.mac_only_encrypted);
	w.m = m;
	for (size_t i = 0; rc == 0 && i < doc->tree.ndocs; i++)
		rc = walk_branch(&w, doc->tree.docs[i]);
	if (rc == 0)
		rc = ags_sops_mac_final(&w.mac, hex);
	if (rc == AGS_E_TOO_BIG && w.aad.len >= AGS_SOPS_MAX_PATH * 4)
		rc = ags_diag_set(d, AGS_E_TOO_BIG, "%s: key path too long", fname(doc));
	walk_free(&w);
	ags_sops_matcher_free(m);
	return rc;
}

static int now_rfc3339(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	if (!gmtime_r(&t, &tm))
		return AGS_E_IO;
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return 0;
}

int ags_sops_doc_encrypt(struct ags_sops_doc *doc, const uint8_t key[AGS_SOPS_DATA_KEY_LEN],
			 const char *lastmodified, struct ags_diag *d)
{
	if (!doc->plain)
		return ags_diag_set(d, AGS_E_INVAL, "%s: document is already encrypted", fname(doc));
	char lm[64];
	if (lastmodified) {
		int n = ags_sops_time_canon(lastmodified, strlen(lastmodified), true, lm, sizeof(lm));
		if (n < 0)
			return ags_diag_set(d, AGS_E_INVAL, "lastmodified \"%.64s\" is not RFC 3339", lastmodified);
	} else {
		AGS_TRY(now_rfc3339(lm));
	}
	char hex[129];
	int rc = walk_tree(doc, key, true, doc->nstash > 0, hex, d);
	if (rc < 0) {
		/* the tree is half encrypted: the document is unusable */
		fail(doc, NULL, d, rc);
		return rc;
	}
	doc->plain = false;
	struct ags_aead *a;
	AGS_TRY(ags_aead_new(AGS_AEAD_AES256_GCM, key, &a));
	struct ags_buf mac;
	ags_buf_init(&mac, 4096);
	rc = ags_sops_mac_seal(a, hex, lm, &mac, d);
	ags_aead_free(a);
	ags_wipe(hex, sizeof(hex));
	char *lmd = strdup(lm);
	char *macs = rc == 0 ? ags_buf_detach(&mac, NULL) : NULL;
	if (rc == 0 && (!lmd || !macs))
		rc = AGS_E_NOMEM;
	if (rc < 0) {
		free(lmd);
		free(macs);
		ags_buf_release(&mac);
		return rc;
	}
	free(doc->md.lastmodified);
	free(doc->md.mac);
	doc->md.lastmodified = lmd;
	doc->md.mac = macs;
	return 0;
}

static int decrypt_doc(struct ags_sops_doc *doc, const uint8_t key[32], bool ignore_mac, bool stash,
		       struct ags_diag *d)
{
	if (doc->plain)
		return ags_diag_set(d, AGS_E_INVAL, "%s: document is not encrypted", fname(doc));
	char hex[129];
	int rc = walk_tree(doc, key, false, stash, hex, d);
	if (rc < 0)
		return rc;
	doc->plain = true;
	if (ignore_mac)
		return 0;
	char stored[160] = "";
	if (doc->md.mac && *doc->md.mac) {
		struct ags_aead *a;
		AGS_TRY(ags_aead_new(AGS_AEAD_AES256_GCM, key, &a));
		rc = ags_sops_mac_open(a, doc->md.mac, doc->md.lastmodified, stored, sizeof(stored), d);
		ags_aead_free(a);
		if (rc < 0)
			return fail(doc, NULL, d, AGS_E_SOPS_MAC_MISMATCH);
	}
	/* As Go sops: a missing MAC is a mismatch ("File has no MAC", exit 51). */
	if (strlen(stored) != 128 || !ags_ct_eq(stored, hex, 128))
		return ags_diag_set(d, AGS_E_SOPS_MAC_MISMATCH, "%s: MAC mismatch. File has %s, computed %s", fname(doc),
				    *stored ? stored : "no MAC", hex);
	return 0;
}

int ags_sops_doc_decrypt(struct ags_sops_doc *doc, const uint8_t key[AGS_SOPS_DATA_KEY_LEN], bool ignore_mac,
			 struct ags_diag *d)
{
	return decrypt_doc(doc, key, ignore_mac, !doc->no_stash, d);
}

void ags_sops_doc_set_iv_stash(struct ags_sops_doc *doc, bool on)
{
	doc->no_stash = !on;
}

int ags_sops_doc_set_rules(struct ags_sops_doc *doc, const struct ags_sops_rules *r, struct ags_diag *d)
{
	struct ags_sops_rules z = { 0 };
	if (!r)
		r = &z;
	int rc = ags_sops_rules_check(r, d);
	if (rc < 0)
		return fail(doc, NULL, d, rc);
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
		return ags_diag_set(d, AGS_E_SOPS_NO_KEY, "%s: no keys found in file", fname(doc));
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
					  fname(doc), nshares, threshold, t.last.msg[0] ? "; last error: " : "", t.last.msg);
		} else {
			if (t.last.code == AGS_E_AGE_UNSUPPORTED_RECIPIENT)
				rc = ags_diag_set(d, AGS_E_AGE_UNSUPPORTED_RECIPIENT, "%s: failed to get the data key: %s",
						  fname(doc), t.last.msg);
			else
				rc = ags_diag_set(d, AGS_E_SOPS_NO_KEY, "%s: failed to get the data key: %s", fname(doc),
						  t.last.msg[0] ? t.last.msg
								: (t.any ? "no identity matched"
									 : "the file has no age or pgp key entries (only kms/...)"));
		}
	}
	ags_free_secret(shares, ng * sizeof(*shares));
	return rc;
}

/* Wraps pt for every PGP fingerprint of spec (each item may be a
 * comma-separated list, as --pgp) into group g of nm; *n counts them. */
static int wrap_pgp(struct ags_sops_metadata *nm, size_t g, const struct ags_sops_group_spec *spec,
		    const uint8_t *pt, size_t ptlen, size_t *n, struct ags_diag *d)
{
	char now[32];
	AGS_TRY(now_rfc3339(now));
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
			AGS_TRY(ags_sops_pgp_encrypt(fp, pt, ptlen, &enc, d));
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
		nr = 0;
		if (rc == 0 && specs[g].npgp)
			rc = wrap_pgp(&nm, g, &specs[g], shares ? shares[g] : key,
				      shares ? AGS_SOPS_SHARE_LEN : AGS_SOPS_DATA_KEY_LEN, &nr, d);
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
	(void)ags_buf_reserve(out, est); /* a hint: failure is not an error here */
	int rc = s->emit(&doc->tree, &eo, out, d);
	ags_value_clear(&doc->tree.metadata);
	if (rc < 0)
		return fail(doc, NULL, d, rc);
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
		return fail(doc, NULL, d, rc);
	if (!doc->tree.ndocs) {
		ags_sops_path_clear(&p);
		return ags_diag_set(d, AGS_E_SOPS_PATH, "%s: the file has no document", fname(doc));
	}
	struct ags_value *got = NULL;
	rc = ags_sops_path_get(doc->tree.docs[0], &p, &got, d);
	ags_sops_path_clear(&p);
	if (rc == AGS_E_NOT_FOUND)
		rc = AGS_E_SOPS_PATH;
	if (rc < 0)
		return fail(doc, NULL, d, rc);
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
		return ags_diag_set(d, AGS_E_UNSUPPORTED, "%s: extracting a list is not supported", fname(doc));
	}
}

/* ---- one-shot ---- */

static int gen_key(const uint8_t *given, uint8_t key[32])
{
	if (given) {
		memcpy(key, given, 32);
		return 0;
	}
	return ags_random(key, 32);
}

int ags_sops_encrypt_buf(const void *in, size_t len, const struct ags_sops_encrypt_opts *o, struct ags_buf *out,
			 struct ags_diag *d)
{
	struct ags_sops_load_opts lo = { .input_type = o->input_type, .filename = o->filename };
	struct ags_sops_doc *doc;
	AGS_TRY(ags_sops_doc_load_plain(in, len, &lo, &doc, d));
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
	if (rc == 0) {
		size_t before = out->len;
		rc = ags_sops_doc_emit(doc, o->output_type, o->indent, out, d);
		if (rc < 0)
			ags_buf_truncate(out, before);
	}
	ags_wipe(key, sizeof(key));
	ags_sops_doc_free(doc);
	return rc;
}

int ags_sops_decrypt_buf(const void *in, size_t len, const struct ags_sops_decrypt_opts *o, struct ags_buf *out,
			 struct ags_diag *d)
{
	struct ags_sops_load_opts lo = { .input_type = o->input_type, .filename = o->filename };
	struct ags_sops_doc *doc;
	AGS_TRY(ags_sops_doc_load(in, len, &lo, &doc, d));
	uint8_t key[32];
	int rc;
	if (o->data_key) {
		memcpy(key, o->data_key, 32);
		rc = 0;
	} else {
		rc = ags_sops_doc_get_data_key(doc, o->identities, key, d);
	}
	if (rc == 0)
		rc = decrypt_doc(doc, key, o->ignore_mac, false, d);
	ags_wipe(key, sizeof(key));
	if (rc == 0) {
		size_t before = out->len;
		if (o->extract && *o->extract)
			rc = ags_sops_doc_emit_extract(doc, o->extract, o->output_type, o->indent, out, d);
		else
			rc = ags_sops_doc_emit(doc, o->output_type, o->indent, out, d);
		if (rc < 0)
			ags_buf_truncate(out, before);
	}
	ags_sops_doc_free(doc);
	return rc;
}

bool ags_sops_is_encrypted(const void *in, size_t len, const char *input_type, const char *filename)
{
	struct ags_sops_load_opts lo = { .input_type = input_type, .filename = filename };
	struct ags_sops_doc *doc;
	if (ags_sops_doc_load(in, len, &lo, &doc, NULL) < 0)
		return false;
	bool ok = doc->md.mac && *doc->md.mac;
	ags_sops_doc_free(doc);
	return ok;
}
