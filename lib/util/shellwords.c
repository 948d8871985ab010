/*
 * google/shlex-style word splitting (shellwords.h).
 */
#include "internal.h"
#include "util/secret.h"
#include "util/shellwords.h"
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Copies the word at *pp, without its quotes and escapes, to word (room for
 * strlen(*pp) bytes); moves *pp past it.  Its length, or AGS_E_SYNTAX for an
 * unterminated quote. */
static ssize_t take_word(const char **pp, char *word)
{
	const char *p = *pp;
	ssize_t w = 0;
	while (*p && !is_blank(*p)) {
		char q = *p;
		if (q == '\'' || q == '"') {
			for (p++; *p && *p != q; p++) {
				if (q == '"' && *p == '\\' && p[1] && strchr("\"\\$`", p[1]))
					p++;
				word[w++] = *p;
			}
			if (!*p)
				return AGS_E_SYNTAX;
			p++;
		} else {
			if (*p == '\\' && p[1])
				p++;
			word[w++] = *p++;
		}
	}
	*pp = p;
	return w;
}

int ags_shellwords_split(const char *s, size_t spare, char ***argv_out, size_t *argc_out)
{
	if (strnlen(s, AGS_SHELLWORDS_MAX_LEN + 1) > AGS_SHELLWORDS_MAX_LEN)
		return AGS_E_TOO_BIG;
	size_t cap = 8, argc = 0;
	char **argv = calloc(cap + spare + 1, sizeof(*argv));
	char *word = malloc(strlen(s) + 1);
	int rc = argv && word ? 0 : AGS_E_NOMEM;
	const char *p = s;
	while (rc == 0) {
		while (is_blank(*p))
			p++;
		if (!*p)
			break;
		ssize_t w = take_word(&p, word);
		if (w < 0) {
			rc = (int)w;
			break;
		}
		if (argc == AGS_SHELLWORDS_MAX_WORDS) {
			rc = AGS_E_TOO_BIG;
			break;
		}
		if (argc == cap) {
			char **na = realloc(argv, (cap * 2 + spare + 1) * sizeof(*na));
			if (!na) {
				rc = AGS_E_NOMEM;
				break;
			}
			argv = na;
			cap *= 2;
		}
		if (!(argv[argc] = strndup(word, (size_t)w))) {
			rc = AGS_E_NOMEM;
			break;
		}
		argc++;
	}
	free(word);
	if (rc == 0 && argc == 0)
		rc = AGS_E_SYNTAX;
	if (rc < 0) {
		ags_free_strv(argv, argc);
		return rc;
	}
	for (size_t i = argc; i <= argc + spare; i++)
		argv[i] = NULL;
	*argv_out = argv;
	*argc_out = argc;
	return 0;
}
