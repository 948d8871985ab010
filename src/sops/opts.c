#include "opts.h"
#include "keysource.h"
#include "../cli.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/secret.h"
#include <agesops/sops-config.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A flag as written ("--in-place", "-i"; n bytes of name): the command table's entry. */
static const struct cli_flag *find_flag(const char *name, size_t n)
{
	const struct cli_flag *f = cli_flag_find(&cli_sops_opts_parser, name, n);
	/* -h/--help is answered before parsing (only as the first argument) */
	return f && f->id != 'h' ? f : NULL;
}

int sops_decryption_order(const char *flag)
{
	const char *v = flag && *flag ? flag : getenv("SOPS_DECRYPTION_ORDER");
	struct ags_diag d = { 0 };
	if (ags_sops_set_decryption_order(v, &d) < 0) {
		cli_error("%s", d.msg);
		return EXIT_DUPLICATE_DECRYPTION_KEY_TYPE;
	}
	return 0;
}

bool sops_flag_takes_value(const char *name)
{
	const char *eq = strchr(name, '=');
	const struct cli_flag *f = find_flag(name, eq ? (size_t)(eq - name) : strlen(name));
	return f && f->arg && !(f->flags & CLI_ARG_OPTIONAL) && !eq;
}

static int add_ptr(const char ***v, size_t *n, const char *s)
{
	const char **nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv)
		return -1;
	nv[(*n)++] = s;
	*v = nv;
	return 0;
}

int sops_opts_parse(int argc, char **argv, struct sops_opts *o, sops_extra_flag_fn extra, void *ctx)
{
	memset(o, 0, sizeof(*o));
	o->indent = AGS_SOPS_INDENT_DEFAULT;
	bool dashdash = false;
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		if (dashdash || a[0] != '-' || strcmp(a, "-") == 0) {
			if (add_ptr((const char ***)&o->files, &o->nfiles, a) < 0)
				return EXIT_GENERIC;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			dashdash = true;
			continue;
		}
		const char *eq = a[1] == '-' ? strchr(a, '=') : NULL;
		size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
		const struct cli_flag *f = find_flag(a, nlen);
		if (!f) {
			char name[128];
			snprintf(name, sizeof(name), "%.*s", (int)(nlen < 120 ? nlen : 120), a);
			int used = extra ? extra(ctx, name, eq ? eq + 1 : NULL, i + 1 < argc ? argv[i + 1] : NULL) : -1;
			if (used < 0) {
				cli_error("unknown flag '%s'", name);
				return EXIT_GENERIC;
			}
			i += used;
			continue;
		}
		const char *val = NULL;
		bool takes_value = f->arg && !(f->flags & CLI_ARG_OPTIONAL);
		if (takes_value) {
			if (eq) {
				val = eq + 1;
			} else if (i + 1 < argc) {
				val = argv[++i];
			} else {
				cli_error("flag '--%s' needs a value", f->name);
				return EXIT_GENERIC;
			}
		} else if (eq) {
			/* --in-place=true style booleans */
			if (strcmp(eq + 1, "true") != 0 && strcmp(eq + 1, "false") != 0) {
				cli_error("flag '--%s' takes no value", f->name);
				return EXIT_GENERIC;
			}
			if (strcmp(eq + 1, "false") == 0) {
				if (f->id == OPT_LOCAL_KEYSERVICE)
					return sops_keysource_flag_refuse("--enable-local-keyservice=false");
				continue;
			}
		}
		switch (f->id) {
		case 'i': o->in_place = true; break;
		case OPT_OUTPUT: o->output = val; break;
		case OPT_INPUT_TYPE: o->input_type = val; break;
		case OPT_OUTPUT_TYPE: o->output_type = val; break;
		case OPT_FILENAME_OVERRIDE: o->filename_override = val; break;
		case OPT_EXTRACT: o->extract = val; break;
		case OPT_CONFIG: o->config = val; break;
		case OPT_DECRYPTION_ORDER: o->decryption_order = val; break;
		case OPT_INDENT: {
			char *end;
			errno = 0;
			long n = strtol(val, &end, 10);
			if (*val == 0 || *end || errno || n < -1 || n > 64) {
				cli_error("--indent: invalid value '%s' (0..64, or -1 for a tab in JSON)", val);
				return EXIT_GENERIC;
			}
			o->indent = (int)n;
			break;
		}
		case OPT_IGNORE_MAC: o->ignore_mac = true; break;
		case OPT_TEXTCONV: o->textconv = true; break;
		case 'a':
			if (add_ptr(&o->age, &o->nage, val) < 0)
				return EXIT_GENERIC;
			break;
		case OPT_PGP:
			if (add_ptr(&o->pgp, &o->npgp, val) < 0)
				return EXIT_GENERIC;
			break;
		case OPT_UNENC_SUFFIX: o->rules.unencrypted_suffix = val; break;
		case OPT_ENC_SUFFIX: o->rules.encrypted_suffix = val; break;
		case OPT_UNENC_REGEX: o->rules.unencrypted_regex = val; break;
		case OPT_ENC_REGEX: o->rules.encrypted_regex = val; break;
		case OPT_UNENC_COMMENT_REGEX: o->rules.unencrypted_comment_regex = val; break;
		case OPT_ENC_COMMENT_REGEX: o->rules.encrypted_comment_regex = val; break;
		case OPT_MAC_ONLY: o->rules.mac_only_encrypted = true; break;
		case OPT_SHAMIR: {
			char *end;
			long n = strtol(val, &end, 10);
			if (*val == 0 || *end || n < 0 || n > 255) {
				cli_error("--shamir-secret-sharing-threshold: invalid value '%s'", val);
				return EXIT_GENERIC;
			}
			o->shamir_threshold = (unsigned)n;
			break;
		}
		case OPT_IGNORED:
		case OPT_IGNORED_VALUE:
		case OPT_LOCAL_KEYSERVICE:
			break;
		case OPT_UNSUPPORTED_KEY: {
			char written[64]; /* as given: -k or --kms */
			snprintf(written, sizeof(written), "%.*s", (int)(nlen < 60 ? nlen : 60), a);
			return sops_keysource_flag_refuse(written);
		}
		}
	}
	return sops_decryption_order(o->decryption_order);
}

void sops_opts_free(struct sops_opts *o)
{
	AGS_FREE_ALL(o->age, o->pgp, o->files, o->groups);
	ags_sops_config_free(o->cfg);
	memset(o, 0, sizeof(*o));
}

const char *sops_opts_name(const struct sops_opts *o)
{
	if (o->filename_override && *o->filename_override)
		return o->filename_override;
	if (o->nfiles && strcmp(o->files[0], "-") != 0)
		return o->files[0];
	return NULL;
}

int sops_exit_code(int err)
{
	switch (err) {
	case AGS_E_SOPS_BAD_VALUE:
	case AGS_E_SOPS_DECRYPT:
		return EXIT_DECRYPTING_TREE;
	case AGS_E_AGE_NO_MATCH:
	case AGS_E_AGE_UNSUPPORTED_RECIPIENT:
		return EXIT_COULD_NOT_RETRIEVE_KEY;
	case AGS_E_SOPS_METADATA_NOT_FOUND:
		return EXIT_GENERIC;
	default:
		return cli_exit_code(err);
	}
}

static bool any_rule(const struct ags_sops_rules *r)
{
	const char *v[] = { r->unencrypted_suffix, r->encrypted_suffix, r->unencrypted_regex,
			    r->encrypted_regex, r->unencrypted_comment_regex, r->encrypted_comment_regex };
	for (size_t i = 0; i < 6; i++)
		if (v[i] && *v[i])
			return true;
	return false;
}

int sops_config_apply(struct sops_opts *o, const char *path)
{
	const char *cfgpath = o->config;
	if (!cfgpath || !*cfgpath)
		cfgpath = getenv("SOPS_CONFIG");
	char *found = NULL, *warn = NULL;
	struct ags_diag d = { 0 };
	if (!cfgpath || !*cfgpath) {
		char cwd[4096];
		if (!getcwd(cwd, sizeof(cwd)))
			return 0;
		int r = ags_sops_config_find(cwd, &found, &warn);
		if (warn) {
			cli_warn("%s", warn);
			free(warn);
		}
		if (r == AGS_E_SOPS_CONFIG_NOT_FOUND)
			return 0;
		if (r < 0)
			return cli_fail(r, NULL, ".sops.yaml");
		cfgpath = found;
	}
	struct ags_sops_config *cfg = NULL;
	int r = ags_sops_config_load(cfgpath, &cfg, &d);
	free(found);
	if (r < 0)
		return cli_fail(r, &d, NULL);
	ags_sops_config_free(o->cfg);
	o->cfg = cfg;
	const struct ags_sops_creation_rule *rule = NULL;
	r = ags_sops_config_match(cfg, path ? path : "", &rule, &d);
	if (r < 0)
		return cli_fail(r, &d, NULL);
	if (!rule)
		return 0;
	r = ags_sops_rule_check(rule, &d);
	bool keyless = rule->ngroups == 0;
	for (size_t g = 0; g < rule->ngroups; g++)
		keyless |= rule->groups[g].nage == 0 && rule->groups[g].npgp == 0 && rule->groups[g].nother == 0;
	if (o->nage == 0 && o->npgp == 0 && keyless) {
		/* Go's words and nothing else (its functional tests compare
		 * stderr): sops.go GenerateDataKeyWithKeyServices */
		fputs("Could not generate data key: [empty key group provided]\n", stderr);
		return EXIT_GENERIC;
	}
	if (r == AGS_E_SOPS_NO_RECIPIENTS && (o->nage || o->npgp))
		r = 0; /* keys from flags: the rule's keys are not used (as Go) */
	if (r < 0)
		return cli_fail(r, &d, NULL);
	if (!any_rule(&o->rules)) {
		o->rules.unencrypted_suffix = rule->unencrypted_suffix;
		o->rules.encrypted_suffix = rule->encrypted_suffix;
		o->rules.unencrypted_regex = rule->unencrypted_regex;
		o->rules.encrypted_regex = rule->encrypted_regex;
		o->rules.unencrypted_comment_regex = rule->unencrypted_comment_regex;
		o->rules.encrypted_comment_regex = rule->encrypted_comment_regex;
	}
	o->rules.mac_only_encrypted |= rule->mac_only_encrypted;
	if (!o->shamir_threshold && rule->shamir_threshold > 0)
		o->shamir_threshold = (unsigned)rule->shamir_threshold;
	/* keys from the command line or environment win over the rule's, as sops */
	if (o->nage == 0 && o->npgp == 0 && rule->ngroups == 1) {
		o->age = calloc(rule->groups[0].nage + 1, sizeof(*o->age));
		o->pgp = calloc(rule->groups[0].npgp + 1, sizeof(*o->pgp));
		if (!o->age || !o->pgp)
			return EXIT_GENERIC;
		for (size_t i = 0; i < rule->groups[0].nage; i++)
			o->age[i] = rule->groups[0].age[i];
		o->nage = rule->groups[0].nage;
		for (size_t i = 0; i < rule->groups[0].npgp; i++)
			o->pgp[i] = rule->groups[0].pgp[i];
		o->npgp = rule->groups[0].npgp;
	} else if (o->nage == 0 && o->npgp == 0 && rule->ngroups > 1) {
		o->groups = calloc(rule->ngroups, sizeof(*o->groups));
		if (!o->groups)
			return EXIT_GENERIC;
		for (size_t g = 0; g < rule->ngroups; g++) {
			o->groups[g].age = (const char *const *)rule->groups[g].age;
			o->groups[g].nage = rule->groups[g].nage;
			o->groups[g].pgp = (const char *const *)rule->groups[g].pgp;
			o->groups[g].npgp = rule->groups[g].npgp;
		}
		o->ngroups = rule->ngroups;
	}
	if (o->indent == AGS_SOPS_INDENT_DEFAULT) {
		const char *t = o->output_type ? o->output_type : o->input_type;
		const char *ext = path ? strrchr(path, '.') : NULL;
		bool yaml = t ? (!strcmp(t, "yaml") || !strcmp(t, "yml"))
			      : (ext && (!strcmp(ext, ".yaml") || !strcmp(ext, ".yml")));
		bool json = t ? !strcmp(t, "json") : (ext && !strcmp(ext, ".json"));
		if (yaml && cfg->yaml_indent != AGS_SOPS_INDENT_UNSET)
			o->indent = cfg->yaml_indent;
		else if (json && cfg->json_indent != AGS_SOPS_INDENT_UNSET)
			o->indent = cfg->json_indent;
	}
	return 0;
}
