#include "../cli.h"
#include "gitops-cli.h"

#include <agesops/agesops.h>
#include <agesops/gitops.h>
#include "util/file.h"
#include "util/secret.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SECRET_INPUT_MAX ((size_t)1 << 20)

int gcli_read_stdin_secret(struct ags_buf *out)
{
	int r = ags_fd_read_all(0, out);
	if (r < 0)
		return r;
	if (out->len && out->data[out->len - 1] == '\n')
		ags_buf_truncate(out, out->len - 1);
	if (out->len && out->data[out->len - 1] == '\r')
		ags_buf_truncate(out, out->len - 1);
	if (!out->data)
		r = ags_buf_append(out, "", 0);
	return r;
}

int gcli_prompt_secret(const char *prompt, struct ags_buf *out)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return AGS_E_NOT_FOUND;
	int r = cli_tty_read_secret(fd, fd, prompt, CLI_TTY_FLUSH, out);
	close(fd);
	if (r == 1)
		r = 0; /* nothing typed: an empty value */
	if (!r && !out->data)
		r = ags_buf_append(out, "", 0);
	return r;
}

/* --encrypt: recipients from --age, else the .sops.yaml rule or .sops.public.key for the file. */
static int encrypt(const struct gcli_encrypt *e, const char *hint, const struct ags_buf *plain, struct ags_buf *enc)
{
	struct ags_gitops_recipients rec = { 0 };
	struct ags_diag d = { 0 };
	int r = 0;
	if (!e->nage)
		r = ags_gitops_find_recipients(hint, &rec, &d);
	if (r == AGS_E_SOPS_NO_RECIPIENTS) {
		cli_error("--encrypt: no recipients: pass --age, or add a .sops.yaml creation rule or a .sops.public.key");
		return EXIT_NO_ENCRYPTION_KEY;
	}
	if (r < 0)
		return cli_fail(r, &d, "--encrypt");
	const char *regex = e->encrypted_regex ? e->encrypted_regex : rec.regex;
	if (e->nage)
		r = ags_gitops_encrypt_manifest(e->age, e->nage, regex, hint, plain->data, plain->len, enc, &d);
	else
		r = ags_gitops_encrypt_manifest((const char *const *)rec.age, rec.n, regex, hint, plain->data, plain->len,
						enc, &d);
	ags_gitops_recipients_clear(&rec);
	return r < 0 ? cli_fail(r, &d, "encrypt") : 0;
}

int gcli_output_manifest(const struct gcli_encrypt *e, const struct ags_buf *plain, const char *outpath)
{
	struct ags_buf enc;
	const struct ags_buf *res = plain;
	int rc = 0;
	ags_buf_init(&enc, (size_t)1 << 30);
	if (e->enabled) {
		rc = encrypt(e, e->path_hint ? e->path_hint : (outpath ? outpath : "secret.yaml"), plain, &enc);
		res = &enc;
	}
	if (rc == 0) {
		if (outpath) {
			/* a plaintext manifest is as secret as a key file */
			int r = ags_file_write_atomic(outpath, res->data, res->len, e->enabled ? 0644 : 0600, false);
			if (r < 0)
				rc = cli_fail(r, NULL, outpath);
		} else if (res->len && (fwrite(res->data, 1, res->len, stdout) != res->len || fflush(stdout) != 0)) {
			cli_error("cannot write to standard output: %s", strerror(errno));
			rc = EXIT_WRITE_OUTPUT;
		}
	}
	ags_buf_release(&enc);
	return rc;
}
