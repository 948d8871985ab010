/*
 * The command table: every command, subcommand and flag of agesops is
 * declared once (src/commands*.c).  The parsers build their getopt_long
 * arrays from it, and --help, "agesops help CMD", the shell completions and
 * the man pages are printed from it, so none of them can drift.  Each
 * command keeps its own switch for what a flag means.
 */
#ifndef AGS_CLI_OPTS_H
#define AGS_CLI_OPTS_H

#include "cli.h"
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

/* Parser ids of the flags without a one-letter form (flags with one return
 * that letter).  One id per flag name; commands that give a name another
 * meaning still share the id, only their switch differs. */
enum cli_opt_id {
	/* the sops flags every sops command accepts (src/sops/opts.h aliases these) */
	OPT_INPUT_TYPE = 1000, OPT_OUTPUT_TYPE, OPT_CONFIG, OPT_INDENT, OPT_IGNORE_MAC, OPT_DECRYPTION_ORDER,
	OPT_IGNORED, OPT_IGNORED_VALUE, OPT_LOCAL_KEYSERVICE,
	/* sops encrypt/decrypt (src/sops/opts.c) */
	OPT_OUTPUT = 1100, OPT_FILENAME_OVERRIDE, OPT_EXTRACT, OPT_TEXTCONV, OPT_UNENC_SUFFIX, OPT_ENC_SUFFIX,
	OPT_UNENC_REGEX, OPT_ENC_REGEX, OPT_UNENC_COMMENT_REGEX, OPT_ENC_COMMENT_REGEX, OPT_MAC_ONLY, OPT_SHAMIR,
	OPT_UNSUPPORTED_KEY, OPT_CHECK,
	/* other sops commands */
	OPT_ADD_AGE = 1200, OPT_RM_AGE, OPT_PRISTINE, OPT_BACKGROUND, OPT_SAME_PROCESS, OPT_USER, OPT_NO_FIFO,
	OPT_FILENAME, OPT_VALUE_FILE, OPT_VALUE_STDIN, OPT_IDEMPOTENT, OPT_FILE, OPT_PGP, OPT_ADD_PGP, OPT_RM_PGP,
	/* check, cluster */
	OPT_NO_MAC = 1300, OPT_FIX_RECIPIENTS, OPT_REPO, OPT_KEY_FILE, OPT_SECRETS_DIR, OPT_FLUX_DIR, OPT_GIT_URL,
	OPT_GIT_USERNAME, OPT_GIT_SECRET_NAME, OPT_KNOWN_HOSTS, OPT_PROXMOX_URL, OPT_PROXMOX_TOKEN_ID,
	OPT_PROXMOX_SECRET_NAME, OPT_PROXMOX_INSECURE, OPT_NO_GIT, OPT_NO_PROXMOX, OPT_SECRETS_STDIN, OPT_FORCE,
	OPT_FROM_CLUSTER, OPT_ADMIN_RECIPIENT, OPT_OFFLINE, OPT_FINISH, OPT_NO_CHECK,
	/* kube */
	OPT_KUBECONFIG = 1400, OPT_CONTEXT, OPT_IN_CLUSTER, OPT_NAME, OPT_CONFIGMAP, OPT_REPLACE, OPT_TIMEOUT,
	OPT_ROTATE, OPT_PUBKEY,
	/* secret */
	OPT_URL = 1500, OPT_PASSWORD_STDIN, OPT_BEARER, OPT_BEARER_STDIN, OPT_CA, OPT_PRIVKEY, OPT_ALG, OPT_CURVE,
	OPT_BITS, OPT_LABEL, OPT_KEY_FORMAT, OPT_ENCRYPT, OPT_AGE, OPT_TOKEN_ID, OPT_TOKEN_SECRET_STDIN,
	OPT_INSECURE, OPT_ROOT_CA, OPT_FROM_LITERAL, OPT_FROM_FILE, OPT_FROM_ENV, OPT_TYPE, OPT_NO_CTS,
	OPT_PATH_HINT,
	/* age, age-keygen (Go flag style) */
	OPT_VERSION = 1600, OPT_PQ, OPT_PLUGIN, OPT_JSON, OPT_PRIVATE_KEY,
};

/* cli_flag.flags */
enum {
	CLI_ARG_OPTIONAL = 1 << 0, /* --flag[=ARG] */
	CLI_HIDDEN = 1 << 1,       /* accepted (compatibility), not listed in help/completions */
	CLI_REPEAT = 1 << 2,       /* may be given several times */
	CLI_FILE = 1 << 3,         /* the argument is a file (completion) */
	CLI_DIR = 1 << 4,          /* the argument is a directory (completion) */
	CLI_FORMAT = 1 << 5,       /* the argument is a sops store name (completion) */
};

struct cli_flag {
	const char *name;    /* long form without "--" (Go style flags: without "-") */
	char short_name;     /* one-letter form, 0 for none */
	const char *arg;     /* argument name ("FILE"), NULL for a switch */
	int id;              /* what the parser returns (the letter when short_name is set) */
	unsigned flags;
	const char *help;    /* one line */
	const char *mirrors; /* the sops/age/flux/kubectl flag it mirrors, NULL: agesops' own */
};

/* The command table's shorthands: FLAG_SET(name, rows...) declares a flag
 * set (the zero entry added); SETS(a, b, ...) is a command's list of sets. */
#define FLAG_SET(name, ...) static const struct cli_flag name[] = { __VA_ARGS__, { 0 } }
#define SETS(...) (const struct cli_flag *const[]){ __VA_ARGS__, NULL }

/* What the positional arguments are, for the completions. */
enum cli_args { CLI_ARGS_NONE, CLI_ARGS_FILE, CLI_ARGS_DIR, CLI_ARGS_COMMAND };

struct cli_command {
	const char *name;
	const char *summary;  /* one line for the command list */
	const char *synopsis; /* usage lines without "usage: PROG NAME", separated by \n */
	const char *about;    /* paragraphs after the synopsis, NULL for none */
	/* NULL-terminated list of flag sets (a set is terminated by a zero entry) */
	const struct cli_flag *const *flags;
	const char *env;      /* "NAME\tmeaning\n" lines, NULL for none */
	const char *example;  /* command lines, \n separated */
	const char *mirrors;  /* "sops encrypt", "age", ... */
	const char *group;    /* man page: agesops-GROUP(1) */
	const struct cli_command *subs; /* subcommands, terminated by a zero entry */
	cli_cmd_fn fn;
	enum cli_args args;
	bool gnu;             /* GNU getopt order: flags may follow the arguments */
	bool hidden;          /* not in the command list (completion) */
};

/* The table (src/commands.c): the top-level commands, NULL-terminated. */
extern const struct cli_command *const cli_commands[];
/* The "sops" program's own command (src/commands-sops.c). */
extern const struct cli_command cli_sops_program;
/* The flags of the encrypt/decrypt parser (src/sops/opts.c). */
extern const struct cli_command cli_sops_opts_parser;
/* Sops store names, for --input-type/--output-type. */
extern const char *const cli_formats[];

/* "encrypt", "secret git", "kube install-key": NULL if there is no such command. */
const struct cli_command *cli_command_find(const char *path);
/* The command's flag named name ("--x", "-x"; name_len bytes of it), NULL if none. */
const struct cli_flag *cli_flag_find(const struct cli_command *c, const char *name, size_t name_len);
/* Go flag style lookup: name without dashes, one or more letters. */
const struct cli_flag *cli_flag_find_go(const struct cli_command *c, const char *name, size_t name_len);
/*
 * Go's flag package over the flags of cmd (age, age-keygen): -f and --f are
 * the same, "-f=v" or "-f v"; the flags end at the first argument that is
 * not one, or after "--".  Start with k = 0; cli_goflag_next returns the
 * next flag's id (val its value, NULL for a switch), 0 after the last flag
 * (k then indexes the first argument), or -1 after printing Go's message
 * and usage for a bad flag (Go exits 2).  bool_values: a switch takes
 * =true|1|false|0 (=false as if not given); else "=value" on a switch other
 * than -h is not defined.
 */
struct cli_goflags {
	const struct cli_command *cmd;
	const char *usage;
	bool bool_values;
	int k;
	const char *val;
};
int cli_goflag_next(struct cli_goflags *g, int argc, char **argv);

/* Calls fn for every flag of c (hidden ones too), in table order. */
void cli_flags_each(const struct cli_command *c, void (*fn)(const struct cli_flag *f, void *ctx), void *ctx);

/* getopt_long over the flags of the command at path: build once with
 * cli_getopt_init, then call cli_getopt like getopt_long (optarg, optind).
 * Returns the flag's id, '?' for a bad flag, -1 at the end. */
#define CLI_MAX_FLAGS 64
struct cli_getopt {
	const struct cli_command *cmd;
	struct option lo[CLI_MAX_FLAGS];
	char optstring[128];
};
/* Resets optind to 1.  Returns -1 if there is no such command (a bug:
 * tests/cli/help.t runs every one). */
int cli_getopt_init(struct cli_getopt *g, const char *path);
int cli_getopt(struct cli_getopt *g, int argc, char **argv);
/* The flag cli_getopt returned last, as written ("--kms", "-k"), like
 * getopt's optarg: for messages that name the flag a user gave. */
extern const char *cli_optname;

/* The full help page of the command at path (usage, flags, environment, example). */
void cli_help(FILE *f, const char *path);
/* The short usage for a bad command line: the synopsis and "see PROG help CMD". */
void cli_usage(FILE *f, const char *path);
/* "agesops --help": every command. */
void cli_help_commands(FILE *f);
/* "agesops help ...": prints the page(s) asked for; returns the exit code. */
int cli_help_main(int argc, char **argv);
/* "agesops completion bash|zsh|fish" (src/cli-complete.c) */
int cli_completion_main(int argc, char **argv);
/* The fish completion script, written to f (cli-complete-fish.c). */
void cli_complete_fish(FILE *f);

#endif
