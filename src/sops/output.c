/*
 * The input and output of a single-file sops command (opts.h): the file or
 * standard input read whole, and the result written to standard output,
 * --output or --in-place (a temp file put in place atomically).
 */
#include "opts.h"
#include "../cli.h"
#include "util/buf.h"
#include "util/file.h"
#include <errno.h>
#include <string.h>

int sops_read_input(const struct sops_opts *o, struct ags_buf *out)
{
	const char *path = o->nfiles ? o->files[0] : "-";
	if (strcmp(path, "-") == 0 && o->in_place) {
		cli_error("cannot use --in-place when reading from stdin");
		return EXIT_CONFLICTING_PARAMETERS;
	}
	int r = ags_file_read(path, out);
	if (r == -ENOENT) {
		cli_error("%s: no such file", path);
		return EXIT_NO_FILE;
	}
	if (r < 0) {
		cli_error("%s: cannot read: %s", strcmp(path, "-") ? path : "<stdin>", ags_strerror(r));
		return EXIT_READ_INPUT;
	}
	return 0;
}

int sops_write_output(const struct sops_opts *o, const void *data, size_t len, bool plaintext)
{
	if (o->in_place || (o->output && *o->output)) {
		const char *path = o->in_place ? o->files[0] : o->output;
		int r = ags_file_write_atomic(path, data, len, (o->in_place || !plaintext) ? -1 : 0600, false);
		if (r < 0) {
			cli_error("%s: cannot write: %s", path, ags_strerror(r));
			return EXIT_WRITE_OUTPUT;
		}
		return 0;
	}
	int r = ags_write_all(1, data, len);
	if (r < 0) {
		cli_error("cannot write to standard output: %s", ags_strerror(r));
		return EXIT_WRITE_OUTPUT;
	}
	return 0;
}

static int output_spill(void *ctx, const void *p, size_t n)
{
	struct sops_output *so = ctx;
	int r = 0;
	if (!so->open && (r = ags_out_open(&so->f, so->path, so->mode, 0)) == 0)
		so->open = true;
	if (r == 0)
		r = ags_out_write(&so->f, p, n);
	if (r < 0 && !so->err)
		so->err = r;
	return r;
}

void sops_output_begin(struct sops_output *so, const struct sops_opts *o, bool plaintext, struct ags_buf *buf)
{
	memset(so, 0, sizeof(*so));
	if (o->in_place || (o->output && *o->output)) {
		so->path = o->in_place ? o->files[0] : o->output;
		so->mode = (o->in_place || !plaintext) ? -1 : 0600;
		ags_buf_set_spill(buf, output_spill, so);
	}
}

static int output_failed(struct sops_output *so, int r)
{
	if (so->open)
		ags_out_abort(&so->f);
	so->open = false;
	cli_error("%s: cannot write: %s", so->path, ags_strerror(r));
	return EXIT_WRITE_OUTPUT;
}

int sops_output_finish(struct sops_output *so, struct ags_buf *buf)
{
	if (!so->path) {
		int r = ags_write_all(1, buf->data, buf->len);
		if (r < 0) {
			cli_error("cannot write to standard output: %s", ags_strerror(r));
			return EXIT_WRITE_OUTPUT;
		}
		return 0;
	}
	ags_buf_set_spill(buf, NULL, NULL);
	int r = so->err ? so->err : output_spill(so, buf->data, buf->len);
	if (r == 0) {
		so->open = false;
		r = ags_out_commit(&so->f);
		if (r < 0)
			return output_failed(so, r);
		return 0;
	}
	return output_failed(so, r);
}

int sops_output_abort(struct sops_output *so)
{
	if (so->err)
		return output_failed(so, so->err);
	if (so->open)
		ags_out_abort(&so->f);
	so->open = false;
	return 0;
}
