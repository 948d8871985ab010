/*
 * The plaintext file of edit and exec-file (tmpfile.h).
 */
#include "tmpfile.h"
#include "util/outfile.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* Paths removed by the signal handler; written before it can fire. */
static char dir_path[PATH_MAX], file_path[PATH_MAX];
static volatile sig_atomic_t live;

static void on_signal(int sig)
{
	if (live) {
		(void)ags_rmtree_at(AT_FDCWD, dir_path); /* async-signal-safe */
		live = 0;
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

int sm_tmp_make(const char *prefix, const char *name, bool catch_int, const char **path, struct ags_diag *d)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp)
		tmp = "/tmp";
	int r = ags_private_dir_make(tmp, prefix, dir_path, sizeof(dir_path));
	if (r < 0)
		return ags_diag_set(d, r, "could not create a temporary directory in %s: %s", tmp, ags_strerror(r));
	if ((size_t)snprintf(file_path, sizeof(file_path), "%s/%s", dir_path, name) >= sizeof(file_path)) {
		rmdir(dir_path);
		return ags_diag_set(d, -ENAMETOOLONG, "file name too long: %s", name);
	}
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (catch_int)
		sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	live = 1;
	*path = file_path;
	return 0;
}

void sm_tmp_remove(void)
{
	if (!live)
		return;
	/* overwrite before unlinking: an editor may have left more copies, but
	 * at least ours does not linger in free blocks as-is.  Only a regular
	 * file: opening a FIFO nobody reads would block. */
	struct stat st;
	if (lstat(file_path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		int fd = open(file_path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0) {
			static const char zeros[4096];
			for (off_t left = st.st_size; left > 0;) {
				ssize_t w = write(fd, zeros, left > (off_t)sizeof(zeros) ? sizeof(zeros) : (size_t)left);
				if (w <= 0)
					break;
				left -= w;
			}
			fsync(fd);
			close(fd);
		}
	}
	unlink(file_path);
	/* editors leave swap/backup files and directories next to it: clear the whole dir */
	(void)ags_rmtree_at(AT_FDCWD, dir_path);
	live = 0;
}
