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

struct unset_edit {
	const struct ags_sops_path *p;
	bool idempotent;
};

/* --idempotent: a missing path leaves the file untouched */
static int unset_path(struct ags_branch *doc, void *ctx, bool *write, struct ags_diag *d)
{
	struct unset_edit *e = ctx;
	int r = ags_sops_path_unset(doc, e->p, d);
	if (r == AGS_E_NOT_FOUND && e->idempotent)
		return 0;
	*write = r == 0;
	return r;
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
	struct unset_edit e = { &p, idempotent };
	r = sm_edit_in_place(path, &o, unset_path, &e, &d);
	ags_sops_path_clear(&p);
	sm_identities_free();
	return r < 0 ? cli_fail(r, &d, NULL) : 0;
}
