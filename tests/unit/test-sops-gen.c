/*
 * Generator-driven round trips of every store (issue 10): random documents
 * (nesting, Unicode keys and values with LS/PS/NEL/NBSP, block scalars,
 * comments everywhere, big ints, odd floats, nulls; anchors in raw YAML)
 * are encrypted and decrypted through the library, which must give the
 * input back byte for byte where the input is in the writer's own form
 * (go-yaml v3 / go-ini / sops' dotenv and JSON output), and otherwise the
 * store's own load+write of it; every decryption verifies the MAC.
 *
 * Multi-line values (block scalars) hold no tab, NEL, LS or PS: libfyaml
 * 0.7.12 rejects a tab after a spaces-only line of a block scalar, and an
 * LS/PS right after a line break there (go-yaml reads both); single-line
 * values, keys and comments hold them all.  No multi-line value starts
 * with a space or a line break: go-yaml v3 writes such a block scalar in a
 * sequence with an indentation indicator its own reader (and libfyaml)
 * does not accept there, a go-yaml bug Go sops shares.
 *
 * Fixed seed by default; AGS_GEN_SEED=N picks another, AGS_GEN_SEED=0 a
 * fresh one (printed); AGS_GEN_DOCS=N documents per store (default 800).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <agesops/age.h>
#include <agesops/sops.h>
#include "internal.h"
#include "sops/store.h"
#include "sops/store_int.h"
#include "sops/tree.h"

static uint64_t rs;
static unsigned rnd(unsigned n)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (unsigned)(rs % n);
}

/* Pieces of text; the Unicode line breaks and spaces are the point. */
static const char *const atoms[] = {
	"a", "b", "key", "Wert", " ", "  ", "\t", "'", "\"", "\\", ":", ": ", "#", " #", "-", "- ", "?", "[", "]",
	"{", "}", ",", "&", "*", "!", "|", ">", "%", "@", "`", ";", "=", "é", "日本", "\xc2\xa0", "\xe2\x80\xa8",
	"\xe2\x80\xa9", "\xc2\x85", "\xe3\x80\x80", "\xf0\x9f\x94\x91", "yes", "null", "~", "0x1F", "1e3", "1.5",
	"2001-12-14", "---", "...", "<<", "ENC", "sops",
};

static size_t rtext(char *b, size_t cap, unsigned max_atoms, bool newlines)
{
	size_t k = 0;
	unsigned n = rnd(max_atoms + 1);
	for (unsigned i = 0; i < n; i++) {
		const char *a = newlines && rnd(6) == 0 ? "\n" : atoms[rnd(AGS_ARRAY_SIZE(atoms))];
		if (newlines && (*a == '\t' || strstr(a, "\xe2\x80") || strstr(a, "\xc2\x85")))
			a = "  "; /* see the note on block scalars at the top */
		size_t l = strlen(a);
		if (k + l >= cap)
			break;
		memcpy(b + k, a, l);
		k += l;
	}
	return k;
}

static void set_str(struct ags_value *v, enum ags_val_kind kind, const char *s, size_t n)
{
	memset(v, 0, sizeof(*v));
	assert_int_equal(ags_value_set_str(v, kind, s, n), 0);
}

static void comment(struct ags_value *v)
{
	static const char *const words[] = { " note", " é", " 日本", "#", " -", ": ", " ENC[", "\t", " \xc2\xa0x" };
	char b[128];
	size_t n = 0;
	for (unsigned i = rnd(5); i > 0; i--) { /* a comment is one line */
		const char *w = words[rnd(AGS_ARRAY_SIZE(words))];
		memcpy(b + n, w, strlen(w));
		n += strlen(w);
	}
	set_str(v, AGS_VAL_COMMENT, b, n);
	v->inline_comment = rnd(3) == 0;
}

static void scalar(struct ags_value *v)
{
	static const double floats[] = { 1.5, -0.25, 1e300, 5e-324, 1e21, 123456789.125, -1e-7, 0.1 };
	static const int64_t ints[] = { 0, -1, 42, INT64_MAX, INT64_MIN, 1000000000000 };
	char b[256];
	memset(v, 0, sizeof(*v));
	switch (rnd(8)) {
	case 0: v->kind = AGS_VAL_NULL; break;
	case 1: v->kind = AGS_VAL_INT; v->i = ints[rnd(AGS_ARRAY_SIZE(ints))]; break;
	case 2: v->kind = AGS_VAL_FLOAT; v->f = floats[rnd(AGS_ARRAY_SIZE(floats))]; break;
	case 3: v->kind = AGS_VAL_BOOL; v->b = rnd(2); break;
	case 4: set_str(v, AGS_VAL_STR, "123456789012345678901234567890", 30); break;
	default: {
		size_t n = rtext(b + 1, sizeof(b) - 1, 8, true);
		/* see the top: no indentation indicator on a multi-line value */
		bool hint = n && memchr(b + 1, '\n', n) && (b[1] == ' ' || b[1] == '\n');
		b[0] = 'x';
		set_str(v, AGS_VAL_STR, hint ? b : b + 1, n + hint);
	}
	}
}

static void node(struct ags_value *v, int depth, bool comments);

static void add_item(struct ags_value *m, int depth, bool comments)
{
	struct ags_value k, val;
	memset(&val, 0, sizeof(val));
	if (comments && rnd(5) == 0) {
		comment(&k);
	} else {
		char b[96];
		size_t n = rtext(b, sizeof(b), 3, false);
		if (!n || ags_branch_get(m->map, "") || (n == 4 && !memcmp(b, "sops", 4)))
			n = (size_t)snprintf(b, sizeof(b), "k%u", rnd(1000000));
		b[n] = 0;
		if (strlen(b) != n || ags_branch_get(m->map, b))
			return; /* NUL or duplicate key: skip */
		set_str(&k, AGS_VAL_STR, b, n);
		node(&val, depth + 1, comments);
	}
	assert_int_equal(ags_branch_append(m->map, &k, &val), 0);
}

/* Readers make a comment on a key's line inline only when the value is a
 * scalar (a collection's goes before the item): keep generated trees so. */
static void realistic_comments(struct ags_value *v, bool comments)
{
	size_t n = v->kind == AGS_VAL_MAP ? v->map->n : v->seq->n, real = 0;
	for (size_t i = 0; i < n; i++)
		real += (v->kind == AGS_VAL_MAP ? v->map->items[i].key.kind : v->seq->items[i].kind) != AGS_VAL_COMMENT;
	if (!real) { /* comments alone in a collection: not what readers make */
		bool map = v->kind == AGS_VAL_MAP;
		ags_value_clear(v);
		assert_int_equal(map ? ags_value_set_map(v) : ags_value_set_seq(v), 0);
		return;
	}
	/* an empty collection next to comments: go-yaml's writer may put a
	 * comment before a "{}" or "[]" at the start of a line, which no reader
	 * takes back (a go-yaml quirk sops shares); with comments about, the
	 * generator makes no empty collection values */
	if (comments)
		for (size_t i = 0; i < n; i++) {
			struct ags_value *x = v->kind == AGS_VAL_MAP ? &v->map->items[i].value : &v->seq->items[i];
			if ((x->kind == AGS_VAL_MAP && !x->map->n) || (x->kind == AGS_VAL_SEQ && !x->seq->n))
				ags_value_clear(x);
		}
	for (size_t i = n; i-- > 0;) {
		struct ags_value *c = v->kind == AGS_VAL_MAP ? &v->map->items[i].key : &v->seq->items[i];
		if (c->kind != AGS_VAL_COMMENT || !c->inline_comment)
			continue;
		size_t j = i + 1;
		while (j < n && (v->kind == AGS_VAL_MAP ? v->map->items[j].key.kind : v->seq->items[j].kind) == AGS_VAL_COMMENT)
			j++;
		const struct ags_value *next = j == n ? NULL : v->kind == AGS_VAL_MAP ? &v->map->items[j].value : &v->seq->items[j];
		if (next && (next->kind == AGS_VAL_MAP || next->kind == AGS_VAL_SEQ))
			c->inline_comment = false;
	}
}

static void node(struct ags_value *v, int depth, bool comments)
{
	unsigned c = depth > 3 ? 4 : rnd(8);
	memset(v, 0, sizeof(*v));
	if (c == 0 || c == 1) {
		assert_int_equal(ags_value_set_map(v), 0);
		for (unsigned i = rnd(5); i > 0; i--)
			add_item(v, depth, comments);
		realistic_comments(v, comments);
	} else if (c == 2) {
		assert_int_equal(ags_value_set_seq(v), 0);
		for (unsigned i = rnd(5); i > 0; i--) {
			struct ags_value it;
			if (comments && rnd(5) == 0)
				comment(&it);
			else
				node(&it, depth + 1, comments);
			assert_int_equal(ags_list_append(v->seq, &it), 0);
		}
		realistic_comments(v, comments);
	} else {
		scalar(v);
	}
}

/* A flat document for dotenv (keys as environment names, string values)
 * or INI (sections of string values). */
static void flat(struct ags_value *top, bool ini)
{
	memset(top, 0, sizeof(*top));
	assert_int_equal(ags_value_set_map(top), 0);
	unsigned nsec = ini ? 1 + rnd(3) : 1;
	for (unsigned s = 0; s < nsec; s++) {
		struct ags_value sec, *into = top;
		if (ini) {
			memset(&sec, 0, sizeof(sec));
			assert_int_equal(ags_value_set_map(&sec), 0);
			into = &sec;
		}
		for (unsigned i = rnd(6); i > 0; i--) {
			struct ags_value k, v;
			char b[128];
			if (rnd(6) == 0) {
				comment(&k);
				memset(&v, 0, sizeof(v));
				if (ini && k.str.len && (k.str.p[0] == ' ' || k.str.p[0] == '\t'))
					k.str.p[0] = 'c'; /* go-ini keeps comments trimmed */
			} else {
				int n = snprintf(b, sizeof(b), "K_%u", rnd(100000));
				if (ags_branch_get(into->map, b))
					continue;
				set_str(&k, AGS_VAL_STR, b, (size_t)n);
				size_t vn = rtext(b, sizeof(b), 6, !ini);
				if (ini && vn && b[0] == '"')
					b[0] = 'q'; /* go-ini writes "" x" as """ x", which it cannot read back */
				set_str(&v, AGS_VAL_STR, b, vn);
			}
			assert_int_equal(ags_branch_append(into->map, &k, &v), 0);
		}
		if (ini) {
			struct ags_value name;
			char b[32];
			int n = snprintf(b, sizeof(b), "section%u", s);
			set_str(&name, AGS_VAL_STR, b, (size_t)n);
			assert_int_equal(ags_branch_append(top->map, &name, &sec), 0);
		}
	}
}

static char *emit_tree(const struct ags_store_ops *st, struct ags_value *top, size_t *n)
{
	struct ags_tree t;
	memset(&t, 0, sizeof(t));
	assert_int_equal(ags_tree_append_doc(&t, top->map), 0);
	memset(top, 0, sizeof(*top));
	struct ags_buf b;
	ags_buf_init(&b, 1 << 24);
	struct ags_emit_opts o = { .indent = st == &ags_store_json ? -1 : 0 }; /* sops' defaults */
	struct ags_diag d = { 0 };
	int r = st->emit(&t, &o, &b, &d);
	ags_tree_clear(&t);
	if (r < 0) {
		ags_buf_release(&b);
		return NULL; /* a tree the store cannot write (e.g. a key JSON forbids): not a case */
	}
	return ags_buf_detach(&b, n);
}

/* What the store makes of text: load then write (the reference for input
 * that is not in the writer's own form). */
static char *normal_form(const struct ags_store_ops *st, const char *in, size_t n, size_t *outn)
{
	struct ags_tree t;
	memset(&t, 0, sizeof(t));
	struct ags_diag d = { 0 };
	if (st->load(in, n, true, &t, &d) < 0)
		return NULL;
	struct ags_buf b;
	ags_buf_init(&b, 1 << 24);
	struct ags_emit_opts o = { .indent = st == &ags_store_json ? -1 : 0 }; /* sops' defaults */
	int r = st->emit(&t, &o, &b, &d);
	ags_tree_clear(&t);
	if (r < 0) {
		ags_buf_release(&b);
		return NULL;
	}
	return ags_buf_detach(&b, outn);
}

struct ctx {
	char *recipient;
	struct ags_age_identities ids;
	unsigned fails, docs, fixed;
};

static void round_trip(struct ctx *c, const char *store, const char *in, size_t n, const char *want, size_t wn,
		       unsigned docno)
{
	struct ags_sops_encrypt_opts eo = { 0 };
	const char *rec[1] = { c->recipient };
	eo.age = rec;
	eo.nage = 1;
	eo.input_type = store;
	eo.indent = AGS_SOPS_INDENT_DEFAULT;
	eo.rules.unencrypted_suffix = rnd(2) ? "_u" : NULL;
	eo.rules.mac_only_encrypted = eo.rules.unencrypted_suffix && rnd(2);
	static const uint8_t key[AGS_SOPS_DATA_KEY_LEN] = { 1, 2, 3 };
	eo.data_key = key; /* fresh age stanzas are what costs; the values still get fresh IVs */
	struct ags_buf enc, dec;
	ags_buf_init(&enc, 1 << 26);
	ags_buf_init_secret(&dec, 1 << 26);
	struct ags_diag d = { 0 };
	int r = ags_sops_encrypt_buf(in, n, &eo, &enc, &d);
	if (r == 0) {
		struct ags_sops_decrypt_opts dopt = { 0 };
		dopt.input_type = store;
		dopt.indent = AGS_SOPS_INDENT_DEFAULT;
		dopt.identities = &c->ids;
		r = ags_sops_decrypt_buf(enc.data, enc.len, &dopt, &dec, &d);
	}
	bool same = r == 0 && dec.len == wn && (!wn || memcmp(dec.data, want, wn) == 0);
	if (!same) {
		const char *dump = getenv("AGS_GEN_DUMP"); /* a directory for the failing inputs */
		if (dump) {
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s-%u.in", dump, store, docno);
			FILE *f = fopen(path, "wb");
			if (f) {
				fwrite(in, 1, n, f);
				fclose(f);
			}
		}
		if (getenv("AGS_GEN_BRIEF") && c->fails < 200)
			fprintf(stderr, "FAIL %s %u: %s\n", store, docno, r ? d.msg : "differs");
		else if (c->fails < 5)
			fprintf(stderr, "%s document %u (seed above): %s\n--- input\n%.*s--- want\n%.*s--- got\n%.*s---\n",
				store, docno, r ? d.msg : "output differs", (int)n, in, (int)wn, want, (int)dec.len,
				dec.data ? (const char *)dec.data : "");
		c->fails++;
	}
	ags_buf_release(&enc);
	ags_buf_release(&dec);
}

static void gen_store(struct ctx *c, const char *store, unsigned docs)
{
	const struct ags_store_ops *st = ags_store_by_name(store);
	assert_non_null(st);
	bool comments = strcmp(store, "json") != 0;
	for (unsigned i = 0; i < docs; i++) {
		struct ags_value top;
		if (!strcmp(store, "dotenv") || !strcmp(store, "ini")) {
			flat(&top, !strcmp(store, "ini"));
		} else {
			memset(&top, 0, sizeof(top));
			assert_int_equal(ags_value_set_map(&top), 0);
			for (unsigned k = 1 + rnd(5); k > 0; k--)
				add_item(&top, 0, comments);
			realistic_comments(&top, comments);
		}
		size_t n, wn;
		char *text = emit_tree(st, &top, &n);
		ags_value_clear(&top);
		if (!text)
			continue;
		/* the writer's output reads back (else a failure), and the text is
		 * in the store's own form when reading and writing it again gives
		 * it back: then the round trip must give it back byte for byte;
		 * otherwise (a comment placed where a reader puts it elsewhere, a
		 * blank line) it must give what the store makes of it */
		char *want = normal_form(st, text, n, &wn);
		if (!want && getenv("AGS_GEN_DUMP")) {
			char path[4096];
			snprintf(path, sizeof(path), "%s/unreadable-%s-%u.in", getenv("AGS_GEN_DUMP"), store, i);
			FILE *f = fopen(path, "wb");
			if (f) {
				fwrite(text, 1, n, f);
				fclose(f);
			}
		}
		if (!want) {
			if (c->fails++ < 5)
				fprintf(stderr, "%s document %u: the writer's output does not read back:\n%.*s---\n", store, i,
					(int)n, text);
			free(text);
			continue;
		}
		c->fixed += wn == n && memcmp(want, text, n) == 0;
		c->docs++;
		round_trip(c, store, text, n, want, wn, i);
		free(want);
		free(text);
	}
}

/* Raw YAML that is not in go-yaml's form: anchors and aliases, merge keys,
 * other indentation, flow collections, quoting styles, comments. */
static void gen_raw_yaml(struct ctx *c, unsigned docs)
{
	static const char *const pieces[] = {
		"a: &x {p: 1, q: [2, 3]}\nb: *x\n", "c:\n  <<: *x\n  r: 4\n", "d: 'single ''quoted'''\n",
		"e: \"dq \\u00e9 \\x41\"\n", "f: >\n  folded\n  text\n\n", "g: |+\n  keep\n\n", "h: |-\n  strip\n",
		"# a comment\n", "i:   # after key\n  - x   # after x\n  -\n  - &s y\n  - *s\n", "j: ~\n", "k: 0o17\n",
		"l: 1_000\n", "m: .inf\n", "n: 2001-12-14t21:59:43.10-05:00\n", "o: !!str 123\n",
		"p:\n- 1\n-\n- 3\n", "q: \"x\xe2\x80\xa8  y\"\n", "r: plain\xc2\xa0nbsp\n", "s:\n    deep:\n        er: 1\n",
		"t: [a, {b: c}, [d]]\n", "u_u: unencrypted\n", "v: 'ls\xe2\x80\xa9    ps'\n",
	};
	for (unsigned i = 0; i < docs; i++) {
		char in[4096];
		size_t n = 0;
		bool used[AGS_ARRAY_SIZE(pieces)] = { 0 };
		for (unsigned k = 1 + rnd(6); k > 0; k--) {
			unsigned p = n ? rnd(AGS_ARRAY_SIZE(pieces)) : 0; /* not only a comment */
			/* a piece at most once (keys), and aliases only after their anchor */
			if (used[p] || (p == 1 && !used[0]))
				continue;
			used[p] = true;
			size_t l = strlen(pieces[p]);
			memcpy(in + n, pieces[p], l);
			n += l;
		}
		if (!n)
			continue;
		size_t wn;
		char *want = normal_form(&ags_store_yaml, in, n, &wn);
		if (!want)
			fail_msg("raw YAML did not load:\n%.*s", (int)n, in);
		round_trip(c, "yaml", in, n, want, wn, i);
		free(want);
	}
}

static void generated_round_trips(void **state)
{
	(void)state;
	const char *se = getenv("AGS_GEN_SEED");
	rs = se ? strtoull(se, NULL, 10) : 20261202;
	if (rs == 0)
		rs = (uint64_t)time(NULL) * 2654435761u | 1;
	fprintf(stderr, "seed %llu (AGS_GEN_SEED)\n", (unsigned long long)rs);
	const char *sd = getenv("AGS_GEN_DOCS");
	unsigned docs = sd ? (unsigned)strtoul(sd, NULL, 10) : 800;
	struct ctx c = { 0 };
	struct ags_age_identity *id;
	assert_int_equal(ags_age_keygen_x25519(&id), 0);
	struct ags_age_recipient *rec;
	assert_int_equal(ags_age_identity_to_recipient(id, &rec), 0);
	assert_int_equal(ags_age_recipient_string(rec, &c.recipient), 0);
	ags_age_recipient_free(rec);
	assert_int_equal(ags_age_identities_add(&c.ids, id), 0);
	static const char *const stores[] = { "yaml", "json", "dotenv", "ini" };
	for (size_t s = 0; s < AGS_ARRAY_SIZE(stores); s++)
		gen_store(&c, stores[s], docs);
	gen_raw_yaml(&c, docs);
	ags_age_identities_clear(&c.ids);
	free(c.recipient);
	fprintf(stderr, "%u generated documents, %u in the writer's own form\n", c.docs, c.fixed);
	/* the generator must keep producing documents in the writers' own form */
	assert_true(c.fixed * 2 > c.docs);
	if (c.fails)
		fail_msg("%u of %u documents did not round trip", c.fails, docs * 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(generated_round_trips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
