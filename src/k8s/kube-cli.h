/*
 * CLI plumbing shared by the commands that talk to a cluster (kube,
 * cluster rotate-key): connecting, and the exit-code contract
 * (0 done, 75 transient, 1 permanent, 2 usage).
 */
#ifndef AGS_SRC_KUBE_CLI_H
#define AGS_SRC_KUBE_CLI_H

#include <agesops/agesops.h>
#include <agesops/k8s.h>
#include <stdbool.h>
#include <stddef.h>

#define KUBE_EXIT_FAIL 1
#define KUBE_EXIT_USAGE 2
#define KUBE_EXIT_TRANSIENT 75

struct kube_conn {
	const char *kubeconfig, *context;
	bool in_cluster;
	long timeout_ms;
};

/* Where the sops-age key lives on a cluster and how to reach it: what the
 * flags shared by every command that talks to a cluster set. */
struct kube_target {
	struct kube_conn conn;
	const char *ns, *secret, *configmap;
};

/* The defaults: flux-system, sops-age, sops-age-public; no connection flags. */
void kube_target_init(struct kube_target *t);
/* Takes the shared flag c (-n, --name, --configmap, --kubeconfig, --context,
 * --in-cluster, --request-timeout) with its argument: 1 taken, 0 not one of
 * them, -1 a bad value (printed). */
int kube_target_flag(struct kube_target *t, int c, const char *arg);

/* Prints the error; 75 for transient errors, else 1. */
int kube_exit(int err, const struct ags_diag *d, const char *what);
/* Connects (kubectl's in-cluster fallback included); 0 or the exit code (printed). */
int kube_connect(const struct kube_conn *k, struct ags_k8s_client **c);
/* "age1a\nage1b\n" -> "age1a,age1b\n" on stdout (the form --age takes). */
void kube_print_joined(const char *recips);
/* --request-timeout SECONDS -> ms; -1 (printed) when invalid. */
long kube_parse_timeout(const char *arg);

/* Repository root: realpath of opt, else the nearest directory up from
 * the working directory holding .git.  0 or the exit code (printed). */
int kube_repo_root(const char *opt, char *out, size_t cap);
/* msg without a leading "PATH: " (for lines that name the file themselves). */
const char *kube_strip_path(const char *msg, const char *path);

#endif
