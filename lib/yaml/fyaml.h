/*
 * The libfyaml 0.7.12 (Debian 12) layer every YAML reader of the library
 * goes through (the SOPS stores, .sops.yaml, check's scanner, kubeconfig):
 * one way to open a parser or load a document, load failures that are
 * always errors (never an empty document), a cap on alias expansion, and
 * the scalar text as go-yaml v3 reads it.
 */
#ifndef AGS_YAML_FYAML_H
#define AGS_YAML_FYAML_H

#include <stdbool.h>
#include <stddef.h>
#include <libfyaml.h>
#include "util/buf.h"
#include <agesops/agesops.h>

/*
 * The text of a scalar event, as go-yaml v3 reads it (see fyaml_scalar.c):
 * NEL/LS/PS fold as line breaks in flow scalars (not for json), '' in
 * single-quoted scalars, and a block scalar that ends the file without a
 * line break keeps no final newline.  src and srclen: the buffer given to
 * the parser.  The text may be decoded into tmp, which the caller
 * initialises and releases; *s and *n point into tmp or into libfyaml's
 * token (valid until the event is freed).
 */
int ags_fy_scalar_text(struct fy_event *e, const char *src, size_t srclen, bool json, struct ags_buf *tmp,
		       const char **s, size_t *n);

/*
 * An event parser over data (which must outlive it), with its errors
 * collected.  Marks point into src/len, which the reader must use for
 * source bytes: the input, or a copy where the empty entries of indentless
 * sequences ("a:\n-\n- y"), which libfyaml 0.7.12 rejects and go-yaml reads
 * as null, were made explicit ("- ~", on the same line), a CR not followed
 * by LF is LF, and each LS or PS line break is "\1\1\n" or "\2\2\n" (for
 * YAML; see fyaml.c).
 */
struct ags_fy_parser {
	struct fy_parser *fyp;
	struct fy_diag *diag;
	const char *src;
	size_t len;
	char *owned;
};
/* Input holding a NUL byte, or caught by ags_fy_tab_trap(), is AGS_E_SYNTAX
 * before libfyaml sees it, with "line L[, column C]: why" in d (may be
 * NULL); other failures are AGS_E_NOMEM. */
int ags_fy_parser_open(struct ags_fy_parser *p, const char *data, size_t len, bool json, struct ags_diag *d);

/*
 * Whether data holds the pattern that makes libfyaml 0.7.12 free a simple
 * key twice (a tab before a block indicator after ':' inside an explicit
 * "?" key; see fyaml_guard.c).  Wider than the bug on purpose.  On true,
 * *line and *col (1-based) locate the tab.  Every parser and document this
 * layer opens is checked first.
 */
bool ags_fy_tab_trap(const char *data, size_t len, unsigned *line, unsigned *col);
void ags_fy_parser_close(struct ags_fy_parser *p);
/* After fy_parser_parse() returned NULL: 0 at the end of a good stream,
 * else code with "line L, column C: message" in d ("what: could not be
 * parsed" when libfyaml failed without a message, as when out of memory). */
int ags_fy_parser_status(struct ags_fy_parser *p, int code, const char *what, struct ags_diag *d);

/* Cap on the nodes a document may hold once its aliases are expanded
 * (go-yaml fails such documents with "excessive aliasing"). */
#define AGS_FY_MAX_EXPANDED_NODES(len) ((size_t)100000 + 16 * (size_t)(len))

/*
 * Loads one YAML document into *out (NULL for a file of only blanks,
 * comments and document markers).  resolve: expand aliases and merge keys
 * (after checking the expansion against the cap above); otherwise aliases
 * stay alias nodes.  Every failure (syntax, the alias cap, out of memory) is
 * code (AGS_E_NOMEM for memory) with "what:line:column: message" in d.
 */
int ags_fy_document_load(const char *data, size_t len, bool resolve, int code, const char *what,
			 struct fy_document **out, struct ags_diag *d);

#endif
