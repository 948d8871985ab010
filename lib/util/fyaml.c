#include "internal.h"
#include "util/fyaml.h"
#include <string.h>

/* '' is a quote, and line breaks fold as in any flow scalar: one break is a
 * space, n+1 breaks are n newlines, blanks around breaks are dropped. */
static int single_quoted(const char *p, size_t n, struct ags_buf *out)
{
	size_t i = 0;
	bool first = true;
	size_t empty = 0;
	for (;;) {
		const char *nl = i < n ? memchr(p + i, '\n', n - i) : NULL;
		size_t e = nl ? (size_t)(nl - p) : n;
		size_t a = i, b = e;
		if (b > a && p[b - 1] == '\r')
			b--;
		bool last = !nl;
		if (!first)
			while (a < b && (p[a] == ' ' || p[a] == '\t'))
				a++;
		if (!last)
			while (b > a && (p[b - 1] == ' ' || p[b - 1] == '\t'))
				b--;
		if (!first && a == b && !last) {
			empty++;
		} else {
			if (!first) {
				if (empty == 0)
					AGS_TRY(ags_buf_putc(out, ' '));
				for (; empty; empty--)
					AGS_TRY(ags_buf_putc(out, '\n'));
			}
			for (size_t k = a; k < b; k++) {
				AGS_TRY(ags_buf_putc(out, p[k]));
				if (p[k] == '\'' && k + 1 < b && p[k + 1] == '\'')
					k++;
			}
		}
		first = false;
		if (last)
			break;
		i = e + 1;
	}
	return 0;
}

int ags_fy_scalar_text(struct fy_event *e, const char *src, size_t srclen, struct ags_buf *tmp,
		       const char **s, size_t *n)
{
	if (fy_token_scalar_style(e->scalar.value) == FYSS_SINGLE_QUOTED) {
		const struct fy_mark *sm = fy_event_start_mark(e), *em = fy_event_end_mark(e);
		if (sm && em && em->input_pos >= sm->input_pos && em->input_pos <= srclen &&
		    memmem(src + sm->input_pos, em->input_pos - sm->input_pos, "''", 2)) {
			AGS_TRY(single_quoted(src + sm->input_pos, em->input_pos - sm->input_pos, tmp));
			*s = tmp->len ? (const char *)tmp->data : "";
			*n = tmp->len;
			return 0;
		}
	}
	size_t len = 0;
	const char *t = fy_token_get_text(e->scalar.value, &len);
	if (!t) {
		if (len)
			return AGS_E_NOMEM;
		t = "";
	}
	*s = t;
	*n = len;
	return 0;
}
