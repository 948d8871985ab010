/*
 * Opening libfyaml parsers and documents the same way for every reader,
 * with the two guards the readers need: a load that fails is an error
 * (libfyaml returns no document both for an empty stream and when it runs
 * out of memory, so "no document" is only accepted for input that holds
 * nothing), and aliases are expanded only after their expanded size has
 * been counted against a cap (a few hundred bytes of nested aliases would
 * otherwise expand to gigabytes).
 */
#include "internal.h"
#include "yaml/fyaml.h"
#include "yaml/fy_msg.h"
#include <stdlib.h>
#include <string.h>

#define TAB_TRAP_MSG "a tab cannot indent a block indicator (use spaces)"

/* 1-based line of offset off. */
static unsigned line_of(const char *s, size_t off)
{
	unsigned l = 1;
	for (size_t i = 0; i < off; i++)
		l += s[i] == '\n';
	return l;
}

static struct fy_diag *diag_new(void)
{
	struct fy_diag_cfg dc;
	fy_diag_cfg_default(&dc);
	dc.fp = NULL;
	dc.colorize = false;
	struct fy_diag *diag = fy_diag_create(&dc);
	if (diag)
		fy_diag_set_collect_errors(diag, true);
	return diag;
}

/* The first collected error as "what:L:C: msg" (or "line L, column C:
 * msg" without what), or 0 when none was collected. */
static int first_error(struct fy_diag *diag, int code, const char *what, struct ags_diag *d)
{
	void *it = NULL;
	struct fy_diag_error *er;
	while (diag && (er = fy_diag_errors_iterate(diag, &it)) != NULL) {
		if (er->type < FYET_ERROR)
			continue;
		char m[256];
		const char *msg = ags_fy_msg(er->msg, m, sizeof(m));
		if (what)
			return ags_diag_set(d, code, "%s:%d:%d: %s", what, er->line, er->column, msg);
		return ags_diag_set(d, code, "line %d, column %d: %s", er->line, er->column, msg);
	}
	return 0;
}

static int open_raw(struct ags_fy_parser *p, const char *data, size_t len, bool json)
{
	memset(p, 0, sizeof(*p));
	unsigned tl, tc;
	if (ags_fy_tab_trap(data, len, &tl, &tc)) /* never parsed: see fyaml_guard.c */
		return AGS_E_SYNTAX;
	p->diag = diag_new();
	if (!p->diag)
		return AGS_E_NOMEM;
	struct fy_parse_cfg cfg;
	memset(&cfg, 0, sizeof(cfg));
	/* go-yaml accepts a flow collection closed left of its indentation */
	cfg.flags = FYPCF_QUIET | FYPCF_SLOPPY_FLOW_INDENTATION | (json ? FYPCF_JSON_FORCE : FYPCF_JSON_NONE);
	cfg.diag = p->diag;
	p->fyp = fy_parser_create(&cfg);
	if (!p->fyp || fy_parser_set_string(p->fyp, data ? data : "", len) != 0) {
		ags_fy_parser_close(p);
		return AGS_E_NOMEM;
	}
	return 0;
}

/* ---- empty entries of indentless sequences ----
 * go-yaml reads "a:\n-\n- y\n" as [null, "y"]; libfyaml 0.7.12 fails with
 * "did not find expected node content" at the token after an empty entry
 * of a sequence that is not indented under its key.  Such an entry is
 * given an explicit null ("- ~", same line, so lines and comments stay
 * where they were) and the input parsed again, for as long as the error
 * follows a line holding only "-".  Only a failing parse is ever patched. */

#define PATCH_MAX 256

/* Start of 1-based line `line`, or len. */
static size_t line_start(const char *s, size_t len, int line)
{
	size_t i = 0;
	for (int l = 1; l < line && i < len; l++) {
		const char *nl = memchr(s + i, '\n', len - i);
		i = nl ? (size_t)(nl - s) + 1 : len;
	}
	return i;
}

/* The offset just after the "-" of the last line before `before` that
 * holds something, when that line is only a "-" (and maybe a comment). */
static bool empty_entry_before(const char *s, size_t before, size_t *at)
{
	size_t e = before;
	while (e > 0) {
		size_t a = e - 1; /* e - 1 is the '\n' ending the line [a, e - 1) */
		while (a > 0 && s[a - 1] != '\n')
			a--;
		size_t i = a;
		while (i < e - 1 && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
			i++;
		if (i == e - 1 || s[i] == '#') { /* blank or comment only */
			e = a;
			continue;
		}
		if (s[i] != '-')
			return false;
		size_t j = i + 1;
		while (j < e - 1 && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r'))
			j++;
		if (j < e - 1 && s[j] != '#')
			return false;
		*at = i + 1;
		return true;
	}
	return false;
}

/* Parses s to its end; on the libfyaml error above, *at: where to insert. */
static bool needs_patch(const char *s, size_t len, size_t *at)
{
	struct ags_fy_parser p;
	if (open_raw(&p, s, len, false) < 0)
		return false;
	struct fy_event *e;
	while ((e = fy_parser_parse(p.fyp)) != NULL)
		fy_parser_event_free(p.fyp, e);
	bool r = false;
	void *it = NULL;
	struct fy_diag_error *er;
	if (fy_parser_get_stream_error(p.fyp)) {
		while ((er = fy_diag_errors_iterate(p.diag, &it)) != NULL && er->type < FYET_ERROR)
			;
		if (er && er->msg && strcmp(er->msg, "did not find expected node content") == 0 && er->line > 1)
			r = empty_entry_before(s, line_start(s, len, er->line), at);
	}
	ags_fy_parser_close(&p);
	return r;
}

/* Whether any line is only "-" (cheap test before parsing twice). */
static bool has_bare_dash(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '-' || (i && s[i - 1] != '\n' && s[i - 1] != ' ' && s[i - 1] != '\t'))
			continue;
		size_t j = i + 1;
		while (j < len && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r'))
			j++;
		if (j == len || s[j] == '\n' || s[j] == '#')
			return true;
	}
	return false;
}

/* A copy of data with the empty entries made explicit, or NULL (*err set
 * on allocation failure) when nothing needs patching. */
static char *patch_empty_entries(const char *data, size_t len, size_t *outlen, int *err)
{
	*err = 0;
	if (!has_bare_dash(data, len) || len > ((size_t)64 << 20))
		return NULL;
	char *s = NULL;
	size_t n = len, at;
	for (int k = 0; k < PATCH_MAX && needs_patch(s ? s : data, n, &at); k++) {
		char *t = malloc(n + 3);
		if (!t) {
			free(s);
			*err = AGS_E_NOMEM;
			return NULL;
		}
		const char *src = s ? s : data;
		memcpy(t, src, at);
		memcpy(t + at, " ~", 2);
		memcpy(t + at + 2, src + at, n - at);
		n += 2;
		t[n] = 0;
		free(s);
		s = t;
	}
	*outlen = n;
	return s;
}

/* ---- line breaks as go-yaml reads them ----
 * go-yaml ends a line at U+2028/U+2029 (and writes them raw inside block
 * scalars, where the next line follows at its indentation); libfyaml reads
 * them as text.  The parser is given a copy of the same length in which
 * each LS is "\1\1\n" and each PS "\2\2\n", so that the structure is
 * go-yaml's; ags_fy_scalar_text turns the marks back into LS and PS, and the
 * comment reader ends a comment at a mark.  Not done when the input holds
 * \1 or \2 (go-yaml rejects such input anyway).  In the same copy a CR
 * that is not followed by LF (a line break for both parsers) becomes LF,
 * so that readers of the source bytes, which count lines by LF, agree with
 * libfyaml's lines (found by tests/fuzz fuzz-sops-load: comments of a
 * CR-only file moved onto other lines and into a block scalar). */

static bool lone_cr(const char *data, size_t len)
{
	const char *q = data;
	while ((q = memchr(q, '\r', len - (size_t)(q - data))) != NULL) {
		if ((size_t)(q - data) + 1 == len || q[1] != '\n')
			return true;
		q++;
	}
	return false;
}

static bool unicode_break(const char *data, size_t len)
{
	if (memchr(data, 1, len) || memchr(data, 2, len))
		return false;
	const char *q = data;
	while ((q = memchr(q, 0xE2, len - (size_t)(q - data))) != NULL && (size_t)(q - data) + 2 < len) {
		if ((unsigned char)q[1] == 0x80 && ((unsigned char)q[2] == 0xA8 || (unsigned char)q[2] == 0xA9))
			return true;
		q++;
	}
	return false;
}

static char *normalize_breaks(const char *data, size_t len, int *err)
{
	*err = 0;
	bool cr = lone_cr(data, len), marks = unicode_break(data, len);
	if (!cr && !marks)
		return NULL;
	char *s = malloc(len + 1);
	if (!s) {
		*err = AGS_E_NOMEM;
		return NULL;
	}
	memcpy(s, data, len);
	s[len] = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char *u = (unsigned char *)s + i;
		if (u[0] == '\r' && (i + 1 == len || u[1] != '\n')) {
			u[0] = '\n';
		} else if (marks && i + 2 < len && u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0xA8 || u[2] == 0xA9)) {
			u[0] = u[1] = u[2] == 0xA8 ? 1 : 2;
			u[2] = '\n';
			i += 2;
		}
	}
	return s;
}

int ags_fy_parser_open(struct ags_fy_parser *p, const char *data, size_t len, bool json, struct ags_diag *d)
{
	/* go-yaml refuses NUL ("control characters are not allowed"), and
	 * libfyaml 0.7.12 can crash freeing a parser that met one (found by
	 * tests/fuzz fuzz-gitops-check): it never reaches libfyaml */
	if (data && memchr(data, 0, len))
		return ags_diag_set(d, AGS_E_SYNTAX, "line %u: control characters are not allowed (0x00)",
				    line_of(data, (size_t)((const char *)memchr(data, 0, len) - data)));
	unsigned tl, tc;
	if (ags_fy_tab_trap(data, len, &tl, &tc))
		return ags_diag_set(d, AGS_E_SYNTAX, "line %u, column %u: " TAB_TRAP_MSG, tl, tc);
	int err;
	size_t plen = len;
	char *marked = json ? NULL : normalize_breaks(data, len, &err);
	if (!marked && !json && err)
		return err;
	if (marked)
		data = marked;
	char *patched = json ? NULL : patch_empty_entries(data, len, &plen, &err);
	if (!patched && !json && err) {
		free(marked);
		return err;
	}
	if (patched) {
		free(marked);
	} else if (marked) {
		patched = marked;
		plen = len;
	}
	int r = open_raw(p, patched ? patched : data, plen, json);
	if (r < 0) {
		free(patched);
		return r;
	}
	p->owned = patched;
	p->src = patched ? patched : data;
	p->len = plen;
	return 0;
}

void ags_fy_parser_close(struct ags_fy_parser *p)
{
	if (p->fyp)
		fy_parser_destroy(p->fyp);
	if (p->diag)
		fy_diag_destroy(p->diag);
	free(p->owned);
	memset(p, 0, sizeof(*p));
}

int ags_fy_parser_status(struct ags_fy_parser *p, int code, const char *what, struct ags_diag *d)
{
	if (!fy_parser_get_stream_error(p->fyp))
		return 0;
	int r = first_error(p->diag, code, NULL, d);
	/* a stream error with no message (libfyaml could not allocate) is
	 * still an error, never an empty document */
	return r ? r : ags_diag_set(d, code, "%s: could not be parsed", what);
}

/* Input that holds no node: blanks, comments, document markers. */
static bool no_content(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t e = i;
		while (e < n && s[e] != '\n')
			e++;
		size_t a = i;
		while (a < e && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r'))
			a++;
		bool marker = e - a >= 3 && (memcmp(s + a, "---", 3) == 0 || memcmp(s + a, "...", 3) == 0) &&
			      (e - a == 3 || s[a + 3] == ' ' || s[a + 3] == '\t' || s[a + 3] == '\r');
		if (a < e && s[a] != '#' && !marker)
			return false;
		i = e + 1;
	}
	return true;
}

#define ALIAS_MAX_DEPTH 512

/* Counts the nodes of n with aliases expanded, stopping past *budget or
 * ALIAS_MAX_DEPTH (an alias inside its own anchor never ends). */
static bool count_nodes(struct fy_node *n, size_t *budget, int depth)
{
	if (!n)
		return true;
	if (*budget == 0 || depth > ALIAS_MAX_DEPTH)
		return false;
	(*budget)--;
	switch (fy_node_get_type(n)) {
	case FYNT_SCALAR:
		if (fy_node_get_style(n) == FYNS_ALIAS) {
			struct fy_node *t = fy_node_resolve_alias(n);
			return t && count_nodes(t, budget, depth + 1);
		}
		return true;
	case FYNT_SEQUENCE: {
		void *it = NULL;
		struct fy_node *c;
		while ((c = fy_node_sequence_iterate(n, &it)) != NULL)
			if (!count_nodes(c, budget, depth + 1))
				return false;
		return true;
	}
	case FYNT_MAPPING: {
		void *it = NULL;
		struct fy_node_pair *np;
		while ((np = fy_node_mapping_iterate(n, &it)) != NULL)
			if (!count_nodes(fy_node_pair_key(np), budget, depth + 1) ||
			    !count_nodes(fy_node_pair_value(np), budget, depth + 1))
				return false;
		return true;
	}
	}
	return true;
}

int ags_fy_document_load(const char *data, size_t len, bool resolve, int code, const char *what,
			 struct fy_document **out, struct ags_diag *d)
{
	*out = NULL;
	if (data && memchr(data, 0, len)) /* as ags_fy_parser_open */
		return ags_diag_set(d, code, "%s: control characters are not allowed (0x00)", what);
	unsigned tl, tc;
	if (ags_fy_tab_trap(data, len, &tl, &tc))
		return ags_diag_set(d, code, "%s:%u:%u: " TAB_TRAP_MSG, what, tl, tc);
	struct fy_diag *diag = diag_new();
	if (!diag)
		return AGS_E_NOMEM;
	struct fy_parse_cfg cfg = { .flags = FYPCF_QUIET, .diag = diag };
	int err;
	size_t plen;
	char *patched = patch_empty_entries(data, len, &plen, &err);
	if (err) {
		fy_diag_destroy(diag);
		return err;
	}
	/* libfyaml keeps pointing into its input: a patched copy is handed over */
	struct fy_document *fyd = patched ? fy_document_build_from_malloc_string(&cfg, patched, plen)
					  : fy_document_build_from_string(&cfg, data, len);
	int r = 0;
	if (!fyd) {
		r = first_error(diag, code, what, d);
		if (!r && !no_content(data, len))
			r = ags_diag_set(d, AGS_E_NOMEM, "%s: could not load (out of memory)", what);
	} else if (resolve) {
		size_t budget = AGS_FY_MAX_EXPANDED_NODES(len);
		if (!count_nodes(fy_document_root(fyd), &budget, 0))
			r = ags_diag_set(d, code, "%s: document contains excessive aliasing%s", what,
					 budget ? " (an alias refers to itself or nests too deeply)" : "");
		else if (fy_document_resolve(fyd) != 0 && (r = first_error(diag, code, what, d)) == 0)
			r = ags_diag_set(d, code, "%s: could not resolve aliases", what);
	}
	if (r < 0) {
		fy_document_destroy(fyd);
		fy_diag_destroy(diag);
		return r;
	}
	*out = fyd;
	fy_diag_destroy(diag); /* the document holds its own reference */
	return 0;
}
