/* CLI plumbing shared by the commands that talk to a cluster. */
#include "../cli.h"
#include "kube-cli.h"
#include "../cli-opts.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <errno.h>
#include <limits.h>
#include <unistd.h>

void kube_target_init(struct kube_target *t)
{
	*t = (struct kube_target){ .ns = AGS_K8S_DEFAULT_NAMESPACE,
				   .secret = AGS_K8S_DEFAULT_SECRET,
				   .configmap = AGS_K8S_DEFAULT_CONFIGMAP };
}

int kube_target_flag(struct kube_target *t, int c, const char *arg)
{
	switch (c) {
	case 'n': t->ns = arg; return 1;
	case OPT_NAME: t->secret = arg; return 1;
	case OPT_CONFIGMAP: t->configmap = arg; return 1;
	case OPT_KUBECONFIG: t->conn.kubeconfig = arg; return 1;
	case OPT_CONTEXT: t->conn.context = arg; return 1;
	case OPT_IN_CLUSTER: t->conn.in_cluster = true; return 1;
	case OPT_TIMEOUT: return (t->conn.timeout_ms = kube_parse_timeout(arg)) < 0 ? -1 : 1;
	default: return 0;
	}
}

int kube_exit(int err, const struct ags_diag *d, const char *what)
{
	cli_fail(err, d, what);
	return ags_k8s_error_transient(err) ? KUBE_EXIT_TRANSIENT : KUBE_EXIT_FAIL;
}

long kube_parse_timeout(const char *arg)
{
	char *end;
	long v = strtol(arg, &end, 10);
	if (*end || v <= 0 || v > 3600) {
		cli_error("--request-timeout: expected seconds between 1 and 3600");
		return -1;
	}
	return v * 1000;
}

int kube_connect(const struct kube_conn *k, struct ags_k8s_client **c)
{
	struct ags_k8s_options o = {
		.kubeconfig = k->kubeconfig,
		.context = k->context,
		.in_cluster = k->in_cluster,
		.timeout_ms = k->timeout_ms,
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

void kube_print_joined(const char *recips)
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

int kube_repo_root(const char *opt, char *out, size_t cap)
{
	char cwd[PATH_MAX];
	if (opt) {
		if (!realpath(opt, cwd)) {
			cli_error("--repo %s: %s", opt, strerror(errno));
			return KUBE_EXIT_FAIL;
		}
		snprintf(out, cap, "%s", cwd);
		return 0;
	}
	if (!getcwd(cwd, sizeof(cwd))) {
		cli_error("cannot get the working directory: %s", strerror(errno));
		return KUBE_EXIT_FAIL;
	}
	/* the nearest directory holding .git (a directory, or a file in worktrees) */
	for (;;) {
		char p[PATH_MAX + 8];
		struct stat st;
		snprintf(p, sizeof(p), "%s/.git", cwd);
		if (lstat(p, &st) == 0) {
			snprintf(out, cap, "%s", cwd);
			return 0;
		}
		char *slash = strrchr(cwd, '/');
		if (!slash || slash == cwd)
			break;
		*slash = 0;
	}
	cli_error("not in a git repository (use --repo DIR)");
	return KUBE_EXIT_FAIL;
}

const char *kube_strip_path(const char *msg, const char *path)
{
	size_t l = strlen(path);
	return !strncmp(msg, path, l) && msg[l] == ':' && msg[l + 1] == ' ' ? msg + l + 2 : msg;
}
