/*
 * Recipient and identity handles, the string dispatch through the kinds
 * table, handle lists, identity and recipients files.
 */
#include "internal.h"
#include "age/kind.h"
#include "age/ssh.h"
#include "crypto/ossl.h"
#include <stdlib.h>
#include <string.h>

int ags_age_recipient_make(const struct ags_age_recipient_ops *ops, void *priv, struct ags_age_recipient **ret)
{
	struct ags_age_recipient *r = calloc(1, sizeof(*r));
	if (!r) {
		ops->free(priv);
		return AGS_E_NOMEM;
	}
	r->ops = ops;
	r->priv = priv;
	*ret = r;
	return 0;
}

int ags_age_identity_make(const struct ags_age_identity_ops *ops, void *priv, struct ags_age_identity **ret)
{
	struct ags_age_identity *id = calloc(1, sizeof(*id));
	if (!id) {
		ops->free(priv);
		return AGS_E_NOMEM;
	}
	id->ops = ops;
	id->priv = priv;
	*ret = id;
	return 0;
}

void ags_age_recipient_free(struct ags_age_recipient *r)
{
	if (!r)
		return;
	r->ops->free(r->priv);
	free(r);
}

void ags_age_identity_free(struct ags_age_identity *id)
{
	if (!id)
		return;
	id->ops->free(id->priv);
	free(id);
}

const char *ags_age_recipient_kind(const struct ags_age_recipient *r)
{
	return r->ops->name;
}

const char *ags_age_identity_kind(const struct ags_age_identity *id)
{
	return id->ops->name;
}

int ags_age_recipient_string(const struct ags_age_recipient *r, char **ret)
{
	if (!r->ops->string)
		return AGS_E_UNSUPPORTED;
	return r->ops->string(r, ret);
}

int ags_age_identity_string(const struct ags_age_identity *id, char **ret)
{
	if (!id->ops->string)
		return AGS_E_UNSUPPORTED;
	return id->ops->string(id, ret);
}

int ags_age_identity_to_recipient(const struct ags_age_identity *id, struct ags_age_recipient **ret)
{
	if (!id->ops->to_recipient)
		return AGS_E_UNSUPPORTED;
	return id->ops->to_recipient(id, ret);
}

/* Strings shown in messages are cut short: they may be secret keys. */
static const char *shown(const char *s, char buf[24])
{
	size_t n = strlen(s);
	size_t k = AGS_MIN(n, (size_t)12);
	memcpy(buf, s, k);
	strcpy(buf + k, n > k ? "..." : "");
	return buf;
}

int ags_age_parse_recipient_unsupported(const char *s, struct ags_age_recipient **ret, struct ags_diag *d)
{
	(void)ret;
	char b[24];
	return ags_diag_set(d, AGS_E_AGE_UNSUPPORTED_RECIPIENT, "unsupported recipient type \"%s\"", shown(s, b));
}

int ags_age_parse_identity_unsupported(const char *s, struct ags_age_identity **ret, struct ags_diag *d)
{
	(void)ret;
	/* The prefix up to the bech32 separator is not secret. */
	const char *sep = strrchr(s, '1');
	int n = sep ? (int)(sep - s + 1) : 0;
	return ags_diag_set(d, AGS_E_AGE_UNSUPPORTED_RECIPIENT, "unsupported identity type \"%.*s...\"", n, s);
}

static bool has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

int ags_age_recipient_parse(const char *s, struct ags_age_recipient **ret, struct ags_diag *d)
{
	for (size_t i = 0; i < ags_age_nkinds; i++) {
		const struct ags_age_kind_entry *e = &ags_age_kinds[i];
		if (e->parse_recipient && has_prefix(s, e->prefix) && (!e->match || e->match(s)))
			return e->parse_recipient(s, ret, d);
	}
	char b[24];
	if (has_prefix(s, "github:"))
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "\"github:\" recipients were removed from the design");
	return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "unknown recipient type: \"%s\"", shown(s, b));
}

int ags_age_identity_parse(const char *s, struct ags_age_identity **ret, struct ags_diag *d)
{
	for (size_t i = 0; i < ags_age_nkinds; i++) {
		const struct ags_age_kind_entry *e = &ags_age_kinds[i];
		if (e->parse_identity && has_prefix(s, e->prefix) && (!e->match || e->match(s)))
			return e->parse_identity(s, ret, d);
	}
	return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "unknown identity type");
}

/* Lists */

int ags_age_identities_add(struct ags_age_identities *l, struct ags_age_identity *id)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 4;
		void *v = nc > 65536 ? NULL : realloc(l->v, nc * sizeof(*l->v));
		if (!v) {
			ags_age_identity_free(id);
			return nc > 65536 ? AGS_E_TOO_BIG : AGS_E_NOMEM;
		}
		l->v = v;
		l->cap = nc;
	}
	l->v[l->n++] = id;
	return 0;
}

int ags_age_recipients_add(struct ags_age_recipients *l, struct ags_age_recipient *r)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 4;
		void *v = nc > 65536 ? NULL : realloc(l->v, nc * sizeof(*l->v));
		if (!v) {
			ags_age_recipient_free(r);
			return nc > 65536 ? AGS_E_TOO_BIG : AGS_E_NOMEM;
		}
		l->v = v;
		l->cap = nc;
	}
	l->v[l->n++] = r;
	return 0;
}

void ags_age_identities_clear(struct ags_age_identities *l)
{
	for (size_t i = 0; i < l->n; i++)
		ags_age_identity_free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void ags_age_recipients_clear(struct ags_age_recipients *l)
{
	for (size_t i = 0; i < l->n; i++)
		ags_age_recipient_free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Helpers for kinds */

int ags_age_unwrap_each(const struct ags_age_identity *id, const struct ags_age_stanzas *st,
			int (*one)(const struct ags_age_identity *id, const struct ags_age_stanza *s,
				   uint8_t file_key[16], struct ags_diag *d),
			uint8_t file_key[16], struct ags_diag *d)
{
	for (size_t i = 0; i < st->n; i++) {
		int r = one(id, &st->v[i], file_key, d);
		if (r != AGS_E_AGE_INCORRECT_IDENTITY)
			return r;
	}
	return AGS_E_AGE_INCORRECT_IDENTITY;
}

int ags_age_decode_arg(const char *arg, uint8_t *out, size_t want)
{
	size_t n = strlen(arg), got = 0;
	if (n != ags_b64_encoded_len(want, AGS_B64_UNPADDED))
		return AGS_E_AGE_HEADER;
	uint8_t tmp[64];
	if (want + 3 > sizeof(tmp)) {
		uint8_t *big = malloc(ags_b64_decoded_max(n));
		if (!big)
			return AGS_E_NOMEM;
		int r = ags_b64_decode(arg, n, AGS_B64_UNPADDED, big, &got);
		if (r == 0 && got == want)
			memcpy(out, big, want);
		free(big);
		return r == 0 && got == want ? 0 : AGS_E_AGE_HEADER;
	}
	if (ags_b64_decode(arg, n, AGS_B64_UNPADDED, tmp, &got) < 0 || got != want)
		return AGS_E_AGE_HEADER;
	memcpy(out, tmp, want);
	return 0;
}

int ags_age_wrap_file_key(const uint8_t key[32], const uint8_t file_key[16], uint8_t body[32])
{
	static const uint8_t zero_nonce[12];
	return ags_chacha_seal(key, zero_nonce, NULL, 0, file_key, 16, body);
}

int ags_age_unwrap_file_key(const uint8_t key[32], const uint8_t *body, uint8_t file_key[16])
{
	static const uint8_t zero_nonce[12];
	uint8_t fk[16];
	int r = ags_chacha_open(key, zero_nonce, NULL, 0, body, 32, fk);
	if (r == AGS_E_AUTH)
		return AGS_E_AGE_INCORRECT_IDENTITY;
	if (r == 0)
		memcpy(file_key, fk, 16);
	ags_wipe(fk, sizeof(fk));
	return r;
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

struct id_line_ctx {
	const char *name;
	struct ags_age_identities *out;
	size_t added;
};

static int id_line(void *vctx, char *line, size_t lineno, struct ags_diag *d)
{
	struct id_line_ctx *c = vctx;
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

int ags_age_parse_identity_file(const char *data, size_t len, const char *name,
				ags_passphrase_fn pass, void *pass_ctx,
				struct ags_age_identities *out, struct ags_diag *d)
{
	if (!name)
		name = "identity file";
	/* Go peeks at 14 bytes: "age-encryption" or "-----BEGIN AGE" is an encrypted
	 * identity file, any other "-----BEGIN" an SSH key. */
	if ((len >= 14 && memcmp(data, "age-encryption", 14) == 0) ||
	    (len >= 14 && memcmp(data, "-----BEGIN AGE", 14) == 0))
		return ags_age_idfile_encrypted(data, len, name, pass, pass_ctx, out, d);
	if (len >= 10 && memcmp(data, "-----BEGIN", 10) == 0)
		return ags_age_idfile_ssh(data, len, name, pass, pass_ctx, out, d);
	size_t before = out->n;
	struct id_line_ctx c = { name, out, 0 };
	int r = for_each_line(data, len, name, id_line, &c, d);
	if (r < 0) {
		/* all or nothing */
		while (out->n > before)
			ags_age_identity_free(out->v[--out->n]);
		return r;
	}
	if (c.added == 0)
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "%s: no secret keys found", name);
	return 0;
}

struct rcpt_line_ctx {
	const char *name;
	struct ags_age_recipients *out;
	size_t added;
};

static int rcpt_line(void *vctx, char *line, size_t lineno, struct ags_diag *d)
{
	struct rcpt_line_ctx *c = vctx;
	if (strlen(line) > 8192)
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "%s: line %zu is too long", c->name, lineno);
	struct ags_age_recipient *r;
	struct ags_diag sub = { 0 };
	int rc = ags_age_recipient_parse(line, &r, &sub);
	/* Go skips valid SSH keys of other types (ecdsa, sk-...), e.g. in an
	 * authorized_keys file (with a warning the library cannot print). */
	if (rc == AGS_E_AGE_UNSUPPORTED_RECIPIENT && ags_ssh_line_looks_like_key(line))
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
	size_t before = out->n;
	struct rcpt_line_ctx c = { name, out, 0 };
	int r = for_each_line(data, len, name, rcpt_line, &c, d);
	if (r < 0) {
		while (out->n > before)
			ags_age_recipient_free(out->v[--out->n]);
		return r;
	}
	if (c.added == 0)
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "%s: no recipients found", name);
	return 0;
}
