/*
 * agesops secret git|proxmox|generic|age-key: Kubernetes Secret manifests
 * byte-identical to flux's and kubectl's, optionally SOPS-encrypted in
 * memory on the way out (--encrypt) so the plaintext never touches disk.
 * The generators are in lib/gitops/generators.c; this file reads the flags
 * (declared in the command table, src/commands-gitops.c) and the secret
 * values, and prints.
 */
#include "cli.h"
#include "cli-opts.h"
#include "gitops/gitops-cli.h"
#include "gitops/secret-kinds.h"

#include <agesops/agesops.h>
#include <agesops/gitops.h>
#include "util/buf.h"
#include "util/file.h"
#include "util/secret.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

enum kind { K_GIT = 1, K_PVE = 2, K_GEN = 4, K_AGE = 8 };



/* Index of s in the NULL-terminated names, or -1. */
static int pick(const char *s, const char *const *names)
{
	for (int i = 0; names[i]; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

static int push(const char **v, size_t *n, size_t cap, const char *s, const char *what)
{
	if (*n >= cap) {
		cli_error("too many %s options", what);
		return EXIT_GENERIC;
	}
	v[(*n)++] = s;
	return 0;
}

/* Applies one parsed flag; returns 0 or an exit code. */
static int set_flag(struct args *a, int opt, char *arg)
{
	static const char *const algs[] = { "ecdsa", "ed25519", "rsa", NULL };
	static const char *const curves[] = { "p256", "p384", "p521", NULL };
	static const char *const fmts[] = { "pkcs8", "openssh", NULL };
	static const enum ags_ssh_alg alg_v[] = { AGS_SSH_ECDSA, AGS_SSH_ED25519, AGS_SSH_RSA };
	static const int curve_v[] = { 256, 384, 521 };
	static const enum ags_ssh_format fmt_v[] = { AGS_SSH_FMT_PKCS8, AGS_SSH_FMT_OPENSSH };
	int i = -1; /* a choice: its index, or -1 when the value is not one */
	char *end;
	long v;
	switch (opt) {
	case 'n': a->ns = arg; return 0;
	case OPT_LABEL: return push(a->labels, &a->nlabels, MAX_LABELS, arg, "--label");
	case OPT_ENCRYPT: a->enc.enabled = true; return 0;
	case OPT_AGE:
		a->enc.enabled = true;
		return push(a->enc.age, &a->enc.nage, sizeof(a->enc.age) / sizeof(a->enc.age[0]), arg, "--age");
	case OPT_ENC_REGEX: a->enc.encrypted_regex = arg; return 0;
	case OPT_PATH_HINT: a->enc.path_hint = arg; return 0;
	case OPT_OUTPUT: a->output = arg; return 0;
	case OPT_URL: a->url = arg; return 0;
	case 'u': a->user = arg; return 0;
	case 'p': a->pass_arg = arg; return 0;
	case OPT_PASSWORD_STDIN: a->pass_stdin = true; return 0;
	case OPT_BEARER: a->bearer_arg = arg; return 0;
	case OPT_BEARER_STDIN: a->bearer_stdin = true; return 0;
	case OPT_CA: a->ca = arg; return 0;
	case OPT_PRIVKEY: a->pkfile = arg; return 0;
	case OPT_KNOWN_HOSTS: a->khfile = arg; return 0;
	case OPT_ALG: if ((i = pick(arg, algs)) >= 0) a->alg = alg_v[i]; break;
	case OPT_CURVE: if ((i = pick(arg, curves)) >= 0) a->curve = curve_v[i]; break;
	case OPT_KEY_FORMAT: if ((i = pick(arg, fmts)) >= 0) a->fmt = fmt_v[i]; break;
	case OPT_BITS:
		v = strtol(arg, &end, 10);
		if (!*end && v >= 1024 && v <= 8192 && v % 8 == 0)
			a->bits = i = (int)v;
		break;
	case OPT_TOKEN_ID: a->tokid = arg; return 0;
	case OPT_TOKEN_SECRET_STDIN: a->sec_stdin = true; return 0;
	case OPT_INSECURE: a->insecure = arg; return 0;
	case OPT_ROOT_CA: a->rootca = arg; return 0;
	case OPT_FROM_LITERAL: return push(a->lits, &a->nl, MAX_SOURCES, arg, "--from-*");
	case OPT_FROM_FILE: return push(a->files, &a->nf, MAX_SOURCES, arg, "--from-*");
	case OPT_FROM_ENV: return push(a->envs, &a->ne, MAX_SOURCES, arg, "--from-*");
	case OPT_TYPE: a->type = arg; return 0;
	case OPT_NO_CTS: a->no_cts = true; return 0;
	case OPT_NAME: a->name = arg; return 0;
	}
	if (i >= 0)
		return 0;
	if (opt == OPT_ALG)
		cli_error("unsupported public key algorithm '%s', must be one of: rsa, ecdsa, ed25519", arg);
	else if (opt == OPT_CURVE)
		cli_error("unsupported curve '%s', must be one of: p256, p384, p521", arg);
	else if (opt == OPT_BITS)
		cli_error("RSA key bit size must be at least 1024 (at most 8192) and a multiple of 8");
	else
		cli_error("--ssh-key-format must be pkcs8 or openssh");
	return EXIT_GENERIC;
}

/* Parses the flags of one kind; *done set when --help or an error ended it (rc is then the exit code). */
static int parse(int argc, char **argv, const char *path, void (*usage)(FILE *), struct args *a, bool *done)
{
	/* the flags of each kind are declared in the command table (src/commands-gitops.c) */
	struct cli_getopt g;
	cli_getopt_init(&g, path);
	*a = (struct args){ .alg = AGS_SSH_ECDSA, .fmt = AGS_SSH_FMT_PKCS8, .curve = 384, .bits = 2048 };
	*done = true;
	int opt, rc;
	while ((opt = cli_getopt(&g, argc, argv)) != -1) {
		if (opt == 'h') {
			usage(stdout);
			return 0;
		}
		if (opt == '?' || opt == ':') {
			usage(stderr);
			return EXIT_GENERIC;
		}
		if ((rc = set_flag(a, opt, optarg)))
			return rc;
	}
	*done = false;
	return 0;
}

/* ---- usage ---- */

static void git_usage(FILE *f)
{
	(f == stdout ? cli_help : cli_usage)(f, "secret git");
}

static void proxmox_usage(FILE *f)
{
	(f == stdout ? cli_help : cli_usage)(f, "secret proxmox");
}

static void generic_usage(FILE *f)
{
	(f == stdout ? cli_help : cli_usage)(f, "secret generic");
}

static void agekey_usage(FILE *f)
{
	(f == stdout ? cli_help : cli_usage)(f, "secret age-key");
}

static void usage(FILE *f)
{
	(f == stdout ? cli_help : cli_usage)(f, "secret");
}

/* NAME, the only positional argument of each kind. */
static int positional(unsigned kind, int argc, char **argv, const char **out)
{
	if (kind == K_GIT && optind >= argc) {
		cli_error("secret name is required");
		return EXIT_GENERIC;
	}
	if (kind == K_GEN && optind >= argc) {
		cli_error("NAME is required");
		return EXIT_GENERIC;
	}
	if (kind == K_GEN && optind + 1 < argc) {
		cli_error("exactly one NAME is required, got %d", argc - optind);
		return EXIT_GENERIC;
	}
	*out = optind < argc ? argv[optind] : kind == K_PVE ? "capmox-manager-credentials" : "-";
	if (optind + 1 < argc) {
		cli_error("unexpected argument '%s'", argv[optind + 1]);
		return EXIT_GENERIC;
	}
	return 0;
}

int cmd_secret(int argc, char **argv)
{
	static const struct {
		const char *name, *path;
		unsigned kind;
		void (*usage)(FILE *);
		int (*run)(struct args *, const char *);
	} kinds[] = {
		{ "git", "secret git", K_GIT, git_usage, secret_git },
		{ "proxmox", "secret proxmox", K_PVE, proxmox_usage, secret_proxmox },
		{ "generic", "secret generic", K_GEN, generic_usage, secret_generic },
		{ "age-key", "secret age-key", K_AGE, agekey_usage, secret_age_key },
	};
	if (argc < 2) {
		usage(stderr);
		return EXIT_GENERIC;
	}
	const char *kind = argv[1];
	if (!strcmp(kind, "-h") || !strcmp(kind, "--help")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(kind, kinds[i].name))
			continue;
		struct args *a = malloc(sizeof(*a));
		const char *name = NULL;
		bool done;
		if (!a)
			return cli_fail(AGS_E_NOMEM, NULL, NULL);
		int rc = parse(argc - 1, argv + 1, kinds[i].path, kinds[i].usage, a, &done);
		if (!done && !(rc = positional(kinds[i].kind, argc - 1, argv + 1, &name)))
			rc = kinds[i].run(a, name);
		free(a);
		return rc;
	}
	cli_error("unknown secret kind '%s' (git, proxmox, generic, age-key)", kind);
	return EXIT_GENERIC;
}
