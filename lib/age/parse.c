/*
 * Parsing recipient and identity strings and files.  Every form is looked
 * up in the tables of kinds.c: this file knows no kind by name.
 */
#include "internal.h"
#include "age/kind.h"
#include <stdlib.h>
#include <string.h>

static bool has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* The first row of the kinds table that parses s as a recipient or identity. */
static const struct ags_age_kind_entry *find_kind(const char *s, bool recipient)
{
	for (size_t i = 0; i < ags_age_nkinds; i++) {
		const struct ags_age_kind_entry *e = &ags_age_kinds[i];
		if ((recipient ? e->parse_recipient != NULL : e->parse_identity != NULL) && has_prefix(s, e->prefix) &&
		    (!e->match || e->match(s)))
			return e;
	}
	return NULL;
}

int ags_age_recipient_parse(const char *s, struct ags_age_recipient **ret, struct ags_diag *d)
{
	const struct ags_age_kind_entry *e = find_kind(s, true);
	if (e)
		return e->parse_recipient(s, ret, d);
	char b[24];
	if (has_prefix(s, "github:"))
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "\"github:\" recipients were removed from the design");
	return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "unknown recipient type: \"%s\"", ags_age_shown(s, b));
}

int ags_age_identity_parse(const char *s, struct ags_age_identity **ret, struct ags_diag *d)
{
	const struct ags_age_kind_entry *e = find_kind(s, false);
	if (e)
		return e->parse_identity(s, ret, d);
	return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "unknown identity type");
}

/* Files */

#define KEYFILE_MAX ((size_t)16 << 20)

/* Calls fn for each non-empty, non-comment line (a trailing CR is dropped,
 * as Go's line scanner does).  line is a NUL-terminated secret copy. */
static int for_each_line(const char *data, size_t len, const char *name,
			 int (*fn)(void *ctx, char *line, size_t lineno, struct ags_diag *d), void *ctx,
			 struct ags_diag *d)
{
	if (len > KEYFILE_MAX)
		return ags_diag_set(d, AGS_E_TOO_BIG, "%s: file too large", name);
	size_t bad = 0;
	if (!ags_utf8_valid(data, len, &bad))
		return ags_diag_set(d, AGS_E_UTF8, "%s: invalid UTF-8 at byte %zu", name, bad);
	size_t pos = 0, lineno = 0;
	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (data + pos)) : len - pos;
		lineno++;
		const char *l = data + pos;
		pos += n + (nl ? 1 : 0);
		if (n && l[n - 1] == '\r')
			n--;
		if (n == 0 || l[0] == '#')
			continue;
		if (memchr(l, 0, n))
			return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "%s: line %zu: NUL byte", name, lineno);
		char *copy = malloc(n + 1);
		if (!copy)
			return AGS_E_NOMEM;
		memcpy(copy, l, n);
		copy[n] = 0;
		int r = fn(ctx, copy, lineno, d);
		ags_free_secret(copy, n + 1);
		if (r < 0)
			return r;
	}
	return 0;
}

/* A file of keys read one per line into out (struct ags_age_identities or
 * ags_age_recipients). */
struct line_ctx {
	const char *name;
	void *out;
	size_t added;
	/* frees the last n handles of out (an error undoes the whole file) */
	void (*drop)(void *out, size_t n);
};

/* Reads the key lines of a file through fn, all or nothing; a file without
 * any key is an error ("no <none> found"). */
static int read_key_lines(const char *data, size_t len, struct line_ctx *c,
			  int (*fn)(void *ctx, char *line, size_t lineno, struct ags_diag *d), const char *none,
			  struct ags_diag *d)
{
	int r = for_each_line(data, len, c->name, fn, c, d);
	if (r < 0) {
		c->drop(c->out, c->added);
		return r;
	}
	if (c->added == 0)
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "%s: no %s found", c->name, none);
	return 0;
}

static void drop_identities(void *out, size_t n)
{
	struct ags_age_identities *l = out;
	while (n--)
		ags_age_identity_free(l->v[--l->n]);
}

static void drop_recipients(void *out, size_t n)
{
	struct ags_age_recipients *l = out;
	while (n--)
		ags_age_recipient_free(l->v[--l->n]);
}

static int id_line(void *vctx, char *line, size_t lineno, struct ags_diag *d)
{
	struct line_ctx *c = vctx;
	struct ags_age_identity *id;
	struct ags_diag sub = { 0 };
	int r = ags_age_identity_parse(line, &id, &sub);
	if (r < 0)
		return ags_diag_set(d, r, "%s: line %zu: %s", c->name, lineno,
				    sub.msg[0] ? sub.msg : ags_strerror(r));
	AGS_TRY(ags_age_identities_add(c->out, id));
	c->added++;
	return 0;
}

/* The identity-file form of a kind chosen by the file's first bytes (Go peeks
 * at 14: "age-encryption" or "-----BEGIN AGE" is an encrypted identity file,
 * any other "-----BEGIN" an SSH key), or NULL for one key per line. */
static const struct ags_age_idfile_entry *find_idfile(const char *data, size_t len)
{
	for (size_t i = 0; i < ags_age_nidfiles; i++) {
		size_t n = strlen(ags_age_idfiles[i].magic);
		if (len >= n && memcmp(data, ags_age_idfiles[i].magic, n) == 0)
			return &ags_age_idfiles[i];
	}
	return NULL;
}

static int parse_lines(const char *data, size_t len, const char *name, struct ags_age_identities *out,
		       struct ags_diag *d)
{
	struct line_ctx c = { name, out, 0, drop_identities };
	return read_key_lines(data, len, &c, id_line, "secret keys", d);
}

int ags_age_parse_identity_file(const char *data, size_t len, const char *name,
				ags_passphrase_fn pass, void *pass_ctx,
				struct ags_age_identities *out, struct ags_diag *d)
{
	if (!name)
		name = "identity file";
	const struct ags_age_idfile_entry *f = find_idfile(data, len);
	if (!f)
		return parse_lines(data, len, name, out, d);
	if (f->parse)
		return f->parse(data, len, name, pass, pass_ctx, out, d);
	struct ags_buf inner;
	ags_buf_init_secret(&inner, KEYFILE_MAX);
	int r = f->open(data, len, name, pass, pass_ctx, &inner, d);
	/* No nesting: what a container holds is a plain identity file. */
	const struct ags_age_idfile_entry *nested = r == 0 ? find_idfile((const char *)inner.data, inner.len) : NULL;
	if (nested && nested->open)
		r = ags_diag_set(d, AGS_E_AGE_BAD_KEY, "%s: nested encrypted identity file", name);
	if (r == 0)
		r = parse_lines((const char *)inner.data, inner.len, name, out, d);
	ags_buf_release(&inner);
	return r;
}

static int rcpt_line(void *vctx, char *line, size_t lineno, struct ags_diag *d)
{
	struct line_ctx *c = vctx;
	if (strlen(line) > 8192)
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "%s: line %zu is too long", c->name, lineno);
	struct ags_age_recipient *r;
	struct ags_diag sub = { 0 };
	int rc = ags_age_recipient_parse(line, &r, &sub);
	/* Go skips valid SSH keys of other types (ecdsa, sk-...), e.g. in an
	 * authorized_keys file (with a warning the library cannot print). */
	const struct ags_age_kind_entry *k = find_kind(line, true);
	if (rc == AGS_E_AGE_UNSUPPORTED_RECIPIENT && k && k->skip_unsupported)
		return 0;
	if (rc == AGS_E_AGE_UNSUPPORTED_RECIPIENT)
		return ags_diag_set(d, rc, "%s: line %zu: %s", c->name, lineno, sub.msg);
	if (rc < 0)
		/* Go hides the cause: the file might be confidential. */
		return ags_diag_set(d, rc, "%s: malformed recipient at line %zu", c->name, lineno);
	AGS_TRY(ags_age_recipients_add(c->out, r));
	c->added++;
	return 0;
}

int ags_age_parse_recipients_file(const char *data, size_t len, const char *name,
				  struct ags_age_recipients *out, struct ags_diag *d)
{
	if (!name)
		name = "recipients file";
	struct line_ctx c = { name, out, 0, drop_recipients };
	return read_key_lines(data, len, &c, rcpt_line, "recipients", d);
}
