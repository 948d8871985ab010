/*
 * agesops secret git|proxmox|generic|age-key: Kubernetes Secret manifests
 * byte-identical to flux's and kubectl's, optionally SOPS-encrypted in
 * memory on the way out (--encrypt) so the plaintext never touches disk.
 */
#include "cli.h"
#include "cli-opts.h"
#include "gitops/gitops-cli.h"

#include <agesops/agesops.h>
#include <agesops/age.h>
#include <agesops/gitops.h>
#include "util/buf.h"
#include "util/file.h"
#include "util/secret.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>


#define MAX_SOURCES 1024

struct common {
	const char *ns;
	const char *labels[64];
	size_t nlabels;
	struct gcli_encrypt enc;
	const char *output;
};

static int common_opt(struct common *c, int opt, const char *arg)
{
	switch (opt) {
	case 'n': c->ns = arg; return 1;
	case OPT_LABEL:
		if (c->nlabels >= 64) {
			cli_error("too many --label options");
			return -1;
		}
		c->labels[c->nlabels++] = arg;
		return 1;
	case OPT_ENCRYPT: return gcli_encrypt_opt(&c->enc, "encrypt", arg);
	case OPT_AGE: return gcli_encrypt_opt(&c->enc, "age", arg);
	case OPT_ENC_REGEX: return gcli_encrypt_opt(&c->enc, "encrypted-regex", arg);
	case OPT_PATH_HINT: c->enc.path_hint = arg; return 1;
	case OPT_OUTPUT: c->output = arg; return 1;
	}
	return 0;
}

/* --label k=v[,k=v] */
static int apply_labels(const struct common *c, struct ags_gitops_secret *s)
{
	for (size_t i = 0; i < c->nlabels; i++) {
		char *dup = strdup(c->labels[i]), *save = NULL;
		if (!dup)
			return cli_fail(AGS_E_NOMEM, NULL, NULL);
		for (char *tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			char *eq = strchr(tok, '=');
			if (!eq) {
				cli_error("invalid label format '%s', must be key=value", tok);
				free(dup);
				return EXIT_GENERIC;
			}
			*eq = 0;
			struct ags_diag d = { 0 };
			int r = ags_gitops_secret_add_label(s, tok, eq + 1, &d);
			if (r < 0) {
				free(dup);
				return cli_fail(r, &d, "--label");
			}
		}
		free(dup);
	}
	return 0;
}

static int finish(const struct common *c, struct ags_gitops_secret *s, enum ags_gitops_layout layout)
{
	struct ags_buf out;
	struct ags_diag d = { 0 };
	ags_buf_init_secret(&out, (size_t)1 << 30);
	int rc = apply_labels(c, s);
	if (rc == 0) {
		int r = ags_gitops_secret_emit(s, layout, &out, &d);
		rc = r < 0 ? cli_fail(r, &d, NULL) : gcli_output_manifest(&c->enc, &out, c->output);
	}
	ags_buf_release(&out);
	return rc;
}

static int check_name_ns(const char *name, const char *ns)
{
	if (!ags_gitops_dns1123_subdomain(name)) {
		cli_error("invalid Secret name '%s': must be a lowercase RFC 1123 subdomain", name);
		return EXIT_GENERIC;
	}
	if (ns && !ags_gitops_dns1123_label(ns)) {
		cli_error("invalid namespace '%s': must be a lowercase RFC 1123 label", ns);
		return EXIT_GENERIC;
	}
	return 0;
}

static int read_file_secret(const char *path, struct ags_buf *b, const char *what)
{
	int r = ags_file_read(path, b);
	if (r < 0) {
		cli_error("%s %s: %s", what, path, ags_strerror(r));
		return cli_exit_code(r) == EXIT_NO_FILE ? EXIT_NO_FILE : EXIT_READ_INPUT;
	}
	if (!b->data)
		ags_buf_append(b, "", 0);
	return 0;
}

static bool is_uspace(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/* ------------------------------------------------------------------ git */

static void git_usage(FILE *f)
{
	(f == stdout ? cli_help : cli_usage)(f, "secret git");
}

static int cmd_secret_git(int argc, char **argv)
{
	struct cli_getopt g;
	cli_getopt_init(&g, "secret git");
	struct common c = { .ns = "flux-system" };
	const char *url = NULL, *user = NULL, *ca = NULL, *pkfile = NULL, *khfile = NULL;
	char *pass_arg = NULL, *bearer_arg = NULL;
	bool pass_stdin = false, bearer_stdin = false;
	enum ags_ssh_alg alg = AGS_SSH_ECDSA;
	enum ags_ssh_format fmt = AGS_SSH_FMT_PKCS8;
	int curve = 384, bits = 2048;
	int opt;
	optind = 1;
	while ((opt = cli_getopt(&g, argc, argv)) != -1) {
		int k = common_opt(&c, opt, optarg);
		if (k < 0)
			return EXIT_GENERIC;
		if (k)
			continue;
		switch (opt) {
		case OPT_URL: url = optarg; break;
		case 'u': user = optarg; break;
		case 'p': pass_arg = optarg; break;
		case OPT_PASSWORD_STDIN: pass_stdin = true; break;
		case OPT_BEARER: bearer_arg = optarg; break;
		case OPT_BEARER_STDIN: bearer_stdin = true; break;
		case OPT_CA: ca = optarg; break;
		case OPT_PRIVKEY: pkfile = optarg; break;
		case OPT_KNOWN_HOSTS: khfile = optarg; break;
		case OPT_ALG:
			if (!strcmp(optarg, "ecdsa"))
				alg = AGS_SSH_ECDSA;
			else if (!strcmp(optarg, "ed25519"))
				alg = AGS_SSH_ED25519;
			else if (!strcmp(optarg, "rsa"))
				alg = AGS_SSH_RSA;
			else {
				cli_error("unsupported public key algorithm '%s', must be one of: rsa, ecdsa, ed25519", optarg);
				return EXIT_GENERIC;
			}
			break;
		case OPT_CURVE:
			if (!strcmp(optarg, "p256"))
				curve = 256;
			else if (!strcmp(optarg, "p384"))
				curve = 384;
			else if (!strcmp(optarg, "p521"))
				curve = 521;
			else {
				cli_error("unsupported curve '%s', must be one of: p256, p384, p521", optarg);
				return EXIT_GENERIC;
			}
			break;
		case OPT_BITS: {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || v < 1024 || v > 8192 || v % 8) {
				cli_error("RSA key bit size must be at least 1024 (at most 8192) and a multiple of 8");
				return EXIT_GENERIC;
			}
			bits = (int)v;
			break;
		}
		case OPT_KEY_FORMAT:
			if (!strcmp(optarg, "pkcs8"))
				fmt = AGS_SSH_FMT_PKCS8;
			else if (!strcmp(optarg, "openssh"))
				fmt = AGS_SSH_FMT_OPENSSH;
			else {
				cli_error("--ssh-key-format must be pkcs8 or openssh");
				return EXIT_GENERIC;
			}
			break;
		case 'h': git_usage(stdout); return 0;
		default: git_usage(stderr); return EXIT_GENERIC;
		}
	}
	if (optind >= argc) {
		cli_error("secret name is required");
		return EXIT_GENERIC;
	}
	if (optind + 1 < argc) {
		cli_error("unexpected argument '%s'", argv[optind + 1]);
		return EXIT_GENERIC;
	}
	const char *name = argv[optind];
	if (!url || !*url) {
		cli_error("url is required");
		return EXIT_GENERIC;
	}
	int rc = check_name_ns(name, c.ns);
	if (rc)
		return rc;
	if (pass_stdin + bearer_stdin > 1) {
		cli_error("--password-stdin and --bearer-token-stdin cannot both read standard input");
		return EXIT_CONFLICTING_PARAMETERS;
	}
	if ((pass_stdin && pass_arg) || (bearer_stdin && bearer_arg)) {
		cli_error("give a value either on the command line or on standard input, not both");
		return EXIT_CONFLICTING_PARAMETERS;
	}
	const char *sep = strstr(url, "://");
	size_t sl = sep ? (size_t)(sep - url) : 0;
	bool ssh = sl == 3 && !strncmp(url, "ssh", 3);
	bool http = (sl == 4 && !strncmp(url, "http", 4)) || (sl == 5 && !strncmp(url, "https", 5));
	if (!ssh && !http) {
		cli_error("git URL scheme '%.*s' not supported, can be: ssh, http and https", (int)sl, sep ? url : "");
		return EXIT_GENERIC;
	}

	struct ags_buf pass, bearer, cabuf, pk, kh;
	ags_buf_init_secret(&pass, 1 << 20);
	ags_buf_init_secret(&bearer, 1 << 20);
	ags_buf_init_secret(&cabuf, 1 << 20);
	ags_buf_init_secret(&pk, 1 << 16);
	ags_buf_init(&kh, 1 << 20);
	struct ags_gitops_secret *s = NULL;
	char *pub = NULL, *genpriv = NULL;
	size_t genlen = 0;
	struct ags_diag d = { 0 };
	int r;

	if (pass_arg)
		r = ags_buf_puts(&pass, pass_arg);
	else if (pass_stdin)
		r = gcli_read_stdin_secret(&pass);
	else
		r = 0;
	if (r == 0 && bearer_arg)
		r = ags_buf_puts(&bearer, bearer_arg);
	else if (r == 0 && bearer_stdin)
		r = gcli_read_stdin_secret(&bearer);
	/* keep the values out of the process list from here on */
	if (pass_arg)
		ags_wipe(pass_arg, strlen(pass_arg));
	if (bearer_arg)
		ags_wipe(bearer_arg, strlen(bearer_arg));
	if (r < 0) {
		rc = cli_fail(r, NULL, "standard input");
		goto out;
	}
	bool have_pass = pass_arg || pass_stdin;
	bool have_bearer = bearer_arg || bearer_stdin;
	if ((r = ags_gitops_secret_new(name, c.ns, &s)) < 0) {
		rc = cli_fail(r, NULL, NULL);
		goto out;
	}

	if (http) {
		bool basic = user && *user && have_pass && pass.len;
		if ((user || have_pass) && have_bearer) {
			cli_error("user credentials and bearer token cannot be used together");
			rc = EXIT_GENERIC;
			goto out;
		}
		if (!basic && !(have_bearer && bearer.len)) {
			cli_error("for Git over HTTP/S the username and password, or a bearer token is required");
			rc = EXIT_GENERIC;
			goto out;
		}
		if (basic) {
			r = ags_gitops_secret_add(s, "username", user, strlen(user), false, &d);
			if (!r)
				r = ags_gitops_secret_add(s, "password", pass.data, pass.len, false, &d);
		} else {
			r = ags_gitops_secret_add(s, "bearerToken", bearer.data, bearer.len, false, &d);
		}
		if (!r && ca) {
			if ((rc = read_file_secret(ca, &cabuf, "--ca-crt-file")))
				goto out;
			r = ags_gitops_secret_add(s, "ca.crt", cabuf.data, cabuf.len, false, &d);
		}
		if (r < 0) {
			rc = cli_fail(r, &d, NULL);
			goto out;
		}
	} else {
		if (user || have_bearer || ca)
			cli_warn("--username, --bearer-token and --ca-crt-file are ignored for Git over SSH");
		if (!khfile) {
			cli_error("Git over SSH needs the host's key: pass --known-hosts-file F "
				  "(e.g. ssh-keyscan HOST > F); agesops never dials the Git host");
			rc = EXIT_GENERIC;
			goto out;
		}
		if ((rc = read_file_secret(khfile, &kh, "--known-hosts-file")))
			goto out;
		/* flux TrimSpaces the scanned line */
		size_t b = 0, e = kh.len;
		while (b < e && is_uspace(kh.data[b]))
			b++;
		while (e > b && is_uspace(kh.data[e - 1]))
			e--;
		if (e == b) {
			cli_error("--known-hosts-file %s is empty", khfile);
			rc = EXIT_GENERIC;
			goto out;
		}
		if (pkfile) {
			if ((rc = read_file_secret(pkfile, &pk, "--private-key-file")))
				goto out;
			r = ags_ssh_public_from_private(pk.data, pk.len, have_pass ? (const char *)pass.data : NULL, &pub,
							&d);
			if (r == 0)
				r = ags_gitops_secret_add(s, "identity", pk.data, pk.len, false, &d);
		} else {
			r = ags_ssh_keygen(alg, alg == AGS_SSH_ECDSA ? curve : bits, fmt, &genpriv, &genlen, &pub, &d);
			if (r == 0)
				r = ags_gitops_secret_add(s, "identity", genpriv, genlen, false, &d);
		}
		if (r == 0)
			r = ags_gitops_secret_add(s, "identity.pub", pub, strlen(pub), false, &d);
		if (r == 0)
			r = ags_gitops_secret_add(s, "known_hosts", kh.data + b, e - b, false, &d);
		if (r == 0 && have_pass)
			r = ags_gitops_secret_add(s, "password", pass.data, pass.len, false, &d);
		if (r < 0) {
			rc = cli_fail(r, &d, pkfile);
			goto out;
		}
	}
	rc = finish(&c, s, AGS_LAYOUT_FLUX);
	if (rc == 0 && pub)
		fprintf(stderr, "deploy key: %s", pub);
out:
	ags_gitops_secret_free(s);
	free(pub);
	if (genpriv)
		ags_free_secret(genpriv, genlen);
	ags_buf_release(&pass);
	ags_buf_release(&bearer);
	ags_buf_release(&cabuf);
	ags_buf_release(&pk);
	ags_buf_release(&kh);
	return rc;
}

/* -------------------------------------------------------------- proxmox */

static void proxmox_usage(FILE *f)
{
	(f == stdout ? cli_help : cli_usage)(f, "secret proxmox");
}

static bool uuid_like(const unsigned char *s, size_t n)
{
	if (n != 36)
		return false;
	for (size_t i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
			return false;
		}
	}
	return true;
}

static int cmd_secret_proxmox(int argc, char **argv)
{
	struct cli_getopt g;
	cli_getopt_init(&g, "secret proxmox");
	struct common c = { 0 };
	const char *url = NULL, *tokid = NULL, *insecure = NULL, *rootca = NULL;
	bool sec_stdin = false;
	int opt;
	optind = 1;
	while ((opt = cli_getopt(&g, argc, argv)) != -1) {
		int k = common_opt(&c, opt, optarg);
		if (k < 0)
			return EXIT_GENERIC;
		if (k)
			continue;
		switch (opt) {
		case OPT_URL: url = optarg; break;
		case OPT_TOKEN_ID: tokid = optarg; break;
		case OPT_TOKEN_SECRET_STDIN: sec_stdin = true; break;
		case OPT_INSECURE: insecure = optarg; break;
		case OPT_ROOT_CA: rootca = optarg; break;
		case 'h': proxmox_usage(stdout); return 0;
		default: proxmox_usage(stderr); return EXIT_GENERIC;
		}
	}
	const char *name = optind < argc ? argv[optind] : "capmox-manager-credentials";
	if (optind + 1 < argc) {
		cli_error("unexpected argument '%s'", argv[optind + 1]);
		return EXIT_GENERIC;
	}
	if (!c.ns) {
		cli_error("-n NAMESPACE is required (CAPMOX reads the Secret from the cluster's namespace)");
		return EXIT_GENERIC;
	}
	if (!url || !tokid) {
		cli_error("--url and --token-id are required");
		return EXIT_GENERIC;
	}
	int rc = check_name_ns(name, c.ns);
	if (rc)
		return rc;
	const char *why = ags_gitops_proxmox_url_error(url);
	if (why) {
		cli_error("--url '%s': %s", url, why);
		return EXIT_GENERIC;
	}
	if ((why = ags_gitops_proxmox_token_id_error(tokid))) {
		cli_error("--token-id '%s': %s", tokid, why);
		return EXIT_GENERIC;
	}
	if (insecure && strcmp(insecure, "true") && strcmp(insecure, "false")) {
		cli_error("--insecure must be true or false");
		return EXIT_GENERIC;
	}
	/* CAPMOX strips a trailing '/' itself; keep the URL as given, but say so */
	const char *port = strrchr(url + 8, ':');
	if (!port || strncmp(port, ":8006", 5) != 0)
		cli_warn("--url '%s': the Proxmox API usually listens on port 8006", url);

	struct ags_buf sec, ca;
	ags_buf_init_secret(&sec, 1 << 16);
	ags_buf_init(&ca, 1 << 20);
	struct ags_gitops_secret *s = NULL;
	struct ags_diag d = { 0 };
	int r;
	const char *env = getenv("PROXMOX_SECRET");
	if (sec_stdin)
		r = gcli_read_stdin_secret(&sec);
	else if (env)
		r = ags_buf_puts(&sec, env);
	else
		r = gcli_prompt_secret("Proxmox token secret: ", &sec);
	if (r < 0) {
		rc = r == AGS_E_NOT_FOUND ? (cli_error("no token secret: use --token-secret-stdin, $PROXMOX_SECRET or a "
						       "terminal"), EXIT_GENERIC)
					  : cli_fail(r, NULL, "token secret");
		goto out;
	}
	if (sec.len == 0) {
		cli_error("the token secret is empty");
		rc = EXIT_GENERIC;
		goto out;
	}
	if (!uuid_like(sec.data, sec.len))
		cli_warn("the token secret does not look like a Proxmox token UUID (xxxxxxxx-xxxx-...)");
	if (rootca && (rc = read_file_secret(rootca, &ca, "--root-ca-file")))
		goto out;
	if ((r = ags_gitops_secret_new(name, c.ns, &s)) == 0 &&
	    (r = ags_gitops_secret_add_label(s, "cluster.x-k8s.io/provider", "infrastructure-proxmox", &d)) == 0 &&
	    (r = ags_gitops_secret_add_label(s, "clusterctl.cluster.x-k8s.io", "", &d)) == 0 &&
	    (r = ags_gitops_secret_add_label(s, "platform.ionos.com/secret-type", "proxmox-credentials", &d)) == 0 &&
	    (r = ags_gitops_secret_add(s, "secret", sec.data, sec.len, false, &d)) == 0 &&
	    (r = ags_gitops_secret_add(s, "token", tokid, strlen(tokid), false, &d)) == 0 &&
	    (r = ags_gitops_secret_add(s, "url", url, strlen(url), false, &d)) == 0 && insecure)
		r = ags_gitops_secret_add(s, "insecure", insecure, strlen(insecure), false, &d);
	if (r == 0 && rootca)
		r = ags_gitops_secret_add(s, "root_ca", ca.data, ca.len, false, &d);
	if (r < 0) {
		rc = cli_fail(r, &d, NULL);
		goto out;
	}
	rc = finish(&c, s, AGS_LAYOUT_STRINGDATA);
out:
	ags_gitops_secret_free(s);
	ags_buf_release(&sec);
	ags_buf_release(&ca);
	return rc;
}

/* -------------------------------------------------------------- generic */

static void generic_usage(FILE *f)
{
	(f == stdout ? cli_help : cli_usage)(f, "secret generic");
}

static int add_file_source(struct ags_gitops_secret *s, const char *key, const char *path)
{
	struct ags_buf b;
	struct ags_diag d = { 0 };
	ags_buf_init_secret(&b, AGS_GITOPS_MAX_VALUE);
	int rc = read_file_secret(path, &b, "--from-file");
	if (rc == 0) {
		int r = ags_gitops_secret_add(s, key, b.data, b.len, true, &d);
		if (r < 0)
			rc = cli_fail(r, &d, NULL);
	}
	ags_buf_release(&b);
	return rc;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int file_source(struct ags_gitops_secret *s, const char *src)
{
	const char *eq = strchr(src, '=');
	if (eq) {
		if (eq == src || !eq[1]) {
			cli_error("--from-file=%s: key names or file paths cannot be empty", src);
			return EXIT_GENERIC;
		}
		char *key = strndup(src, (size_t)(eq - src));
		if (!key)
			return cli_fail(AGS_E_NOMEM, NULL, NULL);
		int rc = add_file_source(s, key, eq + 1);
		free(key);
		return rc;
	}
	struct stat st;
	if (stat(src, &st) == 0 && S_ISDIR(st.st_mode)) {
		DIR *dir = opendir(src);
		if (!dir)
			return cli_fail(-errno, NULL, src);
		char **names = NULL;
		size_t n = 0;
		int rc = 0;
		struct dirent *de;
		while (rc == 0 && (de = readdir(dir))) {
			char p[4096];
			snprintf(p, sizeof(p), "%s/%s", src, de->d_name);
			struct stat fst;
			if (de->d_name[0] == '.' && (!de->d_name[1] || !strcmp(de->d_name, "..")))
				continue;
			if (stat(p, &fst) != 0 || !S_ISREG(fst.st_mode))
				continue;
			char **nn = realloc(names, (n + 1) * sizeof(*names));
			if (!nn || !(nn[n] = strdup(de->d_name))) {
				names = nn ? nn : names;
				rc = cli_fail(AGS_E_NOMEM, NULL, NULL);
				break;
			}
			names = nn;
			n++;
			if (n > AGS_GITOPS_MAX_ENTRIES) {
				cli_error("--from-file=%s: too many files", src);
				rc = EXIT_GENERIC;
			}
		}
		closedir(dir);
		if (rc == 0 && names)
			qsort(names, n, sizeof(*names), cmp_str);
		for (size_t i = 0; i < n; i++) {
			if (rc == 0) {
				char p[4096];
				snprintf(p, sizeof(p), "%s/%s", src, names[i]);
				rc = add_file_source(s, names[i], p);
			}
			free(names[i]);
		}
		free(names);
		return rc;
	}
	const char *base = strrchr(src, '/');
	base = base ? base + 1 : src;
	return add_file_source(s, base, src);
}

static int cmd_secret_generic(int argc, char **argv)
{
	struct cli_getopt g;
	cli_getopt_init(&g, "secret generic");
	struct common c = { 0 };
	const char *lits[MAX_SOURCES], *files[MAX_SOURCES], *envs[MAX_SOURCES];
	size_t nl = 0, nf = 0, ne = 0;
	const char *type = NULL;
	bool no_cts = false;
	int opt;
	optind = 1;
	while ((opt = cli_getopt(&g, argc, argv)) != -1) {
		int k = common_opt(&c, opt, optarg);
		if (k < 0)
			return EXIT_GENERIC;
		if (k)
			continue;
		if ((opt == OPT_FROM_LITERAL && nl >= MAX_SOURCES) || (opt == OPT_FROM_FILE && nf >= MAX_SOURCES) ||
		    (opt == OPT_FROM_ENV && ne >= MAX_SOURCES)) {
			cli_error("too many --from-* options");
			return EXIT_GENERIC;
		}
		switch (opt) {
		case OPT_FROM_LITERAL: lits[nl++] = optarg; break;
		case OPT_FROM_FILE: files[nf++] = optarg; break;
		case OPT_FROM_ENV: envs[ne++] = optarg; break;
		case OPT_TYPE: type = optarg; break;
		case OPT_NO_CTS: no_cts = true; break;
		case 'h': generic_usage(stdout); return 0;
		default: generic_usage(stderr); return EXIT_GENERIC;
		}
	}
	if (optind >= argc) {
		cli_error("NAME is required");
		return EXIT_GENERIC;
	}
	if (optind + 1 < argc) {
		cli_error("exactly one NAME is required, got %d", argc - optind);
		return EXIT_GENERIC;
	}
	if (c.nlabels) {
		cli_error("--label is not a kubectl create secret generic option");
		return EXIT_GENERIC;
	}
	if (ne && (nl || nf)) {
		cli_error("from-env-file cannot be combined with from-file or from-literal");
		return EXIT_GENERIC;
	}
	const char *name = argv[optind];
	int rc = check_name_ns(name, c.ns);
	if (rc)
		return rc;
	struct ags_gitops_secret *s = NULL;
	struct ags_diag d = { 0 };
	int r = ags_gitops_secret_new(name, c.ns, &s);
	if (r < 0)
		return cli_fail(r, NULL, NULL);
	if (type && (r = ags_gitops_secret_set_type(s, type)) < 0) {
		rc = cli_fail(r, NULL, NULL);
		goto out;
	}
	/* kubectl's order: files, literals, env files (it matters only for which duplicate is named) */
	for (size_t i = 0; rc == 0 && i < nf; i++) {
		/* --from-file is a comma-separated list (pflag StringSlice) */
		char *dup = strdup(files[i]), *save = NULL;
		if (!dup) {
			rc = cli_fail(AGS_E_NOMEM, NULL, NULL);
			break;
		}
		for (char *tok = strtok_r(dup, ",", &save); rc == 0 && tok; tok = strtok_r(NULL, ",", &save))
			rc = file_source(s, tok);
		free(dup);
	}
	for (size_t i = 0; rc == 0 && i < nl; i++) {
		const char *eq = strchr(lits[i], '=');
		if (!eq) {
			cli_error("invalid literal source %s, expected key=value", lits[i]);
			rc = EXIT_GENERIC;
			break;
		}
		char *key = strndup(lits[i], (size_t)(eq - lits[i]));
		if (!key) {
			rc = cli_fail(AGS_E_NOMEM, NULL, NULL);
			break;
		}
		r = ags_gitops_secret_add(s, key, eq + 1, strlen(eq + 1), true, &d);
		free(key);
		if (r < 0)
			rc = cli_fail(r, &d, NULL);
	}
	for (size_t i = 0; rc == 0 && i < ne; i++) {
		struct ags_buf b;
		ags_buf_init_secret(&b, 64 << 20);
		rc = read_file_secret(envs[i], &b, "--from-env-file");
		if (rc == 0 && (r = ags_gitops_secret_add_env_file(s, (const char *)b.data, b.len, envs[i], &d)) < 0)
			rc = cli_fail(r, &d, NULL);
		ags_buf_release(&b);
	}
	if (rc == 0)
		rc = finish(&c, s, no_cts ? AGS_LAYOUT_KUBECTL_134 : AGS_LAYOUT_KUBECTL);
out:
	ags_gitops_secret_free(s);
	return rc;
}

/* -------------------------------------------------------------- age-key */

static void agekey_usage(FILE *f)
{
	(f == stdout ? cli_help : cli_usage)(f, "secret age-key");
}

/* Checks that the file holds age identities and prints their recipients. */
static int check_age_keyfile(const struct ags_buf *b, const char *name)
{
	struct ags_age_identities ids = { 0 };
	struct ags_diag d = { 0 };
	int r = ags_age_parse_identity_file((const char *)b->data, b->len, name, NULL, NULL, &ids, &d);
	if (r < 0)
		return cli_fail(r, &d, NULL);
	if (ids.n == 0) {
		cli_error("%s: no age identity found", name);
		ags_age_identities_clear(&ids);
		return EXIT_GENERIC;
	}
	for (size_t i = 0; i < ids.n; i++) {
		struct ags_age_recipient *rc = NULL;
		char *s = NULL;
		if (ags_age_identity_to_recipient(ids.v[i], &rc) == 0 && ags_age_recipient_string(rc, &s) == 0)
			fprintf(stderr, "Public key: %s\n", s);
		free(s);
		ags_age_recipient_free(rc);
	}
	ags_age_identities_clear(&ids);
	return 0;
}

static int cmd_secret_age_key(int argc, char **argv)
{
	struct cli_getopt g;
	cli_getopt_init(&g, "secret age-key");
	struct common c = { .ns = "flux-system" };
	const char *name = "sops-age";
	bool no_cts = false;
	int opt;
	optind = 1;
	while ((opt = cli_getopt(&g, argc, argv)) != -1) {
		int k = common_opt(&c, opt, optarg);
		if (k < 0)
			return EXIT_GENERIC;
		if (k)
			continue;
		switch (opt) {
		case OPT_NAME: name = optarg; break;
		case OPT_NO_CTS: no_cts = true; break;
		case 'h': agekey_usage(stdout); return 0;
		default: agekey_usage(stderr); return EXIT_GENERIC;
		}
	}
	const char *file = optind < argc ? argv[optind] : "-";
	if (optind + 1 < argc) {
		cli_error("unexpected argument '%s'", argv[optind + 1]);
		return EXIT_GENERIC;
	}
	if (c.enc.enabled) {
		cli_error("the age key Secret is installed on the cluster, not committed: --encrypt makes no sense here");
		return EXIT_CONFLICTING_PARAMETERS;
	}
	int rc = check_name_ns(name, c.ns);
	if (rc)
		return rc;
	struct ags_buf b;
	ags_buf_init_secret(&b, 1 << 20);
	struct ags_gitops_secret *s = NULL;
	struct ags_diag d = { 0 };
	rc = read_file_secret(file, &b, "key file");
	if (rc == 0)
		rc = check_age_keyfile(&b, strcmp(file, "-") ? file : "standard input");
	if (rc == 0) {
		int r = ags_gitops_secret_new(name, c.ns, &s);
		if (r == 0)
			r = ags_gitops_secret_add(s, "age.agekey", b.data, b.len, true, &d);
		rc = r < 0 ? cli_fail(r, &d, NULL) : finish(&c, s, no_cts ? AGS_LAYOUT_KUBECTL_134 : AGS_LAYOUT_KUBECTL);
	}
	ags_gitops_secret_free(s);
	ags_buf_release(&b);
	return rc;
}

static void usage(FILE *f)
{
	(f == stdout ? cli_help : cli_usage)(f, "secret");
}

int cmd_secret(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_GENERIC;
	}
	const char *kind = argv[1];
	if (!strcmp(kind, "-h") || !strcmp(kind, "--help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(kind, "git"))
		return cmd_secret_git(argc - 1, argv + 1);
	if (!strcmp(kind, "proxmox"))
		return cmd_secret_proxmox(argc - 1, argv + 1);
	if (!strcmp(kind, "generic"))
		return cmd_secret_generic(argc - 1, argv + 1);
	if (!strcmp(kind, "age-key"))
		return cmd_secret_age_key(argc - 1, argv + 1);
	cli_error("unknown secret kind '%s' (git, proxmox, generic, age-key)", kind);
	return EXIT_GENERIC;
}
