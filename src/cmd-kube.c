/*
 * agesops kube install-key | pubkey | bootstrap: the sops-age key on a
 * cluster, through the API server (no kubectl).
 *
 * Exit codes (all kube commands): 0 success; 75 a transient failure that a
 * retry may fix (connection, timeout, 429, 5xx, write conflicts; the Job is
 * retried); 1 any other failure (authentication, RBAC, bad config, bad or
 * different key: retrying will not help); 2 usage errors.
 */
#include "cli.h"
#include "cli-opts.h"
#include <agesops/agesops.h>
#include <agesops/k8s.h>
#include <agesops/gitops-lifecycle.h>
#include <limits.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "util/file.h"
#include "k8s/kube-cli.h"


#define MAX_PUBKEYS 64

struct kube_args {
	struct kube_target t;
	const char *repo, *secrets_dir;
	const char *pubkeys[MAX_PUBKEYS];
	size_t npubkeys;
	bool replace, force, rotate;
	unsigned jobs;
	int nargs;
	char **args;
};

static void usage(FILE *f)
{
	(f == stdout ? cli_help : cli_usage)(f, "kube");
}

static int parse(int argc, char **argv, struct kube_args *a, bool bootstrap)
{
	memset(a, 0, sizeof(*a));
	kube_target_init(&a->t);
	int c, shared;
	struct cli_getopt g;
	cli_getopt_init(&g, "kube");
	while ((c = cli_getopt(&g, argc, argv)) != -1) {
		if ((shared = kube_target_flag(&a->t, c, optarg)) != 0) {
			if (shared < 0)
				return -1;
			continue;
		}
		switch (c) {
		case OPT_REPLACE: a->replace = true; break;
		case OPT_FORCE: a->force = true; break;
		case OPT_ROTATE: a->rotate = true; break;
		case OPT_REPO: a->repo = optarg; break;
		case OPT_SECRETS_DIR: a->secrets_dir = optarg; break;
		case 'j': a->jobs = (unsigned)strtoul(optarg, NULL, 10); break;
		case OPT_PUBKEY:
			if (a->npubkeys >= MAX_PUBKEYS) {
				cli_error("too many --pubkey options");
				return -1;
			}
			a->pubkeys[a->npubkeys++] = optarg;
			break;
		case 'h': {
			char path[64];
			snprintf(path, sizeof(path), "kube %s", argv[0]);
			cli_help(stdout, cli_command_find(path) ? path : "kube");
			return 1;
		}
		default: usage(stderr); return -1;
		}
	}
	if (a->t.conn.in_cluster && (a->t.conn.kubeconfig || a->t.conn.context)) {
		cli_error("--in-cluster cannot be combined with --kubeconfig or --context");
		return -1;
	}
	/* bootstrap is the Job's entry point: in-cluster unless told otherwise */
	if (bootstrap && !a->t.conn.kubeconfig && !a->t.conn.context)
		a->t.conn.in_cluster = true;
	a->nargs = argc - optind;
	a->args = argv + optind;
	return 0;
}

/* The subcommands that take flags only (pubkey, bootstrap): parse, refuse
 * arguments, connect, run fn with the client, free it.  --help exits 0. */
static int run_no_args(int argc, char **argv, const char *what, bool bootstrap,
		       int (*fn)(struct ags_k8s_client *c, const struct kube_args *a))
{
	struct kube_args a;
	int p = parse(argc, argv, &a, bootstrap);
	if (p)
		return p > 0 ? 0 : KUBE_EXIT_USAGE;
	if (a.nargs) {
		cli_error("%s takes no arguments", what);
		return KUBE_EXIT_USAGE;
	}
	struct ags_k8s_client *c;
	int rc = kube_connect(&a.t.conn, &c);
	if (rc)
		return rc;
	rc = fn(c, &a);
	ags_k8s_client_free(c);
	return rc;
}

static int install_key(int argc, char **argv)
{
	struct kube_args a;
	int p = parse(argc, argv, &a, false);
	if (p)
		return p > 0 ? 0 : KUBE_EXIT_USAGE;
	if (a.force && !a.replace) {
		cli_error("--force needs --replace");
		return KUBE_EXIT_USAGE;
	}
	if (a.nargs > 1) {
		cli_error("install-key takes one key file (or - for stdin)");
		return KUBE_EXIT_USAGE;
	}
	const char *file = a.nargs ? a.args[0] : "-";
	struct ags_buf key;
	ags_buf_init_secret(&key, (size_t)64 << 10);
	int r = ags_file_read(file, &key);
	if (r < 0) {
		ags_buf_release(&key);
		cli_error("%s: %s", strcmp(file, "-") ? file : "stdin",
			  r == AGS_E_TOO_BIG ? "too large for an age key file" : ags_strerror(r));
		return KUBE_EXIT_FAIL;
	}
	struct ags_k8s_client *c = NULL;
	int rc = kube_connect(&a.t.conn, &c);
	if (rc) {
		ags_buf_release(&key);
		return rc;
	}
	struct ags_diag d = { 0 };
	enum ags_k8s_outcome oc;
	char *recips = NULL;
	unsigned flags = (a.replace ? AGS_K8S_REPLACE : 0) | (a.force ? AGS_K8S_FORCE : 0);
	r = ags_k8s_install_key(c, a.t.ns, a.t.secret, key.data ? key.data : (unsigned char *)"", key.len,
				strcmp(file, "-") ? file : "stdin", flags, &oc, &recips, &d);
	ags_buf_release(&key);
	if (r < 0) {
		rc = kube_exit(r, &d, NULL);
	} else {
		const char *what = oc == AGS_K8S_CREATED ? "created" : oc == AGS_K8S_REPLACED ? "replaced"
											: "unchanged (same key)";
		fprintf(stderr, "%s: Secret %s/%s %s on %s\n", cli_progname, a.t.ns, a.t.secret, what,
			ags_k8s_client_host(c));
		kube_print_joined(recips);
		rc = 0;
	}
	free(recips);
	ags_k8s_client_free(c);
	return rc;
}

static int pubkey(struct ags_k8s_client *c, const struct kube_args *a)
{
	int rc = 0;
	struct ags_diag d = { 0 };
	char *recips = NULL;
	int r = ags_k8s_pubkey(c, a->t.ns, a->t.configmap, &recips, &d);
	if (r == AGS_E_K8S_NOT_FOUND) {
		cli_fail(r, &d, NULL);
		fprintf(stderr, "%s: hint: run the bootstrap Job (agesops kube bootstrap) to publish the key\n",
			cli_progname);
		rc = KUBE_EXIT_FAIL;
	} else if (r < 0) {
		rc = kube_exit(r, &d, NULL);
	} else {
		kube_print_joined(recips);
	}
	free(recips);
	return rc;
}

/* bootstrap --rotate: a new key made here, inside the cluster, beside the current one. */
static int bootstrap_rotate(struct ags_k8s_client *c, const struct kube_args *a)
{
	struct ags_diag d = { 0 };
	enum ags_k8s_rotate_outcome oc;
	char *recips = NULL;
	int r = ags_k8s_rotate_add(c, a->t.ns, a->t.secret, a->t.configmap, NULL, 0, &oc, &recips, &d);
	if (r < 0)
		return kube_exit(r, &d, "bootstrap --rotate");
	const char *what = oc == AGS_K8S_ROTATE_ADDED	 ? "generated a new age key and added it to"
			   : oc == AGS_K8S_ROTATE_ADOPTED ? "another run added a new key first; using the new key in"
							  : "a rotation is already in progress; keeping its new key in";
	printf("agesops: %s Secret %s/%s (entry %s, beside %s)\n", what, a->t.ns, a->t.secret, AGS_K8S_NEXT_KEY,
	       AGS_K8S_SECRET_KEY);
	printf("agesops: public keys published in ConfigMap %s/%s (entry %s, new first)\n", a->t.ns, a->t.configmap,
	       AGS_K8S_PUBLIC_KEY);
	printf("new public key: %.*s\n", (int)strcspn(recips, "\n"), recips);
	printf("public keys: ");
	kube_print_joined(recips);
	printf("next: agesops cluster rotate-key NAME --pubkey-from-cluster (re-encrypts the repository)\n");
	free(recips);
	return 0;
}

/* verify: every file of the cluster opens with a key the cluster holds. */
static int verify(int argc, char **argv)
{
	struct kube_args a;
	/* NAME may come first (kube verify NAME --pubkey R) or after the options */
	const char *name = argc > 1 && argv[1][0] != '-' ? argv[1] : NULL;
	if (name) {
		argv[1] = argv[0];
		argc--;
		argv++;
	}
	int p = parse(argc, argv, &a, false);
	if (p)
		return p > 0 ? 0 : KUBE_EXIT_USAGE;
	if (a.nargs + (name != NULL) != 1) {
		cli_error("verify takes the cluster NAME");
		return KUBE_EXIT_USAGE;
	}
	if (!name)
		name = a.args[0];
	char root[PATH_MAX];
	int rc = kube_repo_root(a.repo, root, sizeof(root));
	if (rc)
		return rc;
	struct ags_diag d = { 0 };
	struct ags_recipient_list keys = { 0 };
	const char *source = "--pubkey";
	for (size_t i = 0; i < a.npubkeys && rc == 0; i++) {
		int r = ags_recipient_list_parse(&keys, a.pubkeys[i], strlen(a.pubkeys[i]), "--pubkey", &d);
		if (r < 0)
			rc = (cli_fail(r, &d, NULL), KUBE_EXIT_USAGE);
	}
	if (rc == 0 && !a.npubkeys) {
		struct ags_k8s_client *c = NULL;
		char *recips = NULL;
		bool from_secret = false;
		rc = kube_connect(&a.t.conn, &c);
		int r = rc ? 0 : ags_k8s_cluster_recipients(c, a.t.ns, a.t.secret, a.t.configmap, &recips, &from_secret, &d);
		if (r < 0)
			rc = kube_exit(r, &d, NULL);
		else if (rc == 0 && (r = ags_recipient_list_parse(&keys, recips, strlen(recips), "cluster keys", &d)) < 0)
			rc = kube_exit(r, &d, NULL);
		source = from_secret ? "Secret" : "ConfigMap";
		free(recips);
		ags_k8s_client_free(c);
	}
	struct ags_cluster_repo cr = { .root = root, .name = name, .secrets_dir = a.secrets_dir };
	struct ags_repo_files files = { 0 };
	struct ags_repo_result *res = NULL;
	if (rc == 0) {
		int r = ags_gitops_cluster_files(&cr, &files, NULL, &d);
		if (r < 0)
			rc = kube_exit(r, &d, NULL);
	}
	if (rc == 0 && !(res = calloc(files.n ? files.n : 1, sizeof(*res))))
		rc = kube_exit(AGS_E_NOMEM, NULL, NULL);
	if (rc == 0) {
		bool pub_ok = false;
		struct ags_diag pd = { 0 };
		int bad = ags_gitops_verify(&cr, &files, &keys, a.jobs, res, &pub_ok, &pd);
		if (bad < 0) {
			rc = kube_exit(bad, NULL, NULL);
			goto out;
		}
		size_t good = 0;
		for (size_t i = 0; i < files.n; i++) {
			const char *rel = files.paths[i] + strlen(root) + 1;
			if (res[i].rc == 0)
				good++;
			else if (res[i].rc < 0)
				printf("%s: %s\n", rel, kube_strip_path(res[i].diag.msg[0] ? res[i].diag.msg
											  : ags_strerror(res[i].rc),
									 files.paths[i]));
		}
		if (!pub_ok)
			printf("%s\n", pd.msg);
		fprintf(stderr, "%s: verify %s: %zu files decryptable by the cluster's %zu key(s) (from the %s), %d not%s\n",
			cli_progname, cr.name, good, keys.n, source, bad, pub_ok ? "" : ", .sops.public.key does not match");
		if (rc == 0)
			rc = bad || !pub_ok ? KUBE_EXIT_FAIL : 0;
	}
out:
	free(res);
	ags_repo_files_clear(&files);
	ags_recipient_list_clear(&keys);
	return rc;
}

static int bootstrap(struct ags_k8s_client *c, const struct kube_args *a)
{
	if (a->rotate)
		return bootstrap_rotate(c, a);
	int rc = 0;
	struct ags_diag d = { 0 };
	enum ags_k8s_outcome oc;
	char *recips = NULL;
	int r = ags_k8s_bootstrap(c, a->t.ns, a->t.secret, a->t.configmap, &oc, &recips, &d);
	if (r < 0) {
		rc = kube_exit(r, &d, "bootstrap");
	} else {
		const char *what = oc == AGS_K8S_CREATED ? "generated a new age key and stored it in"
				   : oc == AGS_K8S_ADOPTED ? "another run created the key first; using the key in"
							   : "reusing the existing age key in";
		printf("agesops: %s Secret %s/%s (entry %s)\n", what, a->t.ns, a->t.secret, AGS_K8S_SECRET_KEY);
		printf("agesops: public key published in ConfigMap %s/%s (entry %s)\n", a->t.ns, a->t.configmap,
		       AGS_K8S_PUBLIC_KEY);
		printf("public key: ");
		kube_print_joined(recips);
	}
	free(recips);
	return rc;
}

int cmd_kube(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? KUBE_EXIT_USAGE : 0;
	}
	const char *sub = argv[1];
	if (!strcmp(sub, "install-key"))
		return install_key(argc - 1, argv + 1);
	if (!strcmp(sub, "pubkey"))
		return run_no_args(argc - 1, argv + 1, "pubkey", false, pubkey);
	if (!strcmp(sub, "bootstrap"))
		return run_no_args(argc - 1, argv + 1, "bootstrap", true, bootstrap);
	if (!strcmp(sub, "verify"))
		return verify(argc - 1, argv + 1);
	cli_error("kube: unknown subcommand '%s' (install-key, pubkey, bootstrap, verify)", sub);
	return KUBE_EXIT_USAGE;
}
