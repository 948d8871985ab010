/*
 * Client configuration: kubeconfig files merged as kubectl merges them, or
 * the in-cluster service-account configuration.  The result is one flat
 * struct k8s_rest_config the HTTP client uses.
 */
#ifndef AGS_K8S_KUBECONFIG_H
#define AGS_K8S_KUBECONFIG_H

#include <stddef.h>
#include <stdbool.h>

struct ags_diag;

#define K8S_CONFIG_FILE_MAX ((size_t)16 << 20)
/* Directory of the service-account files; AGESOPS_SERVICEACCOUNT_DIR overrides it (tests). */
#define K8S_SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"

struct k8s_exec_cfg {
	char *api_version;
	char *command;          /* resolved against the kubeconfig's directory when relative with a '/' */
	char **argv;            /* argv[0] = command, NULL-terminated */
	size_t nargs;
	char **env;             /* "NAME=value", NULL-terminated */
	size_t nenv;
	char *install_hint;
	char *interactive_mode;
};

struct k8s_rest_config {
	char *server;           /* scheme://host[:port][/path], no trailing '/' */
	char *host;             /* host[:port] for messages */
	char *ca_file;
	unsigned char *ca_data; /* PEM */
	size_t ca_len;
	bool insecure;
	char *cert_file;
	unsigned char *cert_data; /* PEM */
	size_t cert_len;
	char *key_file;
	unsigned char *key_data;  /* PEM, secret */
	size_t key_len;
	char *token;            /* secret */
	char *token_file;
	struct k8s_exec_cfg *exec;
	char *namespace_;       /* context namespace (kubeconfig) or the SA namespace (in-cluster) */
	char *context;          /* context name, or "in-cluster" */
	char *cluster, *user;
	char *source;           /* kubeconfig path(s), for messages */
};

/*
 * Loads a kubeconfig.  With explicit != NULL (--kubeconfig) only that file
 * is read and it must exist; otherwise $KUBECONFIG (a ':'-separated list;
 * missing files are skipped) or else ~/.kube/config.  Files are merged as
 * kubectl does: for a named cluster/user/context and for current-context,
 * the first file that defines it wins.  context overrides current-context.
 * Relative file paths are resolved against the directory of the file that
 * defined the entry.
 */
int k8s_config_load(const char *explicit_path, const char *context, struct k8s_rest_config **ret,
		    struct ags_diag *d);
/* The same from an explicit list of files (missing ones skipped unless explicit). */
int k8s_config_load_files(const char *const *paths, size_t n, bool explicit_, const char *context,
			  struct k8s_rest_config **ret, struct ags_diag *d);
/* The in-cluster configuration (KUBERNETES_SERVICE_HOST/PORT and the SA files). */
int k8s_config_in_cluster(struct k8s_rest_config **ret, struct ags_diag *d);
/* True when KUBERNETES_SERVICE_HOST and _PORT are both set. */
bool k8s_config_in_cluster_available(void);
void k8s_config_free(struct k8s_rest_config *c);

/*
 * Runs an exec credential plugin (client.authentication.k8s.io/v1 or
 * v1beta1 ExecCredential) and stores status.token, or
 * status.clientCertificateData/clientKeyData, into c.  Killed after
 * timeout_ms.  The plugin's stderr is passed through (it may print hints).
 */
int k8s_exec_credential(struct k8s_rest_config *c, long timeout_ms, struct ags_diag *d);

#endif
