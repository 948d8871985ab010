#include "../cli.h"
#include "gitops-cli.h"

#include <agesops/agesops.h>
#include <agesops/sops.h>
#include <agesops/sops-config.h>
#include "util/file.h"
#include "util/secret.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* The SOPS core lands on another branch; until it is linked in, --encrypt
 * reports that it is unavailable instead of breaking the build. */

#define SECRET_INPUT_MAX ((size_t)1 << 20)

int gcli_read_stdin_secret(struct ags_buf *out)
{
	int r = ags_fd_read_all(0, out);
	if (r < 0)
		return r;
	if (out->len && out->data[out->len - 1] == '\n')
		ags_buf_truncate(out, out->len - 1);
	if (out->len && out->data[out->len - 1] == '\r')
		ags_buf_truncate(out, out->len - 1);
	if (!out->data)
		r = ags_buf_append(out, "", 0);
	return r;
}

int gcli_prompt_secret(const char *prompt, struct ags_buf *out)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return AGS_E_NOT_FOUND;
	struct termios old, noecho;
	bool restore = false;
	if (tcgetattr(fd, &old) == 0) {
		noecho = old;
		noecho.c_lflag &= ~(tcflag_t)ECHO;
		restore = tcsetattr(fd, TCSAFLUSH, &noecho) == 0;
	}
	(void)!write(fd, prompt, strlen(prompt));
	int r = 0;
	for (;;) {
		char c;
		ssize_t n = read(fd, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || c == '\n')
			break;
		if ((r = ags_buf_putc(out, c)) < 0)
			break;
	}
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	(void)!write(fd, "\n", 1);
	close(fd);
	if (!r && !out->data)
		r = ags_buf_append(out, "", 0);
	return r;
}

int gcli_encrypt_opt(struct gcli_encrypt *e, const char *name, const char *arg)
{
	if (!strcmp(name, "encrypt")) {
		e->enabled = true;
		return 1;
	}
	if (!strcmp(name, "age")) {
		if (e->nage < sizeof(e->age) / sizeof(e->age[0]))
			e->age[e->nage++] = arg;
		e->enabled = true;
		return 1;
	}
	if (!strcmp(name, "encrypted-regex")) {
		e->encrypted_regex = arg;
		return 1;
	}
	return 0;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int push_str(char ***v, size_t *n, const char *s, size_t len)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv)
		return AGS_E_NOMEM;
	*v = nv;
	if (!(nv[*n] = strndup(s, len)))
		return AGS_E_NOMEM;
	(*n)++;
	return 0;
}

/* Reads a .sops.public.key: one recipient per line, '#' comments. */
static int read_public_key_file(const char *path, char ***v, size_t *n)
{
	struct ags_buf b;
	ags_buf_init(&b, 1 << 20);
	int r = ags_file_read(path, &b);
	if (r < 0) {
		ags_buf_release(&b);
		return r;
	}
	const char *p = (const char *)b.data, *end = p + b.len;
	while (r == 0 && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *s = p, *e2 = le;
		while (s < e2 && (*s == ' ' || *s == '\t'))
			s++;
		while (e2 > s && (e2[-1] == ' ' || e2[-1] == '\t' || e2[-1] == '\r'))
			e2--;
		if (e2 > s && *s != '#')
			r = push_str(v, n, s, (size_t)(e2 - s));
		p = nl ? nl + 1 : end;
	}
	ags_buf_release(&b);
	return r;
}

static char *dir_of(const char *path)
{
	char abs[2 * PATH_MAX + 2];
	if (path[0] == '/') {
		snprintf(abs, sizeof(abs), "%s", path);
	} else {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof(cwd)))
			return NULL;
		snprintf(abs, sizeof(abs), "%s/%s", cwd, path);
	}
	char *slash = strrchr(abs, '/');
	if (slash == abs)
		slash[1] = 0;
	else if (slash)
		*slash = 0;
	return strdup(abs);
}

int gcli_find_recipients(const char *path, char ***v, size_t *n, char **source, char **regex)
{
	char *dir = dir_of(path);
	if (!dir)
		return -errno;
	*v = NULL;
	*n = 0;
	*source = NULL;
	*regex = NULL;
	char *cfgpath = NULL, *warn = NULL;
	int r = ags_sops_config_find(dir, &cfgpath, &warn);
	free(warn);
	if (r == 0) {
		struct ags_sops_config *c = NULL;
		struct ags_diag d = { 0 };
		const struct ags_sops_creation_rule *rule = NULL;
		r = ags_sops_config_load(cfgpath, &c, &d);
		if (r == 0)
			r = ags_sops_config_match(c, path, &rule, &d);
		if (r < 0) {
			cli_fail(r, &d, cfgpath);
		} else if (rule && rule->ngroups > 0) {
			for (size_t g = 0; r == 0 && g < rule->ngroups; g++)
				for (size_t i = 0; r == 0 && i < rule->groups[g].nage; i++)
					r = push_str(v, n, rule->groups[g].age[i], strlen(rule->groups[g].age[i]));
			if (rule->encrypted_regex)
				*regex = strdup(rule->encrypted_regex);
			*source = cfgpath;
			cfgpath = NULL;
		}
		ags_sops_config_free(c);
		free(cfgpath);
		if (r < 0 || *n) {
			free(dir);
			return r;
		}
	} else {
		free(cfgpath);
	}
	/* .sops.public.key, walking up */
	char *p = dir;
	for (int depth = 0; depth < 100; depth++) {
		char kp[PATH_MAX];
		snprintf(kp, sizeof(kp), "%s/.sops.public.key", strcmp(p, "/") ? p : "");
		if (access(kp, R_OK) == 0) {
			r = read_public_key_file(kp, v, n);
			if (r == 0)
				*source = strdup(kp);
			free(dir);
			return r;
		}
		char *slash = strrchr(p, '/');
		if (!slash || slash == p)
			break;
		*slash = 0;
	}
	free(dir);
	return AGS_E_SOPS_NO_RECIPIENTS;
}

int gcli_encrypt_manifest(const char *const *age, size_t nage, const char *regex, const char *filename,
			  const struct ags_buf *plain, struct ags_buf *out)
{
	struct ags_sops_encrypt_opts o = { 0 };
	struct ags_diag d = { 0 };
	o.age = age;
	o.nage = nage;
	o.rules.encrypted_regex = regex ? regex : "^(data|stringData)$";
	o.input_type = "yaml";
	o.output_type = "yaml";
	o.filename = filename;
	o.indent = AGS_SOPS_INDENT_DEFAULT;
	int r = ags_sops_encrypt_buf(plain->data, plain->len, &o, out, &d);
	if (r < 0)
		return cli_fail(r, &d, "encrypt");
	return 0;
}

int gcli_output_manifest(const struct gcli_encrypt *e, const struct ags_buf *plain, const char *outpath)
{
	struct ags_buf enc;
	const struct ags_buf *res = plain;
	int rc = 0;
	ags_buf_init(&enc, (size_t)1 << 30);
	if (e->enabled) {
		char **v = NULL, *source = NULL, *regex = NULL;
		size_t n = 0;
		const char *hint = e->path_hint ? e->path_hint : (outpath ? outpath : "secret.yaml");
		if (e->nage) {
			rc = gcli_encrypt_manifest(e->age, e->nage, e->encrypted_regex, hint, plain, &enc);
		} else {
			int r = gcli_find_recipients(hint, &v, &n, &source, &regex);
			if (r == AGS_E_SOPS_NO_RECIPIENTS) {
				cli_error("--encrypt: no recipients: pass --age, or add a .sops.yaml creation rule or "
					  "a .sops.public.key");
				rc = EXIT_NO_ENCRYPTION_KEY;
			} else if (r < 0) {
				rc = cli_fail(r, NULL, "--encrypt");
			} else {
				rc = gcli_encrypt_manifest((const char *const *)v, n,
							   e->encrypted_regex ? e->encrypted_regex : regex, hint, plain, &enc);
			}
			free_strv(v, n);
			free(source);
			free(regex);
		}
		res = &enc;
	}
	if (rc == 0) {
		if (outpath) {
			/* a plaintext manifest is as secret as a key file */
			int r = ags_file_write_atomic(outpath, res->data, res->len, e->enabled ? 0644 : 0600, false);
			if (r < 0)
				rc = cli_fail(r, NULL, outpath);
		} else if (res->len && (fwrite(res->data, 1, res->len, stdout) != res->len || fflush(stdout) != 0)) {
			cli_error("cannot write to standard output: %s", strerror(errno));
			rc = EXIT_WRITE_OUTPUT;
		}
	}
	ags_buf_release(&enc);
	return rc;
}
