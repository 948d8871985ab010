/*
 * agesops secret git|proxmox|generic|age-key: Kubernetes Secret manifests
 * byte-identical to flux's and kubectl's, optionally SOPS-encrypted in
 * memory on the way out (--encrypt) so the plaintext never touches disk.
 * The generators are in lib/gitops/generators.c; this file reads the flags
 * (one table for the four kinds) and the secret values, and prints.
 */
#include "cli.h"
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

enum kind { K_GIT = 1, K_PVE = 2, K_GEN = 4, K_AGE = 8, K_ALL = 15 };

enum {
	OPT_URL = 1000, OPT_PASSWORD_STDIN, OPT_BEARER, OPT_BEARER_STDIN, OPT_CA, OPT_PRIVKEY, OPT_ALG, OPT_CURVE,
	OPT_BITS, OPT_LABEL, OPT_KNOWN_HOSTS, OPT_KEY_FORMAT, OPT_ENCRYPT, OPT_AGE, OPT_ENC_REGEX, OPT_OUTPUT,
	OPT_TOKEN_ID, OPT_TOKEN_SECRET_STDIN, OPT_INSECURE, OPT_ROOT_CA, OPT_FROM_LITERAL, OPT_FROM_FILE,
	OPT_FROM_ENV, OPT_TYPE, OPT_NO_CTS, OPT_NAME, OPT_PATH_HINT, OPT_HELP,
};

/* Every flag of every kind, once. */
static const struct flag {
	struct option o;
	unsigned kinds;
} flags[] = {
	{ { "namespace", required_argument, NULL, 'n' }, K_ALL },
	{ { "label", required_argument, NULL, OPT_LABEL }, K_ALL },
	{ { "encrypt", no_argument, NULL, OPT_ENCRYPT }, K_ALL },
	{ { "age", required_argument, NULL, OPT_AGE }, K_ALL },
	{ { "encrypted-regex", required_argument, NULL, OPT_ENC_REGEX }, K_ALL },
	{ { "filename", required_argument, NULL, OPT_PATH_HINT }, K_ALL },
	{ { "output", required_argument, NULL, OPT_OUTPUT }, K_ALL },
	{ { "help", no_argument, NULL, OPT_HELP }, K_ALL },
	{ { "url", required_argument, NULL, OPT_URL }, K_GIT | K_PVE },
	{ { "username", required_argument, NULL, 'u' }, K_GIT },
	{ { "password", required_argument, NULL, 'p' }, K_GIT },
	{ { "password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN }, K_GIT },
	{ { "bearer-token", required_argument, NULL, OPT_BEARER }, K_GIT },
	{ { "bearer-token-stdin", no_argument, NULL, OPT_BEARER_STDIN }, K_GIT },
	{ { "ca-crt-file", required_argument, NULL, OPT_CA }, K_GIT },
	{ { "private-key-file", required_argument, NULL, OPT_PRIVKEY }, K_GIT },
	{ { "ssh-key-algorithm", required_argument, NULL, OPT_ALG }, K_GIT },
	{ { "ssh-ecdsa-curve", required_argument, NULL, OPT_CURVE }, K_GIT },
	{ { "ssh-rsa-bits", required_argument, NULL, OPT_BITS }, K_GIT },
	{ { "ssh-key-format", required_argument, NULL, OPT_KEY_FORMAT }, K_GIT },
	{ { "known-hosts-file", required_argument, NULL, OPT_KNOWN_HOSTS }, K_GIT },
	{ { "token-id", required_argument, NULL, OPT_TOKEN_ID }, K_PVE },
	{ { "token-secret-stdin", no_argument, NULL, OPT_TOKEN_SECRET_STDIN }, K_PVE },
	{ { "insecure", required_argument, NULL, OPT_INSECURE }, K_PVE },
	{ { "root-ca-file", required_argument, NULL, OPT_ROOT_CA }, K_PVE },
	{ { "from-literal", required_argument, NULL, OPT_FROM_LITERAL }, K_GEN },
	{ { "from-file", required_argument, NULL, OPT_FROM_FILE }, K_GEN },
	{ { "from-env-file", required_argument, NULL, OPT_FROM_ENV }, K_GEN },
	{ { "type", required_argument, NULL, OPT_TYPE }, K_GEN },
	{ { "no-creation-timestamp", no_argument, NULL, OPT_NO_CTS }, K_GEN | K_AGE },
	{ { "name", required_argument, NULL, OPT_NAME }, K_AGE },
};


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
	int i;
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
	case OPT_ALG:
		if ((i = pick(arg, algs)) < 0)
			break;
		a->alg = alg_v[i];
		return 0;
	case OPT_CURVE:
		if ((i = pick(arg, curves)) < 0)
			break;
		a->curve = curve_v[i];
		return 0;
	case OPT_BITS:
		v = strtol(arg, &end, 10);
		if (*end || v < 1024 || v > 8192 || v % 8)
			break;
		a->bits = (int)v;
		return 0;
	case OPT_KEY_FORMAT:
		if ((i = pick(arg, fmts)) < 0)
			break;
		a->fmt = fmt_v[i];
		return 0;
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
static int parse(int argc, char **argv, unsigned kind, void (*usage)(FILE *), struct args *a, bool *done)
{
	struct option lo[sizeof(flags) / sizeof(flags[0]) + 1];
	size_t n = 0;
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (flags[i].kinds & kind)
			lo[n++] = flags[i].o;
	memset(&lo[n], 0, sizeof(lo[n]));
	*a = (struct args){ .alg = AGS_SSH_ECDSA, .fmt = AGS_SSH_FMT_PKCS8, .curve = 384, .bits = 2048 };
	*done = true;
	int opt, rc;
	optind = 1;
	while ((opt = getopt_long(argc, argv, kind == K_GIT ? "n:u:p:" : "n:", lo, NULL)) != -1) {
		if (opt == OPT_HELP) {
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
	fprintf(f,
		"usage: agesops secret git NAME --url URL [options]\n"
		"  HTTP/S:  -u/--username U (-p/--password P | --password-stdin)\n"
		"           | --bearer-token T | --bearer-token-stdin;  [--ca-crt-file F]\n"
		"  SSH:     --known-hosts-file F (ssh-keyscan output; we never dial the host)\n"
		"           [--private-key-file F [--password P | --password-stdin]]\n"
		"           [--ssh-key-algorithm ecdsa|ed25519|rsa] [--ssh-ecdsa-curve p256|p384|p521]\n"
		"           [--ssh-rsa-bits N] [--ssh-key-format pkcs8|openssh]\n"
		"  common:  -n NAMESPACE (flux-system) --label k=v --output FILE\n"
		"           --encrypt [--age R] [--encrypted-regex RE] [--filename PATH]\n");
}

static void proxmox_usage(FILE *f)
{
	fprintf(f, "usage: agesops secret proxmox [NAME] -n NAMESPACE --url URL --token-id USER@REALM!TOKENID\n"
		   "         [--token-secret-stdin] [--insecure true|false] [--root-ca-file F]\n"
		   "         [--label k=v] [--output FILE] [--encrypt [--age R]]\n"
		   "  NAME defaults to capmox-manager-credentials.  The token secret is read from\n"
		   "  standard input (--token-secret-stdin), else $PROXMOX_SECRET, else the terminal.\n");
}

static void generic_usage(FILE *f)
{
	fprintf(f, "usage: agesops secret generic NAME [--from-literal k=v] [--from-file [k=]path]\n"
		   "         [--from-env-file F] [--type T] [-n NAMESPACE] [--no-creation-timestamp]\n"
		   "         [--output FILE] [--encrypt [--age R]]\n"
		   "  Output as kubectl create secret generic --dry-run=client -o yaml (kubectl 1.32;\n"
		   "  --no-creation-timestamp gives the kubectl >= 1.34 layout).\n");
}

static void agekey_usage(FILE *f)
{
	fprintf(f, "usage: agesops secret age-key [-n flux-system] [--name sops-age] [--no-creation-timestamp]\n"
		   "         [--output FILE] [KEYFILE|-]\n"
		   "  The Secret Flux's kustomize-controller reads (entry age.agekey), as\n"
		   "  kubectl create secret generic sops-age --from-file=age.agekey=KEYFILE.\n");
}

static void usage(FILE *f)
{
	fprintf(f, "usage: agesops secret <kind> NAME [options]\n\n"
		   "  git       Flux Git credentials (as flux create secret git --export)\n"
		   "  proxmox   CAPMOX (Cluster API Proxmox) credentials\n"
		   "  generic   as kubectl create secret generic --dry-run=client -o yaml\n"
		   "  age-key   the sops-age Secret Flux decrypts with\n\n"
		   "Every kind takes --encrypt [--age R]: SOPS-encrypt the manifest in memory\n"
		   "(recipients from --age, .sops.yaml or .sops.public.key; '^(data|stringData)$').\n");
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
		const char *name;
		unsigned kind;
		void (*usage)(FILE *);
		int (*run)(struct args *, const char *);
	} kinds[] = {
		{ "git", K_GIT, git_usage, secret_git },
		{ "proxmox", K_PVE, proxmox_usage, secret_proxmox },
		{ "generic", K_GEN, generic_usage, secret_generic },
		{ "age-key", K_AGE, agekey_usage, secret_age_key },
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
		int rc = parse(argc - 1, argv + 1, kinds[i].kind, kinds[i].usage, a, &done);
		if (!done && !(rc = positional(kinds[i].kind, argc - 1, argv + 1, &name)))
			rc = kinds[i].run(a, name);
		free(a);
		return rc;
	}
	cli_error("unknown secret kind '%s' (git, proxmox, generic, age-key)", kind);
	return EXIT_GENERIC;
}
