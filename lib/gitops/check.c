/*
 * The per-file half of `agesops check`: finds plaintext Secret values,
 * committed private keys, kustomize secretGenerator literals and sources,
 * and reads the sops metadata (recipients, MAC line) for the caller to
 * compare with .sops.yaml.  Pure scanning of one buffer; no I/O.
 */
#include "internal.h"
#include <agesops/gitops.h>

#include <ctype.h>
#include "gitops/check_tree.h"
#include "gitops/strv.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- findings ---- */

static int add_finding(struct ags_check_scan *s, enum ags_check_kind kind, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int add_finding(struct ags_check_scan *s, enum ags_check_kind kind, unsigned line, const char *fmt, ...)
{
	if (s->nf >= 10000)
		return 0;
	AGS_TRY(ags_gitops_grow(&s->f, s->nf, sizeof(*s->f), SIZE_MAX));
	struct ags_check_finding *f = &s->f[s->nf++];
	f->kind = kind;
	f->line = line;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
	return 0;
}

static int add_ref(struct ags_check_scan *s, const char *key, size_t klen, const char *path, size_t plen,
		   unsigned line, bool env)
{
	AGS_TRY(ags_gitops_grow(&s->refs, s->nrefs, sizeof(*s->refs), SIZE_MAX));
	struct ags_check_ref *r = &s->refs[s->nrefs];
	r->key = key ? strndup(key, klen) : NULL;
	r->path = strndup(path, plen);
	r->line = line;
	r->env = env;
	if (!r->path || (key && !r->key)) {
		free(r->key);
		free(r->path);
		return AGS_E_NOMEM;
	}
	s->nrefs++;
	return 0;
}

static int add_recipient(struct ags_check_scan *s, const char *r, size_t len, unsigned line)
{
	if (s->nrec >= 10000)
		return 0;
	AGS_TRY(ags_gitops_grow(&s->recipients, s->nrec, sizeof(*s->recipients), SIZE_MAX));
	if (!(s->recipients[s->nrec] = strndup(r, len)))
		return AGS_E_NOMEM;
	s->nrec++;
	if (!s->rec_line || line < s->rec_line)
		s->rec_line = line;
	return 0;
}

/* ---- private keys ---- */

static unsigned line_of(const char *data, size_t off)
{
	unsigned l = 1;
	for (const char *p = data; (p = memchr(p, '\n', off - (size_t)(p - data))); p++)
		l++;
	return l;
}

static bool bech32_char(char c)
{
	return c && strchr("qpzry9x8gf2tvdw0s3jn54khce6mua7lQPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", c);
}

static int scan_private_keys(const char *data, size_t len, struct ags_check_scan *s)
{
	/* age identities (X25519 and hybrid PQ), with enough key material to be real */
	static const char age_prefix[] = "AGE-SECRET-KEY-";
	for (const char *p = data; (p = memmem(p, len - (size_t)(p - data), age_prefix, sizeof(age_prefix) - 1));) {
		const char *q = p + sizeof(age_prefix) - 1;
		size_t n = 0;
		while (q < data + len && (bech32_char(*q) || *q == '-' || *q == '1'))
			q++, n++;
		if (n >= 50)
			AGS_TRY(add_finding(s, AGS_CHECK_PRIVATE_KEY, line_of(data, (size_t)(p - data)),
					    "committed age private key (AGE-SECRET-KEY-...)"));
		p = q;
	}
	/* PEM / OpenSSH / PGP private key blocks with a body */
	static const char *const pem[] = { "PRIVATE KEY-----", "PGP PRIVATE KEY BLOCK-----" };
	for (size_t k = 0; k < AGS_ARRAY_SIZE(pem); k++) {
		size_t ml = strlen(pem[k]);
		for (const char *p = data; (p = memmem(p, len - (size_t)(p - data), pem[k], ml)); p += ml) {
			/* "-----BEGIN [type ]" on the same line */
			const char *ls = p;
			while (ls > data && ls[-1] != '\n')
				ls--;
			const char *b = memmem(ls, (size_t)(p - ls), "-----BEGIN ", 11);
			if (!b)
				continue;
			const char *body = p + ml;
			while (body < data + len && (*body == '\r' || *body == '\n' || *body == ' '))
				body++;
			size_t run = 0;
			while (body + run < data + len &&
			       (isalnum((unsigned char)body[run]) || body[run] == '+' || body[run] == '/' || body[run] == '='))
				run++;
			/* Proc-Type headers of old encrypted PEM keys come first */
			bool hdr = body + 10 < data + len && !memcmp(body, "Proc-Type:", 10);
			if (run >= 20 || hdr) {
				const char *what = k == 1 ? "PGP private key" :
						   memmem(b, (size_t)(p - b), "OPENSSH", 7) ? "OpenSSH private key" : "PEM private key";
				AGS_TRY(add_finding(s, AGS_CHECK_PRIVATE_KEY, line_of(data, (size_t)(b - data)),
						    "committed %s", what));
			}
		}
	}
	return 0;
}

/* ---- sops metadata ---- */

static int age_list(struct ags_check_scan *s, const struct node *l)
{
	if (!l || l->kind != N_SEQ)
		return 0;
	for (size_t i = 0; i < l->n; i++) {
		const struct node *r = ags_ct_map_get(l->kids[i], "recipient");
		if (r && r->kind == N_SCALAR)
			AGS_TRY(add_recipient(s, r->s, r->len, r->line));
	}
	return 0;
}

static int sops_metadata(struct ags_check_scan *s, const struct node *sops)
{
	if (!sops || sops->kind != N_MAP)
		return 0;
	const struct node *mac = ags_ct_map_get(sops, "mac");
	if (!mac || mac->kind != N_SCALAR || mac->len < 4 || memcmp(mac->s, "ENC[", 4))
		return 0;
	if (s->sops) /* multi-document YAML repeats the same block */
		return 0;
	s->sops = true;
	s->mac_line = mac->line;
	AGS_TRY(age_list(s, ags_ct_map_get(sops, "age")));
	const struct node *kg = ags_ct_map_get(sops, "key_groups");
	if (kg && kg->kind == N_SEQ)
		for (size_t i = 0; i < kg->n; i++)
			AGS_TRY(age_list(s, ags_ct_map_get(kg->kids[i], "age")));
	return 0;
}

static bool is_enc(const struct node *v)
{
	return v->kind == N_SCALAR && v->len >= 16 && !memcmp(v->s, "ENC[AES256_GCM,", 15);
}

static int check_value(struct ags_check_scan *s, const char *field, const struct node *k, const struct node *v,
		       bool sops)
{
	int kl = (int)AGS_MIN(k->len, 100);
	if (v->kind != N_SCALAR)
		return add_finding(s, AGS_CHECK_PLAINTEXT, v->line, "Secret %s.%.*s is not a string", field, kl, k->s);
	/* Go sops never encrypts an empty value or null: not plaintext */
	if (is_enc(v) || ags_ct_is_null(v))
		return 0;
	if (sops)
		return add_finding(s, AGS_CHECK_PLAINTEXT, v->line,
				   "Secret value %s.%.*s left in plaintext by the encryption rules", field, kl, k->s);
	return add_finding(s, AGS_CHECK_PLAINTEXT, v->line,
			   "plaintext Secret value %s.%.*s (encrypt it: agesops encrypt -i, or agesops secret ... --encrypt)",
			   field, kl, k->s);
}

/* The entries of a data/stringData map, those a "<<" merge key brings in included. */
static int check_values_map(struct ags_check_scan *s, const struct node *m, const char *field, bool sops, int depth)
{
	if (!m || m->kind != N_MAP || depth > 8)
		return 0;
	for (size_t i = 0; i + 1 < m->n; i += 2) {
		const struct node *k = m->kids[i], *v = ags_ct_deref(m->kids[i + 1]);
		if (k->kind != N_SCALAR)
			continue;
		if (k->plain && ags_ct_scalar_is(k, "<<") && (v->kind == N_MAP || v->kind == N_SEQ)) {
			if (v->kind == N_MAP)
				AGS_TRY(check_values_map(s, v, field, sops, depth + 1));
			for (size_t j = 0; v->kind == N_SEQ && j < v->n; j++)
				AGS_TRY(check_values_map(s, ags_ct_deref(v->kids[j]), field, sops, depth + 1));
			continue;
		}
		AGS_TRY(check_value(s, field, k, v, sops));
	}
	return 0;
}

static int check_secret_values(struct ags_check_scan *s, const struct node *doc, const char *field, bool sops)
{
	return check_values_map(s, ags_ct_map_get(doc, field), field, sops, 0);
}

/* A Secret, or the Secrets in the items of a kind: List (kubectl get -o yaml writes those). */
static int check_resource(struct ags_check_scan *s, const struct node *doc, bool sops, int depth)
{
	const struct node *kind = ags_ct_map_get(doc, "kind");
	if (ags_ct_scalar_is(kind, "Secret") && !ags_ct_scalar_is(ags_ct_map_get(doc, "$patch"), "delete")) {
		AGS_TRY(check_secret_values(s, doc, "data", sops));
		return check_secret_values(s, doc, "stringData", sops);
	}
	const struct node *items = ags_ct_map_get(doc, "items");
	if (kind && kind->kind == N_SCALAR && kind->len >= 4 && !memcmp(kind->s + kind->len - 4, "List", 4) && items &&
	    items->kind == N_SEQ && depth < 8)
		for (size_t i = 0; i < items->n; i++)
			AGS_TRY(check_resource(s, ags_ct_deref(items->kids[i]), sops, depth + 1));
	return 0;
}

/*
 * An encrypted manifest whose apiVersion, kind or metadata are encrypted too
 * (sops -e without the encrypted_regex rule): kustomize and Flux cannot read it.
 */
static void encrypted_manifest(struct ags_check_scan *s, const struct node *doc)
{
	static const char *const keys[] = { "kind", "apiVersion", "metadata" };
	if (!ags_ct_map_get(doc, "kind") || s->enc_manifest_line)
		return;
	for (size_t i = 0; i < AGS_ARRAY_SIZE(keys); i++) {
		const struct node *v = ags_ct_map_get(doc, keys[i]);
		if (v && v->kind == N_MAP)
			v = ags_ct_map_get(v, "name");
		if (v && is_enc(v)) {
			s->enc_manifest_line = v->line;
			return;
		}
	}
}

static int check_generator(struct ags_check_scan *s, const struct node *doc)
{
	const struct node *sg = ags_ct_map_get(doc, "secretGenerator");
	if (!sg || sg->kind != N_SEQ)
		return 0;
	for (size_t i = 0; i < sg->n; i++) {
		const struct node *g = sg->kids[i];
		const struct node *lits = ags_ct_map_get(g, "literals");
		if (lits && lits->kind == N_SEQ)
			for (size_t j = 0; j < lits->n; j++) {
				const struct node *l = lits->kids[j];
				if (l->kind != N_SCALAR)
					continue;
				const char *eq = memchr(l->s, '=', l->len);
				size_t kl = eq ? (size_t)(eq - l->s) : l->len;
				if (eq && (size_t)(eq - l->s) + 1 == l->len)
					continue; /* empty value */
				AGS_TRY(add_finding(s, AGS_CHECK_GENERATOR, l->line,
						    "secretGenerator literal '%.*s' is plaintext (use an encrypted file: files: [%.*s=file.enc])",
						    (int)AGS_MIN(kl, 100), l->s, (int)AGS_MIN(kl, 100), l->s));
			}
		const struct node *files = ags_ct_map_get(g, "files");
		if (files && files->kind == N_SEQ)
			for (size_t j = 0; j < files->n; j++) {
				const struct node *f = files->kids[j];
				if (f->kind != N_SCALAR || !f->len)
					continue;
				const char *eq = memchr(f->s, '=', f->len);
				if (eq)
					AGS_TRY(add_ref(s, f->s, (size_t)(eq - f->s), eq + 1, f->len - (size_t)(eq - f->s) - 1,
							f->line, false));
				else
					AGS_TRY(add_ref(s, NULL, 0, f->s, f->len, f->line, false));
			}
		const struct node *envs = ags_ct_map_get(g, "envs");
		if (envs && envs->kind == N_SEQ)
			for (size_t j = 0; j < envs->n; j++)
				if (envs->kids[j]->kind == N_SCALAR && envs->kids[j]->len)
					AGS_TRY(add_ref(s, NULL, 0, envs->kids[j]->s, envs->kids[j]->len, envs->kids[j]->line, true));
		const struct node *env = ags_ct_map_get(g, "env");
		if (env && env->kind == N_SCALAR && env->len)
			AGS_TRY(add_ref(s, NULL, 0, env->s, env->len, env->line, true));
	}
	return 0;
}

static bool has_ext(const char *path, const char *ext)
{
	size_t pl = strlen(path), el = strlen(ext);
	return pl >= el && !strcasecmp(path + pl - el, ext);
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* dotenv and INI: sops_age__list_N__map_recipient / [sops] age__list_N__map_recipient */
static int flat_metadata(struct ags_check_scan *s, const char *data, size_t len, bool ini)
{
	const char *mac_key = ini ? "mac" : "sops_mac";
	const char *rec_pfx = ini ? "age__list_" : "sops_age__list_";
	bool in_sops = !ini;
	unsigned line = 0;
	for (const char *p = data; p < data + len;) {
		const char *nl = memchr(p, '\n', len - (size_t)(p - data));
		const char *le = nl ? nl : data + len;
		line++;
		if (ini && *p == '[')
			in_sops = le - p >= 6 && !memcmp(p, "[sops]", 6);
		const char *eq = memchr(p, '=', (size_t)(le - p));
		if (in_sops && eq) {
			const char *ke = eq;
			while (ke > p && ke[-1] == ' ')
				ke--;
			const char *v = eq + 1;
			while (v < le && *v == ' ')
				v++;
			const char *ve = le;
			while (ve > v && (ve[-1] == '\r' || ve[-1] == ' '))
				ve--;
			size_t kl = (size_t)(ke - p);
			if (kl == strlen(mac_key) && !memcmp(p, mac_key, kl) && ve - v >= 4 && !memcmp(v, "ENC[", 4)) {
				s->sops = true;
				s->mac_line = line;
			} else if (kl > strlen(rec_pfx) && !memcmp(p, rec_pfx, strlen(rec_pfx)) &&
				   kl > 15 && !memcmp(ke - 15, "__map_recipient", 15)) {
				AGS_TRY(add_recipient(s, v, (size_t)(ve - v), line));
			}
		}
		p = nl ? nl + 1 : data + len;
	}
	if (!s->sops) {
		for (size_t i = 0; i < s->nrec; i++)
			free(s->recipients[i]);
		free(s->recipients);
		s->recipients = NULL;
		s->nrec = 0;
		s->rec_line = 0;
	}
	return 0;
}

bool ags_gitops_is_kustomization(const char *path)
{
	const char *b = base_name(path);
	return !strcmp(b, "kustomization.yaml") || !strcmp(b, "kustomization.yml") || !strcmp(b, "Kustomization");
}

enum fmt { F_NONE, F_YAML, F_JSON, F_ENV, F_INI };

static enum fmt fmt_of_name(const char *name, size_t n)
{
	static const struct {
		const char *ext;
		enum fmt f;
	} exts[] = { { ".yaml", F_YAML }, { ".yml", F_YAML }, { ".json", F_JSON }, { ".env", F_ENV }, { ".ini", F_INI } };
	for (size_t i = 0; i < AGS_ARRAY_SIZE(exts); i++) {
		size_t el = strlen(exts[i].ext);
		if (n >= el && !strncasecmp(name + n - el, exts[i].ext, el))
			return exts[i].f;
	}
	return F_NONE;
}

/* Length of name without a temp-file suffix (".tmpXXXXXX", ".agesops-XXXXXX", "~"), else 0. */
static size_t strip_temp(const char *name, size_t n)
{
	static const char *const marks[] = { ".tmp", ".agesops-", ".sops-" };
	if (n > 1 && name[n - 1] == '~')
		return n - 1;
	for (size_t i = 0; i < AGS_ARRAY_SIZE(marks); i++) {
		size_t ml = strlen(marks[i]);
		for (size_t at = n; at-- > 0;) {
			if (n - at < ml || strncmp(name + at, marks[i], ml))
				continue;
			size_t k = at + ml;
			while (k < n && isalnum((unsigned char)name[k]))
				k++;
			if (k == n)
				return at;
		}
	}
	return 0;
}

/* A file without a known extension that a Kubernetes tool would read. */
static enum fmt sniff(const char *data, size_t len)
{
	size_t i = 0;
	while (i < len && isspace((unsigned char)data[i]))
		i++;
	if (i < len && data[i] == '{')
		return memmem(data, len, "\"kind\"", 6) || memmem(data, len, "\"sops\"", 6) ? F_JSON : F_NONE;
	for (const char *p = data; p && p < data + len;) {
		size_t rest = len - (size_t)(p - data);
		if ((rest >= 5 && !memcmp(p, "kind:", 5)) || (rest >= 11 && !memcmp(p, "apiVersion:", 11)) ||
		    (rest >= 5 && !memcmp(p, "sops:", 5)))
			return F_YAML;
		p = memchr(p, '\n', rest);
		p = p ? p + 1 : NULL;
	}
	return F_NONE;
}

static enum fmt fmt_of(const char *path, const char *data, size_t len)
{
	const char *b = base_name(path);
	size_t n = strlen(b);
	if (ags_gitops_is_kustomization(path))
		return F_YAML;
	enum fmt f = fmt_of_name(b, n);
	size_t stripped = f == F_NONE ? strip_temp(b, n) : 0;
	if (stripped)
		f = fmt_of_name(b, stripped);
	return f != F_NONE ? f : sniff(data, len);
}

/* NAME.tmpXXXXXXXX / NAME.agesops-XXXXXXXX: the temp files agesops writes before a rename. */
static bool agesops_temp_name(const char *path)
{
	static const char *const marks[] = { ".tmp", ".agesops-" };
	const char *b = base_name(path);
	size_t n = strlen(b);
	for (size_t i = 0; i < AGS_ARRAY_SIZE(marks); i++) {
		size_t ml = strlen(marks[i]);
		if (n < ml + 9 || strncmp(b + n - 8 - ml, marks[i], ml))
			continue;
		bool hex = true;
		for (size_t k = n - 8; k < n && hex; k++)
			hex = isxdigit((unsigned char)b[k]) && !isupper((unsigned char)b[k]);
		if (hex)
			return true;
	}
	return false;
}

static int scan_tree(const char *path, const char *data, size_t len, bool json, struct ags_check_scan *s)
{
	struct docs docs = { 0 };
	unsigned errline = 0;
	int r = 0;
	if (!ags_utf8_valid(data, len, NULL))
		return add_finding(s, AGS_CHECK_SYNTAX, 0, "not valid UTF-8: cannot be checked for Secrets");
	int pr = ags_ct_parse_docs(data, len, json, &docs, &errline);
	if (pr == AGS_E_SYNTAX || pr == AGS_E_TOO_BIG) {
		/* a Helm or Go template is not YAML until rendered: say so, do not fail */
		bool tmpl = !json && memmem(data, len, "{{", 2);
		r = add_finding(s, tmpl ? AGS_CHECK_NOTE : AGS_CHECK_SYNTAX, errline,
				tmpl ? "a template that is not YAML: not checked for Secrets"
				     : "cannot parse as %s: cannot be checked for Secrets",
				json ? "JSON" : "YAML");
	} else if (pr < 0) {
		r = pr;
	}
	for (size_t i = 0; r == 0 && i < docs.n; i++)
		r = sops_metadata(s, ags_ct_map_get(docs.v[i], "sops"));
	for (size_t i = 0; r == 0 && i < docs.n; i++) {
		const struct node *doc = docs.v[i];
		r = check_resource(s, doc, s->sops, 0);
		if (s->sops)
			encrypted_manifest(s, doc);
		if (r == 0 && (ags_gitops_is_kustomization(path) || ags_ct_scalar_is(ags_ct_map_get(doc, "kind"), "Kustomization")))
			r = check_generator(s, doc);
	}
	ags_ct_docs_free(&docs);
	return r;
}

int ags_gitops_check_scan(const char *path, const void *vdata, size_t len, struct ags_check_scan *out,
			  struct ags_diag *d)
{
	const char *data = vdata;
	struct ags_check_scan s = { 0 };
	int r = scan_private_keys(data, len, &s);
	enum fmt f = fmt_of(path, data, len);
	if (r == 0 && agesops_temp_name(path))
		r = add_finding(&s, AGS_CHECK_LEFTOVER, 0,
				"temporary file left by an interrupted write (it may hold plaintext): delete it");
	/* Cheap prefilter: only parse what may hold a Secret, sops metadata or a generator. */
	bool interesting = memmem(data, len, "Secret", 6) || memmem(data, len, "sops", 4) ||
			   memmem(data, len, "secretGenerator", 15);
	if (r == 0 && (f == F_YAML || f == F_JSON) && interesting)
		r = scan_tree(path, data, len, f == F_JSON, &s);
	else if (r == 0 && (f == F_ENV || f == F_INI) && memmem(data, len, "sops", 4))
		r = flat_metadata(&s, data, len, f == F_INI);
	if (r < 0) {
		ags_gitops_check_scan_clear(&s);
		return ags_diag_set(d, r, "%s: %s", path, ags_strerror(r));
	}
	*out = s;
	return 0;
}

void ags_gitops_check_scan_clear(struct ags_check_scan *s)
{
	if (!s)
		return;
	free(s->f);
	for (size_t i = 0; i < s->nrec; i++)
		free(s->recipients[i]);
	free(s->recipients);
	for (size_t i = 0; i < s->nrefs; i++) {
		free(s->refs[i].key);
		free(s->refs[i].path);
	}
	free(s->refs);
	memset(s, 0, sizeof(*s));
}

bool ags_gitops_sops_marker(const void *vdata, size_t len, const char *name)
{
	const char *data = vdata;
	if (has_ext(name, ".yaml") || has_ext(name, ".yml"))
		return memmem(data, len, "mac: ENC[", 9) != NULL;
	if (has_ext(name, ".env"))
		return memmem(data, len, "sops_mac=ENC[", 13) != NULL;
	if (has_ext(name, ".ini"))
		return memmem(data, len, "[sops]", 6) != NULL;
	/* JSON and binary (the JSON envelope) */
	return memmem(data, len, "\"mac\": \"ENC[", 12) != NULL;
}
