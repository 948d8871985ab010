/*
 * .sops.yaml: discovery, creation rules, stores settings.
 *
 * Read as sops 3.13 reads it (config/config.go): found by walking up from a
 * start directory (the working directory, as sops does) or given
 * explicitly; creation_rules are tried in order, the first whose path_regex
 * (an unanchored RE2-style search on the file path relative to the config's
 * directory) matches wins; an absent/empty path_regex matches everything.
 * Keys agesops does not use (kms, gcp_kms, azure_keyvault,
 * hc_vault_transit_uri, hckms, destination_rules, ...) are accepted and
 * counted, so a rule that names only such keys gives a clear error instead
 * of silently encrypting for nobody.
 */
#ifndef AGESOPS_SOPS_CONFIG_H
#define AGESOPS_SOPS_CONFIG_H

#include <agesops/agesops.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AGS_SOPS_CONFIG_NAME ".sops.yaml"
#define AGS_SOPS_CONFIG_MAX_DEPTH 100     /* directories walked up, as sops */
#define AGS_SOPS_CONFIG_MAX_BYTES (4u << 20)
#define AGS_SOPS_CONFIG_MAX_RULES 10000
#define AGS_SOPS_CONFIG_MAX_GROUPS 255    /* Shamir shares */
#define AGS_SOPS_CONFIG_MAX_KEYS 10000    /* per group */
#define AGS_SOPS_INDENT_UNSET (-1000)

struct ags_sops_config_group {
	char **age;          /* age recipients, trimmed, split on ',', duplicates removed */
	size_t nage;
	char **pgp;          /* PGP fingerprints, the same way */
	size_t npgp;
	unsigned nother;     /* keys of a type agesops cannot encrypt for */
	char other_types[96];/* their type names, comma-separated, for messages ("pgp,kms") */
};

struct ags_sops_creation_rule {
	char *path_regex;    /* NULL when absent or empty: matches every file */
	struct ags_sops_config_group *groups;
	size_t ngroups;      /* 0 when the rule names no keys at all */
	bool from_key_groups;/* keys came from key_groups (flat lists ignored) */
	int shamir_threshold;/* 0 = unset (sops then uses the number of groups) */
	/* value/comment rules; NULL when absent or empty */
	char *unencrypted_suffix, *encrypted_suffix, *unencrypted_regex, *encrypted_regex,
	     *unencrypted_comment_regex, *encrypted_comment_regex;
	bool mac_only_encrypted;
	size_t index;        /* position in creation_rules, for messages */
	void *priv;          /* compiled path_regex */
};

struct ags_sops_config {
	char *path;          /* the file read */
	char *dir;           /* absolute directory holding it */
	bool has_creation_rules; /* false: sops treats the config as absent for keys/rules */
	struct ags_sops_creation_rule *rules;
	size_t nrules;
	/* stores: indentation; AGS_SOPS_INDENT_UNSET when the config does not say */
	int yaml_indent, json_indent, json_binary_indent;
};

/*
 * Finds .sops.yaml in start_dir or one of its ancestors (up to 100 levels,
 * as sops).  *path_out gets a malloc'd path.  AGS_E_SOPS_CONFIG_NOT_FOUND
 * when there is none.  *warning_out (may be NULL) gets a malloc'd message
 * when a .sops.yml was seen and ignored, as sops warns; else NULL.
 */
int ags_sops_config_find(const char *start_dir, char **path_out, char **warning_out);

/* Reads and parses a config file; d names the file and the place of the error. */
int ags_sops_config_load(const char *path, struct ags_sops_config **out, struct ags_diag *d);
/* Same from memory; path is used for the directory and in messages. */
int ags_sops_config_parse(const char *data, size_t len, const char *path, struct ags_sops_config **out,
			  struct ags_diag *d);
void ags_sops_config_free(struct ags_sops_config *c);

/*
 * The creation rule for file_path (absolute, or relative to the working
 * directory).  *rule is NULL when the config has no creation_rules (sops then
 * behaves as without a config).  AGS_E_SOPS_CONFIG "no matching creation
 * rules found" when rules exist and none matches.
 */
int ags_sops_config_match(const struct ags_sops_config *c, const char *file_path,
			  const struct ags_sops_creation_rule **rule, struct ags_diag *d);

/*
 * Checks that agesops can encrypt with r: at most one value/comment rule
 * (AGS_E_SOPS_CONFLICT), and every key group has at least one age
 * recipient (AGS_E_SOPS_NO_RECIPIENTS naming the key types it has instead).
 * A rule with no keys at all is fine here: keys may come from flags.
 */
int ags_sops_rule_check(const struct ags_sops_creation_rule *r, struct ags_diag *d);

/* Effective Shamir threshold for n groups: r's value, or n when unset. */
int ags_sops_rule_threshold(const struct ags_sops_creation_rule *r);

#ifdef __cplusplus
}
#endif
#endif
