/*
 * The stores by name (--input-type / --output-type) and by file extension.
 * Apart from store.c, the helpers they share, so that no store needs this
 * file and this file needs only the stores.
 */
#include "internal.h"
#include "sops/store.h"
#include <string.h>

const struct ags_store_ops *ags_store_by_name(const char *name)
{
	if (!name)
		return NULL;
	if (!strcmp(name, "yaml") || !strcmp(name, "yml"))
		return &ags_store_yaml;
	if (!strcmp(name, "json"))
		return &ags_store_json;
	if (!strcmp(name, "dotenv") || !strcmp(name, "env"))
		return &ags_store_dotenv;
	if (!strcmp(name, "ini"))
		return &ags_store_ini;
	if (!strcmp(name, "binary"))
		return &ags_store_binary;
	return NULL;
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && strcmp(s + n - m, suf) == 0;
}

const struct ags_store_ops *ags_store_for_path(const char *path)
{
	if (!path)
		return &ags_store_binary;
	/* sops compares the extension case-sensitively */
	if (has_suffix(path, ".yaml") || has_suffix(path, ".yml"))
		return &ags_store_yaml;
	if (has_suffix(path, ".json"))
		return &ags_store_json;
	if (has_suffix(path, ".env"))
		return &ags_store_dotenv;
	if (has_suffix(path, ".ini"))
		return &ags_store_ini;
	return &ags_store_binary;
}
