/*
 * The many-file runner and its encrypt/check jobs (many.h).
 */
#include "many.h"
#include "fileio.h"
#include "keygroups.h"
#include "../cli.h"
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/file.h"

/* Files per durable batch: bounds the temp copies on disk at once. */
#define SM_BATCH_FILES 4096

struct many {
	const char *what;
	bool tty;
};

static void progress(size_t done, size_t total, void *p)
{
	struct many *m = p;
	if (m->tty && (done == total || done % 16 == 0))
		fprintf(stderr, "\r%s: %zu/%zu", m->what, done, total);
	if (m->tty && done == total)
		fputs("\r\033[K", stderr);
}

int sm_run_many(const char *what, const struct ags_repo_files *files, unsigned jobs, ags_repo_job_fn job,
		void *ctx)
{
	if (files->n == 0) {
		cli_warn("%s: no files selected", what);
		return EXIT_OK;
	}
	struct ags_repo_result *res = calloc(files->n, sizeof(*res));
	if (!res) {
		cli_error("out of memory");
		return EXIT_GENERIC;
	}
	/* Each file's parse allocates and frees buffers around 1 MiB; without
	 * this glibc hands them back to the kernel (brk/madvise) for every file,
	 * which costs more than the crypto.  Freed secrets are wiped first. */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	struct many m = { .what = what, .tty = isatty(STDERR_FILENO) && files->n > 1 };
	if (jobs == 0)
		jobs = ags_repo_ncores();
	struct ags_repo_batch *batch = NULL;
	struct ags_diag bd = { 0 };
	int failed = ags_repo_batch_new(&batch);
	sm_write_batch(batch);
	/* slices bound the temp files (disk space) a batch holds at once */
	for (size_t off = 0; failed >= 0 && off < files->n; off += SM_BATCH_FILES) {
		size_t left = files->n - off;
		struct ags_repo_files slice = { files->paths + off, left < SM_BATCH_FILES ? left : SM_BATCH_FILES };
		int f = ags_repo_run(&slice, jobs, job, ctx, res + off, progress, &m);
		int c = f < 0 ? 0 : ags_repo_batch_commit(batch, &bd);
		if (f < 0 || c < 0)
			failed = f < 0 ? f : c;
		else
			failed += f + c;
	}
	sm_write_batch(NULL);
	ags_repo_batch_free(batch);
	if (failed < 0) {
		free(res);
		return cli_fail(failed, bd.msg[0] ? &bd : NULL, what);
	}
	if (bd.msg[0])
		cli_error("%s", bd.msg);
	size_t changed = 0, same = 0, plain = 0;
	int first = EXIT_OK;
	for (size_t i = 0; i < files->n; i++) {
		if (res[i].rc < 0) {
			cli_error("%s", res[i].diag.msg);
			if (first == EXIT_OK)
				first = cli_exit_code(res[i].rc);
		} else if (res[i].rc == SM_SKIPPED_PLAIN) {
			plain++;
		} else if (res[i].rc > 0) {
			same++;
		} else {
			changed++;
		}
	}
	if (bd.msg[0] && first == EXIT_OK)
		first = cli_exit_code(bd.code);
	if (files->n > 1 || failed) {
		char skipped[64] = "";
		if (plain)
			snprintf(skipped, sizeof(skipped), ", %zu not encrypted (skipped)", plain);
		fprintf(stderr, "%s: %zu file%s, %zu done, %zu unchanged%s, %d failed\n", what, files->n,
			files->n == 1 ? "" : "s", changed, same, skipped, failed);
	}
	free(res);
	return failed ? (first == EXIT_OK ? EXIT_GENERIC : first) : EXIT_OK;
}

int sm_collect(const char *dir, const struct sm_opts *o, enum ags_repo_select sel, struct ags_repo_files *out)
{
	struct ags_diag d = { 0 };
	struct ags_sops_config *cfg = NULL;
	int r = sm_config(o, false, &cfg, &d);
	if (r == 0)
		r = ags_repo_collect(dir, cfg, sel, out, &d);
	ags_sops_config_free(cfg);
	return r < 0 ? cli_fail(r, &d, NULL) : 0;
}

int sm_check_job(const char *path, void *ctx, struct ags_diag *d)
{
	const struct sm_opts *o = ctx;
	struct sm_file f;
	int r = sm_open(path, o, SM_DECRYPT, &f, d);
	if (r < 0 && d->msg[0] && !strstr(d->msg, path)) {
		char m[AGS_DIAG_MAX];
		snprintf(m, sizeof(m), "%s", d->msg);
		ags_diag_set(d, r, "%s: %s", path, m);
	}
	sm_close(&f);
	return r;
}

int sm_encrypt_job(const char *path, void *ctx, struct ags_diag *d)
{
	const struct sm_encrypt_ctx *e = ctx;
	struct ags_buf in, out;
	ags_buf_init_secret(&in, AGS_FILE_MAX);
	ags_buf_init(&out, AGS_ENC_FILE_MAX);
	int r = sm_read(path, &in, d);
	const char *data = in.data ? (const char *)in.data : "";
	if (r == 0 && ags_sops_is_encrypted(data, in.len, e->o.input_type, path))
		r = 1; /* already encrypted: nothing to do */
	const struct ags_sops_creation_rule *rule = NULL;
	if (r == 0 && e->cfg)
		r = ags_sops_config_match(e->cfg, path, &rule, d);
	if (r == AGS_E_SOPS_CONFIG && (e->nage || e->npgp))
		r = 0; /* keys from flags need no rule */
	struct sm_groups g = { 0 };
	if (r == 0) {
		if (e->nage || e->npgp)
			r = sm_groups_from_flags(e->age, e->nage, e->pgp, e->npgp, &g, d);
		else if (rule && rule->ngroups)
			r = sm_groups_from_rule(rule, &g, d);
		else
			r = ags_diag_set(d, AGS_E_SOPS_NO_RECIPIENTS, "%s: no keys (no --age or --pgp, no creation rule keys)",
					 path);
		if (r < 0 && !strstr(d->msg, path)) {
			char m[AGS_DIAG_MAX];
			snprintf(m, sizeof(m), "%s", d->msg);
			ags_diag_set(d, r, "%s: %s", path, m);
		}
	}
	if (r == 0) {
		struct ags_sops_encrypt_opts eo = { 0 };
		eo.groups = g.g;
		eo.ngroups = g.n;
		eo.shamir_threshold = g.threshold;
		eo.rules = e->rules;
		if (rule && !eo.rules.unencrypted_suffix && !eo.rules.encrypted_suffix && !eo.rules.unencrypted_regex &&
		    !eo.rules.encrypted_regex && !eo.rules.unencrypted_comment_regex &&
		    !eo.rules.encrypted_comment_regex) {
			eo.rules.unencrypted_suffix = rule->unencrypted_suffix;
			eo.rules.encrypted_suffix = rule->encrypted_suffix;
			eo.rules.unencrypted_regex = rule->unencrypted_regex;
			eo.rules.encrypted_regex = rule->encrypted_regex;
			eo.rules.unencrypted_comment_regex = rule->unencrypted_comment_regex;
			eo.rules.encrypted_comment_regex = rule->encrypted_comment_regex;
		}
		if (rule && rule->mac_only_encrypted)
			eo.rules.mac_only_encrypted = true;
		eo.input_type = e->o.input_type;
		eo.output_type = e->o.output_type;
		eo.filename = path;
		eo.indent = sm_indent(&e->o, e->cfg, sm_store_name(e->o.output_type ? e->o.output_type : e->o.input_type,
								   path));
		r = ags_sops_encrypt_buf(data, in.len, &eo, &out, d);
	}
	if (r == 0)
		r = sm_write_bytes(path, out.data ? out.data : (unsigned char *)"", out.len, d);
	sm_groups_clear(&g);
	ags_buf_release(&in);
	ags_buf_release(&out);
	return r;
}

int sm_many_flag(void *ctx, const char *name, const char *value, const char *next)
{
	struct sm_many_flags *m = ctx;
	if (!strcmp(name, "--check")) {
		m->check = true;
		return 0;
	}
	bool rec = !strcmp(name, "-r") || !strcmp(name, "--recursive");
	bool jobs = !strcmp(name, "-j") || !strcmp(name, "--jobs");
	if (!rec && !jobs)
		return -1;
	const char *v = value ? value : next;
	if (!v)
		return -1;
	if (rec)
		m->dir = v;
	else
		m->jobs = (unsigned)strtoul(v, NULL, 10);
	return value ? 0 : 1;
}

int sm_many_files(char **files, size_t nfiles, const char *dir, const struct sm_opts *o, enum ags_repo_select sel,
		  struct ags_repo_files *out)
{
	if (dir) {
		int rc = sm_collect(dir, o, sel, out);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < nfiles; i++)
		if (ags_repo_files_add(out, files[i]) < 0) {
			cli_error("out of memory");
			return EXIT_GENERIC;
		}
	return 0;
}

int sm_parse_many(int argc, char **argv, const char *cmd, struct sops_opts *o, struct sm_many_flags *many)
{
	memset(many, 0, sizeof(*many));
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		memset(o, 0, sizeof(*o));
		cli_help(stdout, cmd);
		return -1;
	}
	return sops_opts_parse(argc, argv, o, sm_many_flag, many);
}

int sm_one_file(const struct sops_opts *o, const char *cmd)
{
	bool decrypt = !strcmp(cmd, "decrypt");
	if (o->nfiles > 1) {
		cli_error("%s takes one file (got %zu)", cmd, o->nfiles);
		return EXIT_GENERIC;
	}
	if (o->in_place && (o->output || (decrypt && o->extract))) {
		cli_error(decrypt ? "--in-place cannot be used with --output or --extract"
				  : "--in-place and --output cannot be used together");
		return EXIT_CONFLICTING_PARAMETERS;
	}
	return 0;
}

int sm_decrypt_check(char **files, size_t nfiles, const struct sm_many_flags *m, const char *input_type,
		     const char *config, bool ignore_mac)
{
	struct sm_opts o;
	sm_opts_init(&o);
	o.input_type = input_type;
	o.config = config;
	o.ignore_mac = ignore_mac;
	o.skip_plain = m->dir != NULL;
	struct ags_repo_files f = { 0 };
	int rc = sm_many_files(files, nfiles, m->dir, &o, AGS_REPO_SELECT_ANY_RULE, &f);
	if (rc == 0 && f.n == 0 && !m->dir) {
		cli_error("decrypt --check needs files or -r DIR");
		rc = EXIT_NO_FILE;
	}
	if (rc == 0)
		rc = sm_run_many("decrypt --check", &f, m->jobs, sm_check_job, &o);
	ags_repo_files_clear(&f);
	sm_identities_free();
	return rc;
}

int sm_encrypt_many(char **files, size_t nfiles, const struct sm_many_flags *m, const char *const *age,
		    size_t nage, const char *const *pgp, size_t npgp, const struct ags_sops_rules *rules, const char *input_type, const char *config,
		    int indent)
{
	struct sm_encrypt_ctx e = { 0 };
	sm_opts_init(&e.o);
	e.o.input_type = input_type;
	e.o.config = config;
	e.o.indent = indent;
	e.age = age;
	e.nage = nage;
	e.pgp = pgp;
	e.npgp = npgp;
	if (rules)
		e.rules = *rules;
	struct ags_diag d = { 0 };
	struct ags_sops_config *cfg = NULL;
	int r = sm_config(&e.o, false, &cfg, &d);
	if (r < 0)
		return cli_fail(r, &d, NULL);
	e.cfg = cfg;
	struct ags_repo_files f = { 0 };
	int rc = sm_many_files(files, nfiles, m->dir, &e.o, AGS_REPO_SELECT_REGEX_RULE, &f);
	if (rc == 0)
		rc = sm_run_many("encrypt", &f, m->jobs, sm_encrypt_job, &e);
	ags_repo_files_clear(&f);
	ags_sops_config_free(cfg);
	return rc;
}
