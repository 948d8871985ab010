/*
 * CLI helpers shared by edit, set, unset, rotate, updatekeys, groups,
 * filestatus, exec-env, exec-file and the whole-repository modes: loading
 * and decrypting a file, writing it back atomically, .sops.yaml lookup, key
 * groups from flags or config, and the multi-file runner with its summary.
 * Functions that print say so; the others only fill a diag.
 */
#ifndef AGS_SRC_SOPS_MORE_H
#define AGS_SRC_SOPS_MORE_H

#include "../cli-opts.h"
#include <agesops/agesops.h>
#include <agesops/sops.h>
#include <agesops/sops-config.h>
#include <agesops/sops-repo.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct ags_buf;
struct ags_age_identities;

/* Options most of these commands share. */
struct sm_opts {
	const char *input_type, *output_type;
	const char *config;   /* --config, else $SOPS_CONFIG, else discovery */
	int indent;           /* AGS_SOPS_INDENT_DEFAULT unless --indent */
	bool ignore_mac;
	/* -r DIR walks: a selected file without sops metadata is skipped
	 * (counted in the summary) instead of failing */
	bool skip_plain;
};
void sm_opts_init(struct sm_opts *o);

/* Job result (> 0) for a file skipped because it is not sops-encrypted. */
#define SM_SKIPPED_PLAIN 2

/* Option ids of the flags every sops command takes: the command table's
 * (src/cli-opts.h, where they are declared with their help). */
enum {
	SM_OPT_INPUT_TYPE = OPT_INPUT_TYPE,
	SM_OPT_OUTPUT_TYPE = OPT_OUTPUT_TYPE,
	SM_OPT_CONFIG = OPT_CONFIG,
	SM_OPT_INDENT = OPT_INDENT,
	SM_OPT_IGNORE_MAC = OPT_IGNORE_MAC,
	SM_OPT_DECRYPTION_ORDER = OPT_DECRYPTION_ORDER,
	SM_OPT_IGNORED = OPT_IGNORED,
	SM_OPT_IGNORED_VALUE = OPT_IGNORED_VALUE,
};
/* Handles one of the shared options; true if it was one.  Prints and sets
 * *rc on a bad value. */
bool sm_opts_handle(struct sm_opts *o, int opt, const char *arg, int *rc);
/* Reads a whole file ("-" = stdin) into out (init by the caller). */
int sm_read(const char *path, struct ags_buf *out, struct ags_diag *d);

/* Identities from sops' sources, loaded once per process (thread-safe to
 * use afterwards).  NULL and d filled when none could be loaded. */
const struct ags_age_identities *sm_identities(struct ags_diag *d);
void sm_identities_free(void);

/* An opened (decrypted) document. */
struct sm_file {
	struct ags_sops_doc *doc;
	uint8_t key[AGS_SOPS_DATA_KEY_LEN];
	bool have_key;
};
/* How far sm_open goes. */
enum sm_level { SM_LOAD, SM_KEY, SM_DECRYPT };
/* Reads and loads path, then (SM_KEY) opens the data key, then (SM_DECRYPT)
 * decrypts every value and checks the MAC. */
int sm_open(const char *path, const struct sm_opts *o, enum sm_level level, struct sm_file *f, struct ags_diag *d);
/* Opens the data key of a loaded file (after sm_open(SM_LOAD)). */
int sm_get_key(struct sm_file *f, struct ags_diag *d);
void sm_close(struct sm_file *f);

/* Store name used for path (type override first). */
const char *sm_store_name(const char *type, const char *path);
/* Indent for store: the flag, else .sops.yaml stores setting, else default. */
int sm_indent(const struct sm_opts *o, const struct ags_sops_config *cfg, const char *store);

/* Writes bytes over an existing path atomically (mode kept); in a batch
 * (sm_run_many) the directory sync is deferred to the end. */
int sm_write_bytes(const char *path, const void *data, size_t len, struct ags_diag *d);
/* Emits the (encrypted) document and writes it to path atomically, keeping
 * its mode.  type NULL = the document's own store. */
int sm_write(struct ags_sops_doc *doc, const char *path, const char *type, int indent, struct ags_diag *d);
/* Re-encrypts an opened file with its own data key and writes it back over
 * path, indented as the flags or .sops.yaml say (set, unset). */
int sm_reencrypt_in_place(struct sm_file *f, const struct sm_opts *o, const char *path, struct ags_diag *d);

/*
 * The config for this run: --config / $SOPS_CONFIG, else .sops.yaml found
 * from the working directory.  *cfg NULL when there is none and !required.
 * Prints a warning for an ignored .sops.yml.  Fills d on error.
 */
int sm_config(const struct sm_opts *o, bool required, struct ags_sops_config **cfg, struct ags_diag *d);

/* Key groups as the encrypt API takes them, built from a creation rule (or
 * from a flat list of --age values when nage > 0, which wins as in sops). */
struct sm_groups {
	struct ags_sops_group_spec *g;
	size_t n;
	unsigned threshold;
	char **own;       /* strings owned here */
	size_t nown;
};
int sm_groups_from_rule(const struct ags_sops_creation_rule *r, struct sm_groups *out, struct ags_diag *d);
int sm_groups_from_age(const char *const *age, size_t nage, struct sm_groups *out, struct ags_diag *d);
/* The recipients currently in a document's metadata. */
int sm_groups_from_metadata(const struct ags_sops_metadata *m, struct sm_groups *out);
void sm_groups_clear(struct sm_groups *g);
/* Same recipients (order-insensitive inside each group) and threshold? */
bool sm_groups_equal(const struct sm_groups *a, const struct sm_groups *b);
/* Prints "+++ group N: recipient" / "--- ..." lines describing a -> b. */
void sm_groups_diff(const struct sm_groups *a, const struct sm_groups *b, FILE *fp);

/* "y"/"Y" on the terminal; false when stdin is not a terminal. */
bool sm_confirm(const char *question);

/* Whole-repository mode: runs job on files (with a progress line on a
 * terminal), prints one line per failure and a summary line
 * ("what: N files, M changed, K unchanged, F failed").  Returns the exit
 * code: 0 when nothing failed, else the first failure's code. */
int sm_run_many(const char *what, const struct ags_repo_files *files, unsigned jobs, ags_repo_job_fn job,
		void *ctx);
/* Collects files for -r DIR (printing errors); 0 or an exit code. */
int sm_collect(const char *dir, const struct sm_opts *o, enum ags_repo_select sel, struct ags_repo_files *out);

/* Runs `/bin/sh -c cmd` with envp, forwarding SIGINT/SIGTERM/SIGHUP to it;
 * returns its exit status (128 + signal when killed). Prints on failure. */
int sm_run_shell(const char *cmd, char **envp);

/* Repository jobs for decrypt --check and encrypt -i over many files (the
 * callers are cmd-decrypt.c / cmd-encrypt.c).  ctx: const struct sm_opts *
 * for the check, struct sm_encrypt_ctx * for encrypt. */
int sm_check_job(const char *path, void *ctx, struct ags_diag *d);
struct sm_encrypt_ctx {
	struct sm_opts o;
	const struct ags_sops_config *cfg;  /* creation rules and stores settings */
	const char *const *age;             /* --age values: win over the config */
	size_t nage;
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
/* decrypt --check FILE... / -r DIR: MAC of every file, nothing printed but
 * errors and the summary.  Returns the exit code. */
int sm_decrypt_check(char **files, size_t nfiles, const struct sm_many_flags *m, const char *input_type,
		     const char *config, bool ignore_mac);
/* encrypt -i FILE... / -r DIR: each plaintext file in place, with --age or
 * its creation rule; files already encrypted are skipped. */
int sm_encrypt_many(char **files, size_t nfiles, const struct sm_many_flags *m, const char *const *age,
		    size_t nage, const struct ags_sops_rules *rules, const char *input_type, const char *config,
		    int indent);

/* The sops version comparison edit uses: is a newer than b (semver)? */
bool sm_version_newer(const char *a, const char *b);

#endif
