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
#include "util/secret.h"
#include "util/shellwords.h"
#include "util/strv.h"

static void b64_roundtrip(void **state)
{
	(void)state;
	/* RFC 4648 section 10 */
	static const struct { const char *in, *pad, *unpad; } v[] = {
		{ "", "", "" }, { "f", "Zg==", "Zg" }, { "fo", "Zm8=", "Zm8" }, { "foo", "Zm9v", "Zm9v" },
		{ "foob", "Zm9vYg==", "Zm9vYg" }, { "fooba", "Zm9vYmE=", "Zm9vYmE" }, { "foobar", "Zm9vYmFy", "Zm9vYmFy" },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char out[32];
		unsigned char dec[32];
		size_t n;
		size_t len = strlen(v[i].in);
		assert_int_equal(ags_b64_encode(v[i].in, len, AGS_B64_PADDED, out), strlen(v[i].pad));
		assert_string_equal(out, v[i].pad);
		assert_int_equal(ags_b64_encoded_len(len, AGS_B64_PADDED), strlen(v[i].pad));
		assert_int_equal(ags_b64_encode(v[i].in, len, AGS_B64_UNPADDED, out), strlen(v[i].unpad));
		assert_string_equal(out, v[i].unpad);
		assert_int_equal(ags_b64_encoded_len(len, AGS_B64_UNPADDED), strlen(v[i].unpad));
		assert_int_equal(ags_b64_decode(v[i].pad, strlen(v[i].pad), AGS_B64_PADDED, dec, &n), 0);
		assert_int_equal(n, len);
		assert_memory_equal(dec, v[i].in, len);
		assert_int_equal(ags_b64_decode(v[i].unpad, strlen(v[i].unpad), AGS_B64_UNPADDED, dec, &n), 0);
		assert_int_equal(n, len);
		assert_memory_equal(dec, v[i].in, len);
	}
}

static void b64_strict(void **state)
{
	(void)state;
	unsigned char dec[32];
	size_t n = 99;
	static const char *bad_unpadded[] = { "Zg==", "Zh", "Zm9=", "Zm9vY", "Zm 9v", "Zm9v\n", "Zm-v", "Zm9wYg=", "Z" };
	for (size_t i = 0; i < sizeof(bad_unpadded) / sizeof(bad_unpadded[0]); i++)
		assert_int_equal(ags_b64_decode(bad_unpadded[i], strlen(bad_unpadded[i]), AGS_B64_UNPADDED, dec, &n),
				 AGS_E_BASE64);
	static const char *bad_padded[] = { "Zg", "Zh==", "Zm9", "Zm8==", "Z===", "=Zm8", "Zg=a", "Zm9vYmF=" };
	for (size_t i = 0; i < sizeof(bad_padded) / sizeof(bad_padded[0]); i++)
		assert_int_equal(ags_b64_decode(bad_padded[i], strlen(bad_padded[i]), AGS_B64_PADDED, dec, &n),
				 AGS_E_BASE64);
	assert_int_equal(n, 99); /* untouched on failure */
}

/* b64.h: the encoder may run forwards in place, its input ending where the
 * padded encoding ends (how sops values are encoded). */
static void b64_in_place(void **state)
{
	(void)state;
	static unsigned char src[700], room[1000];
	static char want[1000];
	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (unsigned char)(i * 131 + 7);
	for (size_t n = 0; n <= sizeof(src); n++) {
		size_t el = ags_b64_encoded_len(n, AGS_B64_PADDED);
		assert_int_equal(ags_b64_encode(src, n, AGS_B64_PADDED, want), el);
		memset(room, 0xee, sizeof(room));
		memcpy(room + el - n, src, n);
		assert_int_equal(ags_b64_encode(room + el - n, n, AGS_B64_PADDED, (char *)room), el);
		assert_memory_equal(room, want, el + 1);
	}
}

struct spill_sink {
	unsigned char got[4 << 20];
	size_t n, calls;
	int fail_at; /* fail the call with this number (1-based), 0: never */
};

static int spill_to(void *ctx, const void *p, size_t n)
{
	struct spill_sink *s = ctx;
	if (++s->calls == (size_t)s->fail_at)
		return -ENOSPC;
	assert_true(s->n + n <= sizeof(s->got));
	memcpy(s->got + s->n, p, n);
	s->n += n;
	return 0;
}

/* buf.h spilling: small pieces collect up to AGS_BUF_SPILL_AT, a large
 * append goes through without a copy, the whole comes out in order, max
 * counts what went out, a failure of the sink reaches the append. */
static void buf_spill(void **state)
{
	(void)state;
	static struct spill_sink s;
	static unsigned char big[(3 << 20) / 2], want[4 << 20];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (unsigned char)(i % 251);
	struct ags_buf b;
	ags_buf_init_secret(&b, sizeof(want));
	ags_buf_set_spill(&b, spill_to, &s);
	size_t w = 0;
	for (int i = 0; i < 100000; i++) { /* 1.2 MB in small pieces: one spill on the way */
		char line[16];
		int l = snprintf(line, sizeof(line), "%011d\n", i);
		assert_int_equal(ags_buf_append(&b, line, (size_t)l), 0);
		memcpy(want + w, line, (size_t)l);
		w += (size_t)l;
		assert_true(b.len <= AGS_BUF_SPILL_AT);
	}
	assert_int_equal(s.calls, 1);
	size_t calls = s.calls;
	assert_int_equal(ags_buf_append(&b, big, sizeof(big)), 0); /* flush, then straight through */
	memcpy(want + w, big, sizeof(big));
	w += sizeof(big);
	assert_int_equal(s.calls, calls + 2);
	assert_int_equal(b.len, 0);
	ags_buf_truncate(&b, 5); /* an older length: nothing to do */
	assert_int_equal(ags_buf_printf(&b, "tail %d", 7), 0);
	memcpy(want + w, "tail 7", 6);
	w += 6;
	assert_int_equal(ags_buf_spill_flush(&b), 0);
	assert_int_equal(s.n, w);
	assert_memory_equal(s.got, want, w);
	assert_int_equal(b.spilled, w);
	/* max counts the spilled bytes */
	assert_true(sizeof(want) - w < sizeof(big));
	assert_int_equal(ags_buf_append(&b, big, sizeof(big)), AGS_E_TOO_BIG);
	assert_int_equal(ags_buf_append(&b, big, 100), 0);
	ags_buf_release(&b);

	/* the sink's failure is the append's */
	memset(&s, 0, sizeof(s));
	s.fail_at = 2;
	ags_buf_init(&b, sizeof(want));
	ags_buf_set_spill(&b, spill_to, &s);
	assert_int_equal(ags_buf_append(&b, big, 10), 0);
	assert_int_equal(ags_buf_append(&b, big, sizeof(big)), -ENOSPC);
	ags_buf_release(&b);

	/* a hint reserves nothing on a spilling buffer */
	ags_buf_init(&b, sizeof(want));
	ags_buf_set_spill(&b, spill_to, &s);
	ags_buf_reserve_hint(&b, 3 << 20);
	assert_true(b.cap < AGS_BUF_SPILL_AT);
	ags_buf_release(&b);
}

static void buf_cap(void **state)
{
	(void)state;
	struct ags_buf b;
	ags_buf_init(&b, 10);
	assert_int_equal(ags_buf_puts(&b, "0123456789"), 0);
	assert_int_equal(ags_buf_putc(&b, 'x'), AGS_E_TOO_BIG);
	assert_int_equal(b.len, 10);
	assert_string_equal((char *)b.data, "0123456789");
	ags_buf_truncate(&b, 3);
	assert_int_equal(ags_buf_printf(&b, "%d-%s", 42, "ab"), 0);
	assert_string_equal((char *)b.data, "01242-ab");
	assert_int_equal(ags_buf_printf(&b, "%s", "toolong"), AGS_E_TOO_BIG);
	ags_buf_release(&b);

	ags_buf_init_secret(&b, 1 << 20);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(ags_buf_puts(&b, "secret "), 0);
	assert_int_equal(b.len, 7000);
	size_t len;
	char *p = ags_buf_detach(&b, &len);
	assert_non_null(p);
	assert_int_equal(len, 7000);
	assert_null(b.data);
	ags_free_secret(p, len);
}

static void utf8(void **state)
{
	(void)state;
	size_t off;
	assert_true(ags_utf8_valid("h\xc3\xa9llo \xf0\x9f\x94\x91", 11, NULL));
	assert_false(ags_utf8_valid("ab\xff", 3, &off));
	assert_int_equal(off, 2);
	assert_false(ags_utf8_valid("\xc0\xaf", 2, NULL));         /* overlong */
	assert_false(ags_utf8_valid("\xed\xa0\x80", 3, NULL));     /* surrogate */
	assert_false(ags_utf8_valid("\xf4\x90\x80\x80", 4, NULL)); /* > U+10FFFF */
	assert_false(ags_utf8_valid("\xe2\x82", 2, NULL));         /* truncated */
}

static void atomic_write(void **state)
{
	(void)state;
	char dir[] = "/tmp/ags-test-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof(path), "%s/f", dir);
	assert_int_equal(ags_file_write_atomic(path, "one", 3, 0640, true), 0);
	assert_int_equal(ags_file_write_atomic(path, "two", 3, 0600, true), AGS_E_EXISTS);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	assert_int_equal(ags_file_write_atomic(path, "three", 5, -1, false), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640); /* mode kept */
	struct ags_buf b;
	ags_buf_init(&b, 4);
	assert_int_equal(ags_file_read(path, &b), AGS_E_TOO_BIG);
	ags_buf_release(&b);
	ags_buf_init(&b, 5);
	assert_int_equal(ags_file_read(path, &b), 0);
	assert_int_equal(b.len, 5);
	assert_memory_equal(b.data, "three", 5);
	ags_buf_release(&b);
	ags_buf_init(&b, 100);
	assert_int_equal(ags_file_read(dir, &b), -EISDIR);
	ags_buf_release(&b);
	snprintf(path, sizeof(path), "%s/nodir/f", dir);
	assert_int_equal(ags_file_write_atomic(path, "x", 1, 0600, false), -ENOENT);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void strerror_table(void **state)
{
	(void)state;
	assert_string_equal(ags_strerror(AGS_E_AGE_HEADER_MAC), "bad header MAC");
	assert_string_equal(ags_strerror(-ENOENT), "No such file or directory");
	assert_string_equal(ags_strerror(-1999), "unknown error");
	struct ags_diag d;
	assert_int_equal(ags_diag_set(&d, AGS_E_SYNTAX, "line %d: %s", 3, "bad"), AGS_E_SYNTAX);
	assert_string_equal(d.msg, "line 3: bad");
	assert_int_equal(ags_diag_set(NULL, AGS_E_SYNTAX, "x"), AGS_E_SYNTAX);
}

/* google/shlex splitting, as sops splits $EDITOR and the *_CMD variables */
static void shellwords(void **state)
{
	(void)state;
	static const struct { const char *in; size_t n; const char *words[5]; } v[] = {
		{ "vi", 1, { "vi" } },
		{ " \t code  --wait\r\n", 2, { "code", "--wait" } },
		{ "'a b'\"c d\"e\\ f", 1, { "a bc de f" } },
		{ "\"\\\" \\$ \\x\" 'x\\y' \\", 3, { "\" $ \\x", "x\\y", "\\" } },
		{ "a '' b", 3, { "a", "", "b" } },
		{ "1 2 3 4 5 6 7 8 9 10", 10, { "1", "2", "3", "4", "5" } },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char **argv;
		size_t n;
		assert_int_equal(ags_shellwords_split(v[i].in, 2, &argv, &n), 0);
		assert_int_equal(n, v[i].n);
		for (size_t k = 0; k < n && k < 5; k++)
			assert_string_equal(argv[k], v[i].words[k]);
		for (size_t k = n; k <= n + 2; k++)
			assert_null(argv[k]);
		ags_free_strv(argv, n);
	}
	char **argv;
	size_t n;
	static const char *const bad[] = { "", " \t\n", "vi 'x", "vi \"x\\\"" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(ags_shellwords_split(bad[i], 0, &argv, &n), AGS_E_SYNTAX);
	/* the caps: the most words, then one more; the longest line, then one byte more */
	char *line = malloc(AGS_SHELLWORDS_MAX_LEN + 2);
	assert_non_null(line);
	for (size_t i = 0; i < 2 * AGS_SHELLWORDS_MAX_WORDS; i += 2)
		line[i] = 'w', line[i + 1] = ' ';
	line[2 * AGS_SHELLWORDS_MAX_WORDS] = 0;
	assert_int_equal(ags_shellwords_split(line, 0, &argv, &n), 0);
	assert_int_equal(n, AGS_SHELLWORDS_MAX_WORDS);
	ags_free_strv(argv, n);
	strcpy(line + 2 * AGS_SHELLWORDS_MAX_WORDS, "w");
	assert_int_equal(ags_shellwords_split(line, 0, &argv, &n), AGS_E_TOO_BIG);
	memset(line, 'x', AGS_SHELLWORDS_MAX_LEN);
	line[AGS_SHELLWORDS_MAX_LEN] = 0;
	assert_int_equal(ags_shellwords_split(line, 0, &argv, &n), 0);
	assert_int_equal(n, 1);
	ags_free_strv(argv, n);
	strcpy(line + AGS_SHELLWORDS_MAX_LEN, "x");
	assert_int_equal(ags_shellwords_split(line, 0, &argv, &n), AGS_E_TOO_BIG);
	free(line);
}

/* comma-separated lists: trimmed, empties skipped, optionally deduplicated, capped */
static void strv_split(void **state)
{
	(void)state;
	char **v = NULL;
	size_t n = 0;
	const char *s = " a ,\tb\r\n,,a, ,c";
	assert_int_equal(ags_strv_split_append(s, strlen(s), false, 10, &v, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(v[0], "a");
	assert_string_equal(v[1], "b");
	assert_string_equal(v[2], "a");
	assert_string_equal(v[3], "c");
	assert_int_equal(ags_strv_split_append("c,d", 3, true, 10, &v, &n), 0);
	assert_int_equal(n, 5);
	assert_string_equal(v[4], "d");
	assert_int_equal(ags_strv_split_append("e,f", 3, false, 6, &v, &n), AGS_E_TOO_BIG);
	assert_int_equal(n, 6);
	assert_int_equal(ags_strv_split_append("e,f,g", 1, false, 10, &v, &n), 0); /* len bounds s */
	assert_int_equal(n, 7);
	ags_free_strv(v, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(b64_roundtrip), cmocka_unit_test(b64_strict), cmocka_unit_test(b64_in_place),
		cmocka_unit_test(buf_cap), cmocka_unit_test(buf_spill),
		cmocka_unit_test(utf8), cmocka_unit_test(atomic_write), cmocka_unit_test(strerror_table),
		cmocka_unit_test(shellwords), cmocka_unit_test(strv_split),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
