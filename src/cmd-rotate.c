/*
 * agesops rotate [-i] [--add-age R] [--rm-age R] FILE...: a new data key,
 * every value re-encrypted under it, the key entries re-wrapped for the
 * file's recipients (plus --add-age, minus --rm-age).  Without -i the
 * result goes to stdout (or --output), as sops; with several files or
 * -r DIR, files are rotated in place in parallel, each atomically.
 */
#include "cli.h"
#include "sops/fileio.h"
#include "sops/keygroups.h"
#include "sops/many.h"
#include "sops/opts.h"
#include "crypto/ossl.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/file.h"
#include "util/secret.h"

#define MAX_AGE_FLAGS 64

struct rot {
	struct sm_opts o;
	const struct ags_sops_config *cfg;
	const char *add[MAX_AGE_FLAGS], *rm[MAX_AGE_FLAGS];
	size_t nadd, nrm;
	bool in_place;
	const char *output;
};

static int rotate_one(const char *path, void *ctx, struct ags_diag *d)
{
	struct rot *ro = ctx;
	struct sm_file f;
	int r = sm_open(path, &ro->o, SM_DECRYPT, &f, d);
	if (r == 0)
		r = ags_sops_doc_rotate(f.doc, ro->add, ro->nadd, ro->rm, ro->nrm, d);
	if (r < 0 && d->msg[0] && !strstr(d->msg, path)) {
		char m[AGS_DIAG_MAX];
		snprintf(m, sizeof(m), "%s", d->msg);
		ags_diag_set(d, r, "%s: %s", path, m);
	}
	if (r == 0) {
		const char *store = sm_store_name(ro->o.output_type ? ro->o.output_type : ro->o.input_type, path);
		int indent = sm_indent(&ro->o, ro->cfg, store);
		if (ro->in_place || ro->output) {
			r = sm_write(f.doc, ro->in_place ? path : ro->output, ro->o.output_type, indent, d);
		} else {
			struct ags_buf out;
			ags_buf_init(&out, AGS_FILE_MAX);
			r = ags_sops_doc_emit(f.doc, ro->o.output_type, indent, &out, d);
			if (r == 0 && ags_write_all(1, out.data ? out.data : (unsigned char *)"", out.len) < 0)
				r = ags_diag_set(d, AGS_E_IO, "could not write to stdout");
			ags_buf_release(&out);
		}
	}
	sm_close(&f);
	return r;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: %s rotate [-i | --output F] [--add-age R]... [--rm-age R]... [-j N] (FILE... | -r DIR)\n"
		   "  Several files or -r DIR imply -i.\n",
		cli_progname);
}

int cmd_rotate(int argc, char **argv)
{
	struct rot ro = { 0 };
	sm_opts_init(&ro.o);
	const char *dir = NULL;
	unsigned jobs = 0;
	enum { O_ADD = SM_OPT_FIRST_FREE, O_RM, O_OUTPUT, O_IGNORE };
	static const struct option longopts[] = {
		SM_COMMON_LONGOPTS,
		{ "in-place", no_argument, NULL, 'i' },
		{ "output", required_argument, NULL, O_OUTPUT },
		{ "add-age", required_argument, NULL, O_ADD },
		{ "rm-age", required_argument, NULL, O_RM },
		{ "recursive", required_argument, NULL, 'r' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c, rc = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+ir:j:h", longopts, NULL)) != -1) {
		if (sm_opts_handle(&ro.o, c, optarg, &rc)) {
			if (rc)
				return rc;
			continue;
		}
		switch (c) {
		case 'i': ro.in_place = true; break;
		case O_OUTPUT: ro.output = optarg; break;
		case O_ADD:
		case O_RM:
			if ((c == O_ADD ? ro.nadd : ro.nrm) >= MAX_AGE_FLAGS) {
				cli_error("too many --add-age/--rm-age options");
				return EXIT_GENERIC;
			}
			if (c == O_ADD)
				ro.add[ro.nadd++] = optarg;
			else
				ro.rm[ro.nrm++] = optarg;
			break;
		case 'r': dir = optarg; break;
		case 'j': jobs = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_GENERIC;
		}
	}
	if (!dir && optind >= argc) {
		cli_error("no file specified");
		usage(stderr);
		return EXIT_NO_FILE;
	}
	if (ro.in_place && ro.output) {
		cli_error("cannot use --in-place and --output together");
		return EXIT_CONFLICTING_PARAMETERS;
	}
	struct ags_diag d = { 0 };
	struct ags_sops_config *cfg = NULL;
	if (sm_config(&ro.o, false, &cfg, &d) < 0)
		cfg = NULL; /* only the stores' indentation comes from it */
	ro.cfg = cfg;
	struct ags_repo_files files = { 0 };
	ro.o.skip_plain = dir != NULL; /* a walk skips plaintext files the rules select */
	if (dir && (rc = sm_collect(dir, &ro.o, AGS_REPO_SELECT_ANY_RULE, &files)) != 0) {
		ags_sops_config_free(cfg);
		return rc;
	}
	for (int i = optind; i < argc; i++)
		if (ags_repo_files_add(&files, argv[i]) < 0)
			rc = EXIT_GENERIC;
	if (rc == 0) {
		if (files.n == 1 && !dir) {
			int r = rotate_one(files.paths[0], &ro, &d);
			rc = r < 0 ? cli_fail(r, &d, NULL) : 0;
		} else if (ro.output) {
			cli_error("--output takes a single file");
			rc = EXIT_CONFLICTING_PARAMETERS;
		} else {
			ro.in_place = true;
			rc = sm_run_many("rotate", &files, jobs, rotate_one, &ro);
		}
	}
	ags_repo_files_clear(&files);
	ags_sops_config_free(cfg);
	sm_identities_free();
	return rc;
}
