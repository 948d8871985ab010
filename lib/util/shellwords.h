/*
 * Splitting a command line into words as github.com/google/shlex does, which
 * is what sops uses for $SOPS_EDITOR / $EDITOR and the *_CMD variables:
 * words separated by blanks (space, tab, newline, carriage return), '...'
 * taken literally, "..." with \ escaping only " \ $ and `, a \ outside
 * quotes escaping the next character.  No expansion of any kind.
 */
#ifndef AGS_UTIL_SHELLWORDS_H
#define AGS_UTIL_SHELLWORDS_H

#include <stddef.h>

/*
 * Splits s.  On 0, *argv is a malloc'd array of *argc >= 1 malloc'd words
 * followed by spare + 1 NULL slots (room for the caller to append spare
 * arguments of its own and keep the array NULL-terminated); release it with
 * ags_free_strv(*argv, *argc) (util/secret.h).  AGS_E_SYNTAX for an unterminated
 * quote or a line without words, AGS_E_TOO_BIG past the caps below,
 * AGS_E_NOMEM; nothing to free then.
 */
int ags_shellwords_split(const char *s, size_t spare, char ***argv, size_t *argc);
/* Caps (AGS_E_TOO_BIG past them): a line longer than the kernel lets one
 * environment string be, or more words than any editor or key command needs. */
#define AGS_SHELLWORDS_MAX_LEN ((size_t)128 << 10)
#define AGS_SHELLWORDS_MAX_WORDS 4096

#endif
