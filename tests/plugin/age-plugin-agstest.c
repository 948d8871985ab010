/*
 * A test age plugin speaking the plugin protocol (age-plugin.md).  It is
 * NOT secure: the "wrapping" is a XOR with the key data.  Its behaviour is
 * chosen by the name it is run as (argv[0] = age-plugin-<name>):
 *
 *   agstest     good plugin: recipient-v1 and identity-v1
 *   agsfail     answers every session with an error stanza
 *   agshang     reads phase 1, then never answers
 *   agsgarbage  answers with a line that is not a stanza
 *   agscrash    exits with status 3 after phase 1
 *   agsbig      sends an endless line
 *   agsnone     identity-v1: finishes without a file key
 *
 * Extra behaviour of the good plugin, by environment:
 *   AGSTEST_PIN=x   identity-v1 asks request-secret "PIN" and insists on x
 *   AGSTEST_MSG=1   sends a msg stanza first
 *
 *   age-plugin-agstest --generate [NAME]   prints an identity and its recipient
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <stdint.h>
#include <stdbool.h>
#include "internal.h"
#include "age/bech32.h"
#include "crypto/ossl.h"

#define MAXARGS 64
struct st {
	char *args[MAXARGS];
	int nargs;
	uint8_t body[4096];
	size_t bodylen;
};

static char line[1 << 17];
/* the current stanza: global, so what it holds at exit stays reachable */
static struct st cur;

static bool read_line(void)
{
	if (!fgets(line, sizeof(line), stdin))
		return false;
	size_t n = strlen(line);
	if (n == 0 || line[n - 1] != '\n')
		return false;
	line[n - 1] = 0;
	return true;
}

static void st_free(struct st *s)
{
	for (int i = 0; i < s->nargs; i++)
		free(s->args[i]);
	s->nargs = 0;
	s->bodylen = 0;
}

static bool read_st(struct st *s)
{
	st_free(s);
	if (!read_line() || strncmp(line, "-> ", 3) != 0)
		return false;
	char *save = NULL, *tok = strtok_r(line + 3, " ", &save);
	while (tok && s->nargs < MAXARGS) {
		s->args[s->nargs++] = strdup(tok);
		tok = strtok_r(NULL, " ", &save);
	}
	for (;;) {
		size_t n;
		if (!read_line())
			return false;
		if (s->bodylen + 48 > sizeof(s->body) ||
		    ags_b64_decode(line, strlen(line), AGS_B64_UNPADDED, s->body + s->bodylen, &n) < 0)
			return false;
		s->bodylen += n;
		if (n < 48)
			break;
	}
	return s->nargs > 0;
}

static void write_st(const char *const *args, int nargs, const void *body, size_t len)
{
	char enc[80];
	size_t off = 0;
	fputs("->", stdout);
	for (int i = 0; i < nargs; i++)
		printf(" %s", args[i]);
	putchar('\n');
	for (;;) {
		size_t n = len - off < 48 ? len - off : 48;
		ags_b64_encode((const uint8_t *)body + off, n, AGS_B64_UNPADDED, enc);
		printf("%s\n", enc);
		off += n;
		if (n < 48)
			break;
	}
	fflush(stdout);
}

static void cmd(const char *a, const char *b, const char *body)
{
	const char *args[2] = { a, b };
	write_st(args, b ? 2 : 1, body, body ? strlen(body) : 0);
}

/* key data of a recipient/identity string; a data-less identity (-j) uses a fixed key */
static bool key_of(const char *s, uint8_t k[16])
{
	char *hrp = NULL;
	uint8_t *data = NULL;
	size_t len = 0;
	if (ags_bech32_decode(s, &hrp, &data, &len) < 0)
		return false;
	free(hrp);
	if (len == 0)
		memset(k, 0x42, 16);
	else if (len == 16)
		memcpy(k, data, 16);
	free(data);
	return len == 0 || len == 16;
}

static void tag_of(const uint8_t k[16], char tag[16])
{
	uint8_t h[32];
	ags_sha256(k, 16, h);
	ags_b64_encode(h, 4, AGS_B64_UNPADDED, tag);
}

/* --generate [NAME]: an identity for age-plugin-NAME and its recipient */
static int generate(const char *name)
{
	uint8_t k[16];
	char *id = NULL, *rc = NULL, hrp_id[96], hrp_r[96];
	ags_random(k, 16);
	snprintf(hrp_id, sizeof(hrp_id), "AGE-PLUGIN-%s-", name);
	for (char *p = hrp_id; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	snprintf(hrp_r, sizeof(hrp_r), "age1%s", name);
	if (ags_bech32_encode(hrp_id, k, 16, true, &id) < 0 || ags_bech32_encode(hrp_r, k, 16, false, &rc) < 0)
		return 1;
	printf("# recipient: %s\n%s\n", rc, id);
	free(id);
	free(rc);
	return 0;
}

static int recipient_v1(const char *mode)
{
	uint8_t k[16] = { 0 }, fk[16];
	bool have_key = false, have_fk = false;

	while (read_st(&cur)) {
		if (!strcmp(cur.args[0], "add-recipient") || !strcmp(cur.args[0], "add-identity")) {
			if (cur.nargs != 2 || !key_of(cur.args[1], k)) {
				cmd("error", "recipient", "bad recipient");
				return 1;
			}
			have_key = true;
		} else if (!strcmp(cur.args[0], "wrap-file-key")) {
			if (cur.bodylen != 16)
				return 1;
			memcpy(fk, cur.body, 16);
			have_fk = true;
		} else if (!strcmp(cur.args[0], "done")) {
			break;
		}
		/* grease and extension-labels are ignored */
	}
	if (!strcmp(mode, "agshang")) {
		sleep(3600);
		return 0;
	}
	if (!strcmp(mode, "agscrash"))
		return 3;
	if (!strcmp(mode, "agsgarbage")) {
		puts("this is not a stanza");
		fflush(stdout);
		read_st(&cur);
		return 0;
	}
	if (!strcmp(mode, "agsbig")) {
		for (int i = 0; i < 1000; i++)
			if (fwrite(line, 1, 1024, stdout) != 1024)
				return 1;
		fflush(stdout);
		return 0;
	}
	if (!strcmp(mode, "agsfail") || !have_key || !have_fk) {
		cmd("error", "internal", "agsfail always fails");
		read_st(&cur);
		return 0;
	}
	char tag[16];
	uint8_t body[16];
	tag_of(k, tag);
	for (int i = 0; i < 16; i++)
		body[i] = fk[i] ^ k[i];
	const char *args[3] = { "recipient-stanza", "0", "agstest" };
	const char *a4[4] = { "recipient-stanza", "0", "agstest", tag };
	(void)args;
	write_st(a4, 4, body, 16);
	if (!read_st(&cur) || strcmp(cur.args[0], "ok"))
		return 1;
	cmd("done", NULL, NULL);
	return 0;
}

static int identity_v1(const char *mode)
{
	uint8_t k[16] = { 0 }, fk[16];
	bool have_key = false, found = false;
	char tag[16];

	while (read_st(&cur)) {
		if (!strcmp(cur.args[0], "add-identity")) {
			if (cur.nargs != 2 || !key_of(cur.args[1], k))
				return 1;
			have_key = true;
			tag_of(k, tag);
		} else if (!strcmp(cur.args[0], "recipient-stanza")) {
			if (have_key && !found && cur.nargs == 4 && !strcmp(cur.args[2], "agstest") &&
			    !strcmp(cur.args[3], tag) && cur.bodylen == 16) {
				for (int i = 0; i < 16; i++)
					fk[i] = cur.body[i] ^ k[i];
				found = true;
			}
		} else if (!strcmp(cur.args[0], "done")) {
			break;
		}
	}
	if (!strcmp(mode, "agshang")) {
		sleep(3600);
		return 0;
	}
	if (!strcmp(mode, "agscrash"))
		return 3;
	if (!strcmp(mode, "agsgarbage")) {
		puts("-> file-key 0 extra");
		puts("!!!!");
		fflush(stdout);
		read_st(&cur);
		return 0;
	}
	if (!strcmp(mode, "agsbig")) {
		memset(line, 'A', 1024);
		for (int i = 0; i < 1000; i++)
			if (fwrite(line, 1, 1024, stdout) != 1024)
				return 1;
		fflush(stdout);
		return 0;
	}
	if (!strcmp(mode, "agsfail")) {
		cmd("error", "identity", "agsfail always fails");
		read_st(&cur);
		return 0;
	}
	if (getenv("AGSTEST_MSG")) {
		cmd("msg", NULL, "hello from agstest");
		if (!read_st(&cur))
			return 1;
	}
	/* an unknown command must be answered "unsupported" */
	cmd("grease-unknown", "x", NULL);
	if (!read_st(&cur) || strcmp(cur.args[0], "unsupported"))
		return 1;
	if (found && getenv("AGSTEST_PIN")) {
		const char *pin = getenv("AGSTEST_PIN");
		cmd("request-secret", NULL, "Enter PIN:");
		if (!read_st(&cur) || strcmp(cur.args[0], "ok") || cur.bodylen != strlen(pin) || memcmp(cur.body, pin, cur.bodylen)) {
			cmd("error", "identity", "wrong PIN");
			read_st(&cur);
			return 0;
		}
	}
	if (found && strcmp(mode, "agsnone")) {
		const char *a[2] = { "file-key", "0" };
		write_st(a, 2, fk, 16);
		if (!read_st(&cur) || strcmp(cur.args[0], "ok"))
			return 1;
	}
	cmd("done", NULL, NULL);
	return 0;
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');
	const char *mode;
	base = base ? base + 1 : argv[0];
	mode = strncmp(base, "age-plugin-", 11) == 0 ? base + 11 : "agstest";
	if ((argc == 2 || argc == 3) && !strcmp(argv[1], "--generate"))
		return generate(argc == 3 ? argv[2] : "agstest");
	if (argc == 2 && !strcmp(argv[1], "--age-plugin=recipient-v1"))
		return recipient_v1(mode);
	if (argc == 2 && !strcmp(argv[1], "--age-plugin=identity-v1"))
		return identity_v1(mode);
	fprintf(stderr, "usage: age-plugin-agstest --generate | --age-plugin=recipient-v1|identity-v1\n");
	return 2;
}
