/*
 * Which values are encrypted: sops' shouldBeEncrypted (sops.md section 4).
 *
 * Regexes are Go RE2 syntax matched as an unanchored search.  PCRE2 runs
 * them, with Go's meaning of '$' (end of text only) and a match limit; the
 * constructs RE2 rejects (backreferences, lookaround, atomic groups,
 * possessive quantifiers, recursion, conditionals, callouts, verbs, and
 * escapes Go does not know) are refused up front so that a pattern never
 * means something different here than in Go sops.
 */
#include "internal.h"
#include "sops/sops-int.h"
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#define MATCH_LIMIT 1000000
#define DEPTH_LIMIT 10000
#define RE_MAX_LEN 4096

static bool is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int re2_reject(const char *what, const char *re, size_t off, const char *why, struct ags_diag *d)
{
	return ags_diag_set(d, AGS_E_SOPS_REGEX, "%s: regex \"%.200s\" at offset %zu: %s (not supported by Go RE2)",
			    what, re, off, why);
}

/* Repetition counts {n,m}: Go refuses counts above 1000. */
static int check_braces(const char *re, size_t i, size_t n, size_t *end)
{
	size_t j = i + 1;
	unsigned long a = 0, b = 0;
	size_t da = 0, db = 0;
	while (j < n && re[j] >= '0' && re[j] <= '9' && da < 8)
		a = a * 10 + (unsigned long)(re[j++] - '0'), da++;
	if (da == 0)
		return 0; /* a literal '{' */
	if (j < n && re[j] == ',') {
		j++;
		while (j < n && re[j] >= '0' && re[j] <= '9' && db < 8)
			b = b * 10 + (unsigned long)(re[j++] - '0'), db++;
	}
	if (j >= n || re[j] != '}')
		return 0;
	*end = j;
	return (a > 1000 || b > 1000) ? -1 : 1;
}

int ags_sops_regex_check(const char *re, const char *what, struct ags_diag *d)
{
	if (!re || !*re)
		return 0;
	size_t n = strlen(re);
	if (n > RE_MAX_LEN)
		return ags_diag_set(d, AGS_E_SOPS_REGEX, "%s: regex longer than %d bytes", what, RE_MAX_LEN);
	if (!ags_utf8_valid(re, n, NULL))
		return ags_diag_set(d, AGS_E_SOPS_REGEX, "%s: regex is not valid UTF-8", what);
	bool in_class = false, quoted = false;
	bool prev_quant = false; /* the previous token was a quantifier */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)re[i];
		bool quant = false;
		if (quoted) {
			if (c == '\\' && i + 1 < n && re[i + 1] == 'E') {
				quoted = false;
				i++;
			}
			prev_quant = false;
			continue;
		}
		if (c == '\\') {
			if (i + 1 >= n)
				return re2_reject(what, re, i, "trailing backslash", d);
			unsigned char e = (unsigned char)re[++i];
			if (e >= '1' && e <= '9') {
				/* Go reads \1..\7 followed by an octal digit as octal; PCRE may read it as a
				 * backreference.  Refuse both readings rather than guess. */
				return re2_reject(what, re, i - 1, "backreference or ambiguous octal escape", d);
			}
			if (e == 'Q') {
				if (in_class)
					return re2_reject(what, re, i - 1, "\\Q inside a character class", d);
				quoted = true;
				continue;
			}
			if (is_alnum(e) && !strchr("afnrtvAzbBdDsSwWpPx0", e))
				return re2_reject(what, re, i - 1, "unknown escape", d);
			if (in_class && strchr("AzbB", e))
				return re2_reject(what, re, i - 1, "escape not allowed in a class", d);
			if (e == 'v')
				return re2_reject(what, re, i - 1, "\\v means a different thing in PCRE; use \\x0B", d);
			if (e == 'x' && i + 1 < n && re[i + 1] != '{') {
				/* \xHH: exactly two hex digits in Go */
				if (i + 2 >= n || !strchr("0123456789abcdefABCDEF", re[i + 1]) ||
				    !strchr("0123456789abcdefABCDEF", re[i + 2]))
					return re2_reject(what, re, i - 1, "\\x needs two hex digits", d);
			}
			prev_quant = false;
			continue;
		}
		if (in_class) {
			if (c == ']')
				in_class = false;
			continue;
		}
		switch (c) {
		case '[':
			in_class = true;
			/* a ']' or '^]' right after '[' is a literal */
			if (i + 1 < n && re[i + 1] == '^')
				i++;
			if (i + 1 < n && re[i + 1] == ']')
				i++;
			break;
		case '(':
			if (i + 1 < n && re[i + 1] == '*')
				return re2_reject(what, re, i, "PCRE verb or option setting", d);
			if (i + 1 < n && re[i + 1] == '?') {
				size_t j = i + 2;
				if (j >= n)
					return re2_reject(what, re, i, "incomplete group", d);
				char g = re[j];
				if (g == ':')
					break;
				if (g == 'P' && j + 1 < n && re[j + 1] == '<')
					break;
				if (g == '<' && j + 1 < n && re[j + 1] != '=' && re[j + 1] != '!')
					break; /* (?<name> since Go 1.22 */
				if (g == '=' || g == '!' || g == '<')
					return re2_reject(what, re, i, "lookaround", d);
				if (g == '>')
					return re2_reject(what, re, i, "atomic group", d);
				if (g == '#')
					return re2_reject(what, re, i, "comment group", d);
				if (g == '(')
					return re2_reject(what, re, i, "conditional group", d);
				if (g == 'P' || g == '&' || g == 'R' || g == '+' || (g >= '0' && g <= '9'))
					return re2_reject(what, re, i, "backreference or recursion", d);
				if (g == '|')
					return re2_reject(what, re, i, "branch reset group", d);
				/* flags: (?imsU-imsU) or (?imsU-imsU:...) */
				for (; j < n && re[j] != ')' && re[j] != ':'; j++)
					if (!strchr("imsU-", re[j]))
						return re2_reject(what, re, i, "unknown group flag", d);
				if (j >= n)
					return re2_reject(what, re, i, "missing )", d);
			}
			break;
		case '*':
		case '+':
		case '?':
			if (prev_quant) {
				if (c == '+')
					return re2_reject(what, re, i, "possessive quantifier", d);
				if (c == '?')
					break; /* lazy; a quantifier after it is caught next time */
				return re2_reject(what, re, i, "repeated quantifier", d);
			}
			quant = true;
			break;
		case '{': {
			size_t end;
			int b = check_braces(re, i, n, &end);
			if (b < 0)
				return re2_reject(what, re, i, "repeat count above 1000", d);
			if (b > 0) {
				if (prev_quant)
					return re2_reject(what, re, i, "repeated quantifier", d);
				i = end;
				quant = true;
			}
			break;
		}
		default:
			break;
		}
		prev_quant = quant;
	}
	if (in_class)
		return re2_reject(what, re, n, "missing ]", d);
	return 0;
}

struct re {
	pcre2_code *code;
	pcre2_match_data *md;
	bool invalid; /* never matches */
};

struct ags_sops_matcher {
	char *unencrypted_suffix, *encrypted_suffix;
	struct re unencrypted_regex, encrypted_regex, unencrypted_comment_regex, encrypted_comment_regex;
	pcre2_match_context *mctx;
};

static int re_compile(struct re *r, const char *pat, const char *what, bool strict, struct ags_diag *d)
{
	memset(r, 0, sizeof(*r));
	if (!pat || !*pat)
		return 0;
	int c = ags_sops_regex_check(pat, what, d);
	if (c < 0) {
		if (strict)
			return c;
		r->invalid = true;
		return 0;
	}
	int err;
	PCRE2_SIZE off;
	r->code = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
				PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_NEVER_BACKSLASH_C,
				&err, &off, NULL);
	if (!r->code) {
		if (!strict) {
			r->invalid = true;
			return 0;
		}
		PCRE2_UCHAR msg[160];
		pcre2_get_error_message(err, msg, sizeof(msg));
		return ags_diag_set(d, AGS_E_SOPS_REGEX, "%s: invalid regex \"%.200s\" at offset %zu: %s", what, pat,
				    (size_t)off, (char *)msg);
	}
	r->md = pcre2_match_data_create_from_pattern(r->code, NULL);
	if (!r->md) {
		pcre2_code_free(r->code);
		r->code = NULL;
		return AGS_E_NOMEM;
	}
	return 0;
}

static void re_free(struct re *r)
{
	pcre2_match_data_free(r->md);
	pcre2_code_free(r->code);
	memset(r, 0, sizeof(*r));
}

static bool re_search(const struct re *r, pcre2_match_context *mctx, const char *s, size_t n)
{
	if (!r->code)
		return false;
	int rc = pcre2_match(r->code, (PCRE2_SPTR)s, n, 0, 0, r->md, mctx);
	/* Past the match limit Go would still answer; we say "no match" rather
	 * than spin (documented difference). */
	return rc >= 0;
}

static bool set(const char *s)
{
	return s && *s;
}

void ags_sops_matcher_free(struct ags_sops_matcher *m)
{
	if (!m)
		return;
	free(m->unencrypted_suffix);
	free(m->encrypted_suffix);
	re_free(&m->unencrypted_regex);
	re_free(&m->encrypted_regex);
	re_free(&m->unencrypted_comment_regex);
	re_free(&m->encrypted_comment_regex);
	pcre2_match_context_free(m->mctx);
	free(m);
}

int ags_sops_matcher_new(const struct ags_sops_rules *r, bool strict, bool use_default,
			 struct ags_sops_matcher **ret, struct ags_diag *d)
{
	int nset = set(r->unencrypted_suffix) + set(r->encrypted_suffix) + set(r->unencrypted_regex) +
		   set(r->encrypted_regex) + set(r->unencrypted_comment_regex) + set(r->encrypted_comment_regex);
	if (nset > 1)
		return ags_diag_set(d, AGS_E_SOPS_CONFLICT,
				    "cannot use more than one of encrypted_suffix, unencrypted_suffix, "
				    "encrypted_regex, unencrypted_regex, encrypted_comment_regex or "
				    "unencrypted_comment_regex for the same file");
	struct ags_sops_matcher *m = calloc(1, sizeof(*m));
	if (!m)
		return AGS_E_NOMEM;
	int rc = 0;
	m->mctx = pcre2_match_context_create(NULL);
	if (!m->mctx)
		rc = AGS_E_NOMEM;
	if (rc == 0) {
		pcre2_set_match_limit(m->mctx, MATCH_LIMIT);
		pcre2_set_depth_limit(m->mctx, DEPTH_LIMIT);
	}
	const char *us = r->unencrypted_suffix;
	if (nset == 0 && use_default)
		us = "_unencrypted";
	if (rc == 0 && set(us) && !(m->unencrypted_suffix = strdup(us)))
		rc = AGS_E_NOMEM;
	if (rc == 0 && set(r->encrypted_suffix) && !(m->encrypted_suffix = strdup(r->encrypted_suffix)))
		rc = AGS_E_NOMEM;
	if (rc == 0)
		rc = re_compile(&m->unencrypted_regex, r->unencrypted_regex, "unencrypted_regex", strict, d);
	if (rc == 0)
		rc = re_compile(&m->encrypted_regex, r->encrypted_regex, "encrypted_regex", strict, d);
	if (rc == 0)
		rc = re_compile(&m->unencrypted_comment_regex, r->unencrypted_comment_regex,
				"unencrypted_comment_regex", strict, d);
	if (rc == 0)
		rc = re_compile(&m->encrypted_comment_regex, r->encrypted_comment_regex, "encrypted_comment_regex",
				strict, d);
	if (rc < 0) {
		ags_sops_matcher_free(m);
		return rc;
	}
	*ret = m;
	return 0;
}

int ags_sops_rules_check(const struct ags_sops_rules *r, struct ags_diag *d)
{
	struct ags_sops_matcher *m;
	AGS_TRY(ags_sops_matcher_new(r, true, false, &m, d));
	ags_sops_matcher_free(m);
	return 0;
}

static bool ends_with(const struct ags_value *k, const char *suf)
{
	size_t n = strlen(suf);
	return k->str.len >= n && memcmp(k->str.p + k->str.len - n, suf, n) == 0;
}

bool ags_sops_should_encrypt(const struct ags_sops_matcher *m, const struct ags_sops_pathv *path,
			     const struct ags_sops_cstack *stack, bool is_comment)
{
	bool enc = true;
	if (m->unencrypted_suffix) {
		for (size_t i = 0; i < path->n; i++)
			if (ends_with(path->k[i], m->unencrypted_suffix)) {
				enc = false;
				break;
			}
	}
	if (m->encrypted_suffix) {
		enc = false;
		for (size_t i = 0; i < path->n; i++)
			if (ends_with(path->k[i], m->encrypted_suffix)) {
				enc = true;
				break;
			}
	}
	if (m->unencrypted_regex.code || m->unencrypted_regex.invalid) {
		for (size_t i = 0; i < path->n; i++)
			if (re_search(&m->unencrypted_regex, m->mctx, path->k[i]->str.p, path->k[i]->str.len)) {
				enc = false;
				break;
			}
	}
	if (m->encrypted_regex.code || m->encrypted_regex.invalid) {
		enc = false;
		for (size_t i = 0; i < path->n; i++)
			if (re_search(&m->encrypted_regex, m->mctx, path->k[i]->str.p, path->k[i]->str.len)) {
				enc = true;
				break;
			}
	}
	if (m->unencrypted_comment_regex.code || m->unencrypted_comment_regex.invalid) {
		for (size_t i = 0; i < stack->n && enc; i++)
			for (size_t j = 0; j < stack->lv[i].n; j++) {
				const struct ags_sops_cstr *c = &stack->lv[i].c[j];
				if (re_search(&m->unencrypted_comment_regex, m->mctx, c->p, c->len)) {
					enc = false;
					break;
				}
			}
	}
	if (m->encrypted_comment_regex.code || m->encrypted_comment_regex.invalid) {
		enc = false;
		for (size_t i = 0; i < stack->n && !enc; i++)
			for (size_t j = 0; j < stack->lv[i].n; j++) {
				/* the marker comment itself stays clear */
				if (is_comment && i == stack->n - 1 && j == stack->lv[i].n - 1)
					continue;
				const struct ags_sops_cstr *c = &stack->lv[i].c[j];
				if (re_search(&m->encrypted_comment_regex, m->mctx, c->p, c->len)) {
					enc = true;
					break;
				}
			}
	}
	return enc;
}

bool ags_sops_matcher_unenc_comment_matches(const struct ags_sops_matcher *m, const char *s, size_t n)
{
	return re_search(&m->unencrypted_comment_regex, m->mctx, s, n);
}

int ags_sops_regex_search(const char *pat, const char *s, size_t n, struct ags_diag *d)
{
	struct re r;
	AGS_TRY(re_compile(&r, pat, "regex", true, d));
	pcre2_match_context *mctx = pcre2_match_context_create(NULL);
	if (!mctx) {
		re_free(&r);
		return AGS_E_NOMEM;
	}
	pcre2_set_match_limit(mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(mctx, DEPTH_LIMIT);
	int rc = (!pat || !*pat) ? 1 : re_search(&r, mctx, s, n);
	pcre2_match_context_free(mctx);
	re_free(&r);
	return rc;
}
