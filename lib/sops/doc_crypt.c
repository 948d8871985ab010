/*
 * Encrypting and decrypting a document's tree: one walk over every leaf and
 * comment that applies the value rules, computes the MAC and (for edits)
 * reuses the IVs of unchanged values (sops.md sections 2 and 5).
 */
#include "internal.h"
#include "sops/doc.h"
#include "sops/sops-int.h"
#include "sops/store.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- IV stash ---- */

static int stash_hash(const uint8_t key[32], const void *aad, size_t aadlen, const char *type,
		      const void *pt, size_t ptlen, uint8_t out[32])
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
	if (r == 0 && ptlen)
		r = ags_hash_update(h, pt, ptlen);
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
	AGS_TRY(ags_array_grow((void **)&w->path.k, &w->path.cap, w->path.n, sizeof(*w->path.k), 16));
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
	size_t old = w->stack.cap;
	AGS_TRY(ags_array_grow((void **)&w->stack.lv, &w->stack.cap, w->stack.n, sizeof(*w->stack.lv), 16));
	/* new levels start empty: level_clear below reads them */
	memset(w->stack.lv + old, 0, (w->stack.cap - old) * sizeof(*w->stack.lv));
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
	AGS_TRY(ags_array_grow((void **)&lv->c, &lv->cap, lv->n, sizeof(*lv->c), 4));
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
		return ags_diag_set(w->d, rc, "%s: line %u: key %s: %s", ags_sops_doc_fname(w->doc), line, p, what);
	return ags_diag_set(w->d, rc, "%s: key %s: %s", ags_sops_doc_fname(w->doc), p, what);
}

/* The bytes the MAC and the IV stash see: a string's own text (no copy: a
 * value can be as large as the file), else its text form in w->pt. */
static int value_view(struct walk *w, const struct ags_value *v, const void **p, size_t *n)
{
	if (v->kind == AGS_VAL_STR || v->kind == AGS_VAL_TIME || v->kind == AGS_VAL_COMMENT) {
		*p = v->str.p;
		*n = v->str.len;
		return 0;
	}
	ags_buf_reset(&w->pt);
	AGS_TRY(ags_sops_value_bytes(v, &w->pt));
	*p = w->pt.data;
	*n = w->pt.len;
	return 0;
}

static int leaf(struct walk *w, struct ags_value *v, bool is_comment)
{
	bool enc = ags_sops_should_encrypt(w->m, &w->path, &w->stack, is_comment);
	bool hash = !is_comment && (!w->mac.only_encrypted || enc);
	const void *vp;
	size_t vn;
	int rc;
	if (w->encrypt) {
		AGS_TRY(value_view(w, v, &vp, &vn));
		if (hash)
			AGS_TRY(ags_sops_mac_add(&w->mac, vp, vn, true));
		if (!enc)
			return 0;
		AGS_TRY(build_aad(w, w->path.n));
		const uint8_t *iv = NULL;
		size_t ivlen = 0;
		if (w->use_stash && w->doc->nstash) {
			uint8_t h[32];
			AGS_TRY(stash_hash(w->key, w->aad.data, w->aad.len, ags_sops_type_name(v->kind), vp, vn, h));
			struct stash_ent *e = stash_find(w->doc, h, false);
			if (e) {
				iv = e->iv;
				ivlen = e->ivlen;
			}
		}
		rc = ags_sops_value_encrypt(w->aead, v, w->aad.data, w->aad.len, iv, ivlen);
		if (rc < 0) {
			char why[120];
			snprintf(why, sizeof(why), "cannot encrypt the value: %s", ags_strerror(rc));
			return leaf_fail(w, rc, why, v->line);
		}
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
			/* A comment that is not ENC[...] is kept as it is (old files and
			 * unencrypted_comment_regex write them in clear).  Comments are
			 * outside the MAC, so an ENC[...] one that fails to authenticate
			 * is refused: printing it would pass a forged or moved comment
			 * off as genuine (Go prints it with a warning).  The store may
			 * place a comment one level off from where Go's YAML library
			 * attached it, so ancestors' paths are tried too. */
			if (!ags_sops_enc_looks(v->str.p, v->str.len))
				return 0;
			rc = -1;
			for (size_t n = w->path.n + 1; n-- > 0;) {
				AGS_TRY(build_aad(w, n));
				rc = ags_sops_value_decrypt(w->aead, v->str.p, v->str.len, w->aad.data, w->aad.len, &pt,
							    iv, &ivlen);
				if (rc == 0 || rc == AGS_E_NOMEM)
					break;
			}
			if (rc == AGS_E_NOMEM)
				return rc;
			if (rc < 0)
				return leaf_fail(w, AGS_E_SOPS_DECRYPT,
						 "an encrypted comment fails to authenticate (tampered, moved, or written with "
						 "another data key)",
						 v->line);
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
			AGS_TRY(value_view(w, v, &vp, &vn));
			uint8_t h[32];
			AGS_TRY(stash_hash(w->key, w->aad.data, w->aad.len, ags_sops_type_name(v->kind), vp, vn, h));
			struct stash_ent *e = stash_find(w->doc, h, true);
			if (!e)
				return AGS_E_NOMEM;
			memcpy(e->iv, iv, ivlen);
			e->ivlen = (uint8_t)ivlen;
		}
	}
	if (hash) {
		AGS_TRY(value_view(w, v, &vp, &vn));
		AGS_TRY(ags_sops_mac_add(&w->mac, vp, vn, true));
	}
	return 0;
}

static int walk_value(struct walk *w, struct ags_value *v);

/* Into a mapping or list: one level deeper (refused past AGS_TREE_MAX_DEPTH)
 * and a new level of the comment stack; walk_leave undoes both. */
static int walk_enter(struct walk *w)
{
	if (++w->depth > AGS_TREE_MAX_DEPTH)
		return ags_diag_set(w->d, AGS_E_TOO_BIG, "%s: nesting deeper than %d", ags_sops_doc_fname(w->doc), AGS_TREE_MAX_DEPTH);
	return stack_push(w);
}

static void walk_leave(struct walk *w)
{
	stack_pop(w);
	w->depth--;
}

static int walk_branch(struct walk *w, struct ags_branch *b)
{
	AGS_TRY(walk_enter(w));
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
	walk_leave(w);
	return 0;
}

static int walk_list(struct walk *w, struct ags_list *l)
{
	AGS_TRY(walk_enter(w));
	for (size_t i = 0; i < l->n; i++) {
		struct ags_value *e = &l->items[i];
		bool is_c = e->kind == AGS_VAL_COMMENT;
		if (is_c)
			AGS_TRY(stack_add_comment(w, e));
		AGS_TRY(walk_value(w, e));
		if (!is_c)
			level_clear(&w->stack.lv[w->stack.n - 1]);
	}
	walk_leave(w);
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
		rc = ags_diag_set(d, AGS_E_TOO_BIG, "%s: key path too long", ags_sops_doc_fname(doc));
	walk_free(&w);
	ags_sops_matcher_free(m);
	return rc;
}

int ags_sops_now_rfc3339(char out[32])
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
		return ags_diag_set(d, AGS_E_INVAL, "%s: document is already encrypted", ags_sops_doc_fname(doc));
	char lm[64];
	if (lastmodified) {
		int n = ags_sops_time_canon(lastmodified, strlen(lastmodified), true, lm, sizeof(lm));
		if (n < 0)
			return ags_diag_set(d, AGS_E_INVAL, "lastmodified \"%.64s\" is not RFC 3339", lastmodified);
	} else {
		AGS_TRY(ags_sops_now_rfc3339(lm));
	}
	char hex[129];
	int rc = walk_tree(doc, key, true, doc->nstash > 0, hex, d);
	if (rc < 0) {
		/* the tree is half encrypted: the document is unusable */
		ags_sops_doc_fail(doc, NULL, d, rc);
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
		return ags_diag_set(d, AGS_E_INVAL, "%s: document is not encrypted", ags_sops_doc_fname(doc));
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
			return ags_sops_doc_fail(doc, NULL, d, AGS_E_SOPS_MAC_MISMATCH);
	}
	/* As Go sops: a missing MAC is a mismatch ("File has no MAC", exit 51). */
	if (strlen(stored) != 128 || !ags_ct_eq(stored, hex, 128))
		return ags_diag_set(d, AGS_E_SOPS_MAC_MISMATCH, "%s: MAC mismatch. File has %s, computed %s", ags_sops_doc_fname(doc),
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
