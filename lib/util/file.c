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
		if (out->len + 1 >= out->cap) {
			size_t want = AGS_MIN((size_t)65536, out->max - out->len);
			if (out->cap || want == 0) {
				/* full: one byte tells EOF from more, so a buffer sized
				 * to the file (or to max) is never doubled for nothing */
				unsigned char c;
				ssize_t n = read(fd, &c, 1);
				if (n < 0 && errno == EINTR)
					continue;
				if (n <= 0)
					return n < 0 ? -errno : 0;
				int r = ags_buf_append(out, &c, 1);
				if (r < 0)
					return r;
				continue;
			}
			int r = ags_buf_reserve(out, want);
			if (r < 0)
				return r;
		}
		ssize_t n = read(fd, out->data + out->len, out->cap - out->len - 1);
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
	int r = 0;
	/* one allocation of the file's size, not a doubling to twice it */
	if (S_ISREG(st.st_mode) && st.st_size > 0)
		r = ags_buf_reserve_exact(out, AGS_MIN((size_t)st.st_size, out->max - AGS_MIN(out->len, out->max)));
	if (r == 0)
		r = ags_fd_read_all(fd, out);
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

