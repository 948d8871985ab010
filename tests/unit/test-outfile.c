/* util/outfile.h: write-through, non-regular outputs, owner/xattrs, temp
 * files, batches (via sops-repo.h), private temp dirs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>
#include "internal.h"
#include "util/outfile.h"
#include <agesops/sops-repo.h>

static char root[64];

static int setup(void **state)
{
	(void)state;
	strcpy(root, "/tmp/ags-outfile-XXXXXX");
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return ags_rmtree_at(AT_FDCWD, root);
}

static void put(const char *name, const char *content)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", root, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static void expect(const char *name, const char *content)
{
	char p[512], buf[512] = { 0 };
	snprintf(p, sizeof(p), "%s/%s", root, name);
	FILE *f = fopen(p, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	assert_string_equal(buf, content);
}

static char *at(const char *name)
{
	static char p[2][600];
	static int k;
	k ^= 1;
	snprintf(p[k], sizeof(p[k]), "%s/%s", root, name);
	return p[k];
}

/* Nothing but the expected names in root (no temp file left). */
static int count_entries(void)
{
	DIR *d = opendir(root);
	struct dirent *e;
	int n = 0;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void symlinks(void **state)
{
	(void)state;
	assert_int_equal(mkdir(at("real"), 0755), 0);
	put("real/t", "old");
	assert_int_equal(symlink("real/t", at("l1")), 0);
	assert_int_equal(symlink("l1", at("l2")), 0); /* a chain */
	assert_int_equal(ags_file_write_atomic(at("l2"), "new", 3, -1, false), 0);
	struct stat st;
	assert_int_equal(lstat(at("l1"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(lstat(at("l2"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	expect("real/t", "new");
	/* a dangling link: the file is created where it points */
	assert_int_equal(symlink("real/created", at("dangling")), 0);
	assert_int_equal(ags_file_write_atomic(at("dangling"), "x", 1, 0600, false), 0);
	expect("real/created", "x");
	assert_int_equal(lstat(at("dangling"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	/* exclusive refuses a dangling link's target only if it exists */
	assert_int_equal(ags_file_write_atomic(at("dangling"), "y", 1, 0600, true), AGS_E_EXISTS);
	assert_int_equal(count_entries(), 4);
	ags_rmtree_at(AT_FDCWD, at("real"));
	unlink(at("l1"));
	unlink(at("l2"));
	unlink(at("dangling"));
}

static void hard_links(void **state)
{
	(void)state;
	put("h1", "plain");
	assert_int_equal(link(at("h1"), at("h2")), 0);
	assert_int_equal(ags_file_write_atomic(at("h1"), "new", 3, -1, false), AGS_E_HARDLINKS);
	expect("h1", "plain");
	expect("h2", "plain");
	assert_int_equal(count_entries(), 2);
	unlink(at("h2"));
	assert_int_equal(ags_file_write_atomic(at("h1"), "new", 3, -1, false), 0);
	expect("h1", "new");
	unlink(at("h1"));
}

static void fifo(void **state)
{
	(void)state;
	assert_int_equal(mkfifo(at("ff"), 0600), 0);
	int rd = open(at("ff"), O_RDONLY | O_NONBLOCK);
	assert_true(rd >= 0);
	assert_int_equal(ags_file_write_atomic(at("ff"), "through", 7, -1, false), 0);
	char buf[16] = { 0 };
	assert_int_equal(read(rd, buf, sizeof(buf)), 7);
	assert_string_equal(buf, "through");
	close(rd);
	struct stat st;
	assert_int_equal(lstat(at("ff"), &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	/* /dev/null is a device: written, never replaced */
	assert_int_equal(ags_file_write_atomic("/dev/null", "x", 1, -1, false), 0);
	assert_int_equal(stat("/dev/null", &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	unlink(at("ff"));
}

static void owner_mode_xattrs(void **state)
{
	(void)state;
	put("o", "old");
	assert_int_equal(chmod(at("o"), 0604), 0);
	bool root_user = geteuid() == 0;
	if (root_user)
		assert_int_equal(chown(at("o"), 1234, 2345), 0);
	bool xattrs = setxattr(at("o"), "user.agesops-test", "v1", 2, 0) == 0;
	assert_int_equal(ags_file_write_atomic(at("o"), "new", 3, -1, false), 0);
	expect("o", "new");
	struct stat st;
	assert_int_equal(stat(at("o"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0604);
	if (root_user) {
		assert_int_equal(st.st_uid, 1234);
		assert_int_equal(st.st_gid, 2345);
	}
	if (xattrs) {
		char v[8] = { 0 };
		assert_int_equal(getxattr(at("o"), "user.agesops-test", v, sizeof(v)), 2);
		assert_string_equal(v, "v1");
	}
	unlink(at("o"));
}

static void long_name(void **state)
{
	(void)state;
	char name[256];
	memset(name, 'n', 250);
	strcpy(name + 250, ".yaml"); /* 255 bytes: NAME_MAX */
	put(name, "old");
	assert_int_equal(ags_file_write_atomic(at(name), "new", 3, -1, false), 0);
	expect(name, "new");
	assert_int_equal(count_entries(), 1);
	unlink(at(name));
}

static void temp_files(void **state)
{
	(void)state;
	put("t", "old");
	struct ags_out o;
	assert_int_equal(ags_out_open(&o, at("t"), -1, 0), 0);
	assert_int_equal(ags_out_write(&o, "partial", 7), 0);
	assert_int_equal(count_entries(), 1); /* invisible while written */
	ags_out_abort(&o);
	expect("t", "old");
	assert_int_equal(count_entries(), 1);
	/* a temp file of a dead process goes at the next write; a live one stays */
	pid_t child = fork();
	if (child == 0)
		_exit(0);
	waitpid(child, NULL, 0);
	char dead[64], live[64];
	snprintf(dead, sizeof(dead), ".agesops-%ld-0123456789abcdef.tmp", (long)child);
	snprintf(live, sizeof(live), ".agesops-%ld-0123456789abcdef.tmp", (long)getppid());
	put(dead, "stale plaintext");
	put(live, "someone else's");
	put(".agesops-notapid.tmp", "not ours");
	assert_int_equal(ags_file_write_atomic(at("t"), "new", 3, -1, false), 0);
	assert_int_not_equal(access(at(dead), F_OK), 0);
	assert_int_equal(access(at(live), F_OK), 0);
	assert_int_equal(access(at(".agesops-notapid.tmp"), F_OK), 0);
	unlink(at(live));
	unlink(at(".agesops-notapid.tmp"));
	unlink(at("t"));
}

static void batch(void **state)
{
	(void)state;
	put("b1", "old1");
	put("b2", "old2");
	assert_int_equal(chmod(at("b2"), 0640), 0);
	struct ags_repo_batch *b;
	assert_int_equal(ags_repo_batch_new(&b), 0);
	assert_int_equal(ags_repo_batch_write(b, at("b1"), "new1", 4), 0);
	assert_int_equal(ags_repo_batch_write(b, at("b2"), "new2", 4), 0);
	assert_int_equal(ags_repo_batch_write(b, at("missing"), "x", 1), -ENOENT);
	expect("b1", "old1"); /* nothing replaced before the commit */
	struct ags_diag d = { 0 };
	assert_int_equal(ags_repo_batch_commit(b, &d), 0);
	expect("b1", "new1");
	expect("b2", "new2");
	struct stat st;
	assert_int_equal(stat(at("b2"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(count_entries(), 2);
	/* dropped without commit: targets old, no temp file */
	assert_int_equal(ags_repo_batch_write(b, at("b1"), "newer", 5), 0);
	ags_repo_batch_free(b);
	expect("b1", "new1");
	assert_int_equal(count_entries(), 2);
	ags_repo_batch_free(NULL);
	unlink(at("b1"));
	unlink(at("b2"));
}

static void private_dirs(void **state)
{
	(void)state;
	pid_t child = fork();
	if (child == 0)
		_exit(0);
	waitpid(child, NULL, 0);
	char stale[128];
	snprintf(stale, sizeof(stale), "ags-x-%ld-abc", (long)child);
	assert_int_equal(mkdir(at(stale), 0700), 0);
	char sub[200];
	snprintf(sub, sizeof(sub), "%s/sub", stale);
	assert_int_equal(mkdir(at(sub), 0700), 0);
	snprintf(sub, sizeof(sub), "%s/sub/.swp", stale);
	put(sub, "plaintext");
	char made[256];
	assert_int_equal(ags_private_dir_make(root, "ags-x-", made, sizeof(made)), 0);
	assert_int_not_equal(access(at(stale), F_OK), 0);
	struct stat st;
	assert_int_equal(stat(made, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(count_entries(), 1);
	assert_int_equal(ags_rmtree_at(AT_FDCWD, made), 0);
	assert_int_equal(count_entries(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(symlinks),   cmocka_unit_test(hard_links), cmocka_unit_test(fifo),
		cmocka_unit_test(owner_mode_xattrs), cmocka_unit_test(long_name), cmocka_unit_test(temp_files),
		cmocka_unit_test(batch),      cmocka_unit_test(private_dirs),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
