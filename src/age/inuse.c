/*
 * Go age's checks on the files and keys a command line names: an output
 * that is one of the inputs (age issue 491: "age -o F F" would destroy F),
 * and a flag value given twice (a likely typo, warned about).
 */
#include "age-cli.h"
#include "../cli.h"
#include <string.h>
#include <sys/stat.h>

bool age_cli_same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	/* The same inode (links and "./x", "d/../x" included), or, for an
	 * output that does not exist yet, nothing to destroy. */
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

void age_cli_warn_duplicates(const char *const *v, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++) {
		bool first = true;
		for (size_t j = 0; j < i && first; j++)
			first = strcmp(v[i], v[j]) != 0;
		if (!first)
			continue;
		for (size_t j = i + 1; j < n; j++) {
			if (strcmp(v[i], v[j]) == 0) {
				cli_warn("duplicate %s \"%s\"", what, v[i]);
				break;
			}
		}
	}
}
