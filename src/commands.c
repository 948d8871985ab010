/*
 * The command table: the list of commands, and the age commands (see
 * cli-opts.h).  The sops commands are in commands-sops.c, the GitOps ones
 * in commands-gitops.c.
 */
#include "cli-opts.h"

/* The last rows of a Go style program's flags: -version and -help, as
 * PROG writes them (dash "-" or "--"). */
#define GO_VERSION_HELP(prog, dash)                                                  \
	{ "version", 0, NULL, OPT_VERSION, 0, "print the version", prog " " dash "version" }, \
	{ "help", 'h', NULL, 'h', 0, "show this help", prog " " dash "help" }

extern const struct cli_command cli_cmd_encrypt, cli_cmd_decrypt, cli_cmd_edit, cli_cmd_rotate,
	cli_cmd_updatekeys, cli_cmd_set, cli_cmd_unset, cli_cmd_groups, cli_cmd_filestatus, cli_cmd_exec_env,
	cli_cmd_exec_file, cli_cmd_secret, cli_cmd_cluster, cli_cmd_check, cli_cmd_kube;

const char *const cli_formats[] = { "yaml", "json", "dotenv", "ini", "binary", NULL };

/* age and age-keygen parse Go flag style: -x and --x are the same flag. */
FLAG_SET(age_flags,
	{ "encrypt", 'e', NULL, 'e', 0, "encrypt the input to the output (the default)", "age --encrypt" },
	{ "decrypt", 'd', NULL, 'd', 0, "decrypt the input to the output", "age --decrypt" },
	{ "output", 'o', "OUTPUT", 'o', CLI_FILE, "write the result to the file at path OUTPUT", "age --output" },
	{ "armor", 'a', NULL, 'a', 0, "encrypt to a PEM encoded format", "age --armor" },
	{ "passphrase", 'p', NULL, 'p', 0, "encrypt with a passphrase", "age --passphrase" },
	{ "recipient", 'r', "RECIPIENT", 'r', CLI_REPEAT, "encrypt to RECIPIENT (age1..., ssh-ed25519 ..., ssh-rsa ...)",
	  "age --recipient" },
	{ "recipients-file", 'R', "PATH", 'R', CLI_REPEAT | CLI_FILE, "encrypt to the recipients listed at PATH",
	  "age --recipients-file" },
	{ "identity", 'i', "PATH", 'i', CLI_REPEAT | CLI_FILE, "use the identity file at PATH", "age --identity" },
	{ NULL, 'j', "PLUGIN", OPT_PLUGIN, CLI_REPEAT, "use the data-less plugin PLUGIN", "age -j" },
	GO_VERSION_HELP("age", "--"));

static const struct cli_command cmd_age_entry = {
	"age", "encrypt or decrypt an age file (as age)",
	"[--encrypt] (-r RECIPIENT | -R PATH)... [--armor] [-o OUTPUT] [INPUT]\n"
	"[--encrypt] --passphrase [--armor] [-o OUTPUT] [INPUT]\n"
	"--decrypt [-i PATH]... [-o OUTPUT] [INPUT]",
	"INPUT defaults to standard input, and OUTPUT to standard output; OUTPUT is written only\n"
	"once the operation succeeded.  Recipient files hold one recipient per line, identity\n"
	"files one secret key per line or an SSH key; \"#\" lines are comments, \"-\" is standard\n"
	"input.  With an explicit --encrypt, -i encrypts to an identity file symmetrically.\n"
	"Installed as \"age\", agesops behaves as age, with age's exit codes and messages.",
	SETS(age_flags),
	"AGESOPS_PLUGIN_TIMEOUT\tseconds to wait for an age plugin\nPATH\twhere age-plugin-NAME programs are found\n"
	"TMPDIR\ttemporary files of plugins\n",
	"agesops age -r age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p -o secret.age secret.txt\n"
	"agesops age -d -i key.txt secret.age",
	"age", "age", NULL, cmd_age, CLI_ARGS_FILE, false, false,
};

FLAG_SET(keygen_flags,
	{ "output", 'o', "OUTPUT", 'o', CLI_FILE, "write the result to the file at path OUTPUT (never overwritten)",
	  "age-keygen -o" },
	{ NULL, 'y', NULL, 'y', 0, "convert an identity file to a recipients file", "age-keygen -y" },
	{ "pq", 0, NULL, OPT_PQ, 0, "generate a post-quantum hybrid (mlkem768x25519) key", "age-keygen -pq" },
	GO_VERSION_HELP("age-keygen", "--"));

static const struct cli_command cmd_keygen_entry = {
	"keygen", "generate an age key pair (as age-keygen)", "[-o OUTPUT] [--pq]\n-y [-o OUTPUT] [INPUT]",
	"Generates a new native X25519 key pair to standard output or to OUTPUT (0600); with\n"
	"OUTPUT the public key is printed to standard error.  In -y mode, reads an identity\n"
	"file from INPUT or standard input and writes its recipients, one per line.\n"
	"Installed as \"age-keygen\", agesops behaves as age-keygen.",
	SETS(keygen_flags), NULL, "agesops keygen -o key.txt\nagesops keygen -y key.txt", "age-keygen", "keygen", NULL,
	cmd_keygen, CLI_ARGS_FILE, false, false,
};

/* age 1.3's age-inspect (Go flag style) */
FLAG_SET(inspect_flags,
	{ "json", 0, NULL, OPT_JSON, 0, "print the result as JSON", "age-inspect --json" },
	GO_VERSION_HELP("age-inspect", "--"));

static const struct cli_command cmd_inspect_entry = {
	"inspect", "show an age file's recipient types and sizes (as age-inspect)", "[--json] [INPUT]",
	"Prints the format version, the stanza types, whether the file is post-quantum\n"
	"(yes, no or unknown), whether it is armored, and the size of the header, the\n"
	"payload overhead and the plaintext, which add up to the file's size.  Nothing is\n"
	"decrypted.  Installed as \"age-inspect\", agesops behaves as age-inspect.",
	SETS(inspect_flags), NULL, "agesops inspect secret.age\nagesops inspect --json secret.age", "age-inspect",
	"age", NULL, cmd_inspect, CLI_ARGS_FILE, false, false,
};

/* Mic92's ssh-to-age (Go flag style) */
FLAG_SET(ssh_to_age_flags,
	{ NULL, 'i', "PATH", 'i', CLI_FILE, "input path (default: standard input)", "ssh-to-age -i" },
	{ NULL, 'o', "PATH", 'o', CLI_FILE, "output path (default: standard output)", "ssh-to-age -o" },
	{ "private-key", 0, NULL, OPT_PRIVATE_KEY, 0, "convert the private key instead of the public key",
	  "ssh-to-age -private-key" },
	GO_VERSION_HELP("ssh-to-age", "-"));

static const struct cli_command cmd_ssh_to_age_entry = {
	"ssh-to-age", "age key of an ssh-ed25519 key (as ssh-to-age)", "[-private-key] [-i PATH] [-o PATH]",
	"Converts each ssh-ed25519 public key line to its X25519 age recipient (other key\n"
	"types are skipped), or with -private-key an OpenSSH ed25519 private key to its age\n"
	"identity, as sops-nix needs.  Installed as \"ssh-to-age\", agesops behaves as ssh-to-age.",
	SETS(ssh_to_age_flags), "SSH_TO_AGE_PASSPHRASE\tthe passphrase of an encrypted private key\n",
	"ssh-to-age < ~/.ssh/id_ed25519.pub\nssh-to-age -private-key -i ~/.ssh/id_ed25519 -o key.txt",
	"ssh-to-age", "age", NULL, cmd_ssh_to_age, CLI_ARGS_NONE, false, false,
};

FLAG_SET(help_flags,
	{ "scdoc", 0, NULL, OPT_IGNORED, CLI_HIDDEN, "print the page as scdoc source (for the man pages)", NULL });

static const struct cli_command cmd_help_entry = {
	"help", "show the help of a command", "[COMMAND [SUBCOMMAND]]",
	"\"agesops help CMD\" prints the same page as \"agesops CMD --help\".", SETS(help_flags), NULL,
	"agesops help encrypt\nagesops help secret git", NULL, "agesops", NULL, NULL, CLI_ARGS_NONE, false, false,
};

static const struct cli_command cmd_version_entry = {
	"version", "print the version", "", NULL, NULL, NULL, "agesops version", NULL, "agesops", NULL, NULL,
	CLI_ARGS_NONE, false, false,
};

static const struct cli_command cmd_completion_entry = {
	"completion", "print a shell completion script", "bash|zsh|fish",
	"Generated from the command table; the packages install them.", NULL, NULL,
	"source <(agesops completion bash)", NULL, "agesops", NULL, NULL, CLI_ARGS_NONE, false, true,
};

/* The drop-in programs that dispatch onto the table ("agesops sops ..." too). */
static const struct cli_command cmd_agekeygen_entry = {
	"age-keygen", "age-keygen (drop-in name)", "[-o OUTPUT] [--pq]\n-y [-o OUTPUT] [INPUT]", NULL,
	SETS(keygen_flags), NULL, "agesops age-keygen -o key.txt", "age-keygen", "keygen", NULL, cmd_keygen,
	CLI_ARGS_FILE, false, true,
};

const struct cli_command *const cli_commands[] = {
	&cmd_keygen_entry, &cmd_age_entry, &cmd_inspect_entry, &cmd_ssh_to_age_entry, &cli_cmd_encrypt, &cli_cmd_decrypt, &cli_cmd_edit, &cli_cmd_rotate,
	&cli_cmd_updatekeys, &cli_cmd_set, &cli_cmd_unset, &cli_cmd_groups, &cli_cmd_filestatus, &cli_cmd_exec_env,
	&cli_cmd_exec_file, &cli_cmd_secret, &cli_cmd_cluster, &cli_cmd_check, &cli_cmd_kube, &cmd_help_entry,
	&cmd_version_entry, &cmd_completion_entry, &cli_sops_program, &cmd_agekeygen_entry, NULL,
};
