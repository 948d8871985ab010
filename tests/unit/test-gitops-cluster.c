/*
 * lib/gitops cluster scaffolding as a library: the layout, the .sops.yaml
 * rule (insert, keep, refuse, replace), the files the rule covers,
 * kustomization edits, the key file, and cluster_init end to end in a
 * throw-away directory (no terminal, nothing printed).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include <agesops/gitops.h>
#include "util/buf.h"
#include "util/file.h"

static const char *K1 = "age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29";
static const char *K2 = "age1henwn645gyz3a4k8ftk3vgwzxkcgnltmjvqlgwsjqxhk7d6dcpdszvx0ql";

static char tmpl[64];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpl, sizeof(tmpl), "/tmp/ags-gitops-XXXXXX");
	return mkdtemp(tmpl) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpl);
	return system(cmd) == 0 ? 0 : -1;
}

static void put(const char *rel, const char *text)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", tmpl, rel);
	char dir[256];
	snprintf(dir, sizeof(dir), "%s", p);
	*strrchr(dir, '/') = 0;
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(ags_file_write_atomic(p, text, strlen(text), 0644, false), 0);
}

static char *get(const char *rel)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", tmpl, rel);
	struct ags_buf b;
	ags_buf_init(&b, 1 << 20);
	if (ags_file_read(p, &b) < 0)
		return NULL;
	ags_buf_putc(&b, 0);
	return ags_buf_detach(&b, NULL);
}

static void test_layout(void **state)
{
	(void)state;
	struct ags_gitops_cluster c;
	struct ags_diag d = { 0 };
	assert_int_equal(ags_gitops_cluster_layout("/r", "c9", NULL, NULL, &c, &d), 0);
	assert_string_equal(c.secrets_rel, "secrets/c9");
	assert_string_equal(c.flux_rel, "clusters/c9");
	assert_string_equal(c.public_key, "/r/secrets/c9/.sops.public.key");
	assert_string_equal(c.sops_yaml, "/r/.sops.yaml");
	assert_string_equal(c.rule_regex, "^secrets/c9/.*\\.ya?ml$");
	assert_string_equal(c.flux_kustomization, "/r/clusters/c9/secrets.yaml");
	ags_gitops_cluster_clear(&c);
	/* trailing slashes go, regex characters are quoted */
	assert_int_equal(ags_gitops_cluster_layout("/r", "c9", "sec.d/x+y/", "f//", &c, &d), 0);
	assert_string_equal(c.secrets_rel, "sec.d/x+y");
	assert_string_equal(c.flux_rel, "f");
	assert_string_equal(c.rule_regex, "^sec\\.d/x\\+y/.*\\.ya?ml$");
	ags_gitops_cluster_clear(&c);
	/* bad input */
	assert_int_equal(ags_gitops_cluster_layout("/r", "Bad_Name", NULL, NULL, &c, &d), AGS_E_GITOPS_INVALID);
	assert_non_null(strstr(d.msg, "RFC 1123"));
	assert_int_equal(ags_gitops_cluster_layout("/r", "c9", "../x", NULL, &c, &d), AGS_E_GITOPS_INVALID);
	assert_int_equal(ags_gitops_cluster_layout("/r", "c9", NULL, "/abs", &c, &d), AGS_E_GITOPS_INVALID);
	assert_int_equal(ags_gitops_cluster_layout("rel", "c9", NULL, NULL, &c, &d), AGS_E_INVAL);
	ags_gitops_cluster_clear(NULL);
}

static void test_rule(void **state)
{
	(void)state;
	struct ags_gitops_cluster c;
	struct ags_diag d = { 0 };
	bool changed, found;
	char **age = NULL;
	size_t n = 0;
	assert_int_equal(ags_gitops_cluster_layout(tmpl, "c9", NULL, NULL, &c, &d), 0);
	/* no .sops.yaml: no rule, then a new file with ours */
	assert_int_equal(ags_gitops_cluster_rule(&c, &found, &age, &n, &d), 0);
	assert_false(found);
	const char *k1[1] = { K1 };
	/* an existing config keeps its comments and other rules, ours goes first at their indentation */
	put(".sops.yaml", "# mine\ncreation_rules:\n    - path_regex: .*\n      age: " "age1henwn645gyz3a4k8ftk3vgwzxkcgnltmjvqlgwsjqxhk7d6dcpdszvx0ql\n");
	assert_int_equal(ags_gitops_cluster_set_rule(&c, k1, 1, false, &changed, &d), 0);
	assert_true(changed);
	char *t = get(".sops.yaml");
	assert_string_equal(t, "# mine\ncreation_rules:\n    - path_regex: ^secrets/c9/.*\\.ya?ml$\n"
			       "      encrypted_regex: ^(data|stringData)$\n"
			       "      age: age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29\n"
			       "    - path_regex: .*\n      age: age1henwn645gyz3a4k8ftk3vgwzxkcgnltmjvqlgwsjqxhk7d6dcpdszvx0ql\n");
	free(t);
	assert_int_equal(ags_gitops_cluster_rule(&c, &found, &age, &n, &d), 0);
	assert_true(found);
	assert_int_equal(n, 1);
	assert_string_equal(age[0], K1);
	ags_gitops_strv_free(age);
	/* same key again: nothing written */
	assert_int_equal(ags_gitops_cluster_set_rule(&c, k1, 1, false, &changed, &d), 0);
	assert_false(changed);
	/* another key: refused unless replace */
	const char *k12[2] = { K2, K1 };
	assert_int_equal(ags_gitops_cluster_set_rule(&c, k12, 2, false, &changed, &d), AGS_E_EXISTS);
	assert_non_null(strstr(d.msg, "names another key"));
	assert_int_equal(ags_gitops_cluster_set_rule(&c, k12, 2, true, &changed, &d), 0);
	assert_true(changed);
	assert_int_equal(ags_gitops_cluster_rule(&c, &found, &age, &n, &d), 0);
	assert_int_equal(n, 2);
	assert_string_equal(age[0], K2);
	assert_string_equal(age[1], K1);
	ags_gitops_strv_free(age);
	t = get(".sops.yaml");
	assert_non_null(strstr(t, "    - path_regex: .*\n")); /* the other rule untouched */
	free(t);
	/* a flow-style list cannot be edited as text: say what to add */
	ags_gitops_cluster_clear(&c);
	assert_int_equal(ags_gitops_cluster_layout(tmpl, "c8", NULL, NULL, &c, &d), 0);
	put(".sops.yaml", "creation_rules: [{path_regex: x, age: age1henwn645gyz3a4k8ftk3vgwzxkcgnltmjvqlgwsjqxhk7d6dcpdszvx0ql}]\n");
	assert_int_equal(ags_gitops_cluster_set_rule(&c, k1, 1, false, &changed, &d), AGS_E_GITOPS_INVALID);
	assert_non_null(strstr(d.msg, "add the rule by hand"));
	/* an unparsable .sops.yaml is an error, never "no rule" */
	put(".sops.yaml", "creation_rules:\n  - path_regex: [\n");
	assert_int_equal(ags_gitops_cluster_set_rule(&c, k1, 1, false, &changed, &d), AGS_E_SOPS_CONFIG);
	assert_int_equal(ags_gitops_cluster_rule(&c, &found, &age, &n, &d), AGS_E_SOPS_CONFIG);
	ags_gitops_cluster_clear(&c);
}

static void test_recipients_and_rules(void **state)
{
	(void)state;
	struct ags_gitops_cluster c;
	struct ags_diag d = { 0 };
	assert_int_equal(ags_gitops_cluster_layout(tmpl, "c9", NULL, NULL, &c, &d), 0);
	put(".sops.yaml", "creation_rules:\n  - path_regex: ^secrets/c9/.*\\.ya?ml$\n    age: age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29\n"
			  "  - path_regex: .*\n    age: age1henwn645gyz3a4k8ftk3vgwzxkcgnltmjvqlgwsjqxhk7d6dcpdszvx0ql\n");
	put("secrets/c9/b.yaml", "x: 1\n");
	put("secrets/c9/sub/a.yml", "x: 1\n");
	put("secrets/c9/notes.txt", "x\n");
	put("secrets/c9/.sops.public.key", "# cluster c9\nage1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29\n\n  age1henwn645gyz3a4k8ftk3vgwzxkcgnltmjvqlgwsjqxhk7d6dcpdszvx0ql \r\n");
	put("secrets/c8/c.yaml", "x: 1\n");
	/* (the cluster's files: ags_gitops_cluster_files, run by tests/interop/k8s-rotate.sh) */
	char want[256];
	/* the recipients a new file gets: the rule wins over .sops.public.key */
	struct ags_gitops_recipients rec;
	snprintf(want, sizeof(want), "%s/secrets/c9/new.yaml", tmpl);
	assert_int_equal(ags_gitops_find_recipients(want, &rec, &d), 0);
	assert_int_equal(rec.n, 1);
	assert_string_equal(rec.age[0], K1);
	ags_gitops_recipients_clear(&rec);
	/* check's cached view: the rule by path, the config's errors once */
	struct ags_gitops_rules *rules = NULL;
	struct ags_gitops_expected x;
	assert_int_equal(ags_gitops_rules_new(&rules), 0);
	assert_int_equal(ags_gitops_rules_expected(rules, want, &x, &d), 0);
	assert_int_equal(x.nage, 1);
	assert_string_equal(x.age[0], K1);
	assert_null(x.encrypted_regex);
	assert_null(x.config_error);
	snprintf(want, sizeof(want), "%s/secrets/c8/c.yaml", tmpl);
	assert_int_equal(ags_gitops_rules_expected(rules, want, &x, &d), 0);
	assert_string_equal(x.age[0], K2);
	ags_gitops_rules_free(rules);
	put(".sops.yaml", "creation_rules: [\n");
	assert_int_equal(ags_gitops_rules_new(&rules), 0);
	assert_int_equal(ags_gitops_rules_expected(rules, want, &x, &d), 0);
	assert_non_null(x.config_error);
	assert_non_null(strstr(x.config_path, ".sops.yaml"));
	assert_int_equal(x.nage, 0); /* c8 has no .sops.public.key */
	snprintf(want, sizeof(want), "%s/secrets/c9/b.yaml", tmpl);
	assert_int_equal(ags_gitops_rules_expected(rules, want, &x, &d), 0);
	assert_null(x.config_error); /* said once */
	assert_int_equal(x.nage, 2); /* from .sops.public.key */
	ags_gitops_rules_free(rules);
	ags_gitops_rules_free(NULL);
	ags_gitops_cluster_clear(&c);
}

static void test_kustomization(void **state)
{
	(void)state;
	struct ags_diag d = { 0 };
	bool changed;
	char p[256];
	const char *items[2] = { "a.yaml", "b.yaml" };
	snprintf(p, sizeof(p), "%s/k/kustomization.yaml", tmpl);
	assert_int_equal(ags_gitops_kustomization_add(p, items, 2, false, &changed, &d), 0);
	assert_false(changed); /* absent and not to be made */
	assert_int_equal(ags_gitops_kustomization_add(p, items, 1, true, &changed, &d), 0);
	assert_true(changed);
	assert_int_equal(ags_gitops_kustomization_add(p, items, 2, false, &changed, &d), 0);
	assert_true(changed);
	char *t = get("k/kustomization.yaml");
	assert_string_equal(t, "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n"
			       "  - b.yaml\n  - a.yaml\n");
	free(t);
	assert_int_equal(ags_gitops_kustomization_add(p, items, 2, false, &changed, &d), 0);
	assert_false(changed);
	/* no resources: yet, no final newline */
	put("j/kustomization.yaml", "kind: Kustomization");
	snprintf(p, sizeof(p), "%s/j/kustomization.yaml", tmpl);
	assert_int_equal(ags_gitops_kustomization_add(p, items, 1, false, &changed, &d), 0);
	t = get("j/kustomization.yaml");
	assert_string_equal(t, "kind: Kustomization\nresources:\n  - a.yaml\n");
	free(t);
}

static void test_key_file(void **state)
{
	(void)state;
	struct ags_diag d = { 0 };
	char *text = NULL, *rec = NULL, *rec2 = NULL, p[256];
	size_t len = 0;
	assert_int_equal(ags_gitops_keygen(&text, &len, &rec, &d), 0);
	assert_non_null(strstr(text, "# created: "));
	assert_non_null(strstr(text, rec));
	assert_non_null(strstr(text, "AGE-SECRET-KEY-1"));
	snprintf(p, sizeof(p), "%s/keys/c9.agekey", tmpl);
	assert_int_equal(ags_gitops_write_key_file(p, text, len, &d), 0);
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* never replaced */
	assert_int_equal(ags_gitops_write_key_file(p, text, len, &d), AGS_E_EXISTS);
	assert_int_equal(ags_gitops_key_file_recipient(p, &rec2, &d), 0);
	assert_string_equal(rec, rec2);
	ags_gitops_secret_text_free(text, len);
	free(rec);
	free(rec2);
	/* not a key file */
	put("keys/bad.agekey", "# nothing here\n");
	snprintf(p, sizeof(p), "%s/keys/bad.agekey", tmpl);
	assert_true(ags_gitops_key_file_recipient(p, &rec2, &d) < 0);
	assert_true(ags_gitops_path_inside(p, tmpl));
	assert_false(ags_gitops_path_inside("/elsewhere/x", tmpl));
	setenv("XDG_CONFIG_HOME", "/x", 1);
	assert_int_equal(ags_gitops_default_key_path("c9", &rec, &d), 0);
	assert_string_equal(rec, "/x/agesops/keys/c9.agekey");
	free(rec);
}

struct seen {
	int steps;
	int asked;
	char last[256];
};

static int value(void *ctx, const char *var, const char *prompt, struct ags_buf *out, struct ags_diag *d)
{
	struct seen *s = ctx;
	(void)prompt;
	(void)d;
	s->asked++;
	return ags_buf_puts(out, !strcmp(var, "GIT_TOKEN") ? "tok3n" : "0f3c8e1a-1234-4abc-9def-0123456789ab");
}

static void step(void *ctx, enum ags_gitops_init_step st, const char *rel, bool changed)
{
	struct seen *s = ctx;
	(void)st;
	(void)changed;
	s->steps++;
	snprintf(s->last, sizeof(s->last), "%s", rel);
}

static void test_init(void **state)
{
	(void)state;
	struct ags_gitops_cluster c;
	struct ags_diag d = { 0 };
	struct seen seen = { 0 };
	assert_int_equal(ags_gitops_cluster_layout(tmpl, "c9", NULL, NULL, &c, &d), 0);
	struct ags_gitops_init_opts o = {
		.cluster = &c, .recipient = K1, .git = true, .proxmox = true,
		.git_url = "https://git.example/r.git", .proxmox_url = "https://pve:8006",
		.proxmox_token_id = "root@pam!t", .value = value, .step = step, .ctx = &seen,
	};
	struct ags_gitops_init_result res = { 0 };
	/* bad options are refused before anything is written */
	o.git_url = "ftp://x";
	assert_int_equal(ags_gitops_cluster_init(&o, &res, &d), AGS_E_GITOPS_INVALID);
	assert_non_null(strstr(d.msg, "scheme not supported"));
	o.git_url = "https://git.example/r.git";
	o.proxmox_insecure = "yes";
	assert_int_equal(ags_gitops_cluster_init(&o, &res, &d), AGS_E_GITOPS_INVALID);
	assert_string_equal(d.msg, "--proxmox-insecure must be true or false");
	assert_null(get(".sops.yaml"));
	o.proxmox_insecure = NULL;
	assert_int_equal(ags_gitops_cluster_init(&o, &res, &d), 0);
	assert_null(res.deploy_key);
	assert_int_equal(seen.asked, 2);
	assert_int_equal(seen.steps, 6); /* no clusters/c9/kustomization.yaml to wire into */
	assert_string_equal(seen.last, "clusters/c9/secrets.yaml");
	char *t = get("secrets/c9/git-secret.yaml");
	assert_non_null(strstr(t, "password: ENC[AES256_GCM,"));
	assert_null(strstr(t, "tok3n"));
	assert_non_null(strstr(t, K1));
	free(t);
	t = get("secrets/c9/.sops.public.key");
	assert_non_null(strstr(t, K1));
	free(t);
	/* again: nothing asked, nothing changed; another key is refused */
	seen.asked = 0;
	assert_int_equal(ags_gitops_cluster_init(&o, &res, &d), 0);
	assert_int_equal(seen.asked, 0);
	o.recipient = K2;
	assert_int_equal(ags_gitops_cluster_init(&o, &res, &d), AGS_E_EXISTS);
	assert_non_null(strstr(d.msg, ".sops.public.key names another key"));
	ags_gitops_cluster_clear(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test_setup_teardown(test_rule, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recipients_and_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kustomization, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
