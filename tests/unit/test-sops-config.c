#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "internal.h"
#include <agesops/sops-config.h>

static char *fixture(const char *rel)
{
	const char *shared = getenv("AGS_DATA");
	char *p;
	assert_true(asprintf(&p, "%s/fixtures/sops/%s", shared ? shared : "tests/data", rel) > 0);
	return p;
}

#define AGE1 "age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29"

static struct ags_sops_config *parse(const char *text, const char *path)
{
	struct ags_sops_config *c = NULL;
	struct ags_diag d = { 0 };
	int r = ags_sops_config_parse(text, strlen(text), path, &c, &d);
	if (r < 0)
		fail_msg("parse: %s", d.msg);
	return c;
}

static int parse_err(const char *text, char *msg)
{
	struct ags_sops_config *c = NULL;
	struct ags_diag d = { 0 };
	int r = ags_sops_config_parse(text, strlen(text), "/cfg/.sops.yaml", &c, &d);
	assert_null(c);
	if (msg)
		strcpy(msg, d.msg);
	return r;
}

static const struct ags_sops_creation_rule *match(const struct ags_sops_config *c, const char *f)
{
	const struct ags_sops_creation_rule *r = NULL;
	struct ags_diag d = { 0 };
	if (ags_sops_config_match(c, f, &r, &d) < 0)
		fail_msg("match %s: %s", f, d.msg);
	return r;
}

/* Flux's testdata .sops.yaml: stores indent 2, anchors/aliases, path_regex
 * rules with pgp/age, a key_groups fallback. */
static void flux_fixture(void **state)
{
	(void)state;
	char *p = fixture("fluxcd__kustomize-controller/internal__controller__testdata__sops__.sops.yaml");
	struct ags_sops_config *c = NULL;
	struct ags_diag d = { 0 };
	assert_int_equal(ags_sops_config_load(p, &c, &d), 0);
	assert_true(c->has_creation_rules);
	assert_int_equal(c->nrules, 5);
	assert_int_equal(c->yaml_indent, 2);
	assert_int_equal(c->json_indent, 2);
	assert_int_equal(c->json_binary_indent, AGS_SOPS_INDENT_UNSET);

	char f[4096];
	snprintf(f, sizeof(f), "%s/inside.yaml", c->dir);
	const struct ags_sops_creation_rule *r = match(c, f);
	assert_int_equal(r->index, 0);
	assert_string_equal(r->encrypted_regex, "^(data|stringData)$");
	assert_int_equal(r->ngroups, 1);
	assert_int_equal(r->groups[0].nage, 0);
	/* pgp keys are keys agesops encrypts for (through gpg) */
	assert_int_equal(r->groups[0].nother, 0);
	assert_int_equal(r->groups[0].npgp, 1);
	assert_string_equal(r->groups[0].pgp[0], "35C1A64CD7FC0AB6EB66756B2445463C3234ECE1");
	assert_int_equal(ags_sops_rule_check(r, &d), 0);

	snprintf(f, sizeof(f), "%s/sub/x.json.yaml", c->dir);
	r = match(c, f);
	assert_int_equal(r->index, 1);
	assert_string_equal(r->encrypted_regex, ".*");
	assert_int_equal(r->groups[0].nage, 1);
	assert_string_equal(r->groups[0].age[0], AGE1);

	snprintf(f, sizeof(f), "%s/secret.yaml", c->dir);
	r = match(c, f);
	assert_int_equal(r->index, 2);
	/* the alias resolves to the anchored value */
	assert_string_equal(r->encrypted_regex, "^(data|stringData)$");
	assert_string_equal(r->groups[0].age[0], AGE1);
	assert_int_equal(ags_sops_rule_check(r, &d), 0);

	snprintf(f, sizeof(f), "%s/a.env", c->dir);
	assert_int_equal(match(c, f)->index, 3);
	assert_null(match(c, f)->encrypted_regex);

	/* the fallback: two key groups, one age and one pgp-only */
	snprintf(f, sizeof(f), "%s/other.bin", c->dir);
	r = match(c, f);
	assert_int_equal(r->index, 4);
	assert_true(r->from_key_groups);
	assert_int_equal(r->ngroups, 2);
	assert_string_equal(r->groups[0].age[0], AGE1);
	assert_int_equal(r->groups[1].nage, 0);
	assert_int_equal(r->groups[1].npgp, 1);
	assert_int_equal(ags_sops_rule_threshold(r), 2);
	assert_int_equal(ags_sops_rule_check(r, &d), 0);
	ags_sops_config_free(c);
	free(p);
}

/* talhelper: a folded (>-) age string, no path_regex. */
static void talhelper_fixture(void **state)
{
	(void)state;
	char *p = fixture("budimanjojo__talhelper/pkg__substitute__testdata__.sops.yaml");
	struct ags_sops_config *c = NULL;
	assert_int_equal(ags_sops_config_load(p, &c, NULL), 0);
	const struct ags_sops_creation_rule *r = match(c, "/anywhere/at/all.yaml");
	assert_int_equal(r->groups[0].nage, 1);
	assert_string_equal(r->groups[0].age[0], "age10k9mjx3wcfzd7dwx3uqs68v7dzlwvwpzp8jyjpysjhy9mdwzhghqy2vhvn");
	assert_int_equal(c->yaml_indent, AGS_SOPS_INDENT_UNSET);
	ags_sops_config_free(c);
	free(p);
}

/* sops' functional tests config: pgp key_groups, empty groups, destination_rules (ignored). */
static void sops_functional_fixture(void **state)
{
	(void)state;
	char *p = fixture("getsops__sops/functional-tests__.sops.yaml");
	struct ags_sops_config *c = NULL;
	struct ags_diag d;
	assert_int_equal(ags_sops_config_load(p, &c, &d), 0);
	assert_int_equal(c->nrules, 6);
	char f[4096];
	snprintf(f, sizeof(f), "%s/test_roundtrip_keygroups.yaml", c->dir);
	const struct ags_sops_creation_rule *r = match(c, f);
	assert_int_equal(r->ngroups, 2);
	assert_int_equal(r->groups[1].nother, 0);
	assert_int_equal(r->groups[1].npgp, 1);
	snprintf(f, sizeof(f), "%s/test_no_keygroups.yaml", c->dir);
	r = match(c, f);
	assert_int_equal(r->index, 2);
	assert_int_equal(r->ngroups, 0);
	assert_int_equal(ags_sops_rule_check(r, NULL), 0); /* keys may come from flags */
	snprintf(f, sizeof(f), "%s/test_zero_keygroups.yaml", c->dir);
	r = match(c, f);
	assert_int_equal(r->ngroups, 0);
	snprintf(f, sizeof(f), "%s/test_empty_keygroup.yaml", c->dir);
	r = match(c, f);
	assert_int_equal(r->ngroups, 1);
	assert_int_equal(ags_sops_rule_check(r, &d), AGS_E_SOPS_NO_RECIPIENTS);
	assert_non_null(strstr(d.msg, "has no keys"));
	ags_sops_config_free(c);
	free(p);
}

static void rules_and_groups(void **state)
{
	(void)state;
	struct ags_sops_config *c = parse(
		"unknown_top: [1, 2]\n"
		"x-anchors:\n"
		"  team: &team age1aaa, age1bbb\n"
		"creation_rules:\n"
		"  - path_regex: ^prod/.*\\.yaml$\n"
		"    shamir_threshold: 2\n"
		"    mac_only_encrypted: true\n"
		"    unencrypted_regex: ^(kind|apiVersion)$\n"
		"    key_groups:\n"
		"      - age: [*team, age1aaa]\n"
		"        kms: [{arn: x}]\n"
		"      - age:\n"
		"          - age1ccc\n"
		"        merge:\n"
		"          - age: [age1ddd]\n"
		"            pgp: [FPR]\n"
		"      - age: ['age1eee,age1fff']\n"
		"  - path_regex: ''\n"
		"    age: [' age1x ', age1y]\n"
		"    pgp: A,B\n"
		"    encrypted_suffix: _enc\n",
		"/repo/.sops.yaml");
	assert_int_equal(c->nrules, 2);
	const struct ags_sops_creation_rule *r = match(c, "/repo/prod/app/secret.yaml");
	assert_int_equal(r->index, 0);
	assert_true(r->mac_only_encrypted);
	assert_int_equal(r->shamir_threshold, 2);
	assert_string_equal(r->unencrypted_regex, "^(kind|apiVersion)$");
	assert_int_equal(r->ngroups, 3);
	/* comma list split, trimmed, duplicates removed */
	assert_int_equal(r->groups[0].nage, 2);
	assert_string_equal(r->groups[0].age[0], "age1aaa");
	assert_string_equal(r->groups[0].age[1], "age1bbb");
	assert_string_equal(r->groups[0].other_types, "kms");
	/* merge flattened before the group's own keys, as sops */
	assert_int_equal(r->groups[1].nage, 2);
	assert_string_equal(r->groups[1].age[0], "age1ddd");
	assert_string_equal(r->groups[1].age[1], "age1ccc");
	assert_int_equal(r->groups[1].npgp, 1);
	assert_string_equal(r->groups[1].pgp[0], "FPR");
	assert_string_equal(r->groups[1].other_types, "");
	assert_int_equal(r->groups[2].nage, 2);
	assert_int_equal(ags_sops_rule_check(r, NULL), 0);

	/* relative to the config dir: a file elsewhere keeps its absolute path */
	r = match(c, "/elsewhere/prod/x.yaml");
	assert_int_equal(r->index, 1);
	assert_int_equal(r->groups[0].nage, 2);
	assert_string_equal(r->groups[0].age[0], "age1x");
	assert_int_equal(r->groups[0].npgp, 2);
	assert_string_equal(r->groups[0].pgp[1], "B");
	assert_int_equal(r->groups[0].nother, 0);
	assert_string_equal(r->encrypted_suffix, "_enc");
	ags_sops_config_free(c);

	/* unanchored search, RE2 '$' = end of text only */
	c = parse("creation_rules:\n  - path_regex: data\n    age: age1q\n", "/r/.sops.yaml");
	assert_int_equal(match(c, "/r/metadata.yaml")->index, 0);
	ags_sops_config_free(c);
	c = parse("creation_rules:\n  - path_regex: a$\n    age: age1q\n", "/r/.sops.yaml");
	struct ags_diag d;
	const struct ags_sops_creation_rule *rr;
	assert_int_equal(ags_sops_config_match(c, "/r/a\n", &rr, &d), AGS_E_SOPS_CONFIG);
	assert_non_null(strstr(d.msg, "no matching creation rules found"));
	ags_sops_config_free(c);

	/* no creation_rules: as no config */
	c = parse("stores:\n  yaml:\n    indent: 6\ndestination_rules: []\n", "/r/.sops.yaml");
	assert_false(c->has_creation_rules);
	assert_int_equal(c->yaml_indent, 6);
	rr = (void *)1;
	assert_int_equal(ags_sops_config_match(c, "/r/x.yaml", &rr, NULL), 0);
	assert_null(rr);
	ags_sops_config_free(c);
	c = parse("", "/r/.sops.yaml");
	assert_false(c->has_creation_rules);
	ags_sops_config_free(c);
}

static void conflicts(void **state)
{
	(void)state;
	struct ags_sops_config *c = parse("creation_rules:\n  - age: age1q\n    encrypted_regex: a\n"
					  "    unencrypted_suffix: _u\n",
					  "/r/.sops.yaml");
	struct ags_diag d;
	assert_int_equal(ags_sops_rule_check(&c->rules[0], &d), AGS_E_SOPS_CONFLICT);
	assert_non_null(strstr(d.msg, "more than one"));
	ags_sops_config_free(c);
	c = parse("creation_rules:\n  - shamir_threshold: 3\n    key_groups:\n      - age: [age1a]\n"
		  "      - age: [age1b]\n",
		  "/r/.sops.yaml");
	assert_int_equal(ags_sops_rule_check(&c->rules[0], &d), AGS_E_SOPS_SHAMIR);
	ags_sops_config_free(c);
}

static void bad_configs(void **state)
{
	(void)state;
	char msg[AGS_DIAG_MAX];
	assert_int_equal(parse_err("creation_rules: [\n", msg), AGS_E_SOPS_CONFIG);
	assert_non_null(strstr(msg, "/cfg/.sops.yaml:"));
	assert_int_equal(parse_err("- a\n- b\n", msg), AGS_E_SOPS_CONFIG);
	assert_non_null(strstr(msg, "top level"));
	assert_int_equal(parse_err("creation_rules: {a: 1}\n", msg), AGS_E_SOPS_CONFIG);
	assert_int_equal(parse_err("creation_rules:\n  - age: {a: b}\n", msg), AGS_E_SOPS_CONFIG);
	assert_non_null(strstr(msg, "creation_rules[0].age"));
	assert_int_equal(parse_err("creation_rules:\n  - age: [[x]]\n", msg), AGS_E_SOPS_CONFIG);
	assert_int_equal(parse_err("creation_rules:\n  - shamir_threshold: two\n", msg), AGS_E_SOPS_CONFIG);
	assert_non_null(strstr(msg, "shamir_threshold"));
	assert_int_equal(parse_err("creation_rules:\n  - mac_only_encrypted: yes\n", msg), AGS_E_SOPS_CONFIG);
	assert_int_equal(parse_err("creation_rules:\n  - path_regex: '(a'\n", msg), AGS_E_SOPS_REGEX);
	assert_non_null(strstr(msg, "creation_rules[0].path_regex"));
	assert_int_equal(parse_err("creation_rules:\n  - path_regex: '(?=a)b'\n", msg), AGS_E_SOPS_REGEX);
	assert_int_equal(parse_err("creation_rules:\n  - path_regex: '(a)\\1'\n", msg), AGS_E_SOPS_REGEX);
	assert_int_equal(parse_err("stores:\n  json:\n    indent: -5\n", msg), AGS_E_SOPS_CONFIG);
	assert_int_equal(parse_err("creation_rules:\n  - key_groups: {age: x}\n", msg), AGS_E_SOPS_CONFIG);
	assert_int_equal(parse_err("a: \xff\n", msg), AGS_E_SOPS_CONFIG);
	assert_non_null(strstr(msg, "UTF-8"));
	assert_int_equal(parse_err("a: *nope\n", msg), AGS_E_SOPS_CONFIG);
}

static void discovery(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/ags-cfg-XXXXXX";
	char *root = mkdtemp(tmpl);
	assert_non_null(root);
	char a[512], b[512], f[512], alt[512];
	snprintf(a, sizeof(a), "%s/a", root);
	snprintf(b, sizeof(b), "%s/a/b", root);
	assert_int_equal(mkdir(a, 0700), 0);
	assert_int_equal(mkdir(b, 0700), 0);
	snprintf(f, sizeof(f), "%s/.sops.yaml", root);
	snprintf(alt, sizeof(alt), "%s/a/.sops.yml", root);
	FILE *fp = fopen(f, "w");
	fputs("creation_rules: []\n", fp);
	fclose(fp);
	fp = fopen(alt, "w");
	fclose(fp);
	char *path = NULL, *warn = NULL;
	assert_int_equal(ags_sops_config_find(b, &path, &warn), 0);
	char *real = realpath(f, NULL);
	assert_string_equal(path, real);
	assert_non_null(warn);
	assert_non_null(strstr(warn, ".sops.yml"));
	free(path);
	free(warn);
	free(real);
	unlink(f);
	/* none left on the way up (assuming no .sops.yaml in / or /tmp) */
	path = NULL;
	int r = ags_sops_config_find(b, &path, NULL);
	if (r == 0) {
		assert_true(strncmp(path, "/tmp/ags-cfg-", 13) != 0);
		free(path);
	} else {
		assert_int_equal(r, AGS_E_SOPS_CONFIG_NOT_FOUND);
	}
	unlink(alt);
	rmdir(b);
	rmdir(a);
	rmdir(root);
	struct ags_sops_config *c = NULL;
	struct ags_diag d;
	assert_int_equal(ags_sops_config_load("/nonexistent/.sops.yaml", &c, &d), AGS_E_SOPS_CONFIG_NOT_FOUND);
	assert_non_null(strstr(d.msg, "/nonexistent/.sops.yaml"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(flux_fixture),
		cmocka_unit_test(talhelper_fixture),
		cmocka_unit_test(sops_functional_fixture),
		cmocka_unit_test(rules_and_groups),
		cmocka_unit_test(conflicts),
		cmocka_unit_test(bad_configs),
		cmocka_unit_test(discovery),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
