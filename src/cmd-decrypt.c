/* agesops decrypt: sops decrypt (also --extract, --textconv for git). */
#include "cli.h"
#include "cli-opts.h"
#include "sops/opts.h"
#include "sops/many.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/secret.h"
#include <stdlib.h>
#include <string.h>

int cmd_decrypt(int argc, char **argv)
{
	struct sops_opts o;
	struct sm_many_flags many;
	int ec = sm_parse_many(argc, argv, "decrypt", &o, &many);
	if (ec) {
		sops_opts_free(&o);
		return ec < 0 ? 0 : ec;
	}
	if (many.check || many.dir) {
		/* verify many files (or -r DIR) in parallel: src/sops/many.c */
		if (!many.check) {
			cli_error("-r DIR is only supported with --check for decrypt");
			ec = EXIT_GENERIC;
		} else {
			ec = sm_decrypt_check(o.files, o.nfiles, &many, o.input_type, o.config, o.ignore_mac);
		}
		sops_opts_free(&o);
		return ec;
	}
	ec = sm_one_file(&o, "decrypt");
	if (ec) {
		sops_opts_free(&o);
		return ec;
	}
	const char *name = sops_opts_name(&o);
	struct ags_buf in, out;
	ags_buf_init(&in, AGS_ENC_FILE_MAX);
	ags_buf_init_secret(&out, (size_t)AGS_FILE_MAX * 2);
	ec = sops_read_input(&o, &in);
	if (!ec && o.textconv && !ags_sops_is_encrypted(in.data, in.len, o.input_type, name)) {
		/* git textconv: files that are not sops-encrypted show as they are */
		ec = sops_write_output(&o, in.data, in.len, false);
		goto done;
	}
	if (!ec) {
		/* The document API rather than ags_sops_decrypt_buf, so that the
		 * input is released once parsed (peak memory on big files). */
		struct ags_diag d = { 0 };
		struct ags_sops_load_opts lo = { .input_type = o.input_type, .filename = name };
		struct ags_sops_doc *doc = NULL;
		struct sops_output so;
		uint8_t key[AGS_SOPS_DATA_KEY_LEN];
		int r = ags_sops_doc_load(in.data, in.len, &lo, &doc, &d);
		if (r == 0 && !o.textconv)
			ags_buf_release(&in);
		if (r == 0)
			r = ags_sops_doc_get_data_key(doc, NULL, key, &d);
		if (r == 0) {
			ags_sops_doc_set_iv_stash(doc, false);
			r = ags_sops_doc_decrypt(doc, key, o.ignore_mac, &d);
		}
		ags_wipe(key, sizeof(key));
		/* written while emitted (see sops_output_begin): the plaintext is
		 * not held a second time as the output */
		sops_output_begin(&so, &o, true, &out);
		if (r == 0 && o.extract)
			r = ags_sops_doc_emit_extract(doc, o.extract, o.output_type, o.indent, &out, &d);
		else if (r == 0)
			r = ags_sops_doc_emit(doc, o.output_type, o.indent, &out, &d);
		ags_sops_doc_free(doc);
		if (r < 0 && (ec = sops_output_abort(&so)) != 0) {
			/* the output's own failure, printed */
		} else if (r < 0 && o.textconv) {
			/* no key here: git diff still shows the encrypted text */
			cli_warn("%s", d.msg[0] ? d.msg : ags_strerror(r));
			ec = sops_write_output(&o, in.data, in.len, false);
		} else if (r < 0) {
			cli_error("%s", d.msg[0] ? d.msg : ags_strerror(r));
			ec = sops_exit_code(r);
		} else {
			ec = sops_output_finish(&so, &out);
		}
	}
done:
	ags_buf_release(&in);
	ags_buf_release(&out);
	sops_opts_free(&o);
	return ec;
}
