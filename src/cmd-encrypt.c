/* agesops encrypt: sops encrypt with age recipients. */
#include "cli.h"
#include "cli-opts.h"
#include "sops/opts.h"
#include "sops/many.h"
#include "sops/keysource.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/secret.h"
#include "crypto/ossl.h"
#include <stdlib.h>
#include <string.h>

int cmd_encrypt(int argc, char **argv)
{
	struct sops_opts o;
	struct sm_many_flags many;
	int ec = sm_parse_many(argc, argv, "encrypt", &o, &many);
	const char *ks_env = sops_keysource_env_set();
	if (!ec && ks_env)
		ec = sops_keysource_env_refuse(ks_env);
	if (ec) {
		sops_opts_free(&o);
		return ec < 0 ? 0 : ec;
	}
	sops_keysource_env_warn();
	if (many.dir || (o.nfiles > 1 && o.in_place)) {
		/* many files in place (or -r DIR) in parallel: src/sops/many.c */
		if (!o.in_place || o.output || many.check) {
			cli_error("encrypting several files (or -r DIR) needs -i and no --output");
			ec = EXIT_CONFLICTING_PARAMETERS;
		} else {
			const char *env = getenv("SOPS_AGE_RECIPIENTS"), *penv = getenv("SOPS_PGP_FP");
			const char *one[1] = { env }, *pone[1] = { penv };
			ec = sm_encrypt_many(o.files, o.nfiles, &many, o.nage ? o.age : one,
					     o.nage ? o.nage : (env && *env ? 1 : 0), o.npgp ? o.pgp : pone,
					     o.npgp ? o.npgp : (penv && *penv ? 1 : 0), &o.rules, o.input_type, o.config,
					     o.indent);
		}
		sops_opts_free(&o);
		return ec;
	}
	ec = sm_one_file(&o, "encrypt");
	if (!ec && o.nfiles == 0 && !(o.filename_override && *o.filename_override)) {
		/* as sops: the name decides the format and the .sops.yaml rule */
		cli_error("must specify --filename-override when reading from stdin");
		ec = EXIT_CONFLICTING_PARAMETERS;
	}
	if (ec) {
		sops_opts_free(&o);
		return ec;
	}
	const char *name = sops_opts_name(&o);
	/* each key flag falls back to its own variable, as sops' flags do */
	const char *env = getenv("SOPS_AGE_RECIPIENTS"), *penv = getenv("SOPS_PGP_FP");
	if (!o.nage && env && *env) {
		o.age = malloc(sizeof(*o.age));
		if (o.age) {
			o.age[0] = env;
			o.nage = 1;
		}
	}
	if (!o.npgp && penv && *penv) {
		o.pgp = malloc(sizeof(*o.pgp));
		if (o.pgp) {
			o.pgp[0] = penv;
			o.npgp = 1;
		}
	}
	ec = sops_config_apply(&o, name);
	if (ec) {
		sops_opts_free(&o);
		return ec;
	}
	struct ags_diag d = { 0 };
	int r = ags_sops_rules_check(&o.rules, &d);
	if (r < 0) {
		ec = cli_fail(r, &d, NULL);
		sops_opts_free(&o);
		return ec;
	}
	if (!o.nage && !o.npgp && !o.ngroups) {
		/* Go's words (keyGroups), then how to give one here */
		cli_error("config file not found, or has no creation rules, and no keys provided through command line "
			  "options (use --age, --pgp, SOPS_AGE_RECIPIENTS, SOPS_PGP_FP or a .sops.yaml creation rule)");
		sops_opts_free(&o);
		return EXIT_GENERIC;
	}
	struct ags_buf in, out;
	ags_buf_init_secret(&in, AGS_FILE_MAX);
	ags_buf_init(&out, AGS_ENC_FILE_MAX);
	ec = sops_read_input(&o, &in);
	if (!ec) {
		/* The document API rather than ags_sops_encrypt_buf, so that the
		 * plaintext input is wiped and released once parsed (a binary
		 * file's bytes become its value without a copy), and the output
		 * is written while it is emitted: peak memory is the plaintext
		 * and its ENC[] text, not also the input and the output. */
		struct ags_sops_load_opts lo = { .input_type = o.input_type, .filename = name };
		struct ags_sops_doc *doc = NULL;
		struct sops_output so;
		uint8_t key[AGS_SOPS_DATA_KEY_LEN];
		r = ags_sops_doc_load_plain_buf(&in, &lo, &doc, &d);
		/* as sops: a plaintext that does not parse is "could not read input" (2) */
		bool load_err = r < 0 && r != AGS_E_SOPS_ALREADY_ENCRYPTED && r != AGS_E_SOPS_NO_DOCUMENT &&
				r != AGS_E_NOMEM;
		if (r == 0)
			r = ags_sops_doc_set_rules(doc, &o.rules, &d);
		if (r == 0)
			r = ags_random(key, sizeof(key));
		if (r == 0) {
			struct ags_sops_group_spec one = { .age = o.age, .nage = o.nage, .pgp = o.pgp, .npgp = o.npgp };
			if (o.ngroups)
				r = ags_sops_doc_set_keys(doc, o.groups, o.ngroups, o.shamir_threshold, key, &d);
			else
				r = ags_sops_doc_set_keys(doc, &one, 1, 0, key, &d);
		}
		if (r == 0) {
			struct ags_sops_metadata *m = ags_sops_doc_metadata(doc);
			free(m->version);
			m->version = strdup(AGS_SOPS_VERSION);
			if (!m->version)
				r = AGS_E_NOMEM;
		}
		if (r == 0)
			r = ags_sops_doc_encrypt(doc, key, NULL, &d);
		ags_wipe(key, sizeof(key));
		sops_output_begin(&so, &o, false, &out);
		if (r == 0)
			r = ags_sops_doc_emit(doc, o.output_type, o.indent, &out, &d);
		ags_sops_doc_free(doc);
		if (r < 0 && (ec = sops_output_abort(&so)) != 0) {
			/* the output's own failure, printed */
		} else if (r < 0) {
			ec = cli_fail(r, &d, NULL);
			if (load_err)
				ec = EXIT_READ_INPUT;
		} else {
			ec = sops_output_finish(&so, &out);
		}
	}
	ags_buf_release(&in);
	ags_buf_release(&out);
	sops_opts_free(&o);
	return ec;
}
