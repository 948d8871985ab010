/*
 * agesops keygen / age-keygen: generate a key pair, or (-y) turn an
 * identity file into recipients.  Behaves as age-keygen 1.1.1.
 */
#include "cli.h"
#include "cli-opts.h"
#include "age/age-cli.h"
#include <agesops/age.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/file.h"
#include "util/outfile.h"
#include "util/secret.h"

static const char usage[] =
	"Usage:\n"
	"    age-keygen [-o OUTPUT] [--pq]\n"
	"    age-keygen -y [-o OUTPUT] [INPUT]\n"
	"\n"
	"Options:\n"
	"    -o, --output OUTPUT       Write the result to the file at path OUTPUT.\n"
	"    -y                        Convert an identity file to a recipients file.\n"
	"    --pq                      Generate a post-quantum hybrid (mlkem768x25519) key.\n"
	"\n"
	"age-keygen generates a new native X25519 key pair, and outputs it to\n"
	"standard output or to the OUTPUT file.\n"
	"\n"
	"If an OUTPUT file is specified, the public key is printed to standard error.\n"
	"If OUTPUT already exists, it is not overwritten.\n"
	"\n"
	"In -y mode, age-keygen reads an identity file from INPUT or from standard\n"
	"input and writes the corresponding recipient(s) to OUTPUT or to standard\n"
	"output, one per line, with no comments.\n";

static int write_str(int fd, const char *s)
{
	return ags_write_all(fd, s, strlen(s));
}

static int generate(int fd, bool pq)
{
	struct ags_buf b;
	ags_buf_init_secret(&b, 1 << 16);
	char *pk = NULL;
	int r = ags_age_keygen_file(pq, &b, &pk);
	if (r == AGS_E_AGE_UNSUPPORTED_RECIPIENT) {
		cli_error("post-quantum keys are not supported by this build");
	} else if (r < 0) {
		cli_error("internal error: %s", ags_strerror(r));
	} else {
		if (!isatty(fd))
			fprintf(stderr, "Public key: %s\n", pk);
		if ((r = ags_write_all(fd, b.data, b.len)) < 0)
			cli_error("failed to write the key: %s", ags_strerror(r));
	}
	ags_buf_release(&b);
	free(pk);
	return r < 0 ? 1 : 0;
}

static int convert(const char *in, int fd)
{
	struct ags_buf data;
	int r = age_cli_read_file(in ? in : "-", (size_t)16 << 20, &data);
	if (r < 0) {
		cli_error("failed to open input file \"%s\": %s", in ? in : "-", ags_strerror(r));
		return 1;
	}
	struct ags_age_identities ids = { 0 };
	struct ags_diag d = { 0 };
	r = ags_age_parse_identity_file((const char *)data.data, data.len, in ? in : "standard input",
					age_cli_read_passphrase, NULL, &ids, &d);
	ags_buf_release(&data);
	if (r < 0) {
		cli_error("failed to parse input: %s", d.msg[0] ? d.msg : ags_strerror(r));
		return 1;
	}
	for (size_t i = 0; i < ids.n && r == 0; i++) {
		struct ags_age_recipient *rc = NULL;
		char *s = NULL;
		r = ags_age_identity_to_recipient(ids.v[i], &rc);
		if (r == 0)
			r = ags_age_recipient_string(rc, &s);
		if (r == 0 && (r = write_str(fd, s)) == 0)
			r = write_str(fd, "\n");
		free(s);
		ags_age_recipient_free(rc);
	}
	ags_age_identities_clear(&ids);
	if (r < 0) {
		cli_error("%s", ags_strerror(r));
		return 1;
	}
	return 0;
}

int cmd_keygen(int argc, char **argv)
{
	const char *out = NULL;
	bool convert_flag = false, pq = false, version = false;
	struct cli_goflags g = { cli_command_find("keygen"), usage, false, 0, NULL };
	int id;
	while ((id = cli_goflag_next(&g, argc, argv)) > 0) {
		switch (id) {
		case 'o': out = g.val; break;
		case 'y': convert_flag = true; break;
		case OPT_PQ: pq = true; break;
		case OPT_VERSION: version = true; break;
		case 'h':
			/* as the drop-in "age-keygen", its own text; else the table's page */
			if (strcmp(cli_progname, "agesops"))
				fputs(usage, stderr);
			else
				cli_help(stdout, "keygen");
			return 0;
		}
	}
	if (id < 0)
		return 2;
	int i = g.k, nargs = argc - i;
	if ((nargs != 0 && !convert_flag) || nargs > 1) {
		cli_error("too many arguments");
		return 1;
	}
	if (version) {
		puts(CLI_AGE_VERSION);
		return 0;
	}
	if (pq && convert_flag) {
		cli_error("--pq can't be used with -y");
		return 1;
	}
	int fd = 1;
	struct ags_out o = { .fd = -1 };
	if (out && strcmp(out, "-") != 0) {
		/* Never overwrite: a key file is created fresh, private, and
		 * appears only complete (a kill leaves no empty key file). */
		int r = ags_out_open(&o, out, 0600, AGS_OUT_EXCL);
		if (r < 0) {
			cli_error("failed to open output file \"%s\": %s", out,
				  r == AGS_E_EXISTS ? strerror(EEXIST) : ags_strerror(r));
			return 1;
		}
		fd = o.fd;
	}
	int rc;
	if (convert_flag) {
		rc = convert(nargs ? argv[i] : NULL, fd);
	} else {
		struct stat st;
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0004))
			cli_warn("writing secret key to a world-readable file");
		rc = generate(fd, pq);
	}
	if (fd != 1) {
		int r = rc == 0 ? ags_out_commit(&o) : 0;
		if (rc != 0)
			ags_out_abort(&o);
		if (r < 0) {
			cli_error("failed to write output file \"%s\": %s", out,
				  r == AGS_E_EXISTS ? strerror(EEXIST) : ags_strerror(r));
			rc = 1;
		}
	}
	return rc;
}
