#include "age-cli.h"
#include "crypto/ossl.h"
#include "util/file.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int out_open(struct age_out *o, const char *path, int new_mode);

int age_out_open(struct age_out *o, const char *path, int new_mode)
{
	memset(o, 0, sizeof(*o));
	o->fd = -1;
	struct stat st;
	/* Write through a symlink (as opening it would), not over it. */
	char *real = NULL;
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && (real = realpath(path, NULL)))
		path = real;
	int r = out_open(o, path, new_mode);
	free(real);
	return r;
}

static int out_open(struct age_out *o, const char *path, int new_mode)
{
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		/* /dev/stdout, a FIFO...: nothing to rename over. */
		o->fd = open(path, O_WRONLY | O_CLOEXEC);
		return o->fd < 0 ? -errno : 0;
	}
	if (stat(path, &st) == 0) {
		o->mode = (int)(st.st_mode & 07777);
	} else {
		mode_t um = umask(0);
		umask(um);
		o->mode = new_mode & (int)~um;
	}
	o->path = strdup(path);
	o->tmp = malloc(strlen(path) + 32);
	if (!o->path || !o->tmp) {
		free(o->path);
		free(o->tmp);
		return AGS_E_NOMEM;
	}
	for (unsigned attempt = 0; attempt < 64; attempt++) {
		unsigned rnd;
		if (ags_random(&rnd, sizeof(rnd)) < 0)
			rnd = (unsigned)getpid() * 2654435761u + attempt;
		sprintf(o->tmp, "%s.agesops-%08x", path, rnd);
		o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (o->fd >= 0 || errno != EEXIST)
			break;
	}
	if (o->fd < 0) {
		int e = -errno;
		free(o->path);
		free(o->tmp);
		o->path = o->tmp = NULL;
		return e;
	}
	return 0;
}

int age_out_commit(struct age_out *o)
{
	int r = 0;
	if (o->tmp) {
		if (fchmod(o->fd, (mode_t)o->mode) < 0 || fsync(o->fd) < 0)
			r = -errno;
		if (close(o->fd) < 0 && r == 0)
			r = -errno;
		o->fd = -1;
		if (r == 0 && rename(o->tmp, o->path) < 0)
			r = -errno;
		if (r < 0)
			unlink(o->tmp);
	} else if (o->fd >= 0 && close(o->fd) < 0) {
		r = -errno;
	}
	o->fd = -1;
	free(o->path);
	free(o->tmp);
	o->path = o->tmp = NULL;
	return r;
}

void age_out_abort(struct age_out *o)
{
	if (o->fd >= 0)
		close(o->fd);
	if (o->tmp)
		unlink(o->tmp);
	free(o->path);
	free(o->tmp);
	o->path = o->tmp = NULL;
	o->fd = -1;
}
