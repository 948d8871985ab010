/*
 * The plugin child process (C2SP age-plugin.md, behaviour of Go age's
 * plugin package): one process per wrap/unwrap, found in PATH, run in the
 * temp directory; every read from it has a deadline, every line, body and
 * session has a cap, and a plugin that exits, hangs or sends garbage ends
 * the session with one clear error.
 */
#include "internal.h"
#include "age/plugin.h"
#include "age/plugin_conn.h"
#include "crypto/ossl.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

static int timeout_ms(void)
{
	const char *e = secure_getenv("AGESOPS_PLUGIN_TIMEOUT");
	if (e && *e) {
		char *end;
		double s = strtod(e, &end);
		if (*end == 0 && s > 0 && s < 86400)
			return (int)(s * 1000);
	}
	return AGS_PLUGIN_TIMEOUT_MS;
}

/* ---- the child process ---- */

/* PATH lookup that never falls back to the working directory (empty or
 * relative PATH entries are skipped), like Go's exec.LookPath since 1.19. */
static int find_plugin(const char *bin, char **ret)
{
	const char *path = getenv("PATH");
	char *buf;

	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	buf = malloc(strlen(path) + strlen(bin) + 2);
	if (!buf)
		return AGS_E_NOMEM;
	while (*path) {
		const char *colon = strchr(path, ':');
		size_t n = colon ? (size_t)(colon - path) : strlen(path);
		struct stat st;
		if (n > 0 && path[0] == '/') {
			memcpy(buf, path, n);
			buf[n] = '/';
			strcpy(buf + n + 1, bin);
			if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0) {
				*ret = buf;
				return 0;
			}
		}
		path += n;
		if (*path == ':')
			path++;
	}
	free(buf);
	return AGS_E_NOT_FOUND;
}

void ags_plugin_conn_attach(struct ags_plugin_conn *c, const char *name, int from_fd, int to_fd)
{
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->pid = -1;
	c->from_fd = from_fd;
	c->to_fd = to_fd;
	c->timeout = timeout_ms();
	ags_buf_init_secret(&c->rb, AGS_PLUGIN_LINE_MAX + 4096);
}

int ags_plugin_conn_open(struct ags_plugin_conn *c, const char *name, const char *phase, struct ags_diag *d)
{
	char bin[96], arg[64], *path = NULL;
	const char *tmp = getenv("TMPDIR");
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, r;
	pid_t pid;

	memset(c, 0, sizeof(*c));
	c->to_fd = c->from_fd = -1;
	c->pid = -1;
	c->name = name;
	c->timeout = timeout_ms();
	ags_buf_init_secret(&c->rb, AGS_PLUGIN_LINE_MAX + 4096);
	snprintf(bin, sizeof(bin), "age-plugin-%s", name);
	snprintf(arg, sizeof(arg), "--age-plugin=%s", phase);
	if (!tmp || tmp[0] != '/')
		tmp = "/tmp";
	r = find_plugin(bin, &path);
	if (r == AGS_E_NOT_FOUND)
		return ags_diag_set(d, AGS_E_NOT_FOUND, "%s plugin: \"%s\" not found in PATH", name, bin);
	if (r < 0)
		return r;
	/* As Go age: what a plugin writes on stderr is shown only with
	 * AGEDEBUG=plugin (it is the plugin's debugging channel). */
	const char *dbg = getenv("AGEDEBUG");
	int errfd = dbg && !strcmp(dbg, "plugin") ? 2 : open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (errfd < 0) {
		r = -errno;
		goto fail;
	}
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) {
		r = -errno;
		goto fail;
	}
	pid = fork();
	if (pid < 0) {
		r = -errno;
		goto fail;
	}
	if (pid == 0) {
		sigset_t none;
		char *argv[] = { bin, arg, NULL };
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 || (errfd != 2 && dup2(errfd, 2) < 0))
			_exit(127);
		/* Plugins must not depend on the working directory (Go runs
		 * them in the temp directory). */
		if (chdir(tmp) < 0)
			_exit(127);
		execv(path, argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	if (errfd != 2)
		close(errfd);
	free(path);
	c->pid = pid;
	c->to_fd = in[1];
	c->from_fd = out[0];
	return 0;
fail:
	free(path);
	if (errfd > 2)
		close(errfd);
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (out[i] >= 0)
			close(out[i]);
	}
	return r;
}

void ags_plugin_conn_close(struct ags_plugin_conn *c, bool kill_now)
{
	int st;

	if (c->to_fd >= 0)
		close(c->to_fd);
	if (c->from_fd >= 0)
		close(c->from_fd);
	c->to_fd = c->from_fd = -1;
	if (c->pid > 0) {
		/* As Go: close the pipes, interrupt, and wait; a plugin that
		 * does not go away within a second is killed. */
		if (!kill_now) {
			kill(c->pid, SIGINT);
			for (int i = 0; i < 100; i++) {
				pid_t w = waitpid(c->pid, &st, WNOHANG);
				if (w == c->pid || (w < 0 && errno != EINTR))
					goto reaped;
				struct timespec ts = { 0, 10 * 1000 * 1000 };
				nanosleep(&ts, NULL);
			}
		}
		kill(c->pid, SIGKILL);
		while (waitpid(c->pid, &st, 0) < 0 && errno == EINTR)
			;
	}
reaped:
	c->pid = -1;
	ags_buf_release(&c->rb);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Writes all of p, with the read deadline, without dying of SIGPIPE when the
 * plugin has gone away (SIGPIPE is blocked in this thread for the write and
 * a signal we caused is consumed). */
static int conn_write(struct ags_plugin_conn *c, const void *p, size_t n, struct ags_diag *d)
{
	sigset_t pipe_set, old, pending;
	bool was_pending;
	int64_t deadline = now_ms() + c->timeout;
	int r = 0;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE);
	while (n > 0) {
		struct pollfd pf = { c->to_fd, POLLOUT, 0 };
		int64_t left = deadline - now_ms();
		int pr;
		if (left <= 0) {
			r = ags_diag_set(d, AGS_E_TIMEOUT, "%s plugin: timed out writing to the plugin", c->name);
			break;
		}
		pr = poll(&pf, 1, (int)left);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			continue;
		ssize_t w = write(c->to_fd, p, n);
		if (w < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			r = ags_diag_set(d, AGS_E_AGE_PLUGIN, "%s plugin: exited before reading its input", c->name);
			break;
		}
		p = (const uint8_t *)p + w;
		n -= (size_t)w;
	}
	if (!was_pending) {
		struct timespec zero = { 0, 0 };
		sigpending(&pending);
		if (sigismember(&pending, SIGPIPE))
			sigtimedwait(&pipe_set, NULL, &zero);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r;
}

/* Reads one LF-terminated line (without the LF) into *line/len, valid
 * until the next read.  Timeout, EOF and over-long lines are errors. */
static int conn_read_line(struct ags_plugin_conn *c, const char **line, size_t *len, struct ags_diag *d)
{
	int64_t deadline = now_ms() + c->timeout;

	for (;;) {
		uint8_t *start = c->rb.data ? c->rb.data + c->rpos : NULL;
		size_t avail = c->rb.len - c->rpos;
		uint8_t *nl = avail ? memchr(start, '\n', avail) : NULL;
		uint8_t tmp[4096];
		struct pollfd pf = { c->from_fd, POLLIN, 0 };
		int64_t left;
		ssize_t n;
		int pr;

		if (nl) {
			*line = (const char *)start;
			*len = (size_t)(nl - start);
			c->rpos += *len + 1;
			return 0;
		}
		if (avail > AGS_PLUGIN_LINE_MAX)
			return ags_diag_set(d, AGS_E_AGE_PLUGIN, "%s plugin: sent a line longer than %d bytes",
					    c->name, AGS_PLUGIN_LINE_MAX);
		/* compact */
		if (c->rpos > 0) {
			memmove(c->rb.data, c->rb.data + c->rpos, avail);
			ags_wipe(c->rb.data + avail, c->rpos);
			c->rb.len = avail;
			c->rpos = 0;
		}
		left = deadline - now_ms();
		if (left <= 0)
			return ags_diag_set(d, AGS_E_TIMEOUT, "%s plugin: no response within %d s (plugin hangs?)",
					    c->name, c->timeout / 1000);
		pr = poll(&pf, 1, (int)left);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr < 0)
			return -errno;
		if (pr == 0)
			continue;
		n = read(c->from_fd, tmp, sizeof(tmp));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return ags_diag_set(d, AGS_E_AGE_PLUGIN, "%s plugin: exited unexpectedly (closed its output)",
					    c->name);
		c->total += (size_t)n;
		if (c->total > AGS_PLUGIN_TOTAL_MAX) {
			ags_wipe(tmp, sizeof(tmp));
			return ags_diag_set(d, AGS_E_TOO_BIG, "%s plugin: sent too much data", c->name);
		}
		int ar = ags_buf_append(&c->rb, tmp, (size_t)n);
		ags_wipe(tmp, (size_t)n);
		if (ar < 0)
			return ar == AGS_E_TOO_BIG ? ags_diag_set(d, AGS_E_AGE_PLUGIN,
								  "%s plugin: sent a line that is too long", c->name)
						   : ar;
	}
}

/* ---- stanzas on the wire ---- */

void ags_plugin_pst_init(struct ags_plugin_stanza *s)
{
	memset(s, 0, sizeof(*s));
	ags_buf_init_secret(&s->body, AGS_PLUGIN_BODY_MAX);
}

void ags_plugin_pst_release(struct ags_plugin_stanza *s)
{
	for (size_t i = 0; i < s->nargs; i++)
		free(s->args[i]);
	s->nargs = 0;
	ags_buf_release(&s->body);
}

int ags_plugin_garbage(struct ags_plugin_conn *c, struct ags_diag *d, const char *what)
{
	return ags_diag_set(d, AGS_E_AGE_PLUGIN, "%s plugin: protocol error: %s", c->name, what);
}

/* Reads one stanza with the header grammar: "-> " args, then base64 body
 * lines (64 columns) ending with a short (possibly empty) line. */
int ags_plugin_read_stanza(struct ags_plugin_conn *c, struct ags_plugin_stanza *s, struct ags_diag *d)
{
	const char *line;
	size_t len, i, start;
	int r;

	ags_plugin_pst_release(s);
	ags_plugin_pst_init(s);
	AGS_TRY(conn_read_line(c, &line, &len, d));
	if (len < 4 || memcmp(line, "-> ", 3) != 0)
		return ags_plugin_garbage(c, d, "expected a stanza (\"-> ...\")");
	for (i = 3, start = 3; i <= len; i++) {
		if (i < len && line[i] != ' ') {
			if ((unsigned char)line[i] < 0x21 || (unsigned char)line[i] > 0x7e)
				return ags_plugin_garbage(c, d, "invalid character in stanza");
			continue;
		}
		if (i == start)
			return ags_plugin_garbage(c, d, "empty stanza argument");
		if (s->nargs == AGS_AGE_MAX_ARGS)
			return ags_plugin_garbage(c, d, "too many stanza arguments");
		s->args[s->nargs] = strndup(line + start, i - start);
		if (!s->args[s->nargs])
			return AGS_E_NOMEM;
		s->nargs++;
		start = i + 1;
	}
	for (;;) {
		uint8_t chunk[48];
		size_t n;
		AGS_TRY(conn_read_line(c, &line, &len, d));
		if (len > 64 || ags_b64_decode(line, len, AGS_B64_UNPADDED, chunk, &n) < 0 || n > 48)
			return ags_plugin_garbage(c, d, "malformed stanza body");
		r = ags_buf_append(&s->body, chunk, n);
		ags_wipe(chunk, sizeof(chunk));
		if (r == AGS_E_TOO_BIG)
			return ags_plugin_garbage(c, d, "stanza body too large");
		if (r < 0)
			return r;
		if (n < 48)
			break;
	}
	return 0;
}

int ags_plugin_write_stanza(struct ags_plugin_conn *c, const char *const *args, size_t nargs, const void *body, size_t bodylen,
			struct ags_diag *d)
{
	struct ags_buf b;
	char line[72];
	size_t off = 0;
	int r;

	ags_buf_init_secret(&b, AGS_PLUGIN_TOTAL_MAX);
	r = ags_buf_puts(&b, "->");
	for (size_t i = 0; r >= 0 && i < nargs; i++) {
		if ((r = ags_buf_putc(&b, ' ')) >= 0)
			r = ags_buf_puts(&b, args[i]);
	}
	if (r >= 0)
		r = ags_buf_putc(&b, '\n');
	for (;;) {
		size_t n = AGS_MIN((size_t)48, bodylen - off);
		if (r < 0)
			break;
		ags_b64_encode((const uint8_t *)body + off, n, AGS_B64_UNPADDED, line);
		if ((r = ags_buf_puts(&b, line)) < 0 || (r = ags_buf_putc(&b, '\n')) < 0)
			break;
		off += n;
		if (n < 48)
			break;
	}
	ags_wipe(line, sizeof(line));
	if (r >= 0)
		r = conn_write(c, b.data, b.len, d);
	ags_buf_release(&b);
	return r;
}

int ags_plugin_write_cmd(struct ags_plugin_conn *c, const char *cmd, const char *arg, struct ags_diag *d)
{
	const char *args[2] = { cmd, arg };
	return ags_plugin_write_stanza(c, args, arg ? 2 : 1, NULL, 0, d);
}

/* Go sends a random "grease" stanza in phase 1 two times out of three, so
 * plugins learn to ignore unknown commands. */
int ags_plugin_write_grease(struct ags_plugin_conn *c, struct ags_diag *d)
{
	uint8_t rnd[16], body[64];
	char type[48], a1[8], a2[8];
	const char *args[3] = { type, a1, a2 };

	AGS_TRY(ags_random(rnd, sizeof(rnd)));
	if (rnd[0] % 3 == 0)
		return 0;
	snprintf(type, sizeof(type), "grease-%02x%02x%02x%02x", rnd[1], rnd[2], rnd[3], rnd[4]);
	snprintf(a1, sizeof(a1), "%u", rnd[5] % 100);
	snprintf(a2, sizeof(a2), "%u", rnd[6] % 100);
	AGS_TRY(ags_random(body, sizeof(body)));
	return ags_plugin_write_stanza(c, args, 1 + rnd[7] % 3, body, (rnd[8] & 1) ? rnd[9] % 64 : 0, d);
}
