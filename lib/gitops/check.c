/*
 * The per-file half of `agesops check`: finds plaintext Secret values,
 * committed private keys, kustomize secretGenerator literals and sources,
 * and reads the sops metadata (recipients, MAC line) for the caller to
 * compare with .sops.yaml.  Pure scanning of one buffer; no I/O.
 */
#include "internal.h"
#include <agesops/gitops.h>

#include <ctype.h>
#include <libfyaml.h>
#include "yaml/fyaml.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64
#define MAX_NODES 200000

/* ---- a small line-numbered tree from libfyaml events ---- */

enum nkind { N_SCALAR, N_MAP, N_SEQ };

struct node {
	enum nkind kind;
	unsigned line; /* 1-based */
	char *s;
	size_t len;
	struct node **kids; /* MAP: key, value, key, value ...; SEQ: items */
	size_t n, cap;
};

static void node_free(struct node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		node_free(n->kids[i]);
	free(n->kids);
	/* Secret values pass through here: wipe them */
	if (n->s)
		ags_free_secret(n->s, n->len + 1);
	free(n);
}

static int node_add(struct node *p, struct node *c)
{
	if (p->n == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 8;
		struct node **nk = realloc(p->kids, nc * sizeof(*nk));
		if (!nk)
			return AGS_E_NOMEM;
		p->kids = nk;
		p->cap = nc;
	}
	p->kids[p->n++] = c;
	return 0;
}

static const struct node *map_get(const struct node *m, const char *key)
{
	if (!m || m->kind != N_MAP)
		return NULL;
	size_t kl = strlen(key);
	for (size_t i = 0; i + 1 < m->n; i += 2) {
		const struct node *k = m->kids[i];
		if (k->kind == N_SCALAR && k->len == kl && !memcmp(k->s, key, kl))
			return m->kids[i + 1];
	}
	return NULL;
}

static bool scalar_is(const struct node *n, const char *s)
{
	return n && n->kind == N_SCALAR && n->len == strlen(s) && !memcmp(n->s, s, n->len);
}

struct docs {
	struct node **v;
	size_t n;
};

static void docs_free(struct docs *d)
{
	for (size_t i = 0; i < d->n; i++)
		node_free(d->v[i]);
	free(d->v);
	d->v = NULL;
	d->n = 0;
}

/* Parses every document into trees.  Aliases become empty scalars (Secrets don't use them). */
static int parse_docs(const char *data, size_t len, bool json, struct docs *out, unsigned *errline)
{
	struct ags_fy_parser p;
	AGS_TRY(ags_fy_parser_open(&p, data, len, json));
	struct fy_parser *fyp = p.fyp;
	int r = 0;
	struct node *stack[MAX_DEPTH + 1];
	size_t depth = 0, nodes = 0;
	struct node *root = NULL;
	struct fy_event *e;
	while (r == 0 && (e = fy_parser_parse(fyp))) {
		struct node *nn = NULL;
		const struct fy_mark *m = fy_event_start_mark(e);
		unsigned line = m ? (unsigned)m->line + 1 : 0;
		switch (e->type) {
		case FYET_SCALAR:
		case FYET_ALIAS:
		case FYET_MAPPING_START:
		case FYET_SEQUENCE_START:
			if (++nodes > MAX_NODES) {
				r = AGS_E_TOO_BIG;
				break;
			}
			nn = calloc(1, sizeof(*nn));
			if (!nn) {
				r = AGS_E_NOMEM;
				break;
			}
			nn->line = line;
			if (e->type == FYET_SCALAR) {
				size_t tl = 0;
				const char *t = NULL;
				struct ags_buf sq; /* may hold a plaintext secret value */
				ags_buf_init_secret(&sq, len);
				r = ags_fy_scalar_text(e, p.src, p.len, json, &sq, &t, &tl);
				nn->kind = N_SCALAR;
				nn->s = r < 0 ? NULL : malloc(tl + 1);
				if (!nn->s) {
					ags_buf_release(&sq);
					free(nn);
					nn = NULL;
					r = r < 0 ? r : AGS_E_NOMEM;
					break;
				}
				if (tl)
					memcpy(nn->s, t, tl);
				nn->s[tl] = 0;
				nn->len = tl;
				ags_buf_release(&sq);
			} else if (e->type == FYET_ALIAS) {
				nn->kind = N_SCALAR;
				nn->s = calloc(1, 1);
			} else {
				nn->kind = e->type == FYET_MAPPING_START ? N_MAP : N_SEQ;
			}
			if (depth == 0) {
				root = nn;
			} else if ((r = node_add(stack[depth - 1], nn)) < 0) {
				node_free(nn);
				break;
			}
			if (e->type == FYET_MAPPING_START || e->type == FYET_SEQUENCE_START) {
				if (depth >= MAX_DEPTH) {
					r = AGS_E_TOO_BIG;
					break;
				}
				stack[depth++] = nn;
			}
			break;
		case FYET_MAPPING_END:
		case FYET_SEQUENCE_END:
			if (depth)
				depth--;
			break;
		case FYET_DOCUMENT_END:
			if (root) {
				struct node **nv = realloc(out->v, (out->n + 1) * sizeof(*nv));
				if (!nv) {
					r = AGS_E_NOMEM;
					break;
				}
				out->v = nv;
				out->v[out->n++] = root;
				root = NULL;
			}
			depth = 0;
			break;
		default:
			break;
		}
		fy_parser_event_free(fyp, e);
	}
	if (r == 0 && fy_parser_get_stream_error(fyp)) {
		r = AGS_E_SYNTAX;
		void *it = NULL;
		struct fy_diag_error *err = fy_diag_errors_iterate(p.diag, &it);
		if (errline)
			*errline = err ? (unsigned)err->line : 0;
	}
	if (root && (!out->n || out->v[out->n - 1] != root))
		node_free(root);
	ags_fy_parser_close(&p);
	return r;
}

/* ---- findings ---- */

static int add_finding(struct ags_check_scan *s, enum ags_check_kind kind, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int add_finding(struct ags_check_scan *s, enum ags_check_kind kind, unsigned line, const char *fmt, ...)
{
	if (s->nf >= 10000)
		return 0;
	struct ags_check_finding *nf = realloc(s->f, (s->nf + 1) * sizeof(*nf));
	if (!nf)
		return AGS_E_NOMEM;
	s->f = nf;
	struct ags_check_finding *f = &nf[s->nf++];
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
	struct ags_check_ref *nr = realloc(s->refs, (s->nrefs + 1) * sizeof(*nr));
	if (!nr)
		return AGS_E_NOMEM;
	s->refs = nr;
	struct ags_check_ref *r = &nr[s->nrefs];
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
	char **nv = realloc(s->recipients, (s->nrec + 1) * sizeof(*nv));
	if (!nv)
		return AGS_E_NOMEM;
	s->recipients = nv;
	if (!(nv[s->nrec] = strndup(r, len)))
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
		const struct node *r = map_get(l->kids[i], "recipient");
		if (r && r->kind == N_SCALAR)
			AGS_TRY(add_recipient(s, r->s, r->len, r->line));
	}
	return 0;
}

static int sops_metadata(struct ags_check_scan *s, const struct node *sops)
{
	if (!sops || sops->kind != N_MAP)
		return 0;
	const struct node *mac = map_get(sops, "mac");
	if (!mac || mac->kind != N_SCALAR || mac->len < 4 || memcmp(mac->s, "ENC[", 4))
		return 0;
	if (s->sops) /* multi-document YAML repeats the same block */
		return 0;
	s->sops = true;
	s->mac_line = mac->line;
	AGS_TRY(age_list(s, map_get(sops, "age")));
	const struct node *kg = map_get(sops, "key_groups");
	if (kg && kg->kind == N_SEQ)
		for (size_t i = 0; i < kg->n; i++)
			AGS_TRY(age_list(s, map_get(kg->kids[i], "age")));
	return 0;
}

static bool is_enc(const struct node *v)
{
	return v->kind == N_SCALAR && v->len >= 16 && !memcmp(v->s, "ENC[AES256_GCM,", 15);
}

static int check_secret_values(struct ags_check_scan *s, const struct node *doc, const char *field, bool sops)
{
	const struct node *m = map_get(doc, field);
	if (!m || m->kind != N_MAP)
		return 0;
	for (size_t i = 0; i + 1 < m->n; i += 2) {
		const struct node *k = m->kids[i], *v = m->kids[i + 1];
		if (k->kind != N_SCALAR)
			continue;
		if (v->kind != N_SCALAR) {
			AGS_TRY(add_finding(s, AGS_CHECK_PLAINTEXT, v->line, "Secret %s.%.*s is not a string", field,
					    (int)AGS_MIN(k->len, 100), k->s));
			continue;
		}
		if (is_enc(v))
			continue;
		if (sops)
			AGS_TRY(add_finding(s, AGS_CHECK_PLAINTEXT, v->line,
					    "Secret value %s.%.*s left in plaintext by the encryption rules", field,
					    (int)AGS_MIN(k->len, 100), k->s));
		else if (v->len > 0 && !scalar_is(v, "null") && !scalar_is(v, "~"))
			AGS_TRY(add_finding(s, AGS_CHECK_PLAINTEXT, v->line,
					    "plaintext Secret value %s.%.*s (encrypt it: agesops encrypt -i, or agesops secret ... --encrypt)",
					    field, (int)AGS_MIN(k->len, 100), k->s));
	}
	return 0;
}

static int check_generator(struct ags_check_scan *s, const struct node *doc)
{
	const struct node *sg = map_get(doc, "secretGenerator");
	if (!sg || sg->kind != N_SEQ)
		return 0;
	for (size_t i = 0; i < sg->n; i++) {
		const struct node *g = sg->kids[i];
		const struct node *lits = map_get(g, "literals");
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
		const struct node *files = map_get(g, "files");
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
		const struct node *envs = map_get(g, "envs");
		if (envs && envs->kind == N_SEQ)
			for (size_t j = 0; j < envs->n; j++)
				if (envs->kids[j]->kind == N_SCALAR && envs->kids[j]->len)
					AGS_TRY(add_ref(s, NULL, 0, envs->kids[j]->s, envs->kids[j]->len, envs->kids[j]->line, true));
		const struct node *env = map_get(g, "env");
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

int ags_gitops_check_scan(const char *path, const void *vdata, size_t len, struct ags_check_scan *out,
			  struct ags_diag *d)
{
	const char *data = vdata;
	struct ags_check_scan s = { 0 };
	int r = scan_private_keys(data, len, &s);
	bool yaml = has_ext(path, ".yaml") || has_ext(path, ".yml") || ags_gitops_is_kustomization(path);
	bool json = has_ext(path, ".json");
	/* Cheap prefilter: only parse what may hold a Secret, sops metadata or a generator. */
	bool interesting = memmem(data, len, "Secret", 6) || memmem(data, len, "sops", 4) ||
			   memmem(data, len, "secretGenerator", 15);
	if (r == 0 && (yaml || json) && interesting) {
		struct docs docs = { 0 };
		unsigned errline = 0;
		if (!ags_utf8_valid(data, len, NULL)) {
			r = add_finding(&s, AGS_CHECK_SYNTAX, 0, "not valid UTF-8: not checked for Secrets");
		} else {
			int pr = parse_docs(data, len, json, &docs, &errline);
			if (pr == AGS_E_SYNTAX || pr == AGS_E_TOO_BIG)
				r = add_finding(&s, AGS_CHECK_SYNTAX, errline,
						"cannot parse as %s: not checked for Secrets", json ? "JSON" : "YAML");
			else if (pr < 0)
				r = pr;
		}
		for (size_t i = 0; r == 0 && i < docs.n; i++)
			r = sops_metadata(&s, map_get(docs.v[i], "sops"));
		for (size_t i = 0; r == 0 && i < docs.n; i++) {
			const struct node *doc = docs.v[i];
			if (scalar_is(map_get(doc, "kind"), "Secret") && !scalar_is(map_get(doc, "$patch"), "delete")) {
				r = check_secret_values(&s, doc, "data", s.sops);
				if (r == 0)
					r = check_secret_values(&s, doc, "stringData", s.sops);
			}
			if (r == 0 && (ags_gitops_is_kustomization(path) ||
				       scalar_is(map_get(doc, "kind"), "Kustomization")))
				r = check_generator(&s, doc);
		}
		docs_free(&docs);
	} else if (r == 0 && (has_ext(path, ".env") || has_ext(path, ".ini")) && memmem(data, len, "sops", 4)) {
		r = flat_metadata(&s, data, len, has_ext(path, ".ini"));
	}
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
