/*
 * agesops rotate [-i] [--add-age R] [--rm-age R] FILE...: a new data key,
 * every value re-encrypted under it, the key entries re-wrapped for the
 * file's recipients (plus --add-age/--add-pgp, minus --rm-age/--rm-pgp).  Without -i the
 * result goes to stdout (or --output), as sops; with several files or
 * -r DIR, files are rotated in place in parallel, each atomically.
 */
#include "cli.h"
#include "cli-opts.h"
#include "sops/fileio.h"
#include "sops/keygroups.h"
#include "sops/many.h"
#include "sops/opts.h"
#include "crypto/ossl.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/file.h"
#include "util/secret.h"

#define MAX_AGE_FLAGS 64

struct rot {
	struct sm_opts o;
	const struct ags_sops_config *cfg;
	const char *add[MAX_AGE_FLAGS], *rm[MAX_AGE_FLAGS], *add_pgp[MAX_AGE_FLAGS], *rm_pgp[MAX_AGE_FLAGS];
	size_t nadd, nrm, nadd_pgp, nrm_pgp;
	bool in_place;
	const char *output;
};

/* The file's key groups with --add-age/--add-pgp (to the first group, as
 * sops) and --rm-age/--rm-pgp (from every group) applied. */
static int edit_groups(const struct rot *ro, struct sm_groups *g, struct ags_diag *d)
{
	int r = sm_groups_apply(g, 0, SM_KEY_AGE, ro->rm, ro->nrm, false);
	if (r == 0)
		r = sm_groups_apply(g, 0, SM_KEY_PGP, ro->rm_pgp, ro->nrm_pgp, false);
	if (r == 0)
		r = sm_groups_apply(g, 0, SM_KEY_AGE, ro->add, ro->nadd, true);
	if (r == 0)
		r = sm_groups_apply(g, 0, SM_KEY_PGP, ro->add_pgp, ro->nadd_pgp, true);
	if (r < 0)
		return r;
	for (size_t gi = 0; gi < g->n; gi++)
		if (g->g[gi].nage == 0 && g->g[gi].npgp == 0)
			return ags_diag_set(d, AGS_E_SOPS_NO_RECIPIENTS, "key group %zu would have no keys left", gi + 1);
	return 0;
}

static int rotate_one(const char *path, void *ctx, struct ags_diag *d)
{
	struct rot *ro = ctx;
	struct sm_file f;
	struct sm_groups want = { 0 };
	int r = sm_open(path, &ro->o, SM_DECRYPT, &f, d);
	if (r == 0)
		r = sm_groups_from_metadata(ags_sops_doc_metadata(f.doc), &want);
	if (r == 0 && want.n == 0)
		r = ags_diag_set(d, AGS_E_SOPS_NO_RECIPIENTS,
				 "%s: the file has no age or pgp keys to rotate for (use --add-age or --add-pgp)", path);
	if (r == 0)
		r = edit_groups(ro, &want, d);
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
		const char *store = sm_store_name(ro->o.output_type ? ro->o.output_type : ro->o.input_type,
						  ro->o.filename_override ? ro->o.filename_override : path);
		int indent = sm_indent(&ro->o, ro->cfg, store);
		if (ro->in_place || ro->output) {
			r = sm_write(f.doc, ro->in_place ? path : ro->output, ro->o.output_type, indent, d);
		} else {
			struct ags_buf out;
			ags_buf_init(&out, AGS_ENC_FILE_MAX);
			r = ags_sops_doc_emit(f.doc, ro->o.output_type, indent, &out, d);
			if (r == 0 && ags_write_all(1, out.data ? out.data : (unsigned char *)"", out.len) < 0)
				r = ags_diag_set(d, AGS_E_IO, "could not write to stdout");
			ags_buf_release(&out);
		}
	}
	sm_groups_clear(&want);
	sm_close(&f);
	return r;
}

int cmd_rotate(int argc, char **argv)
{
	struct rot ro = { 0 };
	struct sm_getopt so;
	sm_getopt_init(&so, "rotate", NULL, &ro.o);
	int c, rc = 0;
	while ((c = sm_getopt(&so, argc, argv)) > 0) {
		switch (c) {
		case 'i': ro.in_place = true; break;
		case OPT_OUTPUT: ro.output = optarg; break;
		case OPT_FILENAME_OVERRIDE: ro.o.filename_override = optarg; break;
		case OPT_ADD_AGE:
		case OPT_RM_AGE:
		case OPT_ADD_PGP:
		case OPT_RM_PGP: {
			const char **v = c == OPT_ADD_AGE ? ro.add : c == OPT_RM_AGE ? ro.rm : c == OPT_ADD_PGP ? ro.add_pgp : ro.rm_pgp;
			size_t *n = c == OPT_ADD_AGE ? &ro.nadd : c == OPT_RM_AGE ? &ro.nrm : c == OPT_ADD_PGP ? &ro.nadd_pgp : &ro.nrm_pgp;
			if (*n >= MAX_AGE_FLAGS) {
				cli_error("too many --add-*/--rm-* options");
				return EXIT_GENERIC;
			}
			v[(*n)++] = optarg;
			break;
		}
		}
	}
	if (sm_getopt_end(&so, c, argc, ro.o.dir ? 0 : 1, SM_ARGS_ANY, "no file specified", EXIT_NO_FILE))
		return so.rc;
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
	rc = sm_many_files(argv + optind, (size_t)(argc - optind), ro.o.dir, &ro.o, AGS_REPO_SELECT_ANY_RULE, &files);
	if (rc == 0) {
		if (files.n == 1 && !ro.o.dir && (ro.nadd || ro.nrm) && access(files.paths[0], F_OK) != 0) {
			cli_error("cannot add or remove keys on non-existent file \"%s\", use the `edit` subcommand "
				  "instead.", files.paths[0]);
			rc = EXIT_NON_EXISTENT_FILE; /* as Go's rotate */
		} else if (files.n == 1 && !ro.o.dir) {
			int r = rotate_one(files.paths[0], &ro, &d);
			rc = r < 0 ? cli_fail(r, &d, NULL) : 0;
		} else if (ro.output) {
			cli_error("--output takes a single file");
			rc = EXIT_CONFLICTING_PARAMETERS;
		} else {
			ro.in_place = true;
			rc = sm_run_many("rotate", &files, ro.o.jobs, rotate_one, &ro);
		}
	}
	ags_repo_files_clear(&files);
	ags_sops_config_free(cfg);
	sm_identities_free();
	return rc;
}
