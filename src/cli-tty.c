/*
 * A secret typed on the terminal (cli.h: cli_tty_read_secret), for the age
 * passphrase prompts and the gitops commands' secret prompts.
 */
#include "cli.h"
#include "util/buf.h"
#include "util/secret.h"
#include <errno.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

int cli_tty_read_secret(int in, int out, const char *prompt, unsigned flags, struct ags_buf *line)
{
	int when = flags & CLI_TTY_FLUSH ? TCSAFLUSH : TCSANOW;
	struct termios old, noecho;
	bool restore = false;
	if (tcgetattr(in, &old) == 0) {
		noecho = old;
		noecho.c_lflag &= ~(tcflag_t)ECHO;
		if (flags & CLI_TTY_ECHONL)
			noecho.c_lflag |= ECHONL;
		restore = tcsetattr(in, when, &noecho) == 0;
	}
	(void)!write(out, prompt, strlen(prompt));
	int r = 0;
	char c = 0; /* each character of the secret passes through here */
	for (;;) {
		ssize_t got = read(in, &c, 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got == 0 && line->len == 0)
			r = 1;
		else if (got < 0 && (flags & CLI_TTY_STRICT))
			r = -errno;
		if (got <= 0 || c == '\n' || (c == '\r' && (flags & CLI_TTY_STRICT)))
			break;
		if ((r = ags_buf_putc(line, c)) < 0)
			break;
	}
	ags_wipe(&c, sizeof(c));
	if (restore)
		tcsetattr(in, when, &old);
	if (!restore || !(flags & CLI_TTY_ECHONL))
		(void)!write(out, "\n", 1);
	return r;
}
