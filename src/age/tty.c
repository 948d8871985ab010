#include "age-cli.h"
#include "../cli.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/secret.h"
#include "age/plugin.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/mman.h>

/* The terminal to talk to: /dev/tty, else stdin/stderr if stdin is one. */
static int open_tty(int *in, int *out)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd >= 0) {
		*in = *out = fd;
		return 0;
	}
	if (isatty(0)) {
		*in = 0;
		*out = 2;
		return 0;
	}
	return AGS_E_AGE_PASSPHRASE;
}

static void close_tty(int in, int out)
{
	if (in > 2)
		close(in);
	if (out > 2 && out != in)
		close(out);
}

int age_cli_tty_print(const char *msg)
{
	int in, out;
	int r = open_tty(&in, &out);
	if (r < 0)
		return r;
	r = ags_write_all(out, msg, strlen(msg));
	if (r == 0)
		r = ags_write_all(out, "\n", 1);
	close_tty(in, out);
	return r;
}

int age_cli_read_passphrase(void *ctx, const char *prompt, char *buf, size_t cap)
{
	(void)ctx;
	int in, out;
	int r = open_tty(&in, &out);
	if (r < 0)
		return r;
	char *p = NULL;
	struct ags_buf line;
	ags_buf_init_secret(&line, cap - 1);
	if (asprintf(&p, "%s ", prompt) < 0)
		r = AGS_E_NOMEM;
	else
		r = cli_tty_read_secret(in, out, p, CLI_TTY_ECHONL | CLI_TTY_STRICT, &line);
	free(p);
	close_tty(in, out);
	size_t n = line.len;
	if (r == 0 && n)
		memcpy(buf, line.data, n);
	ags_buf_release(&line);
	if (r != 0) {
		ags_wipe(buf, cap);
		return r == 1 ? AGS_E_AGE_PASSPHRASE : r;
	}
	buf[n] = 0;
	return (int)n;
}

int age_cli_read_file(const char *path, size_t max, struct ags_buf *out)
{
	ags_buf_init_secret(out, max);
	int r = ags_file_read(path, out);
	if (r < 0)
		ags_buf_release(out);
	return r;
}

int age_cli_buffer_terminal_input(int fd)
{
	static const char end[] = "-----END AGE ENCRYPTED FILE-----\n";
	struct ags_buf b;
	int r = 0;
	ags_buf_init(&b, (size_t)16 << 20);
	/* A terminal in canonical mode returns one line per read, so nothing
	 * after the END line (a passphrase typed next) is consumed. */
	while (!(b.len >= sizeof(end) - 1 && memmem(b.data, b.len, end, sizeof(end) - 1))) {
		char chunk[4096];
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		if ((r = ags_buf_append(&b, chunk, (size_t)n)) < 0)
			break;
	}
	int mfd = r < 0 ? -1 : memfd_create("age-terminal-input", MFD_CLOEXEC);
	if (r == 0 && mfd < 0)
		r = -errno;
	if (r == 0 && (r = ags_write_all(mfd, b.data, b.len)) == 0 && lseek(mfd, 0, SEEK_SET) < 0)
		r = -errno;
	ags_buf_release(&b);
	if (r < 0) {
		if (mfd >= 0)
			close(mfd);
		return r;
	}
	return mfd;
}

/* How plugins reach the user (Go's terminal UI): messages on stderr,
 * requests on the terminal. */
static int plugin_message(void *ctx, const char *plugin, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "%s plugin: %s\n", plugin, msg);
	return 0;
}

static int plugin_request(void *ctx, const char *plugin, const char *prompt, bool secret, char *buf, size_t cap)
{
	char q[1200];
	(void)secret;
	snprintf(q, sizeof(q), "%s plugin: %s", plugin, prompt);
	return age_cli_read_passphrase(ctx, q, buf, cap);
}

void age_cli_plugin_ui_install(void)
{
	static const struct ags_age_plugin_ui ui = { plugin_message, plugin_request, NULL };
	ags_age_plugin_set_ui(&ui);
}
