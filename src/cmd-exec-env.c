/*
 * agesops exec-env FILE CMD: decrypts FILE and runs `/bin/sh -c CMD` with
 * its top-level values added to the environment (--pristine: only them).
 * Nothing is written to disk.  Exits with the command's exit status.
 * Nested values, and keys containing '=', are refused as sops refuses them.
 */
#include "cli.h"
#include "cli-opts.h"
#include "sops/fileio.h"
#include "sops/shell.h"
#include "sops/opts.h"
#include "sops/tree.h"
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/file.h"
#include "util/secret.h"

extern char **environ;

static void usage(FILE *f)
{
	(f == stdout ? cli_help : cli_usage)(f, "exec-env");
}

/* Go strconv.FormatFloat(f, 'G', -1, 64), plus sops' ".0" for integral values. */
static int go_float_G(double f, struct ags_buf *out)
{
	if (isnan(f))
		return ags_buf_puts(out, "NaN");
	if (isinf(f))
		return ags_buf_puts(out, f > 0 ? "+Inf" : "-Inf");
	char e[64];
	int p;
	for (p = 0; p < 17; p++) { /* shortest digits that read back to f */
		snprintf(e, sizeof(e), "%.*e", p, f);
		if (strtod(e, NULL) == f)
			break;
	}
	/* e is [-]d[.ddd]e[+-]XX */
	char *ep = strchr(e, 'e');
	int exp = atoi(ep + 1);
	*ep = '\0';
	bool neg = e[0] == '-';
	char digits[32];
	size_t nd = 0;
	for (const char *q = e + neg; *q; q++)
		if (*q != '.')
			digits[nd++] = *q;
	digits[nd] = '\0';
	struct ags_buf t;
	ags_buf_init(&t, 512);
	int r = neg ? ags_buf_putc(&t, '-') : 0;
	bool has_point = false, has_e = false;
	if (exp < -4 || exp >= 6) { /* shortest 'G' switches to an exponent at 1e6 */
		r = r ? r : ags_buf_putc(&t, digits[0]);
		if (r == 0 && nd > 1) {
			r = ags_buf_putc(&t, '.');
			r = r ? r : ags_buf_append(&t, digits + 1, nd - 1);
			has_point = true;
		}
		r = r ? r : ags_buf_printf(&t, "E%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
		has_e = true;
	} else if (exp < 0) {
		r = r ? r : ags_buf_puts(&t, "0.");
		for (int i = 0; r == 0 && i < -exp - 1; i++)
			r = ags_buf_putc(&t, '0');
		r = r ? r : ags_buf_append(&t, digits, nd);
		has_point = true;
	} else {
		for (int i = 0; r == 0 && i <= exp; i++)
			r = ags_buf_putc(&t, (size_t)i < nd ? digits[i] : '0');
		if (r == 0 && nd > (size_t)exp + 1) {
			r = ags_buf_putc(&t, '.');
			r = r ? r : ags_buf_append(&t, digits + exp + 1, nd - (size_t)exp - 1);
			has_point = true;
		}
	}
	if (r == 0 && !has_point && !has_e)
		r = ags_buf_puts(&t, ".0");
	if (r == 0)
		r = ags_buf_append(out, t.data, t.len);
	ags_buf_release(&t);
	return r;
}

/* sops' stores.ValToString for the scalar kinds. */
static int val_string(const struct ags_value *v, struct ags_buf *out)
{
	switch (v->kind) {
	case AGS_VAL_STR:
		return ags_buf_append(out, v->str.p, v->str.len);
	case AGS_VAL_TIME: {
		/* time.RFC3339: the stored MarshalText form without its fraction */
		const char *dot = memchr(v->str.p, '.', v->str.len);
		if (!dot)
			return ags_buf_append(out, v->str.p, v->str.len);
		const char *z = dot + 1;
		while (z < v->str.p + v->str.len && *z >= '0' && *z <= '9')
			z++;
		int r = ags_buf_append(out, v->str.p, (size_t)(dot - v->str.p));
		return r ? r : ags_buf_append(out, z, (size_t)(v->str.p + v->str.len - z));
	}
	case AGS_VAL_BOOL:
		return ags_buf_puts(out, v->b ? "true" : "false");
	case AGS_VAL_INT:
		return ags_buf_printf(out, "%" PRId64, v->i);
	case AGS_VAL_FLOAT:
		return go_float_G(v->f, out);
	case AGS_VAL_NULL:
		return 0;
	default:
		return AGS_E_INVAL;
	}
}

int cmd_exec_env(int argc, char **argv)
{
	struct sm_opts o;
	bool pristine = false;
	struct sm_getopt so;
	sm_getopt_init(&so, "exec-env", NULL, &o);
	int c, rc = 0;
	while ((c = sm_getopt(&so, argc, argv)) > 0) {
		switch (c) {
		case OPT_PRISTINE: pristine = true; break;
		case OPT_BACKGROUND:
		case OPT_SAME_PROCESS:
		case OPT_USER:
			cli_error("--background, --same-process and --user are not supported");
			return EXIT_GENERIC;
		}
	}
	if (c == SM_GETOPT_EXIT)
		return so.rc;
	if (argc - optind != 2) {
		cli_error("missing file to decrypt or command");
		usage(stderr);
		return EXIT_GENERIC;
	}
	const char *path = argv[optind], *cmd = argv[optind + 1];
	struct ags_diag d = { 0 };
	struct sm_file f;
	int r = sm_open(path, &o, SM_DECRYPT, &f, &d);
	if (r < 0) {
		sm_identities_free();
		return cli_fail(r, &d, NULL);
	}
	struct ags_tree *t = ags_sops_doc_tree(f.doc);
	struct ags_branch *b = t->ndocs ? t->docs[0] : NULL;
	size_t nenv = 0, nvars = b ? b->n : 0;
	if (!pristine)
		while (environ[nenv])
			nenv++;
	char **envp = calloc(nenv + nvars + 1, sizeof(*envp));
	char **owned = calloc(nvars + 1, sizeof(*owned));
	size_t ne = 0, no = 0;
	if (!envp || !owned)
		r = AGS_E_NOMEM;
	for (size_t i = 0; r == 0 && i < nenv; i++)
		envp[ne++] = environ[i];
	for (size_t i = 0; r == 0 && i < nvars; i++) {
		const struct ags_item *it = &b->items[i];
		if (it->key.kind != AGS_VAL_STR)
			continue; /* comments */
		if (it->value.kind == AGS_VAL_MAP || it->value.kind == AGS_VAL_SEQ) {
			r = ags_diag_set(&d, AGS_E_INVAL, "%s: cannot use a nested value in the environment (key %.*s)",
					 path, (int)(it->key.str.len < 128 ? it->key.str.len : 128), it->key.str.p);
			break;
		}
		if (memchr(it->key.str.p, '=', it->key.str.len) || memchr(it->key.str.p, '\0', it->key.str.len)) {
			r = ags_diag_set(&d, AGS_E_INVAL, "%s: cannot use a key with '=' in the environment: %.*s", path,
					 (int)(it->key.str.len < 128 ? it->key.str.len : 128), it->key.str.p);
			break;
		}
		struct ags_buf e;
		ags_buf_init_secret(&e, AGS_FILE_MAX);
		r = ags_buf_append(&e, it->key.str.p, it->key.str.len);
		if (r == 0)
			r = ags_buf_putc(&e, '=');
		if (r == 0)
			r = val_string(&it->value, &e);
		size_t keylen = it->key.str.len + 1;
		char *s = r == 0 ? ags_buf_detach(&e, NULL) : NULL;
		ags_buf_release(&e);
		if (r == 0 && !s)
			r = AGS_E_NOMEM;
		if (r < 0)
			break;
		owned[no++] = s;
		/* a decrypted value overrides an inherited variable of the same name */
		size_t k;
		for (k = 0; k < ne; k++)
			if (!strncmp(envp[k], s, keylen))
				break;
		envp[k] = s;
		if (k == ne)
			ne++;
	}
	sm_close(&f);
	sm_identities_free();
	if (r == 0) {
		envp[ne] = NULL;
		rc = sm_run_shell(cmd, envp);
	} else {
		rc = cli_fail(r, &d, NULL);
	}
	for (size_t i = 0; i < no; i++)
		ags_free_secret_str(owned[i]);
	free(owned);
	free(envp);
	return rc;
}
