/*
 * agesops check [PATH...]: refuse what must not be committed to a GitOps
 * repository -- plaintext Secret values, private keys, plaintext kustomize
 * secretGenerator inputs, files encrypted for other recipients than
 * .sops.yaml/.sops.public.key name for their path, and files whose MAC no
 * longer matches (e.g. a namespace edited by hand after encryption).
 */
#include "cli.h"
#include "cli-opts.h"
#include "gitops/gitops-cli.h"

#include <agesops/agesops.h>
#include <agesops/age.h>
#include <agesops/gitops.h>
#include <agesops/sops.h>
#include <agesops/sops-config.h>
#include "util/buf.h"
#include "util/file.h"
#include "util/secret.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK_FILE_MAX ((size_t)64 << 20)
#define GENERATOR_SOURCE_MAX ((size_t)5 << 20) /* kustomize-controller's cap */

struct checker {
	bool mac, fix, quiet;
	struct ags_gitops_rules *rules;
	struct ags_age_identities ids;
	int ids_state; /* 0 not loaded, 1 loaded, -1 none */
	size_t problems, files, notes;
	bool mac_note_done;
};

static void report(struct checker *c, const char *path, unsigned line, enum ags_check_kind kind, const char *msg)
{
	if (kind == AGS_CHECK_NOTE) {
		c->notes++;
		if (!c->quiet) {
			if (line)
				fprintf(stdout, "%s:%u: note: %s\n", path, line, msg);
			else
				fprintf(stdout, "%s: note: %s\n", path, msg);
		}
		return;
	}
	c->problems++;
	if (line)
		fprintf(stdout, "%s:%u: %s\n", path, line, msg);
	else
		fprintf(stdout, "%s: %s\n", path, msg);
}

/* "FILE:LINE:COL: cause" of a config that does not load, FILE relative to the working directory. */
static void report_config(struct checker *c, const char *cfgpath, const char *msg)
{
	char cwd[PATH_MAX], m[AGS_DIAG_MAX + PATH_MAX];
	if (strstr(msg, cfgpath))
		snprintf(m, sizeof(m), "%s", msg);
	else
		snprintf(m, sizeof(m), "%s: %s", cfgpath, msg);
	size_t cl = getcwd(cwd, sizeof(cwd)) ? strlen(cwd) : 0;
	const char *rel = cl && !strncmp(m, cwd, cl) && m[cl] == '/' ? m + cl + 1 : m;
	c->problems++;
	fprintf(stdout, "%s\n", rel);
}

/* What path should be encrypted for; a .sops.yaml that does not load is reported (once). */
static int expected(struct checker *c, const char *path, struct ags_gitops_expected *x)
{
	struct ags_diag d = { 0 };
	int r = ags_gitops_rules_expected(c->rules, path, x, &d);
	if (r < 0)
		report(c, path, 0, AGS_CHECK_SYNTAX, d.msg[0] ? d.msg : ags_strerror(r));
	else if (x->config_error)
		report_config(c, x->config_path, x->config_error);
	return r;
}

static bool in_set(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

static const struct ags_age_identities *identities(struct checker *c)
{
	if (c->ids_state == 0) {
		struct ags_diag d = { 0 };
		c->ids_state = ags_sops_age_load_identities(NULL, &c->ids, &d) == 0 && c->ids.n ? 1 : -1;
	}
	return c->ids_state == 1 ? &c->ids : NULL;
}

/* 0: MAC fine; 1: mismatch reported; 2: could not check */
static int check_mac(struct checker *c, const char *path, const struct ags_buf *b, unsigned mac_line)
{
	const struct ags_age_identities *ids = identities(c);
	if (!ids) {
		if (!c->mac_note_done && !c->quiet)
			fprintf(stdout, "note: MACs not checked: %s\n",
				"no age identity (SOPS_AGE_KEY_FILE, SOPS_AGE_KEY, ~/.config/sops/age/keys.txt)");
		c->mac_note_done = true;
		return 2;
	}
	struct ags_diag d = { 0 };
	int r = ags_gitops_verify_mac(path, b->data, b->len, ids, &d);
	if (r == AGS_E_SOPS_NO_KEY) {
		report(c, path, mac_line, AGS_CHECK_NOTE, "MAC not checked: none of the available keys opens this file");
		return 2;
	}
	if (r == AGS_E_SOPS_MAC_MISMATCH || r == AGS_E_SOPS_MAC_NOT_FOUND) {
		report(c, path, mac_line, AGS_CHECK_MAC,
		       "MAC mismatch: values changed after encryption (a hand edit, e.g. of metadata.namespace?); "
		       "re-encrypt from the plaintext or edit with agesops edit");
		return 1;
	}
	if (r < 0) {
		char m[AGS_DIAG_MAX + 32];
		snprintf(m, sizeof(m), "cannot decrypt: %s", d.msg[0] ? d.msg : ags_strerror(r));
		report(c, path, mac_line, AGS_CHECK_MAC, m);
		return 1;
	}
	return 0;
}

static int fix_recipients(struct checker *c, const char *path, const struct ags_buf *b, char *const *want,
			  size_t nwant)
{
	const struct ags_age_identities *ids = identities(c);
	if (!ids) {
		cli_error("%s: --fix-recipients needs an age identity that opens the file", path);
		return -1;
	}
	struct ags_diag d = { 0 };
	int r = ags_gitops_rekey(path, b->data, b->len, ids, (const char *const *)want, nwant, &d);
	if (r < 0) {
		cli_error("%s: cannot re-key: %s", path, d.msg[0] ? d.msg : ags_strerror(r));
		return -1;
	}
	return 0;
}

/* The mistake that breaks Flux: sops -e without the encrypted_regex rule. */
static void report_encrypted_manifest(struct checker *c, const char *path, unsigned line, const char *regex)
{
	char m[1024];
	snprintf(m, sizeof(m),
		 "kind/metadata are encrypted, so kustomize and Flux cannot read this manifest (it was encrypted "
		 "without %s%.200s); fix: agesops decrypt -i %s && agesops encrypt -i %s, run inside the repository%s",
		 regex ? "the .sops.yaml rule's encrypted_regex: " : "an encrypted_regex",
		 regex ? regex : "", path, path,
		 regex ? "" : " after adding encrypted_regex: ^(data|stringData)$ to the .sops.yaml rule");
	report(c, path, line, AGS_CHECK_ENCRYPTED_METADATA, m);
}

static void check_refs(struct checker *c, const char *path, const struct ags_check_scan *s)
{
	/* sources are relative to the kustomization's directory */
	const char *slash = strrchr(path, '/');
	int dl = slash ? (int)(slash - path) + 1 : 0;
	for (size_t i = 0; i < s->nrefs; i++) {
		const struct ags_check_ref *ref = &s->refs[i];
		char p[PATH_MAX * 2], m[600];
		snprintf(p, sizeof(p), "%.*s%s", dl, path, ref->path);
		struct ags_buf b;
		ags_buf_init(&b, GENERATOR_SOURCE_MAX);
		int r = ags_file_read(p, &b);
		if (r < 0) {
			/* a missing source fails the kustomize build itself; one that cannot be read is not checked */
			snprintf(m, sizeof(m), "secretGenerator source '%s': %s", ref->path, ags_strerror(r));
			report(c, path, ref->line, r == -ENOENT ? AGS_CHECK_NOTE : AGS_CHECK_GENERATOR, m);
		} else {
			/* Flux picks the format from the key name (files) or the path (envs, dotenv by default) */
			const char *name = ref->key ? ref->key : ref->path;
			char envname[16] = "x.env";
			if (ref->env && !strchr(strrchr(ref->path, '/') ? strrchr(ref->path, '/') : ref->path, '.'))
				name = envname;
			if (!b.data || !ags_gitops_sops_marker(b.data, b.len, name)) {
				snprintf(m, sizeof(m), "secretGenerator %s '%s' is not SOPS-encrypted", ref->env ? "envs" : "files",
					 ref->path);
				report(c, path, ref->line, AGS_CHECK_GENERATOR, m);
			}
		}
		ags_buf_release(&b);
	}
}

static void check_file(struct checker *c, const char *path)
{
	struct ags_buf b;
	struct stat st;
	if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return; /* deleted-but-tracked files, symlinks, submodules */
	ags_buf_init(&b, CHECK_FILE_MAX);
	int r = ags_file_read(path, &b);
	if (r < 0) {
		/* fail closed: what cannot be read cannot be vouched for */
		report(c, path, 0, AGS_CHECK_SYNTAX,
		       r == AGS_E_TOO_BIG ? "larger than 64 MiB: cannot be checked" : ags_strerror(r));
		ags_buf_release(&b);
		return;
	}
	c->files++;
	if (!b.data)
		ags_buf_append(&b, "", 0);
	struct ags_check_scan s = { 0 };
	struct ags_diag d = { 0 };
	if ((r = ags_gitops_check_scan(path, b.data, b.len, &s, &d)) < 0) {
		cli_fail(r, &d, NULL);
		c->problems++;
		ags_buf_release(&b);
		return;
	}
	for (size_t i = 0; i < s.nf; i++)
		report(c, path, s.f[i].line, s.f[i].kind, s.f[i].msg);
	/* a config that does not load is an error even where no encrypted file needs it */
	const char *base = strrchr(path, '/');
	struct ags_gitops_expected x;
	if (!strcmp(base ? base + 1 : path, ".sops.yaml"))
		expected(c, path, &x);
	if (s.nrefs)
		check_refs(c, path, &s);
	if (s.sops) {
		int er = expected(c, path, &x);
		char *const *want = (char *const *)x.age;
		size_t nwant = x.nage;
		const char *src = x.source;
		if (er == 0 && s.enc_manifest_line)
			report_encrypted_manifest(c, path, s.enc_manifest_line, x.encrypted_regex);
		if (er == 0 && nwant) {
			bool same = nwant == s.nrec;
			for (size_t i = 0; same && i < s.nrec; i++)
				same = in_set(want, nwant, s.recipients[i]);
			for (size_t i = 0; same && i < nwant; i++)
				same = in_set(s.recipients, s.nrec, want[i]);
			if (!same) {
				char m[512];
				const char *other = NULL;
				for (size_t i = 0; !other && i < s.nrec; i++)
					if (!in_set(want, nwant, s.recipients[i]))
						other = s.recipients[i];
				if (other)
					snprintf(m, sizeof(m), "encrypted for %.80s, which %s does not name for this path", other, src);
				else
					snprintf(m, sizeof(m), "not encrypted for every recipient %s names for this path", src);
				if (c->fix && fix_recipients(c, path, &b, want, nwant) == 0) {
					if (!c->quiet)
						fprintf(stdout, "%s: re-keyed for the recipients of %s\n", path, src);
				} else {
					report(c, path, s.rec_line, AGS_CHECK_RECIPIENTS, m);
				}
			}
		}
		if (c->mac)
			check_mac(c, path, &b, s.mac_line);
	}
	ags_gitops_check_scan_clear(&s);
	ags_buf_release(&b);
}

static void walk(struct checker *c, const char *dir, int depth)
{
	if (depth > 64)
		return;
	DIR *d = opendir(dir);
	if (!d) {
		report(c, dir, 0, AGS_CHECK_SYNTAX, strerror(errno));
		return;
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") || !strcmp(de->d_name, ".git"))
			continue;
		char **nn = realloc(names, (n + 1) * sizeof(*nn));
		if (!nn)
			break;
		names = nn;
		if (!(names[n] = strdup(de->d_name)))
			break;
		n++;
	}
	closedir(d);
	for (size_t i = 0; i < n; i++) {
		char p[PATH_MAX];
		snprintf(p, sizeof(p), "%s/%s", strcmp(dir, ".") ? dir : ".", names[i]);
		struct stat st;
		if (lstat(p, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				walk(c, p, depth + 1);
			else if (S_ISREG(st.st_mode))
				check_file(c, p[0] == '.' && p[1] == '/' ? p + 2 : p);
		}
		free(names[i]);
	}
	free(names);
}

/* git ls-files -z [-- paths] */
static int git_files(struct checker *c)
{
	FILE *f = popen("git ls-files -z --cached --others --exclude-standard 2>/dev/null", "r");
	if (!f)
		return -1;
	struct ags_buf b;
	ags_buf_init(&b, (size_t)1 << 30);
	char tmp[65536];
	size_t n;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		if (ags_buf_append(&b, tmp, n) < 0)
			break;
	int st = pclose(f);
	if (st != 0) {
		ags_buf_release(&b);
		return -1;
	}
	for (size_t i = 0; i < b.len;) {
		const char *p = (const char *)b.data + i;
		size_t l = strnlen(p, b.len - i);
		if (l)
			check_file(c, p);
		i += l + 1;
	}
	ags_buf_release(&b);
	return 0;
}

static void usage(FILE *f)
{
	(f == stdout ? cli_help : cli_usage)(f, "check");
}

int cmd_check(int argc, char **argv)
{
	struct cli_getopt g;
	cli_getopt_init(&g, "check");
	struct checker c = { .mac = true };
	int rc;
	if (ags_gitops_rules_new(&c.rules) < 0)
		return cli_fail(AGS_E_NOMEM, NULL, NULL);
	int opt;
	while ((opt = cli_getopt(&g, argc, argv)) != -1) {
		switch (opt) {
		case OPT_NO_MAC: c.mac = false; break;
		case OPT_FIX_RECIPIENTS: c.fix = true; break;
		case 'q': c.quiet = true; break;
		case 'h': usage(stdout); rc = 0; goto out;
		default: usage(stderr); rc = EXIT_GENERIC; goto out;
		}
	}
	rc = 0;
	if (optind >= argc) {
		if (git_files(&c) < 0) {
			cli_error("not in a git work tree: give the paths to check");
			rc = EXIT_GENERIC;
		}
	} else {
		for (int i = optind; i < argc; i++) {
			struct stat st;
			if (stat(argv[i], &st) != 0) {
				cli_error("%s: %s", argv[i], strerror(errno));
				rc = EXIT_NO_FILE;
			} else if (S_ISDIR(st.st_mode)) {
				walk(&c, argv[i], 0);
			} else {
				check_file(&c, argv[i]);
			}
		}
	}
	if (!c.quiet)
		fprintf(stderr, "%s: checked %zu file%s: %zu problem%s\n", cli_progname, c.files, c.files == 1 ? "" : "s",
			c.problems, c.problems == 1 ? "" : "s");
	if (!rc && c.problems)
		rc = EXIT_GENERIC;
out:
	ags_gitops_rules_free(c.rules);
	if (c.ids_state == 1)
		ags_age_identities_clear(&c.ids);
	return rc;
}
