/*
 * Whole repositories: collect the SOPS files of a directory tree and run one
 * job per file on a pool of threads in this process (one per core), so that
 * re-keying or checking hundreds of files costs one process start, not one
 * per file.
 */
#ifndef AGESOPS_SOPS_REPO_H
#define AGESOPS_SOPS_REPO_H

#include <agesops/agesops.h>
#include <agesops/sops-config.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AGS_REPO_MAX_FILES 1000000
#define AGS_REPO_MAX_DEPTH 64
#define AGS_REPO_MAX_THREADS 256

struct ags_repo_files {
	char **paths; /* malloc'd, sorted byte-wise */
	size_t n;
};

enum ags_repo_select {
	/* files any creation rule selects (a rule without path_regex selects all) */
	AGS_REPO_SELECT_ANY_RULE = 0,
	/* only files a rule with a path_regex selects: for encrypt -r, so that a
	 * catch-all rule does not pull in READMEs and scripts */
	AGS_REPO_SELECT_REGEX_RULE,
};

/*
 * Walks dir (not following symlinks, skipping directories whose name starts
 * with '.', e.g. .git, and .sops.yaml files) and appends the regular files
 * that cfg's creation rules select, matched as sops matches a file (path
 * relative to the config's directory, first matching rule wins).  Without
 * cfg (or with no creation_rules), every regular file is taken.
 */
int ags_repo_collect(const char *dir, const struct ags_sops_config *cfg, enum ags_repo_select sel,
		     struct ags_repo_files *out, struct ags_diag *d);
/* Appends one path (for explicit file arguments). */
int ags_repo_files_add(struct ags_repo_files *f, const char *path);
void ags_repo_files_clear(struct ags_repo_files *f);

/* One file's job.  Returns < 0 on failure with d filled; > 0 means "done,
 * nothing to do" (e.g. unchanged), reported as skipped. */
typedef int (*ags_repo_job_fn)(const char *path, void *ctx, struct ags_diag *d);
/* Called after each file, serialised (never concurrently). */
typedef void (*ags_repo_progress_fn)(size_t done, size_t total, void *pctx);

struct ags_repo_result {
	int rc;
	struct ags_diag diag;
};

/*
 * Atomic replacement of an existing file (through symlinks, keeping owner,
 * mode and xattrs; see ags_file_write_atomic) with an fsync of the file but
 * not of its directory: call ags_repo_sync_dirs once after a series.
 */
int ags_repo_write(const char *path, const void *data, size_t len);
/* fsync of every directory holding one of the files. */
int ags_repo_sync_dirs(const struct ags_repo_files *f);

/*
 * A batch of replacements that pays for durability once: each write leaves
 * the complete new content in a 0600 temp file beside its target (no fsync),
 * and ags_repo_batch_commit makes them all durable with one syncfs per file
 * system, then renames each over its target and fsyncs each directory once.
 * A crash at any point leaves every target old or new (temp files of a dead
 * run are removed by the next write in their directory).
 */
struct ags_repo_batch;
int ags_repo_batch_new(struct ags_repo_batch **out);
/* Thread-safe.  The file must exist (-ENOENT otherwise, nothing created). */
int ags_repo_batch_write(struct ags_repo_batch *b, const char *path, const void *data, size_t len);
/*
 * Returns the number of files that could not be renamed (>= 0; d names the
 * first), or < 0 when the data could not be made durable: then no target
 * was touched.  The batch is empty afterwards and can be reused.
 */
int ags_repo_batch_commit(struct ags_repo_batch *b, struct ags_diag *d);
/* Drops uncommitted writes (targets untouched).  NULL is fine. */
void ags_repo_batch_free(struct ags_repo_batch *b);

/* Number of online cores (>= 1). */
unsigned ags_repo_ncores(void);

/*
 * Runs fn on every file with nthreads threads (0 = one per core, capped at
 * the number of files).  results[i] receives file i's outcome.  Returns the
 * number of failed files (>= 0), or a negative error when threads could not
 * be started at all (then nothing ran).
 */
int ags_repo_run(const struct ags_repo_files *f, unsigned nthreads, ags_repo_job_fn fn, void *ctx,
		 struct ags_repo_result *results, ags_repo_progress_fn progress, void *pctx);

#ifdef __cplusplus
}
#endif
#endif
