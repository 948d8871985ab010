/* Encryption rules: suffixes, Go-RE2 regexes (search semantics, RE2-only
 * syntax), comment regexes, and the one-rule limit (sops.md section 4). */
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

struct path_fixture {
	struct ags_value keys[8];
	const struct ags_value *ptrs[8];
	struct ags_sops_pathv pv;
};

static void mkpath(struct path_fixture *f, const char *const *ks, size_t n)
{
	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(ags_value_set_str(&f->keys[i], AGS_VAL_STR, ks[i], strlen(ks[i])), 0);
		f->ptrs[i] = &f->keys[i];
	}
	f->pv.k = f->ptrs;
	f->pv.n = n;
}

static void freepath(struct path_fixture *f)
{
	for (size_t i = 0; i < 8; i++)
		ags_value_clear(&f->keys[i]);
}

static bool enc(const struct ags_sops_rules *r, const char *const *ks, size_t n)
{
	struct ags_sops_matcher *m;
	assert_int_equal(ags_sops_matcher_new(r, true, true, &m, NULL), 0);
	struct path_fixture f;
	mkpath(&f, ks, n);
	struct ags_sops_cstack st = { 0 };
	bool e = ags_sops_should_encrypt(m, &f.pv, &st, false);
	freepath(&f);
	ags_sops_matcher_free(m);
	return e;
}

static void suffixes(void **state)
{
	(void)state;
	struct ags_sops_rules def = { 0 };
	const char *a[] = { "a" }, *b[] = { "foo_unencrypted", "x" }, *c[] = { "x", "y_unencrypted" };
	assert_true(enc(&def, a, 1));
	assert_false(enc(&def, b, 2)); /* a parent key propagates to the subtree */
	assert_false(enc(&def, c, 2));
	struct ags_sops_rules es = { .encrypted_suffix = "_enc" };
	const char *d[] = { "pw_enc" }, *e[] = { "pw" }, *f[] = { "pw_enc", "deep" };
	assert_true(enc(&es, d, 1));
	assert_false(enc(&es, e, 1));
	assert_true(enc(&es, f, 2));
	/* top level (empty path): default encrypts, encrypted_suffix does not */
	assert_true(enc(&def, NULL, 0));
	assert_false(enc(&es, NULL, 0));
}

static void regexes(void **state)
{
	(void)state;
	struct ags_sops_rules er = { .encrypted_regex = "^(data|stringData)$" };
	const char *d[] = { "data", "password" }, *md[] = { "metadata", "name" }, *sd[] = { "stringData" };
	assert_true(enc(&er, d, 2));
	assert_false(enc(&er, md, 2));
	assert_true(enc(&er, sd, 1));
	/* unanchored search: "data" also matches "metadata" */
	struct ags_sops_rules un = { .encrypted_regex = "data" };
	assert_true(enc(&un, md, 2));
	struct ags_sops_rules ur = { .unencrypted_regex = "^(kind|apiVersion)$" };
	const char *k[] = { "kind" }, *n[] = { "name" };
	assert_false(enc(&ur, k, 1));
	assert_true(enc(&ur, n, 1));
	/* Go '$' is end of text only (PCRE would also match before a final newline) */
	struct ags_sops_rules dollar = { .encrypted_regex = "^a$" };
	const char *nl[] = { "a\n" }, *plain[] = { "a" };
	assert_false(enc(&dollar, nl, 1));
	assert_true(enc(&dollar, plain, 1));
	/* RE2 features that PCRE shares */
	struct ags_sops_rules ci = { .encrypted_regex = "(?i)^PASS\\w+\\d{2}$" };
	const char *pw[] = { "password42" };
	assert_true(enc(&ci, pw, 1));
	struct ags_sops_rules named = { .encrypted_regex = "^(?P<x>a|b)[[:digit:]]\\x41\\x{42}$" };
	const char *nm[] = { "b7AB" };
	assert_true(enc(&named, nm, 1));
}

static void re2_rejects(void **state)
{
	(void)state;
	static const char *bad[] = {
		"(a)\\1", "(?=a)", "(?!a)", "(?<=a)b", "(?<!a)b", "(?>a)", "a*+", "a++", "a?+", "a{2}+",
		"(?R)", "(?1)", "(?(1)a|b)", "(?#c)", "\\k<x>", "\\g1", "(*UTF)a", "\\Z", "\\G", "\\K", "\\e",
		"a{1001}", "(?x)a", "\\v", "[a", "a**",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ags_diag d = { 0 };
		int r = ags_sops_regex_check(bad[i], "encrypted_regex", &d);
		if (r != AGS_E_SOPS_REGEX)
			fail_msg("accepted %s", bad[i]);
		assert_non_null(strstr(d.msg, "encrypted_regex"));
	}
	static const char *good[] = {
		"^(data|stringData)$", "a+?", "a*?b", "[^]a]", "\\.", "(?i:x)", "(?P<n>x)", "(?<n>x)", "a{2,3}",
		"\\Qa.b\\E", "[\\d\\s]", "\\pL", "\\p{Greek}", "\\A\\z", "x{", "\\x41", "\\0",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct ags_diag d = { 0 };
		if (ags_sops_regex_check(good[i], "r", &d) != 0)
			fail_msg("rejected %s: %s", good[i], d.msg);
	}
	/* strict compile reports; non-strict (decrypting a file) never matches, as Go ignores the error */
	struct ags_sops_rules r = { .encrypted_regex = "(?=x)" };
	struct ags_sops_matcher *m = NULL;
	assert_int_equal(ags_sops_matcher_new(&r, true, true, &m, NULL), AGS_E_SOPS_REGEX);
	assert_int_equal(ags_sops_matcher_new(&r, false, true, &m, NULL), 0);
	struct path_fixture f;
	const char *x[] = { "x" };
	mkpath(&f, x, 1);
	struct ags_sops_cstack st = { 0 };
	assert_false(ags_sops_should_encrypt(m, &f.pv, &st, false));
	freepath(&f);
	ags_sops_matcher_free(m);
	/* catastrophic backtracking is bounded by the match limit */
	struct ags_sops_rules slow = { .encrypted_regex = "^(a|a)*$" };
	char longkey[64];
	memset(longkey, 'a', 40);
	longkey[40] = 'b';
	longkey[41] = 0;
	const char *lk[] = { longkey };
	assert_false(enc(&slow, lk, 1));
}

static void one_rule_only(void **state)
{
	(void)state;
	struct ags_sops_rules r = { .encrypted_regex = "a", .unencrypted_suffix = "_u" };
	struct ags_diag d = { 0 };
	assert_int_equal(ags_sops_rules_check(&r, &d), AGS_E_SOPS_CONFLICT);
	assert_non_null(strstr(d.msg, "more than one"));
	struct ags_sops_rules ok = { .encrypted_regex = "^a$", .mac_only_encrypted = true };
	assert_int_equal(ags_sops_rules_check(&ok, NULL), 0);
}

static void comment_regexes(void **state)
{
	(void)state;
	struct ags_sops_rules r = { .encrypted_comment_regex = "sops:enc" };
	struct ags_sops_matcher *m;
	assert_int_equal(ags_sops_matcher_new(&r, true, true, &m, NULL), 0);
	struct ags_sops_cstr c1 = { (char *)" sops:enc", 9 };
	struct ags_sops_cstack_level lv = { .c = &c1, .n = 1, .cap = 1 };
	struct ags_sops_cstack st = { .lv = &lv, .n = 1, .cap = 1 };
	struct path_fixture f;
	const char *k[] = { "pw" };
	mkpath(&f, k, 1);
	/* the value under the marker is encrypted, the marker comment itself is not */
	assert_true(ags_sops_should_encrypt(m, &f.pv, &st, false));
	assert_false(ags_sops_should_encrypt(m, &f.pv, &st, true));
	lv.n = 0;
	assert_false(ags_sops_should_encrypt(m, &f.pv, &st, false));
	ags_sops_matcher_free(m);
	struct ags_sops_rules u = { .unencrypted_comment_regex = "^ plain" };
	assert_int_equal(ags_sops_matcher_new(&u, true, true, &m, NULL), 0);
	struct ags_sops_cstr c2 = { (char *)" plain please", 13 };
	lv.c = &c2;
	lv.n = 1;
	assert_false(ags_sops_should_encrypt(m, &f.pv, &st, false));
	lv.n = 0;
	assert_true(ags_sops_should_encrypt(m, &f.pv, &st, false));
	ags_sops_matcher_free(m);
	freepath(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(suffixes),
		cmocka_unit_test(regexes),
		cmocka_unit_test(re2_rejects),
		cmocka_unit_test(one_rule_only),
		cmocka_unit_test(comment_regexes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
