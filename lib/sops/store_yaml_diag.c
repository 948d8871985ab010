/*
 * The YAML loader's error messages ("line N: ..."), shared by the loader
 * (store_yaml_load.c), its anchors and its scalars, which it calls.
 */
#include "internal.h"
#include "sops/store_yaml_int.h"
#include <stdarg.h>
#include <stdio.h>

int ags_yl_fail(struct loader *L, int code, uint32_t line, const char *fmt, ...)
{
	char msg[AGS_DIAG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line)
		return ags_diag_set(L->d, code, "line %u: %s", line, msg);
	return ags_diag_set(L->d, code, "%s", msg);
}
