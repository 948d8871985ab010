#include "internal.h"
#include <stdarg.h>
#include <stdio.h>

int ags_diag_set(struct ags_diag *d, int code, const char *fmt, ...)
{
	if (d) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
		va_end(ap);
		d->code = code;
	}
	return code;
}
