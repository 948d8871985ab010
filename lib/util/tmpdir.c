/*
 * Private temporary directories (edit, exec-file) and their removal, also
 * from signal handlers.
 */
#include "internal.h"
#include "util/outfile.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct dent64 {
	unsigned long long ino;
	long long off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

static int rmtree_in(int dfd, const char *name, int depth)
{
	if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -errno;
	if (depth >= 32)
		return -ELOOP;
	int r = 0;
	/* entries removed while listing may shift the rest: list again until empty */
	for (int pass = 0; pass < 8; pass++) {
		int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		char buf[2048] __attribute__((aligned(8)));
		long n;
		while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
			for (long off = 0; off < n;) {
				struct dent64 *e = (struct dent64 *)(buf + off);
				off += e->reclen;
				if (strcmp(e->name, ".") && strcmp(e->name, "..")) {
					int e2 = rmtree_in(fd, e->name, depth + 1);
					if (e2 < 0 && r == 0)
						r = e2;
				}
			}
		}
		close(fd);
		if (unlinkat(dfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
			return 0;
		if (errno != ENOTEMPTY || r < 0)
			return r < 0 ? r : -errno;
	}
	return -ENOTEMPTY;
}

int ags_rmtree_at(int dfd, const char *name)
{
	return rmtree_in(dfd, name, 0);
}

int ags_private_dir_make(const char *parent, const char *prefix, char *out, size_t cap)
{
	/* directories of ours whose process was killed: remove them first */
	DIR *d = opendir(parent);
	if (d) {
		struct dirent *e;
		struct stat st;
		while ((e = readdir(d)))
			if (ags_name_of_dead_pid(e->d_name, prefix) && fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISDIR(st.st_mode) && st.st_uid == geteuid())
				(void)ags_rmtree_at(dirfd(d), e->d_name);
		closedir(d);
	}
	if ((size_t)snprintf(out, cap, "%s/%s%ld-XXXXXX", parent, prefix, (long)getpid()) >= cap)
		return -ENAMETOOLONG;
	return mkdtemp(out) ? 0 : -errno; /* mode 0700 */
}
