/*
 * agesops set FILE INDEX VALUE: sets the value at a sops tree path
 * ('["a"]["b"][0]') and writes the file back in place (atomically).  VALUE is
 * JSON, as sops: '"text"', 1, true, {"k": [1, 2]}; --value-file reads it from
 * a file and --value-stdin from stdin (keeps secrets out of process lists).
 * --idempotent leaves the file untouched when the value is already there.
 * Unchanged values keep their exact ciphertext (IV stash), so the diff shows
 * only the changed value, the MAC and lastmodified.
 *
 * agesops unset FILE INDEX: removes the key or list element at such a path,
 * the same way; --idempotent: a missing path is not an error.
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
	struct ags_value *v; /* NULL: unset */
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

/* --idempotent: a missing path leaves the file untouched */
static int unset_path(struct ags_branch *doc, void *ctx, bool *write, struct ags_diag *d)
{
	struct set_edit *e = ctx;
	int r = ags_sops_path_unset(doc, e->p, d);
	if (r == AGS_E_NOT_FOUND && e->idempotent)
		return 0;
	*write = r == 0;
	return r;
}

/* set's VALUE (the argument, --value-file's file or standard input) as a
 * tree value; 0 or the exit code after printing. */
static int read_value(const char *arg, bool value_file, bool value_stdin, struct ags_value *v)
{
	struct ags_diag d = { 0 };
	struct ags_buf vb;
	ags_buf_init_secret(&vb, AGS_FILE_MAX);
	int r;
	if (value_stdin)
		r = sm_read("-", &vb, &d);
	else if (value_file)
		r = sm_read(arg, &vb, &d);
	else
		r = ags_buf_puts(&vb, arg);
	if (r == 0 && json_value(vb.data ? (const char *)vb.data : "", vb.len, v, &d) < 0) {
		ags_buf_release(&vb);
		cli_error("value for set is not valid JSON");
		return EXIT_INVALID_SET_FORMAT;
	}
	ags_buf_release(&vb);
	return r < 0 ? cli_fail(r, &d, NULL) : 0;
}

/* set and unset: the flags (unset's table has no --value-*), the path, the
 * value, the edit in place. */
static int set_main(int argc, char **argv, bool unset)
{
	struct sm_opts o;
	bool value_file = false, value_stdin = false, idempotent = false;
	const char *name = unset ? "unset" : "set";
	struct sm_getopt so;
	sm_getopt_init(&so, name, NULL, &o);
	int c;
	while ((c = sm_getopt(&so, argc, argv)) > 0) {
		switch (c) {
		case OPT_VALUE_FILE: value_file = true; break;
		case OPT_VALUE_STDIN: value_stdin = true; break;
		case OPT_IDEMPOTENT: idempotent = true; break;
		case OPT_SHAMIR: break; /* accepted for sops compatibility; the key groups are kept */
		}
	}
	if (c != SM_GETOPT_EXIT && value_file && value_stdin) {
		cli_error("cannot use both --value-file and --value-stdin");
		return EXIT_GENERIC;
	}
	int nargs = unset || value_stdin ? 2 : 3;
	const char *msg = unset ? "no file specified, or index is missing"
		: value_stdin ? "need precisely 2 arguments (FILE INDEX) with --value-stdin"
		: "need precisely 3 arguments: FILE INDEX VALUE";
	if (sm_getopt_end(&so, c, argc, nargs, nargs, msg, EXIT_NO_FILE))
		return so.rc;
	struct ags_diag d = { 0 };
	struct ags_sops_path p = { 0 };
	int r = ags_sops_path_parse(argv[optind + 1], &p, &d);
	if (r < 0 || p.n == 0) {
		cli_error("invalid %s index format: %s", name, r < 0 ? d.msg : "the path is empty");
		ags_sops_path_clear(&p);
		return EXIT_INVALID_SET_FORMAT;
	}
	struct ags_value v = { 0 };
	struct set_edit e = { &p, unset ? NULL : &v, idempotent };
	int rc = unset ? 0 : read_value(argv[optind + 2], value_file, value_stdin, &v);
	if (rc == 0) {
		r = sm_edit_in_place(argv[optind], &o, unset ? unset_path : set_value, &e, &d);
		rc = r < 0 ? cli_fail(r, &d, NULL) : 0;
	}
	ags_value_clear(&v);
	ags_sops_path_clear(&p);
	sm_identities_free();
	return rc;
}

int cmd_set(int argc, char **argv)
{
	return set_main(argc, argv, false);
}

int cmd_unset(int argc, char **argv)
{
	return set_main(argc, argv, true);
}
