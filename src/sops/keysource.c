/*
 * Key sources agesops does not have (keysource.h).
 */
#include "keysource.h"
#include "../cli.h"
#include <stdlib.h>
#include <string.h>

/* One row per key source of Go sops 3.13.2 (cmd/sops/main.go flags and
 * their EnvVar) that agesops does not have; age and PGP are served. */
static const struct {
	const char *flag;  /* long flag without "--" */
	char short_flag;   /* 0: none */
	const char *env;   /* the variable Go reads as the flag's default */
	const char *what;
} SOURCES[] = {
	{ "kms", 'k', "SOPS_KMS_ARN", "AWS KMS" },
	{ "gcp-kms", 0, "SOPS_GCP_KMS_IDS", "GCP KMS" },
	{ "azure-kv", 0, "SOPS_AZURE_KEYVAULT_URLS", "Azure Key Vault" },
	{ "hc-vault-transit", 0, "SOPS_VAULT_URIS", "HashiCorp Vault transit" },
	{ "hckms", 0, "SOPS_HUAWEICLOUD_KMS_IDS", "Huawei Cloud KMS" },
};
#define NSOURCES (sizeof(SOURCES) / sizeof(SOURCES[0]))

/* Flags that configure those key sources or remote key services. */
static const struct {
	const char *flag;
	const char *what;
} SERVICE_FLAGS[] = {
	{ "encryption-context", "AWS KMS encryption contexts" },
	{ "aws-profile", "AWS KMS profiles" },
	{ "keyservice", "remote key services" },
};
#define NSERVICE (sizeof(SERVICE_FLAGS) / sizeof(SERVICE_FLAGS[0]))

/* "--add-kms" -> "kms" (add/rm flags of rotate and groups), "-k" -> "kms". */
static const char *source_of(const char *name, size_t *idx)
{
	if (name[0] == '-' && name[1] && name[1] != '-' && !name[2]) {
		for (size_t i = 0; i < NSOURCES; i++)
			if (SOURCES[i].short_flag == name[1]) {
				*idx = i;
				return SOURCES[i].flag;
			}
		return NULL;
	}
	while (*name == '-')
		name++;
	if (!strncmp(name, "add-", 4))
		name += 4;
	else if (!strncmp(name, "rm-", 3))
		name += 3;
	for (size_t i = 0; i < NSOURCES; i++)
		if (!strcmp(name, SOURCES[i].flag)) {
			*idx = i;
			return SOURCES[i].flag;
		}
	return NULL;
}

static const char *service_of(const char *name)
{
	while (*name == '-')
		name++;
	for (size_t i = 0; i < NSERVICE; i++)
		if (!strcmp(name, SERVICE_FLAGS[i].flag))
			return SERVICE_FLAGS[i].what;
	return NULL;
}

bool sops_keysource_flag_unsupported(const char *name)
{
	size_t i;
	return source_of(name, &i) || service_of(name);
}

int sops_keysource_flag_refuse(const char *name)
{
	size_t i;
	const char *what = service_of(name);
	if (source_of(name, &i))
		cli_error("%s: not an age key: agesops has no %s key source, only age and PGP keys are supported (--age, --pgp)", name,
			  SOURCES[i].what);
	else
		cli_error("%s: agesops has no %s, only age and PGP keys are supported (--age, --pgp)", name, what ? what : "such key");
	return EXIT_GENERIC;
}

const char *sops_keysource_env_set(void)
{
	for (size_t i = 0; i < NSOURCES; i++) {
		const char *v = getenv(SOURCES[i].env);
		if (v && *v)
			return SOURCES[i].env;
	}
	return NULL;
}

int sops_keysource_env_refuse(const char *var)
{
	const char *what = "such";
	for (size_t i = 0; i < NSOURCES; i++)
		if (!strcmp(var, SOURCES[i].env))
			what = SOURCES[i].what;
	cli_error("%s is set: it names %s keys, and agesops has no %s key source (only age and PGP keys are supported); "
		  "unset it and use --age, --pgp, SOPS_AGE_RECIPIENTS, SOPS_PGP_FP or .sops.yaml",
		  var, what, what);
	return EXIT_GENERIC;
}

void sops_keysource_env_warn(void)
{
	static bool done;
	const char *v = getenv("SOPS_KEYSERVICE");
	if (done || !v || !*v)
		return;
	done = true;
	cli_warn("SOPS_KEYSERVICE is ignored: agesops has no key service client, keys are used locally");
}
