/*
 * lib/yaml's libfyaml layer: the input it refuses before libfyaml sees it.
 *
 * ags_fy_tab_trap() guards a libfyaml 0.7.12 double free (fyaml_guard.c).
 * The "trap" rows are inputs that crashed fy_parser_destroy() (the first
 * one minimised from the CI fuzz crash of fuzz-gitops-check); under the
 * ASan build, removing the guard makes the open/parse/close loop below
 * fail.  The "fine" rows hold tabs where YAML allows them and must parse.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "internal.h"
#include "yaml/fyaml.h"

static const struct {
	const char *in;
	unsigned line, col;
} TRAPS[] = {
	{ "sops:\n? s:\t:", 2, 5 },
	{ "? s:\t:", 1, 5 },
	{ "? s:\t- x", 1, 5 },
	{ "x:\n  ? s:\t:", 2, 7 },
	{ "? [s]:\t:", 1, 7 },
	{ "? s:\t|\n a", 1, 5 },
	{ "- ? s:\t:", 1, 7 },
	{ "? s: \t >\n a", 1, 6 },
	{ "kind: Secret\n? a:\t?", 2, 5 },
	{ "a: 1\r? s:\t:", 2, 5 },     /* CR-only lines: .sops.yaml is loaded unnormalised */
	{ "a: 1\r\n? s:\t:", 2, 5 },
};

static const char *const FINE[] = {
	"a:\tb\n",             /* a tab after a simple key's ':' */
	"a: \"x:\t|\"\n",      /* no explicit key anywhere */
	"? a\n: b\n",          /* explicit key, no tab */
	"? a\n:  b\t# c\n",    /* tab before a comment */
	"url: http://h/?q=1:\t|\n", /* '?' not followed by a blank */
	"a:\t- b\n",           /* no explicit key: libfyaml's own error, no crash */
	"# why? because\nscript:\t|\n  echo\n", /* a '?' in a comment */
	"title: really? yes\nb:\t>\n  x\n",      /* a '?' inside a plain scalar */
};

static void traps_are_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(TRAPS) / sizeof(TRAPS[0]); i++) {
		const char *s = TRAPS[i].in;
		unsigned l = 0, c = 0;
		assert_true(ags_fy_tab_trap(s, strlen(s), &l, &c));
		assert_int_equal(l, TRAPS[i].line);
		assert_int_equal(c, TRAPS[i].col);
		struct ags_fy_parser p;
		struct ags_diag d = { 0 };
		assert_int_equal(ags_fy_parser_open(&p, s, strlen(s), false, &d), AGS_E_SYNTAX);
		assert_non_null(strstr(d.msg, "a tab cannot indent a block indicator"));
		struct fy_document *doc = (struct fy_document *)1;
		memset(&d, 0, sizeof(d));
		assert_int_equal(ags_fy_document_load(s, strlen(s), true, AGS_E_SYNTAX, "f.yaml", &doc, &d), AGS_E_SYNTAX);
		assert_null(doc);
		assert_non_null(strstr(d.msg, "f.yaml:"));
	}
}

static void fine_inputs_reach_libfyaml(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(FINE) / sizeof(FINE[0]); i++) {
		const char *s = FINE[i];
		unsigned l, c;
		assert_false(ags_fy_tab_trap(s, strlen(s), &l, &c));
		struct ags_fy_parser p;
		assert_int_equal(ags_fy_parser_open(&p, s, strlen(s), false, NULL), 0);
		struct fy_event *e;
		while ((e = fy_parser_parse(p.fyp)) != NULL)
			fy_parser_event_free(p.fyp, e);
		ags_fy_parser_close(&p);
	}
}

/* Every short string over the characters that matter, through the guard
 * and (when it lets the string pass) libfyaml's open, parse and close: a
 * pattern the guard misses crashes here under ASan. */
static void generated_inputs_never_crash(void **state)
{
	(void)state;
	static const char A[] = "?:- s\t\n|";
	const size_t k = sizeof(A) - 1, maxlen = 6;
	char s[6];
	size_t idx[8] = { 0 };
	for (size_t n = 1; n <= maxlen; n++) {
		memset(idx, 0, sizeof(idx));
		for (;;) {
			for (size_t i = 0; i < n; i++)
				s[i] = A[idx[i]];
			struct ags_fy_parser p;
			if (ags_fy_parser_open(&p, s, n, false, NULL) == 0) {
				struct fy_event *e;
				while ((e = fy_parser_parse(p.fyp)) != NULL)
					fy_parser_event_free(p.fyp, e);
				ags_fy_parser_close(&p);
			}
			size_t i = 0;
			while (i < n && ++idx[i] == k)
				idx[i++] = 0;
			if (i == n)
				break;
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(traps_are_refused),
		cmocka_unit_test(fine_inputs_reach_libfyaml),
		cmocka_unit_test(generated_inputs_never_crash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
