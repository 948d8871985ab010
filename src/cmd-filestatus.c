/*
 * agesops filestatus FILE: prints {"encrypted":true|false} as sops does.
 * A file counts as encrypted when its metadata loads with a version and a
 * MAC (the check lives in the library: ags_sops_is_encrypted).
 */
#include "cli.h"
#include "sops/fileio.h"
#include "sops/opts.h"
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/file.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: %s filestatus [--input-type TYPE] FILE\n", cli_progname);
}

int cmd_filestatus(int argc, char **argv)
{
	struct sm_opts o;
	sm_opts_init(&o);
	static const struct option longopts[] = {
		SM_COMMON_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c, rc = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (sm_opts_handle(&o, c, optarg, &rc)) {
			if (rc)
				return rc;
			continue;
		}
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		usage(stderr);
		return EXIT_GENERIC;
	}
	if (argc - optind != 1) {
		cli_error("error: no file specified");
		usage(stderr);
		return EXIT_NO_FILE;
	}
	const char *path = argv[optind];
	struct ags_buf b;
	ags_buf_init(&b, AGS_FILE_MAX);
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
