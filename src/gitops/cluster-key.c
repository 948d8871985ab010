/*
 * Where cluster init's key comes from (gitops-cli.h): a key file outside
 * the repository (an existing one, or a new key), standard output, or the
 * cluster's published public key.
 */
#include "../cli.h"
#include "gitops-cli.h"

#include <agesops/agesops.h>
#include <agesops/age.h>
#include <agesops/gitops.h>
#include <agesops/gitops-lifecycle.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int gcli_cluster_key_place(const char *key_file, bool from_cluster, const char *name, const char *root, char **keypath)
{
	*keypath = NULL;
	if (from_cluster) {
		if (key_file) {
			cli_error("--from-cluster and --key-file cannot be used together");
			return EXIT_CONFLICTING_PARAMETERS;
		}
		return 0;
	}
	if (key_file && !strcmp(key_file, "-")) {
		if (isatty(1)) {
			cli_error("--key-file -: standard output is a terminal; pipe it somewhere safe");
			return EXIT_GENERIC;
		}
		return 0;
	}
	struct ags_diag d = { 0 };
	int r = key_file ? ((*keypath = strdup(key_file)) ? 0 : AGS_E_NOMEM)
			 : ags_gitops_default_key_path(name, keypath, &d);
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

/* Loads an existing key file's first identity recipient, or makes a new key. */
int gcli_cluster_key(const char *keypath, char **recipient)
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

/* Asks `agesops kube pubkey` (this program, run again) rather than the
 * library, so the kube command's own messages and hints reach the user. */
int gcli_cluster_pubkey(const char *kubeconfig, const char *context, char **recipient)
{
	const char *argv[8];
	int n = 0;
	argv[n++] = "agesops";
	argv[n++] = "kube";
	argv[n++] = "pubkey";
	if (kubeconfig) {
		argv[n++] = "--kubeconfig";
		argv[n++] = kubeconfig;
	}
	if (context) {
		argv[n++] = "--context";
		argv[n++] = context;
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
