/*
 * agesops set FILE INDEX VALUE: sets the value at a sops tree path
 * ('["a"]["b"][0]') and writes the file back in place (atomically).  VALUE is
 * JSON, as sops: '"text"', 1, true, {"k": [1, 2]}; --value-file reads it from
 * a file and --value-stdin from stdin (keeps secrets out of process lists).
 * --idempotent leaves the file untouched when the value is already there.
 * Unchanged values keep their exact ciphertext (IV stash), so the diff shows
 * only the changed value, the MAC and lastmodified.
 */
#include "cli.h"
#include "cli-opts.h"
#include "sops/fileio.h"
#include "sops/opts.h"
#include "sops/path.h"
#include "sops/tree.h"
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/file.h"

static void usage(FILE *f)
{
	(f == stdout ? cli_help : cli_usage)(f, "set");
}

/* JSON text -> tree value, through the JSON store (wrapped in an object,
 * since the store only takes objects). */
static int json_value(const char *text, size_t len, struct ags_value *out, struct ags_diag *d)
{
	struct ags_buf w;
	ags_buf_init_secret(&w, AGS_FILE_MAX);
	int r = ags_buf_puts(&w, "{\"v\": ");
	if (r == 0)
		r = ags_buf_append(&w, text, len);
	if (r == 0)
		r = ags_buf_puts(&w, "\n}");
	struct ags_sops_doc *doc = NULL;
	struct ags_sops_load_opts lo = { .input_type = "json" };
	if (r == 0)
		r = ags_sops_doc_load_plain((const char *)w.data, w.len, &lo, &doc, NULL);
	ags_buf_release(&w);
	struct ags_tree *t = r == 0 ? ags_sops_doc_tree(doc) : NULL;
	if (r == 0 && (t->ndocs != 1 || t->docs[0]->n != 1 || t->docs[0]->items[0].key.kind != AGS_VAL_STR))
		r = AGS_E_SOPS_FORMAT;
	if (r < 0) {
		ags_sops_doc_free(doc);
		return ags_diag_set(d, AGS_E_SOPS_FORMAT, "value is not valid JSON");
	}
	*out = t->docs[0]->items[0].value;
	memset(&t->docs[0]->items[0].value, 0, sizeof(*out));
	/* sops decodes a lone JSON number with encoding/json: always float64 */
	if (out->kind == AGS_VAL_INT) {
		double f = (double)out->i;
		out->kind = AGS_VAL_FLOAT;
		out->f = f;
	}
	ags_sops_doc_free(doc);
	return 0;
}

struct set_edit {
	const struct ags_sops_path *p;
	struct ags_value *v;
	bool idempotent;
};

/* --idempotent: a value already there leaves the file untouched */
static int set_value(struct ags_branch *doc, void *ctx, bool *write, struct ags_diag *d)
{
	struct set_edit *e = ctx;
	bool changed = false;
	int r = ags_sops_path_set(doc, e->p, e->v, &changed, d);
	*write = r == 0 && (changed || !e->idempotent);
	return r;
}

int cmd_set(int argc, char **argv)
{
	struct sm_opts o;
	bool value_file = false, value_stdin = false, idempotent = false;
	struct sm_getopt so;
	sm_getopt_init(&so, "set", NULL, &o);
	int c;
	while ((c = sm_getopt(&so, argc, argv)) > 0) {
		switch (c) {
		case OPT_VALUE_FILE: value_file = true; break;
		case OPT_VALUE_STDIN: value_stdin = true; break;
		case OPT_IDEMPOTENT: idempotent = true; break;
		case OPT_SHAMIR: break; /* accepted for sops compatibility; set keeps the key groups */
		}
	}
	if (c == SM_GETOPT_EXIT)
		return so.rc;
	if (value_file && value_stdin) {
		cli_error("cannot use both --value-file and --value-stdin");
		return EXIT_GENERIC;
	}
	int nargs = argc - optind;
	if (nargs != (value_stdin ? 2 : 3)) {
		cli_error(value_stdin ? "need precisely 2 arguments (FILE INDEX) with --value-stdin"
				      : "need precisely 3 arguments: FILE INDEX VALUE");
		usage(stderr);
		return EXIT_NO_FILE;
	}
	const char *path = argv[optind], *index = argv[optind + 1];
	struct ags_diag d = { 0 };
	struct ags_sops_path p = { 0 };
	int r = ags_sops_path_parse(index, &p, &d);
	if (r < 0) {
		cli_error("invalid set index format: %s", d.msg);
		return EXIT_INVALID_SET_FORMAT;
	}
	if (p.n == 0) {
		ags_sops_path_clear(&p);
		cli_error("invalid set index format: the path is empty");
		return EXIT_INVALID_SET_FORMAT;
	}

	struct ags_buf vb;
	ags_buf_init_secret(&vb, AGS_FILE_MAX);
	if (value_stdin)
		r = sm_read("-", &vb, &d);
	else if (value_file)
		r = sm_read(argv[optind + 2], &vb, &d);
	else
		r = ags_buf_puts(&vb, argv[optind + 2]);
	struct ags_value v = { 0 };
	if (r == 0) {
		r = json_value(vb.data ? (const char *)vb.data : "", vb.len, &v, &d);
		if (r < 0) {
			ags_buf_release(&vb);
			ags_sops_path_clear(&p);
			cli_error("value for set is not valid JSON");
			return EXIT_INVALID_SET_FORMAT;
		}
	}
	ags_buf_release(&vb);
	if (r < 0) {
		ags_sops_path_clear(&p);
		return cli_fail(r, &d, NULL);
	}

	struct set_edit e = { &p, &v, idempotent };
	r = sm_edit_in_place(path, &o, set_value, &e, &d);
	ags_value_clear(&v);
	ags_sops_path_clear(&p);
	sm_identities_free();
	return r < 0 ? cli_fail(r, &d, NULL) : 0;
}
