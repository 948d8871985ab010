/*
 * agesops unset FILE INDEX: removes the key or list element at a sops tree
 * path and writes the file back in place (atomically).  --idempotent: a
 * missing path is not an error.
 */
#include "cli.h"
#include "cli-opts.h"
#include "sops/fileio.h"
#include "sops/opts.h"
#include "sops/path.h"
#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
	(f == stdout ? cli_help : cli_usage)(f, "unset");
}

int cmd_unset(int argc, char **argv)
{
	struct sm_opts o;
	bool idempotent = false;
	struct sm_getopt so;
	sm_getopt_init(&so, "unset", NULL, &o);
	int c;
	while ((c = sm_getopt(&so, argc, argv)) > 0) {
		switch (c) {
		case OPT_IDEMPOTENT: idempotent = true; break;
		case OPT_SHAMIR: break;
		}
	}
	if (c == SM_GETOPT_EXIT)
		return so.rc;
	if (argc - optind != 2) {
		cli_error("no file specified, or index is missing");
		usage(stderr);
		return EXIT_NO_FILE;
	}
	const char *path = argv[optind];
	struct ags_diag d = { 0 };
	struct ags_sops_path p = { 0 };
	int r = ags_sops_path_parse(argv[optind + 1], &p, &d);
	if (r < 0 || p.n == 0) {
		cli_error("invalid unset index format: %s", r < 0 ? d.msg : "the path is empty");
		ags_sops_path_clear(&p);
		return EXIT_INVALID_SET_FORMAT;
	}
	struct sm_file f;
	r = sm_open(path, &o, SM_DECRYPT, &f, &d);
	struct ags_tree *t = r == 0 ? ags_sops_doc_tree(f.doc) : NULL;
	if (r == 0 && (!t->ndocs || !t->docs[0]))
		r = ags_diag_set(&d, AGS_E_SOPS_NO_DOCUMENT, "%s: the file has no document", path);
	if (r == 0) {
		r = ags_sops_path_unset(t->docs[0], &p, &d);
		if (r < 0) {
			char msg[AGS_DIAG_MAX];
			snprintf(msg, sizeof(msg), "%s", d.msg);
			ags_diag_set(&d, r, "%s: %s", path, msg);
		}
	}
	ags_sops_path_clear(&p);
	if (r == AGS_E_NOT_FOUND && idempotent) {
		sm_close(&f);
		sm_identities_free();
		return 0;
	}
	if (r == 0)
		r = sm_reencrypt_in_place(&f, &o, path, &d);
	sm_close(&f);
	sm_identities_free();
	return r < 0 ? cli_fail(r, &d, NULL) : 0;
}
