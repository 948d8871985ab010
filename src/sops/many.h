/*
 * The many-file runner: a job over many files (FILE... or -r DIR picked by
 * the creation rules) in parallel, one line per failure and a summary;
 * the decrypt --check and encrypt -i jobs built on it.
 */
#ifndef AGS_SRC_SOPS_MANY_H
#define AGS_SRC_SOPS_MANY_H

#include <agesops/agesops.h>
#include <agesops/sops.h>
#include <agesops/sops-config.h>
#include <agesops/sops-repo.h>
#include <stdbool.h>
#include <stddef.h>
#include "opts.h"

/* Whole-repository mode: runs job on files (with a progress line on a
 * terminal), prints one line per failure and a summary line
 * ("what: N files, M changed, K unchanged, F failed").  Returns the exit
 * code: 0 when nothing failed, else the first failure's code. */
int sm_run_many(const char *what, const struct ags_repo_files *files, unsigned jobs, ags_repo_job_fn job,
		void *ctx);
/* Collects files for -r DIR (printing errors); 0 or an exit code. */
int sm_collect(const char *dir, const struct sm_opts *o, enum ags_repo_select sel, struct ags_repo_files *out);
/* The files of a many-file run: -r DIR's (sm_collect, when dir is set) then
 * the FILE arguments.  Prints errors; 0 or an exit code.  out is the
 * caller's to clear either way. */
int sm_many_files(char **files, size_t nfiles, const char *dir, const struct sm_opts *o, enum ags_repo_select sel,
		  struct ags_repo_files *out);

/* Repository jobs for decrypt --check and encrypt -i over many files (the
 * callers are cmd-decrypt.c / cmd-encrypt.c).  ctx: const struct sm_opts *
 * for the check, struct sm_encrypt_ctx * for encrypt. */
int sm_check_job(const char *path, void *ctx, struct ags_diag *d);
struct sm_encrypt_ctx {
	struct sm_opts o;
	const struct ags_sops_config *cfg;  /* creation rules and stores settings */
	const char *const *age;             /* --age values: win over the config */
	size_t nage;
	const char *const *pgp;             /* --pgp values: the same */
	size_t npgp;
	struct ags_sops_rules rules;        /* rule flags: win over the config */
};
int sm_encrypt_job(const char *path, void *ctx, struct ags_diag *d);

/* Flags decrypt and encrypt take for many files: --check, -r/--recursive
 * DIR, -j/--jobs N.  sm_many_flag is a sops_extra_flag_fn (sops/opts.h). */
struct sm_many_flags {
	bool check;
	const char *dir;
	unsigned jobs;
};
int sm_many_flag(void *ctx, const char *name, const char *value, const char *next);
/* The flags of encrypt and decrypt (cmd), these among them: "-h" or
 * "--help" first prints the help of cmd and returns -1 (exit 0); else
 * sops_opts_parse's result.  o is the caller's to free either way. */
int sm_parse_many(int argc, char **argv, const char *cmd, struct sops_opts *o, struct sm_many_flags *many);
/* encrypt and decrypt (cmd) on one file: at most one file, and -i without
 * --output (decrypt: nor --extract).  0, or the exit code after printing. */
int sm_one_file(const struct sops_opts *o, const char *cmd);
/* decrypt --check FILE... / -r DIR: MAC of every file, nothing printed but
 * errors and the summary.  Returns the exit code. */
int sm_decrypt_check(char **files, size_t nfiles, const struct sm_many_flags *m, const char *input_type,
		     const char *config, bool ignore_mac);
/* encrypt -i FILE... / -r DIR: each plaintext file in place, with --age or
 * its creation rule; files already encrypted are skipped. */
int sm_encrypt_many(char **files, size_t nfiles, const struct sm_many_flags *m, const char *const *age,
		    size_t nage, const char *const *pgp, size_t npgp, const struct ags_sops_rules *rules, const char *input_type, const char *config,
		    int indent);

#endif
