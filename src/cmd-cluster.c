/*
 * agesops cluster init NAME: the seed runbook in one command.  The work is
 * ags_gitops_cluster_init (lib/gitops/cluster.c); this file reads the flags,
 * obtains the cluster key (src/gitops/cluster-key.c: local, or the
 * cluster's published one), supplies the secret values (environment,
 * --secrets-stdin or the terminal), prints what was done and the remaining
 * steps.
 */
#include "cli.h"
#include "cli-opts.h"
#include "gitops/gitops-cli.h"

#include <agesops/agesops.h>
#include <agesops/age.h>
#include <agesops/gitops.h>
#include <agesops/gitops-lifecycle.h>
#include <agesops/sops-config.h>
#include "util/buf.h"
#include "util/file.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
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
	bool no_git, no_proxmox, secrets_stdin, force, from_cluster, yes;
	struct ags_recipient_list admins; /* --admin-recipient and .sops.admins */
	const char *admin_args[64];
	size_t nadmin_args;
};

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

/* --admin-recipient values and ROOT/.sops.admins */
static int read_admins(struct opts *o, const char *root)
{
	struct ags_diag d = { 0 };
	int r = ags_gitops_read_admins(root, &o->admins, &d);
	for (size_t i = 0; r == 0 && i < o->nadmin_args; i++)
		r = ags_recipient_list_parse(&o->admins, o->admin_args[i], strlen(o->admin_args[i]), "--admin-recipient",
					     &d);
	if (r == 0 && o->admins.n > AGS_GITOPS_MAX_ADMINS)
		r = ags_diag_set(&d, AGS_E_TOO_BIG, "more than %d admin recipients", AGS_GITOPS_MAX_ADMINS);
	return r < 0 ? cli_fail(r, &d, NULL) : 0;
}

/*
 * Admins were added to an existing cluster's rule: its files are re-keyed
 * for them with -y (as updatekeys -y), or the command to do so is printed.
 */
static int rekey_for_admins(const struct opts *o, const char *root, const struct ags_gitops_cluster *c, size_t added)
{
	struct ags_cluster_repo cr = { .root = root, .name = o->name, .secrets_dir = c->secrets_rel };
	struct ags_repo_files files = { 0 };
	struct ags_diag d = { 0 };
	int r = ags_gitops_cluster_files(&cr, &files, NULL, &d);
	if (r < 0)
		return cli_fail(r, &d, NULL);
	fprintf(stderr, "updated .sops.yaml: %zu admin recipient(s) added to the rule for %s\n", added, c->secrets_rel);
	int rc = 0;
	if (files.n && o->yes) {
		char **av = calloc(files.n + 5, sizeof(*av));
		if (!av) {
			ags_repo_files_clear(&files);
			return cli_fail(AGS_E_NOMEM, NULL, NULL);
		}
		size_t n = 0;
		av[n++] = (char *)"updatekeys";
		av[n++] = (char *)"-y";
		av[n++] = (char *)"--config";
		av[n++] = c->sops_yaml;
		for (size_t i = 0; i < files.n; i++)
			av[n++] = files.paths[i];
		rc = cmd_updatekeys((int)n, av);
		free(av);
	} else if (files.n) {
		fprintf(stderr,
			"%zu existing file(s) are not encrypted for the new admin(s) yet: run\n"
			"  agesops updatekeys -y -r %s\n(or cluster init again with -y)\n",
			files.n, c->secrets_rel);
	}
	ags_repo_files_clear(&files);
	return rc;
}

static void usage(FILE *f)
{
	(f == stdout ? cli_help : cli_usage)(f, "cluster init");
}

int cmd_cluster(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "rotate-key"))
		return cmd_cluster_rotate_key(argc - 1, argv + 1);
	if (argc < 2 || (strcmp(argv[1], "init") && strcmp(argv[1], "-h") && strcmp(argv[1], "--help"))) {
		if (argc >= 2)
			cli_error("unknown cluster subcommand '%s' (init)", argv[1]);
		usage(stderr);
		return EXIT_GENERIC;
	}
	if (strcmp(argv[1], "init")) {
		cli_help(stdout, "cluster");
		return 0;
	}
	argc--;
	argv++;
	struct cli_getopt g;
	cli_getopt_init(&g, "cluster init");
	struct opts o = { 0 };
	int opt;
	while ((opt = cli_getopt(&g, argc, argv)) != -1) {
		switch (opt) {
		case OPT_REPO: o.repo = optarg; break;
		case OPT_KEY_FILE: o.key_file = optarg; break;
		case OPT_SECRETS_DIR: o.secrets_dir = optarg; break;
		case OPT_FLUX_DIR: o.flux_dir = optarg; break;
		case OPT_GIT_URL: o.git_url = optarg; break;
		case OPT_GIT_USERNAME: o.git_user = optarg; break;
		case OPT_GIT_SECRET_NAME: o.git_secret_name = optarg; break;
		case OPT_KNOWN_HOSTS: o.known_hosts = optarg; break;
		case OPT_PROXMOX_URL: o.pve_url = optarg; break;
		case OPT_PROXMOX_TOKEN_ID: o.pve_token_id = optarg; break;
		case OPT_PROXMOX_SECRET_NAME: o.pve_secret_name = optarg; break;
		case OPT_PROXMOX_INSECURE: o.pve_insecure = optarg; break;
		case OPT_NO_GIT: o.no_git = true; break;
		case OPT_NO_PROXMOX: o.no_proxmox = true; break;
		case OPT_SECRETS_STDIN: o.secrets_stdin = true; break;
		case OPT_FORCE: o.force = true; break;
		case OPT_FROM_CLUSTER: o.from_cluster = true; break;
		case OPT_KUBECONFIG: o.kubeconfig = optarg; break;
		case OPT_CONTEXT: o.context = optarg; break;
		case 'y': o.yes = true; break;
		case OPT_ADMIN_RECIPIENT:
			if (o.nadmin_args >= sizeof(o.admin_args) / sizeof(o.admin_args[0])) {
				cli_error("too many --admin-recipient options");
				return EXIT_GENERIC;
			}
			o.admin_args[o.nadmin_args++] = optarg;
			break;
		case 'h': usage(stdout); return 0;
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
		rc = gcli_cluster_key_place(o.key_file, o.from_cluster, o.name, root, &keypath);
	if (rc == 0)
		rc = o.from_cluster ? gcli_cluster_pubkey(o.kubeconfig, o.context, &recipient)
				    : gcli_cluster_key(keypath, &recipient);
	if (rc == 0)
		rc = read_admins(&o, root);
	if (rc == 0) {
		ags_buf_init_secret(&vals.stdin_buf, 1 << 20);
		io.cluster = &c;
		io.recipient = recipient;
		io.admins = (const char *const *)o.admins.v;
		io.nadmins = o.admins.n;
		r = ags_gitops_cluster_init(&io, &res, &d);
		rc = r < 0 ? cli_fail(r, &d, NULL) : 0;
		ags_buf_release(&vals.stdin_buf);
	}
	if (rc == 0 && res.admins_added)
		rc = rekey_for_admins(&o, root, &c, res.admins_added);
	if (rc == 0)
		next_steps(&o, &c, keypath, res.deploy_key);
	ags_gitops_init_result_clear(&res);
	ags_gitops_cluster_clear(&c);
	ags_recipient_list_clear(&o.admins);
	free(recipient);
	free(keypath);
	free(root);
	return rc;
}
