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

/* sops' stores.ValToString (the library's, as the dotenv store writes
 * values), but a null value is an empty variable. */
static int val_string(const struct ags_value *v, struct ags_buf *out)
{
	return v->kind == AGS_VAL_NULL ? 0 : ags_store_val_to_string(v, out);
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
	if (sm_getopt_end(&so, c, argc, 2, 2, "missing file to decrypt or command", EXIT_GENERIC))
		return so.rc;
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
