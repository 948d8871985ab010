#include "internal.h"
#include "sops/store_int.h"

static int ini_load(const char *data, size_t len, bool encrypted, struct ags_tree *out, struct ags_diag *d)
{
	(void)data; (void)len; (void)encrypted; (void)out;
	return ags_diag_set(d, AGS_E_UNSUPPORTED, "ini store not implemented yet");
}

static int ini_emit(const struct ags_tree *t, const struct ags_emit_opts *o, struct ags_buf *out, struct ags_diag *d)
{
	(void)t; (void)o; (void)out;
	return ags_diag_set(d, AGS_E_UNSUPPORTED, "ini store not implemented yet");
}

const struct ags_store_ops ags_store_ini = { "ini", ini_load, ini_emit };
