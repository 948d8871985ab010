/*
 * The four kinds of `agesops secret`, on parsed flags: read the inputs and
 * secret values, call the lib/gitops generator, print or encrypt.
 */
#include "../cli.h"
#include "secret-kinds.h"

#include <agesops/agesops.h>
#include <agesops/gitops.h>
#include "util/buf.h"
#include "util/file.h"
#include "util/secret.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* --label k=v[,k=v] */
static int apply_labels(const struct args *a, struct ags_gitops_secret *s)
{
	for (size_t i = 0; i < a->nlabels; i++) {
		char *dup = strdup(a->labels[i]), *save = NULL;
		if (!dup)
			return cli_fail(AGS_E_NOMEM, NULL, NULL);
		int rc = 0;
		for (char *tok = strtok_r(dup, ",", &save); rc == 0 && tok; tok = strtok_r(NULL, ",", &save)) {
			char *eq = strchr(tok, '=');
			struct ags_diag d = { 0 };
			int r;
			if (!eq) {
				cli_error("invalid label format '%s', must be key=value", tok);
				rc = EXIT_GENERIC;
			} else if (*eq = 0, (r = ags_gitops_secret_add_label(s, tok, eq + 1, &d)) < 0) {
				rc = cli_fail(r, &d, "--label");
			}
		}
		free(dup);
		if (rc)
			return rc;
	}
	return 0;
}

/* Labels, emit, encrypt when asked, write: the common end of every kind. */
static int finish(const struct args *a, struct ags_gitops_secret *s, enum ags_gitops_layout layout)
{
	struct ags_buf out;
	struct ags_diag d = { 0 };
	ags_buf_init_secret(&out, (size_t)1 << 30);
	int rc = apply_labels(a, s);
	if (rc == 0) {
		int r = ags_gitops_secret_emit(s, layout, &out, &d);
		rc = r < 0 ? cli_fail(r, &d, NULL) : gcli_output_manifest(&a->enc, &out, a->output);
	}
	ags_buf_release(&out);
	return rc;
}

static int check_name_ns(const char *name, const char *ns)
{
	if (!ags_gitops_dns1123_subdomain(name))
		return cli_refuse(EXIT_GENERIC,
					  "invalid Secret name '%s': must be a lowercase RFC 1123 subdomain", name);
	if (ns && !ags_gitops_dns1123_label(ns))
		return cli_refuse(EXIT_GENERIC, "invalid namespace '%s': must be a lowercase RFC 1123 label", ns);
	return 0;
}

/* Exit code of a generator's failure: reading an input is sops' "could not read". */
static int gen_fail(int r, const struct ags_diag *d)
{
	if (r < 0 && r > -1000 && r != -ENOENT) {
		cli_fail(r, d, NULL);
		return EXIT_READ_INPUT;
	}
	return cli_fail(r, d, NULL);
}

static int read_input(const char *path, struct ags_buf *b, const char *what)
{
	int r = ags_file_read(path, b);
	if (r < 0) {
		cli_error("%s %s: %s", what, path, ags_strerror(r));
		return cli_exit_code(r) == EXIT_NO_FILE ? EXIT_NO_FILE : EXIT_READ_INPUT;
	}
	return b->data ? 0 : (ags_buf_append(b, "", 0), 0);
}

/* ------------------------------------------------------------------ git */

/* A value given on the command line (then wiped from argv) or on standard input. */
static int read_value(char *arg, bool from_stdin, struct ags_buf *out)
{
	int r = 0;
	if (arg)
		r = ags_buf_puts(out, arg);
	else if (from_stdin)
		r = gcli_read_stdin_secret(out);
	/* keep the value out of the process list from here on */
	if (arg)
		ags_wipe(arg, strlen(arg));
	return r;
}

int secret_git(struct args *a, const char *name)
{
	if (!a->ns)
		a->ns = "flux-system";
	if (!a->url || !*a->url)
		return cli_refuse(EXIT_GENERIC, "url is required");
	int rc = check_name_ns(name, a->ns);
	if (rc)
		return rc;
	if (a->pass_stdin + a->bearer_stdin > 1)
		return cli_refuse(EXIT_CONFLICTING_PARAMETERS,
					  "--password-stdin and --bearer-token-stdin cannot both read standard input");
	if ((a->pass_stdin && a->pass_arg) || (a->bearer_stdin && a->bearer_arg))
		return cli_refuse(EXIT_CONFLICTING_PARAMETERS,
					  "give a value either on the command line or on standard input, not both");
	struct ags_buf pass, bearer, cabuf, pk, kh;
	ags_buf_init_secret(&pass, 1 << 20);
	ags_buf_init_secret(&bearer, 1 << 20);
	ags_buf_init_secret(&cabuf, 1 << 20);
	ags_buf_init_secret(&pk, 1 << 16);
	ags_buf_init(&kh, 1 << 20);
	struct ags_gitops_git_opts g = {
		.name = name, .ns = a->ns, .url = a->url, .username = a->user,
		.have_password = a->pass_arg || a->pass_stdin, .have_bearer = a->bearer_arg || a->bearer_stdin,
		.alg = a->alg, .bits = a->alg == AGS_SSH_ECDSA ? a->curve : a->bits, .fmt = a->fmt,
		.known_hosts_name = a->khfile, .private_key_name = a->pkfile,
	};
	struct ags_gitops_secret *s = NULL;
	struct ags_diag d = { 0 };
	char *pub = NULL;
	int r = read_value(a->pass_arg, a->pass_stdin, &pass);
	if (r == 0)
		r = read_value(a->bearer_arg, a->bearer_stdin, &bearer);
	if (r < 0) {
		rc = cli_fail(r, NULL, "standard input");
		goto out;
	}
	g.password = (const char *)pass.data;
	g.password_len = pass.len;
	g.bearer = bearer.data;
	g.bearer_len = bearer.len;
	if (strncmp(a->url, "ssh://", 6)) {
		if (a->ca && !(rc = read_input(a->ca, &cabuf, "--ca-crt-file"))) {
			g.ca = cabuf.data;
			g.ca_len = cabuf.len;
		}
	} else {
		if (a->user || g.have_bearer || a->ca)
			cli_warn("--username, --bearer-token and --ca-crt-file are ignored for Git over SSH");
		if (a->khfile && !(rc = read_input(a->khfile, &kh, "--known-hosts-file"))) {
			g.known_hosts = kh.data;
			g.known_hosts_len = kh.len;
		}
		if (rc == 0 && a->pkfile && !(rc = read_input(a->pkfile, &pk, "--private-key-file"))) {
			g.private_key = pk.data;
			g.private_key_len = pk.len;
		}
	}
	if (rc)
		goto out;
	if ((r = ags_gitops_git_secret(&g, &s, &pub, &d)) < 0) {
		rc = cli_fail(r, &d, NULL);
		goto out;
	}
	rc = finish(a, s, AGS_LAYOUT_FLUX);
	if (rc == 0 && pub)
		fprintf(stderr, "deploy key: %s", pub);
out:
	ags_gitops_secret_free(s);
	free(pub);
	ags_buf_release(&pass);
	ags_buf_release(&bearer);
	ags_buf_release(&cabuf);
	ags_buf_release(&pk);
	ags_buf_release(&kh);
	return rc;
}

/* -------------------------------------------------------------- proxmox */

/* --token-secret-stdin, else $PROXMOX_SECRET, else the terminal. */
static int token_secret(const struct args *a, struct ags_buf *sec)
{
	const char *env = getenv("PROXMOX_SECRET");
	int r;
	if (a->sec_stdin)
		r = gcli_read_stdin_secret(sec);
	else if (env)
		r = ags_buf_puts(sec, env);
	else
		r = gcli_prompt_secret("Proxmox token secret: ", sec);
	if (r == AGS_E_NOT_FOUND)
		return cli_refuse(EXIT_GENERIC,
					  "no token secret: use --token-secret-stdin, $PROXMOX_SECRET or a terminal");
	if (r < 0)
		return cli_fail(r, NULL, "token secret");
	if (sec->len == 0)
		return cli_refuse(EXIT_GENERIC, "the token secret is empty");
	if (!ags_gitops_proxmox_secret_plausible(sec->data, sec->len))
		cli_warn("the token secret does not look like a Proxmox token UUID (xxxxxxxx-xxxx-...)");
	return 0;
}

int secret_proxmox(struct args *a, const char *name)
{
	if (!a->ns)
		return cli_refuse(EXIT_GENERIC,
					  "-n NAMESPACE is required (CAPMOX reads the Secret from the cluster's namespace)");
	if (!a->url || !a->tokid)
		return cli_refuse(EXIT_GENERIC, "--url and --token-id are required");
	int rc = check_name_ns(name, a->ns);
	if (rc)
		return rc;
	struct ags_gitops_proxmox_opts p = {
		.name = name, .ns = a->ns, .url = a->url, .token_id = a->tokid, .insecure = a->insecure,
	};
	struct ags_diag d = { 0 };
	int r = ags_gitops_proxmox_check(&p, &d);
	if (r < 0)
		return cli_fail(r, &d, NULL);
	/* CAPMOX strips a trailing '/' itself; keep the URL as given, but say so */
	const char *port = strrchr(a->url + 8, ':');
	if (!port || strncmp(port, ":8006", 5) != 0)
		cli_warn("--url '%s': the Proxmox API usually listens on port 8006", a->url);
	struct ags_buf sec, ca;
	ags_buf_init_secret(&sec, 1 << 16);
	ags_buf_init(&ca, 1 << 20);
	struct ags_gitops_secret *s = NULL;
	rc = token_secret(a, &sec);
	if (rc == 0 && a->rootca)
		rc = read_input(a->rootca, &ca, "--root-ca-file");
	p.secret = sec.data;
	p.secret_len = sec.len;
	p.root_ca = a->rootca ? ca.data : NULL;
	p.root_ca_len = ca.len;
	if (rc == 0 && (r = ags_gitops_proxmox_secret(&p, &s, &d)) < 0)
		rc = cli_fail(r, &d, NULL);
	if (rc == 0)
		rc = finish(a, s, AGS_LAYOUT_STRINGDATA);
	ags_gitops_secret_free(s);
	ags_buf_release(&sec);
	ags_buf_release(&ca);
	return rc;
}

/* -------------------------------------------------------------- generic */

int secret_generic(struct args *a, const char *name)
{
	if (a->nlabels)
		return cli_refuse(EXIT_GENERIC, "--label is not a kubectl create secret generic option");
	int rc = check_name_ns(name, a->ns);
	if (rc)
		return rc;
	struct ags_gitops_generic_opts g = {
		.name = name, .ns = a->ns, .type = a->type,
		.files = a->files, .nfiles = a->nf, .literals = a->lits, .nliterals = a->nl,
		.env_files = a->envs, .nenv_files = a->ne,
	};
	struct ags_gitops_secret *s = NULL;
	struct ags_diag d = { 0 };
	int r = ags_gitops_generic_secret(&g, &s, &d);
	rc = r < 0 ? gen_fail(r, &d) : finish(a, s, a->no_cts ? AGS_LAYOUT_KUBECTL_134 : AGS_LAYOUT_KUBECTL);
	ags_gitops_secret_free(s);
	return rc;
}

/* -------------------------------------------------------------- age-key */

int secret_age_key(struct args *a, const char *file)
{
	const char *name = a->name ? a->name : "sops-age";
	if (!a->ns)
		a->ns = "flux-system";
	if (a->enc.enabled)
		return cli_refuse(EXIT_CONFLICTING_PARAMETERS,
					  "the age key Secret is installed on the cluster, not committed: --encrypt makes no sense here");
	int rc = check_name_ns(name, a->ns);
	if (rc)
		return rc;
	struct ags_buf b;
	ags_buf_init_secret(&b, 1 << 20);
	struct ags_gitops_secret *s = NULL;
	struct ags_diag d = { 0 };
	char **recipients = NULL;
	rc = read_input(file, &b, "key file");
	if (rc == 0) {
		struct ags_gitops_age_key_opts o = {
			.name = name, .ns = a->ns, .key = b.data, .key_len = b.len,
			.key_name = strcmp(file, "-") ? file : "standard input",
		};
		int r = ags_gitops_age_key_secret(&o, &s, &recipients, &d);
		if (r < 0)
			rc = cli_fail(r, &d, NULL);
	}
	for (size_t i = 0; recipients && recipients[i]; i++)
		fprintf(stderr, "Public key: %s\n", recipients[i]);
	if (rc == 0)
		rc = finish(a, s, a->no_cts ? AGS_LAYOUT_KUBECTL_134 : AGS_LAYOUT_KUBECTL);
	ags_gitops_strv_free(recipients);
	ags_gitops_secret_free(s);
	ags_buf_release(&b);
	return rc;
}
