/* lib/util/proc.c: running helper programs (gpg) with input, output and a deadline. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "internal.h"
#include "util/proc.h"

static int run(const char *const *argv, const void *in, size_t inlen, long ms, struct ags_buf *out,
	       struct ags_buf *err, int *status)
{
	struct ags_proc p = { .argv = argv, .in = in, .inlen = inlen, .timeout_ms = ms };
	return ags_proc_run(&p, out, err, status);
}

static void cat_roundtrip(void **state)
{
	(void)state;
	/* 4 MiB through cat: input and output pumped together, no deadlock */
	size_t n = 4u << 20;
	unsigned char *in = malloc(n);
	assert_non_null(in);
	for (size_t i = 0; i < n; i++)
		in[i] = (unsigned char)(i * 131 + 7);
	const char *argv[] = { "cat", NULL };
	struct ags_buf out, err;
	ags_buf_init(&out, n);
	ags_buf_init(&err, 1024);
	int st = -1;
	assert_int_equal(run(argv, in, n, 20000, &out, &err, &st), 0);
	assert_int_equal(st, 0);
	assert_int_equal(out.len, n);
	assert_memory_equal(out.data, in, n);
	ags_buf_release(&out);
	ags_buf_release(&err);
	free(in);
}

static void status_and_stderr(void **state)
{
	(void)state;
	const char *argv[] = { "sh", "-c", "echo oops >&2; echo out; exit 3", NULL };
	struct ags_buf out, err;
	ags_buf_init(&out, 1024);
	ags_buf_init(&err, 1024);
	int st = -1;
	assert_int_equal(run(argv, NULL, 0, 10000, &out, &err, &st), 0);
	assert_int_equal(st, 3);
	assert_string_equal((char *)out.data, "out\n");
	assert_string_equal((char *)err.data, "oops\n");
	ags_buf_release(&out);
	ags_buf_release(&err);
}

static void input_not_read(void **state)
{
	(void)state;
	/* a program that exits without reading 1 MiB of input: no SIGPIPE for us */
	size_t n = 1u << 20;
	char *in = calloc(1, n);
	assert_non_null(in);
	const char *argv[] = { "true", NULL };
	struct ags_buf out;
	ags_buf_init(&out, 16);
	int st = -1;
	assert_int_equal(run(argv, in, n, 10000, &out, NULL, &st), 0);
	assert_int_equal(st, 0);
	ags_buf_release(&out);
	free(in);
}

static void deadline(void **state)
{
	(void)state;
	/* killed at the deadline, even with its output still open (a grandchild
	 * keeps nothing open here: exec replaces the shell) */
	const char *argv[] = { "sh", "-c", "exec sleep 30", NULL };
	struct ags_buf out;
	ags_buf_init(&out, 16);
	int st = -1;
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(run(argv, NULL, 0, 300, &out, NULL, &st), AGS_E_TIMEOUT);
	clock_gettime(CLOCK_MONOTONIC, &b);
	assert_true(b.tv_sec - a.tv_sec < 5);
	assert_int_equal(st, -1); /* not set on failure */
	ags_buf_release(&out);
}

static void output_cap_and_missing(void **state)
{
	(void)state;
	const char *argv[] = { "sh", "-c", "yes", NULL };
	struct ags_buf out;
	ags_buf_init(&out, 4096);
	int st = -1;
	assert_int_equal(run(argv, NULL, 0, 10000, &out, NULL, &st), AGS_E_TOO_BIG);
	ags_buf_release(&out);
	const char *none[] = { "/nonexistent/agesops-no-such-program", NULL };
	ags_buf_init(&out, 16);
	assert_int_equal(run(none, NULL, 0, 1000, &out, NULL, &st), -ENOENT);
	ags_buf_release(&out);
	const char *bad[] = { NULL };
	assert_int_equal(run(bad, NULL, 0, 1000, &out, NULL, &st), AGS_E_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cat_roundtrip), cmocka_unit_test(status_and_stderr), cmocka_unit_test(input_not_read),
		cmocka_unit_test(deadline), cmocka_unit_test(output_cap_and_missing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
