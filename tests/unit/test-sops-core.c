/* SOPS core on trees built in memory: metadata <-> mapping (3.13.2 layout,
 * old layouts), tree walk encrypt/decrypt, MAC (tamper, missing, ignore),
 * rules applied to paths and comments, IV stash, tree paths. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "sops/sops-int.h"
#include <agesops/age.h>

static uint8_t KEY[32];

static void put(struct ags_branch *b, const char *k, struct ags_value *v)
{
	struct ags_value key = { 0 };
	assert_int_equal(ags_value_set_str(&key, AGS_VAL_STR, k, strlen(k)), 0);
	assert_int_equal(ags_branch_append(b, &key, v), 0);
}

static void put_str(struct ags_branch *b, const char *k, const char *s)
{
	struct ags_value v = { 0 };
	assert_int_equal(ags_value_set_str(&v, AGS_VAL_STR, s, strlen(s)), 0);
	put(b, k, &v);
}

static void put_comment(struct ags_branch *b, const char *s)
{
	struct ags_value c = { 0 };
	assert_int_equal(ags_value_set_str(&c, AGS_VAL_COMMENT, s, strlen(s)), 0);
	assert_int_equal(ags_branch_append(b, &c, NULL), 0);
}

/* A Secret-like document with every scalar type, a list with a comment, a nested map. */
static struct ags_branch *sample(void)
{
	struct ags_branch *b;
	assert_int_equal(ags_branch_new(&b), 0);
	put_comment(b, " top comment");
	put_str(b, "apiVersion", "v1");
	put_str(b, "kind", "Secret");
	struct ags_value md = { 0 };
	assert_int_equal(ags_value_set_map(&md), 0);
	put_str(md.map, "name", "db");
	put(b, "metadata", &md);
	struct ags_value data = { 0 };
	assert_int_equal(ags_value_set_map(&data), 0);
	put_comment(data.map, " inside data");
	put_str(data.map, "password", "s3cr3t");
	struct ags_value i = { .kind = AGS_VAL_INT, .i = 5432 };
	put(data.map, "port", &i);
	struct ags_value f = { .kind = AGS_VAL_FLOAT, .f = 0.75 };
	put(data.map, "ratio", &f);
	struct ags_value t = { .kind = AGS_VAL_BOOL, .b = true };
	put(data.map, "enabled", &t);
	struct ags_value ts = { 0 };
	assert_int_equal(ags_value_set_str(&ts, AGS_VAL_TIME, "2024-01-01T00:00:00Z", 20), 0);
	put(data.map, "when", &ts);
	struct ags_value nul = { 0 };
	put(data.map, "nothing", &nul);
	put_str(data.map, "empty", "");
	put_str(data.map, "plain_unencrypted", "visible");
	struct ags_value l = { 0 };
	assert_int_equal(ags_value_set_seq(&l), 0);
	struct ags_value e = { 0 };
	assert_int_equal(ags_value_set_str(&e, AGS_VAL_STR, "one", 3), 0);
	assert_int_equal(ags_list_append(l.seq, &e), 0);
	assert_int_equal(ags_value_set_str(&e, AGS_VAL_COMMENT, " list comment", 13), 0);
	assert_int_equal(ags_list_append(l.seq, &e), 0);
	e.kind = AGS_VAL_INT;
	e.i = 2;
	assert_int_equal(ags_list_append(l.seq, &e), 0);
	put(data.map, "list", &l);
	put(b, "data", &data);
	return b;
}

static struct ags_sops_doc *plain_doc(const struct ags_sops_rules *r)
{
	struct ags_tree t = { 0 };
	assert_int_equal(ags_tree_append_doc(&t, sample()), 0);
	assert_int_equal(ags_tree_append_doc(&t, sample()), 0); /* multi-document */
	struct ags_sops_doc *doc;
	assert_int_equal(ags_sops_doc_from_tree(&t, true, NULL, &doc), 0);
	assert_int_equal(ags_sops_doc_set_rules(doc, r, NULL), 0);
	return doc;
}

static const struct ags_value *get(const struct ags_sops_doc *cdoc, size_t docno, const char *a, const char *b)
{
	struct ags_sops_doc *doc = (struct ags_sops_doc *)cdoc;
	struct ags_tree *t = ags_sops_doc_tree(doc);
	const struct ags_value *v = ags_branch_get(t->docs[docno], a);
	if (v && b)
		v = v->kind == AGS_VAL_MAP ? ags_branch_get(v->map, b) : NULL;
	return v;
}

static bool is_enc(const struct ags_value *v)
{
	return v && (v->kind == AGS_VAL_STR || v->kind == AGS_VAL_COMMENT) && ags_sops_enc_looks(v->str.p, v->str.len);
}

static void roundtrip_default_rules(void **state)
{
	(void)state;
	struct ags_sops_doc *doc = plain_doc(NULL);
	assert_string_equal(ags_sops_doc_metadata(doc)->rules.unencrypted_suffix, "_unencrypted");
	assert_int_equal(ags_sops_doc_encrypt(doc, KEY, "2024-05-06T07:08:09Z", NULL), 0);
	assert_false(ags_sops_doc_is_plain(doc));
	for (size_t n = 0; n < 2; n++) {
		assert_true(is_enc(get(doc, n, "apiVersion", NULL)));
		assert_true(is_enc(get(doc, n, "data", "port")));
		assert_true(is_enc(get(doc, n, "data", "when")));
		assert_false(is_enc(get(doc, n, "data", "plain_unencrypted")));
		assert_int_equal(get(doc, n, "data", "empty")->str.len, 0);
		assert_int_equal(get(doc, n, "data", "nothing")->kind, AGS_VAL_NULL);
		/* the top-level comment is encrypted too (default rule) */
		assert_true(is_enc(&ags_sops_doc_tree(doc)->docs[n]->items[0].key));
	}
	const struct ags_value *port = get(doc, 0, "data", "port");
	assert_non_null(strstr(port->str.p, "type:int]"));
	assert_non_null(strstr(get(doc, 0, "data", "ratio")->str.p, "type:float]"));
	assert_non_null(strstr(get(doc, 0, "data", "enabled")->str.p, "type:bool]"));
	assert_non_null(strstr(get(doc, 0, "data", "when")->str.p, "type:time]"));
	struct ags_sops_metadata *m = ags_sops_doc_metadata(doc);
	assert_string_equal(m->lastmodified, "2024-05-06T07:08:09Z");
	assert_true(ags_sops_enc_looks(m->mac, strlen(m->mac)));

	assert_int_equal(ags_sops_doc_decrypt(doc, KEY, false, NULL), 0);
	assert_string_equal(get(doc, 1, "data", "password")->str.p, "s3cr3t");
	assert_int_equal(get(doc, 1, "data", "port")->kind, AGS_VAL_INT);
	assert_int_equal(get(doc, 1, "data", "port")->i, 5432);
	assert_true(get(doc, 1, "data", "ratio")->f == 0.75);
	assert_true(get(doc, 1, "data", "enabled")->b);
	assert_string_equal(get(doc, 1, "data", "when")->str.p, "2024-01-01T00:00:00Z");
	assert_string_equal(ags_sops_doc_tree(doc)->docs[1]->items[0].key.str.p, " top comment");
	const struct ags_value *l = get(doc, 0, "data", "list");
	assert_int_equal(l->seq->items[1].kind, AGS_VAL_COMMENT);
	assert_string_equal(l->seq->items[1].str.p, " list comment");
	ags_sops_doc_free(doc);
}

static void regex_rule_and_tamper(void **state)
{
	(void)state;
	struct ags_sops_rules r = { .encrypted_regex = "^(data|stringData)$" };
	struct ags_sops_doc *doc = plain_doc(&r);
	assert_int_equal(ags_sops_doc_encrypt(doc, KEY, NULL, NULL), 0);
	assert_false(is_enc(get(doc, 0, "kind", NULL)));
	assert_false(is_enc(get(doc, 0, "metadata", "name")));
	assert_true(is_enc(get(doc, 0, "data", "password")));
	/* top-level comment: empty path, nothing matches: stays clear */
	assert_false(is_enc(&ags_sops_doc_tree(doc)->docs[0]->items[0].key));
	/* comment inside data (path ["data"]) is encrypted */
	assert_true(is_enc(&get(doc, 0, "data", NULL)->map->items[0].key));

	/* Build the metadata mapping, parse it back: identical fields. */
	struct ags_sops_metadata *m = ags_sops_doc_metadata(doc);
	assert_int_equal(ags_sops_metadata_add_age(m, 0, "age1xyz", "-----BEGIN AGE ENCRYPTED FILE-----\nx\n-----END AGE ENCRYPTED FILE-----\n"), 0);
	struct ags_value mv = { 0 };
	assert_int_equal(ags_sops_metadata_build(m, &mv), 0);
	const char *order[] = { "age", "encrypted_regex", "lastmodified", "mac", "version" };
	assert_int_equal(mv.map->n, 5);
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(mv.map->items[i].key.str.p, order[i]);
	const struct ags_value *age0 = &ags_branch_get(mv.map, "age")->seq->items[0];
	assert_string_equal(age0->map->items[0].key.str.p, "enc");
	assert_string_equal(age0->map->items[1].key.str.p, "recipient");
	assert_string_equal(ags_branch_get(mv.map, "version")->str.p, AGS_SOPS_VERSION);
	struct ags_sops_metadata back = { 0 };
	assert_int_equal(ags_sops_metadata_parse(&mv, &back, NULL), 0);
	assert_string_equal(back.rules.encrypted_regex, "^(data|stringData)$");
	assert_null(back.rules.unencrypted_suffix);
	assert_string_equal(back.mac, m->mac);
	assert_int_equal(back.ngroups, 1);
	assert_string_equal(back.groups[0].age[0].recipient, "age1xyz");
	ags_sops_metadata_clear(&back);
	ags_value_clear(&mv);

	/* Changing an unencrypted value breaks the MAC (51). */
	struct ags_value *kind = (struct ags_value *)get(doc, 1, "kind", NULL);
	assert_int_equal(ags_value_set_str(kind, AGS_VAL_STR, "ConfigMap", 9), 0);
	struct ags_diag d = { 0 };
	assert_int_equal(ags_sops_doc_decrypt(doc, KEY, false, &d), AGS_E_SOPS_MAC_MISMATCH);
	assert_non_null(strstr(d.msg, "MAC mismatch"));
	ags_sops_doc_free(doc);

	/* ...unless --ignore-mac */
	doc = plain_doc(&r);
	assert_int_equal(ags_sops_doc_encrypt(doc, KEY, NULL, NULL), 0);
	kind = (struct ags_value *)get(doc, 1, "kind", NULL);
	assert_int_equal(ags_value_set_str(kind, AGS_VAL_STR, "ConfigMap", 9), 0);
	assert_int_equal(ags_sops_doc_decrypt(doc, KEY, true, NULL), 0);
	ags_sops_doc_free(doc);

	/* A flipped ciphertext byte: fatal decrypt error naming the key. */
	doc = plain_doc(&r);
	assert_int_equal(ags_sops_doc_encrypt(doc, KEY, NULL, NULL), 0);
	struct ags_value *pw = (struct ags_value *)get(doc, 1, "data", "password");
	pw->str.p[21] = pw->str.p[21] == 'A' ? 'B' : 'A';
	memset(&d, 0, sizeof(d));
	assert_int_equal(ags_sops_doc_decrypt(doc, KEY, true, &d), AGS_E_SOPS_DECRYPT);
	assert_non_null(strstr(d.msg, "data.password"));
	ags_sops_doc_free(doc);

	/* Missing MAC: Go reports a mismatch "File has no MAC" (exit 51). */
	doc = plain_doc(&r);
	assert_int_equal(ags_sops_doc_encrypt(doc, KEY, NULL, NULL), 0);
	free(ags_sops_doc_metadata(doc)->mac);
	ags_sops_doc_metadata(doc)->mac = NULL;
	memset(&d, 0, sizeof(d));
	assert_int_equal(ags_sops_doc_decrypt(doc, KEY, false, &d), AGS_E_SOPS_MAC_MISMATCH);
	assert_non_null(strstr(d.msg, "no MAC"));
	ags_sops_doc_free(doc);

	/* Wrong data key. */
	doc = plain_doc(&r);
	assert_int_equal(ags_sops_doc_encrypt(doc, KEY, NULL, NULL), 0);
	uint8_t other[32] = { 1 };
	assert_int_equal(ags_sops_doc_decrypt(doc, other, false, NULL), AGS_E_SOPS_DECRYPT);
	ags_sops_doc_free(doc);
}

static void mac_only_encrypted(void **state)
{
	(void)state;
	struct ags_sops_rules r = { .encrypted_regex = "^data$", .mac_only_encrypted = true };
	struct ags_sops_doc *doc = plain_doc(&r);
	assert_int_equal(ags_sops_doc_encrypt(doc, KEY, NULL, NULL), 0);
	/* an unencrypted value may change without breaking the MAC */
	struct ags_value *kind = (struct ags_value *)get(doc, 0, "kind", NULL);
	assert_int_equal(ags_value_set_str(kind, AGS_VAL_STR, "ConfigMap", 9), 0);
	assert_int_equal(ags_sops_doc_decrypt(doc, KEY, false, NULL), 0);
	ags_sops_doc_free(doc);
	struct ags_value mv = { 0 };
	struct ags_sops_metadata m = { .lastmodified = "2024-01-01T00:00:00Z", .mac = "ENC[x]", .version = "3.13.2" };
	m.rules.mac_only_encrypted = true;
	assert_int_equal(ags_sops_metadata_build(&m, &mv), 0);
	assert_true(ags_branch_get(mv.map, "mac_only_encrypted")->b);
	ags_value_clear(&mv);
}

static void comment_regex_guard(void **state)
{
	(void)state;
	/* Go refuses to write an encrypted comment its unencrypted_comment_regex would match */
	struct ags_sops_rules r = { .unencrypted_comment_regex = "AES256" };
	struct ags_sops_doc *doc = plain_doc(&r);
	struct ags_diag d = { 0 };
	assert_int_equal(ags_sops_doc_encrypt(doc, KEY, NULL, &d), AGS_E_SOPS_REGEX);
	assert_non_null(strstr(d.msg, "unencrypted_comment_regex"));
	ags_sops_doc_free(doc);
}

static void iv_stash(void **state)
{
	(void)state;
	struct ags_sops_doc *doc = plain_doc(NULL);
	assert_int_equal(ags_sops_doc_encrypt(doc, KEY, NULL, NULL), 0);
	char *before = strdup(get(doc, 1, "data", "password")->str.p);
	char *before_port = strdup(get(doc, 0, "data", "port")->str.p);
	assert_int_equal(ags_sops_doc_decrypt(doc, KEY, false, NULL), 0);
	struct ags_value *port = (struct ags_value *)get(doc, 0, "data", "port");
	port->i = 1;
	assert_int_equal(ags_sops_doc_encrypt(doc, KEY, NULL, NULL), 0);
	/* unchanged value: same ciphertext; changed value: new ciphertext */
	assert_string_equal(get(doc, 1, "data", "password")->str.p, before);
	assert_string_not_equal(get(doc, 0, "data", "port")->str.p, before_port);
	assert_int_equal(ags_sops_doc_decrypt(doc, KEY, false, NULL), 0);
	assert_int_equal(get(doc, 0, "data", "port")->i, 1);
	free(before);
	free(before_port);
	ags_sops_doc_free(doc);
}

static struct ags_value mkmap(void)
{
	struct ags_value v = { 0 };
	assert_int_equal(ags_value_set_map(&v), 0);
	return v;
}

static void metadata_old_layouts(void **state)
{
	(void)state;
	/* <= 3.9: every key list present, empty ones as [] or null; pgp-only; unquoted lastmodified (time) */
	struct ags_value m = mkmap();
	struct ags_value empty = { 0 };
	assert_int_equal(ags_value_set_seq(&empty), 0);
	put(m.map, "kms", &empty);
	struct ags_value nul = { 0 };
	put(m.map, "gcp_kms", &nul);
	struct ags_value pgp = { 0 };
	assert_int_equal(ags_value_set_seq(&pgp), 0);
	struct ags_value pk = mkmap();
	put_str(pk.map, "fp", "FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4");
	put_str(pk.map, "created_at", "2019-01-01T00:00:00Z");
	put_str(pk.map, "enc", "-----BEGIN PGP MESSAGE-----\n...\n");
	assert_int_equal(ags_list_append(pgp.seq, &pk), 0);
	put(m.map, "pgp", &pgp);
	struct ags_value lm = { 0 };
	assert_int_equal(ags_value_set_str(&lm, AGS_VAL_TIME, "2019-01-01T00:00:00Z", 20), 0);
	put(m.map, "lastmodified", &lm);
	put_str(m.map, "mac", "ENC[...]");
	struct ags_value moe = { 0 };
	assert_int_equal(ags_value_set_str(&moe, AGS_VAL_STR, "true", 4), 0);
	put(m.map, "mac_only_encrypted", &moe);
	struct ags_value ver = { .kind = AGS_VAL_FLOAT, .f = 3.7 };
	put(m.map, "version", &ver);
	put_str(m.map, "attention", "unknown keys are ignored");
	struct ags_sops_metadata md = { 0 };
	assert_int_equal(ags_sops_metadata_parse(&m, &md, NULL), 0);
	assert_int_equal(md.ngroups, 1);
	assert_int_equal(md.groups[0].nage, 0);
	assert_non_null(md.groups[0].other);
	assert_true(md.rules.mac_only_encrypted);
	assert_string_equal(md.version, "3.7");
	/* Written back in 3.13.2 layout: the pgp entry survives with sorted keys. */
	struct ags_value out = { 0 };
	assert_int_equal(ags_sops_metadata_build(&md, &out), 0);
	const struct ags_value *p = ags_branch_get(out.map, "pgp");
	assert_non_null(p);
	assert_string_equal(p->seq->items[0].map->items[0].key.str.p, "created_at");
	assert_string_equal(p->seq->items[0].map->items[2].key.str.p, "fp");
	assert_null(ags_branch_get(out.map, "kms"));
	ags_value_clear(&out);
	ags_sops_metadata_clear(&md);

	/* key_groups with two groups */
	struct ags_value kgm = mkmap();
	struct ags_value kgs = { 0 };
	assert_int_equal(ags_value_set_seq(&kgs), 0);
	for (int g = 0; g < 2; g++) {
		struct ags_value grp = mkmap();
		struct ags_value ages = { 0 };
		assert_int_equal(ags_value_set_seq(&ages), 0);
		struct ags_value a = mkmap();
		put_str(a.map, "recipient", g ? "age1b" : "age1a");
		put_str(a.map, "enc", "x");
		assert_int_equal(ags_list_append(ages.seq, &a), 0);
		put(grp.map, "age", &ages);
		struct ags_value hv = { 0 };
		put(grp.map, "hc_vault", &hv);
		assert_int_equal(ags_list_append(kgs.seq, &grp), 0);
	}
	put(kgm.map, "key_groups", &kgs);
	struct ags_value th = { .kind = AGS_VAL_INT, .i = 2 };
	put(kgm.map, "shamir_threshold", &th);
	put_str(kgm.map, "lastmodified", "2024-01-01T00:00:00+01:00");
	assert_int_equal(ags_sops_metadata_parse(&kgm, &md, NULL), 0);
	assert_int_equal(md.ngroups, 2);
	assert_int_equal(md.shamir_threshold, 2);
	assert_string_equal(md.groups[1].age[0].recipient, "age1b");
	assert_int_equal(ags_sops_metadata_build(&md, &out), 0);
	assert_string_equal(out.map->items[0].key.str.p, "key_groups");
	ags_value_clear(&out);
	ags_sops_metadata_clear(&md);

	/* errors */
	struct ags_diag d = { 0 };
	struct ags_value none = mkmap();
	put_str(none.map, "lastmodified", "2024-01-01T00:00:00Z");
	assert_int_equal(ags_sops_metadata_parse(&none, &md, &d), AGS_E_SOPS_FORMAT);
	assert_non_null(strstr(d.msg, "no keys"));
	struct ags_value badlm = mkmap();
	put_str(badlm.map, "lastmodified", "yesterday");
	assert_int_equal(ags_sops_metadata_parse(&badlm, &md, &d), AGS_E_SOPS_FORMAT);
	struct ags_value notmap = { 0 };
	assert_int_equal(ags_sops_metadata_parse(&notmap, &md, &d), AGS_E_SOPS_METADATA_NOT_FOUND);
	ags_value_clear(&m);
	ags_value_clear(&kgm);
	ags_value_clear(&none);
	ags_value_clear(&badlm);
}

static void recipients_split(void **state)
{
	(void)state;
	char **v = NULL;
	size_t n = 0;
	assert_int_equal(ags_sops_split_recipients(" age1a , age1b,,age1c ", &v, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0], "age1a");
	assert_string_equal(v[2], "age1c");
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void age_keys(void **state)
{
	(void)state;
	struct ags_age_identity *id1, *id2;
	assert_int_equal(ags_age_keygen_x25519(&id1), 0);
	assert_int_equal(ags_age_keygen_x25519(&id2), 0);
	struct ags_age_recipient *r1, *r2;
	assert_int_equal(ags_age_identity_to_recipient(id1, &r1), 0);
	assert_int_equal(ags_age_identity_to_recipient(id2, &r2), 0);
	char *s1, *s2, *both;
	assert_int_equal(ags_age_recipient_string(r1, &s1), 0);
	assert_int_equal(ags_age_recipient_string(r2, &s2), 0);
	assert_true(asprintf(&both, "%s, %s", s1, s2) > 0);
	struct ags_sops_doc *doc = plain_doc(NULL);
	const char *list[] = { both };
	struct ags_sops_group_spec g = { .age = list, .nage = 1 };
	assert_int_equal(ags_sops_doc_set_keys(doc, &g, 1, 0, KEY, NULL), 0);
	struct ags_sops_metadata *m = ags_sops_doc_metadata(doc);
	assert_int_equal(m->ngroups, 1);
	assert_int_equal(m->groups[0].nage, 2);
	assert_string_equal(m->groups[0].age[1].recipient, s2);
	assert_non_null(strstr(m->groups[0].age[0].enc, "-----BEGIN AGE ENCRYPTED FILE-----\n"));
	/* each identity alone opens the data key */
	struct ags_age_identity *ids[] = { id1, id2 };
	for (int i = 0; i < 2; i++) {
		struct ags_age_identities l = { 0 };
		struct ags_age_identity *copy;
		char *str;
		assert_int_equal(ags_age_identity_string(ids[i], &str), 0);
		assert_int_equal(ags_age_identity_parse(str, &copy, NULL), 0);
		free(str);
		assert_int_equal(ags_age_identities_add(&l, copy), 0);
		uint8_t got[32];
		assert_int_equal(ags_sops_doc_get_data_key(doc, &l, got, NULL), 0);
		assert_memory_equal(got, KEY, 32);
		ags_age_identities_clear(&l);
	}
	/* a stranger cannot: 128 */
	struct ags_age_identity *id3;
	assert_int_equal(ags_age_keygen_x25519(&id3), 0);
	struct ags_age_identities l3 = { 0 };
	assert_int_equal(ags_age_identities_add(&l3, id3), 0);
	uint8_t got[32];
	struct ags_diag d = { 0 };
	assert_int_equal(ags_sops_doc_get_data_key(doc, &l3, got, &d), AGS_E_SOPS_NO_KEY);
	ags_age_identities_clear(&l3);
	/* two groups: Shamir 2-of-2, each share for one recipient */
	const char *l1[] = { s1 }, *l2[] = { s2 };
	struct ags_sops_group_spec gs[2] = { { .age = l1, .nage = 1 }, { .age = l2, .nage = 1 } };
	assert_int_equal(ags_sops_doc_set_keys(doc, gs, 2, 0, KEY, NULL), 0);
	struct ags_age_identities lboth = { 0 };
	for (int i = 0; i < 2; i++) {
		char *str;
		struct ags_age_identity *copy;
		assert_int_equal(ags_age_identity_string(ids[i], &str), 0);
		assert_int_equal(ags_age_identity_parse(str, &copy, NULL), 0);
		free(str);
		assert_int_equal(ags_age_identities_add(&lboth, copy), 0);
	}
	assert_int_equal(ags_sops_doc_get_data_key(doc, &lboth, got, NULL), 0);
	assert_memory_equal(got, KEY, 32);
	ags_age_identities_clear(&lboth);
	/* a bad recipient string is named */
	const char *badr[] = { "age1notakey" };
	struct ags_sops_group_spec gb = { .age = badr, .nage = 1 };
	memset(&d, 0, sizeof(d));
	assert_true(ags_sops_doc_set_keys(doc, &gb, 1, 0, KEY, &d) < 0);
	assert_non_null(strstr(d.msg, "age1notakey"));
	ags_sops_doc_free(doc);
	free(s1);
	free(s2);
	free(both);
	ags_age_recipient_free(r1);
	ags_age_recipient_free(r2);
	ags_age_identity_free(id1);
	ags_age_identity_free(id2);
}

int main(void)
{
	for (int i = 0; i < 32; i++)
		KEY[i] = (uint8_t)(i * 7 + 3);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roundtrip_default_rules),
		cmocka_unit_test(regex_rule_and_tamper),
		cmocka_unit_test(mac_only_encrypted),
		cmocka_unit_test(iv_stash),
		cmocka_unit_test(comment_regex_guard),
		cmocka_unit_test(metadata_old_layouts),
		cmocka_unit_test(recipients_split),
		cmocka_unit_test(age_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
