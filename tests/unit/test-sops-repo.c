#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <unistd.h>
#include "internal.h"
#include <agesops/sops-repo.h>

static char root[64];

static void touch(const char *rel)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs("x: 1\n", f);
	fclose(f);
}

static void mk(const char *rel)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	assert_int_equal(mkdir(p, 0700), 0);
}

static int setup(void **state)
{
	(void)state;
	strcpy(root, "/tmp/ags-repo-XXXXXX");
	assert_non_null(mkdtemp(root));
	mk("clusters");
	mk("clusters/prod");
	mk(".git");
	touch(".git/secret.enc.yaml");
	touch("clusters/prod/a.enc.yaml");
	touch("clusters/prod/b.enc.yaml");
	touch("clusters/prod/kustomization.yaml");
	touch("README.md");
	touch("top.enc.yaml");
	char p[512];
	snprintf(p, sizeof(p), "%s/clusters/link.enc.yaml", root);
	assert_int_equal(symlink("prod/a.enc.yaml", p), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static const char *rel(const char *p)
{
	return p + strlen(root) + 1;
}

static void collect(void **state)
{
	(void)state;
	char cfgpath[512], cfgtext[256];
	snprintf(cfgpath, sizeof(cfgpath), "%s/.sops.yaml", root);
	snprintf(cfgtext, sizeof(cfgtext), "creation_rules:\n  - path_regex: \\.enc\\.yaml$\n    age: age1x\n");
	struct ags_sops_config *c = NULL;
	assert_int_equal(ags_sops_config_parse(cfgtext, strlen(cfgtext), cfgpath, &c, NULL), 0);
	struct ags_repo_files f = { 0 };
	assert_int_equal(ags_repo_collect(root, c, AGS_REPO_SELECT_ANY_RULE, &f, NULL), 0);
	/* sorted; no .git, no symlink, only matching files */
	assert_int_equal(f.n, 3);
	assert_string_equal(rel(f.paths[0]), "clusters/prod/a.enc.yaml");
	assert_string_equal(rel(f.paths[1]), "clusters/prod/b.enc.yaml");
	assert_string_equal(rel(f.paths[2]), "top.enc.yaml");
	ags_repo_files_clear(&f);
	ags_sops_config_free(c);

	/* path_regex is relative to the config's directory: ^clusters/ */
	snprintf(cfgtext, sizeof(cfgtext), "creation_rules:\n  - path_regex: ^clusters/.*\\.yaml$\n  - age: x\n");
	assert_int_equal(ags_sops_config_parse(cfgtext, strlen(cfgtext), cfgpath, &c, NULL), 0);
	char sub[512];
	snprintf(sub, sizeof(sub), "%s/clusters/", root);
	assert_int_equal(ags_repo_collect(sub, c, AGS_REPO_SELECT_REGEX_RULE, &f, NULL), 0);
	assert_int_equal(f.n, 3);
	assert_string_equal(rel(f.paths[2]), "clusters/prod/kustomization.yaml");
	ags_repo_files_clear(&f);
	/* the catch-all second rule takes everything else when allowed */
	assert_int_equal(ags_repo_collect(root, c, AGS_REPO_SELECT_ANY_RULE, &f, NULL), 0);
	assert_int_equal(f.n, 5);
	ags_repo_files_clear(&f);
	ags_sops_config_free(c);

	struct ags_diag d;
	assert_int_equal(ags_repo_collect("/nonexistent-dir", NULL, 0, &f, &d), -ENOENT);
	assert_non_null(strstr(d.msg, "/nonexistent-dir"));
	snprintf(sub, sizeof(sub), "%s/README.md", root);
	assert_int_equal(ags_repo_collect(sub, NULL, 0, &f, &d), -ENOTDIR);
}

static atomic_int calls;
static int job(const char *path, void *ctx, struct ags_diag *d)
{
	(void)ctx;
	atomic_fetch_add(&calls, 1);
	if (strstr(path, "bad"))
		return ags_diag_set(d, AGS_E_SOPS_MAC_MISMATCH, "%s: MAC mismatch", path);
	if (strstr(path, "same"))
		return 1;
	return 0;
}

static size_t last_done;
static void progress(size_t done, size_t total, void *p)
{
	(void)p;
	assert_true(done == last_done + 1);
	assert_true(done <= total);
	last_done = done;
}

static void run_pool(void **state)
{
	(void)state;
	struct ags_repo_files f = { 0 };
	char name[64];
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "%s-%d", i % 100 == 7 ? "bad" : i % 10 == 3 ? "same" : "ok", i);
		assert_int_equal(ags_repo_files_add(&f, name), 0);
	}
	struct ags_repo_result *res = calloc(f.n, sizeof(*res));
	for (unsigned t = 0; t <= 4; t++) {
		atomic_store(&calls, 0);
		last_done = 0;
		assert_int_equal(ags_repo_run(&f, t, job, NULL, res, progress, NULL), 10);
		assert_int_equal(atomic_load(&calls), 1000);
		assert_int_equal(last_done, 1000);
		assert_int_equal(res[7].rc, AGS_E_SOPS_MAC_MISMATCH);
		assert_non_null(strstr(res[7].diag.msg, "bad-7: MAC mismatch"));
		assert_int_equal(res[3].rc, 1);
		assert_int_equal(res[0].rc, 0);
	}
	free(res);
	ags_repo_files_clear(&f);
	assert_true(ags_repo_ncores() >= 1);
}

static void batch_write(void **state)
{
	(void)state;
	char p[512];
	snprintf(p, sizeof(p), "%s/w.yaml", root);
	FILE *f = fopen(p, "w");
	fputs("old\n", f);
	fclose(f);
	assert_int_equal(chmod(p, 0640), 0);
	assert_int_equal(ags_repo_write(p, "new content\n", 12), 0);
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(st.st_size, 12);
	f = fopen(p, "r");
	char buf[32] = { 0 };
	assert_int_equal(fread(buf, 1, sizeof(buf), f), 12);
	fclose(f);
	assert_string_equal(buf, "new content\n");
	struct ags_repo_files one = { 0 };
	assert_int_equal(ags_repo_files_add(&one, p), 0);
	assert_int_equal(ags_repo_files_add(&one, "relative-name"), 0);
	assert_int_equal(ags_repo_sync_dirs(&one), 0);
	ags_repo_files_clear(&one);
	/* no temp file left next to it */
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "ls '%s' | grep -q tmp", root);
	assert_int_not_equal(system(cmd), 0);
	/* a missing file is not created */
	snprintf(p, sizeof(p), "%s/missing.yaml", root);
	assert_int_equal(ags_repo_write(p, "x", 1), -ENOENT);
	assert_int_not_equal(access(p, F_OK), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(collect),
		cmocka_unit_test(run_pool),
		cmocka_unit_test(batch_write),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
