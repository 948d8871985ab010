/*
 * Command-line options shared by the sops-style commands (encrypt, decrypt,
 * edit, rotate, set, ...): sops' flag names, GNU style (--flag value,
 * --flag=value, -i), accepted anywhere before "--".  Commands with extra
 * flags pass a callback for the ones this parser does not know.
 */
#ifndef AGS_SRC_SOPS_OPTS_H
#define AGS_SRC_SOPS_OPTS_H

#include "../cli-opts.h"
#include <agesops/agesops.h>
#include <agesops/sops.h>
#include <stdbool.h>
#include <stddef.h>
#include <getopt.h>
#include "util/outfile.h"

struct sops_opts {
	bool in_place;
	const char *output;            /* --output */
	const char *input_type;        /* --input-type */
	const char *output_type;       /* --output-type */
	const char *filename_override; /* --filename-override */
	const char *extract;           /* --extract */
	const char *config;            /* --config */
	const char *decryption_order;  /* --decryption-order, else $SOPS_DECRYPTION_ORDER */
	int indent;                    /* --indent, AGS_SOPS_INDENT_DEFAULT when absent */
	bool ignore_mac;
	bool textconv;                 /* decrypt --textconv */
	bool verbose;
	/* --age (repeatable, each comma-separated); SOPS_AGE_RECIPIENTS when none */
	const char **age;
	size_t nage;
	/* --pgp/-p (repeatable, each comma-separated); SOPS_PGP_FP when none */
	const char **pgp;
	size_t npgp;
	struct ags_sops_rules rules;   /* --encrypted-regex etc., --mac-only-encrypted */
	unsigned shamir_threshold;     /* --shamir-secret-sharing-threshold */
	char **files;                  /* positional arguments */
	size_t nfiles;
	/* filled by sops_config_apply: several key groups from .sops.yaml */
	struct ags_sops_group_spec *groups;
	size_t ngroups;
	void *cfg;                     /* the loaded config (owned) */
};

/*
 * Handles a flag the shared parser does not know.  name is the flag as
 * written (e.g. "--add-age"), value the "=value" part or NULL, next the
 * following argument or NULL.  Returns the number of extra arguments
 * consumed (0, or 1 when it used next), or -1 for "unknown flag".
 */
typedef int (*sops_extra_flag_fn)(void *ctx, const char *name, const char *value, const char *next);

/* Parses argv[1..argc) (argv[0] is the command name).  Prints the error and
 * returns the exit code (> 0) on a bad command line, 0 on success. */
int sops_opts_parse(int argc, char **argv, struct sops_opts *o, sops_extra_flag_fn extra, void *ctx);
void sops_opts_free(struct sops_opts *o);

/* Applies --decryption-order (flag, else $SOPS_DECRYPTION_ORDER, else age
 * then pgp) for the process.  Prints and returns 112 for a type named twice. */
int sops_decryption_order(const char *flag);

/* Does this flag (as written, without "=value") take a value?  For the
 * "sops" front end, which has to find the command after global flags. */
bool sops_flag_takes_value(const char *name);

/* The input file name to use for the store choice and messages:
 * --filename-override, else the file, else NULL (stdin). */
const char *sops_opts_name(const struct sops_opts *o);

/* Exit code for a library error in a sops command (sops' codes). */
int sops_exit_code(int err);

/* ---- input and output (output.c) ---- */

/* Reads the input (a file or "-"/none for stdin).  Prints and returns the
 * exit code on failure.  out is a secret buffer the caller releases. */
int sops_read_input(const struct sops_opts *o, struct ags_buf *out);
/* Writes the result: --in-place over the input (atomic, mode kept),
 * --output (atomic; a new file is 0600 when plaintext), else stdout.
 * Prints and returns the exit code on failure. */
int sops_write_output(const struct sops_opts *o, const void *data, size_t len, bool plaintext);

/*
 * The same output, written while the document is emitted into buf: for
 * --in-place and --output, sops_output_begin makes buf spill (util/buf.h)
 * into the output's temp file, opened at the first spill, so a large
 * document is not held a second time as the output.  Standard output gets
 * the document whole at the end (an emit that fails half-way prints
 * nothing).  so must stay where it is until finish or abort.
 */
struct sops_output {
	const char *path; /* NULL: standard output */
	int mode;
	bool open;
	int err; /* the output's own failure, seen by an emit through buf */
	struct ags_out f;
};
void sops_output_begin(struct sops_output *so, const struct sops_opts *o, bool plaintext, struct ags_buf *buf);
/* After the emit: writes the rest and puts the file in place.  Prints and
 * returns the exit code on failure. */
int sops_output_finish(struct sops_output *so, struct ags_buf *buf);
/* After a failure: drops the partial output (the target stays as it was).
 * When the failure was the output's own, prints it and returns its exit
 * code; else returns 0 and the caller reports its error. */
int sops_output_abort(struct sops_output *so);

/*
 * .sops.yaml creation rules (--config, $SOPS_CONFIG, else found from the
 * working directory up): fills what the flags left empty for file `path`
 * (NULL for stdin): the recipients (only when no --age/SOPS_AGE_RECIPIENTS
 * was given, as sops), the value/comment rule, mac_only_encrypted, the
 * Shamir threshold, the indent from `stores:`.  Returns 0 (also when no
 * config applies), or an exit code after printing.
 */
int sops_config_apply(struct sops_opts *o, const char *path);

/*
 * The getopt-based commands (edit, rotate, updatekeys, set, unset, groups,
 * filestatus, exec-env, exec-file) share these options (src/sops/getopt.c).
 */
/* Options most of these commands share. */
struct sm_opts {
	const char *input_type, *output_type;
	const char *config;   /* --config, else $SOPS_CONFIG, else discovery */
	int indent;           /* AGS_SOPS_INDENT_DEFAULT unless --indent */
	bool ignore_mac;
	/* --filename-override (rotate): the name that picks the store */
	const char *filename_override;
	/* -r DIR walks: a selected file without sops metadata is skipped
	 * (counted in the summary) instead of failing */
	bool skip_plain;
	/* -r/--recursive DIR (sets skip_plain) and -j/--jobs N, for the
	 * commands whose table lists them (rotate, updatekeys) */
	const char *dir;
	unsigned jobs;
};
void sm_opts_init(struct sm_opts *o);

/* Option ids of the flags every sops command takes: the command table's
 * (src/cli-opts.h, where they are declared with their help). */
enum {
	SM_OPT_INPUT_TYPE = OPT_INPUT_TYPE,
	SM_OPT_OUTPUT_TYPE = OPT_OUTPUT_TYPE,
	SM_OPT_CONFIG = OPT_CONFIG,
	SM_OPT_INDENT = OPT_INDENT,
	SM_OPT_IGNORE_MAC = OPT_IGNORE_MAC,
	SM_OPT_DECRYPTION_ORDER = OPT_DECRYPTION_ORDER,
	SM_OPT_IGNORED = OPT_IGNORED,
	SM_OPT_IGNORED_VALUE = OPT_IGNORED_VALUE,
	SM_OPT_LOCAL_KEYSERVICE = OPT_LOCAL_KEYSERVICE,
	SM_OPT_UNSUPPORTED_KEY = OPT_UNSUPPORTED_KEY,
};
/*
 * The flag loop of these commands: sm_getopt returns each flag the command
 * handles itself (its id from the command table, optarg set), -1 after the
 * last flag, or SM_GETOPT_EXIT when the command must return rc: 0 after
 * -h/--help (its help printed), else the exit code of a bad flag (the
 * message and the short usage printed).  The shared flags above land in o.
 * The command's switch needs a case for each of its own flags in the table.
 */
#define SM_GETOPT_EXIT (-2)
struct sm_getopt {
	struct cli_getopt g;
	const char *path;  /* the command: -h prints its help */
	const char *usage; /* a bad flag prints this command's short usage */
	struct sm_opts *o;
	int rc;
};
/* Starts the loop (optind reset) and clears o (sm_opts_init); usage NULL
 * means path ("groups add" shows the usage of "groups"). */
void sm_getopt_init(struct sm_getopt *s, const char *path, const char *usage, struct sm_opts *o);
int sm_getopt(struct sm_getopt *s, int argc, char **argv);
/* After the loop (c its last result): true when the command must return
 * s->rc now: after -h or a bad flag, or when fewer than min or more than
 * max arguments follow the flags (then msg and the short usage are
 * printed and s->rc is code). */
#define SM_ARGS_ANY 0x7fffffff
bool sm_getopt_end(struct sm_getopt *s, int c, int argc, int min, int max, const char *msg, int code);
#endif
