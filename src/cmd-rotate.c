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

/* Applies --add-age (to the first group, as sops) and --rm-age (from every group). */
static int edit_groups(const struct rot *ro, const struct sm_groups *have, struct sm_groups *out, struct ags_diag *d)
{
	memset(out, 0, sizeof(*out));
	struct sm_groups add = { 0 };
	int r = 0;
	if (ro->nadd)
		r = sm_groups_from_age(ro->add, ro->nadd, &add, d);
	char **rm = NULL;
	size_t nrm = 0;
	for (size_t i = 0; r == 0 && i < ro->nrm; i++) {
		char **v = NULL;
		size_t n = 0;
		r = ags_sops_split_recipients(ro->rm[i], &v, &n);
		char **nv = r == 0 ? realloc(rm, (nrm + n) * sizeof(*rm)) : NULL;
		if (r == 0 && !nv && n)
			r = AGS_E_NOMEM;
		if (nv)
			rm = nv;
		for (size_t j = 0; j < n; j++) {
			if (r == 0)
				rm[nrm++] = v[j];
			else
				free(v[j]);
		}
		free(v);
	}
	/* rebuild through the age-list builder group by group */
	out->threshold = have->threshold;
	for (size_t gi = 0; r == 0 && gi < have->n; gi++) {
		const char *list[4096];
		size_t n = 0;
		for (size_t j = 0; j < have->g[gi].nage && n < 4096; j++) {
			bool drop = false;
			for (size_t k = 0; k < nrm; k++)
				drop |= !strcmp(rm[k], have->g[gi].age[j]);
			if (!drop)
				list[n++] = have->g[gi].age[j];
		}
		for (size_t j = 0; gi == 0 && j < (add.n ? add.g[0].nage : 0) && n < 4096; j++)
			list[n++] = add.g[0].age[j];
		if (n == 0) {
			r = ags_diag_set(d, AGS_E_SOPS_NO_RECIPIENTS, "key group %zu would have no recipients left", gi + 1);
			break;
		}
		struct sm_groups one = { 0 };
		r = sm_groups_from_age(list, n, &one, d);
		if (r == 0) {
			struct ags_sops_group_spec *ng = realloc(out->g, (out->n + 1) * sizeof(*ng));
			char **no = realloc(out->own, (out->nown + one.nown) * sizeof(*no));
			if (ng)
				out->g = ng;
			if (no)
				out->own = no;
			if (!ng || !no) {
				r = AGS_E_NOMEM;
			} else {
				out->g[out->n++] = one.g[0];
				memcpy(out->own + out->nown, one.own, one.nown * sizeof(*no));
				out->nown += one.nown;
				free(one.g);
				free(one.own);
				memset(&one, 0, sizeof(one));
			}
		}
		sm_groups_clear(&one);
	}
	for (size_t k = 0; k < nrm; k++)
		free(rm[k]);
	free(rm);
	sm_groups_clear(&add);
	if (r < 0)
		sm_groups_clear(out);
	return r;
}

static int rotate_one(const char *path, void *ctx, struct ags_diag *d)
{
	struct rot *ro = ctx;
	struct sm_file f;
	struct sm_groups have = { 0 }, want = { 0 };
	int r = sm_open(path, &ro->o, SM_DECRYPT, &f, d);
	if (r == 0)
		r = sm_groups_from_metadata(ags_sops_doc_metadata(f.doc), &have);
	if (r == 0 && have.n == 0)
		r = ags_diag_set(d, AGS_E_SOPS_NO_RECIPIENTS,
				 "%s: the file has no age recipients to rotate for (use --add-age)", path);
	if (r == 0)
		r = edit_groups(ro, &have, &want, d);
	if (r < 0 && d->msg[0] && !strstr(d->msg, path)) {
		char m[AGS_DIAG_MAX];
		snprintf(m, sizeof(m), "%s", d->msg);
		ags_diag_set(d, r, "%s: %s", path, m);
	}
	uint8_t key[AGS_SOPS_DATA_KEY_LEN];
	if (r == 0)
		r = ags_random(key, sizeof(key));
	if (r == 0)
		r = ags_sops_doc_set_keys(f.doc, want.g, want.n, want.threshold, key, d);
	if (r == 0)
		r = ags_sops_doc_encrypt(f.doc, key, NULL, d);
	ags_wipe(key, sizeof(key));
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
	sm_groups_clear(&have);
	sm_groups_clear(&want);
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
