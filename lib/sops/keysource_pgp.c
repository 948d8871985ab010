#include "sops/keysource_pgp.h"
#include "internal.h"
#include "sops/sops-int.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/proc.h"
#include "util/secret.h"

#define GPG_STDERR_MAX 4096

int ags_sops_pgp_fp_normalise(const char *fp, char out[AGS_PGP_FP_MAX])
{
	size_t n = 0;
	if (!fp)
		return AGS_E_INVAL;
	for (const char *p = fp; *p; p++) {
		if (*p == ' ')
			continue;
		if (n + 1 >= AGS_PGP_FP_MAX)
			return AGS_E_INVAL;
		out[n++] = *p;
	}
	out[n] = 0;
	return n ? 0 : AGS_E_INVAL;
}

static const char *gpg_program(void)
{
	const char *g = getenv("SOPS_GPG_EXEC");
	return g && *g ? g : "gpg";
}

static long gpg_timeout_ms(void)
{
	const char *t = getenv("AGESOPS_GPG_TIMEOUT");
	if (t && *t) {
		char *end;
		long s = strtol(t, &end, 10);
		if (*end == 0 && s > 0 && s <= 24 * 3600)
			return s * 1000L;
	}
	return AGS_PGP_TIMEOUT_MS;
}

/* gpg's standard error as one line: trimmed, line breaks as "; ", control
 * bytes dropped (it names keys and reasons, never secrets). */
static void one_line(const struct ags_buf *err, char *out, size_t cap)
{
	size_t n = 0;
	bool sep = false;
	for (size_t i = 0; err->data && i < err->len && n + 3 < cap; i++) {
		unsigned char c = err->data[i];
		if (c == '\n' || c == '\r') {
			sep = n > 0;
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			continue;
		if (sep) {
			out[n++] = ';';
			out[n++] = ' ';
			sep = false;
		}
		out[n++] = (char)c;
	}
	out[n] = 0;
}

/* Runs gpg with args (after the program name) and in on standard input. */
static int gpg_run(const char *const *args, size_t nargs, const void *in, size_t inlen, struct ags_buf *out,
		   char *errline, size_t errcap, int *status)
{
	const char *argv[16];
	if (nargs + 2 > sizeof(argv) / sizeof(argv[0]))
		return AGS_E_INVAL;
	argv[0] = gpg_program();
	for (size_t i = 0; i < nargs; i++)
		argv[i + 1] = args[i];
	argv[nargs + 1] = NULL;
	struct ags_buf err;
	ags_buf_init(&err, GPG_STDERR_MAX);
	struct ags_proc p = { .argv = argv, .in = in, .inlen = inlen, .timeout_ms = gpg_timeout_ms() };
	int r = ags_proc_run(&p, out, &err, status);
	one_line(&err, errline, errcap);
	ags_buf_release(&err);
	return r;
}

static int run_failed(int r, const char *what, const char *fp, struct ags_diag *d)
{
	if (r == AGS_E_TIMEOUT)
		return ags_diag_set(d, r, "%s with PGP key %s: %s did not finish within %ld s", what, fp,
				    gpg_program(), gpg_timeout_ms() / 1000);
	if (r == -ENOENT || r == -EACCES)
		return ags_diag_set(d, r, "%s with PGP key %s: cannot run %s: %s (install GnuPG or set SOPS_GPG_EXEC)",
				    what, fp, gpg_program(), strerror(-r));
	return ags_diag_set(d, r, "%s with PGP key %s: %s", what, fp, ags_strerror(r));
}

int ags_sops_pgp_encrypt(const char *fp_in, const uint8_t *pt, size_t ptlen, char **enc, struct ags_diag *d)
{
	char fp[AGS_PGP_FP_MAX];
	if (ags_sops_pgp_fp_normalise(fp_in, fp) < 0)
		return ags_diag_set(d, AGS_E_INVAL, "invalid PGP fingerprint \"%.100s\"", fp_in ? fp_in : "");
	/* The short id for --trusted-key: the last 16 hex digits, with a
	 * trailing '!' (an exact subkey) kept, as Go sops passes it. */
	size_t n = strlen(fp);
	size_t keep = 16 + (fp[n - 1] == '!');
	const char *shortid = n > keep ? fp + n - keep : fp;
	const char *args[] = { "--no-default-recipient", "--yes", "--encrypt", "-a", "-r", fp,
			       "--trusted-key", shortid, "--no-encrypt-to" };
	struct ags_buf out;
	ags_buf_init(&out, AGS_PGP_ENC_MAX);
	char errline[AGS_DIAG_MAX / 2];
	int status = 0;
	int r = gpg_run(args, sizeof(args) / sizeof(args[0]), pt, ptlen, &out, errline, sizeof(errline), &status);
	if (r < 0) {
		ags_buf_release(&out);
		return run_failed(r, "could not encrypt the data key", fp, d);
	}
	if (status != 0 || out.len == 0) {
		ags_buf_release(&out);
		return ags_diag_set(d, AGS_E_CHILD, "failed to encrypt sops data key with pgp key %s: %s", fp,
				    errline[0] ? errline : "gpg gave no output");
	}
	size_t b = 0, e = out.len;
	while (b < e && isspace(out.data[b]))
		b++;
	while (e > b && isspace(out.data[e - 1]))
		e--;
	char *s = strndup((const char *)out.data + b, e - b);
	ags_buf_release(&out);
	if (!s)
		return AGS_E_NOMEM;
	*enc = s;
	return 0;
}

int ags_sops_pgp_decrypt(const char *fp, const char *enc, struct ags_buf *out, struct ags_diag *d)
{
	if (!enc || !*enc)
		return ags_diag_set(d, AGS_E_SOPS_NO_KEY, "PGP key %s: the entry has no encrypted data key",
				    fp ? fp : "?");
	if (strlen(enc) > AGS_PGP_ENC_MAX)
		return ags_diag_set(d, AGS_E_TOO_BIG, "PGP key %s: the encrypted data key is too large", fp ? fp : "?");
	const char *args[] = { "-d" };
	struct ags_buf got;
	ags_buf_init_secret(&got, 1024);
	char errline[AGS_DIAG_MAX / 2];
	int status = 0;
	int r = gpg_run(args, 1, enc, strlen(enc), &got, errline, sizeof(errline), &status);
	if (r == AGS_E_TOO_BIG) {
		ags_buf_release(&got);
		return ags_diag_set(d, AGS_E_SOPS_NO_KEY, "PGP key %s: gpg returned more than a data key", fp ? fp : "?");
	}
	if (r < 0) {
		ags_buf_release(&got);
		return run_failed(r, "could not decrypt the data key", fp ? fp : "?", d);
	}
	if (status != 0 || got.len == 0) {
		ags_buf_release(&got);
		/* Zero bytes with success: an old gpg dropping an AEAD packet it
		 * does not know (Go sops treats it the same way). */
		return ags_diag_set(d, AGS_E_SOPS_NO_KEY, "failed to decrypt sops data key with pgp key %s: %s",
				    fp ? fp : "?",
				    status != 0 ? (errline[0] ? errline : "gpg failed") : "zero bytes returned");
	}
	r = ags_buf_append(out, got.data, got.len);
	ags_buf_release(&got);
	return r;
}

/* ---- pgp entries of a key group ---- */

static const struct ags_list *pgp_list(const struct ags_sops_key_group *kg)
{
	if (!kg || !kg->other || kg->other->kind != AGS_VAL_MAP)
		return NULL;
	const struct ags_value *v = ags_branch_get(kg->other->map, "pgp");
	return v && v->kind == AGS_VAL_SEQ ? v->seq : NULL;
}

size_t ags_sops_pgp_count(const struct ags_sops_key_group *kg)
{
	const struct ags_list *l = pgp_list(kg);
	return l ? l->n : 0;
}

static const char *field(const struct ags_value *e, const char *name)
{
	if (e->kind != AGS_VAL_MAP)
		return NULL;
	const struct ags_value *v = ags_branch_get(e->map, name);
	return v && v->kind == AGS_VAL_STR ? v->str.p : NULL;
}

void ags_sops_pgp_entry(const struct ags_sops_key_group *kg, size_t i, const char **fp, const char **enc)
{
	const struct ags_list *l = pgp_list(kg);
	*fp = *enc = NULL;
	if (!l || i >= l->n)
		return;
	*fp = field(&l->items[i], "fp");
	*enc = field(&l->items[i], "enc");
}

static int put_str(struct ags_branch *b, const char *k, const char *s)
{
	struct ags_value key = { 0 }, v = { 0 };
	int r = ags_value_set_str(&key, AGS_VAL_STR, k, strlen(k));
	if (r == 0)
		r = ags_value_set_str(&v, AGS_VAL_STR, s, strlen(s));
	if (r == 0)
		r = ags_branch_append(b, &key, &v);
	ags_value_clear(&key);
	ags_value_clear(&v);
	return r;
}

int ags_sops_pgp_add(struct ags_sops_key_group *kg, const char *fp, const char *enc, const char *created_at)
{
	if (!kg->other) {
		kg->other = calloc(1, sizeof(*kg->other));
		if (!kg->other)
			return AGS_E_NOMEM;
		int r = ags_value_set_map(kg->other);
		if (r < 0) {
			free(kg->other);
			kg->other = NULL;
			return r;
		}
	}
	struct ags_value *list = ags_branch_get(kg->other->map, "pgp");
	if (!list || list->kind != AGS_VAL_SEQ) {
		struct ags_value key = { 0 }, seq = { 0 };
		int r = ags_value_set_str(&key, AGS_VAL_STR, "pgp", 3);
		if (r == 0)
			r = ags_value_set_seq(&seq);
		if (r == 0)
			r = ags_branch_append(kg->other->map, &key, &seq);
		ags_value_clear(&key);
		ags_value_clear(&seq);
		AGS_TRY(r);
		list = ags_branch_get(kg->other->map, "pgp");
	}
	if (list->seq->n >= AGS_SOPS_MAX_KEYS)
		return AGS_E_TOO_BIG;
	struct ags_value e = { 0 };
	int r = ags_value_set_map(&e);
	if (r == 0)
		r = put_str(e.map, "created_at", created_at);
	if (r == 0)
		r = put_str(e.map, "enc", enc);
	if (r == 0)
		r = put_str(e.map, "fp", fp);
	if (r == 0)
		r = ags_list_append(list->seq, &e);
	ags_value_clear(&e);
	return r;
}
