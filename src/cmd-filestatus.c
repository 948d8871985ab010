/*
 * agesops filestatus FILE: prints {"encrypted":true|false} as sops does.
 * A file counts as encrypted when its metadata loads with a version and a
 * MAC (the check lives in the library: ags_sops_is_encrypted).
 */
#include "cli.h"
#include "cli-opts.h"
#include "sops/fileio.h"
#include "sops/opts.h"
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/file.h"

static void usage(FILE *f)
{
	(f == stdout ? cli_help : cli_usage)(f, "filestatus");
}

int cmd_filestatus(int argc, char **argv)
{
	struct sm_opts o;
	struct sm_getopt so;
	sm_getopt_init(&so, "filestatus", NULL, &o);
	int c;
	c = sm_getopt(&so, argc, argv);
	if (c != -1) /* filestatus has no flags of its own */
		return c == SM_GETOPT_EXIT ? so.rc : EXIT_GENERIC;
	if (argc - optind != 1) {
		cli_error("error: no file specified");
		usage(stderr);
		return EXIT_NO_FILE;
	}
	const char *path = argv[optind];
	struct ags_buf b;
	ags_buf_init(&b, AGS_ENC_FILE_MAX);
	struct ags_diag d = { 0 };
	int r = sm_read(path, &b, &d);
	if (r < 0) {
		ags_buf_release(&b);
		cli_fail(r, &d, NULL);
		return EXIT_GENERIC; /* as Go: FileStatus' read error is a plain error */
	}
	bool enc = ags_sops_is_encrypted(b.data ? (const char *)b.data : "", b.len, o.input_type, path);
	ags_buf_release(&b);
	printf("{\"encrypted\":%s}\n", enc ? "true" : "false");
	return 0;
}
