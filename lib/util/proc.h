/*
 * Running a helper program (gpg, a key command) with bytes on its standard
 * input, its standard output and standard error captured, under a deadline.
 *
 * Standard input is a socket pair written with MSG_NOSIGNAL, so a program
 * that exits without reading it never kills us with SIGPIPE; input, output
 * and error are pumped together with poll(), so a program that writes a lot
 * before reading all its input cannot deadlock us.  A program still running
 * at the deadline is killed (SIGKILL) and reaped.
 */
#ifndef AGS_UTIL_PROC_H
#define AGS_UTIL_PROC_H

#include <stddef.h>
#include "util/buf.h"

struct ags_proc {
	const char *const *argv; /* argv[0] looked up in PATH unless it holds a '/' */
	char *const *envp;       /* NULL: the caller's environment */
	const void *in;          /* standard input; NULL: /dev/null */
	size_t inlen;
	long timeout_ms;         /* > 0 */
};

/*
 * Runs p to completion.  out and err are caller-initialised buffers (their
 * caps bound what is kept; err may be NULL to discard standard error; for
 * secret output init out with ags_buf_init_secret).  On 0 the program ran
 * and *status holds its exit code (128 + signal number when killed by a
 * signal).  Errors: -ENOENT etc. when it cannot be started, AGS_E_TIMEOUT
 * when the deadline passed (the program is killed), AGS_E_TOO_BIG when its
 * standard output passed out's cap (also killed).  Output already collected
 * stays in the buffers on failure; the caller releases them.
 */
int ags_proc_run(const struct ags_proc *p, struct ags_buf *out, struct ags_buf *err, int *status);

#endif
