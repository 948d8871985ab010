#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <stdlib.h>
#include "internal.h"
#include "sops/path.h"

static struct ags_value s(const char *str)
{
	struct ags_value v = { 0 };
	assert_int_equal(ags_value_set_str(&v, AGS_VAL_STR, str, strlen(str)), 0);
	return v;
}

static struct ags_value num(int64_t i)
{
	struct ags_value v = { .kind = AGS_VAL_INT, .i = i };
	return v;
}

static void put(struct ags_branch *b, const char *k, struct ags_value v)
{
	struct ags_value key = s(k);
	assert_int_equal(ags_branch_append(b, &key, &v), 0);
}

static void comment(struct ags_branch *b, const char *text)
{
	struct ags_value key = { 0 };
	assert_int_equal(ags_value_set_str(&key, AGS_VAL_COMMENT, text, strlen(text)), 0);
	assert_int_equal(ags_branch_append(b, &key, NULL), 0);
}

/* doc: { a: { b: "x", list: [# c, 1, {k: "v"}] }, top: 5 } */
static struct ags_branch *sample(void)
{
	struct ags_branch *doc;
	assert_int_equal(ags_branch_new(&doc), 0);
	struct ags_value a = { 0 }, list = { 0 }, m = { 0 }, c = { 0 };
	assert_int_equal(ags_value_set_map(&a), 0);
	comment(a.map, " head");
	put(a.map, "b", s("x"));
	assert_int_equal(ags_value_set_seq(&list), 0);
	assert_int_equal(ags_value_set_str(&c, AGS_VAL_COMMENT, " c", 2), 0);
	assert_int_equal(ags_list_append(list.seq, &c), 0);
	struct ags_value one = num(1);
	assert_int_equal(ags_list_append(list.seq, &one), 0);
	assert_int_equal(ags_value_set_map(&m), 0);
	put(m.map, "k", s("v"));
	assert_int_equal(ags_list_append(list.seq, &m), 0);
	put(a.map, "list", list);
	put(doc, "a", a);
	put(doc, "top", num(5));
	return doc;
}

static void parse_ok(void **state)
{
	(void)state;
	struct ags_sops_path p;
	assert_int_equal(ags_sops_path_parse("[\"a\"]['b c'][0][12][\"x[y]\"][\"\"]", &p, NULL), 0);
	assert_int_equal(p.n, 6);
	assert_false(p.v[0].is_index);
	assert_string_equal(p.v[0].key, "a");
	assert_string_equal(p.v[1].key, "b c");
	assert_true(p.v[2].is_index);
	assert_int_equal(p.v[2].index, 0);
	assert_int_equal(p.v[3].index, 12);
	assert_string_equal(p.v[4].key, "x[y]");
	assert_int_equal(p.v[5].keylen, 0);
	ags_sops_path_clear(&p);
}

static void parse_bad(void **state)
{
	(void)state;
	static const char *bad[] = {
		"a", "[a]", "[\"a\"", "[\"a]", "[\"a\"] [\"b\"]", "[-1]", "[1.5]", "[]", "[\"a\"]x",
		"[99999999999999999999]", "['a\"]", "[0",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ags_sops_path p = { 0 };
		struct ags_diag d = { 0 };
		assert_int_equal(ags_sops_path_parse(bad[i], &p, &d), AGS_E_SOPS_PATH);
		assert_non_null(strstr(d.msg, "invalid tree path"));
		assert_int_equal(p.n, 0);
	}
}

static void get_paths(void **state)
{
	(void)state;
	struct ags_branch *doc = sample();
	struct ags_sops_path p;
	struct ags_value *v;
	struct ags_diag d;
	assert_int_equal(ags_sops_path_parse("[\"a\"][\"list\"][1][\"k\"]", &p, NULL), 0);
	assert_int_equal(ags_sops_path_get(doc, &p, &v, NULL), 0);
	assert_int_equal(v->kind, AGS_VAL_STR);
	assert_string_equal(v->str.p, "v");
	ags_sops_path_clear(&p);
	/* index 0 is the first value, not the comment before it */
	assert_int_equal(ags_sops_path_parse("[\"a\"][\"list\"][0]", &p, NULL), 0);
	assert_int_equal(ags_sops_path_get(doc, &p, &v, NULL), 0);
	assert_int_equal(v->kind, AGS_VAL_INT);
	assert_int_equal(v->i, 1);
	ags_sops_path_clear(&p);
	assert_int_equal(ags_sops_path_parse("[\"a\"][\"list\"][2]", &p, NULL), 0);
	assert_int_equal(ags_sops_path_get(doc, &p, &v, &d), AGS_E_NOT_FOUND);
	assert_non_null(strstr(d.msg, "out of bounds"));
	ags_sops_path_clear(&p);
	assert_int_equal(ags_sops_path_parse("[\"a\"][\"nope\"]", &p, NULL), 0);
	assert_int_equal(ags_sops_path_get(doc, &p, &v, &d), AGS_E_NOT_FOUND);
	assert_non_null(strstr(d.msg, "[\"a\"][\"nope\"]"));
	ags_sops_path_clear(&p);
	assert_int_equal(ags_sops_path_parse("[0]", &p, NULL), 0);
	assert_int_equal(ags_sops_path_get(doc, &p, &v, &d), AGS_E_SOPS_PATH);
	ags_sops_path_clear(&p);
	assert_int_equal(ags_sops_path_parse("[\"top\"][\"x\"]", &p, NULL), 0);
	assert_int_equal(ags_sops_path_get(doc, &p, &v, &d), AGS_E_SOPS_PATH);
	ags_sops_path_clear(&p);
	ags_branch_free(doc);
}

static void set_paths(void **state)
{
	(void)state;
	struct ags_branch *doc = sample();
	struct ags_sops_path p;
	struct ags_value *v, nv;
	bool changed;

	/* replace an existing leaf */
	assert_int_equal(ags_sops_path_parse("[\"a\"][\"b\"]", &p, NULL), 0);
	nv = s("y");
	assert_int_equal(ags_sops_path_set(doc, &p, &nv, &changed, NULL), 0);
	assert_true(changed);
	assert_int_equal(nv.kind, AGS_VAL_NULL);
	assert_int_equal(ags_sops_path_get(doc, &p, &v, NULL), 0);
	assert_string_equal(v->str.p, "y");
	/* same value again: unchanged (--idempotent) */
	nv = s("y");
	assert_int_equal(ags_sops_path_set(doc, &p, &nv, &changed, NULL), 0);
	assert_false(changed);
	ags_sops_path_clear(&p);

	/* create intermediate mappings and a list, as sops */
	assert_int_equal(ags_sops_path_parse("[\"new\"][\"deep\"][0][\"x\"]", &p, NULL), 0);
	nv = num(7);
	assert_int_equal(ags_sops_path_set(doc, &p, &nv, &changed, NULL), 0);
	assert_true(changed);
	assert_int_equal(ags_sops_path_get(doc, &p, &v, NULL), 0);
	assert_int_equal(v->i, 7);
	assert_string_equal(doc->items[doc->n - 1].key.str.p, "new");
	ags_sops_path_clear(&p);

	/* list index past the end appends */
	assert_int_equal(ags_sops_path_parse("[\"a\"][\"list\"][10]", &p, NULL), 0);
	nv = s("tail");
	assert_int_equal(ags_sops_path_set(doc, &p, &nv, &changed, NULL), 0);
	ags_sops_path_clear(&p);
	assert_int_equal(ags_sops_path_parse("[\"a\"][\"list\"][2]", &p, NULL), 0);
	assert_int_equal(ags_sops_path_get(doc, &p, &v, NULL), 0);
	assert_string_equal(v->str.p, "tail");
	ags_sops_path_clear(&p);

	/* replace a list element in the middle */
	assert_int_equal(ags_sops_path_parse("[\"a\"][\"list\"][0]", &p, NULL), 0);
	nv = s("first");
	assert_int_equal(ags_sops_path_set(doc, &p, &nv, &changed, NULL), 0);
	assert_int_equal(ags_sops_path_get(doc, &p, &v, NULL), 0);
	assert_string_equal(v->str.p, "first");
	ags_sops_path_clear(&p);

	/* a scalar on the way becomes a mapping */
	assert_int_equal(ags_sops_path_parse("[\"top\"][\"sub\"]", &p, NULL), 0);
	nv = s("z");
	assert_int_equal(ags_sops_path_set(doc, &p, &nv, &changed, NULL), 0);
	assert_int_equal(ags_sops_path_get(doc, &p, &v, NULL), 0);
	assert_string_equal(v->str.p, "z");
	ags_sops_path_clear(&p);

	/* bad: index on the document, key on a list */
	struct ags_diag d;
	assert_int_equal(ags_sops_path_parse("[0]", &p, NULL), 0);
	nv = s("q");
	assert_int_equal(ags_sops_path_set(doc, &p, &nv, &changed, &d), AGS_E_SOPS_PATH);
	ags_value_clear(&nv);
	ags_sops_path_clear(&p);
	assert_int_equal(ags_sops_path_parse("[\"a\"][\"list\"][\"k\"]", &p, NULL), 0);
	nv = s("q");
	assert_int_equal(ags_sops_path_set(doc, &p, &nv, &changed, &d), AGS_E_SOPS_PATH);
	ags_value_clear(&nv);
	ags_sops_path_clear(&p);
	ags_branch_free(doc);
}

static void unset_paths(void **state)
{
	(void)state;
	struct ags_branch *doc = sample();
	struct ags_sops_path p;
	struct ags_value *v;
	struct ags_diag d;
	assert_int_equal(ags_sops_path_parse("[\"a\"][\"list\"][0]", &p, NULL), 0);
	assert_int_equal(ags_sops_path_unset(doc, &p, NULL), 0);
	/* the map that was second is now first; the comment stays */
	assert_int_equal(ags_sops_path_get(doc, &p, &v, NULL), 0);
	assert_int_equal(v->kind, AGS_VAL_MAP);
	ags_sops_path_clear(&p);
	assert_int_equal(ags_sops_path_parse("[\"a\"][\"list\"][0][\"k\"]", &p, NULL), 0);
	assert_int_equal(ags_sops_path_unset(doc, &p, NULL), 0);
	assert_int_equal(ags_sops_path_unset(doc, &p, &d), AGS_E_NOT_FOUND);
	assert_non_null(strstr(d.msg, "key not found"));
	ags_sops_path_clear(&p);
	assert_int_equal(ags_sops_path_parse("[\"a\"][\"list\"][5]", &p, NULL), 0);
	assert_int_equal(ags_sops_path_unset(doc, &p, &d), AGS_E_NOT_FOUND);
	ags_sops_path_clear(&p);
	assert_int_equal(ags_sops_path_parse("[\"top\"][\"x\"]", &p, NULL), 0);
	assert_int_equal(ags_sops_path_unset(doc, &p, &d), AGS_E_SOPS_PATH);
	ags_sops_path_clear(&p);
	assert_int_equal(ags_sops_path_parse("[\"a\"]", &p, NULL), 0);
	assert_int_equal(ags_sops_path_unset(doc, &p, NULL), 0);
	ags_sops_path_clear(&p);
	assert_int_equal(doc->n, 1);
	assert_string_equal(doc->items[0].key.str.p, "top");
	ags_branch_free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_ok),
		cmocka_unit_test(parse_bad),
		cmocka_unit_test(get_paths),
		cmocka_unit_test(set_paths),
		cmocka_unit_test(unset_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
