/*
 * The plaintext file of edit and exec-file: one file (or FIFO) alone in a
 * fresh 0700 directory under $TMPDIR (else /tmp), named as the caller asks
 * (editors pick the syntax from the name).  sm_tmp_remove overwrites it
 * with zeros and removes it with its directory (editor leftovers too); the
 * signal handler sm_tmp_make installs removes the directory if we are
 * killed meanwhile.  One at a time per process: the handler can only reach
 * paths in static storage.
 */
#ifndef AGS_SRC_SOPS_TMPFILE_H
#define AGS_SRC_SOPS_TMPFILE_H

#include <agesops/agesops.h>
#include <stdbool.h>

/* Makes the directory ("<prefix>XXXXXX") and sets *path to the file's path
 * in it (the file is not created: a file or a FIFO is the caller's choice).
 * The handler covers SIGTERM, SIGHUP and SIGQUIT, and SIGINT when
 * catch_int (exec-file leaves ^C to its command and cleans up after it).
 * Returns 0, or a negative code with d set. */
int sm_tmp_make(const char *prefix, const char *name, bool catch_int, const char **path, struct ags_diag *d);
/* Overwrites and removes the file and the directory; nothing if none is live. */
void sm_tmp_remove(void);

#endif
