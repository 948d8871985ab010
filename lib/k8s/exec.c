/*
 * Exec credential plugins (client-go's exec authenticator): run the
 * command with KUBERNETES_EXEC_INFO set, read an ExecCredential from its
 * stdout, take status.token or the client certificate and key.
 */
#include "internal.h"
#include "k8s/kubeconfig.h"
#include "k8s/json.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define EXEC_OUTPUT_MAX ((size_t)1 << 20)

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* environ + the plugin's env entries + KUBERNETES_EXEC_INFO (later entries win). */
static char **build_env(const struct k8s_exec_cfg *e, char *info)
{
	size_t n = 0;
	while (environ && environ[n])
		n++;
	char **env = calloc(n + e->nenv + 2, sizeof(char *));
	if (!env)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(environ[i], '=');
		size_t nl = eq ? (size_t)(eq - environ[i]) : strlen(environ[i]);
		bool overridden = !strncmp(environ[i], "KUBERNETES_EXEC_INFO=", 21);
		for (size_t j = 0; j < e->nenv && !overridden; j++)
			overridden = !strncmp(e->env[j], environ[i], nl + 1);
		if (!overridden)
			env[k++] = environ[i];
	}
	for (size_t j = 0; j < e->nenv; j++)
		env[k++] = e->env[j];
	env[k++] = info;
	env[k] = NULL;
	return env;
}

/* Waits up to ms (a second at most) for output on fd and reads it into buf: the bytes read, 0 at
 * its end, -EINTR when there is nothing yet (the wait ran out or a signal came: wait again), or
 * another -errno. */
static ssize_t read_within(int fd, long ms, void *buf, size_t cap)
{
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	int pr = poll(&pf, 1, (int)AGS_MIN(ms, 1000L));
	if (pr == 0)
		return -EINTR;
	ssize_t got = pr < 0 ? -1 : read(fd, buf, cap);
	return got < 0 ? -errno : got;
}

int k8s_exec_credential(struct k8s_rest_config *c, long timeout_ms, struct ags_diag *d)
{
	const struct k8s_exec_cfg *e = c->exec;
	char *info = NULL;
	if (asprintf(&info,
		     "KUBERNETES_EXEC_INFO={\"kind\":\"ExecCredential\",\"apiVersion\":\"%s\",\"spec\":{\"interactive\":false}}",
		     e->api_version) < 0)
		return AGS_E_NOMEM;
	char **env = build_env(e, info);
	if (!env) {
		free(info);
		return AGS_E_NOMEM;
	}
	int out[2] = { -1, -1 };
	int r = 0;
	pid_t pid = -1;
	struct ags_buf b;
	ags_buf_init_secret(&b, EXEC_OUTPUT_MAX);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	if (pipe2(out, O_CLOEXEC) < 0) {
		r = -errno;
		goto out;
	}
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	int se = strchr(e->command, '/') ? posix_spawn(&pid, e->command, &fa, NULL, e->argv, env)
					 : posix_spawnp(&pid, e->command, &fa, NULL, e->argv, env);
	close(out[1]);
	out[1] = -1;
	if (se != 0) {
		r = ags_diag_set(d, AGS_E_K8S_CONFIG, "exec plugin '%.200s': %s%s%.200s", e->command, strerror(se),
				 e->install_hint ? "; " : "", e->install_hint ? e->install_hint : "");
		pid = -1;
		goto out;
	}
	long deadline = now_ms() + timeout_ms;
	for (;;) {
		long left = deadline - now_ms();
		if (left <= 0) {
			r = ags_diag_set(d, AGS_E_TIMEOUT, "exec plugin '%.200s' did not finish within %ld ms",
					 e->command, timeout_ms);
			goto out;
		}
		char tmp[4096];
		ssize_t got = read_within(out[0], left, tmp, sizeof(tmp));
		if (got == -EINTR)
			continue;
		if (got < 0) {
			r = (int)got;
			goto out;
		}
		if (got == 0)
			break;
		r = ags_buf_append(&b, tmp, (size_t)got);
		ags_wipe(tmp, sizeof(tmp));
		if (r < 0) {
			r = ags_diag_set(d, r, "exec plugin '%.200s': output too large", e->command);
			goto out;
		}
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	pid = -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		r = ags_diag_set(d, AGS_E_CHILD, "exec plugin '%.200s' failed (%s %d)", e->command,
				 WIFEXITED(st) ? "exit status" : "signal",
				 WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		goto out;
	}
	struct k8s_json *j = NULL;
	char err[128];
	r = k8s_json_parse(b.data ? (const char *)b.data : "", b.len, &j, err, sizeof(err));
	if (r < 0) {
		r = ags_diag_set(d, AGS_E_K8S_CONFIG, "exec plugin '%.200s': output is not JSON (%s)", e->command, err);
		goto out;
	}
	const char *kind = k8s_json_get_str(j, "kind"), *av = k8s_json_get_str(j, "apiVersion");
	const struct k8s_json *status = k8s_json_get(j, "status");
	if (!kind || strcmp(kind, "ExecCredential") || !av || strcmp(av, e->api_version) ||
	    !status || status->type != K8S_JSON_OBJECT) {
		r = ags_diag_set(d, AGS_E_K8S_CONFIG,
				 "exec plugin '%.200s': output is not an ExecCredential %s with a status", e->command,
				 e->api_version);
		k8s_json_free(j);
		goto out;
	}
	const char *tok = k8s_json_get_str(status, "token");
	const char *cert = k8s_json_get_str(status, "clientCertificateData");
	const char *key = k8s_json_get_str(status, "clientKeyData");
	if (tok && tok[0]) {
		char *t = strdup(tok);
		if (!t)
			r = AGS_E_NOMEM;
		else {
			ags_free_secret_str(c->token);
			c->token = t;
		}
	} else if (cert && cert[0] && key && key[0]) {
		unsigned char *cd = (unsigned char *)strdup(cert), *kd = (unsigned char *)strdup(key);
		if (!cd || !kd) {
			free(cd);
			ags_free_secret_str((char *)kd);
			r = AGS_E_NOMEM;
		} else {
			free(c->cert_data);
			ags_free_secret(c->key_data, c->key_len);
			free(c->cert_file);
			free(c->key_file);
			c->cert_file = c->key_file = NULL;
			c->cert_data = cd;
			c->cert_len = strlen(cert);
			c->key_data = kd;
			c->key_len = strlen(key);
		}
	} else {
		r = ags_diag_set(d, AGS_E_K8S_CONFIG,
				 "exec plugin '%.200s': ExecCredential has neither status.token nor clientCertificateData and clientKeyData",
				 e->command);
	}
	k8s_json_free(j);
out:
	if (pid > 0) {
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	posix_spawn_file_actions_destroy(&fa);
	if (out[0] >= 0)
		close(out[0]);
	if (out[1] >= 0)
		close(out[1]);
	ags_buf_release(&b);
	free(env);
	free(info);
	return r;
}
