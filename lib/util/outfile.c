#include "internal.h"
#include "util/outfile.h"
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

enum { OUT_DIRECT = 1, OUT_ANON, OUT_NAMED };

#define TMP_PREFIX ".agesops-"
#define TMP_SUFFIX ".tmp"
#define MAX_LINK_HOPS 40

/* Short and independent of the target's name, so a 255-byte name still
 * has a temp name; the pid tells a later run whether the writer is gone. */
static void tmp_name(char out[48])
{
	static unsigned long long counter;
	unsigned long long rnd;
	if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd))
		rnd = (unsigned long long)time(NULL) * 6364136223846793005ull +
		      __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);
	snprintf(out, 48, TMP_PREFIX "%ld-%016llx" TMP_SUFFIX, (long)getpid(), rnd);
}

/* Where a path that does not exist (yet) would be created: follows a
 * dangling symlink chain to its end, as open(O_CREAT) would. */
static int resolve_missing(const char *path, char **out)
{
	char *p = strdup(path);
	if (!p)
		return AGS_E_NOMEM;
	for (int hops = 0;; hops++) {
		struct stat st;
		if (lstat(p, &st) < 0 || !S_ISLNK(st.st_mode))
			break;
		char target[PATH_MAX];
		ssize_t n = hops < MAX_LINK_HOPS ? readlink(p, target, sizeof(target) - 1) : -1;
		if (n < 0 || (size_t)n >= sizeof(target) - 1) {
			free(p);
			return hops < MAX_LINK_HOPS ? (n < 0 ? -errno : -ENAMETOOLONG) : -ELOOP;
		}
		target[n] = '\0';
		const char *slash = strrchr(p, '/');
		size_t dlen = target[0] == '/' || !slash ? 0 : (size_t)(slash - p) + 1;
		char *next = malloc(dlen + (size_t)n + 1);
		if (!next) {
			free(p);
			return AGS_E_NOMEM;
		}
		memcpy(next, p, dlen);
		memcpy(next + dlen, target, (size_t)n + 1);
		free(p);
		p = next;
	}
	*out = p;
	return 0;
}

static bool can_link_anon(void)
{
	return access("/proc/self/fd", X_OK) == 0 || geteuid() == 0;
}

static void out_release(struct ags_out *o)
{
	if (o->fd >= 0)
		close(o->fd);
	if (o->dfd >= 0)
		close(o->dfd);
	free(o->path);
	free(o->tmppath);
	memset(o, 0, sizeof(*o));
	o->fd = o->dfd = -1;
}

static int open_named(struct ags_out *o, const char *dir)
{
	for (int attempt = 0; attempt < 64; attempt++) {
		tmp_name(o->tmp);
		o->fd = openat(o->dfd, o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (o->fd >= 0 || errno != EEXIST)
			break;
	}
	if (o->fd < 0)
		return -errno;
	o->kind = OUT_NAMED;
	size_t n = strlen(dir) + strlen(o->tmp) + 2;
	if ((o->tmppath = malloc(n)))
		snprintf(o->tmppath, n, "%s/%s", dir, o->tmp);
	if (!o->tmppath) {
		unlinkat(o->dfd, o->tmp, 0);
		return AGS_E_NOMEM;
	}
	return 0;
}

static int open_target(struct ags_out *o, int mode, unsigned flags)
{
	char *slash = strrchr(o->path, '/');
	o->base = slash ? slash + 1 : o->path;
	if (!*o->base)
		return -EISDIR;
	char *dir = o->path == o->base ? strdup(".") : slash == o->path ? strdup("/")
							     : strndup(o->path, (size_t)(slash - o->path));
	if (!dir)
		return AGS_E_NOMEM;
	int r = 0;
	o->dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (o->dfd < 0) {
		r = -errno;
		goto out;
	}
	struct stat st;
	if (fstatat(o->dfd, o->base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		o->exists = true;
		if (flags & AGS_OUT_EXCL)
			r = AGS_E_EXISTS;
		else if (S_ISDIR(st.st_mode))
			r = -EISDIR;
		else if (!S_ISREG(st.st_mode)) {
			/* FIFO, terminal, device: write into it, never replace it */
			o->kind = OUT_DIRECT;
			o->fd = openat(o->dfd, o->base, O_WRONLY | O_CLOEXEC | O_NOCTTY);
			r = o->fd < 0 ? -errno : 0;
		} else if (st.st_nlink > 1)
			r = AGS_E_HARDLINKS;
		if (r < 0 || o->kind)
			goto out;
		o->uid = st.st_uid;
		o->gid = st.st_gid;
		o->dev = st.st_dev;
		o->mode = mode >= 0 ? (mode_t)mode : st.st_mode & 07777;
	} else if (errno != ENOENT || (flags & AGS_OUT_EXISTING)) {
		r = -errno;
		goto out;
	} else {
		mode_t um = umask(0);
		umask(um);
		o->mode = mode >= 0 ? (mode_t)mode : 0666 & ~um;
	}
	if (!(flags & AGS_OUT_DEFER)) {
		ags_out_sweep(o->dfd);
		if (can_link_anon() &&
		    (o->fd = openat(o->dfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) >= 0) {
			o->kind = OUT_ANON;
			goto out;
		}
	}
	r = open_named(o, dir);
out:
	free(dir);
	return r;
}

int ags_out_open(struct ags_out *o, const char *path, int mode, unsigned flags)
{
	memset(o, 0, sizeof(*o));
	o->fd = o->dfd = -1;
	o->flags = flags;
	if (!path || !*path)
		return -ENOENT;
	struct stat st;
	int r;
	if (stat(path, &st) == 0) {
		/* existing: the file behind any symlinks (a non-regular file such
		 * as /dev/stdout is opened by its own name: /proc links do not
		 * resolve to paths) */
		o->path = S_ISREG(st.st_mode) ? realpath(path, NULL) : strdup(path);
		r = o->path ? 0 : errno == ENOMEM ? AGS_E_NOMEM : -errno;
		if (r == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) && !(flags & AGS_OUT_EXCL)) {
			o->kind = OUT_DIRECT;
			o->fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
			r = o->fd < 0 ? -errno : 0;
			if (r < 0)
				out_release(o);
			return r;
		}
	} else if (errno == ENOENT && !(flags & AGS_OUT_EXISTING)) {
		r = resolve_missing(path, &o->path);
	} else {
		r = -errno;
	}
	if (r == 0)
		r = open_target(o, mode, flags);
	if (r < 0)
		out_release(o);
	return r;
}

int ags_out_write(struct ags_out *o, const void *p, size_t n)
{
	return ags_write_all(o->fd, p, n);
}

int ags_out_write_file(const char *path, int mode, unsigned flags, const void *data, size_t len)
{
	struct ags_out o;
	int r = ags_out_open(&o, path, mode, flags);
	if (r < 0)
		return r;
	if ((r = ags_out_write(&o, data, len)) < 0) {
		ags_out_abort(&o);
		return r;
	}
	return ags_out_commit(&o);
}

/* xattrs (SELinux label, ACLs, user.*) of the file being replaced. */
static int copy_xattrs(const char *src, int fd)
{
	ssize_t n = llistxattr(src, NULL, 0);
	if (n <= 0)
		return n < 0 && errno != ENOTSUP && errno != ENOENT ? -errno : 0;
	char *names = malloc(XATTR_LIST_MAX), *val = malloc(XATTR_SIZE_MAX);
	int r = 0;
	if (!names || !val) {
		r = AGS_E_NOMEM;
		goto out;
	}
	if ((n = llistxattr(src, names, XATTR_LIST_MAX)) < 0) {
		r = -errno;
		goto out;
	}
	for (char *name = names; name < names + n; name += strlen(name) + 1) {
		ssize_t v = lgetxattr(src, name, val, XATTR_SIZE_MAX);
		if (v < 0) {
			if (errno == ENODATA)
				continue;
			r = -errno;
			break;
		}
		if (fsetxattr(fd, name, val, (size_t)v, 0) < 0 && errno != ENOTSUP) {
			r = -errno;
			break;
		}
	}
out:
	free(names);
	free(val);
	return r;
}

/* Owner, group and xattrs of the replaced file.  The mode comes only once
 * the file has its final name: under its temp name it stays 0600. */
static int take_attrs(struct ags_out *o)
{
	if (!o->exists)
		return 0;
	struct stat st;
	if (fstat(o->fd, &st) < 0)
		return -errno;
	if ((st.st_uid != o->uid || st.st_gid != o->gid) && fchown(o->fd, o->uid, o->gid) < 0)
		return -errno;
	return copy_xattrs(o->path, o->fd);
}

static int link_anon(struct ags_out *o, const char *name)
{
	if (linkat(o->fd, "", o->dfd, name, AT_EMPTY_PATH) == 0)
		return 0;
	if (errno == EEXIST)
		return -EEXIST;
	char proc[40];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", o->fd);
	return linkat(AT_FDCWD, proc, o->dfd, name, AT_SYMLINK_FOLLOW) == 0 ? 0 : -errno;
}

/* The final mode, once the file has its final name (a kill just before
 * leaves it 0600: stricter, never looser).  The directory fsync that
 * follows makes it durable with the rename. */
static int fchmod_final(struct ags_out *o, int r)
{
	if (r == 0 && o->mode != 0600 && fchmod(o->fd, o->mode) < 0)
		r = -errno;
	return r;
}

/* Puts the complete temp file at the target's name. */
static int place(struct ags_out *o)
{
	bool excl = o->flags & AGS_OUT_EXCL;
	int r;
	if (o->kind == OUT_ANON) {
		if (excl)
			return (r = link_anon(o, o->base)) == -EEXIST ? AGS_E_EXISTS : fchmod_final(o, r);
		for (int attempt = 0; attempt < 64; attempt++) {
			tmp_name(o->tmp);
			if ((r = link_anon(o, o->tmp)) != -EEXIST)
				break;
		}
		if (r < 0)
			return r;
		o->kind = OUT_NAMED; /* from here a failure must unlink the name */
	}
	if (excl) {
		if (linkat(o->dfd, o->tmp, o->dfd, o->base, 0) < 0)
			return errno == EEXIST ? AGS_E_EXISTS : -errno;
		unlinkat(o->dfd, o->tmp, 0);
		o->kind = OUT_DIRECT;
		return fchmod_final(o, 0);
	}
	if (renameat(o->dfd, o->tmp, o->dfd, o->base) < 0)
		return -errno;
	o->kind = OUT_DIRECT;
	return fchmod_final(o, 0);
}

int ags_out_commit(struct ags_out *o)
{
	int r = 0;
	if (o->kind == OUT_DIRECT) {
		if (close(o->fd) < 0)
			r = -errno;
		o->fd = -1;
		out_release(o);
		return r;
	}
	bool defer = o->flags & AGS_OUT_DEFER;
	if ((r = take_attrs(o)) < 0 || (!defer && fsync(o->fd) < 0 && (r = -errno)))
		goto fail;
	if (defer) {
		/* only the names stay: a batch holds thousands of these */
		int e = close(o->fd) < 0 ? -errno : 0;
		o->fd = -1;
		close(o->dfd);
		o->dfd = -1;
		if ((r = e) < 0)
			goto fail;
		return 0;
	}
	if ((r = place(o)) < 0)
		goto fail;
	if (close(o->fd) < 0)
		r = -errno;
	o->fd = -1;
	int e = o->flags & AGS_OUT_NODIRSYNC ? 0 : ags_out_sync_dir(o->dfd);
	out_release(o);
	return r < 0 ? r : e;
fail:
	ags_out_abort(o);
	return r;
}

int ags_out_finish(struct ags_out *o)
{
	int r = 0;
	if (o->kind == OUT_NAMED) {
		if (rename(o->tmppath, o->path) < 0) {
			r = -errno;
			unlink(o->tmppath);
		} else if (o->mode != 0600 && chmod(o->path, o->mode) < 0) {
			r = -errno;
		}
	}
	out_release(o);
	return r;
}

void ags_out_abort(struct ags_out *o)
{
	if (o->kind == OUT_NAMED) {
		if (o->dfd >= 0)
			unlinkat(o->dfd, o->tmp, 0);
		else if (o->tmppath)
			unlink(o->tmppath);
	}
	out_release(o);
}

int ags_out_sync_dir(int dfd)
{
	return fsync(dfd) < 0 ? -errno : 0;
}

bool ags_name_of_dead_pid(const char *name, const char *prefix)
{
	size_t pl = strlen(prefix);
	if (strncmp(name, prefix, pl))
		return false;
	char *end;
	long pid = strtol(name + pl, &end, 10);
	if (end == name + pl || *end != '-' || pid <= 0 || pid == (long)getpid())
		return false;
	return kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

static bool stale_name(const char *name)
{
	size_t n = strlen(name), sl = strlen(TMP_SUFFIX);
	return n > sl && !strcmp(name + n - sl, TMP_SUFFIX) && ags_name_of_dead_pid(name, TMP_PREFIX);
}

void ags_out_sweep(int dfd)
{
	int fd = dup(dfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] == '.' && stale_name(e->d_name))
			unlinkat(dfd, e->d_name, 0);
	closedir(d);
}

/* file.h's atomic write, here so that file.c needs nothing of this file */
int ags_file_write_atomic(const char *path, const void *data, size_t len, int mode, bool exclusive)
{
	return ags_out_write_file(path, mode, exclusive ? AGS_OUT_EXCL : 0, data, len);
}
