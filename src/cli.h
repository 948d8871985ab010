/*
 * Shared CLI plumbing.  Only src/ prints; library errors are mapped to exit
 * codes here (sops' codes where sops has one).
 */
#ifndef AGS_CLI_H
#define AGS_CLI_H

#include <agesops/agesops.h>
#include <stdbool.h>
#include <stdio.h>

/* What `age --version` and `age-keygen --version` print: age's version with
 * agesops' as semver build metadata, so version checks read it as age 1.3.1
 * (docs/age.md). */
#define CLI_AGE_VERSION "v1.3.1+agesops." AGS_VERSION

/* Program name used in messages: "agesops", or "age"/"age-keygen"/"sops" under those names. */
extern const char *cli_progname;

/* "PROG: error: MSG\n" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* cli_error, then returns code: `return cli_refuse(EXIT_GENERIC, "...")`. */
int cli_refuse(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "PROG: error: [what: ]<diag msg or strerror(err)>" and returns the exit code for err. */
int cli_fail(int err, const struct ags_diag *d, const char *what);

/* sops exit codes (cmd/sops/codes), those Go sops 3.13.2 returns: it never
 * returns 5, 52, 61 or 111 although codes.go lists them. */
enum cli_exit {
	EXIT_OK = 0,
	EXIT_GENERIC = 1,
	EXIT_READ_INPUT = 2,
	EXIT_WRITE_OUTPUT = 3,
	EXIT_DUMPING_TREE = 4,
	EXIT_INVALID_SET_FORMAT = 7,
	EXIT_CONFLICTING_PARAMETERS = 8,
	EXIT_ENCRYPTING_MAC = 21,
	EXIT_ENCRYPTING_TREE = 23,
	EXIT_DECRYPTING_MAC = 24,
	EXIT_DECRYPTING_TREE = 25,
	EXIT_NON_EXISTENT_FILE = 49,
	EXIT_MAC_MISMATCH = 51,
	EXIT_INTERRUPT = 85,
	EXIT_INVALID_TREE_PATH = 91,
	EXIT_NEED_DOCUMENT = 92,
	EXIT_NO_FILE = 100,
	EXIT_NO_ENCRYPTION_KEY = 111, /* agesops secret --encrypt only; never the sops commands */
	EXIT_DUPLICATE_DECRYPTION_KEY_TYPE = 112,
	EXIT_COULD_NOT_RETRIEVE_KEY = 128,
	EXIT_NOT_MODIFIED = 200,
	EXIT_NO_EDITOR = 201,
	EXIT_ALREADY_ENCRYPTED = 203,
};

/*
 * Reads a line typed on the terminal (in, out: its descriptors) into line
 * without echo, after writing prompt to out.  flags: CLI_TTY_FLUSH switches
 * the echo with TCSAFLUSH (what was typed ahead is dropped), else TCSANOW;
 * CLI_TTY_ECHONL lets the terminal echo the newline typed (one is written
 * only when the echo could not be switched off), else a newline is written
 * after; CLI_TTY_STRICT ends the line at "\r" too and fails on a read error
 * (else the line ends there).  Returns 0, 1 when the input ended before
 * anything was typed, or a negative error (line full: AGS_E_TOO_BIG).
 */
enum { CLI_TTY_FLUSH = 1 << 0, CLI_TTY_ECHONL = 1 << 1, CLI_TTY_STRICT = 1 << 2 };
struct ags_buf;
int cli_tty_read_secret(int in, int out, const char *prompt, unsigned flags, struct ags_buf *line);

/* Default mapping of a library error to an exit code. */
int cli_exit_code(int err);

/* Subcommands: each lives in src/cmd-<name>.c. argv[0] is the command name. */
typedef int (*cli_cmd_fn)(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_age(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_batchpass(int argc, char **argv);
int cmd_ssh_to_age(int argc, char **argv);
int cmd_encrypt(int argc, char **argv);
int cmd_decrypt(int argc, char **argv);
int cmd_edit(int argc, char **argv);
int cmd_rotate(int argc, char **argv);
int cmd_updatekeys(int argc, char **argv);
int cmd_set(int argc, char **argv);
int cmd_unset(int argc, char **argv);
int cmd_groups(int argc, char **argv);
int cmd_filestatus(int argc, char **argv);
int cmd_exec_env(int argc, char **argv);
int cmd_exec_file(int argc, char **argv);
int cmd_secret(int argc, char **argv);
int cmd_cluster(int argc, char **argv);
/* cluster rotate-key (src/cmd-cluster-rotate.c); argv[0] is "rotate-key". */
int cmd_cluster_rotate_key(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_kube(int argc, char **argv);
/* Invoked as "sops": parses sops' own global flags and legacy forms. */
int cmd_sops(int argc, char **argv);

#endif
