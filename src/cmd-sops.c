/*
 * Invoked as "sops": accepts sops' own command lines, so tools that run
 * sops (helm-secrets, scripts, Makefiles) can use agesops unchanged.
 *
 *   sops [global flags] COMMAND [flags] FILE...
 *   sops [flags] -e|-d|-r FILE         (legacy forms)
 *   sops --set '["a"]["b"] VALUE' FILE
 *   sops FILE                          (edit)
 *
 * Global flags (given before the command) are handed to the command, whose
 * parser accepts flags anywhere.
 */
#include "cli.h"
#include "sops/opts.h"
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	cli_cmd_fn fn;
} CMDS[] = {
	{ "encrypt", cmd_encrypt }, { "decrypt", cmd_decrypt }, { "edit", cmd_edit },
	{ "rotate", cmd_rotate }, { "updatekeys", cmd_updatekeys }, { "set", cmd_set },
	{ "unset", cmd_unset }, { "groups", cmd_groups }, { "filestatus", cmd_filestatus },
	{ "exec-env", cmd_exec_env }, { "exec-file", cmd_exec_file },
};

/* Value-taking flags of sops that the shared parser does not own. */
static const char *const OTHER_VALUE_FLAGS[] = {
	"--set", "--unset", "--add-age", "--rm-age", "--add-pgp", "--rm-pgp", "--add-kms", "--rm-kms",
	"--add-gcp-kms", "--rm-gcp-kms", "--add-azure-kv", "--rm-azure-kv", "--add-hc-vault-transit",
	"--rm-hc-vault-transit", "--add-hckms", "--rm-hckms", "--file", "--filename", "--user", "--value-file",
};

static bool takes_value(const char *a)
{
	if (strchr(a, '='))
		return false;
	if (sops_flag_takes_value(a))
		return true;
	for (size_t i = 0; i < sizeof(OTHER_VALUE_FLAGS) / sizeof(OTHER_VALUE_FLAGS[0]); i++)
		if (strcmp(a, OTHER_VALUE_FLAGS[i]) == 0)
			return true;
	return false;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: sops [global flags] command [flags] file\n"
		"commands: encrypt, decrypt, edit, rotate, updatekeys, set, unset, groups, filestatus,\n"
		"          exec-env, exec-file\n"
		"legacy forms: sops -e|-d|-r [flags] file, sops --set '[\"k\"] value' file, sops file (edit)\n"
		"(agesops %s speaking sops %s with age keys)\n",
		AGS_VERSION, AGS_SOPS_VERSION);
}

static int run(cli_cmd_fn fn, const char *name, char **args, int n)
{
	char **v = calloc((size_t)n + 2, sizeof(*v));
	if (!v) {
		cli_error("out of memory");
		return EXIT_GENERIC;
	}
	v[0] = (char *)name;
	for (int i = 0; i < n; i++)
		v[i + 1] = args[i];
	int r = fn(n + 1, v);
	free(v);
	return r;
}

/* --set 'INDEX VALUE' (legacy) -> set FILE INDEX VALUE.  As Go, the index
 * ends at the first "] " and the file is always written in place, so -i is
 * accepted and dropped. */
static int legacy_set(const char *spec, char **rest, int nrest)
{
	const char *sp = strstr(spec, "] ");
	if (!sp) {
		cli_error("Invalid --set format: expected '[\"key\"]... VALUE'");
		return EXIT_INVALID_SET_FORMAT;
	}
	sp++;
	char *index = strndup(spec, (size_t)(sp - spec));
	const char *value = sp + 1;
	char **args = calloc((size_t)nrest + 3, sizeof(*args));
	if (!index || !args) {
		free(index);
		free(args);
		return EXIT_GENERIC;
	}
	int n = 0;
	for (int i = 0; i < nrest; i++)
		if (strcmp(rest[i], "-i") != 0 && strcmp(rest[i], "--in-place") != 0 &&
		    strcmp(rest[i], "--in-place=true") != 0)
			args[n++] = rest[i];
	args[n++] = index;
	args[n++] = (char *)value;
	int r = run(cmd_set, "set", args, n);
	free(index);
	free(args);
	return r;
}

int cmd_sops(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		cli_error("no file specified");
		return EXIT_NO_FILE; /* as Go's app.Action */
	}
	/* Find the command word, skipping flags and their values. */
	int cmd_at = -1;
	const char *legacy = NULL;
	const char *set_spec = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) 
			break;
		if (a[0] == '-' && a[1]) {
			if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
				usage(stdout);
				return 0;
			}
			if (!strcmp(a, "-v") || !strcmp(a, "--version")) {
				printf("sops %s (agesops %s)\n", AGS_SOPS_VERSION, AGS_VERSION);
				return 0;
			}
			if (!strcmp(a, "-e") || !strcmp(a, "--encrypt"))
				legacy = "encrypt";
			else if (!strcmp(a, "-d") || !strcmp(a, "--decrypt"))
				legacy = "decrypt";
			else if (!strcmp(a, "-r") || !strcmp(a, "--rotate"))
				legacy = "rotate";
			else if (!strcmp(a, "--set") && i + 1 < argc)
				set_spec = argv[i + 1];
			if (takes_value(a))
				i++;
			continue;
		}
		cmd_at = i;
		break;
	}
	if (cmd_at > 0 && !legacy && !set_spec) {
		const char *w = argv[cmd_at];
		if (!strcmp(w, "help")) {
			usage(stdout);
			return 0;
		}
		for (size_t c = 0; c < sizeof(CMDS) / sizeof(CMDS[0]); c++) {
			if (strcmp(w, CMDS[c].name) != 0)
				continue;
			/* global flags, then the command's own arguments */
			int n = 0;
			char **args = calloc((size_t)argc, sizeof(*args));
			if (!args)
				return EXIT_GENERIC;
			/* groups' own subcommand (add, delete) stays first */
			int from = cmd_at + 1;
			if (!strcmp(w, "groups") && from < argc && argv[from][0] != '-')
				args[n++] = argv[from++];
			for (int i = 1; i < cmd_at; i++)
				args[n++] = argv[i];
			for (int i = from; i < argc; i++)
				args[n++] = argv[i];
			int r = run(CMDS[c].fn, CMDS[c].name, args, n);
			free(args);
			return r;
		}
		if (!strcmp(w, "keyservice") || !strcmp(w, "publish") || !strcmp(w, "completion")) {
			cli_error("'%s' is not supported by agesops", w);
			return EXIT_GENERIC;
		}
	}
	/* Legacy forms: drop the mode flag (and --set SPEC), keep everything else. */
	char **rest = calloc((size_t)argc, sizeof(*rest));
	if (!rest)
		return EXIT_GENERIC;
	int n = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-e") || !strcmp(a, "--encrypt") || !strcmp(a, "-d") || !strcmp(a, "--decrypt") ||
		    !strcmp(a, "-r") || !strcmp(a, "--rotate"))
			continue;
		if (!strcmp(a, "--set") && i + 1 < argc) {
			i++;
			continue;
		}
		rest[n++] = argv[i];
	}
	int r;
	if (set_spec)
		r = legacy_set(set_spec, rest, n);
	else if (legacy && !strcmp(legacy, "encrypt"))
		r = run(cmd_encrypt, "encrypt", rest, n);
	else if (legacy && !strcmp(legacy, "decrypt"))
		r = run(cmd_decrypt, "decrypt", rest, n);
	else if (legacy)
		r = run(cmd_rotate, "rotate", rest, n);
	else if (cmd_at > 0)
		r = run(cmd_edit, "edit", rest, n);
	else {
		usage(stderr);
		r = EXIT_NO_FILE;
	}
	free(rest);
	return r;
}
