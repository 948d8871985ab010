/*
 * age-plugin-batchpass (argv[0]): age 1.3's plugin for passphrase
 * encryption without a terminal, `age -e|-d -j batchpass`, the passphrase
 * in AGE_PASSPHRASE or read from the descriptor AGE_PASSPHRASE_FD.  The
 * protocol side is ags_age_batchpass_serve; this reads the environment.
 */
#include "cli.h"
#include <agesops/age.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/secret.h"

#define PASS_FD_MAX (1024 * 1024) /* as Go: 1 MiB */

static const char usage[] =
	"age-plugin-batchpass is an age plugin for non-interactive passphrase-based\n"
	"encryption and decryption, driven by environment variables:\n"
	"\n"
	"    AGE_PASSPHRASE=password age -e -j batchpass file.txt > file.txt.age\n"
	"    AGE_PASSPHRASE=password age -d -j batchpass file.txt.age > file.txt\n"
	"\n"
	"AGE_PASSPHRASE_FD=N reads the passphrase from file descriptor N instead\n"
	"(trailing newlines are stripped).  AGE_PASSPHRASE_WORK_FACTOR sets the scrypt\n"
	"work factor when encrypting (1 to 22 here, default 18);\n"
	"AGE_PASSPHRASE_MAX_WORK_FACTOR caps the one accepted when decrypting.\n"
	"Native keys (age-keygen, age -e -i key.txt) are the better choice when a\n"
	"computer remembers the secret anyway.\n";

static const char *env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

/* A work factor variable: 0 when unset, -1 (with msg) when invalid. */
static int work_factor(const char *name, char *msg, size_t cap)
{
	const char *v = env(name);
	char *end;
	if (!v)
		return 0;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || *end || n < 1 || n > 30) {
		snprintf(msg, cap, "%s must be between 1 and 30", name);
		return -1;
	}
	return (int)n;
}

/* The passphrase (malloc'd, secret, *alloc bytes) or NULL with msg saying why. */
static char *passphrase(size_t *len, size_t *alloc, char *msg, size_t cap)
{
	const char *p = env("AGE_PASSPHRASE"), *fdv = env("AGE_PASSPHRASE_FD");
	if (p && fdv) {
		snprintf(msg, cap, "AGE_PASSPHRASE and AGE_PASSPHRASE_FD are mutually exclusive");
		return NULL;
	}
	if (!p && !fdv) {
		snprintf(msg, cap, "either AGE_PASSPHRASE or AGE_PASSPHRASE_FD must be set");
		return NULL;
	}
	if (p) {
		*len = strlen(p);
		*alloc = *len + 1;
		return strdup(p);
	}
	char *end;
	long fd = strtol(fdv, &end, 10);
	if (*end || fd < 0 || fd > 1 << 20) {
		snprintf(msg, cap, "invalid AGE_PASSPHRASE_FD: %.32s", fdv);
		return NULL;
	}
	char *buf = malloc(PASS_FD_MAX + 1);
	size_t n = 0;
	*alloc = PASS_FD_MAX + 1;
	while (buf && n <= PASS_FD_MAX) {
		ssize_t got = read((int)fd, buf + n, PASS_FD_MAX + 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			if (got < 0)
				snprintf(msg, cap, "failed to read passphrase from fd %ld: %s", fd, strerror(errno));
			break;
		}
		n += (size_t)got;
	}
	if (buf && (msg[0] || n > PASS_FD_MAX)) {
		if (!msg[0])
			snprintf(msg, cap, "passphrase from fd %ld is too long", fd);
		ags_free_secret(buf, PASS_FD_MAX + 1);
		return NULL;
	}
	while (buf && n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	*len = n;
	return buf;
}

int cmd_batchpass(int argc, char **argv)
{
	const char *state = NULL;
	for (int k = 1; k < argc; k++) {
		const char *a = argv[k] + (argv[k][0] == '-' && argv[k][1] == '-');
		if (!strncmp(a, "-age-plugin=", 12))
			state = a + 12;
		else if (!strcmp(a, "-version")) {
			puts(CLI_AGE_VERSION);
			return 0;
		} else {
			fputs(usage, stderr);
			return !strcmp(a, "-h") || !strcmp(a, "-help") ? 0 : 1;
		}
	}
	if (!state) {
		fputs(usage, stderr);
		return 1;
	}
	char msg[200] = "";
	struct ags_age_batchpass o = { 0 };
	int wf = work_factor("AGE_PASSPHRASE_WORK_FACTOR", msg, sizeof(msg));
	int mwf = wf < 0 ? 0 : work_factor("AGE_PASSPHRASE_MAX_WORK_FACTOR", msg, sizeof(msg));
	size_t alloc = 0;
	char *pass = wf < 0 || mwf < 0 ? NULL : passphrase(&o.passlen, &alloc, msg, sizeof(msg));
	o.pass = pass;
	o.pass_error = msg;
	o.work_factor = wf > 0 ? (unsigned)wf : 0;
	o.max_work_factor = mwf > 0 ? (unsigned)mwf : 0;
	struct ags_diag d = { 0 };
	int r = ags_age_batchpass_serve(state, &o, 0, 1, &d);
	if (pass)
		ags_free_secret(pass, alloc);
	if (r < 0) {
		cli_fail(r, &d, NULL);
		return 1;
	}
	return 0;
}
