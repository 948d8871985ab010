/*
 * ssh-to-age [-private-key] [-i IN] [-o OUT] (argv[0], and "agesops
 * ssh-to-age"): Mic92/ssh-to-age's flags and output.  Public keys: one
 * "age1..." line per ssh-ed25519 line of the input, other key types skipped
 * with a note on stderr.  -private-key: the "AGE-SECRET-KEY-1..." of an
 * ssh-ed25519 private key (SSH_TO_AGE_PASSPHRASE for an encrypted one),
 * written 0600 when -o names a file.  Unlike Mic92's, an error never
 * echoes the key.
 */
#include "cli.h"
#include "cli-opts.h"
#include <agesops/age.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "age/age-cli.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/secret.h"

static const char usage[] =
	"Usage of ssh-to-age:\n"
	"  -i string\n"
	"    \tInput path. Reads by default from standard input (default \"-\")\n"
	"  -o string\n"
	"    \tOutput path. Prints by default to standard output (default \"-\")\n"
	"  -private-key\n"
	"    \tconvert private key instead of public key\n";

/* Go's flag package: -f, --f, -f=v, -f v. */
static int parse(int argc, char **argv, const char **in, const char **out, bool *priv)
{
	for (int k = 1; k < argc; k++) {
		const char *a = argv[k];
		if (a[0] != '-' || !a[1] || !strcmp(a, "--"))
			break;
		a += 1 + (a[1] == '-');
		const char *eq = strchr(a, '=');
		size_t n = eq ? (size_t)(eq - a) : strlen(a);
		const struct cli_flag *f = cli_flag_find_go(cli_command_find("ssh-to-age"), a, n);
		int id = f ? f->id : 0;
		const char **dst = id == 'i' ? in : id == 'o' ? out : NULL;
		if (dst) {
			if (!eq && k + 1 >= argc) {
				fprintf(stderr, "flag needs an argument: %s\n%s", argv[k], usage);
				return 2;
			}
			*dst = eq ? eq + 1 : argv[++k];
		} else if (id == OPT_PRIVATE_KEY) {
			*priv = !eq || !strcmp(eq + 1, "true") || !strcmp(eq + 1, "1");
		} else if (id == OPT_VERSION && !eq) {
			printf("%s\n", CLI_AGE_VERSION);
			return -1;
		} else if (id == 'h' && strcmp(cli_progname, "ssh-to-age")) {
			cli_help(stdout, "ssh-to-age"); /* agesops ssh-to-age: the table's page */
			return -1;
		} else {
			if (strcmp(a, "h") && strcmp(a, "help"))
				fprintf(stderr, "flag provided but not defined: %s\n", argv[k]);
			fputs(usage, stderr);
			return strcmp(a, "h") && strcmp(a, "help") ? 2 : -1;
		}
	}
	return 0;
}

/* Each ssh-ed25519 line to its recipient; other types are skipped. */
static int convert_public(const struct ags_buf *in, struct ags_buf *out)
{
	const char *p = (const char *)in->data, *end = p + in->len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *r = NULL;
		struct ags_diag d = { 0 };
		int rc = n ? ags_age_ssh_to_age_recipient(p, n, &r, &d) : 0;
		if (rc == AGS_E_AGE_UNSUPPORTED_RECIPIENT) {
			fprintf(stderr, "skipped key: %s\n", d.msg);
		} else if (rc < 0) {
			cli_error("failed to convert line %.*s...: %s", (int)(n < 20 ? n : 20), p, d.msg[0] ? d.msg : ags_strerror(rc));
			return 1;
		} else if (r) {
			rc = ags_buf_printf(out, "%s\n", r);
			free(r);
			if (rc < 0)
				return 1;
		}
		p += n + (nl != NULL);
	}
	return 0;
}

static int convert_private(const struct ags_buf *in, struct ags_buf *out)
{
	const char *pass = getenv("SSH_TO_AGE_PASSPHRASE");
	char *id = NULL;
	struct ags_diag d = { 0 };
	int rc = ags_age_ssh_to_age_identity((const char *)in->data, in->len, pass && *pass ? pass : NULL,
					     pass ? strlen(pass) : 0, &id, &d);
	if (rc < 0) {
		cli_error("failed to convert the private key: %s", d.msg[0] ? d.msg : ags_strerror(rc));
		return 1;
	}
	rc = ags_buf_printf(out, "%s\n", id);
	ags_free_secret_str(id);
	return rc < 0 ? 1 : 0;
}

int cmd_ssh_to_age(int argc, char **argv)
{
	const char *in = "-", *out = "-";
	bool priv = false;
	int rc = parse(argc, argv, &in, &out, &priv);
	if (rc)
		return rc < 0 ? 0 : rc;
	struct ags_buf data, res;
	if ((rc = age_cli_read_file(in, (size_t)1 << 20, &data)) < 0) {
		cli_error("error reading %s: %s", strcmp(in, "-") ? in : "stdin", ags_strerror(rc));
		return 1;
	}
	ags_buf_init_secret(&res, (size_t)1 << 20);
	rc = priv ? convert_private(&data, &res) : convert_public(&data, &res);
	ags_buf_release(&data);
	if (rc == 0 && !strcmp(out, "-")) {
		rc = ags_write_all(1, res.data, res.len) < 0;
	} else if (rc == 0) {
		struct age_out o;
		int r = age_out_open(&o, out, priv ? 0600 : 0666);
		if (r == 0) {
			r = ags_write_all(o.fd, res.data, res.len);
			if (r == 0)
				r = age_out_commit(&o);
			else
				age_out_abort(&o);
		}
		if (r < 0) {
			cli_error("failed to create %s: %s", out, ags_strerror(r));
			rc = 1;
		}
	}
	ags_buf_release(&res);
	return rc;
}
