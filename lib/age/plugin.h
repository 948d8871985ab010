/*
 * age plugin protocol client (age-plugin.md): recipients "age1<name>1...",
 * identities "AGE-PLUGIN-<NAME>-1...", run as "age-plugin-<name>" from
 * PATH with --age-plugin=recipient-v1 / identity-v1.
 */
#ifndef AGS_AGE_PLUGIN_H
#define AGS_AGE_PLUGIN_H

#include <agesops/age.h>
#include "age/format.h"

/* Caps on what a plugin may send: one line, one body, stanzas per phase,
 * and all bytes of one session. */
#define AGS_PLUGIN_LINE_MAX (64 * 1024)
#define AGS_PLUGIN_BODY_MAX (1024 * 1024)
#define AGS_PLUGIN_STANZAS_MAX 4096
#define AGS_PLUGIN_TOTAL_MAX ((size_t)16 << 20)
/* Each read from the plugin waits at most this long (hardware keys may wait
 * for a touch); AGESOPS_PLUGIN_TIMEOUT (seconds) overrides it. */
#define AGS_PLUGIN_TIMEOUT_MS (60 * 1000)

/*
 * How plugins reach the user.  The library never prints: without a UI, a
 * plugin's msg / request-secret / request-public / confirm are answered
 * "fail" (as Go age does when it has no terminal).
 */
struct ags_age_plugin_ui {
	/* msg: shown to the user; return < 0 to answer "fail". */
	int (*message)(void *ctx, const char *plugin, const char *msg);
	/* request-secret (secret = true) / request-public. */
	int (*request)(void *ctx, const char *plugin, const char *prompt, bool secret, char *buf, size_t cap);
	void *ctx;
};
/* Process-wide; the CLI sets it once.  NULL resets to no UI. */
void ags_age_plugin_set_ui(const struct ags_age_plugin_ui *ui);

/* One session (plugin_session.c): wrap the file key for a recipient (or an
 * identity, is_identity) of plugin name (labels: AGS_AGE_LABEL_* it
 * declared), or unwrap it from the stanzas. */
int ags_age_plugin_wrap(const char *name, const char *encoding, bool is_identity, const uint8_t file_key[16],
			struct ags_age_stanzas *out, unsigned *labels, struct ags_diag *d);
int ags_age_plugin_unwrap(const char *name, const char *encoding, const struct ags_age_stanzas *st,
			  uint8_t file_key[16], struct ags_diag *d);

/* Kinds-table entries. */
bool ags_age_plugin_recipient_match(const char *s);
int ags_age_plugin_parse_recipient(const char *s, struct ags_age_recipient **ret, struct ags_diag *d);
int ags_age_plugin_parse_identity(const char *s, struct ags_age_identity **ret, struct ags_diag *d);
/* A plugin identity without data (age -j NAME). */
int ags_age_plugin_identity_new(const char *name, struct ags_age_identity **ret, struct ags_diag *d);

#endif
