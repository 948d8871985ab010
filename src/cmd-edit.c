/*
 * agesops edit FILE: decrypts FILE into a private temporary file, runs
 * $SOPS_EDITOR / $EDITOR (split like a shell would, no shell run; default
 * vi) on it, and re-encrypts what was saved.
 *
 * - The plaintext lives in a fresh 0700 directory as a 0600 file named like
 *   FILE (editors pick the syntax from the name); both are removed on every
 *   exit path, including SIGINT/SIGTERM/SIGHUP while we run.
 * - Unchanged content: exit 200, FILE untouched.
 * - Values that did not change keep their exact ciphertext (the core's IV
 *   stash), so a diff shows only what was edited plus the MAC and
 *   lastmodified lines.
 * - Content that no longer parses: on a terminal, offer to re-open the
 *   editor (as sops does); otherwise fail without writing.
 * - FILE missing: start from a small template, encrypted for --age or the
 *   .sops.yaml creation rule that matches FILE.
 */
#include "cli.h"
#include "cli-opts.h"
#include "sops/fileio.h"
#include "sops/keygroups.h"
#include "sops/opts.h"
#include "sops/keysource.h"
#include "sops/shell.h"
#include "sops/tmpfile.h"
#include "crypto/ossl.h"
#include "sops/tree.h"
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/file.h"
#include "util/outfile.h"
#include "util/secret.h"

/* The plaintext file (sm_tmp_make) the editor works on. */
static const char *tmp_file;

static int write_tmp(const struct ags_buf *pt, struct ags_diag *d)
{
	int fd = open(tmp_file, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return ags_diag_set(d, -errno, "%s: %s", tmp_file, strerror(errno));
	int r = ags_write_all(fd, pt->data ? pt->data : (unsigned char *)"", pt->len);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0)
		return ags_diag_set(d, r, "%s: %s", tmp_file, ags_strerror(r));
	return 0;
}

static int make_tmp(const char *name, struct ags_diag *d)
{
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	if (!*base || !strcmp(base, ".") || !strcmp(base, ".."))
		base = "tmp-file";
	int r = sm_tmp_make("agesops-edit-", base, true, &tmp_file, d);
	if (r < 0)
		return r;
	int fd = open(tmp_file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		int e = errno;
		sm_tmp_remove();
		return ags_diag_set(d, -e, "%s: %s", tmp_file, strerror(e));
	}
	close(fd);
	return 0;
}

/* The document a new file starts from, per store (the first is the default). */
static const struct {
	const char *store, *text;
} templates[] = {
	{ "yaml", "# Edit this file; it is encrypted when you save and quit.\n"
		  "greeting: Welcome to agesops\n"
		  "example_key: example_value\n"
		  "example_list:\n    - one\n    - two\n"
		  "example_number: 42\n" },
	{ "json", "{\n\t\"greeting\": \"Edit this file; it is encrypted when you save and quit.\",\n"
		  "\t\"example_key\": \"example_value\",\n\t\"example_list\": [\n\t\t\"one\",\n\t\t\"two\"\n\t],\n"
		  "\t\"example_number\": 42\n}\n" },
	{ "dotenv", "# Edit this file; it is encrypted when you save and quit.\nEXAMPLE_KEY=example_value\n" },
	{ "ini", "; Edit this file; it is encrypted when you save and quit.\n[example]\nkey = value\n" },
	{ "binary", "Edit this file; it is encrypted when you save and quit.\n" },
};

static const char *template_for(const char *store)
{
	for (size_t i = 1; i < sizeof(templates) / sizeof(*templates); i++)
		if (!strcmp(store, templates[i].store))
			return templates[i].text;
	return templates[0].text;
}

/* The new-file path: a plaintext document from the template with keys and rules. */
static int new_doc(const char *path, const struct sm_opts *o, const char *const *age, size_t nage,
		   const char *const *pgp, size_t npgp, const struct ags_sops_rules *flag_rules, unsigned flag_threshold, struct sm_file *f,
		   struct ags_diag *d)
{
	memset(f, 0, sizeof(*f));
	const char *store = sm_store_name(o->input_type, path);
	const char *tpl = template_for(store);
	struct ags_sops_load_opts lo = { .input_type = o->input_type, .filename = path };
	int r = ags_sops_doc_load_plain(tpl, strlen(tpl), &lo, &f->doc, d);
	struct ags_sops_config *cfg = NULL;
	const struct ags_sops_creation_rule *rule = NULL;
	struct sm_groups g = { 0 };
	if (r == 0)
		r = sm_config(o, false, &cfg, d);
	if (r == 0 && cfg) {
		char abs[PATH_MAX];
		/* the file does not exist yet: match on the path as given */
		r = ags_sops_config_match(cfg, path[0] == '/' ? path : (snprintf(abs, sizeof(abs), "%s", path), abs),
					  &rule, d);
		if (r < 0 && (nage || npgp))
			r = 0; /* keys from flags do not need a rule */
	}
	if (r == 0) {
		if (nage || npgp)
			r = sm_groups_from_flags(age, nage, pgp, npgp, &g, d);
		else if (rule && rule->ngroups)
			r = sm_groups_from_rule(rule, &g, d);
		else
			r = ags_diag_set(d, AGS_E_SOPS_NO_RECIPIENTS,
					 "%s: no recipients: give --age, --pgp or a .sops.yaml creation rule", path);
	}
	if (r == 0 && flag_threshold)
		g.threshold = flag_threshold;
	struct ags_sops_rules rules = *flag_rules;
	if (r == 0 && rule && !rules.unencrypted_suffix && !rules.encrypted_suffix && !rules.unencrypted_regex &&
	    !rules.encrypted_regex && !rules.unencrypted_comment_regex && !rules.encrypted_comment_regex) {
		rules.unencrypted_suffix = rule->unencrypted_suffix;
		rules.encrypted_suffix = rule->encrypted_suffix;
		rules.unencrypted_regex = rule->unencrypted_regex;
		rules.encrypted_regex = rule->encrypted_regex;
		rules.unencrypted_comment_regex = rule->unencrypted_comment_regex;
		rules.encrypted_comment_regex = rule->encrypted_comment_regex;
	}
	if (r == 0 && rule && rule->mac_only_encrypted)
		rules.mac_only_encrypted = true;
	if (r == 0)
		r = ags_sops_doc_set_rules(f->doc, &rules, d);
	if (r == 0)
		r = ags_random(f->key, sizeof(f->key));
	if (r == 0)
		r = ags_sops_doc_set_keys(f->doc, g.g, g.n, g.threshold, f->key, d);
	if (r == 0)
		f->have_key = true;
	sm_groups_clear(&g);
	ags_sops_config_free(cfg);
	if (r < 0)
		sm_close(f);
	return r;
}

int cmd_edit(int argc, char **argv)
{
	struct sm_opts o;
	const char *age[64], *pgp[64];
	size_t nage = 0, npgp = 0;
	struct ags_sops_rules rules = { 0 };
	unsigned threshold = 0;
	struct sm_getopt so;
	sm_getopt_init(&so, "edit", NULL, &o);
	int c;
	while ((c = sm_getopt(&so, argc, argv)) > 0) {
		switch (c) {
		case 'a':
		case OPT_PGP:
			if ((c == 'a' ? nage : npgp) >= sizeof(age) / sizeof(age[0])) {
				cli_error("too many --age/--pgp options");
				return EXIT_GENERIC;
			}
			if (c == 'a')
				age[nage++] = optarg;
			else
				pgp[npgp++] = optarg;
			break;
		case OPT_SHAMIR: threshold = (unsigned)atoi(optarg); break;
		case OPT_UNENC_SUFFIX: rules.unencrypted_suffix = optarg; break;
		case OPT_ENC_SUFFIX: rules.encrypted_suffix = optarg; break;
		case OPT_UNENC_REGEX: rules.unencrypted_regex = optarg; break;
		case OPT_ENC_REGEX: rules.encrypted_regex = optarg; break;
		case OPT_UNENC_COMMENT_REGEX: rules.unencrypted_comment_regex = optarg; break;
		case OPT_ENC_COMMENT_REGEX: rules.encrypted_comment_regex = optarg; break;
		case OPT_MAC_ONLY: rules.mac_only_encrypted = true; break;
		case 's':
			cli_error("--show-master-keys is not supported: the key entries are not editable here "
				  "(use updatekeys, rotate or groups)");
			return EXIT_GENERIC;
		}
	}
	if (sm_getopt_end(&so, c, argc, 1, 1, "no file specified", EXIT_NO_FILE))
		return so.rc;
	if (!nage && !npgp) {
		/* as encrypt: the variables stand in for the flags */
		const char *env = getenv("SOPS_AGE_RECIPIENTS");
		if (env && *env)
			age[nage++] = env;
		env = getenv("SOPS_PGP_FP");
		if (env && *env)
			pgp[npgp++] = env;
	}
	const char *path = argv[optind];
	struct ags_diag d = { 0 };
	struct sm_file f;
	struct stat st;
	bool exists = stat(path, &st) == 0;
	/* a new file takes its keys as encrypt does: Go would use these */
	const char *ks_env = exists ? NULL : sops_keysource_env_set();
	if (ks_env)
		return sops_keysource_env_refuse(ks_env);
	int r = exists ? sm_open(path, &o, SM_DECRYPT, &f, &d) : new_doc(path, &o, age, nage, pgp, npgp, &rules, threshold, &f, &d);
	if (r < 0) {
		sm_identities_free();
		return cli_fail(r, &d, NULL);
	}
	int indent = sm_file_indent(&o, o.input_type, path);

	struct ags_buf orig, edited;
	ags_buf_init_secret(&orig, AGS_FILE_MAX);
	ags_buf_init_secret(&edited, AGS_FILE_MAX);
	r = ags_sops_doc_emit(f.doc, NULL, indent, &orig, &d);
	if (r == 0)
		r = make_tmp(path, &d);
	if (r == 0)
		r = write_tmp(&orig, &d);
	struct ags_sops_doc *nd = NULL;
	while (r == 0) {
		r = sm_run_editor(tmp_file, &d);
		if (r < 0)
			break;
		ags_buf_reset(&edited);
		r = sm_read(tmp_file, &edited, &d);
		if (r < 0)
			break;
		if (edited.len == orig.len && (orig.len == 0 || !memcmp(edited.data, orig.data, orig.len))) {
			r = ags_diag_set(&d, AGS_E_SOPS_NOT_MODIFIED, "%s: file has not changed, exiting", path);
			break;
		}
		struct ags_sops_load_opts lo = { .input_type = o.input_type, .filename = path };
		r = ags_sops_doc_load_plain(edited.data ? (const char *)edited.data : "", edited.len, &lo, &nd, &d);
		if (r == 0)
			break;
		cli_error("could not load the edited file, probably because of invalid syntax: %s", d.msg);
		if (!isatty(STDIN_FILENO))
			break; /* nobody to ask: fail without writing */
		fprintf(stderr, "Press Enter to return to the editor, or Ctrl+C to exit.");
		fflush(stderr);
		int ch;
		while ((ch = getchar()) != EOF && ch != '\n')
			;
		if (ch == EOF)
			break;
		r = 0;
	}
	if (r == 0) {
		/* keep the metadata (keys, rules, stash); take the edited documents */
		struct ags_tree *t = ags_sops_doc_tree(f.doc), *nt = ags_sops_doc_tree(nd);
		struct ags_tree tmp = *t;
		t->docs = nt->docs;
		t->ndocs = nt->ndocs;
		nt->docs = tmp.docs;
		nt->ndocs = tmp.ndocs;
		struct ags_sops_metadata *m = ags_sops_doc_metadata(f.doc);
		if (m && sm_version_newer(AGS_SOPS_VERSION, m->version)) {
			char *v = strdup(AGS_SOPS_VERSION);
			if (v) {
				free(m->version);
				m->version = v;
			}
		}
		r = ags_sops_doc_encrypt(f.doc, f.key, NULL, &d);
	}
	ags_sops_doc_free(nd);
	sm_tmp_remove();
	ags_buf_release(&orig);
	ags_buf_release(&edited);
	if (r == 0) {
		struct ags_buf out;
		ags_buf_init(&out, AGS_ENC_FILE_MAX);
		r = ags_sops_doc_emit(f.doc, NULL, indent, &out, &d);
		if (r == 0) {
			r = ags_file_write_atomic(path, out.data ? out.data : (unsigned char *)"", out.len,
						  exists ? -1 : 0600, !exists);
			if (r < 0)
				ags_diag_set(&d, r, "%s: could not write: %s", path, ags_strerror(r));
		}
		ags_buf_release(&out);
	}
	sm_close(&f);
	sm_identities_free();
	if (r == AGS_E_SOPS_NOT_MODIFIED) {
		fprintf(stderr, "%s: file has not changed, exiting\n", cli_progname);
		return EXIT_NOT_MODIFIED;
	}
	if (r == AGS_E_CHILD) {
		cli_fail(r, &d, NULL);
		return EXIT_NO_EDITOR;
	}
	if (r == AGS_E_SOPS_FORMAT || r == AGS_E_SYNTAX || r == AGS_E_SOPS_NO_DOCUMENT) {
		/* the edited text did not parse (already reported); nothing was written */
		return EXIT_READ_INPUT;
	}
	return r < 0 ? cli_fail(r, &d, NULL) : 0;
}
