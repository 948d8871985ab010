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
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "util/file.h"

#define KUBE_EXIT_FAIL 1
#define KUBE_EXIT_USAGE 2
#define KUBE_EXIT_TRANSIENT 75

struct kube_args {
	const char *ns, *kubeconfig, *context, *name, *configmap;
	bool in_cluster, replace, force;
	long timeout_ms;
	int nargs;
	char **args;
};

static void usage(FILE *f)
{
	(f == stdout ? cli_help : cli_usage)(f, "kube");
}

static int kube_exit(int err, const struct ags_diag *d, const char *what)
{
	cli_fail(err, d, what);
	return ags_k8s_error_transient(err) ? KUBE_EXIT_TRANSIENT : KUBE_EXIT_FAIL;
}

static int parse(int argc, char **argv, struct kube_args *a, bool bootstrap)
{
	memset(a, 0, sizeof(*a));
	a->ns = AGS_K8S_DEFAULT_NAMESPACE;
	a->name = AGS_K8S_DEFAULT_SECRET;
	a->configmap = AGS_K8S_DEFAULT_CONFIGMAP;
	int c;
	struct cli_getopt g;
	cli_getopt_init(&g, "kube");
	optind = 1;
	while ((c = cli_getopt(&g, argc, argv)) != -1) {
		switch (c) {
		case 'n': a->ns = optarg; break;
		case OPT_KUBECONFIG: a->kubeconfig = optarg; break;
		case OPT_CONTEXT: a->context = optarg; break;
		case OPT_IN_CLUSTER: a->in_cluster = true; break;
		case OPT_NAME: a->name = optarg; break;
		case OPT_CONFIGMAP: a->configmap = optarg; break;
		case OPT_REPLACE: a->replace = true; break;
		case OPT_FORCE: a->force = true; break;
		case OPT_TIMEOUT: {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || v <= 0 || v > 3600) {
				cli_error("--request-timeout: expected seconds between 1 and 3600");
				return -1;
			}
			a->timeout_ms = v * 1000;
			break;
		}
		case 'h': {
			char path[64];
			snprintf(path, sizeof(path), "kube %s", argv[0]);
			cli_help(stdout, cli_command_find(path) ? path : "kube");
			return 1;
		}
		default: usage(stderr); return -1;
		}
	}
	if (a->in_cluster && (a->kubeconfig || a->context)) {
		cli_error("--in-cluster cannot be combined with --kubeconfig or --context");
		return -1;
	}
	/* bootstrap is the Job's entry point: in-cluster unless told otherwise */
	if (bootstrap && !a->kubeconfig && !a->context)
		a->in_cluster = true;
	a->nargs = argc - optind;
	a->args = argv + optind;
	return 0;
}

static int connect_client(const struct kube_args *a, struct ags_k8s_client **c)
{
	struct ags_k8s_options o = {
		.kubeconfig = a->kubeconfig,
		.context = a->context,
		.in_cluster = a->in_cluster,
		.timeout_ms = a->timeout_ms,
	};
	/* kubectl's fallback: with no kubeconfig anywhere, a pod uses its service account */
	if (!o.in_cluster && !o.kubeconfig && !o.context && !(getenv("KUBECONFIG") && getenv("KUBECONFIG")[0]) &&
	    getenv("KUBERNETES_SERVICE_HOST") && getenv("KUBERNETES_SERVICE_PORT")) {
		const char *home = getenv("HOME");
		char p[4096];
		struct stat st;
		snprintf(p, sizeof(p), "%s/.kube/config", home ? home : "");
		if (!home || stat(p, &st) != 0)
			o.in_cluster = true;
	}
	struct ags_diag d = { 0 };
	int r = ags_k8s_client_new(&o, c, &d);
	if (r < 0)
		return kube_exit(r, &d, NULL);
	return 0;
}

/* "age1a\nage1b\n" -> "age1a,age1b" (the form sops --age takes). */
static void print_joined(const char *recips)
{
	bool first = true;
	for (const char *s = recips; *s;) {
		size_t l = strcspn(s, "\n");
		if (l) {
			printf("%s%.*s", first ? "" : ",", (int)l, s);
			first = false;
		}
		s += l;
		if (*s)
			s++;
	}
	putchar('\n');
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
	int rc = connect_client(&a, &c);
	if (rc) {
		ags_buf_release(&key);
		return rc;
	}
	struct ags_diag d = { 0 };
	enum ags_k8s_outcome oc;
	char *recips = NULL;
	unsigned flags = (a.replace ? AGS_K8S_REPLACE : 0) | (a.force ? AGS_K8S_FORCE : 0);
	r = ags_k8s_install_key(c, a.ns, a.name, key.data ? key.data : (unsigned char *)"", key.len,
				strcmp(file, "-") ? file : "stdin", flags, &oc, &recips, &d);
	ags_buf_release(&key);
	if (r < 0) {
		rc = kube_exit(r, &d, NULL);
	} else {
		const char *what = oc == AGS_K8S_CREATED ? "created" : oc == AGS_K8S_REPLACED ? "replaced"
											: "unchanged (same key)";
		fprintf(stderr, "%s: Secret %s/%s %s on %s\n", cli_progname, a.ns, a.name, what,
			ags_k8s_client_host(c));
		print_joined(recips);
		rc = 0;
	}
	free(recips);
	ags_k8s_client_free(c);
	return rc;
}

static int pubkey(int argc, char **argv)
{
	struct kube_args a;
	int p = parse(argc, argv, &a, false);
	if (p)
		return p > 0 ? 0 : KUBE_EXIT_USAGE;
	if (a.nargs) {
		cli_error("pubkey takes no arguments");
		return KUBE_EXIT_USAGE;
	}
	struct ags_k8s_client *c = NULL;
	int rc = connect_client(&a, &c);
	if (rc)
		return rc;
	struct ags_diag d = { 0 };
	char *recips = NULL;
	int r = ags_k8s_pubkey(c, a.ns, a.configmap, &recips, &d);
	if (r == AGS_E_K8S_NOT_FOUND) {
		cli_fail(r, &d, NULL);
		fprintf(stderr, "%s: hint: run the bootstrap Job (agesops kube bootstrap) to publish the key\n",
			cli_progname);
		rc = KUBE_EXIT_FAIL;
	} else if (r < 0) {
		rc = kube_exit(r, &d, NULL);
	} else {
		print_joined(recips);
	}
	free(recips);
	ags_k8s_client_free(c);
	return rc;
}

static int bootstrap(int argc, char **argv)
{
	struct kube_args a;
	int p = parse(argc, argv, &a, true);
	if (p)
		return p > 0 ? 0 : KUBE_EXIT_USAGE;
	if (a.nargs) {
		cli_error("bootstrap takes no arguments");
		return KUBE_EXIT_USAGE;
	}
	struct ags_k8s_client *c = NULL;
	int rc = connect_client(&a, &c);
	if (rc)
		return rc;
	struct ags_diag d = { 0 };
	enum ags_k8s_outcome oc;
	char *recips = NULL;
	int r = ags_k8s_bootstrap(c, a.ns, a.name, a.configmap, &oc, &recips, &d);
	if (r < 0) {
		rc = kube_exit(r, &d, "bootstrap");
	} else {
		const char *what = oc == AGS_K8S_CREATED ? "generated a new age key and stored it in"
				   : oc == AGS_K8S_ADOPTED ? "another run created the key first; using the key in"
							   : "reusing the existing age key in";
		printf("agesops: %s Secret %s/%s (entry %s)\n", what, a.ns, a.name, AGS_K8S_SECRET_KEY);
		printf("agesops: public key published in ConfigMap %s/%s (entry %s)\n", a.ns, a.configmap,
		       AGS_K8S_PUBLIC_KEY);
		printf("public key: ");
		print_joined(recips);
	}
	free(recips);
	ags_k8s_client_free(c);
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
		return pubkey(argc - 1, argv + 1);
	if (!strcmp(sub, "bootstrap"))
		return bootstrap(argc - 1, argv + 1);
	cli_error("kube: unknown subcommand '%s' (install-key, pubkey, bootstrap)", sub);
	return KUBE_EXIT_USAGE;
}
