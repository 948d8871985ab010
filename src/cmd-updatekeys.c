/*
 * agesops updatekeys [-y] [-r DIR] FILE...: re-wraps each file's data key
 * for the recipients and key groups the current .sops.yaml gives it.  The
 * data key, values, MAC and lastmodified stay as they are (sops does the
 * same), so only the key entries change.  Many files (or -r DIR, selected
 * by the creation rules' path_regex) are processed in parallel, one thread
 * per core, each file written atomically.
 */
#include "cli.h"
#include "cli-opts.h"
#include "sops/fileio.h"
#include "sops/keygroups.h"
#include "sops/many.h"
#include "sops/opts.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct uk {
	struct sm_opts o;
	const struct ags_sops_config *cfg;
	bool yes;
	bool interactive; /* a single file: diff and prompt */
};

static int update_one(const char *path, void *ctx, struct ags_diag *d)
{
	struct uk *u = ctx;
	const struct ags_sops_creation_rule *rule = NULL;
	int r = ags_sops_config_match(u->cfg, path, &rule, d);
	if (r < 0)
		return r;
	if (!rule || rule->ngroups == 0)
		return ags_diag_set(d, AGS_E_SOPS_NO_RECIPIENTS, "%s: the matching creation rule names no keys", path);
	struct sm_groups want = { 0 }, have = { 0 };
	struct ags_diag rd = { 0 };
	r = sm_groups_from_rule(rule, &want, &rd);
	if (r < 0)
		return ags_diag_set(d, r, "%s: %s", path, rd.msg);
	struct sm_file f;
	r = sm_open(path, &u->o, SM_LOAD, &f, d);
	if (r == 0)
		r = sm_groups_from_metadata(ags_sops_doc_metadata(f.doc), &have);
	if (r == 0 && sm_groups_equal(&have, &want)) {
		if (u->interactive)
			fprintf(stderr, "%s: already up to date\n", path);
		r = 1;
	}
	if (r == 0 && u->interactive) {
		fprintf(stderr, "The following changes will be made to the file's groups:\n");
		sm_groups_diff(&have, &want, stderr);
		bool eof = false;
		if (!u->yes && !sm_confirm("Is this okay?", &eof)) {
			fprintf(stderr, "%s: changes not applied%s\n", path, eof ? " (no answer: use -y)" : "");
			r = 1;
		}
	}
	/* the data key is only needed when something changes */
	if (r == 0)
		r = sm_get_key(&f, d);
	if (r == 0)
		r = ags_sops_doc_set_keys(f.doc, want.g, want.n, want.threshold, f.key, d);
	if (r == 0) {
		const char *store = sm_store_name(u->o.input_type, path);
		r = sm_write(f.doc, path, NULL, sm_indent(&u->o, u->cfg, store), d);
	}
	if (r == 0 && u->interactive)
		fprintf(stderr, "%s: key groups updated\n", path);
	sm_groups_clear(&want);
	sm_groups_clear(&have);
	if (f.doc || f.have_key)
		sm_close(&f);
	return r;
}

int cmd_updatekeys(int argc, char **argv)
{
	struct uk u = { 0 };
	struct sm_getopt so;
	sm_getopt_init(&so, "updatekeys", NULL, &u.o);
	int c, rc = 0;
	while ((c = sm_getopt(&so, argc, argv)) > 0) {
		switch (c) {
		case 'y': u.yes = true; break;
		}
	}
	if (sm_getopt_end(&so, c, argc, u.o.dir ? 0 : 1, SM_ARGS_ANY, "no file specified", EXIT_NO_FILE))
		return so.rc;
	struct ags_diag d = { 0 };
	struct ags_sops_config *cfg = NULL;
	int r = sm_config(&u.o, true, &cfg, &d);
	if (r < 0)
		return cli_fail(r, &d, NULL);
	if (!cfg->has_creation_rules) {
		cli_error("%s has no creation_rules", cfg->path);
		ags_sops_config_free(cfg);
		return EXIT_GENERIC;
	}
	u.cfg = cfg;
	struct ags_repo_files files = { 0 };
	rc = sm_many_files(argv + optind, (size_t)(argc - optind), u.o.dir, &u.o, AGS_REPO_SELECT_ANY_RULE, &files);
	if (rc == 0) {
		if (files.n == 1 && !u.o.dir) {
			u.interactive = true;
			r = update_one(files.paths[0], &u, &d);
			rc = r < 0 ? cli_fail(r, &d, NULL) : 0;
		} else if (!u.yes && !u.o.dir) {
			/* as Go: one file after the other, each shown and confirmed;
			 * the others still done when one fails */
			size_t failed = 0;
			u.interactive = true;
			for (size_t i = 0; i < files.n; i++) {
				struct ags_diag fd = { 0 };
				if (update_one(files.paths[i], &u, &fd) < 0) {
					cli_error("%s", fd.msg[0] ? fd.msg : files.paths[i]);
					failed++;
				}
			}
			if (failed) {
				cli_error("failed updating %zu key(s)", failed);
				rc = EXIT_GENERIC;
			}
		} else if (!u.yes) {
			cli_error("updatekeys -r DIR needs -y (the changes are listed and confirmed per file otherwise)");
			rc = EXIT_GENERIC;
		} else {
			rc = sm_run_many("updatekeys", &files, u.o.jobs, update_one, &u);
		}
	}
	ags_repo_files_clear(&files);
	ags_sops_config_free(cfg);
	sm_identities_free();
	return rc;
}
