/*
 * agesops groups add --file F [--age R]... [--shamir-secret-sharing-threshold N] [-i]
 * agesops groups delete --file F [--shamir-secret-sharing-threshold N] [-i] INDEX
 *
 * Adds a key group (the --age recipients and --pgp fingerprints) or deletes group INDEX (0-based,
 * as sops).  The data key stays; with several groups it is split again with
 * Shamir (threshold: the flag, else the file's, capped to the group count),
 * and every recipient gets its new share.  Output to stdout unless -i.
 */
#include "cli.h"
#include "cli-opts.h"
#include "sops/fileio.h"
#include "sops/keygroups.h"
#include "sops/opts.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/file.h"

static void usage(FILE *f)
{
	(f == stdout ? cli_help : cli_usage)(f, "groups");
}

int cmd_groups(int argc, char **argv)
{
	if (argc < 2 || (strcmp(argv[1], "add") && strcmp(argv[1], "delete"))) {
		usage(argc >= 2 && !strcmp(argv[1], "--help") ? stdout : stderr);
		return argc >= 2 && !strcmp(argv[1], "--help") ? 0 : EXIT_GENERIC;
	}
	bool add = !strcmp(argv[1], "add");
	argc--;
	argv++;
	struct sm_opts o;
	const char *file = NULL, *age[64], *pgp[64];
	size_t nage = 0, npgp = 0;
	long threshold = -1;
	bool in_place = false;
	struct sm_getopt so;
	sm_getopt_init(&so, add ? "groups add" : "groups delete", "groups", &o);
	int c;
	while ((c = sm_getopt(&so, argc, argv)) > 0) {
		switch (c) {
		case OPT_FILE: file = optarg; break;
		case 'a':
			if (nage >= 64) {
				cli_error("too many --age options");
				return EXIT_GENERIC;
			}
			age[nage++] = optarg;
			break;
		case OPT_PGP:
			if (npgp >= 64) {
				cli_error("too many --pgp options");
				return EXIT_GENERIC;
			}
			pgp[npgp++] = optarg;
			break;
		case 'i': in_place = true; break;
		case OPT_SHAMIR: {
			char *end;
			threshold = strtol(optarg, &end, 10);
			if (*end || threshold < 0 || threshold > 255) {
				cli_error("invalid --shamir-secret-sharing-threshold '%s'", optarg);
				return EXIT_GENERIC;
			}
			break;
		}
		}
	}
	if (c == SM_GETOPT_EXIT)
		return so.rc;
	if (!file) {
		cli_error("--file is required");
		return EXIT_NO_FILE;
	}
	long del = -1;
	if (add) {
		if (optind != argc || nage + npgp == 0) {
			cli_error("groups add takes --age or --pgp keys and no positional arguments");
			return EXIT_GENERIC;
		}
	} else {
		char *end;
		if (argc - optind != 1 || (del = strtol(argv[optind], &end, 10), *end) || del < 0) {
			cli_error("groups delete takes one group index (0-based)");
			return EXIT_GENERIC;
		}
	}
	struct ags_diag d = { 0 };
	struct sm_file f;
	struct sm_groups have = { 0 };
	int r = sm_open(file, &o, SM_KEY, &f, &d);
	if (r == 0)
		r = sm_groups_from_metadata(ags_sops_doc_metadata(f.doc), &have);
	if (r == 0 && add) {
		r = sm_groups_new_group(&have);
		if (r == 0)
			r = sm_groups_apply(&have, have.n - 1, SM_KEY_AGE, age, nage, true);
		if (r == 0)
			r = sm_groups_apply(&have, have.n - 1, SM_KEY_PGP, pgp, npgp, true);
	} else if (r == 0) {
		if ((size_t)del >= have.n) {
			r = ags_diag_set(&d, AGS_E_INVAL, "%s: no key group %ld (the file has %zu)", file, del, have.n);
		} else if (have.n == 1) {
			r = ags_diag_set(&d, AGS_E_INVAL, "%s: cannot delete the only key group", file);
		} else {
			free((void *)have.g[del].age);
			free((void *)have.g[del].pgp);
			memmove(&have.g[del], &have.g[del + 1], (have.n - (size_t)del - 1) * sizeof(*have.g));
			have.n--;
		}
	}
	if (r == 0) {
		unsigned t = threshold >= 0 ? (unsigned)threshold : have.threshold;
		if (t == 0 || t > have.n)
			t = (unsigned)have.n;
		have.threshold = have.n > 1 ? t : 0;
		if (have.n > 1 && have.threshold < 2)
			r = ags_diag_set(&d, AGS_E_SOPS_SHAMIR, "%s: a Shamir threshold must be at least 2", file);
	}
	if (r == 0)
		r = ags_sops_doc_set_keys(f.doc, have.g, have.n, have.threshold, f.key, &d);
	if (r == 0) {
		int indent = sm_file_indent(&o, o.input_type, file);
		if (in_place) {
			r = sm_write(f.doc, file, NULL, indent, &d);
		} else {
			struct ags_buf out;
			ags_buf_init(&out, AGS_ENC_FILE_MAX);
			r = ags_sops_doc_emit(f.doc, NULL, indent, &out, &d);
			if (r == 0 && ags_write_all(1, out.data ? out.data : (unsigned char *)"", out.len) < 0)
				r = ags_diag_set(&d, AGS_E_IO, "could not write to stdout");
			ags_buf_release(&out);
		}
	}
	sm_groups_clear(&have);
	sm_close(&f);
	sm_identities_free();
	return r < 0 ? cli_fail(r, &d, NULL) : 0;
}
