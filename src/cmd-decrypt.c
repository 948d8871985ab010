/* agesops decrypt: sops decrypt (also --extract, --textconv for git). */
#include "cli.h"
#include "sops/opts.h"
#include "sops/more.h"
#include "util/buf.h"
#include "util/file.h"
#include <stdlib.h>
#include <string.h>

static void usage(void)
{
	fprintf(stderr,
		"usage: %s decrypt [-i | --output F] [--extract '[\"a\"][\"b\"]'] [--ignore-mac] [--input-type T]\n"
		"               [--output-type T] [--indent N] [--filename-override NAME] [--textconv] [FILE | -]\n"
		"       %s decrypt --check [-j N] (FILE... | -r DIR)   verify every value and the MAC, print nothing\n"
		"identities: SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, SOPS_AGE_KEY_CMD, ~/.config/sops/age/keys.txt (all of them)\n",
		cli_progname, cli_progname);
}

int cmd_decrypt(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage();
		return 0;
	}
	struct sops_opts o;
	struct sm_many_flags many = { 0 };
	int ec = sops_opts_parse(argc, argv, &o, sm_many_flag, &many);
	if (ec) {
		sops_opts_free(&o);
		return ec;
	}
	if (many.check || many.dir) {
		/* verify many files (or -r DIR) in parallel: sops-more, src/sops/more.c */
		if (!many.check) {
			cli_error("-r DIR is only supported with --check for decrypt");
			ec = EXIT_GENERIC;
		} else {
			ec = sm_decrypt_check(o.files, o.nfiles, &many, o.input_type, o.config, o.ignore_mac);
		}
		sops_opts_free(&o);
		return ec;
	}
	if (o.nfiles > 1) {
		cli_error("decrypt takes one file (got %zu)", o.nfiles);
		sops_opts_free(&o);
		return EXIT_GENERIC;
	}
	if (o.in_place && (o.output || o.extract)) {
		cli_error("--in-place cannot be used with --output or --extract");
		sops_opts_free(&o);
		return EXIT_CONFLICTING_PARAMETERS;
	}
	const char *name = sops_opts_name(&o);
	struct ags_buf in, out;
	ags_buf_init(&in, AGS_FILE_MAX);
	ags_buf_init_secret(&out, (size_t)AGS_FILE_MAX * 2);
	ec = sops_read_input(&o, &in);
	if (!ec && o.textconv && !ags_sops_is_encrypted(in.data, in.len, o.input_type, name)) {
		/* git textconv: files that are not sops-encrypted show as they are */
		ec = sops_write_output(&o, in.data, in.len, false);
		goto done;
	}
	if (!ec) {
		struct ags_sops_decrypt_opts dopts = {
			.input_type = o.input_type, .output_type = o.output_type, .filename = name,
			.indent = o.indent, .ignore_mac = o.ignore_mac, .extract = o.extract,
		};
		struct ags_diag d = { 0 };
		int r = ags_sops_decrypt_buf(in.data, in.len, &dopts, &out, &d);
		if (r < 0 && o.textconv) {
			/* no key here: git diff still shows the encrypted text */
			cli_warn("%s", d.msg[0] ? d.msg : ags_strerror(r));
			ec = sops_write_output(&o, in.data, in.len, false);
		} else if (r < 0) {
			cli_error("%s", d.msg[0] ? d.msg : ags_strerror(r));
			ec = sops_exit_code(r);
		} else {
			ec = sops_write_output(&o, out.data, out.len, true);
		}
	}
done:
	ags_buf_release(&in);
	ags_buf_release(&out);
	sops_opts_free(&o);
	return ec;
}
