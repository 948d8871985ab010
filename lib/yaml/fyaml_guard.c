/*
 * Input that libfyaml 0.7.12 cannot be trusted to free (fyaml.h).
 *
 * Inside an explicit key ("? "), a ':' followed by blanks that hold a tab
 * and then a block indicator ("? a:\t:", "? a:\t- b", "? [a]:\t|") makes
 * libfyaml fail with "cannot use tab for indentation of block entry" after
 * it has already recycled the simple key it was completing; the key is
 * recycled a second time when the parser is destroyed, and
 * fy_parser_destroy() writes through freed memory (found by tests/fuzz
 * fuzz-gitops-check; reproduced against libfyaml 0.7.12 built with ASan:
 * heap-use-after-free in fy_simple_key_vacuum_internal).  libfyaml rejects
 * such input anyway, and go-yaml does not accept a tab before a block
 * indicator either, so it is refused before libfyaml sees it.
 *
 * The test is deliberately wider than libfyaml's condition: any "?" that
 * could be an indicator (followed by a blank, preceded on its line only by
 * blanks, indicators or a flow opener) earlier in the text, and the ':'
 * anywhere after it (even in a quoted scalar or a comment).  A false alarm
 * costs a syntax error on a file holding both an explicit key and
 * ":<tab>|"-like text, which no emitter writes; a miss costs a crash.
 */
#include "yaml/fyaml.h"

static bool blankz_at(const char *s, size_t len, size_t i)
{
	if (i >= len)
		return true;
	unsigned char c = (unsigned char)s[i];
	/* space, tab, line breaks; 0xC2/0xE2 may start NEL, LS or PS */
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0xC2 || c == 0xE2;
}

/* Whether a '?' at i can be an indicator: only blanks, or another
 * indicator or a flow opener, before it on its line (so not "# why? x"
 * or "title: really? yes"). */
static bool indicator_place(const char *s, size_t ls, size_t i)
{
	while (i > ls && (s[i - 1] == ' ' || s[i - 1] == '\t'))
		i--;
	if (i == ls)
		return true;
	char p = s[i - 1];
	return p == '-' || p == '?' || p == ':' || p == '[' || p == '{' || p == ',';
}

bool ags_fy_tab_trap(const char *s, size_t len, unsigned *line, unsigned *col)
{
	bool explicit_key = false;
	unsigned l = 1;
	size_t ls = 0; /* start of line l */
	for (size_t i = 0; s && i < len; i++) {
		char c = s[i];
		/* a CR alone is a line break too (libfyaml reads it as one) */
		if (c == '\n' || (c == '\r' && (i + 1 == len || s[i + 1] != '\n'))) {
			l++;
			ls = i + 1;
		} else if (c == '?' && blankz_at(s, len, i + 1) && indicator_place(s, ls, i)) {
			explicit_key = true;
		} else if (c == ':' && explicit_key) {
			size_t j = i + 1, tab = 0;
			while (j < len && (s[j] == ' ' || s[j] == '\t')) {
				if (s[j] == '\t' && !tab)
					tab = j;
				j++;
			}
			if (!tab || j >= len)
				continue;
			if (s[j] == '?' || s[j] == ':' || s[j] == '|' || s[j] == '>' ||
			    (s[j] == '-' && blankz_at(s, len, j + 1))) {
				*line = l;
				*col = (unsigned)(tab - ls) + 1;
				return true;
			}
		}
	}
	return false;
}
