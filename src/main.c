/*
 * agesops: dispatch.  One subcommand per src/cmd-<name>.c, found through the
 * command table (src/commands.c, git's builtin/ pattern).  Invoked as "age",
 * "age-keygen" or "sops" (a symlink or hard link, versioned names too), the
 * binary behaves as that program.
 */
#include "cli.h"
#include "cli-opts.h"
#include <agesops/agesops.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>

#include "util/secret.h"
#include "age/age-cli.h"
#include <agesops/sops.h>

/*
 * The drop-in programs, longest name first.  A versioned file name as
 * release downloads have it ("sops-v3.13.2.linux.amd64", "sops-3.13",
 * "age-v1.3.1", "age-keygen-v1.3.1") is the same program.
 */
static const struct {
	const char *name;
	cli_cmd_fn fn;
} dropins[] = {
	/* age 1.3's other programs, and Mic92's ssh-to-age */
	{ "age-plugin-batchpass", cmd_batchpass },
	{ "age-inspect", cmd_inspect },
	{ "age-keygen", cmd_keygen },
	{ "ssh-to-age", cmd_ssh_to_age },
	{ "sops", cmd_sops },
	{ "age", cmd_age },
};

static bool is_dropin_name(const char *base, const char *name)
{
	size_t n = strlen(name);
	if (strncmp(base, name, n) != 0)
		return false;
	const char *v = base + n;
	if (!*v)
		return true;
	/* "-v1.2", "-1.2", "_v1.2", ".v1" ... : a separator, then a version number */
	if (*v != '-' && *v != '_' && *v != '.')
		return false;
	v++;
	if (*v == 'v' || *v == 'V')
		v++;
	return *v >= '0' && *v <= '9';
}

static int run_dropin(const char *base, int argc, char **argv, bool *found)
{
	for (size_t i = 0; i < sizeof(dropins) / sizeof(dropins[0]); i++) {
		if (is_dropin_name(base, dropins[i].name)) {
			*found = true;
			cli_progname = dropins[i].name;
			return dropins[i].fn(argc, argv);
		}
	}
	*found = false;
	return 0;
}

int main(int argc, char **argv)
{
	ags_secret_harden_process();
	/* sops commands ask on the terminal for passphrase-protected SSH keys, as Go sops. */
	ags_sops_age_set_passphrase_fn(age_cli_read_passphrase, NULL);

	const char *base = argc > 0 ? strrchr(argv[0], '/') : NULL;
	base = base ? base + 1 : (argc > 0 ? argv[0] : "agesops");

	bool found;
	int rc = run_dropin(base, argc, argv, &found);
	if (found)
		return rc;

	if (argc < 2) {
		cli_help_commands(stderr);
		return 1;
	}
	const char *name = argv[1];
	if (!strcmp(name, "-h") || !strcmp(name, "--help")) {
		cli_help_commands(stdout);
		return 0;
	}
	if (!strcmp(name, "help"))
		return cli_help_main(argc - 1, argv + 1);
	if (!strcmp(name, "completion"))
		return cli_completion_main(argc - 1, argv + 1);
	if (!strcmp(name, "version") || !strcmp(name, "--version") || !strcmp(name, "-v")) {
		printf("agesops %s\n", AGS_VERSION);
		return 0;
	}
	/* "agesops sops ...", "agesops age-keygen ...": as that drop-in program */
	if (!strcmp(name, "sops") || !strcmp(name, "age-keygen")) {
		rc = run_dropin(name, argc - 1, argv + 1, &found);
		return rc;
	}
	const struct cli_command *c = cli_command_find(name);
	if (c && c->fn && !strchr(name, ' '))
		return c->fn(argc - 1, argv + 1);
	cli_error("unknown command '%s' (see 'agesops --help')", name);
	return 1;
}
