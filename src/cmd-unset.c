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
	sm_opts_init(&o);
	bool idempotent = false;
	struct cli_getopt g;
	cli_getopt_init(&g, "unset");
	int c, rc = 0;
	optind = 1;
	while ((c = cli_getopt(&g, argc, argv)) != -1) {
		if (sm_opts_handle(&o, c, optarg, &rc)) {
			if (rc)
				return rc;
			continue;
		}
		switch (c) {
		case OPT_IDEMPOTENT: idempotent = true; break;
		case OPT_SHAMIR: break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_GENERIC;
		}
	}
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
