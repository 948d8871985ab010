/*
 * agesops: dispatch.  One subcommand per src/cmd-<name>.c, found through the
 * table below (git's builtin/ pattern).  Invoked as "age", "age-keygen" or
 * "sops" (a symlink or hard link), the binary behaves as that program.
 */
#include "cli.h"
#include <agesops/agesops.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>

#include "util/secret.h"
#include "age/age-cli.h"
#include <agesops/sops.h>

struct cmd {
	const char *name;
	cli_cmd_fn fn;
	const char *summary;
};

static const struct cmd commands[] = {
	{ "keygen", cmd_keygen, "generate an age key pair (as age-keygen)" },
	{ "age", cmd_age, "encrypt or decrypt an age file (as age)" },
	{ "inspect", cmd_inspect, "show an age file's recipient types and sizes (as age-inspect)" },
	{ "ssh-to-age", cmd_ssh_to_age, "age key of an ssh-ed25519 key (as ssh-to-age)" },
	{ "encrypt", cmd_encrypt, "encrypt a YAML/JSON/dotenv/INI/binary file with SOPS" },
	{ "decrypt", cmd_decrypt, "decrypt a SOPS file" },
	{ "edit", cmd_edit, "edit a SOPS file in $EDITOR" },
	{ "rotate", cmd_rotate, "generate a new data key and re-encrypt" },
	{ "updatekeys", cmd_updatekeys, "apply .sops.yaml recipients to files" },
	{ "set", cmd_set, "set a value in a SOPS file" },
	{ "unset", cmd_unset, "remove a value from a SOPS file" },
	{ "groups", cmd_groups, "add or delete key groups" },
	{ "filestatus", cmd_filestatus, "report whether a file is SOPS-encrypted" },
	{ "exec-env", cmd_exec_env, "run a command with decrypted values in its environment" },
	{ "exec-file", cmd_exec_file, "run a command with the decrypted file" },
	{ "secret", cmd_secret, "generate Kubernetes Secrets (git, proxmox, generic, age-key)" },
	{ "cluster", cmd_cluster, "per-cluster scaffolding in a GitOps repository" },
	{ "check", cmd_check, "refuse plaintext Secrets and wrong recipients in a repository" },
	{ "kube", cmd_kube, "install or bootstrap the sops-age key on a cluster" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: agesops <command> [options] [args]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "  %-12s %s\n", "version", "print the version");
	fprintf(f, "\nInvoked as age, age-keygen or sops, agesops behaves as that program.\n");
}

int main(int argc, char **argv)
{
	ags_secret_harden_process();
	/* sops commands ask on the terminal for passphrase-protected SSH keys, as Go sops. */
	ags_sops_age_set_passphrase_fn(age_cli_read_passphrase, NULL);

	const char *base = argc > 0 ? strrchr(argv[0], '/') : NULL;
	base = base ? base + 1 : (argc > 0 ? argv[0] : "agesops");

	if (strcmp(base, "age") == 0) {
		cli_progname = "age";
		return cmd_age(argc, argv);
	}
	if (strcmp(base, "age-keygen") == 0) {
		cli_progname = "age-keygen";
		return cmd_keygen(argc, argv);
	}
	static const struct {
		const char *name;
		cli_cmd_fn fn;
	} programs[] = { /* age 1.3's other programs, and Mic92's ssh-to-age */
		{ "age-inspect", cmd_inspect },
		{ "age-plugin-batchpass", cmd_batchpass },
		{ "ssh-to-age", cmd_ssh_to_age },
	};
	for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++) {
		if (strcmp(base, programs[i].name) == 0) {
			cli_progname = programs[i].name;
			return programs[i].fn(argc, argv);
		}
	}
	if (strcmp(base, "sops") == 0) {
		cli_progname = "sops";
		return cmd_sops(argc, argv);
	}

	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	const char *name = argv[1];
	if (!strcmp(name, "-h") || !strcmp(name, "--help") || !strcmp(name, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(name, "version") || !strcmp(name, "--version") || !strcmp(name, "-v")) {
		printf("agesops %s\n", AGS_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	cli_error("unknown command '%s' (see 'agesops --help')", name);
	return 1;
}
