#include "internal.h"
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int ags_fd_read_all(int fd, struct ags_buf *out)
{
	for (;;) {
		int r = ags_buf_reserve(out, 65536);
		if (r == AGS_E_TOO_BIG) {
			/* Allow an exact fill up to max: try one byte more. */
			size_t room = out->max - out->len;
			if (room == 0) {
				unsigned char c;
				ssize_t n = read(fd, &c, 1);
				if (n == 0)
					return 0;
				return n < 0 ? -errno : AGS_E_TOO_BIG;
			}
			r = ags_buf_reserve(out, room);
		}
		if (r < 0)
			return r;
		size_t room = out->cap - out->len - 1;
		ssize_t n = read(fd, out->data + out->len, room);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return 0;
		out->len += (size_t)n;
		out->data[out->len] = 0;
	}
}

int ags_file_read(const char *path, struct ags_buf *out)
{
	if (strcmp(path, "-") == 0)
		return ags_fd_read_all(0, out);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return -EISDIR;
	}
	int r = ags_fd_read_all(fd, out);
	close(fd);
	return r;
}

int ags_write_all(int fd, const void *p, size_t n)
{
	const unsigned char *c = p;
	while (n) {
		ssize_t w = write(fd, c, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int ags_file_write_atomic(const char *path, const void *data, size_t len, int mode, bool exclusive)
{
	char *dcopy = strdup(path);
	if (!dcopy)
		return AGS_E_NOMEM;
	const char *dir = dirname(dcopy);
	size_t tlen = strlen(path) + 32;
	char *tmp = malloc(tlen);
	if (!tmp) {
		free(dcopy);
		return AGS_E_NOMEM;
	}
	int r = 0, fd = -1;
	struct stat st;
	mode_t final_mode;
	if (mode >= 0) {
		final_mode = (mode_t)mode;
	} else if (stat(path, &st) == 0) {
		final_mode = st.st_mode & 07777;
	} else {
		mode_t um = umask(0);
		umask(um);
		final_mode = 0666 & ~um;
	}
	for (int attempt = 0; attempt < 100; attempt++) {
		unsigned rnd = (unsigned)getpid() * 2654435761u ^ (unsigned)attempt * 40503u ^ (unsigned)(uintptr_t)&st;
		snprintf(tmp, tlen, "%s.tmp%08x", path, rnd);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	if ((r = ags_write_all(fd, data, len)) < 0)
		goto fail;
	if (fchmod(fd, final_mode) < 0 || fsync(fd) < 0) {
		r = -errno;
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		r = -errno;
		goto fail;
	}
	fd = -1;
	if (exclusive) {
		if (link(tmp, path) < 0) {
			r = errno == EEXIST ? AGS_E_EXISTS : -errno;
			goto fail;
		}
		unlink(tmp);
	} else if (rename(tmp, path) < 0) {
		r = -errno;
		goto fail;
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	goto out;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
out:
	free(tmp);
	free(dcopy);
	return r;
}
