#include "util/proc.h"

#include <agesops/agesops.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/secret.h"

extern char **environ;

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Reads what is there on *fd into b (or drops it once b is full when
 * overflow_ok); closes *fd at end of file. */
static int drain(int *fd, struct ags_buf *b, bool overflow_ok)
{
	unsigned char tmp[4096];
	ssize_t got = read(*fd, tmp, sizeof(tmp));
	if (got < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	if (got == 0) {
		close_fd(fd);
		return 0;
	}
	int r = 0;
	if (b) {
		size_t room = b->max > b->len ? b->max - b->len : 0;
		size_t take = (size_t)got < room ? (size_t)got : room;
		r = take ? ags_buf_append(b, tmp, take) : 0;
		if (r == 0 && take < (size_t)got && !overflow_ok)
			r = AGS_E_TOO_BIG;
	}
	ags_wipe(tmp, sizeof(tmp));
	return r;
}

int ags_proc_run(const struct ags_proc *p, struct ags_buf *out, struct ags_buf *err, int *status)
{
	if (!p || !p->argv || !p->argv[0] || !out || !status || p->timeout_ms <= 0)
		return AGS_E_INVAL;
	int in[2] = { -1, -1 }, o[2] = { -1, -1 }, e[2] = { -1, -1 };
	pid_t pid = -1;
	int rc = 0;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	if ((p->in && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) < 0) || pipe2(o, O_CLOEXEC) < 0 ||
	    pipe2(e, O_CLOEXEC) < 0) {
		rc = -errno;
		goto out;
	}
	if (p->in)
		posix_spawn_file_actions_adddup2(&fa, in[1], 0);
	else
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, o[1], 1);
	posix_spawn_file_actions_adddup2(&fa, e[1], 2);
	char *const *envp = p->envp ? p->envp : environ;
	char *const *argv = (char *const *)p->argv;
	int se = strchr(p->argv[0], '/') ? posix_spawn(&pid, p->argv[0], &fa, NULL, argv, envp)
					 : posix_spawnp(&pid, p->argv[0], &fa, NULL, argv, envp);
	close_fd(&in[1]);
	close_fd(&o[1]);
	close_fd(&e[1]);
	if (se != 0) {
		pid = -1;
		rc = -se;
		goto out;
	}
	if (p->in && p->inlen == 0)
		close_fd(&in[0]);
	if (in[0] >= 0)
		fcntl(in[0], F_SETFL, fcntl(in[0], F_GETFL) | O_NONBLOCK);
	size_t sent = 0;
	long deadline = now_ms() + p->timeout_ms;
	while (o[0] >= 0 || e[0] >= 0) {
		long left = deadline - now_ms();
		if (left <= 0) {
			rc = AGS_E_TIMEOUT;
			goto out;
		}
		struct pollfd pf[3] = {
			{ .fd = o[0], .events = POLLIN },
			{ .fd = e[0], .events = POLLIN },
			{ .fd = in[0], .events = POLLOUT },
		};
		int pr = poll(pf, 3, (int)(left < 1000 ? left : 1000));
		if (pr < 0 && errno != EINTR) {
			rc = -errno;
			goto out;
		}
		if (pr <= 0)
			continue;
		if (pf[2].revents & (POLLOUT | POLLERR | POLLHUP)) {
			ssize_t w = send(in[0], (const char *)p->in + sent, p->inlen - sent, MSG_NOSIGNAL);
			if (w > 0)
				sent += (size_t)w;
			/* A program that stops reading early (EPIPE) simply gets no more. */
			if ((w < 0 && errno != EAGAIN && errno != EINTR) || sent == p->inlen)
				close_fd(&in[0]);
		}
		if (pf[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			rc = drain(&o[0], out, false);
			if (rc < 0)
				goto out;
		}
		if (pf[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			rc = drain(&e[0], err, true);
			if (rc < 0)
				goto out;
		}
	}
	close_fd(&in[0]);
	/* Output closed; the program may still linger: wait within the deadline. */
	for (;;) {
		int st = 0;
		pid_t w = waitpid(pid, &st, WNOHANG);
		if (w == pid) {
			pid = -1;
			*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			break;
		}
		if (w < 0 && errno != EINTR) {
			rc = -errno;
			goto out;
		}
		if (now_ms() >= deadline) {
			rc = AGS_E_TIMEOUT;
			goto out;
		}
		struct timespec ts = { 0, 5 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
out:
	if (pid > 0) {
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	posix_spawn_file_actions_destroy(&fa);
	close_fd(&in[0]);
	close_fd(&in[1]);
	close_fd(&o[0]);
	close_fd(&o[1]);
	close_fd(&e[0]);
	close_fd(&e[1]);
	return rc;
}
