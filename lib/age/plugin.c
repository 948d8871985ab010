/*
 * The plugin kinds: recipients "age1<name>1...", identities
 * "AGE-PLUGIN-<NAME>-1..." and `age -j NAME`, each wrapping or unwrapping
 * through one plugin session (plugin_session.c).
 */
#include "internal.h"
#include "age/plugin.h"
#include "age/kind.h"
#include "age/bech32.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- names ---- */

static bool valid_name(const char *n, size_t len)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-._";
	if (len == 0 || len > 64)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!n[i] || !strchr(ok, n[i]))
			return false;
	return true;
}

/* ---- kinds ---- */

struct plugin_key {
	char name[72];
	char *encoding; /* recipient string, or identity string (secret) */
	bool identity;
	unsigned labels; /* as the plugin declared them in the last wrap */
};

static void key_free(void *p)
{
	struct plugin_key *k = p;
	if (!k)
		return;
	ags_free_secret_str(k->encoding);
	free(k);
}

static int r_wrap(const struct ags_age_recipient *r, const uint8_t file_key[16], struct ags_age_stanzas *out,
		  struct ags_diag *d)
{
	struct plugin_key *k = r->priv;
	return ags_age_plugin_wrap(k->name, k->encoding, k->identity, file_key, out, &k->labels, d);
}

static unsigned r_labels(const struct ags_age_recipient *r)
{
	const struct plugin_key *k = r->priv;
	return k->labels;
}

static int r_string(const struct ags_age_recipient *r, char **ret)
{
	const struct plugin_key *k = r->priv;
	char *s;
	if (k->identity)
		return AGS_E_UNSUPPORTED; /* an identity-based recipient has no public form */
	s = strdup(k->encoding);
	if (!s)
		return AGS_E_NOMEM;
	*ret = s;
	return 0;
}

static const struct ags_age_recipient_ops plugin_recipient_ops =
	AGS_AGE_RECIPIENT_OPS("plugin", 0, r_wrap, r_string, r_labels, key_free);

static int i_unwrap(const struct ags_age_identity *id, const struct ags_age_stanzas *st, uint8_t file_key[16],
		    struct ags_diag *d)
{
	const struct plugin_key *k = id->priv;
	return ags_age_plugin_unwrap(k->name, k->encoding, st, file_key, d);
}

static int key_new(const char *name, const char *encoding, bool identity, struct plugin_key **ret)
{
	struct plugin_key *k = calloc(1, sizeof(*k));
	if (!k)
		return AGS_E_NOMEM;
	snprintf(k->name, sizeof(k->name), "%s", name);
	k->encoding = strdup(encoding);
	k->identity = identity;
	if (!k->encoding) {
		free(k);
		return AGS_E_NOMEM;
	}
	*ret = k;
	return 0;
}

static int i_to_recipient(const struct ags_age_identity *id, struct ags_age_recipient **ret)
{
	const struct plugin_key *k = id->priv;
	struct plugin_key *rk;
	AGS_TRY(key_new(k->name, k->encoding, true, &rk));
	return ags_age_recipient_make(&plugin_recipient_ops, rk, ret);
}

static int i_string(const struct ags_age_identity *id, char **ret)
{
	const struct plugin_key *k = id->priv;
	char *s = strdup(k->encoding);
	if (!s)
		return AGS_E_NOMEM;
	*ret = s;
	return 0;
}

static const struct ags_age_identity_ops plugin_identity_ops =
	AGS_AGE_IDENTITY_OPS("plugin", false, i_unwrap, NULL, i_to_recipient, i_string, key_free);

bool ags_age_plugin_recipient_match(const char *s)
{
	/* "age1<name>1<data>": more than one '1' (Go's dispatch rule). */
	const char *first = strchr(s, '1');
	return first && strchr(first + 1, '1') != NULL;
}

int ags_age_plugin_parse_recipient(const char *s, struct ags_age_recipient **ret, struct ags_diag *d)
{
	char *hrp = NULL;
	uint8_t *data = NULL;
	size_t len = 0;
	struct plugin_key *k;
	int r;

	if (ags_bech32_decode(s, &hrp, &data, &len) < 0)
		return ags_diag_set(d, AGS_E_AGE_BECH32, "malformed plugin recipient (bad Bech32)");
	free(data);
	if (strncmp(hrp, "age1", 4) != 0 || !valid_name(hrp + 4, strlen(hrp + 4))) {
		free(hrp);
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "malformed plugin recipient (invalid plugin name)");
	}
	r = key_new(hrp + 4, s, false, &k);
	free(hrp);
	AGS_TRY(r);
	return ags_age_recipient_make(&plugin_recipient_ops, k, ret);
}

int ags_age_plugin_parse_identity(const char *s, struct ags_age_identity **ret, struct ags_diag *d)
{
	char *hrp = NULL, name[72];
	uint8_t *data = NULL;
	size_t len = 0, hl, nl;
	struct plugin_key *k;
	int r;

	if (ags_bech32_decode(s, &hrp, &data, &len) < 0)
		return ags_diag_set(d, AGS_E_AGE_BECH32, "malformed plugin identity (bad Bech32)");
	ags_free_secret(data, len);
	hl = strlen(hrp);
	if (hl < 13 || strncmp(hrp, "AGE-PLUGIN-", 11) != 0 || hrp[hl - 1] != '-') {
		free(hrp);
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "malformed plugin identity");
	}
	nl = hl - 12;
	if (nl >= sizeof(name) || !valid_name(hrp + 11, nl)) {
		free(hrp);
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "malformed plugin identity (invalid plugin name)");
	}
	for (size_t i = 0; i < nl; i++)
		name[i] = (char)tolower((unsigned char)hrp[11 + i]);
	name[nl] = 0;
	free(hrp);
	r = key_new(name, s, false, &k);
	AGS_TRY(r);
	return ags_age_identity_make(&plugin_identity_ops, k, ret);
}

int ags_age_plugin_identity_new(const char *name, struct ags_age_identity **ret, struct ags_diag *d)
{
	char hrp[96], *s = NULL;
	size_t nl = strlen(name);
	int r;

	if (!valid_name(name, nl))
		return ags_diag_set(d, AGS_E_AGE_BAD_KEY, "invalid plugin name \"%.64s\"", name);
	snprintf(hrp, sizeof(hrp), "AGE-PLUGIN-%s-", name);
	for (char *p = hrp; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	r = ags_bech32_encode(hrp, (const uint8_t *)"", 0, true, &s);
	if (r < 0)
		return ags_diag_set(d, r, "invalid plugin name \"%.64s\"", name);
	r = ags_age_plugin_parse_identity(s, ret, d);
	free(s);
	return r;
}

