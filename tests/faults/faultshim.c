/*
 * LD_PRELOAD fault injector for tests/faults/run.sh.
 *
 *   AGS_FAULT_OP=open|write|fsync|rename|link|fchmod|fchown|close|any
 *   AGS_FAULT_N=n        act on the n-th call of that operation (1-based)
 *   AGS_FAULT_ACTION=kill|ENOSPC|EIO|EXDEV|EPERM|EDQUOT
 *   AGS_FAULT_COUNT=FILE at exit, append "op count" lines (the sweep's plan)
 *
 * kill raises SIGKILL before the call runs; an errno makes the call fail
 * without running.  Only calls that go through the PLT are seen (the
 * program's and its libraries', not glibc's own internal ones), which is
 * every file operation agesops makes.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#undef _FILE_OFFSET_BITS /* both open and open64 are defined below */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

enum { OP_OPEN, OP_WRITE, OP_FSYNC, OP_RENAME, OP_LINK, OP_FCHMOD, OP_FCHOWN, OP_CLOSE, OP_N };
static const char *const op_names[OP_N] = { "open", "write", "fsync", "rename", "link", "fchmod", "fchown", "close" };

static int target_op = -2; /* -2 not read yet, -1 none, OP_N any */
static long target_n, counts[OP_N + 1];
static int action_errno; /* 0 = kill */

static void setup(void)
{
	const char *op = getenv("AGS_FAULT_OP"), *n = getenv("AGS_FAULT_N"), *a = getenv("AGS_FAULT_ACTION");
	target_op = -1;
	if (!op || !n || !a)
		return;
	for (int i = 0; i < OP_N; i++)
		if (!strcmp(op, op_names[i]))
			target_op = i;
	if (!strcmp(op, "any"))
		target_op = OP_N;
	target_n = atol(n);
	static const struct { const char *name; int e; } errs[] = {
		{ "ENOSPC", ENOSPC }, { "EIO", EIO }, { "EXDEV", EXDEV }, { "EPERM", EPERM }, { "EDQUOT", EDQUOT },
	};
	action_errno = -1;
	if (!strcmp(a, "kill"))
		action_errno = 0;
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++)
		if (!strcmp(a, errs[i].name))
			action_errno = errs[i].e;
	if (action_errno < 0)
		target_op = -1;
}

/* Counts the call; returns the errno to fail with (0: run the call). */
static int hit(int op)
{
	if (target_op == -2)
		setup();
	long c = __atomic_add_fetch(&counts[op], 1, __ATOMIC_SEQ_CST);
	long any = __atomic_add_fetch(&counts[OP_N], 1, __ATOMIC_SEQ_CST);
	if (target_op < 0 || (target_op == OP_N ? any : target_op == op ? c : -1) != target_n)
		return 0;
	if (action_errno == 0)
		kill(getpid(), SIGKILL);
	return action_errno;
}

__attribute__((destructor)) static void report(void)
{
	const char *path = getenv("AGS_FAULT_COUNT");
	if (!path)
		return;
	FILE *f = fopen(path, "a");
	if (!f)
		return;
	for (int i = 0; i < OP_N; i++)
		fprintf(f, "%s %ld\n", op_names[i], counts[i]);
	fclose(f);
}

#define REAL(ret, name, ...)                                                   \
	static ret (*real_##name)(__VA_ARGS__);                                \
	if (!real_##name)                                                      \
		real_##name = (ret(*)(__VA_ARGS__))dlsym(RTLD_NEXT, #name)

#define FAIL_IF(op)                                                            \
	do {                                                                   \
		int e_ = hit(op);                                              \
		if (e_) {                                                      \
			errno = e_;                                            \
			return -1;                                             \
		}                                                              \
	} while (0)

static mode_t mode_arg(int flags, va_list ap)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

int open(const char *p, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t m = mode_arg(flags, ap);
	va_end(ap);
	REAL(int, open, const char *, int, ...);
	FAIL_IF(OP_OPEN);
	return real_open(p, flags, m);
}
int open64(const char *p, int flags, ...) __attribute__((alias("open")));

int openat(int d, const char *p, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t m = mode_arg(flags, ap);
	va_end(ap);
	REAL(int, openat, int, const char *, int, ...);
	FAIL_IF(OP_OPEN);
	return real_openat(d, p, flags, m);
}
int openat64(int d, const char *p, int flags, ...) __attribute__((alias("openat")));

ssize_t write(int fd, const void *b, size_t n)
{
	REAL(ssize_t, write, int, const void *, size_t);
	/* stderr stays usable, so the command can say what failed */
	if (fd != 2)
		FAIL_IF(OP_WRITE);
	return real_write(fd, b, n);
}

int fsync(int fd)
{
	REAL(int, fsync, int);
	FAIL_IF(OP_FSYNC);
	return real_fsync(fd);
}

int fdatasync(int fd)
{
	REAL(int, fdatasync, int);
	FAIL_IF(OP_FSYNC);
	return real_fdatasync(fd);
}

int syncfs(int fd)
{
	REAL(int, syncfs, int);
	FAIL_IF(OP_FSYNC);
	return real_syncfs(fd);
}

int rename(const char *a, const char *b)
{
	REAL(int, rename, const char *, const char *);
	FAIL_IF(OP_RENAME);
	return real_rename(a, b);
}

int renameat(int da, const char *a, int db, const char *b)
{
	REAL(int, renameat, int, const char *, int, const char *);
	FAIL_IF(OP_RENAME);
	return real_renameat(da, a, db, b);
}

int link(const char *a, const char *b)
{
	REAL(int, link, const char *, const char *);
	FAIL_IF(OP_LINK);
	return real_link(a, b);
}

int linkat(int da, const char *a, int db, const char *b, int fl)
{
	REAL(int, linkat, int, const char *, int, const char *, int);
	FAIL_IF(OP_LINK);
	return real_linkat(da, a, db, b, fl);
}

int fchmod(int fd, mode_t m)
{
	REAL(int, fchmod, int, mode_t);
	FAIL_IF(OP_FCHMOD);
	return real_fchmod(fd, m);
}

int chmod(const char *p, mode_t m)
{
	REAL(int, chmod, const char *, mode_t);
	FAIL_IF(OP_FCHMOD);
	return real_chmod(p, m);
}

int fchown(int fd, uid_t u, gid_t g)
{
	REAL(int, fchown, int, uid_t, gid_t);
	FAIL_IF(OP_FCHOWN);
	return real_fchown(fd, u, g);
}

int fsetxattr(int fd, const char *n, const void *v, size_t s, int fl)
{
	REAL(int, fsetxattr, int, const char *, const void *, size_t, int);
	FAIL_IF(OP_FCHOWN);
	return real_fsetxattr(fd, n, v, s, fl);
}

int close(int fd)
{
	REAL(int, close, int);
	if (fd > 2) {
		int e = hit(OP_CLOSE);
		if (e) {
			real_close(fd); /* as Linux: the fd is gone even when close fails */
			errno = e;
			return -1;
		}
	}
	return real_close(fd);
}
