/*
 * agesops cluster init NAME: the seed runbook in one command.  The work is
 * ags_gitops_cluster_init (lib/gitops/cluster.c); this file reads the flags,
 * obtains the cluster key (local, or the cluster's published one), supplies
 * the secret values (environment, --secrets-stdin or the terminal), prints
 * what was done and the remaining steps.
 */
#include "cli.h"
#include "gitops/gitops-cli.h"

#include <agesops/agesops.h>
#include <agesops/age.h>
#include <agesops/gitops.h>
#include "util/buf.h"
#include "util/file.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct opts {
	const char *name;
	const char *repo;
	const char *key_file;
	const char *secrets_dir, *flux_dir;
	const char *git_url, *git_user, *git_secret_name, *known_hosts;
	const char *pve_url, *pve_token_id, *pve_secret_name;
	const char *pve_insecure;
	const char *kubeconfig, *context;
	bool no_git, no_proxmox, secrets_stdin, force, from_cluster;
};

/* Loads an existing key file's first identity recipient, or makes a new key. */
static int cluster_key(const char *keypath, char **recipient)
{
	struct ags_diag d = { 0 };
	int r;
	if (keypath && access(keypath, F_OK) == 0) {
		if ((r = ags_gitops_key_file_recipient(keypath, recipient, &d)) < 0)
			return cli_fail(r, &d, NULL);
		fprintf(stderr, "using the existing key %s (%s)\n", keypath, *recipient);
		return 0;
	}
	char *text = NULL;
	size_t len = 0;
	if ((r = ags_gitops_keygen(&text, &len, recipient, &d)) < 0)
		return cli_fail(r, &d, NULL);
	if (keypath) {
		r = ags_gitops_write_key_file(keypath, text, len, &d);
	} else if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
		/* to the pipe only */
		r = ags_diag_set(&d, -errno, "standard output: %s", strerror(errno));
	}
	ags_gitops_secret_text_free(text, len);
	if (r < 0) {
		free(*recipient);
		*recipient = NULL;
		return cli_fail(r, &d, NULL);
	}
	if (keypath)
		fprintf(stderr, "created the cluster key %s (mode 0600)\n", keypath);
	fprintf(stderr, "Public key: %s\n", *recipient);
	return 0;
}

/*
 * --from-cluster: the key was made in the cluster (agesops kube bootstrap)
 * and only its public half was published; ask `agesops kube pubkey`.
 */
static int cluster_pubkey(const struct opts *o, char **recipient)
{
	const char *argv[8];
	int n = 0;
	argv[n++] = "agesops";
	argv[n++] = "kube";
	argv[n++] = "pubkey";
	if (o->kubeconfig) {
		argv[n++] = "--kubeconfig";
		argv[n++] = o->kubeconfig;
	}
	if (o->context) {
		argv[n++] = "--context";
		argv[n++] = o->context;
	}
	argv[n] = NULL;
	int p[2];
	if (pipe(p) != 0)
		return cli_fail(-errno, NULL, "pipe");
	pid_t pid = fork();
	if (pid < 0)
		return cli_fail(-errno, NULL, "fork");
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execv("/proc/self/exe", (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	char buf[8192];
	size_t len = 0;
	ssize_t k;
	while ((k = read(p[0], buf + len, sizeof(buf) - 1 - len)) > 0 || (k < 0 && errno == EINTR))
		if (k > 0)
			len += (size_t)k;
	close(p[0]);
	buf[len] = 0;
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		cli_error("--from-cluster: agesops kube pubkey failed (is the key bootstrapped? agesops kube bootstrap)");
		return EXIT_GENERIC;
	}
	char *line = strtok(buf, "\r\n");
	struct ags_age_recipient *r = NULL;
	struct ags_diag d = { 0 };
	if (!line || ags_age_recipient_parse(line, &r, &d) < 0) {
		cli_error("--from-cluster: the cluster published no valid age recipient");
		return EXIT_GENERIC;
	}
	ags_age_recipient_free(r);
	if (!(*recipient = strdup(line)))
		return cli_fail(AGS_E_NOMEM, NULL, NULL);
	fprintf(stderr, "using the cluster's published key %s (the private key stays in the cluster)\n", line);
	return 0;
}

/* ---- secret values: env, --secrets-stdin (KEY=VALUE lines), or the terminal ---- */

struct values {
	const struct opts *o;
	const struct ags_gitops_cluster *c; /* for the step reporter */
	struct ags_buf stdin_buf;
	bool loaded;
};

static int stdin_value(struct values *v, const char *var, struct ags_buf *out, struct ags_diag *d)
{
	if (!v->loaded) {
		int r = ags_fd_read_all(0, &v->stdin_buf);
		if (r < 0)
			return ags_diag_set(d, r, "standard input: %s", ags_strerror(r));
		v->loaded = true;
	}
	const char *p = (const char *)v->stdin_buf.data, *end = p + v->stdin_buf.len;
	size_t vl = strlen(var);
	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		if ((size_t)(le - p) > vl && !memcmp(p, var, vl) && p[vl] == '=') {
			const char *s = p + vl + 1;
			size_t l = (size_t)(le - s);
			if (l && s[l - 1] == '\r')
				l--;
			return ags_buf_append(out, s, l);
		}
		p = nl ? nl + 1 : end;
	}
	return ags_diag_set(d, AGS_E_GITOPS_INVALID, "--secrets-stdin: no %s=... line on standard input", var);
}

static int get_value(void *ctx, const char *var, const char *prompt, struct ags_buf *out, struct ags_diag *d)
{
	struct values *v = ctx;
	if (v->o->secrets_stdin)
		return stdin_value(v, var, out, d);
	const char *env = getenv(var);
	if (env && *env)
		return ags_buf_puts(out, env);
	int r = gcli_prompt_secret(prompt, out);
	if (r == AGS_E_NOT_FOUND)
		return ags_diag_set(d, AGS_E_GITOPS_INVALID,
				    "no value for %s: set it in the environment, use --secrets-stdin, or run in a terminal", var);
	if (r < 0)
		return ags_diag_set(d, r, "%s: %s", var, ags_strerror(r));
	if (out->len == 0)
		return ags_diag_set(d, AGS_E_GITOPS_INVALID, "%s is empty", var);
	return 0;
}

/* What ags_gitops_cluster_init did, one line per file. */
static void report_step(void *ctx, enum ags_gitops_init_step step, const char *rel, bool changed)
{
	const struct ags_gitops_cluster *c = ((const struct values *)ctx)->c;
	switch (step) {
	case AGS_INIT_PUBLIC_KEY:
		if (changed)
			fprintf(stderr, "wrote %s\n", rel);
		break;
	case AGS_INIT_SOPS_YAML:
		if (changed)
			fprintf(stderr, "updated .sops.yaml (rule %s)\n", c->rule_regex);
		else
			fprintf(stderr, "kept .sops.yaml (already has the rule for %s)\n", c->secrets_rel);
		break;
	case AGS_INIT_SECRET:
		fprintf(stderr, "%s %s\n", changed ? "wrote" : "kept (exists; --force to replace)", rel);
		break;
	case AGS_INIT_KUSTOMIZATION:
		fprintf(stderr, "updated %s\n", rel);
		break;
	case AGS_INIT_FLUX:
		fprintf(stderr, "%s %s\n", changed ? "wrote" : "kept", rel);
		break;
	}
}

static void next_steps(const struct opts *o, const struct ags_gitops_cluster *c, const char *keypath,
		       const char *deploy_key)
{
	fprintf(stderr, "\nnext steps:\n");
	int step = 1;
	if (deploy_key)
		fprintf(stderr, "  %d. add this deploy key (read-only) to the Git repository:\n       %s", step++, deploy_key);
	if (o->from_cluster)
		fprintf(stderr, "  %d. the cluster already holds the private key (sops-age); nothing to install\n", step++);
	else if (keypath)
		fprintf(stderr,
			"  %d. install the key on the cluster (namespace flux-system, Secret sops-age):\n"
			"       agesops kube install-key %s\n"
			"     or: agesops secret age-key %s | kubectl apply -f -\n",
			step++, keypath, keypath);
	else
		fprintf(stderr, "  %d. install the key printed above on the cluster: agesops kube install-key\n", step++);
	fprintf(stderr, "  %d. check and commit: agesops check && git add .sops.yaml %s %s && git commit\n", step,
		c->secrets_rel, c->flux_rel);
	if (!o->from_cluster)
		fprintf(stderr, "  %d. to decrypt locally: export SOPS_AGE_KEY_FILE=%s\n", step + 1,
			keypath ? keypath : "<the saved key>");
}

/* The key's place: outside the repository, or only to a pipe (NULL). */
static int key_place(const struct opts *o, const char *root, char **keypath)
{
	*keypath = NULL;
	if (o->from_cluster) {
		if (o->key_file) {
			cli_error("--from-cluster and --key-file cannot be used together");
			return EXIT_CONFLICTING_PARAMETERS;
		}
		return 0;
	}
	if (o->key_file && !strcmp(o->key_file, "-")) {
		if (isatty(1)) {
			cli_error("--key-file -: standard output is a terminal; pipe it somewhere safe");
			return EXIT_GENERIC;
		}
		return 0;
	}
	struct ags_diag d = { 0 };
	int r = o->key_file ? ((*keypath = strdup(o->key_file)) ? 0 : AGS_E_NOMEM)
			    : ags_gitops_default_key_path(o->name, keypath, &d);
	if (r < 0)
		return cli_fail(r, &d, NULL);
	if (ags_gitops_path_inside(*keypath, root)) {
		cli_error("--key-file %s is inside the repository %s: a private key must never be committed", *keypath, root);
		free(*keypath);
		*keypath = NULL;
		return EXIT_GENERIC;
	}
	return 0;
}

static int repo_root(const struct opts *o, char **root)
{
	struct ags_diag d = { 0 };
	char real[PATH_MAX];
	if (!o->repo) {
		int r = ags_gitops_repo_root(NULL, root, &d);
		return r < 0 ? cli_fail(r, &d, NULL) : 0;
	}
	if (!realpath(o->repo, real)) {
		cli_error("--repo %s: %s", o->repo, strerror(errno));
		return EXIT_NO_FILE;
	}
	return (*root = strdup(real)) ? 0 : cli_fail(AGS_E_NOMEM, NULL, NULL);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: agesops cluster init NAME [options]\n"
		"  --git-url URL             the cluster's GitOps repository (https://... or ssh://...)\n"
		"  --git-username U          (default $GIT_USERNAME, else git); token from $GIT_TOKEN\n"
		"  --git-secret-name N       (default NAME)   --known-hosts-file F (ssh URLs)\n"
		"  --proxmox-url URL --proxmox-token-id USER@REALM!TOKENID   secret from $PROXMOX_SECRET\n"
		"  --proxmox-insecure true|false   --proxmox-secret-name N (capmox-manager-credentials)\n"
		"  --no-git / --no-proxmox   skip that Secret\n"
		"  --secrets-stdin           read GIT_TOKEN=... and PROXMOX_SECRET=... lines from stdin\n"
		"  --key-file PATH|-         private key (default ~/.config/agesops/keys/NAME.agekey, 0600;\n"
		"                            '-' prints it to standard output, which must be a pipe)\n"
		"  --secrets-dir DIR         (default secrets/NAME)   --flux-dir DIR (default clusters/NAME)\n"
		"  --repo DIR                repository root (default: git rev-parse --show-toplevel)\n"
		"  --from-cluster            use the key the cluster made (agesops kube bootstrap), read with\n"
		"                            agesops kube pubkey [--kubeconfig F] [--context C]; no local key\n"
		"  --force                   replace existing Secrets / .sops.public.key (never the key file)\n");
}

int cmd_cluster(int argc, char **argv)
{
	if (argc < 2 || (strcmp(argv[1], "init") && strcmp(argv[1], "-h") && strcmp(argv[1], "--help"))) {
		if (argc >= 2)
			cli_error("unknown cluster subcommand '%s' (init)", argv[1]);
		usage(stderr);
		return EXIT_GENERIC;
	}
	if (strcmp(argv[1], "init")) {
		usage(stdout);
		return 0;
	}
	argc--;
	argv++;
	enum { O_REPO = 1000, O_KEY, O_SDIR, O_FDIR, O_GURL, O_GUSER, O_GNAME, O_KH, O_PURL, O_PTOK, O_PNAME, O_PINS,
	       O_NOGIT, O_NOPVE, O_STDIN, O_FORCE, O_HELP, O_FROM, O_KC, O_CTX };
	static const struct option lo[] = {
		{ "repo", required_argument, NULL, O_REPO },
		{ "key-file", required_argument, NULL, O_KEY },
		{ "secrets-dir", required_argument, NULL, O_SDIR },
		{ "flux-dir", required_argument, NULL, O_FDIR },
		{ "git-url", required_argument, NULL, O_GURL },
		{ "git-username", required_argument, NULL, O_GUSER },
		{ "git-secret-name", required_argument, NULL, O_GNAME },
		{ "known-hosts-file", required_argument, NULL, O_KH },
		{ "proxmox-url", required_argument, NULL, O_PURL },
		{ "proxmox-token-id", required_argument, NULL, O_PTOK },
		{ "proxmox-secret-name", required_argument, NULL, O_PNAME },
		{ "proxmox-insecure", required_argument, NULL, O_PINS },
		{ "no-git", no_argument, NULL, O_NOGIT },
		{ "no-proxmox", no_argument, NULL, O_NOPVE },
		{ "secrets-stdin", no_argument, NULL, O_STDIN },
		{ "force", no_argument, NULL, O_FORCE },
		{ "from-cluster", no_argument, NULL, O_FROM },
		{ "kubeconfig", required_argument, NULL, O_KC },
		{ "context", required_argument, NULL, O_CTX },
		{ "help", no_argument, NULL, O_HELP },
		{ 0 },
	};
	struct opts o = { 0 };
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (opt) {
		case O_REPO: o.repo = optarg; break;
		case O_KEY: o.key_file = optarg; break;
		case O_SDIR: o.secrets_dir = optarg; break;
		case O_FDIR: o.flux_dir = optarg; break;
		case O_GURL: o.git_url = optarg; break;
		case O_GUSER: o.git_user = optarg; break;
		case O_GNAME: o.git_secret_name = optarg; break;
		case O_KH: o.known_hosts = optarg; break;
		case O_PURL: o.pve_url = optarg; break;
		case O_PTOK: o.pve_token_id = optarg; break;
		case O_PNAME: o.pve_secret_name = optarg; break;
		case O_PINS: o.pve_insecure = optarg; break;
		case O_NOGIT: o.no_git = true; break;
		case O_NOPVE: o.no_proxmox = true; break;
		case O_STDIN: o.secrets_stdin = true; break;
		case O_FORCE: o.force = true; break;
		case O_FROM: o.from_cluster = true; break;
		case O_KC: o.kubeconfig = optarg; break;
		case O_CTX: o.context = optarg; break;
		case O_HELP: usage(stdout); return 0;
		default: usage(stderr); return EXIT_GENERIC;
		}
	}
	if (optind + 1 != argc) {
		cli_error("cluster init needs exactly one NAME");
		return EXIT_GENERIC;
	}
	o.name = argv[optind];
	struct ags_gitops_cluster c = { 0 };
	struct values vals = { .o = &o, .c = &c };
	struct ags_gitops_init_opts io = {
		.git = !o.no_git,
		.proxmox = !o.no_proxmox,
		.git_url = o.git_url,
		.git_username = o.git_user,
		.git_secret_name = o.git_secret_name,
		.known_hosts_file = o.known_hosts,
		.proxmox_url = o.pve_url,
		.proxmox_token_id = o.pve_token_id,
		.proxmox_secret_name = o.pve_secret_name,
		.proxmox_insecure = o.pve_insecure,
		.force = o.force,
		.value = get_value,
		.step = report_step,
		.ctx = &vals,
	};
	struct ags_gitops_init_result res = { 0 };
	struct ags_diag d = { 0 };
	char *root = NULL, *keypath = NULL, *recipient = NULL;
	int r, rc;
	if ((r = ags_gitops_cluster_init_check(&io, &d)) < 0)
		return cli_fail(r, &d, NULL);
	if ((rc = repo_root(&o, &root)))
		return rc;
	if ((r = ags_gitops_cluster_layout(root, o.name, o.secrets_dir, o.flux_dir, &c, &d)) < 0)
		rc = cli_fail(r, &d, NULL);
	if (rc == 0)
		rc = key_place(&o, root, &keypath);
	if (rc == 0)
		rc = o.from_cluster ? cluster_pubkey(&o, &recipient) : cluster_key(keypath, &recipient);
	if (rc == 0) {
		ags_buf_init_secret(&vals.stdin_buf, 1 << 20);
		io.cluster = &c;
		io.recipient = recipient;
		r = ags_gitops_cluster_init(&io, &res, &d);
		rc = r < 0 ? cli_fail(r, &d, NULL) : 0;
		ags_buf_release(&vals.stdin_buf);
	}
	if (rc == 0)
		next_steps(&o, &c, keypath, res.deploy_key);
	ags_gitops_init_result_clear(&res);
	ags_gitops_cluster_clear(&c);
	free(recipient);
	free(keypath);
	free(root);
	return rc;
}
