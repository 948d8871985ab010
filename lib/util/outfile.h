/*
 * Crash-safe output files: every file agesops writes goes through here.
 *
 * - A symlink is written through: the resolved target is replaced, the link
 *   stays (as Go sops' os.Create does, but atomically).
 * - A regular file is replaced atomically: the new content goes to a temp
 *   file in the target's directory, invisible until complete (O_TMPFILE,
 *   else a ".agesops-PID-RANDOM.tmp" dot-name of mode 0600), then gets the
 *   old file's owner, group and extended attributes, fsync, rename, the
 *   old file's mode (0600 until then), fsync of the directory.  A crash
 *   leaves the target old or new.
 * - A regular file with several hard links is refused (AGS_E_HARDLINKS):
 *   replacing one name would leave the old content under the others, and
 *   rewriting it in place cannot be made crash-safe.
 * - Anything else (FIFO, terminal, /dev/stdout) is opened and written, never
 *   replaced.
 * - Temp files of processes that no longer run are removed when a later
 *   write opens the same directory.
 */
#ifndef AGS_UTIL_OUTFILE_H
#define AGS_UTIL_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum {
	AGS_OUT_EXCL = 1,  /* fail with AGS_E_EXISTS when the path exists (no clobber) */
	AGS_OUT_DEFER = 2, /* batch: no fsync; ags_out_commit leaves the complete temp
			    * file under its dot-name for ags_out_finish */
	AGS_OUT_NODIRSYNC = 4, /* the caller fsyncs the directory later */
	AGS_OUT_EXISTING = 8,  /* the target must exist (-ENOENT, nothing created) */
};

struct ags_out {
	int fd;		/* write here */
	int dfd;	/* the target's directory */
	unsigned flags;
	int kind;	/* OUT_DIRECT, OUT_ANON (O_TMPFILE) or OUT_NAMED */
	bool exists;	/* the target existed: keep its owner and xattrs */
	uid_t uid;
	gid_t gid;
	dev_t dev;
	mode_t mode;	/* the target's mode once renamed */
	char *path;	/* the resolved target */
	const char *base; /* its last component, inside path */
	char tmp[48];	/* the dot-name in dfd (OUT_NAMED, or OUT_ANON once linked) */
	char *tmppath;	/* dir + "/" + tmp while a named temp exists (signal handlers) */
};

/*
 * Opens an output for path.  mode >= 0: the final mode; < 0: keep the mode
 * of an existing file (0666 & ~umask for a new one).  On failure o needs no
 * cleanup.
 */
int ags_out_open(struct ags_out *o, const char *path, int mode, unsigned flags);
int ags_out_write(struct ags_out *o, const void *p, size_t n);
/* open + write + commit of a whole content (not with AGS_OUT_DEFER). */
int ags_out_write_file(const char *path, int mode, unsigned flags, const void *data, size_t len);
/*
 * Makes the output final (see above).  With AGS_OUT_DEFER the new content
 * sits complete under o->tmp and o keeps what ags_out_finish needs; call
 * ags_out_finish or ags_out_abort next.  Otherwise o is released, on
 * success and on failure (then the target is untouched).
 */
int ags_out_commit(struct ags_out *o);
/* After a deferred commit and a syncfs: mode, rename (no directory fsync). */
int ags_out_finish(struct ags_out *o);
/* Drops the new content (the target is untouched) and releases o. */
void ags_out_abort(struct ags_out *o);

/* fsync of a directory, the result checked. */
int ags_out_sync_dir(int dfd);
/*
 * Removes ".agesops-PID-*.tmp" files of processes that no longer run from
 * the directory dfd.  Best effort.
 */
void ags_out_sweep(int dfd);

/* name is prefix + "PID-..." and no process PID runs (not ours). */
bool ags_name_of_dead_pid(const char *name, const char *prefix);

/*
 * Makes a 0700 directory parent/prefix + "PID-XXXXXX" into out, after
 * removing such directories (owned by us) whose process no longer runs:
 * what a killed edit or exec-file left behind.
 */
int ags_private_dir_make(const char *parent, const char *prefix, char *out, size_t cap);

/*
 * Removes name in dfd and everything below it (depth at most 32), using only
 * async-signal-safe calls, so signal handlers may use it.  Returns 0 or
 * -errno of the first failure.
 */
int ags_rmtree_at(int dfd, const char *name);

#endif
