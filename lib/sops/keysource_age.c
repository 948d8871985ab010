/*
 * The age key source (sops' age.MasterKey): the data key wrapped for each
 * recipient as its own armored age file, and identities gathered from every
 * source sops reads, cumulatively (sops.md section 7.4).
 */
#include "internal.h"
#include "sops/sops-int.h"
#include "util/shellwords.h"
#include "util/strv.h"
#include <agesops/age.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define CMD_OUT_MAX (1u << 20)
#define KEYFILE_MAX (16u << 20)

int ags_sops_age_wrap(const char *recipient, const uint8_t *key, size_t len, char **enc, struct ags_diag *d)
{
	struct ags_age_recipient *r = NULL;
	int rc = ags_age_recipient_parse(recipient, &r, d);
	if (rc < 0)
		return rc;
	struct ags_buf out;
	ags_buf_init(&out, 1 << 20);
	rc = ags_age_encrypt_buf(&r, 1, key, len, true, &out, d);
	ags_age_recipient_free(r);
	if (rc < 0) {
		ags_buf_release(&out);
		return rc;
	}
	char *s = ags_buf_detach(&out, NULL);
	if (!s)
		return AGS_E_NOMEM;
	*enc = s;
	return 0;
}

int ags_sops_age_unwrap(const struct ags_age_identities *ids, const char *enc, struct ags_buf *out,
			struct ags_diag *d)
{
	if (!enc || !*enc)
		return ags_diag_set(d, AGS_E_SOPS_FORMAT, "age key entry has no enc");
	return ags_age_decrypt_buf(ids->v, ids->n, enc, strlen(enc), out, d);
}

int ags_sops_split_recipients(const char *s, char ***v, size_t *n)
{
	return s ? ags_strv_split_append(s, strlen(s), false, AGS_SOPS_MAX_KEYS, v, n) : 0;
}

/* Runs cmd (no shell) with SOPS_AGE_RECIPIENT set; its stdout into out. */
static int run_cmd(const char *var, const char *cmd, const char *recipient, struct ags_buf *out,
		   struct ags_diag *d)
{
	char **argv;
	size_t argc;
	if (ags_shellwords_split(cmd, 0, &argv, &argc) < 0)
		return ags_diag_set(d, AGS_E_SOPS_NO_KEY, "%s: cannot split the command line", var);
	size_t nenv = 0;
	while (environ && environ[nenv])
		nenv++;
	char **env = calloc(nenv + 2, sizeof(*env));
	char *recip_env = NULL;
	int rc = 0;
	if (!env || asprintf(&recip_env, "SOPS_AGE_RECIPIENT=%s", recipient ? recipient : "") < 0) {
		recip_env = NULL;
		rc = AGS_E_NOMEM;
	}
	int pfd[2] = { -1, -1 };
	pid_t pid = -1;
	if (rc == 0) {
		size_t k = 0;
		for (size_t i = 0; i < nenv; i++)
			if (strncmp(environ[i], "SOPS_AGE_RECIPIENT=", 19) != 0)
				env[k++] = environ[i];
		env[k++] = recip_env;
		env[k] = NULL;
		if (pipe2(pfd, O_CLOEXEC) < 0)
			rc = -errno;
	}
	if (rc == 0) {
		posix_spawn_file_actions_t fa;
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
		int e = posix_spawnp(&pid, argv[0], &fa, NULL, argv, env);
		posix_spawn_file_actions_destroy(&fa);
		close(pfd[1]);
		if (e != 0) {
			rc = ags_diag_set(d, AGS_E_SOPS_NO_KEY, "%s: cannot run '%s': %s", var, argv[0], strerror(e));
			pid = -1;
		}
	}
	if (rc == 0) {
		rc = ags_fd_read_all(pfd[0], out);
		if (rc == AGS_E_TOO_BIG)
			ags_diag_set(d, AGS_E_SOPS_NO_KEY, "%s: command output too large", var);
	}
	if (pfd[0] >= 0)
		close(pfd[0]);
	if (pid > 0) {
		int st = 0;
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		if (rc == 0 && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
			rc = ags_diag_set(d, AGS_E_SOPS_NO_KEY, "%s: command '%s' failed (status %d)", var, argv[0],
					  WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	}
	if (rc < 0 && rc != AGS_E_SOPS_NO_KEY && rc != AGS_E_TOO_BIG)
		rc = ags_diag_set(d, AGS_E_SOPS_NO_KEY, "%s: %s", var, ags_strerror(rc));
	else if (rc == AGS_E_TOO_BIG)
		rc = AGS_E_SOPS_NO_KEY;
	free(recip_env);
	free(env);
	ags_free_strv(argv, argc);
	return rc;
}

struct loader {
	struct ags_age_identities *out;
	struct ags_diag first_err;
	bool have_err;
	char tried[AGS_DIAG_MAX];
};

static void note_err(struct loader *l, const char *src, int rc, const struct ags_diag *d)
{
	if (l->have_err)
		return;
	l->have_err = true;
	snprintf(l->first_err.msg, sizeof(l->first_err.msg), "%.100s: %.380s", src,
		 d && d->msg[0] ? d->msg : ags_strerror(rc));
}

static void note_tried(struct loader *l, const char *src)
{
	size_t n = strlen(l->tried);
	snprintf(l->tried + n, sizeof(l->tried) - n, "%s%s", n ? ", " : "", src);
}

static ags_passphrase_fn pass_fn;
static void *pass_ctx;

void ags_sops_age_set_passphrase_fn(ags_passphrase_fn fn, void *ctx)
{
	pass_fn = fn;
	pass_ctx = ctx;
}

static void add_from(struct loader *l, const char *src, const char *data, size_t len)
{
	struct ags_diag d = { 0 };
	struct ags_age_identities tmp = { 0 };
	int rc = ags_age_parse_identity_file(data, len, src, pass_fn, pass_ctx, &tmp, &d);
	if (rc < 0) {
		ags_age_identities_clear(&tmp);
		note_err(l, src, rc, &d);
		return;
	}
	for (size_t i = 0; i < tmp.n; i++) {
		ags_age_identities_add(l->out, tmp.v[i]);
		tmp.v[i] = NULL;
	}
	tmp.n = 0;
	ags_age_identities_clear(&tmp);
}

static void add_file(struct loader *l, const char *src, const char *path, bool missing_ok)
{
	struct ags_buf b;
	ags_buf_init_secret(&b, KEYFILE_MAX);
	int rc = ags_file_read(path, &b);
	if (rc == -ENOENT && missing_ok) {
		ags_buf_release(&b);
		note_tried(l, path);
		return;
	}
	if (rc < 0) {
		struct ags_diag d = { 0 };
		ags_diag_set(&d, rc, "cannot read %s: %s", path, ags_strerror(rc));
		note_err(l, src, rc, &d);
	} else {
		add_from(l, path, (const char *)b.data, b.len);
	}
	ags_buf_release(&b);
}

/* Runs the key command of variable var (given the recipient, as sops) and
 * adds the identities it prints. */
static void add_cmd(struct loader *l, const char *var, const char *cmd, const char *recipient)
{
	struct ags_buf b;
	struct ags_diag cd = { 0 };
	ags_buf_init_secret(&b, CMD_OUT_MAX);
	int rc = run_cmd(var, cmd, recipient, &b, &cd);
	if (rc < 0)
		note_err(l, var, rc, &cd);
	else
		add_from(l, var, (const char *)b.data, b.len);
	ags_buf_release(&b);
}

int ags_sops_age_load_identities(const char *recipient, struct ags_age_identities *out, struct ags_diag *d)
{
	struct loader l = { .out = out };
	size_t before = out->n;
	const char *v;
	const char *home = getenv("HOME");

	if ((v = getenv("SOPS_AGE_SSH_PRIVATE_KEY_FILE")))
		add_file(&l, "SOPS_AGE_SSH_PRIVATE_KEY_FILE", v, false);
	if ((v = getenv("SOPS_AGE_SSH_PRIVATE_KEY_CMD"))) {
		add_cmd(&l, "SOPS_AGE_SSH_PRIVATE_KEY_CMD", v, recipient);
	}
	if (home && *home) {
		/* Always tried when present, as sops does. */
		static const char *const ssh[] = { ".ssh/id_ed25519", ".ssh/id_rsa" };
		for (size_t i = 0; i < AGS_ARRAY_SIZE(ssh); i++) {
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s", home, ssh[i]);
			struct stat st;
			if (stat(path, &st) == 0) {
				size_t nb = out->n;
				struct ags_diag sd = { 0 };
				struct ags_buf b;
				ags_buf_init_secret(&b, KEYFILE_MAX);
				int rc = ags_file_read(path, &b);
				if (rc == 0) {
					struct ags_age_identities tmp = { 0 };
					rc = ags_age_parse_identity_file((const char *)b.data, b.len, path, pass_fn, pass_ctx,
									 &tmp, &sd);
					for (size_t k = 0; rc == 0 && k < tmp.n; k++) {
						ags_age_identities_add(out, tmp.v[k]);
						tmp.v[k] = NULL;
					}
					tmp.n = 0;
					ags_age_identities_clear(&tmp);
				}
				ags_buf_release(&b);
				/* An SSH key our age library cannot use is not worth failing over
				 * when other sources have identities; remember it otherwise. */
				if (rc < 0 && out->n == nb)
					note_err(&l, path, rc, &sd);
			}
		}
	}
	if ((v = getenv("SOPS_AGE_KEY"))) {
		/* Several keys per line are allowed here: turn blanks into newlines,
		 * except on comment lines (a whole age-keygen file is common here). */
		size_t n = strlen(v);
		char *c = malloc(n + 1);
		if (!c)
			return AGS_E_NOMEM;
		bool comment = false, line_start = true;
		for (size_t i = 0; i <= n; i++) {
			bool blank = v[i] == ' ' || v[i] == '\t' || v[i] == '\r' || v[i] == '\v' || v[i] == '\f';
			if (line_start && v[i] == '#')
				comment = true;
			if (v[i] == '\n') {
				comment = false;
				line_start = true;
			} else if (!blank) {
				line_start = false;
			}
			c[i] = blank && !comment ? '\n' : v[i];
		}
		add_from(&l, "SOPS_AGE_KEY", c, n);
		ags_free_secret(c, n + 1);
	} else {
		note_tried(&l, "SOPS_AGE_KEY");
	}
	if ((v = getenv("SOPS_AGE_KEY_FILE")))
		add_file(&l, "SOPS_AGE_KEY_FILE", v, false);
	else
		note_tried(&l, "SOPS_AGE_KEY_FILE");
	if ((v = getenv("SOPS_AGE_KEY_CMD"))) {
		add_cmd(&l, "SOPS_AGE_KEY_CMD", v, recipient);
	} else {
		note_tried(&l, "SOPS_AGE_KEY_CMD");
	}
	const char *xdg = getenv("XDG_CONFIG_HOME");
	char path[4096] = "";
	if (xdg && *xdg)
		snprintf(path, sizeof(path), "%s/sops/age/keys.txt", xdg);
	else if (home && *home)
		snprintf(path, sizeof(path), "%s/.config/sops/age/keys.txt", home);
	if (*path)
		add_file(&l, path, path, true);

	if (out->n > before)
		return 0;
	if (l.have_err)
		return ags_diag_set(d, AGS_E_SOPS_NO_KEY, "failed to load age identities: %s", l.first_err.msg);
	return ags_diag_set(d, AGS_E_SOPS_NO_KEY, "failed to load age identities: no keys found in %s", l.tried);
}
