/*
 * THE table of recipient and identity string forms.  To add a kind, add
 * its parse function(s) here (one line) and its file to meson.build; see
 * kind.h.  Order matters: the first matching row wins, so more specific
 * prefixes come first (this is Go age's dispatch order).
 */
#include "internal.h"
#include "age/kind.h"
#include "age/plugin.h"
#include <string.h>

/* "age1<name>1...": a plugin recipient (its HRP is not plain "age"). */
static bool plugin_recipient(const char *s)
{
	const char *last = strrchr(s, '1');
	return last && last > s + 3;
}

const struct ags_age_kind_entry ags_age_kinds[] = {
	/* prefix                match             recipient parser                       identity parser  skip_unsupported */
	{ "age1tag1",            NULL,             ags_age_parse_recipient_unsupported,   NULL, false },
	{ "age1tagpq1",          NULL,             ags_age_parse_recipient_unsupported,   NULL, false },
	{ "age1pq1",             NULL,             ags_age_mlkem768x25519_parse_recipient, NULL, false },
	{ "AGE-SECRET-KEY-PQ-1", NULL,             NULL,                                  ags_age_mlkem768x25519_parse_identity, false },
	{ "age1",                plugin_recipient, ags_age_plugin_parse_recipient,        NULL, false },
	{ "AGE-PLUGIN-",         NULL,             NULL,                                  ags_age_plugin_parse_identity, false },
	{ "age1",                NULL,             ags_age_x25519_parse_recipient,        NULL, false },
	{ "AGE-SECRET-KEY-1",    NULL,             NULL,                                  ags_age_x25519_parse_identity, false },
	{ "ssh-",                NULL,             ags_age_ssh_parse_recipient,           NULL, true },
	{ "",                    ags_age_ssh_options_line, ags_age_ssh_parse_recipient,  NULL, true }, /* authorized_keys options */
};
const size_t ags_age_nkinds = AGS_ARRAY_SIZE(ags_age_kinds);

/* Identity files by their first bytes (Go peeks at 14). */
const struct ags_age_idfile_entry ags_age_idfiles[] = {
	/* magic               key file                  container */
	{ "age-encryption",    NULL,                     ags_age_idfile_encrypted_open }, /* scrypt */
	{ "-----BEGIN AGE",    NULL,                     ags_age_idfile_encrypted_open }, /* scrypt, armored */
	{ "-----BEGIN",        ags_age_ssh_idfile_parse, NULL },                          /* ssh */
};
const size_t ags_age_nidfiles = AGS_ARRAY_SIZE(ags_age_idfiles);
