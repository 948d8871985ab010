/*
 * age plugin protocol client (C2SP age-plugin.md, behaviour of Go age's
 * plugin package).  One child process per wrap/unwrap; every read from it
 * has a deadline, every line, body and session has a cap, and a plugin that
 * exits, hangs or sends garbage ends the session with one clear error.
 */
#include "internal.h"
#include "age/plugin.h"
#include "age/kind.h"
#include "age/format.h"
#include "age/bech32.h"
#include "crypto/ossl.h"

#include <ctype.h>
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

static struct ags_age_plugin_ui plugin_ui;
static bool plugin_ui_set;
static pthread_mutex_t plugin_ui_lock = PTHREAD_MUTEX_INITIALIZER;

void ags_age_plugin_set_ui(const struct ags_age_plugin_ui *ui)
{
	pthread_mutex_lock(&plugin_ui_lock);
	if (ui) {
		plugin_ui = *ui;
		plugin_ui_set = true;
	} else {
		memset(&plugin_ui, 0, sizeof(plugin_ui));
		plugin_ui_set = false;
	}
	pthread_mutex_unlock(&plugin_ui_lock);
}

static struct ags_age_plugin_ui get_ui(void)
{
	struct ags_age_plugin_ui ui;
	pthread_mutex_lock(&plugin_ui_lock);
	ui = plugin_ui;
	pthread_mutex_unlock(&plugin_ui_lock);
	return ui;
}

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

/* ---- names ---- */

static bool valid_name(const char *n, size_t len)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-._";
	if (len == 0 || len > 64)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!n[i] || !strchr(ok, n[i]))
			return false;
	return true;
}

/* ---- the child process ---- */

struct conn {
	const char *name;
	pid_t pid;
	int to_fd;   /* plugin stdin */
	int from_fd; /* plugin stdout */
	struct ags_buf rb;
	size_t rpos;
	size_t total;
	int timeout;
};

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

static int conn_open(struct conn *c, const char *name, const char *phase, struct ags_diag *d)
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
		return ags_diag_set(d, AGS_E_AGE_PLUGIN, "%s plugin: \"%s\" not found in PATH (install the plugin)",
				    name, bin);
	if (r < 0)
		return r;
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
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0)
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
	free(path);
	c->pid = pid;
	c->to_fd = in[1];
	c->from_fd = out[0];
	return 0;
fail:
	free(path);
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (out[i] >= 0)
			close(out[i]);
	}
	return r;
}

static void conn_close(struct conn *c, bool kill_now)
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
static int conn_write(struct conn *c, const void *p, size_t n, struct ags_diag *d)
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
static int conn_read_line(struct conn *c, const char **line, size_t *len, struct ags_diag *d)
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

struct pst {
	char *args[AGS_AGE_MAX_ARGS]; /* args[0] is the command / type */
	size_t nargs;
	struct ags_buf body; /* secret: may carry a file key */
};

static void pst_init(struct pst *s)
{
	memset(s, 0, sizeof(*s));
	ags_buf_init_secret(&s->body, AGS_PLUGIN_BODY_MAX);
}

static void pst_release(struct pst *s)
{
	for (size_t i = 0; i < s->nargs; i++)
		free(s->args[i]);
	s->nargs = 0;
	ags_buf_release(&s->body);
}

static int garbage(struct conn *c, struct ags_diag *d, const char *what)
{
	return ags_diag_set(d, AGS_E_AGE_PLUGIN, "%s plugin: protocol error: %s", c->name, what);
}

/* Reads one stanza with the header grammar: "-> " args, then base64 body
 * lines (64 columns) ending with a short (possibly empty) line. */
static int read_stanza(struct conn *c, struct pst *s, struct ags_diag *d)
{
	const char *line;
	size_t len, i, start;
	int r;

	pst_release(s);
	pst_init(s);
	AGS_TRY(conn_read_line(c, &line, &len, d));
	if (len < 4 || memcmp(line, "-> ", 3) != 0)
		return garbage(c, d, "expected a stanza (\"-> ...\")");
	for (i = 3, start = 3; i <= len; i++) {
		if (i < len && line[i] != ' ') {
			if ((unsigned char)line[i] < 0x21 || (unsigned char)line[i] > 0x7e)
				return garbage(c, d, "invalid character in stanza");
			continue;
		}
		if (i == start)
			return garbage(c, d, "empty stanza argument");
		if (s->nargs == AGS_AGE_MAX_ARGS)
			return garbage(c, d, "too many stanza arguments");
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
			return garbage(c, d, "malformed stanza body");
		r = ags_buf_append(&s->body, chunk, n);
		ags_wipe(chunk, sizeof(chunk));
		if (r == AGS_E_TOO_BIG)
			return garbage(c, d, "stanza body too large");
		if (r < 0)
			return r;
		if (n < 48)
			break;
	}
	return 0;
}

static int write_stanza(struct conn *c, const char *const *args, size_t nargs, const void *body, size_t bodylen,
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

static int write_cmd(struct conn *c, const char *cmd, const char *arg, struct ags_diag *d)
{
	const char *args[2] = { cmd, arg };
	return write_stanza(c, args, arg ? 2 : 1, NULL, 0, d);
}

/* Go sends a random "grease" stanza in phase 1 two times out of three, so
 * plugins learn to ignore unknown commands. */
static int write_grease(struct conn *c, struct ags_diag *d)
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
	return write_stanza(c, args, 1 + rnd[7] % 3, body, (rnd[8] & 1) ? rnd[9] % 64 : 0, d);
}

/* The text of an error/msg body, made printable for a diagnostic. */
static void printable(const struct ags_buf *b, char *out, size_t cap)
{
	size_t j = 0;
	for (size_t i = 0; i < b->len && j + 1 < cap; i++) {
		unsigned char ch = b->data[i];
		out[j++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : (ch == '\n' ? ' ' : '?');
	}
	out[j] = 0;
}

/* msg / confirm / request-*: answered through the UI, or "fail".  Returns
 * 1 when handled, 0 when the command is unknown. */
static int handle_ui(struct conn *c, struct pst *s, struct ags_diag *d)
{
	struct ags_age_plugin_ui ui = get_ui();
	const char *t = s->args[0];
	char text[1024];

	if (strcmp(t, "msg") == 0) {
		printable(&s->body, text, sizeof(text));
		if (ui.message && ui.message(ui.ctx, c->name, text) >= 0)
			AGS_TRY(write_cmd(c, "ok", NULL, d));
		else
			AGS_TRY(write_cmd(c, "fail", NULL, d));
		return 1;
	}
	if (strcmp(t, "request-secret") == 0 || strcmp(t, "request-public") == 0) {
		bool secret = t[8] == 's';
		char *val;
		int n;
		printable(&s->body, text, sizeof(text));
		if (!ui.request) {
			AGS_TRY(write_cmd(c, "fail", NULL, d));
			return 1;
		}
		val = malloc(4096);
		if (!val)
			return AGS_E_NOMEM;
		n = ui.request(ui.ctx, c->name, text, secret, val, 4096);
		if (n < 0 || n >= 4096) {
			ags_free_secret(val, 4096);
			AGS_TRY(write_cmd(c, "fail", NULL, d));
			return 1;
		}
		const char *ok[1] = { "ok" };
		int r = write_stanza(c, ok, 1, val, (size_t)n, d);
		ags_free_secret(val, 4096);
		AGS_TRY(r);
		return 1;
	}
	if (strcmp(t, "confirm") == 0) {
		uint8_t tmp[256];
		size_t n;
		if (s->nargs != 2 && s->nargs != 3)
			return garbage(c, d, "malformed confirm stanza");
		for (size_t i = 1; i < s->nargs; i++)
			if (strlen(s->args[i]) > 300 ||
			    ags_b64_decode(s->args[i], strlen(s->args[i]), AGS_B64_UNPADDED, tmp, &n) < 0)
				return garbage(c, d, "malformed confirm stanza");
		/* No interactive confirmation in the library: decline. */
		AGS_TRY(write_cmd(c, "fail", NULL, d));
		return 1;
	}
	return 0;
}

static bool parse_index0(const char *s)
{
	return strcmp(s, "0") == 0;
}

/* ---- recipient-v1 ---- */

static int run_recipient_v1(const char *name, const char *encoding, bool is_identity, const uint8_t file_key[16],
			    struct ags_age_stanzas *out, struct ags_diag *d)
{
	struct conn c;
	struct pst s;
	struct ags_age_stanzas got = { 0 };
	size_t added = 0, count = 0;
	bool labels_seen = false, done = false, hard_kill = false;
	int r;

	pst_init(&s);
	r = conn_open(&c, name, "recipient-v1", d);
	if (r < 0) {
		pst_release(&s);
		return r;
	}
	if ((r = write_cmd(&c, is_identity ? "add-identity" : "add-recipient", encoding, d)) < 0 ||
	    (r = write_grease(&c, d)) < 0)
		goto out;
	{
		const char *wf[1] = { "wrap-file-key" };
		if ((r = write_stanza(&c, wf, 1, file_key, 16, d)) < 0)
			goto out;
	}
	if ((r = write_cmd(&c, "extension-labels", NULL, d)) < 0 || (r = write_cmd(&c, "done", NULL, d)) < 0)
		goto out;

	while (!done) {
		if (++count > AGS_PLUGIN_STANZAS_MAX) {
			r = garbage(&c, d, "too many stanzas");
			goto out;
		}
		if ((r = read_stanza(&c, &s, d)) < 0)
			goto out;
		const char *t = s.args[0];
		if (strcmp(t, "recipient-stanza") == 0) {
			if (s.nargs < 3 || !parse_index0(s.args[1])) {
				r = garbage(&c, d, "malformed recipient-stanza");
				goto out;
			}
			r = ags_age_stanzas_add(&got, (const char *const *)s.args + 2, s.nargs - 2, s.body.data, s.body.len);
			if (r < 0)
				goto out;
			added++;
			if ((r = write_cmd(&c, "ok", NULL, d)) < 0)
				goto out;
		} else if (strcmp(t, "labels") == 0) {
			if (labels_seen) {
				r = garbage(&c, d, "repeated labels stanza");
				goto out;
			}
			labels_seen = true;
			if ((r = write_cmd(&c, "ok", NULL, d)) < 0)
				goto out;
		} else if (strcmp(t, "error") == 0) {
			char msg[300];
			printable(&s.body, msg, sizeof(msg));
			write_cmd(&c, "ok", NULL, NULL);
			r = ags_diag_set(d, AGS_E_AGE_PLUGIN, "%s plugin: %s", name, msg[0] ? msg : "error");
			goto out;
		} else if (strcmp(t, "done") == 0) {
			done = true;
		} else {
			r = handle_ui(&c, &s, d);
			if (r < 0)
				goto out;
			if (r == 0 && (r = write_cmd(&c, "unsupported", NULL, d)) < 0)
				goto out;
		}
	}
	r = added ? 0 : ags_diag_set(d, AGS_E_AGE_PLUGIN, "%s plugin: received zero recipient stanzas", name);
out:
	if (r == AGS_E_TIMEOUT || r == AGS_E_TOO_BIG)
		hard_kill = true;
	/* All or nothing: stanzas reach out only when the session succeeded. */
	for (size_t i = 0; r == 0 && i < got.n; i++)
		r = ags_age_stanzas_add(out, (const char *const *)got.v[i].args, got.v[i].nargs, got.v[i].body,
					got.v[i].bodylen);
	/* (a failed copy leaves out partial; the caller's encryption fails and
	 * clears it) */
	ags_age_stanzas_clear(&got);
	pst_release(&s);
	conn_close(&c, hard_kill);
	return r;
}

/* ---- identity-v1 ---- */

static int run_identity_v1(const char *name, const char *encoding, const struct ags_age_stanzas *st,
			   uint8_t file_key[16], struct ags_diag *d)
{
	struct conn c;
	struct pst s;
	uint8_t fk[16];
	bool have = false, done = false, hard_kill = false;
	size_t count = 0;
	int r;

	pst_init(&s);
	r = conn_open(&c, name, "identity-v1", d);
	if (r < 0) {
		pst_release(&s);
		return r;
	}
	if ((r = write_cmd(&c, "add-identity", encoding, d)) < 0 || (r = write_grease(&c, d)) < 0)
		goto out;
	for (size_t i = 0; i < st->n; i++) {
		const struct ags_age_stanza *x = &st->v[i];
		const char *args[AGS_AGE_MAX_ARGS + 2];
		if (x->nargs + 2 > AGS_ARRAY_SIZE(args)) {
			r = AGS_E_TOO_BIG;
			goto out;
		}
		args[0] = "recipient-stanza";
		args[1] = "0";
		for (size_t j = 0; j < x->nargs; j++)
			args[j + 2] = x->args[j];
		if ((r = write_stanza(&c, args, x->nargs + 2, x->body, x->bodylen, d)) < 0)
			goto out;
	}
	if ((r = write_cmd(&c, "done", NULL, d)) < 0)
		goto out;

	while (!done) {
		if (++count > AGS_PLUGIN_STANZAS_MAX) {
			r = garbage(&c, d, "too many stanzas");
			goto out;
		}
		if ((r = read_stanza(&c, &s, d)) < 0)
			goto out;
		const char *t = s.args[0];
		if (strcmp(t, "file-key") == 0) {
			if (s.nargs != 2 || !parse_index0(s.args[1]) || s.body.len != 16) {
				r = garbage(&c, d, "malformed file-key stanza");
				goto out;
			}
			if (have) {
				r = garbage(&c, d, "duplicated file-key stanza");
				goto out;
			}
			memcpy(fk, s.body.data, 16);
			have = true;
			if ((r = write_cmd(&c, "ok", NULL, d)) < 0)
				goto out;
		} else if (strcmp(t, "error") == 0) {
			char msg[300];
			printable(&s.body, msg, sizeof(msg));
			write_cmd(&c, "ok", NULL, NULL);
			r = ags_diag_set(d, AGS_E_AGE_PLUGIN, "%s plugin: %s", name, msg[0] ? msg : "error");
			goto out;
		} else if (strcmp(t, "done") == 0) {
			done = true;
		} else {
			r = handle_ui(&c, &s, d);
			if (r < 0)
				goto out;
			if (r == 0 && (r = write_cmd(&c, "unsupported", NULL, d)) < 0)
				goto out;
		}
	}
	if (!have) {
		r = AGS_E_AGE_INCORRECT_IDENTITY;
		goto out;
	}
	memcpy(file_key, fk, 16);
	r = 0;
out:
	if (r == AGS_E_TIMEOUT || r == AGS_E_TOO_BIG)
		hard_kill = true;
	ags_wipe(fk, sizeof(fk));
	pst_release(&s);
	conn_close(&c, hard_kill);
	return r;
}

/* ---- kinds ---- */

struct plugin_key {
	char name[72];
	char *encoding; /* recipient string, or identity string (secret) */
	bool identity;
};

static void key_free(void *p)
{
	struct plugin_key *k = p;
	if (!k)
		return;
	ags_free_secret_str(k->encoding);
	free(k);
}

static int r_wrap(const struct ags_age_recipient *r, const uint8_t file_key[16], struct ags_age_stanzas *out,
		  struct ags_diag *d)
{
	const struct plugin_key *k = r->priv;
	return run_recipient_v1(k->name, k->encoding, k->identity, file_key, out, d);
}

static int r_string(const struct ags_age_recipient *r, char **ret)
{
	const struct plugin_key *k = r->priv;
	char *s;
	if (k->identity)
		return AGS_E_UNSUPPORTED; /* an identity-based recipient has no public form */
	s = strdup(k->encoding);
	if (!s)
		return AGS_E_NOMEM;
	*ret = s;
	return 0;
}

static const struct ags_age_recipient_ops plugin_recipient_ops = {
	.name = "plugin",
	.labels = 0,
	.wrap = r_wrap,
	.string = r_string,
	.free = key_free,
};

static int i_unwrap(const struct ags_age_identity *id, const struct ags_age_stanzas *st, uint8_t file_key[16],
		    struct ags_diag *d)
{
	const struct plugin_key *k = id->priv;
	return run_identity_v1(k->name, k->encoding, st, file_key, d);
}

static int key_new(const char *name, const char *encoding, bool identity, struct plugin_key **ret)
{
	struct plugin_key *k = calloc(1, sizeof(*k));
	if (!k)
		return AGS_E_NOMEM;
	snprintf(k->name, sizeof(k->name), "%s", name);
	k->encoding = strdup(encoding);
	k->identity = identity;
	if (!k->encoding) {
		free(k);
		return AGS_E_NOMEM;
	}
	*ret = k;
	return 0;
}

static int i_to_recipient(const struct ags_age_identity *id, struct ags_age_recipient **ret)
{
	const struct plugin_key *k = id->priv;
	struct plugin_key *rk;
	AGS_TRY(key_new(k->name, k->encoding, true, &rk));
	return ags_age_recipient_make(&plugin_recipient_ops, rk, ret);
}

static int i_string(const struct ags_age_identity *id, char **ret)
{
	const struct plugin_key *k = id->priv;
	char *s = strdup(k->encoding);
	if (!s)
		return AGS_E_NOMEM;
	*ret = s;
	return 0;
}

static const struct ags_age_identity_ops plugin_identity_ops = {
	.name = "plugin",
	.native = false,
	.unwrap = i_unwrap,
	.to_recipient = i_to_recipient,
	.string = i_string,
	.free = key_free,
};

bool ags_age_plugin_recipient_match(const char *s)
{
	/* "age1<name>1<data>": more than one '1' (Go's dispatch rule). */
	const char *first = strchr(s, '1');
	return first && strchr(first + 1, '1') != NULL;
}

int ags_age_plugin_parse_recipient(const char *s, struct ags_age_recipient **ret, struct ags_diag *d)
{
	char *hrp = NULL;
	uint8_t *data = NULL;
	size_t len = 0;
	struct plugin_key *k;
	int r;

	if (ags_bech32_decode(s, &hrp, &data, &len) < 0)
		return ags_diag_set(d, AGS_E_AGE_BECH32, "malformed plugin recipient (bad Bech32)");
	free(data);
	if (strncmp(hrp, "age1", 4) != 0 || !valid_name(hrp + 4, strlen(hrp + 4))) {
		free(hrp);
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "malformed plugin recipient (invalid plugin name)");
	}
	r = key_new(hrp + 4, s, false, &k);
	free(hrp);
	AGS_TRY(r);
	return ags_age_recipient_make(&plugin_recipient_ops, k, ret);
}

int ags_age_plugin_parse_identity(const char *s, struct ags_age_identity **ret, struct ags_diag *d)
{
	char *hrp = NULL, name[72];
	uint8_t *data = NULL;
	size_t len = 0, hl, nl;
	struct plugin_key *k;
	int r;

	if (ags_bech32_decode(s, &hrp, &data, &len) < 0)
		return ags_diag_set(d, AGS_E_AGE_BECH32, "malformed plugin identity (bad Bech32)");
	ags_free_secret(data, len);
	hl = strlen(hrp);
	if (hl < 13 || strncmp(hrp, "AGE-PLUGIN-", 11) != 0 || hrp[hl - 1] != '-') {
		free(hrp);
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "malformed plugin identity");
	}
	nl = hl - 12;
	if (nl >= sizeof(name) || !valid_name(hrp + 11, nl)) {
		free(hrp);
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "malformed plugin identity (invalid plugin name)");
	}
	for (size_t i = 0; i < nl; i++)
		name[i] = (char)tolower((unsigned char)hrp[11 + i]);
	name[nl] = 0;
	free(hrp);
	r = key_new(name, s, false, &k);
	AGS_TRY(r);
	return ags_age_identity_make(&plugin_identity_ops, k, ret);
}

int ags_age_plugin_identity_new(const char *name, struct ags_age_identity **ret, struct ags_diag *d)
{
	char hrp[96], *s = NULL;
	size_t nl = strlen(name);
	int r;

	if (!valid_name(name, nl))
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "invalid plugin name \"%.64s\"", name);
	snprintf(hrp, sizeof(hrp), "AGE-PLUGIN-%s-", name);
	for (char *p = hrp; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	r = ags_bech32_encode(hrp, (const uint8_t *)"", 0, true, &s);
	if (r < 0)
		return ags_diag_set(d, r, "invalid plugin name \"%.64s\"", name);
	r = ags_age_plugin_parse_identity(s, ret, d);
	free(s);
	return r;
}
