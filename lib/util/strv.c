/*
 * Lists of owned strings (strv.h).
 */
#include "internal.h"
#include "util/buf.h"
#include "util/strv.h"
#include <stdlib.h>
#include <string.h>

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool has_item(char *const *v, size_t n, const char *s, size_t len)
{
	for (size_t k = 0; k < n; k++)
		if (strlen(v[k]) == len && !memcmp(v[k], s, len))
			return true;
	return false;
}

int ags_strv_split_append(const char *s, size_t len, bool dedupe, size_t max, char ***v, size_t *n)
{
	for (size_t i = 0; i <= len;) {
		size_t j = i;
		while (j < len && s[j] != ',')
			j++;
		size_t a = i, b = j;
		while (a < b && is_blank(s[a]))
			a++;
		while (b > a && is_blank(s[b - 1]))
			b--;
		if (b > a && !(dedupe && has_item(*v, *n, s + a, b - a))) {
			char *item = strndup(s + a, b - a);
			int r = item ? ags_array_push_ptr((void ***)v, n, max, item) : AGS_E_NOMEM;
			if (r < 0) {
				free(item);
				return r;
			}
		}
		i = j + 1;
	}
	return 0;
}
