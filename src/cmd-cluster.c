/*
 * agesops cluster init NAME: the seed runbook in one command.  In a GitOps
 * repository it makes the cluster's age key (kept outside the repository),
 * publishes the public key, adds a .sops.yaml rule for the cluster's secrets,
 * writes the Git and Proxmox credentials as SOPS-encrypted Secrets (the
 * plaintext only ever exists in memory), wires a Flux Kustomization with
 * the sops decryption block, and prints the remaining steps.
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
#include "util/secret.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
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

static int run_capture(const char *cmd, char *out, size_t cap)
{
	FILE *f = popen(cmd, "r");
	if (!f)
		return -1;
	size_t n = fread(out, 1, cap - 1, f);
	out[n] = 0;
	while (n && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = 0;
	return pclose(f) == 0 && n ? 0 : -1;
}

static bool path_exists(const char *p)
{
	struct stat st;
	return lstat(p, &st) == 0;
}

static int mkdirs(const char *path)
{
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int write_file(const char *path, const void *data, size_t len, int mode, bool force, bool *written)
{
	*written = false;
	if (path_exists(path) && !force)
		return 0;
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash) {
		*slash = 0;
		int r = mkdirs(dir);
		if (r < 0)
			return r;
	}
	int r = ags_file_write_atomic(path, data, len, mode, false);
	if (r == 0)
		*written = true;
	return r;
}

/* ---- the age key ---- */

static char *default_key_path(const char *name)
{
	const char *x = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char p[PATH_MAX];
	if (x && *x)
		snprintf(p, sizeof(p), "%s/agesops/keys/%s.agekey", x, name);
	else if (home && *home)
		snprintf(p, sizeof(p), "%s/.config/agesops/keys/%s.agekey", home, name);
	else
		return NULL;
	return strdup(p);
}

/* true when path is (or would be) inside dir */
static bool inside(const char *path, const char *dir)
{
	char parent[PATH_MAX], real[PATH_MAX];
	snprintf(parent, sizeof(parent), "%s", path);
	char *slash = strrchr(parent, '/');
	if (slash && slash != parent)
		*slash = 0;
	else if (!slash)
		snprintf(parent, sizeof(parent), ".");
	/* the nearest existing ancestor decides */
	while (!realpath(parent, real)) {
		slash = strrchr(parent, '/');
		if (!slash || slash == parent)
			return false;
		*slash = 0;
	}
	size_t dl = strlen(dir);
	return !strncmp(real, dir, dl) && (real[dl] == '/' || real[dl] == 0);
}

/* Loads an existing key file's first identity recipient, or makes a new key. */
static int cluster_key(const struct opts *o, const char *keypath, char **recipient, bool *created)
{
	struct ags_buf b;
	struct ags_diag d = { 0 };
	int r;
	*created = false;
	ags_buf_init_secret(&b, 1 << 20);
	if (keypath && path_exists(keypath)) {
		struct ags_age_identities ids = { 0 };
		r = ags_file_read(keypath, &b);
		if (r == 0)
			r = ags_age_parse_identity_file((const char *)b.data, b.len, keypath, NULL, NULL, &ids, &d);
		if (r == 0 && ids.n == 0)
			r = ags_diag_set(&d, AGS_E_AGE_BAD_KEY, "%s: no age identity in the file", keypath);
		struct ags_age_recipient *rc = NULL;
		if (r == 0)
			r = ags_age_identity_to_recipient(ids.v[0], &rc);
		if (r == 0)
			r = ags_age_recipient_string(rc, recipient);
		ags_age_recipient_free(rc);
		ags_age_identities_clear(&ids);
		ags_buf_release(&b);
		if (r < 0)
			return cli_fail(r, &d, keypath);
		fprintf(stderr, "using the existing key %s (%s)\n", keypath, *recipient);
		return 0;
	}
	struct ags_age_identity *id = NULL;
	struct ags_age_recipient *rc = NULL;
	char *sk = NULL, *pk = NULL;
	r = ags_age_keygen_x25519(&id);
	if (r == 0)
		r = ags_age_identity_string(id, &sk);
	if (r == 0)
		r = ags_age_identity_to_recipient(id, &rc);
	if (r == 0)
		r = ags_age_recipient_string(rc, &pk);
	if (r == 0) {
		char ts[64];
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S%z", &tm);
		/* RFC 3339 offset: +0100 -> +01:00 (age-keygen's layout) */
		size_t tl = strlen(ts);
		if (tl >= 5 && (ts[tl - 5] == '+' || ts[tl - 5] == '-')) {
			memmove(ts + tl - 1, ts + tl - 2, 3);
			ts[tl - 2] = ':';
			if (!strcmp(ts + tl - 5, "+00:00"))
				strcpy(ts + tl - 5, "Z");
		}
		r = ags_buf_printf(&b, "# created: %s\n# public key: %s\n%s\n", ts, pk, sk);
	}
	if (r == 0) {
		if (!keypath) {
			/* to the pipe only */
			if (fwrite(b.data, 1, b.len, stdout) != b.len || fflush(stdout) != 0)
				r = -errno;
		} else {
			char dir[PATH_MAX];
			snprintf(dir, sizeof(dir), "%s", keypath);
			char *slash = strrchr(dir, '/');
			if (slash) {
				*slash = 0;
				r = mkdirs(dir);
				if (r == 0)
					chmod(dir, 0700);
			}
			if (r == 0)
				r = ags_file_write_atomic(keypath, b.data, b.len, 0600, true);
		}
	}
	ags_free_secret_str(sk);
	ags_age_identity_free(id);
	ags_age_recipient_free(rc);
	ags_buf_release(&b);
	if (r < 0) {
		free(pk);
		return cli_fail(r, &d, keypath ? keypath : "standard output");
	}
	*recipient = pk;
	*created = true;
	if (keypath)
		fprintf(stderr, "created the cluster key %s (mode 0600)\n", keypath);
	fprintf(stderr, "Public key: %s\n", pk);
	(void)o;
	return 0;
}

/*
 * --from-cluster: the key was made in the cluster (agesops kube bootstrap)
 * and only its public half was published; ask `agesops kube pubkey`.
 */
static int cluster_pubkey(const struct opts *o, char **recipient)
{
	const char *argv[8];
	int n = 0;
	argv[n++] = "agesops";
	argv[n++] = "kube";
	argv[n++] = "pubkey";
	if (o->kubeconfig) {
		argv[n++] = "--kubeconfig";
		argv[n++] = o->kubeconfig;
	}
	if (o->context) {
		argv[n++] = "--context";
		argv[n++] = o->context;
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

/* ---- secret values: env, --secrets-stdin (KEY=VALUE lines), or the terminal ---- */

struct values {
	struct ags_buf stdin_buf;
	bool loaded;
};

static int get_value(const struct opts *o, struct values *v, const char *var, const char *prompt, struct ags_buf *out)
{
	if (o->secrets_stdin) {
		if (!v->loaded) {
			int r = ags_fd_read_all(0, &v->stdin_buf);
			if (r < 0)
				return cli_fail(r, NULL, "standard input");
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
				return ags_buf_append(out, s, l) < 0 ? cli_fail(AGS_E_NOMEM, NULL, NULL) : 0;
			}
			p = nl ? nl + 1 : end;
		}
		cli_error("--secrets-stdin: no %s=... line on standard input", var);
		return EXIT_GENERIC;
	}
	const char *env = getenv(var);
	if (env && *env)
		return ags_buf_puts(out, env) < 0 ? cli_fail(AGS_E_NOMEM, NULL, NULL) : 0;
	int r = gcli_prompt_secret(prompt, out);
	if (r == AGS_E_NOT_FOUND) {
		cli_error("no value for %s: set it in the environment, use --secrets-stdin, or run in a terminal", var);
		return EXIT_GENERIC;
	}
	if (r < 0)
		return cli_fail(r, NULL, var);
	if (out->len == 0) {
		cli_error("%s is empty", var);
		return EXIT_GENERIC;
	}
	return 0;
}

/* Encrypts a Secret for the cluster key and writes it (never the plaintext). */
static int write_encrypted(const struct opts *o, struct ags_gitops_secret *s, enum ags_gitops_layout layout,
			   const char *recipient, const char *path, const char *relpath)
{
	struct ags_buf plain, enc;
	struct ags_diag d = { 0 };
	ags_buf_init_secret(&plain, 1 << 24);
	ags_buf_init(&enc, 1 << 26);
	int rc = 0;
	int r = ags_gitops_secret_emit(s, layout, &plain, &d);
	if (r < 0)
		rc = cli_fail(r, &d, NULL);
	const char *age[1] = { recipient };
	if (rc == 0)
		rc = gcli_encrypt_manifest(age, 1, "^(data|stringData)$", relpath, &plain, &enc);
	if (rc == 0) {
		bool written;
		r = write_file(path, enc.data, enc.len, 0644, o->force, &written);
		if (r < 0)
			rc = cli_fail(r, NULL, path);
		else
			fprintf(stderr, "%s %s\n", written ? "wrote" : "kept (exists; --force to replace)", relpath);
	}
	ags_buf_release(&plain);
	ags_buf_release(&enc);
	return rc;
}

static int git_secret(const struct opts *o, struct values *v, const char *recipient, const char *path,
		      const char *rel, char **deploy_key)
{
	const char *url = o->git_url;
	bool ssh = !strncmp(url, "ssh://", 6);
	if (!ssh && strncmp(url, "https://", 8) && strncmp(url, "http://", 7)) {
		cli_error("--git-url: scheme not supported, can be: ssh, http and https");
		return EXIT_GENERIC;
	}
	if (path_exists(path) && !o->force) {
		fprintf(stderr, "kept (exists; --force to replace) %s\n", rel);
		return 0;
	}
	struct ags_gitops_secret *s = NULL;
	struct ags_buf tok, kh;
	struct ags_diag d = { 0 };
	char *priv = NULL, *pub = NULL;
	size_t pl = 0;
	ags_buf_init_secret(&tok, 1 << 20);
	ags_buf_init(&kh, 1 << 20);
	const char *name = o->git_secret_name ? o->git_secret_name : o->name;
	int rc = 0, r = ags_gitops_secret_new(name, "flux-system", &s);
	if (r < 0) {
		rc = cli_fail(r, NULL, NULL);
		goto out;
	}
	if (ssh) {
		if (!o->known_hosts) {
			cli_error("--git-url ssh://...: pass --known-hosts-file (e.g. ssh-keyscan HOST > F)");
			rc = EXIT_GENERIC;
			goto out;
		}
		if ((r = ags_file_read(o->known_hosts, &kh)) < 0) {
			rc = cli_fail(r, NULL, o->known_hosts);
			goto out;
		}
		size_t b = 0, e = kh.len;
		while (b < e && (kh.data[b] == ' ' || kh.data[b] == '\n' || kh.data[b] == '\t' || kh.data[b] == '\r'))
			b++;
		while (e > b && (kh.data[e - 1] == ' ' || kh.data[e - 1] == '\n' || kh.data[e - 1] == '\t' ||
				 kh.data[e - 1] == '\r'))
			e--;
		r = ags_ssh_keygen(AGS_SSH_ECDSA, 384, AGS_SSH_FMT_PKCS8, &priv, &pl, &pub, &d);
		if (r == 0)
			r = ags_gitops_secret_add(s, "identity", priv, pl, false, &d);
		if (r == 0)
			r = ags_gitops_secret_add(s, "identity.pub", pub, strlen(pub), false, &d);
		if (r == 0)
			r = ags_gitops_secret_add(s, "known_hosts", kh.data + b, e - b, false, &d);
	} else {
		const char *user = o->git_user ? o->git_user : getenv("GIT_USERNAME");
		if (!user || !*user)
			user = "git";
		if ((rc = get_value(o, v, "GIT_TOKEN", "Git token (password): ", &tok)))
			goto out;
		r = ags_gitops_secret_add(s, "username", user, strlen(user), false, &d);
		if (r == 0)
			r = ags_gitops_secret_add(s, "password", tok.data, tok.len, false, &d);
	}
	if (r < 0) {
		rc = cli_fail(r, &d, NULL);
		goto out;
	}
	rc = write_encrypted(o, s, AGS_LAYOUT_FLUX, recipient, path, rel);
	if (rc == 0 && pub) {
		*deploy_key = pub;
		pub = NULL;
	}
out:
	if (priv)
		ags_free_secret(priv, pl);
	free(pub);
	ags_gitops_secret_free(s);
	ags_buf_release(&tok);
	ags_buf_release(&kh);
	return rc;
}

static int proxmox_secret(const struct opts *o, struct values *v, const char *recipient, const char *path,
			  const char *rel)
{
	const char *why = ags_gitops_proxmox_url_error(o->pve_url);
	if (why) {
		cli_error("--proxmox-url '%s': %s", o->pve_url, why);
		return EXIT_GENERIC;
	}
	if ((why = ags_gitops_proxmox_token_id_error(o->pve_token_id))) {
		cli_error("--proxmox-token-id '%s': %s", o->pve_token_id, why);
		return EXIT_GENERIC;
	}
	if (path_exists(path) && !o->force) {
		fprintf(stderr, "kept (exists; --force to replace) %s\n", rel);
		return 0;
	}
	struct ags_gitops_secret *s = NULL;
	struct ags_buf sec;
	struct ags_diag d = { 0 };
	ags_buf_init_secret(&sec, 1 << 16);
	int rc = get_value(o, v, "PROXMOX_SECRET", "Proxmox token secret: ", &sec);
	int r = 0;
	if (rc == 0) {
		const char *name = o->pve_secret_name ? o->pve_secret_name : "capmox-manager-credentials";
		if ((r = ags_gitops_secret_new(name, o->name, &s)) == 0 &&
		    (r = ags_gitops_secret_add_label(s, "cluster.x-k8s.io/provider", "infrastructure-proxmox", &d)) == 0 &&
		    (r = ags_gitops_secret_add_label(s, "clusterctl.cluster.x-k8s.io", "", &d)) == 0 &&
		    (r = ags_gitops_secret_add_label(s, "platform.ionos.com/secret-type", "proxmox-credentials", &d)) == 0 &&
		    (r = ags_gitops_secret_add(s, "secret", sec.data, sec.len, false, &d)) == 0 &&
		    (r = ags_gitops_secret_add(s, "token", o->pve_token_id, strlen(o->pve_token_id), false, &d)) == 0 &&
		    (r = ags_gitops_secret_add(s, "url", o->pve_url, strlen(o->pve_url), false, &d)) == 0 && o->pve_insecure)
			r = ags_gitops_secret_add(s, "insecure", o->pve_insecure, strlen(o->pve_insecure), false, &d);
		rc = r < 0 ? cli_fail(r, &d, NULL) : write_encrypted(o, s, AGS_LAYOUT_STRINGDATA, recipient, path, rel);
	}
	ags_gitops_secret_free(s);
	ags_buf_release(&sec);
	return rc;
}

/* ---- .sops.yaml ---- */

static void regex_quote(const char *s, char *out, size_t cap)
{
	size_t n = 0;
	for (; *s && n + 3 < cap; s++) {
		if (strchr(".+*?()[]{}|^$\\", *s))
			out[n++] = '\\';
		out[n++] = *s;
	}
	out[n] = 0;
}

/*
 * cluster init on an existing cluster: admins the rule lacks are added, and
 * the files already encrypted are re-keyed for them (updatekeys) with -y,
 * or the command to do so is printed.
 */
static int add_admins(const struct opts *o, const char *root, const char *secrets_rel, const char *recipient)
{
	struct ags_cluster_repo cr = { .root = root, .name = o->name, .secrets_dir = secrets_rel };
	struct ags_recipient_list added = { 0 };
	struct ags_repo_files files = { 0 };
	struct ags_diag d = { 0 };
	int rc = 0, r = ags_gitops_rule_add_recipients(&cr, recipient, &o->admins, &added, &d);
	if (r < 0)
		rc = cli_fail(r, &d, NULL);
	else if (!added.n)
		fprintf(stderr, "kept .sops.yaml (already has the rule for %s)\n", secrets_rel);
	else if ((r = ags_gitops_cluster_files(&cr, &files, NULL, &d)) < 0)
		rc = cli_fail(r, &d, NULL);
	if (rc == 0 && added.n) {
		fprintf(stderr, "updated .sops.yaml: %zu admin recipient(s) added to the rule for %s\n", added.n,
			secrets_rel);
		char cfgpath[PATH_MAX + 16];
		snprintf(cfgpath, sizeof(cfgpath), "%s/.sops.yaml", root);
		if (files.n && o->yes) {
			char **av = calloc(files.n + 5, sizeof(*av));
			if (!av)
				return cli_fail(AGS_E_NOMEM, NULL, NULL);
			size_t n = 0;
			av[n++] = (char *)"updatekeys";
			av[n++] = (char *)"-y";
			av[n++] = (char *)"--config";
			av[n++] = cfgpath;
			for (size_t i = 0; i < files.n; i++)
				av[n++] = files.paths[i];
			rc = cmd_updatekeys((int)n, av);
			free(av);
		} else if (files.n) {
			fprintf(stderr, "%zu existing file(s) are not encrypted for the new admin(s) yet: run\n"
					"  agesops updatekeys -y -r %s\n(or cluster init again with -y)\n",
				files.n, secrets_rel);
		}
	}
	ags_repo_files_clear(&files);
	ags_recipient_list_clear(&added);
	return rc;
}

static int update_sops_yaml(const struct opts *o, const char *root, const char *secrets_rel, const char *recipient,
			    const char *all)
{
	char path[PATH_MAX], quoted[PATH_MAX], rule_re[PATH_MAX + 32];
	snprintf(path, sizeof(path), "%s/.sops.yaml", root);
	regex_quote(secrets_rel, quoted, sizeof(quoted));
	snprintf(rule_re, sizeof(rule_re), "^%s/.*\\.ya?ml$", quoted);
	struct ags_buf cur, out;
	struct ags_diag d = { 0 };
	ags_buf_init(&cur, AGS_SOPS_CONFIG_MAX_BYTES);
	ags_buf_init(&out, AGS_SOPS_CONFIG_MAX_BYTES + 4096);
	int rc = 0, r = 0;
	char entry[PATH_MAX * 2];
	/* one rule per cluster: the cluster's secrets, data/stringData only, its key */
	if (path_exists(path)) {
		if ((r = ags_file_read(path, &cur)) < 0) {
			rc = cli_fail(r, NULL, path);
			goto out;
		}
		/* already there?  Check through the real parser: the rule that matches our path */
		struct ags_sops_config *cfg = NULL;
		const struct ags_sops_creation_rule *rule = NULL;
		char probe[PATH_MAX + 16];
		snprintf(probe, sizeof(probe), "%s/%s/x.yaml", root, secrets_rel);
		if (ags_sops_config_parse((const char *)(cur.data ? cur.data : (unsigned char *)""), cur.len, path, &cfg,
					  &d) < 0) {
			rc = cli_fail(AGS_E_SOPS_CONFIG, &d, NULL);
			goto out;
		}
		r = ags_sops_config_match(cfg, probe, &rule, &d);
		bool ours = r == 0 && rule && rule->path_regex && !strcmp(rule->path_regex, rule_re);
		bool right_key = false;
		for (size_t k = 0; ours && rule->ngroups == 1 && k < rule->groups[0].nage; k++)
			right_key |= !strcmp(rule->groups[0].age[k], recipient);
		ags_sops_config_free(cfg);
		if (right_key) {
			rc = add_admins(o, root, secrets_rel, recipient);
			goto out;
		}
		if (ours) {
			cli_error(".sops.yaml: the rule for %s names another key; edit it by hand (then agesops updatekeys)",
				  secrets_rel);
			rc = EXIT_GENERIC;
			goto out;
		}
		/* insert as the first rule, so it wins over catch-all rules below */
		const char *s = (const char *)cur.data, *end = s + cur.len;
		const char *cr = NULL;
		for (const char *p = s; p < end;) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			const char *le = nl ? nl : end;
			if ((size_t)(le - p) >= 15 && !memcmp(p, "creation_rules:", 15)) {
				const char *q = p + 15;
				while (q < le && (*q == ' ' || *q == '\t' || *q == '\r'))
					q++;
				if (q != le && *q != '#') {
					cli_error(".sops.yaml: creation_rules is not a block list; add the rule by hand:\n"
						  "  - path_regex: %s\n    encrypted_regex: ^(data|stringData)$\n    age: %s",
						  rule_re, recipient);
					rc = EXIT_GENERIC;
					goto out;
				}
				cr = nl ? nl + 1 : end;
				break;
			}
			p = nl ? nl + 1 : end;
		}
		/* indentation of the existing entries */
		int ind = 2;
		if (cr) {
			for (const char *p = cr; p < end;) {
				const char *nl = memchr(p, '\n', (size_t)(end - p));
				const char *le = nl ? nl : end;
				const char *q = p;
				while (q < le && *q == ' ')
					q++;
				if (q < le && *q == '-') {
					ind = (int)(q - p);
					break;
				}
				if (q < le && *q != '#')
					break;
				p = nl ? nl + 1 : end;
			}
		}
		snprintf(entry, sizeof(entry),
			 "%*s- path_regex: %s\n%*s  encrypted_regex: ^(data|stringData)$\n%*s  age: %s\n", ind, "",
			 rule_re, ind, "", ind, "", all);
		if (cr) {
			r = ags_buf_append(&out, s, (size_t)(cr - s));
			if (!r)
				r = ags_buf_puts(&out, entry);
			if (!r)
				r = ags_buf_append(&out, cr, (size_t)(end - cr));
		} else {
			r = ags_buf_append(&out, s, cur.len);
			if (!r && cur.len && s[cur.len - 1] != '\n')
				r = ags_buf_putc(&out, '\n');
			if (!r)
				r = ags_buf_printf(&out, "creation_rules:\n%s", entry);
		}
	} else {
		snprintf(entry, sizeof(entry),
			 "  - path_regex: %s\n    encrypted_regex: ^(data|stringData)$\n    age: %s\n", rule_re, all);
		r = ags_buf_printf(&out, "# SOPS rules: which key encrypts which files (agesops cluster init)\n"
					 "creation_rules:\n%s", entry);
	}
	if (r < 0) {
		rc = cli_fail(r, NULL, NULL);
		goto out;
	}
	/* the result must parse, and our rule must be the one that matches */
	struct ags_sops_config *cfg = NULL;
	if (ags_sops_config_parse((const char *)out.data, out.len, path, &cfg, &d) < 0) {
		rc = cli_fail(AGS_E_SOPS_CONFIG, &d, "the updated .sops.yaml would not parse");
		goto out;
	}
	ags_sops_config_free(cfg);
	if ((r = ags_file_write_atomic(path, out.data, out.len, -1, false)) < 0) {
		rc = cli_fail(r, NULL, path);
		goto out;
	}
	fprintf(stderr, "updated .sops.yaml (rule %s)\n", rule_re);
out:
	ags_buf_release(&cur);
	ags_buf_release(&out);
	(void)o;
	return rc;
}

/* Adds "- item" to the resources: list of a kustomization.yaml (creating it if needed). */
static int kustomization_add(const char *path, const char *const *items, size_t n, bool *changed)
{
	struct ags_buf cur, out;
	ags_buf_init(&cur, 1 << 20);
	ags_buf_init(&out, (1 << 20) + 4096);
	*changed = false;
	int r = 0;
	if (!path_exists(path)) {
		r = ags_buf_puts(&out, "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n");
		for (size_t i = 0; r == 0 && i < n; i++)
			r = ags_buf_printf(&out, "  - %s\n", items[i]);
		*changed = true;
	} else {
		if ((r = ags_file_read(path, &cur)) < 0)
			goto out;
		const char *s = (const char *)(cur.data ? cur.data : (unsigned char *)""), *end = s + cur.len;
		const char *res = NULL;
		for (const char *p = s; p < end;) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			if ((size_t)(end - p) >= 10 && !memcmp(p, "resources:", 10)) {
				res = nl ? nl + 1 : end;
				break;
			}
			p = nl ? nl + 1 : end;
		}
		struct ags_buf add;
		ags_buf_init(&add, 1 << 16);
		for (size_t i = 0; r == 0 && i < n; i++) {
			char pat[PATH_MAX];
			snprintf(pat, sizeof(pat), "- %s\n", items[i]);
			if (!memmem(s, cur.len, pat, strlen(pat)))
				r = ags_buf_printf(&add, "  - %s\n", items[i]);
		}
		if (r == 0 && add.len) {
			*changed = true;
			if (res) {
				r = ags_buf_append(&out, s, (size_t)(res - s));
				if (!r)
					r = ags_buf_append(&out, add.data, add.len);
				if (!r)
					r = ags_buf_append(&out, res, (size_t)(end - res));
			} else {
				r = ags_buf_append(&out, s, cur.len);
				if (!r && cur.len && s[cur.len - 1] != '\n')
					r = ags_buf_putc(&out, '\n');
				if (!r)
					r = ags_buf_puts(&out, "resources:\n");
				if (!r)
					r = ags_buf_append(&out, add.data, add.len);
			}
		}
		ags_buf_release(&add);
	}
	if (r == 0 && *changed) {
		char dir[PATH_MAX];
		snprintf(dir, sizeof(dir), "%s", path);
		char *slash = strrchr(dir, '/');
		if (slash) {
			*slash = 0;
			r = mkdirs(dir);
		}
		if (r == 0)
			r = ags_file_write_atomic(path, out.data, out.len, -1, false);
	}
out:
	ags_buf_release(&cur);
	ags_buf_release(&out);
	return r;
}

/* Encrypts a throwaway Secret for a throwaway key, so that a build without
 * SOPS support fails before anything is written. */
static int preflight(void)
{
	struct ags_age_identity *id = NULL;
	struct ags_age_recipient *rc = NULL;
	char *pk = NULL;
	int r = ags_age_keygen_x25519(&id);
	if (r == 0)
		r = ags_age_identity_to_recipient(id, &rc);
	if (r == 0)
		r = ags_age_recipient_string(rc, &pk);
	ags_age_identity_free(id);
	ags_age_recipient_free(rc);
	if (r < 0)
		return cli_fail(r, NULL, "age key generation");
	struct ags_buf plain, enc;
	ags_buf_init(&plain, 4096);
	ags_buf_init(&enc, 1 << 20);
	ags_buf_puts(&plain, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\nstringData:\n  k: v\n");
	const char *age[1] = { pk };
	int rc2 = gcli_encrypt_manifest(age, 1, "^(data|stringData)$", "x.yaml", &plain, &enc);
	ags_buf_release(&plain);
	ags_buf_release(&enc);
	free(pk);
	return rc2;
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
	optind = 1;
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
	if (!ags_gitops_dns1123_label(o.name)) {
		cli_error("cluster name '%s' must be a lowercase RFC 1123 label (it is also a namespace)", o.name);
		return EXIT_GENERIC;
	}
	if (!o.no_git && !o.git_url) {
		cli_error("--git-url is required (or --no-git)");
		return EXIT_GENERIC;
	}
	if (!o.no_proxmox && (!o.pve_url || !o.pve_token_id)) {
		cli_error("--proxmox-url and --proxmox-token-id are required (or --no-proxmox)");
		return EXIT_GENERIC;
	}
	if (o.pve_insecure && strcmp(o.pve_insecure, "true") && strcmp(o.pve_insecure, "false")) {
		cli_error("--proxmox-insecure must be true or false");
		return EXIT_GENERIC;
	}
	if (preflight() != 0)
		return EXIT_GENERIC;
	char root[PATH_MAX];
	if (o.repo) {
		if (!realpath(o.repo, root)) {
			cli_error("--repo %s: %s", o.repo, strerror(errno));
			return EXIT_NO_FILE;
		}
	} else if (run_capture("git rev-parse --show-toplevel 2>/dev/null", root, sizeof(root)) < 0) {
		cli_error("not in a git repository (use --repo DIR)");
		return EXIT_GENERIC;
	}
	char sdir_rel[PATH_MAX / 2], fdir_rel[PATH_MAX / 2];
	snprintf(sdir_rel, sizeof(sdir_rel), "%s", o.secrets_dir ? o.secrets_dir : "secrets/");
	if (!o.secrets_dir)
		snprintf(sdir_rel, sizeof(sdir_rel), "secrets/%s", o.name);
	if (o.flux_dir)
		snprintf(fdir_rel, sizeof(fdir_rel), "%s", o.flux_dir);
	else
		snprintf(fdir_rel, sizeof(fdir_rel), "clusters/%s", o.name);
	for (char *p = sdir_rel + strlen(sdir_rel); p > sdir_rel && p[-1] == '/';)
		*--p = 0;
	for (char *p = fdir_rel + strlen(fdir_rel); p > fdir_rel && p[-1] == '/';)
		*--p = 0;
	if (sdir_rel[0] == '/' || fdir_rel[0] == '/' || strstr(sdir_rel, "..") || strstr(fdir_rel, "..")) {
		cli_error("--secrets-dir and --flux-dir are paths inside the repository");
		return EXIT_GENERIC;
	}

	/* the key: outside the repository, or only to a pipe */
	char *keypath = NULL;
	if (o.from_cluster) {
		if (o.key_file) {
			cli_error("--from-cluster and --key-file cannot be used together");
			return EXIT_CONFLICTING_PARAMETERS;
		}
	} else if (o.key_file && !strcmp(o.key_file, "-")) {
		if (isatty(1)) {
			cli_error("--key-file -: standard output is a terminal; pipe it somewhere safe");
			return EXIT_GENERIC;
		}
	} else {
		keypath = o.key_file ? strdup(o.key_file) : default_key_path(o.name);
		if (!keypath) {
			cli_error("no place for the key: set HOME or use --key-file");
			return EXIT_GENERIC;
		}
		if (inside(keypath, root)) {
			cli_error("--key-file %s is inside the repository %s: a private key must never be committed",
				  keypath, root);
			free(keypath);
			return EXIT_GENERIC;
		}
	}

	char *recipient = NULL;
	bool created = false;
	int rc = o.from_cluster ? cluster_pubkey(&o, &recipient) : cluster_key(&o, keypath, &recipient, &created);
	if (rc) {
		free(keypath);
		return rc;
	}

	/* the rule's and new files' recipients: the cluster key, then the admins */
	struct ags_diag ad = { 0 };
	int ar = ags_gitops_read_admins(root, &o.admins, &ad);
	for (size_t i = 0; ar == 0 && i < o.nadmin_args; i++)
		ar = ags_recipient_list_parse(&o.admins, o.admin_args[i], strlen(o.admin_args[i]), "--admin-recipient",
					      &ad);
	if (ar < 0) {
		ags_recipient_list_clear(&o.admins);
		free(recipient);
		free(keypath);
		return cli_fail(ar, &ad, NULL);
	}
	struct ags_buf allb;
	ags_buf_init(&allb, 1 << 20);
	ar = ags_buf_puts(&allb, recipient);
	for (size_t i = 0; ar == 0 && i < o.admins.n; i++)
		if (strcmp(o.admins.v[i], recipient))
			ar = ags_buf_printf(&allb, ",%s", o.admins.v[i]);
	if (ar < 0 || ags_buf_putc(&allb, 0) < 0) {
		ags_buf_release(&allb);
		ags_recipient_list_clear(&o.admins);
		free(recipient);
		free(keypath);
		return cli_fail(AGS_E_NOMEM, NULL, NULL);
	}
	const char *all = (const char *)allb.data;
	char p[PATH_MAX], rel[PATH_MAX];
	bool written;
	struct values vals;
	ags_buf_init_secret(&vals.stdin_buf, 1 << 20);
	vals.loaded = false;
	char *deploy_key = NULL;

	/* .sops.public.key next to the secrets */
	snprintf(p, sizeof(p), "%s/%s/.sops.public.key", root, sdir_rel);
	{
		struct ags_buf cur;
		ags_buf_init(&cur, 1 << 16);
		if (path_exists(p) && ags_file_read(p, &cur) == 0 &&
		    !(cur.len >= strlen(recipient) && !memcmp(cur.data, recipient, strlen(recipient))) && !o.force) {
			cli_error("%s/.sops.public.key names another key; --force to replace it", sdir_rel);
			rc = EXIT_GENERIC;
		}
		ags_buf_release(&cur);
		if (rc == 0) {
			char line[256];
			snprintf(line, sizeof(line), "%s\n", recipient);
			int r = write_file(p, line, strlen(line), 0644, o.force, &written);
			if (r < 0)
				rc = cli_fail(r, NULL, p);
			else if (written)
				fprintf(stderr, "wrote %s/.sops.public.key\n", sdir_rel);
		}
	}
	if (rc == 0)
		rc = update_sops_yaml(&o, root, sdir_rel, recipient, all);
	const char *items[3];
	size_t nitems = 0;
	if (rc == 0 && !o.no_git) {
		snprintf(p, sizeof(p), "%s/%s/git-secret.yaml", root, sdir_rel);
		snprintf(rel, sizeof(rel), "%s/git-secret.yaml", sdir_rel);
		rc = git_secret(&o, &vals, all, p, rel, &deploy_key);
		items[nitems++] = "git-secret.yaml";
	}
	if (rc == 0 && !o.no_proxmox) {
		snprintf(p, sizeof(p), "%s/%s/proxmox-secret.yaml", root, sdir_rel);
		snprintf(rel, sizeof(rel), "%s/proxmox-secret.yaml", sdir_rel);
		rc = proxmox_secret(&o, &vals, all, p, rel);
		items[nitems++] = "proxmox-secret.yaml";
	}
	if (rc == 0 && nitems) {
		snprintf(p, sizeof(p), "%s/%s/kustomization.yaml", root, sdir_rel);
		int r = kustomization_add(p, items, nitems, &written);
		if (r < 0)
			rc = cli_fail(r, NULL, p);
		else if (written)
			fprintf(stderr, "updated %s/kustomization.yaml\n", sdir_rel);
	}
	if (rc == 0) {
		/* the Flux Kustomization that applies the secrets, decrypting with sops-age */
		char ks[2048];
		snprintf(ks, sizeof(ks),
			 "apiVersion: kustomize.toolkit.fluxcd.io/v1\n"
			 "kind: Kustomization\n"
			 "metadata:\n"
			 "  name: %s-secrets\n"
			 "  namespace: flux-system\n"
			 "spec:\n"
			 "  interval: 10m\n"
			 "  path: ./%s\n"
			 "  prune: true\n"
			 "  sourceRef:\n"
			 "    kind: GitRepository\n"
			 "    name: flux-system\n"
			 "  decryption:\n"
			 "    provider: sops\n"
			 "    secretRef:\n"
			 "      name: sops-age\n",
			 o.name, sdir_rel);
		snprintf(p, sizeof(p), "%s/%s/secrets.yaml", root, fdir_rel);
		snprintf(rel, sizeof(rel), "%s/secrets.yaml", fdir_rel);
		int r = write_file(p, ks, strlen(ks), 0644, o.force, &written);
		if (r < 0)
			rc = cli_fail(r, NULL, p);
		else
			fprintf(stderr, "%s %s\n", written ? "wrote" : "kept", rel);
		snprintf(p, sizeof(p), "%s/%s/kustomization.yaml", root, fdir_rel);
		if (rc == 0 && path_exists(p)) {
			const char *it[1] = { "secrets.yaml" };
			r = kustomization_add(p, it, 1, &written);
			if (r < 0)
				rc = cli_fail(r, NULL, p);
			else if (written)
				fprintf(stderr, "updated %s/kustomization.yaml\n", fdir_rel);
		}
	}
	if (rc == 0) {
		fprintf(stderr, "\nnext steps:\n");
		int step = 1;
		if (deploy_key)
			fprintf(stderr, "  %d. add this deploy key (read-only) to the Git repository:\n       %s", step++,
				deploy_key);
		if (o.from_cluster)
			fprintf(stderr, "  %d. the cluster already holds the private key (sops-age); nothing to install\n",
				step++);
		else if (keypath)
			fprintf(stderr,
				"  %d. install the key on the cluster (namespace flux-system, Secret sops-age):\n"
				"       agesops kube install-key %s\n"
				"     or: agesops secret age-key %s | kubectl apply -f -\n",
				step++, keypath, keypath);
		else
			fprintf(stderr, "  %d. install the key printed above on the cluster: agesops kube install-key\n",
				step++);
		fprintf(stderr, "  %d. check and commit: agesops check && git add .sops.yaml %s %s && git commit\n", step,
			sdir_rel, fdir_rel);
		if (!o.from_cluster)
			fprintf(stderr, "  %d. to decrypt locally: export SOPS_AGE_KEY_FILE=%s\n", step + 1,
				keypath ? keypath : "<the saved key>");
	}
	free(deploy_key);
	free(recipient);
	free(keypath);
	ags_buf_release(&allb);
	ags_buf_release(&vals.stdin_buf);
	ags_recipient_list_clear(&o.admins);
	return rc;
}
