/*
 * THE table of recipient and identity string forms.  To add a kind, add
 * its parse function(s) here (one line) and its file to meson.build; see
 * kind.h.  Order matters: the first matching row wins, so more specific
 * prefixes come first (this is Go age's dispatch order).
 */
#include "internal.h"
#include "age/kind.h"
#include "age/plugin.h"

int ags_age_ssh_parse_recipient(const char *s, struct ags_age_recipient **ret, struct ags_diag *d);
bool ags_age_ssh_options_line(const char *s);
#include <string.h>

/* "age1<name>1...": a plugin recipient (its HRP is not plain "age"). */
static bool plugin_recipient(const char *s)
{
	const char *last = strrchr(s, '1');
	return last && last > s + 3;
}

/* mlkem768x25519 (lib/age/mlkem768x25519.c) */
int ags_age_mlkem768x25519_parse_recipient(const char *s, struct ags_age_recipient **ret, struct ags_diag *d);
int ags_age_mlkem768x25519_parse_identity(const char *s, struct ags_age_identity **ret, struct ags_diag *d);

const struct ags_age_kind_entry ags_age_kinds[] = {
	/* prefix                match             recipient parser                       identity parser */
	{ "age1tag1",            NULL,             ags_age_parse_recipient_unsupported,   NULL },
	{ "age1tagpq1",          NULL,             ags_age_parse_recipient_unsupported,   NULL },
	{ "age1pq1",             NULL,             ags_age_mlkem768x25519_parse_recipient, NULL },
	{ "AGE-SECRET-KEY-PQ-1", NULL,             NULL,                                  ags_age_mlkem768x25519_parse_identity },
	{ "age1",                plugin_recipient, ags_age_plugin_parse_recipient,        NULL },
	{ "AGE-PLUGIN-",         NULL,             NULL,                                  ags_age_plugin_parse_identity },
	{ "age1",                NULL,             ags_age_x25519_parse_recipient,        NULL },
	{ "AGE-SECRET-KEY-1",    NULL,             NULL,                                  ags_age_x25519_parse_identity },
	{ "ssh-",                NULL,             ags_age_ssh_parse_recipient,           NULL },
	{ "",                    ags_age_ssh_options_line, ags_age_ssh_parse_recipient,  NULL }, /* authorized_keys options */
};
const size_t ags_age_nkinds = AGS_ARRAY_SIZE(ags_age_kinds);
